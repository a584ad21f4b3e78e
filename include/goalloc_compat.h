/* SPDX-License-Identifier: GPL-2.0 */
/*
 * goalloc_compat.h: serve an existing module's kmalloc and kmem_cache calls
 * from goalloc without editing the module.
 *
 * A module that includes this header after its own includes, or that is
 * built with tools/compat-build.sh (which pulls it in right after the
 * module's first <linux/slab.h>), has these served by goalloc:
 *
 *	kmalloc, kzalloc, kmalloc_node, kzalloc_node, kmalloc_array,
 *	kcalloc, kmalloc_array_node, kcalloc_node, krealloc,
 *	krealloc_array, kfree, kfree_sensitive, kfree_const, kfree_bulk,
 *	ksize, kvfree, kvfree_sensitive, kvrealloc, __free(kfree),
 *	__free(kvfree), kmem_cache_create (the 6.12 forms with struct
 *	kmem_cache_args too), kmem_cache_create_usercopy, KMEM_CACHE,
 *	KMEM_CACHE_USERCOPY, kmem_cache_alloc, kmem_cache_zalloc,
 *	kmem_cache_alloc_node, kmem_cache_alloc_lru, kmem_cache_free,
 *	kmem_cache_alloc_bulk, kmem_cache_free_bulk, kmem_cache_destroy,
 *	kmem_cache_size, kmem_cache_shrink, mempool_create_slab_pool,
 *	mempool_init_slab_pool, and kfree_rcu, kvfree_rcu and
 *	k(v)free_rcu_mightsleep in whatever forms the kernel has (they stay
 *	the kernel's macros; kvfree_call_rcu(), which they end in, is
 *	redirected).
 *
 * Everything else (kvmalloc, vmalloc, kmemdup, kstrdup, kasprintf,
 * kmalloc_track_caller, devm_kmalloc, the page allocator) stays with the
 * kernel.  That is safe because every free, resize and size query here
 * asks goalloc_owns() first: memory goalloc did not hand out goes to the
 * kernel's own kfree(), krealloc(), ksize(), kvfree() or kfree_rcu().
 * Allocation may be left to the kernel anywhere; freeing may not, since
 * the kernel's kfree() of goalloc memory would corrupt the kernel.
 *
 * Caches: a module's struct kmem_cache pointers keep their type.  One that
 * this header created is a goalloc cache with bit 0 set (a goalloc_cache
 * is at least 8-byte aligned, so the bit is free); every kmem_cache_*
 * call here tests the bit and hands an untagged pointer (a kernel cache
 * such as names_cachep behind __getname()) to the kernel.  Renaming the
 * type instead (#define kmem_cache goalloc_cache) would also rename it in
 * every header included later, so that a kernel cache behind a header's
 * macro would reach goalloc and crash.
 *
 * Objects keep kmalloc()'s alignment (ARCH_KMALLOC_MINALIGN): sizes
 * below 16 bytes, which goalloc's tiny allocator would align by Go's rule,
 * are rounded up to it.
 *
 * kmalloc calls that need what only the kernel gives (__GFP_DMA,
 * __GFP_DMA32, __GFP_NOFAIL, more than GOALLOC_MAX_SIZE bytes) go to the
 * kernel's kmalloc; __GFP_ACCOUNT is dropped, since goalloc charges no
 * memory cgroup (it would charge a whole 4 MiB arena to whoever grew it).
 *
 * SLAB_ flags: HWCACHE_ALIGN, TYPESAFE_BY_RCU and POISON map to goalloc's;
 * CONSISTENCY_CHECKS maps to GOALLOC_POISON (goalloc's debug caches check
 * every free exactly); PANIC panics when creation fails; ACCOUNT,
 * RECLAIM_ACCOUNT, MEM_SPREAD, NOLEAKTRACE, NO_MERGE, NO_USER_FLAGS,
 * SKIP_KFENCE, NO_OBJ_EXT and FAILSLAB change nothing a module can rely
 * on and are accepted.  RED_ZONE and STORE_USER map to goalloc's.  Any
 * other flag (CACHE_DMA, CACHE_DMA32, TRACE, DEBUG_OBJECTS, flags not known
 * here) cannot be honoured: a compile-time constant fails the build with
 * BUILD_BUG_ON_MSG, a run-time value makes kmem_cache_create() print
 * an error and return NULL.  A usercopy region and a 6.12 freeptr_offset
 * are accepted and ignored: goalloc's pages are not slab pages, so
 * hardened usercopy does not check them, and goalloc writes nothing into
 * a freed object of an RCU cache.
 *
 * What no header can cover is listed in README.md ("Trying goalloc in an
 * existing module"): kernel code that frees the module's memory with its
 * own kfree(), a goalloc cache passed to a kernel function that takes a
 * struct kmem_cache (other than the mempool ones above), and the kernel's
 * debugging of slab memory beyond goalloc's own (KFENCE, slabinfo).
 *
 * The module imports the GOALLOC namespace here and must be linked
 * against goalloc's Module.symvers (KBUILD_EXTRA_SYMBOLS).
 */
#ifndef _GOALLOC_COMPAT_H
#define _GOALLOC_COMPAT_H

/*
 * The kernel's declarations come first, under their own names, so that
 * the helpers below call the real functions and a later #include of these
 * headers is a no-op rather than a redeclaration under a redirected name.
 */
#include <linux/slab.h>
#include <linux/build_bug.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mempool.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/string.h>

#include <goalloc.h>

#ifdef MODULE
#include <linux/module.h>
MODULE_IMPORT_NS(GOALLOC_NS);
#endif

/* Lets a module tell, with #ifdef, that it is built through this header. */
#define GOALLOC_COMPAT	1

/* 6.12 made kmem_cache_create() a _Generic macro over struct kmem_cache_args. */
#ifdef kmem_cache_create
#define GOALLOC_COMPAT_CACHE_ARGS	1
#endif
/* 6.12's kvrealloc(p, size, gfp) is a macro; 6.1's takes the old size too. */
#ifdef kvrealloc
#define GOALLOC_COMPAT_KVREALLOC_3	1
#endif

/* ---- SLAB_ flags ------------------------------------------------------- */

#ifdef SLAB_MEM_SPREAD
#define GOALLOC_COMPAT_SLAB_MEM_SPREAD	SLAB_MEM_SPREAD
#else
#define GOALLOC_COMPAT_SLAB_MEM_SPREAD	0
#endif
#ifdef SLAB_NO_MERGE
#define GOALLOC_COMPAT_SLAB_NO_MERGE	SLAB_NO_MERGE
#else
#define GOALLOC_COMPAT_SLAB_NO_MERGE	0
#endif
#ifdef SLAB_NO_OBJ_EXT
#define GOALLOC_COMPAT_SLAB_NO_OBJ_EXT	SLAB_NO_OBJ_EXT
#else
#define GOALLOC_COMPAT_SLAB_NO_OBJ_EXT	0
#endif

/* Flags goalloc honours, each by a flag of its own. */
#define GOALLOC_COMPAT_SLAB_MAPPED					\
	(SLAB_HWCACHE_ALIGN | SLAB_TYPESAFE_BY_RCU | SLAB_POISON |	\
	 SLAB_CONSISTENCY_CHECKS | SLAB_PANIC |				\
	 SLAB_RED_ZONE | SLAB_STORE_USER)

/* Flags that change nothing a module may rely on: accepted, ignored. */
#define GOALLOC_COMPAT_SLAB_IGNORED					\
	(SLAB_ACCOUNT | SLAB_RECLAIM_ACCOUNT | SLAB_NOLEAKTRACE |	\
	 SLAB_NO_USER_FLAGS | SLAB_SKIP_KFENCE | SLAB_FAILSLAB |	\
	 GOALLOC_COMPAT_SLAB_MEM_SPREAD | GOALLOC_COMPAT_SLAB_NO_MERGE |	\
	 GOALLOC_COMPAT_SLAB_NO_OBJ_EXT)

#define GOALLOC_COMPAT_SLAB_OK						\
	(GOALLOC_COMPAT_SLAB_MAPPED | GOALLOC_COMPAT_SLAB_IGNORED)

/*
 * Fail the build when a module asks, with a constant, for a flag goalloc
 * cannot honour.  The creation functions below are __always_inline, so
 * that a constant argument is still constant here; a flag computed at run
 * time is caught by goalloc_compat_new_cache() instead.
 */
static __always_inline void goalloc_compat_check_flags(slab_flags_t flags)
{
	BUILD_BUG_ON_MSG(__builtin_constant_p(flags) &&
			 (flags & ~GOALLOC_COMPAT_SLAB_OK),
			 "goalloc_compat.h: goalloc cannot honour this SLAB_ flag (see README.md)");
}

/* ---- Caches: a goalloc cache is a struct kmem_cache * with bit 0 set --- */

#define GOALLOC_COMPAT_CACHE_TAG	1UL

static __always_inline bool goalloc_compat_ours(const struct kmem_cache *s)
{
	return (unsigned long)s & GOALLOC_COMPAT_CACHE_TAG;
}

static __always_inline struct goalloc_cache *
goalloc_compat_cache(const struct kmem_cache *s)
{
	return (struct goalloc_cache *)((unsigned long)s &
					 ~GOALLOC_COMPAT_CACHE_TAG);
}

/* Create a goalloc cache for kmem_cache_create(); checks flags at run time. */
static inline struct kmem_cache *
goalloc_compat_new_cache(const char *name, unsigned int size,
			 unsigned int align, slab_flags_t flags,
			 void (*ctor)(void *))
{
	struct goalloc_cache *c = NULL;
	unsigned int gflags = 0;

	if (flags & ~GOALLOC_COMPAT_SLAB_OK) {
		pr_err("goalloc_compat: cache %s: SLAB_ flags %#x are not supported by goalloc\n",
		       name,
		       (__force unsigned int)(flags & ~GOALLOC_COMPAT_SLAB_OK));
	} else {
		if (flags & SLAB_HWCACHE_ALIGN)
			gflags |= GOALLOC_HWCACHE_ALIGN;
		if (flags & SLAB_TYPESAFE_BY_RCU)
			gflags |= GOALLOC_TYPESAFE_BY_RCU;
		if (flags & (SLAB_POISON | SLAB_CONSISTENCY_CHECKS))
			gflags |= GOALLOC_POISON;
		if (flags & SLAB_RED_ZONE)
			gflags |= GOALLOC_RED_ZONE;
		if (flags & SLAB_STORE_USER)
			gflags |= GOALLOC_STORE_USER;
		/* SLUB takes any alignment; goalloc a power of two. */
		c = goalloc_cache_create(name, size,
					 align > 1 ? roundup_pow_of_two(align) : 0,
					 gflags, ctor);
	}
	if (!c && (flags & SLAB_PANIC))
		panic("goalloc_compat: cannot create cache %s\n", name);
	return c ? (struct kmem_cache *)((unsigned long)c |
					 GOALLOC_COMPAT_CACHE_TAG) : NULL;
}

/* kmem_cache_create(name, size, align, flags, ctor) */
static __always_inline struct kmem_cache *
goalloc_compat_cache_create(const char *name, unsigned int size,
			    unsigned int align, slab_flags_t flags,
			    void (*ctor)(void *))
{
	goalloc_compat_check_flags(flags);
	return goalloc_compat_new_cache(name, size, align, flags, ctor);
}

#ifdef GOALLOC_COMPAT_CACHE_ARGS
/* kmem_cache_create(name, size, args, flags), KMEM_CACHE() on 6.12 */
static __always_inline struct kmem_cache *
goalloc_compat_cache_create_args(const char *name, unsigned int size,
				 struct kmem_cache_args *args,
				 slab_flags_t flags)
{
	goalloc_compat_check_flags(flags);
	return goalloc_compat_new_cache(name, size, args ? args->align : 0,
					flags, args ? args->ctor : NULL);
}

/* kmem_cache_create(name, size, NULL, flags): all defaults. */
static __always_inline struct kmem_cache *
goalloc_compat_cache_create_default(const char *name, unsigned int size,
				    void *args, slab_flags_t flags)
{
	goalloc_compat_check_flags(flags);
	if (WARN_ON_ONCE(args))
		return NULL;
	return goalloc_compat_new_cache(name, size, 0, flags, NULL);
}
#endif

/* The usercopy region is ignored: goalloc's pages are not slab pages. */
static __always_inline struct kmem_cache *
goalloc_compat_cache_create_usercopy(const char *name, unsigned int size,
				     unsigned int align, slab_flags_t flags,
				     unsigned int useroffset,
				     unsigned int usersize,
				     void (*ctor)(void *))
{
	goalloc_compat_check_flags(flags);
	return goalloc_compat_new_cache(name, size, align, flags, ctor);
}

/*
 * __GFP_NOFAIL on a goalloc cache: goalloc takes no such flag (it would
 * reach the page allocator with an arena's order), so retry here, where
 * the caller may sleep, as the page allocator would.
 */
static inline bool goalloc_compat_retry(gfp_t gfp)
{
	if (!(gfp & __GFP_NOFAIL) || !gfpflags_allow_blocking(gfp))
		return false;
	memalloc_retry_wait(gfp);
	return true;
}

static __always_inline void *
goalloc_compat_cache_alloc_node(struct kmem_cache *s, gfp_t gfp, int node)
{
	gfp_t ggfp = gfp & ~(__GFP_ACCOUNT | __GFP_NOFAIL);
	void *p;

	if (!goalloc_compat_ours(s)) {
		if (node == NUMA_NO_NODE)
			return kmem_cache_alloc(s, gfp);
		return kmem_cache_alloc_node(s, gfp, node);
	}
	do {
		if (node == NUMA_NO_NODE)
			p = goalloc_cache_alloc(goalloc_compat_cache(s), ggfp);
		else
			p = goalloc_cache_alloc_node(goalloc_compat_cache(s),
						     ggfp, node);
	} while (unlikely(!p) && goalloc_compat_retry(gfp));
	return p;
}

static __always_inline void *
goalloc_compat_cache_alloc_lru(struct kmem_cache *s, struct list_lru *lru,
			       gfp_t gfp)
{
	/* goalloc charges no memory cgroup, so the list_lru needs nothing. */
	if (goalloc_compat_ours(s))
		return goalloc_compat_cache_alloc_node(s, gfp, NUMA_NO_NODE);
	return kmem_cache_alloc_lru(s, lru, gfp);
}

static __always_inline void goalloc_compat_cache_free(struct kmem_cache *s,
						      void *p)
{
	if (goalloc_compat_ours(s))
		goalloc_cache_free(goalloc_compat_cache(s), p);
	else
		kmem_cache_free(s, p);
}

static inline int goalloc_compat_cache_alloc_bulk(struct kmem_cache *s,
						  gfp_t gfp, size_t nr,
						  void **p)
{
	if (goalloc_compat_ours(s))
		return goalloc_cache_alloc_bulk(goalloc_compat_cache(s),
						gfp & ~(__GFP_ACCOUNT |
							__GFP_NOFAIL),
						nr, p);
	return kmem_cache_alloc_bulk(s, gfp, nr, p);
}

static inline void goalloc_compat_cache_destroy(struct kmem_cache *s)
{
	if (goalloc_compat_ours(s))
		goalloc_cache_destroy(goalloc_compat_cache(s));
	else
		kmem_cache_destroy(s);
}

static inline unsigned int goalloc_compat_cache_size(struct kmem_cache *s)
{
	if (goalloc_compat_ours(s))
		return goalloc_cache_size(goalloc_compat_cache(s));
	return kmem_cache_size(s);
}

static inline int goalloc_compat_cache_shrink(struct kmem_cache *s)
{
	if (goalloc_compat_ours(s))
		return goalloc_cache_shrink(goalloc_compat_cache(s));
	return kmem_cache_shrink(s);
}

/* ---- The kmalloc family ------------------------------------------------ */

/*
 * kmalloc() aligns every object to ARCH_KMALLOC_MINALIGN, and code relies
 * on it; goalloc's tiny allocator (sizes below 16) aligns by the size's
 * lowest set bit only.  Such sizes are rounded up to the kernel's
 * alignment: to 8, a tiny object aligned to 8, or to 16, the smallest
 * size class.  Every larger size class is a multiple of 8 in spans that
 * start on a page.  ksize() then reports the rounded size, as it reports
 * kmalloc()'s bucket.  Constant sizes fold the rounding away.
 */
static_assert(ARCH_KMALLOC_MINALIGN <= 8,
	      "goalloc_compat.h: goalloc's size classes are multiples of 8 only");

static __always_inline size_t goalloc_compat_size(size_t size)
{
	return size < 16 ? ALIGN(size, ARCH_KMALLOC_MINALIGN) : size;
}

/* Requests only the kernel's kmalloc can serve as asked. */
static __always_inline bool goalloc_compat_for_kernel(size_t size, gfp_t gfp)
{
	return (gfp & (__GFP_DMA | __GFP_DMA32 | __GFP_NOFAIL)) ||
	       size > GOALLOC_MAX_SIZE;
}

static __always_inline __alloc_size(1) void *
goalloc_compat_kmalloc(size_t size, gfp_t gfp)
{
	if (unlikely(goalloc_compat_for_kernel(size, gfp)))
		return kmalloc(size, gfp);
	return goalloc_malloc(goalloc_compat_size(size), gfp & ~__GFP_ACCOUNT);
}

static __always_inline __alloc_size(1) void *
goalloc_compat_kmalloc_node(size_t size, gfp_t gfp, int node)
{
	/* A bad node goes to goalloc, which reports it, not to the kernel. */
	if (unlikely(goalloc_compat_for_kernel(size, gfp)) &&
	    likely((unsigned int)(node + 1) <= MAX_NUMNODES))
		return kmalloc_node(size, gfp, node);
	return goalloc_malloc_node(goalloc_compat_size(size),
				   gfp & ~__GFP_ACCOUNT, node);
}

static __always_inline __alloc_size(1, 2) void *
goalloc_compat_kmalloc_array_node(size_t n, size_t size, gfp_t gfp, int node)
{
	size_t bytes;

	/* As kmalloc_array(): an overflow is a quiet NULL. */
	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	if (node == NUMA_NO_NODE)
		return goalloc_compat_kmalloc(bytes, gfp);
	return goalloc_compat_kmalloc_node(bytes, gfp, node);
}

static inline void goalloc_compat_kfree(const void *p)
{
	if (goalloc_owns(p))
		goalloc_free(p);
	else
		kfree(p);
}

static inline size_t goalloc_compat_ksize(const void *p)
{
	if (goalloc_owns(p))
		return goalloc_size(p);
	return ksize(p);
}

static inline void * __must_check __realloc_size(2)
goalloc_compat_krealloc(const void *p, size_t new_size, gfp_t gfp)
{
	if (ZERO_OR_NULL_PTR(p))
		return goalloc_compat_kmalloc(new_size, gfp);
	if (goalloc_owns(p))
		return goalloc_realloc(p, goalloc_compat_size(new_size),
				       gfp & ~__GFP_ACCOUNT);
	return krealloc(p, new_size, gfp);
}

static inline void * __must_check __realloc_size(2, 3)
goalloc_compat_krealloc_array(void *p, size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return goalloc_compat_krealloc(p, bytes, gfp);
}

static inline void goalloc_compat_kfree_sensitive(const void *p)
{
	if (goalloc_owns(p)) {
		memzero_explicit((void *)p, goalloc_size(p));
		goalloc_free(p);
	} else {
		kfree_sensitive(p);
	}
}

static inline void goalloc_compat_kfree_const(const void *p)
{
	if (goalloc_owns(p))
		goalloc_free(p);
	else
		kfree_const(p);
}

static inline void goalloc_compat_kfree_bulk(size_t nr, void **p)
{
	size_t i;

	for (i = 0; i < nr; i++)
		goalloc_compat_kfree(p[i]);
}

static inline void goalloc_compat_cache_free_bulk(struct kmem_cache *s,
						  size_t nr, void **p)
{
	if (!s)
		goalloc_compat_kfree_bulk(nr, p);
	else if (goalloc_compat_ours(s))
		goalloc_cache_free_bulk(goalloc_compat_cache(s), nr, p);
	else
		kmem_cache_free_bulk(s, nr, p);
}

static inline void goalloc_compat_kvfree(const void *p)
{
	if (goalloc_owns(p))
		goalloc_free(p);
	else
		kvfree(p);
}

static inline void goalloc_compat_kvfree_sensitive(const void *p, size_t len)
{
	if (goalloc_owns(p)) {
		memzero_explicit((void *)p, len);
		goalloc_free(p);
	} else {
		kvfree_sensitive(p, len);
	}
}

#ifdef GOALLOC_COMPAT_KVREALLOC_3
static inline void * __must_check __realloc_size(2)
goalloc_compat_kvrealloc(const void *p, size_t size, gfp_t gfp)
{
	void *q;

	if (!goalloc_owns(p))
		return kvrealloc(p, size, gfp);
	q = goalloc_realloc(p, goalloc_compat_size(size),
			    (gfp & ~__GFP_ACCOUNT) | __GFP_NOWARN);
	if (q || size <= GOALLOC_MAX_SIZE)
		return q;
	/* Too large for goalloc: move to the kernel's kvmalloc(). */
	q = kvmalloc(size, gfp);
	if (q) {
		memcpy(q, p, goalloc_size(p));
		goalloc_free(p);
	}
	return q;
}
#else
static inline void * __must_check __realloc_size(3)
goalloc_compat_kvrealloc(const void *p, size_t oldsize, size_t newsize,
			 gfp_t gfp)
{
	void *q;

	if (!goalloc_owns(p))
		return kvrealloc(p, oldsize, newsize, gfp);
	/* 6.1's kvrealloc(), with goalloc's free. */
	if (oldsize >= newsize)
		return (void *)p;
	q = kvmalloc(newsize, gfp);
	if (q) {
		memcpy(q, p, oldsize);
		goalloc_free(p);
	}
	return q;
}
#endif

/*
 * kfree_rcu() and kvfree_rcu() stay the kernel's macros, with their checks
 * and their 6.1 or 6.12 forms; what they end in, kvfree_call_rcu(head, x),
 * is dispatched here.  With an rcu_head in goalloc memory, goalloc frees
 * the object after a grace period.  Without one (kfree_rcu_mightsleep(),
 * 6.1's kfree_rcu(ptr)), x is the object: goalloc memory waits for a
 * grace period here, which those forms allow (they may sleep).  Returns
 * false for memory goalloc does not own, which goes to the kernel.
 */
static inline bool goalloc_compat_free_rcu(struct rcu_head *head,
					   const void *ptr)
{
	if (head) {
		if (!goalloc_owns(head))
			return false;
		__goalloc_free_rcu(head);
		return true;
	}
	if (!goalloc_owns(ptr))
		return false;
	might_sleep();
	synchronize_rcu();
	goalloc_free(ptr);
	return true;
}

/* ---- mempool over a cache: the kernel's helpers would call SLUB -------- */

static inline void *goalloc_compat_mempool_alloc_slab(gfp_t gfp, void *pool)
{
	return goalloc_compat_cache_alloc_node(pool, gfp, NUMA_NO_NODE);
}

static inline void goalloc_compat_mempool_free_slab(void *elem, void *pool)
{
	goalloc_compat_cache_free(pool, elem);
}

/* Cleanup helpers for __free(kfree) and __free(kvfree) (6.5 and later). */
static inline void goalloc_compat_free_kfree(void *p)
{
	void *_T = *(void **)p;

	if (!IS_ERR_OR_NULL(_T))
		goalloc_compat_kfree(_T);
}

static inline void goalloc_compat_free_kvfree(void *p)
{
	void *_T = *(void **)p;

	if (!IS_ERR_OR_NULL(_T))
		goalloc_compat_kvfree(_T);
}

/* ---- The redirections -------------------------------------------------- */

/*
 * From here on the kernel's names mean goalloc's.  kfree and kvfree are
 * object-like, so that a module passing them as callbacks (to
 * devm_add_action(), idr_for_each() and the like) passes goalloc's.
 */
#undef kmalloc
#undef kzalloc
#undef kmalloc_node
#undef kzalloc_node
#undef kmalloc_array
#undef kcalloc
#undef kmalloc_array_node
#undef kcalloc_node
#undef krealloc
#undef krealloc_array
#undef kvrealloc
#undef kmem_cache_create
#undef kmem_cache_create_usercopy
#undef __kmem_cache_create_args
#undef kmem_cache_alloc
#undef kmem_cache_zalloc
#undef kmem_cache_alloc_node
#undef kmem_cache_alloc_lru
#undef kmem_cache_alloc_bulk
#undef kvfree_call_rcu
#undef mempool_create_slab_pool
#undef mempool_init_slab_pool

#define kmalloc(size, gfp)		goalloc_compat_kmalloc(size, gfp)
#define kzalloc(size, gfp)		goalloc_compat_kmalloc(size, (gfp) | __GFP_ZERO)
#define kmalloc_node(size, gfp, node)	goalloc_compat_kmalloc_node(size, gfp, node)
#define kzalloc_node(size, gfp, node)					\
	goalloc_compat_kmalloc_node(size, (gfp) | __GFP_ZERO, node)
#define kmalloc_array(n, size, gfp)					\
	goalloc_compat_kmalloc_array_node(n, size, gfp, NUMA_NO_NODE)
#define kcalloc(n, size, gfp)						\
	goalloc_compat_kmalloc_array_node(n, size, (gfp) | __GFP_ZERO,	\
					  NUMA_NO_NODE)
#define kmalloc_array_node(n, size, gfp, node)				\
	goalloc_compat_kmalloc_array_node(n, size, gfp, node)
#define kcalloc_node(n, size, gfp, node)				\
	goalloc_compat_kmalloc_array_node(n, size, (gfp) | __GFP_ZERO, node)
#define krealloc(p, size, gfp)		goalloc_compat_krealloc(p, size, gfp)
#define krealloc_array(p, n, size, gfp)					\
	goalloc_compat_krealloc_array(p, n, size, gfp)
#define kvrealloc(...)			goalloc_compat_kvrealloc(__VA_ARGS__)
#define ksize(p)			goalloc_compat_ksize(p)
#define kfree				goalloc_compat_kfree
#define kvfree				goalloc_compat_kvfree
#define kfree_sensitive(p)		goalloc_compat_kfree_sensitive(p)
#define kvfree_sensitive(p, len)	goalloc_compat_kvfree_sensitive(p, len)
#define kfree_const(p)			goalloc_compat_kfree_const(p)
#define kfree_bulk(nr, p)		goalloc_compat_kfree_bulk(nr, p)
#define __free_kfree			goalloc_compat_free_kfree
#define __free_kvfree			goalloc_compat_free_kvfree

/*
 * head is a struct rcu_head * on 6.1 and 6.12, a struct kvfree_rcu_head *
 * on 7.x (one word where RCU batches kvfree, which is all goalloc writes
 * in it: the link of goalloc_free_rcu()'s no-memory list); x is a pointer,
 * or on 6.1 a pointer or an offset cast to rcu_callback_t.
 */
#define kvfree_call_rcu(head, x)					\
do {									\
	void *___gh = (head);						\
	typeof(x) ___gx = (x);						\
									\
	if (!goalloc_compat_free_rcu(___gh, (const void *)___gx))	\
		kvfree_call_rcu(___gh, ___gx);				\
} while (0)

/*
 * kmem_cache_create(): 6.12's (name, size, args or NULL, flags) or the
 * (name, size, align, flags, ctor) of every kernel.  The kernel's own
 * KMEM_CACHE() and KMEM_CACHE_USERCOPY() end in one of these.
 */
#ifdef GOALLOC_COMPAT_CACHE_ARGS
#define kmem_cache_create(name, size, args, ...)			\
	(__builtin_choose_expr(						\
		__builtin_types_compatible_p(typeof(args),		\
					     struct kmem_cache_args *),	\
		goalloc_compat_cache_create_args,			\
		__builtin_choose_expr(					\
			__builtin_types_compatible_p(typeof(args), void *), \
			goalloc_compat_cache_create_default,		\
			goalloc_compat_cache_create))			\
		(name, size, args, __VA_ARGS__))
/* Object-like: KMEM_CACHE() passes a compound literal with commas in it. */
#define __kmem_cache_create_args	goalloc_compat_cache_create_args
#else
#define kmem_cache_create(name, size, align, flags, ctor)		\
	goalloc_compat_cache_create(name, size, align, flags, ctor)
#endif
#define kmem_cache_create_usercopy(name, size, align, flags, uoff, usize, ctor) \
	goalloc_compat_cache_create_usercopy(name, size, align, flags,	\
					     uoff, usize, ctor)

#define kmem_cache_alloc(s, gfp)					\
	goalloc_compat_cache_alloc_node(s, gfp, NUMA_NO_NODE)
#define kmem_cache_zalloc(s, gfp)					\
	goalloc_compat_cache_alloc_node(s, (gfp) | __GFP_ZERO, NUMA_NO_NODE)
#define kmem_cache_alloc_node(s, gfp, node)				\
	goalloc_compat_cache_alloc_node(s, gfp, node)
#define kmem_cache_alloc_lru(s, lru, gfp)				\
	goalloc_compat_cache_alloc_lru(s, lru, gfp)
#define kmem_cache_free(s, p)		goalloc_compat_cache_free(s, p)
#define kmem_cache_alloc_bulk(s, gfp, nr, p)				\
	goalloc_compat_cache_alloc_bulk(s, gfp, nr, p)
#define kmem_cache_free_bulk(s, nr, p)	goalloc_compat_cache_free_bulk(s, nr, p)
#define kmem_cache_destroy(s)		goalloc_compat_cache_destroy(s)
#define kmem_cache_size(s)		goalloc_compat_cache_size(s)
#define kmem_cache_shrink(s)		goalloc_compat_cache_shrink(s)

#define mempool_alloc_slab		goalloc_compat_mempool_alloc_slab
#define mempool_free_slab		goalloc_compat_mempool_free_slab
#define mempool_create_slab_pool(min_nr, s)				\
	mempool_create(min_nr, mempool_alloc_slab, mempool_free_slab,	\
		       (void *)(s))
#define mempool_init_slab_pool(pool, min_nr, s)				\
	mempool_init(pool, min_nr, mempool_alloc_slab, mempool_free_slab, \
		     (void *)(s))

#endif /* _GOALLOC_COMPAT_H */
