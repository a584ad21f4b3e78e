/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Watch the kernel log from a KUnit test: a test that must make goalloc
 * (or KASAN) print something, a stack or a bug report, registers a probe
 * on the printk "console" tracepoint, as mm/kasan/kasan_test.c does, and
 * checks which of its strings went by.  One watch at a time.
 */
#ifndef _GOALLOC_CONSOLE_WATCH_H
#define _GOALLOC_CONSOLE_WATCH_H

#include <linux/types.h>

#define GT_WATCH_MAX	4

/**
 * struct gt_console_watch - strings to look for in the kernel log
 * @needles: the strings, NULL-terminated if fewer than %GT_WATCH_MAX
 * @seen: set for each needle found in a line printed during the watch
 */
struct gt_console_watch {
	const char *needles[GT_WATCH_MAX];
	bool seen[GT_WATCH_MAX];
};

int gt_console_watch_start(struct gt_console_watch *w);
void gt_console_watch_stop(struct gt_console_watch *w);

#endif /* _GOALLOC_CONSOLE_WATCH_H */
