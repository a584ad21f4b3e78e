/* SPDX-License-Identifier: GPL-2.0 */
/*
 * goalloc's page heap: Go's mheap and pageAlloc, in arenas from the buddy
 * allocator.  See goalloc_heap.c for the design.
 */
#ifndef _GOALLOC_HEAP_H
#define _GOALLOC_HEAP_H

#include <linux/bits.h>
#include <linux/gfp.h>
#include <linux/types.h>

#include "goalloc_span.h"

/* An arena: 4 MiB, naturally aligned, 512 goalloc pages. */
#define GOALLOC_ARENA_SHIFT	22
#define GOALLOC_ARENA_SIZE	BIT(GOALLOC_ARENA_SHIFT)
#define GOALLOC_ARENA_PAGES	(GOALLOC_ARENA_SIZE >> GOALLOC_PAGE_SHIFT)
/* Kernel page order of an arena and of one goalloc page. */
#define GOALLOC_ARENA_ORDER	(GOALLOC_ARENA_SHIFT - PAGE_SHIFT)
#define GOALLOC_PAGE_ORDER	(GOALLOC_PAGE_SHIFT - PAGE_SHIFT)
/* Large objects of half an arena or more get pages of their own. */
#define GOALLOC_CHUNK_PAGES	(GOALLOC_ARENA_PAGES / 2)

/*
 * The page map: goalloc page -> span, in a radix tree indexed by physical
 * address, read without locks.  A leaf covers one 4 MiB slot.
 */
struct goalloc_map_leaf {
	struct goalloc_span *spans[GOALLOC_ARENA_PAGES];
};

#define GOALLOC_MAP_L2_BITS	12
#define GOALLOC_MAP_L2_ENTRIES	BIT(GOALLOC_MAP_L2_BITS)

extern struct goalloc_map_leaf ***goalloc_map_l1;
extern struct goalloc_map_leaf *goalloc_map_empty_l2[GOALLOC_MAP_L2_ENTRIES];
extern struct goalloc_map_leaf goalloc_map_empty_leaf;
extern unsigned long goalloc_map_limit;
extern unsigned long goalloc_map_base;

/**
 * goalloc_span_lookup() - the span holding an address (Go's spanOf)
 * @p: any address
 *
 * Three dependent loads, no lock and no branch on the way: missing nodes
 * are shared empty ones, a page of an arena in no span maps to
 * &goalloc_unused_span, and any other page with no span to
 * &goalloc_empty_span.
 *
 * Return: the in-use span holding @p, or one of the two.
 */
static __always_inline struct goalloc_span *goalloc_span_lookup(const void *p)
{
	unsigned long off = (unsigned long)p - goalloc_map_base;
	struct goalloc_map_leaf **l2, *leaf;

	if (unlikely(off >= goalloc_map_limit))
		return &goalloc_empty_span;
	l2 = READ_ONCE(goalloc_map_l1[off >> (GOALLOC_ARENA_SHIFT +
					      GOALLOC_MAP_L2_BITS)]);
	leaf = READ_ONCE(l2[(off >> GOALLOC_ARENA_SHIFT) &
			    (GOALLOC_MAP_L2_ENTRIES - 1)]);
	return READ_ONCE(leaf->spans[(off >> GOALLOC_PAGE_SHIFT) &
				     (GOALLOC_ARENA_PAGES - 1)]);
}

/**
 * goalloc_span_of() - the span holding an address, if any
 * @p: any address
 *
 * Return: the in-use span holding @p, or NULL if no span of goalloc's holds
 * it (neither sentinel has objects).
 */
static __always_inline struct goalloc_span *goalloc_span_of(const void *p)
{
	struct goalloc_span *s = goalloc_span_lookup(p);

	return s->nelems ? s : NULL;
}

/**
 * struct goalloc_heap_stats - what the heap holds, in bytes
 * @sys: held from the page allocator (arenas and chunks)
 * @inuse: in spans
 * @released: given back to the page allocator, ever
 * @arenas: arenas held
 * @free_arenas: arenas with no span
 * @chunks: large objects in pages of their own
 * @arena_grows: arenas taken from the page allocator, ever
 * @arena_releases: arenas given back, ever
 * @fallbacks: arenas smaller than 4 MiB taken when 4 MiB was not to be had
 * @release_runs: runs of the background release, ever
 * @release_bytes: bytes the background release gave back, ever
 */
struct goalloc_heap_stats {
	unsigned long sys;
	unsigned long inuse;
	unsigned long released;
	unsigned long arenas;
	unsigned long free_arenas;
	unsigned long chunks;
	unsigned long arena_grows;
	unsigned long arena_releases;
	unsigned long fallbacks;
	unsigned long release_runs;
	unsigned long release_bytes;
};

/* The page supply, goalloc_pages.c: the only caller of alloc_pages. */
void *goalloc_pages_alloc(unsigned int order, gfp_t gfp, int nid, bool *zeroed);
void goalloc_pages_free(void *addr, unsigned int order);
int goalloc_pages_nid(const void *addr);

int goalloc_heap_init(void);
void goalloc_heap_exit(void);
int goalloc_heap_alloc(struct goalloc_span *s, gfp_t gfp, int nid);
void goalloc_heap_free(struct goalloc_span *s);
void goalloc_heap_map(struct goalloc_span *s);
void goalloc_heap_unmap(struct goalloc_span *s);
unsigned long goalloc_heap_release(unsigned int keep);
bool goalloc_heap_release_wanted(void);
bool goalloc_heap_node_full(int nid);
unsigned long goalloc_heap_release_background(void);
void goalloc_heap_read_stats(struct goalloc_heap_stats *st);

/* How many free arenas the background release keeps (module parameter). */
extern unsigned int goalloc_arena_reserve;

#endif /* _GOALLOC_HEAP_H */
