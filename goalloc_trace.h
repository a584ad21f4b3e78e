/* SPDX-License-Identifier: GPL-2.0 */
/*
 * goalloc's tracepoints, for ftrace and perf (events/goalloc/).
 *
 * goalloc_alloc and goalloc_free follow kmem's kmalloc and kfree events:
 * one per object handed out or taken back through the API, with the
 * caller, the requested and the served size, and the cache ("large" for
 * objects in pages of their own).  goalloc_span_alloc and goalloc_span_free
 * mark a cache's span coming from and going back to the page heap,
 * goalloc_arena_alloc and goalloc_arena_free the heap's arenas coming from
 * and going back to the buddy allocator.
 *
 * goalloc.c defines them (CREATE_TRACE_POINTS); goalloc_heap.c fires the
 * arena events.  Every call site is behind the event's static key, so a
 * disabled event costs a no-op.  The cache name is copied into the event
 * (kernels 6.1 and 6.12 differ in their __assign_str()).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM goalloc

#if !defined(_GOALLOC_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _GOALLOC_TRACE_H

#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/types.h>
#include <trace/events/mmflags.h>

/* Room for a cache name in an event: goalloc's names are shorter. */
#define GOALLOC_TRACE_NAME_LEN	32

TRACE_EVENT(goalloc_alloc,

	TP_PROTO(unsigned long call_site, const void *ptr, size_t bytes_req,
		 size_t bytes_alloc, gfp_t gfp_flags, const char *cache),

	TP_ARGS(call_site, ptr, bytes_req, bytes_alloc, gfp_flags, cache),

	TP_STRUCT__entry(
		__field(unsigned long, call_site)
		__field(const void *, ptr)
		__field(size_t, bytes_req)
		__field(size_t, bytes_alloc)
		__field(unsigned long, gfp_flags)
		__array(char, cache, GOALLOC_TRACE_NAME_LEN)
	),

	TP_fast_assign(
		__entry->call_site = call_site;
		__entry->ptr = ptr;
		__entry->bytes_req = bytes_req;
		__entry->bytes_alloc = bytes_alloc;
		__entry->gfp_flags = (__force unsigned long)gfp_flags;
		strscpy(__entry->cache, cache, GOALLOC_TRACE_NAME_LEN);
	),

	TP_printk("call_site=%pS ptr=%p bytes_req=%zu bytes_alloc=%zu gfp_flags=%s cache=%s",
		  (void *)__entry->call_site, __entry->ptr, __entry->bytes_req,
		  __entry->bytes_alloc, show_gfp_flags(__entry->gfp_flags),
		  __entry->cache)
);

TRACE_EVENT(goalloc_free,

	TP_PROTO(unsigned long call_site, const void *ptr,
		 const char *cache),

	TP_ARGS(call_site, ptr, cache),

	TP_STRUCT__entry(
		__field(unsigned long, call_site)
		__field(const void *, ptr)
		__array(char, cache, GOALLOC_TRACE_NAME_LEN)
	),

	TP_fast_assign(
		__entry->call_site = call_site;
		__entry->ptr = ptr;
		strscpy(__entry->cache, cache, GOALLOC_TRACE_NAME_LEN);
	),

	TP_printk("call_site=%pS ptr=%p cache=%s",
		  (void *)__entry->call_site, __entry->ptr, __entry->cache)
);

TRACE_EVENT(goalloc_span_alloc,

	TP_PROTO(const char *cache, unsigned long base, unsigned int pages,
		 unsigned int objects, int node),

	TP_ARGS(cache, base, pages, objects, node),

	TP_STRUCT__entry(
		__array(char, cache, GOALLOC_TRACE_NAME_LEN)
		__field(unsigned long, base)
		__field(unsigned int, pages)
		__field(unsigned int, objects)
		__field(int, node)
	),

	TP_fast_assign(
		strscpy(__entry->cache, cache, GOALLOC_TRACE_NAME_LEN);
		__entry->base = base;
		__entry->pages = pages;
		__entry->objects = objects;
		__entry->node = node;
	),

	TP_printk("cache=%s base=%p pages=%u objects=%u node=%d",
		  __entry->cache, (void *)__entry->base, __entry->pages,
		  __entry->objects, __entry->node)
);

TRACE_EVENT(goalloc_span_free,

	TP_PROTO(const char *cache, unsigned long base, unsigned int pages),

	TP_ARGS(cache, base, pages),

	TP_STRUCT__entry(
		__array(char, cache, GOALLOC_TRACE_NAME_LEN)
		__field(unsigned long, base)
		__field(unsigned int, pages)
	),

	TP_fast_assign(
		strscpy(__entry->cache, cache, GOALLOC_TRACE_NAME_LEN);
		__entry->base = base;
		__entry->pages = pages;
	),

	TP_printk("cache=%s base=%p pages=%u", __entry->cache,
		  (void *)__entry->base, __entry->pages)
);

TRACE_EVENT(goalloc_arena_alloc,

	TP_PROTO(unsigned long base, unsigned long bytes, int node),

	TP_ARGS(base, bytes, node),

	TP_STRUCT__entry(
		__field(unsigned long, base)
		__field(unsigned long, bytes)
		__field(int, node)
	),

	TP_fast_assign(
		__entry->base = base;
		__entry->bytes = bytes;
		__entry->node = node;
	),

	TP_printk("base=%p bytes=%lu node=%d", (void *)__entry->base,
		  __entry->bytes, __entry->node)
);

TRACE_EVENT(goalloc_arena_free,

	TP_PROTO(unsigned long base, unsigned long bytes),

	TP_ARGS(base, bytes),

	TP_STRUCT__entry(
		__field(unsigned long, base)
		__field(unsigned long, bytes)
	),

	TP_fast_assign(
		__entry->base = base;
		__entry->bytes = bytes;
	),

	TP_printk("base=%p bytes=%lu", (void *)__entry->base, __entry->bytes)
);

#endif /* _GOALLOC_TRACE_H */

/* Outside the guard: this part is read again by define_trace.h. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE goalloc_trace
#include <trace/define_trace.h>
