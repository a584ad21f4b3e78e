// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite goalloc_context: frees on another CPU than the allocation,
 * allocation and free in hard-IRQ and softirq context and with
 * interrupts or preemption disabled, a CPU going offline with objects in
 * its per-CPU arrays.
 *
 * The suites run on the debug kernel (KASAN, lockdep, PREEMPT,
 * DEBUG_ATOMIC_SLEEP) with four CPUs on two NUMA nodes.  The log of a
 * passing run must stay free of splats: no case reads an object after
 * freeing it, save the one read a GOALLOC_TYPESAFE_BY_RCU cache promises
 * to allow, and every allocation meant to fail passes __GFP_NOWARN,
 * except where a bad call is meant to be reported.  Statistics are
 * compared after goalloc_reclaim(), which drains the per-CPU arrays
 * (objects waiting there still count as allocated), and each case takes
 * its own baseline.  Shared helpers: goalloc_test.h.
 */
#include <linux/cpu.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/preempt.h>
#include <linux/spinlock.h>
#include <linux/timer.h>

#include "goalloc_kcompat.h"
#include "goalloc_test.h"

#define GT_XCPU_OBJS	96

struct gt_xcpu {
	struct goalloc_cache *cache;
	void *objs[GT_XCPU_OBJS];
	size_t sizes[GT_XCPU_OBJS];
	u64 seed;
	unsigned int nomem, corrupt;
};

/* Of every kind: tiny, small, large, cache objects and bulk. */
static void gt_xcpu_alloc(void *arg)
{
	struct gt_xcpu *x = arg;
	unsigned int i;

	for (i = 0; i < GT_XCPU_OBJS; i++) {
		if (i % 4 == 3) {
			x->sizes[i] = goalloc_cache_size(x->cache);
			x->objs[i] = goalloc_cache_alloc(x->cache, GFP_KERNEL);
		} else {
			x->sizes[i] = i % 16 == 0 ? 40 * GT_KIB + i : 1 + i * 37 % 3000;
			x->objs[i] = goalloc_malloc(x->sizes[i], GFP_KERNEL);
		}
		if (!x->objs[i]) {
			x->nomem++;
			continue;
		}
		goalloc_stamp(x->objs[i], x->sizes[i], x->seed + i);
	}
}

static void gt_xcpu_free(void *arg)
{
	struct gt_xcpu *x = arg;
	unsigned int i;

	for (i = 0; i < GT_XCPU_OBJS; i++) {
		if (!x->objs[i])
			continue;
		if (!goalloc_stamped(x->objs[i], x->sizes[i], x->seed + i))
			x->corrupt++;
		if (i % 4 == 3)
			goalloc_cache_free(x->cache, x->objs[i]);
		else
			goalloc_free(x->objs[i]);
		x->objs[i] = NULL;
	}
}

static int gt_two_cpus(struct kunit *test, int *second)
{
	int first = cpumask_first(cpu_online_mask);

	*second = cpumask_next(first, cpu_online_mask);
	if (*second >= nr_cpu_ids)
		kunit_skip(test, "needs two online CPUs");
	return first;
}

/*
 * Objects allocated on one CPU and freed on another land in the freeing
 * CPU's arrays; whoever allocates them next gets them intact.  Rounds go
 * both ways, so the second CPU reuses what the first freed.
 */
static void ctx_free_on_another_cpu(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct gt_xcpu *x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	int cpu[2], round;

	KUNIT_ASSERT_NOT_NULL(test, x);
	cpu[0] = gt_two_cpus(test, &cpu[1]);
	x->cache = gt_cache(test, "gt_xcpu", 176, 0, 0, NULL);
	for (round = 0; round < 6; round++) {
		x->seed = (u64)round << 32;
		gt_run_on_cpu(test, cpu[round & 1], gt_xcpu_alloc, x);
		gt_run_on_cpu(test, cpu[!(round & 1)], gt_xcpu_free, x);
	}
	KUNIT_EXPECT_EQ(test, x->nomem, 0U);
	KUNIT_EXPECT_EQ(test, x->corrupt, 0U);
	gt_cache_destroy(test, x->cache);
	gt_expect_baseline(test, base);
}

#define GT_IRQ_ROUNDS	40
#define GT_IRQ_OBJS	6

/*
 * A timer callback allocates objects of every kind in one round (tiny,
 * small, cache, large, calloc, realloc) and checks and frees them in the
 * next; it also frees what the task left it in from_task[].
 */
struct gt_irq {
	struct hrtimer hrtimer;
	struct timer_list timer;
	struct goalloc_cache *cache;
	void *objs[GT_IRQ_OBJS];
	size_t sizes[GT_IRQ_OBJS];
	spinlock_t lock;		/* guards from_task[] */
	void *from_task[GT_IRQ_OBJS];
	unsigned int rounds, allocs, nomem, corrupt, wrong_context;
	bool hard;
	struct completion done;
};

static void *gt_irq_alloc(struct gt_irq *x, unsigned int i, size_t size)
{
	void *p, *small;

	switch (i) {
	case 2:
		return goalloc_cache_alloc(x->cache, GFP_ATOMIC);
	case 4:
		p = goalloc_calloc(4, size / 4, GFP_ATOMIC);
		if (p && !gt_zeroed(p, size))
			x->corrupt++;
		return p;
	case 5:
		small = goalloc_malloc(100, GFP_ATOMIC);
		p = small ? goalloc_realloc(small, size, GFP_ATOMIC) : NULL;
		if (small && !p)
			goalloc_free(small);
		return p;
	default:
		return goalloc_malloc(size, GFP_ATOMIC);
	}
}

static void gt_irq_round(struct gt_irq *x)
{
	static const size_t sizes[GT_IRQ_OBJS] = { 7, 200, 0, 40 * GT_KIB, 96, 500 };
	u64 seed = (u64)x->rounds << 8;
	void *from_task[GT_IRQ_OBJS];
	unsigned long flags;
	unsigned int i;
	void *p;

	if (x->hard ? !in_hardirq() : !in_serving_softirq())
		x->wrong_context++;
	for (i = 0; i < GT_IRQ_OBJS; i++) {
		if (!x->objs[i])
			continue;
		if (!goalloc_stamped(x->objs[i], x->sizes[i], seed - 256 + i))
			x->corrupt++;
		if (i == 2)
			goalloc_cache_free(x->cache, x->objs[i]);
		else
			goalloc_free(x->objs[i]);
		x->objs[i] = NULL;
	}
	/* irqsave: the lock class is shared by the hard and soft IRQ cases. */
	spin_lock_irqsave(&x->lock, flags);
	memcpy(from_task, x->from_task, sizeof(from_task));
	memset(x->from_task, 0, sizeof(x->from_task));
	spin_unlock_irqrestore(&x->lock, flags);
	for (i = 0; i < GT_IRQ_OBJS; i++)
		goalloc_free(from_task[i]);
	if (x->rounds == GT_IRQ_ROUNDS)
		return;
	for (i = 0; i < GT_IRQ_OBJS; i++) {
		x->sizes[i] = i == 2 ? goalloc_cache_size(x->cache) : sizes[i];
		p = gt_irq_alloc(x, i, x->sizes[i]);
		if (!p) {
			x->nomem++;
			continue;
		}
		x->allocs++;
		goalloc_stamp(p, x->sizes[i], seed + i);
		x->objs[i] = p;
	}
}

static enum hrtimer_restart gt_hrtimer_fn(struct hrtimer *t)
{
	struct gt_irq *x = container_of(t, struct gt_irq, hrtimer);

	gt_irq_round(x);
	if (x->rounds++ == GT_IRQ_ROUNDS) {
		complete(&x->done);
		return HRTIMER_NORESTART;
	}
	hrtimer_forward_now(t, ms_to_ktime(1));
	return HRTIMER_RESTART;
}

static void gt_timer_fn(struct timer_list *t)
{
	struct gt_irq *x = timer_container_of(x, t, timer);

	gt_irq_round(x);
	if (x->rounds++ == GT_IRQ_ROUNDS) {
		complete(&x->done);
		return;
	}
	mod_timer(&x->timer, jiffies + 1);
}

static struct gt_irq *gt_irq_new(struct kunit *test, bool hard)
{
	struct gt_irq *x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, x);
	x->cache = gt_cache(test, hard ? "gt_hardirq" : "gt_softirq", 72, 0, 0, NULL);
	x->hard = hard;
	spin_lock_init(&x->lock);
	init_completion(&x->done);
	return x;
}

/*
 * While the timer runs, the task keeps allocating and freeing on the CPU
 * it armed the timer on, so that the callback interrupts goalloc's per-CPU
 * paths, and under the lock, with interrupts off, it leaves objects for the
 * callback to free.  The caller has disabled migration.
 */
static void gt_irq_task_side(struct kunit *test, struct gt_irq *x)
{
	unsigned long end = jiffies + 30 * HZ, flags;
	unsigned int i, spins = 0, nomem = 0;
	void *p;

	while (!completion_done(&x->done) && time_before(jiffies, end)) {
		p = goalloc_malloc(1 + spins % 700, GFP_KERNEL);
		nomem += !p;
		goalloc_free(p);
		spin_lock_irqsave(&x->lock, flags);
		for (i = 0; i < GT_IRQ_OBJS; i++)
			if (!x->from_task[i])
				x->from_task[i] = goalloc_malloc(8 + 300 * i, GFP_ATOMIC);
		spin_unlock_irqrestore(&x->lock, flags);
		spins++;
		cond_resched();
	}
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&x->done, 10 * HZ));
	KUNIT_EXPECT_GT(test, spins, 0U);
	KUNIT_EXPECT_EQ(test, nomem, 0U);
}

/* After the timer is cancelled: every round ran, in the right context. */
static void gt_irq_check(struct kunit *test, struct gt_irq *x)
{
	unsigned int i;

	KUNIT_EXPECT_EQ(test, x->rounds, GT_IRQ_ROUNDS + 1U);
	KUNIT_EXPECT_EQ(test, x->wrong_context, 0U);
	KUNIT_EXPECT_EQ(test, x->corrupt, 0U);
	KUNIT_EXPECT_GE(test, x->allocs, GT_IRQ_ROUNDS * (GT_IRQ_OBJS - 1U));
	for (i = 0; i < GT_IRQ_OBJS; i++) {
		goalloc_free(x->from_task[i]);
		KUNIT_EXPECT_NULL(test, x->objs[i]);
	}
	gt_cache_destroy(test, x->cache);
}

/*
 * Allocation and free in hard-IRQ context, from an hrtimer callback in the
 * mode goalloc_kcompat.h says (GOALLOC_HARDIRQ_ALLOCS).
 */
static void ctx_hardirq_alloc_free(struct kunit *test)
{
	struct goalloc_memstats *base;
	struct gt_irq *x;

	if (!GOALLOC_HARDIRQ_ALLOCS)
		kunit_skip(test, "PREEMPT_RT: hard-IRQ context may not allocate");
	base = gt_settled(test);
	x = gt_irq_new(test, true);
	hrtimer_setup(&x->hrtimer, gt_hrtimer_fn, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL);
	migrate_disable();
	hrtimer_start(&x->hrtimer, ms_to_ktime(1), HRTIMER_MODE_REL);
	gt_irq_task_side(test, x);
	migrate_enable();
	hrtimer_cancel(&x->hrtimer);
	gt_irq_check(test, x);
	gt_expect_baseline(test, base);
}

/* Allocation and free in softirq context, from a timer_list callback. */
static void ctx_softirq_alloc_free(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct gt_irq *x = gt_irq_new(test, false);

	timer_setup(&x->timer, gt_timer_fn, 0);
	migrate_disable();
	mod_timer(&x->timer, jiffies + 1);
	gt_irq_task_side(test, x);
	migrate_enable();
	timer_delete_sync(&x->timer);
	gt_irq_check(test, x);
	gt_expect_baseline(test, base);
}

static DEFINE_SPINLOCK(gt_lock);

/*
 * Under a spinlock with interrupts off, and with preemption or bottom
 * halves off, GFP_ATOMIC and GFP_NOWAIT allocations work (including bulk,
 * large objects and ones that grow the heap) and nothing sleeps.
 */
static void ctx_atomic_sections(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_cache *cache = gt_cache(test, "gt_atomic", 320, 0, 0, NULL);
	void *objs[32], *big = NULL, *bulk[16];
	unsigned long flags;
	unsigned int i, got = 0;
	int n;

	goalloc_reclaim();
	spin_lock_irqsave(&gt_lock, flags);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		objs[i] = goalloc_malloc(1 + i * 97, GFP_ATOMIC);
	big = goalloc_malloc(300 * GT_KIB, GFP_ATOMIC);
	n = goalloc_cache_alloc_bulk(cache, GFP_ATOMIC, ARRAY_SIZE(bulk), bulk);
	spin_unlock_irqrestore(&gt_lock, flags);

	for (i = 0; i < ARRAY_SIZE(objs); i++)
		got += !!objs[i];
	KUNIT_EXPECT_EQ(test, got, (unsigned int)ARRAY_SIZE(objs));
	KUNIT_EXPECT_NOT_NULL(test, big);
	KUNIT_EXPECT_EQ(test, n, (int)ARRAY_SIZE(bulk));

	/*
	 * Preemption off.  On PREEMPT_RT no allocator may be called so (its
	 * spinlocks sleep): migration off instead, what RT code holds there.
	 */
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		migrate_disable();
	else
		preempt_disable();
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		goalloc_free(objs[i]);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		objs[i] = goalloc_cache_alloc(cache, GFP_NOWAIT);
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		migrate_enable();
	else
		preempt_enable();
	for (i = 0, got = 0; i < ARRAY_SIZE(objs); i++)
		got += !!objs[i];
	KUNIT_EXPECT_EQ(test, got, (unsigned int)ARRAY_SIZE(objs));

	local_bh_disable();
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		goalloc_cache_free(cache, objs[i]);
	if (n)
		goalloc_cache_free_bulk(cache, n, bulk);
	goalloc_free(big);
	local_bh_enable();

	rcu_read_lock();
	big = goalloc_realloc(NULL, 5000, GFP_ATOMIC);
	got = !!big;
	goalloc_free(big);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, got, 1U);

	gt_destroy_expect_baseline(test, cache, base);
}

#define GT_HOTPLUG_OBJS	64

struct gt_hotplug {
	struct goalloc_cache *cache;
	unsigned int nomem;
};

/* Allocate, then free on this CPU: the objects wait in its arrays. */
static void gt_fill_cpu_arrays(void *arg)
{
	struct gt_hotplug *h = arg;
	void *objs[GT_HOTPLUG_OBJS];
	unsigned int i;

	for (i = 0; i < GT_HOTPLUG_OBJS; i++) {
		if (i % 2)
			objs[i] = goalloc_cache_alloc(h->cache, GFP_KERNEL);
		else
			objs[i] = goalloc_malloc(i % 4 ? 64 : 1000, GFP_KERNEL);
		h->nomem += !objs[i];
	}
	for (i = 0; i < GT_HOTPLUG_OBJS; i++) {
		if (i % 2)
			goalloc_cache_free(h->cache, objs[i]);
		else
			goalloc_free(objs[i]);
	}
}

/*
 * A CPU that goes offline has its per-CPU state drained: the objects
 * freed into its arrays are back in their spans without any
 * goalloc_reclaim(), so heap_alloc is back at its baseline.  Once the CPU
 * is back, goalloc serves it again.
 */
static void ctx_cpu_offline_drains_arrays(struct kunit *test)
{
	struct goalloc_cache *cache = gt_cache(test, "gt_hotplug", 184, 0, 0, NULL);
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_memstats *ms = gt_memstats(test);
	struct gt_hotplug h = { .cache = cache };
	int cpu = cpumask_last(cpu_online_mask);
	int err;

	if (num_online_cpus() < 2 || !cpu)
		kunit_skip(test, "needs a second online CPU");
	gt_run_on_cpu(test, cpu, gt_fill_cpu_arrays, &h);
	KUNIT_EXPECT_EQ(test, h.nomem, 0U);
	err = remove_cpu(cpu);
	if (err) {
		goalloc_reclaim();
		kunit_skip(test, "CPU %d cannot go offline: %d", cpu, err);
	}
	goalloc_read_memstats(ms);
	KUNIT_EXPECT_EQ(test, ms->heap_alloc, base->heap_alloc);
	KUNIT_EXPECT_EQ(test, ms->heap_objects, base->heap_objects);
	KUNIT_ASSERT_EQ(test, add_cpu(cpu), 0);

	gt_run_on_cpu(test, cpu, gt_fill_cpu_arrays, &h);
	KUNIT_EXPECT_EQ(test, h.nomem, 0U);
	gt_destroy_expect_baseline(test, cache, base);
}

GT_SUITE(goalloc_context, NULL,
	 KUNIT_CASE(ctx_free_on_another_cpu),
	 KUNIT_CASE(ctx_hardirq_alloc_free),
	 KUNIT_CASE(ctx_softirq_alloc_free),
	 KUNIT_CASE(ctx_atomic_sections),
	 KUNIT_CASE_SLOW(ctx_cpu_offline_drains_arrays));
