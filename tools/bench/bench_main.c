// SPDX-License-Identifier: GPL-2.0
/*
 * goalloc_bench: goalloc against SLUB, in the same boot, on the same work.
 *
 * This module measures the time goalloc and SLUB take for the same
 * sequence of allocations and frees.  The guest script drives it through
 * /sys/kernel/debug/goalloc_bench/:
 *
 *	run		write a workload's name to run it: pair, batch,
 *			batch_random, bulk, large (one CPU), remote, scale
 *			(several CPUs); the write returns when it is done
 *	replay_goalloc	write a trace compiled by tools/bench/bench_trace.py
 *	replay_slub	to replay it on goalloc or on SLUB (bench_replay.c)
 *	replay_footprint  1: the next replays sample memory after every
 *			allocation (for the peak footprint), 0: they only time
 *	results		the result lines so far
 *
 * Each workload runs every configuration (API and size) on both
 * allocators, first once untimed to warm up, then bench_rounds times,
 * alternating which allocator goes first from round to round.  Each timed
 * run prints one line:
 *
 *	BENCH workload=W api=A size=S alloc=goalloc|slub round=R ops=N
 *	      cycles=C ns=T [extra=...]
 *
 * where an op is one object allocated and freed (one trace event for the
 * replay), C the cycles (guest instructions under -icount) and T the
 * nanoseconds the N ops took.  tools/bench.sh takes medians and ratios.
 * The single-CPU workloads run in a kthread bound to CPU 0.  A workload
 * fails (the write returns an error) when an allocation fails or when
 * goalloc reported misuse meanwhile.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched/task.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "bench.h"

/* Without SLAB_NO_MERGE (before 6.5) SLUB may merge our caches. */
#ifndef SLAB_NO_MERGE
#define SLAB_NO_MERGE 0
#endif

#define BENCH_RESULTS_SIZE	SZ_1M
#define BENCH_RESULT_FMT	"BENCH workload=%s api=%s size=%u alloc=%s round=%u ops=%llu cycles=%llu ns=%llu%s"
#define BENCH_INFO_FMT		"BENCH-INFO tsc_khz=%u cpus=%u rounds=%u pair_iters=%u batch_reps=%u bulk_objs=%u large_iters=%u remote_objs=%u scale_iters=%u"

/*
 * A parameter of the run: bench_NAME (bench.h declares it), "NAME" for
 * insmod, its default and what it means.
 */
#define BENCH_PARAM(name, value, desc)					\
	unsigned int bench_##name = value;				\
	module_param_named(name, bench_##name, uint, 0444);		\
	MODULE_PARM_DESC(name, desc)

BENCH_PARAM(rounds, 5, "timed rounds of each configuration (median taken)");
BENCH_PARAM(pair_iters, 100000, "alloc+free pairs per pair round");
BENCH_PARAM(batch_reps, 1, "10,000-object batches per batch round");
BENCH_PARAM(bulk_objs, 65536, "objects per bulk round");
BENCH_PARAM(large_iters, 1000, "alloc+free pairs per large round");
BENCH_PARAM(remote_objs, 50000, "objects from CPU 0 to CPU 1 per remote round");
BENCH_PARAM(scale_iters, 50000, "alloc+free pairs per CPU per scale round");

const unsigned int bench_sizes[] = {
	8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096
};

const unsigned int bench_nr_sizes = ARRAY_SIZE(bench_sizes);

static DEFINE_MUTEX(bench_mutex);	/* one workload at a time */
static DEFINE_MUTEX(results_mutex);	/* guards the two below */
static char *results;
static size_t results_len;
static atomic_t cache_serial = ATOMIC_INIT(0);
static struct dentry *bench_dir;

void bench_emit(const char *fmt, ...)
{
	va_list args;

	mutex_lock(&results_mutex);
	if (results_len + 2 < BENCH_RESULTS_SIZE) {
		va_start(args, fmt);
		results_len += vscnprintf(results + results_len,
					  BENCH_RESULTS_SIZE - results_len - 1,
					  fmt, args);
		va_end(args);
		results[results_len++] = '\n';
	}
	mutex_unlock(&results_mutex);
}

/* The cycle counter's rate in kHz, or 0 if it counts nanoseconds. */
static unsigned int bench_tsc_khz(void)
{
#ifdef CONFIG_X86
	return tsc_khz;
#else
	return 0;
#endif
}

u64 bench_cycles_to_ns(u64 cycles)
{
	unsigned int khz = bench_tsc_khz();

	return khz ? mul_u64_u32_div(cycles, USEC_PER_SEC, khz) : cycles;
}

/*
 * A cache of @size-byte objects, with default alignment and no flags on
 * either side; SLUB's is never merged with another cache, as goalloc's
 * is a size class of its own.
 */
void *bench_cache_create(bool ga, unsigned int size)
{
	char name[32];

	snprintf(name, sizeof(name), "bench_%s_%u_%d", bench_name(ga), size,
		 atomic_inc_return(&cache_serial));
	if (ga)
		return goalloc_cache_create(name, size, 0, 0, NULL);
	return kmem_cache_create(name, size, 0, SLAB_NO_MERGE, NULL);
}

void bench_cache_destroy(bool ga, void *cache)
{
	if (ga)
		goalloc_cache_destroy(cache);
	else
		kmem_cache_destroy(cache);
}

/* Make both allocators' caches of @c's size. */
int bench_cfg_caches(struct bench_cfg *c)
{
	c->cache[true] = bench_cache_create(true, c->size);
	c->cache[false] = bench_cache_create(false, c->size);
	if (c->cache[true] && c->cache[false])
		return 0;
	pr_err("cannot create caches of %u bytes\n", c->size);
	bench_cfg_uncache(c);
	return -ENOMEM;
}

void bench_cfg_uncache(struct bench_cfg *c)
{
	if (c->cache[true])
		bench_cache_destroy(true, c->cache[true]);
	if (c->cache[false])
		bench_cache_destroy(false, c->cache[false]);
	c->cache[true] = NULL;
	c->cache[false] = NULL;
}

static void emit_run(const struct bench_cfg *c, bool ga, unsigned int round,
		     const struct bench_run *r)
{
	bench_emit(BENCH_RESULT_FMT, c->workload, c->api, c->size,
		   bench_name(ga), round, r->ops, r->cycles,
		   bench_cycles_to_ns(r->cycles), r->extra);
}

/*
 * Warm both allocators up with one untimed run each, then time
 * bench_rounds runs of each, goalloc first in even rounds and SLUB first
 * in odd ones.
 */
int bench_run_rounds(struct bench_cfg *c,
		     int (*measure)(bool ga, struct bench_cfg *c,
				    struct bench_run *r))
{
	struct bench_run r = {};
	unsigned int round, k;
	int ret;

	ret = measure(true, c, &r) ?: measure(false, c, &r);
	for (round = 0; !ret && round < bench_rounds; round++) {
		for (k = 0; !ret && k < 2; k++) {
			bool ga = (round + k) % 2 == 0;

			memset(&r, 0, sizeof(r));
			ret = measure(ga, c, &r);
			if (!ret)
				emit_run(c, ga, round, &r);
		}
		cond_resched();
	}
	return ret;
}

/*
 * Run @measure for each of @sizes through both APIs: a goalloc cache and a
 * SLUB cache of the size for the cache API, the malloc families otherwise.
 */
int bench_run_sizes(struct bench_cfg *c, const unsigned int *sizes,
		    unsigned int nr_sizes,
		    int (*measure)(bool ga, struct bench_cfg *c,
				   struct bench_run *r))
{
	unsigned int i, api;
	int ret = 0;

	for (api = 0; !ret && api < 2; api++) {
		c->use_cache = api == 0;
		c->api = c->use_cache ? "cache" : "malloc";
		for (i = 0; !ret && i < nr_sizes; i++) {
			c->size = sizes[i];
			if (c->use_cache)
				ret = bench_cfg_caches(c);
			if (!ret)
				ret = bench_run_rounds(c, measure);
			bench_cfg_uncache(c);
		}
	}
	return ret;
}

struct bench_thread {
	int (*fn)(void *data);
	void *data;
	int ret;
	struct completion done;
};

static int bench_thread_fn(void *arg)
{
	struct bench_thread *t = arg;

	t->ret = t->fn(t->data);
	complete(&t->done);
	return 0;
}

/* Run @fn(@data) in a kthread bound to @cpu and wait for it. */
int bench_run_on_cpu(int (*fn)(void *data), void *data, unsigned int cpu)
{
	struct bench_thread t = { .fn = fn, .data = data };
	struct task_struct *task;

	if (!cpu_online(cpu))
		return -ENODEV;
	init_completion(&t.done);
	task = kthread_create_on_cpu(bench_thread_fn, &t, cpu,
				     "goalloc_bench/%u");
	if (IS_ERR(task))
		return PTR_ERR(task);
	get_task_struct(task);
	wake_up_process(task);
	wait_for_completion(&t.done);
	kthread_stop(task);
	put_task_struct(task);
	return t.ret;
}

struct bench_workload {
	const char *name;
	int (*fn)(void);
	bool one_cpu;
};

static const struct bench_workload bench_workloads[] = {
	{ "pair", bench_pair, true },
	{ "batch", bench_batch, true },
	{ "batch_random", bench_batch_random, true },
	{ "bulk", bench_bulk, true },
	{ "large", bench_large, true },
	{ "remote", bench_remote, false },
	{ "scale", bench_scale, false },
};

static int bench_workload_thread(void *data)
{
	const struct bench_workload *w = data;

	return w->fn();
}

static int bench_run_workload(const struct bench_workload *w)
{
	unsigned long misuse = goalloc_misuse_count();
	int ret;

	if (w->one_cpu)
		ret = bench_run_on_cpu(bench_workload_thread, (void *)w,
				       BENCH_CPU);
	else
		ret = w->fn();
	if (!ret && goalloc_misuse_count() != misuse) {
		pr_err("%s: goalloc reported misuse\n", w->name);
		ret = -EIO;
	}
	if (ret)
		bench_emit("BENCH-ERROR workload=%s error=%d", w->name, ret);
	return ret;
}

static ssize_t run_write(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	char buf[32];
	size_t n = min(count, sizeof(buf) - 1);
	unsigned int i;
	int ret = -EINVAL;

	if (copy_from_user(buf, ubuf, n))
		return -EFAULT;
	buf[n] = '\0';
	for (i = 0; i < ARRAY_SIZE(bench_workloads); i++) {
		if (strcmp(strim(buf), bench_workloads[i].name))
			continue;
		mutex_lock(&bench_mutex);
		ret = bench_run_workload(&bench_workloads[i]);
		mutex_unlock(&bench_mutex);
		break;
	}
	return ret ? ret : count;
}

static const struct file_operations run_fops = {
	.owner = THIS_MODULE,
	.write = run_write,
	.llseek = noop_llseek,
};

static ssize_t results_read(struct file *file, char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&results_mutex);
	ret = simple_read_from_buffer(ubuf, count, ppos, results, results_len);
	mutex_unlock(&results_mutex);
	return ret;
}

static const struct file_operations results_fops = {
	.owner = THIS_MODULE,
	.read = results_read,
	.llseek = default_llseek,
};

static int __init bench_init(void)
{
	if (!bench_rounds || !bench_pair_iters || !bench_batch_reps ||
	    !bench_bulk_objs || !bench_large_iters || !bench_remote_objs ||
	    !bench_scale_iters)
		return -EINVAL;
	results = vzalloc(BENCH_RESULTS_SIZE);
	if (!results)
		return -ENOMEM;
	bench_dir = debugfs_create_dir("goalloc_bench", NULL);
	debugfs_create_file("run", 0200, bench_dir, NULL, &run_fops);
	debugfs_create_file("results", 0444, bench_dir, NULL, &results_fops);
	bench_replay_init(bench_dir);
	bench_emit(BENCH_INFO_FMT, bench_tsc_khz(), num_online_cpus(),
		   bench_rounds, bench_pair_iters, bench_batch_reps,
		   bench_bulk_objs, bench_large_iters, bench_remote_objs,
		   bench_scale_iters);
	return 0;
}

static void __exit bench_exit(void)
{
	debugfs_remove_recursive(bench_dir);
	vfree(results);
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("goalloc against SLUB: benchmarks and trace replay");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(GOALLOC_NS);
