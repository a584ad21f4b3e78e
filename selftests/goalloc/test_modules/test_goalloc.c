// SPDX-License-Identifier: GPL-2.0
/*
 * test_goalloc: the kernel half of goalloc's kselftests (selftests/goalloc/).
 *
 * At load it runs a few in-kernel checks of goalloc's API in the manner of
 * the kernel's own test modules (lib/test_bitmap.c and the others built on
 * tools/testing/selftests/kselftest_module.h): each check is one
 * KSTM_CHECK_ZERO(), the totals are printed by kstm_report(), and a
 * failure fails the load, which is what kselftest/module.sh (run by
 * test_goalloc.sh) reports.  KSTM_MODULE_LOADERS() is not used because the
 * module then stays loaded to serve user space.
 *
 * Once loaded it lets the user-space tests (goalloc_user.c) allocate, free
 * and misuse goalloc from user space, through debugfs, since goalloc's API
 * is only for kernel code:
 *
 *   /sys/kernel/debug/test_goalloc/ctl     write one command per write():
 *     create IDX NAME SIZE FLAGS   goalloc_cache_create() into cache slot IDX
 *     destroy IDX                  goalloc_cache_destroy()
 *     alloc IDX FIRST COUNT        COUNT objects of cache IDX into object
 *                                  slots FIRST...
 *     malloc FIRST COUNT SIZE      goalloc_malloc(SIZE) into object slots
 *     free FIRST COUNT             free the objects held in those slots
 *     fill FIRST COUNT             write a pattern over those objects
 *     check FIRST COUNT            -EIO unless the pattern is intact
 *     shrink IDX                   goalloc_cache_shrink()
 *     reclaim                      goalloc_reclaim()
 *     misuse KIND [IDX]            one bad call (see misuse() below)
 *   /sys/kernel/debug/test_goalloc/misuse  goalloc_misuse_count()
 *   /sys/kernel/debug/test_goalloc/stats   goalloc_read_memstats() figures
 *                                          and the objects held here
 *
 * A command's write() returns the bytes written, or the error.  Every bad
 * call here is one that goalloc promises to report, count and survive; the
 * user-space tests check that it did.  Objects still held at unload are
 * freed and caches destroyed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <goalloc.h>

#include "kselftest_module.h"

#define TG_SLOTS	16384
#define TG_CACHES	8
#define TG_CMD_LEN	128
#define TG_FOREIGN_SIZE	64

struct tg_slot {
	void *p;
	size_t size;
	int cache;		/* the cache slot, or -1: goalloc_malloc() */
};

static struct tg_slot *tg_slots;
static struct goalloc_cache *tg_caches[TG_CACHES];
static DEFINE_MUTEX(tg_lock);
static struct dentry *tg_dir;

KSTM_MODULE_GLOBALS();

/* ---- In-kernel checks at load (kselftest_module.h) -------------------- */

static int __init check_malloc_sizes(void)
{
	static const size_t sizes[] __initconst = {
		1, 7, 8, 15, 16, 17, 100, 1000, 4096, 32768, 32769,
		100 * 1024, 2 << 20, GOALLOC_MAX_SIZE,
	};
	unsigned int i;
	u8 *p;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p = goalloc_malloc(sizes[i], GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		memset(p, 0xa5, sizes[i]);
		if (goalloc_size(p) < sizes[i] || !goalloc_owns(p)) {
			goalloc_free(p);
			return -EINVAL;
		}
		goalloc_free(p);
	}
	return 0;
}

static int __init check_cache(void)
{
	struct goalloc_cache *c;
	void *objs[64];
	int err = 0;
	void *p;

	c = goalloc_cache_create("test_goalloc_init", 200, 0,
				 GOALLOC_HWCACHE_ALIGN, NULL);
	if (!c)
		return -ENOMEM;
	if (goalloc_cache_size(c) < 200 ||
	    goalloc_cache_size(c) % cache_line_size())
		err = -EINVAL;
	p = goalloc_cache_alloc(c, GFP_KERNEL | __GFP_ZERO);
	if (!p || memchr_inv(p, 0, 200))
		err = -EINVAL;
	goalloc_cache_free(c, p);
	if (goalloc_cache_alloc_bulk(c, GFP_KERNEL, ARRAY_SIZE(objs), objs) !=
	    ARRAY_SIZE(objs))
		err = -ENOMEM;
	else
		goalloc_cache_free_bulk(c, ARRAY_SIZE(objs), objs);
	goalloc_cache_shrink(c);
	goalloc_cache_destroy(c);
	return err;
}

static int __init check_realloc(void)
{
	unsigned int i;
	u8 *p, *q;
	int err = 0;

	p = goalloc_malloc(100, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	for (i = 0; i < 100; i++)
		p[i] = i;
	q = goalloc_realloc(p, 50000, GFP_KERNEL);
	if (!q) {
		goalloc_free(p);
		return -ENOMEM;
	}
	for (i = 0; i < 100; i++)
		if (q[i] != i)
			err = -EINVAL;
	goalloc_free(q);
	return err;
}

static int __init check_calloc(void)
{
	u8 *p = goalloc_calloc(100, 30, GFP_KERNEL);
	int err = 0;

	if (!p)
		return -ENOMEM;
	if (memchr_inv(p, 0, 3000))
		err = -EINVAL;
	goalloc_free(p);
	return err;
}

/* Freeing NULL and ZERO_SIZE_PTR is no misuse; kmalloc'ed memory is not goalloc's. */
static int __init check_not_owned(void)
{
	unsigned long before = goalloc_misuse_count();
	void *k = kmalloc(TG_FOREIGN_SIZE, GFP_KERNEL);
	int err = 0;

	if (!k)
		return -ENOMEM;
	if (goalloc_owns(k) || goalloc_malloc(0, GFP_KERNEL) != ZERO_SIZE_PTR)
		err = -EINVAL;
	kfree(k);
	goalloc_free(NULL);
	goalloc_free(ZERO_SIZE_PTR);
	if (goalloc_misuse_count() != before)
		err = -EINVAL;
	return err;
}

/* Everything above freed what it took: the object count is back. */
static int __init check_balance(u64 objects_before)
{
	struct goalloc_memstats *ms = kmalloc(sizeof(*ms), GFP_KERNEL);
	int err = 0;

	if (!ms)
		return -ENOMEM;
	goalloc_read_memstats(ms);
	if (ms->heap_objects != objects_before) {
		pr_warn("HeapObjects %llu, %llu before the checks\n",
			ms->heap_objects, objects_before);
		err = -EINVAL;
	}
	kfree(ms);
	return err;
}

static void __init selftest(void)
{
	struct goalloc_memstats *ms = kmalloc(sizeof(*ms), GFP_KERNEL);
	u64 objects = 0;

	if (ms) {
		goalloc_read_memstats(ms);
		objects = ms->heap_objects;
		kfree(ms);
	}
	KSTM_CHECK_ZERO(!ms);
	KSTM_CHECK_ZERO(check_malloc_sizes());
	KSTM_CHECK_ZERO(check_cache());
	KSTM_CHECK_ZERO(check_realloc());
	KSTM_CHECK_ZERO(check_calloc());
	KSTM_CHECK_ZERO(check_not_owned());
	KSTM_CHECK_ZERO(check_balance(objects));
}

/* ---- Commands from user space ----------------------------------------- */

static int slot_range(unsigned int first, unsigned int count)
{
	if (first >= TG_SLOTS || count > TG_SLOTS - first)
		return -ERANGE;
	return 0;
}

static struct goalloc_cache *cache_at(int idx)
{
	if (idx < 0 || idx >= TG_CACHES)
		return NULL;
	return tg_caches[idx];
}

static void free_slot(struct tg_slot *s)
{
	if (!s->p)
		return;
	if (s->cache >= 0)
		goalloc_cache_free(tg_caches[s->cache], s->p);
	else
		goalloc_free(s->p);
	s->p = NULL;
}

static int cmd_create(int idx, const char *name, unsigned int size,
		      unsigned int flags)
{
	if (idx < 0 || idx >= TG_CACHES)
		return -ERANGE;
	if (tg_caches[idx])
		return -EBUSY;
	tg_caches[idx] = goalloc_cache_create(name, size, 0, flags, NULL);
	return tg_caches[idx] ? 0 : -EINVAL;
}

static int cmd_destroy(int idx)
{
	struct goalloc_cache *c = cache_at(idx);
	unsigned int i;

	if (!c)
		return -ENOENT;
	for (i = 0; i < TG_SLOTS; i++)
		if (tg_slots[i].p && tg_slots[i].cache == idx)
			return -EBUSY;
	goalloc_cache_destroy(c);
	tg_caches[idx] = NULL;
	return 0;
}

static int cmd_alloc(int idx, unsigned int first, unsigned int count,
		     size_t size)
{
	struct goalloc_cache *c = NULL;
	unsigned int i;

	if (idx >= 0) {
		c = cache_at(idx);
		if (!c)
			return -ENOENT;
		size = goalloc_cache_size(c);
	}
	if (slot_range(first, count))
		return -ERANGE;
	for (i = first; i < first + count; i++)
		if (tg_slots[i].p)
			return -EBUSY;
	for (i = first; i < first + count; i++) {
		struct tg_slot *s = &tg_slots[i];

		s->p = c ? goalloc_cache_alloc(c, GFP_KERNEL) :
			   goalloc_malloc(size, GFP_KERNEL);
		if (!s->p)
			return -ENOMEM;
		s->size = size;
		s->cache = idx;
		cond_resched();
	}
	return 0;
}

static u8 pattern(unsigned int slot)
{
	return (slot * 37 + 11) & 0xff;
}

static int cmd_fill_check(bool check, unsigned int first, unsigned int count)
{
	unsigned int i;

	if (slot_range(first, count))
		return -ERANGE;
	for (i = first; i < first + count; i++) {
		struct tg_slot *s = &tg_slots[i];

		if (!s->p)
			continue;
		if (!check)
			memset(s->p, pattern(i), s->size);
		else if (memchr_inv(s->p, pattern(i), s->size))
			return -EIO;
		cond_resched();
	}
	return 0;
}

static int cmd_free(unsigned int first, unsigned int count)
{
	unsigned int i;

	if (slot_range(first, count))
		return -ERANGE;
	for (i = first; i < first + count; i++)
		free_slot(&tg_slots[i]);
	return 0;
}

/* Free @p twice in a row on one CPU: the second is the last free there. */
static void free_twice(struct goalloc_cache *c, void *p)
{
	preempt_disable();
	if (c) {
		goalloc_cache_free(c, p);
		goalloc_cache_free(c, p);
	} else {
		goalloc_free(p);
		goalloc_free(p);
	}
	preempt_enable();
}

/*
 * One bad call, which goalloc must report (and count) once, and survive:
 *
 *   double_free           a 64-byte object freed twice
 *   tiny_double_free      a 5-byte (tiny) object freed twice
 *   large_double_free     a 100 KiB object freed twice
 *   cache_double_free IDX an object of cache IDX freed twice
 *   interior              goalloc_free() of a pointer inside an object
 *   foreign               goalloc_free() of kmalloc()'ed memory
 *   foreign_cache IDX     goalloc_cache_free() of kmalloc()'ed memory
 *   wrong_cache IDX       goalloc_cache_free() to IDX of a malloc'ed object
 *   calloc_overflow       goalloc_calloc() whose n * size overflows
 *   too_large             goalloc_malloc() of more than GOALLOC_MAX_SIZE
 *   destroy_live IDX      goalloc_cache_destroy() of IDX with objects live
 *                         (IDX stays usable: free them, destroy again)
 *
 * and two that are not misuse and must not be reported:
 *
 *   free_null             goalloc_free() of NULL and ZERO_SIZE_PTR
 *   too_large_nowarn      too_large with __GFP_NOWARN
 */
static int misuse(const char *kind, int idx)
{
	struct goalloc_cache *c = cache_at(idx);
	void *p;
	u8 *b;

	if (!strcmp(kind, "double_free") || !strcmp(kind, "tiny_double_free") ||
	    !strcmp(kind, "large_double_free")) {
		size_t size = kind[0] == 'd' ? 64 : kind[0] == 't' ? 5 :
			      100 * 1024;

		p = goalloc_malloc(size, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		free_twice(NULL, p);
	} else if (!strcmp(kind, "cache_double_free")) {
		if (!c)
			return -ENOENT;
		p = goalloc_cache_alloc(c, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		free_twice(c, p);
	} else if (!strcmp(kind, "interior")) {
		b = goalloc_malloc(64, GFP_KERNEL);
		if (!b)
			return -ENOMEM;
		goalloc_free(b + 8);
		goalloc_free(b);
	} else if (!strcmp(kind, "foreign") ||
		   !strcmp(kind, "foreign_cache")) {
		if (kind[7] && !c)
			return -ENOENT;
		p = kmalloc(TG_FOREIGN_SIZE, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		if (kind[7])
			goalloc_cache_free(c, p);
		else
			goalloc_free(p);
		kfree(p);
	} else if (!strcmp(kind, "wrong_cache")) {
		if (!c)
			return -ENOENT;
		p = goalloc_malloc(goalloc_cache_size(c), GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		goalloc_cache_free(c, p);
		goalloc_free(p);
	} else if (!strcmp(kind, "calloc_overflow")) {
		p = goalloc_calloc(SIZE_MAX / 2, 4, GFP_KERNEL);
		if (p) {
			goalloc_free(p);
			return -EIO;
		}
	} else if (!strcmp(kind, "too_large") ||
		   !strcmp(kind, "too_large_nowarn")) {
		p = goalloc_malloc(GOALLOC_MAX_SIZE + 1, GFP_KERNEL |
				   (kind[9] ? __GFP_NOWARN : 0));
		if (p) {
			goalloc_free(p);
			return -EIO;
		}
	} else if (!strcmp(kind, "destroy_live")) {
		if (!c)
			return -ENOENT;
		goalloc_cache_destroy(c);
	} else if (!strcmp(kind, "free_null")) {
		goalloc_free(NULL);
		goalloc_free(ZERO_SIZE_PTR);
	} else {
		return -EINVAL;
	}
	return 0;
}

static int run_command(char *cmd)
{
	unsigned int first, count, size, flags;
	char verb[16], name[32];
	int idx = -1;

	if (sscanf(cmd, "%15s", verb) != 1)
		return -EINVAL;
	if (!strcmp(verb, "create") &&
	    sscanf(cmd, "%*s %d %31s %u %x", &idx, name, &size, &flags) == 4)
		return cmd_create(idx, name, size, flags);
	if (!strcmp(verb, "destroy") && sscanf(cmd, "%*s %d", &idx) == 1)
		return cmd_destroy(idx);
	if (!strcmp(verb, "alloc") &&
	    sscanf(cmd, "%*s %d %u %u", &idx, &first, &count) == 3)
		return idx < 0 ? -ENOENT : cmd_alloc(idx, first, count, 0);
	if (!strcmp(verb, "malloc") &&
	    sscanf(cmd, "%*s %u %u %u", &first, &count, &size) == 3)
		return cmd_alloc(-1, first, count, size);
	if (!strcmp(verb, "free") && sscanf(cmd, "%*s %u %u", &first, &count) == 2)
		return cmd_free(first, count);
	if ((!strcmp(verb, "fill") || !strcmp(verb, "check")) &&
	    sscanf(cmd, "%*s %u %u", &first, &count) == 2)
		return cmd_fill_check(verb[0] == 'c', first, count);
	if (!strcmp(verb, "shrink") && sscanf(cmd, "%*s %d", &idx) == 1) {
		if (!cache_at(idx))
			return -ENOENT;
		goalloc_cache_shrink(cache_at(idx));
		return 0;
	}
	if (!strcmp(verb, "reclaim")) {
		goalloc_reclaim();
		return 0;
	}
	if (!strcmp(verb, "misuse") && sscanf(cmd, "%*s %31s %d", name, &idx) >= 1)
		return misuse(name, idx);
	return -EINVAL;
}

static ssize_t ctl_write(struct file *file, const char __user *ubuf,
			 size_t len, loff_t *ppos)
{
	char cmd[TG_CMD_LEN];
	int ret;

	if (len >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, len))
		return -EFAULT;
	cmd[len] = '\0';
	mutex_lock(&tg_lock);
	ret = run_command(cmd);
	mutex_unlock(&tg_lock);
	return ret ? ret : len;
}

static const struct file_operations ctl_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = ctl_write,
	.llseek = noop_llseek,
};

static int misuse_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%lu\n", goalloc_misuse_count());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(misuse);

static int stats_show(struct seq_file *m, void *v)
{
	struct goalloc_memstats *ms = kmalloc(sizeof(*ms), GFP_KERNEL);
	unsigned int i, held = 0;

	if (!ms)
		return -ENOMEM;
	goalloc_read_memstats(ms);
	mutex_lock(&tg_lock);
	for (i = 0; i < TG_SLOTS; i++)
		held += !!tg_slots[i].p;
	mutex_unlock(&tg_lock);
	seq_printf(m, "mallocs %llu\nfrees %llu\nheap_objects %llu\n"
		   "heap_alloc %llu\nlarge_objects %llu\nheld %u\n",
		   ms->mallocs, ms->frees, ms->heap_objects, ms->heap_alloc,
		   ms->large_objects, held);
	kfree(ms);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

static void release_all(void)
{
	unsigned int i;

	for (i = 0; i < TG_SLOTS; i++)
		free_slot(&tg_slots[i]);
	for (i = 0; i < TG_CACHES; i++) {
		goalloc_cache_destroy(tg_caches[i]);
		tg_caches[i] = NULL;
	}
}

static int __init test_goalloc_init(void)
{
	int ret;

	add_taint(TAINT_TEST, LOCKDEP_STILL_OK);
	selftest();
	ret = kstm_report(total_tests, failed_tests, skipped_tests);
	if (ret)
		return ret;

	tg_slots = kvcalloc(TG_SLOTS, sizeof(*tg_slots), GFP_KERNEL);
	if (!tg_slots)
		return -ENOMEM;
	tg_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("ctl", 0200, tg_dir, NULL, &ctl_fops);
	debugfs_create_file("misuse", 0444, tg_dir, NULL, &misuse_fops);
	debugfs_create_file("stats", 0444, tg_dir, NULL, &stats_fops);
	return 0;
}

static void __exit test_goalloc_exit(void)
{
	debugfs_remove_recursive(tg_dir);
	release_all();
	kvfree(tg_slots);
}

module_init(test_goalloc_init);
module_exit(test_goalloc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("goalloc's kselftest module: in-kernel checks, and goalloc driven from user space");
MODULE_IMPORT_NS(GOALLOC_NS);
