// SPDX-License-Identifier: GPL-2.0
/*
 * goalloc_compat_selftest: proves, on the kernel it runs on, what
 * include/goalloc_compat.h promises a module built through it.  The
 * module is written as ordinary kernel code (kmalloc, kfree, kstrdup,
 * kfree_rcu, KMEM_CACHE...) and built by tools/compat-build.sh exactly as
 * test_meminit.c is; it only calls goalloc directly to ask who owns a
 * pointer and to read goalloc's counters.
 *
 * This file covers the kmalloc family: memory goalloc hands out must come
 * back to goalloc, and memory the kernel hands out (kstrdup(), kmemdup(),
 * kvmalloc(), a __GFP_NOFAIL kmalloc()) must go back to the kernel through
 * the same redirected kfree(), krealloc(), ksize(), kvfree(), kfree_rcu()
 * and kfree_bulk(), kfree passed as a function pointer and __free(kfree)
 * included, and every kmalloc() aligned as the kernel's is
 * (ARCH_KMALLOC_MINALIGN).  compat_selftest_cache.c covers caches.  goalloc must count
 * no misuse on the way: a foreign pointer sent to goalloc would be one.
 *
 * At load it prints "all N checks passed" and stays loaded, or reports
 * each failed check and fails the load.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat_selftest.h"

struct compat_note {
	int value;
	struct rcu_head rcu;
};

static void compat_foreign(struct compat_counts *cnt)
{
	void (*free_fn)(const void *) = kfree;
	const char *c;
	char *s, *t;

	/* kstrdup() is the kernel's: its memory goes back to the kernel. */
	s = kstrdup("goalloc compat selftest", GFP_KERNEL);
	CHECK(cnt, s && !goalloc_owns(s));
	if (!s)
		return;
	CHECK(cnt, ksize(s) >= sizeof("goalloc compat selftest"));
	t = krealloc(s, 200, GFP_KERNEL);
	CHECK(cnt, t && !goalloc_owns(t));
	if (t)
		s = t;
	CHECK(cnt, !strcmp(s, "goalloc compat selftest"));
	kfree(s);

	/* kfree as a value (a callback) is goalloc's too. */
	s = kstrdup("callback", GFP_KERNEL);
	CHECK(cnt, s && !goalloc_owns(s));
	free_fn(s);
	s = kmalloc(32, GFP_KERNEL);
	CHECK(cnt, s && goalloc_owns(s));
	free_fn(s);

	/* What goalloc cannot promise goes to the kernel's kmalloc. */
	s = kmalloc(64, GFP_KERNEL | __GFP_NOFAIL);
	CHECK(cnt, s && !goalloc_owns(s));
	kfree(s);

	/* kfree_const(): rodata is left alone, the rest is freed. */
	c = kstrdup_const("a literal", GFP_KERNEL);
	CHECK(cnt, c && !goalloc_owns(c));
	kfree_const(c);
	s = kmalloc(16, GFP_KERNEL);
	CHECK(cnt, s && goalloc_owns(s));
	kfree_const(s);

	/* kvfree() of both kinds. */
	s = kvmalloc(1 << 20, GFP_KERNEL);
	CHECK(cnt, s && !goalloc_owns(s));
	kvfree(s);
	s = kmalloc(1 << 20, GFP_KERNEL);
	CHECK(cnt, s && goalloc_owns(s));
	kvfree(s);
}

static void compat_goalloc(struct compat_counts *cnt)
{
	void *mixed[4];
	size_t big = SIZE_MAX / 2;
	u8 *p, *q;
	unsigned int i;

	p = kmalloc(100, GFP_KERNEL);
	CHECK(cnt, p && goalloc_owns(p) && ksize(p) >= 100);
	if (!p)
		return;
	for (i = 0; i < 100; i++)
		p[i] = i;
	q = krealloc(p, 5000, GFP_KERNEL);
	CHECK(cnt, q && goalloc_owns(q) && ksize(q) >= 5000);
	if (q)
		p = q;
	for (i = 0; i < 100 && q; i++)
		if (p[i] != i)
			break;
	CHECK(cnt, i == 100);
	kfree(p);

	p = kzalloc(300, GFP_KERNEL);
	CHECK(cnt, p && goalloc_owns(p) && !memchr_inv(p, 0, 300));
	kfree_sensitive(p);
	p = kcalloc(16, 64, GFP_KERNEL);
	CHECK(cnt, p && goalloc_owns(p) && !memchr_inv(p, 0, 16 * 64));
	q = krealloc_array(p, 32, 64, GFP_KERNEL);
	CHECK(cnt, q && goalloc_owns(q));
	kfree(q ? q : p);
	/* Overflowing arrays are a quiet NULL, as with the kernel's. */
	p = kmalloc_array(big, 4, GFP_KERNEL);
	CHECK(cnt, !p);
	p = kzalloc_node(64, GFP_KERNEL, numa_node_id());
	CHECK(cnt, p && goalloc_owns(p));
	kfree(p);
	p = kmalloc(0, GFP_KERNEL);
	CHECK(cnt, p == ZERO_SIZE_PTR);
	kfree(p);

	/* kfree_bulk() with goalloc's and the kernel's memory mixed. */
	mixed[0] = kmalloc(24, GFP_KERNEL);
	mixed[1] = kstrdup("bulk", GFP_KERNEL);
	mixed[2] = NULL;
	mixed[3] = kmalloc(4096, GFP_KERNEL);
	CHECK(cnt, mixed[0] && goalloc_owns(mixed[0]) && mixed[1] &&
	      !goalloc_owns(mixed[1]) && mixed[3] && goalloc_owns(mixed[3]));
	kfree_bulk(ARRAY_SIZE(mixed), mixed);

#ifdef DEFINE_FREE
	{
		void *scoped __free(kfree) = kmalloc(48, GFP_KERNEL);

		CHECK(cnt, scoped && goalloc_owns(scoped));
	}
#endif
}

/*
 * kmalloc() promises ARCH_KMALLOC_MINALIGN to every object, and code
 * relies on it (a u64 in a 12-byte struct): so must the header, though
 * goalloc's tiny allocator aligns a 12-byte object to 4 only.  Every size
 * of 1 to 64 bytes, four of each, interleaved so that tiny blocks are
 * shared, through kmalloc(), kzalloc(), kmalloc_node(), kcalloc() and a
 * krealloc() that grows each by a byte; ksize() covers the size asked.
 */
#define COMPAT_ALIGN_MAX	64
#define COMPAT_ALIGN_ROUNDS	4

static bool compat_aligned(const void *p)
{
	return p && goalloc_owns(p) &&
	       IS_ALIGNED((unsigned long)p, ARCH_KMALLOC_MINALIGN);
}

static void compat_align(struct compat_counts *cnt)
{
	unsigned int size, r, n = 0, bad = 0, badsize = 0;
	void **objs;

	objs = kcalloc(COMPAT_ALIGN_MAX * COMPAT_ALIGN_ROUNDS * 4,
		       sizeof(void *), GFP_KERNEL);
	CHECK(cnt, objs);
	if (!objs)
		return;
	for (r = 0; r < COMPAT_ALIGN_ROUNDS; r++) {
		for (size = 1; size <= COMPAT_ALIGN_MAX; size++) {
			void *p[4];
			unsigned int i;

			p[0] = kmalloc(size, GFP_KERNEL);
			p[1] = kzalloc(size, GFP_KERNEL);
			p[2] = kmalloc_node(size, GFP_KERNEL, NUMA_NO_NODE);
			p[3] = kcalloc(1, size, GFP_KERNEL);
			for (i = 0; i < 4; i++) {
				void *q;

				if (!compat_aligned(p[i]) || ksize(p[i]) < size)
					bad++;
				if (p[i])
					memset(p[i], size, size);
				q = p[i] ? krealloc(p[i], size + 1, GFP_KERNEL) :
					   NULL;
				if (q) {
					p[i] = q;
					if (!compat_aligned(q) ||
					    ksize(q) < size + 1 ||
					    memchr_inv(q, size, size))
						bad++;
				}
				objs[n++] = p[i];
			}
		}
	}
	for (size = 1; size <= COMPAT_ALIGN_MAX && !badsize; size++) {
		void *p = kmalloc(size, GFP_KERNEL);

		if (!compat_aligned(p))
			badsize = size;
		kfree(p);
	}
	if (badsize)
		pr_err("kmalloc(%u) is not aligned to %u bytes\n", badsize,
		       (unsigned int)ARCH_KMALLOC_MINALIGN);
	CHECK(cnt, bad == 0);
	while (n)
		kfree(objs[--n]);
	kfree(objs);
}

/* kfree_rcu() with an rcu_head and without one, on both kinds of memory. */
static void compat_rcu(struct compat_counts *cnt)
{
	static const struct compat_note tmpl = { .value = 42 };
	struct compat_note *n;
	char *s;

	n = kmalloc(sizeof(*n), GFP_KERNEL);
	CHECK(cnt, n && goalloc_owns(n));
	kfree_rcu(n, rcu);
	n = kmemdup(&tmpl, sizeof(tmpl), GFP_KERNEL);
	CHECK(cnt, n && !goalloc_owns(n) && n->value == 42);
	kfree_rcu(n, rcu);
	n = kzalloc(sizeof(*n), GFP_KERNEL);
	CHECK(cnt, n && goalloc_owns(n));
	kvfree_rcu(n, rcu);

	s = kmalloc(40, GFP_KERNEL);
	CHECK(cnt, s && goalloc_owns(s));
	kfree_rcu_mightsleep(s);
	s = kstrdup("headless", GFP_KERNEL);
	CHECK(cnt, s && !goalloc_owns(s));
	kfree_rcu_mightsleep(s);
}

static int __init compat_selftest_init(void)
{
	struct compat_counts cnt = { 0, 0 };
	struct goalloc_memstats *ms;
	unsigned long misuse = goalloc_misuse_count();
	u64 mallocs;

	ms = kmalloc(sizeof(*ms), GFP_KERNEL);
	if (!ms)
		return -ENOMEM;
	goalloc_read_memstats(ms);
	mallocs = ms->mallocs;

	compat_foreign(&cnt);
	compat_goalloc(&cnt);
	compat_align(&cnt);
	compat_rcu(&cnt);
	compat_selftest_caches(&cnt);

	goalloc_read_memstats(ms);
	pr_info("goalloc served %llu allocations\n", ms->mallocs - mallocs);
	CHECK(&cnt, ms->mallocs - mallocs >= 20);
	kfree(ms);
	/* A foreign pointer that reached goalloc would be counted here. */
	CHECK(&cnt, goalloc_misuse_count() == misuse);

	if (cnt.failures) {
		pr_err("%u of %u checks failed\n", cnt.failures, cnt.checks);
		return -EINVAL;
	}
	pr_info("all %u checks passed\n", cnt.checks);
	return 0;
}

static void __exit compat_selftest_exit(void)
{
}

module_init(compat_selftest_init);
module_exit(compat_selftest_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("goalloc_compat_selftest: what include/goalloc_compat.h redirects, checked");
