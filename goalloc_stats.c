// SPDX-License-Identifier: GPL-2.0
/*
 * goalloc's statistics and debugfs: Go's runtime.MemStats for modules
 * (goalloc_read_memstats()), each cache's per-CPU event counters summed
 * (in the spirit of SLUB_STATS, always on: the fast paths count with the
 * increments they make anyway, under their CPU's lock), and the files
 * under /sys/kernel/debug/goalloc/.  Nothing here is on an allocation or
 * free path.
 *
 * Locking: counters are read without locks (a sum is a snapshot); the
 * central lock is taken to count partial spans, goalloc_caches_lock to
 * walk the user caches from any context, goalloc_caches_mutex to walk
 * every cache for debugfs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "goalloc_internal.h"

static struct dentry *goalloc_debugfs, *goalloc_debugfs_caches;

void goalloc_cache_sum(struct goalloc_cache *c, struct goalloc_cache_counts *n)
{
	unsigned int i;
	int cpu;

	memset(n, 0, sizeof(*n));
	for_each_possible_cpu(cpu) {
		struct goalloc_cpu_cache *pc = per_cpu_ptr(c->cpu, cpu);

		for (i = 0; i < GOALLOC_NR_EVENTS; i++)
			n->ev[i] += READ_ONCE(pc->ev[i]);
		n->cpu_objs += READ_ONCE(pc->count);
		if (cache_tiny(c)) {
			struct goalloc_tiny_cpu *t = per_cpu_ptr(&goalloc_tiny, cpu);

			n->tiny_allocs += READ_ONCE(t->allocs);
			n->tiny_frees += READ_ONCE(t->frees);
		}
	}
	n->allocs = n->ev[GOALLOC_EV_ARRAY_POP] + n->ev[GOALLOC_EV_SPAN_FAST] +
		    n->ev[GOALLOC_EV_ALLOC_SLOW];
	n->frees = n->ev[GOALLOC_EV_FREE_FAST] + n->ev[GOALLOC_EV_PUSH_SLOW] +
		   n->ev[GOALLOC_EV_FREE_SLOW] - n->ev[GOALLOC_EV_FREE_DOUBLE];
}

/* ---- Statistics -------------------------------------------------------- */

/* The figures, and the heap's snapshot they were taken from in @hs. */
static void read_memstats(struct goalloc_memstats *ms,
			  struct goalloc_heap_stats *hs)
{
	struct goalloc_cache *c;
	struct goalloc_cache_counts n;
	unsigned long flags;
	int cpu;

	memset(ms, 0, sizeof(*ms));
	spin_lock_irqsave(&goalloc_caches_lock, flags);
	ms->mallocs += goalloc_gone_allocs;
	ms->frees += goalloc_gone_frees;
	list_for_each_entry(c, &goalloc_caches, list) {
		goalloc_cache_sum(c, &n);
		/* Its blocks are in HeapAlloc, its objects in the counts. */
		ms->heap_alloc += (n.allocs - n.frees) * c->size;
		if (cache_tiny(c)) {
			ms->tiny_allocs = n.tiny_allocs;
			ms->mallocs += n.tiny_allocs;
			ms->frees += n.tiny_frees;
			continue;
		}
		if (c->class) {
			ms->by_size[c->class].size = c->size;
			ms->by_size[c->class].mallocs = n.allocs;
			ms->by_size[c->class].frees = n.frees;
		}
		ms->mallocs += n.allocs;
		ms->frees += n.frees;
	}
	spin_unlock_irqrestore(&goalloc_caches_lock, flags);

	for_each_possible_cpu(cpu) {
		struct goalloc_pcpu_stats *st = per_cpu_ptr(&goalloc_stats, cpu);

		ms->mallocs += READ_ONCE(st->large_allocs);
		ms->frees += READ_ONCE(st->large_frees);
		ms->heap_alloc += READ_ONCE(st->large_bytes);
		ms->large_objects += READ_ONCE(st->large_allocs) -
				     READ_ONCE(st->large_frees);
	}
	goalloc_heap_read_stats(hs);
	ms->heap_sys = hs->sys;
	ms->heap_inuse = hs->inuse;
	ms->heap_idle = hs->sys - hs->inuse;
	ms->heap_released = hs->released;
	ms->arenas = hs->arenas;
	ms->heap_objects = ms->mallocs - ms->frees;
}

void goalloc_read_memstats(struct goalloc_memstats *ms)
{
	struct goalloc_heap_stats hs;

	read_memstats(ms, &hs);
}
EXPORT_SYMBOL_NS_GPL(goalloc_read_memstats, GOALLOC_NS);

/* ---- debugfs and module life ------------------------------------------ */

/*
 * goalloc/ in debugfs:
 *  caches    one line per cache, in the spirit of /proc/slabinfo
 *  classes   the size-class table, with each class's use
 *  heap      the page heap, the shrinker and the background release
 *  memstats  Go's runtime.MemStats names
 *  cache/NAME/events  the cache's event counters (enum goalloc_event)
 *  cache/NAME/shrink  write 1: goalloc_cache_shrink()
 * A name that repeats gets ":2", ":3"... on its directory.
 */

static unsigned long cache_spans(const struct goalloc_cache_counts *n)
{
	return n->ev[GOALLOC_EV_SPAN_GROW] - n->ev[GOALLOC_EV_SPAN_RELEASE];
}

static void caches_show_one(struct seq_file *m, struct goalloc_cache *c)
{
	unsigned long per_span = ((unsigned long)c->npages << GOALLOC_PAGE_SHIFT) /
				 c->size;
	unsigned long flags, partial = 0;
	struct goalloc_span *s;
	struct goalloc_cache_counts n;

	goalloc_cache_sum(c, &n);
	spin_lock_irqsave(&c->central.lock, flags);
	list_for_each_entry(s, &c->central.partial, list)
		partial++;
	spin_unlock_irqrestore(&c->central.lock, flags);
	seq_printf(m, "%-24s %10lu %10lu %8u %6lu %6lu %8lu %8lu %8lu\n",
		   c->name, n.allocs - n.frees, cache_spans(&n) * per_span,
		   c->size, per_span,
		   (unsigned long)c->npages << (GOALLOC_PAGE_SHIFT - PAGE_SHIFT),
		   cache_spans(&n), partial, n.cpu_objs);
}

/* Objects in per-CPU arrays are free: not in active_objs, in cpu_objs. */
static int caches_show(struct seq_file *m, void *v)
{
	struct goalloc_cache *c;

	seq_puts(m, "goalloc caches - version: 1\n");
	seq_puts(m, "# name <active_objs> <num_objs> <objsize> <objperspan> <pagesperspan> <spans> <partial> <cpu_objs>\n");
	mutex_lock(&goalloc_caches_mutex);
	list_for_each_entry(c, &goalloc_caches, list)
		caches_show_one(m, c);
	mutex_unlock(&goalloc_caches_mutex);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(caches);

static int classes_show(struct seq_file *m, void *v)
{
	struct goalloc_cache_counts n;
	unsigned int c;

	seq_puts(m, "class  bytes/obj  bytes/span  objects  tail_waste      in_use     spans\n");
	for (c = 1; c < GOALLOC_NUM_SIZE_CLASSES; c++) {
		unsigned long span = goalloc_class_to_npages[c] << GOALLOC_PAGE_SHIFT;
		unsigned int objs = goalloc_class_objects(c);

		goalloc_cache_sum(goalloc_kmalloc[c], &n);
		seq_printf(m, "%5u  %9u  %10lu  %7u  %10lu  %10lu  %8lu\n", c,
			   goalloc_class_to_size[c], span, objs,
			   span - objs * goalloc_class_to_size[c],
			   n.allocs - n.frees, cache_spans(&n));
	}
	goalloc_cache_sum(goalloc_tiny_cache, &n);
	seq_printf(m, "tiny: %lu objects in use in %lu %u-byte blocks, %lu spans\n",
		   n.tiny_allocs - n.tiny_frees, n.allocs - n.frees,
		   GOALLOC_TINY_SIZE, cache_spans(&n));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(classes);

static int heap_show(struct seq_file *m, void *v)
{
	struct goalloc_heap_stats hs;

	goalloc_heap_read_stats(&hs);
	seq_printf(m, "arenas %lu\nfree_arenas %lu\nreserve_arenas %u\n"
		   "arena_bytes %lu\nchunks %lu\n",
		   hs.arenas, hs.free_arenas, READ_ONCE(goalloc_arena_reserve),
		   hs.sys, hs.chunks);
	seq_printf(m, "pages_inuse %lu\npages_free %lu\npages_released %lu\n",
		   hs.inuse >> PAGE_SHIFT, (hs.sys - hs.inuse) >> PAGE_SHIFT,
		   hs.released >> PAGE_SHIFT);
	seq_printf(m, "arena_grows %lu\narena_releases %lu\narena_fallbacks %lu\n",
		   hs.arena_grows, hs.arena_releases, hs.fallbacks);
	seq_printf(m, "shrinker_scans %lu\nshrinker_freed %lu\n"
		   "release_runs %lu\nrelease_freed %lu\nmisuse_reports %lu\n",
		   atomic_long_read(&goalloc_shrink_scans),
		   atomic_long_read(&goalloc_shrink_bytes) >> PAGE_SHIFT,
		   hs.release_runs, hs.release_bytes >> PAGE_SHIFT,
		   goalloc_misuse_count());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(heap);

static int memstats_show(struct seq_file *m, void *v)
{
	struct goalloc_memstats *ms = kmalloc(sizeof(*ms), GFP_KERNEL);
	struct goalloc_heap_stats hs;

	if (!ms)
		return -ENOMEM;
	/* One snapshot of the heap for both parts, so that they agree. */
	read_memstats(ms, &hs);
	seq_printf(m, "HeapAlloc %llu\nHeapSys %llu\nHeapIdle %llu\n"
		   "HeapInuse %llu\nHeapReleased %llu\nHeapObjects %llu\n"
		   "Mallocs %llu\nFrees %llu\nTinyAllocs %llu\nArenas %llu\n"
		   "LargeObjects %llu\n",
		   ms->heap_alloc, ms->heap_sys, ms->heap_idle, ms->heap_inuse,
		   ms->heap_released, ms->heap_objects, ms->mallocs, ms->frees,
		   ms->tiny_allocs, ms->arenas, ms->large_objects);
	seq_printf(m, "FreeArenas %lu\nArenaGrows %lu\nArenaReleases %lu\n"
		   "ArenaFallbacks %lu\nChunks %lu\n",
		   hs.free_arenas, hs.arena_grows, hs.arena_releases,
		   hs.fallbacks, hs.chunks);
	kfree(ms);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(memstats);

static int cache_events_show(struct seq_file *m, void *v)
{
	struct goalloc_cache *c = m->private;
	struct goalloc_cache_counts n;
	const unsigned long *ev = n.ev;

	goalloc_cache_sum(c, &n);
	seq_printf(m, "alloc_fastpath %lu\nfree_fastpath %lu\n",
		   ev[GOALLOC_EV_ARRAY_POP] + ev[GOALLOC_EV_SPAN_FAST],
		   ev[GOALLOC_EV_FREE_FAST]);
	seq_printf(m, "array_pop %lu\narray_push %lu\n",
		   ev[GOALLOC_EV_ARRAY_POP],
		   ev[GOALLOC_EV_FREE_FAST] + ev[GOALLOC_EV_PUSH_SLOW]);
	seq_printf(m, "alloc_slowpath %lu\nfree_slowpath %lu\nfree_double %lu\n",
		   ev[GOALLOC_EV_ALLOC_SLOW],
		   ev[GOALLOC_EV_PUSH_SLOW] + ev[GOALLOC_EV_FREE_SLOW],
		   ev[GOALLOC_EV_FREE_DOUBLE]);
	seq_printf(m, "cpu_span_refill %lu\narray_flush %lu\nspan_sweep %lu\n",
		   ev[GOALLOC_EV_REFILL], ev[GOALLOC_EV_FLUSH],
		   ev[GOALLOC_EV_SWEEP]);
	seq_printf(m, "span_grow %lu\nspan_release %lu\ndrain %lu\n",
		   ev[GOALLOC_EV_SPAN_GROW], ev[GOALLOC_EV_SPAN_RELEASE],
		   ev[GOALLOC_EV_DRAIN]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cache_events);

static ssize_t cache_shrink_write(struct file *file, const char __user *buf,
				  size_t len, loff_t *ppos)
{
	struct goalloc_cache *c = file->private_data;
	bool shrink;
	int err;

	err = kstrtobool_from_user(buf, len, &shrink);
	if (err)
		return err;
	if (shrink)
		goalloc_cache_shrink(c);
	return len;
}

static const struct file_operations cache_shrink_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = cache_shrink_write,
	.llseek = default_llseek,
};

/* A cache's directory under goalloc/cache/.  goalloc_caches_mutex held. */
void goalloc_cache_debugfs_add(struct goalloc_cache *c)
{
	char name[GOALLOC_NAME_LEN + 12];
	struct dentry *d;
	unsigned int i = 1;

	if (IS_ERR_OR_NULL(goalloc_debugfs_caches))
		return;
	strscpy(name, c->name, sizeof(name));
	while ((d = debugfs_lookup(name, goalloc_debugfs_caches))) {
		dput(d);
		snprintf(name, sizeof(name), "%s:%u", c->name, ++i);
	}
	c->debugfs = debugfs_create_dir(name, goalloc_debugfs_caches);
	debugfs_create_file("events", 0444, c->debugfs, c, &cache_events_fops);
	debugfs_create_file("shrink", 0200, c->debugfs, c, &cache_shrink_fops);
}

void goalloc_debugfs_init(void)
{
	struct goalloc_cache *c;

	goalloc_debugfs = debugfs_create_dir("goalloc", NULL);
	debugfs_create_file("caches", 0444, goalloc_debugfs, NULL,
			    &caches_fops);
	debugfs_create_file("classes", 0444, goalloc_debugfs, NULL,
			    &classes_fops);
	debugfs_create_file("heap", 0444, goalloc_debugfs, NULL, &heap_fops);
	debugfs_create_file("memstats", 0444, goalloc_debugfs, NULL,
			    &memstats_fops);
	goalloc_debugfs_caches = debugfs_create_dir("cache", goalloc_debugfs);
	mutex_lock(&goalloc_caches_mutex);
	list_for_each_entry(c, &goalloc_caches, list)
		goalloc_cache_debugfs_add(c);
	mutex_unlock(&goalloc_caches_mutex);
}

/* Waits for readers and for a shrink, which takes goalloc_caches_mutex. */
void goalloc_cache_debugfs_remove(struct goalloc_cache *c)
{
	debugfs_remove_recursive(c->debugfs);
}

void goalloc_debugfs_exit(void)
{
	debugfs_remove_recursive(goalloc_debugfs);
}
