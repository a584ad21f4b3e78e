// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for goalloc's free rule, in the default (fast) mode: a free
 * of anything that is not, at that moment, an allocated object of that
 * cache is reported and dropped before a later allocation can hand it
 * out, and never makes goalloc touch memory it does not own.  The cases
 * are the ones that broke the rule before the free marker: a double free
 * whose first copy waits deep in a per-CPU array or was flushed to its
 * span, a free of a slot that was never handed out, a second free after
 * the span is gone, a pointer into a span's unused tail, a large object
 * freed twice, the same object twice in one bulk free, a double free
 * across CPUs, and objects of constructed and GOALLOC_TYPESAFE_BY_RCU
 * caches, whose marker lives outside the object.
 *
 * Each case counts the reports goalloc makes while it runs (the KUnit
 * resource "goalloc_errors", as lib/slub_kunit.c counts "slab_errors"),
 * checks that the next allocations are all distinct objects, and that the
 * figures are back at their baseline.  A case that needs one CPU's array
 * keeps migration disabled, and asserts nothing until it enables it
 * again.  Nothing here reads or writes an object after freeing it.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include <goalloc.h>
#include "goalloc_sizeclasses.h"
#include "goalloc_test.h"

/* The arena size of goalloc_heap.h, which tests do not include. */
#define FR_ARENA	SZ_4M

/* What the last report said (goalloc.c's GOALLOC_REPORT_LEN bytes). */
static char fr_last[96];
static struct kunit_resource fr_last_resource;

/* gt_init()'s "goalloc_errors", and "goalloc_last_report" for the words. */
static int fr_init(struct kunit *test)
{
	int err = gt_init(test);

	if (err)
		return err;
	fr_last[0] = 0;
	return kunit_add_named_resource(test, NULL, NULL, &fr_last_resource,
					"goalloc_last_report", fr_last);
}

/*
 * Allocate @n objects of @c (or of goalloc_malloc(@size) when @c is NULL)
 * into @objs; return how many pairs of them are the same object.  They
 * stay allocated.
 */
static unsigned int fr_alloc_distinct(struct goalloc_cache *c, size_t size,
				      void **objs, unsigned int n)
{
	unsigned int i, j, same = 0;

	for (i = 0; i < n; i++) {
		objs[i] = gt_alloc(c, size);
		for (j = 0; j < i; j++)
			same += objs[i] && objs[i] == objs[j];
	}
	return same;
}

static void fr_free_all(struct goalloc_cache *c, void **objs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		gt_free(c, objs[i]);
}

/*
 * The @n objects fr_alloc_distinct() put in @objs were distinct (@same
 * pairs were not): free them.
 */
static void fr_expect_distinct(struct kunit *test, unsigned int same,
			       struct goalloc_cache *c, void **objs,
			       unsigned int n)
{
	KUNIT_EXPECT_EQ(test, same, 0U);
	fr_free_all(c, objs, n);
}

/*
 * On one CPU, free(a); free(b); free(a) of two objects of @c (or of
 * goalloc_malloc(@size) when @c is NULL): one report; then allocate
 * @got[3] and return how many pairs of them are alike.  No assertion
 * while migration is disabled.
 */
static unsigned int fr_free_aba(struct kunit *test, struct goalloc_cache *c,
				size_t size, void **got)
{
	unsigned int same;
	void *a, *b;

	migrate_disable();
	a = gt_alloc(c, size);
	b = gt_alloc(c, size);
	GT_EXPECT_REPORTS(test, 1, {
		gt_free(c, a);
		gt_free(c, b);
		gt_free(c, a);
	});
	same = fr_alloc_distinct(c, size, got, 3);
	migrate_enable();

	KUNIT_EXPECT_NOT_NULL(test, a);
	KUNIT_EXPECT_NOT_NULL(test, b);
	return same;
}

/*
 * free(a); free(b); free(a): the second free of a is found although b,
 * not a, is the last object freed on the CPU; then the next three
 * allocations are three objects.  Through a fresh cache and through a
 * malloc class.
 */
static void fr_delayed_double_free_one(struct kunit *test,
				       struct goalloc_cache *c, size_t size)
{
	void *got[3];

	fr_expect_distinct(test, fr_free_aba(test, c, size, got), c, got, 3);
}

static void fr_delayed_double_free(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_cache *c = gt_cache(test, "fr_delayed", 64, 0, 0, NULL);

	fr_delayed_double_free_one(test, c, 0);
	fr_delayed_double_free_one(test, NULL, 96);
	fr_delayed_double_free_one(test, NULL, 4096);
	gt_destroy_expect_baseline(test, c, base);
	KUNIT_EXPECT_EQ(test, gt_reports(test), 3);
}

#define FR_MANY	1000

/*
 * free(a), then 1000 other frees (a is flushed from the array to its
 * span), one allocation, and free(a) again: reported; then 1001
 * allocations are 1001 objects.
 */
static void fr_double_free_after_flush(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_cache *c = gt_cache(test, "fr_flush", 128, 0, 0, NULL);
	void **objs = gt_ptrs(test, FR_MANY + 1);
	unsigned int same;
	void *a, *one;

	migrate_disable();
	a = goalloc_cache_alloc(c, GFP_KERNEL);
	fr_alloc_distinct(c, 0, objs, FR_MANY);
	goalloc_cache_free(c, a);
	fr_free_all(c, objs, FR_MANY);
	one = goalloc_cache_alloc(c, GFP_KERNEL);
	GT_EXPECT_REPORTS(test, 1, goalloc_cache_free(c, a));
	goalloc_cache_free(c, one);
	same = fr_alloc_distinct(c, 0, objs, FR_MANY + 1);
	migrate_enable();

	KUNIT_EXPECT_NOT_NULL(test, a);
	fr_expect_distinct(test, same, c, objs, FR_MANY + 1);
	gt_destroy_expect_baseline(test, c, base);
	KUNIT_EXPECT_EQ(test, gt_reports(test), 1);
}

/*
 * The first object a of a fresh span, then a free of a + size, a slot
 * never handed out: reported, and the next two allocations are two
 * objects.  Then the same in a span that left the CPU for the central
 * partial list (goalloc_cache_shrink() drains it there, a being live).
 */
static void fr_free_slot_never_handed_out(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_cache *c = gt_cache(test, "fr_never", 64, 0, 0, NULL);
	unsigned int same, same2;
	void *got[2], *got2[2];
	u8 *a;

	migrate_disable();
	a = goalloc_cache_alloc(c, GFP_KERNEL);
	GT_EXPECT_REPORTS(test, 1, goalloc_cache_free(c, a + 64));
	same = fr_alloc_distinct(c, 0, got, 2);
	fr_free_all(c, got, 2);
	goalloc_cache_shrink(c);
	GT_EXPECT_REPORTS(test, 1, goalloc_cache_free(c, a + 3 * 64));
	same2 = fr_alloc_distinct(c, 0, got2, 2);
	migrate_enable();

	KUNIT_EXPECT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, same, 0U);
	KUNIT_EXPECT_EQ(test, same2, 0U);
	fr_free_all(c, got2, 2);
	goalloc_cache_free(c, a);
	gt_destroy_expect_baseline(test, c, base);
}

/*
 * A 40 KiB cache has one object per span, and a per-CPU array of four.
 * Allocate e1, e2, a, b, g, f; free e1, e2, a, b, a, g, f: the second
 * free of a must not reach the array, where the shrink that follows
 * would find its span gone.  Then the same for a span on the central
 * empty list: e1's span, emptied by the flush the fifth free causes.
 */
static void fr_stale_entry(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_cache *c = gt_cache(test, "fr_stale", 40 * SZ_1K, 0, 0, NULL);
	void *o[6], *got[6];
	unsigned int same;

	migrate_disable();
	fr_alloc_distinct(c, 0, o, 6);
	GT_EXPECT_REPORTS(test, 2, {
		goalloc_cache_free(c, o[0]);
		goalloc_cache_free(c, o[1]);
		goalloc_cache_free(c, o[2]);
		goalloc_cache_free(c, o[3]);
		goalloc_cache_free(c, o[2]);
		goalloc_cache_free(c, o[4]);
		goalloc_cache_free(c, o[5]);
		/* e1 went to its span at the fifth push: free it again. */
		goalloc_cache_free(c, o[0]);
	});
	goalloc_cache_shrink(c);
	same = fr_alloc_distinct(c, 0, got, 6);
	migrate_enable();

	fr_expect_distinct(test, same, c, got, 6);
	gt_destroy_expect_baseline(test, c, base);
}

/*
 * A double free after the span and its pages went back to the heap,
 * while the arena stays (another object keeps it): goalloc still owns
 * the address, says so (goalloc_compat.h's kfree asks goalloc_owns()
 * and would otherwise send the pointer to the kernel's kfree()), and
 * reports the free, goalloc_size() and goalloc_realloc() of it.
 */
static void fr_double_free_span_gone(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_cache *c = gt_cache(test, "fr_gone", 2048, 0, 0, NULL);
	struct goalloc_cache *keep_c = gt_cache(test, "fr_keep", 64, 0, 0, NULL);
	void *p, *keep;

	keep = goalloc_cache_alloc(keep_c, GFP_KERNEL);
	p = goalloc_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, keep);
	KUNIT_ASSERT_NOT_NULL(test, p);
	if (((unsigned long)p ^ (unsigned long)keep) & ~(FR_ARENA - 1UL)) {
		goalloc_cache_free(c, p);
		goalloc_cache_free(keep_c, keep);
		gt_cache_destroy(test, c);
		gt_cache_destroy(test, keep_c);
		kunit_skip(test, "the two objects landed in different arenas");
	}
	goalloc_cache_free(c, p);
	goalloc_cache_shrink(c);
	KUNIT_EXPECT_TRUE(test, goalloc_owns(p));
	GT_EXPECT_REPORTS(test, 4, {
		goalloc_cache_free(c, p);
		goalloc_free(p);
		KUNIT_EXPECT_EQ(test, goalloc_size(p), (size_t)0);
		KUNIT_EXPECT_NULL(test, goalloc_realloc(p, 10, GFP_KERNEL));
	});
	goalloc_cache_free(keep_c, keep);
	gt_cache_destroy(test, c);
	gt_destroy_expect_baseline(test, keep_c, base);
}

/* One body of a case on a cache without flags and on one with some. */
struct fr_pair {
	void (*one)(struct kunit *test, struct goalloc_cache *c);
	const char *name;
	unsigned int size;
	unsigned int flags;	/* of the second cache */
	void (*ctor)(void *obj);
};

/*
 * Run @p's body on a cache of its size without flags, then on one with
 * its flags, each destroyed after, and expect the figures back.
 */
static void fr_plain_and(struct kunit *test, const struct fr_pair *p)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_cache *c;

	c = gt_cache(test, p->name, p->size, 0, 0, p->ctor);
	p->one(test, c);
	gt_cache_destroy(test, c);
	c = gt_cache(test, p->name, p->size, 0, p->flags, p->ctor);
	p->one(test, c);
	gt_destroy_expect_baseline(test, c, base);
}

/*
 * A 48-byte cache has 170 objects in an 8 KiB span and a 32-byte tail:
 * the address just past the last object is no object.  goalloc_size()
 * says 0, goalloc_realloc() NULL (and writes nothing past the span), a
 * free is dropped; all three are reported.  The same for a debug cache,
 * whose per-object records end at the last object.
 */
static void fr_tail_pointer_one(struct kunit *test, struct goalloc_cache *c)
{
	void **objs = gt_ptrs(test, 170);
	unsigned long lo = ULONG_MAX, hi = 0;
	unsigned int i;
	u8 *tail;

	migrate_disable();
	for (i = 0; i < 170; i++) {
		objs[i] = goalloc_cache_alloc(c, GFP_KERNEL);
		lo = min_t(unsigned long, lo, (unsigned long)objs[i]);
		hi = max_t(unsigned long, hi, (unsigned long)objs[i]);
	}
	migrate_enable();
	if (hi - lo != 169 * 48 || (lo & (GOALLOC_PAGE_SIZE - 1))) {
		fr_free_all(c, objs, 170);
		kunit_skip(test, "the objects did not come from one span");
	}
	tail = (u8 *)hi + 48;
	GT_EXPECT_REPORTS(test, 4, {
		KUNIT_EXPECT_EQ(test, goalloc_size(tail), (size_t)0);
		KUNIT_EXPECT_NULL(test, goalloc_realloc(tail, 1, GFP_KERNEL | __GFP_ZERO));
		goalloc_cache_free(c, tail);
		goalloc_free(tail);
	});
	fr_free_all(c, objs, 170);
}

static void fr_tail_pointer(struct kunit *test)
{
	static const struct fr_pair tail = {
		fr_tail_pointer_one, "fr_tail", 48, GOALLOC_POISON, NULL
	};

	fr_plain_and(test, &tail);
}

/*
 * A large object freed twice: reported as a double free (its pages stay
 * in their arena, which another object keeps), not as foreign memory.
 */
static void fr_large_double_free(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	void *keep = goalloc_malloc(64, GFP_KERNEL);
	void *p = goalloc_malloc(100 * SZ_1K, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, keep);
	KUNIT_ASSERT_NOT_NULL(test, p);
	goalloc_free(p);
	GT_EXPECT_REPORTS(test, 1, goalloc_free(p));
	KUNIT_EXPECT_NOT_NULL(test, strstr(fr_last, "double free"));
	goalloc_free(keep);
	gt_expect_baseline(test, base);
}

/*
 * The same object twice in one bulk free, and an object already freed
 * in a later bulk free: each second copy reported and dropped.
 */
static void fr_bulk_double_free(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_cache *c = gt_cache(test, "fr_bulk", 256, 0, 0, NULL);
	void *objs[8], *twice[3], *got[8];
	unsigned int same;

	migrate_disable();
	fr_alloc_distinct(c, 0, objs, 8);
	GT_EXPECT_REPORTS(test, 3, {
		twice[0] = objs[0];
		twice[1] = objs[1];
		twice[2] = objs[0];
		goalloc_cache_free_bulk(c, 3, twice);
		goalloc_cache_free_bulk(c, 8, objs);
	});
	same = fr_alloc_distinct(c, 0, got, 8);
	migrate_enable();

	KUNIT_EXPECT_EQ(test, same, 0U);
	goalloc_cache_free_bulk(c, 8, got);
	gt_destroy_expect_baseline(test, c, base);
}

/* Free on one CPU, free again on another: the first copy waits in an array. */
static void fr_free_fn(void *obj)
{
	goalloc_free(obj);
}

static void fr_cross_cpu_double_free(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	int cpu0 = cpumask_first(cpu_online_mask);
	int cpu1 = cpumask_next(cpu0, cpu_online_mask);
	void *p, *got[4];
	unsigned long reports;
	unsigned int same;

	if (cpu1 >= nr_cpu_ids)
		kunit_skip(test, "needs two online CPUs");
	p = goalloc_malloc(200, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	/* The frees run in kthreads, which KUnit's resources do not see. */
	reports = goalloc_misuse_count();
	gt_run_on_cpu(test, cpu0, fr_free_fn, p);
	gt_run_on_cpu(test, cpu1, fr_free_fn, p);
	KUNIT_EXPECT_EQ(test, goalloc_misuse_count() - reports, 1UL);
	same = fr_alloc_distinct(NULL, 200, got, 4);
	fr_expect_distinct(test, same, NULL, got, 4);
	gt_expect_baseline(test, base);
}

/*
 * Constructed and GOALLOC_TYPESAFE_BY_RCU caches keep their objects'
 * bytes across a free (the constructor's state, what RCU readers see):
 * their marker is past the object.  A delayed double free is still
 * found, and a freed and reallocated object still holds its state.
 */
#define FR_CTOR_MAGIC	0x6f7265ULL

static void fr_ctor(void *p)
{
	u64 *w = p;
	unsigned int i;

	for (i = 0; i < 8; i++)
		w[i] = FR_CTOR_MAGIC + i;
}

static bool fr_ctor_intact(const void *p)
{
	const u64 *w = p;
	unsigned int i;

	for (i = 0; i < 8; i++)
		if (w[i] != FR_CTOR_MAGIC + i)
			return false;
	return true;
}

static void fr_marker_outside_one(struct kunit *test, struct goalloc_cache *c)
{
	void *got[3];

	KUNIT_EXPECT_EQ(test, goalloc_cache_size(c), 64U);
	KUNIT_EXPECT_EQ(test, fr_free_aba(test, c, 0, got), 0U);
	KUNIT_EXPECT_TRUE(test, got[0] && fr_ctor_intact(got[0]));
	KUNIT_EXPECT_TRUE(test, got[1] && fr_ctor_intact(got[1]));
	fr_free_all(c, got, 3);
}

static void fr_marker_outside_object(struct kunit *test)
{
	static const struct fr_pair outside = {
		fr_marker_outside_one, "fr_outside", 64, GOALLOC_TYPESAFE_BY_RCU,
		fr_ctor
	};

	fr_plain_and(test, &outside);
}

/*
 * A user's data may hold any value, the free marker's included (a chance
 * of 2^-64, or a copy from freed memory): such an object is still live.
 * goalloc_test_mark() writes the marker into a live object; its size is
 * still its size, its free is no double free, and a double free after
 * it is still found.
 */
static void fr_live_object_is_live(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	void *p, *got[2];
	unsigned int same;

	p = goalloc_malloc(512, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, 0xa5, 512);
	goalloc_test_mark(p);
	GT_EXPECT_REPORTS(test, 0, {
		KUNIT_EXPECT_EQ(test, goalloc_size(p), (size_t)512);
		KUNIT_EXPECT_PTR_EQ(test, goalloc_realloc(p, 500, GFP_KERNEL), p);
		goalloc_test_mark(p);
		goalloc_free(p);
	});
	GT_EXPECT_REPORTS(test, 1, goalloc_free(p));
	same = fr_alloc_distinct(NULL, 512, got, 2);
	fr_expect_distinct(test, same, NULL, got, 2);
	gt_expect_baseline(test, base);
}

/*
 * An object given to goalloc_free_rcu() is no longer its user's: a free
 * of it before the grace period ends is a double free, reported at once
 * (the batch must not free it a second time, after someone else got it),
 * and so are a second goalloc_free_rcu() of it and one of a freed
 * object.  Small objects of a cache and of the malloc family, and a large
 * one; afterwards every object is back and allocations are distinct.
 */
struct fr_rcu_obj {
	u64 payload[3];
	struct rcu_head rcu;
};

static void fr_rcu_pending_one(struct kunit *test, struct goalloc_cache *c,
			       size_t size)
{
	struct fr_rcu_obj *p, *q;
	void *got[4];
	unsigned int same;

	p = gt_alloc(c, size);
	q = gt_alloc(c, size);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, q);
	goalloc_free_rcu(p, rcu);
	GT_EXPECT_REPORTS(test, 1, gt_free(c, p));
	KUNIT_EXPECT_NOT_NULL(test, strstr(fr_last, "goalloc_free_rcu"));
	GT_EXPECT_REPORTS(test, 1, goalloc_free_rcu(p, rcu));
	gt_free(c, q);
	GT_EXPECT_REPORTS(test, 1, goalloc_free_rcu(q, rcu));
	GT_EXPECT_REPORTS(test, 0, goalloc_rcu_barrier());
	same = fr_alloc_distinct(c, size, got, 4);
	fr_expect_distinct(test, same, c, got, 4);
}

static void fr_free_rcu_pending(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_cache *c = gt_cache(test, "fr_rcu", sizeof(struct fr_rcu_obj), 0, 0, NULL);

	fr_rcu_pending_one(test, c, 0);
	fr_rcu_pending_one(test, NULL, sizeof(struct fr_rcu_obj));
	fr_rcu_pending_one(test, NULL, 100 * SZ_1K);
	gt_destroy_expect_baseline(test, c, base);
}

GT_SUITE(goalloc_free_rule, fr_init,
	 KUNIT_CASE(fr_delayed_double_free),
	 KUNIT_CASE(fr_double_free_after_flush),
	 KUNIT_CASE(fr_free_slot_never_handed_out),
	 KUNIT_CASE(fr_stale_entry),
	 KUNIT_CASE(fr_double_free_span_gone),
	 KUNIT_CASE(fr_tail_pointer),
	 KUNIT_CASE(fr_large_double_free),
	 KUNIT_CASE(fr_bulk_double_free),
	 KUNIT_CASE(fr_cross_cpu_double_free),
	 KUNIT_CASE(fr_marker_outside_object),
	 KUNIT_CASE(fr_live_object_is_live),
	 KUNIT_CASE(fr_free_rcu_pending));
