/* SPDX-License-Identifier: GPL-2.0 */
/*
 * goalloc spans: Go's mspan, with explicit free.
 *
 * A span is a run of 8 KiB goalloc pages cut into objects of one size (or,
 * for a large object, holding just that one).  A request of up to
 * GOALLOC_MAX_SMALL_SIZE bytes is rounded up to one of Go's 67 small size
 * classes (include/goalloc_sizeclasses.h, generated); a cache made by a
 * user is a size class of its own with the same kind of span.  The size
 * lookups are table reads and shifts, and the object index of an address
 * in a span is a multiply and a shift: no division on any hot path.
 *
 * Allocation state, as in Go:
 *  - alloc_bits: one bit an object, 1 = allocated as of the last sweep;
 *  - freeindex: every object below it is allocated; the search for a free
 *    object starts there;
 *  - alloc_cache: the inverted alloc_bits of the 64-bit word holding
 *    freeindex, shifted so that bit 0 is freeindex: ctz() finds the next
 *    free object (Go's nextFreeFast).
 * Go never frees; goalloc does, so a span also has
 *  - free_bits: objects freed since the last sweep, and free_count;
 *  - the sweep (goalloc_span_sweep()), which folds free_bits into
 *    alloc_bits and rewinds freeindex to the first free object.
 *
 * Who owns what (the lock order is in goalloc.c):
 *  - base, npages, elemsize, divmagic, nelems, cache, kind: set when the
 *    span is made, constant while it lives;
 *  - alloc_cache, freeindex, alloc_count: the CPU whose per-CPU cache holds
 *    the span (under that CPU's local lock); the cache's central lock while
 *    no CPU holds it;
 *  - alloc_bits: written only by the sweep, under the central lock;
 *  - free_bits, free_count, state and list: the central lock;
 *  - rcu_bits, rcu_pending and limit: the central lock (limit is read
 *    without it, by the fast paths); a large span's state goes from FULL
 *    to RCU and back by compare-and-exchange.
 * An object is live when it is below freeindex or set in alloc_bits, and
 * not set in free_bits; objects waiting in per-CPU arrays are live, and
 * so are those waiting in goalloc_free_rcu().
 */
#ifndef _GOALLOC_SPAN_H
#define _GOALLOC_SPAN_H

#include <linux/bitops.h>
#include <linux/compiler.h>
#include <linux/list.h>
#include <linux/math.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

#include "goalloc_sizeclasses.h"

/**
 * goalloc_size_to_class() - the size class that serves a small request
 * @size: bytes requested, 1 to GOALLOC_MAX_SMALL_SIZE
 *
 * Return: the smallest class whose objects hold @size bytes (never 0 for
 * sizes in range).
 */
static __always_inline unsigned int goalloc_size_to_class(size_t size)
{
	if (size <= GOALLOC_SMALL_SIZE_MAX - GOALLOC_SMALL_SIZE_DIV)
		return goalloc_size_to_class8[DIV_ROUND_UP(size,
					GOALLOC_SMALL_SIZE_DIV)];
	return goalloc_size_to_class128[DIV_ROUND_UP(size - GOALLOC_SMALL_SIZE_MAX,
					GOALLOC_LARGE_SIZE_DIV)];
}

/**
 * goalloc_class_objects() - objects in one span of a size class
 * @class: a small size class, 1 to GOALLOC_NUM_SIZE_CLASSES - 1
 *
 * Return: how many objects fit in the class's span.  This divides, so it
 * belongs on slow paths (span set-up, statistics) only.
 */
static inline unsigned int goalloc_class_objects(unsigned int class)
{
	return (goalloc_class_to_npages[class] << GOALLOC_PAGE_SHIFT) /
		goalloc_class_to_size[class];
}

/**
 * goalloc_obj_index() - index of the object that holds a span offset
 * @offset: byte offset from the start of the span
 * @divmagic: the class's goalloc_class_to_divmagic[] entry
 *
 * Go's multiply-and-shift: exact for every offset inside a span of the
 * class, as tools/mksizeclasses.py and the KUnit suite check.
 *
 * Return: @offset / object size.
 */
static __always_inline unsigned int goalloc_obj_index(unsigned long offset,
						      u32 divmagic)
{
	return (u32)(((u64)offset * divmagic) >> 32);
}

struct goalloc_cache;
struct goalloc_arena;

enum goalloc_span_kind {
	GOALLOC_SPAN_SMALL,	/* objects of a cache */
	GOALLOC_SPAN_LARGE,	/* one large object, in arena pages */
	GOALLOC_SPAN_CHUNK,	/* one large object, in pages of its own */
};

enum goalloc_span_state {
	GOALLOC_SPAN_CACHED,	/* held by a CPU's cache */
	GOALLOC_SPAN_PARTIAL,	/* on the central partial list */
	GOALLOC_SPAN_FULL,	/* on the central full list */
	GOALLOC_SPAN_EMPTY,	/* on the central empty list */
	GOALLOC_SPAN_DEAD,	/* leaving: no list, no CPU */
	GOALLOC_SPAN_RCU,	/* a large object waiting in goalloc_free_rcu() */
};

/**
 * struct goalloc_tiny_block - bookkeeping of one 16-byte tiny block
 * @word: bits 0-15 mark objects freed; bits 32 and up count the live
 *	objects plus a bias held while a CPU still carves the block.  Frees,
 *	from any CPU, change it with one compare-and-exchange.
 * @starts: bit n marks an object starting at byte n
 * @ends: bit n marks an object ending at byte n
 *
 * @starts and @ends are written only by the CPU carving the block, with
 * plain stores: a tiny allocation has no atomic.
 */
struct goalloc_tiny_block {
	atomic_long_t word;
	u16 starts;
	u16 ends;
};

#define GOALLOC_TINY_LIVE_SHIFT	32
#define GOALLOC_TINY_BIAS	BIT(16)

/**
 * struct goalloc_obj_debug - what a debug cache keeps about one object
 * @size: bytes asked for at the last allocation; the rest of the object
 *	is its red zone
 * @alloc_stack: stack depot handle of the last allocation, or 0
 * @free_stack: stack depot handle of the last free, or 0
 *
 * Written under the cache's central lock, as the span's bitmaps are.
 */
struct goalloc_obj_debug {
	u32 size;
	u32 alloc_stack;
	u32 free_stack;
};

/* Per-object metadata a span may carry beside its objects. */
enum goalloc_span_side {
	GOALLOC_SIDE_NONE,
	GOALLOC_SIDE_TINY,	/* tiny blocks: struct goalloc_tiny_block */
	GOALLOC_SIDE_DEBUG,	/* debug caches: struct goalloc_obj_debug */
};

/**
 * struct goalloc_span - a run of goalloc pages holding objects of one size
 * @base: address of the first object
 * @npages: goalloc pages (8 KiB) in the span
 * @elemsize: object size (for a large object: the whole span)
 * @divmagic: Go's division magic for @elemsize
 * @nelems: objects in the span
 * @limit: @nelems * @elemsize for a span of a cache whose objects are
 *	freed through the per-CPU arrays, offsets below it being inside
 *	objects; 0 for large and tiny spans, and while an object of the span
 *	waits in goalloc_free_rcu(), so that goalloc_span_obj_start() sends
 *	their frees down the slow path (which refuses that object)
 * @kind: &enum goalloc_span_kind
 * @state: &enum goalloc_span_state
 * @needzero: the span's memory may hold old data (Go's span.needzero)
 * @nid: NUMA node of the memory
 * @cache: the cache the span belongs to (NULL for large objects)
 * @arena: the arena holding the pages (NULL for a chunk of its own)
 * @alloc_cache: inverted alloc bits from @freeindex (see the top)
 * @freeindex: objects below are allocated
 * @alloc_count: live objects as of the last sweep plus those taken since
 * @free_count: bits set in @free_bits
 * @list: central partial, full or empty list
 * @rcu: defers the release of a span of a %GOALLOC_TYPESAFE_BY_RCU cache,
 *	then the freeing of every span descriptor (goalloc_span_destroy())
 * @tiny: per-object tiny-block bookkeeping, for the tiny cache's spans
 * @debug: per-object debug records, for the spans of debug caches
 * @side: either of the two, or NULL
 * @rcu_pending: objects of the span waiting in goalloc_free_rcu()
 * @rcu_bits: which, one bit an object
 * @free_bits: objects freed since the last sweep
 * @alloc_bits: objects allocated as of the last sweep (@nelems bits,
 *	followed in the same allocation by @free_bits)
 */
struct goalloc_span {
	unsigned long base;
	unsigned int npages;
	unsigned int elemsize;
	u32 divmagic;
	u32 limit;
	u16 nelems;
	u8 kind;
	u8 state;
	bool needzero;
	int nid;
	struct goalloc_cache *cache;
	struct goalloc_arena *arena;

	u64 alloc_cache;
	unsigned int freeindex;
	unsigned int alloc_count;

	unsigned int free_count;
	struct list_head list;
	struct rcu_head rcu;
	union {
		struct goalloc_tiny_block *tiny;
		struct goalloc_obj_debug *debug;
		void *side;
	};
	unsigned int rcu_pending;
	unsigned long *rcu_bits;
	unsigned long *free_bits;
	unsigned long alloc_bits[];
};

/*
 * Two always-exhausted spans with no objects (nelems 0, limit 0), which no
 * free takes for a span of objects: a CPU cache holds goalloc_empty_span
 * instead of NULL, and the page map has it for memory that is not
 * goalloc's; it has goalloc_unused_span for the pages of an arena that are
 * in no span, so that a free of a pointer there (a double free after its
 * span went back to the heap) is told from one of foreign memory.
 */
extern struct goalloc_span goalloc_empty_span;
extern struct goalloc_span goalloc_unused_span;

/**
 * goalloc_span_next_free_fast() - Go's nextFreeFast
 * @s: a span held by this CPU's cache
 *
 * Takes the next free object from @s->alloc_cache: a ctz, a compare and
 * a multiply.  Fails when the cached 64-bit word is used up (or would be),
 * leaving the move to the next word to goalloc_span_next_free().
 *
 * Return: the object, or NULL.
 */
static __always_inline void *goalloc_span_next_free_fast(struct goalloc_span *s)
{
	u64 cache = s->alloc_cache;
	unsigned int bit, idx;

	if (unlikely(!cache))
		return NULL;
	bit = __ffs64(cache);
	idx = s->freeindex + bit;
	/*
	 * Past the span's end, or the last object of the cached word: the
	 * slow path moves on (Go's nextFreeFast declines the latter too).
	 */
	if (unlikely(idx >= s->nelems || ((idx + 1) & 63) == 0))
		return NULL;
	s->alloc_cache = cache >> (bit + 1);
	s->freeindex = idx + 1;
	s->alloc_count++;
	return (void *)(s->base + (unsigned long)idx * s->elemsize);
}

/**
 * goalloc_span_obj_index() - index of the object holding an address
 * @s: the span
 * @p: an address inside @s
 *
 * Return: the object index.
 */
static __always_inline unsigned int goalloc_span_obj_index(const struct goalloc_span *s,
							   const void *p)
{
	return goalloc_obj_index((unsigned long)p - s->base, s->divmagic);
}

/**
 * goalloc_span_obj_start() - is an address the start of one of the objects?
 * @s: the span
 * @p: any address
 *
 * Return: true if @p is the first byte of an object of @s.
 */
static __always_inline bool goalloc_span_obj_start(const struct goalloc_span *s,
						   const void *p)
{
	unsigned long off = (unsigned long)p - s->base;

	/*
	 * off * divmagic is index * 2^32 plus a fraction: off / size's.  At
	 * an object's start the fraction is index * (divmagic * size - 2^32),
	 * under divmagic for every span of up to 128 KiB of objects of up to
	 * 32 KiB (tools/mksizeclasses.py's exactness bound); anywhere else it
	 * is at least divmagic.  A span of one object has divmagic 1.
	 */
	return off < s->limit && (u32)(off * s->divmagic) < s->divmagic;
}

/**
 * goalloc_span_obj_at() - goalloc_span_obj_start(), whatever @s->limit is
 * @s: a span of objects
 * @p: any address
 *
 * For slow paths, which also see spans whose limit is 0 for now.
 *
 * Return: true if @p is the first byte of an object of @s.
 */
static inline bool goalloc_span_obj_at(const struct goalloc_span *s,
				       const void *p)
{
	unsigned long off = (unsigned long)p - s->base;

	return off < (unsigned long)s->nelems * s->elemsize &&
	       (u32)(off * s->divmagic) < s->divmagic;
}

static inline bool goalloc_span_obj_live(const struct goalloc_span *s,
					 unsigned int idx)
{
	if (test_bit(idx, s->free_bits))
		return false;
	return test_bit(idx, s->alloc_bits) || idx < READ_ONCE(s->freeindex);
}

static inline unsigned int goalloc_span_live(const struct goalloc_span *s)
{
	return s->alloc_count - s->free_count;
}

struct goalloc_span *goalloc_span_create(struct goalloc_cache *cache,
					 unsigned int elemsize,
					 unsigned int npages,
					 enum goalloc_span_side side,
					 gfp_t gfp, int nid);
void goalloc_span_destroy(struct goalloc_span *s);
void *goalloc_span_next_free(struct goalloc_span *s);
void goalloc_span_sweep(struct goalloc_span *s);

#endif /* _GOALLOC_SPAN_H */
