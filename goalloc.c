// SPDX-License-Identifier: GPL-2.0
/*
 * goalloc: the Go runtime's memory allocator as a kernel module.
 *
 * This file is the module's front: module init and exit, and the debugfs
 * directory /sys/kernel/debug/goalloc/ through which goalloc shows its
 * state.  The size classes come from include/goalloc_sizeclasses.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include "goalloc_span.h"

static struct dentry *goalloc_debugfs;

/* The size-class table, one line a class, in the layout of Go's comment. */
static int classes_show(struct seq_file *m, void *v)
{
	unsigned int c;

	seq_puts(m, "class  bytes/obj  bytes/span  objects  tail_waste\n");
	for (c = 1; c < GOALLOC_NUM_SIZE_CLASSES; c++) {
		unsigned long span = goalloc_class_to_npages[c] << GOALLOC_PAGE_SHIFT;
		unsigned int objs = goalloc_class_objects(c);

		seq_printf(m, "%5u  %9u  %10lu  %7u  %10lu\n", c,
			   goalloc_class_to_size[c], span, objs,
			   span - objs * goalloc_class_to_size[c]);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(classes);

static int __init goalloc_init(void)
{
	goalloc_debugfs = debugfs_create_dir("goalloc", NULL);
	debugfs_create_file("classes", 0444, goalloc_debugfs, NULL,
			    &classes_fops);
	pr_info("loaded: %u size classes, %lu-byte pages\n",
		GOALLOC_NUM_SIZE_CLASSES - 1, GOALLOC_PAGE_SIZE);
	return 0;
}

static void __exit goalloc_exit(void)
{
	debugfs_remove_recursive(goalloc_debugfs);
}

module_init(goalloc_init);
module_exit(goalloc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("goalloc: the Go runtime's memory allocator for the kernel");
