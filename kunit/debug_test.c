// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for goalloc's debug caches (GOALLOC_POISON), in the manner of
 * lib/slub_kunit.c: misuse a debug cache on purpose and count the reports
 * it must produce, through the KUnit named resource "goalloc_errors" that
 * goalloc increments for each report made while the test runs (as SLUB
 * does with "slab_errors").  A write to a freed object is
 * found when the object is handed out again; a double free is found even
 * when the object is not the last one freed; and clean use reports
 * nothing, keeps constructed state, and leaves the statistics where they
 * were.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/poison.h>

#include <goalloc.h>

#define DT_SIZE		64
#define DT_OBJS		128	/* objects in one 8 KiB span of 64 bytes */

static int goalloc_errors;
static struct kunit_resource goalloc_errors_resource;

static int debug_test_init(struct kunit *test)
{
	goalloc_errors = 0;
	return kunit_add_named_resource(test, NULL, NULL,
					&goalloc_errors_resource,
					"goalloc_errors", &goalloc_errors);
}

static struct goalloc_cache *dt_cache(struct kunit *test, void (*ctor)(void *))
{
	struct goalloc_cache *c = goalloc_cache_create("goalloc_dt", DT_SIZE, 0,
						       GOALLOC_POISON, ctor);

	KUNIT_ASSERT_NOT_NULL(test, c);
	return c;
}

/*
 * Allocate from @c until @victim comes back (a debug cache hands out the
 * lowest free object of its span), free what came before it, and return
 * how many misuse reports that produced.
 */
static int dt_realloc_victim(struct kunit *test, struct goalloc_cache *c,
			     void *victim)
{
	void **objs = kunit_kcalloc(test, DT_OBJS, sizeof(void *), GFP_KERNEL);
	int before = goalloc_errors;
	unsigned int n = 0;
	bool found = false;

	KUNIT_ASSERT_NOT_NULL(test, objs);
	while (n < DT_OBJS) {
		objs[n] = goalloc_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[n]);
		if (objs[n++] == victim) {
			found = true;
			break;
		}
	}
	KUNIT_EXPECT_TRUE(test, found);
	while (n)
		goalloc_cache_free(c, objs[--n]);
	return goalloc_errors - before;
}

/* A write to the first word of a freed object is reported once. */
static void debug_write_after_free_first_word(struct kunit *test)
{
	struct goalloc_cache *c = dt_cache(test, NULL);
	unsigned long *p = goalloc_cache_alloc(c, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	goalloc_cache_free(c, p);
	p[0] = 0x12345678;
	KUNIT_EXPECT_EQ(test, dt_realloc_victim(test, c, p), 1);
	goalloc_cache_destroy(c);
}

/* So is a write to the 50th byte. */
static void debug_write_after_free_50th_byte(struct kunit *test)
{
	struct goalloc_cache *c = dt_cache(test, NULL);
	u8 *p = goalloc_cache_alloc(c, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	goalloc_cache_free(c, p);
	p[50] = 0x12;
	KUNIT_EXPECT_EQ(test, dt_realloc_victim(test, c, p), 1);
	goalloc_cache_destroy(c);
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
	KUNIT_EXPECT_EQ(test, goalloc_errors, 0);
	goalloc_cache_free(c, a);
	KUNIT_EXPECT_EQ(test, goalloc_errors, 1);
	goalloc_cache_destroy(c);
	KUNIT_EXPECT_EQ(test, goalloc_errors, 1);
}

/* Freed objects hold POISON_FREE; allocated ones are the caller's. */
static void debug_freed_objects_poisoned(struct kunit *test)
{
	struct goalloc_cache *c = dt_cache(test, NULL);
	u8 *p = goalloc_cache_alloc(c, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(p, POISON_FREE, DT_SIZE), NULL);
	memset(p, 0x5a, DT_SIZE);
	goalloc_cache_free(c, p);
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(p, POISON_FREE, DT_SIZE), NULL);
	p = goalloc_cache_alloc(c, GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(p, 0, DT_SIZE), NULL);
	goalloc_cache_free(c, p);
	goalloc_cache_destroy(c);
	KUNIT_EXPECT_EQ(test, goalloc_errors, 0);
}

static atomic_t dt_ctor_calls;

static void dt_ctor(void *obj)
{
	atomic_inc(&dt_ctor_calls);
	memset(obj, 0xc7, DT_SIZE);
}

/* A constructed debug cache keeps the constructor's state: no poison. */
static void debug_ctor_state_kept(struct kunit *test)
{
	struct goalloc_cache *c;
	u8 *p;
	int i;

	atomic_set(&dt_ctor_calls, 0);
	c = dt_cache(test, dt_ctor);
	for (i = 0; i < 3 * DT_OBJS; i++) {
		p = goalloc_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_PTR_EQ(test, memchr_inv(p, 0xc7, DT_SIZE), NULL);
		goalloc_cache_free(c, p);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&dt_ctor_calls), DT_OBJS);
	goalloc_cache_destroy(c);
	KUNIT_EXPECT_EQ(test, goalloc_errors, 0);
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
	KUNIT_EXPECT_EQ(test, goalloc_errors, 0);
}

/*
 * In the manner of lib/test_meminit.c's bulk test: objects freed dirty and
 * taken back in bulk with __GFP_ZERO are zeroed, in a plain cache and in a
 * debug one.
 */
static void debug_bulk_zeroing(struct kunit *test)
{
	void **objs = kunit_kcalloc(test, 3 * DT_OBJS, sizeof(void *), GFP_KERNEL);
	unsigned int flags[] = { 0, GOALLOC_POISON }, f, i;

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
	KUNIT_EXPECT_EQ(test, goalloc_errors, 0);
}

static struct kunit_case debug_cases[] = {
	KUNIT_CASE(debug_write_after_free_first_word),
	KUNIT_CASE(debug_write_after_free_50th_byte),
	KUNIT_CASE(debug_double_free_not_last),
	KUNIT_CASE(debug_freed_objects_poisoned),
	KUNIT_CASE(debug_ctor_state_kept),
	KUNIT_CASE(debug_bulk_clean),
	KUNIT_CASE(debug_bulk_zeroing),
	{}
};

static struct kunit_suite debug_suite = {
	.name = "goalloc_debug",
	.init = debug_test_init,
	.test_cases = debug_cases,
};

kunit_test_suite(debug_suite);
