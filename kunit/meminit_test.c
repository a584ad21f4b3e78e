// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite goalloc_meminit: what goalloc promises about the bytes of
 * memory it hands out again, in the manner of lib/test_meminit.c.
 *
 *  - init_on_free: a freed object's bytes are zeroed at free, for the
 *    tiny allocator's objects and for debug caches without poison too
 *    (SLUB zeroes RED_ZONE and STORE_USER caches' objects), red zones
 *    kept; constructed objects keep their state, as in SLUB.  No case
 *    reads freed memory (a KASAN report on the debug
 *    kernel): each frees an object and takes it back on the same CPU
 *    (LIFO), without __GFP_ZERO, and looks at it then.  The cases skip
 *    when init_on_free is off, or when init_on_alloc would zero the
 *    object anyway.  goalloc.debug=1 poisons every cache but the tiny
 *    allocator's, and poison stands for init_on_free there, as in SLUB:
 *    an object of a cache that did not ask for poison may then hold
 *    POISON_FREE instead of zeroes.
 *  - goalloc_realloc() with __GFP_ZERO on every call for the memory:
 *    where goalloc knows the size asked for (a debug cache's object, a
 *    tiny object), the bytes past it are zero when the object grows, in
 *    place or moved, as 7.x's krealloc() does with its tracked size; a
 *    debug cache's red zone is never copied into the new object.
 *
 * Reports are counted in the "goalloc_errors" resource (kunit/debug_test.c
 * explains it): a red zone init_on_free broke would be one.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/poison.h>
#include <linux/preempt.h>
#include <linux/string.h>

#include <goalloc.h>

#include "goalloc_test.h"

/* Tries at taking the object just freed back (an interrupt may take it). */
#define MT_TRIES	8
#define MT_STAMP	0xa5

/* Skip unless init_on_free alone decides what a reused object holds. */
static void mt_need_init_on_free(struct kunit *test)
{
	if (!want_init_on_free())
		kunit_skip(test, "init_on_free is off (boot with init_on_free=1)");
	if (want_init_on_alloc(GFP_KERNEL))
		kunit_skip(test, "init_on_alloc is on: it would zero the object anyway");
}

/* Zero, or (goalloc.debug=1, on a cache that did not ask for it) poison. */
static bool mt_cleared(const void *p, size_t n)
{
	return !memchr_inv(p, 0, n) || !memchr_inv(p, POISON_FREE, n);
}

/*
 * Allocate from @c (or goalloc_malloc(@size) when @c is NULL), stamp all
 * @size bytes, free, allocate again on this CPU until the same object
 * comes back, and say whether it came back cleared.  Migration is off
 * meanwhile, so no KUnit assertion inside.
 */
static int mt_free_and_reuse(struct goalloc_cache *c, size_t size)
{
	int i, ret = -EAGAIN;

	migrate_disable();
	for (i = 0; i < MT_TRIES && ret == -EAGAIN; i++) {
		u8 *p = c ? goalloc_cache_alloc(c, GFP_KERNEL) :
			    goalloc_malloc(size, GFP_KERNEL);
		u8 *q;

		if (!p) {
			ret = -ENOMEM;
			break;
		}
		memset(p, MT_STAMP, size);
		if (c)
			goalloc_cache_free(c, p);
		else
			goalloc_free(p);
		q = c ? goalloc_cache_alloc(c, GFP_KERNEL) :
			goalloc_malloc(size, GFP_KERNEL);
		if (!q) {
			ret = -ENOMEM;
			break;
		}
		if (q == p)
			ret = mt_cleared(q, size) ? 0 : -EINVAL;
		if (c)
			goalloc_cache_free(c, q);
		else
			goalloc_free(q);
	}
	migrate_enable();
	return ret;
}

/* A debug cache without poison: its objects are zeroed at free. */
static void mt_debug_cache_zeroed(struct kunit *test, unsigned int flags,
				  size_t size)
{
	struct goalloc_cache *c;

	mt_need_init_on_free(test);
	c = goalloc_cache_create("goalloc_mt", size, 0, flags, NULL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, mt_free_and_reuse(c, size), 0);
	goalloc_cache_destroy(c);
	/* The red zone stayed what it must be: no report at alloc or free. */
	KUNIT_EXPECT_EQ(test, gt_reports(test), 0);
}

static void init_on_free_red_zone_cache(struct kunit *test)
{
	mt_debug_cache_zeroed(test, GOALLOC_RED_ZONE | GOALLOC_STORE_USER, 100);
}

static void init_on_free_store_user_cache(struct kunit *test)
{
	mt_debug_cache_zeroed(test, GOALLOC_STORE_USER, 64);
}

/* A plain cache and the malloc family: zeroed on the array's way. */
static void init_on_free_plain(struct kunit *test)
{
	struct goalloc_cache *c;

	mt_need_init_on_free(test);
	c = goalloc_cache_create("goalloc_mt", 64, 0, 0, NULL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, mt_free_and_reuse(c, 64), 0);
	goalloc_cache_destroy(c);
	KUNIT_EXPECT_EQ(test, mt_free_and_reuse(NULL, 100), 0);
	KUNIT_EXPECT_EQ(test, mt_free_and_reuse(NULL, 5000), 0);
	KUNIT_EXPECT_EQ(test, gt_reports(test), 0);
}

/*
 * A tiny object is zeroed when it is freed, not when its whole block
 * is: a CPU whose block has every object free carves it again, from its
 * start.  Take an 8-byte object at a block's start and the one after it,
 * free both, and the next two allocations are those two again.
 */
static int mt_tiny_reuse(void)
{
	int i, ret = -EAGAIN;

	migrate_disable();
	for (i = 0; i < MT_TRIES && ret == -EAGAIN; i++) {
		u8 *a = goalloc_malloc(8, GFP_KERNEL), *b = NULL, *x, *y;

		if (a && ((unsigned long)a & 15)) {
			/* Not at a block's start: the next one is. */
			b = a;
			a = goalloc_malloc(8, GFP_KERNEL);
			goalloc_free(b);
		}
		b = goalloc_malloc(8, GFP_KERNEL);
		if (!a || !b) {
			goalloc_free(a);
			goalloc_free(b);
			ret = -ENOMEM;
			break;
		}
		if ((unsigned long)a & 15 || b != a + 8) {
			goalloc_free(a);
			goalloc_free(b);
			continue;
		}
		memset(a, MT_STAMP, 8);
		memset(b, MT_STAMP, 8);
		goalloc_free(a);
		goalloc_free(b);
		x = goalloc_malloc(8, GFP_KERNEL);
		y = goalloc_malloc(8, GFP_KERNEL);
		if (x == a && y == b)
			ret = memchr_inv(x, 0, 8) || memchr_inv(y, 0, 8) ?
			      -EINVAL : 0;
		goalloc_free(x);
		goalloc_free(y);
	}
	migrate_enable();
	return ret;
}

static void init_on_free_tiny(struct kunit *test)
{
	mt_need_init_on_free(test);
	KUNIT_EXPECT_EQ(test, mt_tiny_reuse(), 0);
	KUNIT_EXPECT_EQ(test, gt_reports(test), 0);
}

#define MT_CTOR_SIZE	64

static void mt_ctor(void *obj)
{
	memset(obj, 0xc7, MT_CTOR_SIZE);
}

/* SLUB's rule: a constructed object keeps its state, init_on_free or not. */
static void init_on_free_spares_ctor(struct kunit *test)
{
	unsigned int flags[] = { 0, GOALLOC_RED_ZONE | GOALLOC_STORE_USER }, f;
	struct goalloc_cache *c;
	bool kept = true;
	u8 *p;
	int i;

	mt_need_init_on_free(test);
	for (f = 0; f < ARRAY_SIZE(flags); f++) {
		c = goalloc_cache_create("goalloc_mt_ctor", MT_CTOR_SIZE, 0,
					 flags[f], mt_ctor);
		KUNIT_ASSERT_NOT_NULL(test, c);
		migrate_disable();
		for (i = 0; i < 4; i++) {
			p = goalloc_cache_alloc(c, GFP_KERNEL);
			if (!p)
				break;
			kept &= !memchr_inv(p, 0xc7, MT_CTOR_SIZE);
			goalloc_cache_free(c, p);
		}
		migrate_enable();
		KUNIT_EXPECT_EQ(test, i, 4);
		KUNIT_EXPECT_TRUE(test, kept);
		goalloc_cache_destroy(c);
	}
	KUNIT_EXPECT_EQ(test, gt_reports(test), 0);
}

/*
 * goalloc_realloc() of a debug cache's object (goalloc_realloc() takes
 * any goalloc object; a debug cache is how a test gets a debug object
 * without goalloc.debug=1): shrunk to 50 bytes, grown back in place and
 * then moved to 2000, every call with __GFP_ZERO, the bytes past 50 are
 * zero each time it grows.
 */
static void mt_realloc_debug(struct kunit *test, unsigned int flags)
{
	const gfp_t gfp = GFP_KERNEL | __GFP_ZERO;
	struct goalloc_cache *c;
	u8 *p, *q;

	c = goalloc_cache_create("goalloc_mt_rz", 100, 0, flags, NULL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	p = goalloc_cache_alloc(c, gfp);
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, MT_STAMP, 100);
	KUNIT_EXPECT_PTR_EQ(test, goalloc_realloc(p, 50, gfp), (void *)p);
	KUNIT_EXPECT_PTR_EQ(test, goalloc_realloc(p, 100, gfp), (void *)p);
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(p, MT_STAMP, 50), NULL);
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(p + 50, 0, 50), NULL);
	memset(p + 50, MT_STAMP, 50);
	KUNIT_EXPECT_PTR_EQ(test, goalloc_realloc(p, 50, gfp), (void *)p);
	q = goalloc_realloc(p, 2000, gfp);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(q, MT_STAMP, 50), NULL);
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(q + 50, 0, 2000 - 50), NULL);
	goalloc_free(q);
	goalloc_cache_destroy(c);
	KUNIT_EXPECT_EQ(test, gt_reports(test), 0);
}

static void realloc_zero_red_zone_cache(struct kunit *test)
{
	mt_realloc_debug(test, GOALLOC_RED_ZONE | GOALLOC_STORE_USER);
}

static void realloc_zero_store_user_cache(struct kunit *test)
{
	mt_realloc_debug(test, GOALLOC_STORE_USER);
}

/*
 * goalloc_malloc(@size) grown to 2000 bytes, every call with __GFP_ZERO:
 * the @size bytes are kept, the rest is zeroes.  One body for a small
 * object and a tiny one.
 */
static void mt_realloc_zero_grow(struct kunit *test, size_t size)
{
	const gfp_t gfp = GFP_KERNEL | __GFP_ZERO;
	u8 *p = goalloc_malloc(size, gfp), *q;

	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, MT_STAMP, size);
	q = goalloc_realloc(p, 2000, gfp);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(q, MT_STAMP, size), NULL);
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(q + size, 0, 2000 - size), NULL);
	goalloc_free(q);
	KUNIT_EXPECT_EQ(test, gt_reports(test), 0);
}

/*
 * goalloc_malloc(100) grown to 2000 bytes, every call with __GFP_ZERO:
 * past the 100 bytes asked for, zeroes.  Under goalloc.debug=1 the malloc
 * family's objects are a debug cache's, whose red zone fills the rest of
 * the size class: it must not be copied.
 */
static void realloc_zero_malloc(struct kunit *test)
{
	mt_realloc_zero_grow(test, 100);
}

/* A tiny object's exact size is known: the bytes past it are zero. */
static void realloc_zero_tiny(struct kunit *test)
{
	mt_realloc_zero_grow(test, 12);
}

GT_SUITE(goalloc_meminit, gt_init,
	 KUNIT_CASE(init_on_free_tiny),
	 KUNIT_CASE(init_on_free_red_zone_cache),
	 KUNIT_CASE(init_on_free_store_user_cache),
	 KUNIT_CASE(init_on_free_plain),
	 KUNIT_CASE(init_on_free_spares_ctor),
	 KUNIT_CASE(realloc_zero_red_zone_cache),
	 KUNIT_CASE(realloc_zero_store_user_cache),
	 KUNIT_CASE(realloc_zero_malloc),
	 KUNIT_CASE(realloc_zero_tiny));
