/* SPDX-License-Identifier: GPL-2.0 */
/*
 * goalloc's internal header, shared by the files of the module above the
 * heap (see the overview and the file map at the top of goalloc.c): the
 * structures of a cache, its event counters, the data more than one file
 * reads, the inline gates the fast paths test before they call out of
 * line (debug caches, KASAN, kmemleak, init_on_alloc/free, the free
 * marker), and the functions one file offers another.  Nothing here is
 * goalloc's API: that is include/goalloc.h.
 */
#ifndef _GOALLOC_INTERNAL_H
#define _GOALLOC_INTERNAL_H

#include <linux/jump_label.h>
#include <linux/kasan.h>
#include <linux/kmemleak.h>
#include <linux/local_lock.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>

#include <goalloc.h>

#include "goalloc_heap.h"
#include "goalloc_kcompat.h"

/* Per-CPU array capacity: about 64 KiB of objects, 4 to 64 of them. */
#define GOALLOC_ARRAY_BYTES	65536
#define GOALLOC_ARRAY_MIN	4
#define GOALLOC_ARRAY_MAX	64
/* Empty spans a cache keeps for reuse: about 32 KiB, 2 to 4 spans. */
#define GOALLOC_EMPTY_BYTES	(32 << 10)
#define GOALLOC_EMPTY_MIN	2
#define GOALLOC_EMPTY_MAX	4
/* Internal: the tiny allocator's cache, which goalloc.debug leaves alone. */
#define GOALLOC_TINY_CACHE	0x8000U
/* Internal: a cache of the malloc family, one per size class. */
#define GOALLOC_KMALLOC_CACHE	0x4000U
/*
 * What a cache counts, per CPU, in the spirit of SLUB_STATS but always on:
 * summed when debugfs reads them, so counting needs no atomic.  The fast
 * paths count only what they count anyway, one increment for each object
 * (allocations are ARRAY_POP + SPAN_FAST + ALLOC_SLOW, frees FREE_FAST +
 * PUSH_SLOW + FREE_SLOW - FREE_DOUBLE); they and PUSH_SLOW are written
 * under the CPU's local lock, every other one with this_cpu_inc().
 */
enum goalloc_event {
	GOALLOC_EV_ARRAY_POP,		/* allocated from the CPU's array */
	GOALLOC_EV_SPAN_FAST,		/* allocated by nextFreeFast */
	GOALLOC_EV_ALLOC_SLOW,		/* allocated past the fast path */
	GOALLOC_EV_FREE_FAST,		/* freed on the array, fast path */
	GOALLOC_EV_PUSH_SLOW,		/* freed on the array, slow path */
	GOALLOC_EV_FREE_SLOW,		/* freed straight to the spans */
	GOALLOC_EV_FREE_DOUBLE,		/* pushed frees a flush found double */
	GOALLOC_EV_REFILL,		/* the CPU's span used up */
	GOALLOC_EV_FLUSH,		/* arrays flushed to the spans */
	GOALLOC_EV_SWEEP,		/* spans swept */
	GOALLOC_EV_SPAN_GROW,		/* spans taken from the heap */
	GOALLOC_EV_SPAN_RELEASE,	/* spans given back to the heap */
	GOALLOC_EV_DRAIN,		/* a CPU's part drained */
	GOALLOC_NR_EVENTS
};

/**
 * struct goalloc_cpu_cache - one CPU's part of a cache (Go's mcache entry)
 * @lock: guards the rest on this CPU; IRQs are off while it is held
 * @count: objects in @objects
 * @span: the span allocated from, or &goalloc_empty_span
 * @ev: event counts on this CPU, ever (&enum goalloc_event)
 * @objects: LIFO of freed objects, in @objects[1] to @objects[@count],
 *	the most recent last; @objects[0] stays NULL, so that the top,
 *	@objects[@count], can be read (for the double-free check) unguarded
 */
struct goalloc_cpu_cache {
	local_lock_t lock;
	unsigned int count;
	struct goalloc_span *span;
	unsigned long ev[GOALLOC_NR_EVENTS];
	void *objects[];
};

/**
 * struct goalloc_tiny_cpu - one CPU's tiny allocator (Go's mcache.tiny)
 * @block: the block being carved, or 0
 * @meta: bookkeeping of @block
 * @off: bytes of @block carved so far (Go's tinyoffset)
 * @carved: objects carved from @block
 * @allocs: tiny objects allocated on this CPU, ever
 * @frees: tiny objects freed on this CPU, ever
 *
 * Once per CPU, beside the tiny cache's per-CPU part, under the same
 * local lock (but @frees, counted with this_cpu_inc()).
 */
struct goalloc_tiny_cpu {
	unsigned long block;
	struct goalloc_tiny_block *meta;
	unsigned int off;
	unsigned int carved;
	unsigned long allocs;
	unsigned long frees;
};

/**
 * struct goalloc_central - a cache's spans that no CPU holds (Go's mcentral)
 * @lock: guards the lists and the central part of their spans
 * @partial: spans with free objects
 * @full: spans without
 * @empty: spans without live objects, kept for reuse (as SLUB keeps
 *	min_partial slabs) until there are too many or the cache is shrunk
 * @nr_empty: spans on @empty
 */
struct goalloc_central {
	spinlock_t lock;	/* see the kernel-doc above */
	struct list_head partial;
	struct list_head full;
	struct list_head empty;
	unsigned long nr_empty;
};

/**
 * struct goalloc_cache - a size class: per-CPU caches and central lists
 * @cpu: the per-CPU part
 * @size: object size, the slot each object takes in a span
 * @object_size: bytes of an object its user may use: @size, or with
 *	%GOALLOC_RED_ZONE the size asked of goalloc_cache_create()
 * @array_max: capacity of each per-CPU array
 * @marker_off: where in a slot the free marker is: 0, or past the object
 *	for caches whose objects keep their bytes while free (a constructor's
 *	state, or what RCU readers of a %GOALLOC_TYPESAFE_BY_RCU cache see)
 * @npages: goalloc pages per span
 * @max_empty: empty spans the central lists keep
 * @flags: GOALLOC_* flags
 * @class: the size class a cache of the malloc family serves, else 0
 * @ctor: constructor, run once per object slot
 * @central: the central lists
 * @list: on goalloc_caches
 * @debugfs: its directory under goalloc/cache/, or NULL
 * @name: for reports and statistics
 */
struct goalloc_cache {
	struct goalloc_cpu_cache __percpu *cpu;
	unsigned int size;
	unsigned int object_size;
	unsigned int array_max;
	unsigned int marker_off;
	unsigned int npages;
	unsigned int max_empty;
	unsigned int flags;
	unsigned int class;
	void (*ctor)(void *obj);
	struct goalloc_central central;
	struct list_head list;
	struct dentry *debugfs;
	char name[GOALLOC_NAME_LEN];
};

/**
 * struct goalloc_pcpu_stats - per-CPU counters of the large allocator
 * @large_allocs: large objects allocated on this CPU, ever
 * @large_frees: large objects freed on this CPU, ever
 * @large_bytes: bytes allocated minus bytes freed on this CPU
 */
struct goalloc_pcpu_stats {
	unsigned long large_allocs;
	unsigned long large_frees;
	long large_bytes;
};

/*
 * The built-in caches: one per size class, and the tiny cache in slot 0
 * (class 0 means "large", which no cache serves).  Defined in goalloc.c,
 * as is the rest of this block unless it says otherwise.
 */
extern struct goalloc_cache *goalloc_kmalloc[GOALLOC_NUM_SIZE_CLASSES];
#define goalloc_tiny_cache	goalloc_kmalloc[0]
DECLARE_PER_CPU(struct goalloc_pcpu_stats, goalloc_stats);
DECLARE_PER_CPU(struct goalloc_tiny_cpu, goalloc_tiny);
/* Create, destroy, draining every cache; the list of every cache. */
extern struct mutex goalloc_caches_mutex;
/*
 * Every cache, the built-in ones first (from load to unload) and the
 * users', for readers in any context.
 */
extern spinlock_t goalloc_caches_lock;
extern struct list_head goalloc_caches;
/* What destroyed caches counted, so that Mallocs and Frees never go down. */
extern unsigned long goalloc_gone_allocs, goalloc_gone_frees;
/* Module exit has begun: nothing may schedule goalloc's work items now. */
extern bool goalloc_exiting;
/* What the shrinker was asked for and gave (bytes), ever (reclaim). */
extern atomic_long_t goalloc_shrink_scans, goalloc_shrink_bytes;
/* The free marker's key (see the marker helpers below). */
extern unsigned long goalloc_marker_key;

/*
 * might_alloc() catches a sleeping allocation from atomic context on
 * kernels built to check (DEBUG_ATOMIC_SLEEP, lockdep); elsewhere all it
 * does is offer to reschedule, a call that would cost the fast path a
 * tenth of its instructions, so goalloc leaves it out there.
 */
static __always_inline void goalloc_might_alloc(gfp_t gfp)
{
	if (IS_ENABLED(CONFIG_DEBUG_ATOMIC_SLEEP) || IS_ENABLED(CONFIG_LOCKDEP))
		might_alloc(gfp);
}

static __always_inline bool
cache_want_init_on_alloc(const struct goalloc_cache *c, gfp_t gfp)
{
	/* SLUB's rule: init_on_alloc spares constructed and RCU objects. */
	if (likely(!want_init_on_alloc(gfp)))
		return false;
	if (c->ctor || (c->flags & GOALLOC_TYPESAFE_BY_RCU))
		return gfp & __GFP_ZERO;
	return true;
}

static __always_inline bool cache_want_init_on_free(const struct goalloc_cache *c)
{
	return want_init_on_free() && !c->ctor &&
	       !(c->flags & GOALLOC_TYPESAFE_BY_RCU);
}

/*
 * A debug cache's free objects hold POISON_FREE; not those with a
 * constructor's state, nor those RCU readers may still look at.
 */
static inline bool cache_poisons(const struct goalloc_cache *c)
{
	return (c->flags & GOALLOC_POISON) && !c->ctor &&
	       !(c->flags & GOALLOC_TYPESAFE_BY_RCU);
}

/*
 * A span found in the page map outside a CPU's locked section may leave
 * it meanwhile, if the pointer was not to a live object (a double free,
 * a stale pointer): its descriptor is freed an RCU grace period after it
 * left (goalloc_span_destroy()), and such a lookup is an RCU reader until
 * it is done with the span.  On kernels without preemption the section
 * is one already (it does not schedule, and TREE_RCU waits for every CPU
 * to), and these cost nothing, leaving the fast paths' tail calls be.
 */
#ifdef CONFIG_PREEMPTION
#define lookup_enter()	rcu_read_lock()
#define lookup_exit()	rcu_read_unlock()
#else
#define lookup_enter()	do { } while (0)
#define lookup_exit()	do { } while (0)
#endif

/* The tiny allocator's cache, whose objects are its 16-byte blocks. */
static __always_inline bool cache_tiny(const struct goalloc_cache *c)
{
	return c->flags & GOALLOC_TINY_CACHE;
}

/* One of goalloc's own caches, which live as long as the module. */
static inline bool cache_builtin(const struct goalloc_cache *c)
{
	return c->flags & (GOALLOC_KMALLOC_CACHE | GOALLOC_TINY_CACHE);
}

/* Count a slow-path event of @c on this CPU. */
#define cache_count(c, event)	this_cpu_inc((c)->cpu->ev[GOALLOC_EV_##event])

#define GOALLOC_DEBUG_FLAGS	(GOALLOC_POISON | GOALLOC_RED_ZONE | \
				 GOALLOC_STORE_USER)
/* Red zone a cache's objects get at least, in bytes. */
#define GOALLOC_RED_ZONE_MIN	8
/* Frames kept of each stack of GOALLOC_STORE_USER. */
#define GOALLOC_STACK_DEPTH	16

/*
 * KASAN and kmemleak must hear of every allocation and free: on kernels
 * with either, every allocation ends in alloc_finish() and every free
 * calls free_hooks().  Elsewhere the fast paths do neither.
 */
#define GOALLOC_HOOKS	(IS_ENABLED(CONFIG_KASAN_GENERIC) || \
			 IS_ENABLED(CONFIG_DEBUG_KMEMLEAK))

/* A debug cache: no per-CPU array or span, every free checked exactly. */
static __always_inline bool cache_debug(const struct goalloc_cache *c)
{
	return c->flags & GOALLOC_DEBUG_FLAGS;
}

#ifdef CONFIG_KASAN_GENERIC
/*
 * Generic KASAN keeps one shadow byte per 8-byte granule: 0 when all of
 * it may be accessed, n when its first n bytes may, a negative code that
 * names the bug otherwise.  The codes are those of mm/kasan/kasan.h,
 * which modules cannot include, so that KASAN's report says
 * slab-use-after-free or slab-out-of-bounds.  Objects start on a granule
 * and their sizes are multiples of it.  The shadow is written with
 * __memset(): KASAN checks a module's own stores, and would report them.
 */
#define GOALLOC_KASAN_GRANULE	BIT(KASAN_SHADOW_SCALE_SHIFT)
#define GOALLOC_KASAN_FREE	0xFB	/* KASAN_SLAB_FREE */
#define GOALLOC_KASAN_REDZONE	0xFC	/* KASAN_SLAB_REDZONE */

static inline void kasan_shadow_set(const void *addr, size_t size, int value)
{
	__memset(kasan_mem_to_shadow(addr), value,
		 size >> KASAN_SHADOW_SCALE_SHIFT);
}

/* @size bytes at @obj may be used, the rest of its @slot is a red zone. */
static inline void goalloc_kasan_alloc(const void *obj, size_t size,
				       size_t slot)
{
	size_t whole = round_down(size, GOALLOC_KASAN_GRANULE);

	kasan_shadow_set(obj, whole, 0);
	if (whole < size) {
		kasan_shadow_set(obj + whole, GOALLOC_KASAN_GRANULE,
				 size - whole);
		whole += GOALLOC_KASAN_GRANULE;
	}
	if (whole < slot)
		kasan_shadow_set(obj + whole, slot - whole,
				 GOALLOC_KASAN_REDZONE);
}

static inline void goalloc_kasan_free(const void *obj, size_t slot)
{
	kasan_shadow_set(obj, slot, GOALLOC_KASAN_FREE);
}
#else
static inline void goalloc_kasan_alloc(const void *obj, size_t size,
				       size_t slot) { }
static inline void goalloc_kasan_free(const void *obj, size_t slot) { }
#endif

/* goalloc itself may touch all of the object: its checks, its zeroing. */
static inline void goalloc_kasan_unpoison(const void *obj, size_t slot)
{
	goalloc_kasan_alloc(obj, slot, slot);
}

/*
 * The free marker.  Every free slot of a cache that is not a debug cache
 * holds goalloc_marker_key, a random odd word drawn at load time, in the
 * word at c->marker_off: written into every slot when its span is made
 * and at every free, cleared (to 0) at every allocation.  A free that
 * finds the marker is a double free, a free of a slot never handed out,
 * or (with a chance of 2^-64 for data its user did not copy from freed
 * memory) a live object whose word happens to hold it: obj_is_free()
 * tells which, exactly, off the fast path.  So the marker only sends
 * frees to that check, and no value a user writes makes goalloc take a
 * live object for a free one.  The key is odd, so that no marker is the
 * address of an 8-byte aligned object, as list heads and back pointers
 * often are.
 *
 * A write to a freed object's marker word (a use after free) can hide a
 * later double free of that object from the default mode, as it can
 * corrupt SLUB's free list; debug caches and KASAN catch the write itself.
 *
 * On a KASAN kernel the marker's word is in freed or red-zone shadow, and
 * goalloc's own accesses to it must not be checked.
 */

#ifdef CONFIG_KASAN_GENERIC
static inline __no_sanitize_address unsigned long marker_read(const void *w)
{
	return READ_ONCE(*(const unsigned long *)w);
}

static inline __no_sanitize_address void marker_write(void *w,
						      unsigned long v)
{
	WRITE_ONCE(*(unsigned long *)w, v);
}
#else
/*
 * Plain accesses, which the compiler may fold into a compare: only a
 * double free on another CPU reads a marker that is being written, and
 * obj_is_free() decides that case under a lock.
 */
static __always_inline unsigned long marker_read(const void *w)
{
	/* Racy only against a double free: see above. */
	return data_race(*(const unsigned long *)w);
}

static __always_inline void marker_write(void *w, unsigned long v)
{
	*(unsigned long *)w = v;
}
#endif

/* Does @obj, a slot of @c, hold the free marker? */
static __always_inline bool obj_marked(const struct goalloc_cache *c,
				       const void *obj)
{
	return marker_read(obj + c->marker_off) == goalloc_marker_key;
}

/* @obj is free: in an array or in its span. */
static __always_inline void obj_mark(const struct goalloc_cache *c, void *obj)
{
	marker_write(obj + c->marker_off, goalloc_marker_key);
}

/* @obj is handed out. */
static __always_inline void obj_unmark(const struct goalloc_cache *c,
				       void *obj)
{
	marker_write(obj + c->marker_off, 0);
}

/*
 * A node argument must be NUMA_NO_NODE or a node number below
 * MAX_NUMNODES: one unsigned compare, so that NUMA_NO_NODE costs nothing.
 */
static __always_inline bool goalloc_node_bad(int node)
{
	return unlikely((unsigned int)(node + 1) > MAX_NUMNODES);
}

/* goalloc_debug.c: reports, debug caches, KASAN and kmemleak bodies. */
void goalloc_count_misuse(void);
void __cold goalloc_report(const char *what, const void *p,
			   const struct goalloc_cache *c, unsigned long ip);
void __cold goalloc_report_unowned(const void *p, const struct goalloc_span *s,
				   const struct goalloc_cache *c,
				   unsigned long ip);
__printf(3, 4) void __cold goalloc_report_arg(unsigned long ip,
					      const char *cache,
					      const char *fmt, ...);
void *goalloc_bad_node(int node, const char *cache, unsigned long ip);
void __cold goalloc_report_rcu_pending(const void *p,
				       const struct goalloc_cache *c,
				       unsigned long ip);
struct goalloc_obj_debug *obj_debug(struct goalloc_span *s, const void *obj);
void __cold debug_report(const char *what, struct goalloc_cache *c,
			 struct goalloc_span *s, const void *obj, long offset);
void debug_init_span(struct goalloc_cache *c, struct goalloc_span *s);
void debug_on_free(struct goalloc_cache *c, struct goalloc_span *s, void *obj);
void *alloc_finish(struct goalloc_cache *c, void *obj, gfp_t gfp, bool dirty,
		   size_t req);
void free_hooks_slow(struct goalloc_cache *c, void *obj);

static __always_inline void free_hooks(struct goalloc_cache *c, void *obj)
{
	if (GOALLOC_HOOKS)
		free_hooks_slow(c, obj);
}

/* goalloc.c: what the files around it call. */
void goalloc_cache_drain(struct goalloc_cache *c);
void goalloc_cache_drain_cpu(struct goalloc_cache *c, int cpu);
bool goalloc_obj_free_now(struct goalloc_cache *c, const void *obj);
void goalloc_free_at(const void *p, unsigned long ip);
const char *goalloc_obj_cache_name(const void *p);

/* goalloc_stats.c: statistics and debugfs. */
struct goalloc_cache_counts {
	unsigned long ev[GOALLOC_NR_EVENTS];
	unsigned long allocs, frees, tiny_allocs, tiny_frees, cpu_objs;
};

void goalloc_cache_sum(struct goalloc_cache *c, struct goalloc_cache_counts *n);
void goalloc_cache_debugfs_add(struct goalloc_cache *c);
void goalloc_cache_debugfs_remove(struct goalloc_cache *c);
void goalloc_debugfs_init(void);
void goalloc_debugfs_exit(void);

/* goalloc_rcu.c: goalloc_free_rcu() batches. */
void goalloc_rcu_init(void);
void goalloc_rcu_cpu_dead(unsigned int cpu);
void goalloc_rcu_exit(void);

/* goalloc_reclaim.c: draining, giving memory back, CPU hotplug. */
void goalloc_release_arm(void);
/* Spans went back to the heap: arm the background release if it asks. */
static inline void goalloc_release_poll(void)
{
	if (goalloc_heap_release_wanted())
		goalloc_release_arm();
}

void goalloc_drain_all_locked(void);
void goalloc_drain_all(void);
int goalloc_reclaim_init(void);
void goalloc_reclaim_exit(void);

#endif /* _GOALLOC_INTERNAL_H */
