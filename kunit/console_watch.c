// SPDX-License-Identifier: GPL-2.0
/*
 * The console watch of console_watch.h: a probe on the printk "console"
 * tracepoint, which every line printed passes through, in the printing
 * task's context.  The probe only sets flags, so that it may run in any
 * context.
 */
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "console_watch.h"

static struct tracepoint *gt_console_tp;

static void gt_find_console(struct tracepoint *tp, void *unused)
{
	if (!strcmp(tp->name, "console"))
		gt_console_tp = tp;
}

static void gt_console_probe(void *data, const char *text, size_t len)
{
	struct gt_console_watch *w = data;
	unsigned int i;

	for (i = 0; i < GT_WATCH_MAX && w->needles[i]; i++)
		if (strnstr(text, w->needles[i], len))
			WRITE_ONCE(w->seen[i], true);
}

/* Return: 0, or -ENODEV on a kernel without the console tracepoint. */
int gt_console_watch_start(struct gt_console_watch *w)
{
	memset(w->seen, 0, sizeof(w->seen));
	if (!gt_console_tp)
		for_each_kernel_tracepoint(gt_find_console, NULL);
	if (!gt_console_tp)
		return -ENODEV;
	return tracepoint_probe_register(gt_console_tp, gt_console_probe, w);
}

void gt_console_watch_stop(struct gt_console_watch *w)
{
	tracepoint_probe_unregister(gt_console_tp, gt_console_probe, w);
	tracepoint_synchronize_unregister();
}
