// SPDX-License-Identifier: GPL-2.0
/*
 * goalloc's page heap: Go's mheap and page allocator, fed by the buddy
 * allocator.
 *
 * Memory comes in arenas: naturally aligned 4 MiB chunks (order
 * GOALLOC_ARENA_ORDER) from goalloc_pages_alloc() (goalloc_pages.c, the
 * page supply below the heap).  When memory is too fragmented for that,
 * the heap takes a smaller order instead, down to what the request needs,
 * quietly (__GFP_NOWARN): an arena is any naturally aligned chunk of at
 * most 4 MiB.  Each arena tracks its 8 KiB goalloc
 * pages in a bitmap (1 = in a span) with a free-run summary in the spirit
 * of Go's pallocSum (see arena_summarize_free()), and a span's pages are a
 * run found address-ordered first fit
 * over the arenas of the wanted node, lowest address first, as Go's
 * pageAlloc finds them.  When that node has no room, a new arena is tried
 * on the node alone (__GFP_THISNODE, without reclaim), then the arenas
 * of the other nodes, and only then a new arena wherever the page
 * allocator finds one; an arena is filed under the node its memory is
 * on.  A large object of half an arena or more gets a naturally aligned
 * chunk of its own, which goes straight back to the buddy allocator when
 * it is freed.
 *
 * The page map answers "which span holds this address?" for a free
 * without a lock (Go's spanOf): a radix tree indexed by the address's
 * offset in the direct map, whose leaves cover one 4 MiB slot each with
 * one span pointer per goalloc page.  Leaves are made when an arena or
 * chunk is first placed in their slot and stay until the module goes, so
 * a lookup never races with a leaf being freed; a span's entries are set
 * (release) once the span is fully made and cleared before it is freed.
 * An arena's pages that are in no span map to goalloc_unused_span from
 * the arena's arrival to its release, so that goalloc still knows its own
 * memory (a free of a stale pointer into it is a double free, not a free
 * of someone else's memory); every other page maps to goalloc_empty_span.
 *
 * Fresh memory is not cleared twice: when the buddy allocator hands out
 * cleared pages (init_on_alloc), an arena keeps Go's zeroedBase, the page
 * index below which pages may have been used, and a span above it starts
 * with needzero clear.  goalloc does not ask for cleared arenas otherwise:
 * clearing 4 MiB up front costs more than clearing the objects that
 * __GFP_ZERO asks for.
 *
 * Giving memory back (Go's scavenger): an arena left without spans stays
 * for reuse.  When one beyond goalloc_arena_reserve falls free, the heap
 * only says so (goalloc_heap_release_wanted()): goalloc.c, which owns the
 * caches and their life cycle, runs the background release a second
 * later (the caches drain, then goalloc_heap_release_background() gives
 * back the free arenas beyond the reserve), and under memory pressure its
 * shrinker gives back every free arena.  Nothing here calls up into
 * goalloc.c, and the heap has no work item of its own that module exit
 * would have to stop.
 *
 * Locking: heap_lock (irq-safe, it is taken from any context) guards the
 * arena lists, every arena's bitmap and summary, and the statistics.  It
 * is the innermost lock of goalloc: nothing else is taken under it, and
 * the page allocator is never called under it.  The page map is written
 * under it and read without it.
 */
#include <linux/bitmap.h>
#include <linux/jiffies.h>
#include <linux/kmemleak.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nodemask.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "goalloc_heap.h"
#include "goalloc_trace.h"

/**
 * struct goalloc_arena - a naturally aligned chunk of goalloc pages
 * @base: first byte
 * @order: kernel page order of the chunk
 * @npages: goalloc pages in it (512 for a full 4 MiB arena)
 * @nid: NUMA node of its memory
 * @nfree: pages in no span
 * @first_free: no page below it is free (where first fit starts)
 * @zeroed_base: pages at or above this index were never used (Go's
 *	zeroedBase)
 * @sum_max: longest run of free pages (an upper bound, see above)
 * @list: the node's arena list, by address
 * @used: 1 = page in a span
 */
struct goalloc_arena {
	unsigned long base;
	unsigned int order;
	unsigned int npages;
	int nid;
	unsigned int nfree;
	unsigned int first_free;
	unsigned int zeroed_base;
	unsigned int sum_max;
	struct list_head list;
	DECLARE_BITMAP(used, GOALLOC_ARENA_PAGES);
};

unsigned int goalloc_arena_reserve = 2;
module_param_named(arena_reserve, goalloc_arena_reserve, uint, 0644);
MODULE_PARM_DESC(arena_reserve,
		 "free 4 MiB arenas kept for reuse by the background release");

static DEFINE_SPINLOCK(heap_lock);
static struct list_head heap_arenas[MAX_NUMNODES];
static struct goalloc_heap_stats heap_stats;

struct goalloc_map_leaf ***goalloc_map_l1;
struct goalloc_map_leaf *goalloc_map_empty_l2[GOALLOC_MAP_L2_ENTRIES];
struct goalloc_map_leaf goalloc_map_empty_leaf;
unsigned long goalloc_map_limit;
unsigned long goalloc_map_base;
static unsigned long map_l1_entries;

/* An arena beyond the reserve fell free (goalloc_heap_release_wanted()). */
static bool heap_release_wanted;
/*
 * Until when (jiffies) a node is taken to be full, after a span of its own
 * memory could not be had: meanwhile its spans come from elsewhere
 * without asking the page allocator again each time.  A free of the
 * node's arena pages ends it.
 */
static unsigned long heap_node_short[MAX_NUMNODES];

/*
 * The free-run summary.  Go's pallocSum keeps, per chunk, the free pages
 * at the start, the longest free run and the free pages at the end: start
 * and end let a run cross chunks.  A goalloc run never crosses an arena,
 * so an arena keeps the two things a first-fit search needs, each cheap
 * to keep on every change:
 *  - sum_max, the longest free run, as an upper bound: taking pages never
 *    lengthens a run, a free raises it to the run it merges into, and a
 *    search for n pages that fails lowers it to n - 1;
 *  - first_free, a lower bound of the first free page: the search starts
 *    there and tightens it.
 */

/* Pages [first, first + npages) were freed: update the summary. */
static void arena_summarize_free(struct goalloc_arena *a, unsigned int first,
				 unsigned int npages)
{
	unsigned int n = a->npages, lo = 0, hi;
	unsigned int prev = first ? find_last_bit(a->used, first) : first;

	if (first && prev < first)
		lo = prev + 1;
	hi = find_next_bit(a->used, n, first + npages);
	a->sum_max = max_t(unsigned int, a->sum_max, hi - lo);
	a->first_free = min(a->first_free, first);
}

/* Bit i of the result: bits i to i + len - 1 of @x are all set. */
static u64 runs_of(u64 x, unsigned int len)
{
	unsigned int have = 1;

	while (have < len && x) {
		unsigned int step = min(have, len - have);

		x &= x >> step;
		have += step;
	}
	return x;
}

/*
 * First fit in one arena: the lowest run of @npages free pages, or -1.
 * Word at a time: a run inside a word is found by shifting and ANDing the
 * word's free bits, a run across words by counting the free bits carried
 * over from the words before.  A search that fails proves that no run of
 * @npages is left, and lowers sum_max to say so.
 */
static int arena_find_run(struct goalloc_arena *a, unsigned int npages)
{
	unsigned int n = a->npages, words = BITS_TO_LONGS(n), w, carry = 0;

	if (a->nfree < npages || a->sum_max < npages)
		return -1;
	a->first_free = find_next_zero_bit(a->used, n, a->first_free);
	/* One page: the first free one is the answer. */
	if (npages == 1)
		return a->first_free;
	for (w = a->first_free / BITS_PER_LONG; w < words; w++) {
		u64 free = ~(u64)a->used[w], r;

		if (w == words - 1 && n % BITS_PER_LONG)
			free &= BIT_ULL(n % BITS_PER_LONG) - 1;
		if (carry) {
			unsigned int low = free == ~0ULL ? 64 : __ffs64(~free);

			if (carry + low >= npages)
				return w * BITS_PER_LONG - carry;
		}
		if (npages <= 64) {
			r = runs_of(free, npages);
			if (r)
				return w * BITS_PER_LONG + __ffs64(r);
		}
		if (free == ~0ULL)
			carry += 64;
		else
			carry = 63 - __fls(~free);
	}
	a->sum_max = npages - 1;
	return -1;
}

static struct goalloc_map_leaf **map_l2_slot(unsigned long addr)
{
	unsigned long off = addr - goalloc_map_base;

	return &goalloc_map_l1[off >> (GOALLOC_ARENA_SHIFT + GOALLOC_MAP_L2_BITS)]
		[(off >> GOALLOC_ARENA_SHIFT) & (GOALLOC_MAP_L2_ENTRIES - 1)];
}

static struct goalloc_map_leaf *map_leaf(unsigned long addr)
{
	return *map_l2_slot(addr);
}

/*
 * Make sure the map has a leaf for the 4 MiB slot of @addr.  Called
 * without heap_lock (it allocates with the caller's @gfp); the new nodes
 * are published under heap_lock, and a racing loser frees its copy.
 * Missing nodes point at goalloc_map_empty_l2 and goalloc_map_empty_leaf,
 * and pages without a span at &goalloc_empty_span, so that lookups need
 * no NULL checks.
 */
static int map_prepare(unsigned long addr, gfp_t gfp)
{
	unsigned long off = addr - goalloc_map_base, i;
	unsigned long i1 = off >> (GOALLOC_ARENA_SHIFT + GOALLOC_MAP_L2_BITS);
	struct goalloc_map_leaf **l2 = NULL, *leaf = NULL;
	unsigned long flags;

	if (off >= goalloc_map_limit)
		return -EINVAL;
	gfp &= ~__GFP_ZERO;
	if (READ_ONCE(goalloc_map_l1[i1]) == goalloc_map_empty_l2) {
		l2 = kmalloc_array(GOALLOC_MAP_L2_ENTRIES, sizeof(*l2), gfp);
		if (!l2)
			return -ENOMEM;
		for (i = 0; i < GOALLOC_MAP_L2_ENTRIES; i++)
			l2[i] = &goalloc_map_empty_leaf;
	} else if (READ_ONCE(*map_l2_slot(addr)) != &goalloc_map_empty_leaf) {
		return 0;
	}
	leaf = kmalloc(sizeof(*leaf), gfp);
	if (!leaf) {
		kfree(l2);
		return -ENOMEM;
	}
	for (i = 0; i < GOALLOC_ARENA_PAGES; i++)
		leaf->spans[i] = &goalloc_empty_span;
	spin_lock_irqsave(&heap_lock, flags);
	if (l2 && goalloc_map_l1[i1] == goalloc_map_empty_l2) {
		/* Release: a lockless reader sees the node filled in. */
		smp_store_release(&goalloc_map_l1[i1], l2);
		l2 = NULL;
	}
	if (*map_l2_slot(addr) == &goalloc_map_empty_leaf) {
		/* Release: a lockless reader sees the leaf filled in. */
		smp_store_release(map_l2_slot(addr), leaf);
		leaf = NULL;
	}
	spin_unlock_irqrestore(&heap_lock, flags);
	kfree(l2);
	kfree(leaf);
	return 0;
}

/*
 * Take a new arena from the page allocator: 4 MiB if it can be had,
 * otherwise the largest order down to @min_order.  Only the last try may
 * block or retry hard, and none warns: failing is goalloc's to report.
 */
static struct goalloc_arena *arena_create(unsigned int min_order, gfp_t gfp,
					  int nid)
{
	struct goalloc_arena *a;
	bool zeroed = false;
	unsigned int order;
	void *addr = NULL;

	gfp &= ~__GFP_ZERO;
	/* Metadata may come from any node, whatever the pages must. */
	a = kzalloc_node(sizeof(*a), gfp & ~__GFP_THISNODE, nid);
	if (!a)
		return NULL;
	/*
	 * Nor for an arena's base: kmemleak neither scans an arena nor
	 * reports it (the arena list runs through arenas it does not scan).
	 */
	kmemleak_not_leak(a);
	kmemleak_no_scan(a);
	for (order = GOALLOC_ARENA_ORDER; order >= min_order; order--) {
		gfp_t try = gfp | __GFP_NOWARN;

		if (order > min_order)
			try = (try | __GFP_NORETRY) & ~__GFP_DIRECT_RECLAIM;
		addr = goalloc_pages_alloc(order, try, nid, &zeroed);
		if (addr)
			break;
	}
	if (!addr)
		goto fail;
	if (map_prepare((unsigned long)addr, gfp & ~__GFP_THISNODE)) {
		goalloc_pages_free(addr, order);
		goto fail;
	}
	a->base = (unsigned long)addr;
	a->order = order;
	a->npages = 1U << (order - GOALLOC_PAGE_ORDER);
	a->nfree = a->npages;
	a->zeroed_base = zeroed ? 0 : a->npages;
	a->nid = goalloc_pages_nid(addr);
	a->sum_max = a->npages;
	a->first_free = 0;
	INIT_LIST_HEAD(&a->list);
	return a;
fail:
	kfree(a);
	return NULL;
}

/* Point the page-map entries of @npages pages from @base at @s. */
static void map_set(unsigned long base, unsigned int npages,
		    struct goalloc_span *s)
{
	struct goalloc_span **e = &map_leaf(base)->spans[(base >>
		GOALLOC_PAGE_SHIFT) & (GOALLOC_ARENA_PAGES - 1)];
	unsigned int i;

	for (i = 0; i < npages; i++) {
		/* Release: goalloc_span_of() readers see the span made. */
		smp_store_release(&e[i], s);
	}
}

/* Insert an arena into its node's list, keeping address order. */
static void arena_insert(struct goalloc_arena *a)
{
	struct list_head *head = &heap_arenas[a->nid], *pos = head;
	struct goalloc_arena *b;

	list_for_each_entry(b, head, list) {
		if (b->base > a->base) {
			pos = &b->list;
			break;
		}
	}
	list_add_tail(&a->list, pos);
	map_set(a->base, a->npages, &goalloc_unused_span);
	heap_stats.arenas++;
	heap_stats.free_arenas++;
	heap_stats.arena_grows++;
	heap_stats.sys += PAGE_SIZE << a->order;
	if (a->order != GOALLOC_ARENA_ORDER)
		heap_stats.fallbacks++;
	trace_goalloc_arena_alloc(a->base, PAGE_SIZE << a->order, a->nid);
}

/* Place @s in pages [@first, @first + s->npages) of @a.  heap_lock held. */
static void arena_take(struct goalloc_arena *a, struct goalloc_span *s,
		       unsigned int first)
{
	if (a->nfree == a->npages)
		heap_stats.free_arenas--;
	if (s->npages == 1)
		__set_bit(first, a->used);
	else
		bitmap_set(a->used, first, s->npages);
	a->nfree -= s->npages;
	if (first == a->first_free)
		a->first_free = first + s->npages;
	s->arena = a;
	s->base = a->base + ((unsigned long)first << GOALLOC_PAGE_SHIFT);
	s->nid = a->nid;
	s->needzero = first < a->zeroed_base;
	a->zeroed_base = max(a->zeroed_base, first + s->npages);
	heap_stats.inuse += (unsigned long)s->npages << GOALLOC_PAGE_SHIFT;
}

/* First fit over the arenas of @nid.  heap_lock held. */
static bool heap_find(struct goalloc_span *s, int nid)
{
	struct goalloc_arena *a;

	list_for_each_entry(a, &heap_arenas[nid], list) {
		int first = arena_find_run(a, s->npages);

		if (first >= 0) {
			arena_take(a, s, first);
			return true;
		}
	}
	return false;
}

/* First fit over the arenas of every node but @nid.  heap_lock held. */
static bool heap_find_other(struct goalloc_span *s, int nid)
{
	int other;

	for_each_node(other)
		if (other != nid && heap_find(s, other))
			return true;
	return false;
}

/*
 * A new arena for @s, of at least @min_order (0: what @s needs), filed
 * under the node its memory is really on, and @s placed in it (or in
 * pages freed meanwhile at lower addresses).
 */
static bool heap_grow(struct goalloc_span *s, gfp_t gfp, int nid,
		      unsigned int min_order)
{
	struct goalloc_arena *a;
	unsigned long flags;

	a = arena_create(max_t(unsigned int, min_order, GOALLOC_PAGE_ORDER +
			       order_base_2(s->npages)), gfp, nid);
	if (!a)
		return false;
	spin_lock_irqsave(&heap_lock, flags);
	arena_insert(a);
	/*
	 * First fit again: pages freed meanwhile at lower addresses win; the
	 * new arena, free and large enough, is there if none did.
	 */
	heap_find(s, a->nid);
	spin_unlock_irqrestore(&heap_lock, flags);
	return true;
}

/**
 * goalloc_heap_node_full() - could a span of @nid's memory not be had lately?
 * @nid: a node
 *
 * True for a tenth of a second after goalloc_heap_alloc() found no pages
 * of @nid, or until pages of @nid are freed: a caller that would take
 * another node's memory anyway need not ask again meanwhile.
 *
 * Return: true if @nid is taken to be full.
 */
bool goalloc_heap_node_full(int nid)
{
	return time_before(jiffies, READ_ONCE(heap_node_short[nid]));
}

static int heap_alloc_chunk(struct goalloc_span *s, gfp_t gfp, int nid)
{
	unsigned int order = get_order((size_t)s->npages << GOALLOC_PAGE_SHIFT);
	unsigned long flags;
	bool zeroed;
	void *addr;

	addr = goalloc_pages_alloc(order, (gfp & ~__GFP_ZERO) | __GFP_NOWARN, nid,
				   &zeroed);
	if (!addr)
		return -ENOMEM;
	if (map_prepare((unsigned long)addr, gfp & ~__GFP_THISNODE)) {
		goalloc_pages_free(addr, order);
		return -ENOMEM;
	}
	s->base = (unsigned long)addr;
	s->arena = NULL;
	s->nid = goalloc_pages_nid(addr);
	s->needzero = !zeroed;
	spin_lock_irqsave(&heap_lock, flags);
	heap_stats.chunks++;
	heap_stats.sys += PAGE_SIZE << order;
	heap_stats.inuse += PAGE_SIZE << order;
	spin_unlock_irqrestore(&heap_lock, flags);
	return 0;
}

/**
 * goalloc_heap_alloc() - find pages for a span (Go's mheap.alloc)
 * @s: the span; @s->npages and @s->kind say what it needs
 * @gfp: the caller's allocation flags, used to grow the heap; with
 *	%__GFP_THISNODE only pages of @nid will do (without
 *	%__GFP_DIRECT_RECLAIM, only from a whole new arena)
 * @nid: the node, or NUMA_NO_NODE for this CPU's
 *
 * The node's arenas first, then a new arena on the node, then the arenas
 * of the other nodes, then a new arena anywhere.  Sets @s->base,
 * @s->arena, @s->nid and @s->needzero.  Does not publish the span in the
 * page map: goalloc_heap_map() does, once the span is made.
 * Sleeps only if @gfp allows it.
 *
 * Return: 0, or -ENOMEM.
 */
int goalloc_heap_alloc(struct goalloc_span *s, gfp_t gfp, int nid)
{
	gfp_t node_gfp = gfp | __GFP_THISNODE;
	unsigned long flags;
	bool found;

	if (nid == NUMA_NO_NODE || !node_state(nid, N_MEMORY))
		nid = numa_mem_id();
	if (s->kind == GOALLOC_SPAN_CHUNK)
		return heap_alloc_chunk(s, gfp, nid);

	spin_lock_irqsave(&heap_lock, flags);
	found = heap_find(s, nid);
	spin_unlock_irqrestore(&heap_lock, flags);
	if (found)
		return 0;
	/*
	 * The node's own new arena, taken on the node alone: without that,
	 * an arena the page allocator places on another node would be filed
	 * there, and every later span for this node would miss again and
	 * make one more.  First a whole arena without reclaim (not the
	 * scraps of a node that is short: many small arenas); a caller that
	 * insists on the node (__GFP_THISNODE) and may reclaim then gets any
	 * order that fits, with its own @gfp, and goes no further; the others
	 * use what the heap holds elsewhere.
	 */
	node_gfp = (node_gfp | __GFP_NORETRY) & ~__GFP_DIRECT_RECLAIM;
	if ((gfp & __GFP_THISNODE) || !goalloc_heap_node_full(nid)) {
		if (heap_grow(s, node_gfp, nid, GOALLOC_ARENA_ORDER))
			return 0;
		if ((gfp & __GFP_THISNODE) && (gfp & __GFP_DIRECT_RECLAIM) &&
		    heap_grow(s, gfp, nid, 0))
			return 0;
		WRITE_ONCE(heap_node_short[nid], jiffies + HZ / 10);
	}
	if (gfp & __GFP_THISNODE)
		return -ENOMEM;
	spin_lock_irqsave(&heap_lock, flags);
	found = heap_find_other(s, nid);
	spin_unlock_irqrestore(&heap_lock, flags);
	if (found)
		return 0;
	return heap_grow(s, gfp, nid, 0) ? 0 : -ENOMEM;
}

/*
 * More arenas are free than the background release keeps: say so, for
 * goalloc.c to poll.  heap_lock held.
 */
static void heap_kick_release(void)
{
	if (heap_stats.free_arenas > READ_ONCE(goalloc_arena_reserve))
		WRITE_ONCE(heap_release_wanted, true);
}

/**
 * goalloc_heap_release_wanted() - did an arena beyond the reserve fall free?
 *
 * Clears the flag: each arena that fell free asks once.  goalloc.c polls
 * it after giving spans back and schedules the background release.
 *
 * Return: true if more arenas are free than goalloc_arena_reserve.
 */
bool goalloc_heap_release_wanted(void)
{
	return READ_ONCE(heap_release_wanted) && xchg(&heap_release_wanted, false);
}

/**
 * goalloc_heap_free() - give a span's pages back to the heap
 * @s: the span, already unmapped (goalloc_heap_unmap())
 *
 * Arena pages stay in the arena; a chunk goes back to the page allocator.
 */
void goalloc_heap_free(struct goalloc_span *s)
{
	unsigned long bytes = (unsigned long)s->npages << GOALLOC_PAGE_SHIFT;
	unsigned int first;
	struct goalloc_arena *a = s->arena;
	unsigned long flags;

	if (!a) {
		unsigned int order = get_order(bytes);

		goalloc_pages_free((void *)s->base, order);
		spin_lock_irqsave(&heap_lock, flags);
		heap_stats.chunks--;
		heap_stats.sys -= PAGE_SIZE << order;
		heap_stats.inuse -= PAGE_SIZE << order;
		heap_stats.released += PAGE_SIZE << order;
		spin_unlock_irqrestore(&heap_lock, flags);
		return;
	}
	spin_lock_irqsave(&heap_lock, flags);
	first = (s->base - a->base) >> GOALLOC_PAGE_SHIFT;
	if (s->npages == 1)
		__clear_bit(first, a->used);
	else
		bitmap_clear(a->used, first, s->npages);
	a->nfree += s->npages;
	a->first_free = min(a->first_free, first);
	if (goalloc_heap_node_full(a->nid))
		WRITE_ONCE(heap_node_short[a->nid], jiffies);
	arena_summarize_free(a, first, s->npages);
	heap_stats.inuse -= bytes;
	if (a->nfree == a->npages) {
		heap_stats.free_arenas++;
		heap_kick_release();
	}
	spin_unlock_irqrestore(&heap_lock, flags);
}

/**
 * goalloc_heap_map() - publish a made span in the page map
 * @s: the span
 */
void goalloc_heap_map(struct goalloc_span *s)
{
	/* A span never crosses a 4 MiB slot: its chunk is aligned, at most 4 MiB. */
	map_set(s->base, s->npages, s);
}

/**
 * goalloc_heap_unmap() - take a span out of the page map
 * @s: the span
 *
 * After this, goalloc_span_of() no longer finds @s: its pages map to
 * goalloc_unused_span while they stay in their arena, to
 * goalloc_empty_span if they are a chunk of their own, about to go back.
 */
void goalloc_heap_unmap(struct goalloc_span *s)
{
	map_set(s->base, s->npages,
		s->arena ? &goalloc_unused_span : &goalloc_empty_span);
}

/**
 * goalloc_heap_release() - give free arenas back to the page allocator
 * @keep: free arenas to keep
 *
 * Return: bytes given back.
 */
unsigned long goalloc_heap_release(unsigned int keep)
{
	struct goalloc_arena *a, *tmp;
	unsigned long flags, bytes = 0;
	LIST_HEAD(victims);
	int nid;

	spin_lock_irqsave(&heap_lock, flags);
	for_each_node(nid) {
		list_for_each_entry_safe_reverse(a, tmp, &heap_arenas[nid], list) {
			if (heap_stats.free_arenas <= keep)
				break;
			if (a->nfree != a->npages)
				continue;
			list_move(&a->list, &victims);
			map_set(a->base, a->npages, &goalloc_empty_span);
			heap_stats.free_arenas--;
			heap_stats.arenas--;
			heap_stats.arena_releases++;
			heap_stats.sys -= PAGE_SIZE << a->order;
			heap_stats.released += PAGE_SIZE << a->order;
			bytes += PAGE_SIZE << a->order;
		}
	}
	spin_unlock_irqrestore(&heap_lock, flags);

	list_for_each_entry_safe(a, tmp, &victims, list) {
		trace_goalloc_arena_free(a->base, PAGE_SIZE << a->order);
		goalloc_pages_free((void *)a->base, a->order);
		kfree(a);
	}
	return bytes;
}

/**
 * goalloc_heap_release_background() - one run of the background release
 *
 * Gives back the free arenas beyond goalloc_arena_reserve and counts the
 * run.  Process context; the caches have drained first (goalloc.c).
 *
 * Return: bytes given back.
 */
unsigned long goalloc_heap_release_background(void)
{
	unsigned long bytes, flags;

	bytes = goalloc_heap_release(READ_ONCE(goalloc_arena_reserve));
	spin_lock_irqsave(&heap_lock, flags);
	heap_stats.release_runs++;
	heap_stats.release_bytes += bytes;
	spin_unlock_irqrestore(&heap_lock, flags);
	return bytes;
}

/**
 * goalloc_heap_read_stats() - a snapshot of the heap's statistics
 * @st: filled in
 */
void goalloc_heap_read_stats(struct goalloc_heap_stats *st)
{
	unsigned long flags;

	spin_lock_irqsave(&heap_lock, flags);
	*st = heap_stats;
	spin_unlock_irqrestore(&heap_lock, flags);
}

/**
 * goalloc_heap_init() - set up the heap and the page map
 *
 * Return: 0 or -ENOMEM.
 */
int goalloc_heap_init(void)
{
	unsigned long i;
	int nid;

	for (nid = 0; nid < MAX_NUMNODES; nid++)
		INIT_LIST_HEAD(&heap_arenas[nid]);
	goalloc_map_base = PAGE_OFFSET;
	goalloc_map_limit = 1UL << MAX_PHYSMEM_BITS;
	map_l1_entries = goalloc_map_limit >>
		(GOALLOC_ARENA_SHIFT + GOALLOC_MAP_L2_BITS);
	goalloc_map_l1 = kvmalloc_array(map_l1_entries, sizeof(*goalloc_map_l1),
					GFP_KERNEL);
	if (!goalloc_map_l1)
		return -ENOMEM;
	for (i = 0; i < map_l1_entries; i++)
		goalloc_map_l1[i] = goalloc_map_empty_l2;
	for (i = 0; i < GOALLOC_MAP_L2_ENTRIES; i++)
		goalloc_map_empty_l2[i] = &goalloc_map_empty_leaf;
	for (i = 0; i < GOALLOC_ARENA_PAGES; i++)
		goalloc_map_empty_leaf.spans[i] = &goalloc_empty_span;
	return 0;
}

/**
 * goalloc_heap_exit() - give everything back; every span must be gone
 */
void goalloc_heap_exit(void)
{
	unsigned long i, j;

	goalloc_heap_release(0);
	for (i = 0; i < map_l1_entries; i++) {
		struct goalloc_map_leaf **l2 = goalloc_map_l1[i];

		if (l2 == goalloc_map_empty_l2)
			continue;
		for (j = 0; j < GOALLOC_MAP_L2_ENTRIES; j++)
			if (l2[j] != &goalloc_map_empty_leaf)
				kfree(l2[j]);
		kfree(l2);
	}
	kvfree(goalloc_map_l1);
}
