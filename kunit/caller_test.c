// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "goalloc_caller": a report of the malloc family names the
 * caller of goalloc's entry point.  For a size goalloc cannot serve, the
 * address is read on that slow path only (malloc_node() in goalloc.c),
 * not passed down from the entry point, whose fast path would otherwise
 * load it on every call; these cases check that it is still the caller's.
 */
#include <kunit/test.h>
#include <linux/compiler.h>
#include <linux/delay.h>
#include <linux/slab.h>

#include <goalloc.h>

#include "goalloc_test.h"

#include "console_watch.h"

/* Each calls goalloc and returns after it: no tail call hides the caller. */
static noinline void *ct_big_malloc(void)
{
	void *p = goalloc_malloc(GOALLOC_MAX_SIZE + 1, GFP_KERNEL);

	barrier();
	return p;
}

static noinline void *ct_big_malloc_node(void)
{
	void *p = goalloc_malloc_node(GOALLOC_MAX_SIZE + 1, GFP_KERNEL,
				      NUMA_NO_NODE);

	barrier();
	return p;
}

static noinline void *ct_big_calloc(void)
{
	void *p = goalloc_calloc(1, GOALLOC_MAX_SIZE + 1, GFP_KERNEL);

	barrier();
	return p;
}

/* Each too-large request is reported once, naming the function that asked. */
static void too_large_names_caller(struct kunit *test)
{
	struct gt_console_watch w = {
		.needles = { "caller ct_big_malloc+", "caller ct_big_malloc_node+",
			     "caller ct_big_calloc+" },
	};

	/* Reports are rate limited (10 in 5 s): let earlier suites' pass. */
	msleep(5500);
	KUNIT_ASSERT_EQ(test, gt_console_watch_start(&w), 0);
	GT_EXPECT_REPORTS(test, 1, KUNIT_EXPECT_NULL(test, ct_big_malloc()));
	GT_EXPECT_REPORTS(test, 1,
			  KUNIT_EXPECT_NULL(test, ct_big_malloc_node()));
	GT_EXPECT_REPORTS(test, 1, KUNIT_EXPECT_NULL(test, ct_big_calloc()));
	gt_console_watch_stop(&w);
	KUNIT_EXPECT_TRUE(test, w.seen[0]);
	KUNIT_EXPECT_TRUE(test, w.seen[1]);
	KUNIT_EXPECT_TRUE(test, w.seen[2]);
}

GT_SUITE(goalloc_caller, gt_init,
	 KUNIT_CASE_SLOW(too_large_names_caller));
