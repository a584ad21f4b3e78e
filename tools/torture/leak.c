// SPDX-License-Identifier: GPL-2.0
/*
 * goalloc_leak: leaks goalloc memory on purpose, for kmemleak to find.
 *
 * On a kernel with CONFIG_DEBUG_KMEMLEAK, goalloc registers every object it
 * hands out with kmemleak, as the slab allocators do.  At load this module
 * keeps a tiny object of 5 bytes and a small one of 300 in static
 * variables, then allocates a tiny, a small and a large object (of sizes
 * nothing else in the guest asks for: 7, 200 and 40000 bytes) and forgets
 * them.  tools/guest/kmemleak.sh has kmemleak scan and expects the three
 * forgotten objects, with this module in their allocation stacks, and not
 * the kept ones.  The kept tiny object comes first so that the forgotten
 * one is not at the start of the CPU's tiny block, which goalloc's per-CPU
 * data points at.  The module frees the kept objects when it is removed;
 * the forgotten ones stay leaked until goalloc itself is unloaded.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include <goalloc.h>

static const size_t leak_sizes[] = { 7, 200, 40000 };
static void *kept_tiny, *kept;

static noinline int leak_objects(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(leak_sizes); i++) {
		void *p = goalloc_malloc(leak_sizes[i], GFP_KERNEL);

		if (!p)
			return -ENOMEM;
		memset(p, 0, leak_sizes[i]);
		pr_info("leaked an object of %zu bytes\n", leak_sizes[i]);
	}
	return 0;
}

static int __init leak_init(void)
{
	kept_tiny = goalloc_malloc(5, GFP_KERNEL);
	kept = goalloc_malloc(300, GFP_KERNEL);
	if (!kept_tiny || !kept) {
		goalloc_free(kept_tiny);
		goalloc_free(kept);
		return -ENOMEM;
	}
	pr_info("kept objects of 5 and 300 bytes\n");
	return leak_objects();
}

static void __exit leak_exit(void)
{
	goalloc_free(kept_tiny);
	goalloc_free(kept);
}

module_init(leak_init);
module_exit(leak_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("goalloc_leak: forgotten goalloc objects for kmemleak");
MODULE_IMPORT_NS(GOALLOC_NS);
