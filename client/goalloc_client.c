// SPDX-License-Identifier: GPL-2.0
/*
 * goalloc_client: a module that uses goalloc the way any other module
 * would, through <goalloc.h> alone, with MODULE_IMPORT_NS(GOALLOC_NS), built
 * out of tree against goalloc's Module.symvers (see Kbuild and Makefile
 * here).  It is both an example to copy and a smoke test that runs on
 * every kernel goalloc is built for: make check loads it on Debian's stock
 * kernel, make run shows what it prints.
 *
 * At load it creates two caches (sessions, whose constructor runs once per
 * object slot, and cache-line aligned buffers), allocates and frees
 * through the cache API, bulk and one by one, and through the malloc
 * family at tiny, small and large sizes, grows an object with
 * goalloc_realloc(), frees one after an RCU grace period, and prints what
 * it did and goalloc's statistics under Go's names.  Every object is
 * checked before it is freed; a mismatch fails the load.  The sessions
 * live until unload, which frees them, destroys the caches and prints the
 * statistics again.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#include <goalloc.h>

#define CLIENT_SESSIONS		8
#define CLIENT_BULK		32
#define CLIENT_BUFFER_SIZE	1000
#define SESSION_MAGIC		0x5e55104eU

struct client_session {
	u32 magic;
	u32 id;
	struct list_head node;
	char name[40];
};

struct client_note {
	struct rcu_head rcu;
	char text[64];
};

static struct goalloc_cache *session_cache;
static struct goalloc_cache *buffer_cache;
static LIST_HEAD(sessions);
static atomic_t session_ctor_calls = ATOMIC_INIT(0);

/* Runs once per object slot, when goalloc cuts a new span for the cache. */
static void session_ctor(void *obj)
{
	struct client_session *s = obj;

	s->magic = SESSION_MAGIC;
	s->id = 0;
	INIT_LIST_HEAD(&s->node);
	memset(s->name, 0, sizeof(s->name));
	atomic_inc(&session_ctor_calls);
}

static void client_print_memstats(const char *when)
{
	struct goalloc_memstats *ms;

	/* The statistics are large (per-class counts): not on the stack. */
	ms = goalloc_malloc(sizeof(*ms), GFP_KERNEL);
	if (!ms) {
		pr_info("%s: no memory for the statistics\n", when);
		return;
	}
	goalloc_read_memstats(ms);
	pr_info("%s: HeapAlloc=%llu HeapSys=%llu HeapIdle=%llu HeapInuse=%llu HeapReleased=%llu\n",
		when, ms->heap_alloc, ms->heap_sys, ms->heap_idle,
		ms->heap_inuse, ms->heap_released);
	pr_info("%s: Mallocs=%llu Frees=%llu HeapObjects=%llu TinyAllocs=%llu Arenas=%llu LargeObjects=%llu\n",
		when, ms->mallocs, ms->frees, ms->heap_objects, ms->tiny_allocs,
		ms->arenas, ms->large_objects);
	goalloc_free(ms);
}

/* Sessions from the constructed cache; they live until unload. */
static int client_sessions(void)
{
	struct client_session *s;
	unsigned int i;

	for (i = 0; i < CLIENT_SESSIONS; i++) {
		s = goalloc_cache_alloc(session_cache, GFP_KERNEL);
		if (!s)
			return -ENOMEM;
		if (s->magic != SESSION_MAGIC || !list_empty(&s->node)) {
			pr_err("session %u was not constructed\n", i);
			goalloc_cache_free(session_cache, s);
			return -EIO;
		}
		s->id = i;
		snprintf(s->name, sizeof(s->name), "session-%u", i);
		list_add_tail(&s->node, &sessions);
	}
	pr_info("cache %s: %u sessions of %u bytes, constructor ran %d times\n",
		"goalloc_client_session", CLIENT_SESSIONS,
		goalloc_cache_size(session_cache), atomic_read(&session_ctor_calls));
	return 0;
}

static void client_free_sessions(void)
{
	struct client_session *s, *next;

	list_for_each_entry_safe(s, next, &sessions, node) {
		/* Back to the constructed state, as with kmem_cache. */
		list_del_init(&s->node);
		s->id = 0;
		memset(s->name, 0, sizeof(s->name));
		goalloc_cache_free(session_cache, s);
	}
}

/* Buffers: bulk allocation and free, then one by one. */
static int client_buffers(void)
{
	void *objs[CLIENT_BULK];
	unsigned int i;
	int err = 0;
	u8 *b;

	if (goalloc_cache_alloc_bulk(buffer_cache, GFP_KERNEL, CLIENT_BULK,
				     objs) != CLIENT_BULK)
		return -ENOMEM;
	for (i = 0; i < CLIENT_BULK; i++)
		memset(objs[i], i, CLIENT_BUFFER_SIZE);
	for (i = 0; i < CLIENT_BULK && !err; i++) {
		b = objs[i];
		if (b[0] != i || b[CLIENT_BUFFER_SIZE - 1] != i)
			err = -EIO;
	}
	goalloc_cache_free_bulk(buffer_cache, CLIENT_BULK, objs);
	if (err) {
		pr_err("bulk buffers do not hold what was written\n");
		return err;
	}

	b = goalloc_cache_alloc(buffer_cache, GFP_KERNEL | __GFP_ZERO);
	if (!b)
		return -ENOMEM;
	if (memchr_inv(b, 0, CLIENT_BUFFER_SIZE))
		err = -EIO;
	goalloc_cache_free(buffer_cache, b);
	if (err) {
		pr_err("a __GFP_ZERO buffer is not zeroed\n");
		return err;
	}
	pr_info("cache %s: %u buffers of %u bytes in bulk, then one zeroed\n",
		"goalloc_client_buffer", CLIENT_BULK,
		goalloc_cache_size(buffer_cache));
	return 0;
}

/* The malloc family: tiny, small and large objects, calloc, realloc. */
static int client_malloc_family(void)
{
	static const size_t sizes[] = { 5, 200, 100 * 1024 };
	void *objs[ARRAY_SIZE(sizes)];
	unsigned int i;
	u8 *p, *q;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		objs[i] = goalloc_malloc(sizes[i], GFP_KERNEL);
		if (!objs[i]) {
			while (i--)
				goalloc_free(objs[i]);
			return -ENOMEM;
		}
		memset(objs[i], 0x5a, sizes[i]);
		pr_info("goalloc_malloc(%zu) = %s object of %zu usable bytes\n",
			sizes[i], sizes[i] < 16 ? "a tiny" :
			sizes[i] <= 32768 ? "a small" : "a large",
			goalloc_size(objs[i]));
	}
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		goalloc_free(objs[i]);

	p = goalloc_calloc(16, 64, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	if (memchr_inv(p, 0, 16 * 64))
		err = -EIO;
	goalloc_free(p);
	if (err) {
		pr_err("goalloc_calloc() memory is not zeroed\n");
		return err;
	}

	/* Grow from a small object to a large one; the contents follow. */
	p = goalloc_malloc(200, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	for (i = 0; i < 200; i++)
		p[i] = i;
	q = goalloc_realloc(p, 5000, GFP_KERNEL);
	if (q)
		p = q;
	q = q ? goalloc_realloc(p, 100 * 1024, GFP_KERNEL) : NULL;
	if (!q) {
		goalloc_free(p);
		return -ENOMEM;
	}
	for (i = 0; i < 200 && !err; i++)
		if (q[i] != (u8)i)
			err = -EIO;
	pr_info("goalloc_realloc: 200 -> 5000 -> %u bytes, contents %s\n",
		100 * 1024, err ? "lost" : "kept");
	goalloc_free(q);
	return err;
}

/* A note freed after an RCU grace period. */
static int client_free_rcu(void)
{
	struct client_note *note = goalloc_malloc(sizeof(*note), GFP_KERNEL);

	if (!note)
		return -ENOMEM;
	strscpy(note->text, "freed after a grace period", sizeof(note->text));
	goalloc_free_rcu(note, rcu);
	pr_info("goalloc_free_rcu: one note queued\n");
	return 0;
}

static void client_destroy_caches(void)
{
	goalloc_cache_destroy(buffer_cache);
	goalloc_cache_destroy(session_cache);
}

static int __init goalloc_client_init(void)
{
	int err;

	session_cache = goalloc_cache_create("goalloc_client_session",
					     sizeof(struct client_session), 0, 0,
					     session_ctor);
	buffer_cache = goalloc_cache_create("goalloc_client_buffer",
					    CLIENT_BUFFER_SIZE, 0,
					    GOALLOC_HWCACHE_ALIGN, NULL);
	if (!session_cache || !buffer_cache) {
		client_destroy_caches();
		return -ENOMEM;
	}

	err = client_sessions();
	if (!err)
		err = client_buffers();
	if (!err)
		err = client_malloc_family();
	if (!err)
		err = client_free_rcu();
	if (err) {
		pr_err("failed: %d\n", err);
		client_free_sessions();
		client_destroy_caches();
		return err;
	}
	client_print_memstats("loaded");
	return 0;
}

static void __exit goalloc_client_exit(void)
{
	client_free_sessions();
	client_destroy_caches();
	goalloc_reclaim();
	client_print_memstats("unloaded");
}

module_init(goalloc_client_init);
module_exit(goalloc_client_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("goalloc_client: an example module that allocates with goalloc");
MODULE_IMPORT_NS(GOALLOC_NS);
