// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for goalloc's public API, include/goalloc.h: what a module
 * relies on when it moves from kmem_cache and kmalloc to goalloc.  They run
 * on the debug kernel (KASAN, lockdep, PREEMPT, DEBUG_ATOMIC_SLEEP) with
 * four CPUs on two NUMA nodes.
 *
 *  goalloc_malloc   the kmalloc-like family: every size class at its size
 *                   and one byte less, Go's tiny allocator and its alignment
 *                   rule, natural alignment of powers of two, large objects
 *                   up to GOALLOC_MAX_SIZE, size 0, __GFP_ZERO on fresh and
 *                   on reused memory, goalloc_size(), goalloc_realloc(),
 *                   goalloc_free_rcu();
 *  goalloc_cache    caches: one per class size, alignment from 8 to 4096
 *                   and GOALLOC_HWCACHE_ALIGN, the constructor's
 *                   once-per-slot rule, bulk allocation and free,
 *                   GOALLOC_TYPESAFE_BY_RCU, caches of large objects;
 *  goalloc_heap     the page heap as goalloc_read_memstats() shows it: a
 *                   span goes back to the heap when it empties, an arena
 *                   back to the page allocator on goalloc_reclaim(), the
 *                   figures agree with each other and return to their
 *                   baseline, NUMA placement from every CPU, and a bulk
 *                   allocation larger than RAM fails as a whole;
 *  goalloc_misuse   every bad input is counted by goalloc_misuse_count(),
 *                   then ignored, and the allocator keeps working;
 *  goalloc_context  frees on another CPU than the allocation, allocation
 *                   and free in hard-IRQ and softirq context and with
 *                   interrupts or preemption disabled, a CPU going offline
 *                   with objects in its per-CPU arrays.
 *
 * The log of a passing run must stay free of splats, so no case reads an
 * object after freeing it, save the one read a GOALLOC_TYPESAFE_BY_RCU
 * cache promises to allow, and every allocation meant to fail passes
 * __GFP_NOWARN, except where goalloc_misuse checks that a bad call is
 * reported.  Statistics are compared after goalloc_reclaim(), which drains
 * the per-CPU arrays: objects waiting there still count as allocated.  No
 * case depends on another: each takes its own baseline.
 */
#include <kunit/test.h>
#include <linux/cache.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nodemask.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timer.h>

#include <goalloc.h>
#include "goalloc_sizeclasses.h"

#define GT_KIB		SZ_1K
#define GT_MIB		SZ_1M

/* A pattern word of the object stamped with @seed, at word @k. */
static u64 gt_word(u64 seed, size_t k)
{
	return (seed * 0xff51afd7ed558ccdULL + k + 1) * 0x9e3779b97f4a7c15ULL;
}

/* Write @seed's pattern over all @n bytes at @p (any alignment). */
static void gt_stamp(void *p, size_t n, u64 seed)
{
	u8 *b = p;
	size_t k, off;
	u64 w;

	for (k = 0, off = 0; off + 8 <= n; k++, off += 8) {
		w = gt_word(seed, k);
		memcpy(b + off, &w, 8);
	}
	if (off < n) {
		w = gt_word(seed, k);
		memcpy(b + off, &w, n - off);
	}
}

/* Whether the first @n bytes at @p still hold @seed's pattern. */
static bool gt_stamped(const void *p, size_t n, u64 seed)
{
	const u8 *b = p;
	size_t k, off;
	u64 w, want;

	for (k = 0, off = 0; off + 8 <= n; k++, off += 8) {
		memcpy(&w, b + off, 8);
		if (w != gt_word(seed, k))
			return false;
	}
	if (off < n) {
		want = gt_word(seed, k);
		if (memcmp(b + off, &want, n - off))
			return false;
	}
	return true;
}

static bool gt_zeroed(const void *p, size_t n)
{
	return !memchr_inv(p, 0, n);
}

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

static struct goalloc_memstats *gt_memstats(struct kunit *test)
{
	struct goalloc_memstats *ms = kunit_kzalloc(test, sizeof(*ms), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ms);
	return ms;
}

/* Drain every per-CPU array, give free memory back, then read the figures. */
static void gt_settle(struct goalloc_memstats *ms)
{
	goalloc_reclaim();
	goalloc_read_memstats(ms);
}

static struct goalloc_memstats *gt_settled(struct kunit *test)
{
	struct goalloc_memstats *ms = gt_memstats(test);

	gt_settle(ms);
	return ms;
}

/* Everything a case allocated is free again: the figures are back. */
static void gt_expect_baseline(struct kunit *test,
			       const struct goalloc_memstats *base)
{
	struct goalloc_memstats *now = gt_settled(test);

	KUNIT_EXPECT_EQ(test, now->heap_objects, base->heap_objects);
	KUNIT_EXPECT_EQ(test, now->heap_alloc, base->heap_alloc);
	KUNIT_EXPECT_EQ(test, now->large_objects, base->large_objects);
	KUNIT_EXPECT_EQ(test, now->heap_objects, now->mallocs - now->frees);
}

KUNIT_DEFINE_ACTION_WRAPPER(gt_cache_destroy_action, goalloc_cache_destroy,
			    struct goalloc_cache *);

/* A cache that is destroyed when the case ends, however it ends. */
static struct goalloc_cache *gt_cache(struct kunit *test, const char *name,
				      unsigned int size, unsigned int align,
				      unsigned int flags, void (*ctor)(void *))
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
static void gt_cache_destroy(struct kunit *test, struct goalloc_cache *cache)
{
	kunit_release_action(test, gt_cache_destroy_action, cache);
}

static void **gt_ptrs(struct kunit *test, size_t n)
{
	void **objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, objs);
	return objs;
}

/* A deterministic sequence of pseudo-random numbers (xorshift32). */
static u32 gt_next(u32 *state)
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

static int gt_on_cpu_thread(void *data)
{
	struct gt_on_cpu *w = data;

	w->ran_on = raw_smp_processor_id();
	w->fn(w->arg);
	complete(&w->done);
	return 0;
}

static void gt_run_on_cpu(struct kunit *test, int cpu, void (*fn)(void *),
			  void *arg)
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
 * ==== goalloc_malloc ====================================================
 */

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
			gt_stamp(objs[n], sizes[n], n);
		}
	}
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_TRUE_MSG(test, gt_stamped(objs[i], sizes[i], i),
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
			gt_stamp(objs[n], size, n);
		}
	}
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_TRUE_MSG(test, gt_stamped(objs[i], sizes[i], i),
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

/* __GFP_ZERO on memory goalloc has just taken from the page allocator. */
static void malloc_zero_fresh(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	void *objs[4];
	unsigned int s, i;

	for (s = 0; s < ARRAY_SIZE(gt_zero_sizes); s++) {
		size_t size = gt_zero_sizes[s];

		for (i = 0; i < ARRAY_SIZE(objs); i++) {
			objs[i] = goalloc_malloc(size, GFP_KERNEL | __GFP_ZERO);
			KUNIT_ASSERT_NOT_NULL(test, objs[i]);
			KUNIT_EXPECT_TRUE_MSG(test, gt_zeroed(objs[i], size),
					      "size %zu", size);
		}
		for (i = 0; i < ARRAY_SIZE(objs); i++)
			goalloc_free(objs[i]);
	}
	gt_expect_baseline(test, base);
}

/*
 * __GFP_ZERO on reused memory: dirty objects, free them, allocate the
 * same size again with __GFP_ZERO.  The per-CPU arrays hand the dirty
 * objects straight back, so goalloc must clear them.
 */
static void malloc_zero_reused(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	void *objs[16];
	unsigned int s, i, round;

	for (s = 0; s < ARRAY_SIZE(gt_zero_sizes); s++) {
		size_t size = gt_zero_sizes[s];

		for (round = 0; round < 6; round++) {
			for (i = 0; i < ARRAY_SIZE(objs); i++) {
				objs[i] = goalloc_malloc(size, GFP_KERNEL);
				KUNIT_ASSERT_NOT_NULL(test, objs[i]);
				memset(objs[i], 0xa5, size);
			}
			for (i = 0; i < ARRAY_SIZE(objs); i++)
				goalloc_free(objs[i]);
			for (i = 0; i < ARRAY_SIZE(objs); i++) {
				objs[i] = goalloc_malloc(size, GFP_KERNEL | __GFP_ZERO);
				KUNIT_ASSERT_NOT_NULL(test, objs[i]);
				KUNIT_EXPECT_TRUE_MSG(test, gt_zeroed(objs[i], size),
						      "size %zu round %u", size, round);
				memset(objs[i], 0x5a, size);
			}
			for (i = 0; i < ARRAY_SIZE(objs); i++)
				goalloc_free(objs[i]);
		}
	}
	gt_expect_baseline(test, base);
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
		gt_stamp(p, usable, size);
		goalloc_read_memstats(ms);
		KUNIT_EXPECT_EQ_MSG(test, ms->large_objects,
				    base->large_objects + large, "size %zu", size);
		KUNIT_EXPECT_GE_MSG(test, ms->heap_alloc, base->heap_alloc + size,
				    "size %zu", size);
		KUNIT_EXPECT_TRUE(test, gt_stamped(p, usable, size));
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
		gt_stamp(objs[i], sizes[i], i);
	}
	/* Free every other object, then check the rest, then free them. */
	for (i = 0; i < n; i += 2) {
		KUNIT_EXPECT_TRUE(test, gt_stamped(objs[i], sizes[i], i));
		goalloc_free(objs[i]);
	}
	for (i = 1; i < n; i += 2) {
		KUNIT_EXPECT_TRUE(test, gt_stamped(objs[i], sizes[i], i));
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
	gt_stamp(p, 100, 1);
	KUNIT_EXPECT_TRUE(test, gt_stamped(p, 100, 1));
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
	gt_stamp(p, steps[0], 0);
	for (i = 1; i < ARRAY_SIZE(steps); i++) {
		q = goalloc_realloc(p, steps[i], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL_MSG(test, q, "%zu to %zu bytes", steps[i - 1],
					  steps[i]);
		KUNIT_EXPECT_GE(test, goalloc_size(q), steps[i]);
		KUNIT_EXPECT_TRUE_MSG(test, gt_stamped(q, steps[i - 1], i - 1),
				      "%zu to %zu bytes lost the contents",
				      steps[i - 1], steps[i]);
		gt_stamp(q, steps[i], i);
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
		gt_stamp(p, size, size);
		KUNIT_EXPECT_PTR_EQ_MSG(test, goalloc_realloc(p, usable, GFP_KERNEL), p,
					"size %zu to %zu", size, usable);
		KUNIT_EXPECT_PTR_EQ_MSG(test, goalloc_realloc(p, size, GFP_KERNEL), p,
					"size %zu to itself", size);
		KUNIT_EXPECT_TRUE(test, gt_stamped(p, size, size));
		KUNIT_EXPECT_PTR_EQ_MSG(test, goalloc_realloc(p, size / 2, GFP_KERNEL),
					p, "size %zu to %zu", size, size / 2);
		KUNIT_EXPECT_TRUE(test, gt_stamped(p, size / 2, size));
		KUNIT_EXPECT_PTR_EQ_MSG(test, goalloc_realloc(p, 1, GFP_KERNEL), p,
					"size %zu to 1", size);
		KUNIT_EXPECT_TRUE(test, gt_stamped(p, 1, size));
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
	gt_stamp(p, old, 7);
	q = goalloc_realloc(p, 3000, gfp);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_TRUE(test, gt_stamped(q, old, 7));
	KUNIT_EXPECT_TRUE(test, gt_zeroed(q + old, 3000 - old));

	/* A whole small object to a large one. */
	old = goalloc_size(q);
	gt_stamp(q, old, 9);
	p = goalloc_realloc(q, 40 * GT_KIB, gfp);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, gt_stamped(p, old, 9));
	KUNIT_EXPECT_TRUE(test, gt_zeroed(p + old, 40 * GT_KIB - old));

	/* A tiny object to a small one. */
	q = goalloc_malloc(6, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, q);
	gt_stamp(q, 6, 6);
	q = goalloc_realloc(q, 64, gfp);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_TRUE(test, gt_stamped(q, 6, 6));
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
	gt_stamp(p, 200, 200);
	KUNIT_EXPECT_NULL(test, goalloc_realloc(p, GOALLOC_MAX_SIZE + 1,
						GFP_KERNEL | __GFP_NOWARN));
	KUNIT_EXPECT_NULL(test, goalloc_realloc(p, SIZE_MAX,
						GFP_KERNEL | __GFP_NOWARN));
	KUNIT_EXPECT_EQ(test, goalloc_size(p), gt_usable_size(200));
	KUNIT_EXPECT_TRUE(test, gt_stamped(p, 200, 200));
	goalloc_free(p);
	gt_expect_baseline(test, base);
}

struct gt_rcu_small {
	u64 tag;
	struct rcu_head rcu;
	u8 data[40];
};

struct gt_rcu_first {
	struct rcu_head rcu;
	u8 data[200];
};

struct gt_rcu_large {
	u8 data[40 * GT_KIB];
	struct rcu_head rcu;
};

/*
 * Wait until goalloc has freed @nr more objects than @frees counted and
 * its live objects are back to @objects: goalloc_free_rcu() batches, so
 * one rcu_barrier() may not be enough.  Bounded at 20 seconds.
 */
static bool gt_wait_freed(struct goalloc_memstats *ms, u64 frees, u64 nr,
			  u64 objects)
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
		gt_stamp(objs[i]->data, sizeof(objs[i]->data), i);
	}
	rcu_read_lock();
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		goalloc_free_rcu(objs[i], rcu);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		intact &= READ_ONCE(objs[i]->tag) == i &&
			  gt_stamped(objs[i]->data, sizeof(objs[i]->data), i);
	rcu_read_unlock();
	KUNIT_EXPECT_TRUE(test, intact);
	KUNIT_EXPECT_TRUE(test, gt_wait_freed(ms, base->frees, ARRAY_SIZE(objs),
					      base->heap_objects));
}

/*
 * ==== goalloc_cache =====================================================
 */

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
			gt_stamp(objs[i], size, (u64)c << 16 | i);
		}
		for (i = 0; i < n; i++) {
			KUNIT_EXPECT_TRUE_MSG(test, gt_stamped(objs[i], size,
							       (u64)c << 16 | i),
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
				gt_stamp(objs[i], want, i);
			}
			for (i = 0; i < ARRAY_SIZE(objs); i++) {
				KUNIT_EXPECT_TRUE(test, gt_stamped(objs[i], want, i));
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
		gt_stamp(objs[i], 96, i);
	}
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_TRUE_MSG(test, gt_stamped(objs[i], 96, i), "object %u", i);
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
	gt_cache_destroy(test, cache);
	gt_expect_baseline(test, base);
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
	gt_cache_destroy(test, cache);
	gt_expect_baseline(test, base);
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
		gt_stamp(objs[i], 128, i);
	}
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_TRUE_MSG(test, gt_stamped(objs[i], 128, i), "object %u", i);
		if (i % 3 == 0)
			goalloc_cache_free(a, objs[i]);
		else if (i % 3 == 1)
			goalloc_cache_free(b, objs[i]);
		else
			goalloc_free(objs[i]);
	}
	gt_cache_destroy(test, a);
	gt_cache_destroy(test, b);
	gt_expect_baseline(test, base);
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
			gt_stamp(objs[i], sizes[s], i);
		}
		for (i = 0; i < ARRAY_SIZE(objs); i++) {
			KUNIT_EXPECT_TRUE(test, gt_stamped(objs[i], sizes[s], i));
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

/*
 * ==== goalloc_heap ======================================================
 */

/*
 * A span goes back to the heap when its last object is freed: heap_inuse
 * grows by the spans a cache cuts, and falls back once the objects are
 * freed and goalloc_cache_shrink() has drained the per-CPU arrays.
 */
static void heap_empty_span_returns_to_heap(struct kunit *test)
{
	struct goalloc_memstats *base, *ms = gt_memstats(test);
	struct goalloc_cache *cache = gt_cache(test, "gt_span", 256, 0, 0, NULL);
	const unsigned int spans = 20, per_span = GOALLOC_PAGE_SIZE / 256;
	const unsigned int n = spans * per_span;
	void **objs = gt_ptrs(test, n);
	unsigned int i;

	base = gt_settled(test);
	for (i = 0; i < n; i++) {
		objs[i] = goalloc_cache_alloc(cache, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	goalloc_read_memstats(ms);
	KUNIT_EXPECT_GE(test, ms->heap_inuse,
			base->heap_inuse + spans * GOALLOC_PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ms->heap_inuse + ms->heap_idle, ms->heap_sys);
	for (i = 0; i < n; i++)
		goalloc_cache_free(cache, objs[i]);
	KUNIT_EXPECT_EQ(test, goalloc_cache_shrink(cache), 0);
	goalloc_read_memstats(ms);
	KUNIT_EXPECT_EQ(test, ms->heap_inuse, base->heap_inuse);
	KUNIT_EXPECT_EQ(test, ms->heap_objects, base->heap_objects);
}

/*
 * Memory goes back to the page allocator on goalloc_reclaim(): large
 * objects (two of a whole arena, which may get chunks of their own, and
 * eight of 768 KiB, which share arenas) raise heap_sys and the number of
 * arenas; once they are freed, reclaim brings heap_sys and arenas back
 * down, counting what went back in heap_released.
 */
static void heap_reclaim_returns_arenas(struct kunit *test)
{
	static const size_t sizes[] = {
		GOALLOC_MAX_SIZE, GOALLOC_MAX_SIZE, 768 * GT_KIB, 768 * GT_KIB,
		768 * GT_KIB, 768 * GT_KIB, 768 * GT_KIB, 768 * GT_KIB,
		768 * GT_KIB, 768 * GT_KIB,
	};
	const u64 total = 2 * GOALLOC_MAX_SIZE + 8 * 768 * GT_KIB;
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_memstats *full = gt_memstats(test);
	struct goalloc_memstats *freed = gt_memstats(test);
	struct goalloc_memstats *ms = gt_memstats(test);
	void *objs[ARRAY_SIZE(sizes)];
	const u64 nr = ARRAY_SIZE(objs);
	unsigned long released;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = goalloc_malloc(sizes[i], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	goalloc_read_memstats(full);
	KUNIT_EXPECT_GE(test, full->heap_sys, base->heap_inuse + total);
	KUNIT_EXPECT_GE(test, full->heap_inuse, base->heap_inuse + total);
	KUNIT_EXPECT_GT(test, full->arenas, base->arenas);
	KUNIT_EXPECT_EQ(test, full->large_objects, base->large_objects + nr);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		goalloc_free(objs[i]);
	goalloc_read_memstats(freed);
	KUNIT_EXPECT_EQ(test, freed->heap_inuse, base->heap_inuse);
	KUNIT_EXPECT_EQ(test, freed->large_objects, base->large_objects);

	released = goalloc_reclaim();
	goalloc_read_memstats(ms);
	KUNIT_EXPECT_LE(test, ms->heap_sys, base->heap_sys);
	KUNIT_EXPECT_LE(test, ms->arenas, base->arenas);
	KUNIT_EXPECT_GE(test, ms->heap_released - full->heap_released,
			full->heap_sys - ms->heap_sys);
	KUNIT_EXPECT_GE(test, ms->heap_released - freed->heap_released, (u64)released);
	KUNIT_EXPECT_EQ(test, ms->heap_inuse + ms->heap_idle, ms->heap_sys);
}

/*
 * The same for small objects: 8 MiB of 2 KiB cache objects make spans and
 * arenas; after free, shrink and reclaim, heap_sys is back where it was.
 */
static void heap_small_object_arenas_return(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_memstats *ms = gt_memstats(test);
	struct goalloc_cache *cache = gt_cache(test, "gt_arena", 2048, 0, 0, NULL);
	const unsigned int n = 8 * GT_MIB / 2048;
	void **objs = gt_ptrs(test, n);
	unsigned int i;

	for (i = 0; i < n; i++) {
		objs[i] = goalloc_cache_alloc(cache, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	goalloc_read_memstats(ms);
	KUNIT_EXPECT_GE(test, ms->heap_inuse, base->heap_inuse + 8 * GT_MIB);
	KUNIT_EXPECT_GE(test, ms->heap_sys, base->heap_inuse + 8 * GT_MIB);
	if (base->heap_idle < 8 * GT_MIB)
		KUNIT_EXPECT_GT(test, ms->arenas, base->arenas);
	for (i = 0; i < n; i++)
		goalloc_cache_free(cache, objs[i]);
	KUNIT_EXPECT_EQ(test, goalloc_cache_shrink(cache), 0);
	goalloc_read_memstats(ms);
	KUNIT_EXPECT_EQ(test, ms->heap_inuse, base->heap_inuse);
	goalloc_reclaim();
	goalloc_read_memstats(ms);
	KUNIT_EXPECT_LE(test, ms->heap_sys, base->heap_sys);
	KUNIT_EXPECT_LE(test, ms->arenas, base->arenas);
}

/* Freed memory is reused before the heap grows. */
static void heap_reuses_freed_memory(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_memstats *first = gt_memstats(test);
	struct goalloc_memstats *again = gt_memstats(test);
	void *objs[6];
	unsigned int round, i;

	for (round = 0; round < 2; round++) {
		for (i = 0; i < ARRAY_SIZE(objs); i++) {
			objs[i] = goalloc_malloc(i & 1 ? GT_MIB : 300 * GT_KIB, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		}
		goalloc_read_memstats(round ? again : first);
		for (i = 0; i < ARRAY_SIZE(objs); i++)
			goalloc_free(objs[i]);
	}
	KUNIT_EXPECT_LE(test, again->heap_sys, first->heap_sys);
	gt_expect_baseline(test, base);
}

/*
 * The figures agree with each other: heap_inuse + heap_idle = heap_sys,
 * heap_objects = mallocs - frees, allocated bytes fit in the spans, the
 * arenas hold heap_sys; and a malloc or free moves each by one.
 */
static void heap_stats_consistent(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_memstats *ms = gt_memstats(test);
	unsigned int i, large = 0;
	void *objs[30];
	const u64 nr = ARRAY_SIZE(objs);

	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = goalloc_malloc(100 + i * 1500, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		large += 100 + i * 1500 > GOALLOC_MAX_SMALL_SIZE;
	}
	goalloc_read_memstats(ms);
	KUNIT_EXPECT_EQ(test, ms->mallocs - base->mallocs, nr);
	KUNIT_EXPECT_EQ(test, ms->heap_objects, base->heap_objects + nr);
	KUNIT_EXPECT_EQ(test, ms->heap_objects, ms->mallocs - ms->frees);
	KUNIT_EXPECT_EQ(test, ms->heap_inuse + ms->heap_idle, ms->heap_sys);
	KUNIT_EXPECT_LE(test, ms->heap_alloc, ms->heap_inuse);
	KUNIT_EXPECT_GT(test, ms->arenas, 0ULL);
	KUNIT_EXPECT_LE(test, ms->heap_sys, ms->arenas * GOALLOC_MAX_SIZE);
	KUNIT_EXPECT_TRUE(test, PAGE_ALIGNED(ms->heap_sys));
	KUNIT_EXPECT_EQ(test, ms->large_objects, base->large_objects + large);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		goalloc_free(objs[i]);
	gt_settle(ms);
	KUNIT_EXPECT_EQ(test, ms->frees - base->frees, nr);
	KUNIT_EXPECT_EQ(test, ms->heap_objects, base->heap_objects);
	KUNIT_EXPECT_EQ(test, ms->heap_inuse + ms->heap_idle, ms->heap_sys);
}

/*
 * Tiny allocations: every one is a malloc; tiny_allocs counts those the
 * tiny allocator served (Go counts only those that fit a block already
 * taken, so at most one per new block is missing); heap_alloc counts the
 * 16-byte blocks, which 40 one-byte objects on one CPU fill three of.
 */
static void heap_tiny_stats(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_memstats *ms = gt_memstats(test);
	void *objs[40];
	const u64 nr = ARRAY_SIZE(objs);
	unsigned int i;

	migrate_disable();
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		objs[i] = goalloc_malloc(1, GFP_KERNEL);
	migrate_enable();
	goalloc_read_memstats(ms);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	KUNIT_EXPECT_EQ(test, ms->mallocs - base->mallocs, nr);
	KUNIT_EXPECT_LE(test, ms->tiny_allocs - base->tiny_allocs, nr);
	KUNIT_EXPECT_GE(test, ms->tiny_allocs - base->tiny_allocs, nr - 4);
	KUNIT_EXPECT_GE(test, ms->heap_alloc, base->heap_alloc + 32);
	KUNIT_EXPECT_LE(test, ms->heap_alloc, base->heap_alloc + 64);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		goalloc_free(objs[i]);
	gt_expect_baseline(test, base);
}

/*
 * mallocs, frees and tiny_allocs count "ever": destroying a cache keeps
 * what its objects added, and heap_objects stays mallocs - frees.
 */
static void heap_counters_survive_cache_destroy(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_memstats *ms = gt_memstats(test);
	struct goalloc_cache *cache = gt_cache(test, "gt_count", 88, 0, 0, NULL);
	void *objs[20];
	const u64 nr = ARRAY_SIZE(objs);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = goalloc_cache_alloc(cache, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		goalloc_cache_free(cache, objs[i]);
	gt_cache_destroy(test, cache);
	gt_settle(ms);
	KUNIT_EXPECT_GE(test, ms->mallocs, base->mallocs + nr);
	KUNIT_EXPECT_GE(test, ms->frees, base->frees + nr);
	KUNIT_EXPECT_GE(test, ms->tiny_allocs, base->tiny_allocs);
	KUNIT_EXPECT_EQ(test, ms->heap_objects, base->heap_objects);
	KUNIT_EXPECT_EQ(test, ms->heap_objects, ms->mallocs - ms->frees);
}

/*
 * Lots of mixed work, all of it freed: the figures are back at their
 * baseline once goalloc_reclaim() has drained the per-CPU arrays.
 */
static void heap_stats_back_to_baseline(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_cache *cache = gt_cache(test, "gt_base", 700, 0, 0, NULL);
	const unsigned int n = 1200;
	void **objs = gt_ptrs(test, n);
	u32 rnd = 0x1234567;
	unsigned int i, round;

	for (round = 0; round < 3; round++) {
		for (i = 0; i < n; i++) {
			u32 r = gt_next(&rnd);

			if (r % 5 == 0)
				objs[i] = goalloc_cache_alloc(cache, GFP_KERNEL);
			else if (r % 5 == 1)
				objs[i] = goalloc_calloc(r % 7 + 1, r % 900 + 1, GFP_KERNEL);
			else if (r % 97 == 2)
				objs[i] = goalloc_malloc(r % GT_MIB + 1, GFP_KERNEL);
			else
				objs[i] = goalloc_malloc(r % 3000 + 1, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		}
		for (i = 0; i < n; i += 3) {
			objs[i] = goalloc_realloc(objs[i], gt_next(&rnd) % 5000 + 1,
						  GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		}
		for (i = 0; i < n; i++)
			goalloc_free(objs[(i * 7) % n]);
	}
	gt_cache_destroy(test, cache);
	gt_expect_baseline(test, base);
}

#define GT_NODE_OBJS	24

struct gt_nodes {
	struct goalloc_cache *cache;
	unsigned int checked, wrong, nomem;
	int want, got, index;
};

/* Allocate on @nid, check where every object is, free them all here. */
static void gt_alloc_on_node(struct gt_nodes *n, int nid)
{
	static const size_t sizes[] = { 16, 64, 1000, 4096, 20000, 40 * GT_KIB };
	void *objs[GT_NODE_OBJS];
	unsigned int i;
	int got;

	for (i = 0; i < GT_NODE_OBJS; i++) {
		if (i < ARRAY_SIZE(sizes))
			objs[i] = goalloc_malloc_node(sizes[i], GFP_KERNEL, nid);
		else
			objs[i] = goalloc_cache_alloc_node(n->cache, GFP_KERNEL, nid);
		if (!objs[i]) {
			n->nomem++;
			continue;
		}
		n->checked++;
		got = page_to_nid(virt_to_page(objs[i]));
		if (got != nid && !n->wrong++) {
			n->want = nid;
			n->got = got;
			n->index = i;
		}
	}
	for (i = 0; i < GT_NODE_OBJS; i++) {
		if (i < ARRAY_SIZE(sizes))
			goalloc_free(objs[i]);
		else
			goalloc_cache_free(n->cache, objs[i]);
	}
}

/*
 * On one CPU, each node in turn, up then down: the frees of one node's
 * objects fill this CPU's arrays before the next node is asked for.
 */
static void gt_alloc_on_each_node(void *arg)
{
	struct gt_nodes *n = arg;
	int nid;

	for (nid = 0; nid < nr_node_ids; nid++)
		if (node_state(nid, N_MEMORY))
			gt_alloc_on_node(n, nid);
	for (nid = nr_node_ids - 1; nid >= 0; nid--)
		if (node_state(nid, N_MEMORY))
			gt_alloc_on_node(n, nid);
}

/*
 * The memory of goalloc_malloc_node() and goalloc_cache_alloc_node() is
 * on the node asked for, from every CPU, even when the CPU's arrays hold
 * objects of another node that it has just freed.
 */
static void heap_alloc_on_each_node(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct gt_nodes *n = kunit_kzalloc(test, sizeof(*n), GFP_KERNEL);
	void *p, *q;
	int cpu;

	KUNIT_ASSERT_NOT_NULL(test, n);
	n->cache = gt_cache(test, "gt_node", 512, 0, 0, NULL);
	for_each_online_cpu(cpu)
		gt_run_on_cpu(test, cpu, gt_alloc_on_each_node, n);
	KUNIT_EXPECT_GT(test, n->checked, 0U);
	KUNIT_EXPECT_EQ(test, n->nomem, 0U);
	KUNIT_EXPECT_EQ_MSG(test, n->wrong, 0U,
			    "first: object %d asked of node %d came from node %d",
			    n->index, n->want, n->got);

	/* NUMA_NO_NODE: no preference, any node. */
	p = goalloc_malloc_node(100, GFP_KERNEL, NUMA_NO_NODE);
	q = goalloc_cache_alloc_node(n->cache, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_EXPECT_NOT_NULL(test, p);
	KUNIT_EXPECT_NOT_NULL(test, q);
	goalloc_free(p);
	goalloc_cache_free(n->cache, q);
	gt_cache_destroy(test, n->cache);
	gt_expect_baseline(test, base);
}

/*
 * goalloc_cache_alloc_bulk() is all or nothing: twice the guest's RAM in
 * whole-arena objects cannot be had, so the call returns 0 and every
 * object it took is freed again.  __GFP_NORETRY and __GFP_NOWARN keep the
 * page allocator from trying hard or complaining; the arenas go back at
 * once, and a bulk that fits works afterwards.
 */
static void heap_bulk_all_or_nothing(struct kunit *test)
{
	const gfp_t gfp = GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN;
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_memstats *ms = gt_memstats(test);
	struct goalloc_cache *cache;
	size_t nr, i;
	void **objs;

	nr = 2 * (totalram_pages() >> (ilog2(GOALLOC_MAX_SIZE) - PAGE_SHIFT)) + 64;
	objs = gt_ptrs(test, nr);
	cache = gt_cache(test, "gt_huge", GOALLOC_MAX_SIZE, 0, 0, NULL);

	KUNIT_EXPECT_EQ(test, goalloc_cache_alloc_bulk(cache, gfp, nr, objs), 0);
	gt_settle(ms);
	KUNIT_EXPECT_EQ(test, ms->heap_objects, base->heap_objects);
	KUNIT_EXPECT_EQ(test, ms->heap_alloc, base->heap_alloc);
	KUNIT_EXPECT_EQ(test, ms->heap_inuse, base->heap_inuse);
	KUNIT_EXPECT_LE(test, ms->heap_sys, base->heap_sys);

	KUNIT_ASSERT_EQ(test, goalloc_cache_alloc_bulk(cache, GFP_KERNEL, 3, objs), 3);
	for (i = 0; i < 3; i++) {
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		gt_stamp(objs[i], GOALLOC_MAX_SIZE, i);
	}
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_TRUE(test, gt_stamped(objs[i], GOALLOC_MAX_SIZE, i));
	goalloc_cache_free_bulk(cache, 3, objs);
	gt_cache_destroy(test, cache);
	gt_expect_baseline(test, base);
}

/*
 * ==== goalloc_misuse ====================================================
 *
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
		gt_stamp(objs[i], sizes[i], i);
	}
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		KUNIT_EXPECT_TRUE(test, gt_stamped(objs[i], sizes[i], i));
		goalloc_free(objs[i]);
	}
}

/* @n allocations of @size bytes are all different objects. */
static void gt_expect_distinct(struct kunit *test, size_t size)
{
	void *objs[16];
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = goalloc_malloc(size, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_PTR_NE(test, objs[i], objs[j]);
	}
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		goalloc_free(objs[i]);
}

static void gt_expect_one_report(struct kunit *test, unsigned long before)
{
	KUNIT_EXPECT_EQ(test, goalloc_misuse_count() - before, 1UL);
}

/* A pointer from kmalloc() is not goalloc's. */
static void misuse_free_kmalloc_pointer(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	unsigned long before;
	void *k = kmalloc(64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, k);
	before = goalloc_misuse_count();
	goalloc_free(k);
	gt_expect_one_report(test, before);
	kfree(k);
	gt_expect_works(test);
	gt_expect_baseline(test, base);
}

/* Neither is an address on the stack. */
static void misuse_free_stack_address(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	unsigned long before;
	u64 on_stack[4];

	memset(on_stack, 0, sizeof(on_stack));
	before = goalloc_misuse_count();
	goalloc_free(&on_stack[1]);
	gt_expect_one_report(test, before);
	gt_expect_works(test);
	gt_expect_baseline(test, base);
}

/* Nor a static variable, nor a page from the page allocator. */
static void misuse_free_static_and_page(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	unsigned long before;
	unsigned long page = __get_free_page(GFP_KERNEL);

	KUNIT_ASSERT_NE(test, page, 0UL);
	before = goalloc_misuse_count();
	goalloc_free(&gt_static_word);
	gt_expect_one_report(test, before);
	before = goalloc_misuse_count();
	goalloc_free((void *)page);
	gt_expect_one_report(test, before);
	free_page(page);
	gt_expect_works(test);
	gt_expect_baseline(test, base);
}

/* An interior pointer of a small object: reported, object left alone. */
static void misuse_free_interior_small(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	unsigned long before;
	u8 *p = goalloc_malloc(64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	gt_stamp(p, 64, 64);
	before = goalloc_misuse_count();
	goalloc_free(p + 8);
	gt_expect_one_report(test, before);
	before = goalloc_misuse_count();
	goalloc_free(p + 63);
	gt_expect_one_report(test, before);
	KUNIT_EXPECT_TRUE(test, gt_stamped(p, 64, 64));
	KUNIT_EXPECT_EQ(test, goalloc_size(p), (size_t)64);
	goalloc_free(p);
	gt_expect_distinct(test, 64);
	gt_expect_works(test);
	gt_expect_baseline(test, base);
}

/* An interior pointer of a large object, or of a cache object. */
static void misuse_free_interior_large_and_cache(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_cache *cache = gt_cache(test, "gt_inner", 256, 0, 0, NULL);
	unsigned long before;
	u8 *p = goalloc_malloc(100 * GT_KIB, GFP_KERNEL);
	u8 *o = goalloc_cache_alloc(cache, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, o);
	gt_stamp(p, 100 * GT_KIB, 1);
	gt_stamp(o, 256, 2);
	before = goalloc_misuse_count();
	goalloc_free(p + 8);
	gt_expect_one_report(test, before);
	before = goalloc_misuse_count();
	goalloc_free(p + PAGE_SIZE);
	gt_expect_one_report(test, before);
	before = goalloc_misuse_count();
	goalloc_cache_free(cache, o + 16);
	gt_expect_one_report(test, before);
	KUNIT_EXPECT_TRUE(test, gt_stamped(p, 100 * GT_KIB, 1));
	KUNIT_EXPECT_TRUE(test, gt_stamped(o, 256, 2));
	goalloc_free(p);
	goalloc_cache_free(cache, o);
	gt_cache_destroy(test, cache);
	gt_expect_works(test);
	gt_expect_baseline(test, base);
}

/* A double free of a small object: the second is reported and ignored. */
static void misuse_double_free_small(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	unsigned long before;
	void *p = goalloc_malloc(96, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	before = goalloc_misuse_count();
	goalloc_free(p);
	goalloc_free(p);
	gt_expect_one_report(test, before);
	gt_expect_distinct(test, 96);
	gt_expect_works(test);
	gt_expect_baseline(test, base);
}

/* A double free of a cache object, through the cache. */
static void misuse_double_free_cache(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_cache *cache = gt_cache(test, "gt_dfree", 160, 0, 0, NULL);
	unsigned long before;
	void *objs[16];
	unsigned int i, j;

	objs[0] = goalloc_cache_alloc(cache, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs[0]);
	before = goalloc_misuse_count();
	goalloc_cache_free(cache, objs[0]);
	goalloc_cache_free(cache, objs[0]);
	gt_expect_one_report(test, before);
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = goalloc_cache_alloc(cache, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_PTR_NE(test, objs[i], objs[j]);
	}
	goalloc_cache_free_bulk(cache, ARRAY_SIZE(objs), objs);
	gt_cache_destroy(test, cache);
	KUNIT_EXPECT_EQ(test, goalloc_misuse_count() - before, 1UL);
	gt_expect_works(test);
	gt_expect_baseline(test, base);
}

/* A double free of a large object. */
static void misuse_double_free_large(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	unsigned long before;
	void *p = goalloc_malloc(80 * GT_KIB, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	before = goalloc_misuse_count();
	goalloc_free(p);
	goalloc_free(p);
	gt_expect_one_report(test, before);
	gt_expect_distinct(test, 80 * GT_KIB);
	gt_expect_works(test);
	gt_expect_baseline(test, base);
}

/*
 * An object of cache A freed to cache B of the same size: reported and
 * ignored, so A still owns it, and destroying both finds nothing amiss.
 */
static void misuse_free_to_wrong_cache(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_cache *a = gt_cache(test, "gt_wrong_a", 128, 0, 0, NULL);
	struct goalloc_cache *b = gt_cache(test, "gt_wrong_b", 128, 0, 0, NULL);
	unsigned long before;
	void *obj = goalloc_cache_alloc(a, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, obj);
	gt_stamp(obj, 128, 3);
	before = goalloc_misuse_count();
	goalloc_cache_free(b, obj);
	gt_expect_one_report(test, before);
	KUNIT_EXPECT_TRUE(test, gt_stamped(obj, 128, 3));
	goalloc_cache_free(a, obj);
	gt_cache_destroy(test, b);
	gt_cache_destroy(test, a);
	KUNIT_EXPECT_EQ(test, goalloc_misuse_count() - before, 1UL);
	gt_expect_works(test);
	gt_expect_baseline(test, base);
}

/*
 * goalloc_cache_free() of memory that is not the cache's: an object of
 * the malloc family of the same size, or kmalloc()'s memory.
 */
static void misuse_cache_free_foreign_object(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_cache *cache = gt_cache(test, "gt_foreign", 128, 0, 0, NULL);
	unsigned long before;
	void *p = goalloc_malloc(128, GFP_KERNEL);
	void *k = kmalloc(128, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, k);
	gt_stamp(p, 128, 4);
	before = goalloc_misuse_count();
	goalloc_cache_free(cache, p);
	gt_expect_one_report(test, before);
	before = goalloc_misuse_count();
	goalloc_cache_free(cache, k);
	gt_expect_one_report(test, before);
	KUNIT_EXPECT_TRUE(test, gt_stamped(p, 128, 4));
	goalloc_free(p);
	kfree(k);
	gt_cache_destroy(test, cache);
	KUNIT_EXPECT_EQ(test, goalloc_misuse_count() - before, 1UL);
	gt_expect_works(test);
	gt_expect_baseline(test, base);
}

/*
 * A bulk free with bad entries among good ones, more than a per-CPU array
 * holds (so some go straight to their spans): each bad entry is reported
 * once, NULL is ignored, and every good object is freed (the cache is
 * destroyed without a leak report).
 */
static void misuse_bulk_free_bad_entries(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct goalloc_cache *cache = gt_cache(test, "gt_bulkbad", 96, 0, 0, NULL);
	struct goalloc_cache *other = gt_cache(test, "gt_bulkother", 96, 0, 0, NULL);
	void **objs = gt_ptrs(test, 200);
	unsigned long before;
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
	before = goalloc_misuse_count();
	goalloc_cache_free_bulk(cache, 194, objs);
	KUNIT_EXPECT_EQ(test, goalloc_misuse_count() - before, 3UL);
	kfree(k);
	goalloc_cache_free(other, stranger);
	gt_cache_destroy(test, other);
	gt_cache_destroy(test, cache);
	KUNIT_EXPECT_EQ(test, goalloc_misuse_count() - before, 3UL);
	gt_expect_works(test);
	gt_expect_baseline(test, base);
}

/*
 * Tiny objects share 16-byte blocks: a pointer inside one and a second free
 * of one are each reported, and the block's other object is untouched.
 */
static void misuse_tiny_interior_and_double_free(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	u8 *a = goalloc_malloc(6, GFP_KERNEL);
	u8 *b = goalloc_malloc(6, GFP_KERNEL);
	unsigned long before;

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	gt_stamp(b, 6, 11);
	before = goalloc_misuse_count();
	goalloc_free(a + 1);
	gt_expect_one_report(test, before);
	goalloc_free(a);
	before = goalloc_misuse_count();
	goalloc_free(a);
	gt_expect_one_report(test, before);
	KUNIT_EXPECT_TRUE(test, gt_stamped(b, 6, 11));
	KUNIT_EXPECT_EQ(test, goalloc_size(b), (size_t)6);
	goalloc_free(b);
	gt_expect_works(test);
	gt_expect_baseline(test, base);
}

/* goalloc_realloc() of memory goalloc does not own: NULL, a report, and
 * the memory left as it was.
 */
static void misuse_realloc_foreign(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	u8 *k = kmalloc(64, GFP_KERNEL);
	unsigned long before;

	KUNIT_ASSERT_NOT_NULL(test, k);
	gt_stamp(k, 64, 12);
	before = goalloc_misuse_count();
	KUNIT_EXPECT_NULL(test, goalloc_realloc(k, 128, GFP_KERNEL));
	gt_expect_one_report(test, before);
	KUNIT_EXPECT_TRUE(test, gt_stamped(k, 64, 12));
	kfree(k);
	gt_expect_works(test);
	gt_expect_baseline(test, base);
}

struct gt_foreign_rcu {
	u64 payload[4];
	struct rcu_head rcu;
};

/* goalloc_free_rcu() of memory goalloc does not own: a report, nothing queued. */
static void misuse_free_rcu_foreign(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct gt_foreign_rcu *k = kmalloc(sizeof(*k), GFP_KERNEL);
	unsigned long before;

	KUNIT_ASSERT_NOT_NULL(test, k);
	gt_stamp(k->payload, sizeof(k->payload), 13);
	before = goalloc_misuse_count();
	goalloc_free_rcu(k, rcu);
	gt_expect_one_report(test, before);
	goalloc_rcu_barrier();
	KUNIT_EXPECT_TRUE(test, gt_stamped(k->payload, sizeof(k->payload), 13));
	kfree(k);
	gt_expect_works(test);
	gt_expect_baseline(test, base);
}

/* goalloc_calloc() whose n * size overflows: NULL, and a report. */
static void misuse_calloc_overflow(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	unsigned long before;

	before = goalloc_misuse_count();
	KUNIT_EXPECT_NULL(test, goalloc_calloc(SIZE_MAX / 2, 4, GFP_KERNEL));
	gt_expect_one_report(test, before);
	before = goalloc_misuse_count();
	KUNIT_EXPECT_NULL(test, goalloc_calloc(4, SIZE_MAX / 2, GFP_KERNEL));
	gt_expect_one_report(test, before);
	gt_expect_works(test);
	gt_expect_baseline(test, base);
}

/*
 * Absurd sizes fail cleanly whatever the flags; without __GFP_NOWARN they
 * may be reported (and counted), but the count never goes down.
 */
static void misuse_absurd_sizes(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
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
	gt_stamp(p, 32, 32);
	KUNIT_EXPECT_NULL(test, goalloc_realloc(p, SIZE_MAX, GFP_KERNEL));
	KUNIT_EXPECT_TRUE(test, gt_stamped(p, 32, 32));
	goalloc_free(p);
	KUNIT_EXPECT_GE(test, goalloc_misuse_count(), now);
	gt_expect_works(test);
	gt_expect_baseline(test, base);
}

/*
 * Destroying a cache that still has objects is reported; goalloc keeps
 * their spans (leaked, as with kmem_cache_destroy()) so that nothing reads
 * freed pages.  The objects are not touched afterwards.
 */
static void misuse_destroy_with_live_objects(struct kunit *test)
{
	struct goalloc_cache *cache;
	unsigned long before;
	void *objs[3];
	unsigned int i;

	cache = goalloc_cache_create("gt_leaky", 48, 0, 0, NULL);
	KUNIT_ASSERT_NOT_NULL(test, cache);
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = goalloc_cache_alloc(cache, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	before = goalloc_misuse_count();
	goalloc_cache_destroy(cache);
	KUNIT_EXPECT_GE(test, goalloc_misuse_count() - before, 1UL);
	gt_expect_works(test);
}

/* NULL and ZERO_SIZE_PTR are not misuse anywhere. */
static void misuse_null_and_zero_size_are_fine(struct kunit *test)
{
	struct goalloc_cache *cache = gt_cache(test, "gt_fine", 64, 0, 0, NULL);
	unsigned long before = goalloc_misuse_count();

	goalloc_free(NULL);
	goalloc_free(ZERO_SIZE_PTR);
	goalloc_cache_free(cache, NULL);
	goalloc_cache_destroy(NULL);
	KUNIT_EXPECT_EQ(test, goalloc_size(NULL), (size_t)0);
	KUNIT_EXPECT_PTR_EQ(test, goalloc_realloc(ZERO_SIZE_PTR, 0, GFP_KERNEL),
			    ZERO_SIZE_PTR);
	KUNIT_EXPECT_EQ(test, goalloc_misuse_count(), before);
}

/*
 * ==== goalloc_context ===================================================
 */

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
		gt_stamp(x->objs[i], x->sizes[i], x->seed + i);
	}
}

static void gt_xcpu_free(void *arg)
{
	struct gt_xcpu *x = arg;
	unsigned int i;

	for (i = 0; i < GT_XCPU_OBJS; i++) {
		if (!x->objs[i])
			continue;
		if (!gt_stamped(x->objs[i], x->sizes[i], x->seed + i))
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
		if (!gt_stamped(x->objs[i], x->sizes[i], seed - 256 + i))
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
		gt_stamp(p, x->sizes[i], seed + i);
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
	struct gt_irq *x = from_timer(x, t, timer);

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

/* Allocation and free in hard-IRQ context, from an hrtimer callback. */
static void ctx_hardirq_alloc_free(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct gt_irq *x = gt_irq_new(test, true);

	hrtimer_init(&x->hrtimer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	x->hrtimer.function = gt_hrtimer_fn;
	migrate_disable();
	hrtimer_start(&x->hrtimer, ms_to_ktime(1), HRTIMER_MODE_REL_HARD);
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

	preempt_disable();
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		goalloc_free(objs[i]);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		objs[i] = goalloc_cache_alloc(cache, GFP_NOWAIT);
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

	gt_cache_destroy(test, cache);
	gt_expect_baseline(test, base);
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
	gt_cache_destroy(test, cache);
	gt_expect_baseline(test, base);
}

static struct kunit_case gt_malloc_cases[] = {
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
	KUNIT_CASE(malloc_free_rcu_waits_for_readers),
	{}
};

static struct kunit_suite gt_malloc_suite = {
	.name = "goalloc_malloc",
	.test_cases = gt_malloc_cases,
};

static struct kunit_case gt_cache_cases[] = {
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
	KUNIT_CASE(cache_null_is_ignored),
	{}
};

static struct kunit_suite gt_cache_suite = {
	.name = "goalloc_cache",
	.test_cases = gt_cache_cases,
};

static struct kunit_case gt_heap_cases[] = {
	KUNIT_CASE(heap_empty_span_returns_to_heap),
	KUNIT_CASE(heap_reclaim_returns_arenas),
	KUNIT_CASE(heap_small_object_arenas_return),
	KUNIT_CASE(heap_reuses_freed_memory),
	KUNIT_CASE(heap_stats_consistent),
	KUNIT_CASE(heap_tiny_stats),
	KUNIT_CASE(heap_counters_survive_cache_destroy),
	KUNIT_CASE(heap_stats_back_to_baseline),
	KUNIT_CASE(heap_alloc_on_each_node),
	KUNIT_CASE_SLOW(heap_bulk_all_or_nothing),
	{}
};

static struct kunit_suite gt_heap_suite = {
	.name = "goalloc_heap",
	.test_cases = gt_heap_cases,
};

static struct kunit_case gt_misuse_cases[] = {
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
	KUNIT_CASE(misuse_null_and_zero_size_are_fine),
	{}
};

static struct kunit_suite gt_misuse_suite = {
	.name = "goalloc_misuse",
	.test_cases = gt_misuse_cases,
};

static struct kunit_case gt_context_cases[] = {
	KUNIT_CASE(ctx_free_on_another_cpu),
	KUNIT_CASE(ctx_hardirq_alloc_free),
	KUNIT_CASE(ctx_softirq_alloc_free),
	KUNIT_CASE(ctx_atomic_sections),
	KUNIT_CASE_SLOW(ctx_cpu_offline_drains_arrays),
	{}
};

static struct kunit_suite gt_context_suite = {
	.name = "goalloc_context",
	.test_cases = gt_context_cases,
};

kunit_test_suites(&gt_malloc_suite, &gt_cache_suite, &gt_heap_suite,
		  &gt_misuse_suite, &gt_context_suite);

MODULE_IMPORT_NS(GOALLOC);
