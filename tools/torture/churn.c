// SPDX-License-Identifier: GPL-2.0
/*
 * goalloc_churn: goalloc's own bookkeeping under kmemleak, for
 * tools/guest/kmemleak.sh.
 *
 * kmemleak must hear of a goalloc object's free before anyone can have
 * the object again, or it finds the new object overlapping the old entry
 * ("overlaps existing") and turns itself off.  The tiny allocator is where
 * that can go wrong: a CPU whose 16-byte block has every object free
 * carves it again at once, so the last free of a block, on another CPU,
 * races with the next allocation on the carving one.  For @seconds
 * seconds, pairs of CPUs hand tiny objects (9 to 15 bytes: one a block)
 * from a producer to a consumer, one at a time; the producer allocates
 * the next as soon as the consumer takes the last, while the consumer
 * frees it.
 *
 * It also keeps objects of a debug cache (GOALLOC_POISON,
 * GOALLOC_RED_ZONE, GOALLOC_STORE_USER) until it is removed, so that the
 * kmemleak scan finds spans with per-object debug records, as the tiny
 * cache's spans have their per-block records: those records are
 * goalloc's, referenced from their spans, and no leak.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/string.h>

#include <goalloc.h>

static unsigned int seconds = 5;
module_param(seconds, uint, 0444);
MODULE_PARM_DESC(seconds, "how long tiny objects go from CPU to CPU");

#define CHURN_PAIRS		4
#define CHURN_DEBUG_OBJS	100
#define CHURN_DEBUG_SIZE	232

/**
 * struct churn_pair - a producer CPU and a consumer CPU
 * @slot: the object handed over, or NULL once the consumer took it
 * @stop: the producer is done
 * @handed: objects handed over
 * @done: each thread's end
 */
struct churn_pair {
	void *slot;
	bool stop;
	unsigned long handed;
	struct completion done[2];
};

static struct churn_pair churn_pairs[CHURN_PAIRS];
static struct goalloc_cache *churn_cache;
static void *churn_objs[CHURN_DEBUG_OBJS];

static int churn_producer(void *arg)
{
	struct churn_pair *cp = arg;
	unsigned long end = jiffies + seconds * HZ;
	unsigned long n = 0;

	while (time_before(jiffies, end)) {
		size_t size = 9 + n % 7;
		u8 *p;

		/* Allocate just as the consumer frees the last one. */
		while (READ_ONCE(cp->slot))
			cpu_relax();
		p = goalloc_malloc(size, GFP_KERNEL);
		if (!p)
			break;
		memset(p, n, size);
		/* Release: the consumer frees the object as written. */
		smp_store_release(&cp->slot, p);
		if (!(++n & 1023))
			cond_resched();
	}
	cp->handed = n;
	/* Release: a consumer that sees @stop sees the last @slot too. */
	smp_store_release(&cp->stop, true);
	kthread_complete_and_exit(&cp->done[0], 0);
}

static int churn_consumer(void *arg)
{
	struct churn_pair *cp = arg;
	unsigned long n = 0;

	for (;;) {
		/* Acquire: pairs with the producer's release of @stop. */
		bool stop = smp_load_acquire(&cp->stop);
		void *p = xchg(&cp->slot, NULL);

		if (!p && stop)
			break;
		if (p)
			goalloc_free(p);
		else
			cpu_relax();
		if (!(++n & 4095))
			cond_resched();
	}
	kthread_complete_and_exit(&cp->done[1], 0);
}

/* Run the pairs (0, 1), (2, 3)... of online CPUs; wait for them. */
static int churn_tiny(void)
{
	unsigned int cpus[2 * CHURN_PAIRS], n = 0, i;
	unsigned long handed = 0;
	int cpu;

	for_each_online_cpu(cpu) {
		if (n == ARRAY_SIZE(cpus))
			break;
		cpus[n++] = cpu;
	}
	n /= 2;
	if (!n) {
		pr_err("needs two online CPUs\n");
		return -ENODEV;
	}
	for (i = 0; i < n; i++) {
		struct churn_pair *cp = &churn_pairs[i];
		struct task_struct *t[2];

		init_completion(&cp->done[0]);
		init_completion(&cp->done[1]);
		t[0] = kthread_create(churn_producer, cp, "churn_prod/%u",
				      cpus[2 * i]);
		t[1] = kthread_create(churn_consumer, cp, "churn_cons/%u",
				      cpus[2 * i + 1]);
		if (IS_ERR(t[0]) || IS_ERR(t[1])) {
			/* Not started yet: the consumer ends on its own. */
			if (!IS_ERR(t[0]))
				kthread_stop(t[0]);
			if (!IS_ERR(t[1]))
				kthread_stop(t[1]);
			n = i;
			break;
		}
		kthread_bind(t[0], cpus[2 * i]);
		kthread_bind(t[1], cpus[2 * i + 1]);
		wake_up_process(t[0]);
		wake_up_process(t[1]);
	}
	for (i = 0; i < n; i++) {
		wait_for_completion(&churn_pairs[i].done[0]);
		wait_for_completion(&churn_pairs[i].done[1]);
		handed += churn_pairs[i].handed;
	}
	pr_info("%lu tiny objects handed between %u pairs of CPUs\n", handed,
		n);
	return n ? 0 : -ENOMEM;
}

static void churn_release(void)
{
	unsigned int i;

	for (i = 0; i < CHURN_DEBUG_OBJS; i++)
		goalloc_cache_free(churn_cache, churn_objs[i]);
	goalloc_cache_destroy(churn_cache);
}

static int __init churn_init(void)
{
	unsigned int i;
	int err;

	churn_cache = goalloc_cache_create("goalloc_churn", CHURN_DEBUG_SIZE, 0,
					   GOALLOC_POISON | GOALLOC_RED_ZONE |
					   GOALLOC_STORE_USER, NULL);
	if (!churn_cache)
		return -ENOMEM;
	for (i = 0; i < CHURN_DEBUG_OBJS; i++) {
		churn_objs[i] = goalloc_cache_alloc(churn_cache, GFP_KERNEL);
		if (!churn_objs[i]) {
			churn_release();
			return -ENOMEM;
		}
	}
	pr_info("keeping %u objects of a debug cache\n", CHURN_DEBUG_OBJS);
	err = churn_tiny();
	if (err)
		churn_release();
	return err;
}

static void __exit churn_exit(void)
{
	churn_release();
}

module_init(churn_init);
module_exit(churn_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("goalloc_churn: tiny objects across CPUs and debug spans, for kmemleak");
MODULE_IMPORT_NS(GOALLOC_NS);
