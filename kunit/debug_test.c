// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for goalloc's debug caches (GOALLOC_POISON, GOALLOC_RED_ZONE,
 * GOALLOC_STORE_USER), in the manner of lib/slub_kunit.c: misuse a debug
 * cache on purpose and count the reports it must produce, through the
 * KUnit named resource "goalloc_errors" that goalloc increments for each
 * report made while the test runs (as SLUB does with "slab_errors").  A
 * write to a freed object is found when the object is handed out again, a
 * write past its end when it is freed; a double free is found even when
 * the object is not the last one freed, and its report shows the stacks
 * of the object's allocation and free; destroying a cache with an object
 * left is reported; and clean use reports nothing, keeps constructed
 * state, and leaves the statistics where they were.
 *
 * The misuse is real: on a kernel with KASAN, goalloc marks free objects
 * and red zones in KASAN's shadow, so the test turns KASAN's own reports
 * off around its bad accesses (as slub_kunit does), to see goalloc's.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/kasan.h>
#include <linux/mm.h>
#include <linux/poison.h>
#include <linux/preempt.h>

#include <goalloc.h>

#include "goalloc_test.h"

#include "console_watch.h"

#define DT_SIZE		64
#define DT_OBJS		128	/* objects in one 8 KiB span of 64 bytes */

static struct goalloc_cache *dt_cache(struct kunit *test, void (*ctor)(void *))
{
	struct goalloc_cache *c = goalloc_cache_create("goalloc_dt", DT_SIZE, 0,
						       GOALLOC_POISON, ctor);

	KUNIT_ASSERT_NOT_NULL(test, c);
	return c;
}

/*
 * Allocate from @c until @victim comes back (a debug cache hands out the
 * lowest free object of its span, on the CPU's node: the caller keeps
 * the test on its CPU), free what came before it, and return how many
 * misuse reports that produced.  No KUnit assertion here: the caller
 * has migration disabled, which an assertion's exit would leave so.
 */
static int dt_realloc_victim(struct kunit *test, struct goalloc_cache *c,
			     void *victim)
{
	void **objs = kunit_kcalloc(test, DT_OBJS, sizeof(void *), GFP_KERNEL);
	int before = gt_reports(test);
	unsigned int n = 0;
	bool found = false;

	if (!objs)
		return -ENOMEM;
	while (n < DT_OBJS) {
		objs[n] = goalloc_cache_alloc(c, GFP_KERNEL);
		if (!objs[n])
			break;
		if (objs[n++] == victim) {
			found = true;
			break;
		}
	}
	KUNIT_EXPECT_TRUE(test, found);
	while (n)
		goalloc_cache_free(c, objs[--n]);
	return gt_reports(test) - before;
}

/* Write a byte where the test may not, with KASAN looking away. */
static void dt_poke(void *p, size_t off, u8 value)
{
	kasan_disable_current();
	WRITE_ONCE(((u8 *)p)[off], value);
	kasan_enable_current();
}

/* Whether @n bytes at @p, which the test does not own, all hold @value. */
static bool dt_holds(const void *p, size_t n, u8 value)
{
	bool same;

	kasan_disable_current();
	same = !memchr_inv(p, value, n);
	kasan_enable_current();
	return same;
}

/*
 * Free an object of a new debug cache, write to byte @offset of it, take
 * it back, and expect that write reported once.
 */
static void dt_write_after_free(struct kunit *test, size_t offset)
{
	struct goalloc_cache *c = dt_cache(test, NULL);
	void *p;

	migrate_disable();
	p = goalloc_cache_alloc(c, GFP_KERNEL);
	if (p) {
		goalloc_cache_free(c, p);
		dt_poke(p, offset, 0x12);
		KUNIT_EXPECT_EQ(test, dt_realloc_victim(test, c, p), 1);
	}
	migrate_enable();
	KUNIT_EXPECT_NOT_NULL(test, p);
	goalloc_cache_destroy(c);
}

/* A write to the first word of a freed object is reported once. */
static void debug_write_after_free_first_word(struct kunit *test)
{
	dt_write_after_free(test, 0);
}

/* So is a write to the 50th byte. */
static void debug_write_after_free_50th_byte(struct kunit *test)
{
	dt_write_after_free(test, 50);
}

#define DT_RZ_SIZE	60	/* a red zone of 4 bytes of slack and 8 more */

/*
 * Writes past the end of an object, into its red zone, are reported once
 * when it is freed (as slub_kunit's test_clobber_zone); a write inside
 * the object, to its last byte, is not.
 */
static void debug_red_zone_overflow(struct kunit *test)
{
	static const size_t offsets[] = { DT_RZ_SIZE, DT_RZ_SIZE + 3,
					  DT_RZ_SIZE + 11 };
	struct goalloc_cache *c;
	unsigned int i;
	u8 *p;

	c = goalloc_cache_create("goalloc_rz", DT_RZ_SIZE, 0, GOALLOC_RED_ZONE,
				 NULL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	p = goalloc_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	p[DT_RZ_SIZE - 1] = 0x12;
	goalloc_cache_free(c, p);
	KUNIT_EXPECT_EQ(test, gt_reports(test), 0);
	for (i = 0; i < ARRAY_SIZE(offsets); i++) {
		p = goalloc_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		dt_poke(p, offsets[i], 0x12);
		goalloc_cache_free(c, p);
		KUNIT_EXPECT_EQ(test, gt_reports(test), i + 1);
	}
	goalloc_cache_destroy(c);
	KUNIT_EXPECT_EQ(test, gt_reports(test), ARRAY_SIZE(offsets));
}

/*
 * With GOALLOC_STORE_USER, a report shows where the object was last
 * allocated and freed: the double free's report names this function in
 * both stacks.
 */
static void debug_store_user_stacks(struct kunit *test)
{
	struct gt_console_watch w = {
		.needles = { "last allocated by:", "last freed by:",
			     "debug_store_user_stacks" },
	};
	struct goalloc_cache *c;
	void *p;
	int err;

	if (!IS_ENABLED(CONFIG_STACKDEPOT))
		kunit_skip(test, "no stack depot");
	c = goalloc_cache_create("goalloc_su", DT_SIZE, 0,
				 GOALLOC_STORE_USER | GOALLOC_POISON, NULL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	p = goalloc_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	goalloc_cache_free(c, p);
	err = gt_console_watch_start(&w);
	if (err)
		kunit_skip(test, "no console tracepoint to watch");
	goalloc_cache_free(c, p);
	gt_console_watch_stop(&w);
	KUNIT_EXPECT_EQ(test, gt_reports(test), 1);
	KUNIT_EXPECT_TRUE(test, w.seen[0]);
	KUNIT_EXPECT_TRUE(test, w.seen[1]);
	KUNIT_EXPECT_TRUE(test, w.seen[2]);
	goalloc_cache_destroy(c);
}

/*
 * Destroying a cache with an object still allocated is reported (as
 * slub_kunit's test_leak_destroy); the cache stays, whole, and a later
 * destroy, once the object is freed, is clean.
 */
static void debug_destroy_with_leak(struct kunit *test)
{
	struct goalloc_cache *c = dt_cache(test, NULL);
	void *p = goalloc_cache_alloc(c, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	goalloc_cache_destroy(c);
	KUNIT_EXPECT_EQ(test, gt_reports(test), 1);
	goalloc_cache_free(c, p);
	goalloc_cache_destroy(c);
	KUNIT_EXPECT_EQ(test, gt_reports(test), 1);
}

/*
 * A double free of an object that is not the last one freed: the fast
 * mode's check cannot see it, the debug cache's bitmap check does.
 */
static void debug_double_free_not_last(struct kunit *test)
{
	struct goalloc_cache *c = dt_cache(test, NULL);
	void *a = goalloc_cache_alloc(c, GFP_KERNEL);
	void *b = goalloc_cache_alloc(c, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	goalloc_cache_free(c, a);
	goalloc_cache_free(c, b);
	KUNIT_EXPECT_EQ(test, gt_reports(test), 0);
	goalloc_cache_free(c, a);
	KUNIT_EXPECT_EQ(test, gt_reports(test), 1);
	goalloc_cache_destroy(c);
	KUNIT_EXPECT_EQ(test, gt_reports(test), 1);
}

/* Freed objects hold POISON_FREE; allocated ones are the caller's. */
static void debug_freed_objects_poisoned(struct kunit *test)
{
	struct goalloc_cache *c = dt_cache(test, NULL);
	u8 *p = goalloc_cache_alloc(c, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	/* Handed out as it lay free, unless init_on_alloc cleared it. */
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(p, want_init_on_alloc(GFP_KERNEL) ?
					     0 : POISON_FREE, DT_SIZE), NULL);
	memset(p, 0x5a, DT_SIZE);
	goalloc_cache_free(c, p);
	KUNIT_EXPECT_TRUE(test, dt_holds(p, DT_SIZE, POISON_FREE));
	p = goalloc_cache_alloc(c, GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(p, 0, DT_SIZE), NULL);
	goalloc_cache_free(c, p);
	goalloc_cache_destroy(c);
	KUNIT_EXPECT_EQ(test, gt_reports(test), 0);
}

static atomic_t dt_ctor_calls;

static void dt_ctor(void *obj)
{
	atomic_inc(&dt_ctor_calls);
	memset(obj, 0xc7, DT_SIZE);
}

/*
 * A constructed debug cache keeps the constructor's state: no poison.  A
 * debug cache allocates from the spans of the CPU's node, so the test
 * stays on its CPU: one span, one constructor call a slot.
 */
static void debug_ctor_state_kept(struct kunit *test)
{
	struct goalloc_cache *c;
	u8 *p;
	int i;

	atomic_set(&dt_ctor_calls, 0);
	c = dt_cache(test, dt_ctor);
	migrate_disable();
	for (i = 0; i < 3 * DT_OBJS; i++) {
		p = goalloc_cache_alloc(c, GFP_KERNEL);
		if (!p)
			break;
		KUNIT_EXPECT_PTR_EQ(test, memchr_inv(p, 0xc7, DT_SIZE), NULL);
		goalloc_cache_free(c, p);
	}
	migrate_enable();
	KUNIT_EXPECT_EQ(test, i, 3 * DT_OBJS);
	KUNIT_EXPECT_EQ(test, atomic_read(&dt_ctor_calls), DT_OBJS);
	goalloc_cache_destroy(c);
	KUNIT_EXPECT_EQ(test, gt_reports(test), 0);
}

/* Bulk use of a debug cache: no report, statistics back where they were. */
static void debug_bulk_clean(struct kunit *test)
{
	struct goalloc_memstats *ms = kunit_kzalloc(test, sizeof(*ms), GFP_KERNEL);
	void **objs = kunit_kcalloc(test, 3 * DT_OBJS, sizeof(void *), GFP_KERNEL);
	struct goalloc_cache *c;
	u64 objects;

	KUNIT_ASSERT_NOT_NULL(test, ms);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	goalloc_reclaim();
	goalloc_read_memstats(ms);
	objects = ms->heap_objects;
	c = dt_cache(test, NULL);
	KUNIT_ASSERT_EQ(test, goalloc_cache_alloc_bulk(c, GFP_KERNEL, 3 * DT_OBJS,
						       objs), 3 * DT_OBJS);
	goalloc_cache_free_bulk(c, 3 * DT_OBJS, objs);
	goalloc_cache_destroy(c);
	goalloc_reclaim();
	goalloc_read_memstats(ms);
	KUNIT_EXPECT_EQ(test, ms->heap_objects, objects);
	KUNIT_EXPECT_EQ(test, gt_reports(test), 0);
}

/*
 * In the manner of lib/test_meminit.c's bulk test: objects freed dirty and
 * taken back in bulk with __GFP_ZERO are zeroed, in a plain cache and in a
 * debug one.
 */
static void debug_bulk_zeroing(struct kunit *test)
{
	void **objs = kunit_kcalloc(test, 3 * DT_OBJS, sizeof(void *), GFP_KERNEL);
	unsigned int flags[] = { 0, GOALLOC_POISON,
				 GOALLOC_RED_ZONE | GOALLOC_STORE_USER }, f, i;

	KUNIT_ASSERT_NOT_NULL(test, objs);
	for (f = 0; f < ARRAY_SIZE(flags); f++) {
		struct goalloc_cache *c = goalloc_cache_create("goalloc_dz", DT_SIZE,
							       0, flags[f], NULL);

		KUNIT_ASSERT_NOT_NULL(test, c);
		KUNIT_ASSERT_EQ(test, goalloc_cache_alloc_bulk(c, GFP_KERNEL,
							       3 * DT_OBJS, objs),
				3 * DT_OBJS);
		for (i = 0; i < 3 * DT_OBJS; i++)
			memset(objs[i], 0xa5, DT_SIZE);
		goalloc_cache_free_bulk(c, 3 * DT_OBJS, objs);
		KUNIT_ASSERT_EQ(test, goalloc_cache_alloc_bulk(c, GFP_KERNEL | __GFP_ZERO,
							       3 * DT_OBJS, objs),
				3 * DT_OBJS);
		for (i = 0; i < 3 * DT_OBJS; i++)
			KUNIT_EXPECT_PTR_EQ(test, memchr_inv(objs[i], 0, DT_SIZE), NULL);
		goalloc_cache_free_bulk(c, 3 * DT_OBJS, objs);
		goalloc_cache_destroy(c);
	}
	KUNIT_EXPECT_EQ(test, gt_reports(test), 0);
}

GT_SUITE(goalloc_debug, gt_init,
	 KUNIT_CASE(debug_write_after_free_first_word),
	 KUNIT_CASE(debug_write_after_free_50th_byte),
	 KUNIT_CASE(debug_double_free_not_last),
	 KUNIT_CASE(debug_red_zone_overflow),
	 KUNIT_CASE(debug_store_user_stacks),
	 KUNIT_CASE(debug_destroy_with_leak),
	 KUNIT_CASE(debug_freed_objects_poisoned),
	 KUNIT_CASE(debug_ctor_state_kept),
	 KUNIT_CASE(debug_bulk_clean),
	 KUNIT_CASE(debug_bulk_zeroing));
