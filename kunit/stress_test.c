// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite goalloc_stress: goalloc on every online CPU at once.
 *
 * The API suites check each promise on its own; here the promises must
 * hold together, under the contention that the per-CPU arrays, the central
 * lists and the page heap are built for.  One kthread is bound to each
 * online CPU.  Each allocates objects of random sizes (1 byte to 64 KiB:
 * tiny, small and large, through the malloc family and a shared cache),
 * keeps them for a random while, resizes some, and frees each one itself
 * or hands it to another CPU through a spinlock-protected ring, so that
 * most frees land on a CPU other than the allocating one.  Every object
 * is stamped over its whole requested size with a pattern that encodes its
 * owner and sequence number, and the pattern is checked before the free:
 * an object handed out twice, or two objects that overlap, shows up as a
 * corruption.  Meanwhile the test thread drains the per-CPU arrays with
 * goalloc_reclaim() and goalloc_cache_shrink(), as memory pressure would.
 *
 * Variants add an hrtimer on each CPU whose hard-IRQ callback allocates
 * and frees in the middle of the task's per-CPU paths and frees objects
 * the tasks made; caches created and destroyed while others allocate; and
 * a producer/consumer split, where some CPUs only allocate and others only
 * free.  At the end every object is freed and goalloc's statistics must be
 * back at their baseline.
 *
 * Each case is bounded by a number of iterations and by a deadline in
 * jiffies, so that it lasts a few seconds under TCG with KASAN and lockdep
 * and less on faster machines.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/minmax.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include <goalloc.h>
#include "goalloc_kcompat.h"
#include <goalloc_stamp.h>
#include "goalloc_test.h"

#define ST_LOCAL		48	/* objects a worker holds at most */
#define ST_RING			256	/* objects in flight between CPUs */
#define ST_MAX_SIZE		(64 * 1024)
#define ST_MAX_ITERS		1000000
#define ST_BULK			16
#define ST_IRQ_OWNER		0x100	/* owner ids of hard-IRQ allocations */
#define ST_IRQ_PERIOD_US	700

enum st_kind { ST_MALLOC, ST_CACHE };
enum st_role { ST_MIXED, ST_PRODUCER, ST_CONSUMER };

struct st_obj {
	void *p;
	u32 size;
	u32 seq;
	u16 owner;
	u8 kind;
};

struct st_run;

struct st_worker {
	struct st_run *run;
	struct task_struct *task;
	struct completion done;
	unsigned int id;
	int cpu, ran_on;
	enum st_role role;
	u32 seq;
	unsigned int nlocal;
	struct st_obj local[ST_LOCAL];
	/* The hard-IRQ side: touched by the timer callback only. */
	struct hrtimer timer;
	bool stop_irq;
	u32 irq_seq;
	struct st_obj irq_obj;
};

struct st_run {
	struct goalloc_cache *cache;
	unsigned int cache_size;
	bool irq, churn, split;
	unsigned long deadline;
	unsigned int nworkers;
	struct st_worker *workers;

	spinlock_t lock;		/* guards the ring, from any context */
	unsigned int head, count;
	struct st_obj ring[ST_RING];

	atomic_long_t ops, frees, handoffs, corrupt, bad_size, nomem;
	atomic_long_t irq_rounds, irq_wrong_context, churned;
};

static u64 st_seed(const struct st_obj *o)
{
	return (u64)o->owner << 32 | o->seq;
}

/* Stamp the object's whole requested size with its owner's pattern. */
static void st_stamp(const struct st_obj *o)
{
	goalloc_stamp(o->p, o->size, st_seed(o));
}

/* Whether the first @n bytes still hold the object's pattern. */
static bool st_stamped(const struct st_obj *o, size_t n)
{
	return goalloc_stamped(o->p, n, st_seed(o));
}

/* Mostly small sizes, as real workloads have, up to 64 KiB. */
static u32 st_random_size(void)
{
	u32 r = get_random_u32_below(8);

	if (r < 4)
		return 1 + get_random_u32_below(256);
	if (r < 6)
		return 1 + get_random_u32_below(4096);
	if (r < 7)
		return 1 + get_random_u32_below(32 * 1024);
	return 1 + get_random_u32_below(ST_MAX_SIZE);
}

/* Allocate an object for @owner and stamp it; false when memory is short. */
static bool st_new(struct st_run *run, struct st_obj *o, u16 owner, u32 seq,
		   u32 max_size, gfp_t gfp)
{
	o->owner = owner;
	o->seq = seq;
	o->kind = get_random_u32_below(4) ? ST_MALLOC : ST_CACHE;
	if (o->kind == ST_CACHE) {
		o->size = run->cache_size;
		o->p = goalloc_cache_alloc(run->cache, gfp);
	} else {
		o->size = max_size ? 1 + get_random_u32_below(max_size) :
				     st_random_size();
		o->p = goalloc_malloc(o->size, gfp);
	}
	if (!o->p) {
		atomic_long_inc(&run->nomem);
		return false;
	}
	st_stamp(o);
	return true;
}

/* Check an object's pattern and free it, on behalf of @by. */
static void st_release(struct st_run *run, struct st_obj *o, u16 by,
		       bool check_size)
{
	if (!st_stamped(o, o->size))
		atomic_long_inc(&run->corrupt);
	if (check_size && goalloc_size(o->p) < o->size)
		atomic_long_inc(&run->bad_size);
	if (o->kind == ST_CACHE)
		goalloc_cache_free(run->cache, o->p);
	else
		goalloc_free(o->p);
	if (o->owner != by)
		atomic_long_inc(&run->handoffs);
	atomic_long_inc(&run->frees);
	o->p = NULL;
}

static bool st_push(struct st_run *run, const struct st_obj *o)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&run->lock, flags);
	ok = run->count < ST_RING;
	if (ok) {
		run->ring[(run->head + run->count) % ST_RING] = *o;
		run->count++;
	}
	spin_unlock_irqrestore(&run->lock, flags);
	return ok;
}

static bool st_pop(struct st_run *run, struct st_obj *o)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&run->lock, flags);
	ok = run->count > 0;
	if (ok) {
		*o = run->ring[run->head];
		run->head = (run->head + 1) % ST_RING;
		run->count--;
	}
	spin_unlock_irqrestore(&run->lock, flags);
	return ok;
}

/* Drop local object @i from the worker's list. */
static void st_forget(struct st_worker *w, unsigned int i)
{
	w->local[i] = w->local[--w->nlocal];
}

static void st_alloc_local(struct st_worker *w, u32 max_size)
{
	struct st_obj *o = &w->local[w->nlocal];

	if (st_new(w->run, o, w->id, ++w->seq, max_size, GFP_KERNEL))
		w->nlocal++;
}

static void st_free_local(struct st_worker *w, unsigned int i)
{
	st_release(w->run, &w->local[i], w->id, true);
	st_forget(w, i);
}

/* Hand local object @i to whichever CPU takes it next. */
static void st_hand_off(struct st_worker *w, unsigned int i)
{
	if (st_push(w->run, &w->local[i]))
		st_forget(w, i);
	else
		st_free_local(w, i);
}

static bool st_take(struct st_worker *w)
{
	struct st_obj o;

	if (!st_pop(w->run, &o))
		return false;
	st_release(w->run, &o, w->id, true);
	return true;
}

/* Resize a malloc'd object: what both sizes share must survive. */
static void st_resize(struct st_worker *w, unsigned int i)
{
	struct st_obj *o = &w->local[i];
	u32 size = st_random_size();
	void *q;

	if (o->kind != ST_MALLOC)
		return;
	q = goalloc_realloc(o->p, size, GFP_KERNEL);
	if (!q) {
		atomic_long_inc(&w->run->nomem);
		return;
	}
	o->p = q;
	if (!st_stamped(o, min(o->size, size)))
		atomic_long_inc(&w->run->corrupt);
	o->size = size;
	o->seq = ++w->seq;
	st_stamp(o);
}

static void st_bulk(struct st_worker *w)
{
	struct st_run *run = w->run;
	struct st_obj o = { .owner = w->id, .size = run->cache_size, .kind = ST_CACHE };
	unsigned int n = 1 + get_random_u32_below(ST_BULK), i;
	void *objs[ST_BULK];

	if (goalloc_cache_alloc_bulk(run->cache, GFP_KERNEL, n, objs) != n) {
		atomic_long_inc(&run->nomem);
		return;
	}
	for (i = 0; i < n; i++) {
		o.p = objs[i];
		o.seq = ++w->seq;
		st_stamp(&o);
	}
	for (i = 0; i < n; i++) {
		o.p = objs[i];
		o.seq = w->seq - n + 1 + i;
		if (!st_stamped(&o, o.size))
			atomic_long_inc(&run->corrupt);
	}
	goalloc_cache_free_bulk(run->cache, n, objs);
}

/* A private cache, made, used and destroyed while the others allocate. */
static void st_churn(struct st_worker *w)
{
	struct st_run *run = w->run;
	unsigned int size = 8 + get_random_u32_below(3000);
	unsigned int flags = get_random_u32_below(2) ? GOALLOC_HWCACHE_ALIGN : 0;
	unsigned int n = 1 + get_random_u32_below(ST_BULK), i;
	struct goalloc_cache *cache;
	void *objs[ST_BULK];
	struct st_obj o = { .owner = w->id, .kind = ST_CACHE };

	cache = goalloc_cache_create("goalloc_st_churn", size, 0, flags, NULL);
	if (!cache) {
		atomic_long_inc(&run->nomem);
		return;
	}
	o.size = goalloc_cache_size(cache);
	for (i = 0; i < n; i++) {
		objs[i] = goalloc_cache_alloc(cache, GFP_KERNEL);
		if (!objs[i]) {
			atomic_long_inc(&run->nomem);
			continue;
		}
		o.p = objs[i];
		o.seq = i;
		st_stamp(&o);
	}
	for (i = 0; i < n; i++) {
		if (!objs[i])
			continue;
		o.p = objs[i];
		o.seq = i;
		if (!st_stamped(&o, o.size))
			atomic_long_inc(&run->corrupt);
		goalloc_cache_free(cache, objs[i]);
	}
	goalloc_cache_destroy(cache);
	atomic_long_inc(&run->churned);
}

/*
 * The hard-IRQ side: each tick frees an object from the ring (made by a
 * task, most likely on another CPU), frees the object of its previous
 * tick, and allocates a new one, which it keeps or puts in the ring.
 */
static enum hrtimer_restart st_irq_fn(struct hrtimer *t)
{
	struct st_worker *w = container_of(t, struct st_worker, timer);
	struct st_run *run = w->run;
	u16 me = ST_IRQ_OWNER + w->id;
	struct st_obj o;

	if (READ_ONCE(w->stop_irq))
		return HRTIMER_NORESTART;
	if (!in_hardirq())
		atomic_long_inc(&run->irq_wrong_context);
	if (st_pop(run, &o))
		st_release(run, &o, me, false);
	if (w->irq_obj.p)
		st_release(run, &w->irq_obj, me, false);
	if (st_new(run, &o, me, ++w->irq_seq, 2048, GFP_ATOMIC)) {
		if (get_random_u32_below(2) || !st_push(run, &o))
			w->irq_obj = o;
	}
	atomic_long_inc(&run->irq_rounds);
	hrtimer_forward_now(t, ns_to_ktime(ST_IRQ_PERIOD_US * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

static void st_mixed_step(struct st_worker *w)
{
	u32 op = get_random_u32_below(100);
	unsigned int i = w->nlocal ? get_random_u32_below(w->nlocal) : 0;

	if (op < 40 && w->nlocal < ST_LOCAL)
		st_alloc_local(w, 0);
	else if (op < 58 && w->nlocal)
		st_free_local(w, i);
	else if (op < 74 && w->nlocal)
		st_hand_off(w, i);
	else if (op < 88)
		st_take(w);
	else if (op < 94 && w->nlocal)
		st_resize(w, i);
	else if (op < 97 || !w->run->churn)
		st_bulk(w);
	else
		st_churn(w);
}

static void st_split_step(struct st_worker *w)
{
	if (w->role == ST_CONSUMER) {
		if (!st_take(w))
			cpu_relax();
		return;
	}
	st_alloc_local(w, 512);
	if (w->nlocal)
		st_hand_off(w, w->nlocal - 1);
}

static int st_worker_fn(void *data)
{
	struct st_worker *w = data;
	struct st_run *run = w->run;
	unsigned int iter;

	w->ran_on = raw_smp_processor_id();
	if (run->irq) {
		/* Hard-IRQ context: the mode goalloc_kcompat.h says. */
		hrtimer_setup(&w->timer, st_irq_fn, CLOCK_MONOTONIC,
			      HRTIMER_MODE_REL_PINNED);
		hrtimer_start(&w->timer, ns_to_ktime(ST_IRQ_PERIOD_US * NSEC_PER_USEC),
			      HRTIMER_MODE_REL_PINNED);
	}
	for (iter = 0; iter < ST_MAX_ITERS && time_before(jiffies, run->deadline);
	     iter++) {
		if (w->role == ST_MIXED)
			st_mixed_step(w);
		else
			st_split_step(w);
		atomic_long_inc(&run->ops);
		cond_resched();
	}
	if (run->irq) {
		WRITE_ONCE(w->stop_irq, true);
		hrtimer_cancel(&w->timer);
		if (w->irq_obj.p)
			st_release(run, &w->irq_obj, ST_IRQ_OWNER + w->id, true);
	}
	while (w->nlocal)
		st_free_local(w, w->nlocal - 1);
	complete(&w->done);
	return 0;
}

static bool st_all_done(struct st_run *run)
{
	unsigned int i;

	for (i = 0; i < run->nworkers; i++)
		if (!completion_done(&run->workers[i].done))
			return false;
	return true;
}

/*
 * Start a worker on every online CPU, let them run for @ms milliseconds
 * while this thread drains the per-CPU arrays now and then, wait for all,
 * free what is left in the ring, and check the outcome.
 */
static void st_run(struct kunit *test, struct st_run *run, unsigned int ms)
{
	struct goalloc_memstats *base, *now;
	unsigned int i, n = 0, max = num_online_cpus();
	struct st_obj o;
	int cpu;

	base = kunit_kzalloc(test, sizeof(*base), GFP_KERNEL);
	now = kunit_kzalloc(test, sizeof(*now), GFP_KERNEL);
	run->workers = kunit_kcalloc(test, max, sizeof(*run->workers), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, base);
	KUNIT_ASSERT_NOT_NULL(test, now);
	KUNIT_ASSERT_NOT_NULL(test, run->workers);
	spin_lock_init(&run->lock);
	run->cache = goalloc_cache_create("goalloc_st", 200, 0, 0, NULL);
	KUNIT_ASSERT_NOT_NULL(test, run->cache);
	run->cache_size = goalloc_cache_size(run->cache);
	goalloc_reclaim();
	goalloc_read_memstats(base);

	for_each_online_cpu(cpu) {
		struct st_worker *w;

		if (n == max)
			break;
		w = &run->workers[n];
		w->run = run;
		w->id = n;
		w->cpu = cpu;
		w->ran_on = -1;
		if (run->split && max > 1)
			w->role = n % 2 ? ST_CONSUMER : ST_PRODUCER;
		init_completion(&w->done);
		w->task = kthread_create(st_worker_fn, w, "goalloc_st/%d", cpu);
		if (IS_ERR(w->task)) {
			KUNIT_FAIL(test, "no worker for CPU %d: %ld", cpu,
				   PTR_ERR(w->task));
			break;
		}
		kthread_bind(w->task, cpu);
		get_task_struct(w->task);
		n++;
	}
	run->nworkers = n;
	run->deadline = jiffies + msecs_to_jiffies(ms);
	for (i = 0; i < n; i++)
		wake_up_process(run->workers[i].task);

	/* Drain every CPU's arrays while they allocate, as reclaim would. */
	while (!st_all_done(run)) {
		goalloc_reclaim();
		goalloc_cache_shrink(run->cache);
		goalloc_read_memstats(now);
		msleep(50);
	}
	for (i = 0; i < n; i++) {
		wait_for_completion(&run->workers[i].done);
		kthread_stop_put(run->workers[i].task);
		KUNIT_EXPECT_EQ(test, run->workers[i].ran_on, run->workers[i].cpu);
	}
	while (st_pop(run, &o))
		st_release(run, &o, U16_MAX, true);
	goalloc_cache_destroy(run->cache);

	KUNIT_EXPECT_EQ(test, n, max);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&run->corrupt), 0L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&run->bad_size), 0L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&run->irq_wrong_context), 0L);
	KUNIT_EXPECT_GT(test, atomic_long_read(&run->ops), 0L);
	KUNIT_EXPECT_GT(test, atomic_long_read(&run->frees), 0L);
	if (n > 1)
		KUNIT_EXPECT_GT(test, atomic_long_read(&run->handoffs), 0L);
	kunit_info(test, "%u CPUs, %ld operations, %ld frees, %ld handed over, %ld hard-IRQ ticks, %ld caches churned, %ld failed allocations\n",
		   n, atomic_long_read(&run->ops), atomic_long_read(&run->frees),
		   atomic_long_read(&run->handoffs),
		   atomic_long_read(&run->irq_rounds),
		   atomic_long_read(&run->churned), atomic_long_read(&run->nomem));

	goalloc_reclaim();
	goalloc_read_memstats(now);
	KUNIT_EXPECT_EQ(test, now->heap_objects, base->heap_objects);
	KUNIT_EXPECT_EQ(test, now->heap_alloc, base->heap_alloc);
	KUNIT_EXPECT_EQ(test, now->large_objects, base->large_objects);
	KUNIT_EXPECT_EQ(test, now->heap_inuse + now->heap_idle, now->heap_sys);
}

/*
 * One body for every case: run the mix for @ms with hard-IRQ allocations
 * (@irq), caches coming and going (@churn) or producers and consumers
 * (@split).  No allocation may fail, but in hard-IRQ context (GFP_ATOMIC
 * may meet an empty reserve), where the timers must have run instead.
 */
static void st_go(struct kunit *test, unsigned int ms, bool irq, bool churn,
		  bool split)
{
	struct st_run *run = kunit_kzalloc(test, sizeof(*run), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, run);
	run->irq = irq;
	run->churn = churn;
	run->split = split;
	st_run(test, run, ms);
	if (irq)
		KUNIT_EXPECT_GT(test, atomic_long_read(&run->irq_rounds), 0L);
	else
		KUNIT_EXPECT_EQ(test, atomic_long_read(&run->nomem), 0L);
	if (churn)
		KUNIT_EXPECT_GT(test, atomic_long_read(&run->churned), 0L);
}

/*
 * Every kind of allocation on every CPU, objects handed between CPUs, no
 * failed allocation (the working set stays far below the guest's memory).
 */
static void stress_mixed_all_cpus(struct kunit *test)
{
	st_go(test, 3000, false, false, false);
}

/* The same with a hard-IRQ timer on every CPU allocating and freeing. */
static void stress_with_hardirq_allocations(struct kunit *test)
{
	if (!GOALLOC_HARDIRQ_ALLOCS)
		kunit_skip(test, "PREEMPT_RT: hard-IRQ context may not allocate");
	st_go(test, 1500, true, false, false);
}

/* Caches come and go while the other CPUs allocate from theirs. */
static void stress_cache_churn(struct kunit *test)
{
	st_go(test, 1500, false, true, false);
}

/*
 * Producers only allocate, consumers only free: every free is remote, the
 * pattern on which per-slab free lists pay the most.
 */
static void stress_producer_consumer(struct kunit *test)
{
	st_go(test, 1500, false, false, true);
}

GT_SUITE(goalloc_stress, NULL,
	 KUNIT_CASE_SLOW(stress_mixed_all_cpus),
	 KUNIT_CASE_SLOW(stress_with_hardirq_allocations),
	 KUNIT_CASE_SLOW(stress_cache_churn),
	 KUNIT_CASE_SLOW(stress_producer_consumer));
