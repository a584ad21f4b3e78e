// SPDX-License-Identifier: GPL-2.0
/*
 * goalloc spans: making and unmaking them, Go's nextFreeIndex and the
 * sweep that folds explicit frees back into a span's allocation bitmap.
 * The state a span keeps and who owns each part are described at the top
 * of goalloc_span.h; the fast path, goalloc_span_next_free_fast(), is
 * inline there.
 *
 * Nothing here takes a lock: the callers hold the central lock or the
 * owning CPU's local lock as goalloc_span.h says.  Pages come from the heap
 * (goalloc_heap.c) and metadata from kmalloc, both outside the span's
 * memory.
 */
#include <linux/bitmap.h>
#include <linux/kmemleak.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "goalloc_heap.h"

struct goalloc_span goalloc_empty_span = {
	.state = GOALLOC_SPAN_DEAD,
};

struct goalloc_span goalloc_unused_span = {
	.state = GOALLOC_SPAN_DEAD,
};

/* Load alloc_cache for the word holding freeindex. */
static void span_refill_alloc_cache(struct goalloc_span *s)
{
	unsigned int i = s->freeindex;

	if (i >= s->nelems) {
		s->alloc_cache = 0;
		return;
	}
	s->alloc_cache = ~(u64)s->alloc_bits[i / BITS_PER_LONG] >>
			 (i % BITS_PER_LONG);
}

/**
 * goalloc_span_create() - make a span: metadata, then pages from the heap
 * @cache: the owning cache, or NULL for a large object
 * @elemsize: object size
 * @npages: goalloc pages
 * @side: the per-object metadata the span needs (&enum goalloc_span_side)
 * @gfp: the caller's allocation flags
 * @nid: NUMA node, or NUMA_NO_NODE
 *
 * The span is not yet in the page map: the caller runs constructors, then
 * publishes it with goalloc_heap_map().
 *
 * Return: the span, or NULL when memory is short.
 */
struct goalloc_span *goalloc_span_create(struct goalloc_cache *cache,
					 unsigned int elemsize,
					 unsigned int npages,
					 enum goalloc_span_side side,
					 gfp_t gfp, int nid)
{
	static const size_t side_size[] = {
		[GOALLOC_SIDE_TINY] = sizeof(struct goalloc_tiny_block),
		[GOALLOC_SIDE_DEBUG] = sizeof(struct goalloc_obj_debug),
	};
	bool tiny = side == GOALLOC_SIDE_TINY;
	unsigned long bytes = (unsigned long)npages << GOALLOC_PAGE_SHIFT;
	unsigned int nelems = bytes / elemsize, words;
	gfp_t meta_gfp = gfp & ~(__GFP_ZERO | __GFP_THISNODE);
	struct goalloc_span *s;

	gfp &= ~__GFP_ZERO;
	words = BITS_TO_LONGS(nelems);
	/*
	 * Not kzalloc: the fields are set below, and only the bitmaps cleared.
	 * __GFP_THISNODE is for the pages (goalloc_heap_alloc()), not this.
	 */
	s = kmalloc_node(struct_size(s, alloc_bits, 3 * words), meta_gfp,
			 nid == NUMA_NO_NODE ? numa_mem_id() : nid);
	if (!s)
		return NULL;
	s->side = NULL;
	if (side == GOALLOC_SIDE_NONE) {
		/*
		 * kmemleak must not take @base for a reference to the span's
		 * first object: the span (found through the page map) is not
		 * scanned.
		 */
		kmemleak_no_scan(s);
	} else {
		s->side = kcalloc(nelems, side_size[side], meta_gfp);
		if (!s->side)
			goto fail;
		/*
		 * Nor @base here; but the span is the only reference to its
		 * per-object records, so kmemleak scans @side alone (all of
		 * the span, should it find no memory for that, which could
		 * hide a leak of the first object but reports none falsely).
		 * The records hold no pointers.
		 */
		kmemleak_scan_area(&s->side, sizeof(s->side), meta_gfp);
		kmemleak_no_scan(s->side);
	}
	bitmap_zero(s->alloc_bits, 3 * words * BITS_PER_LONG);
	s->freeindex = 0;
	s->alloc_count = 0;
	s->free_count = 0;
	s->kind = GOALLOC_SPAN_SMALL;
	s->needzero = false;
	s->npages = npages;
	s->elemsize = elemsize;
	/* One object: index 0 everywhere, and only offset 0 starts it. */
	s->divmagic = nelems == 1 ? 1 : (u32)(U32_MAX / elemsize + 1);
	s->nelems = nelems;
	s->limit = cache && !tiny ? nelems * elemsize : 0;
	s->cache = cache;
	s->state = GOALLOC_SPAN_DEAD;
	s->free_bits = s->alloc_bits + words;
	s->rcu_bits = s->alloc_bits + 2 * words;
	s->rcu_pending = 0;
	INIT_LIST_HEAD(&s->list);
	if (!cache)
		s->kind = npages >= GOALLOC_CHUNK_PAGES ? GOALLOC_SPAN_CHUNK :
							  GOALLOC_SPAN_LARGE;
	if (goalloc_heap_alloc(s, gfp, nid))
		goto fail;
	span_refill_alloc_cache(s);
	return s;
fail:
	kfree(s->side);
	kfree(s);
	return NULL;
}

static void span_meta_free(struct rcu_head *head)
{
	struct goalloc_span *s = container_of(head, struct goalloc_span, rcu);

	kfree(s->side);
	kfree(s);
}

/**
 * goalloc_span_destroy() - give a span's pages back and free it
 * @s: a span out of the page map and of every list
 *
 * The pages go back to the heap now; the descriptor and its side array
 * an RCU grace period later, so that a free that looked @s up in the page
 * map just before it left (a double free, a stale pointer) reads a dead
 * span, never freed memory.  The caller's module must rcu_barrier()
 * before it goes.
 */
void goalloc_span_destroy(struct goalloc_span *s)
{
	goalloc_heap_free(s);
	call_rcu(&s->rcu, span_meta_free);
}

/**
 * goalloc_span_next_free() - Go's nextFreeIndex: the next free object
 * @s: a span owned by the caller (a CPU's cache or the central lock)
 *
 * Moves on to the next 64-bit word of alloc_bits when alloc_cache is used
 * up.
 *
 * Return: the object, or NULL when the span has no free object left
 * (frees since its last sweep are found only by the next sweep).
 */
void *goalloc_span_next_free(struct goalloc_span *s)
{
	while (s->freeindex < s->nelems) {
		u64 cache = s->alloc_cache;
		unsigned int idx;

		if (!cache) {
			/* This word is used up: load the next. */
			s->freeindex = (s->freeindex | (BITS_PER_LONG - 1)) + 1;
			span_refill_alloc_cache(s);
			continue;
		}
		idx = s->freeindex + __ffs64(cache);
		if (idx >= s->nelems)
			break;
		s->freeindex = idx + 1;
		s->alloc_count++;
		if (s->freeindex % BITS_PER_LONG == 0)
			span_refill_alloc_cache(s);
		else
			s->alloc_cache = cache >> (__ffs64(cache) + 1);
		return (void *)(s->base + (unsigned long)idx * s->elemsize);
	}
	s->freeindex = s->nelems;
	s->alloc_cache = 0;
	return NULL;
}

/**
 * goalloc_span_sweep() - fold explicit frees into the allocation state
 * @s: a span no CPU is allocating from, under its cache's central lock
 *
 * Objects taken since the last sweep (below freeindex) become allocated
 * bits, objects freed since become free bits, and freeindex rewinds to the
 * first free object: Go only moves forward, goalloc goes back to reuse
 * what was freed while it is still warm.
 */
void goalloc_span_sweep(struct goalloc_span *s)
{
	if (s->freeindex)
		bitmap_set(s->alloc_bits, 0, s->freeindex);
	if (s->free_count) {
		bitmap_andnot(s->alloc_bits, s->alloc_bits, s->free_bits,
			      s->nelems);
		bitmap_zero(s->free_bits, s->nelems);
		s->alloc_count -= s->free_count;
		s->free_count = 0;
		s->needzero = true;
	}
	s->freeindex = find_first_zero_bit(s->alloc_bits, s->nelems);
	span_refill_alloc_cache(s);
}
