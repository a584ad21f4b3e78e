/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The frame of a round of the torture module (tools/torture/) and of the
 * misuse fuzzer (tools/fuzz/): the three contexts of each CPU (a kthread
 * bound to it, an hrtimer firing in hard-IRQ context, a timer_list firing
 * in softirq context) started and stopped, goalloc settled before and
 * after the round, and the verdict in /sys/kernel/debug/<module>/result.
 * The hrtimer is in the default mode, not HRTIMER_MODE_HARD, as
 * goalloc_kcompat.h says (GOALLOC_HARDIRQ_ALLOCS): on PREEMPT_RT it
 * expires in the softirq thread, and the "hard-IRQ" context is a second
 * softirq one there.  What a context does in a step is each module's own.
 *
 * Static inline in tools/lib/, like goalloc_stamp.h and for the same
 * reason: both modules are built as external users of goalloc against a
 * goalloc tree (GOALLOC_DIR), and their Kbuild adds -I.../tools/lib.
 * Include it after pr_fmt is defined: the verdict is printed with it.
 */
#ifndef GOALLOC_ROUND_H
#define GOALLOC_ROUND_H

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/timer.h>

#include <goalloc.h>
/*
 * goalloc's one place for kernel interfaces that changed (hrtimer_setup(),
 * the hrtimer mode of a callback that allocates).
 */
#include <goalloc_kcompat.h>

/*
 * A module parameter of a round, read-only once loaded: its type (one of
 * module_param()'s that is also a C type: uint, ulong, bool), its name,
 * its default and what it means, in one line.
 */
#define GOALLOC_ROUND_PARAM(type, name, value, desc)			\
	static type name = value;					\
	module_param(name, type, 0444);					\
	MODULE_PARM_DESC(name, desc)

/* The two timers of one CPU, each callback given to it. */
static inline void goalloc_round_timers_init(struct hrtimer *hrt,
					     enum hrtimer_restart (*hfn)(struct hrtimer *),
					     struct timer_list *tl,
					     void (*sfn)(struct timer_list *))
{
	hrtimer_setup(hrt, hfn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	timer_setup(tl, sfn, 0);
}

static inline ktime_t goalloc_round_period(unsigned int period_us)
{
	return ns_to_ktime((u64)period_us * NSEC_PER_USEC);
}

/*
 * Start the timers of the calling CPU (either may be NULL).  Called from
 * the CPU's kthread, so that they start on that CPU; hotplug may move
 * them later.
 */
static inline void goalloc_round_timers_start(struct hrtimer *hrt,
					      unsigned int period_us,
					      struct timer_list *tl)
{
	if (hrt)
		hrtimer_start(hrt, goalloc_round_period(period_us),
			      HRTIMER_MODE_REL);
	if (tl)
		mod_timer(tl, jiffies + 1);
}

/* Re-arm a hard-IRQ timer from its callback. */
static inline enum hrtimer_restart
goalloc_round_hrtimer_again(struct hrtimer *hrt, unsigned int period_us)
{
	hrtimer_forward_now(hrt, goalloc_round_period(period_us));
	return HRTIMER_RESTART;
}

/* Once the callbacks see the round stopping and re-arm no more. */
static inline void goalloc_round_timers_stop(struct hrtimer *hrt,
					     struct timer_list *tl)
{
	hrtimer_cancel(hrt);
	timer_shutdown_sync(tl);
}

/*
 * Start @fn(@data) as "@prefix/@cpu" bound to @cpu, counted in @running
 * before it can end (it decrements @running when done).  The reference
 * returned is for goalloc_round_kthread_stop(); NULL if it did not start.
 */
static inline struct task_struct *
goalloc_round_kthread(int (*fn)(void *), void *data, const char *prefix,
		      int cpu, atomic_t *running)
{
	struct task_struct *tsk;

	tsk = kthread_create(fn, data, "%s/%d", prefix, cpu);
	if (IS_ERR(tsk))
		return NULL;
	kthread_bind(tsk, cpu);
	get_task_struct(tsk);
	atomic_inc(running);
	wake_up_process(tsk);
	return tsk;
}

static inline void goalloc_round_kthread_stop(struct task_struct **tsk)
{
	if (!*tsk)
		return;
	kthread_stop(*tsk);
	put_task_struct(*tsk);
	*tsk = NULL;
}

/*
 * goalloc at rest, then its figures: objects passed to free_rcu freed,
 * the caches drained and the heap released, so that the figures before
 * and after a round compare.
 */
static inline void goalloc_round_settle(struct goalloc_memstats *ms)
{
	goalloc_rcu_barrier();
	goalloc_reclaim();
	goalloc_read_memstats(ms);
}

/* PASS, FAIL or NONE (no round ran), for the result file. */
static const char *goalloc_round_result = "NONE";

static int goalloc_round_result_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s\n", goalloc_round_result);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(goalloc_round_result);

/* Print the verdict: 0 or -EIO, which module init keeps for the file. */
static inline int goalloc_round_verdict(bool pass)
{
	pr_info("%s\n", pass ? "PASS" : "FAIL");
	return pass ? 0 : -EIO;
}

/* /sys/kernel/debug/@name/ with the result file in it. */
static inline struct dentry *goalloc_round_debugfs(const char *name)
{
	struct dentry *dir = debugfs_create_dir(name, NULL);

	debugfs_create_file("result", 0444, dir, NULL,
			    &goalloc_round_result_fops);
	return dir;
}

#endif /* GOALLOC_ROUND_H */
