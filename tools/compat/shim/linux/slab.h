/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tools/compat-build.sh puts this directory before the kernel's include
 * directories, so that a module's first #include <linux/slab.h> (its own
 * or one a header makes) brings in the kernel's slab.h and then
 * include/goalloc_compat.h.  The redirection thus starts after the
 * module's own first lines: forcing goalloc_compat.h in with -include
 * instead would define pr_fmt() (through printk.h) before a module that
 * defines its own at the top, which gcc reports as a redefinition.
 */
#include_next <linux/slab.h>

#ifndef GOALLOC_COMPAT_SHIM
#define GOALLOC_COMPAT_SHIM
#include <goalloc_compat.h>
#endif
