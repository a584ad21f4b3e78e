// SPDX-License-Identifier: GPL-2.0
/*
 * goalloc_torture: goalloc from every context at once, for a long while.
 *
 * The KUnit suites check goalloc's promises one by one and for seconds;
 * this module checks that they hold together for minutes, while the rest
 * of the kernel gets in the way: page allocations failing (fail_page_alloc,
 * set up by the guest script), CPUs going offline and back online, memory
 * being reclaimed.  Loading the module runs one round, synchronously:
 *
 *  - on each online CPU, a kthread (bound to it, GFP_KERNEL mostly), an
 *    hrtimer whose callback runs in hard-IRQ context (GFP_ATOMIC; in the
 *    softirq thread on PREEMPT_RT, see tools/lib/goalloc_round.h) and a
 *    timer_list whose callback runs in softirq context (GFP_ATOMIC or
 *    GFP_NOWAIT) allocate and free at random;
 *  - through every API: a cache with a constructor and one without
 *    (single objects and bulk), goalloc_malloc() from 1 byte (the tiny
 *    allocator) to 1 MiB (pages of their own), calloc, realloc, __GFP_ZERO,
 *    frees through the cache, through goalloc_free(), in bulk and through
 *    goalloc_free_rcu();
 *  - objects live for a random while in their context's own set or move
 *    through a few spinlock-protected shared pools, from which any context
 *    takes them, so that many frees happen on another CPU and in another
 *    context than the allocation;
 *  - every object is stamped over its whole requested size with a pattern
 *    made from its owner (context id and sequence number) and checked
 *    before it is freed or reallocated: memory handed out twice, or two
 *    objects that overlap, shows up as a corruption (printed, rate limited,
 *    with pr_err and no WARN, so that the run reports rather than dies);
 *  - the loading task calls goalloc_reclaim() now and then, as memory
 *    pressure would; a kthread pushed off its CPU by hotplug binds itself
 *    back (under cpus_read_lock(), so never to a CPU half way through
 *    hotplug) once that CPU is active again.
 *
 * A failed allocation is legal (fault injection, GFP_ATOMIC): it is
 * counted, never treated as an error.  The kthreads mark themselves
 * make_it_fail, so that fail_page_alloc with task-filter=Y fails their page
 * allocations and nobody else's.
 *
 * At the end every object is freed, goalloc_rcu_barrier() and
 * goalloc_reclaim() run, and goalloc's heap_objects and heap_alloc must be
 * back at their values from the start, with no misuse reported.  The
 * figures are printed as one block of "torture: " lines ending with
 * "torture: PASS" or "torture: FAIL", and the verdict is also in
 * /sys/kernel/debug/goalloc_torture/result.  The module loads either way
 * (see tt_init()).  Every loop is bounded by a count and by the duration.
 *
 * Once loaded, /sys/kernel/debug/goalloc_torture/pressure takes a number of
 * MiB: the module allocates a working set that large through goalloc and
 * frees it again, so that the guest script can watch goalloc give the
 * memory back (the delayed release down to arena_reserve, the shrinker).
 */
#define pr_fmt(fmt) "torture: " fmt

#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <goalloc.h>
#include <goalloc_round.h>
#include <goalloc_stamp.h>

MODULE_IMPORT_NS(GOALLOC_NS);

GOALLOC_ROUND_PARAM(uint, duration, 10,
		    "seconds of torture on load (0: none, only the pressure knob)");
GOALLOC_ROUND_PARAM(ulong, max_ops, 100000000, "steps per kthread at most");
GOALLOC_ROUND_PARAM(uint, irq_period_us, 500, "period of the hard-IRQ timers (us)");
GOALLOC_ROUND_PARAM(uint, irq_steps, 4, "steps per hard-IRQ or softirq callback");
GOALLOC_ROUND_PARAM(bool, hardirq, true, "run the hard-IRQ contexts");
GOALLOC_ROUND_PARAM(bool, softirq, true, "run the softirq contexts");
GOALLOC_ROUND_PARAM(uint, max_size, SZ_1M, "largest kthread allocation (bytes)");
GOALLOC_ROUND_PARAM(uint, large_permille, 20, "share of kthread mallocs over 32 KiB (per mille)");
GOALLOC_ROUND_PARAM(uint, reclaim_ms, 300, "goalloc_reclaim() every this many ms (0: never)");
GOALLOC_ROUND_PARAM(bool, fail_inject, true,
		    "kthreads set make_it_fail (fail_page_alloc task-filter)");

#define TT_KT_LOCAL		128		/* objects a kthread holds */
#define TT_IRQ_LOCAL		16		/* objects a timer holds */
#define TT_KT_BYTES		(16U << 20)	/* bytes a kthread holds */
#define TT_IRQ_MAX_SIZE		(64U << 10)	/* largest IRQ allocation */
#define TT_POOL_MAX_SIZE	(64U << 10)	/* largest object in a pool */
#define TT_NPOOLS		4
#define TT_POOL_SIZE		256
#define TT_BULK			16
#define TT_CACHE_SIZE		72
#define TT_CTOR_SIZE		200
#define TT_CTOR_BYTE		0xc7
#define TT_PRESSURE_MAX_MB	1024

enum tt_kind { TT_MALLOC, TT_CACHE, TT_CTOR };
enum tt_type { TT_KTHREAD, TT_HARDIRQ, TT_SOFTIRQ, TT_NTYPES };

static const char *const tt_kind_name[] = { "malloc", "cache", "ctor" };
static const char *const tt_type_name[] = { "kthread", "hardirq", "softirq" };

struct tt_obj {
	void *p;
	u32 size;
	u32 seq;
	u16 owner;
	u8 kind;
};

struct tt_stats {
	u64 ops;	/* objects allocated plus objects freed */
	u64 allocs, frees, rcu_frees, handed, taken, bulk, reallocs, callocs;
	u64 tiny, large, verified, corruptions, failures, rebinds;
};

struct tt_ctx {
	u16 id;			/* owner id: type << 12 | cpu */
	u8 type;
	int cpu;
	u32 seq;
	u32 max_size;
	unsigned int nlocal, maxlocal;
	size_t local_bytes;
	struct tt_obj *local;
	struct rnd_state rnd;
	struct tt_stats st;
	struct task_struct *task;
	struct hrtimer hrt;
	struct timer_list tl;
};

struct tt_pool {
	spinlock_t lock;	/* any context, interrupts off */
	unsigned int n;
	struct tt_obj objs[TT_POOL_SIZE];
};

static struct tt_pool tt_pools[TT_NPOOLS];
static struct goalloc_cache *tt_cache, *tt_ctor_cache;
static struct tt_ctx *tt_ctxs;		/* TT_NTYPES per possible CPU */
static bool tt_stopping;
static atomic_t tt_running;
static struct dentry *tt_debugfs;

static u32 tt_rand(struct tt_ctx *c, u32 n)
{
	return n ? prandom_u32_state(&c->rnd) % n : 0;
}

static u64 tt_seed(const struct tt_obj *o)
{
	return ((u64)o->owner << 40) ^ ((u64)o->kind << 32) ^ o->seq;
}

/* Stamp the object's whole requested size with its owner's pattern. */
static void tt_stamp(const struct tt_obj *o)
{
	goalloc_stamp(o->p, o->size, tt_seed(o));
}

static void tt_report(struct tt_ctx *c, const struct tt_obj *o,
		      const char *what, size_t off)
{
	c->st.corruptions++;
	pr_err_ratelimited("corruption (%s) of a %s object of %u bytes at %p, offset %zu: owner %#x seq %u, found by %s context %#x\n",
			   what, tt_kind_name[o->kind], o->size, o->p, off,
			   o->owner, o->seq, tt_type_name[c->type], c->id);
}

/* Check that the first @n bytes hold the object's pattern. */
static bool tt_check(struct tt_ctx *c, const struct tt_obj *o, size_t n)
{
	size_t off = goalloc_stamp_damage(o->p, n, tt_seed(o));

	if (off < n) {
		tt_report(c, o, "pattern", off);
		return false;
	}
	c->st.verified++;
	return true;
}

/* Check that fresh memory that should be zeroed is. */
static void tt_check_zero(struct tt_ctx *c, const struct tt_obj *o)
{
	size_t off;

	if (!memchr_inv(o->p, 0, o->size))
		return;
	for (off = 0; off < o->size; off++)
		if (((u8 *)o->p)[off])
			break;
	tt_report(c, o, "not zeroed", off);
}

static void tt_ctor(void *p)
{
	memset(p, TT_CTOR_BYTE, TT_CTOR_SIZE);
}

static gfp_t tt_gfp(struct tt_ctx *c)
{
	if (c->type == TT_HARDIRQ)
		return GFP_ATOMIC;
	if (c->type == TT_SOFTIRQ)
		return tt_rand(c, 2) ? GFP_ATOMIC : GFP_NOWAIT;
	switch (tt_rand(c, 8)) {
	case 0:
		return GFP_NOWAIT;
	case 1:
		return GFP_ATOMIC;
	default:
		return GFP_KERNEL;
	}
}

/* Mostly small sizes, some tiny, a few large. */
static u32 tt_size(struct tt_ctx *c)
{
	u32 r = tt_rand(c, 1000);

	if (c->max_size > SZ_32K && r < large_permille)
		return SZ_32K + 1 + tt_rand(c, c->max_size - SZ_32K);
	r = tt_rand(c, 10);
	if (r < 3)
		return 1 + tt_rand(c, 15);
	if (r < 7)
		return 16 + tt_rand(c, 240);
	if (r < 9)
		return 16 + tt_rand(c, 4096 - 16);
	return 16 + tt_rand(c, min_t(u32, c->max_size, SZ_32K) - 16);
}

static void tt_failed(struct tt_ctx *c)
{
	c->st.failures++;
}

/* Allocate one object through a random API and stamp it. */
static bool tt_new(struct tt_ctx *c, struct tt_obj *o)
{
	gfp_t gfp = tt_gfp(c);
	u32 r = tt_rand(c, 100);
	bool zero = false;

	o->owner = c->id;
	o->seq = c->seq++;
	if (r < 20) {
		o->kind = TT_CACHE;
		o->size = TT_CACHE_SIZE;
		if (tt_rand(c, 4)) {
			o->p = goalloc_cache_alloc(tt_cache, gfp);
		} else {
			o->p = goalloc_cache_alloc(tt_cache, gfp | __GFP_ZERO);
			zero = true;
		}
	} else if (r < 35) {
		o->kind = TT_CTOR;
		o->size = TT_CTOR_SIZE;
		o->p = goalloc_cache_alloc_node(tt_ctor_cache, gfp, NUMA_NO_NODE);
	} else {
		o->kind = TT_MALLOC;
		o->size = tt_size(c);
		if (c->local_bytes + o->size > TT_KT_BYTES)
			o->size = 1 + tt_rand(c, 4096);
		if (r < 45) {
			zero = true;
			c->st.callocs++;
			if (o->size % 8 == 0)
				o->p = goalloc_calloc(o->size / 8, 8, gfp);
			else
				o->p = goalloc_calloc(1, o->size, gfp);
		} else if (r < 50) {
			zero = true;
			o->p = goalloc_malloc(o->size, gfp | __GFP_ZERO);
		} else if (r < 55) {
			o->p = goalloc_malloc_node(o->size, gfp,
						   tt_rand(c, 2) ? NUMA_NO_NODE :
						   numa_node_id());
		} else {
			o->p = goalloc_malloc(o->size, gfp);
		}
	}
	if (!o->p) {
		tt_failed(c);
		return false;
	}
	c->st.allocs++;
	c->st.ops++;
	if (o->kind == TT_MALLOC && o->size < 16)
		c->st.tiny++;
	if (o->size > SZ_32K)
		c->st.large++;
	if (zero)
		tt_check_zero(c, o);
	if (goalloc_size(o->p) < o->size)
		tt_report(c, o, "goalloc_size() too small", 0);
	tt_stamp(o);
	return true;
}

/* Check an object and free it, by one of the ways its kind allows. */
static void tt_free(struct tt_ctx *c, struct tt_obj *o)
{
	struct rcu_head *head;

	tt_check(c, o, o->size);
	c->st.frees++;
	c->st.ops++;
	if (o->size >= sizeof(*head) && tt_rand(c, 8) == 0) {
		head = o->p;
		c->st.rcu_frees++;
		__goalloc_free_rcu(head);
	} else if (o->kind == TT_MALLOC || tt_rand(c, 4) == 0) {
		goalloc_free(o->p);
	} else {
		goalloc_cache_free(o->kind == TT_CACHE ? tt_cache : tt_ctor_cache,
				   o->p);
	}
	o->p = NULL;
}

/* Resize a malloc object; its prefix must survive the move. */
static void tt_realloc(struct tt_ctx *c, struct tt_obj *o)
{
	u32 nsize = tt_size(c);
	void *q;

	if (c->local_bytes + nsize > TT_KT_BYTES + o->size)
		nsize = 1 + tt_rand(c, 4096);
	if (!tt_check(c, o, o->size))
		return;
	q = goalloc_realloc(o->p, nsize, tt_gfp(c));
	if (!q) {
		tt_failed(c);
		return;
	}
	c->st.reallocs++;
	c->local_bytes += nsize;
	c->local_bytes -= o->size;
	o->p = q;
	tt_check(c, o, min(o->size, nsize));
	o->size = nsize;
	tt_stamp(o);
}

static bool tt_push(struct tt_ctx *c, const struct tt_obj *o)
{
	struct tt_pool *pool = &tt_pools[tt_rand(c, TT_NPOOLS)];
	unsigned long flags;
	bool ok = false;

	if (o->size > TT_POOL_MAX_SIZE)
		return false;
	spin_lock_irqsave(&pool->lock, flags);
	if (pool->n < TT_POOL_SIZE) {
		pool->objs[pool->n++] = *o;
		ok = true;
	}
	spin_unlock_irqrestore(&pool->lock, flags);
	if (ok)
		c->st.handed++;
	return ok;
}

static bool tt_pop(struct tt_ctx *c, struct tt_obj *o)
{
	struct tt_pool *pool = &tt_pools[tt_rand(c, TT_NPOOLS)];
	unsigned long flags;
	bool ok = false;

	spin_lock_irqsave(&pool->lock, flags);
	if (pool->n) {
		*o = pool->objs[--pool->n];
		ok = true;
	}
	spin_unlock_irqrestore(&pool->lock, flags);
	if (ok)
		c->st.taken++;
	return ok;
}

static void tt_keep(struct tt_ctx *c, const struct tt_obj *o)
{
	c->local[c->nlocal++] = *o;
	c->local_bytes += o->size;
}

static void tt_unkeep(struct tt_ctx *c, unsigned int i, struct tt_obj *o)
{
	*o = c->local[i];
	c->local[i] = c->local[--c->nlocal];
	c->local_bytes -= o->size;
}

/* Free @n checked plain-cache objects in one bulk free. */
static void tt_bulk_release(struct tt_ctx *c, void **objs, size_t n)
{
	c->st.frees += n;
	c->st.ops += n;
	goalloc_cache_free_bulk(tt_cache, n, objs);
}

/* Allocate a batch from the plain cache; keep a few, free the rest in bulk. */
static void tt_bulk_alloc(struct tt_ctx *c)
{
	void *objs[TT_BULK];
	struct tt_obj o;
	size_t n = 1 + tt_rand(c, TT_BULK), i, nfree = 0;

	if (goalloc_cache_alloc_bulk(tt_cache, tt_gfp(c), n, objs) != n) {
		tt_failed(c);
		return;
	}
	c->st.bulk += n;
	c->st.allocs += n;
	c->st.ops += n;
	for (i = 0; i < n; i++) {
		o.p = objs[i];
		o.size = TT_CACHE_SIZE;
		o.kind = TT_CACHE;
		o.owner = c->id;
		o.seq = c->seq++;
		tt_stamp(&o);
		if (c->nlocal < c->maxlocal && tt_rand(c, 2)) {
			tt_keep(c, &o);
		} else {
			tt_check(c, &o, o.size);
			objs[nfree++] = o.p;
		}
	}
	tt_bulk_release(c, objs, nfree);
}

/* Free the plain-cache objects among the first few held, in bulk. */
static void tt_bulk_free(struct tt_ctx *c)
{
	void *objs[TT_BULK];
	struct tt_obj o;
	size_t n = 0;
	unsigned int i = 0;

	while (i < c->nlocal && n < TT_BULK) {
		if (c->local[i].kind != TT_CACHE) {
			i++;
			continue;
		}
		tt_unkeep(c, i, &o);
		tt_check(c, &o, o.size);
		objs[n++] = o.p;
	}
	tt_bulk_release(c, objs, n);
}

/* One random step of a context's life. */
static void tt_step(struct tt_ctx *c)
{
	struct tt_obj o;
	u32 r = tt_rand(c, 100);
	unsigned int i;

	if (r < 45) {
		if (c->nlocal >= c->maxlocal || !tt_new(c, &o))
			return;
		if (tt_rand(c, 4) == 0 && tt_push(c, &o))
			return;
		tt_keep(c, &o);
	} else if (r < 80) {
		if (!c->nlocal)
			return;
		tt_unkeep(c, tt_rand(c, c->nlocal), &o);
		if (tt_rand(c, 3) == 0 && tt_check(c, &o, o.size) &&
		    tt_push(c, &o))
			return;
		tt_free(c, &o);
	} else if (r < 90) {
		if (!tt_pop(c, &o))
			return;
		if (c->nlocal < c->maxlocal && tt_rand(c, 2))
			tt_keep(c, &o);
		else
			tt_free(c, &o);
	} else if (r < 94) {
		tt_bulk_alloc(c);
	} else if (r < 96) {
		tt_bulk_free(c);
	} else {
		if (!c->nlocal)
			return;
		i = tt_rand(c, c->nlocal);
		if (c->local[i].kind == TT_MALLOC)
			tt_realloc(c, &c->local[i]);
	}
}

static void tt_free_local(struct tt_ctx *c)
{
	struct tt_obj o;

	while (c->nlocal) {
		tt_unkeep(c, c->nlocal - 1, &o);
		tt_free(c, &o);
	}
}

/*
 * Back to our CPU after hotplug pushed us off it.  Under cpus_read_lock()
 * no CPU is half way through hotplug, so an active CPU is a whole one.
 */
static void tt_rebind(struct tt_ctx *c)
{
	if (raw_smp_processor_id() == c->cpu || !cpu_online(c->cpu))
		return;
	cpus_read_lock();
	if (cpu_active(c->cpu) &&
	    !set_cpus_allowed_ptr(current, cpumask_of(c->cpu)))
		c->st.rebinds++;
	cpus_read_unlock();
}

static enum hrtimer_restart tt_hardirq_fn(struct hrtimer *t)
{
	struct tt_ctx *c = container_of(t, struct tt_ctx, hrt);
	unsigned int i;

	if (READ_ONCE(tt_stopping))
		return HRTIMER_NORESTART;
	for (i = 0; i < irq_steps; i++)
		tt_step(c);
	return goalloc_round_hrtimer_again(t, irq_period_us);
}

static void tt_softirq_fn(struct timer_list *t)
{
	struct tt_ctx *c = timer_container_of(c, t, tl);
	unsigned int i;

	if (READ_ONCE(tt_stopping))
		return;
	for (i = 0; i < irq_steps; i++)
		tt_step(c);
	mod_timer(t, jiffies + 1);
}

static struct tt_ctx *tt_ctx_of(int cpu, enum tt_type type)
{
	return &tt_ctxs[cpu * TT_NTYPES + type];
}

static int tt_kthread_fn(void *arg)
{
	struct tt_ctx *c = arg;
	unsigned long end = jiffies + duration * HZ;
	unsigned long i;

#ifdef CONFIG_FAULT_INJECTION
	if (fail_inject)
		current->make_it_fail = 1;
#endif
	/* The timers start on this CPU; hotplug may move them later. */
	goalloc_round_timers_start(hardirq ? &tt_ctx_of(c->cpu, TT_HARDIRQ)->hrt :
				   NULL, irq_period_us,
				   softirq ? &tt_ctx_of(c->cpu, TT_SOFTIRQ)->tl :
				   NULL);
	for (i = 0; i < max_ops && !kthread_should_stop() &&
	     time_before(jiffies, end); i++) {
		tt_step(c);
		if (i % 64 == 0)
			tt_rebind(c);
		cond_resched();
	}
	tt_free_local(c);
	atomic_dec(&tt_running);
	return 0;
}

static void tt_drain_pools(struct tt_ctx *c)
{
	struct tt_obj o;
	int i;

	for (i = 0; i < TT_NPOOLS; i++) {
		struct tt_pool *pool = &tt_pools[i];

		while (pool->n) {
			o = pool->objs[--pool->n];
			tt_free(c, &o);
		}
	}
}

static int tt_setup(void)
{
	int cpu, t;

	tt_cache = goalloc_cache_create("torture", TT_CACHE_SIZE, 0, 0, NULL);
	tt_ctor_cache = goalloc_cache_create("torture_ctor", TT_CTOR_SIZE, 0,
					     GOALLOC_HWCACHE_ALIGN, tt_ctor);
	tt_ctxs = kcalloc(nr_cpu_ids * TT_NTYPES, sizeof(*tt_ctxs), GFP_KERNEL);
	if (!tt_cache || !tt_ctor_cache || !tt_ctxs)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		for (t = 0; t < TT_NTYPES; t++) {
			struct tt_ctx *c = tt_ctx_of(cpu, t);

			c->id = t << 12 | cpu;
			c->type = t;
			c->cpu = cpu;
			c->maxlocal = t == TT_KTHREAD ? TT_KT_LOCAL : TT_IRQ_LOCAL;
			c->max_size = t == TT_KTHREAD ? max(max_size, 16U) :
					  TT_IRQ_MAX_SIZE;
			c->local = kcalloc(c->maxlocal, sizeof(*c->local),
					   GFP_KERNEL);
			if (!c->local)
				return -ENOMEM;
			prandom_seed_state(&c->rnd, get_random_u64());
		}
		goalloc_round_timers_init(&tt_ctx_of(cpu, TT_HARDIRQ)->hrt,
					  tt_hardirq_fn,
					  &tt_ctx_of(cpu, TT_SOFTIRQ)->tl,
					  tt_softirq_fn);
	}
	return 0;
}

/* Everything the setup made; every object must be freed by now. */
static void tt_teardown(void)
{
	int cpu;

	if (tt_ctxs) {
		for_each_possible_cpu(cpu) {
			int t;

			for (t = 0; t < TT_NTYPES; t++)
				kfree(tt_ctx_of(cpu, t)->local);
		}
	}
	kfree(tt_ctxs);
	tt_ctxs = NULL;
	goalloc_cache_destroy(tt_ctor_cache);
	goalloc_cache_destroy(tt_cache);
	tt_cache = NULL;
	tt_ctor_cache = NULL;
}

/* Add every counter of @src to @dst's (struct tt_stats is all u64). */
static void tt_stats_add(struct tt_stats *dst, const struct tt_stats *src)
{
	u64 *d = (u64 *)dst;
	const u64 *s = (const u64 *)src;
	size_t k;

	for (k = 0; k < sizeof(*dst) / sizeof(u64); k++)
		d[k] += s[k];
}

static int tt_run(void)
{
	struct goalloc_memstats *ms0, *ms1;
	struct tt_stats sum[TT_NTYPES] = {}, all = {};
	unsigned long misuse0, ticks, i;
	unsigned int nthreads = 0;
	s64 left_objs, left_bytes;
	bool pass;
	int cpu, t, ret;

	ms0 = kmalloc(sizeof(*ms0), GFP_KERNEL);
	ms1 = kmalloc(sizeof(*ms1), GFP_KERNEL);
	if (!ms0 || !ms1) {
		ret = -ENOMEM;
		goto out_free;
	}
	goalloc_round_settle(ms0);
	misuse0 = goalloc_misuse_count();

	ret = tt_setup();
	if (ret)
		goto out;

	WRITE_ONCE(tt_stopping, false);
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct tt_ctx *c = tt_ctx_of(cpu, TT_KTHREAD);

		c->task = goalloc_round_kthread(tt_kthread_fn, c, "goalloc_tt",
						cpu, &tt_running);
		if (c->task)
			nthreads++;
	}
	cpus_read_unlock();
	pr_info("start cpus=%u duration=%us hardirq=%d softirq=%d irq_period_us=%u max_size=%u fail_inject=%d\n",
		nthreads, duration, hardirq, softirq, irq_period_us, max_size,
		fail_inject);

	/* Wait out the duration (a little over, for slow starts). */
	ticks = 0;
	for (i = 0; i < (duration + 5) * 10UL && atomic_read(&tt_running); i++) {
		msleep(100);
		ticks += 100;
		if (reclaim_ms && ticks >= reclaim_ms) {
			ticks = 0;
			goalloc_reclaim();
		}
	}

	WRITE_ONCE(tt_stopping, true);
	for_each_possible_cpu(cpu)
		goalloc_round_kthread_stop(&tt_ctx_of(cpu, TT_KTHREAD)->task);
	for_each_possible_cpu(cpu)
		goalloc_round_timers_stop(&tt_ctx_of(cpu, TT_HARDIRQ)->hrt,
					  &tt_ctx_of(cpu, TT_SOFTIRQ)->tl);
	/* Kthreads never started free nothing themselves. */
	for_each_possible_cpu(cpu)
		for (t = 0; t < TT_NTYPES; t++)
			tt_free_local(tt_ctx_of(cpu, t));
	tt_drain_pools(tt_ctx_of(raw_smp_processor_id(), TT_KTHREAD));

	for_each_possible_cpu(cpu)
		for (t = 0; t < TT_NTYPES; t++)
			tt_stats_add(&sum[t], &tt_ctx_of(cpu, t)->st);
	for (t = 0; t < TT_NTYPES; t++)
		tt_stats_add(&all, &sum[t]);

out:
	/* Objects freed through RCU must be gone before their caches. */
	goalloc_rcu_barrier();
	tt_teardown();
	goalloc_round_settle(ms1);
	left_objs = (s64)(ms1->heap_objects - ms0->heap_objects);
	left_bytes = (s64)(ms1->heap_alloc - ms0->heap_alloc);
	misuse0 = goalloc_misuse_count() - misuse0;

	pr_info("ops kthread=%llu hardirq=%llu softirq=%llu\n",
		sum[TT_KTHREAD].ops, sum[TT_HARDIRQ].ops, sum[TT_SOFTIRQ].ops);
	pr_info("objects allocs=%llu frees=%llu rcu_frees=%llu handed=%llu taken=%llu bulk=%llu reallocs=%llu callocs=%llu tiny=%llu large=%llu\n",
		all.allocs, all.frees, all.rcu_frees, all.handed, all.taken,
		all.bulk, all.reallocs, all.callocs, all.tiny, all.large);
	pr_info("alloc_failures kthread=%llu hardirq=%llu softirq=%llu rebinds=%llu\n",
		sum[TT_KTHREAD].failures, sum[TT_HARDIRQ].failures,
		sum[TT_SOFTIRQ].failures, all.rebinds);
	pr_info("verified=%llu corruptions=%llu leftover_objects=%lld leftover_bytes=%lld alloc_failures=%llu misuse=%lu\n",
		all.verified, all.corruptions, left_objs, left_bytes,
		all.failures, misuse0);
	pass = !ret && !all.corruptions && !left_objs && !left_bytes &&
	       !misuse0 && nthreads && sum[TT_KTHREAD].ops &&
	       (!hardirq || sum[TT_HARDIRQ].ops) &&
	       (!softirq || sum[TT_SOFTIRQ].ops);
	if (ret)
		pr_err("setup failed: %d\n", ret);
	ret = goalloc_round_verdict(pass);
out_free:
	kfree(ms0);
	kfree(ms1);
	return ret;
}

/* Allocate @mb MiB through goalloc in mixed sizes, then free it all. */
static int tt_pressure(unsigned int mb)
{
	static const u32 sizes[] = { 64, 512, 4096, 16384, SZ_32K, SZ_256K };
	size_t want = (size_t)mb << 20, got = 0, n = 0, max_n, i;
	unsigned long failures = 0;
	void **ptrs;

	max_n = want / 64 / ARRAY_SIZE(sizes) + 16;
	ptrs = vmalloc_array(max_n, sizeof(*ptrs));
	if (!ptrs)
		return -ENOMEM;
	for (i = 0; got < want && n < max_n && failures < 1000; i++) {
		u32 size = sizes[i % ARRAY_SIZE(sizes)];
		void *p = goalloc_malloc(size, GFP_KERNEL | __GFP_NOWARN);

		if (!p) {
			failures++;
			continue;
		}
		memset(p, 0x5a, min_t(u32, size, 64));
		ptrs[n++] = p;
		got += size;
		if (n % 1024 == 0)
			cond_resched();
	}
	pr_info("pressure allocated_bytes=%zu objects=%zu failures=%lu\n",
		got, n, failures);
	for (i = 0; i < n; i++)
		goalloc_free(ptrs[i]);
	vfree(ptrs);
	return 0;
}

static ssize_t tt_pressure_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	unsigned int mb;
	int ret;

	ret = kstrtouint_from_user(ubuf, count, 0, &mb);
	if (ret)
		return ret;
	if (!mb || mb > TT_PRESSURE_MAX_MB)
		return -EINVAL;
	ret = tt_pressure(mb);
	return ret ? ret : count;
}

static const struct file_operations tt_pressure_fops = {
	.owner = THIS_MODULE,
	.write = tt_pressure_write,
	.llseek = noop_llseek,
};

/*
 * The module loads whatever the round found: busybox insmod retries a
 * failed finit_module() with init_module(), which would run it twice.
 */
static int __init tt_init(void)
{
	int i;

	for (i = 0; i < TT_NPOOLS; i++)
		spin_lock_init(&tt_pools[i].lock);
	if (duration)
		goalloc_round_result = tt_run() ? "FAIL" : "PASS";
	tt_debugfs = goalloc_round_debugfs("goalloc_torture");
	debugfs_create_file("pressure", 0200, tt_debugfs, NULL,
			    &tt_pressure_fops);
	return 0;
}

static void __exit tt_exit(void)
{
	debugfs_remove_recursive(tt_debugfs);
}

module_init(tt_init);
module_exit(tt_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("goalloc torture: every API from every context, checked");
