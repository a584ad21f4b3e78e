// SPDX-License-Identifier: GPL-2.0
/*
 * goalloc_compat_selftest, caches: KMEM_CACHE() and kmem_cache_create()
 * (the 6.12 forms with struct kmem_cache_args too) must give goalloc
 * caches that alloc, zalloc, alloc_node, bulk, mempool and kfree() of an
 * object all serve from goalloc, while a cache the kernel made (as
 * names_cachep behind __getname() is) must keep going to the kernel
 * through the same redirected calls.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/mempool.h>
#include <linux/slab.h>
#include <linux/topology.h>

#include "compat_selftest.h"

#define COMPAT_BULK	16
#define COMPAT_MAGIC	0x600dca11U

struct compat_obj {
	u32 magic;
	char payload[100];
};

static void compat_ctor(void *obj)
{
	((struct compat_obj *)obj)->magic = COMPAT_MAGIC;
}

static void compat_kmem_cache(struct compat_counts *cnt)
{
	struct compat_obj *o, *objs[COMPAT_BULK];
	struct kmem_cache *c;
	unsigned int i;
	bool ok = true;

	c = KMEM_CACHE(compat_obj, SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT);
	CHECK(cnt, c);
	if (!c)
		return;
	CHECK(cnt, kmem_cache_size(c) >= sizeof(struct compat_obj));
	o = kmem_cache_zalloc(c, GFP_KERNEL);
	CHECK(cnt, o && goalloc_owns(o) && !memchr_inv(o, 0, sizeof(*o)));
	CHECK(cnt, o && IS_ALIGNED((unsigned long)o, cache_line_size()));
	kmem_cache_free(c, o);

	CHECK(cnt, kmem_cache_alloc_bulk(c, GFP_KERNEL, COMPAT_BULK,
					 (void **)objs) == COMPAT_BULK);
	for (i = 0; i < COMPAT_BULK; i++)
		ok &= goalloc_owns(objs[i]);
	CHECK(cnt, ok);
	kmem_cache_free_bulk(c, COMPAT_BULK, (void **)objs);

	o = kmem_cache_alloc_node(c, GFP_KERNEL, numa_node_id());
	CHECK(cnt, o && goalloc_owns(o));
	/* kfree() of a cache object, as SLUB allows. */
	kfree(o);
	CHECK(cnt, kmem_cache_shrink(c) == 0);
	kmem_cache_destroy(c);
}

static void compat_ctor_caches(struct compat_counts *cnt)
{
#ifdef GOALLOC_COMPAT_CACHE_ARGS
	struct kmem_cache_args args = { .align = 64, .ctor = compat_ctor };
#endif
	struct kmem_cache *c;
	struct compat_obj *o;

	c = kmem_cache_create("compat_rcu", sizeof(struct compat_obj), 0,
			      SLAB_TYPESAFE_BY_RCU, compat_ctor);
	o = c ? kmem_cache_alloc(c, GFP_KERNEL) : NULL;
	CHECK(cnt, o && goalloc_owns(o) && o->magic == COMPAT_MAGIC);
	if (o)
		kmem_cache_free(c, o);
	kmem_cache_destroy(c);

#ifdef GOALLOC_COMPAT_CACHE_ARGS
	c = kmem_cache_create("compat_args", sizeof(struct compat_obj), &args,
			      0);
	o = c ? kmem_cache_alloc(c, GFP_KERNEL) : NULL;
	CHECK(cnt, o && goalloc_owns(o) && o->magic == COMPAT_MAGIC &&
	      IS_ALIGNED((unsigned long)o, 64));
	if (o)
		kmem_cache_free(c, o);
	kmem_cache_destroy(c);

	c = kmem_cache_create("compat_null", 24, NULL, 0);
	o = c ? kmem_cache_alloc(c, GFP_KERNEL) : NULL;
	CHECK(cnt, o && goalloc_owns(o));
	if (o)
		kmem_cache_free(c, o);
	kmem_cache_destroy(c);
#endif
}

/*
 * A flag goalloc cannot honour, known only at run time: creation fails
 * (with an error in the log) rather than giving a cache without it.  A
 * constant one fails the build instead.
 */
static slab_flags_t compat_dma_flag = SLAB_CACHE_DMA;

static void compat_bad_flag(struct compat_counts *cnt)
{
	struct kmem_cache *c;

	c = kmem_cache_create("compat_dma", 64, 0, READ_ONCE(compat_dma_flag),
			      NULL);
	CHECK(cnt, !c);
	kmem_cache_destroy(c);
}

static void compat_mempool(struct compat_counts *cnt)
{
	struct kmem_cache *c;
	mempool_t *pool;
	void *e;

	c = kmem_cache_create("compat_pool", 200, 0, 0, NULL);
	pool = c ? mempool_create_slab_pool(2, c) : NULL;
	CHECK(cnt, pool);
	if (pool) {
		e = mempool_alloc(pool, GFP_KERNEL);
		CHECK(cnt, e && goalloc_owns(e));
		mempool_free(e, pool);
		mempool_destroy(pool);
	}
	kmem_cache_destroy(c);
}

/*
 * A cache the kernel made, as names_cachep behind __getname() is: created
 * by the kernel's own function (6.12's __kmem_cache_create() inline was
 * compiled before the redirection; 6.1's kmem_cache_create is called in
 * parentheses, which a function-like macro does not match), then used
 * through the redirected calls.
 */
static void compat_kernel_cache(struct compat_counts *cnt)
{
	struct kmem_cache *kc;
	void *o;

#ifdef GOALLOC_COMPAT_CACHE_ARGS
	kc = __kmem_cache_create("compat_kernel", 96, 0, 0, NULL);
#else
	kc = (kmem_cache_create)("compat_kernel", 96, 0, 0, NULL);
#endif
	CHECK(cnt, kc);
	if (!kc)
		return;
	o = kmem_cache_alloc(kc, GFP_KERNEL);
	CHECK(cnt, o && !goalloc_owns(o));
	kmem_cache_free(kc, o);
	o = kmem_cache_zalloc(kc, GFP_KERNEL);
	CHECK(cnt, o && !goalloc_owns(o) && !memchr_inv(o, 0, 96));
	kfree(o);
	kmem_cache_destroy(kc);
}

void compat_selftest_caches(struct compat_counts *cnt)
{
	compat_kmem_cache(cnt);
	compat_ctor_caches(cnt);
	compat_bad_flag(cnt);
	compat_mempool(cnt);
	compat_kernel_cache(cnt);
}
