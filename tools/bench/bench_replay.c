// SPDX-License-Identifier: GPL-2.0
/*
 * goalloc_bench: replay of a kernel allocation trace on goalloc or SLUB.
 *
 * tools/bench/bench_trace.py compiles an ftrace kmem trace (kmalloc, kfree,
 * kmem_cache_alloc, kmem_cache_free and the _node variants) into a stream
 * of operations, deciding there what each event means and counting the
 * lines it skips; see its header for the format and the semantics.  The
 * guest writes that stream into /sys/kernel/debug/goalloc_bench/
 * replay_goalloc or replay_slub, and the module executes it as it comes,
 * chunk by chunk, so the trace is never held in memory whole and the same
 * file can be replayed any number of times:
 *
 *  - a malloc op allocates its size with goalloc_malloc() or kmalloc();
 *  - a cache op allocates from the stream's cache of that object size,
 *    a goalloc cache or a kmem_cache (never merged), made when the header
 *    arrives;
 *  - a free op frees a live object through the family that allocated it;
 *  - __GFP_ZERO is replayed, and every object of 8 bytes or more gets a
 *    word written to it.
 *
 * Only the execution of the operations is timed, not the copy of the
 * stream from user space.  Objects still live at the end of the stream are
 * freed, untimed, when the file is closed, and the result line is emitted:
 *
 *	BENCH workload=replay api=trace size=0 alloc=A round=R mode=time
 *	      ops=N cycles=C ns=T live_at_end=L failed=F
 *
 * With replay_footprint set, mode=footprint, memory is sampled after every
 * allocation, and the line also gives peak_bytes=P meta_peak_bytes=Q
 * sys_peak_bytes=S.  P is the peak, over the replay, of what the allocator
 * held beyond what it held when the replay began: for goalloc its
 * heap_inuse (bytes in spans, from goalloc_read_memstats()), for SLUB the
 * pages in slabs (the node counters NR_SLAB_UNRECLAIMABLE_B and
 * NR_SLAB_RECLAIMABLE_B, with every CPU's pending deltas, so exact to the
 * page; large kmallocs count there too).  For goalloc, Q is the same slab
 * measure (its metadata comes from kmalloc) and S is heap_sys.  Before a
 * footprint replay goalloc gives back every free page (goalloc_reclaim())
 * and SLUB's kmalloc caches are shrunk, so that neither starts on memory
 * left over from earlier workloads.  Timed replays start on whatever the
 * allocators hold, as in a running system (a goalloc emptied by
 * goalloc_reclaim() would first take, and zero, a new 4 MiB arena).
 * Sampling costs time: only mode=time runs give the time per op.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>

#include <goalloc_kcompat.h>
#include "bench.h"

#define REPLAY_MAGIC		0x54524247	/* "GBRT" */
#define REPLAY_VERSION		1
#define REPLAY_HDR_SIZE		24
#define REPLAY_OP_SIZE		8
#define REPLAY_BUF_SIZE		(64 << 10)
#define REPLAY_MAX_CACHES	4096
#define REPLAY_MAX_SLOTS	(16U << 20)
#define REPLAY_INCOMPLETE_FMT	"BENCH-ERROR workload=replay alloc=%s error=incomplete ops=%llu of=%llu"
#define REPLAY_MISUSE_FMT	"BENCH-ERROR workload=replay alloc=%s error=goalloc-misuse"
#define REPLAY_TIME_FMT		"BENCH workload=replay api=trace size=0 alloc=%s round=%u mode=time ops=%llu cycles=%llu ns=%llu live_at_end=%u failed=%llu"
#define REPLAY_FOOTPRINT_FMT	"BENCH workload=replay api=trace size=0 alloc=%s round=%u mode=footprint ops=%llu cycles=%llu ns=%llu peak_bytes=%lld meta_peak_bytes=%lld sys_peak_bytes=%lld live_at_end=%u failed=%llu"

#define REPLAY_KIND_SHIFT	30
#define REPLAY_KIND_MALLOC	0
#define REPLAY_KIND_CACHE	1
#define REPLAY_KIND_FREE	2
#define REPLAY_ZERO		BIT(29)
#define REPLAY_ARG		GENMASK(28, 0)

/* struct replay_slot.tag: free slot, malloc object, or cache index + 2. */
#define SLOT_EMPTY		0
#define SLOT_MALLOC		1
#define SLOT_CACHE0		2

struct replay_slot {
	void *obj;
	u32 tag;
};

/**
 * struct replay - one replay, from open to close
 * @ga: on goalloc (else SLUB)
 * @footprint: sample memory after every allocation
 * @have_hdr: the header has been read and the caches made
 * @buf: bytes written and not yet executed
 * @fill: bytes in @buf
 * @ncaches: caches of the stream
 * @nslots: slots of the stream
 * @nops: operations of the stream
 * @done: operations executed
 * @cache_sizes: object size of each cache
 * @caches: the caches
 * @slots: the live objects
 * @cycles: time spent executing operations
 * @failed: allocations that failed
 * @misuse: goalloc_misuse_count() at the start
 * @base: allocator's memory at the start (footprint)
 * @peak: peak of the allocator's memory beyond @base
 * @slab_base: slab memory at the start
 * @slab_peak: peak of the slab memory beyond @slab_base
 * @sys_base: goalloc's heap_sys at the start
 * @sys_peak: peak of heap_sys beyond @sys_base
 */
struct replay {
	bool ga;
	bool footprint;
	bool have_hdr;
	u8 *buf;
	size_t fill;
	u32 ncaches;
	u32 nslots;
	u64 nops;
	u64 done;
	u32 *cache_sizes;
	void **caches;
	struct replay_slot *slots;
	u64 cycles;
	u64 failed;
	unsigned long misuse;
	s64 base, peak;
	s64 slab_base, slab_peak;
	s64 sys_base, sys_peak;
};

/* The cache of a slot that holds a cache object. */
static inline void *replay_cache(struct replay *st, struct replay_slot *s)
{
	return st->caches[s->tag - SLOT_CACHE0];
}

static unsigned long replay_busy;
static bool replay_footprint;
static unsigned int replay_rounds[2][2];	/* [ga][footprint] */
/* Big (about 1.7 KiB): one for the one replay that may run at a time. */
static struct goalloc_memstats replay_ms;

/* ---- memory measures --------------------------------------------------- */

/* A CPU's delta of a node counter, not yet added to the node's. */
static long node_diff(struct pglist_data *pgdat, int cpu,
		      enum node_stat_item item)
{
	struct per_cpu_nodestat *ns = per_cpu_ptr(pgdat->per_cpu_nodestats, cpu);

	return ns->vm_node_stat_diff[item];
}

/* Bytes in slab pages, every node, with every CPU's pending deltas. */
static s64 slab_bytes(void)
{
	static const enum node_stat_item items[] = {
		NR_SLAB_UNRECLAIMABLE_B, NR_SLAB_RECLAIMABLE_B
	};
	long pages = 0;
	unsigned int i;
	int nid, cpu;

	for_each_online_node(nid) {
		struct pglist_data *pgdat = NODE_DATA(nid);

		for (i = 0; i < ARRAY_SIZE(items); i++) {
			pages += atomic_long_read(&pgdat->vm_stat[items[i]]);
			for_each_online_cpu(cpu)
				pages += node_diff(pgdat, cpu, items[i]);
		}
	}
	return (s64)pages << PAGE_SHIFT;
}

static void sample_goalloc(struct replay *st)
{
	goalloc_read_memstats(&replay_ms);
	st->peak = max(st->peak, (s64)replay_ms.heap_inuse - st->base);
	st->sys_peak = max(st->sys_peak,
			   (s64)replay_ms.heap_sys - st->sys_base);
	st->slab_peak = max(st->slab_peak, slab_bytes() - st->slab_base);
}

static void sample_slub(struct replay *st)
{
	st->peak = max(st->peak, slab_bytes() - st->base);
}

/* ---- executing operations ---------------------------------------------- */

static __always_inline int replay_ops(bool ga, bool fp, struct replay *st,
				      const u8 *p, unsigned long n)
{
	struct replay_slot *s;
	unsigned long i;
	u32 slot, word, arg;
	gfp_t gfp;
	void *obj;

	for (i = 0; i < n; i++, p += REPLAY_OP_SIZE) {
		slot = get_unaligned_le32(p);
		word = get_unaligned_le32(p + 4);
		if (unlikely(slot >= st->nslots))
			return -EINVAL;
		s = &st->slots[slot];
		arg = word & REPLAY_ARG;
		gfp = GFP_KERNEL | (word & REPLAY_ZERO ? __GFP_ZERO : 0);
		switch (word >> REPLAY_KIND_SHIFT) {
		case REPLAY_KIND_MALLOC:
			if (unlikely(s->tag != SLOT_EMPTY))
				return -EINVAL;
			obj = bench_malloc(ga, arg, gfp);
			if (obj && arg >= sizeof(long))
				bench_touch(obj, i);
			s->tag = SLOT_MALLOC;
			break;
		case REPLAY_KIND_CACHE:
			if (unlikely(s->tag != SLOT_EMPTY ||
				     arg >= st->ncaches))
				return -EINVAL;
			obj = bench_cache_alloc(ga, st->caches[arg], gfp);
			if (obj && st->cache_sizes[arg] >= sizeof(long))
				bench_touch(obj, i);
			s->tag = SLOT_CACHE0 + arg;
			break;
		case REPLAY_KIND_FREE:
			if (unlikely(s->tag == SLOT_EMPTY))
				return -EINVAL;
			/* s->obj is NULL if its allocation failed. */
			obj = s->obj;
			if (s->tag == SLOT_MALLOC)
				bench_free(ga, obj);
			else if (obj)
				bench_cache_free(ga, replay_cache(st, s), obj);
			s->tag = SLOT_EMPTY;
			s->obj = NULL;
			continue;
		default:
			return -EINVAL;
		}
		s->obj = obj;
		if (unlikely(!obj))
			st->failed++;
		if (fp) {
			if (ga)
				sample_goalloc(st);
			else
				sample_slub(st);
		}
	}
	return 0;
}

/* Each allocator, timed or sampling its footprint: a copy each (bench.h). */
#define REPLAY_PARAMS	(struct replay *st, const u8 *p, unsigned long n)
#define REPLAY_ARGS	(st, p, n)
BENCH_VARIANT(replay, _ga_time, replay_ops, true, false, REPLAY_PARAMS, REPLAY_ARGS)
BENCH_VARIANT(replay, _sl_time, replay_ops, false, false, REPLAY_PARAMS, REPLAY_ARGS)
BENCH_VARIANT(replay, _ga_footprint, replay_ops, true, true, REPLAY_PARAMS, REPLAY_ARGS)
BENCH_VARIANT(replay, _sl_footprint, replay_ops, false, true, REPLAY_PARAMS, REPLAY_ARGS)

static int replay_run(struct replay *st, const u8 *p, unsigned long n)
{
	u64 t0 = bench_cycles();
	int ret;

	if (st->footprint)
		ret = st->ga ? replay_ga_footprint(st, p, n) :
			       replay_sl_footprint(st, p, n);
	else
		ret = st->ga ? replay_ga_time(st, p, n) :
			       replay_sl_time(st, p, n);
	st->cycles += bench_cycles() - t0;
	st->done += n;
	return ret;
}

/* ---- the stream -------------------------------------------------------- */

/* Give back the memory earlier workloads left in the allocator. */
static void replay_settle(bool ga)
{
	unsigned int i;

	if (ga) {
		goalloc_reclaim();
		return;
	}
	for (i = 0; i <= KMALLOC_SHIFT_HIGH; i++) {
		if (kmalloc_caches[KMALLOC_NORMAL][i])
			kmem_cache_shrink(kmalloc_caches[KMALLOC_NORMAL][i]);
	}
}

/* The header is in st->buf: check it, make the slots and the caches. */
static int replay_setup(struct replay *st, size_t *hdr_size)
{
	const u8 *h = st->buf;
	u32 i;

	if (get_unaligned_le32(h) != REPLAY_MAGIC ||
	    get_unaligned_le32(h + 4) != REPLAY_VERSION) {
		pr_err("replay: not a version %u stream of bench_trace.py\n",
		       REPLAY_VERSION);
		return -EINVAL;
	}
	st->ncaches = get_unaligned_le32(h + 8);
	st->nslots = get_unaligned_le32(h + 12);
	st->nops = get_unaligned_le64(h + 16);
	if (st->ncaches > REPLAY_MAX_CACHES || st->nslots > REPLAY_MAX_SLOTS) {
		pr_err("replay: %u caches, %u slots: too many\n", st->ncaches,
		       st->nslots);
		return -E2BIG;
	}
	*hdr_size = REPLAY_HDR_SIZE + (size_t)st->ncaches * sizeof(u32);
	if (st->fill < *hdr_size)
		return -EAGAIN;

	st->slots = vcalloc(max(st->nslots, 1U), sizeof(*st->slots));
	st->caches = vcalloc(max(st->ncaches, 1U), sizeof(*st->caches));
	st->cache_sizes = vcalloc(max(st->ncaches, 1U), sizeof(u32));
	if (!st->slots || !st->caches || !st->cache_sizes)
		return -ENOMEM;
	if (st->footprint)
		replay_settle(st->ga);
	for (i = 0; i < st->ncaches; i++) {
		u32 size = get_unaligned_le32(h + REPLAY_HDR_SIZE + 4 * i);

		if (!size || size > GOALLOC_MAX_SIZE)
			return -EINVAL;
		st->cache_sizes[i] = size;
		st->caches[i] = bench_cache_create(st->ga, size);
		if (!st->caches[i])
			return -ENOMEM;
	}
	st->misuse = goalloc_misuse_count();
	st->slab_base = slab_bytes();
	if (st->ga) {
		goalloc_read_memstats(&replay_ms);
		st->base = replay_ms.heap_inuse;
		st->sys_base = replay_ms.heap_sys;
	} else {
		st->base = st->slab_base;
	}
	st->have_hdr = true;
	return 0;
}

/* Execute every whole operation in st->buf; keep the partial one. */
static int replay_consume(struct replay *st)
{
	size_t pos = 0, left;
	unsigned long n;
	int ret;

	if (!st->have_hdr) {
		if (st->fill < REPLAY_HDR_SIZE)
			return 0;
		ret = replay_setup(st, &pos);
		if (ret == -EAGAIN)
			return 0;
		if (ret)
			return ret;
	}
	n = (st->fill - pos) / REPLAY_OP_SIZE;
	if (n > st->nops - st->done) {
		pr_err("replay: data after the last operation\n");
		return -EINVAL;
	}
	ret = n ? replay_run(st, st->buf + pos, n) : 0;
	if (ret) {
		pr_err("replay: bad operation near %llu\n", st->done);
		return ret;
	}
	pos += n * REPLAY_OP_SIZE;
	left = st->fill - pos;
	memmove(st->buf, st->buf + pos, left);
	st->fill = left;
	return 0;
}

static ssize_t replay_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct replay *st = file->private_data;
	size_t done = 0, n;
	int ret;

	while (done < count) {
		n = min(count - done, REPLAY_BUF_SIZE - st->fill);
		if (copy_from_user(st->buf + st->fill, ubuf + done, n))
			return -EFAULT;
		st->fill += n;
		done += n;
		ret = replay_consume(st);
		if (ret)
			return ret;
		cond_resched();
	}
	*ppos += count;
	return count;
}

static int replay_open(struct inode *inode, struct file *file, bool ga)
{
	struct replay *st;

	if (test_and_set_bit(0, &replay_busy))
		return -EBUSY;
	st = vzalloc(sizeof(*st));
	if (st)
		st->buf = vmalloc(REPLAY_BUF_SIZE);
	if (!st || !st->buf) {
		vfree(st);
		clear_bit(0, &replay_busy);
		return -ENOMEM;
	}
	st->ga = ga;
	st->footprint = READ_ONCE(replay_footprint);
	file->private_data = st;
	return nonseekable_open(inode, file);
}

static int replay_open_goalloc(struct inode *inode, struct file *file)
{
	return replay_open(inode, file, true);
}

static int replay_open_slub(struct inode *inode, struct file *file)
{
	return replay_open(inode, file, false);
}

/* Free what is still live, destroy the caches, report. */
static int replay_release(struct inode *inode, struct file *file)
{
	struct replay *st = file->private_data;
	unsigned int round = replay_rounds[st->ga][st->footprint]++;
	unsigned int live = 0;
	u32 i;

	for (i = 0; st->slots && i < st->nslots; i++) {
		struct replay_slot *s = &st->slots[i];

		if (s->tag == SLOT_EMPTY)
			continue;
		live++;
		if (s->tag == SLOT_MALLOC)
			bench_free(st->ga, s->obj);
		else if (s->obj)
			bench_cache_free(st->ga, replay_cache(st, s), s->obj);
	}
	for (i = 0; st->caches && i < st->ncaches; i++) {
		if (st->caches[i])
			bench_cache_destroy(st->ga, st->caches[i]);
	}
	if (!st->have_hdr || st->done != st->nops || st->fill) {
		bench_emit(REPLAY_INCOMPLETE_FMT, bench_name(st->ga), st->done,
			   st->nops);
	} else if (goalloc_misuse_count() != st->misuse) {
		bench_emit(REPLAY_MISUSE_FMT, bench_name(st->ga));
	} else if (st->footprint) {
		bench_emit(REPLAY_FOOTPRINT_FMT, bench_name(st->ga), round,
			   st->done, st->cycles,
			   bench_cycles_to_ns(st->cycles), st->peak,
			   st->slab_peak, st->sys_peak, live, st->failed);
	} else {
		bench_emit(REPLAY_TIME_FMT, bench_name(st->ga), round,
			   st->done, st->cycles,
			   bench_cycles_to_ns(st->cycles), live, st->failed);
	}
	vfree(st->slots);
	vfree(st->caches);
	vfree(st->cache_sizes);
	vfree(st->buf);
	vfree(st);
	clear_bit(0, &replay_busy);
	return 0;
}

static const struct file_operations replay_goalloc_fops = {
	.owner = THIS_MODULE,
	.open = replay_open_goalloc,
	.write = replay_write,
	.release = replay_release,
	.llseek = noop_llseek,
};

static const struct file_operations replay_slub_fops = {
	.owner = THIS_MODULE,
	.open = replay_open_slub,
	.write = replay_write,
	.release = replay_release,
	.llseek = noop_llseek,
};

void bench_replay_init(struct dentry *dir)
{
	debugfs_create_file("replay_goalloc", 0200, dir, NULL,
			    &replay_goalloc_fops);
	debugfs_create_file("replay_slub", 0200, dir, NULL, &replay_slub_fops);
	debugfs_create_bool("replay_footprint", 0600, dir, &replay_footprint);
}
