// SPDX-License-Identifier: GPL-2.0
/*
 * goalloc's reports and debug caches: every misuse report (counted by
 * goalloc_misuse_count(), rate limited on the console, and counted for
 * the running KUnit test), the bodies of the debug caches' checks
 * (GOALLOC_POISON, GOALLOC_RED_ZONE, GOALLOC_STORE_USER, in per-object
 * records beside each span), and the out-of-line ends of allocation and
 * free that KASAN and kmemleak need.  The inline gates in front of them
 * are in goalloc_internal.h; where each is called from is in the overview
 * at the top of goalloc.c.
 *
 * Locking: a debug cache's records are written under its central lock, as
 * its spans' bitmaps are (debug_on_free()), or by the allocating caller,
 * to whom the object belongs (debug_on_alloc()).  The reports take no
 * lock but the rate limit's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kasan.h>
#include <linux/kmemleak.h>
#include <linux/module.h>
#include <linux/poison.h>
#include <linux/ratelimit.h>
#include <linux/stackdepot.h>
#include <linux/stacktrace.h>

#include "goalloc_internal.h"

static atomic_long_t goalloc_misuse;

#if IS_ENABLED(CONFIG_KUNIT)
#include <kunit/resource.h>
#include <kunit/test-bug.h>

/* The running KUnit test's resource @name, or NULL: see the users below. */
static struct kunit_resource *goalloc_kunit_resource(const char *name)
{
	struct kunit *test = kunit_get_current_test();

	return test ? kunit_find_named_resource(test, name) : NULL;
}

/*
 * Count a report in the running KUnit test's "goalloc_errors" resource, as
 * SLUB counts its own in "slab_errors", so that a test can expect exactly
 * the reports its misuse must cause.
 */
static void goalloc_kunit_count(void)
{
	struct kunit_resource *r = goalloc_kunit_resource("goalloc_errors");

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
	struct kunit_resource *r = goalloc_kunit_resource("goalloc_last_report");

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
void goalloc_count_misuse(void)
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
void __cold goalloc_report(const char *what, const void *p,
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
void __cold goalloc_report_unowned(const void *p,
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
__printf(3, 4) void __cold goalloc_report_arg(unsigned long ip,
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

noinline void *goalloc_bad_node(int node, const char *cache,
				       unsigned long ip)
{
	goalloc_report_arg(ip, cache, "bad NUMA node %d (MAX_NUMNODES is %d)",
			   node, MAX_NUMNODES);
	return NULL;
}

void __cold goalloc_report_rcu_pending(const void *p,
				       const struct goalloc_cache *c,
				       unsigned long ip)
{
	goalloc_report("double free (of an object waiting in goalloc_free_rcu())",
		       p, c, ip);
}

struct goalloc_obj_debug *obj_debug(struct goalloc_span *s,
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
void __cold debug_report(const char *what, struct goalloc_cache *c,
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
void debug_init_span(struct goalloc_cache *c, struct goalloc_span *s)
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
void debug_on_free(struct goalloc_cache *c, struct goalloc_span *s,
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
noinline void *alloc_finish(struct goalloc_cache *c, void *obj,
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
 * An object of a cache that is not a debug one is freed (checked, and
 * about to go on an array or to its span).  The tiny cache's blocks were
 * never registered with kmemleak: their objects were.
 */
noinline void free_hooks_slow(struct goalloc_cache *c, void *obj)
{
	/* A debug cache's frees have their hooks in debug_on_free(). */
	if (cache_debug(c))
		return;
	if (!cache_tiny(c))
		kmemleak_free(obj);
	if (!(c->flags & GOALLOC_TYPESAFE_BY_RCU))
		goalloc_kasan_free(obj, c->size);
}

unsigned long goalloc_misuse_count(void)
{
	return atomic_long_read(&goalloc_misuse);
}
EXPORT_SYMBOL_NS_GPL(goalloc_misuse_count, GOALLOC_NS);
