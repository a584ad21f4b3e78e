// SPDX-License-Identifier: GPL-2.0
/*
 * goalloc_ballast: a client that allocates a few MiB from goalloc and frees
 * them, for the life-cycle guest scripts (tools/guest/rmmod-race.sh,
 * tools/guest/shrinker.sh).
 *
 * At load it allocates @mib MiB: objects of 64 bytes, 1 KiB and 40000
 * bytes from the malloc family and 256-byte objects of a cache of its
 * own.  With free_on_load=1 it frees them at once, calling nothing else,
 * so that per-CPU arrays and empty spans keep what it freed (the
 * shrinker's test); otherwise it frees them when it is unloaded, then,
 * with reclaim=1 (the default), calls goalloc_reclaim(): that is what arms
 * goalloc's background release a second before the rmmod of goalloc that
 * rmmod-race.sh times against it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>

#include <goalloc.h>

static unsigned int mib = 4;
module_param(mib, uint, 0444);
MODULE_PARM_DESC(mib, "MiB to allocate at load");
static bool free_on_load;
module_param(free_on_load, bool, 0444);
MODULE_PARM_DESC(free_on_load, "free everything at load, without reclaim");
static bool reclaim = true;
module_param(reclaim, bool, 0444);
MODULE_PARM_DESC(reclaim, "call goalloc_reclaim() after freeing at unload");

static const size_t ballast_sizes[] = { 64, 1024, 40000 };
static struct goalloc_cache *ballast_cache;
static void **ballast_objs;
static size_t ballast_n;

static void ballast_free(void)
{
	size_t i;

	for (i = 0; i < ballast_n; i++) {
		if (i % 4 == 3)
			goalloc_cache_free(ballast_cache, ballast_objs[i]);
		else
			goalloc_free(ballast_objs[i]);
	}
	ballast_n = 0;
}

static int __init ballast_init(void)
{
	size_t bytes = 0, want = (size_t)mib << 20, cap = want / 64 + 1;

	ballast_objs = kvcalloc(cap, sizeof(*ballast_objs), GFP_KERNEL);
	ballast_cache = goalloc_cache_create("goalloc_ballast", 256, 0, 0, NULL);
	if (!ballast_objs || !ballast_cache)
		goto fail;
	while (bytes < want && ballast_n < cap) {
		size_t size = ballast_n % 4 == 3 ? 256 :
			      ballast_sizes[ballast_n % 4 % ARRAY_SIZE(ballast_sizes)];
		void *p = ballast_n % 4 == 3 ?
			  goalloc_cache_alloc(ballast_cache, GFP_KERNEL) :
			  goalloc_malloc(size, GFP_KERNEL);

		if (!p)
			goto fail;
		ballast_objs[ballast_n++] = p;
		bytes += size;
	}
	pr_info("allocated %zu objects, %zu KiB\n", ballast_n, bytes >> 10);
	if (free_on_load)
		ballast_free();
	return 0;
fail:
	ballast_free();
	goalloc_cache_destroy(ballast_cache);
	kvfree(ballast_objs);
	return -ENOMEM;
}

static void __exit ballast_exit(void)
{
	ballast_free();
	goalloc_cache_destroy(ballast_cache);
	kvfree(ballast_objs);
	if (reclaim)
		pr_info("reclaim gave back %lu KiB\n", goalloc_reclaim() >> 10);
}

module_init(ballast_init);
module_exit(ballast_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("goalloc_ballast: allocate and free a few MiB of goalloc");
MODULE_IMPORT_NS(GOALLOC_NS);
