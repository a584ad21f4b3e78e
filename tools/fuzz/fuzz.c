// SPDX-License-Identifier: GPL-2.0
/*
 * goalloc_fuzz: a model-based misuse fuzzer of goalloc, through nothing
 * but include/goalloc.h.
 *
 * From a seed, contexts on every online CPU (a kthread bound to it, an
 * hrtimer in hard-IRQ context, a timer_list in softirq context, both with
 * GFP_ATOMIC) drive a random mix of valid operations (every API: malloc,
 * calloc, malloc_node, realloc, caches with and without constructor or
 * GOALLOC_TYPESAFE_BY_RCU, bulk, free_rcu) and misuse (enum fz_kind, every
 * bad input of issue 10) against a shadow model of what must be live:
 *
 *  - every live object has a record in one global interval tree (an rbtree
 *    of [p, p + size) under a raw spinlock): an allocation that overlaps a
 *    live object is memory handed out twice ("overlap");
 *  - every live object is stamped over its whole size with a pattern made
 *    from its id and the seed, checked before it is freed and at random
 *    times ("stamp");
 *  - every misuse adds the reports it must cause to its context's count;
 *    at each barrier (every phase_ms: all contexts paused, then
 *    goalloc_rcu_barrier() and goalloc_reclaim(), so that reports a flush
 *    makes have been made) and at the end, the growth of
 *    goalloc_misuse_count() must equal the sum ("misuse count");
 *  - a misuse whose return value is fixed (goalloc_size() 0,
 *    goalloc_realloc() and a bad node's allocation NULL) is checked at
 *    once ("return");
 *  - at the end everything is freed, and HeapObjects, HeapAlloc and
 *    LargeObjects must be back at their baseline ("stats").
 *
 * A misuse is never of an object live in the model, and never of an
 * address another context might be handed meanwhile, since goalloc could
 * not tell that from a valid free: double frees and their kin use caches
 * private to one context (only it allocates from them), and a freed
 * address is used with goalloc_free() or goalloc_realloc() only while a
 * live object of the same cache in the same 8 KiB page keeps the span in
 * place (else through the cache API, whose wrong-cache check covers a
 * page taken by another cache since).  Misuse of the shared malloc
 * classes and of large objects runs exclusively: every other context
 * pauses (the kthreads wait, the timers skip a turn) between the first
 * free and the last misuse.  A misused address never goes back into the
 * model; what goalloc hands out afterwards is checked like anything else.
 *
 * The module prints its seed and parameters first, one line, so that a
 * run can be repeated ("insmod goalloc_fuzz.ko seed=S ..."); each
 * context's choices follow from the seed and its id, the interleaving of
 * the contexts does not (threads=1 irq=0 is the most repeatable form).
 * The first divergences are printed with the check, the context, its
 * operation number and the seed; stop_on_divergence (default) ends the
 * round there.  Then one summary line, "goalloc_fuzz: seed S ops N misuse M
 * divergences D", and "goalloc_fuzz: PASS" or "FAIL", also in
 * /sys/kernel/debug/goalloc_fuzz/result.  The module loads either way
 * (busybox insmod would run a failed init twice).
 */
#define pr_fmt(fmt) "goalloc_fuzz: " fmt

#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/nodemask.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/rbtree.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/vmalloc.h>

#include <goalloc.h>
#include <goalloc_round.h>
#include <goalloc_stamp.h>

MODULE_IMPORT_NS(GOALLOC_NS);

/* The misuse kinds; bit k of the kinds parameter enables kind k. */
enum fz_kind {
	FZ_K_DOUBLE,		/* free a, free others, free a (later, too) */
	FZ_K_DOUBLE_MANY,	/* free a, hundreds of frees, an alloc, free a */
	FZ_K_DOUBLE_MALLOC,	/* the same on a malloc class or tiny (excl.) */
	FZ_K_NEVER,		/* free of a + size, a slot never handed out */
	FZ_K_TAIL,		/* last + size, in the span's tail */
	FZ_K_INTERIOR,		/* a pointer inside a live object */
	FZ_K_KMALLOC,		/* a pointer from kmalloc */
	FZ_K_STACK,		/* a stack address */
	FZ_K_LARGE,		/* a freed large object freed again (excl.) */
	FZ_K_WRONG_CACHE,	/* a live object freed to another cache */
	FZ_K_BULK_SAME,		/* one pointer twice in one bulk free */
	FZ_K_BULK_LATER,	/* a freed pointer in a later bulk free */
	FZ_K_REALLOC_FREED,	/* goalloc_realloc() of a freed pointer */
	FZ_K_SIZE_FREED,	/* goalloc_size() of a freed pointer */
	FZ_K_RCU_FOREIGN,	/* goalloc_free_rcu() of kmalloc memory */
	FZ_K_RCU_THEN_FREE,	/* goalloc_free_rcu(p), then goalloc_free(p) */
	FZ_K_SHRINK,		/* double free, then goalloc_cache_shrink() */
	FZ_K_NODE,		/* a node >= MAX_NUMNODES or < NUMA_NO_NODE */
	FZ_NKINDS
};

static const char *const fz_kind_name[FZ_NKINDS] = {
	"double", "double_many", "double_malloc", "never_handed_out", "tail",
	"interior", "kmalloc", "stack", "large_double", "wrong_cache",
	"bulk_same", "bulk_later", "realloc_freed", "size_freed",
	"rcu_foreign", "rcu_then_free", "shrink_double", "bad_node",
};

#define FZ_ALL_KINDS	(BIT(FZ_NKINDS) - 1)

GOALLOC_ROUND_PARAM(ulong, seed, 0, "the seed (0: a random one, printed)");
GOALLOC_ROUND_PARAM(uint, seconds, 10, "seconds of fuzzing on load (0: none)");
GOALLOC_ROUND_PARAM(ulong, ops, 0, "steps per kthread at most (0: no limit but seconds)");
GOALLOC_ROUND_PARAM(uint, threads, 0, "kthreads, one per CPU (0: every online CPU)");
GOALLOC_ROUND_PARAM(uint, misuse, 5, "percent of steps that are misuse");
GOALLOC_ROUND_PARAM(ulong, kinds, FZ_ALL_KINDS,
		    "bitmask of misuse kinds, bit k = enum fz_kind k (default all 18)");
GOALLOC_ROUND_PARAM(bool, irq, true, "run the hard-IRQ and softirq contexts");
GOALLOC_ROUND_PARAM(uint, phase_ms, 1000, "a barrier (misuse count checked) every this many ms");
GOALLOC_ROUND_PARAM(uint, irq_period_us, 1000, "period of the hard-IRQ timers (us)");
GOALLOC_ROUND_PARAM(bool, stop_on_divergence, true, "end the round at the first divergence");

#define FZ_KT_LIVE	256	/* objects a kthread holds */
#define FZ_IRQ_LIVE	32	/* objects a timer holds */
#define FZ_KT_SCRATCH	1024	/* objects a kthread's misuse may hold */
#define FZ_IRQ_SCRATCH	64
#define FZ_FREED	16	/* freed addresses kept per private cache */
#define FZ_DEFER	16	/* kmalloc memory passed to free_rcu */
#define FZ_RCU_PENDING	256	/* private objects passed to free_rcu */
#define FZ_NPOOLS	4
#define FZ_POOL		128
#define FZ_BULK		16
#define FZ_IRQ_STEPS	2
#define FZ_PAGE		8192	/* goalloc's page: a span's unit */
#define FZ_MAX_PRINT	8	/* divergences printed */

enum fz_type { FZ_KTHREAD, FZ_HARDIRQ, FZ_SOFTIRQ, FZ_NTYPES };
static const char *const fz_type_name[] = { "kthread", "hardirq", "softirq" };

/* Each context's own caches: nobody else allocates from them. */
enum fz_priv { FZ_P_SMALL, FZ_P_TAIL, FZ_P_CTOR, FZ_P_RCU, FZ_P_BIG,
	       FZ_NPRIV };

static const struct fz_cache_def {
	const char *name;
	u32 size;
	u32 flags;
	bool ctor;
} fz_priv_def[FZ_NPRIV] = {
	[FZ_P_SMALL] = { "small", 72, 0, false },
	/* 170 objects per 8 KiB span, a 32-byte tail. */
	[FZ_P_TAIL] = { "tail", 48, 0, false },
	[FZ_P_CTOR] = { "ctor", 200, GOALLOC_HWCACHE_ALIGN, true },
	[FZ_P_RCU] = { "rcu", 96, GOALLOC_TYPESAFE_BY_RCU, false },
	/* One object per span: a span goes when its object does. */
	[FZ_P_BIG] = { "big", 40 << 10, 0, false },
};

#define FZ_TAIL_SIZE	48

struct fz_obj {
	struct rb_node rb;
	void *p;
	struct goalloc_cache *cache;	/* NULL: the malloc family */
	u64 id;
	u32 size;
	s8 priv;			/* the owner's private cache, or -1 */
	struct fz_obj *next;		/* the free list of records */
};

struct fz_ctx {
	u32 id;			/* type << 12 | cpu */
	u8 type;
	int cpu;
	struct rnd_state rnd;
	u64 seq, step;
	unsigned int nlive, maxlive, maxscratch;
	struct fz_obj **live;
	struct fz_obj **scratch;
	struct goalloc_cache *priv[FZ_NPRIV];
	void *freed[FZ_NPRIV][FZ_FREED];
	unsigned int nfreed[FZ_NPRIV];
	void *deferred[FZ_DEFER];
	unsigned int ndeferred;
	/*
	 * Private objects passed to goalloc_free_rcu() since the last
	 * barrier: out of the model but still allocated for goalloc, so
	 * that no misuse may take them for free slots.
	 */
	void *rcu_pending[FZ_RCU_PENDING];
	u32 rcu_pending_size[FZ_RCU_PENDING];
	unsigned int nrcu_pending;
	/* Written by the context only, read at barriers and the end. */
	u64 ops, allocs, frees, failures, checks, skipped;
	u64 injected;
	u64 kind_injected[FZ_NKINDS];
	struct task_struct *task;
	struct hrtimer hrt;
	struct timer_list tl;
};

struct fz_pool {
	spinlock_t lock;	/* any context, interrupts off */
	unsigned int n;
	struct fz_obj *objs[FZ_POOL];
};

static u64 fz_seed;
static struct fz_ctx *fz_ctxs;		/* FZ_NTYPES per possible CPU */
static struct goalloc_cache *fz_shared, *fz_shared_ctor;
static struct fz_pool fz_pools[FZ_NPOOLS];
static struct fz_obj *fz_recs, *fz_free_recs;
static size_t fz_nrecs;
static struct rb_root fz_tree = RB_ROOT;
static DEFINE_RAW_SPINLOCK(fz_lock);	/* fz_tree and fz_free_recs */
static atomic_t fz_active, fz_excl, fz_running;
static atomic_long_t fz_divergences;
static bool fz_stop;
static struct dentry *fz_debugfs;

static u32 fz_rand(struct fz_ctx *c, u32 n)
{
	return n ? prandom_u32_state(&c->rnd) % n : 0;
}

static gfp_t fz_gfp(struct fz_ctx *c)
{
	if (c->type != FZ_KTHREAD)
		return GFP_ATOMIC | __GFP_NOWARN;
	return (fz_rand(c, 8) ? GFP_KERNEL : GFP_NOWAIT) | __GFP_NOWARN;
}

/* ---- Divergences -------------------------------------------------------- */

static __printf(3, 4) void fz_diverge(struct fz_ctx *c, const char *check,
				      const char *fmt, ...)
{
	long n = atomic_long_inc_return(&fz_divergences);
	struct va_format vaf;
	va_list args;

	if (stop_on_divergence)
		WRITE_ONCE(fz_stop, true);
	if (n > FZ_MAX_PRINT)
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	if (c)
		pr_err("divergence %ld (%s) in %s/%d at step %llu, seed %llu: %pV\n",
		       n, check, fz_type_name[c->type], c->cpu, c->step,
		       fz_seed, &vaf);
	else
		pr_err("divergence %ld (%s), seed %llu: %pV\n", n, check,
		       fz_seed, &vaf);
	va_end(args);
}

/* ---- The model: records, the tree of live ranges, stamps ---------------- */

static struct fz_obj *fz_rec_get(void)
{
	struct fz_obj *o;
	unsigned long flags;

	raw_spin_lock_irqsave(&fz_lock, flags);
	o = fz_free_recs;
	if (o)
		fz_free_recs = o->next;
	raw_spin_unlock_irqrestore(&fz_lock, flags);
	return o;
}

static void fz_rec_put(struct fz_obj *o)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&fz_lock, flags);
	o->next = fz_free_recs;
	fz_free_recs = o;
	raw_spin_unlock_irqrestore(&fz_lock, flags);
}

/* Add @o's range; false (a divergence) if it overlaps a live object. */
static bool fz_insert(struct fz_ctx *c, struct fz_obj *o)
{
	struct rb_node **link = &fz_tree.rb_node, *parent = NULL;
	unsigned long a = (unsigned long)o->p, b = a + o->size;
	struct fz_obj old = {};
	bool overlap = false;
	unsigned long flags;

	raw_spin_lock_irqsave(&fz_lock, flags);
	while (*link) {
		struct fz_obj *n = rb_entry(*link, struct fz_obj, rb);
		unsigned long na = (unsigned long)n->p;

		parent = *link;
		if (b <= na) {
			link = &parent->rb_left;
		} else if (na + n->size <= a) {
			link = &parent->rb_right;
		} else {
			old = *n;
			overlap = true;
			break;
		}
	}
	if (!overlap) {
		rb_link_node(&o->rb, parent, link);
		rb_insert_color(&o->rb, &fz_tree);
	}
	raw_spin_unlock_irqrestore(&fz_lock, flags);
	if (overlap)
		fz_diverge(c, "overlap",
			   "goalloc handed out %p (%u bytes, cache %s) while %p (%u bytes, id %#llx, owner %s/%llu) is live",
			   o->p, o->size, o->cache ? "private/shared" : "malloc",
			   old.p, old.size, old.id,
			   fz_type_name[(old.id >> 52) & 0xf],
			   (old.id >> 40) & 0xfff);
	return !overlap;
}

static void fz_erase(struct fz_obj *o)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&fz_lock, flags);
	rb_erase(&o->rb, &fz_tree);
	raw_spin_unlock_irqrestore(&fz_lock, flags);
}

/* Is any byte of [p, p + n) live in the model? */
static bool fz_is_live(const void *p, size_t n)
{
	struct rb_node *node;
	unsigned long a = (unsigned long)p, b = a + n, flags;
	bool live = false;

	raw_spin_lock_irqsave(&fz_lock, flags);
	node = fz_tree.rb_node;
	while (node) {
		struct fz_obj *o = rb_entry(node, struct fz_obj, rb);
		unsigned long oa = (unsigned long)o->p;

		if (b <= oa) {
			node = node->rb_left;
		} else if (oa + o->size <= a) {
			node = node->rb_right;
		} else {
			live = true;
			break;
		}
	}
	raw_spin_unlock_irqrestore(&fz_lock, flags);
	return live;
}

static void fz_rcu_pending_add(struct fz_ctx *c, void *p, u32 size)
{
	if (c->nrcu_pending >= FZ_RCU_PENDING)
		return;
	c->rcu_pending[c->nrcu_pending] = p;
	c->rcu_pending_size[c->nrcu_pending++] = size;
}

/* Is @p inside a private object of @c waiting for its grace period? */
static bool fz_is_rcu_pending(struct fz_ctx *c, const void *p)
{
	unsigned int i;

	for (i = 0; i < c->nrcu_pending; i++)
		if (p >= c->rcu_pending[i] &&
		    p < c->rcu_pending[i] + c->rcu_pending_size[i])
			return true;
	return false;
}

/* The stamp of @o: goalloc_stamp.h's pattern, seeded by its id and the run. */
static void fz_stamp(const struct fz_obj *o)
{
	goalloc_stamp(o->p, o->size, o->id ^ fz_seed);
}

/* Check that the first @n bytes of @o hold its pattern. */
static bool fz_check(struct fz_ctx *c, const struct fz_obj *o, size_t n)
{
	size_t off = goalloc_stamp_damage(o->p, n, o->id ^ fz_seed);

	c->checks++;
	if (off == n)
		return true;
	fz_diverge(c, "stamp",
		   "object %p (%u bytes, id %#llx, %s) damaged at offset %zu",
		   o->p, o->size, o->id, o->cache ? "cache" : "malloc", off);
	return false;
}

/* ---- Objects: tracked on allocation, untracked before their free -------- */

static void fz_freed_forget(struct fz_ctx *c, int pi, const void *p)
{
	unsigned int i;

	for (i = 0; i < c->nfreed[pi]; i++) {
		if (c->freed[pi][i] == p) {
			c->freed[pi][i] = c->freed[pi][--c->nfreed[pi]];
			return;
		}
	}
}

static void fz_freed_add(struct fz_ctx *c, int pi, void *p)
{
	unsigned int i;

	for (i = 0; i < c->nfreed[pi]; i++)
		if (c->freed[pi][i] == p)
			return;
	if (c->nfreed[pi] < FZ_FREED)
		c->freed[pi][c->nfreed[pi]++] = p;
	else
		c->freed[pi][fz_rand(c, FZ_FREED)] = p;
}

/*
 * A fresh object from goalloc: into the model (NULL if it overlaps a live
 * one: the divergence is reported, the memory left alone) and stamped.
 */
static struct fz_obj *fz_track(struct fz_ctx *c, void *p, u32 size,
			       struct goalloc_cache *cache, int pi)
{
	struct fz_obj *o;

	if (!p) {
		c->failures++;
		return NULL;
	}
	if (pi >= 0)
		fz_freed_forget(c, pi, p);
	o = fz_rec_get();
	if (!o) {
		/* No record: free it at once, unchecked. */
		if (cache)
			goalloc_cache_free(cache, p);
		else
			goalloc_free(p);
		c->skipped++;
		return NULL;
	}
	o->p = p;
	o->size = size;
	o->cache = cache;
	o->priv = pi;
	o->id = (u64)c->id << 40 | (c->seq++ & GENMASK_ULL(39, 0));
	if (!fz_insert(c, o)) {
		fz_rec_put(o);
		return NULL;
	}
	c->allocs++;
	if (fz_rand(c, 8) == 0 && goalloc_size(p) < size)
		fz_diverge(c, "return", "goalloc_size(%p) = %zu < %u",
			   p, goalloc_size(p), size);
	fz_stamp(o);
	return o;
}

/*
 * Out of the model before goalloc sees the free, so that nobody can be
 * handed @o's memory while it is still in the tree.  Returns the pointer.
 */
static void *fz_untrack(struct fz_ctx *c, struct fz_obj *o)
{
	void *p = o->p;

	fz_check(c, o, o->size);
	fz_erase(o);
	fz_rec_put(o);
	c->frees++;
	return p;
}

enum fz_how { FZ_FREE, FZ_CACHE_FREE, FZ_RCU };

/* A valid free of @o by @how; private objects join the freed list. */
static void fz_release(struct fz_ctx *c, struct fz_obj *o, enum fz_how how)
{
	struct goalloc_cache *cache = o->cache;
	int pi = o->priv;
	void *p;

	if (how == FZ_CACHE_FREE && !cache)
		how = FZ_FREE;
	if (how == FZ_RCU && (o->size < sizeof(struct rcu_head) ||
			      !IS_ALIGNED((unsigned long)o->p, 8) ||
			      (pi >= 0 && c->nrcu_pending >= FZ_RCU_PENDING)))
		how = FZ_FREE;
	p = fz_untrack(c, o);
	switch (how) {
	case FZ_FREE:
		goalloc_free(p);
		break;
	case FZ_CACHE_FREE:
		goalloc_cache_free(cache, p);
		break;
	case FZ_RCU:
		if (pi >= 0)
			fz_rcu_pending_add(c, p, goalloc_cache_size(cache));
		__goalloc_free_rcu(p);
		return;
	}
	if (pi >= 0)
		fz_freed_add(c, pi, p);
}

static void fz_keep(struct fz_ctx *c, struct fz_obj *o)
{
	if (c->nlive < c->maxlive)
		c->live[c->nlive++] = o;
	else
		fz_release(c, o, FZ_CACHE_FREE);
}

static struct fz_obj *fz_take(struct fz_ctx *c, unsigned int i)
{
	struct fz_obj *o = c->live[i];

	c->live[i] = c->live[--c->nlive];
	return o;
}

/* A random live object of private cache @pi (-2: any), or -1. */
static int fz_pick(struct fz_ctx *c, int pi, bool (*ok)(struct fz_obj *))
{
	unsigned int i, j, start;

	if (!c->nlive)
		return -1;
	start = fz_rand(c, c->nlive);
	for (i = 0; i < c->nlive; i++) {
		j = (start + i) % c->nlive;
		if ((pi == -2 || c->live[j]->priv == pi) &&
		    (!ok || ok(c->live[j])))
			return j;
	}
	return -1;
}

static bool fz_same_page(const void *a, const void *b)
{
	return ((unsigned long)a & ~(FZ_PAGE - 1UL)) ==
	       ((unsigned long)b & ~(FZ_PAGE - 1UL));
}

/*
 * A live object of private cache @pi in @p's 8 KiB page keeps @p's span in
 * place (a page is in one span), so that @p is still a free slot of it.
 */
static bool fz_anchored(struct fz_ctx *c, int pi, const void *p)
{
	unsigned int i;

	for (i = 0; i < c->nlive; i++) {
		struct fz_obj *o = c->live[i];

		if (o->priv == pi && o->p != p && fz_same_page(o->p, p))
			return true;
	}
	return false;
}

static struct fz_obj *fz_priv_alloc(struct fz_ctx *c, int pi)
{
	void *p = goalloc_cache_alloc(c->priv[pi], fz_gfp(c));

	return fz_track(c, p, fz_priv_def[pi].size, c->priv[pi], pi);
}

/* Mostly small sizes, some tiny, a few large (kthreads only). */
static u32 fz_size(struct fz_ctx *c)
{
	u32 r = fz_rand(c, 100);

	if (r < 25)
		return 1 + fz_rand(c, 15);
	if (r < 65)
		return 16 + fz_rand(c, 240);
	if (r < 90)
		return 16 + fz_rand(c, 4096 - 16);
	if (r < 98 || c->type != FZ_KTHREAD)
		return 16 + fz_rand(c, SZ_32K - 16);
	return SZ_32K + 1 + fz_rand(c, SZ_256K);
}

/* ---- Valid operations --------------------------------------------------- */

static struct fz_obj *fz_alloc_any(struct fz_ctx *c, bool *poolable)
{
	gfp_t gfp = fz_gfp(c);
	u32 r = fz_rand(c, 100), size;
	int pi;

	*poolable = true;
	if (r < 45) {
		size = fz_size(c);
		r = fz_rand(c, 10);
		if (r == 0)
			return fz_track(c, goalloc_calloc(1, size, gfp), size,
					NULL, -1);
		if (r == 1)
			return fz_track(c, goalloc_malloc(size, gfp | __GFP_ZERO),
					size, NULL, -1);
		if (r == 2)
			return fz_track(c, goalloc_malloc_node(size, gfp,
					fz_rand(c, 2) ? NUMA_NO_NODE :
					numa_node_id()), size, NULL, -1);
		return fz_track(c, goalloc_malloc(size, gfp), size, NULL, -1);
	}
	if (r < 60)
		return fz_track(c, goalloc_cache_alloc(fz_shared, gfp),
				goalloc_cache_size(fz_shared), fz_shared, -1);
	if (r < 65)
		return fz_track(c, goalloc_cache_alloc_node(fz_shared_ctor, gfp,
				fz_rand(c, 2) ? NUMA_NO_NODE : numa_node_id()),
				goalloc_cache_size(fz_shared_ctor),
				fz_shared_ctor, -1);
	*poolable = false;
	pi = fz_rand(c, c->type == FZ_KTHREAD && fz_rand(c, 8) == 0 ?
		     FZ_NPRIV : FZ_P_BIG);
	return fz_priv_alloc(c, pi);
}

static bool fz_pool_push(struct fz_ctx *c, struct fz_obj *o)
{
	struct fz_pool *pool = &fz_pools[fz_rand(c, FZ_NPOOLS)];
	unsigned long flags;
	bool ok = false;

	spin_lock_irqsave(&pool->lock, flags);
	if (pool->n < FZ_POOL) {
		pool->objs[pool->n++] = o;
		ok = true;
	}
	spin_unlock_irqrestore(&pool->lock, flags);
	return ok;
}

static struct fz_obj *fz_pool_pop(struct fz_ctx *c)
{
	struct fz_pool *pool = &fz_pools[fz_rand(c, FZ_NPOOLS)];
	struct fz_obj *o = NULL;
	unsigned long flags;

	spin_lock_irqsave(&pool->lock, flags);
	if (pool->n)
		o = pool->objs[--pool->n];
	spin_unlock_irqrestore(&pool->lock, flags);
	return o;
}

static enum fz_how fz_any_how(struct fz_ctx *c)
{
	u32 r = fz_rand(c, 8);

	return r == 0 ? FZ_RCU : r < 4 ? FZ_FREE : FZ_CACHE_FREE;
}

/* Allocate in bulk from a shared or private cache, keep some. */
static void fz_bulk_alloc(struct fz_ctx *c)
{
	int pi = fz_rand(c, 3) ? (int)fz_rand(c, FZ_P_BIG) : -1;
	struct goalloc_cache *cache = pi < 0 ? fz_shared : c->priv[pi];
	u32 size = goalloc_cache_size(cache);
	size_t n = 1 + fz_rand(c, FZ_BULK), i, nfree = 0;
	void *objs[FZ_BULK];

	if (goalloc_cache_alloc_bulk(cache, fz_gfp(c), n, objs) != n) {
		c->failures++;
		return;
	}
	for (i = 0; i < n; i++) {
		struct fz_obj *o = fz_track(c, objs[i], size, cache, pi);

		if (!o)
			continue;
		if (c->nlive < c->maxlive && fz_rand(c, 2))
			c->live[c->nlive++] = o;
		else
			objs[nfree++] = fz_untrack(c, o);
	}
	goalloc_cache_free_bulk(cache, nfree, objs);
	if (pi >= 0)
		for (i = 0; i < nfree; i++)
			fz_freed_add(c, pi, objs[i]);
}

static bool fz_is_shared(struct fz_obj *o)
{
	return o->cache == fz_shared;
}

/* Free live objects of one cache in one bulk call. */
static void fz_bulk_free(struct fz_ctx *c)
{
	int pi = fz_rand(c, 3) ? (int)fz_rand(c, FZ_P_BIG) : -1;
	struct goalloc_cache *cache = pi < 0 ? fz_shared : c->priv[pi];
	void *objs[FZ_BULK];
	size_t n = 0, i;
	int j;

	while (n < FZ_BULK) {
		j = pi < 0 ? fz_pick(c, -1, fz_is_shared) : fz_pick(c, pi, NULL);
		if (j < 0)
			break;
		objs[n++] = fz_untrack(c, fz_take(c, j));
	}
	goalloc_cache_free_bulk(cache, n, objs);
	if (pi >= 0)
		for (i = 0; i < n; i++)
			fz_freed_add(c, pi, objs[i]);
}

static bool fz_is_malloc(struct fz_obj *o)
{
	return !o->cache;
}

/* Resize a live malloc object; its prefix must survive. */
static void fz_realloc(struct fz_ctx *c)
{
	int j = fz_pick(c, -1, fz_is_malloc);
	struct fz_obj *o;
	u32 nsize;
	void *q;

	if (j < 0)
		return;
	o = c->live[j];
	nsize = fz_size(c);
	if (!fz_check(c, o, o->size))
		return;
	fz_erase(o);
	q = goalloc_realloc(o->p, nsize, fz_gfp(c));
	if (!q) {
		c->failures++;
		if (!fz_insert(c, o))
			fz_rec_put(fz_take(c, j));
		return;
	}
	o->p = q;
	/* A damaged or doubly handed out object is left alone. */
	if (!fz_check(c, o, min(o->size, nsize))) {
		fz_rec_put(fz_take(c, j));
		return;
	}
	o->size = nsize;
	if (!fz_insert(c, o)) {
		fz_rec_put(fz_take(c, j));
		return;
	}
	fz_stamp(o);
}

static void fz_valid_step(struct fz_ctx *c)
{
	struct fz_obj *o;
	bool poolable;
	u32 r = fz_rand(c, 100);
	int j;

	if (r < 40) {
		if (c->nlive >= c->maxlive) {
			fz_release(c, fz_take(c, fz_rand(c, c->nlive)),
				   fz_any_how(c));
			return;
		}
		o = fz_alloc_any(c, &poolable);
		if (!o)
			return;
		if (poolable && fz_rand(c, 4) == 0 && fz_pool_push(c, o))
			return;
		c->live[c->nlive++] = o;
	} else if (r < 70) {
		if (!c->nlive)
			return;
		fz_release(c, fz_take(c, fz_rand(c, c->nlive)), fz_any_how(c));
	} else if (r < 78) {
		o = fz_pool_pop(c);
		if (!o)
			return;
		if (fz_rand(c, 2))
			fz_keep(c, o);
		else
			fz_release(c, o, fz_any_how(c));
	} else if (r < 84) {
		fz_bulk_alloc(c);
	} else if (r < 88) {
		fz_bulk_free(c);
	} else if (r < 93) {
		fz_realloc(c);
	} else {
		j = fz_pick(c, -2, NULL);
		if (j >= 0 && fz_check(c, c->live[j], c->live[j]->size) &&
		    goalloc_size(c->live[j]->p) < c->live[j]->size)
			fz_diverge(c, "return", "goalloc_size(%p) < %u",
				   c->live[j]->p, c->live[j]->size);
	}
}

/* ---- Misuse ------------------------------------------------------------- */

/* Check a return value that misuse must give. */
static void fz_want(struct fz_ctx *c, int kind, const char *call,
		    const void *p, bool ok, unsigned long got)
{
	if (!ok)
		fz_diverge(c, "return", "%s: %s(%p) returned %#lx", fz_kind_name[kind],
			   call, p, got);
}

/* goalloc_realloc() of a bad pointer: NULL; anything else is kept. */
static void fz_bad_realloc(struct fz_ctx *c, int kind, const void *p,
			   size_t n, gfp_t gfp)
{
	void *q = goalloc_realloc(p, n, gfp);

	fz_want(c, kind, "goalloc_realloc", p, !q, (unsigned long)q);
	/* New memory is the caller's; the same pointer back is nothing. */
	if (q && q != p && !ZERO_OR_NULL_PTR(q)) {
		struct fz_obj *o = fz_track(c, q, n, NULL, -1);

		if (o)
			fz_keep(c, o);
	}
}

static int fz_small_priv(struct fz_ctx *c)
{
	return fz_rand(c, FZ_P_BIG);
}

/* A freed address of private cache @pi, not live again since. */
static void *fz_freed_pick(struct fz_ctx *c, int pi)
{
	void *p;

	if (!c->nfreed[pi])
		return NULL;
	p = c->freed[pi][fz_rand(c, c->nfreed[pi])];
	/* Only this context allocates from the cache: never live. */
	if (fz_is_live(p, 1) || fz_is_rcu_pending(c, p))
		return NULL;
	return p;
}

/* Free @p again: through the cache, or goalloc_free() while anchored. */
static void fz_refree(struct fz_ctx *c, int pi, void *p)
{
	if (fz_rand(c, 2) && fz_anchored(c, pi, p))
		goalloc_free(p);
	else
		goalloc_cache_free(c->priv[pi], p);
}

/* Free up to @n live objects, any kind, validly. */
static void fz_free_some(struct fz_ctx *c, unsigned int n)
{
	while (n-- && c->nlive)
		fz_release(c, fz_take(c, fz_rand(c, c->nlive)), fz_any_how(c));
}

static int fz_m_double(struct fz_ctx *c)
{
	int pi = fz_small_priv(c), j;
	struct fz_obj *o;
	void *p;

	if (fz_rand(c, 2)) {
		/* Later: an address freed some time ago. */
		p = fz_freed_pick(c, pi);
		if (!p)
			return 0;
	} else {
		j = fz_pick(c, pi, NULL);
		o = j >= 0 ? fz_take(c, j) : fz_priv_alloc(c, pi);
		if (!o)
			return 0;
		p = o->p;
		fz_release(c, o, fz_rand(c, 2) ? FZ_FREE : FZ_CACHE_FREE);
		fz_free_some(c, fz_rand(c, 9));
	}
	fz_refree(c, pi, p);
	return 1;
}

static int fz_m_double_many(struct fz_ctx *c)
{
	unsigned int n = c->type == FZ_KTHREAD ? 64 + fz_rand(c, 960) :
			 8 + fz_rand(c, 56), i, got = 0;
	int pi = fz_small_priv(c);
	struct fz_obj *o = fz_priv_alloc(c, pi);
	void *p;

	if (!o)
		return 0;
	p = o->p;
	fz_release(c, o, FZ_CACHE_FREE);
	n = min(n, c->maxscratch);
	for (i = 0; i < n; i++) {
		o = fz_priv_alloc(c, pi);
		if (o)
			c->scratch[got++] = o;
	}
	for (i = 0; i < got; i++)
		fz_release(c, c->scratch[i], fz_rand(c, 2) ? FZ_FREE :
			   FZ_CACHE_FREE);
	/* An allocation before the second free. */
	o = fz_priv_alloc(c, pi);
	if (o)
		fz_keep(c, o);
	if (fz_is_live(p, 1))
		return 0;	/* handed out again, validly: nothing to misuse */
	fz_refree(c, pi, p);
	return 1;
}

/*
 * Free a fresh object of the malloc family of @size twice, with other
 * frees in between.  Exclusive: no other context runs, so a freed address
 * stays free.
 */
static int fz_malloc_free_twice(struct fz_ctx *c, u32 size)
{
	struct fz_obj *o = fz_track(c, goalloc_malloc(size, fz_gfp(c)), size,
				    NULL, -1);
	void *p;

	if (!o)
		return 0;
	p = fz_untrack(c, o);
	goalloc_free(p);
	fz_free_some(c, fz_rand(c, 9));
	goalloc_free(p);
	return 1;
}

static int fz_m_double_malloc(struct fz_ctx *c)
{
	return fz_malloc_free_twice(c, fz_rand(c, 3) ? 1 + fz_rand(c, 15) :
						       16 + fz_rand(c, 4080));
}

static int fz_m_never(struct fz_ctx *c)
{
	struct goalloc_cache *fresh;
	struct fz_obj *o, *x, *y;
	char name[32];
	int pi;
	u32 size;
	void *t;

	if (c->type == FZ_KTHREAD && fz_rand(c, 2)) {
		/* The first object of a fresh cache's first span. */
		snprintf(name, sizeof(name), "fz%u_fresh", c->id);
		fresh = goalloc_cache_create(name, 64, 0, 0, NULL);
		if (!fresh)
			return 0;
		o = fz_track(c, goalloc_cache_alloc(fresh, GFP_KERNEL), 64,
			     fresh, -1);
		if (!o) {
			goalloc_cache_destroy(fresh);
			return 0;
		}
		t = o->p + 64;
		if (fz_same_page(t, o->p) && fz_rand(c, 2))
			goalloc_free(t);
		else
			goalloc_cache_free(fresh, t);
		x = fz_track(c, goalloc_cache_alloc(fresh, GFP_KERNEL), 64,
			     fresh, -1);
		y = fz_track(c, goalloc_cache_alloc(fresh, GFP_KERNEL), 64,
			     fresh, -1);
		if (x)
			goalloc_cache_free(fresh, fz_untrack(c, x));
		if (y)
			goalloc_cache_free(fresh, fz_untrack(c, y));
		goalloc_cache_free(fresh, fz_untrack(c, o));
		goalloc_cache_destroy(fresh);
		return 1;
	}
	/* Room for @o, which must stay live to keep its span. */
	if (c->nlive >= c->maxlive)
		fz_release(c, fz_take(c, fz_rand(c, c->nlive)), FZ_CACHE_FREE);
	pi = fz_small_priv(c);
	o = fz_priv_alloc(c, pi);
	if (!o)
		return 0;
	c->live[c->nlive++] = o;
	size = goalloc_cache_size(c->priv[pi]);
	t = o->p + size;
	if (fz_is_live(t, 1) || fz_is_rcu_pending(c, t))
		return 0;
	/* In @o's page, @o keeps the span: goalloc_free() is safe there. */
	if (fz_same_page(t, o->p) && fz_rand(c, 2))
		goalloc_free(t);
	else
		goalloc_cache_free(c->priv[pi], t);
	/* The next two allocations must be two objects. */
	x = fz_priv_alloc(c, pi);
	y = fz_priv_alloc(c, pi);
	if (x)
		fz_keep(c, x);
	if (y)
		fz_keep(c, y);
	return 1;
}

static bool fz_is_tail_last(struct fz_obj *o)
{
	u32 last = (FZ_PAGE / FZ_TAIL_SIZE - 1) * FZ_TAIL_SIZE;

	return ((unsigned long)o->p & (FZ_PAGE - 1)) == last;
}

/*
 * A pointer that is no object: freed, sized, or resized to @new_size with
 * @gfp added to the context's flags.
 */
static void fz_bad_pointer_to(struct fz_ctx *c, int kind, void *t,
			      struct goalloc_cache *cache, size_t new_size,
			      gfp_t gfp)
{
	size_t n;

	switch (fz_rand(c, 4)) {
	case 0:
		goalloc_free(t);
		break;
	case 1:
		goalloc_cache_free(cache, t);
		break;
	case 2:
		n = goalloc_size(t);
		fz_want(c, kind, "goalloc_size", t, !n, n);
		break;
	default:
		fz_bad_realloc(c, kind, t, new_size, fz_gfp(c) | gfp);
		break;
	}
}

static void fz_bad_pointer(struct fz_ctx *c, int kind, void *t,
			   struct goalloc_cache *cache)
{
	fz_bad_pointer_to(c, kind, t, cache, 8, 0);
}

static int fz_m_tail(struct fz_ctx *c)
{
	struct goalloc_cache *cache = c->priv[FZ_P_TAIL];
	unsigned int got = 0, i;
	struct fz_obj *o = NULL;
	int j, ret = 0;
	void *t;

	j = fz_pick(c, FZ_P_TAIL, fz_is_tail_last);
	if (j >= 0)
		o = c->live[j];
	while (!o && got < min_t(unsigned int, c->maxscratch,
				 FZ_PAGE / FZ_TAIL_SIZE + 1)) {
		struct fz_obj *s = fz_priv_alloc(c, FZ_P_TAIL);

		if (!s)
			break;
		c->scratch[got++] = s;
		if (fz_is_tail_last(s))
			o = s;
	}
	if (!o)
		goto out;
	/* The span's tail: no object starts here; @o keeps the span. */
	t = o->p + FZ_TAIL_SIZE;
	ret = 1;
	fz_bad_pointer_to(c, FZ_K_TAIL, t, cache, 1, __GFP_ZERO);
	fz_check(c, o, o->size);
out:
	for (i = 0; i < got; i++)
		fz_release(c, c->scratch[i], FZ_CACHE_FREE);
	return ret;
}

static bool fz_interior_ok(struct fz_obj *o)
{
	/* Not tiny: inside a tiny block may start another's object. */
	return o->size >= 2 && (o->cache || o->size >= 16);
}

static int fz_m_interior(struct fz_ctx *c)
{
	int j = fz_pick(c, -2, fz_interior_ok);
	struct fz_obj *o;

	if (j < 0)
		return 0;
	o = c->live[j];
	fz_bad_pointer(c, FZ_K_INTERIOR, o->p + 1 + fz_rand(c, o->size - 1),
		       o->cache ?: c->priv[FZ_P_SMALL]);
	fz_check(c, o, o->size);
	return 1;
}

static int fz_m_kmalloc(struct fz_ctx *c)
{
	void *kp = kmalloc(16 + fz_rand(c, 512), GFP_ATOMIC | __GFP_NOWARN);

	if (!kp)
		return 0;
	fz_bad_pointer(c, FZ_K_KMALLOC, kp, c->priv[fz_small_priv(c)]);
	kfree(kp);
	return 1;
}

static int fz_m_stack(struct fz_ctx *c)
{
	u64 buf[8];

	memset(buf, 0, sizeof(buf));
	fz_bad_pointer(c, FZ_K_STACK, &buf[fz_rand(c, 8)],
		       c->priv[fz_small_priv(c)]);
	return 1;
}

/* Exclusive: a large object's pages go back to the heap at its free. */
static int fz_m_large(struct fz_ctx *c)
{
	return fz_malloc_free_twice(c, SZ_32K + 1 + fz_rand(c, SZ_256K));
}

static int fz_m_wrong_cache(struct fz_ctx *c)
{
	struct goalloc_cache *w;
	struct fz_obj *o;
	int j = fz_pick(c, -2, NULL);

	if (j < 0)
		return 0;
	o = c->live[j];
	do {
		u32 r = fz_rand(c, FZ_NPRIV + 2);

		w = r == FZ_NPRIV ? fz_shared : r > FZ_NPRIV ? fz_shared_ctor :
		    c->priv[r];
	} while (w == o->cache || !w);
	goalloc_cache_free(w, o->p);
	fz_check(c, o, o->size);
	return 1;
}

static int fz_m_bulk_same(struct fz_ctx *c)
{
	int pi = fz_small_priv(c), j;
	struct fz_obj *a, *b;
	void *objs[3], *pa, *pb;

	j = fz_pick(c, pi, NULL);
	a = j >= 0 ? fz_take(c, j) : fz_priv_alloc(c, pi);
	if (!a)
		return 0;
	b = fz_priv_alloc(c, pi);
	if (!b) {
		fz_keep(c, a);
		return 0;
	}
	pa = fz_untrack(c, a);
	pb = fz_untrack(c, b);
	objs[0] = pa;
	objs[1] = pb;
	objs[2] = pa;
	if (fz_rand(c, 2))
		swap(objs[1], objs[2]);
	goalloc_cache_free_bulk(c->priv[pi], 3, objs);
	fz_freed_add(c, pi, pa);
	fz_freed_add(c, pi, pb);
	return 1;
}

static int fz_m_bulk_later(struct fz_ctx *c)
{
	int pi = fz_small_priv(c), j;
	void *objs[5], *f = fz_freed_pick(c, pi), *keep[5];
	unsigned int n = 0, i, at;

	if (!f)
		return 0;
	while (n < 4 && fz_rand(c, 3)) {
		j = fz_pick(c, pi, NULL);
		if (j < 0)
			break;
		objs[n++] = fz_untrack(c, fz_take(c, j));
	}
	at = fz_rand(c, n + 1);
	for (i = n; i > at; i--)
		objs[i] = objs[i - 1];
	objs[at] = f;
	memcpy(keep, objs, sizeof(objs));
	goalloc_cache_free_bulk(c->priv[pi], n + 1, objs);
	for (i = 0; i <= n; i++)
		fz_freed_add(c, pi, keep[i]);
	return 1;
}

/* Exclusive, kthreads: a malloc object freed, then sized or resized. */
static int fz_m_freed_malloc(struct fz_ctx *c, int kind)
{
	u32 size = 16 + fz_rand(c, 4080);
	struct fz_obj *o = fz_track(c, goalloc_malloc(size, fz_gfp(c)), size,
				    NULL, -1);
	size_t n;
	void *p;

	if (!o)
		return 0;
	p = fz_untrack(c, o);
	goalloc_free(p);
	if (kind == FZ_K_SIZE_FREED) {
		n = goalloc_size(p);
		fz_want(c, kind, "goalloc_size", p, !n, n);
	} else {
		fz_bad_realloc(c, kind, p, fz_rand(c, 2) ? 8 : size * 2,
			       fz_gfp(c));
	}
	return 1;
}

static int fz_m_freed(struct fz_ctx *c, int kind, bool excl)
{
	int pi = fz_small_priv(c);
	size_t n;
	void *p;

	if (excl)
		return fz_m_freed_malloc(c, kind);
	p = fz_freed_pick(c, pi);
	/* goalloc_realloc() frees: only while the span surely stays. */
	if (!p || !fz_anchored(c, pi, p))
		return 0;
	if (kind == FZ_K_SIZE_FREED) {
		n = goalloc_size(p);
		fz_want(c, kind, "goalloc_size", p, !n, n);
	} else {
		fz_bad_realloc(c, kind, p, fz_rand(c, 2) ? 8 : 4096,
			       fz_gfp(c));
	}
	return 1;
}

struct fz_foreign {
	struct rcu_head rcu;
	u64 pad[2];
};

static int fz_m_rcu_foreign(struct fz_ctx *c)
{
	struct fz_foreign *kp;

	/* Freed with kfree() after the next goalloc_rcu_barrier(). */
	if (c->ndeferred >= FZ_DEFER)
		return 0;
	kp = kmalloc(sizeof(*kp), GFP_ATOMIC | __GFP_NOWARN);
	if (!kp)
		return 0;
	c->deferred[c->ndeferred++] = kp;
	goalloc_free_rcu(kp, rcu);
	return 1;
}

static int fz_m_rcu_then_free(struct fz_ctx *c)
{
	int pi = fz_small_priv(c), j;
	struct fz_obj *o;
	void *p;

	if (c->nrcu_pending >= FZ_RCU_PENDING)
		return 0;
	j = fz_pick(c, pi, NULL);
	o = j >= 0 ? fz_take(c, j) : fz_priv_alloc(c, pi);
	if (!o)
		return 0;
	p = fz_untrack(c, o);
	fz_rcu_pending_add(c, p, goalloc_cache_size(c->priv[pi]));
	__goalloc_free_rcu(p);
	/* Pending, so still allocated: its span stays either way. */
	if (fz_rand(c, 2))
		goalloc_free(p);
	else
		goalloc_cache_free(c->priv[pi], p);
	return 1;
}

/* Kthreads: a 40 KiB cache, one object per span (issue 10, case 3). */
static int fz_m_shrink(struct fz_ctx *c)
{
	struct goalloc_cache *cache = c->priv[FZ_P_BIG];
	struct fz_obj *o[6];
	void *p[6];
	int i;

	if (fz_rand(c, 2)) {
		/* e1, e2, a, b, g, f; free e1, e2, a, b, a, g, f; shrink. */
		for (i = 0; i < 6; i++) {
			o[i] = fz_priv_alloc(c, FZ_P_BIG);
			if (!o[i]) {
				while (i--)
					fz_release(c, o[i], FZ_CACHE_FREE);
				return 0;
			}
		}
		for (i = 0; i < 6; i++)
			p[i] = fz_untrack(c, o[i]);
		for (i = 0; i < 4; i++)
			goalloc_cache_free(cache, p[i]);
		goalloc_cache_free(cache, p[2]);
		goalloc_cache_free(cache, p[4]);
		goalloc_cache_free(cache, p[5]);
		for (i = 0; i < 6; i++)
			fz_freed_add(c, FZ_P_BIG, p[i]);
		goalloc_cache_shrink(cache);
		return 1;
	}
	/* Free, shrink (the span is gone), free again. */
	o[0] = fz_priv_alloc(c, FZ_P_BIG);
	if (!o[0])
		return 0;
	p[0] = fz_untrack(c, o[0]);
	goalloc_cache_free(cache, p[0]);
	fz_free_some(c, fz_rand(c, 3));
	goalloc_cache_shrink(cache);
	if (fz_is_live(p[0], 1))
		return 0;
	goalloc_cache_free(cache, p[0]);
	fz_freed_add(c, FZ_P_BIG, p[0]);
	return 1;
}

static int fz_m_node(struct fz_ctx *c)
{
	int node = fz_rand(c, 2) ? MAX_NUMNODES + (int)fz_rand(c, 64) :
		   NUMA_NO_NODE - 1 - (int)fz_rand(c, 64);
	struct goalloc_cache *cache = NULL;
	u32 size = fz_size(c);
	void *p;

	if (fz_rand(c, 2)) {
		p = goalloc_malloc_node(size, fz_gfp(c) & ~__GFP_NOWARN, node);
	} else {
		cache = fz_rand(c, 2) ? fz_shared : c->priv[fz_small_priv(c)];
		p = goalloc_cache_alloc_node(cache, fz_gfp(c) & ~__GFP_NOWARN,
					     node);
	}
	if (p) {
		fz_diverge(c, "return", "bad_node: node %d gave %p", node, p);
		/* It is the caller's all the same. */
		if (cache)
			goalloc_cache_free(cache, p);
		else
			goalloc_free(p);
	}
	return 1;
}

/* Kinds that need every other context paused (kthreads only). */
static bool fz_kind_excl(int kind)
{
	return kind == FZ_K_DOUBLE_MALLOC || kind == FZ_K_LARGE;
}

static bool fz_kind_kthread_only(int kind)
{
	return fz_kind_excl(kind) || kind == FZ_K_SHRINK;
}

/* Run misuse @kind; returns the reports it must cause (0: not done). */
static int fz_misuse(struct fz_ctx *c, int kind, bool excl)
{
	switch (kind) {
	case FZ_K_DOUBLE:
		return fz_m_double(c);
	case FZ_K_DOUBLE_MANY:
		return fz_m_double_many(c);
	case FZ_K_DOUBLE_MALLOC:
		return fz_m_double_malloc(c);
	case FZ_K_NEVER:
		return fz_m_never(c);
	case FZ_K_TAIL:
		return fz_m_tail(c);
	case FZ_K_INTERIOR:
		return fz_m_interior(c);
	case FZ_K_KMALLOC:
		return fz_m_kmalloc(c);
	case FZ_K_STACK:
		return fz_m_stack(c);
	case FZ_K_LARGE:
		return fz_m_large(c);
	case FZ_K_WRONG_CACHE:
		return fz_m_wrong_cache(c);
	case FZ_K_BULK_SAME:
		return fz_m_bulk_same(c);
	case FZ_K_BULK_LATER:
		return fz_m_bulk_later(c);
	case FZ_K_REALLOC_FREED:
	case FZ_K_SIZE_FREED:
		return fz_m_freed(c, kind, excl);
	case FZ_K_RCU_FOREIGN:
		return fz_m_rcu_foreign(c);
	case FZ_K_RCU_THEN_FREE:
		return fz_m_rcu_then_free(c);
	case FZ_K_SHRINK:
		return fz_m_shrink(c);
	case FZ_K_NODE:
		return fz_m_node(c);
	}
	return 0;
}

/* A misuse kind for this step, or -1 for a valid operation. */
static int fz_decide(struct fz_ctx *c, bool *excl)
{
	int kind, tries;

	*excl = false;
	if (fz_rand(c, 100) >= misuse)
		return -1;
	for (tries = 0; tries < 8; tries++) {
		kind = fz_rand(c, FZ_NKINDS);
		if (!(kinds & BIT(kind)))
			continue;
		if (c->type != FZ_KTHREAD && fz_kind_kthread_only(kind))
			continue;
		*excl = fz_kind_excl(kind) ||
			(c->type == FZ_KTHREAD && fz_rand(c, 2) &&
			 (kind == FZ_K_REALLOC_FREED || kind == FZ_K_SIZE_FREED));
		return kind;
	}
	return -1;
}

static void fz_do(struct fz_ctx *c, int kind, bool excl)
{
	int n;

	c->ops++;
	c->step++;
	if (kind < 0) {
		fz_valid_step(c);
	} else {
		n = fz_misuse(c, kind, excl);
		if (n) {
			c->injected += n;
			c->kind_injected[kind] += n;
		} else {
			c->skipped++;
		}
	}
	/* A live object checked at random. */
	if (c->nlive && fz_rand(c, 16) == 0) {
		struct fz_obj *o = c->live[fz_rand(c, c->nlive)];

		fz_check(c, o, o->size);
	}
}

/* ---- Contexts and exclusion --------------------------------------------- */

/* Start a step: false while someone runs exclusively. */
static bool fz_enter(void)
{
	if (atomic_read(&fz_excl))
		return false;
	atomic_inc(&fz_active);
	/* Pairs with fz_excl_begin(): it sees us active, or we see it. */
	smp_mb__after_atomic();
	if (atomic_read(&fz_excl)) {
		atomic_dec(&fz_active);
		return false;
	}
	return true;
}

static void fz_leave(void)
{
	/* The step's stores before the exclusive section's loads. */
	smp_mb__before_atomic();
	atomic_dec(&fz_active);
}

/* Pause every other context (process context; not inside a step). */
static bool fz_excl_begin(bool wait)
{
	while (atomic_cmpxchg(&fz_excl, 0, 1)) {
		if (!wait)
			return false;
		usleep_range(100, 200);
	}
	/* Pairs with fz_enter(): we see it active, or it sees us. */
	smp_mb__after_atomic();
	while (atomic_read(&fz_active))
		usleep_range(20, 50);
	/* Pairs with fz_leave(): the last steps done before we start. */
	smp_mb();
	return true;
}

static void fz_excl_end(void)
{
	atomic_set_release(&fz_excl, 0);
}

static void fz_irq_steps(struct fz_ctx *c)
{
	bool excl;
	int i, kind;

	if (!fz_enter())
		return;
	for (i = 0; i < FZ_IRQ_STEPS; i++) {
		kind = fz_decide(c, &excl);
		fz_do(c, kind, false);
	}
	fz_leave();
}

static struct fz_ctx *fz_ctx_of(int cpu, enum fz_type type)
{
	return &fz_ctxs[cpu * FZ_NTYPES + type];
}

static enum hrtimer_restart fz_hardirq_fn(struct hrtimer *t)
{
	struct fz_ctx *c = container_of(t, struct fz_ctx, hrt);

	if (READ_ONCE(fz_stop))
		return HRTIMER_NORESTART;
	fz_irq_steps(c);
	return goalloc_round_hrtimer_again(t, irq_period_us);
}

static void fz_softirq_fn(struct timer_list *t)
{
	struct fz_ctx *c = timer_container_of(c, t, tl);

	if (READ_ONCE(fz_stop))
		return;
	fz_irq_steps(c);
	mod_timer(t, jiffies + 1);
}

static int fz_kthread_fn(void *arg)
{
	struct fz_ctx *c = arg;
	unsigned long end = jiffies + seconds * HZ;
	unsigned long i;
	bool excl;
	int kind;

	if (irq)
		goalloc_round_timers_start(&fz_ctx_of(c->cpu, FZ_HARDIRQ)->hrt,
					   irq_period_us,
					   &fz_ctx_of(c->cpu, FZ_SOFTIRQ)->tl);
	for (i = 0; (!ops || i < ops) && !kthread_should_stop() &&
	     !READ_ONCE(fz_stop) && time_before(jiffies, end); i++) {
		kind = fz_decide(c, &excl);
		if (excl) {
			if (fz_excl_begin(false)) {
				fz_do(c, kind, true);
				fz_excl_end();
			}
		} else {
			while (!fz_enter()) {
				if (kthread_should_stop() || READ_ONCE(fz_stop))
					goto out;
				usleep_range(50, 100);
			}
			fz_do(c, kind, false);
			fz_leave();
		}
		cond_resched();
	}
out:
	atomic_dec(&fz_running);
	/* Park until stopped: kthread_stop() needs the task alive. */
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

/* ---- Barriers, setup, the round ----------------------------------------- */

static unsigned long fz_misuse0;

static u64 fz_injected(u64 *kinds_out)
{
	u64 sum = 0;
	int cpu, t, k;

	for_each_possible_cpu(cpu) {
		for (t = 0; t < FZ_NTYPES; t++) {
			struct fz_ctx *c = fz_ctx_of(cpu, t);

			sum += c->injected;
			if (kinds_out)
				for (k = 0; k < FZ_NKINDS; k++)
					kinds_out[k] += c->kind_injected[k];
		}
	}
	return sum;
}

/*
 * After goalloc_rcu_barrier(), all paused: kmalloc memory passed to
 * goalloc_free_rcu() can go, and private objects freed through RCU are
 * free slots.
 */
static void fz_free_deferred(void)
{
	int cpu, t;

	for_each_possible_cpu(cpu) {
		for (t = 0; t < FZ_NTYPES; t++) {
			struct fz_ctx *c = fz_ctx_of(cpu, t);

			while (c->ndeferred)
				kfree(c->deferred[--c->ndeferred]);
			/* Their grace periods are over: free slots now. */
			c->nrcu_pending = 0;
		}
	}
}

static void fz_print_kinds(const char *what, const u64 *k)
{
	pr_info("%s double=%llu double_many=%llu double_malloc=%llu never_handed_out=%llu tail=%llu interior=%llu kmalloc=%llu stack=%llu large_double=%llu wrong_cache=%llu bulk_same=%llu bulk_later=%llu realloc_freed=%llu size_freed=%llu rcu_foreign=%llu rcu_then_free=%llu shrink_double=%llu bad_node=%llu\n",
		what, k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7], k[8],
		k[9], k[10], k[11], k[12], k[13], k[14], k[15], k[16], k[17]);
}

static u64 fz_last_kinds[FZ_NKINDS];

/*
 * Everyone paused, every goalloc_free_rcu() done and every array flushed:
 * the misuse counter must have grown by exactly what was injected.
 */
static void fz_check_count(const char *where)
{
	u64 kinds_now[FZ_NKINDS] = {}, since[FZ_NKINDS];
	u64 want, got;
	int k;

	goalloc_rcu_barrier();
	goalloc_reclaim();
	want = fz_injected(kinds_now);
	got = goalloc_misuse_count() - fz_misuse0;
	if (want != got) {
		for (k = 0; k < FZ_NKINDS; k++)
			since[k] = kinds_now[k] - fz_last_kinds[k];
		fz_diverge(NULL, "misuse count",
			   "at %s goalloc reported %llu misuse, the fuzzer injected %llu",
			   where, got, want);
		fz_print_kinds("injected since the last barrier:", since);
	}
	memcpy(fz_last_kinds, kinds_now, sizeof(kinds_now));
	fz_free_deferred();
}

static void fz_ctor(void *p)
{
	memset(p, 0xc7, 16);
}

static int fz_setup(void)
{
	size_t i;
	int cpu, t, pi;

	fz_shared = goalloc_cache_create("fz_shared", 64, 0, 0, NULL);
	fz_shared_ctor = goalloc_cache_create("fz_shared_ctor", 192, 0,
					      GOALLOC_HWCACHE_ALIGN, fz_ctor);
	fz_ctxs = kcalloc(nr_cpu_ids * FZ_NTYPES, sizeof(*fz_ctxs), GFP_KERNEL);
	if (!fz_shared || !fz_shared_ctor || !fz_ctxs)
		return -ENOMEM;
	fz_nrecs = nr_cpu_ids * (FZ_KT_LIVE + FZ_KT_SCRATCH + 64 +
				 2 * (FZ_IRQ_LIVE + FZ_IRQ_SCRATCH + 64)) +
		   FZ_NPOOLS * FZ_POOL + 64;
	fz_recs = vcalloc(fz_nrecs, sizeof(*fz_recs));
	if (!fz_recs)
		return -ENOMEM;
	for (i = 0; i < fz_nrecs; i++) {
		fz_recs[i].next = fz_free_recs;
		fz_free_recs = &fz_recs[i];
	}
	for_each_possible_cpu(cpu) {
		for (t = 0; t < FZ_NTYPES; t++) {
			struct fz_ctx *c = fz_ctx_of(cpu, t);

			c->id = t << 12 | cpu;
			c->type = t;
			c->cpu = cpu;
			c->maxlive = t == FZ_KTHREAD ? FZ_KT_LIVE : FZ_IRQ_LIVE;
			c->maxscratch = t == FZ_KTHREAD ? FZ_KT_SCRATCH :
					FZ_IRQ_SCRATCH;
			prandom_seed_state(&c->rnd, fz_seed ^
					   (c->id * 0x9e3779b97f4a7c15ULL));
			if (!cpu_online(cpu))
				continue;
			c->live = kcalloc(c->maxlive, sizeof(*c->live),
					  GFP_KERNEL);
			c->scratch = kcalloc(c->maxscratch, sizeof(*c->scratch),
					     GFP_KERNEL);
			if (!c->live || !c->scratch)
				return -ENOMEM;
			for (pi = 0; pi < FZ_NPRIV; pi++) {
				const struct fz_cache_def *d = &fz_priv_def[pi];
				char name[32];

				snprintf(name, sizeof(name), "fz%u_%s", c->id,
					 d->name);
				c->priv[pi] = goalloc_cache_create(name,
								   d->size, 0,
								   d->flags,
								   d->ctor ?
								   fz_ctor :
								   NULL);
				if (!c->priv[pi])
					return -ENOMEM;
			}
		}
		goalloc_round_timers_init(&fz_ctx_of(cpu, FZ_HARDIRQ)->hrt,
					  fz_hardirq_fn,
					  &fz_ctx_of(cpu, FZ_SOFTIRQ)->tl,
					  fz_softirq_fn);
	}
	return 0;
}

/* Free what every context and pool holds (all stopped). */
static void fz_free_all(void)
{
	struct fz_ctx *me = NULL;
	int cpu, t, i;

	for_each_possible_cpu(cpu) {
		for (t = 0; t < FZ_NTYPES; t++) {
			struct fz_ctx *c = fz_ctx_of(cpu, t);

			if (!me && c->live)
				me = c;
			while (c->nlive)
				fz_release(c, fz_take(c, c->nlive - 1),
					   FZ_CACHE_FREE);
		}
	}
	if (!me)
		return;
	for (i = 0; i < FZ_NPOOLS; i++) {
		while (fz_pools[i].n)
			fz_release(me, fz_pools[i].objs[--fz_pools[i].n],
				   FZ_CACHE_FREE);
	}
}

static void fz_teardown(void)
{
	int cpu, t, pi;

	if (fz_ctxs) {
		for_each_possible_cpu(cpu) {
			for (t = 0; t < FZ_NTYPES; t++) {
				struct fz_ctx *c = fz_ctx_of(cpu, t);

				for (pi = 0; pi < FZ_NPRIV; pi++)
					goalloc_cache_destroy(c->priv[pi]);
				kfree(c->live);
				kfree(c->scratch);
			}
		}
	}
	kfree(fz_ctxs);
	fz_ctxs = NULL;
	goalloc_cache_destroy(fz_shared_ctor);
	goalloc_cache_destroy(fz_shared);
	fz_shared = NULL;
	fz_shared_ctor = NULL;
	vfree(fz_recs);
	fz_recs = NULL;
	fz_free_recs = NULL;
	fz_tree = RB_ROOT;
}

static int fz_run(void)
{
	struct goalloc_memstats *ms0, *ms1;
	u64 all_kinds[FZ_NKINDS] = {}, allops = 0, allocs = 0, frees = 0;
	u64 failures = 0, checks = 0, skipped = 0, irqops = 0, injected;
	unsigned int nthreads = 0, phases = 0;
	unsigned long next;
	int cpu, t, ret;
	long div;
	bool pass;

	ms0 = kmalloc(sizeof(*ms0), GFP_KERNEL);
	ms1 = kmalloc(sizeof(*ms1), GFP_KERNEL);
	if (!ms0 || !ms1) {
		ret = -ENOMEM;
		goto out_free;
	}
	fz_seed = seed ?: get_random_u64();
	pr_info("seed %llu: insmod goalloc_fuzz.ko seed=%llu seconds=%u ops=%lu threads=%u misuse=%u kinds=%#lx irq=%d phase_ms=%u\n",
		fz_seed, fz_seed, seconds, ops, threads, misuse, kinds, irq,
		phase_ms);
	goalloc_round_settle(ms0);
	fz_misuse0 = goalloc_misuse_count();
	atomic_long_set(&fz_divergences, 0);
	WRITE_ONCE(fz_stop, false);
	memset(fz_last_kinds, 0, sizeof(fz_last_kinds));

	ret = fz_setup();
	if (ret)
		goto out;
	/* Cache creation reports nothing; count from here. */
	fz_misuse0 = goalloc_misuse_count();

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct fz_ctx *c = fz_ctx_of(cpu, FZ_KTHREAD);

		if (threads && nthreads >= threads)
			break;
		c->task = goalloc_round_kthread(fz_kthread_fn, c, "goalloc_fz",
						cpu, &fz_running);
		if (c->task)
			nthreads++;
	}
	cpus_read_unlock();

	/* Barriers every phase_ms, until every kthread is done. */
	next = jiffies + msecs_to_jiffies(phase_ms);
	while (atomic_read(&fz_running)) {
		msleep(20);
		if (!phase_ms || time_before(jiffies, next) ||
		    READ_ONCE(fz_stop))
			continue;
		fz_excl_begin(true);
		fz_check_count("a barrier");
		fz_excl_end();
		phases++;
		next = jiffies + msecs_to_jiffies(phase_ms);
	}

	WRITE_ONCE(fz_stop, true);
	for_each_possible_cpu(cpu)
		goalloc_round_kthread_stop(&fz_ctx_of(cpu, FZ_KTHREAD)->task);
	for_each_possible_cpu(cpu)
		goalloc_round_timers_stop(&fz_ctx_of(cpu, FZ_HARDIRQ)->hrt,
					  &fz_ctx_of(cpu, FZ_SOFTIRQ)->tl);
	fz_free_all();
	fz_check_count("the end");

	for_each_possible_cpu(cpu) {
		for (t = 0; t < FZ_NTYPES; t++) {
			struct fz_ctx *c = fz_ctx_of(cpu, t);

			allops += c->ops;
			if (t != FZ_KTHREAD)
				irqops += c->ops;
			allocs += c->allocs;
			frees += c->frees;
			failures += c->failures;
			checks += c->checks;
			skipped += c->skipped;
		}
	}
out:
	injected = fz_ctxs ? fz_injected(all_kinds) : 0;
	goalloc_rcu_barrier();
	fz_teardown();
	goalloc_round_settle(ms1);
	if (!ret && goalloc_misuse_count() - fz_misuse0 != injected)
		fz_diverge(NULL, "misuse count",
			   "after destroying the caches goalloc reported %lu misuse, the fuzzer injected %llu",
			   goalloc_misuse_count() - fz_misuse0, injected);
	if (!ret && (ms1->heap_objects != ms0->heap_objects ||
		     ms1->heap_alloc != ms0->heap_alloc ||
		     ms1->large_objects != ms0->large_objects))
		fz_diverge(NULL, "stats",
			   "HeapObjects %llu -> %llu, HeapAlloc %llu -> %llu, LargeObjects %llu -> %llu",
			   ms0->heap_objects, ms1->heap_objects,
			   ms0->heap_alloc, ms1->heap_alloc,
			   ms0->large_objects, ms1->large_objects);
	div = atomic_long_read(&fz_divergences);
	pr_info("kthreads=%u barriers=%u irq_ops=%llu allocs=%llu frees=%llu checks=%llu alloc_failures=%llu skipped=%llu\n",
		nthreads, phases, irqops, allocs, frees, checks, failures,
		skipped);
	fz_print_kinds("misuse injected:", all_kinds);
	pr_info("seed %llu ops %llu misuse %llu divergences %ld\n",
		fz_seed, allops, injected, div);
	if (ret)
		pr_err("setup failed: %d\n", ret);
	pass = !ret && !div && nthreads && allops && (!irq || irqops);
	ret = goalloc_round_verdict(pass);
out_free:
	kfree(ms0);
	kfree(ms1);
	return ret;
}

/*
 * The module loads whatever the round found: busybox insmod retries a
 * failed finit_module() with init_module(), which would run it twice.
 */
static int __init fz_init(void)
{
	int i;

	for (i = 0; i < FZ_NPOOLS; i++)
		spin_lock_init(&fz_pools[i].lock);
	if (seconds)
		goalloc_round_result = fz_run() ? "FAIL" : "PASS";
	fz_debugfs = goalloc_round_debugfs("goalloc_fuzz");
	return 0;
}

static void __exit fz_exit(void)
{
	debugfs_remove_recursive(fz_debugfs);
}

module_init(fz_init);
module_exit(fz_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("goalloc fuzz: valid use and misuse from every context, against a model");
