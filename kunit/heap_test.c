// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite goalloc_heap: the page heap as goalloc_read_memstats() shows
 * it.  A span goes back to the heap when it empties, an arena back to the
 * page allocator on goalloc_reclaim(), the figures agree with each other
 * and return to their baseline, NUMA placement from every CPU, and a bulk
 * allocation larger than RAM fails as a whole.
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
#include <linux/cpu.h>
#include <linux/mm.h>
#include <linux/nodemask.h>
#include <linux/preempt.h>

#include "goalloc_sizeclasses.h"
#include "goalloc_test.h"

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
	gt_destroy_expect_baseline(test, cache, base);
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
		goalloc_stamp(objs[i], GOALLOC_MAX_SIZE, i);
	}
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_TRUE(test, goalloc_stamped(objs[i], GOALLOC_MAX_SIZE, i));
	goalloc_cache_free_bulk(cache, 3, objs);
	gt_destroy_expect_baseline(test, cache, base);
}

GT_SUITE(goalloc_heap, NULL,
	 KUNIT_CASE(heap_empty_span_returns_to_heap),
	 KUNIT_CASE(heap_reclaim_returns_arenas),
	 KUNIT_CASE(heap_small_object_arenas_return),
	 KUNIT_CASE(heap_reuses_freed_memory),
	 KUNIT_CASE(heap_stats_consistent),
	 KUNIT_CASE(heap_tiny_stats),
	 KUNIT_CASE(heap_counters_survive_cache_destroy),
	 KUNIT_CASE(heap_stats_back_to_baseline),
	 KUNIT_CASE(heap_alloc_on_each_node),
	 KUNIT_CASE_SLOW(heap_bulk_all_or_nothing));
