// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite goalloc_misuse: every bad input is reported, counted in the
 * "goalloc_errors" resource (GT_EXPECT_REPORTS(), see goalloc_test.h),
 * then ignored, and the allocator keeps working.
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
#include <linux/mm.h>
#include <linux/slab.h>

#include "goalloc_test.h"

/*
 * Each case makes one kind of bad call and checks that goalloc counted
 * exactly that many reports, ignored the call (the live object is intact,
 * freeing it properly brings the figures back, nothing comes back twice),
 * and still serves allocations.
 */

static u64 gt_static_word;

/* The allocator still works: every kind of allocation, written and freed. */
static void gt_expect_works(struct kunit *test)
{
	static const size_t sizes[] = { 5, 64, 1000, 9000, 40 * GT_KIB };
	void *objs[ARRAY_SIZE(sizes)];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		objs[i] = goalloc_malloc(sizes[i], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		goalloc_stamp(objs[i], sizes[i], i);
	}
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		KUNIT_EXPECT_TRUE(test, goalloc_stamped(objs[i], sizes[i], i));
		goalloc_free(objs[i]);
	}
}

/* The figures before the case began, taken by misuse_init(). */
static struct goalloc_memstats *misuse_base;

/* Every case starts with the goalloc_errors resource and a baseline. */
static int misuse_init(struct kunit *test)
{
	int err = gt_init(test);

	if (err)
		return err;
	misuse_base = gt_memstats(test);
	gt_settle(misuse_base);
	return 0;
}

/*
 * The end of a case: @reports made in all, the allocator still works, and
 * the figures are back where they were.
 */
static void gt_expect_recovered(struct kunit *test, int reports)
{
	KUNIT_EXPECT_EQ(test, gt_reports(test), reports);
	gt_expect_works(test);
	gt_expect_baseline(test, misuse_base);
}

/* 16 allocations from @c (goalloc_malloc(@size) if NULL) are all different. */
static void gt_expect_distinct(struct kunit *test, struct goalloc_cache *c,
			       size_t size)
{
	void *objs[16];
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = gt_alloc(c, size);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_PTR_NE(test, objs[i], objs[j]);
	}
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		gt_free(c, objs[i]);
}

/* A pointer from kmalloc() is not goalloc's. */
static void misuse_free_kmalloc_pointer(struct kunit *test)
{
	void *k = kmalloc(64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, k);
	GT_EXPECT_REPORTS(test, 1, goalloc_free(k));
	kfree(k);
	gt_expect_recovered(test, 1);
}

/* Neither is an address on the stack. */
static void misuse_free_stack_address(struct kunit *test)
{
	u64 on_stack[4];

	memset(on_stack, 0, sizeof(on_stack));
	GT_EXPECT_REPORTS(test, 1, goalloc_free(&on_stack[1]));
	gt_expect_recovered(test, 1);
}

/* Nor a static variable, nor a page from the page allocator. */
static void misuse_free_static_and_page(struct kunit *test)
{
	unsigned long page = __get_free_page(GFP_KERNEL);

	KUNIT_ASSERT_NE(test, page, 0UL);
	GT_EXPECT_REPORTS(test, 1, goalloc_free(&gt_static_word));
	GT_EXPECT_REPORTS(test, 1, goalloc_free((void *)page));
	free_page(page);
	gt_expect_recovered(test, 2);
}

/* An interior pointer of a small object: reported, object left alone. */
static void misuse_free_interior_small(struct kunit *test)
{
	u8 *p = goalloc_malloc(64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	goalloc_stamp(p, 64, 64);
	GT_EXPECT_REPORTS(test, 1, goalloc_free(p + 8));
	GT_EXPECT_REPORTS(test, 1, goalloc_free(p + 63));
	KUNIT_EXPECT_TRUE(test, goalloc_stamped(p, 64, 64));
	KUNIT_EXPECT_EQ(test, goalloc_size(p), (size_t)64);
	goalloc_free(p);
	gt_expect_distinct(test, NULL, 64);
	gt_expect_recovered(test, 2);
}

/* An interior pointer of a large object, or of a cache object. */
static void misuse_free_interior_large_and_cache(struct kunit *test)
{
	struct goalloc_cache *cache = gt_cache(test, "gt_inner", 256, 0, 0, NULL);
	u8 *p = goalloc_malloc(100 * GT_KIB, GFP_KERNEL);
	u8 *o = goalloc_cache_alloc(cache, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, o);
	goalloc_stamp(p, 100 * GT_KIB, 1);
	goalloc_stamp(o, 256, 2);
	GT_EXPECT_REPORTS(test, 1, goalloc_free(p + 8));
	GT_EXPECT_REPORTS(test, 1, goalloc_free(p + PAGE_SIZE));
	GT_EXPECT_REPORTS(test, 1, goalloc_cache_free(cache, o + 16));
	KUNIT_EXPECT_TRUE(test, goalloc_stamped(p, 100 * GT_KIB, 1));
	KUNIT_EXPECT_TRUE(test, goalloc_stamped(o, 256, 2));
	goalloc_free(p);
	goalloc_cache_free(cache, o);
	gt_cache_destroy(test, cache);
	gt_expect_recovered(test, 3);
}

/*
 * A double free of a small object, from the malloc family (@cache false)
 * or through a cache: the second free is reported and ignored, and the
 * next allocations are all different objects.  One body, run on both
 * families as KFENCE_KUNIT_CASE does.
 */
static void gt_double_free(struct kunit *test, bool cache, size_t size)
{
	struct goalloc_cache *c = cache ?
		gt_cache(test, "gt_dfree", size, 0, 0, NULL) : NULL;
	void *p = gt_alloc(c, size);

	KUNIT_ASSERT_NOT_NULL(test, p);
	gt_free(c, p);
	GT_EXPECT_REPORTS(test, 1, gt_free(c, p));
	gt_expect_distinct(test, c, size);
	if (c)
		gt_cache_destroy(test, c);
	gt_expect_recovered(test, 1);
}

static void misuse_double_free_small(struct kunit *test)
{
	gt_double_free(test, false, 96);
}

static void misuse_double_free_cache(struct kunit *test)
{
	gt_double_free(test, true, 160);
}

/* A double free of a large object. */
static void misuse_double_free_large(struct kunit *test)
{
	void *p = goalloc_malloc(80 * GT_KIB, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	goalloc_free(p);
	GT_EXPECT_REPORTS(test, 1, goalloc_free(p));
	gt_expect_distinct(test, NULL, 80 * GT_KIB);
	gt_expect_recovered(test, 1);
}

/*
 * An object of cache A freed to cache B of the same size: reported and
 * ignored, so A still owns it, and destroying both finds nothing amiss.
 */
static void misuse_free_to_wrong_cache(struct kunit *test)
{
	struct goalloc_cache *a = gt_cache(test, "gt_wrong_a", 128, 0, 0, NULL);
	struct goalloc_cache *b = gt_cache(test, "gt_wrong_b", 128, 0, 0, NULL);
	void *obj = goalloc_cache_alloc(a, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, obj);
	goalloc_stamp(obj, 128, 3);
	GT_EXPECT_REPORTS(test, 1, goalloc_cache_free(b, obj));
	KUNIT_EXPECT_TRUE(test, goalloc_stamped(obj, 128, 3));
	goalloc_cache_free(a, obj);
	gt_cache_destroy(test, b);
	gt_cache_destroy(test, a);
	gt_expect_recovered(test, 1);
}

/*
 * goalloc_cache_free() of memory that is not the cache's: an object of
 * the malloc family of the same size, or kmalloc()'s memory.
 */
static void misuse_cache_free_foreign_object(struct kunit *test)
{
	struct goalloc_cache *cache = gt_cache(test, "gt_foreign", 128, 0, 0, NULL);
	void *p = goalloc_malloc(128, GFP_KERNEL);
	void *k = kmalloc(128, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, k);
	goalloc_stamp(p, 128, 4);
	GT_EXPECT_REPORTS(test, 1, goalloc_cache_free(cache, p));
	GT_EXPECT_REPORTS(test, 1, goalloc_cache_free(cache, k));
	KUNIT_EXPECT_TRUE(test, goalloc_stamped(p, 128, 4));
	goalloc_free(p);
	kfree(k);
	gt_cache_destroy(test, cache);
	gt_expect_recovered(test, 2);
}

/*
 * A bulk free with bad entries among good ones, more than a per-CPU array
 * holds (so some go straight to their spans): each bad entry is reported
 * once, NULL is ignored, and every good object is freed (the cache is
 * destroyed without a leak report).
 */
static void misuse_bulk_free_bad_entries(struct kunit *test)
{
	struct goalloc_cache *cache = gt_cache(test, "gt_bulkbad", 96, 0, 0, NULL);
	struct goalloc_cache *other = gt_cache(test, "gt_bulkother", 96, 0, 0, NULL);
	void **objs = gt_ptrs(test, 200);
	void *stranger, *k;

	KUNIT_ASSERT_EQ(test, goalloc_cache_alloc_bulk(cache, GFP_KERNEL, 190, objs),
			190);
	stranger = goalloc_cache_alloc(other, GFP_KERNEL);
	k = kmalloc(96, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, stranger);
	KUNIT_ASSERT_NOT_NULL(test, k);
	objs[190] = NULL;
	objs[191] = k;
	objs[192] = (char *)objs[5] + 8;
	objs[193] = stranger;
	GT_EXPECT_REPORTS(test, 3, goalloc_cache_free_bulk(cache, 194, objs));
	kfree(k);
	goalloc_cache_free(other, stranger);
	gt_cache_destroy(test, other);
	gt_cache_destroy(test, cache);
	gt_expect_recovered(test, 3);
}

/*
 * Tiny objects share 16-byte blocks: a pointer inside one and a second free
 * of one are each reported, and the block's other object is untouched.
 */
static void misuse_tiny_interior_and_double_free(struct kunit *test)
{
	u8 *a = goalloc_malloc(6, GFP_KERNEL);
	u8 *b = goalloc_malloc(6, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	goalloc_stamp(b, 6, 11);
	GT_EXPECT_REPORTS(test, 1, goalloc_free(a + 1));
	goalloc_free(a);
	GT_EXPECT_REPORTS(test, 1, goalloc_free(a));
	KUNIT_EXPECT_TRUE(test, goalloc_stamped(b, 6, 11));
	KUNIT_EXPECT_EQ(test, goalloc_size(b), (size_t)6);
	goalloc_free(b);
	gt_expect_recovered(test, 2);
}

/* goalloc_realloc() of memory goalloc does not own: NULL, a report, and
 * the memory left as it was.
 */
static void misuse_realloc_foreign(struct kunit *test)
{
	u8 *k = kmalloc(64, GFP_KERNEL);
	void *p;

	KUNIT_ASSERT_NOT_NULL(test, k);
	goalloc_stamp(k, 64, 12);
	GT_EXPECT_REPORTS(test, 1, p = goalloc_realloc(k, 128, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, goalloc_stamped(k, 64, 12));
	kfree(k);
	gt_expect_recovered(test, 1);
}

struct gt_foreign_rcu {
	u64 payload[4];
	struct rcu_head rcu;
};

/* goalloc_free_rcu() of memory goalloc does not own: a report, nothing queued. */
static void misuse_free_rcu_foreign(struct kunit *test)
{
	struct gt_foreign_rcu *k = kmalloc(sizeof(*k), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, k);
	goalloc_stamp(k->payload, sizeof(k->payload), 13);
	GT_EXPECT_REPORTS(test, 1, goalloc_free_rcu(k, rcu));
	goalloc_rcu_barrier();
	KUNIT_EXPECT_TRUE(test, goalloc_stamped(k->payload, sizeof(k->payload), 13));
	kfree(k);
	gt_expect_recovered(test, 1);
}

/* goalloc_calloc() whose n * size overflows: NULL, and a report. */
static void misuse_calloc_overflow(struct kunit *test)
{
	void *p;

	GT_EXPECT_REPORTS(test, 1, p = goalloc_calloc(SIZE_MAX / 2, 4, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, p);
	GT_EXPECT_REPORTS(test, 1, p = goalloc_calloc(4, SIZE_MAX / 2, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, p);
	gt_expect_recovered(test, 2);
}

/*
 * Absurd sizes fail cleanly whatever the flags; without __GFP_NOWARN they
 * may be reported (and counted), but the count never goes down.
 */
static void misuse_absurd_sizes(struct kunit *test)
{
	unsigned long before = goalloc_misuse_count(), now;
	void *p;

	KUNIT_EXPECT_NULL(test, goalloc_malloc(SIZE_MAX, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, goalloc_malloc(GOALLOC_MAX_SIZE + 1, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, goalloc_malloc(SIZE_MAX, GFP_ATOMIC | __GFP_NOWARN));
	KUNIT_EXPECT_NULL(test, goalloc_malloc_node(SIZE_MAX, GFP_KERNEL, 0));
	KUNIT_EXPECT_NULL(test, goalloc_realloc(NULL, SIZE_MAX, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, goalloc_cache_create("gt_absurd", UINT_MAX, 0, 0, NULL));
	now = goalloc_misuse_count();
	KUNIT_EXPECT_GE(test, now, before);

	p = goalloc_malloc(32, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	goalloc_stamp(p, 32, 32);
	KUNIT_EXPECT_NULL(test, goalloc_realloc(p, SIZE_MAX, GFP_KERNEL));
	KUNIT_EXPECT_TRUE(test, goalloc_stamped(p, 32, 32));
	goalloc_free(p);
	KUNIT_EXPECT_GE(test, goalloc_misuse_count(), now);
	gt_expect_works(test);
	gt_expect_baseline(test, misuse_base);
}

/*
 * Destroying a cache that still has objects is reported; goalloc keeps
 * their spans (leaked, as with kmem_cache_destroy()) so that nothing reads
 * freed pages.  The objects are not touched afterwards.
 */
static void misuse_destroy_with_live_objects(struct kunit *test)
{
	struct goalloc_cache *cache;
	void *objs[3];
	unsigned int i;

	cache = goalloc_cache_create("gt_leaky", 48, 0, 0, NULL);
	KUNIT_ASSERT_NOT_NULL(test, cache);
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = goalloc_cache_alloc(cache, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	goalloc_cache_destroy(cache);
	KUNIT_EXPECT_GE(test, gt_reports(test), 1);
	gt_expect_works(test);
}

/* NULL and ZERO_SIZE_PTR are not misuse anywhere. */
static void misuse_null_and_zero_size_are_fine(struct kunit *test)
{
	struct goalloc_cache *cache = gt_cache(test, "gt_fine", 64, 0, 0, NULL);

	goalloc_free(NULL);
	goalloc_free(ZERO_SIZE_PTR);
	goalloc_cache_free(cache, NULL);
	goalloc_cache_destroy(NULL);
	KUNIT_EXPECT_EQ(test, goalloc_size(NULL), (size_t)0);
	KUNIT_EXPECT_PTR_EQ(test, goalloc_realloc(ZERO_SIZE_PTR, 0, GFP_KERNEL),
			    ZERO_SIZE_PTR);
	KUNIT_EXPECT_EQ(test, gt_reports(test), 0);
}

GT_SUITE(goalloc_misuse, misuse_init,
	 KUNIT_CASE(misuse_free_kmalloc_pointer),
	 KUNIT_CASE(misuse_free_stack_address),
	 KUNIT_CASE(misuse_free_static_and_page),
	 KUNIT_CASE(misuse_free_interior_small),
	 KUNIT_CASE(misuse_free_interior_large_and_cache),
	 KUNIT_CASE(misuse_double_free_small),
	 KUNIT_CASE(misuse_double_free_cache),
	 KUNIT_CASE(misuse_double_free_large),
	 KUNIT_CASE(misuse_free_to_wrong_cache),
	 KUNIT_CASE(misuse_cache_free_foreign_object),
	 KUNIT_CASE(misuse_bulk_free_bad_entries),
	 KUNIT_CASE(misuse_tiny_interior_and_double_free),
	 KUNIT_CASE(misuse_realloc_foreign),
	 KUNIT_CASE(misuse_free_rcu_foreign),
	 KUNIT_CASE(misuse_calloc_overflow),
	 KUNIT_CASE(misuse_absurd_sizes),
	 KUNIT_CASE(misuse_destroy_with_live_objects),
	 KUNIT_CASE(misuse_null_and_zero_size_are_fine));
