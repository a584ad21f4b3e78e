/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every KUnit suite of goalloc_test.ko shares, as lib/slub_kunit.c
 * and mm/kfence/kfence_test.c keep theirs: figures settled and compared
 * with a baseline, caches destroyed when the case ends, gt_alloc() and
 * gt_free() over a cache or the malloc family (so that one body runs on
 * both, as KFENCE_KUNIT_CASE does), arrays of pointers, work run on a
 * given CPU, the count of reports, and GT_SUITE(), the end of each
 * suite's file.  The stamp written over objects is
 * tools/lib/goalloc_stamp.h, shared with the torture module and the
 * fuzzer.
 *
 * Reports: a suite whose .init is gt_init() has the KUnit named resource
 * "goalloc_errors" that goalloc increments for each report made in the
 * test's own thread (as SLUB counts "slab_errors"); GT_EXPECT_REPORTS()
 * checks that an expression made exactly so many, as kasan_test's
 * KUNIT_EXPECT_KASAN_FAIL() does.  A report made in another thread (a
 * kthread, an RCU callback) is not seen there: such a case compares
 * goalloc_misuse_count() before and after.
 *
 * Static inline: each suite takes what it uses, the module exports nothing.
 */
#ifndef GOALLOC_TEST_H
#define GOALLOC_TEST_H

#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include <goalloc.h>
#include <goalloc_stamp.h>

#define GT_KIB		SZ_1K
#define GT_MIB		SZ_1M

/* Give the "goalloc_errors" resource to a case: a suite's .init. */
static inline int gt_init(struct kunit *test)
{
	struct kunit_resource *res = kunit_kzalloc(test, sizeof(*res), GFP_KERNEL);
	int *errors = kunit_kzalloc(test, sizeof(*errors), GFP_KERNEL);

	if (!res || !errors)
		return -ENOMEM;
	test->priv = errors;
	return kunit_add_named_resource(test, NULL, NULL, res,
					"goalloc_errors", errors);
}

/* Reports made so far in this case's thread (the suite's .init is gt_init()). */
static inline int gt_reports(struct kunit *test)
{
	return READ_ONCE(*(int *)test->priv);
}

/*
 * Expect @expression to make exactly @n reports.  No assertion: it may be
 * used with migration disabled.
 */
#define GT_EXPECT_REPORTS(test, n, expression) do {			\
	int __gt_before = gt_reports(test);				\
									\
	expression;							\
	KUNIT_EXPECT_EQ_MSG(test, gt_reports(test) - __gt_before, (int)(n), \
			    "reports made by %s", #expression);	\
} while (0)

/*
 * One object from @c, or from goalloc_malloc(@size) when @c is NULL: a
 * case written once runs on both families, as KFENCE_KUNIT_CASE does.
 */
static inline void *gt_alloc(struct goalloc_cache *c, size_t size)
{
	return c ? goalloc_cache_alloc(c, GFP_KERNEL) :
		   goalloc_malloc(size, GFP_KERNEL);
}

static inline void gt_free(struct goalloc_cache *c, void *p)
{
	if (c)
		goalloc_cache_free(c, p);
	else
		goalloc_free(p);
}

static inline bool gt_zeroed(const void *p, size_t n)
{
	return !memchr_inv(p, 0, n);
}

static inline struct goalloc_memstats *gt_memstats(struct kunit *test)
{
	struct goalloc_memstats *ms = kunit_kzalloc(test, sizeof(*ms), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ms);
	return ms;
}

/* Drain every per-CPU array, give free memory back, then read the figures. */
static inline void gt_settle(struct goalloc_memstats *ms)
{
	goalloc_reclaim();
	goalloc_read_memstats(ms);
}

static inline struct goalloc_memstats *gt_settled(struct kunit *test)
{
	struct goalloc_memstats *ms = gt_memstats(test);

	gt_settle(ms);
	return ms;
}

/* Everything a case allocated is free again: the figures are back. */
static inline void gt_expect_baseline(struct kunit *test,
				      const struct goalloc_memstats *base)
{
	struct goalloc_memstats *now = gt_settled(test);

	KUNIT_EXPECT_EQ(test, now->heap_objects, base->heap_objects);
	KUNIT_EXPECT_EQ(test, now->heap_alloc, base->heap_alloc);
	KUNIT_EXPECT_EQ(test, now->large_objects, base->large_objects);
	KUNIT_EXPECT_EQ(test, now->heap_objects, now->mallocs - now->frees);
}

/*
 * Wait until goalloc has freed @nr more objects than @frees counted and
 * its live objects are back to @objects: goalloc_free_rcu() batches, so
 * one rcu_barrier() may not be enough.  Bounded at 20 seconds.
 */
static inline bool gt_wait_freed(struct goalloc_memstats *ms, u64 frees,
				 u64 nr, u64 objects)
{
	unsigned long end = jiffies + 20 * HZ;

	do {
		rcu_barrier();
		gt_settle(ms);
		if (ms->frees - frees >= nr && ms->heap_objects == objects)
			return true;
		msleep(20);
	} while (time_before(jiffies, end));
	return false;
}

/* An object freed by goalloc_free_rcu(), its rcu_head in the middle. */
struct gt_rcu_small {
	u64 tag;
	struct rcu_head rcu;
	u8 data[40];
};

KUNIT_DEFINE_ACTION_WRAPPER(gt_cache_destroy_action, goalloc_cache_destroy,
			    struct goalloc_cache *);

/* A cache that is destroyed when the case ends, however it ends. */
static inline struct goalloc_cache *gt_cache(struct kunit *test,
					     const char *name,
					     unsigned int size,
					     unsigned int align,
					     unsigned int flags,
					     void (*ctor)(void *))
{
	struct goalloc_cache *cache;

	cache = goalloc_cache_create(name, size, align, flags, ctor);
	KUNIT_ASSERT_NOT_NULL_MSG(test, cache, "%s: size %u align %u flags %#x",
				  name, size, align, flags);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, gt_cache_destroy_action,
							cache), 0);
	return cache;
}

/* Destroy a gt_cache() now, before the case ends. */
static inline void gt_cache_destroy(struct kunit *test,
				    struct goalloc_cache *cache)
{
	kunit_release_action(test, gt_cache_destroy_action, cache);
}

/* The end of a case with a gt_cache(): destroy it, then the figures are back. */
static inline void gt_destroy_expect_baseline(struct kunit *test,
					      struct goalloc_cache *cache,
					      const struct goalloc_memstats *base)
{
	gt_cache_destroy(test, cache);
	gt_expect_baseline(test, base);
}

static inline void **gt_ptrs(struct kunit *test, size_t n)
{
	void **objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, objs);
	return objs;
}

/* A deterministic sequence of pseudo-random numbers (xorshift32). */
static inline u32 gt_next(u32 *state)
{
	u32 x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

/* Run @fn(@arg) in a kthread bound to @cpu and wait for it to finish. */
struct gt_on_cpu {
	void (*fn)(void *arg);
	void *arg;
	int ran_on;
	struct completion done;
};

static inline int gt_on_cpu_thread(void *data)
{
	struct gt_on_cpu *w = data;

	w->ran_on = raw_smp_processor_id();
	w->fn(w->arg);
	complete(&w->done);
	return 0;
}

static inline void gt_run_on_cpu(struct kunit *test, int cpu,
				 void (*fn)(void *), void *arg)
{
	struct gt_on_cpu w = { .fn = fn, .arg = arg, .ran_on = -1 };
	struct task_struct *task;

	init_completion(&w.done);
	task = kthread_create(gt_on_cpu_thread, &w, "gt_cpu%d", cpu);
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	kthread_bind(task, cpu);
	get_task_struct(task);
	wake_up_process(task);
	wait_for_completion(&w.done);
	kthread_stop_put(task);
	KUNIT_EXPECT_EQ(test, w.ran_on, cpu);
}

/*
 * The end of every suite's file: its table of cases (@...), its struct
 * kunit_suite named @suite_name with @suite_init as .init (NULL: none),
 * and its registration.
 */
#define GT_SUITE(suite_name, suite_init, ...)				\
	static struct kunit_case suite_name##_cases[] = {		\
		__VA_ARGS__,						\
		{}							\
	};								\
	static struct kunit_suite suite_name##_suite = {		\
		.name = #suite_name,					\
		.init = suite_init,					\
		.test_cases = suite_name##_cases,			\
	};								\
	kunit_test_suite(suite_name##_suite)

#endif /* GOALLOC_TEST_H */
