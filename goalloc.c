// SPDX-License-Identifier: GPL-2.0
/*
 * goalloc: the Go runtime's memory allocator as a kernel module.
 *
 * This file is the allocator proper: the per-CPU caches (Go's mcache),
 * the central span lists (Go's mcentral), the tiny and large objects, the
 * API of include/goalloc.h and the module's life.  Every other file says
 * what it holds and points back here; this overview is the one place that
 * walks the paths end to end, as Go's malloc.go does for its runtime.
 *
 * Caches.  Every allocation is served by a cache: a user cache made by
 * goalloc_cache_create(), one built-in cache per Go size class for the
 * kmalloc-like family (a size class is a cache), and the tiny cache whose
 * 16-byte objects are the blocks of the tiny allocator.  A cache has, on
 * each CPU, a LIFO array of objects freed there and the span it allocates
 * from; centrally, the spans no CPU holds, under a spinlock.
 *
 * Allocation (goalloc_cache_alloc(), goalloc_malloc() up to 32 KiB):
 *  1. the CPU's array: pop the object freed last (cache_alloc(), IRQs off
 *     under the CPU's local lock, no atomic);
 *  2. the CPU's span: Go's nextFreeFast, a ctz in the span's 64-bit
 *     allocCache (goalloc_span_next_free_fast(), goalloc_span.h);
 *  3. the slow path (cache_refill()): the next word of the span's bitmap
 *     (goalloc_span_next_free()), else central_refill(): sweep the span
 *     (fold its frees into its bitmap, goalloc_span_sweep()) or swap it
 *     for a partial or empty one from the central lists;
 *  4. no span has room: cache_grow(), with the CPU's lock dropped and the
 *     caller's gfp: a span from the heap (goalloc_span_create() ->
 *     goalloc_heap_alloc(): first fit in an arena of the node), and
 *  5. no arena has room: a new 4 MiB arena from the page allocator
 *     (goalloc_heap.c: arena_create() -> alloc_pages_node()).
 *  Every allocation clears the object's free marker and ends in
 *  alloc_finish_fast() (zeroing), or alloc_finish() where KASAN, kmemleak
 *  or a debug cache want more (goalloc_debug.c).
 *  Tiny (goalloc_malloc() under 16 bytes, tiny_alloc()): carve the CPU's
 *  16-byte block by Go's alignment rule; a new block is an object of the
 *  tiny cache, taken by steps 1 to 5.  Large (over 32 KiB, large_alloc()):
 *  a span of its own from the heap (step 4), or from 2 MiB up pages of its
 *  own (goalloc_heap.c's chunks).  A debug cache (any GOALLOC_POISON,
 *  RED_ZONE or STORE_USER, or goalloc.debug=1) has no array and no CPU
 *  span: it allocates from its central lists (central_alloc_node()).
 *
 * Free (goalloc_free(), goalloc_cache_free()):
 *  1. the page map finds the span (goalloc_span_lookup(), goalloc_heap.h:
 *     three loads, no lock; the cache API skips it for the CPU's own
 *     span), and the pointer must start an object of the right cache;
 *  2. the free marker: a free slot holds it (see goalloc_internal.h); a
 *     free that finds it goes to obj_is_free(), which decides exactly
 *     under the central lock (double free, slot never handed out) and
 *     reports it;
 *  3. push on the CPU's array, then mark the slot free;
 *  4. the array is full: cache_flush() gives its older half back to the
 *     spans under the central lock (central_free_objects(): a bit in each
 *     span's free_bits); a span left with no live object goes to the
 *     empty list, or, when that is full, back to the heap
 *     (release_spans(): goalloc_heap_free(), its descriptor an RCU grace
 *     period later);
 *  5. an arena left with no span beyond goalloc_arena_reserve asks for the
 *     background release (goalloc_reclaim.c), which drains the caches and
 *     gives free arenas back to the page allocator a second later.
 *  Tiny: a bit in the block's word by compare-and-exchange (tiny_free());
 *  the block is freed (steps 2 to 5) with its last object.  Large: the
 *  span goes back at once (large_free()).  A debug cache's free is
 *  checked against its span's bitmap and poisoned (goalloc_debug.c).
 *  goalloc_free_rcu() marks the object as waiting in its span and queues
 *  its pointer on the CPU's batch; after a grace period the batch frees
 *  it by this path (goalloc_rcu.c).
 *
 * Files:
 *  (this file)        per-CPU caches, central lists, tiny, large, the
 *                     API, caches' life, module init and exit
 *  goalloc_internal.h structures shared above the heap, inline gates
 *  goalloc_debug.c    reports, debug caches, KASAN and kmemleak bodies
 *  goalloc_rcu.c      goalloc_free_rcu() batches, goalloc_rcu_barrier()
 *  goalloc_reclaim.c  background release, shrinker, goalloc_reclaim(),
 *                     CPU hotplug: drain, then give arenas back
 *  goalloc_stats.c    goalloc_read_memstats(), event sums, debugfs
 *  goalloc_span.[ch]  Go's mspan: bitmaps, nextFree, sweep
 *  goalloc_heap.[ch]  Go's mheap: arenas, first fit, the page map
 *  goalloc_pages.c    the page supply: the only caller of alloc_pages
 *  goalloc_trace.h    tracepoints
 * Layers call only down: this file and the files beside it -> spans ->
 * heap -> page supply -> the page allocator.  The heap calls nothing above it; it says
 * that an arena fell free (goalloc_heap_release_wanted()) and is asked.
 *
 * Lock order:
 *   goalloc_caches_mutex (create, destroy, drains of every cache, debugfs)
 *     cache->cpu->lock (local_lock: IRQs off on this CPU; on PREEMPT_RT
 *       a per-CPU lock that sleeps, as spinlocks do there, IRQs left on)
 *       cache->central.lock (spinlock, IRQ-safe)
 *       heap_lock (goalloc_heap.c, IRQ-safe, innermost: nothing is taken
 *         under it, nor is the page allocator or kmalloc called; spans go
 *         back to the heap after the central lock is dropped, so the two
 *         are never nested)
 *   A goalloc_free_rcu() batch's lock (goalloc_rcu.c, per CPU, IRQ-safe)
 *     is taken alone: an object's waiting mark is set and cleared under
 *     the central lock with no batch lock held, and a batch's objects are
 *     freed after its lock is dropped.
 *   goalloc_caches_lock (spinlock: the user caches' list, for readers in
 *     any context) is taken alone.
 * The page allocator and kmalloc (for metadata) are called with no
 * goalloc lock held, so the heap grows with the caller's gfp; the per-CPU
 * lock is dropped around it and the allocation starts over.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpuhotplug.h>
#include <linux/kasan.h>
#include <linux/kmemleak.h>
#include <linux/local_lock.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/poison.h>
#include <linux/random.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/stackdepot.h>
#include <linux/workqueue.h>

#include "goalloc_internal.h"
#define CREATE_TRACE_POINTS
#include "goalloc_trace.h"

/*
 * The built-in caches: one per size class, and the tiny cache in slot 0
 * (class 0 means "large", which no cache serves).
 */
struct goalloc_cache *goalloc_kmalloc[GOALLOC_NUM_SIZE_CLASSES];
static_assert(GOALLOC_STATS_CLASSES == GOALLOC_NUM_SIZE_CLASSES);
DEFINE_PER_CPU(struct goalloc_pcpu_stats, goalloc_stats);
DEFINE_PER_CPU(struct goalloc_tiny_cpu, goalloc_tiny);

/* Their uses and lock order: see goalloc_internal.h and the top of this file. */
DEFINE_MUTEX(goalloc_caches_mutex);
DEFINE_SPINLOCK(goalloc_caches_lock);
LIST_HEAD(goalloc_caches);
/* What destroyed caches counted, so that Mallocs and Frees never go down. */
unsigned long goalloc_gone_allocs, goalloc_gone_frees;
/* Module exit has begun: nothing may schedule goalloc's work items now. */
bool goalloc_exiting;

static bool goalloc_debug;
module_param_named(debug, goalloc_debug, bool, 0444);
/* goalloc.debug=1: the malloc family's caches are debug caches. */
static DEFINE_STATIC_KEY_FALSE(goalloc_malloc_debug);
MODULE_PARM_DESC(debug,
		 "debug every cache: GOALLOC_POISON, GOALLOC_RED_ZONE, GOALLOC_STORE_USER");

unsigned long goalloc_marker_key __read_mostly;

/* ---- Central lists ---------------------------------------------------- */

static void span_free_rcu(struct rcu_head *head)
{
	goalloc_span_destroy(container_of(head, struct goalloc_span, rcu));
	goalloc_release_poll();
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
	goalloc_release_poll();
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
				cache_tiny(c) ? GOALLOC_SIDE_TINY : GOALLOC_SIDE_NONE,
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
bool goalloc_obj_free_now(struct goalloc_cache *c, const void *obj)
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

static void tiny_retire(struct goalloc_cache *c, struct goalloc_cpu_cache *pc,
			struct goalloc_tiny_cpu *t);

/*
 * Empty one CPU's part of a cache into the central lists: its tiny block,
 * its array, its span.  The cache's local lock is held: the CPU's own, or
 * if the CPU is dead, the current CPU's (goalloc_cpu_dead()).
 */
void goalloc_cache_drain_cpu(struct goalloc_cache *c, int cpu)
{
	struct goalloc_cpu_cache *pc = per_cpu_ptr(c->cpu, cpu);
	struct goalloc_span *s = pc->span;
	LIST_HEAD(release);

	cache_count(c, DRAIN);
	if (cache_tiny(c))
		tiny_retire(c, pc, per_cpu_ptr(&goalloc_tiny, cpu));
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

/*
 * Each CPU drains its own part of a cache in a work item bound to it, as
 * SLUB's flush_all() does: a local lock may not be taken from the IPI of
 * on_each_cpu() (it sleeps on PREEMPT_RT, and lockdep says so elsewhere
 * too with PROVE_RAW_LOCK_NESTING).  The workqueue can reclaim, for the
 * shrinker's drain.  One drain at a time: goalloc_caches_mutex.
 */
struct goalloc_drain_cpu {
	struct work_struct work;
	struct goalloc_cache *cache;
};

static DEFINE_PER_CPU(struct goalloc_drain_cpu, goalloc_drain_cpus);
static struct workqueue_struct *goalloc_drain_wq;

static void cache_drain_workfn(struct work_struct *work)
{
	struct goalloc_drain_cpu *d = container_of(work, struct goalloc_drain_cpu,
						   work);
	struct goalloc_cache *c = d->cache;
	unsigned long flags;

	local_lock_irqsave(&c->cpu->lock, flags);
	goalloc_cache_drain_cpu(c, smp_processor_id());
	local_unlock_irqrestore(&c->cpu->lock, flags);
}

/*
 * Drain every online CPU's part of a cache and give its empty spans back.
 * Process context.
 */
void goalloc_cache_drain(struct goalloc_cache *c)
{
	int cpu;

	lockdep_assert_held(&goalloc_caches_mutex);
	/*
	 * A CPU that goes offline meanwhile runs its item elsewhere, which
	 * drains that CPU instead: harmless, and goalloc_cpu_dead(), which
	 * waits for the mutex, drains the dead one.
	 */
	for_each_online_cpu(cpu) {
		struct goalloc_drain_cpu *d = per_cpu_ptr(&goalloc_drain_cpus, cpu);

		d->cache = c;
		INIT_WORK(&d->work, cache_drain_workfn);
		queue_work_on(cpu, goalloc_drain_wq, &d->work);
	}
	for_each_online_cpu(cpu)
		flush_work(&per_cpu_ptr(&goalloc_drain_cpus, cpu)->work);
	central_release_empty(c);
}

/* ---- Allocation and free, and the cache API's entry points ------------ */

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

static void *central_alloc_node(struct goalloc_cache *c, gfp_t gfp, int node,
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
		return central_alloc_node(c, gfp, numa_mem_id(), req);
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
static void *central_alloc_node(struct goalloc_cache *c, gfp_t gfp, int node,
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
static void *cache_alloc_node(struct goalloc_cache *c, gfp_t gfp, int node,
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
		return central_alloc_node(c, gfp, node, req);
	return alloc_finish_fast(c, obj, gfp, dirty, req, false);
}

/* goalloc_cache_alloc() while goalloc_alloc is traced. */
static noinline void *cache_alloc_traced(struct goalloc_cache *c, gfp_t gfp,
					 int node, unsigned long ip)
{
	void *obj = cache_alloc_node(c, gfp, node, 0);

	trace_goalloc_alloc(ip, obj, c->object_size, c->size, gfp, c->name);
	return obj;
}

void *goalloc_cache_alloc(struct goalloc_cache *c, gfp_t gfp)
{
	if (trace_goalloc_alloc_enabled())
		return cache_alloc_traced(c, gfp, NUMA_NO_NODE, _RET_IP_);
	return cache_alloc(c, gfp, 0, false);
}
EXPORT_SYMBOL_NS_GPL(goalloc_cache_alloc, GOALLOC_NS);

void *goalloc_cache_alloc_node(struct goalloc_cache *c, gfp_t gfp, int node)
{
	if (goalloc_node_bad(node))
		return goalloc_bad_node(node, c->name, _RET_IP_);
	if (trace_goalloc_alloc_enabled())
		return cache_alloc_traced(c, gfp, node, _RET_IP_);
	return cache_alloc_node(c, gfp, node, 0);
}
EXPORT_SYMBOL_NS_GPL(goalloc_cache_alloc_node, GOALLOC_NS);

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
static noinline void array_push_slow(struct goalloc_cache *c,
				     struct goalloc_cpu_cache *pc,
				     void *obj, unsigned long flags,
				     unsigned long ip)
{
	if (unlikely(cache_debug(c))) {
		/* Debug caches: checked against the bitmap, then poisoned. */
		this_cpu_add(c->cpu->ev[GOALLOC_EV_FREE_SLOW],
			     central_free_objects(c, &obj, 1));
	} else if (obj_marked(c, obj) && obj_is_free(c, obj)) {
		goalloc_report("double free", obj, c, ip);
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
static __always_inline void array_push(struct goalloc_cache *c,
				       struct goalloc_cpu_cache *pc,
				       void *obj, unsigned long flags,
				       unsigned long ip)
{
	void *marker = obj + c->marker_off;
	unsigned long key = goalloc_marker_key;

	if (unlikely(pc->count >= c->array_max || cache_want_init_on_free(c) ||
		     marker_read(marker) == key))
		return array_push_slow(c, pc, obj, flags, ip);
	pc->objects[++pc->count] = obj;
	/* The entry before the marker: see obj_is_free(). */
	smp_wmb();
	marker_write(marker, key);
	free_hooks(c, obj);
	pc->ev[GOALLOC_EV_FREE_FAST]++;
	local_unlock_irqrestore(&c->cpu->lock, flags);
}

/* Free an object already checked to be one of @c's. */
static __always_inline void cache_free_obj(struct goalloc_cache *c, void *obj,
					   unsigned long ip)
{
	unsigned long flags;

	local_lock_irqsave(&c->cpu->lock, flags);
	array_push(c, this_cpu_ptr(c->cpu), obj, flags, ip);
}

/* goalloc_cache_free() of an object not in this CPU's span. */
static noinline void cache_free_lookup(struct goalloc_cache *c, void *obj,
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
		cache_free_obj(c, obj, ip);
	lookup_exit();
}

/*
 * goalloc_cache_free(): an object of the CPU's own span goes straight on
 * the array, anything else through the page map first.
 */
static __always_inline void cache_free_fast(struct goalloc_cache *c,
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
		return array_push(c, pc, obj, flags, ip);
	local_unlock_irqrestore(&c->cpu->lock, flags);
	cache_free_lookup(c, obj, ip);
}

/* goalloc_cache_free() while goalloc_free is traced. */
static noinline void cache_free_traced(struct goalloc_cache *c, void *obj,
				       unsigned long ip)
{
	trace_goalloc_free(ip, obj, c->name);
	cache_free_fast(c, obj, ip);
}

void goalloc_cache_free(struct goalloc_cache *c, void *obj)
{
	if (trace_goalloc_free_enabled())
		return cache_free_traced(c, obj, _RET_IP_);
	cache_free_fast(c, obj, _RET_IP_);
}
EXPORT_SYMBOL_NS_GPL(goalloc_cache_free, GOALLOC_NS);

/* ---- The tiny allocator (Go's tiny blocks) ---------------------------- */

static struct goalloc_tiny_block *tiny_meta_of(unsigned long block)
{
	struct goalloc_span *s = goalloc_span_of((void *)block);

	return &s->tiny[goalloc_span_obj_index(s, (void *)block)];
}

/* A retired block with no live object goes back to the tiny cache. */
static noinline void tiny_block_free(struct goalloc_cache *c,
				     struct goalloc_cpu_cache *pc,
				     unsigned long block)
{
	cache_push(c, pc, (void *)block);
}

/*
 * Stop carving this CPU's block: drop the bias that kept it alive; if all
 * its objects are already freed, the block goes back to the tiny cache.
 * Local lock held.  The push is out of line, a tail call: the common case
 * (objects still live), every few tiny allocations, needs no stack frame.
 */
static void tiny_retire(struct goalloc_cache *c, struct goalloc_cpu_cache *pc,
			struct goalloc_tiny_cpu *t)
{
	unsigned long block = t->block;
	long left;

	if (!block)
		return;
	t->block = 0;
	left = atomic_long_sub_return((GOALLOC_TINY_BIAS - t->carved) <<
				      GOALLOC_TINY_LIVE_SHIFT, &t->meta->word);
	if (!(left >> GOALLOC_TINY_LIVE_SHIFT))
		tiny_block_free(c, pc, block);
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
	struct goalloc_tiny_cpu *t;
	unsigned long flags, block;
	bool dirty = true;
	unsigned int off;
	void *p;

	goalloc_might_alloc(gfp);
	local_lock_irqsave(&c->cpu->lock, flags);
	t = this_cpu_ptr(&goalloc_tiny);
	off = tiny_align(t->off, size);
	if (unlikely(!t->block || off + size > GOALLOC_TINY_SIZE)) {
		/*
		 * Every object carved from the block is free again: carve it
		 * anew rather than retire it and take another.
		 */
		if (t->block &&
		    atomic_long_read(&t->meta->word) >> GOALLOC_TINY_LIVE_SHIFT ==
		    GOALLOC_TINY_BIAS - t->carved)
			goto restart;
		/* The cache's per-CPU part: only a new block needs it. */
		pc = this_cpu_ptr(c->cpu);
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
				/* The CPU may be another one now. */
				pc = this_cpu_ptr(c->cpu);
				t = this_cpu_ptr(&goalloc_tiny);
				if (!block) {
					local_unlock_irqrestore(&c->cpu->lock,
								flags);
					return NULL;
				}
				cache_count(c, ALLOC_SLOW);
			}
		}
		tiny_retire(c, pc, t);
		t->block = block;
		t->meta = tiny_meta_of(block);
		/* KASAN sees a tiny block as one object: its 16 bytes. */
		goalloc_kasan_unpoison((void *)block, GOALLOC_TINY_SIZE);
		obj_unmark(c, (void *)block);
restart:
		atomic_long_set(&t->meta->word,
				GOALLOC_TINY_BIAS << GOALLOC_TINY_LIVE_SHIFT);
		t->meta->starts = 0;
		t->meta->ends = 0;
		t->carved = 0;
		off = 0;
	}
	p = (void *)(t->block + off);
	t->meta->starts |= BIT(off);
	t->meta->ends |= BIT(off + size - 1);
	t->off = off + size;
	t->carved++;
	t->allocs++;
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
	this_cpu_inc(goalloc_tiny.frees);
	if (!(new >> GOALLOC_TINY_LIVE_SHIFT))
		cache_free_obj(s->cache, (void *)block, ip);
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
	goalloc_release_poll();
}

/* ---- The kmalloc-like family ------------------------------------------ */

/* Sizes over 32 KiB, zero and too large ones, for @ip: off the fast path. */
static noinline void *malloc_big(size_t size, gfp_t gfp, int node,
				 unsigned long ip)
{
	if (!size)
		return ZERO_SIZE_PTR;
	if (unlikely(size > GOALLOC_MAX_SIZE)) {
		if (!(gfp & __GFP_NOWARN))
			goalloc_report_arg(ip, NULL,
					   "allocation larger than goalloc can serve: %zu bytes",
					   size);
		return NULL;
	}
	return large_alloc(size, gfp, node);
}

/*
 * The malloc family's allocation for its caller @ip, or, with @ip 0, for
 * the caller of the entry point this is inlined into: _RET_IP_ is then
 * read only where a report may need it, since an argument's would be
 * loaded before the fast path on every call.
 */
static __always_inline void *malloc_node(size_t size, gfp_t gfp, int node,
					 unsigned long ip)
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
			return central_alloc_node(c, gfp, node == NUMA_NO_NODE ?
						numa_mem_id() : node, size);
		if (node == NUMA_NO_NODE)
			return cache_alloc(c, gfp, GOALLOC_HOOKS ? size : 0,
					   true);
		return cache_alloc_node(c, gfp, node,
					   GOALLOC_HOOKS ? size : 0);
	}
	return malloc_big(size, gfp, node, ip ?: _RET_IP_);
}

static size_t obj_size(const void *p);

/* The cache an object of the malloc family is in, for the tracepoints. */
const char *goalloc_obj_cache_name(const void *p)
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
	void *p = malloc_node(size, gfp, node, ip);

	trace_goalloc_alloc(ip, p, size, obj_size(p), gfp, goalloc_obj_cache_name(p));
	return p;
}

void *goalloc_malloc(size_t size, gfp_t gfp)
{
	if (trace_goalloc_alloc_enabled())
		return malloc_traced(size, gfp, NUMA_NO_NODE, _RET_IP_);
	return malloc_node(size, gfp, NUMA_NO_NODE, 0);
}
EXPORT_SYMBOL_NS_GPL(goalloc_malloc, GOALLOC_NS);

void *goalloc_malloc_node(size_t size, gfp_t gfp, int node)
{
	if (goalloc_node_bad(node))
		return goalloc_bad_node(node, NULL, _RET_IP_);
	if (trace_goalloc_alloc_enabled())
		return malloc_traced(size, gfp, node, _RET_IP_);
	return malloc_node(size, gfp, node, 0);
}
EXPORT_SYMBOL_NS_GPL(goalloc_malloc_node, GOALLOC_NS);

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
	return malloc_node(bytes, gfp | __GFP_ZERO, NUMA_NO_NODE, 0);
}
EXPORT_SYMBOL_NS_GPL(goalloc_calloc, GOALLOC_NS);

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
		cache_free_obj(s->cache, (void *)p, ip);
}

/*
 * Every free that is not the fast case below: NULL, memory goalloc does
 * not own, pointers inside objects, tiny and large objects.
 */
static noinline void malloc_free_slow(const void *p, struct goalloc_span *s,
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
	if (cache_tiny(s->cache))
		return tiny_free(s, p, ip);
	small_free_slow(s, p, ip);
}

/* goalloc_free(): find the span, check the pointer, push on the array. */
static __always_inline void malloc_free_fast(const void *p, unsigned long ip)
{
	struct goalloc_span *s;

	lookup_enter();
	s = goalloc_span_lookup(p);
	/*
	 * NULL, ZERO_SIZE_PTR and memory goalloc does not own find
	 * goalloc_empty_span, whose limit is 0, as do tiny and large objects.
	 */
	if (likely(goalloc_span_obj_start(s, p)))
		cache_free_obj(s->cache, (void *)p, ip);
	else
		malloc_free_slow(p, s, ip);
	lookup_exit();
}

/* goalloc_free() while goalloc_free is traced. */
static noinline void malloc_free_traced(const void *p, unsigned long ip)
{
	/* A stale pointer's span may go meanwhile: see lookup_enter(). */
	rcu_read_lock();
	trace_goalloc_free(ip, p, goalloc_obj_cache_name(p));
	rcu_read_unlock();
	malloc_free_fast(p, ip);
}

void goalloc_free(const void *p)
{
	if (trace_goalloc_free_enabled())
		return malloc_free_traced(p, _RET_IP_);
	malloc_free_fast(p, _RET_IP_);
}
EXPORT_SYMBOL_NS_GPL(goalloc_free, GOALLOC_NS);

/* goalloc_free() on behalf of @ip, untraced: goalloc_rcu.c's batches. */
void goalloc_free_at(const void *p, unsigned long ip)
{
	malloc_free_fast(p, ip);
}

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
	if (cache_tiny(c))
		return tiny_size(s, p);
	if (!goalloc_span_obj_at(s, p) || obj_rcu_pending(s, p) ||
	    goalloc_obj_free_now(c, p))
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
	if (s->kind != GOALLOC_SPAN_SMALL || !cache_tiny(s->cache))
		goalloc_kasan_alloc(p, size, ks);
}

bool goalloc_owns(const void *p)
{
	return !ZERO_OR_NULL_PTR(p) &&
	       goalloc_span_lookup(p) != &goalloc_empty_span;
}
EXPORT_SYMBOL_NS_GPL(goalloc_owns, GOALLOC_NS);

#if IS_ENABLED(CONFIG_KUNIT)
void goalloc_test_mark(void *obj)
{
	struct goalloc_span *s = goalloc_span_of(obj);

	if (s && s->cache && !cache_debug(s->cache))
		obj_mark(s->cache, obj);
}
EXPORT_SYMBOL_NS_GPL(goalloc_test_mark, GOALLOC_NS);
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
EXPORT_SYMBOL_NS_GPL(goalloc_size, GOALLOC_NS);

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
		malloc_free_traced(p, _RET_IP_);
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
	malloc_free_traced(p, _RET_IP_);
	return q;
}
EXPORT_SYMBOL_NS_GPL(goalloc_realloc, GOALLOC_NS);

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
static void cache_struct_free(struct goalloc_cache *c)
{
	free_percpu(c->cpu);
	kfree(c);
}

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
	goalloc_cache_debugfs_add(c);
	mutex_unlock(&goalloc_caches_mutex);
	return c;
}
EXPORT_SYMBOL_NS_GPL(goalloc_cache_create, GOALLOC_NS);

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
	struct goalloc_cache_counts n;

	if (!c)
		return;
	/*
	 * goalloc_free_rcu() objects of any cache may still wait: they are
	 * not leaks (kmem_cache_destroy() waits with kvfree_rcu_barrier()).
	 */
	goalloc_rcu_barrier();
	mutex_lock(&goalloc_caches_mutex);
	goalloc_cache_drain(c);
	live = cache_live(c);
	if (live) {
		/* Keep it all: someone may still use the objects. */
		mutex_unlock(&goalloc_caches_mutex);
		goalloc_count_misuse();
		pr_err("cache %s destroyed with %lu objects still allocated; its memory is leaked\n",
		       c->name, live);
		return;
	}
	goalloc_cache_sum(c, &n);
	spin_lock_irqsave(&goalloc_caches_lock, flags);
	list_del(&c->list);
	goalloc_gone_allocs += n.allocs;
	goalloc_gone_frees += n.frees;
	spin_unlock_irqrestore(&goalloc_caches_lock, flags);
	mutex_unlock(&goalloc_caches_mutex);
	/* Waits for readers and for a shrink, which takes the mutex. */
	goalloc_cache_debugfs_remove(c);
	if (c->flags & GOALLOC_TYPESAFE_BY_RCU)
		rcu_barrier();
	cache_struct_free(c);
}
EXPORT_SYMBOL_NS_GPL(goalloc_cache_destroy, GOALLOC_NS);

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
		cache_free_lookup(c, obj, ip);
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
EXPORT_SYMBOL_NS_GPL(goalloc_cache_free_bulk, GOALLOC_NS);

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
EXPORT_SYMBOL_NS_GPL(goalloc_cache_alloc_bulk, GOALLOC_NS);

int goalloc_cache_shrink(struct goalloc_cache *c)
{
	mutex_lock(&goalloc_caches_mutex);
	goalloc_cache_drain(c);
	mutex_unlock(&goalloc_caches_mutex);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(goalloc_cache_shrink, GOALLOC_NS);

unsigned int goalloc_cache_size(struct goalloc_cache *c)
{
	return c->object_size;
}
EXPORT_SYMBOL_NS_GPL(goalloc_cache_size, GOALLOC_NS);

static void destroy_builtin_caches(void)
{
	unsigned int i;

	for (i = 0; i < GOALLOC_NUM_SIZE_CLASSES; i++) {
		if (goalloc_kmalloc[i]) {
			list_del(&goalloc_kmalloc[i]->list);
			cache_struct_free(goalloc_kmalloc[i]);
		}
		goalloc_kmalloc[i] = NULL;
	}
}

/* Before anyone can look: goalloc_caches needs no lock yet. */
static int __init create_builtin_caches(void)
{
	char name[GOALLOC_NAME_LEN];
	unsigned int i;

	goalloc_tiny_cache = cache_new("goalloc-tiny", GOALLOC_TINY_SIZE,
				       GOALLOC_TINY_SIZE,
				       goalloc_class_to_npages[GOALLOC_TINY_SIZE_CLASS],
				       GOALLOC_TINY_CACHE, NULL);
	if (!goalloc_tiny_cache)
		return -ENOMEM;
	list_add_tail(&goalloc_tiny_cache->list, &goalloc_caches);
	for (i = 1; i < GOALLOC_NUM_SIZE_CLASSES; i++) {
		snprintf(name, sizeof(name), "goalloc-%u",
			 goalloc_class_to_size[i]);
		goalloc_kmalloc[i] = cache_new(name, goalloc_class_to_size[i],
					       goalloc_class_to_size[i],
					       goalloc_class_to_npages[i],
					       cache_flags(GOALLOC_KMALLOC_CACHE,
							   true), NULL);
		if (!goalloc_kmalloc[i])
			return -ENOMEM;
		goalloc_kmalloc[i]->class = i;
		list_add_tail(&goalloc_kmalloc[i]->list, &goalloc_caches);
	}
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
		if (cache_tiny(c)) {
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
	int cpu;

	mutex_lock(&goalloc_caches_mutex);
	goalloc_drain_all_locked();
	list_for_each_entry_safe(c, tmp, &goalloc_caches, list) {
		cache_release_all(c);
		/* The built-in ones go last, in destroy_builtin_caches(). */
		if (cache_builtin(c))
			continue;
		list_del(&c->list);
		cache_struct_free(c);
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
	goalloc_drain_wq = alloc_workqueue("goalloc_drain",
					   WQ_MEM_RECLAIM | WQ_PERCPU, 0);
	if (!goalloc_drain_wq)
		return -ENOMEM;
	goalloc_rcu_init();
	ret = goalloc_heap_init();
	if (ret)
		goto fail_heap;
	ret = create_builtin_caches();
	if (ret)
		goto fail_caches;
	ret = goalloc_reclaim_init();
	if (ret)
		goto fail_caches;

	goalloc_debugfs_init();
	pr_info("loaded: %u size classes, %lu-byte pages, %lu-byte arenas\n",
		GOALLOC_NUM_SIZE_CLASSES - 1, GOALLOC_PAGE_SIZE,
		GOALLOC_ARENA_SIZE);
	return 0;

fail_caches:
	destroy_builtin_caches();
	goalloc_heap_exit();
fail_heap:
	destroy_workqueue(goalloc_drain_wq);
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
	WRITE_ONCE(goalloc_exiting, true);
	goalloc_debugfs_exit();
	goalloc_reclaim_exit();
	goalloc_rcu_exit();
	/* span_free_rcu() of caches destroyed before. */
	rcu_barrier();
	release_everything();
	destroy_workqueue(goalloc_drain_wq);
	rcu_barrier();
	destroy_builtin_caches();
	goalloc_heap_exit();
}

module_init(goalloc_init);
module_exit(goalloc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("goalloc: the Go runtime's memory allocator for the kernel");
