// SPDX-License-Identifier: GPL-2.0
/*
 * goalloc_bench: the single-CPU workloads, goalloc against SLUB.
 *
 * Each runs in a kthread bound to CPU 0 (bench_main.c), through the cache
 * API (goalloc_cache_* against kmem_cache_* on a cache made for the size)
 * and the malloc API (goalloc_malloc()/goalloc_free() against
 * kmalloc()/kfree()), every new object getting one word written to it:
 *
 *  pair		allocate one object and free it, pair_iters times;
 *  batch		allocate 10,000 objects, then free them in the order
 *			they were allocated, batch_reps times per round;
 *  batch_random	the same, freeing in a random order drawn from a PRNG
 *			with a fixed seed, so both allocators (and every size
 *			and boot) free in the same order;
 *  bulk		goalloc_cache_alloc_bulk() and goalloc_cache_free_bulk()
 *			against kmem_cache_alloc_bulk() and
 *			kmem_cache_free_bulk(), 16, 64 or 256 objects of 64 or
 *			256 bytes per call, bulk_objs objects per round;
 *  large		the pair pattern for 64 KiB to 4 MiB (malloc API only),
 *			large_iters times.
 *
 * An op is one object allocated and freed; batch lines also give the
 * cycles of the allocation and of the free phase.  The loops are written
 * once (__always_inline) and instantiated per allocator and API, so the
 * order of operations is the same on both sides.
 */
#include <linux/prandom.h>
#include <linux/vmalloc.h>

#include "bench.h"

/* batch_random's PRNG seed: any constant, so that every boot agrees. */
#define BENCH_SEED		0x60a110cULL

static const unsigned int bulk_sizes[] = { 64, 256 };
static const unsigned int bulk_batches[] = { 16, 64, 256 };
static const unsigned int large_sizes[] = {
	64 << 10, 256 << 10, 1 << 20, 4 << 20
};

/* ---- pair -------------------------------------------------------------- */

static __always_inline int pair_loop(bool ga, bool use_cache,
				     struct bench_cfg *c, struct bench_run *r)
{
	void *cache = c->cache[ga];
	size_t size = c->size;
	unsigned long i;
	u64 t0;

	t0 = bench_cycles();
	for (i = 0; i < c->n; i++) {
		void *p = bench_get(ga, use_cache, cache, size);

		if (unlikely(!p))
			return -ENOMEM;
		bench_touch(p, i);
		bench_put(ga, use_cache, cache, p);
	}
	r->cycles = bench_cycles() - t0;
	r->ops = c->n;
	return 0;
}

BENCH_VARIANTS(pair, pair_loop, (struct bench_cfg *c, struct bench_run *r),
	       (c, r))

static int pair_measure(bool ga, struct bench_cfg *c, struct bench_run *r)
{
	return pair_variant(ga, c->use_cache, c, r);
}

/* ---- batch and batch_random ------------------------------------------- */

static __always_inline int batch_loop(bool ga, bool use_cache,
				      struct bench_cfg *c, struct bench_run *r)
{
	void *cache = c->cache[ga];
	size_t size = c->size;
	void **objs = c->objs;
	const u32 *perm = c->perm;
	unsigned long i, n = c->n;
	u64 t0, t1, t2, alloc = 0, free = 0;
	unsigned int rep;

	for (rep = 0; rep < bench_batch_reps; rep++) {
		t0 = bench_cycles();
		for (i = 0; i < n; i++) {
			void *p = bench_get(ga, use_cache, cache, size);

			if (unlikely(!p))
				break;
			bench_touch(p, i);
			objs[i] = p;
		}
		t1 = bench_cycles();
		if (unlikely(i < n)) {
			while (i--)
				bench_put(ga, use_cache, cache, objs[i]);
			return -ENOMEM;
		}
		if (perm) {
			for (i = 0; i < n; i++)
				bench_put(ga, use_cache, cache, objs[perm[i]]);
		} else {
			for (i = 0; i < n; i++)
				bench_put(ga, use_cache, cache, objs[i]);
		}
		t2 = bench_cycles();
		alloc += t1 - t0;
		free += t2 - t1;
	}
	snprintf(r->extra, sizeof(r->extra),
		 " alloc_cycles=%llu free_cycles=%llu", alloc, free);
	r->cycles = alloc + free;
	r->ops = (u64)n * bench_batch_reps;
	return 0;
}

BENCH_VARIANTS(batch, batch_loop, (struct bench_cfg *c, struct bench_run *r),
	       (c, r))

static int batch_measure(bool ga, struct bench_cfg *c, struct bench_run *r)
{
	return batch_variant(ga, c->use_cache, c, r);
}

/* ---- bulk -------------------------------------------------------------- */

static __always_inline int bulk_loop(bool ga, struct bench_cfg *c,
				     struct bench_run *r)
{
	void *cache = c->cache[ga];
	unsigned int j, nr = c->batch;
	void **objs = c->objs;
	unsigned long i;
	u64 t0;

	t0 = bench_cycles();
	for (i = 0; i < c->n; i++) {
		if (unlikely(bench_alloc_bulk(ga, cache, GFP_KERNEL, nr,
					      objs) != nr))
			return -ENOMEM;
		for (j = 0; j < nr; j++)
			bench_touch(objs[j], j);
		bench_free_bulk(ga, cache, nr, objs);
	}
	r->cycles = bench_cycles() - t0;
	r->ops = (u64)c->n * nr;
	return 0;
}

static noinline int bulk_ga(struct bench_cfg *c, struct bench_run *r)
{
	return bulk_loop(true, c, r);
}

static noinline int bulk_sl(struct bench_cfg *c, struct bench_run *r)
{
	return bulk_loop(false, c, r);
}

static int bulk_measure(bool ga, struct bench_cfg *c, struct bench_run *r)
{
	return ga ? bulk_ga(c, r) : bulk_sl(c, r);
}

/* ---- the workloads --------------------------------------------------- */

int bench_pair(void)
{
	struct bench_cfg c = { .workload = "pair", .n = bench_pair_iters };

	return bench_run_sizes(&c, bench_sizes, bench_nr_sizes, pair_measure);
}

static int batch_common(const char *workload, bool random)
{
	struct bench_cfg c = { .workload = workload, .n = BENCH_BATCH_OBJS };
	struct rnd_state rnd;
	unsigned int i, j;
	int ret = -ENOMEM;

	c.objs = vmalloc_array(c.n, sizeof(*c.objs));
	if (!c.objs)
		return -ENOMEM;
	if (random) {
		c.perm = vmalloc_array(c.n, sizeof(*c.perm));
		if (!c.perm)
			goto out;
		/* Fisher-Yates with a fixed seed: the same order every boot. */
		prandom_seed_state(&rnd, BENCH_SEED);
		for (i = 0; i < c.n; i++)
			c.perm[i] = i;
		for (i = c.n - 1; i > 0; i--) {
			j = prandom_u32_state(&rnd) % (i + 1);
			swap(c.perm[i], c.perm[j]);
		}
	}
	ret = bench_run_sizes(&c, bench_sizes, bench_nr_sizes, batch_measure);
out:
	vfree(c.perm);
	vfree(c.objs);
	return ret;
}

int bench_batch(void)
{
	return batch_common("batch", false);
}

int bench_batch_random(void)
{
	return batch_common("batch_random", true);
}

int bench_bulk(void)
{
	static const char * const apis[] = { "bulk16", "bulk64", "bulk256" };
	struct bench_cfg c = { .workload = "bulk", .use_cache = true };
	unsigned int i, j;
	int ret = 0;

	BUILD_BUG_ON(ARRAY_SIZE(apis) != ARRAY_SIZE(bulk_batches));
	c.objs = vmalloc_array(bulk_batches[ARRAY_SIZE(bulk_batches) - 1],
			       sizeof(*c.objs));
	if (!c.objs)
		return -ENOMEM;
	for (i = 0; !ret && i < ARRAY_SIZE(bulk_sizes); i++) {
		c.size = bulk_sizes[i];
		for (j = 0; !ret && j < ARRAY_SIZE(bulk_batches); j++) {
			c.api = apis[j];
			c.batch = bulk_batches[j];
			c.n = max(bench_bulk_objs / c.batch, 1U);
			ret = bench_cfg_caches(&c);
			if (!ret)
				ret = bench_run_rounds(&c, bulk_measure);
			bench_cfg_uncache(&c);
		}
	}
	vfree(c.objs);
	return ret;
}

int bench_large(void)
{
	struct bench_cfg c = {
		.workload = "large", .api = "malloc", .n = bench_large_iters,
	};
	unsigned int i;
	int ret = 0;

	for (i = 0; !ret && i < ARRAY_SIZE(large_sizes); i++) {
		c.size = large_sizes[i];
		ret = bench_run_rounds(&c, pair_measure);
	}
	return ret;
}
