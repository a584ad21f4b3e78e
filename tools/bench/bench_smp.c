// SPDX-License-Identifier: GPL-2.0
/*
 * goalloc_bench: the workloads on several CPUs, goalloc against SLUB.
 *
 *  remote	a producer kthread bound to CPU 0 allocates remote_objs
 *		objects (writing a word to each) and passes them through a
 *		lock-free single-producer single-consumer ring of 512 slots
 *		to a consumer kthread bound to CPU 1, which frees them: every
 *		free is of an object allocated on another CPU, while the
 *		other CPU allocates.  The producer times its allocations and
 *		the consumer its frees, 64 objects at a time, leaving out
 *		their waits on the ring: under TCG a waiting vCPU spins on
 *		a host CPU, and on a busy host the two vCPUs often do not
 *		run at once, which would make the waits, not the allocator,
 *		the measure.  An op is one object allocated on CPU 0 and
 *		freed on CPU 1; its cost is the sum of both sides' times
 *		over remote_objs.
 *  scale	one kthread bound to each online CPU runs the pair loop
 *		(allocate, write a word, free) scale_iters times, all
 *		starting together, the cache API sharing one cache; the
 *		result is the mean over CPUs of each CPU's time per op.
 *
 * Both run through the cache API and the malloc API for 16 B to 4 KiB.
 * Waiting threads spin (as the ring's users would) but give up after
 * BENCH_SPIN_TIMEOUT, so that a lost thread fails the run instead of
 * hanging the guest.  The result lines also give each side's cycles
 * (remote) or the slowest CPU's (scale).
 */
#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/sched/task.h>

#include "bench.h"

#define BENCH_RING_SLOTS	512
#define BENCH_REMOTE_BATCH	64
#define BENCH_SPIN_TIMEOUT	(60 * HZ)

static const unsigned int smp_sizes[] = { 16, 64, 256, 1024, 4096 };

/* ---- threads on several CPUs ------------------------------------------ */

struct par_thread {
	int (*fn)(void *data, unsigned int idx);
	void *data;
	unsigned int idx;
	int ret;
	struct task_struct *task;
	struct completion done;
};

static int par_thread_fn(void *arg)
{
	struct par_thread *t = arg;

	t->ret = t->fn(t->data, t->idx);
	complete(&t->done);
	return 0;
}

/*
 * Run @fn(@data, i) for i < @n at once, thread i bound to CPU @cpus[i],
 * and wait for all of them.  Return the first error.
 */
static int par_run(int (*fn)(void *data, unsigned int idx), void *data,
		   const unsigned int *cpus, unsigned int n)
{
	struct par_thread *t;
	unsigned int i, made;
	int ret = 0;

	t = kcalloc(n, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	for (made = 0; made < n; made++) {
		struct par_thread *p = &t[made];

		p->fn = fn;
		p->data = data;
		p->idx = made;
		init_completion(&p->done);
		p->task = kthread_create_on_cpu(par_thread_fn, p, cpus[made],
						"goalloc_bench/%u");
		if (IS_ERR(p->task)) {
			ret = PTR_ERR(p->task);
			break;
		}
		get_task_struct(p->task);
	}
	if (!ret) {
		for (i = 0; i < n; i++)
			wake_up_process(t[i].task);
		for (i = 0; i < n; i++) {
			wait_for_completion(&t[i].done);
			if (!ret)
				ret = t[i].ret;
		}
	}
	/* A thread never woken is stopped before it runs @fn. */
	for (i = 0; i < made; i++) {
		kthread_stop(t[i].task);
		put_task_struct(t[i].task);
	}
	kfree(t);
	return ret;
}

/*
 * One turn of a spin-wait: relax, and every 1024 turns let others run and
 * check the deadline.  Returns false once the deadline has passed.
 */
static bool spin_once(unsigned int *spins, unsigned long deadline)
{
	cpu_relax();
	if (++*spins % 1024)
		return true;
	cond_resched();
	return time_before(jiffies, deadline);
}

/* Every thread of @n waits here until all have arrived. */
static bool par_barrier(atomic_t *arrived, unsigned int n)
{
	unsigned long deadline = jiffies + BENCH_SPIN_TIMEOUT;
	unsigned int spins = 0;

	atomic_inc(arrived);
	while (atomic_read(arrived) < n) {
		if (!spin_once(&spins, deadline))
			return false;
	}
	return true;
}

/* ---- remote ------------------------------------------------------------ */

/**
 * struct remote - a producer, a consumer and the ring between them
 * @ga: goalloc (else SLUB)
 * @c: the configuration
 * @arrived: start barrier
 * @abort: a side failed; the other stops waiting
 * @cycles: [0] the producer's time allocating, [1] the consumer's freeing
 * @head: slots filled, ever (written by the producer)
 * @tail: slots emptied, ever (written by the consumer)
 * @ring: the slots
 */
struct remote {
	bool ga;
	struct bench_cfg *c;
	atomic_t arrived;
	bool abort;
	u64 cycles[2];
	unsigned int head ____cacheline_aligned_in_smp;
	unsigned int tail ____cacheline_aligned_in_smp;
	void *ring[BENCH_RING_SLOTS] ____cacheline_aligned_in_smp;
};

/* One turn of a wait on the ring; false if the other side gave up. */
static bool ring_wait(struct remote *r, unsigned int *spins,
		      unsigned long deadline)
{
	return !READ_ONCE(r->abort) && spin_once(spins, deadline);
}

static __always_inline int remote_produce(bool ga, bool use_cache,
					  struct remote *r,
					  unsigned long deadline)
{
	void *cache = r->c->cache[ga];
	unsigned long i, n = r->c->n;
	size_t size = r->c->size;
	unsigned int head = 0, spins = 0, j, nr;
	void *batch[BENCH_REMOTE_BATCH];
	u64 t0;

	for (i = 0; i < n; i += nr) {
		nr = min_t(unsigned long, n - i, BENCH_REMOTE_BATCH);
		t0 = bench_cycles();
		for (j = 0; j < nr; j++) {
			batch[j] = bench_get(ga, use_cache, cache, size);
			if (unlikely(!batch[j]))
				break;
			bench_touch(batch[j], j);
		}
		r->cycles[0] += bench_cycles() - t0;
		if (j < nr) {
			nr = j;
			j = 0;
			goto fail;
		}
		for (j = 0; j < nr; j++) {
			/* Pairs with the consumer's release of tail. */
			while (head - smp_load_acquire(&r->tail) >=
			       BENCH_RING_SLOTS) {
				if (!ring_wait(r, &spins, deadline))
					goto fail;
			}
			r->ring[head % BENCH_RING_SLOTS] = batch[j];
			/* The slot is written before head covers it. */
			smp_store_release(&r->head, ++head);
		}
	}
	return 0;
fail:
	/* Free what did not go into the ring; the caller drains the ring. */
	for (; j < nr; j++)
		bench_put(ga, use_cache, cache, batch[j]);
	WRITE_ONCE(r->abort, true);
	return -EAGAIN;
}

static __always_inline int remote_consume(bool ga, bool use_cache,
					  struct remote *r,
					  unsigned long deadline)
{
	void *cache = r->c->cache[ga];
	unsigned long i, n = r->c->n;
	unsigned int tail = 0, spins = 0, j, nr;
	void *batch[BENCH_REMOTE_BATCH];
	u64 t0;

	for (i = 0; i < n; i += nr) {
		nr = min_t(unsigned long, n - i, BENCH_REMOTE_BATCH);
		for (j = 0; j < nr; j++) {
			/* Pairs with the producer's release of head. */
			while (smp_load_acquire(&r->head) == tail) {
				if (!ring_wait(r, &spins, deadline))
					goto fail;
			}
			batch[j] = r->ring[tail % BENCH_RING_SLOTS];
			/* The slot is read before tail gives it back. */
			smp_store_release(&r->tail, ++tail);
		}
		t0 = bench_cycles();
		for (j = 0; j < nr; j++)
			bench_put(ga, use_cache, cache, batch[j]);
		r->cycles[1] += bench_cycles() - t0;
	}
	return 0;
fail:
	/* Free what was taken from the ring; the caller drains the rest. */
	while (j--)
		bench_put(ga, use_cache, cache, batch[j]);
	WRITE_ONCE(r->abort, true);
	return -ETIMEDOUT;
}

BENCH_VARIANTS(produce, remote_produce,
	       (struct remote *r, unsigned long deadline), (r, deadline))
BENCH_VARIANTS(consume, remote_consume,
	       (struct remote *r, unsigned long deadline), (r, deadline))

/* Both sides meet, then run until done or until @deadline. */
static int remote_thread(void *data, unsigned int idx)
{
	struct remote *r = data;
	unsigned long deadline;

	if (!par_barrier(&r->arrived, 2))
		return -ETIMEDOUT;
	deadline = jiffies + BENCH_SPIN_TIMEOUT;
	if (idx == 0)
		return produce_variant(r->ga, r->c->use_cache, r, deadline);
	return consume_variant(r->ga, r->c->use_cache, r, deadline);
}

static int remote_measure(bool ga, struct bench_cfg *c, struct bench_run *run)
{
	static const unsigned int cpus[] = { BENCH_CPU, BENCH_CPU + 1 };
	struct remote *r;
	int ret;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->ga = ga;
	r->c = c;
	ret = par_run(remote_thread, r, cpus, ARRAY_SIZE(cpus));
	/* After a failure, free what is left in the ring. */
	while (r->tail != r->head)
		bench_put(ga, c->use_cache, c->cache[ga],
			  r->ring[r->tail++ % BENCH_RING_SLOTS]);
	if (!ret) {
		run->cycles = r->cycles[0] + r->cycles[1];
		run->ops = c->n;
		snprintf(run->extra, sizeof(run->extra),
			 " alloc_cycles=%llu free_cycles=%llu", r->cycles[0],
			 r->cycles[1]);
	}
	kfree(r);
	return ret;
}

/* ---- scale ------------------------------------------------------------- */

/**
 * struct scale - every online CPU running the pair loop at once
 * @ga: goalloc (else SLUB)
 * @c: the configuration
 * @arrived: start barrier
 * @nr: threads
 * @cycles: each thread's time
 * @cpus: the CPUs the threads run on (here, not on the stack: NR_CPUS is
 *	8192 in distribution kernels)
 */
struct scale {
	bool ga;
	struct bench_cfg *c;
	atomic_t arrived;
	unsigned int nr;
	u64 cycles[NR_CPUS];
	unsigned int cpus[NR_CPUS];
};

static __always_inline int scale_loop(bool ga, bool use_cache, struct scale *s,
				      unsigned int idx)
{
	void *cache = s->c->cache[ga];
	unsigned long i, n = s->c->n;
	size_t size = s->c->size;
	u64 t0;

	if (!par_barrier(&s->arrived, s->nr))
		return -ETIMEDOUT;
	t0 = bench_cycles();
	for (i = 0; i < n; i++) {
		void *p = bench_get(ga, use_cache, cache, size);

		if (unlikely(!p))
			return -ENOMEM;
		bench_touch(p, i);
		bench_put(ga, use_cache, cache, p);
	}
	s->cycles[idx] = bench_cycles() - t0;
	return 0;
}

BENCH_VARIANTS(scale, scale_loop, (struct scale *s, unsigned int idx),
	       (s, idx))

static int scale_thread(void *data, unsigned int idx)
{
	struct scale *s = data;

	return scale_variant(s->ga, s->c->use_cache, s, idx);
}

static int scale_measure(bool ga, struct bench_cfg *c, struct bench_run *run)
{
	unsigned int cpu, i, nr = 0;
	struct scale *s;
	u64 sum = 0, max = 0;
	int ret;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	for_each_online_cpu(cpu)
		s->cpus[nr++] = cpu;
	s->ga = ga;
	s->c = c;
	s->nr = nr;
	ret = par_run(scale_thread, s, s->cpus, nr);
	if (!ret) {
		for (i = 0; i < nr; i++) {
			sum += s->cycles[i];
			max = max(max, s->cycles[i]);
		}
		run->cycles = sum;
		run->ops = (u64)c->n * nr;
		snprintf(run->extra, sizeof(run->extra),
			 " cpus=%u max_cycles=%llu", nr, max);
	}
	kfree(s);
	return ret;
}

/* ---- the workloads ----------------------------------------------------- */

int bench_remote(void)
{
	struct bench_cfg c = { .workload = "remote", .n = bench_remote_objs };

	if (!cpu_online(BENCH_CPU) || !cpu_online(BENCH_CPU + 1)) {
		bench_emit("BENCH-SKIP workload=remote reason=cpus");
		return 0;
	}
	return bench_run_sizes(&c, smp_sizes, ARRAY_SIZE(smp_sizes),
			       remote_measure);
}

int bench_scale(void)
{
	struct bench_cfg c = { .workload = "scale", .n = bench_scale_iters };

	return bench_run_sizes(&c, smp_sizes, ARRAY_SIZE(smp_sizes),
			       scale_measure);
}
