/* SPDX-License-Identifier: GPL-2.0 */
/*
 * goalloc: the Go runtime's memory allocator for kernel modules.
 *
 * The API mirrors the kernel's own kmem_cache and kmalloc families, so that
 * a module can move to goalloc by renaming calls:
 *
 *	kmem_cache_create()	goalloc_cache_create()
 *	kmem_cache_alloc()	goalloc_cache_alloc()
 *	kmem_cache_free()	goalloc_cache_free()
 *	kmalloc() / kfree()	goalloc_malloc() / goalloc_free()
 *	ksize() / krealloc()	goalloc_size() / goalloc_realloc()
 *	kfree_rcu()		goalloc_free_rcu()
 *
 * Every function may be called from process, softirq or hard-IRQ context
 * with a gfp mask that suits the context (GFP_ATOMIC or GFP_NOWAIT where
 * the caller may not sleep); a failure is always a clean NULL.  Misuse (a
 * free of memory goalloc never handed out, an interior pointer, a double
 * free, a free to the wrong cache) is reported in the kernel log and then
 * ignored.
 *
 * Symbols are exported in the GOALLOC namespace: a user module says
 * MODULE_IMPORT_NS(GOALLOC_NS) and builds with KBUILD_EXTRA_SYMBOLS
 * pointing at goalloc's Module.symvers.
 */
#ifndef _GOALLOC_H
#define _GOALLOC_H

#include <linux/gfp.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/version.h>

/*
 * The namespace, as MODULE_IMPORT_NS() takes it on this kernel: a string
 * since 6.13, a bare word before.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define GOALLOC_NS	"GOALLOC"
#else
#define GOALLOC_NS	GOALLOC
#endif

struct goalloc_cache;

/* Align objects to a cache line (as SLAB_HWCACHE_ALIGN). */
#define GOALLOC_HWCACHE_ALIGN		0x0001U
/*
 * Objects may be reused at once, but a span's memory goes back to the heap
 * only after an RCU grace period (as SLAB_TYPESAFE_BY_RCU).
 */
#define GOALLOC_TYPESAFE_BY_RCU		0x0002U
/*
 * The debug flags.  Any of them makes a debug cache, whose objects skip the
 * per-CPU arrays and whose every free is checked against its span's
 * bitmap, so that every double free is reported (SLUB's exact checks).
 * The module parameter goalloc.debug=1 sets %GOALLOC_POISON and
 * %GOALLOC_STORE_USER on every cache but the tiny allocator's, and
 * %GOALLOC_RED_ZONE on the malloc family's (a cache keeps the layout it
 * was created with unless it asks for a red zone).
 *
 * GOALLOC_POISON (as SLAB_POISON): freed objects are filled with
 * POISON_FREE (0x6b) and the poison is checked when an object is handed
 * out again.  Objects of caches with a constructor or
 * %GOALLOC_TYPESAFE_BY_RCU are checked but not poisoned.
 */
#define GOALLOC_POISON			0x0004U
/*
 * GOALLOC_RED_ZONE (as SLAB_RED_ZONE): the bytes between the size asked
 * for and the end of the object are a red zone, 0xcc (SLUB_RED_ACTIVE) while
 * the object is allocated, checked when it is freed.  A cache's objects
 * get 8 bytes of red zone or more; an object of the malloc family has the
 * rest of its size class, if any.
 */
#define GOALLOC_RED_ZONE		0x0008U
/*
 * GOALLOC_STORE_USER (as SLAB_STORE_USER): the stacks of each object's
 * last allocation and last free are kept in the stack depot and printed
 * with every report about the object.
 */
#define GOALLOC_STORE_USER		0x0010U

/* The largest object goalloc serves: a whole 4 MiB arena, as kmalloc. */
#define GOALLOC_MAX_SIZE		(4UL << 20)

/* A cache's name keeps at most GOALLOC_NAME_LEN - 1 bytes (31). */
#define GOALLOC_NAME_LEN		32

/**
 * goalloc_cache_create() - create a cache of objects of one size
 * @name: name for statistics and reports; the string is copied, its first
 *	%GOALLOC_NAME_LEN - 1 (31) bytes: a longer name is cut short, and
 *	spaces, tabs, newlines and '/' become '_' (a name is one word in
 *	goalloc/caches and a debugfs directory)
 * @size: object size in bytes, 1 to %GOALLOC_MAX_SIZE
 * @align: required alignment (0 or a power of two, at most 8 KiB, a
 *	goalloc page), or 0 for the default of 8 bytes
 * @flags: %GOALLOC_HWCACHE_ALIGN, %GOALLOC_TYPESAFE_BY_RCU, and the debug
 *	flags %GOALLOC_POISON, %GOALLOC_RED_ZONE, %GOALLOC_STORE_USER
 * @ctor: constructor run once on each object slot when its span is made,
 *	never again on reuse; may be NULL
 *
 * A cache is a size class of its own: objects of @size rounded up to
 * @align, cut from spans of as many 8 KiB pages as Go's tail-waste rule
 * (at most 1/8 of a span unused) asks for, with its own per-CPU arrays and
 * central span lists, sharing goalloc's one page heap.
 *
 * A bad argument (a NULL @name, @size 0 or over %GOALLOC_MAX_SIZE, @align
 * not a power of two or over a page, a flag not listed above) is reported
 * with its value and counted (goalloc_misuse_count()), as every bad input.
 *
 * Context: process context; may sleep.
 * Return: the cache, or NULL on a bad argument or when memory is short.
 */
struct goalloc_cache *goalloc_cache_create(const char *name, unsigned int size,
					   unsigned int align, unsigned int flags,
					   void (*ctor)(void *));

/**
 * goalloc_cache_destroy() - destroy a cache
 * @cache: the cache; NULL is ignored
 *
 * All objects must have been freed; objects passed to goalloc_free_rcu()
 * (of any cache) are waited for first, as kmem_cache_destroy() waits with
 * kvfree_rcu_barrier().  If some objects are still allocated, the cache
 * reports how many and keeps their spans (their memory is leaked, as with
 * kmem_cache_destroy()), so that no one reads freed pages.  For a
 * %GOALLOC_TYPESAFE_BY_RCU cache this also waits for an RCU grace period.
 *
 * Context: process context; may sleep.
 */
void goalloc_cache_destroy(struct goalloc_cache *cache);

/**
 * goalloc_cache_alloc() - allocate an object from a cache
 * @cache: the cache
 * @gfp: allocation flags; %__GFP_ZERO returns zeroed memory
 *
 * Context: any context, with @gfp suited to it.
 * Return: an object, or NULL when memory is short.
 */
void *goalloc_cache_alloc(struct goalloc_cache *cache, gfp_t gfp);

/**
 * goalloc_cache_alloc_node() - allocate an object from memory of one node
 * @cache: the cache
 * @gfp: allocation flags
 * @node: the NUMA node, or %NUMA_NO_NODE for no preference
 *
 * The node's memory if it has some; else, unless @gfp has
 * %__GFP_THISNODE, memory of another node.  A @node below %NUMA_NO_NODE
 * or at least %MAX_NUMNODES is reported and counted.
 *
 * Context: any context, with @gfp suited to it.
 * Return: an object, or NULL when memory is short or @node is bad.
 */
void *goalloc_cache_alloc_node(struct goalloc_cache *cache, gfp_t gfp, int node);

/**
 * goalloc_cache_free() - free an object to its cache
 * @cache: the cache the object was allocated from
 * @obj: the object; NULL is ignored
 *
 * Context: any context.
 */
void goalloc_cache_free(struct goalloc_cache *cache, void *obj);

/**
 * goalloc_cache_alloc_bulk() - allocate several objects at once
 * @cache: the cache
 * @gfp: allocation flags
 * @nr: how many objects
 * @objs: array of @nr pointers to fill
 *
 * All or nothing, as kmem_cache_alloc_bulk(): on failure every object
 * already taken is freed again.
 *
 * Context: any context, with @gfp suited to it.
 * Return: @nr, or 0 on failure.
 */
int goalloc_cache_alloc_bulk(struct goalloc_cache *cache, gfp_t gfp, size_t nr,
			     void **objs);

/**
 * goalloc_cache_free_bulk() - free several objects of one cache at once
 * @cache: the cache
 * @nr: how many objects
 * @objs: the objects; NULL entries are ignored.  The array's contents are
 *	scratch afterwards, as with kmem_cache_free_bulk().
 *
 * Context: any context.
 */
void goalloc_cache_free_bulk(struct goalloc_cache *cache, size_t nr, void **objs);

/**
 * goalloc_cache_shrink() - give a cache's free memory back
 * @cache: the cache
 *
 * Drains the cache's per-CPU arrays into its spans and returns every span
 * left without objects to the heap.
 *
 * Context: process context; may sleep.
 * Return: 0.
 */
int goalloc_cache_shrink(struct goalloc_cache *cache);

/**
 * goalloc_cache_size() - the object size of a cache
 * @cache: the cache
 *
 * Return: bytes usable in each object: the size rounded up to the
 * alignment, or with %GOALLOC_RED_ZONE the size asked for, the rest of
 * the object being the red zone.
 */
unsigned int goalloc_cache_size(struct goalloc_cache *cache);

/**
 * goalloc_malloc() - allocate memory, as kmalloc()
 * @size: bytes; 0 returns ZERO_SIZE_PTR, as kmalloc(0) does
 * @gfp: allocation flags; %__GFP_ZERO returns zeroed memory
 *
 * Sizes below 16 bytes share 16-byte blocks (Go's tiny allocator) and are
 * aligned to the largest power of two, up to 8, that divides their size;
 * every larger object is at least 8-byte aligned, and a power-of-two size
 * up to 4 KiB is aligned to itself.  Sizes up to 32 KiB use Go's size
 * classes; larger ones get pages of their own.
 *
 * Go's rule is less than kmalloc()'s, which aligns every object to
 * ARCH_KMALLOC_MINALIGN (8 bytes on x86-64): goalloc_malloc(12) may return
 * a 4-byte aligned pointer.  Code that relies on kmalloc()'s alignment
 * asks for a multiple of ARCH_KMALLOC_MINALIGN, as goalloc_compat.h does
 * for every size below 16.
 *
 * Context: any context, with @gfp suited to it.
 * Return: the memory, ZERO_SIZE_PTR for @size 0, or NULL on failure or when
 * @size is over %GOALLOC_MAX_SIZE.
 */
void *goalloc_malloc(size_t size, gfp_t gfp);

/**
 * goalloc_malloc_node() - allocate memory on a NUMA node, as kmalloc_node()
 * @size: bytes
 * @gfp: allocation flags
 * @node: the node, or %NUMA_NO_NODE
 *
 * As goalloc_cache_alloc_node() for the node: a bad @node is reported and
 * counted.
 *
 * Context: any context, with @gfp suited to it.
 * Return: as goalloc_malloc(), or NULL if @node is bad.
 */
void *goalloc_malloc_node(size_t size, gfp_t gfp, int node);

/**
 * goalloc_calloc() - allocate a zeroed array, as kcalloc()
 * @n: number of elements
 * @size: bytes per element
 * @gfp: allocation flags
 *
 * Context: any context, with @gfp suited to it.
 * Return: the memory, or NULL if @n * @size overflows or memory is short.
 */
void *goalloc_calloc(size_t n, size_t size, gfp_t gfp);

/**
 * goalloc_realloc() - resize memory, as krealloc()
 * @p: memory from goalloc_malloc() and friends, or NULL (then this is
 *	goalloc_malloc())
 * @new_size: the new size; 0 frees @p and returns ZERO_SIZE_PTR
 * @gfp: allocation flags (%__GFP_ZERO: see below)
 *
 * If @new_size fits in @p's object, @p is returned; otherwise the contents
 * move to new memory and @p is freed.  On failure @p is left untouched.
 * Either way the contents are kept up to the lesser of the old and new
 * sizes.
 *
 * %__GFP_ZERO is honoured, as with krealloc(), only if every call for
 * that memory, from its first allocation on, passed it: goalloc, like
 * krealloc(), mostly knows only the object's size (its size class), not
 * the size it was asked for.  In place, the bytes from @new_size to the
 * end of the object are zeroed; moving, the whole old object is copied
 * and the rest of the new one is zero.  Where goalloc knows the size asked
 * for, it zeroes from there instead, growing in place or moving (as 7.x's
 * krealloc() does with the size it tracks): in debug caches (which
 * include the malloc family's under goalloc.debug=1), whose red zone is
 * never copied, and for tiny objects (under 16 bytes), whose size is
 * exact.
 *
 * Context: any context, with @gfp suited to it.
 * Return: the memory, ZERO_SIZE_PTR, or NULL on failure.
 */
void *goalloc_realloc(const void *p, size_t new_size, gfp_t gfp);

/**
 * goalloc_free() - free memory from goalloc, as kfree()
 * @p: memory from any goalloc allocation function (cache objects too);
 *	NULL and ZERO_SIZE_PTR are ignored
 *
 * Context: any context.
 */
void goalloc_free(const void *p);

/**
 * goalloc_owns() - is an address in memory goalloc manages?
 * @p: any address; NULL and ZERO_SIZE_PTR are not goalloc's
 *
 * True for any byte of the memory goalloc holds from the page allocator
 * (its arenas, and the pages of its largest objects), whether or not @p is
 * the start of a live object: a stale pointer to an object whose span went
 * back to its arena is still goalloc's.  A module moving to goalloc one
 * call site at a time (as include/goalloc_compat.h does) asks it to send a
 * free to goalloc_free(), which reports such a pointer, or to the kernel's
 * kfree().
 *
 * Context: any context.
 * Return: true if goalloc holds the memory at @p.
 */
bool goalloc_owns(const void *p);

/**
 * goalloc_size() - bytes usable in an object, as ksize()
 * @p: an allocated object of goalloc's
 *
 * Return: the size of @p's object (its size class, its cache's object size
 * or its page-rounded large size; a tiny object's requested size), or 0
 * for NULL and ZERO_SIZE_PTR, and, with a report (counted by
 * goalloc_misuse_count()), for anything that is not the start of an
 * allocated object: memory goalloc does not own, a pointer inside or past
 * an object, a freed object.
 */
size_t goalloc_size(const void *p);

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * goalloc_test_mark() - for goalloc's own KUnit suites only
 * @obj: an allocated object of a cache that is not a debug cache
 *
 * Writes the value goalloc keeps in free slots into @obj, as its user's
 * data might by chance, so that a test can check that goalloc still tells
 * the live object from a free one.
 */
void goalloc_test_mark(void *obj);
#endif

/**
 * __goalloc_free_rcu() - free an object after an RCU grace period
 * @head: an rcu_head anywhere inside the object
 *
 * Use goalloc_free_rcu().
 *
 * Context: any context.
 */
void __goalloc_free_rcu(struct rcu_head *head);

/**
 * goalloc_free_rcu() - free memory after an RCU grace period, as kfree_rcu()
 * @ptr: the object (from goalloc_malloc() or a goalloc cache)
 * @rhf: the name of a struct rcu_head member of *@ptr
 *
 * The object is freed once every RCU reader that might see it is done.
 * Frees are batched: one grace period serves many objects.  goalloc keeps
 * the pointer outside the object and frees it through goalloc_free()'s
 * checks: an object also freed directly meanwhile is reported as a double
 * free when the grace period ends.  The one case no allocator can catch:
 * an object freed directly and allocated again before the grace period
 * ends is live again when it is freed, and is taken from its new owner.
 */
#define goalloc_free_rcu(ptr, rhf) __goalloc_free_rcu(&(ptr)->rhf)

/**
 * struct goalloc_class_stats - per size class statistics (Go's BySize)
 * @size: object size of the class
 * @mallocs: objects allocated in the class, ever
 * @frees: objects freed in the class, ever
 */
struct goalloc_class_stats {
	u32 size;
	u64 mallocs;
	u64 frees;
};

#define GOALLOC_STATS_CLASSES		68

/**
 * struct goalloc_memstats - goalloc's statistics, named after Go's MemStats
 * @heap_alloc: bytes in objects allocated and not yet freed, at their
 *	object size (tiny objects count by their 16-byte blocks)
 * @heap_sys: bytes goalloc holds from the page allocator
 * @heap_idle: bytes held but in no span (free pages of arenas)
 * @heap_inuse: bytes in spans (@heap_sys - @heap_idle)
 * @heap_released: bytes given back to the page allocator, ever
 * @heap_objects: allocated objects (@mallocs - @frees)
 * @mallocs: objects allocated, ever, through every API
 * @frees: objects freed, ever
 * @tiny_allocs: allocations served by the tiny allocator, ever
 * @arenas: arenas held
 * @large_objects: large objects (over 32 KiB) allocated now
 * @by_size: per size class counts of the kmalloc-like family
 */
struct goalloc_memstats {
	u64 heap_alloc;
	u64 heap_sys;
	u64 heap_idle;
	u64 heap_inuse;
	u64 heap_released;
	u64 heap_objects;
	u64 mallocs;
	u64 frees;
	u64 tiny_allocs;
	u64 arenas;
	u64 large_objects;
	struct goalloc_class_stats by_size[GOALLOC_STATS_CLASSES];
};

/**
 * goalloc_read_memstats() - read goalloc's statistics
 * @ms: filled with a snapshot
 *
 * Counters are per-CPU and summed here; the snapshot is not atomic across
 * CPUs that allocate meanwhile.
 *
 * Context: any context.
 */
void goalloc_read_memstats(struct goalloc_memstats *ms);

/**
 * goalloc_rcu_barrier() - wait for every goalloc_free_rcu() so far
 *
 * Like kvfree_rcu_barrier(): when it returns, every object passed to
 * goalloc_free_rcu() before the call has been freed.  It waits for those
 * only: objects queued meanwhile, on any CPU, do not hold it up.
 *
 * Context: process context; may sleep.
 */
void goalloc_rcu_barrier(void);

/**
 * goalloc_reclaim() - give every free page back to the page allocator
 *
 * What goalloc does under memory pressure: drains every cache's per-CPU
 * arrays, returns every empty span to the heap and every free arena to the
 * page allocator, keeping no reserve.
 *
 * Context: process context; may sleep.
 * Return: bytes given back to the page allocator.
 */
unsigned long goalloc_reclaim(void);

/**
 * goalloc_misuse_count() - how many misuse reports goalloc has made
 *
 * Every bad input (bad free, double free, wrong cache, leaked objects at
 * destroy, overflowing sizes) counts one, whether or not its message was
 * rate limited; tests compare the count before and after.
 *
 * Return: the number of reports since goalloc was loaded.
 */
unsigned long goalloc_misuse_count(void);

#endif /* _GOALLOC_H */
