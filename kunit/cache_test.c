// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite goalloc_cache: goalloc's kmem_cache-like caches.  One per
 * class size, alignment from 8 to 4096 and GOALLOC_HWCACHE_ALIGN, the
 * constructor's once-per-slot rule, bulk allocation and free,
 * GOALLOC_TYPESAFE_BY_RCU, caches of large objects.
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
#include <linux/cache.h>
#include <linux/log2.h>
#include <linux/mm.h>

#include "goalloc_sizeclasses.h"
#include "goalloc_test.h"

/*
 * Objects in one span of a cache of @size-byte objects: Go's rule takes
 * as many 8 KiB pages as keep the unused tail at most 1/8 of the span.
 */
static unsigned int gt_span_objects(unsigned long size)
{
	unsigned long span = GOALLOC_PAGE_SIZE;

	while (span % size > span / 8)
		span += GOALLOC_PAGE_SIZE;
	return span / size;
}

/*
 * A cache at every class size: the object size is kept, a span's worth of
 * objects plus one (so a second span is cut) are 8-byte aligned, hold all
 * their bytes and do not overlap; goalloc_size() agrees; the name passed
 * in may be overwritten after creation.
 */
static void cache_every_size_class(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	void **objs = gt_ptrs(test, GOALLOC_MAX_OBJS_PER_SPAN + 1);
	unsigned long misuse = goalloc_misuse_count();
	struct goalloc_cache *cache;
	unsigned int c, i, n, size;
	char name[32];

	for (c = 1; c < GOALLOC_NUM_SIZE_CLASSES; c++) {
		size = goalloc_class_to_size[c];
		n = gt_span_objects(size) + 1;
		snprintf(name, sizeof(name), "gt_class_%u", size);
		cache = goalloc_cache_create(name, size, 0, 0, NULL);
		memset(name, 'x', sizeof(name) - 1);
		KUNIT_ASSERT_NOT_NULL_MSG(test, cache, "size %u", size);
		KUNIT_EXPECT_EQ(test, goalloc_cache_size(cache), size);
		for (i = 0; i < n; i++) {
			objs[i] = goalloc_cache_alloc(cache, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL_MSG(test, objs[i], "size %u #%u", size, i);
			KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)objs[i], 8));
			goalloc_stamp(objs[i], size, (u64)c << 16 | i);
		}
		for (i = 0; i < n; i++) {
			bool intact = goalloc_stamped(objs[i], size,
						      (u64)c << 16 | i);

			KUNIT_EXPECT_TRUE_MSG(test, intact,
					      "size %u #%u overwritten", size, i);
			KUNIT_EXPECT_EQ(test, goalloc_size(objs[i]), (size_t)size);
			goalloc_cache_free(cache, objs[i]);
		}
		goalloc_cache_destroy(cache);
	}
	KUNIT_EXPECT_EQ(test, goalloc_misuse_count(), misuse);
	gt_expect_baseline(test, base);
}

/* Sizes of 0 or over GOALLOC_MAX_SIZE, and alignments not a power of two. */
static void cache_create_rejects_bad_arguments(struct kunit *test)
{
	struct goalloc_cache *cache;

	KUNIT_EXPECT_NULL(test, goalloc_cache_create("gt_bad", 0, 0, 0, NULL));
	KUNIT_EXPECT_NULL(test, goalloc_cache_create("gt_bad", GOALLOC_MAX_SIZE + 1,
						     0, 0, NULL));
	KUNIT_EXPECT_NULL(test, goalloc_cache_create("gt_bad", UINT_MAX, 0, 0, NULL));
	KUNIT_EXPECT_NULL(test, goalloc_cache_create("gt_bad", 64, 3, 0, NULL));
	KUNIT_EXPECT_NULL(test, goalloc_cache_create("gt_bad", 64, 24, 0, NULL));

	/* The limits themselves are fine. */
	cache = gt_cache(test, "gt_one", 1, 0, 0, NULL);
	KUNIT_EXPECT_EQ(test, goalloc_cache_size(cache), 8U);
	cache = gt_cache(test, "gt_max", GOALLOC_MAX_SIZE, 0, 0, NULL);
	KUNIT_EXPECT_EQ(test, goalloc_cache_size(cache), (unsigned int)GOALLOC_MAX_SIZE);
}

/*
 * Every alignment from 8 to 4096: the object size is rounded up to it and
 * every object starts on it.
 */
static void cache_alignment(struct kunit *test)
{
	static const unsigned int sizes[] = { 1, 40, 100, 3000 };
	struct goalloc_memstats *base = gt_settled(test);
	void *objs[20];
	unsigned int align, s, i, want;

	for (align = 8; align <= 4096; align <<= 1) {
		for (s = 0; s < ARRAY_SIZE(sizes); s++) {
			struct goalloc_cache *cache;

			cache = goalloc_cache_create("gt_align", sizes[s], align, 0, NULL);
			KUNIT_ASSERT_NOT_NULL(test, cache);
			want = round_up(sizes[s], align);
			KUNIT_EXPECT_EQ_MSG(test, goalloc_cache_size(cache), want,
					    "size %u align %u", sizes[s], align);
			for (i = 0; i < ARRAY_SIZE(objs); i++) {
				objs[i] = goalloc_cache_alloc(cache, GFP_KERNEL);
				KUNIT_ASSERT_NOT_NULL(test, objs[i]);
				KUNIT_EXPECT_TRUE_MSG(test,
						      IS_ALIGNED((unsigned long)objs[i], align),
						      "size %u align %u at %lu mod 8192",
						      sizes[s], align,
						      (unsigned long)objs[i] % 8192);
				goalloc_stamp(objs[i], want, i);
			}
			for (i = 0; i < ARRAY_SIZE(objs); i++) {
				KUNIT_EXPECT_TRUE(test, goalloc_stamped(objs[i], want, i));
				goalloc_cache_free(cache, objs[i]);
			}
			goalloc_cache_destroy(cache);
		}
	}
	gt_expect_baseline(test, base);
}

/*
 * GOALLOC_HWCACHE_ALIGN aligns to cache_line_size() (sizes over half a
 * line, so that SLAB_HWCACHE_ALIGN's packing of small objects two to a
 * line cannot apply); with a larger explicit alignment, the larger wins.
 * Without either, the alignment is 8.
 */
static void cache_hwcache_and_default_align(struct kunit *test)
{
	const unsigned int line = cache_line_size();
	struct goalloc_cache *hw, *hw256, *plain;
	void *objs[3 * 16];
	unsigned int i;

	hw = gt_cache(test, "gt_hw", line / 2 + 8, 0, GOALLOC_HWCACHE_ALIGN, NULL);
	hw256 = gt_cache(test, "gt_hw256", 100, 256, GOALLOC_HWCACHE_ALIGN, NULL);
	plain = gt_cache(test, "gt_plain", 13, 0, 0, NULL);
	KUNIT_EXPECT_EQ(test, goalloc_cache_size(hw), round_up(line / 2 + 8, line));
	KUNIT_EXPECT_EQ(test, goalloc_cache_size(hw256), max(256U, round_up(100U, line)));
	KUNIT_EXPECT_EQ(test, goalloc_cache_size(plain), 16U);
	for (i = 0; i < 16; i++) {
		objs[3 * i] = goalloc_cache_alloc(hw, GFP_KERNEL);
		objs[3 * i + 1] = goalloc_cache_alloc(hw256, GFP_KERNEL);
		objs[3 * i + 2] = goalloc_cache_alloc(plain, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[3 * i]);
		KUNIT_ASSERT_NOT_NULL(test, objs[3 * i + 1]);
		KUNIT_ASSERT_NOT_NULL(test, objs[3 * i + 2]);
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)objs[3 * i], line));
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)objs[3 * i + 1],
						   max(256U, line)));
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)objs[3 * i + 2], 8));
	}
	for (i = 0; i < 16; i++) {
		goalloc_cache_free(hw, objs[3 * i]);
		goalloc_cache_free(hw256, objs[3 * i + 1]);
		goalloc_cache_free(plain, objs[3 * i + 2]);
	}
}

/* __GFP_ZERO on a cache: fresh objects, then dirty ones handed back. */
static void cache_zero_fresh_and_reused(struct kunit *test)
{
	struct goalloc_cache *cache = gt_cache(test, "gt_zero", 300, 0, 0, NULL);
	void *objs[50];
	unsigned int round, i;

	for (round = 0; round < 5; round++) {
		for (i = 0; i < ARRAY_SIZE(objs); i++) {
			objs[i] = goalloc_cache_alloc(cache, GFP_KERNEL | __GFP_ZERO);
			KUNIT_ASSERT_NOT_NULL(test, objs[i]);
			KUNIT_EXPECT_TRUE_MSG(test, gt_zeroed(objs[i], 300),
					      "round %u object %u", round, i);
			memset(objs[i], 0x6b, 300);
		}
		for (i = 0; i < ARRAY_SIZE(objs); i++)
			goalloc_cache_free(cache, objs[i]);
	}
}

#define GT_CTOR_MAGIC	0x60a110c5U
#define GT_CTOR_FILL	0xc7

struct gt_ctor_obj {
	u32 magic;
	u32 serial;
	u8 fill[192];
};

static atomic_t gt_ctor_calls;

static void gt_ctor(void *p)
{
	struct gt_ctor_obj *obj = p;

	obj->magic = GT_CTOR_MAGIC;
	obj->serial = 0;
	memset(obj->fill, GT_CTOR_FILL, sizeof(obj->fill));
	atomic_inc(&gt_ctor_calls);
}

static bool gt_ctor_intact(const struct gt_ctor_obj *obj)
{
	return obj->magic == GT_CTOR_MAGIC && !obj->serial &&
	       !memchr_inv(obj->fill, GT_CTOR_FILL, sizeof(obj->fill));
}

/*
 * The constructor runs on every slot of a span when the span is made, and
 * never on reuse: alloc/free cycles of a quarter of a span's objects on
 * one CPU make no new span, so the count of constructor calls stays put.
 * Many objects at once need new spans: the count grows in whole spans.
 */
static void cache_ctor_once_per_slot(struct kunit *test)
{
	struct goalloc_cache *cache;
	unsigned int slots, calls, round, i, k, n;
	void **objs;

	atomic_set(&gt_ctor_calls, 0);
	cache = gt_cache(test, "gt_ctor", sizeof(struct gt_ctor_obj), 0, 0, gt_ctor);
	n = 3 * gt_span_objects(goalloc_cache_size(cache)) + 1;
	objs = gt_ptrs(test, n);

	migrate_disable();
	objs[0] = goalloc_cache_alloc(cache, GFP_KERNEL);
	calls = atomic_read(&gt_ctor_calls);
	goalloc_cache_free(cache, objs[0]);
	/*
	 * One span's slots: an object's, or (but in a debug cache) an
	 * object's and goalloc's free marker after it.
	 */
	slots = calls;
	k = slots / 4;
	for (round = 0; round < 50; round++) {
		for (i = 0; i < k; i++)
			objs[i] = goalloc_cache_alloc(cache, GFP_KERNEL);
		for (i = 0; i < k; i++)
			goalloc_cache_free(cache, objs[i]);
	}
	migrate_enable();
	KUNIT_ASSERT_GT(test, slots, 0U);
	KUNIT_EXPECT_GE(test, slots,
			gt_span_objects(goalloc_cache_size(cache) + sizeof(long)));
	KUNIT_EXPECT_LE(test, slots, gt_span_objects(goalloc_cache_size(cache)));
	KUNIT_EXPECT_EQ_MSG(test, (unsigned int)atomic_read(&gt_ctor_calls), calls,
			    "%u alloc/free rounds of %u objects", round, k);

	for (i = 0; i < n; i++) {
		objs[i] = goalloc_cache_alloc(cache, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		KUNIT_EXPECT_TRUE(test, gt_ctor_intact(objs[i]));
	}
	calls = atomic_read(&gt_ctor_calls);
	KUNIT_EXPECT_GE(test, calls, 4 * slots);
	KUNIT_EXPECT_EQ_MSG(test, calls % slots, 0U, "%u slots a span", slots);
	for (i = 0; i < n; i++)
		goalloc_cache_free(cache, objs[i]);
}

/*
 * What the constructor wrote survives free and reuse: goalloc keeps no
 * free list inside objects.  The user puts an object back in its
 * constructed state before freeing it, as with kmem_cache.
 */
static void cache_ctor_state_survives_reuse(struct kunit *test)
{
	const unsigned int n = 100;
	struct gt_ctor_obj **objs = (struct gt_ctor_obj **)gt_ptrs(test, n);
	struct goalloc_cache *cache;
	unsigned int round, i;

	cache = gt_cache(test, "gt_ctor2", sizeof(struct gt_ctor_obj), 0, 0, gt_ctor);
	for (round = 0; round < 4; round++) {
		for (i = 0; i < n; i++) {
			objs[i] = goalloc_cache_alloc(cache, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, objs[i]);
			KUNIT_EXPECT_TRUE_MSG(test, gt_ctor_intact(objs[i]),
					      "round %u object %u", round, i);
			objs[i]->serial = i + 1;
		}
		for (i = 0; i < n; i++) {
			objs[i]->serial = 0;
			/* The malloc family frees cache objects too. */
			if (round & 1)
				goalloc_free(objs[i]);
			else
				goalloc_cache_free(cache, objs[i]);
		}
		if (round == 2)
			KUNIT_EXPECT_EQ(test, goalloc_cache_shrink(cache), 0);
	}
}

/*
 * Bulk allocation fills the whole array with distinct, usable objects
 * (more than a span's worth, and with __GFP_ZERO on dirty memory); bulk
 * free takes them back and skips NULL entries.
 */
static void cache_bulk_alloc_free(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_cache *cache = gt_cache(test, "gt_bulk", 96, 0, 0, NULL);
	unsigned long misuse = goalloc_misuse_count();
	const unsigned int n = 300;
	void **objs = gt_ptrs(test, n);
	unsigned int i;

	KUNIT_ASSERT_EQ(test, goalloc_cache_alloc_bulk(cache, GFP_KERNEL, n, objs), n);
	for (i = 0; i < n; i++) {
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)objs[i], 8));
		goalloc_stamp(objs[i], 96, i);
	}
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_TRUE_MSG(test, goalloc_stamped(objs[i], 96, i), "object %u", i);
	goalloc_cache_free_bulk(cache, n, objs);

	KUNIT_ASSERT_EQ(test, goalloc_cache_alloc_bulk(cache, GFP_KERNEL | __GFP_ZERO,
						       n, objs), n);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_TRUE_MSG(test, gt_zeroed(objs[i], 96), "object %u", i);
	/* Free some one by one and leave NULL in their entries. */
	for (i = 0; i < n; i += 7) {
		goalloc_cache_free(cache, objs[i]);
		objs[i] = NULL;
	}
	goalloc_cache_free_bulk(cache, n, objs);

	KUNIT_ASSERT_EQ(test, goalloc_cache_alloc_bulk(cache, GFP_KERNEL, 1, objs), 1);
	KUNIT_ASSERT_NOT_NULL(test, objs[0]);
	goalloc_cache_free_bulk(cache, 1, objs);
	KUNIT_EXPECT_EQ(test, goalloc_misuse_count(), misuse);
	gt_destroy_expect_baseline(test, cache, base);
}

/* goalloc_free() and goalloc_size() take cache objects. */
static void cache_objects_through_malloc_family(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_cache *cache = gt_cache(test, "gt_mix", 200, 64, 0, NULL);
	void *objs[40];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = goalloc_cache_alloc(cache, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		KUNIT_EXPECT_EQ(test, goalloc_size(objs[i]), (size_t)256);
	}
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		goalloc_free(objs[i]);
	gt_destroy_expect_baseline(test, cache, base);
}

/* Objects of two caches of one size, and of the class, never overlap. */
static void cache_same_size_caches_disjoint(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_cache *a = gt_cache(test, "gt_a", 128, 0, 0, NULL);
	struct goalloc_cache *b = gt_cache(test, "gt_b", 128, 0, 0, NULL);
	const unsigned int n = 3 * 64;
	void **objs = gt_ptrs(test, n);
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (i % 3 == 0)
			objs[i] = goalloc_cache_alloc(a, GFP_KERNEL);
		else if (i % 3 == 1)
			objs[i] = goalloc_cache_alloc(b, GFP_KERNEL);
		else
			objs[i] = goalloc_malloc(128, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		goalloc_stamp(objs[i], 128, i);
	}
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_TRUE_MSG(test, goalloc_stamped(objs[i], 128, i), "object %u", i);
		if (i % 3 == 0)
			goalloc_cache_free(a, objs[i]);
		else if (i % 3 == 1)
			goalloc_cache_free(b, objs[i]);
		else
			goalloc_free(objs[i]);
	}
	gt_cache_destroy(test, a);
	gt_destroy_expect_baseline(test, b, base);
}

/* Caches of objects larger than a size class, up to a whole arena. */
static void cache_large_objects(struct kunit *test)
{
	static const unsigned int sizes[] = {
		40 * GT_KIB, 64 * GT_KIB + 8, GT_MIB, GOALLOC_MAX_SIZE,
	};
	struct goalloc_memstats *base = gt_settled(test);
	unsigned int s, i;
	void *objs[3];

	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		struct goalloc_cache *cache;

		cache = goalloc_cache_create("gt_big", sizes[s], 0, 0, NULL);
		KUNIT_ASSERT_NOT_NULL(test, cache);
		KUNIT_EXPECT_EQ(test, goalloc_cache_size(cache), sizes[s]);
		for (i = 0; i < ARRAY_SIZE(objs); i++) {
			objs[i] = goalloc_cache_alloc(cache, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL_MSG(test, objs[i], "size %u", sizes[s]);
			KUNIT_EXPECT_EQ(test, goalloc_size(objs[i]), (size_t)sizes[s]);
			goalloc_stamp(objs[i], sizes[s], i);
		}
		for (i = 0; i < ARRAY_SIZE(objs); i++) {
			KUNIT_EXPECT_TRUE(test, goalloc_stamped(objs[i], sizes[s], i));
			goalloc_cache_free(cache, objs[i]);
		}
		KUNIT_EXPECT_EQ(test, goalloc_cache_shrink(cache), 0);
		goalloc_cache_destroy(cache);
	}
	gt_expect_baseline(test, base);
}

/*
 * GOALLOC_TYPESAFE_BY_RCU: objects are reused at once; a reader inside
 * rcu_read_lock() may still read a freed object and finds an object of the
 * cache (here, its constructed state); destroy waits for the readers.
 */
static void cache_typesafe_by_rcu(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	unsigned long misuse = goalloc_misuse_count();
	struct goalloc_cache *cache;
	struct gt_ctor_obj *objs[64], *p;
	unsigned int round, i;
	u32 magic;

	cache = gt_cache(test, "gt_rcu", sizeof(struct gt_ctor_obj), 0,
			 GOALLOC_TYPESAFE_BY_RCU, gt_ctor);
	for (round = 0; round < 3; round++) {
		for (i = 0; i < ARRAY_SIZE(objs); i++) {
			objs[i] = goalloc_cache_alloc(cache, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, objs[i]);
			KUNIT_EXPECT_TRUE(test, gt_ctor_intact(objs[i]));
		}
		for (i = 0; i < ARRAY_SIZE(objs); i++)
			goalloc_cache_free(cache, objs[i]);
		KUNIT_EXPECT_EQ(test, goalloc_cache_shrink(cache), 0);
	}

	p = goalloc_cache_alloc(cache, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	rcu_read_lock();
	goalloc_cache_free(cache, p);
	magic = READ_ONCE(p->magic);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, magic, GT_CTOR_MAGIC);

	gt_cache_destroy(test, cache);
	KUNIT_EXPECT_EQ(test, goalloc_misuse_count(), misuse);
	gt_expect_baseline(test, base);
}

/* goalloc_free_rcu() on cache objects; destroy then finds the cache empty. */
static void cache_free_rcu(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_memstats *ms = gt_memstats(test);
	unsigned long misuse = goalloc_misuse_count();
	struct goalloc_cache *cache;
	unsigned int i;

	cache = gt_cache(test, "gt_frcu", sizeof(struct gt_rcu_small), 0, 0, NULL);
	for (i = 0; i < 100; i++) {
		struct gt_rcu_small *s = goalloc_cache_alloc(cache, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, s);
		goalloc_free_rcu(s, rcu);
	}
	KUNIT_EXPECT_TRUE(test, gt_wait_freed(ms, base->frees, 100,
					      base->heap_objects));
	gt_cache_destroy(test, cache);
	KUNIT_EXPECT_EQ(test, goalloc_misuse_count(), misuse);
}

/* NULL is ignored by destroy, free and bulk free, and is no misuse. */
static void cache_null_is_ignored(struct kunit *test)
{
	struct goalloc_cache *cache = gt_cache(test, "gt_null", 64, 0, 0, NULL);
	unsigned long misuse = goalloc_misuse_count();
	void *objs[4] = { NULL, NULL, NULL, NULL };

	goalloc_cache_destroy(NULL);
	goalloc_cache_free(cache, NULL);
	goalloc_cache_free_bulk(cache, ARRAY_SIZE(objs), objs);
	KUNIT_EXPECT_EQ(test, goalloc_cache_shrink(cache), 0);
	KUNIT_EXPECT_EQ(test, goalloc_misuse_count(), misuse);
}

GT_SUITE(goalloc_cache, NULL,
	 KUNIT_CASE(cache_every_size_class),
	 KUNIT_CASE(cache_create_rejects_bad_arguments),
	 KUNIT_CASE(cache_alignment),
	 KUNIT_CASE(cache_hwcache_and_default_align),
	 KUNIT_CASE(cache_zero_fresh_and_reused),
	 KUNIT_CASE(cache_ctor_once_per_slot),
	 KUNIT_CASE(cache_ctor_state_survives_reuse),
	 KUNIT_CASE(cache_bulk_alloc_free),
	 KUNIT_CASE(cache_objects_through_malloc_family),
	 KUNIT_CASE(cache_same_size_caches_disjoint),
	 KUNIT_CASE(cache_large_objects),
	 KUNIT_CASE(cache_typesafe_by_rcu),
	 KUNIT_CASE(cache_free_rcu),
	 KUNIT_CASE(cache_null_is_ignored));
