// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite in the manner of mm/kasan/kasan_test.c: on a kernel with
 * generic KASAN, goalloc marks free objects and the red zones past the
 * bytes asked for in KASAN's shadow, so KASAN itself stops a
 * use-after-free or an out-of-bounds access of goalloc memory at the
 * faulting instruction.  Each case makes one bad access and expects
 * KASAN's report, of the right kind, on the console; a case of fair use
 * expects none.
 *
 * The bad access runs in a work item, not in the test's task: KASAN fails
 * the KUnit test of the task it reports in, unless its own test suite is
 * built in.  The guest boots with kasan_multi_shot, since KASAN otherwise
 * reports once per boot, and the suite prints GOALLOC-EXPECT-SPLAT-BEGIN
 * and -END around each expected report, between which tools/guestlog.py
 * allows a splat.  A KASAN report turns lockdep off for the rest of the
 * boot: this suite runs last.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <goalloc.h>

#include "console_watch.h"
#include "goalloc_test.h"

#define KT_SMALL	100	/* in the 112-byte class: 12 bytes of red zone */
#define KT_LARGE	40000	/* a large object, in 40 KiB of pages */

struct kt_access {
	struct work_struct work;
	void (*access)(u8 *p);
	u8 *p;
};

static void kt_access_work(struct work_struct *work)
{
	struct kt_access *a = container_of(work, struct kt_access, work);

	a->access(a->p);
}

/*
 * Run @access on @p in another task and return whether KASAN reported
 * @bug ("slab-use-after-free", "slab-out-of-bounds"), or anything at all
 * for a NULL @bug.
 */
static bool kt_kasan_reports(struct kunit *test, void (*access)(u8 *p), u8 *p,
			     const char *bug)
{
	struct gt_console_watch w = { .needles = { "BUG: KASAN: ", bug } };
	struct kt_access a = { .access = access, .p = p };

	if (gt_console_watch_start(&w))
		kunit_skip(test, "no console tracepoint to watch");
	pr_info("GOALLOC-EXPECT-SPLAT-BEGIN\n");
	INIT_WORK_ONSTACK(&a.work, kt_access_work);
	schedule_work(&a.work);
	flush_work(&a.work);
	destroy_work_on_stack(&a.work);
	pr_info("GOALLOC-EXPECT-SPLAT-END\n");
	gt_console_watch_stop(&w);
	return w.seen[0] && (!bug || w.seen[1]);
}

static u8 kt_sink;

static void kt_read(u8 *p)
{
	WRITE_ONCE(kt_sink, READ_ONCE(*p));
}

static void kt_write(u8 *p)
{
	WRITE_ONCE(*p, 0x42);
}

static int kt_init(struct kunit *test)
{
	if (!IS_ENABLED(CONFIG_KASAN_GENERIC))
		kunit_skip(test, "needs CONFIG_KASAN_GENERIC");
	return 0;
}

/*
 * One body per kind of bad access, run on the malloc family (@c NULL:
 * goalloc_malloc(@size)) and on a cache, as KFENCE_KUNIT_CASE does: a
 * write one byte past the object, and a read at @off after its free.
 */
static void kt_oob(struct kunit *test, struct goalloc_cache *c, size_t size)
{
	u8 *p = gt_alloc(c, size);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, kt_kasan_reports(test, kt_write, p + size,
						 "slab-out-of-bounds"));
	gt_free(c, p);
}

static void kt_uaf(struct kunit *test, struct goalloc_cache *c, size_t size,
		   size_t off)
{
	u8 *p = gt_alloc(c, size);

	KUNIT_ASSERT_NOT_NULL(test, p);
	gt_free(c, p);
	KUNIT_EXPECT_TRUE(test, kt_kasan_reports(test, kt_read, p + off,
						 "slab-use-after-free"));
}

/* kasan_test's kmalloc_oob_right: one byte past a goalloc_malloc(). */
static void kasan_malloc_oob_right(struct kunit *test)
{
	kt_oob(test, NULL, KT_SMALL);
}

/* kasan_test's kmalloc_uaf: a read of a freed goalloc_malloc() object. */
static void kasan_malloc_uaf(struct kunit *test)
{
	kt_uaf(test, NULL, KT_SMALL, 8);
}

/*
 * kasan_test's kmem_cache_oob: past a cache object's own size, into its
 * red zone.  (Without GOALLOC_RED_ZONE an object's usable size is rounded
 * up to its alignment and the byte past it is the next object's.)
 */
static void kasan_cache_oob(struct kunit *test)
{
	kt_oob(test, gt_cache(test, "goalloc_kt", 60, 0, GOALLOC_RED_ZONE, NULL),
	       60);
}

/* kasan_test's kmem_cache_double_free's cousin: a read after the free. */
static void kasan_cache_uaf(struct kunit *test)
{
	kt_uaf(test, gt_cache(test, "goalloc_kt", 64, 0, 0, NULL), 64, 0);
}

/* kasan_test's kmalloc_pagealloc_oob_right: past a large object, and after. */
static void kasan_large_oob_and_uaf(struct kunit *test)
{
	kt_oob(test, NULL, KT_LARGE);
	kt_uaf(test, NULL, KT_LARGE, 0);
}

/*
 * Fair use is not reported: the last byte asked for; every byte
 * goalloc_size() gives, as ksize() does; and a goalloc_realloc() that
 * shrinks in place moves the red zone down (kasan_test's
 * krealloc_less_oob).
 */
static void kasan_fair_use_and_realloc(struct kunit *test)
{
	u8 *p = goalloc_malloc(KT_SMALL, GFP_KERNEL);
	size_t size;

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_FALSE(test, kt_kasan_reports(test, kt_write,
						  p + KT_SMALL - 1, NULL));
	size = goalloc_size(p);
	KUNIT_EXPECT_GT(test, size, (size_t)KT_SMALL);
	KUNIT_EXPECT_FALSE(test, kt_kasan_reports(test, kt_write, p + size - 1,
						  NULL));
	p = goalloc_realloc(p, 20, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, kt_kasan_reports(test, kt_write, p + 20,
						 "slab-out-of-bounds"));
	goalloc_free(p);
}

GT_SUITE(goalloc_kasan, kt_init,
	 KUNIT_CASE(kasan_malloc_oob_right),
	 KUNIT_CASE(kasan_malloc_uaf),
	 KUNIT_CASE(kasan_cache_oob),
	 KUNIT_CASE(kasan_cache_uaf),
	 KUNIT_CASE(kasan_large_oob_and_uaf),
	 KUNIT_CASE(kasan_fair_use_and_realloc));
