/* SPDX-License-Identifier: GPL-2.0 */
/*
 * goalloc_bench: what the benchmark's files share.
 *
 * Every workload runs on goalloc and on SLUB, one after the other in the
 * same boot, with the same sizes, counts and order of operations.  The
 * allocator is picked by a bool that is a compile-time constant wherever
 * it matters: each measured loop is an __always_inline function called
 * from one noinline function per allocator, so that both loops call
 * their allocator directly, with no indirect call and no test of which
 * allocator runs inside the loop.  Sizes are run-time values, so kmalloc()
 * takes its generic path (as goalloc_malloc() always does), never the
 * constant-size shortcut to one kmalloc cache.
 *
 * Time is read from the CPU's cycle counter.  Under QEMU's -icount
 * shift=0 the guest TSC is QEMU's virtual clock, which counts one
 * nanosecond per guest instruction, so cycles are instructions; under
 * plain TCG the guest TSC is the host's, and ns are cycles converted with
 * tsc_khz.
 *
 * Results are text lines, "BENCH key=value ...", appended to a buffer the
 * guest reads from /sys/kernel/debug/goalloc_bench/results.
 */
#ifndef _GOALLOC_BENCH_H
#define _GOALLOC_BENCH_H

#include <linux/compiler.h>
#include <linux/debugfs.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/slab.h>
#include <linux/types.h>

#include <goalloc.h>

#ifdef CONFIG_X86
#include <asm/msr.h>
#include <asm/tsc.h>
#endif

/* Where the single-CPU workloads and the producer of "remote" run. */
#define BENCH_CPU		0
/* Objects in one batch: all allocated, then all freed. */
#define BENCH_BATCH_OBJS	10000

/* Iteration counts, set at insmod time (see bench_main.c). */
extern unsigned int bench_rounds;
extern unsigned int bench_pair_iters;
extern unsigned int bench_batch_reps;
extern unsigned int bench_bulk_objs;
extern unsigned int bench_large_iters;
extern unsigned int bench_remote_objs;
extern unsigned int bench_scale_iters;

/* The object sizes of "pair" and "batch" (8 B to 4 KiB). */
extern const unsigned int bench_sizes[];
extern const unsigned int bench_nr_sizes;

/**
 * struct bench_cfg - one configuration, the same for both allocators
 * @workload: the workload's name
 * @api: "cache", "malloc", or what else the workload calls its variant
 * @size: object size in bytes
 * @cache: [true] goalloc's cache, [false] SLUB's, for the cache API
 * @use_cache: the cache API (else the malloc API)
 * @n: iterations or objects per round
 * @batch: bulk: objects per call
 * @objs: room for the objects a round holds at once
 * @perm: batch_random: the order of the frees
 */
struct bench_cfg {
	const char *workload;
	const char *api;
	unsigned int size;
	void *cache[2];
	bool use_cache;
	unsigned long n;
	unsigned int batch;
	void **objs;
	u32 *perm;
};

/**
 * struct bench_run - one timed run on one allocator
 * @cycles: cycles the run took
 * @ops: objects allocated and freed
 * @extra: more "key=value" pairs for the result line, or ""
 */
struct bench_run {
	u64 cycles;
	u64 ops;
	char extra[96];
};

/* bench_main.c: results, threads, caches, rounds. */
__printf(1, 2) void bench_emit(const char *fmt, ...);
int bench_run_on_cpu(int (*fn)(void *data), void *data, unsigned int cpu);
void *bench_cache_create(bool ga, unsigned int size);
void bench_cache_destroy(bool ga, void *cache);
int bench_cfg_caches(struct bench_cfg *c);
void bench_cfg_uncache(struct bench_cfg *c);
int bench_run_rounds(struct bench_cfg *c,
		     int (*measure)(bool ga, struct bench_cfg *c,
				    struct bench_run *r));
int bench_run_sizes(struct bench_cfg *c, const unsigned int *sizes,
		    unsigned int nr_sizes,
		    int (*measure)(bool ga, struct bench_cfg *c,
				   struct bench_run *r));
u64 bench_cycles_to_ns(u64 cycles);

/* The workloads; each returns 0 or a negative errno. */
int bench_pair(void);
int bench_batch(void);
int bench_batch_random(void);
int bench_bulk(void);
int bench_large(void);
int bench_remote(void);
int bench_scale(void);

/* bench_replay.c: the trace replay's debugfs files. */
void bench_replay_init(struct dentry *dir);

static inline const char *bench_name(bool ga)
{
	return ga ? "goalloc" : "slub";
}

#define BENCH_ARGS(...)	__VA_ARGS__

/*
 * The four copies of a measured loop @loop(ga, use_cache, ...): one noinline
 * function each for goalloc and SLUB, the cache API and the malloc family
 * (@name_ga_cache, @name_sl_cache, @name_ga_malloc, @name_sl_malloc), so
 * that the compiler specializes the loop for one allocator and one API and
 * the measure times nothing else; and @name_variant(ga, use_cache, ...),
 * which calls the right one.  @params is the parenthesized parameter list
 * after the two flags, @args the same names as arguments.  BENCH_VARIANT()
 * makes one copy, @name@variant, of @loop(@ga, @use_cache, ...).
 */
#define BENCH_VARIANT(name, variant, loop, ga, use_cache, params, args)	\
static noinline int name##variant params				\
{									\
	return loop(ga, use_cache, BENCH_ARGS args);			\
}

#define BENCH_VARIANTS(name, loop, params, args)			\
BENCH_VARIANT(name, _ga_cache, loop, true, true, params, args)		\
BENCH_VARIANT(name, _sl_cache, loop, false, true, params, args)		\
BENCH_VARIANT(name, _ga_malloc, loop, true, false, params, args)	\
BENCH_VARIANT(name, _sl_malloc, loop, false, false, params, args)	\
static int name##_variant(bool ga, bool use_cache, BENCH_ARGS params)	\
{									\
	if (use_cache)							\
		return ga ? name##_ga_cache args : name##_sl_cache args;	\
	return ga ? name##_ga_malloc args : name##_sl_malloc args;	\
}

/* The cycle counter; see the comment at the top. */
static __always_inline u64 bench_cycles(void)
{
#ifdef CONFIG_X86
	return rdtsc_ordered();
#else
	return ktime_get_ns();
#endif
}

/*
 * The allocators' calls.  @ga is a constant in every caller that matters,
 * so each of these compiles to one direct call.
 */
static __always_inline void *bench_cache_alloc(bool ga, void *cache, gfp_t gfp)
{
	if (ga)
		return goalloc_cache_alloc(cache, gfp);
	return kmem_cache_alloc(cache, gfp);
}

static __always_inline void bench_cache_free(bool ga, void *cache, void *obj)
{
	if (ga)
		goalloc_cache_free(cache, obj);
	else
		kmem_cache_free(cache, obj);
}

static __always_inline int bench_alloc_bulk(bool ga, void *cache, gfp_t gfp,
					    size_t nr, void **objs)
{
	if (ga)
		return goalloc_cache_alloc_bulk(cache, gfp, nr, objs);
	/* 0 or @nr on 6.x; since 7.0 a bool, true when all @nr are there. */
	return kmem_cache_alloc_bulk(cache, gfp, nr, objs) ? nr : 0;
}

static __always_inline void bench_free_bulk(bool ga, void *cache, size_t nr,
					    void **objs)
{
	if (ga)
		goalloc_cache_free_bulk(cache, nr, objs);
	else
		kmem_cache_free_bulk(cache, nr, objs);
}

static __always_inline void *bench_malloc(bool ga, size_t size, gfp_t gfp)
{
	if (ga)
		return goalloc_malloc(size, gfp);
	return kmalloc(size, gfp);
}

static __always_inline void bench_free(bool ga, const void *obj)
{
	if (ga)
		goalloc_free(obj);
	else
		kfree(obj);
}

/*
 * Allocate one object through the cache API (@cache set) or the malloc
 * API (@cache NULL); @use_cache is a constant in the callers.
 */
static __always_inline void *bench_get(bool ga, bool use_cache, void *cache,
				       size_t size)
{
	if (use_cache)
		return bench_cache_alloc(ga, cache, GFP_KERNEL);
	return bench_malloc(ga, size, GFP_KERNEL);
}

static __always_inline void bench_put(bool ga, bool use_cache, void *cache,
				      void *obj)
{
	if (use_cache)
		bench_cache_free(ga, cache, obj);
	else
		bench_free(ga, obj);
}

/* Write a word into a new object, as its user would. */
static __always_inline void bench_touch(void *obj, unsigned long val)
{
	WRITE_ONCE(*(unsigned long *)obj, val);
}

#endif /* _GOALLOC_BENCH_H */
