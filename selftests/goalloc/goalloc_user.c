// SPDX-License-Identifier: GPL-2.0
/*
 * goalloc_user: goalloc driven from user space, on kselftest_harness.h.
 *
 * goalloc's API is for kernel code, so these tests drive it through the
 * test module's debugfs files (test_modules/test_goalloc.c explains the
 * commands): allocate and free through every size class and through
 * caches, check that the memory holds what was written, and misuse it.
 * Each misuse must be reported exactly once (goalloc_misuse_count() grows
 * by one) and be harmless: the objects around it keep their contents,
 * goalloc keeps allocating, and the live object count returns to where it
 * was.  Then goalloc's own debugfs files (caches, heap, cache/<name>/) are
 * checked against what the test allocated, and so is goallocstat's table.
 * A test whose file this goalloc does not have is skipped.
 *
 * The test module is loaded (modprobe test_goalloc) if it is not, and
 * removed again at the end.  Run as root; TAP on stdout.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define TG_DIR		"/sys/kernel/debug/test_goalloc"
#define GA_DIR		"/sys/kernel/debug/goalloc"
#define TG_SLOTS	16384
#define TG_CACHES	8
#define GOALLOC_POISON	0x4

static char goallocstat[PATH_MAX] = "./goallocstat";

/* One command to the test module: 0, or -errno. */
static int tg_cmd(const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int fd, len, ret = 0;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fd = open(TG_DIR "/ctl", O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

/* The value of @key in a file of "key value" lines, or -1. */
static long long read_key(const char *path, const char *key)
{
	char k[128];
	long long v, found = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fscanf(f, "%127s %lld", k, &v) == 2) {
		if (!strcmp(k, key)) {
			found = v;
			break;
		}
	}
	fclose(f);
	return found;
}

static int has_key(const char *path, const char *key)
{
	if (read_key(path, key) >= 0)
		return 1;
	fprintf(stderr, "# %s has no key %s\n", path, key);
	return 0;
}

static long long misuse_count(void)
{
	long long v = -1;
	FILE *f = fopen(TG_DIR "/misuse", "r");

	if (f) {
		if (fscanf(f, "%lld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static long long heap_objects(void)
{
	return read_key(TG_DIR "/stats", "heap_objects");
}

/* A line of goalloc's caches file. */
struct cache_line {
	unsigned long long active, objs, size, perspan, pages, spans, partial,
			   cpu;
};

/* Find cache @name in the caches file: 1 found, 0 not, -1 no file. */
static int find_cache(const char *name, struct cache_line *c)
{
	char line[512], n[128];
	int found = 0;
	FILE *f = fopen(GA_DIR "/caches", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || !strncmp(line, "goalloc caches", 14))
			continue;
		if (sscanf(line, "%127s %llu %llu %llu %llu %llu %llu %llu %llu",
			   n, &c->active, &c->objs, &c->size, &c->perspan,
			   &c->pages, &c->spans, &c->partial, &c->cpu) == 9 &&
		    !strcmp(n, name)) {
			found = 1;
			break;
		}
	}
	fclose(f);
	return found;
}

static void release_everything(void)
{
	int i;

	tg_cmd("free 0 %d", TG_SLOTS);
	for (i = 0; i < TG_CACHES; i++)
		tg_cmd("destroy %d", i);
}

/*
 * goalloc still works: every size class allocates, keeps what is written
 * and frees; nothing is reported; the live objects are back to @objects.
 */
static void still_works(struct __test_metadata *_metadata, long long objects)
{
	static const unsigned int sizes[] = { 5, 64, 200, 1000, 4096, 32768,
					      100000 };
	long long misuse = misuse_count();
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		ASSERT_EQ(0, tg_cmd("malloc 1000 50 %u", sizes[i]));
		ASSERT_EQ(0, tg_cmd("fill 1000 50"));
		ASSERT_EQ(0, tg_cmd("check 1000 50"));
		ASSERT_EQ(0, tg_cmd("free 1000 50"));
	}
	EXPECT_EQ(misuse, misuse_count());
	EXPECT_EQ(objects, heap_objects());
}

/*
 * Both fixtures start alike: nothing of test_goalloc's held, and goalloc's
 * misuse count and live objects noted as the baseline.
 */
static void tg_baseline(struct __test_metadata *_metadata, long long *misuse,
			long long *objects)
{
	release_everything();
	*misuse = misuse_count();
	*objects = heap_objects();
	ASSERT_LE(0, *misuse);
	ASSERT_LE(0, *objects);
}

FIXTURE(tg) {
	long long misuse, objects;
};

FIXTURE_SETUP(tg)
{
	if (access(TG_DIR "/ctl", W_OK))
		SKIP(return, "test_goalloc is not loaded (%s)", strerror(errno));
	tg_baseline(_metadata, &self->misuse, &self->objects);
}

FIXTURE_TEARDOWN(tg)
{
	release_everything();
}

/* Every size class, tiny to large, through goalloc_malloc(). */
TEST_F(tg, malloc_every_size)
{
	static const unsigned int sizes[] = {
		1, 5, 8, 15, 16, 24, 100, 500, 1000, 2048, 4096, 8192, 32768,
		32769, 65536, 1 << 20, 2 << 20, 4 << 20,
	};
	unsigned int i, n;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		n = sizes[i] <= 32768 ? 300 : 4;
		ASSERT_EQ(0, tg_cmd("malloc 0 %u %u", n, sizes[i]))
			TH_LOG("goalloc_malloc(%u)", sizes[i]);
		ASSERT_EQ(0, tg_cmd("fill 0 %u", n));
		ASSERT_EQ(0, tg_cmd("check 0 %u", n));
		ASSERT_EQ(0, tg_cmd("free 0 %u", n));
	}
	EXPECT_EQ(self->objects, heap_objects());
	EXPECT_EQ(self->misuse, misuse_count());
}

/* A cache's life: create, thousands of objects, shrink, destroy. */
TEST_F(tg, cache_lifecycle)
{
	ASSERT_EQ(0, tg_cmd("create 0 ksft_objs 200 0"));
	ASSERT_EQ(0, tg_cmd("alloc 0 0 5000"));
	EXPECT_EQ(5000, read_key(TG_DIR "/stats", "held"));
	EXPECT_EQ(self->objects + 5000, heap_objects());
	ASSERT_EQ(0, tg_cmd("fill 0 5000"));
	ASSERT_EQ(0, tg_cmd("check 0 5000"));
	ASSERT_EQ(0, tg_cmd("free 0 2500"));
	ASSERT_EQ(0, tg_cmd("shrink 0"));
	ASSERT_EQ(0, tg_cmd("check 2500 2500"));
	ASSERT_EQ(0, tg_cmd("free 2500 2500"));
	ASSERT_EQ(0, tg_cmd("shrink 0"));
	ASSERT_EQ(0, tg_cmd("destroy 0"));
	EXPECT_EQ(self->objects, heap_objects());
	EXPECT_EQ(self->misuse, misuse_count());
}

/* A debug cache (GOALLOC_POISON) does the same work as a plain one. */
TEST_F(tg, debug_cache)
{
	ASSERT_EQ(0, tg_cmd("create 0 ksft_debug 100 %x", GOALLOC_POISON));
	ASSERT_EQ(0, tg_cmd("alloc 0 0 1000"));
	ASSERT_EQ(0, tg_cmd("fill 0 1000"));
	ASSERT_EQ(0, tg_cmd("check 0 1000"));
	ASSERT_EQ(0, tg_cmd("free 0 1000"));
	ASSERT_EQ(0, tg_cmd("destroy 0"));
	EXPECT_EQ(self->objects, heap_objects());
	EXPECT_EQ(self->misuse, misuse_count());
}

/* Bad calls: reported once each (or not at all when they are allowed). */
FIXTURE(misuse) {
	long long misuse, objects;
};

FIXTURE_VARIANT(misuse) {
	const char *kind;	/* test_goalloc's misuse KIND */
	int cache_flags;	/* create cache 0 with these, -1: no cache */
	unsigned int live;	/* objects of cache 0 live around the misuse */
	long long reports;	/* how many reports it must cause */
};

FIXTURE_VARIANT_ADD(misuse, double_free) { "double_free", -1, 0, 1 };
FIXTURE_VARIANT_ADD(misuse, tiny_double_free) { "tiny_double_free", -1, 0, 1 };
FIXTURE_VARIANT_ADD(misuse, large_double_free) { "large_double_free", -1, 0, 1 };
FIXTURE_VARIANT_ADD(misuse, cache_double_free) { "cache_double_free", 0, 100, 1 };
FIXTURE_VARIANT_ADD(misuse, debug_cache_double_free) {
	"cache_double_free", GOALLOC_POISON, 100, 1 };
FIXTURE_VARIANT_ADD(misuse, interior) { "interior", -1, 0, 1 };
FIXTURE_VARIANT_ADD(misuse, foreign) { "foreign", -1, 0, 1 };
FIXTURE_VARIANT_ADD(misuse, foreign_cache) { "foreign_cache", 0, 100, 1 };
FIXTURE_VARIANT_ADD(misuse, wrong_cache) { "wrong_cache", 0, 100, 1 };
FIXTURE_VARIANT_ADD(misuse, calloc_overflow) { "calloc_overflow", -1, 0, 1 };
FIXTURE_VARIANT_ADD(misuse, too_large) { "too_large", -1, 0, 1 };
FIXTURE_VARIANT_ADD(misuse, destroy_live) { "destroy_live", 0, 100, 1 };
FIXTURE_VARIANT_ADD(misuse, too_large_nowarn) { "too_large_nowarn", -1, 0, 0 };
FIXTURE_VARIANT_ADD(misuse, free_null) { "free_null", -1, 0, 0 };

FIXTURE_SETUP(misuse)
{
	if (access(TG_DIR "/ctl", W_OK))
		SKIP(return, "test_goalloc is not loaded (%s)", strerror(errno));
	tg_baseline(_metadata, &self->misuse, &self->objects);
}

FIXTURE_TEARDOWN(misuse)
{
	release_everything();
}

TEST_F(misuse, reported_and_harmless)
{
	long long before;

	if (variant->cache_flags >= 0)
		ASSERT_EQ(0, tg_cmd("create 0 ksft_misuse 128 %x",
				    variant->cache_flags));
	if (variant->live) {
		ASSERT_EQ(0, tg_cmd("alloc 0 0 %u", variant->live));
		ASSERT_EQ(0, tg_cmd("fill 0 %u", variant->live));
	}

	before = misuse_count();
	ASSERT_EQ(0, tg_cmd("misuse %s 0", variant->kind));
	EXPECT_EQ(variant->reports, misuse_count() - before);

	/* The objects around it are untouched, and can be freed. */
	if (variant->live) {
		EXPECT_EQ(0, tg_cmd("check 0 %u", variant->live));
		ASSERT_EQ(0, tg_cmd("free 0 %u", variant->live));
	}
	if (variant->cache_flags >= 0)
		ASSERT_EQ(0, tg_cmd("destroy 0"));
	EXPECT_EQ(self->objects, heap_objects());
	still_works(_metadata, self->objects);
}

/* goalloc's caches file lists a cache with the objects allocated from it. */
TEST_F(tg, caches_file)
{
	struct cache_line c;
	char line[256];
	FILE *f;
	int builtin = 0;

	f = fopen(GA_DIR "/caches", "r");
	if (!f)
		SKIP(return, "no %s/caches", GA_DIR);
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	EXPECT_STREQ("goalloc caches - version: 1\n", line);
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	EXPECT_EQ(0, strncmp(line, "# name <active_objs> <num_objs> <objsize>", 41));
	while (fgets(line, sizeof(line), f))
		builtin += !strncmp(line, "goalloc-", 8);
	fclose(f);
	/* 67 size classes and the tiny cache. */
	EXPECT_EQ(68, builtin);

	ASSERT_EQ(0, tg_cmd("create 0 ksft_caches 200 0"));
	ASSERT_EQ(0, tg_cmd("alloc 0 0 300"));
	ASSERT_EQ(1, find_cache("ksft_caches", &c));
	EXPECT_LE(300, c.active);
	EXPECT_LE(c.active, c.objs);
	EXPECT_LE(200, c.size);
	EXPECT_LE(1, c.spans);
	EXPECT_EQ(c.spans * c.perspan, c.objs);
	EXPECT_LE(c.partial, c.spans);
	ASSERT_EQ(0, tg_cmd("free 0 300"));
	ASSERT_EQ(0, tg_cmd("shrink 0"));
	ASSERT_EQ(1, find_cache("ksft_caches", &c));
	EXPECT_EQ(0, c.active);
	EXPECT_EQ(0, c.cpu);
	ASSERT_EQ(0, tg_cmd("destroy 0"));
	EXPECT_EQ(0, find_cache("ksft_caches", &c));
}

/* The heap file has every key, and counts the misuse reports. */
TEST_F(tg, heap_file)
{
	static const char * const keys[] = {
		"arenas", "arena_bytes", "pages_inuse", "pages_free",
		"pages_released", "reserve_arenas", "arena_grows",
		"arena_releases", "shrinker_scans", "shrinker_freed",
		"release_runs", "misuse_reports",
	};
	unsigned int i, missing = 0;

	if (access(GA_DIR "/heap", R_OK))
		SKIP(return, "no %s/heap", GA_DIR);
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		missing += has_key(GA_DIR "/heap", keys[i]) ? 0 : 1;
	EXPECT_EQ(0, missing);
	EXPECT_EQ(misuse_count(), read_key(GA_DIR "/heap", "misuse_reports"));
	EXPECT_LE(1, read_key(GA_DIR "/heap", "arenas"));
}

/* cache/<name>/events counts, cache/<name>/shrink shrinks, names repeat. */
TEST_F(tg, cache_directory)
{
	static const char * const keys[] = {
		"alloc_fastpath", "free_fastpath", "array_pop", "array_push",
		"alloc_slowpath", "free_slowpath", "cpu_span_refill",
		"array_flush", "span_sweep", "span_grow", "span_release",
		"drain",
	};
	const char *events = GA_DIR "/cache/ksft_dir/events";
	struct cache_line c;
	unsigned int i, missing = 0;
	int fd;

	if (access(GA_DIR "/cache", R_OK))
		SKIP(return, "no %s/cache/", GA_DIR);
	ASSERT_EQ(0, tg_cmd("create 0 ksft_dir 300 0"));
	ASSERT_EQ(0, tg_cmd("create 1 ksft_dir 300 0"));
	EXPECT_EQ(0, access(GA_DIR "/cache/ksft_dir/events", R_OK));
	EXPECT_EQ(0, access(GA_DIR "/cache/ksft_dir:2/events", R_OK));

	ASSERT_EQ(0, tg_cmd("alloc 0 0 500"));
	ASSERT_EQ(0, tg_cmd("free 0 500"));
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		missing += has_key(events, keys[i]) ? 0 : 1;
	EXPECT_EQ(0, missing);
	EXPECT_EQ(500, read_key(events, "alloc_fastpath") +
		       read_key(events, "alloc_slowpath"));
	EXPECT_EQ(500, read_key(events, "free_fastpath") +
		       read_key(events, "free_slowpath"));
	EXPECT_LE(1, read_key(events, "span_grow"));

	fd = open(GA_DIR "/cache/ksft_dir/shrink", O_WRONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(1, write(fd, "1", 1));
	close(fd);
	if (find_cache("ksft_dir", &c) == 1)
		EXPECT_EQ(0, c.cpu);
	EXPECT_LE(1, read_key(events, "drain"));

	ASSERT_EQ(0, tg_cmd("destroy 0"));
	ASSERT_EQ(0, tg_cmd("destroy 1"));
	EXPECT_NE(0, access(GA_DIR "/cache/ksft_dir", F_OK));
	EXPECT_NE(0, access(GA_DIR "/cache/ksft_dir:2", F_OK));
}

/* Run goallocstat ARGS; its output in @out, its exit status returned. */
static int run_goallocstat(const char *args, char *out, size_t size)
{
	char cmd[PATH_MAX + 128];
	size_t n = 0, r;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", goallocstat, args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (n + 1 < size && (r = fread(out + n, 1, size - n - 1, p)) > 0)
		n += r;
	out[n] = '\0';
	r = pclose(p);
	return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

/* goallocstat's table shows a cache with the objects allocated from it. */
TEST_F(tg, goallocstat)
{
	static char out[1 << 16];
	struct cache_line c;
	unsigned long long active = 0, objs = 0;
	char *line, name[128];

	if (access(GA_DIR "/caches", R_OK))
		SKIP(return, "no %s/caches", GA_DIR);
	if (access(goallocstat, X_OK))
		SKIP(return, "no goallocstat beside this program");
	ASSERT_EQ(0, tg_cmd("create 0 ksft_stat 200 0"));
	ASSERT_EQ(0, tg_cmd("alloc 0 0 123"));
	ASSERT_EQ(1, find_cache("ksft_stat", &c));

	ASSERT_EQ(0, run_goallocstat("-s active", out, sizeof(out)));
	ASSERT_NE(NULL, strstr(out, "Active / Total Objects"));
	ASSERT_NE(NULL, strstr(out, "ACTIVE"));
	for (line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		if (sscanf(line, "%llu %llu %*s %*s %*s %*s %*s %*s %*s %*s %127s",
			   &active, &objs, name) == 3 &&
		    !strcmp(name, "ksft_stat"))
			break;
	}
	ASSERT_NE(NULL, line) TH_LOG("ksft_stat is not in goallocstat's table");
	EXPECT_EQ(c.active, active);
	EXPECT_EQ(c.objs, objs);
	EXPECT_LE(123, active);

	/* Refreshing: -d with -n prints that many tables. */
	ASSERT_EQ(0, run_goallocstat("-d 0.1 -n 2 -s name", out, sizeof(out)));
	line = strstr(out, "ACTIVE");
	ASSERT_NE(NULL, line);
	EXPECT_NE(NULL, strstr(line + 1, "ACTIVE"));
	/* goalloc's directory missing reads as goalloc not loaded. */
	EXPECT_EQ(3, run_goallocstat("-r /nonexistent/goalloc", out,
				     sizeof(out)));
	EXPECT_EQ(1, run_goallocstat("-s bogus", out, sizeof(out)));
}

/* Load test_goalloc if it is not loaded; 1 if this program loaded it. */
static int load_module(void)
{
	if (!access(TG_DIR "/ctl", F_OK))
		return 0;
	if (system("modprobe -q test_goalloc") == 0 &&
	    !access(TG_DIR "/ctl", F_OK))
		return 1;
	return 0;
}

int main(int argc, char **argv)
{
	int loaded, ret;
	char *slash;

	/* goallocstat is installed beside this program. */
	slash = strrchr(argv[0], '/');
	if (slash)
		snprintf(goallocstat, sizeof(goallocstat), "%.*s/goallocstat",
			 (int)(slash - argv[0]), argv[0]);
	loaded = load_module();
	ret = test_harness_run(argc, argv);
	if (loaded && system("rmmod test_goalloc"))
		ret = KSFT_FAIL;
	return ret;
}
