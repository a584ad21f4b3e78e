// SPDX-License-Identifier: GPL-2.0
/*
 * Giving memory back, goalloc's scavenger: the one owner, above the heap,
 * of every path that drains the caches and then has the heap release
 * arenas down to a reserve: the background release a second after an
 * arena beyond the reserve fell free (the heap only says so, through
 * goalloc_heap_release_wanted()), the shrinker and its drain work,
 * goalloc_reclaim(), and the CPU-hotplug drain of a CPU gone offline.
 * Each drains first (per-CPU arrays and spans back to the central lists,
 * empty spans back to the heap, goalloc_drain_all()), then calls
 * goalloc_heap_release() with the number of free arenas to keep.
 *
 * Locking: goalloc_caches_mutex serializes the drains (and is held by
 * cache creation and destruction); a drain takes each CPU's local lock,
 * then the central lock, then heap_lock, as everything in goalloc does.
 * Module exit sets goalloc_exiting before it cancels the work items, so
 * that nothing arms them again meanwhile.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpuhotplug.h>
#include <linux/module.h>
#include <linux/shrinker.h>
#include <linux/workqueue.h>

#include "goalloc_internal.h"

atomic_long_t goalloc_shrink_scans, goalloc_shrink_bytes;
static int goalloc_cpuhp_state;

/*
 * The heap only says that an arena beyond the reserve fell free
 * (goalloc_heap_release_wanted()); deciding to drain the caches and then
 * give arenas back is this file's, which owns the caches' life cycle: a
 * second later, release_work drains every cache and has the heap give the
 * free arenas beyond the reserve back.  Module exit sets goalloc_exiting
 * before it cancels the work, so that nothing arms it again while the
 * caches are torn down.
 */
static void release_workfn(struct work_struct *work)
{
	goalloc_drain_all();
	goalloc_heap_release_background();
}

static DECLARE_DELAYED_WORK(release_work, release_workfn);

/* goalloc_release_poll() found that the heap asks: arm the release. */
void goalloc_release_arm(void)
{
	if (!READ_ONCE(goalloc_exiting))
		schedule_delayed_work(&release_work, HZ);
}

/* Drain every cache.  goalloc_caches_mutex held. */
void goalloc_drain_all_locked(void)
{
	struct goalloc_cache *c;

	list_for_each_entry(c, &goalloc_caches, list)
		goalloc_cache_drain(c);
}

void goalloc_drain_all(void)
{
	mutex_lock(&goalloc_caches_mutex);
	goalloc_drain_all_locked();
	mutex_unlock(&goalloc_caches_mutex);
}

unsigned long goalloc_reclaim(void)
{
	goalloc_drain_all();
	goalloc_rcu_barrier();
	goalloc_drain_all();
	return goalloc_heap_release(0);
}
EXPORT_SYMBOL_NS_GPL(goalloc_reclaim, GOALLOC_NS);

/*
 * The shrinker's drain where it cannot drain itself: give every per-CPU
 * array and CPU span back, then every free arena, counted as the
 * shrinker's.
 */
static void drain_workfn(struct work_struct *work)
{
	unsigned long bytes;

	goalloc_drain_all();
	bytes = goalloc_heap_release(0);
	atomic_long_add(bytes, &goalloc_shrink_bytes);
}

static DECLARE_WORK(drain_work, drain_workfn);

/* Pages a drain could give back from @c: its per-CPU arrays, its empty spans. */
static unsigned long cache_drainable_pages(struct goalloc_cache *c)
{
	unsigned long objs = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		objs += READ_ONCE(per_cpu_ptr(c->cpu, cpu)->count);
	return (objs * c->size >> PAGE_SHIFT) +
	       READ_ONCE(c->central.nr_empty) *
	       ((unsigned long)c->npages << GOALLOC_PAGE_ORDER);
}

/*
 * What a scan could free, in pages: every free arena, and what draining
 * the caches would return (objects waiting in per-CPU arrays, the empty
 * spans the central lists keep), which no arena shows as free until the
 * caches drain.
 */
static unsigned long goalloc_shrink_count(struct shrinker *sh,
					  struct shrink_control *sc)
{
	struct goalloc_heap_stats hs;
	struct goalloc_cache *c;
	unsigned long pages, flags;

	goalloc_heap_read_stats(&hs);
	pages = hs.free_arenas << GOALLOC_ARENA_ORDER;
	spin_lock_irqsave(&goalloc_caches_lock, flags);
	list_for_each_entry(c, &goalloc_caches, list)
		pages += cache_drainable_pages(c);
	spin_unlock_irqrestore(&goalloc_caches_lock, flags);
	return pages;
}

/*
 * Drain the caches and give every free arena back.  The drain needs
 * goalloc_caches_mutex and on_each_cpu(): a reclaimer that may already
 * hold the mutex (an allocation under it) or may not sleep has it done by
 * drain_work, and the pages it frees are counted when it runs.
 */
static unsigned long goalloc_shrink_scan(struct shrinker *sh,
					 struct shrink_control *sc)
{
	unsigned long bytes;

	/* The core scans in batches: the first one drained everything. */
	if (!goalloc_shrink_count(sh, sc))
		return SHRINK_STOP;
	atomic_long_inc(&goalloc_shrink_scans);
	if (preemptible() && mutex_trylock(&goalloc_caches_mutex)) {
		goalloc_drain_all_locked();
		mutex_unlock(&goalloc_caches_mutex);
	} else if (!READ_ONCE(goalloc_exiting)) {
		schedule_work(&drain_work);
	}
	bytes = goalloc_heap_release(0);
	atomic_long_add(bytes, &goalloc_shrink_bytes);
	return bytes >> PAGE_SHIFT;
}

/* Kbuild defines GOALLOC_HAVE_SHRINKER_ALLOC where the kernel has it (6.7+). */
#ifdef GOALLOC_HAVE_SHRINKER_ALLOC
static struct shrinker *goalloc_shrinker;

static int shrinker_setup(void)
{
	goalloc_shrinker = shrinker_alloc(0, "goalloc");
	if (!goalloc_shrinker)
		return -ENOMEM;
	goalloc_shrinker->count_objects = goalloc_shrink_count;
	goalloc_shrinker->scan_objects = goalloc_shrink_scan;
	shrinker_register(goalloc_shrinker);
	return 0;
}

static void shrinker_teardown(void)
{
	shrinker_free(goalloc_shrinker);
}
#else
static struct shrinker goalloc_shrinker = {
	.count_objects = goalloc_shrink_count,
	.scan_objects = goalloc_shrink_scan,
	.seeks = DEFAULT_SEEKS,
};

static int shrinker_setup(void)
{
	return register_shrinker(&goalloc_shrinker, "goalloc");
}

static void shrinker_teardown(void)
{
	unregister_shrinker(&goalloc_shrinker);
}
#endif

/*
 * A CPU went offline: give its objects and spans back to the caches.  The
 * dead CPU's part of each cache is drained under the current CPU's local
 * lock of it, as the fast paths hold it: where the kernel is not RT it
 * turns IRQs off, which the central locks need (hard IRQs take them); on
 * PREEMPT_RT it is a per-CPU lock that sleeps, as the central locks do
 * there, and IRQs must stay on.
 */
static int goalloc_cpu_dead(unsigned int cpu)
{
	struct goalloc_cache *c;
	unsigned long flags;

	mutex_lock(&goalloc_caches_mutex);
	list_for_each_entry(c, &goalloc_caches, list) {
		local_lock_irqsave(&c->cpu->lock, flags);
		goalloc_cache_drain_cpu(c, cpu);
		local_unlock_irqrestore(&c->cpu->lock, flags);
	}
	mutex_unlock(&goalloc_caches_mutex);
	goalloc_rcu_cpu_dead(cpu);
	return 0;
}

/* The shrinker and the CPU-hotplug drain. */
int goalloc_reclaim_init(void)
{
	int ret;

	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "goalloc:dead",
					NULL, goalloc_cpu_dead);
	if (ret < 0)
		return ret;
	goalloc_cpuhp_state = ret;
	ret = shrinker_setup();
	if (ret)
		cpuhp_remove_state_nocalls(goalloc_cpuhp_state);
	return ret;
}

/* Module exit, goalloc_exiting set: none of these runs again. */
void goalloc_reclaim_exit(void)
{
	shrinker_teardown();
	cancel_work_sync(&drain_work);
	cancel_delayed_work_sync(&release_work);
	cpuhp_remove_state_nocalls(goalloc_cpuhp_state);
}
