// SPDX-License-Identifier: GPL-2.0
/*
 * goalloc: the Go runtime's memory allocator as a kernel module.
 *
 * This file holds the per-CPU caches (Go's mcache), the central span lists
 * (Go's mcentral), the tiny and large allocators, the public API and the
 * module's life cycle.  Spans are in goalloc_span.c, the page heap in
 * goalloc_heap.c.
 *
 * Caches.  Every allocation is served by a cache: a user cache made by
 * goalloc_cache_create(), one built-in cache per Go size class for the
 * kmalloc-like family, and a tiny cache whose 16-byte objects are the
 * blocks of the tiny allocator.  A cache has, for each CPU:
 *  - a LIFO array of objects recently freed on that CPU: allocation pops
 *    it first, free pushes on it, and when it is full half of it is
 *    flushed to the spans in one batch under the central lock;
 *  - the span it allocates from (Go's mcache.alloc[spc]), taken with
 *    goalloc_span_next_free_fast() (Go's nextFreeFast) when the array is
 *    empty.
 * A free on another CPU than the allocating one is an ordinary free: the
 * object goes to the freeing CPU's array, with no atomic and no lock.
 *
 * The central lists (Go's mcentral), one per cache, hold the spans no CPU
 * holds: partial spans (with free objects, perhaps not yet swept) and full
 * ones.  A CPU whose span is used up sweeps it, takes a partial span, or
 * grows the cache by a span from the heap.  A flush sets each object's bit
 * in its span's free_bits; a full span that gains a free object becomes
 * partial; a span left with no live object goes back to the heap (after an
 * RCU grace period for GOALLOC_TYPESAFE_BY_RCU caches).
 *
 * Objects in per-CPU arrays still count as live in their spans;
 * goalloc_cache_shrink(), goalloc_reclaim(), the shrinker and CPU hotplug
 * drain them.  In this fast mode a freed object is trusted: a free is
 * checked against the page map (the pointer must be the start of an
 * object of the right cache), and a double free is caught when the object
 * is the last one freed on the CPU or when the flush finds it free in its
 * span's bitmap.
 *
 * Lock order:
 *   goalloc_caches_mutex (create, destroy, draining every cache)
 *     cache->cpu->lock (local_lock: IRQs off on this CPU)
 *       cache->central.lock (spinlock, IRQ-safe)
 *       heap_lock (goalloc_heap.c, innermost; never nested with central)
 *   goalloc_caches_lock (spinlock: the cache list, for readers in any
 *     context) is taken alone.
 * The page allocator and kmalloc (for metadata) are called with no goalloc
 * lock held, so the heap grows with the caller's gfp; the per-CPU lock is
 * dropped around it and the allocation starts over.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpuhotplug.h>
#include <linux/debugfs.h>
#include <linux/jump_label.h>
#include <linux/kasan.h>
#include <linux/kmemleak.h>
#include <linux/local_lock.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/poison.h>
#include <linux/random.h>
#include <linux/ratelimit.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/stackdepot.h>
#include <linux/stacktrace.h>
#include <linux/timer.h>

#include <goalloc.h>

#include "goalloc_heap.h"
#define CREATE_TRACE_POINTS
#include "goalloc_trace.h"

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
/*
 * goalloc_free_rcu() keeps the pointers it is given in blocks of this
 * many (a block is 512 bytes), and starts a grace period when a block is
 * full, or a little later for a batch that stays small.
 */
#define GOALLOC_RCU_BLOCK	62
#define GOALLOC_RCU_BATCH	GOALLOC_RCU_BLOCK
#define GOALLOC_RCU_DELAY	(HZ / 50 + 1)

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
 * @tiny: the tiny cache only: the block being carved, or 0
 * @tiny_meta: bookkeeping of @tiny
 * @tiny_off: bytes of @tiny carved so far
 * @tiny_carved: objects carved from @tiny
 * @tiny_allocs: tiny objects allocated on this CPU, ever
 * @tiny_frees: tiny objects freed on this CPU, ever
 * @objects: LIFO of freed objects, in @objects[1] to @objects[@count],
 *	the most recent last; @objects[0] stays NULL, so that the top,
 *	@objects[@count], can be read (for the double-free check) unguarded
 */
struct goalloc_cpu_cache {
	local_lock_t lock;
	unsigned int count;
	struct goalloc_span *span;
	unsigned long ev[GOALLOC_NR_EVENTS];
	unsigned long tiny;
	struct goalloc_tiny_block *tiny_meta;
	unsigned int tiny_off;
	unsigned int tiny_carved;
	unsigned long tiny_allocs;
	unsigned long tiny_frees;
	void *objects[];
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
 * @tiny: this is the tiny allocator's cache
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
	bool tiny;
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

/**
 * struct goalloc_rcu_block - pointers waiting for a grace period
 * @next: the next block of the same batch
 * @n: pointers in @objs
 * @fixed: one of a CPU's own blocks (&goalloc_rcu_cpu.fixed), never freed
 * @objs: the objects, as goalloc_free_rcu() found them
 */
struct goalloc_rcu_block {
	struct goalloc_rcu_block *next;
	unsigned int n;
	bool fixed;
	void *objs[GOALLOC_RCU_BLOCK];
};

/**
 * struct goalloc_rcu_cpu - one CPU's batch of goalloc_free_rcu() objects
 * @lock: guards the batch
 * @pending: blocks of objects waiting for the next grace period, the one
 *	being filled first
 * @pending_heads: objects that found no block (no memory), linked through
 *	their own rcu_heads
 * @npending: objects in @pending and @pending_heads
 * @inflight: blocks waiting for the grace period under way
 * @inflight_heads: as @pending_heads, for the grace period under way
 * @spare: this CPU's fixed blocks not in use
 * @busy: a grace period is under way for @inflight, or its objects are
 *	being freed
 * @started: batches started, ever
 * @done: batches whose objects are all freed, ever
 * @rcu: what call_rcu() queues for the batch
 * @timer: starts a grace period for a batch that stays small
 * @fixed: the CPU's own blocks: one filling while one waits; more are
 *	allocated (GFP_NOWAIT) only while a batch piles up behind a grace
 *	period
 *
 * The pointers are kept outside the objects, so that an object freed
 * directly while it waits (a misuse) does not break the batch: the
 * object's memory may be overwritten or reused, the batch never reads it.
 */
struct goalloc_rcu_cpu {
	spinlock_t lock;	/* see the kernel-doc above */
	struct goalloc_rcu_block *pending;
	struct rcu_head *pending_heads;
	unsigned int npending;
	struct goalloc_rcu_block *inflight;
	struct rcu_head *inflight_heads;
	struct goalloc_rcu_block *spare;
	bool busy;
	unsigned long started;
	unsigned long done;
	struct rcu_head rcu;
	struct timer_list timer;
	struct goalloc_rcu_block fixed[2];
};

/*
 * The built-in caches: one per size class, and the tiny cache in slot 0
 * (class 0 means "large", which no cache serves).
 */
static struct goalloc_cache *goalloc_kmalloc[GOALLOC_NUM_SIZE_CLASSES];
static_assert(GOALLOC_STATS_CLASSES == GOALLOC_NUM_SIZE_CLASSES);
#define goalloc_tiny_cache	goalloc_kmalloc[0]
static DEFINE_PER_CPU(struct goalloc_pcpu_stats, goalloc_stats);
static DEFINE_PER_CPU(struct goalloc_rcu_cpu, goalloc_rcu);

static DEFINE_MUTEX(goalloc_caches_mutex);
static DEFINE_SPINLOCK(goalloc_caches_lock);
static LIST_HEAD(goalloc_caches);
/* What destroyed caches counted, so that Mallocs and Frees never go down. */
static unsigned long goalloc_gone_allocs, goalloc_gone_frees;
static atomic_long_t goalloc_misuse;
/* Module exit has begun: nothing may schedule goalloc's work items now. */
static bool goalloc_exiting;
/* What the shrinker was asked for and gave (bytes), ever. */
static atomic_long_t goalloc_shrink_scans, goalloc_shrink_bytes;
static struct dentry *goalloc_debugfs, *goalloc_debugfs_caches;

static bool goalloc_debug;
module_param_named(debug, goalloc_debug, bool, 0444);
/* goalloc.debug=1: the malloc family's caches are debug caches. */
static DEFINE_STATIC_KEY_FALSE(goalloc_malloc_debug);
MODULE_PARM_DESC(debug,
		 "debug every cache: GOALLOC_POISON, GOALLOC_RED_ZONE, GOALLOC_STORE_USER");
static int goalloc_cpuhp_state;

#if IS_ENABLED(CONFIG_KUNIT)
#include <kunit/resource.h>
#include <kunit/test-bug.h>

/*
 * Count a report in the running KUnit test's "goalloc_errors" resource, as
 * SLUB counts its own in "slab_errors", so that a test can expect exactly
 * the reports its misuse must cause.
 */
static void goalloc_kunit_count(void)
{
	struct kunit *test = kunit_get_current_test();
	struct kunit_resource *r;

	if (!test)
		return;
	r = kunit_find_named_resource(test, "goalloc_errors");
	if (!r)
		return;
	(*(int *)r->data)++;
	kunit_put_resource(r);
}

/*
 * Keep what a report said in the running test's "goalloc_last_report"
 * resource (a char[GOALLOC_REPORT_LEN]), so that a test can check the
 * words of a report that the rate limit kept off the console.
 */
#define GOALLOC_REPORT_LEN	96
static void goalloc_kunit_note(const char *what)
{
	struct kunit *test = kunit_get_current_test();
	struct kunit_resource *r;

	if (!test)
		return;
	r = kunit_find_named_resource(test, "goalloc_last_report");
	if (!r)
		return;
	strscpy(r->data, what, GOALLOC_REPORT_LEN);
	kunit_put_resource(r);
}
#else
static inline void goalloc_kunit_count(void) { }
static inline void goalloc_kunit_note(const char *what) { }
#endif

/* Every misuse report counts here (goalloc_misuse_count()) and for KUnit. */
static void goalloc_count_misuse(void)
{
	atomic_long_inc(&goalloc_misuse);
	goalloc_kunit_count();
}

/* Reports are rate limited, their count is not. */
static DEFINE_RATELIMIT_STATE(goalloc_report_rs, DEFAULT_RATELIMIT_INTERVAL,
			      DEFAULT_RATELIMIT_BURST);

/*
 * Report a bad input and count it: tests compare goalloc_misuse_count()
 * before and after.
 */
static void __cold goalloc_report(const char *what, const void *p,
				  const struct goalloc_cache *c,
				  unsigned long ip)
{
	goalloc_count_misuse();
	goalloc_kunit_note(what);
	if (!__ratelimit(&goalloc_report_rs))
		return;
	if (ip)
		pr_err("%s: object %p, cache %s, caller %pS\n",
		       what, p, c ? c->name : "-", (void *)ip);
	else
		pr_err("%s: object %p, cache %s\n", what, p, c ? c->name : "-");
}

/*
 * A pointer in no span: @s is goalloc_empty_span for memory goalloc does
 * not hold, goalloc_unused_span for pages of one of its arenas that no
 * span holds now, where only a freed object's stale pointer can point.
 */
static void __cold goalloc_report_unowned(const void *p,
					  const struct goalloc_span *s,
					  const struct goalloc_cache *c,
					  unsigned long ip)
{
	goalloc_report(s == &goalloc_unused_span ?
		       "double free (no object there any more)" :
		       "free of memory goalloc does not own", p, c, ip);
}

/*
 * Report a bad argument that is a number (a size, an alignment, a node),
 * printed as one, and count it.
 */
static __printf(3, 4) void __cold goalloc_report_arg(unsigned long ip,
						     const char *cache,
						     const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	goalloc_count_misuse();
	if (!__ratelimit(&goalloc_report_rs))
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("%pV, cache %s, caller %pS\n", &vaf, cache ?: "-", (void *)ip);
	va_end(args);
}

/*
 * A node argument must be NUMA_NO_NODE or a node number below
 * MAX_NUMNODES: one unsigned compare, so that NUMA_NO_NODE costs nothing.
 */
static __always_inline bool goalloc_node_bad(int node)
{
	return unlikely((unsigned int)(node + 1) > MAX_NUMNODES);
}

static noinline void *goalloc_bad_node(int node, const char *cache,
				       unsigned long ip)
{
	goalloc_report_arg(ip, cache, "bad NUMA node %d (MAX_NUMNODES is %d)",
			   node, MAX_NUMNODES);
	return NULL;
}

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
static bool cache_poisons(const struct goalloc_cache *c)
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

/* Count a slow-path event of @c on this CPU. */
#define cache_count(c, event)	this_cpu_inc((c)->cpu->ev[GOALLOC_EV_##event])

/* ---- Debug caches, KASAN and kmemleak ----------------------------------- */

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

static void kasan_shadow_set(const void *addr, size_t size, int value)
{
	__memset(kasan_mem_to_shadow(addr), value,
		 size >> KASAN_SHADOW_SCALE_SHIFT);
}

/* @size bytes at @obj may be used, the rest of its @slot is a red zone. */
static void goalloc_kasan_alloc(const void *obj, size_t size, size_t slot)
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

static void goalloc_kasan_free(const void *obj, size_t slot)
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
static unsigned long goalloc_marker_key __read_mostly;

#ifdef CONFIG_KASAN_GENERIC
static noinline __no_sanitize_address unsigned long marker_read(const void *w)
{
	return READ_ONCE(*(const unsigned long *)w);
}

static noinline __no_sanitize_address void marker_write(void *w,
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

static struct goalloc_obj_debug *obj_debug(struct goalloc_span *s,
					   const void *obj)
{
	return &s->debug[goalloc_span_obj_index(s, obj)];
}

static depot_stack_handle_t save_stack(void)
{
#if IS_ENABLED(CONFIG_STACKDEPOT) && IS_ENABLED(CONFIG_STACKTRACE)
	unsigned long entries[GOALLOC_STACK_DEPTH];
	unsigned int n;

	/* Any context, any lock held: the depot may not sleep for pages. */
	n = stack_trace_save(entries, ARRAY_SIZE(entries), 2);
	return stack_depot_save(entries, n, GFP_NOWAIT | __GFP_NOWARN);
#else
	return 0;
#endif
}

/* Report misuse of a debug cache's object, with its stacks if kept. */
static void __cold debug_report(const char *what, struct goalloc_cache *c,
				struct goalloc_span *s, const void *obj,
				long offset)
{
	struct goalloc_obj_debug *d = obj_debug(s, obj);

	goalloc_count_misuse();
	goalloc_kunit_note(what);
	if (!__ratelimit(&goalloc_report_rs))
		return;
	if (offset >= 0)
		pr_err("%s at offset %ld: object %p, cache %s\n", what, offset,
		       obj, c->name);
	else
		pr_err("%s: object %p, cache %s\n", what, obj, c->name);
	if (!(c->flags & GOALLOC_STORE_USER) || !IS_ENABLED(CONFIG_STACKDEPOT))
		return;
	if (d->alloc_stack) {
		pr_err("object %p last allocated by:\n", obj);
		stack_depot_print(d->alloc_stack);
	}
	if (d->free_stack) {
		pr_err("object %p last freed by:\n", obj);
		stack_depot_print(d->free_stack);
	}
}

/*
 * A new span of a debug cache: each object starts free, as if freed
 * after an allocation of the whole object, its red zone (if no poison
 * covers it) SLUB_RED_INACTIVE.
 */
static void debug_init_span(struct goalloc_cache *c, struct goalloc_span *s)
{
	unsigned int i;

	for (i = 0; i < s->nelems; i++) {
		void *obj = (void *)(s->base + (unsigned long)i * c->size);

		s->debug[i].size = c->object_size;
		if ((c->flags & GOALLOC_RED_ZONE) && !cache_poisons(c))
			memset(obj + c->object_size, SLUB_RED_INACTIVE,
			       c->size - c->object_size);
	}
}

/*
 * A debug cache hands out @obj for @req bytes: its poison (or free red
 * zone) must be intact, a change being a write while it was free; its
 * red zone is armed and its caller recorded.  The object is the caller's
 * alone now, and so is its record.
 */
static void debug_on_alloc(struct goalloc_cache *c, void *obj, size_t req)
{
	struct goalloc_span *s = goalloc_span_of(obj);
	struct goalloc_obj_debug *d = obj_debug(s, obj);
	u8 *bad = NULL;

	if (cache_poisons(c))
		bad = memchr_inv(obj, POISON_FREE, c->size);
	else if (c->flags & GOALLOC_RED_ZONE)
		bad = memchr_inv(obj + d->size, SLUB_RED_INACTIVE, c->size - d->size);
	if (bad)
		debug_report("freed object modified (use after free)", c, s,
			     obj, bad - (u8 *)obj);
	d->size = req;
	if (c->flags & GOALLOC_RED_ZONE)
		memset(obj + req, SLUB_RED_ACTIVE, c->size - req);
	if (c->flags & GOALLOC_STORE_USER)
		d->alloc_stack = save_stack();
}

/*
 * A debug cache takes @obj back (its bitmap said it was live): check the
 * red zone, record the caller, poison it.  Without poison, init_on_free
 * zeroes the object (as SLUB does its RED_ZONE and STORE_USER caches'),
 * the red zone, if any, becoming the free one.  Central lock held.
 */
static void debug_on_free(struct goalloc_cache *c, struct goalloc_span *s,
			  void *obj)
{
	struct goalloc_obj_debug *d = obj_debug(s, obj);
	bool red_zone = c->flags & GOALLOC_RED_ZONE;
	u8 *bad;

	goalloc_kasan_unpoison(obj, c->size);
	if (red_zone) {
		bad = memchr_inv(obj + d->size, SLUB_RED_ACTIVE, c->size - d->size);
		if (bad)
			debug_report("red zone overwritten (out of bounds write)",
				     c, s, obj, bad - (u8 *)obj);
	}
	if (c->flags & GOALLOC_STORE_USER)
		d->free_stack = save_stack();
	if (cache_poisons(c)) {
		memset(obj, POISON_FREE, c->size);
	} else {
		if (cache_want_init_on_free(c))
			memset(obj, 0, red_zone ? d->size : c->size);
		if (red_zone)
			memset(obj + d->size, SLUB_RED_INACTIVE,
			       c->size - d->size);
	}
	kmemleak_free(obj);
	if (!(c->flags & GOALLOC_TYPESAFE_BY_RCU))
		goalloc_kasan_free(obj, c->size);
}

/*
 * The end of every allocation but the untraced fast paths' on kernels
 * without KASAN or kmemleak: KASAN's shadow, the free marker cleared (a
 * debug cache has none), a debug cache's checks and red zone, zeroing (of
 * the bytes asked for, in a debug cache, so that the red zone stays),
 * kmemleak.  @req: the bytes asked for, 0 for the cache's object size
 * (which the fast paths then need not keep at hand).
 */
static noinline void *alloc_finish(struct goalloc_cache *c, void *obj,
				   gfp_t gfp, bool dirty, size_t req)
{
	if (!req)
		req = c->object_size;
	goalloc_kasan_unpoison(obj, c->size);
	if (unlikely(cache_debug(c)))
		debug_on_alloc(c, obj, req);
	else
		obj_unmark(c, obj);
	if (dirty && cache_want_init_on_alloc(c, gfp))
		memset(obj, 0, cache_debug(c) ? req : c->size);
	goalloc_kasan_alloc(obj, req, c->size);
	kmemleak_alloc(obj, req, 1, gfp);
	return obj;
}

/*
 * The end of a fast-path allocation of a cache that is not a debug cache:
 * the free marker cleared, zeroing, unless hooks want more.  @kmalloc: @c
 * is one of the malloc family's, whose marker is at offset 0.
 */
static __always_inline void *alloc_finish_fast(struct goalloc_cache *c,
					       void *obj, gfp_t gfp,
					       bool dirty, size_t req,
					       bool kmalloc)
{
	if (GOALLOC_HOOKS)
		return alloc_finish(c, obj, gfp, dirty, req);
	marker_write(obj + (kmalloc ? 0 : c->marker_off), 0);
	if (unlikely(dirty && cache_want_init_on_alloc(c, gfp)))
		return memset(obj, 0, c->size);
	return obj;
}

/*
 * An object of a cache that is not a debug one is freed (checked, and
 * about to go on an array or to its span).  The tiny cache's blocks were
 * never registered with kmemleak: their objects were.
 */
static noinline void free_hooks_slow(struct goalloc_cache *c, void *obj)
{
	/* A debug cache's frees have their hooks in debug_on_free(). */
	if (cache_debug(c))
		return;
	if (!c->tiny)
		kmemleak_free(obj);
	if (!(c->flags & GOALLOC_TYPESAFE_BY_RCU))
		goalloc_kasan_free(obj, c->size);
}

static __always_inline void free_hooks(struct goalloc_cache *c, void *obj)
{
	if (GOALLOC_HOOKS)
		free_hooks_slow(c, obj);
}

/* ---- The background release ----------------------------------------- */

/*
 * The heap only says that an arena beyond the reserve fell free
 * (goalloc_heap_release_wanted()); deciding to drain the caches and then
 * give arenas back is this file's, which owns the caches' life cycle: a
 * second later, release_work drains every cache and has the heap give the
 * free arenas beyond the reserve back.  Module exit sets goalloc_exiting
 * before it cancels the work, so that nothing arms it again while the
 * caches are torn down.
 */
static void drain_all(void);

static void release_workfn(struct work_struct *work)
{
	drain_all();
	goalloc_heap_release_background();
}

static DECLARE_DELAYED_WORK(release_work, release_workfn);

/* Spans went back to the heap: arm the background release if it asks. */
static void release_poll(void)
{
	if (goalloc_heap_release_wanted() && !READ_ONCE(goalloc_exiting))
		schedule_delayed_work(&release_work, HZ);
}

/* ---- Central lists ---------------------------------------------------- */

static void span_free_rcu(struct rcu_head *head)
{
	goalloc_span_destroy(container_of(head, struct goalloc_span, rcu));
	release_poll();
}

/* Give spans left without objects back to the heap.  No central lock. */
static void release_spans(struct goalloc_cache *c, struct list_head *spans)
{
	struct goalloc_span *s, *tmp;

	list_for_each_entry_safe(s, tmp, spans, list) {
		list_del(&s->list);
		cache_count(c, SPAN_RELEASE);
		trace_goalloc_span_free(c->name, s->base, s->npages);
		goalloc_heap_unmap(s);
		if (c->flags & GOALLOC_TYPESAFE_BY_RCU)
			call_rcu(&s->rcu, span_free_rcu);
		else
			goalloc_span_destroy(s);
	}
	release_poll();
}

/*
 * Place a span no CPU holds: if it has no live object, on the empty list
 * or, when that is full, back to the heap (via @release); else on the
 * partial or full list.  Central lock held; the span is on no list.
 */
static void central_place(struct goalloc_cache *c, struct goalloc_span *s,
			  struct list_head *release)
{
	unsigned int live = goalloc_span_live(s);

	if (!live && c->central.nr_empty < c->max_empty) {
		s->state = GOALLOC_SPAN_EMPTY;
		c->central.nr_empty++;
		list_add(&s->list, &c->central.empty);
	} else if (!live) {
		s->state = GOALLOC_SPAN_DEAD;
		list_add(&s->list, release);
	} else if (live < s->nelems) {
		s->state = GOALLOC_SPAN_PARTIAL;
		list_add(&s->list, &c->central.partial);
	} else {
		s->state = GOALLOC_SPAN_FULL;
		list_add(&s->list, &c->central.full);
	}
}

static void central_unlink(struct goalloc_cache *c, struct goalloc_span *s)
{
	if (s->state == GOALLOC_SPAN_EMPTY)
		c->central.nr_empty--;
	list_del(&s->list);
}

/* Give the empty spans back to the heap. */
static void central_release_empty(struct goalloc_cache *c)
{
	struct goalloc_span *s;
	unsigned long flags;
	LIST_HEAD(release);

	spin_lock_irqsave(&c->central.lock, flags);
	list_for_each_entry(s, &c->central.empty, list)
		s->state = GOALLOC_SPAN_DEAD;
	list_splice_init(&c->central.empty, &release);
	c->central.nr_empty = 0;
	spin_unlock_irqrestore(&c->central.lock, flags);
	release_spans(c, &release);
}

/* Go's sweep of a span, counted.  Central lock held. */
static void central_sweep(struct goalloc_cache *c, struct goalloc_span *s)
{
	cache_count(c, SWEEP);
	goalloc_span_sweep(s);
}

/*
 * A CPU's span is used up: sweep it, keep it if frees since its last sweep
 * gave it free objects, else park it as full and hand out a partial span,
 * swept.  Central lock taken here; IRQs are off.
 */
static struct goalloc_span *central_refill(struct goalloc_cache *c,
					   struct goalloc_span *old)
{
	struct goalloc_span *s;

	cache_count(c, REFILL);
	spin_lock(&c->central.lock);
	if (old != &goalloc_empty_span) {
		central_sweep(c, old);
		if (old->freeindex < old->nelems) {
			spin_unlock(&c->central.lock);
			return old;
		}
		old->state = GOALLOC_SPAN_FULL;
		list_add(&old->list, &c->central.full);
	}
	s = list_first_entry_or_null(&c->central.partial, struct goalloc_span,
				     list);
	if (!s)
		s = list_first_entry_or_null(&c->central.empty,
					     struct goalloc_span, list);
	if (s) {
		central_unlink(c, s);
		central_sweep(c, s);
		s->state = GOALLOC_SPAN_CACHED;
	}
	spin_unlock(&c->central.lock);
	return s;
}

/*
 * Grow a cache by a span from the heap, constructed and published: handed
 * to the calling CPU (@cached) or put on the partial list.  No goalloc
 * lock held: this may sleep if @gfp allows.
 */
static struct goalloc_span *cache_grow(struct goalloc_cache *c, gfp_t gfp,
				       int nid, bool cached)
{
	struct goalloc_span *s;
	unsigned long flags;
	unsigned int i;

	s = goalloc_span_create(c, c->size, c->npages,
				cache_debug(c) ? GOALLOC_SIDE_DEBUG :
				c->tiny ? GOALLOC_SIDE_TINY : GOALLOC_SIDE_NONE,
				gfp, nid);
	if (!s)
		return NULL;
	cache_count(c, SPAN_GROW);
	trace_goalloc_span_alloc(c->name, s->base, s->npages, s->nelems, s->nid);
	/* KASAN: the pages may still be marked as an old span's objects. */
	goalloc_kasan_unpoison((void *)s->base, s->npages << GOALLOC_PAGE_SHIFT);
	if (c->ctor)
		for (i = 0; i < s->nelems; i++)
			c->ctor((void *)(s->base + (unsigned long)i * c->size));
	else if (cache_poisons(c))
		memset((void *)s->base, POISON_FREE, s->nelems * c->size);
	if (cache_debug(c))
		debug_init_span(c, s);
	else
		for (i = 0; i < s->nelems; i++)
			obj_mark(c, (void *)(s->base + (unsigned long)i * c->size));
	goalloc_kasan_free((void *)s->base, s->npages << GOALLOC_PAGE_SHIFT);
	/* Before the page map publishes it: no one else knows the span yet. */
	s->state = cached ? GOALLOC_SPAN_CACHED : GOALLOC_SPAN_PARTIAL;
	goalloc_heap_map(s);
	if (!cached) {
		spin_lock_irqsave(&c->central.lock, flags);
		list_add(&s->list, &c->central.partial);
		spin_unlock_irqrestore(&c->central.lock, flags);
	}
	return s;
}

/*
 * Give @n objects back to their spans, in one batch under the central
 * lock: each object's bit is set in its span's free_bits; a full span
 * becomes partial, an empty one goes to the empty list or the heap.  IRQs
 * are off.  Every object was checked to be one of @c's, live, when it was
 * pushed (a debug cache's is checked here, against its span's bitmap);
 * one that is not is reported and dropped all the same, never followed.
 * Return: how many were freed.
 */
static unsigned int central_free_objects(struct goalloc_cache *c, void **objs,
					 unsigned int n)
{
	struct goalloc_span *s = &goalloc_empty_span;
	unsigned int i, freed = 0;
	LIST_HEAD(release);

	spin_lock(&c->central.lock);
	for (i = 0; i < n; i++) {
		void *obj = objs[i];
		unsigned int idx;

		/* Objects freed together often share a span. */
		if ((unsigned long)obj - s->base >= s->limit) {
			s = goalloc_span_lookup(obj);
			if (unlikely(s->cache != c)) {
				goalloc_report("array entry not of this cache (corrupted?)",
					       obj, c, 0);
				s = &goalloc_empty_span;
				continue;
			}
		}
		idx = goalloc_span_obj_index(s, obj);
		if (unlikely(!goalloc_span_obj_live(s, idx))) {
			if (cache_debug(c))
				debug_report("double free", c, s, obj, -1);
			else
				goalloc_report("double free", obj, c, 0);
			continue;
		}
		if (unlikely(cache_debug(c)))
			debug_on_free(c, s, obj);
		__set_bit(idx, s->free_bits);
		s->free_count++;
		freed++;
		if (s->state == GOALLOC_SPAN_CACHED)
			continue;
		if (!goalloc_span_live(s) || s->state == GOALLOC_SPAN_FULL) {
			central_unlink(c, s);
			central_place(c, s, &release);
		}
	}
	spin_unlock(&c->central.lock);
	release_spans(c, &release);
	return freed;
}

/*
 * Is @obj, a slot of one of @c's spans that holds its free marker (or any
 * slot of a debug cache), free: in no span's live set, or waiting in a
 * per-CPU array?  Exact, and off every fast path: the span's bitmaps and
 * then each CPU's array, all under the central lock, so that a flush,
 * which moves objects from an array into their spans' free bits under
 * that lock, cannot carry the object past both looks (no sweep runs
 * meanwhile either, and an owning CPU only moves freeindex forward, over
 * objects it hands out).  A push stores the array entry before the
 * marker, so an object found marked is found in its array too.  An object
 * some CPU pops meanwhile is allocated again, and its free by the caller
 * is then of someone else's object, which no allocator can tell.  Any
 * context; the central lock must not be held.
 */
static noinline bool obj_is_free(struct goalloc_cache *c, const void *obj)
{
	struct goalloc_span *s = goalloc_span_lookup(obj);
	unsigned long flags;
	bool free = true;
	int cpu;

	/* Pairs with the smp_wmb() of a push: the marker, then the entry. */
	smp_rmb();
	spin_lock_irqsave(&c->central.lock, flags);
	if (s->cache != c ||
	    !goalloc_span_obj_live(s, goalloc_span_obj_index(s, obj)))
		goto out;
	for_each_possible_cpu(cpu) {
		struct goalloc_cpu_cache *pc = per_cpu_ptr(c->cpu, cpu);
		/* Other CPUs' arrays change under their own locks only. */
		unsigned int i, n = min(data_race(READ_ONCE(pc->count)),
					c->array_max);

		for (i = 1; i <= n; i++) {
			/* As above: a stale entry only costs a report. */
			if (data_race(READ_ONCE(pc->objects[i])) == obj)
				goto out;
		}
	}
	free = false;
out:
	spin_unlock_irqrestore(&c->central.lock, flags);
	return free;
}

/*
 * Is @obj, the start of a slot of one of @c's spans, free now?  Slow
 * paths only: a debug cache's objects carry no marker, its bitmap says.
 */
static bool obj_free_now(struct goalloc_cache *c, const void *obj)
{
	return (cache_debug(c) || obj_marked(c, obj)) && obj_is_free(c, obj);
}

/*
 * Is @obj, an object of @s (a span of a cache, not tiny), waiting in
 * goalloc_free_rcu()?  Its free then is a double free.  The caller that
 * queued it sees the bit it set; others see it under the central lock,
 * or a stale answer only about an object that is not theirs to free.
 */
static bool obj_rcu_pending(const struct goalloc_span *s, const void *obj)
{
	return READ_ONCE(s->rcu_pending) &&
	       test_bit(goalloc_span_obj_index(s, obj), s->rcu_bits);
}

static void __cold goalloc_report_rcu_pending(const void *p,
					      const struct goalloc_cache *c,
					      unsigned long ip)
{
	goalloc_report("double free (of an object waiting in goalloc_free_rcu())",
		       p, c, ip);
}

/* Flush the @n oldest objects of a CPU's array.  Local lock held. */
static void cache_flush(struct goalloc_cache *c, struct goalloc_cpu_cache *pc,
			unsigned int n)
{
	unsigned int freed = central_free_objects(c, pc->objects + 1, n);

	/* A double free found here was counted as a free when pushed. */
	cache_count(c, FLUSH);
	this_cpu_add(c->cpu->ev[GOALLOC_EV_FREE_DOUBLE], n - freed);
	pc->count -= n;
	memmove(pc->objects + 1, pc->objects + 1 + n, pc->count * sizeof(void *));
}

static void tiny_retire(struct goalloc_cache *c, struct goalloc_cpu_cache *pc);

/*
 * Empty one CPU's part of a cache into the central lists: its tiny block,
 * its array, its span.  The CPU's local lock is held, or the CPU is dead
 * and IRQs are off.
 */
static void cache_drain_cpu(struct goalloc_cache *c,
			    struct goalloc_cpu_cache *pc)
{
	struct goalloc_span *s = pc->span;
	LIST_HEAD(release);

	cache_count(c, DRAIN);
	if (c->tiny)
		tiny_retire(c, pc);
	if (pc->count)
		cache_flush(c, pc, pc->count);
	if (s == &goalloc_empty_span)
		return;
	pc->span = &goalloc_empty_span;
	spin_lock(&c->central.lock);
	central_sweep(c, s);
	central_place(c, s, &release);
	spin_unlock(&c->central.lock);
	release_spans(c, &release);
}

static void cache_drain_local(void *arg)
{
	struct goalloc_cache *c = arg;
	unsigned long flags;

	local_lock_irqsave(&c->cpu->lock, flags);
	cache_drain_cpu(c, this_cpu_ptr(c->cpu));
	local_unlock_irqrestore(&c->cpu->lock, flags);
}

/*
 * Drain every online CPU's part of a cache and give its empty spans back.
 * Process context.
 */
static void cache_drain(struct goalloc_cache *c)
{
	on_each_cpu(cache_drain_local, c, 1);
	central_release_empty(c);
}

/* ---- Allocation and free ---------------------------------------------- */

/*
 * The slow path of an allocation: the array is empty and the span's cached
 * word used up.  Entered and left with the CPU's local lock held; drops it
 * to grow the heap, after which the CPU may be another one.
 */
static void *cache_refill(struct goalloc_cache *c, gfp_t gfp,
			  unsigned long flags, bool *dirty)
{
	for (;;) {
		struct goalloc_cpu_cache *pc = this_cpu_ptr(c->cpu);
		struct goalloc_span *s;
		void *obj;

		if (pc->count) {
			*dirty = true;
			return pc->objects[pc->count--];
		}
		obj = goalloc_span_next_free(pc->span);
		if (obj) {
			*dirty = pc->span->needzero;
			return obj;
		}
		s = central_refill(c, pc->span);
		pc->span = s ?: &goalloc_empty_span;
		if (s)
			continue;

		/* The IRQ state is the caller's again after the relock. */
		local_unlock_irqrestore(&c->cpu->lock, flags);
		s = cache_grow(c, gfp, NUMA_NO_NODE, true);
		local_lock_irqsave(&c->cpu->lock, flags);
		if (!s)
			return NULL;
		pc = this_cpu_ptr(c->cpu);
		if (pc->span == &goalloc_empty_span) {
			pc->span = s;
			continue;
		}
		/* This CPU got a span meanwhile: keep the new one for later. */
		spin_lock(&c->central.lock);
		s->state = GOALLOC_SPAN_PARTIAL;
		list_add(&s->list, &c->central.partial);
		spin_unlock(&c->central.lock);
	}
}

static void *cache_alloc_node(struct goalloc_cache *c, gfp_t gfp, int node,
			      size_t req);

/*
 * The allocation slow path: ends the caller's locked section.  @req: the
 * bytes asked for, which a debug cache's red zone and KASAN need, or 0 for
 * the cache's object size.
 */
static noinline void *cache_alloc_slow(struct goalloc_cache *c, gfp_t gfp,
				       unsigned long flags, size_t req)
{
	bool dirty = true;
	void *obj;

	/* Debug caches have no array and no CPU span: straight to the spans. */
	if (unlikely(cache_debug(c))) {
		local_unlock_irqrestore(&c->cpu->lock, flags);
		return cache_alloc_node(c, gfp, numa_mem_id(), req);
	}
	obj = cache_refill(c, gfp, flags, &dirty);
	if (obj)
		cache_count(c, ALLOC_SLOW);
	local_unlock_irqrestore(&c->cpu->lock, flags);
	if (!obj)
		return NULL;
	return alloc_finish_fast(c, obj, gfp, dirty, req, false);
}

/*
 * The fast path: pop the array, else Go's nextFreeFast on the CPU's span.
 * No atomic, no lock but the CPU's own (IRQs off), no division.
 * @kmalloc: @c is one of the malloc family's.
 */
static __always_inline void *cache_alloc(struct goalloc_cache *c, gfp_t gfp,
					 size_t req, bool kmalloc)
{
	struct goalloc_cpu_cache *pc;
	struct goalloc_span *s;
	unsigned long flags;
	void *obj;

	goalloc_might_alloc(gfp);
	local_lock_irqsave(&c->cpu->lock, flags);
	pc = this_cpu_ptr(c->cpu);
	if (likely(pc->count)) {
		obj = pc->objects[pc->count--];
		pc->ev[GOALLOC_EV_ARRAY_POP]++;
		local_unlock_irqrestore(&c->cpu->lock, flags);
		return alloc_finish_fast(c, obj, gfp, true, req, kmalloc);
	}
	s = pc->span;
	obj = goalloc_span_next_free_fast(s);
	if (unlikely(!obj))
		return cache_alloc_slow(c, gfp, flags, req);
	pc->ev[GOALLOC_EV_SPAN_FAST]++;
	local_unlock_irqrestore(&c->cpu->lock, flags);
	/* The span cannot go: @obj is live in it. */
	return alloc_finish_fast(c, obj, gfp, s->needzero, req, kmalloc);
}

/* Take one object from a span no CPU holds.  Central lock held. */
static void *central_take(struct goalloc_cache *c, struct goalloc_span *s)
{
	void *obj;

	central_sweep(c, s);
	obj = goalloc_span_next_free(s);
	central_unlink(c, s);
	central_place(c, s, NULL);	/* now live: never released */
	return obj;
}

/* A span of @c with room, on @node or (@any_node) anywhere.  Central lock held. */
static struct goalloc_span *central_find(struct goalloc_cache *c, int node,
					 bool any_node)
{
	struct goalloc_span *s;

	list_for_each_entry(s, &c->central.partial, list)
		if (any_node || s->nid == node)
			return s;
	list_for_each_entry(s, &c->central.empty, list)
		if (any_node || s->nid == node)
			return s;
	return NULL;
}

/*
 * An allocation from memory of one node, straight from the spans: a span
 * of the node, else a new span of the node's own memory; only when the
 * node has none to give (and the caller does not insist, with
 * __GFP_THISNODE) any span with room, else a new span wherever the heap
 * finds pages.  Without the middle step, every allocation for a node
 * that is out of memory would grow one more span elsewhere.
 */
static void *cache_alloc_node(struct goalloc_cache *c, gfp_t gfp, int node,
			      size_t req)
{
	bool any_node = false;
	unsigned long flags;
	void *obj = NULL;

	goalloc_might_alloc(gfp);
	/* As the heap does: a node without memory means this CPU's. */
	if (node == NUMA_NO_NODE || !node_state(node, N_MEMORY))
		node = numa_mem_id();
	for (;;) {
		struct goalloc_span *s, *grown;

		spin_lock_irqsave(&c->central.lock, flags);
		s = central_find(c, node, any_node);
		if (s)
			obj = central_take(c, s);
		spin_unlock_irqrestore(&c->central.lock, flags);
		if (obj)
			break;
		if (gfp & __GFP_THISNODE) {
			/* The caller's reclaim, on the node alone. */
			if (!cache_grow(c, gfp, node, false))
				return NULL;
			continue;
		}
		if (!any_node) {
			/* A try of the node, without reclaim, unless it is full. */
			if (!goalloc_heap_node_full(node) &&
			    cache_grow(c, (gfp | __GFP_THISNODE | __GFP_NORETRY) &
				       ~__GFP_DIRECT_RECLAIM, node, false))
				continue;
			any_node = true;
			continue;
		}
		grown = cache_grow(c, gfp, node, false);
		if (!grown)
			return NULL;
		/* Take from it before another allocation fills it. */
		spin_lock_irqsave(&c->central.lock, flags);
		if (grown->state == GOALLOC_SPAN_PARTIAL)
			obj = central_take(c, grown);
		spin_unlock_irqrestore(&c->central.lock, flags);
		if (obj)
			break;
	}
	cache_count(c, ALLOC_SLOW);
	return alloc_finish(c, obj, gfp, true, req);
}

/*
 * An allocation that must come from @node: this CPU's array or span serve
 * it when the object there is on @node (a CPU's array may hold objects
 * of any node, freed here), the central lists otherwise.
 */
static void *cache_alloc_on_node(struct goalloc_cache *c, gfp_t gfp, int node,
				 size_t req)
{
	struct goalloc_cpu_cache *pc;
	unsigned long flags;
	bool dirty = true;
	void *obj = NULL;

	if (node == NUMA_NO_NODE || !node_state(node, N_MEMORY))
		return cache_alloc(c, gfp, req, false);
	goalloc_might_alloc(gfp);
	local_lock_irqsave(&c->cpu->lock, flags);
	pc = this_cpu_ptr(c->cpu);
	if (pc->count &&
	    goalloc_span_lookup(pc->objects[pc->count])->nid == node) {
		obj = pc->objects[pc->count--];
		pc->ev[GOALLOC_EV_ARRAY_POP]++;
	} else if (pc->span->nid == node) {
		obj = goalloc_span_next_free_fast(pc->span);
		dirty = pc->span->needzero;
		if (obj)
			pc->ev[GOALLOC_EV_SPAN_FAST]++;
	}
	local_unlock_irqrestore(&c->cpu->lock, flags);
	if (!obj)
		return cache_alloc_node(c, gfp, node, req);
	return alloc_finish_fast(c, obj, gfp, dirty, req, false);
}

/* Push a freed object on this CPU's array, marked.  Local lock held. */
static __always_inline void cache_push(struct goalloc_cache *c,
				       struct goalloc_cpu_cache *pc, void *obj)
{
	if (unlikely(pc->count >= c->array_max))
		cache_flush(c, pc, c->array_max / 2);
	pc->objects[++pc->count] = obj;
	/* The entry before the marker: see obj_is_free(). */
	smp_wmb();
	obj_mark(c, obj);
	pc->ev[GOALLOC_EV_PUSH_SLOW]++;
}

/*
 * The uncommon cases of a free, under the CPU's lock: an object that holds
 * its free marker, init_on_free, a full array, a debug cache.  Ends the
 * locked section.
 */
static noinline void cache_free_locked_slow(struct goalloc_cache *c,
					    struct goalloc_cpu_cache *pc,
					    void *obj, unsigned long flags,
					    unsigned long ip)
{
	if (unlikely(cache_debug(c))) {
		/* Debug caches: checked against the bitmap, then poisoned. */
		this_cpu_add(c->cpu->ev[GOALLOC_EV_FREE_SLOW],
			     central_free_objects(c, &obj, 1));
	} else if (obj_marked(c, obj) && obj_is_free(c, obj)) {
		/* Fast paths pass no @ip: they reach here by a tail call. */
		goalloc_report("double free", obj, c, ip ?: _RET_IP_);
	} else {
		if (cache_want_init_on_free(c)) {
			goalloc_kasan_unpoison(obj, c->size);
			memset(obj, 0, c->size);
		}
		free_hooks(c, obj);
		cache_push(c, pc, obj);
	}
	local_unlock_irqrestore(&c->cpu->lock, flags);
}

/*
 * Push a checked object of @c on this CPU's array and end the locked
 * section.  Only tail calls leave the fast path, so it needs no stack.
 */
static __always_inline void cache_free_locked(struct goalloc_cache *c,
					      struct goalloc_cpu_cache *pc,
					      void *obj, unsigned long flags,
					      unsigned long ip)
{
	void *marker = obj + c->marker_off;
	unsigned long key = goalloc_marker_key;

	if (unlikely(pc->count >= c->array_max || cache_want_init_on_free(c) ||
		     marker_read(marker) == key))
		return cache_free_locked_slow(c, pc, obj, flags, ip);
	pc->objects[++pc->count] = obj;
	/* The entry before the marker: see obj_is_free(). */
	smp_wmb();
	marker_write(marker, key);
	free_hooks(c, obj);
	pc->ev[GOALLOC_EV_FREE_FAST]++;
	local_unlock_irqrestore(&c->cpu->lock, flags);
}

/* Free an object already checked to be one of @c's. */
static __always_inline void cache_free(struct goalloc_cache *c, void *obj,
				       unsigned long ip)
{
	unsigned long flags;

	local_lock_irqsave(&c->cpu->lock, flags);
	cache_free_locked(c, this_cpu_ptr(c->cpu), obj, flags, ip);
}

/* ---- The tiny allocator (Go's tiny blocks) ---------------------------- */

static struct goalloc_tiny_block *tiny_meta_of(unsigned long block)
{
	struct goalloc_span *s = goalloc_span_of((void *)block);

	return &s->tiny[goalloc_span_obj_index(s, (void *)block)];
}

/*
 * Stop carving this CPU's block: drop the bias that kept it alive; if all
 * its objects are already freed, the block goes back to the tiny cache.
 * Local lock held.
 */
static void tiny_retire(struct goalloc_cache *c, struct goalloc_cpu_cache *pc)
{
	long left;

	if (!pc->tiny)
		return;
	left = atomic_long_sub_return((GOALLOC_TINY_BIAS - pc->tiny_carved) <<
				      GOALLOC_TINY_LIVE_SHIFT,
				      &pc->tiny_meta->word);
	if (!(left >> GOALLOC_TINY_LIVE_SHIFT))
		cache_push(c, pc, (void *)pc->tiny);
	pc->tiny = 0;
}

/* Go's tiny alignment: by the largest power of two, up to 8, in @size. */
static __always_inline unsigned int tiny_align(unsigned int off, size_t size)
{
	if (!(size & 7))
		return ALIGN(off, 8);
	if (!(size & 3))
		return ALIGN(off, 4);
	if (!(size & 1))
		return ALIGN(off, 2);
	return off;
}

static void *tiny_alloc(size_t size, gfp_t gfp)
{
	struct goalloc_cache *c = goalloc_tiny_cache;
	struct goalloc_cpu_cache *pc;
	unsigned long flags, block;
	bool dirty = true;
	unsigned int off;
	void *p;

	goalloc_might_alloc(gfp);
	local_lock_irqsave(&c->cpu->lock, flags);
	pc = this_cpu_ptr(c->cpu);
	off = tiny_align(pc->tiny_off, size);
	if (unlikely(!pc->tiny || off + size > GOALLOC_TINY_SIZE)) {
		/*
		 * Every object carved from the block is free again: carve it
		 * anew rather than retire it and take another.
		 */
		if (pc->tiny &&
		    atomic_long_read(&pc->tiny_meta->word) >> GOALLOC_TINY_LIVE_SHIFT ==
		    GOALLOC_TINY_BIAS - pc->tiny_carved)
			goto restart;
		if (pc->count) {
			block = (unsigned long)pc->objects[pc->count--];
			pc->ev[GOALLOC_EV_ARRAY_POP]++;
		} else {
			block = (unsigned long)goalloc_span_next_free_fast(pc->span);
			if (block) {
				pc->ev[GOALLOC_EV_SPAN_FAST]++;
			} else {
				block = (unsigned long)cache_refill(c, gfp, flags,
								    &dirty);
				pc = this_cpu_ptr(c->cpu);
				if (!block) {
					local_unlock_irqrestore(&c->cpu->lock,
								flags);
					return NULL;
				}
				cache_count(c, ALLOC_SLOW);
			}
		}
		tiny_retire(c, pc);
		pc->tiny = block;
		pc->tiny_meta = tiny_meta_of(block);
		/* KASAN sees a tiny block as one object: its 16 bytes. */
		goalloc_kasan_unpoison((void *)block, GOALLOC_TINY_SIZE);
		obj_unmark(c, (void *)block);
restart:
		atomic_long_set(&pc->tiny_meta->word,
				GOALLOC_TINY_BIAS << GOALLOC_TINY_LIVE_SHIFT);
		pc->tiny_meta->starts = 0;
		pc->tiny_meta->ends = 0;
		pc->tiny_carved = 0;
		off = 0;
	}
	p = (void *)(pc->tiny + off);
	pc->tiny_meta->starts |= BIT(off);
	pc->tiny_meta->ends |= BIT(off + size - 1);
	pc->tiny_off = off + size;
	pc->tiny_carved++;
	pc->tiny_allocs++;
	local_unlock_irqrestore(&c->cpu->lock, flags);
	if (want_init_on_alloc(gfp))
		memset(p, 0, size);
	kmemleak_alloc(p, size, 1, gfp);
	return p;
}

/*
 * Free a tiny object: set its bit in its block's word.  The compare-and-
 * exchange gives the object back: once it is done, the block's carving
 * CPU may carve the same bytes again if the block has no live object
 * left.  So everything about the old object happens before it: kmemleak
 * forgets it (else the new object would overlap its entry, and kmemleak
 * turn itself off) and init_on_free zeroes its bytes (its block's bytes
 * are zeroed only when the block itself is freed).
 */
/*
 * Zero a tiny object's at most 15 bytes in place: a call to memset() here
 * would cost every tiny free a stack frame.
 */
static __always_inline void tiny_zero(void *p, unsigned int n)
{
	u8 *b = p;

	/* Byte stores the compiler will not turn back into memset(). */
	while (n--)
		WRITE_ONCE(*b++, 0);
}

static noinline void tiny_free(struct goalloc_span *s, const void *p,
			       unsigned long ip)
{
	unsigned int idx = goalloc_span_obj_index(s, p);
	unsigned long block = s->base + (unsigned long)idx * GOALLOC_TINY_SIZE;
	struct goalloc_tiny_block *t = &s->tiny[idx];
	unsigned long off = (unsigned long)p - block, bit = BIT(off), ends;
	long old = atomic_long_read(&t->word), new;

	if (!(READ_ONCE(t->starts) & bit)) {
		goalloc_report("free of a pointer inside an object (tiny)", p,
			       s->cache, ip);
		return;
	}
	if (old & bit) {
		goalloc_report("double free (tiny)", p, s->cache, ip);
		return;
	}
	kmemleak_free(p);
	/* Its size: up to the first end mark from its start on. */
	ends = READ_ONCE(t->ends) >> off;
	if (want_init_on_free() && ends)
		tiny_zero((void *)p, __ffs(ends) + 1);
	do {
		/* Freed meanwhile on another CPU: a racing double free. */
		if (old & bit) {
			goalloc_report("double free (tiny)", p, s->cache, ip);
			return;
		}
		new = (old | bit) - (1L << GOALLOC_TINY_LIVE_SHIFT);
	} while (!atomic_long_try_cmpxchg(&t->word, &old, new));
	this_cpu_inc(s->cache->cpu->tiny_frees);
	if (!(new >> GOALLOC_TINY_LIVE_SHIFT))
		cache_free(s->cache, (void *)block, ip);
}

/* A tiny object's size: from its start to the first end mark after it. */
static size_t tiny_size(struct goalloc_span *s, const void *p)
{
	unsigned int idx = goalloc_span_obj_index(s, p);
	unsigned long off = (unsigned long)p - s->base - idx * GOALLOC_TINY_SIZE;
	struct goalloc_tiny_block *t = &s->tiny[idx];
	unsigned long ends = READ_ONCE(t->ends);

	if (!(READ_ONCE(t->starts) & BIT(off)) ||
	    (atomic_long_read(&t->word) & BIT(off)) || !(ends >> off))
		return 0;
	return __ffs(ends >> off) + 1;
}

/* ---- Large objects ---------------------------------------------------- */

static void *large_alloc(size_t size, gfp_t gfp, int node)
{
	unsigned int npages = DIV_ROUND_UP(size, GOALLOC_PAGE_SIZE);
	unsigned long bytes = (unsigned long)npages << GOALLOC_PAGE_SHIFT;
	struct goalloc_span *s;

	goalloc_might_alloc(gfp);
	s = goalloc_span_create(NULL, bytes, npages, GOALLOC_SIDE_NONE, gfp,
				node);
	if (!s)
		return NULL;
	goalloc_kasan_unpoison((void *)s->base, bytes);
	if (s->needzero && want_init_on_alloc(gfp))
		memset((void *)s->base, 0, bytes);
	goalloc_kasan_alloc((void *)s->base, size, bytes);
	kmemleak_alloc((void *)s->base, size, 1, gfp);
	s->state = GOALLOC_SPAN_FULL;
	goalloc_heap_map(s);
	this_cpu_inc(goalloc_stats.large_allocs);
	this_cpu_add(goalloc_stats.large_bytes, bytes);
	return (void *)s->base;
}

static noinline void large_free(struct goalloc_span *s, const void *p,
				unsigned long ip)
{
	unsigned long bytes = (unsigned long)s->npages << GOALLOC_PAGE_SHIFT;
	u8 state;

	if (unlikely((unsigned long)p != s->base)) {
		goalloc_report("free of a pointer inside an object", p, NULL, ip);
		return;
	}
	state = cmpxchg(&s->state, GOALLOC_SPAN_FULL, GOALLOC_SPAN_DEAD);
	if (unlikely(state != GOALLOC_SPAN_FULL)) {
		if (state == GOALLOC_SPAN_RCU)
			goalloc_report_rcu_pending(p, NULL, ip);
		else
			goalloc_report("double free", p, NULL, ip);
		return;
	}
	kmemleak_free(p);
	goalloc_kasan_unpoison(p, bytes);
	if (want_init_on_free())
		memset((void *)s->base, 0, bytes);
	goalloc_kasan_free(p, bytes);
	goalloc_heap_unmap(s);
	goalloc_span_destroy(s);
	this_cpu_inc(goalloc_stats.large_frees);
	this_cpu_sub(goalloc_stats.large_bytes, bytes);
	release_poll();
}

/* ---- The kmalloc-like family ------------------------------------------ */

/* Sizes over 32 KiB, zero and too large ones: off the fast path. */
static noinline void *malloc_big(size_t size, gfp_t gfp, int node)
{
	if (!size)
		return ZERO_SIZE_PTR;
	if (unlikely(size > GOALLOC_MAX_SIZE)) {
		/* Reached by a tail call: _RET_IP_ is goalloc's caller. */
		if (!(gfp & __GFP_NOWARN))
			goalloc_report_arg(_RET_IP_, NULL,
					   "allocation larger than goalloc can serve: %zu bytes",
					   size);
		return NULL;
	}
	return large_alloc(size, gfp, node);
}

static __always_inline void *malloc_node(size_t size, gfp_t gfp, int node)
{
	struct goalloc_cache *c;

	if (likely(size - 1 < GOALLOC_MAX_SMALL_SIZE)) {
		if (size < GOALLOC_TINY_SIZE && node == NUMA_NO_NODE)
			return tiny_alloc(size, gfp);
		c = goalloc_kmalloc[goalloc_size_to_class(size)];
		/*
		 * Only a red zone or KASAN needs the size asked for: the
		 * fast paths keep it only where KASAN or kmemleak is built
		 * in; under goalloc.debug=1, whose red zones need it, the
		 * malloc family's caches all go straight to their spans.
		 */
		if (static_branch_unlikely(&goalloc_malloc_debug))
			return cache_alloc_node(c, gfp, node == NUMA_NO_NODE ?
						numa_mem_id() : node, size);
		if (node == NUMA_NO_NODE)
			return cache_alloc(c, gfp, GOALLOC_HOOKS ? size : 0,
					   true);
		return cache_alloc_on_node(c, gfp, node,
					   GOALLOC_HOOKS ? size : 0);
	}
	return malloc_big(size, gfp, node);
}

static size_t obj_size(const void *p);

/* The cache an object of the malloc family is in, for the tracepoints. */
static const char *obj_cache_name(const void *p)
{
	struct goalloc_span *s = ZERO_OR_NULL_PTR(p) ? NULL : goalloc_span_of(p);

	if (!s)
		return "-";
	return s->cache ? s->cache->name : "large";
}

/*
 * While goalloc_alloc is traced, the malloc family takes this copy of its
 * path: the untraced one keeps its tail calls and no stack frame.
 */
static noinline void *malloc_traced(size_t size, gfp_t gfp, int node,
				    unsigned long ip)
{
	void *p = malloc_node(size, gfp, node);

	trace_goalloc_alloc(ip, p, size, obj_size(p), gfp, obj_cache_name(p));
	return p;
}

void *goalloc_malloc(size_t size, gfp_t gfp)
{
	if (trace_goalloc_alloc_enabled())
		return malloc_traced(size, gfp, NUMA_NO_NODE, _RET_IP_);
	return malloc_node(size, gfp, NUMA_NO_NODE);
}
EXPORT_SYMBOL_NS_GPL(goalloc_malloc, GOALLOC);

void *goalloc_malloc_node(size_t size, gfp_t gfp, int node)
{
	if (goalloc_node_bad(node))
		return goalloc_bad_node(node, NULL, _RET_IP_);
	if (trace_goalloc_alloc_enabled())
		return malloc_traced(size, gfp, node, _RET_IP_);
	return malloc_node(size, gfp, node);
}
EXPORT_SYMBOL_NS_GPL(goalloc_malloc_node, GOALLOC);

void *goalloc_calloc(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes))) {
		goalloc_report_arg(_RET_IP_, NULL,
				   "calloc size overflows: %zu * %zu bytes", n,
				   size);
		return NULL;
	}
	if (trace_goalloc_alloc_enabled())
		return malloc_traced(bytes, gfp | __GFP_ZERO, NUMA_NO_NODE,
				     _RET_IP_);
	return malloc_node(bytes, gfp | __GFP_ZERO, NUMA_NO_NODE);
}
EXPORT_SYMBOL_NS_GPL(goalloc_calloc, GOALLOC);

/*
 * A small object's free that the fast path declined: a pointer inside an
 * object, or a span with an object waiting in goalloc_free_rcu().
 */
static noinline void small_free_slow(struct goalloc_span *s, const void *p,
				     unsigned long ip)
{
	if (!goalloc_span_obj_at(s, p))
		goalloc_report("free of a pointer inside an object", p,
			       s->cache, ip);
	else if (obj_rcu_pending(s, p))
		goalloc_report_rcu_pending(p, s->cache, ip);
	else
		cache_free(s->cache, (void *)p, ip);
}

/*
 * Every free that is not the fast case below: NULL, memory goalloc does
 * not own, pointers inside objects, tiny and large objects.
 */
static noinline void free_slow(const void *p, struct goalloc_span *s,
			       unsigned long ip)
{
	if (unlikely(ZERO_OR_NULL_PTR(p)))
		return;
	if (unlikely(!s->nelems)) {
		goalloc_report_unowned(p, s, NULL, ip);
		return;
	}
	/* Each case out of line: this dispatch needs no stack frame. */
	if (s->kind != GOALLOC_SPAN_SMALL)
		return large_free(s, p, ip);
	if (s->cache->tiny)
		return tiny_free(s, p, ip);
	small_free_slow(s, p, ip);
}

/* goalloc_free(): find the span, check the pointer, push on the array. */
static __always_inline void free_checked(const void *p, unsigned long ip)
{
	struct goalloc_span *s;

	lookup_enter();
	s = goalloc_span_lookup(p);
	/*
	 * NULL, ZERO_SIZE_PTR and memory goalloc does not own find
	 * goalloc_empty_span, whose limit is 0, as do tiny and large objects.
	 */
	if (likely(goalloc_span_obj_start(s, p)))
		cache_free(s->cache, (void *)p, 0);
	else
		free_slow(p, s, ip);
	lookup_exit();
}

/* goalloc_free() while goalloc_free is traced. */
static noinline void free_traced(const void *p, unsigned long ip)
{
	/* A stale pointer's span may go meanwhile: see lookup_enter(). */
	rcu_read_lock();
	trace_goalloc_free(ip, p, obj_cache_name(p));
	rcu_read_unlock();
	free_checked(p, ip);
}

void goalloc_free(const void *p)
{
	if (trace_goalloc_free_enabled())
		return free_traced(p, _RET_IP_);
	free_checked(p, _RET_IP_);
}
EXPORT_SYMBOL_NS_GPL(goalloc_free, GOALLOC);

/*
 * The usable size of the allocated object at @p, or 0 if @p is not an
 * allocated object: memory goalloc does not own, a pointer inside an
 * object or into a span's unused tail, a free slot.
 */
static size_t obj_size(const void *p)
{
	struct goalloc_span *s;
	struct goalloc_cache *c;

	if (ZERO_OR_NULL_PTR(p))
		return 0;
	s = goalloc_span_of(p);
	if (!s)
		return 0;
	if (s->kind != GOALLOC_SPAN_SMALL)
		return (unsigned long)p == s->base &&
		       READ_ONCE(s->state) == GOALLOC_SPAN_FULL ? s->elemsize : 0;
	c = s->cache;
	if (c->tiny)
		return tiny_size(s, p);
	if (!goalloc_span_obj_at(s, p) || obj_rcu_pending(s, p) ||
	    obj_free_now(c, p))
		return 0;
	return c->object_size;
}

/*
 * KASAN: @size bytes of @p, an object of @ks bytes found by obj_size(),
 * may be used, the rest is a red zone.  Tiny objects share their block's
 * shadow, which stays open while the block is carved.
 */
static void obj_kasan_resize(struct goalloc_span *s, const void *p,
			     size_t size, size_t ks)
{
	if (s->kind != GOALLOC_SPAN_SMALL || !s->cache->tiny)
		goalloc_kasan_alloc(p, size, ks);
}

bool goalloc_owns(const void *p)
{
	return !ZERO_OR_NULL_PTR(p) &&
	       goalloc_span_lookup(p) != &goalloc_empty_span;
}
EXPORT_SYMBOL_NS_GPL(goalloc_owns, GOALLOC);

#if IS_ENABLED(CONFIG_KUNIT)
void goalloc_test_mark(void *obj)
{
	struct goalloc_span *s = goalloc_span_of(obj);

	if (s && s->cache && !cache_debug(s->cache))
		obj_mark(s->cache, obj);
}
EXPORT_SYMBOL_NS_GPL(goalloc_test_mark, GOALLOC);
#endif

size_t goalloc_size(const void *p)
{
	struct goalloc_span *s;
	size_t size;

	rcu_read_lock();
	size = obj_size(p);
	if (size) {
		/* As ksize(): all of the object is the caller's from now on. */
		s = goalloc_span_of(p);
		obj_kasan_resize(s, p, size, size);
		if (s->kind == GOALLOC_SPAN_SMALL && cache_debug(s->cache))
			obj_debug(s, p)->size = size;
	}
	rcu_read_unlock();
	if (!size && !ZERO_OR_NULL_PTR(p))
		goalloc_report("size of a pointer that is not an allocated object",
			       p, NULL, _RET_IP_);
	return size;
}
EXPORT_SYMBOL_NS_GPL(goalloc_size, GOALLOC);

/*
 * goalloc_realloc() within the object (@ks bytes, from obj_size()): the
 * bytes past @new_size are no longer the caller's.  A debug cache's red
 * zone moves to @new_size; elsewhere the spare bytes are zeroed under
 * init_on_alloc, so that a later growth finds them zero.
 */
static void realloc_in_place(struct goalloc_span *s, void *p, size_t new_size,
			     size_t ks, gfp_t gfp)
{
	struct goalloc_cache *c = s->cache;
	struct goalloc_obj_debug *d;

	if (s->kind != GOALLOC_SPAN_SMALL || !cache_debug(c)) {
		obj_kasan_resize(s, p, ks, ks);
		if (want_init_on_alloc(gfp))
			memset(p + new_size, 0, ks - new_size);
		obj_kasan_resize(s, p, new_size, ks);
		return;
	}
	d = obj_debug(s, p);
	goalloc_kasan_unpoison(p, c->size);
	if (new_size > d->size && want_init_on_alloc(gfp))
		memset(p + d->size, 0, new_size - d->size);
	d->size = new_size;
	if (c->flags & GOALLOC_RED_ZONE)
		memset(p + new_size, SLUB_RED_ACTIVE, c->size - new_size);
	goalloc_kasan_alloc(p, new_size, c->size);
}

/*
 * What goalloc_realloc() copies when @p (@ks bytes, from obj_size()) moves
 * to a bigger object: the size asked for where goalloc knows it, so that
 * with __GFP_ZERO the new object is zero past it (as 7.x's krealloc()
 * does with its tracked size), and a debug cache's red zone is not
 * copied; else, as krealloc(), the whole object.  A tiny object's size is
 * exact already.
 */
static size_t realloc_copy_size(struct goalloc_span *s, const void *p,
				size_t ks)
{
	if (s->kind == GOALLOC_SPAN_SMALL && cache_debug(s->cache))
		return min_t(size_t, obj_debug(s, p)->size, ks);
	return ks;
}

void *goalloc_realloc(const void *p, size_t new_size, gfp_t gfp)
{
	struct goalloc_span *s;
	size_t ks;
	void *q;

	if (!p || p == ZERO_SIZE_PTR)
		return malloc_traced(new_size, gfp, NUMA_NO_NODE, _RET_IP_);
	if (!new_size) {
		free_traced(p, _RET_IP_);
		return ZERO_SIZE_PTR;
	}
	/* A live object keeps its span; a stale pointer's may go meanwhile. */
	rcu_read_lock();
	ks = obj_size(p);
	rcu_read_unlock();
	if (!ks) {
		goalloc_report("realloc of a pointer that is not an allocated object",
			       p, NULL, _RET_IP_);
		return NULL;
	}
	s = goalloc_span_of(p);
	if (new_size <= ks) {
		realloc_in_place(s, (void *)p, new_size, ks, gfp);
		return (void *)p;
	}
	q = malloc_traced(new_size, gfp, NUMA_NO_NODE, _RET_IP_);
	if (!q)
		return NULL;
	obj_kasan_resize(s, p, ks, ks);
	memcpy(q, p, realloc_copy_size(s, p, ks));
	free_traced(p, _RET_IP_);
	return q;
}
EXPORT_SYMBOL_NS_GPL(goalloc_realloc, GOALLOC);

/* ---- goalloc_free_rcu(): batched frees after a grace period ------------ */

/*
 * Each CPU keeps the pointers given to goalloc_free_rcu() in blocks of
 * its own (struct goalloc_rcu_block), not in the objects: at the end of
 * the grace period each one is freed through goalloc_free()'s checked
 * path, so that an object also freed directly meanwhile is reported as a
 * double free, and a pointer whose span is gone as memory goalloc does not
 * own, instead of the batch following links through memory that is no
 * longer the caller's.  Only when no block can be had (GFP_NOWAIT fails)
 * is an object linked through its own rcu_head, as kfree_rcu() does.
 *
 * What no allocator can catch: an object freed directly and allocated
 * again before the grace period ends is a live object again when the
 * batch frees it; that free takes it from its new owner.
 */

static void rcu_batch_start(struct goalloc_rcu_cpu *b);

/* The object holding @head, or @head itself where goalloc has no span. */
static void *rcu_head_obj(struct rcu_head *head)
{
	struct goalloc_span *s = goalloc_span_of(head);

	if (!s)
		return head;
	if (s->kind != GOALLOC_SPAN_SMALL)
		return (void *)s->base;
	return (void *)(s->base + (unsigned long)s->elemsize *
			goalloc_span_obj_index(s, head));
}

/*
 * @obj, given to goalloc_free_rcu(), is one of goalloc's objects and
 * allocated: mark it as waiting, so that a direct free of it is a double
 * free, found by the slow path every free of its span takes meanwhile.
 * Return: false (reported) if it is not allocated, or already waiting.
 */
static bool rcu_pending_mark(void *obj, unsigned long ip)
{
	struct goalloc_span *s = goalloc_span_lookup(obj);
	struct goalloc_cache *c = s->cache;
	unsigned long flags;
	bool twice;

	if (s->kind != GOALLOC_SPAN_SMALL) {
		if (cmpxchg(&s->state, GOALLOC_SPAN_FULL,
			    GOALLOC_SPAN_RCU) == GOALLOC_SPAN_FULL)
			return true;
		goalloc_report("free_rcu of an object that is not allocated",
			       obj, NULL, ip);
		return false;
	}
	if (obj_free_now(c, obj)) {
		goalloc_report("free_rcu of an object that is not allocated",
			       obj, c, ip);
		return false;
	}
	spin_lock_irqsave(&c->central.lock, flags);
	twice = __test_and_set_bit(goalloc_span_obj_index(s, obj), s->rcu_bits);
	if (!twice && !s->rcu_pending++)
		WRITE_ONCE(s->limit, 0);
	spin_unlock_irqrestore(&c->central.lock, flags);
	if (twice)
		goalloc_report_rcu_pending(obj, c, ip);
	return !twice;
}

/* The grace period is over: @obj is an allocated object again. */
static void rcu_pending_clear(void *obj)
{
	struct goalloc_span *s = goalloc_span_lookup(obj);
	struct goalloc_cache *c = s->cache;
	unsigned long flags;

	if (s->kind != GOALLOC_SPAN_SMALL) {
		cmpxchg(&s->state, GOALLOC_SPAN_RCU, GOALLOC_SPAN_FULL);
		return;
	}
	spin_lock_irqsave(&c->central.lock, flags);
	__clear_bit(goalloc_span_obj_index(s, obj), s->rcu_bits);
	if (!--s->rcu_pending)
		WRITE_ONCE(s->limit, s->nelems * s->elemsize);
	spin_unlock_irqrestore(&c->central.lock, flags);
}

static void rcu_free_one(void *obj)
{
	rcu_pending_clear(obj);
	/* The call site of a deferred free: this function. */
	trace_goalloc_free(_THIS_IP_, obj, obj_cache_name(obj));
	free_checked(obj, _THIS_IP_);
}

static void rcu_batch_done(struct rcu_head *rcu)
{
	struct goalloc_rcu_cpu *b = container_of(rcu, struct goalloc_rcu_cpu,
						 rcu);
	struct goalloc_rcu_block *blocks, *k, *next;
	struct rcu_head *heads, *h, *hnext;
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&b->lock, flags);
	blocks = b->inflight;
	heads = b->inflight_heads;
	b->inflight = NULL;
	b->inflight_heads = NULL;
	spin_unlock_irqrestore(&b->lock, flags);

	for (k = blocks; k; k = k->next)
		for (i = 0; i < k->n; i++)
			rcu_free_one(k->objs[i]);
	for (h = heads; h; h = hnext) {
		hnext = h->next;
		rcu_free_one(rcu_head_obj(h));
	}

	spin_lock_irqsave(&b->lock, flags);
	for (k = blocks; k; k = next) {
		next = k->next;
		if (k->fixed) {
			k->next = b->spare;
			b->spare = k;
		} else {
			kfree(k);
		}
	}
	/* goalloc_rcu_barrier() waits for this: every object is freed. */
	b->busy = false;
	b->done++;
	rcu_batch_start(b);
	spin_unlock_irqrestore(&b->lock, flags);
}

/* Move the pending objects under a grace period.  Batch lock held. */
static void rcu_batch_start(struct goalloc_rcu_cpu *b)
{
	if (b->busy || !b->npending)
		return;
	b->busy = true;
	b->started++;
	b->inflight = b->pending;
	b->inflight_heads = b->pending_heads;
	b->pending = NULL;
	b->pending_heads = NULL;
	b->npending = 0;
	call_rcu(&b->rcu, rcu_batch_done);
}

static void rcu_batch_timer(struct timer_list *t)
{
	struct goalloc_rcu_cpu *b = from_timer(b, t, timer);
	unsigned long flags;

	spin_lock_irqsave(&b->lock, flags);
	rcu_batch_start(b);
	spin_unlock_irqrestore(&b->lock, flags);
}

/* Queue @obj (holding @head) on this CPU's batch.  Batch lock held. */
static void rcu_batch_add(struct goalloc_rcu_cpu *b, void *obj,
			  struct rcu_head *head)
{
	struct goalloc_rcu_block *k = b->pending;

	if (!k || k->n == GOALLOC_RCU_BLOCK) {
		k = b->spare;
		if (k) {
			b->spare = k->next;
		} else {
			/* Any context: the caller may be in a hard IRQ. */
			k = kmalloc(sizeof(*k), GFP_NOWAIT | __GFP_NOWARN);
			if (!k) {
				head->next = b->pending_heads;
				b->pending_heads = head;
				return;
			}
			k->fixed = false;
		}
		k->n = 0;
		k->next = b->pending;
		b->pending = k;
	}
	k->objs[k->n++] = obj;
}

void __goalloc_free_rcu(struct rcu_head *head)
{
	struct goalloc_span *s;
	struct goalloc_rcu_cpu *b;
	unsigned long flags;
	void *obj = NULL;

	/* A stale pointer's span may go meanwhile: see lookup_enter(). */
	rcu_read_lock();
	s = goalloc_span_of(head);
	if (unlikely(!s))
		goalloc_report("free_rcu of memory goalloc does not own", head,
			       NULL, _RET_IP_);
	/* No tiny object (under 16 bytes) has room for an rcu_head. */
	else if (unlikely(s->kind == GOALLOC_SPAN_SMALL && s->cache->tiny))
		goalloc_report("free_rcu of a pointer inside an object (tiny)",
			       head, s->cache, _RET_IP_);
	else if (rcu_pending_mark(rcu_head_obj(head), _RET_IP_))
		obj = rcu_head_obj(head);
	rcu_read_unlock();
	if (!obj)
		return;
	local_irq_save(flags);
	b = this_cpu_ptr(&goalloc_rcu);
	spin_lock(&b->lock);
	rcu_batch_add(b, obj, head);
	if (++b->npending >= GOALLOC_RCU_BATCH)
		rcu_batch_start(b);
	else if (!timer_pending(&b->timer))
		mod_timer(&b->timer, jiffies + GOALLOC_RCU_DELAY);
	spin_unlock(&b->lock);
	local_irq_restore(flags);
}
EXPORT_SYMBOL_NS_GPL(__goalloc_free_rcu, GOALLOC);

/*
 * Wait for what each CPU had queued when it was looked at, and no more: a
 * batch started now, or the next one if a grace period is under way (the
 * objects waiting behind it go with the next batch).  Batches queued
 * later do not hold the caller up, however busy goalloc_free_rcu() is.
 * Batches of one CPU complete in order, each callback starting the next.
 */
void goalloc_rcu_barrier(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct goalloc_rcu_cpu *b = per_cpu_ptr(&goalloc_rcu, cpu);
		unsigned long flags, target;

		spin_lock_irqsave(&b->lock, flags);
		rcu_batch_start(b);
		target = b->started + (b->npending ? 1 : 0);
		spin_unlock_irqrestore(&b->lock, flags);
		while ((long)(READ_ONCE(b->done) - target) < 0)
			rcu_barrier();
	}
}
EXPORT_SYMBOL_NS_GPL(goalloc_rcu_barrier, GOALLOC);

/* Set up each CPU's batch: its lock, its timer, its own two blocks. */
static void rcu_batches_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct goalloc_rcu_cpu *b = per_cpu_ptr(&goalloc_rcu, cpu);
		unsigned int i;

		spin_lock_init(&b->lock);
		timer_setup(&b->timer, rcu_batch_timer, 0);
		b->spare = NULL;
		for (i = 0; i < ARRAY_SIZE(b->fixed); i++) {
			b->fixed[i].fixed = true;
			b->fixed[i].next = b->spare;
			b->spare = &b->fixed[i];
		}
	}
}

/* ---- Caches ------------------------------------------------------------ */

/* Go's rule for the pages of a span: the tail left over is at most 1/8. */
static unsigned int span_pages_for(unsigned int size)
{
	unsigned int npages, best = 1;
	unsigned long best_waste = ULONG_MAX;

	if (size > GOALLOC_MAX_SMALL_SIZE)
		return DIV_ROUND_UP(size, GOALLOC_PAGE_SIZE);
	/*
	 * Up to 16 pages (128 KiB), which keeps Go's multiply-and-shift
	 * index exact for every object size up to 32 KiB.
	 */
	for (npages = 1; npages <= 16; npages++) {
		unsigned long span = (unsigned long)npages << GOALLOC_PAGE_SHIFT;
		unsigned long tail = span % size;

		if (tail <= span / 8)
			return npages;
		if (tail * 16 / span < best_waste) {
			best_waste = tail * 16 / span;
			best = npages;
		}
	}
	return best;
}

/*
 * The flags a cache gets.  goalloc.debug=1 debugs every cache but the tiny
 * one; it gives a red zone only to the malloc family's caches (@malloc),
 * where it costs no byte (the rest of the size class) and changes no
 * promise: a user cache's objects keep the usable size, the alignment and
 * so the layout they were created with, unless it asks for a red zone.
 */
static unsigned int cache_flags(unsigned int flags, bool malloc)
{
	if (goalloc_debug && !(flags & GOALLOC_TINY_CACHE))
		flags |= GOALLOC_POISON | GOALLOC_STORE_USER |
			 (malloc ? GOALLOC_RED_ZONE : 0);
	/* Stacks need the depot, set up on demand on kernels without KASAN. */
	if ((flags & GOALLOC_STORE_USER) && IS_ENABLED(CONFIG_STACKDEPOT) &&
	    stack_depot_init())
		flags &= ~GOALLOC_STORE_USER;
	return flags;
}

/*
 * A cache of @size-byte slots, of which a user may use @object_size, in
 * spans of @npages; @flags from cache_flags().
 */
static struct goalloc_cache *cache_new(const char *name, unsigned int size,
				       unsigned int object_size,
				       unsigned int npages, unsigned int flags,
				       void (*ctor)(void *))
{
	unsigned int array_max = clamp(GOALLOC_ARRAY_BYTES / size,
				       GOALLOC_ARRAY_MIN, GOALLOC_ARRAY_MAX);
	struct goalloc_cache *c;
	int cpu;

	/* A debug cache's frees skip the array: it holds nothing. */
	if (flags & GOALLOC_DEBUG_FLAGS)
		array_max = 0;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return NULL;
	c->cpu = __alloc_percpu(sizeof(*c->cpu) + (array_max + 1) * sizeof(void *),
				__alignof__(struct goalloc_cpu_cache));
	if (!c->cpu) {
		kfree(c);
		return NULL;
	}
	for_each_possible_cpu(cpu) {
		struct goalloc_cpu_cache *pc = per_cpu_ptr(c->cpu, cpu);

		local_lock_init(&pc->lock);
		pc->span = &goalloc_empty_span;
	}
	c->size = size;
	c->object_size = object_size;
	c->array_max = array_max;
	c->npages = npages;
	c->max_empty = clamp(GOALLOC_EMPTY_BYTES / (npages << GOALLOC_PAGE_SHIFT),
			     GOALLOC_EMPTY_MIN, GOALLOC_EMPTY_MAX);
	c->flags = flags;
	c->ctor = ctor;
	spin_lock_init(&c->central.lock);
	INIT_LIST_HEAD(&c->central.partial);
	INIT_LIST_HEAD(&c->central.full);
	INIT_LIST_HEAD(&c->central.empty);
	INIT_LIST_HEAD(&c->list);
	strscpy(c->name, name, sizeof(c->name));
	/* A name is one word in goalloc/caches and a debugfs directory. */
	strreplace(c->name, ' ', '_');
	strreplace(c->name, '\t', '_');
	strreplace(c->name, '\n', '_');
	strreplace(c->name, '/', '_');
	return c;
}

/* Free a cache whose spans are all gone. */
static void cache_free_struct(struct goalloc_cache *c)
{
	free_percpu(c->cpu);
	kfree(c);
}

static void cache_debugfs_add(struct goalloc_cache *c);

#define GOALLOC_CACHE_FLAGS	(GOALLOC_HWCACHE_ALIGN | GOALLOC_TYPESAFE_BY_RCU | \
				 GOALLOC_DEBUG_FLAGS)

/*
 * goalloc_cache_create()'s arguments, checked as every other input is:
 * each bad one is reported, with its value, and counted.
 */
static bool __cold cache_create_args_bad(const char *name, unsigned int size,
					 unsigned int align, unsigned int flags,
					 unsigned long ip)
{
	if (!name)
		goalloc_report_arg(ip, NULL, "cache_create: name is NULL");
	else if (!size)
		goalloc_report_arg(ip, name, "cache_create: object size %u",
				   size);
	else if (size > GOALLOC_MAX_SIZE)
		goalloc_report_arg(ip, name,
				   "cache_create: object size %u over the maximum %lu",
				   size, GOALLOC_MAX_SIZE);
	else if (align & (align - 1))
		goalloc_report_arg(ip, name,
				   "cache_create: alignment %u not a power of two",
				   align);
	else if (align > GOALLOC_PAGE_SIZE)
		goalloc_report_arg(ip, name,
				   "cache_create: alignment %u over a page (%lu)",
				   align, GOALLOC_PAGE_SIZE);
	else if (flags & ~GOALLOC_CACHE_FLAGS)
		goalloc_report_arg(ip, name, "cache_create: unknown flags %#x",
				   flags & ~GOALLOC_CACHE_FLAGS);
	else
		return false;
	return true;
}

struct goalloc_cache *goalloc_cache_create(const char *name, unsigned int size,
					   unsigned int align, unsigned int flags,
					   void (*ctor)(void *))
{
	unsigned int object_size = size, marker_off = 0;
	struct goalloc_cache *c;
	unsigned long irqflags;

	if (unlikely(cache_create_args_bad(name, size, align, flags, _RET_IP_)))
		return NULL;
	flags = cache_flags(flags, false);
	align = max(align, 8U);
	if (flags & GOALLOC_HWCACHE_ALIGN)
		align = max_t(unsigned int, align, cache_line_size());
	/* Usable: the size rounded up, or, with a red zone, exactly. */
	if (flags & GOALLOC_RED_ZONE)
		size += GOALLOC_RED_ZONE_MIN;
	else
		object_size = ALIGN(size, align);
	/*
	 * A free object keeps a constructor's state, or what RCU readers
	 * see: its free marker goes past it, as SLUB puts its free pointer.
	 */
	if ((ctor || (flags & GOALLOC_TYPESAFE_BY_RCU)) &&
	    !(flags & GOALLOC_DEBUG_FLAGS)) {
		marker_off = object_size;
		size = marker_off + sizeof(unsigned long);
	}
	size = ALIGN(size, align);
	if (size > GOALLOC_MAX_SIZE) {
		goalloc_report_arg(_RET_IP_, name,
				   "cache_create: object size %u takes a %u-byte slot (alignment, red zone, free marker), over the maximum %lu",
				   object_size, size, GOALLOC_MAX_SIZE);
		return NULL;
	}
	c = cache_new(name, size, object_size, span_pages_for(size), flags,
		      ctor);
	if (!c)
		return NULL;
	c->marker_off = marker_off;
	mutex_lock(&goalloc_caches_mutex);
	spin_lock_irqsave(&goalloc_caches_lock, irqflags);
	list_add_tail(&c->list, &goalloc_caches);
	spin_unlock_irqrestore(&goalloc_caches_lock, irqflags);
	cache_debugfs_add(c);
	mutex_unlock(&goalloc_caches_mutex);
	return c;
}
EXPORT_SYMBOL_NS_GPL(goalloc_cache_create, GOALLOC);

/* A cache's per-CPU counters, summed over the CPUs. */
struct cache_counts {
	unsigned long ev[GOALLOC_NR_EVENTS];
	unsigned long allocs, frees, tiny_allocs, tiny_frees, cpu_objs;
};

static void cache_sum(struct goalloc_cache *c, struct cache_counts *n)
{
	unsigned int i;
	int cpu;

	memset(n, 0, sizeof(*n));
	for_each_possible_cpu(cpu) {
		struct goalloc_cpu_cache *pc = per_cpu_ptr(c->cpu, cpu);

		for (i = 0; i < GOALLOC_NR_EVENTS; i++)
			n->ev[i] += READ_ONCE(pc->ev[i]);
		n->tiny_allocs += READ_ONCE(pc->tiny_allocs);
		n->tiny_frees += READ_ONCE(pc->tiny_frees);
		n->cpu_objs += READ_ONCE(pc->count);
	}
	n->allocs = n->ev[GOALLOC_EV_ARRAY_POP] + n->ev[GOALLOC_EV_SPAN_FAST] +
		    n->ev[GOALLOC_EV_ALLOC_SLOW];
	n->frees = n->ev[GOALLOC_EV_FREE_FAST] + n->ev[GOALLOC_EV_PUSH_SLOW] +
		   n->ev[GOALLOC_EV_FREE_SLOW] - n->ev[GOALLOC_EV_FREE_DOUBLE];
}

/* Live objects of a drained cache, counted over its spans. */
static unsigned long cache_live(struct goalloc_cache *c)
{
	struct goalloc_span *s;
	unsigned long flags, live = 0;

	spin_lock_irqsave(&c->central.lock, flags);
	list_for_each_entry(s, &c->central.partial, list)
		live += goalloc_span_live(s);
	list_for_each_entry(s, &c->central.full, list)
		live += goalloc_span_live(s);
	spin_unlock_irqrestore(&c->central.lock, flags);
	return live;
}

void goalloc_cache_destroy(struct goalloc_cache *c)
{
	unsigned long flags, live;
	struct cache_counts n;

	if (!c)
		return;
	/*
	 * goalloc_free_rcu() objects of any cache may still wait: they are
	 * not leaks (kmem_cache_destroy() waits with kvfree_rcu_barrier()).
	 */
	goalloc_rcu_barrier();
	mutex_lock(&goalloc_caches_mutex);
	cache_drain(c);
	live = cache_live(c);
	if (live) {
		/* Keep it all: someone may still use the objects. */
		mutex_unlock(&goalloc_caches_mutex);
		goalloc_count_misuse();
		pr_err("cache %s destroyed with %lu objects still allocated; its memory is leaked\n",
		       c->name, live);
		return;
	}
	cache_sum(c, &n);
	spin_lock_irqsave(&goalloc_caches_lock, flags);
	list_del(&c->list);
	goalloc_gone_allocs += n.allocs;
	goalloc_gone_frees += n.frees;
	spin_unlock_irqrestore(&goalloc_caches_lock, flags);
	mutex_unlock(&goalloc_caches_mutex);
	/* Waits for readers and for a shrink, which takes the mutex. */
	debugfs_remove_recursive(c->debugfs);
	if (c->flags & GOALLOC_TYPESAFE_BY_RCU)
		rcu_barrier();
	cache_free_struct(c);
}
EXPORT_SYMBOL_NS_GPL(goalloc_cache_destroy, GOALLOC);

/* goalloc_cache_alloc() while goalloc_alloc is traced. */
static noinline void *cache_alloc_traced(struct goalloc_cache *c, gfp_t gfp,
					 int node, unsigned long ip)
{
	void *obj = cache_alloc_on_node(c, gfp, node, 0);

	trace_goalloc_alloc(ip, obj, c->object_size, c->size, gfp, c->name);
	return obj;
}

void *goalloc_cache_alloc(struct goalloc_cache *c, gfp_t gfp)
{
	if (trace_goalloc_alloc_enabled())
		return cache_alloc_traced(c, gfp, NUMA_NO_NODE, _RET_IP_);
	return cache_alloc(c, gfp, 0, false);
}
EXPORT_SYMBOL_NS_GPL(goalloc_cache_alloc, GOALLOC);

void *goalloc_cache_alloc_node(struct goalloc_cache *c, gfp_t gfp, int node)
{
	if (goalloc_node_bad(node))
		return goalloc_bad_node(node, c->name, _RET_IP_);
	if (trace_goalloc_alloc_enabled())
		return cache_alloc_traced(c, gfp, node, _RET_IP_);
	return cache_alloc_on_node(c, gfp, node, 0);
}
EXPORT_SYMBOL_NS_GPL(goalloc_cache_alloc_node, GOALLOC);

/* goalloc_cache_free() of an object not in this CPU's span. */
static noinline void cache_free_slow(struct goalloc_cache *c, void *obj,
				     unsigned long ip)
{
	struct goalloc_span *s;

	if (unlikely(!obj))
		return;
	lookup_enter();
	s = goalloc_span_lookup(obj);
	if (unlikely(!s->nelems))
		goalloc_report_unowned(obj, s, c, ip);
	else if (unlikely(s->cache != c))
		goalloc_report("free to the wrong cache", obj, c, ip);
	else if (unlikely(!goalloc_span_obj_at(s, obj)))
		goalloc_report("free of a pointer inside an object", obj, c, ip);
	else if (unlikely(obj_rcu_pending(s, obj)))
		goalloc_report_rcu_pending(obj, c, ip);
	else
		cache_free(c, obj, ip);
	lookup_exit();
}

static __always_inline void cache_free_checked(struct goalloc_cache *c,
					       void *obj, unsigned long ip)
{
	struct goalloc_cpu_cache *pc;
	unsigned long flags;

	local_lock_irqsave(&c->cpu->lock, flags);
	pc = this_cpu_ptr(c->cpu);
	/*
	 * An object of the CPU's own span needs no page-map lookup: the span
	 * is the cache's and stays while the CPU holds it.
	 */
	if (likely(goalloc_span_obj_start(pc->span, obj)))
		return cache_free_locked(c, pc, obj, flags, 0);
	local_unlock_irqrestore(&c->cpu->lock, flags);
	cache_free_slow(c, obj, ip);
}

/* goalloc_cache_free() while goalloc_free is traced. */
static noinline void cache_free_traced(struct goalloc_cache *c, void *obj,
				       unsigned long ip)
{
	trace_goalloc_free(ip, obj, c->name);
	cache_free_checked(c, obj, ip);
}

void goalloc_cache_free(struct goalloc_cache *c, void *obj)
{
	if (trace_goalloc_free_enabled())
		return cache_free_traced(c, obj, _RET_IP_);
	cache_free_checked(c, obj, _RET_IP_);
}
EXPORT_SYMBOL_NS_GPL(goalloc_cache_free, GOALLOC);

/* Bulk free, untraced: also how a failed bulk allocation undoes itself. */
static void cache_free_bulk(struct goalloc_cache *c, size_t nr, void **objs,
			    unsigned long ip)
{
	struct goalloc_cpu_cache *pc;
	unsigned long flags;
	size_t i, k = 0;

	local_lock_irqsave(&c->cpu->lock, flags);
	pc = this_cpu_ptr(c->cpu);
	for (i = 0; i < nr; i++) {
		void *obj = objs[i];
		struct goalloc_span *s = goalloc_span_lookup(obj);

		if (likely(s->cache == c && goalloc_span_obj_start(s, obj) &&
			   !cache_want_init_on_free(c) && !obj_marked(c, obj))) {
			if (pc->count < c->array_max) {
				pc->objects[++pc->count] = obj;
				pc->ev[GOALLOC_EV_PUSH_SLOW]++;
			} else {
				/* The array is full: straight to the spans. */
				objs[k++] = obj;
			}
			/* The entry before the marker: see obj_is_free(). */
			smp_wmb();
			obj_mark(c, obj);
			free_hooks(c, obj);
			continue;
		}
		/*
		 * Anything else goes the checked way, unlocked, once the
		 * objects bound for the spans are there: the check must see
		 * them free.
		 */
		if (k)
			this_cpu_add(c->cpu->ev[GOALLOC_EV_FREE_SLOW],
				     central_free_objects(c, objs, k));
		k = 0;
		local_unlock_irqrestore(&c->cpu->lock, flags);
		cache_free_slow(c, obj, ip);
		local_lock_irqsave(&c->cpu->lock, flags);
		pc = this_cpu_ptr(c->cpu);
	}
	if (k)
		this_cpu_add(c->cpu->ev[GOALLOC_EV_FREE_SLOW],
			     central_free_objects(c, objs, k));
	local_unlock_irqrestore(&c->cpu->lock, flags);
}

void goalloc_cache_free_bulk(struct goalloc_cache *c, size_t nr, void **objs)
{
	size_t i;

	if (trace_goalloc_free_enabled())
		for (i = 0; i < nr; i++)
			trace_goalloc_free(_RET_IP_, objs[i], c->name);
	cache_free_bulk(c, nr, objs, _RET_IP_);
}
EXPORT_SYMBOL_NS_GPL(goalloc_cache_free_bulk, GOALLOC);

int goalloc_cache_alloc_bulk(struct goalloc_cache *c, gfp_t gfp, size_t nr,
			     void **objs)
{
	struct goalloc_cpu_cache *pc;
	unsigned long flags;
	bool dirty;
	size_t i = 0;

	if (unlikely(cache_debug(c))) {
		for (i = 0; i < nr; i++) {
			objs[i] = cache_alloc(c, gfp, 0, false);
			if (!objs[i]) {
				cache_free_bulk(c, i, objs, _RET_IP_);
				return 0;
			}
		}
		goto out;
	}
	goalloc_might_alloc(gfp);
	/* One locked section: the array, then the span, then refills. */
	local_lock_irqsave(&c->cpu->lock, flags);
	while (i < nr) {
		size_t n;

		pc = this_cpu_ptr(c->cpu);
		n = min_t(size_t, nr - i, pc->count);
		pc->count -= n;
		memcpy(&objs[i], &pc->objects[pc->count + 1], n * sizeof(void *));
		pc->ev[GOALLOC_EV_ARRAY_POP] += n;
		i += n;
		while (i < nr && (objs[i] = goalloc_span_next_free_fast(pc->span))) {
			pc->ev[GOALLOC_EV_SPAN_FAST]++;
			i++;
		}
		if (i == nr)
			break;
		objs[i] = cache_refill(c, gfp, flags, &dirty);
		if (unlikely(!objs[i])) {
			local_unlock_irqrestore(&c->cpu->lock, flags);
			/* Handed out, so that their free is no double free. */
			for (n = 0; n < i; n++)
				obj_unmark(c, objs[n]);
			cache_free_bulk(c, i, objs, _RET_IP_);
			return 0;
		}
		cache_count(c, ALLOC_SLOW);
		i++;
	}
	local_unlock_irqrestore(&c->cpu->lock, flags);
	if (GOALLOC_HOOKS) {
		for (i = 0; i < nr; i++)
			alloc_finish(c, objs[i], gfp, true, 0);
	} else {
		for (i = 0; i < nr; i++)
			obj_unmark(c, objs[i]);
		if (unlikely(cache_want_init_on_alloc(c, gfp)))
			for (i = 0; i < nr; i++)
				memset(objs[i], 0, c->size);
	}
out:
	if (trace_goalloc_alloc_enabled())
		for (i = 0; i < nr; i++)
			trace_goalloc_alloc(_RET_IP_, objs[i], c->object_size,
					    c->size, gfp, c->name);
	return (int)nr;
}
EXPORT_SYMBOL_NS_GPL(goalloc_cache_alloc_bulk, GOALLOC);

int goalloc_cache_shrink(struct goalloc_cache *c)
{
	mutex_lock(&goalloc_caches_mutex);
	cache_drain(c);
	mutex_unlock(&goalloc_caches_mutex);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(goalloc_cache_shrink, GOALLOC);

unsigned int goalloc_cache_size(struct goalloc_cache *c)
{
	return c->object_size;
}
EXPORT_SYMBOL_NS_GPL(goalloc_cache_size, GOALLOC);

/* Drain every cache.  goalloc_caches_mutex held. */
static void drain_all_locked(void)
{
	struct goalloc_cache *c;
	unsigned int i;

	for (i = 0; i < GOALLOC_NUM_SIZE_CLASSES; i++)
		cache_drain(goalloc_kmalloc[i]);
	list_for_each_entry(c, &goalloc_caches, list)
		cache_drain(c);
}

static void drain_all(void)
{
	mutex_lock(&goalloc_caches_mutex);
	drain_all_locked();
	mutex_unlock(&goalloc_caches_mutex);
}

unsigned long goalloc_reclaim(void)
{
	drain_all();
	goalloc_rcu_barrier();
	drain_all();
	return goalloc_heap_release(0);
}
EXPORT_SYMBOL_NS_GPL(goalloc_reclaim, GOALLOC);

unsigned long goalloc_misuse_count(void)
{
	return atomic_long_read(&goalloc_misuse);
}
EXPORT_SYMBOL_NS_GPL(goalloc_misuse_count, GOALLOC);

/* ---- Statistics -------------------------------------------------------- */

void goalloc_read_memstats(struct goalloc_memstats *ms)
{
	struct goalloc_heap_stats hs;
	struct goalloc_cache *c;
	struct cache_counts n;
	unsigned long flags;
	unsigned int i;
	int cpu;

	memset(ms, 0, sizeof(*ms));
	for (i = 1; i < GOALLOC_NUM_SIZE_CLASSES; i++) {
		cache_sum(goalloc_kmalloc[i], &n);
		ms->by_size[i].size = goalloc_class_to_size[i];
		ms->by_size[i].mallocs = n.allocs;
		ms->by_size[i].frees = n.frees;
		ms->mallocs += n.allocs;
		ms->frees += n.frees;
		ms->heap_alloc += (n.allocs - n.frees) * goalloc_class_to_size[i];
	}
	cache_sum(goalloc_tiny_cache, &n);
	ms->tiny_allocs = n.tiny_allocs;
	ms->mallocs += n.tiny_allocs;
	ms->frees += n.tiny_frees;
	ms->heap_alloc += (n.allocs - n.frees) * GOALLOC_TINY_SIZE;

	spin_lock_irqsave(&goalloc_caches_lock, flags);
	ms->mallocs += goalloc_gone_allocs;
	ms->frees += goalloc_gone_frees;
	list_for_each_entry(c, &goalloc_caches, list) {
		cache_sum(c, &n);
		ms->mallocs += n.allocs;
		ms->frees += n.frees;
		ms->heap_alloc += (n.allocs - n.frees) * c->size;
	}
	spin_unlock_irqrestore(&goalloc_caches_lock, flags);

	for_each_possible_cpu(cpu) {
		struct goalloc_pcpu_stats *st = per_cpu_ptr(&goalloc_stats, cpu);

		ms->mallocs += READ_ONCE(st->large_allocs);
		ms->frees += READ_ONCE(st->large_frees);
		ms->heap_alloc += READ_ONCE(st->large_bytes);
		ms->large_objects += READ_ONCE(st->large_allocs) -
				     READ_ONCE(st->large_frees);
	}
	goalloc_heap_read_stats(&hs);
	ms->heap_sys = hs.sys;
	ms->heap_inuse = hs.inuse;
	ms->heap_idle = hs.sys - hs.inuse;
	ms->heap_released = hs.released;
	ms->arenas = hs.arenas;
	ms->heap_objects = ms->mallocs - ms->frees;
}
EXPORT_SYMBOL_NS_GPL(goalloc_read_memstats, GOALLOC);

/* ---- Memory pressure, CPU hotplug -------------------------------------- */

/*
 * The shrinker's drain where it cannot drain itself: give every per-CPU
 * array and CPU span back, then every free arena, counted as the
 * shrinker's.
 */
static void drain_workfn(struct work_struct *work)
{
	unsigned long bytes;

	drain_all();
	bytes = goalloc_heap_release(0);
	atomic_long_add(bytes, &goalloc_shrink_bytes);
}

static DECLARE_WORK(drain_work, drain_workfn);

/* Pages a drain could give back from @c: its per-CPU arrays, its empty spans. */
static unsigned long cache_drainable_pages(struct goalloc_cache *c)
{
	unsigned long objs = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		objs += READ_ONCE(per_cpu_ptr(c->cpu, cpu)->count);
	return (objs * c->size >> PAGE_SHIFT) +
	       READ_ONCE(c->central.nr_empty) *
	       ((unsigned long)c->npages << GOALLOC_PAGE_ORDER);
}

/*
 * What a scan could free, in pages: every free arena, and what draining
 * the caches would return (objects waiting in per-CPU arrays, the empty
 * spans the central lists keep), which no arena shows as free until the
 * caches drain.
 */
static unsigned long goalloc_shrink_count(struct shrinker *sh,
					  struct shrink_control *sc)
{
	struct goalloc_heap_stats hs;
	struct goalloc_cache *c;
	unsigned long pages, flags;
	unsigned int i;

	goalloc_heap_read_stats(&hs);
	pages = hs.free_arenas << GOALLOC_ARENA_ORDER;
	for (i = 0; i < GOALLOC_NUM_SIZE_CLASSES; i++)
		pages += cache_drainable_pages(goalloc_kmalloc[i]);
	spin_lock_irqsave(&goalloc_caches_lock, flags);
	list_for_each_entry(c, &goalloc_caches, list)
		pages += cache_drainable_pages(c);
	spin_unlock_irqrestore(&goalloc_caches_lock, flags);
	return pages;
}

/*
 * Drain the caches and give every free arena back.  The drain needs
 * goalloc_caches_mutex and on_each_cpu(): a reclaimer that may already
 * hold the mutex (an allocation under it) or may not sleep has it done by
 * drain_work, and the pages it frees are counted when it runs.
 */
static unsigned long goalloc_shrink_scan(struct shrinker *sh,
					 struct shrink_control *sc)
{
	unsigned long bytes;

	/* The core scans in batches: the first one drained everything. */
	if (!goalloc_shrink_count(sh, sc))
		return SHRINK_STOP;
	atomic_long_inc(&goalloc_shrink_scans);
	if (preemptible() && mutex_trylock(&goalloc_caches_mutex)) {
		drain_all_locked();
		mutex_unlock(&goalloc_caches_mutex);
	} else if (!READ_ONCE(goalloc_exiting)) {
		schedule_work(&drain_work);
	}
	bytes = goalloc_heap_release(0);
	atomic_long_add(bytes, &goalloc_shrink_bytes);
	return bytes >> PAGE_SHIFT;
}

/* Kbuild defines GOALLOC_HAVE_SHRINKER_ALLOC where the kernel has it (6.7+). */
#ifdef GOALLOC_HAVE_SHRINKER_ALLOC
static struct shrinker *goalloc_shrinker;

static int shrinker_setup(void)
{
	goalloc_shrinker = shrinker_alloc(0, "goalloc");
	if (!goalloc_shrinker)
		return -ENOMEM;
	goalloc_shrinker->count_objects = goalloc_shrink_count;
	goalloc_shrinker->scan_objects = goalloc_shrink_scan;
	shrinker_register(goalloc_shrinker);
	return 0;
}

static void shrinker_teardown(void)
{
	shrinker_free(goalloc_shrinker);
}
#else
static struct shrinker goalloc_shrinker = {
	.count_objects = goalloc_shrink_count,
	.scan_objects = goalloc_shrink_scan,
	.seeks = DEFAULT_SEEKS,
};

static int shrinker_setup(void)
{
	return register_shrinker(&goalloc_shrinker, "goalloc");
}

static void shrinker_teardown(void)
{
	unregister_shrinker(&goalloc_shrinker);
}
#endif

/* A CPU went offline: give its objects and spans back to the caches. */
static int goalloc_cpu_dead(unsigned int cpu)
{
	struct goalloc_rcu_cpu *b = per_cpu_ptr(&goalloc_rcu, cpu);
	struct goalloc_cache *c;
	unsigned long flags;
	unsigned int i;

	mutex_lock(&goalloc_caches_mutex);
	local_irq_save(flags);
	for (i = 0; i < GOALLOC_NUM_SIZE_CLASSES; i++) {
		c = goalloc_kmalloc[i];
		cache_drain_cpu(c, per_cpu_ptr(c->cpu, cpu));
	}
	list_for_each_entry(c, &goalloc_caches, list)
		cache_drain_cpu(c, per_cpu_ptr(c->cpu, cpu));
	local_irq_restore(flags);
	mutex_unlock(&goalloc_caches_mutex);

	spin_lock_irqsave(&b->lock, flags);
	rcu_batch_start(b);
	spin_unlock_irqrestore(&b->lock, flags);
	return 0;
}

/* ---- debugfs and module life ------------------------------------------ */

/*
 * goalloc/ in debugfs:
 *  caches    one line per cache, in the spirit of /proc/slabinfo
 *  classes   the size-class table, with each class's use
 *  heap      the page heap, the shrinker and the background release
 *  memstats  Go's runtime.MemStats names
 *  cache/NAME/events  the cache's event counters (enum goalloc_event)
 *  cache/NAME/shrink  write 1: goalloc_cache_shrink()
 * A name that repeats gets ":2", ":3"... on its directory.
 */

static unsigned long cache_spans(const struct cache_counts *n)
{
	return n->ev[GOALLOC_EV_SPAN_GROW] - n->ev[GOALLOC_EV_SPAN_RELEASE];
}

static void caches_show_one(struct seq_file *m, struct goalloc_cache *c)
{
	unsigned long per_span = ((unsigned long)c->npages << GOALLOC_PAGE_SHIFT) /
				 c->size;
	unsigned long flags, partial = 0;
	struct goalloc_span *s;
	struct cache_counts n;

	cache_sum(c, &n);
	spin_lock_irqsave(&c->central.lock, flags);
	list_for_each_entry(s, &c->central.partial, list)
		partial++;
	spin_unlock_irqrestore(&c->central.lock, flags);
	seq_printf(m, "%-24s %10lu %10lu %8u %6lu %6lu %8lu %8lu %8lu\n",
		   c->name, n.allocs - n.frees, cache_spans(&n) * per_span,
		   c->size, per_span,
		   (unsigned long)c->npages << (GOALLOC_PAGE_SHIFT - PAGE_SHIFT),
		   cache_spans(&n), partial, n.cpu_objs);
}

/* Objects in per-CPU arrays are free: not in active_objs, in cpu_objs. */
static int caches_show(struct seq_file *m, void *v)
{
	struct goalloc_cache *c;
	unsigned int i;

	seq_puts(m, "goalloc caches - version: 1\n");
	seq_puts(m, "# name <active_objs> <num_objs> <objsize> <objperspan> <pagesperspan> <spans> <partial> <cpu_objs>\n");
	mutex_lock(&goalloc_caches_mutex);
	for (i = 0; i < GOALLOC_NUM_SIZE_CLASSES; i++)
		caches_show_one(m, goalloc_kmalloc[i]);
	list_for_each_entry(c, &goalloc_caches, list)
		caches_show_one(m, c);
	mutex_unlock(&goalloc_caches_mutex);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(caches);

static int classes_show(struct seq_file *m, void *v)
{
	struct cache_counts n;
	unsigned int c;

	seq_puts(m, "class  bytes/obj  bytes/span  objects  tail_waste      in_use     spans\n");
	for (c = 1; c < GOALLOC_NUM_SIZE_CLASSES; c++) {
		unsigned long span = goalloc_class_to_npages[c] << GOALLOC_PAGE_SHIFT;
		unsigned int objs = goalloc_class_objects(c);

		cache_sum(goalloc_kmalloc[c], &n);
		seq_printf(m, "%5u  %9u  %10lu  %7u  %10lu  %10lu  %8lu\n", c,
			   goalloc_class_to_size[c], span, objs,
			   span - objs * goalloc_class_to_size[c],
			   n.allocs - n.frees, cache_spans(&n));
	}
	cache_sum(goalloc_tiny_cache, &n);
	seq_printf(m, "tiny: %lu objects in use in %lu %u-byte blocks, %lu spans\n",
		   n.tiny_allocs - n.tiny_frees, n.allocs - n.frees,
		   GOALLOC_TINY_SIZE, cache_spans(&n));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(classes);

static int heap_show(struct seq_file *m, void *v)
{
	struct goalloc_heap_stats hs;

	goalloc_heap_read_stats(&hs);
	seq_printf(m, "arenas %lu\nfree_arenas %lu\nreserve_arenas %u\n"
		   "arena_bytes %lu\nchunks %lu\n",
		   hs.arenas, hs.free_arenas, READ_ONCE(goalloc_arena_reserve),
		   hs.sys, hs.chunks);
	seq_printf(m, "pages_inuse %lu\npages_free %lu\npages_released %lu\n",
		   hs.inuse >> PAGE_SHIFT, (hs.sys - hs.inuse) >> PAGE_SHIFT,
		   hs.released >> PAGE_SHIFT);
	seq_printf(m, "arena_grows %lu\narena_releases %lu\narena_fallbacks %lu\n",
		   hs.arena_grows, hs.arena_releases, hs.fallbacks);
	seq_printf(m, "shrinker_scans %lu\nshrinker_freed %lu\n"
		   "release_runs %lu\nrelease_freed %lu\nmisuse_reports %lu\n",
		   atomic_long_read(&goalloc_shrink_scans),
		   atomic_long_read(&goalloc_shrink_bytes) >> PAGE_SHIFT,
		   hs.release_runs, hs.release_bytes >> PAGE_SHIFT,
		   goalloc_misuse_count());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(heap);

static int memstats_show(struct seq_file *m, void *v)
{
	struct goalloc_memstats *ms = kmalloc(sizeof(*ms), GFP_KERNEL);
	struct goalloc_heap_stats hs;

	if (!ms)
		return -ENOMEM;
	goalloc_read_memstats(ms);
	goalloc_heap_read_stats(&hs);
	seq_printf(m, "HeapAlloc %llu\nHeapSys %llu\nHeapIdle %llu\n"
		   "HeapInuse %llu\nHeapReleased %llu\nHeapObjects %llu\n"
		   "Mallocs %llu\nFrees %llu\nTinyAllocs %llu\nArenas %llu\n"
		   "LargeObjects %llu\n",
		   ms->heap_alloc, ms->heap_sys, ms->heap_idle, ms->heap_inuse,
		   ms->heap_released, ms->heap_objects, ms->mallocs, ms->frees,
		   ms->tiny_allocs, ms->arenas, ms->large_objects);
	seq_printf(m, "FreeArenas %lu\nArenaGrows %lu\nArenaReleases %lu\n"
		   "ArenaFallbacks %lu\nChunks %lu\n",
		   hs.free_arenas, hs.arena_grows, hs.arena_releases,
		   hs.fallbacks, hs.chunks);
	kfree(ms);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(memstats);

static int cache_events_show(struct seq_file *m, void *v)
{
	struct goalloc_cache *c = m->private;
	struct cache_counts n;
	const unsigned long *ev = n.ev;

	cache_sum(c, &n);
	seq_printf(m, "alloc_fastpath %lu\nfree_fastpath %lu\n",
		   ev[GOALLOC_EV_ARRAY_POP] + ev[GOALLOC_EV_SPAN_FAST],
		   ev[GOALLOC_EV_FREE_FAST]);
	seq_printf(m, "array_pop %lu\narray_push %lu\n",
		   ev[GOALLOC_EV_ARRAY_POP],
		   ev[GOALLOC_EV_FREE_FAST] + ev[GOALLOC_EV_PUSH_SLOW]);
	seq_printf(m, "alloc_slowpath %lu\nfree_slowpath %lu\nfree_double %lu\n",
		   ev[GOALLOC_EV_ALLOC_SLOW],
		   ev[GOALLOC_EV_PUSH_SLOW] + ev[GOALLOC_EV_FREE_SLOW],
		   ev[GOALLOC_EV_FREE_DOUBLE]);
	seq_printf(m, "cpu_span_refill %lu\narray_flush %lu\nspan_sweep %lu\n",
		   ev[GOALLOC_EV_REFILL], ev[GOALLOC_EV_FLUSH],
		   ev[GOALLOC_EV_SWEEP]);
	seq_printf(m, "span_grow %lu\nspan_release %lu\ndrain %lu\n",
		   ev[GOALLOC_EV_SPAN_GROW], ev[GOALLOC_EV_SPAN_RELEASE],
		   ev[GOALLOC_EV_DRAIN]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cache_events);

static ssize_t cache_shrink_write(struct file *file, const char __user *buf,
				  size_t len, loff_t *ppos)
{
	struct goalloc_cache *c = file->private_data;
	bool shrink;
	int err;

	err = kstrtobool_from_user(buf, len, &shrink);
	if (err)
		return err;
	if (shrink)
		goalloc_cache_shrink(c);
	return len;
}

static const struct file_operations cache_shrink_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = cache_shrink_write,
	.llseek = default_llseek,
};

/* A cache's directory under goalloc/cache/.  goalloc_caches_mutex held. */
static void cache_debugfs_add(struct goalloc_cache *c)
{
	char name[GOALLOC_NAME_LEN + 12];
	struct dentry *d;
	unsigned int i = 1;

	if (IS_ERR_OR_NULL(goalloc_debugfs_caches))
		return;
	strscpy(name, c->name, sizeof(name));
	while ((d = debugfs_lookup(name, goalloc_debugfs_caches))) {
		dput(d);
		snprintf(name, sizeof(name), "%s:%u", c->name, ++i);
	}
	c->debugfs = debugfs_create_dir(name, goalloc_debugfs_caches);
	debugfs_create_file("events", 0444, c->debugfs, c, &cache_events_fops);
	debugfs_create_file("shrink", 0200, c->debugfs, c, &cache_shrink_fops);
}

static void goalloc_debugfs_init(void)
{
	unsigned int i;

	goalloc_debugfs = debugfs_create_dir("goalloc", NULL);
	debugfs_create_file("caches", 0444, goalloc_debugfs, NULL,
			    &caches_fops);
	debugfs_create_file("classes", 0444, goalloc_debugfs, NULL,
			    &classes_fops);
	debugfs_create_file("heap", 0444, goalloc_debugfs, NULL, &heap_fops);
	debugfs_create_file("memstats", 0444, goalloc_debugfs, NULL,
			    &memstats_fops);
	goalloc_debugfs_caches = debugfs_create_dir("cache", goalloc_debugfs);
	mutex_lock(&goalloc_caches_mutex);
	for (i = 0; i < GOALLOC_NUM_SIZE_CLASSES; i++)
		cache_debugfs_add(goalloc_kmalloc[i]);
	mutex_unlock(&goalloc_caches_mutex);
}

static void destroy_builtin_caches(void)
{
	unsigned int i;

	for (i = 0; i < GOALLOC_NUM_SIZE_CLASSES; i++) {
		if (goalloc_kmalloc[i])
			cache_free_struct(goalloc_kmalloc[i]);
		goalloc_kmalloc[i] = NULL;
	}
}

static int __init create_builtin_caches(void)
{
	char name[GOALLOC_NAME_LEN];
	unsigned int i;

	for (i = 1; i < GOALLOC_NUM_SIZE_CLASSES; i++) {
		snprintf(name, sizeof(name), "goalloc-%u",
			 goalloc_class_to_size[i]);
		goalloc_kmalloc[i] = cache_new(name, goalloc_class_to_size[i],
					       goalloc_class_to_size[i],
					       goalloc_class_to_npages[i],
					       cache_flags(0, true), NULL);
		if (!goalloc_kmalloc[i])
			return -ENOMEM;
	}
	goalloc_tiny_cache = cache_new("goalloc-tiny", GOALLOC_TINY_SIZE,
				       GOALLOC_TINY_SIZE,
				       goalloc_class_to_npages[GOALLOC_TINY_SIZE_CLASS],
				       GOALLOC_TINY_CACHE, NULL);
	if (!goalloc_tiny_cache)
		return -ENOMEM;
	goalloc_tiny_cache->tiny = true;
	if (goalloc_debug)
		static_branch_enable(&goalloc_malloc_debug);
	return 0;
}

/*
 * A tiny block still live at unload: tell kmemleak its live objects are
 * gone.  Return: how many there were.
 */
static unsigned long tiny_forget(struct goalloc_span *s, unsigned int idx)
{
	struct goalloc_tiny_block *t = &s->tiny[idx];
	unsigned long block = s->base + (unsigned long)idx * GOALLOC_TINY_SIZE;
	unsigned long live = t->starts & ~atomic_long_read(&t->word) &
			     (BIT(GOALLOC_TINY_SIZE) - 1);
	unsigned long n = 0, bit;

	for_each_set_bit(bit, &live, GOALLOC_TINY_SIZE) {
		kmemleak_free((void *)(block + bit));
		n++;
	}
	return n;
}

/*
 * Objects of a span still live at unload: unregistered from kmemleak, as
 * their pages are about to be freed (a stale entry would make kmemleak
 * scan freed memory, or find the next owner's object "overlapping" it and
 * turn itself off).  Return: how many.
 */
static unsigned long span_forget_live(struct goalloc_cache *c,
				      struct goalloc_span *s)
{
	unsigned long n = 0, seen = 0;
	unsigned int i;

	for (i = 0; i < s->nelems && seen < goalloc_span_live(s); i++) {
		if (!goalloc_span_obj_live(s, i))
			continue;
		seen++;
		if (c->tiny) {
			n += tiny_forget(s, i);
			continue;
		}
		kmemleak_free((void *)(s->base + (unsigned long)i * s->elemsize));
		n++;
	}
	return n;
}

/*
 * Free every span of a cache, live objects or not (the module is going,
 * and so are all its users), after reporting the objects still allocated,
 * as kmem_cache_destroy() does, and taking them out of kmemleak.
 */
static void cache_release_all(struct goalloc_cache *c)
{
	struct goalloc_span *s;
	unsigned long live = 0;
	LIST_HEAD(release);

	list_splice_init(&c->central.partial, &release);
	list_splice_init(&c->central.full, &release);
	list_splice_init(&c->central.empty, &release);
	c->central.nr_empty = 0;
	list_for_each_entry(s, &release, list)
		if (goalloc_span_live(s))
			live += span_forget_live(c, s);
	if (live) {
		goalloc_count_misuse();
		pr_err("cache %s: %lu objects still allocated at unload\n",
		       c->name, live);
	}
	release_spans(c, &release);
}

/*
 * Free every span of every cache.  Large objects still allocated are
 * reported and left where they are: no list holds them, and their pages
 * (and kmemleak's record of them) stay, leaked.  Every work item, timer
 * and callback that could touch a cache is stopped already.
 */
static void release_everything(void)
{
	struct goalloc_cache *c, *tmp;
	long large = 0;
	unsigned int i;
	int cpu;

	mutex_lock(&goalloc_caches_mutex);
	drain_all_locked();
	for (i = 0; i < GOALLOC_NUM_SIZE_CLASSES; i++)
		cache_release_all(goalloc_kmalloc[i]);
	list_for_each_entry_safe(c, tmp, &goalloc_caches, list) {
		cache_release_all(c);
		list_del(&c->list);
		cache_free_struct(c);
	}
	mutex_unlock(&goalloc_caches_mutex);
	for_each_possible_cpu(cpu) {
		struct goalloc_pcpu_stats *st = per_cpu_ptr(&goalloc_stats, cpu);

		large += st->large_allocs - st->large_frees;
	}
	if (large) {
		goalloc_count_misuse();
		pr_err("%ld large objects still allocated at unload; their pages are leaked\n",
		       large);
	}
}

static int __init goalloc_init(void)
{
	int ret;

	goalloc_marker_key = get_random_long() | 1;
	rcu_batches_init();
	ret = goalloc_heap_init();
	if (ret)
		return ret;
	ret = create_builtin_caches();
	if (ret)
		goto fail_caches;
	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "goalloc:dead",
					NULL, goalloc_cpu_dead);
	if (ret < 0)
		goto fail_caches;
	goalloc_cpuhp_state = ret;
	ret = shrinker_setup();
	if (ret)
		goto fail_shrinker;

	goalloc_debugfs_init();
	pr_info("loaded: %u size classes, %lu-byte pages, %lu-byte arenas\n",
		GOALLOC_NUM_SIZE_CLASSES - 1, GOALLOC_PAGE_SIZE,
		GOALLOC_ARENA_SIZE);
	return 0;

fail_shrinker:
	cpuhp_remove_state_nocalls(goalloc_cpuhp_state);
fail_caches:
	destroy_builtin_caches();
	goalloc_heap_exit();
	return ret;
}

/*
 * Stop everything that could run goalloc code before tearing anything
 * down: debugfs, the shrinker and its drain work, the background release,
 * CPU hotplug, the goalloc_free_rcu() batches and their timers, RCU
 * callbacks.  goalloc_exiting, set first, keeps any of them from arming
 * the background release again meanwhile.
 */
static void __exit goalloc_exit(void)
{
	int cpu;

	WRITE_ONCE(goalloc_exiting, true);
	debugfs_remove_recursive(goalloc_debugfs);
	shrinker_teardown();
	cancel_work_sync(&drain_work);
	cancel_delayed_work_sync(&release_work);
	cpuhp_remove_state_nocalls(goalloc_cpuhp_state);
	goalloc_rcu_barrier();
	for_each_possible_cpu(cpu)
		timer_delete_sync(&per_cpu_ptr(&goalloc_rcu, cpu)->timer);
	/* span_free_rcu() of caches destroyed before. */
	rcu_barrier();
	release_everything();
	rcu_barrier();
	destroy_builtin_caches();
	goalloc_heap_exit();
}

module_init(goalloc_init);
module_exit(goalloc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("goalloc: the Go runtime's memory allocator for the kernel");
