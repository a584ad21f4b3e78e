// SPDX-License-Identifier: GPL-2.0
/*
 * goalloc_free_rcu(): objects freed after an RCU grace period, in
 * per-CPU batches, as kfree_rcu() does.  See the overview at the top of
 * goalloc.c for where it sits; goalloc_internal.h for what it calls.
 *
 * Locking: each CPU's batch has its own spinlock (IRQ-safe: any context
 * may queue); an object's "waiting" mark in its span is set and cleared
 * under its cache's central lock, which is taken with no batch lock held.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/timer.h>

#include "goalloc_internal.h"
#include "goalloc_trace.h"

/*
 * goalloc_free_rcu() keeps the pointers it is given in blocks of this
 * many (a block is 512 bytes), and starts a grace period when a block is
 * full, or a little later for a batch that stays small.
 */
#define GOALLOC_RCU_BLOCK	62
#define GOALLOC_RCU_BATCH	GOALLOC_RCU_BLOCK
#define GOALLOC_RCU_DELAY	(HZ / 50 + 1)

/**
 * struct goalloc_rcu_block - pointers waiting for a grace period
 * @next: the next block of the same batch
 * @n: pointers in @objs
 * @fixed: one of a CPU's own blocks (&goalloc_rcu_cpu.fixed), never freed
 * @objs: the objects, as goalloc_free_rcu() found them
 */
struct goalloc_rcu_block {
	struct goalloc_rcu_block *next;
	unsigned int n;
	bool fixed;
	void *objs[GOALLOC_RCU_BLOCK];
};

/**
 * struct goalloc_rcu_cpu - one CPU's batch of goalloc_free_rcu() objects
 * @lock: guards the batch
 * @pending: blocks of objects waiting for the next grace period, the one
 *	being filled first
 * @pending_heads: objects that found no block (no memory), linked through
 *	their own rcu_heads
 * @npending: objects in @pending and @pending_heads
 * @inflight: blocks waiting for the grace period under way
 * @inflight_heads: as @pending_heads, for the grace period under way
 * @spare: this CPU's fixed blocks not in use
 * @busy: a grace period is under way for @inflight, or its objects are
 *	being freed
 * @started: batches started, ever
 * @done: batches whose objects are all freed, ever
 * @rcu: what call_rcu() queues for the batch
 * @timer: starts a grace period for a batch that stays small
 * @fixed: the CPU's own blocks: one filling while one waits; more are
 *	allocated (GFP_NOWAIT) only while a batch piles up behind a grace
 *	period
 *
 * The pointers are kept outside the objects, so that an object freed
 * directly while it waits (a misuse) does not break the batch: the
 * object's memory may be overwritten or reused, the batch never reads it.
 */
struct goalloc_rcu_cpu {
	spinlock_t lock;	/* see the kernel-doc above */
	struct goalloc_rcu_block *pending;
	struct rcu_head *pending_heads;
	unsigned int npending;
	struct goalloc_rcu_block *inflight;
	struct rcu_head *inflight_heads;
	struct goalloc_rcu_block *spare;
	bool busy;
	unsigned long started;
	unsigned long done;
	struct rcu_head rcu;
	struct timer_list timer;
	struct goalloc_rcu_block fixed[2];
};

static DEFINE_PER_CPU(struct goalloc_rcu_cpu, goalloc_rcu);

/*
 * Each CPU keeps the pointers given to goalloc_free_rcu() in blocks of
 * its own (struct goalloc_rcu_block), not in the objects: at the end of
 * the grace period each one is freed through goalloc_free()'s checked
 * path, so that an object also freed directly meanwhile is reported as a
 * double free, and a pointer whose span is gone as memory goalloc does not
 * own, instead of the batch following links through memory that is no
 * longer the caller's.  Only when no block can be had (GFP_NOWAIT fails)
 * is an object linked through its own rcu_head, as kfree_rcu() does.
 *
 * What no allocator can catch: an object freed directly and allocated
 * again before the grace period ends is a live object again when the
 * batch frees it; that free takes it from its new owner.
 */

static void rcu_batch_start(struct goalloc_rcu_cpu *b);

/* The object holding @head, or @head itself where goalloc has no span. */
static void *rcu_head_obj(struct rcu_head *head)
{
	struct goalloc_span *s = goalloc_span_of(head);

	if (!s)
		return head;
	if (s->kind != GOALLOC_SPAN_SMALL)
		return (void *)s->base;
	return (void *)(s->base + (unsigned long)s->elemsize *
			goalloc_span_obj_index(s, head));
}

/*
 * @obj, given to goalloc_free_rcu(), is one of goalloc's objects and
 * allocated: mark it as waiting, so that a direct free of it is a double
 * free, found by the slow path every free of its span takes meanwhile.
 * Return: false (reported) if it is not allocated, or already waiting.
 */
static bool rcu_pending_mark(void *obj, unsigned long ip)
{
	struct goalloc_span *s = goalloc_span_lookup(obj);
	struct goalloc_cache *c = s->cache;
	unsigned long flags;
	bool twice;

	if (s->kind != GOALLOC_SPAN_SMALL) {
		if (cmpxchg(&s->state, GOALLOC_SPAN_FULL,
			    GOALLOC_SPAN_RCU) == GOALLOC_SPAN_FULL)
			return true;
		goalloc_report("free_rcu of an object that is not allocated",
			       obj, NULL, ip);
		return false;
	}
	if (goalloc_obj_free_now(c, obj)) {
		goalloc_report("free_rcu of an object that is not allocated",
			       obj, c, ip);
		return false;
	}
	spin_lock_irqsave(&c->central.lock, flags);
	twice = __test_and_set_bit(goalloc_span_obj_index(s, obj), s->rcu_bits);
	if (!twice && !s->rcu_pending++)
		WRITE_ONCE(s->limit, 0);
	spin_unlock_irqrestore(&c->central.lock, flags);
	if (twice)
		goalloc_report_rcu_pending(obj, c, ip);
	return !twice;
}

/* The grace period is over: @obj is an allocated object again. */
static void rcu_pending_clear(void *obj)
{
	struct goalloc_span *s = goalloc_span_lookup(obj);
	struct goalloc_cache *c = s->cache;
	unsigned long flags;

	if (s->kind != GOALLOC_SPAN_SMALL) {
		cmpxchg(&s->state, GOALLOC_SPAN_RCU, GOALLOC_SPAN_FULL);
		return;
	}
	spin_lock_irqsave(&c->central.lock, flags);
	__clear_bit(goalloc_span_obj_index(s, obj), s->rcu_bits);
	if (!--s->rcu_pending)
		WRITE_ONCE(s->limit, s->nelems * s->elemsize);
	spin_unlock_irqrestore(&c->central.lock, flags);
}

static void rcu_free_one(void *obj)
{
	rcu_pending_clear(obj);
	/* The call site of a deferred free: this function. */
	trace_goalloc_free(_THIS_IP_, obj, goalloc_obj_cache_name(obj));
	goalloc_free_at(obj, _THIS_IP_);
}

static void rcu_batch_done(struct rcu_head *rcu)
{
	struct goalloc_rcu_cpu *b = container_of(rcu, struct goalloc_rcu_cpu,
						 rcu);
	struct goalloc_rcu_block *blocks, *k, *next;
	struct rcu_head *heads, *h, *hnext;
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&b->lock, flags);
	blocks = b->inflight;
	heads = b->inflight_heads;
	b->inflight = NULL;
	b->inflight_heads = NULL;
	spin_unlock_irqrestore(&b->lock, flags);

	for (k = blocks; k; k = k->next)
		for (i = 0; i < k->n; i++)
			rcu_free_one(k->objs[i]);
	for (h = heads; h; h = hnext) {
		hnext = h->next;
		rcu_free_one(rcu_head_obj(h));
	}

	spin_lock_irqsave(&b->lock, flags);
	for (k = blocks; k; k = next) {
		next = k->next;
		if (k->fixed) {
			k->next = b->spare;
			b->spare = k;
		} else {
			kfree(k);
		}
	}
	/* goalloc_rcu_barrier() waits for this: every object is freed. */
	b->busy = false;
	b->done++;
	rcu_batch_start(b);
	spin_unlock_irqrestore(&b->lock, flags);
}

/* Move the pending objects under a grace period.  Batch lock held. */
static void rcu_batch_start(struct goalloc_rcu_cpu *b)
{
	if (b->busy || !b->npending)
		return;
	b->busy = true;
	b->started++;
	b->inflight = b->pending;
	b->inflight_heads = b->pending_heads;
	b->pending = NULL;
	b->pending_heads = NULL;
	b->npending = 0;
	call_rcu(&b->rcu, rcu_batch_done);
}

static void rcu_batch_timer(struct timer_list *t)
{
	struct goalloc_rcu_cpu *b = timer_container_of(b, t, timer);
	unsigned long flags;

	spin_lock_irqsave(&b->lock, flags);
	rcu_batch_start(b);
	spin_unlock_irqrestore(&b->lock, flags);
}

/* Queue @obj (holding @head) on this CPU's batch.  Batch lock held. */
static void rcu_batch_add(struct goalloc_rcu_cpu *b, void *obj,
			  struct rcu_head *head)
{
	struct goalloc_rcu_block *k = b->pending;

	if (!k || k->n == GOALLOC_RCU_BLOCK) {
		k = b->spare;
		if (k) {
			b->spare = k->next;
		} else {
			/* Any context: the caller may be in a hard IRQ. */
			k = kmalloc(sizeof(*k), GFP_NOWAIT | __GFP_NOWARN);
			if (!k) {
				head->next = b->pending_heads;
				b->pending_heads = head;
				return;
			}
			k->fixed = false;
		}
		k->n = 0;
		k->next = b->pending;
		b->pending = k;
	}
	k->objs[k->n++] = obj;
}

void __goalloc_free_rcu(struct rcu_head *head)
{
	struct goalloc_span *s;
	struct goalloc_rcu_cpu *b;
	unsigned long flags;
	void *obj = NULL;

	/* A stale pointer's span may go meanwhile: see lookup_enter(). */
	rcu_read_lock();
	s = goalloc_span_of(head);
	if (unlikely(!s))
		goalloc_report("free_rcu of memory goalloc does not own", head,
			       NULL, _RET_IP_);
	/* No tiny object (under 16 bytes) has room for an rcu_head. */
	else if (unlikely(s->kind == GOALLOC_SPAN_SMALL && cache_tiny(s->cache)))
		goalloc_report("free_rcu of a pointer inside an object (tiny)",
			       head, s->cache, _RET_IP_);
	else if (rcu_pending_mark(rcu_head_obj(head), _RET_IP_))
		obj = rcu_head_obj(head);
	rcu_read_unlock();
	if (!obj)
		return;
	/*
	 * This CPU's batch, or another's if the caller is preempted and
	 * migrates before the lock is taken: harmless, the lock guards it.
	 */
	b = raw_cpu_ptr(&goalloc_rcu);
	spin_lock_irqsave(&b->lock, flags);
	rcu_batch_add(b, obj, head);
	if (++b->npending >= GOALLOC_RCU_BATCH)
		rcu_batch_start(b);
	else if (!timer_pending(&b->timer))
		mod_timer(&b->timer, jiffies + GOALLOC_RCU_DELAY);
	spin_unlock_irqrestore(&b->lock, flags);
}
EXPORT_SYMBOL_NS_GPL(__goalloc_free_rcu, GOALLOC_NS);

/*
 * Wait for what each CPU had queued when it was looked at, and no more: a
 * batch started now, or the next one if a grace period is under way (the
 * objects waiting behind it go with the next batch).  Batches queued
 * later do not hold the caller up, however busy goalloc_free_rcu() is.
 * Batches of one CPU complete in order, each callback starting the next.
 */
void goalloc_rcu_barrier(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct goalloc_rcu_cpu *b = per_cpu_ptr(&goalloc_rcu, cpu);
		unsigned long flags, target;

		spin_lock_irqsave(&b->lock, flags);
		rcu_batch_start(b);
		target = b->started + (b->npending ? 1 : 0);
		spin_unlock_irqrestore(&b->lock, flags);
		while ((long)(READ_ONCE(b->done) - target) < 0)
			rcu_barrier();
	}
}
EXPORT_SYMBOL_NS_GPL(goalloc_rcu_barrier, GOALLOC_NS);

/* Set up each CPU's batch: its lock, its timer, its own two blocks. */
void goalloc_rcu_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct goalloc_rcu_cpu *b = per_cpu_ptr(&goalloc_rcu, cpu);
		unsigned int i;

		spin_lock_init(&b->lock);
		timer_setup(&b->timer, rcu_batch_timer, 0);
		b->spare = NULL;
		for (i = 0; i < ARRAY_SIZE(b->fixed); i++) {
			b->fixed[i].fixed = true;
			b->fixed[i].next = b->spare;
			b->spare = &b->fixed[i];
		}
	}
}

/* A CPU went offline: start its batch, which any CPU's RCU completes. */
void goalloc_rcu_cpu_dead(unsigned int cpu)
{
	struct goalloc_rcu_cpu *b = per_cpu_ptr(&goalloc_rcu, cpu);
	unsigned long flags;

	spin_lock_irqsave(&b->lock, flags);
	rcu_batch_start(b);
	spin_unlock_irqrestore(&b->lock, flags);
}

/* Module exit: every batch freed, no timer left to start one. */
void goalloc_rcu_exit(void)
{
	int cpu;

	goalloc_rcu_barrier();
	for_each_possible_cpu(cpu)
		timer_delete_sync(&per_cpu_ptr(&goalloc_rcu, cpu)->timer);
}
