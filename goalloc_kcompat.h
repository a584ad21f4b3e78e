/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel interfaces goalloc uses that changed between the kernels it
 * supports (6.1, 6.12, 7.3), in one place: each is spelled here as the
 * newest of them spells it, and defined for the older ones.  The module,
 * its KUnit suites and its test modules include this instead of testing
 * kernel versions themselves.  (The namespace goalloc exports into,
 * GOALLOC_NS, is in include/goalloc.h: its users need it too.)
 */
#ifndef _GOALLOC_KCOMPAT_H
#define _GOALLOC_KCOMPAT_H

#include <linux/hrtimer.h>
#include <linux/timer.h>
#include <linux/version.h>
#include <linux/workqueue.h>

/*
 * 6.12 moved <asm/unaligned.h> (get_unaligned_le32()...) to linux/.  (Not
 * __has_include(): sparse 0.6.4, Debian 12's, does not know it.)
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * 7.x wants every per-CPU workqueue to say so (WQ_PERCPU, an enumerator:
 * goalloc's Kbuild looks for it in the headers, and defines
 * GOALLOC_NO_WQ_PERCPU where it is missing).
 */
#ifdef GOALLOC_NO_WQ_PERCPU
#define WQ_PERCPU	0
#endif

/* 6.16 renamed from_timer() timer_container_of(). */
#ifndef timer_container_of
#define timer_container_of(var, t, field)	from_timer(var, t, field)
#endif

/*
 * Hard-IRQ context for callers that allocate (goalloc's tests): an hrtimer
 * in the default mode, never HRTIMER_MODE_HARD.  Where the kernel is not
 * PREEMPT_RT such a timer expires in hard-IRQ context, and lockdep (with
 * PROVE_RAW_LOCK_NESTING, on by default since 6.13) holds its callback to
 * the rules of the softirq thread it runs in on RT, where a spinlock_t may
 * be taken.  A _HARD callback may take raw spinlocks only, so it may not
 * allocate, from goalloc as from SLUB.  On PREEMPT_RT no hard-IRQ context
 * may allocate at all: GOALLOC_HARDIRQ_ALLOCS is false there.
 */
#define GOALLOC_HARDIRQ_ALLOCS	(!IS_ENABLED(CONFIG_PREEMPT_RT))

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)
/* 6.13's hrtimer_setup(): hrtimer_init() and the callback in one call. */
static inline void hrtimer_setup(struct hrtimer *timer,
				 enum hrtimer_restart (*function)(struct hrtimer *),
				 clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
}
#endif

#endif /* _GOALLOC_KCOMPAT_H */
