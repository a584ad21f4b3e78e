// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite goalloc_malloc: the kmalloc-like family of include/goalloc.h,
 * what a module relies on when it moves from kmalloc to goalloc.  Every
 * size class at its size and one byte less, Go's tiny allocator and its
 * alignment rule, natural alignment of powers of two, large objects up to
 * GOALLOC_MAX_SIZE, size 0, __GFP_ZERO on fresh and on reused memory,
 * goalloc_size(), goalloc_realloc(), goalloc_free_rcu().
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
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "goalloc_sizeclasses.h"
#include "goalloc_test.h"

/* The small size class that serves @size bytes (16 to 32 KiB). */
static size_t gt_class_size(size_t size)
{
	unsigned int c;

	for (c = 1; c < GOALLOC_NUM_SIZE_CLASSES; c++)
		if (goalloc_class_to_size[c] >= size)
			return goalloc_class_to_size[c];
	return 0;
}

/* What goalloc_size() reports for a goalloc_malloc(@size) below 32 KiB. */
static size_t gt_usable_size(size_t size)
{
	return size < GOALLOC_TINY_SIZE ? size : gt_class_size(size);
}

/* The alignment Go gives a tiny object of @size bytes. */
static unsigned long gt_tiny_align(size_t size)
{
	if (!(size & 7))
		return 8;
	if (!(size & 3))
		return 4;
	if (!(size & 1))
		return 2;
	return 1;
}

/*
 * goalloc_malloc() at every class size and one byte less: each object is
 * of its class (a tiny object is of its own size), holds all its bytes,
 * and overlaps no other live object.
 */
static void malloc_every_size_class(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	const unsigned int max = 2 * GOALLOC_NUM_SIZE_CLASSES;
	void **objs = gt_ptrs(test, max);
	size_t *sizes = kunit_kcalloc(test, max, sizeof(*sizes), GFP_KERNEL);
	unsigned int c, i, n = 0;

	KUNIT_ASSERT_NOT_NULL(test, sizes);
	for (c = 1; c < GOALLOC_NUM_SIZE_CLASSES; c++) {
		for (i = 0; i < 2; i++, n++) {
			sizes[n] = goalloc_class_to_size[c] - i;
			objs[n] = goalloc_malloc(sizes[n], GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL_MSG(test, objs[n], "size %zu", sizes[n]);
			KUNIT_EXPECT_EQ_MSG(test, goalloc_size(objs[n]),
					    gt_usable_size(sizes[n]), "size %zu", sizes[n]);
			goalloc_stamp(objs[n], sizes[n], n);
		}
	}
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_TRUE_MSG(test, goalloc_stamped(objs[i], sizes[i], i),
				      "object of %zu bytes was overwritten", sizes[i]);
		goalloc_free(objs[i]);
	}
	gt_expect_baseline(test, base);
}

/* Each class's by_size entry counts its goalloc_malloc()s and frees. */
static void malloc_by_size_stats(struct kunit *test)
{
	struct goalloc_memstats *before = gt_settled(test);
	struct goalloc_memstats *after = gt_memstats(test);
	const unsigned int per_class = 3;
	void **objs = gt_ptrs(test, per_class * GOALLOC_NUM_SIZE_CLASSES);
	unsigned int c, i, j, n = 0;

	/* Class 1 (8 bytes) is below 16: goalloc_malloc() serves it tiny. */
	for (c = 2; c < GOALLOC_NUM_SIZE_CLASSES; c++) {
		for (j = 0; j < per_class; j++, n++) {
			objs[n] = goalloc_malloc(goalloc_class_to_size[c], GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, objs[n]);
		}
	}
	goalloc_read_memstats(after);
	for (c = 2; c < GOALLOC_NUM_SIZE_CLASSES; c++) {
		for (i = 0; i < GOALLOC_STATS_CLASSES; i++)
			if (after->by_size[i].size == goalloc_class_to_size[c])
				break;
		KUNIT_ASSERT_LT_MSG(test, i, GOALLOC_STATS_CLASSES,
				    "no by_size entry for %u bytes",
				    goalloc_class_to_size[c]);
		KUNIT_EXPECT_EQ_MSG(test, after->by_size[i].mallocs -
				    before->by_size[i].mallocs, (u64)per_class,
				    "class of %u bytes", goalloc_class_to_size[c]);
	}
	for (i = 0; i < n; i++)
		goalloc_free(objs[i]);
	gt_settle(after);
	for (i = 0; i < GOALLOC_STATS_CLASSES; i++) {
		if (after->by_size[i].size < GOALLOC_TINY_SIZE)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, after->by_size[i].frees -
				    before->by_size[i].frees, (u64)per_class,
				    "class of %u bytes", after->by_size[i].size);
	}
}

/*
 * Go's tiny rule: an object below 16 bytes lies inside one 16-byte block
 * and is aligned to 8 if its size is a multiple of 8, to 4 if of 4, to 2
 * if even.  goalloc_size() gives the requested size.  Sizes are mixed so
 * that objects start at every offset of a block.
 */
static void malloc_tiny_alignment(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	const unsigned int rounds = 6, per_round = GOALLOC_TINY_SIZE - 1;
	void **objs = gt_ptrs(test, rounds * per_round);
	u8 *sizes = kunit_kzalloc(test, rounds * per_round, GFP_KERNEL);
	unsigned int r, i, n = 0;
	size_t size;

	KUNIT_ASSERT_NOT_NULL(test, sizes);
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < per_round; i++, n++) {
			size = 1 + (i * 7 + r) % per_round;
			sizes[n] = size;
			objs[n] = goalloc_malloc(size, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, objs[n]);
			KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED((unsigned long)objs[n],
							       gt_tiny_align(size)),
					      "%zu-byte tiny object at offset %lu of a block",
					      size, (unsigned long)objs[n] & 15);
			KUNIT_EXPECT_LE_MSG(test, ((unsigned long)objs[n] & 15) + size,
					    16UL, "%zu bytes at offset %lu cross a block",
					    size, (unsigned long)objs[n] & 15);
			KUNIT_EXPECT_EQ(test, goalloc_size(objs[n]), size);
			goalloc_stamp(objs[n], size, n);
		}
	}
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_TRUE_MSG(test, goalloc_stamped(objs[i], sizes[i], i),
				      "tiny object %u of %u bytes overwritten", i, sizes[i]);
		goalloc_free(objs[i]);
	}
	gt_expect_baseline(test, base);
}

/*
 * Every object of 16 bytes or more is 8-byte aligned; a power-of-two size
 * up to 4 KiB is aligned to itself; a large object starts on a page.
 */
static void malloc_alignment(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	const unsigned int held = 24;
	void **objs = gt_ptrs(test, held);
	unsigned long addr;
	size_t size;
	unsigned int i;

	for (size = 16; size <= 96 * GT_KIB; size += size < 1024 ? 8 : 520) {
		void *p = goalloc_malloc(size, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL_MSG(test, p, "size %zu", size);
		addr = (unsigned long)p;
		KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED(addr, 8),
				      "size %zu at %lu mod 4096", size, addr % 4096);
		if (size > GOALLOC_MAX_SMALL_SIZE)
			KUNIT_EXPECT_TRUE_MSG(test, PAGE_ALIGNED(p),
					      "size %zu at %lu mod 4096", size, addr % 4096);
		goalloc_free(p);
	}
	for (size = 16; size <= 4096; size <<= 1) {
		for (i = 0; i < held; i++) {
			objs[i] = goalloc_malloc(size, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, objs[i]);
			KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED((unsigned long)objs[i], size),
					      "size %zu at %lu mod 4096", size,
					      (unsigned long)objs[i] % 4096);
		}
		for (i = 0; i < held; i++)
			goalloc_free(objs[i]);
	}
	gt_expect_baseline(test, base);
}

static const size_t gt_zero_sizes[] = {
	1, 3, 7, 8, 13, 15, 16, 24, 100, 512, 1000, 3000, 4096, 9000,
	GOALLOC_MAX_SMALL_SIZE, 40 * GT_KIB, 100 * GT_KIB,
};

/*
 * @n objects of @size bytes from goalloc_malloc(@gfp) into @objs, each
 * zero if @gfp has __GFP_ZERO, then filled with @fill; then free them.
 */
static void gt_malloc_all(struct kunit *test, void **objs, unsigned int n,
			  size_t size, gfp_t gfp, int fill)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		objs[i] = goalloc_malloc(size, gfp);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		if (gfp & __GFP_ZERO)
			KUNIT_EXPECT_TRUE_MSG(test, gt_zeroed(objs[i], size),
					      "size %zu", size);
		memset(objs[i], fill, size);
	}
}

static void gt_free_all(void **objs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		goalloc_free(objs[i]);
}

/*
 * For every size of gt_zero_sizes, @rounds times: @n objects dirtied and
 * freed, then @n allocated again with __GFP_ZERO, which must be zero (the
 * per-CPU arrays hand the dirty objects straight back, so goalloc must
 * clear them).  With @rounds 0, once and without the dirty objects: the
 * memory is fresh from the page allocator.
 */
static void gt_zero_after(struct kunit *test, unsigned int n,
			  unsigned int rounds)
{
	struct goalloc_memstats *base = gt_settled(test);
	void **objs = gt_ptrs(test, n);
	unsigned int s, round;

	for (s = 0; s < ARRAY_SIZE(gt_zero_sizes); s++) {
		size_t size = gt_zero_sizes[s];

		for (round = 0; round < max(rounds, 1U); round++) {
			if (rounds) {
				gt_malloc_all(test, objs, n, size, GFP_KERNEL,
					      0xa5);
				gt_free_all(objs, n);
			}
			gt_malloc_all(test, objs, n, size,
				      GFP_KERNEL | __GFP_ZERO, 0x5a);
			gt_free_all(objs, n);
		}
	}
	gt_expect_baseline(test, base);
}

/* __GFP_ZERO on memory goalloc has just taken from the page allocator. */
static void malloc_zero_fresh(struct kunit *test)
{
	gt_zero_after(test, 4, 0);
}

/* __GFP_ZERO on reused memory, six rounds of 16 dirty objects. */
static void malloc_zero_reused(struct kunit *test)
{
	gt_zero_after(test, 16, 6);
}

/* goalloc_calloc() zeroes, on dirty memory too; calloc of 0 is malloc(0). */
static void malloc_calloc_zeroes(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	void *objs[16];
	unsigned int i;
	void *p;

	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = goalloc_malloc(400, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		memset(objs[i], 0xee, 400);
	}
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		goalloc_free(objs[i]);
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = goalloc_calloc(10, 40, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		KUNIT_EXPECT_TRUE(test, gt_zeroed(objs[i], 400));
		KUNIT_EXPECT_GE(test, goalloc_size(objs[i]), (size_t)400);
	}
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		goalloc_free(objs[i]);

	p = goalloc_calloc(3, 5, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, gt_zeroed(p, 15));
	goalloc_free(p);
	p = goalloc_calloc(1000, 100, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, gt_zeroed(p, 100000));
	goalloc_free(p);

	KUNIT_EXPECT_PTR_EQ(test, goalloc_calloc(0, 8, GFP_KERNEL), ZERO_SIZE_PTR);
	KUNIT_EXPECT_PTR_EQ(test, goalloc_calloc(8, 0, GFP_KERNEL), ZERO_SIZE_PTR);
	gt_expect_baseline(test, base);
}

/*
 * Size 0 is kmalloc(0): ZERO_SIZE_PTR, which goalloc_free() ignores, as it
 * ignores NULL; neither is an object, a report, or a size.
 */
static void malloc_size_zero(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	unsigned long misuse = goalloc_misuse_count();

	KUNIT_EXPECT_PTR_EQ(test, goalloc_malloc(0, GFP_KERNEL), ZERO_SIZE_PTR);
	KUNIT_EXPECT_PTR_EQ(test, goalloc_malloc(0, GFP_KERNEL | __GFP_ZERO),
			    ZERO_SIZE_PTR);
	KUNIT_EXPECT_PTR_EQ(test, goalloc_malloc(0, GFP_ATOMIC), ZERO_SIZE_PTR);
	KUNIT_EXPECT_PTR_EQ(test, goalloc_malloc_node(0, GFP_KERNEL, NUMA_NO_NODE),
			    ZERO_SIZE_PTR);
	goalloc_free(ZERO_SIZE_PTR);
	goalloc_free(NULL);
	KUNIT_EXPECT_EQ(test, goalloc_size(NULL), (size_t)0);
	KUNIT_EXPECT_EQ(test, goalloc_size(ZERO_SIZE_PTR), (size_t)0);
	KUNIT_EXPECT_EQ(test, goalloc_misuse_count(), misuse);
	gt_expect_baseline(test, base);
}

/*
 * goalloc_owns() is true for every byte of goalloc's objects (small, tiny,
 * large, of a user cache) and false for NULL, ZERO_SIZE_PTR, kmalloc
 * memory and the stack.
 */
static void malloc_owns(struct kunit *test)
{
	static const size_t sizes[] = { 5, 64, 1000, 40 * GT_KIB };
	struct goalloc_cache *c;
	unsigned int i;
	u64 on_stack;
	void *k, *p;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p = goalloc_malloc(sizes[i], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_TRUE(test, goalloc_owns(p));
		KUNIT_EXPECT_TRUE(test, goalloc_owns((char *)p + sizes[i] - 1));
		goalloc_free(p);
	}
	c = goalloc_cache_create("gt_owns", 40, 0, 0, NULL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	p = goalloc_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, goalloc_owns(p));
	goalloc_cache_free(c, p);
	goalloc_cache_destroy(c);

	k = kmalloc(64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, k);
	KUNIT_EXPECT_FALSE(test, goalloc_owns(k));
	kfree(k);
	KUNIT_EXPECT_FALSE(test, goalloc_owns(&on_stack));
	KUNIT_EXPECT_FALSE(test, goalloc_owns(NULL));
	KUNIT_EXPECT_FALSE(test, goalloc_owns(ZERO_SIZE_PTR));
}

/*
 * Objects over 32 KiB, up to GOALLOC_MAX_SIZE (a whole arena), get pages
 * of their own: page-aligned, usable to the page-rounded size, counted in
 * large_objects while they live.  32 KiB itself is still a size class.
 */
static void malloc_large_objects(struct kunit *test)
{
	static const size_t sizes[] = {
		GOALLOC_MAX_SMALL_SIZE, GOALLOC_MAX_SMALL_SIZE + 1, 40 * GT_KIB,
		64 * GT_KIB, GT_MIB, GOALLOC_MAX_SIZE,
	};
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_memstats *ms = gt_memstats(test);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t size = sizes[i], usable;
		bool large = size > GOALLOC_MAX_SMALL_SIZE;
		u8 *p;

		p = goalloc_malloc(size, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL_MSG(test, p, "size %zu", size);
		usable = goalloc_size(p);
		KUNIT_EXPECT_GE_MSG(test, usable, size, "size %zu", size);
		if (large) {
			KUNIT_EXPECT_TRUE_MSG(test, PAGE_ALIGNED(p), "size %zu", size);
			KUNIT_EXPECT_TRUE_MSG(test, PAGE_ALIGNED(usable), "size %zu", size);
			KUNIT_EXPECT_LE_MSG(test, usable,
					    round_up(size, GOALLOC_PAGE_SIZE), "size %zu", size);
		}
		goalloc_stamp(p, usable, size);
		goalloc_read_memstats(ms);
		KUNIT_EXPECT_EQ_MSG(test, ms->large_objects,
				    base->large_objects + large, "size %zu", size);
		KUNIT_EXPECT_GE_MSG(test, ms->heap_alloc, base->heap_alloc + size,
				    "size %zu", size);
		KUNIT_EXPECT_TRUE(test, goalloc_stamped(p, usable, size));
		goalloc_free(p);
		goalloc_read_memstats(ms);
		KUNIT_EXPECT_EQ_MSG(test, ms->large_objects, base->large_objects,
				    "size %zu", size);
	}
	gt_expect_baseline(test, base);
}

/* Over GOALLOC_MAX_SIZE, every allocation function fails cleanly. */
static void malloc_over_max_size(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	const gfp_t gfp = GFP_KERNEL | __GFP_NOWARN;

	KUNIT_EXPECT_NULL(test, goalloc_malloc(GOALLOC_MAX_SIZE + 1, gfp));
	KUNIT_EXPECT_NULL(test, goalloc_malloc(2 * GOALLOC_MAX_SIZE, gfp));
	KUNIT_EXPECT_NULL(test, goalloc_malloc_node(GOALLOC_MAX_SIZE + 1, gfp, 0));
	KUNIT_EXPECT_NULL(test, goalloc_calloc(1, GOALLOC_MAX_SIZE + 1, gfp));
	KUNIT_EXPECT_NULL(test, goalloc_calloc(GOALLOC_MAX_SIZE / 2 + 1, 2, gfp));
	KUNIT_EXPECT_NULL(test, goalloc_realloc(NULL, GOALLOC_MAX_SIZE + 1, gfp));
	gt_expect_baseline(test, base);
}

/*
 * goalloc_size() is the object's: its class for small sizes, the
 * requested size for tiny ones; 0 for memory goalloc does not own.
 */
static void malloc_usable_size(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	static u8 not_goalloc[64];
	void *k;
	size_t size;

	for (size = 1; size <= GOALLOC_MAX_SMALL_SIZE;
	     size += size < 64 ? 1 : size < 2048 ? 13 : 611) {
		void *p = goalloc_malloc(size, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_EQ_MSG(test, goalloc_size(p), gt_usable_size(size),
				    "size %zu", size);
		goalloc_free(p);
	}
	k = kmalloc(64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, k);
	KUNIT_EXPECT_EQ(test, goalloc_size(k), (size_t)0);
	kfree(k);
	KUNIT_EXPECT_EQ(test, goalloc_size(not_goalloc), (size_t)0);
	gt_expect_baseline(test, base);
}

/* Many objects of mixed sizes at once: all distinct, none overlapping. */
static void malloc_many_objects_disjoint(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	const unsigned int n = 2000;
	void **objs = gt_ptrs(test, n);
	u32 *sizes = kunit_kcalloc(test, n, sizeof(*sizes), GFP_KERNEL);
	u32 rnd = 0x2545f491;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, sizes);
	for (i = 0; i < n; i++) {
		sizes[i] = 1 + gt_next(&rnd) % (i % 10 ? 512 : 9000);
		objs[i] = goalloc_malloc(sizes[i], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		goalloc_stamp(objs[i], sizes[i], i);
	}
	/* Free every other object, then check the rest, then free them. */
	for (i = 0; i < n; i += 2) {
		KUNIT_EXPECT_TRUE(test, goalloc_stamped(objs[i], sizes[i], i));
		goalloc_free(objs[i]);
	}
	for (i = 1; i < n; i += 2) {
		KUNIT_EXPECT_TRUE(test, goalloc_stamped(objs[i], sizes[i], i));
		goalloc_free(objs[i]);
	}
	gt_expect_baseline(test, base);
}

/* goalloc_realloc(NULL, n) is goalloc_malloc(n), ZERO_SIZE_PTR too. */
static void realloc_null_is_malloc(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	void *p;

	p = goalloc_realloc(NULL, 100, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, goalloc_size(p), gt_usable_size(100));
	goalloc_stamp(p, 100, 1);
	KUNIT_EXPECT_TRUE(test, goalloc_stamped(p, 100, 1));
	goalloc_free(p);

	p = goalloc_realloc(NULL, 50 * GT_KIB, GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, gt_zeroed(p, 50 * GT_KIB));
	goalloc_free(p);

	/* As krealloc(): ZERO_SIZE_PTR, goalloc_malloc(0)'s result, has no data. */
	p = goalloc_realloc(ZERO_SIZE_PTR, 64, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, ZERO_OR_NULL_PTR(p));
	KUNIT_EXPECT_EQ(test, goalloc_size(p), (size_t)64);
	goalloc_free(p);

	KUNIT_EXPECT_PTR_EQ(test, goalloc_realloc(NULL, 0, GFP_KERNEL), ZERO_SIZE_PTR);
	gt_expect_baseline(test, base);
}

/* goalloc_realloc(p, 0) frees p and returns ZERO_SIZE_PTR. */
static void realloc_to_zero_frees(struct kunit *test)
{
	static const size_t sizes[] = { 5, 100, 4096, 40 * GT_KIB };
	struct goalloc_memstats *base = gt_settled(test);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		void *p = goalloc_malloc(sizes[i], GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_PTR_EQ(test, goalloc_realloc(p, 0, GFP_KERNEL),
				    ZERO_SIZE_PTR);
	}
	gt_expect_baseline(test, base);
}

/* Growing moves the contents: tiny to small to large to a whole arena. */
static void realloc_grow_preserves(struct kunit *test)
{
	static const size_t steps[] = {
		3, 10, 24, 100, 1000, 5000, GOALLOC_MAX_SMALL_SIZE, 40 * GT_KIB,
		200 * GT_KIB, GT_MIB, GOALLOC_MAX_SIZE,
	};
	struct goalloc_memstats *base = gt_settled(test);
	unsigned int i;
	void *p, *q;

	p = goalloc_malloc(steps[0], GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	goalloc_stamp(p, steps[0], 0);
	for (i = 1; i < ARRAY_SIZE(steps); i++) {
		q = goalloc_realloc(p, steps[i], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL_MSG(test, q, "%zu to %zu bytes", steps[i - 1],
					  steps[i]);
		KUNIT_EXPECT_GE(test, goalloc_size(q), steps[i]);
		KUNIT_EXPECT_TRUE_MSG(test, goalloc_stamped(q, steps[i - 1], i - 1),
				      "%zu to %zu bytes lost the contents",
				      steps[i - 1], steps[i]);
		goalloc_stamp(q, steps[i], i);
		p = q;
	}
	goalloc_free(p);
	gt_expect_baseline(test, base);
}

/* A new size that fits the object keeps the object, and its contents. */
static void realloc_within_object_keeps_pointer(struct kunit *test)
{
	static const size_t sizes[] = {
		12, 50, 100, 1000, 4096, 20000, 40 * GT_KIB, GT_MIB,
	};
	struct goalloc_memstats *base = gt_settled(test);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t size = sizes[i], usable;
		void *p = goalloc_malloc(size, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, p);
		usable = goalloc_size(p);
		goalloc_stamp(p, size, size);
		KUNIT_EXPECT_PTR_EQ_MSG(test, goalloc_realloc(p, usable, GFP_KERNEL), p,
					"size %zu to %zu", size, usable);
		KUNIT_EXPECT_PTR_EQ_MSG(test, goalloc_realloc(p, size, GFP_KERNEL), p,
					"size %zu to itself", size);
		KUNIT_EXPECT_TRUE(test, goalloc_stamped(p, size, size));
		KUNIT_EXPECT_PTR_EQ_MSG(test, goalloc_realloc(p, size / 2, GFP_KERNEL),
					p, "size %zu to %zu", size, size / 2);
		KUNIT_EXPECT_TRUE(test, goalloc_stamped(p, size / 2, size));
		KUNIT_EXPECT_PTR_EQ_MSG(test, goalloc_realloc(p, 1, GFP_KERNEL), p,
					"size %zu to 1", size);
		KUNIT_EXPECT_TRUE(test, goalloc_stamped(p, 1, size));
		goalloc_free(p);
	}
	gt_expect_baseline(test, base);
}

/*
 * With __GFP_ZERO, the bytes beyond the old object are zero when the
 * contents move, though dirty objects of the new size wait to be reused.
 * (goalloc cannot know how much of the old object the caller wrote, so
 * the cases write all of it, as goalloc_size() reports it.)
 */
static void realloc_gfp_zero(struct kunit *test)
{
	const gfp_t gfp = GFP_KERNEL | __GFP_ZERO;
	struct goalloc_memstats *base = gt_settled(test);
	void *objs[8];
	size_t old;
	unsigned int i;
	u8 *p, *q;

	/* Leave dirty objects of the sizes realloc moves to. */
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = goalloc_malloc(i & 1 ? 40 * GT_KIB : 3000, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		memset(objs[i], 0xff, i & 1 ? 40 * GT_KIB : 3000);
	}
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		goalloc_free(objs[i]);

	/* A small object to a bigger class. */
	p = goalloc_malloc(100, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	old = goalloc_size(p);
	goalloc_stamp(p, old, 7);
	q = goalloc_realloc(p, 3000, gfp);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_TRUE(test, goalloc_stamped(q, old, 7));
	KUNIT_EXPECT_TRUE(test, gt_zeroed(q + old, 3000 - old));

	/* A whole small object to a large one. */
	old = goalloc_size(q);
	goalloc_stamp(q, old, 9);
	p = goalloc_realloc(q, 40 * GT_KIB, gfp);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, goalloc_stamped(p, old, 9));
	KUNIT_EXPECT_TRUE(test, gt_zeroed(p + old, 40 * GT_KIB - old));

	/* A tiny object to a small one. */
	q = goalloc_malloc(6, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, q);
	goalloc_stamp(q, 6, 6);
	q = goalloc_realloc(q, 64, gfp);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_TRUE(test, goalloc_stamped(q, 6, 6));
	KUNIT_EXPECT_TRUE(test, gt_zeroed(q + 6, 64 - 6));
	goalloc_free(q);
	goalloc_free(p);
	gt_expect_baseline(test, base);
}

/* A realloc that fails leaves the old memory as it was. */
static void realloc_failure_keeps_old(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	void *p = goalloc_malloc(200, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	goalloc_stamp(p, 200, 200);
	KUNIT_EXPECT_NULL(test, goalloc_realloc(p, GOALLOC_MAX_SIZE + 1,
						GFP_KERNEL | __GFP_NOWARN));
	KUNIT_EXPECT_NULL(test, goalloc_realloc(p, SIZE_MAX,
						GFP_KERNEL | __GFP_NOWARN));
	KUNIT_EXPECT_EQ(test, goalloc_size(p), gt_usable_size(200));
	KUNIT_EXPECT_TRUE(test, goalloc_stamped(p, 200, 200));
	goalloc_free(p);
	gt_expect_baseline(test, base);
}

struct gt_rcu_first {
	struct rcu_head rcu;
	u8 data[200];
};

struct gt_rcu_large {
	u8 data[40 * GT_KIB];
	struct rcu_head rcu;
};

/* goalloc_free_rcu() with the rcu_head first, in the middle, at the end. */
static void malloc_free_rcu(struct kunit *test)
{
	const unsigned int each = 16;
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_memstats *ms = gt_memstats(test);
	unsigned int i;
	u64 frees;

	for (i = 0; i < each; i++) {
		struct gt_rcu_small *s = goalloc_malloc(sizeof(*s), GFP_KERNEL);
		struct gt_rcu_first *f = goalloc_malloc(sizeof(*f), GFP_KERNEL);
		struct gt_rcu_large *l = goalloc_malloc(sizeof(*l), GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, s);
		KUNIT_ASSERT_NOT_NULL(test, f);
		KUNIT_ASSERT_NOT_NULL(test, l);
		goalloc_free_rcu(s, rcu);
		goalloc_free_rcu(f, rcu);
		goalloc_free_rcu(l, rcu);
	}
	goalloc_read_memstats(ms);
	frees = base->frees;
	KUNIT_EXPECT_TRUE_MSG(test, gt_wait_freed(ms, frees, 3 * each,
						  base->heap_objects),
			      "%llu of %u objects freed, %llu live (was %llu)",
			      ms->frees - frees, 3 * each, ms->heap_objects,
			      base->heap_objects);
	gt_expect_baseline(test, base);
}

/*
 * An RCU reader that can still see the object keeps it: within
 * rcu_read_lock(), goalloc_free_rcu() leaves the contents untouched (but
 * for the rcu_head, which goalloc may use).
 */
static void malloc_free_rcu_waits_for_readers(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_memstats *ms = gt_memstats(test);
	struct gt_rcu_small *objs[8];
	bool intact = true;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = goalloc_malloc(sizeof(*objs[i]), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		objs[i]->tag = i;
		goalloc_stamp(objs[i]->data, sizeof(objs[i]->data), i);
	}
	rcu_read_lock();
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		goalloc_free_rcu(objs[i], rcu);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		intact &= READ_ONCE(objs[i]->tag) == i &&
			  goalloc_stamped(objs[i]->data, sizeof(objs[i]->data), i);
	rcu_read_unlock();
	KUNIT_EXPECT_TRUE(test, intact);
	KUNIT_EXPECT_TRUE(test, gt_wait_freed(ms, base->frees, ARRAY_SIZE(objs),
					      base->heap_objects));
}

GT_SUITE(goalloc_malloc, NULL,
	 KUNIT_CASE(malloc_every_size_class),
	 KUNIT_CASE(malloc_by_size_stats),
	 KUNIT_CASE(malloc_tiny_alignment),
	 KUNIT_CASE(malloc_alignment),
	 KUNIT_CASE(malloc_zero_fresh),
	 KUNIT_CASE(malloc_zero_reused),
	 KUNIT_CASE(malloc_calloc_zeroes),
	 KUNIT_CASE(malloc_size_zero),
	 KUNIT_CASE(malloc_large_objects),
	 KUNIT_CASE(malloc_over_max_size),
	 KUNIT_CASE(malloc_usable_size),
	 KUNIT_CASE(malloc_many_objects_disjoint),
	 KUNIT_CASE(realloc_null_is_malloc),
	 KUNIT_CASE(realloc_to_zero_frees),
	 KUNIT_CASE(realloc_grow_preserves),
	 KUNIT_CASE(realloc_within_object_keeps_pointer),
	 KUNIT_CASE(realloc_gfp_zero),
	 KUNIT_CASE(realloc_failure_keeps_old),
	 KUNIT_CASE(malloc_free_rcu),
	 KUNIT_CASE(malloc_owns),
	 KUNIT_CASE(malloc_free_rcu_waits_for_readers));
