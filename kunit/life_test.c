// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "goalloc_life": goalloc's life-cycle paths (issue 10, items
 * 3, 8, 9, 10, 14 and 16): goalloc_free_rcu() batches against destroy,
 * against a barrier that must not wait for what comes after it, and
 * against a direct free of the same object; NUMA fallback when a node is
 * out of memory; bad node numbers and bad goalloc_cache_create()
 * arguments, each reported once.  Reports are counted through the KUnit
 * resource "goalloc_errors" (see debug_test.c).
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/nodemask.h>
#include <linux/preempt.h>
#include <linux/slab.h>

#include <goalloc.h>

#include "goalloc_test.h"

#include "console_watch.h"

struct lt_obj {
	struct rcu_head rcu;
	u64 payload[6];
};

/*
 * Reports are rate limited (10 in 5 s): a case that checks what was
 * printed first waits for the window of the cases before it to pass.
 */
static void lt_quiet_reports(void)
{
	msleep(5500);
}

/* Is goalloc/cache/@name in debugfs? */
static bool lt_cache_listed(const char *name)
{
	struct dentry *top, *caches = NULL, *d = NULL;

	top = debugfs_lookup("goalloc", NULL);
	if (top)
		caches = debugfs_lookup("cache", top);
	if (caches)
		d = debugfs_lookup(name, caches);
	dput(d);
	dput(caches);
	dput(top);
	return d;
}

#define LT_RCU_OBJS	300

/*
 * Item 9: every object of a cache passed to goalloc_free_rcu(), then the
 * cache destroyed at once: the pending objects are not leaks, so no
 * report; the cache is gone, and the figures are back.
 */
static void rcu_destroy_waits_for_pending(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct lt_obj **objs = kunit_kcalloc(test, LT_RCU_OBJS, sizeof(*objs),
					     GFP_KERNEL);
	struct goalloc_cache *c;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, objs);
	c = goalloc_cache_create("lt_rcu_destroy", sizeof(struct lt_obj), 0, 0,
				 NULL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	for (i = 0; i < LT_RCU_OBJS; i++) {
		objs[i] = goalloc_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	for (i = 0; i < LT_RCU_OBJS; i++)
		goalloc_free_rcu(objs[i], rcu);
	goalloc_cache_destroy(c);
	KUNIT_EXPECT_EQ(test, gt_reports(test), 0);
	KUNIT_EXPECT_FALSE(test, lt_cache_listed("lt_rcu_destroy"));
	gt_expect_baseline(test, base);
}

struct lt_flood {
	unsigned long deadline;
	unsigned long queued;
	bool stop;
};

/* Keep goalloc_free_rcu() busy until told to stop or until the deadline. */
static int lt_flood_fn(void *data)
{
	struct lt_flood *f = data;

	while (!READ_ONCE(f->stop) && time_before(jiffies, f->deadline)) {
		struct lt_obj *o = goalloc_malloc(sizeof(*o), GFP_KERNEL);

		if (o) {
			goalloc_free_rcu(o, rcu);
			f->queued++;
		}
		if (!(f->queued % 32))
			usleep_range(50, 100);
	}
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

/*
 * Item 10: goalloc_rcu_barrier() while another thread keeps queueing
 * goalloc_free_rcu() objects returns in a bounded time (it waits for what
 * was queued before it, not for what comes after).  The flood stops by
 * itself after 20 s, so that a barrier that waits for it is seen to.
 */
static void rcu_barrier_is_bounded(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	struct lt_flood *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct task_struct *t;
	unsigned long start, took;

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->deadline = jiffies + 20 * HZ;
	t = kthread_run(lt_flood_fn, f, "lt_flood");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	msleep(200);
	start = jiffies;
	goalloc_rcu_barrier();
	took = jiffies - start;
	WRITE_ONCE(f->stop, true);
	kthread_stop(t);
	kunit_info(test, "barrier took %u ms with %lu objects queued meanwhile\n",
		   jiffies_to_msecs(took), f->queued);
	KUNIT_EXPECT_LT(test, jiffies_to_msecs(took), 5000U);
	goalloc_rcu_barrier();
	KUNIT_EXPECT_EQ(test, gt_reports(test), 0);
	gt_expect_baseline(test, base);
}

/*
 * Item 3: goalloc_free_rcu(p), then goalloc_free(p), then the barrier:
 * the batch must not follow links through p's memory (which the direct
 * free made goalloc's again), and the second free of p, at the end of the
 * grace period, is reported once.  Then goalloc still works, and the
 * figures are back.  One CPU: the batch is freed where it was queued.
 * The report comes from an RCU callback, outside the test's thread: it is
 * counted by goalloc_misuse_count(), not in "goalloc_errors".
 */
static void rcu_free_then_free(struct kunit *test)
{
	struct goalloc_memstats *base = gt_settled(test);
	unsigned long before = goalloc_misuse_count(), errors;
	struct lt_obj *p, *q;

	migrate_disable();
	p = goalloc_malloc(sizeof(*p), GFP_KERNEL);
	if (p) {
		goalloc_free_rcu(p, rcu);
		goalloc_free(p);
		goalloc_rcu_barrier();
	}
	errors = goalloc_misuse_count() - before;
	migrate_enable();
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, errors, 1UL);

	q = goalloc_malloc(sizeof(*q), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, q);
	memset(q, 0x5a, sizeof(*q));
	goalloc_free(q);
	KUNIT_EXPECT_EQ(test, goalloc_misuse_count() - before, 1UL);
	gt_expect_baseline(test, base);
}

/* Pages taken from one node, to make it short of memory. */
struct lt_hog {
	struct list_head pages;
	unsigned long nr;
};

static void lt_hog_release(void *data)
{
	struct lt_hog *h = data;
	struct page *page, *tmp;

	list_for_each_entry_safe(page, tmp, &h->pages, lru) {
		list_del(&page->lru);
		__free_pages(page, page_private(page));
	}
}

/*
 * Take every page of @nid the page allocator gives without reclaim, all
 * orders from an arena's down.  Freed when the case ends.
 */
static void lt_hog_node(struct kunit *test, int nid)
{
	struct lt_hog *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	gfp_t gfp = GFP_NOWAIT | __GFP_NOWARN | __GFP_THISNODE |
		    __GFP_NORETRY;
	int order;

	KUNIT_ASSERT_NOT_NULL(test, h);
	INIT_LIST_HEAD(&h->pages);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, lt_hog_release, h),
			0);
	for (order = 10; order >= 0; order--) {
		struct page *page;

		while ((page = alloc_pages_node(nid, gfp, order))) {
			set_page_private(page, order);
			list_add(&page->lru, &h->pages);
			h->nr += 1UL << order;
			cond_resched();
		}
	}
	kunit_info(test, "took %lu pages of node %d\n", h->nr, nid);
}

#define LT_NUMA_OBJS	5000
#define LT_NUMA_SIZE	1024

/*
 * Item 8: node 0 out of memory, 5 MiB of objects (600 spans) asked of
 * it: they come from elsewhere, in a few arenas, not one 4 MiB arena per
 * span.  Any room left in goalloc's own node-0 arenas is used first; 5 MiB
 * is more than one arena holds, so that the fallback is reached.  No OOM
 * killer (__GFP_NORETRY) if goalloc does make an arena per span.
 */
static void numa_fallback_few_arenas(struct kunit *test)
{
	struct goalloc_memstats *base, *now;
	void **objs = kunit_kcalloc(test, LT_NUMA_OBJS, sizeof(*objs),
				    GFP_KERNEL);
	gfp_t gfp = GFP_KERNEL | __GFP_NORETRY;
	struct goalloc_cache *c;
	unsigned int i, n = 0;

	KUNIT_ASSERT_NOT_NULL(test, objs);
	if (num_node_state(N_MEMORY) < 2)
		kunit_skip(test, "needs two nodes with memory");
	c = goalloc_cache_create("lt_numa", LT_NUMA_SIZE, 0, 0, NULL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	base = gt_settled(test);
	lt_hog_node(test, 0);
	for (n = 0; n < LT_NUMA_OBJS; n++) {
		objs[n] = goalloc_cache_alloc_node(c, gfp, 0);
		if (!objs[n])
			break;
		if (!(n % 256))
			cond_resched();
	}
	/* The malloc family's node path (debug=1: straight to the spans). */
	for (i = 0; i < 64; i++)
		goalloc_free(goalloc_malloc_node(LT_NUMA_SIZE, gfp, 0));
	now = kunit_kzalloc(test, sizeof(*now), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, now);
	goalloc_read_memstats(now);
	kunit_info(test, "%u objects: arenas %llu -> %llu (%llu -> %llu KiB), in spans %llu -> %llu KiB\n",
		   n, base->arenas, now->arenas, base->heap_sys >> 10,
		   now->heap_sys >> 10, base->heap_inuse >> 10,
		   now->heap_inuse >> 10);
	KUNIT_EXPECT_EQ(test, n, LT_NUMA_OBJS);
	KUNIT_EXPECT_LE(test, now->arenas, base->arenas + 4);
	KUNIT_EXPECT_LE(test, now->heap_inuse,
			base->heap_inuse + 2 * LT_NUMA_OBJS * LT_NUMA_SIZE);
	for (i = 0; i < n; i++)
		goalloc_cache_free(c, objs[i]);
	goalloc_cache_destroy(c);
	KUNIT_EXPECT_EQ(test, gt_reports(test), 0);
}

/*
 * Item 14: a node below NUMA_NO_NODE or at MAX_NUMNODES and over is
 * reported, counted and refused, by every entry point that takes one;
 * NUMA_NO_NODE and a real node are fine.
 */
static void bad_node_reported(struct kunit *test)
{
	static const int bad[] = { -2, INT_MIN, MAX_NUMNODES, INT_MAX };
	struct gt_console_watch w = { .needles = { "bad NUMA node -2" } };
	struct goalloc_cache *c;
	unsigned int i;
	void *p;

	c = goalloc_cache_create("lt_node", 64, 0, 0, NULL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	lt_quiet_reports();
	KUNIT_ASSERT_EQ(test, gt_console_watch_start(&w), 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_NULL(test, goalloc_malloc_node(64, GFP_KERNEL, bad[i]));
		KUNIT_EXPECT_NULL(test, goalloc_cache_alloc_node(c, GFP_KERNEL,
								 bad[i]));
	}
	gt_console_watch_stop(&w);
	KUNIT_EXPECT_EQ(test, gt_reports(test), 2 * (int)ARRAY_SIZE(bad));
	KUNIT_EXPECT_TRUE(test, w.seen[0]);

	p = goalloc_malloc_node(64, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_EXPECT_NOT_NULL(test, p);
	goalloc_free(p);
	p = goalloc_cache_alloc_node(c, GFP_KERNEL, first_node(node_states[N_MEMORY]));
	KUNIT_EXPECT_NOT_NULL(test, p);
	goalloc_cache_free(c, p);
	goalloc_cache_destroy(c);
	KUNIT_EXPECT_EQ(test, gt_reports(test), 2 * (int)ARRAY_SIZE(bad));
}

/*
 * Item 16: each bad goalloc_cache_create() argument is reported once,
 * with its value as a number; a size over the maximum of the malloc
 * family too, and a size whose slot is over it.
 */
static void cache_create_bad_arguments_reported(struct kunit *test)
{
	struct gt_console_watch w = {
		.needles = { "object size 4194305", "alignment 24",
			     "unknown flags 0x100",
			     "larger than goalloc can serve: 4194305 bytes" },
	};
	struct goalloc_cache *c;

	lt_quiet_reports();
	KUNIT_ASSERT_EQ(test, gt_console_watch_start(&w), 0);
	KUNIT_EXPECT_NULL(test, goalloc_cache_create("lt_bad", 0, 0, 0, NULL));
	KUNIT_EXPECT_NULL(test, goalloc_cache_create("lt_bad", GOALLOC_MAX_SIZE + 1,
						     0, 0, NULL));
	KUNIT_EXPECT_NULL(test, goalloc_cache_create("lt_bad", 64, 24, 0, NULL));
	KUNIT_EXPECT_NULL(test, goalloc_cache_create("lt_bad", 64, 16384, 0, NULL));
	KUNIT_EXPECT_NULL(test, goalloc_cache_create(NULL, 64, 0, 0, NULL));
	KUNIT_EXPECT_NULL(test, goalloc_cache_create("lt_bad", 64, 0, 0x100, NULL));
	KUNIT_EXPECT_NULL(test, goalloc_malloc(GOALLOC_MAX_SIZE + 1, GFP_KERNEL));
	/* In range, but not with the red zone it asks for after it. */
	KUNIT_EXPECT_NULL(test, goalloc_cache_create("lt_bad", GOALLOC_MAX_SIZE,
						     0, GOALLOC_RED_ZONE, NULL));
	gt_console_watch_stop(&w);
	KUNIT_EXPECT_EQ(test, gt_reports(test), 8);
	KUNIT_EXPECT_TRUE(test, w.seen[0]);
	KUNIT_EXPECT_TRUE(test, w.seen[1]);
	KUNIT_EXPECT_TRUE(test, w.seen[2]);
	KUNIT_EXPECT_TRUE(test, w.seen[3]);

	/* A name longer than GOALLOC_NAME_LEN - 1 is cut, not refused. */
	c = goalloc_cache_create("lt_a_name_much_longer_than_31_bytes", 64, 0, 0,
				 NULL);
	KUNIT_EXPECT_NOT_NULL(test, c);
	KUNIT_EXPECT_TRUE(test, lt_cache_listed("lt_a_name_much_longer_than_31_b"));
	goalloc_cache_destroy(c);
	KUNIT_EXPECT_EQ(test, gt_reports(test), 8);
}

GT_SUITE(goalloc_life, gt_init,
	 KUNIT_CASE(rcu_destroy_waits_for_pending),
	 KUNIT_CASE_SLOW(rcu_barrier_is_bounded),
	 KUNIT_CASE(rcu_free_then_free),
	 KUNIT_CASE_SLOW(cache_create_bad_arguments_reported),
	 KUNIT_CASE_SLOW(numa_fallback_few_arenas),
	 /* Last: before the fix, a bad node read out of bounds. */
	 KUNIT_CASE_SLOW(bad_node_reported));
