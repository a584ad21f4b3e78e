// SPDX-License-Identifier: GPL-2.0
/*
 * goallocstat: goalloc's caches as slabtop shows SLUB's.  goalloc keeps
 * its state in debugfs (/sys/kernel/debug/goalloc/): "caches" has a line
 * per cache in the manner of /proc/slabinfo, "heap" and "memstats" hold
 * the page heap's and Go's figures as "key value" lines.  This program
 * reads them and prints a summary and a table of the caches, once, or
 * again every -d seconds on a cleared screen, sorted by any column.
 *
 * It is plain C with nothing but libc, so that it builds statically for
 * the busybox guests make check boots (tools/qemu.sh) and runs on any
 * machine that loads goalloc.  -r DIR (or GOALLOCSTAT_ROOT) reads the
 * files from another directory, such as a saved copy (testdata/ here).
 *
 * Exit status: 0 when the table was printed, 1 for bad usage or an
 * unexpected error, 2 when debugfs is not mounted, 3 when goalloc is not
 * loaded, 4 when debugfs may not be read (not root), 5 when the caches
 * file is not in the format this program knows.
 */
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#define DEBUGFS_DIR		"/sys/kernel/debug"
#define DEBUGFS_MAGIC		0x64626720
#define CACHES_HEADER		"goalloc caches - version: 1"
#define NAME_MAX_LEN		128
#define MAX_KEYS		64

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

enum exit_code {
	EXIT_OK = 0,
	EXIT_USAGE = 1,
	EXIT_NO_DEBUGFS = 2,
	EXIT_NOT_LOADED = 3,
	EXIT_NO_PERMISSION = 4,
	EXIT_BAD_FORMAT = 5,
};

struct cache_row {
	char name[NAME_MAX_LEN];
	unsigned long long active;	/* active_objs */
	unsigned long long objs;	/* num_objs */
	unsigned long long size;	/* objsize, bytes */
	unsigned long long perspan;	/* objperspan */
	unsigned long long pages;	/* pagesperspan, kernel pages */
	unsigned long long spans;
	unsigned long long partial;
	unsigned long long cpu;		/* cpu_objs */
	unsigned long long bytes;	/* spans * pages * page size */
	double use;			/* active / objs, percent */
};

struct kv {
	char key[64];
	unsigned long long value;
};

struct kv_table {
	unsigned int n;
	struct kv kv[MAX_KEYS];
};

enum sort_key {
	SORT_ACTIVE, SORT_OBJS, SORT_USE, SORT_SIZE, SORT_SPANS,
	SORT_PERSPAN, SORT_PAGES, SORT_PARTIAL, SORT_CPU, SORT_CACHESIZE,
	SORT_NAME, SORT_NKEYS
};

/* The column a numeric key sorts by, in struct cache_row. */
#define ROW_FIELD(f)	offsetof(struct cache_row, f)

/*
 * The -s keys, in the order of the table's columns and of enum sort_key,
 * each with the field it sorts by; USE (a double) and NAME (ascending)
 * have none and are compared apart.
 */
static const struct {
	const char *name;
	size_t field;
	const char *help;
} sort_keys[] = {
	{ "active", ROW_FIELD(active), "objects in use (ACTIVE)" },
	{ "objs", ROW_FIELD(objs), "object slots in the cache's spans (OBJS)" },
	{ "use", 0, "ACTIVE as a percentage of OBJS (USE)" },
	{ "size", ROW_FIELD(size), "object size (OBJ SIZE)" },
	{ "spans", ROW_FIELD(spans), "spans (SPANS)" },
	{ "perspan", ROW_FIELD(perspan), "objects per span (OBJ/SPAN)" },
	{ "pages", ROW_FIELD(pages), "kernel pages per span (PAGES/SPAN)" },
	{ "partial", ROW_FIELD(partial), "partially used spans (PARTIAL)" },
	{ "cpu", ROW_FIELD(cpu), "free objects held by CPUs (CPU)" },
	{ "cachesize", ROW_FIELD(bytes), "memory in the spans (CACHE SIZE)" },
	{ "name", 0, "cache name, ascending (NAME)" },
};

static_assert(ARRAY_SIZE(sort_keys) == SORT_NKEYS, "a -s key per sort_key");

static const char *prog = "goallocstat";
static enum sort_key sort_by = SORT_OBJS;
static long page_size;

static _Noreturn void fail(int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

static void print_help(FILE *f)
{
	unsigned int i;

	fprintf(f,
		"usage: %s [-s KEY] [-d SECONDS [-n COUNT]] [-r DIR]\n"
		"Show goalloc's caches (from debugfs), like slabtop.\n"
		"  -s KEY      sort by KEY (default objs), one of:\n",
		prog);
	for (i = 0; i < ARRAY_SIZE(sort_keys); i++)
		fprintf(f, "                %-10s %s\n", sort_keys[i].name,
			sort_keys[i].help);
	fprintf(f,
		"  -d SECONDS  refresh every SECONDS on a cleared screen\n"
		"  -n COUNT    stop after COUNT tables (default: 1 without -d,\n"
		"              until interrupted with -d)\n"
		"  -r DIR      read goalloc's files from DIR instead of\n"
		"              %s/goalloc (also: GOALLOCSTAT_ROOT=DIR)\n"
		"exit status: 0 ok, 1 usage or error, 2 debugfs not mounted,\n"
		"3 goalloc not loaded, 4 permission denied, 5 bad file format\n",
		DEBUGFS_DIR);
}

/* Is debugfs mounted where goalloc's files are expected? */
static void check_debugfs(void)
{
	struct statfs st;

	if (statfs(DEBUGFS_DIR, &st) || st.f_type != DEBUGFS_MAGIC)
		fail(EXIT_NO_DEBUGFS,
		     "debugfs is not mounted on %s (mount it with: mount -t debugfs none %s)",
		     DEBUGFS_DIR, DEBUGFS_DIR);
}

/* Is goalloc's directory there and readable? */
static void check_root(const char *root, int explicit)
{
	if (access(root, R_OK | X_OK) == 0)
		return;
	if (errno == EACCES)
		fail(EXIT_NO_PERMISSION,
		     "cannot read %s: permission denied (debugfs needs root)",
		     root);
	if (errno == ENOENT && explicit)
		fail(EXIT_NOT_LOADED, "%s does not exist", root);
	if (errno == ENOENT)
		fail(EXIT_NOT_LOADED,
		     "goalloc is not loaded (no %s; load it with: insmod goalloc.ko)",
		     root);
	fail(EXIT_USAGE, "cannot read %s: %s", root, strerror(errno));
}

static FILE *open_file(const char *root, const char *name, int must)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	f = fopen(path, "r");
	if (f || !must)
		return f;
	if (errno == EACCES)
		fail(EXIT_NO_PERMISSION, "cannot read %s: permission denied",
		     path);
	if (errno == ENOENT) {
		/* Gone since the last table: goalloc was unloaded. */
		if (access(root, F_OK))
			fail(EXIT_NOT_LOADED, "goalloc is not loaded (no %s)",
			     root);
		fail(EXIT_BAD_FORMAT,
		     "%s is missing: this goalloc has no caches file", path);
	}
	fail(EXIT_USAGE, "cannot read %s: %s", path, strerror(errno));
}

/* Read a file of "key value" lines; a missing file leaves @t empty. */
static void read_kv(const char *root, const char *name, struct kv_table *t)
{
	char line[256], key[64];
	unsigned long long v;
	FILE *f = open_file(root, name, 0);

	t->n = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && t->n < MAX_KEYS) {
		if (sscanf(line, "%63s %llu", key, &v) != 2)
			continue;
		snprintf(t->kv[t->n].key, sizeof(t->kv[t->n].key), "%s", key);
		t->kv[t->n].value = v;
		t->n++;
	}
	fclose(f);
}

static int kv_get(const struct kv_table *t, const char *key,
		  unsigned long long *v)
{
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		if (!strcmp(t->kv[i].key, key)) {
			*v = t->kv[i].value;
			return 1;
		}
	}
	return 0;
}

/* Parse the caches file; returns the rows (malloc'ed) and their count. */
static struct cache_row *read_caches(const char *root, size_t *count)
{
	struct cache_row *rows = NULL, *r;
	size_t n = 0, cap = 0;
	char line[512], path[PATH_MAX];
	unsigned int lineno = 0;
	FILE *f = open_file(root, "caches", 1);

	snprintf(path, sizeof(path), "%s/caches", root);
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (lineno == 1) {
			if (strcmp(line, CACHES_HEADER))
				fail(EXIT_BAD_FORMAT,
				     "%s: first line is \"%s\", expected \"%s\"",
				     path, line, CACHES_HEADER);
			continue;
		}
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			rows = realloc(rows, cap * sizeof(*rows));
			if (!rows)
				fail(EXIT_USAGE, "out of memory");
		}
		r = &rows[n];
		memset(r, 0, sizeof(*r));
		if (sscanf(line, "%127s %llu %llu %llu %llu %llu %llu %llu %llu",
			   r->name, &r->active, &r->objs, &r->size, &r->perspan,
			   &r->pages, &r->spans, &r->partial, &r->cpu) != 9)
			fail(EXIT_BAD_FORMAT, "%s:%u: cannot parse \"%s\"",
			     path, lineno, line);
		r->bytes = r->spans * r->pages * (unsigned long long)page_size;
		r->use = r->objs ? 100.0 * r->active / r->objs : 0.0;
		n++;
	}
	fclose(f);
	if (lineno == 0)
		fail(EXIT_BAD_FORMAT, "%s is empty", path);
	*count = n;
	return rows;
}

static int cmp_ull(unsigned long long a, unsigned long long b)
{
	return a < b ? 1 : a > b ? -1 : 0;	/* descending */
}

static int cmp_rows(const void *pa, const void *pb)
{
	const struct cache_row *a = pa, *b = pb;
	size_t f = sort_keys[sort_by].field;
	int c = 0;

	if (sort_by == SORT_USE)
		c = a->use < b->use ? 1 : a->use > b->use ? -1 : 0;
	else if (sort_by != SORT_NAME)
		c = cmp_ull(*(const unsigned long long *)((const char *)a + f),
			    *(const unsigned long long *)((const char *)b + f));
	/* Ties, and the name sort: by name, ascending. */
	return c ? c : strcmp(a->name, b->name);
}

static double kib(unsigned long long bytes)
{
	return bytes / 1024.0;
}

static double pct(unsigned long long part, unsigned long long whole)
{
	return whole ? 100.0 * part / whole : 0.0;
}

static void print_kv(const struct kv_table *t, const char *label,
		     const char *key)
{
	unsigned long long v;

	if (kv_get(t, key, &v))
		printf(" %s %llu", label, v);
}

static void print_summary(const struct cache_row *rows, size_t n,
			  const struct kv_table *heap,
			  const struct kv_table *ms)
{
	unsigned long long active = 0, objs = 0, spans = 0, partial = 0;
	unsigned long long active_bytes = 0, bytes = 0, used = 0;
	unsigned long long min = 0, max = 0, sum = 0, v;
	size_t i;

	for (i = 0; i < n; i++) {
		active += rows[i].active;
		objs += rows[i].objs;
		spans += rows[i].spans;
		partial += rows[i].partial;
		active_bytes += rows[i].active * rows[i].size;
		bytes += rows[i].bytes;
		used += rows[i].active != 0;
		sum += rows[i].size;
		if (!i || rows[i].size < min)
			min = rows[i].size;
		if (rows[i].size > max)
			max = rows[i].size;
	}
	printf(" Active / Total Objects (%% used)    : %llu / %llu (%.1f%%)\n",
	       active, objs, pct(active, objs));
	printf(" Spans / Partial Spans              : %llu / %llu\n", spans,
	       partial);
	printf(" Active / Total Caches (%% used)     : %llu / %zu (%.1f%%)\n",
	       used, n, pct(used, n));
	printf(" Active / Total Size (%% used)       : %.2fK / %.2fK (%.1f%%)\n",
	       kib(active_bytes), kib(bytes), pct(active_bytes, bytes));
	printf(" Minimum / Average / Maximum Object : %.2fK / %.2fK / %.2fK\n",
	       kib(min), n ? kib(sum) / n : 0.0, kib(max));
	if (heap->n) {
		printf(" Heap:");
		print_kv(heap, "arenas", "arenas");
		if (kv_get(heap, "arena_bytes", &v))
			printf(" (%.2fK)", kib(v));
		print_kv(heap, "pages_inuse", "pages_inuse");
		print_kv(heap, "pages_free", "pages_free");
		print_kv(heap, "pages_released", "pages_released");
		printf("\n");
		printf("      ");
		print_kv(heap, "arena_grows", "arena_grows");
		print_kv(heap, "arena_releases", "arena_releases");
		print_kv(heap, "shrinker_freed", "shrinker_freed");
		print_kv(heap, "misuse_reports", "misuse_reports");
		printf("\n");
	}
	if (ms->n) {
		printf(" Go:");
		print_kv(ms, "Mallocs", "Mallocs");
		print_kv(ms, "Frees", "Frees");
		print_kv(ms, "HeapObjects", "HeapObjects");
		if (kv_get(ms, "HeapAlloc", &v))
			printf(" HeapAlloc %.2fK", kib(v));
		if (kv_get(ms, "HeapSys", &v))
			printf(" HeapSys %.2fK", kib(v));
		printf("\n");
	}
}

static void print_table(struct cache_row *rows, size_t n)
{
	size_t i;

	qsort(rows, n, sizeof(*rows), cmp_rows);
	printf("\n%8s %8s %4s %8s %6s %8s %10s %7s %6s %10s %s\n",
	       "ACTIVE", "OBJS", "USE", "OBJ SIZE", "SPANS", "OBJ/SPAN",
	       "PAGES/SPAN", "PARTIAL", "CPU", "CACHE SIZE", "NAME");
	for (i = 0; i < n; i++) {
		const struct cache_row *r = &rows[i];

		printf("%8llu %8llu %3.0f%% %7.2fK %6llu %8llu %10llu %7llu %6llu %9.1fK %s\n",
		       r->active, r->objs, r->use, kib(r->size), r->spans,
		       r->perspan, r->pages, r->partial, r->cpu, kib(r->bytes),
		       r->name);
	}
}

static int parse_sort_key(const char *s)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sort_keys); i++) {
		if (!strcasecmp(s, sort_keys[i].name)) {
			sort_by = (enum sort_key)i;
			return 0;
		}
	}
	return -1;
}

static void show(const char *root)
{
	struct kv_table heap, ms;
	struct cache_row *rows;
	size_t n;

	rows = read_caches(root, &n);
	read_kv(root, "heap", &heap);
	read_kv(root, "memstats", &ms);
	print_summary(rows, n, &heap, &ms);
	print_table(rows, n);
	free(rows);
}

int main(int argc, char **argv)
{
	const char *root = getenv("GOALLOCSTAT_ROOT");
	double delay = 0;
	long count = -1, i;
	char *end;
	int opt;

	page_size = sysconf(_SC_PAGESIZE);
	while ((opt = getopt(argc, argv, "s:d:n:r:h")) != -1) {
		switch (opt) {
		case 's':
			if (parse_sort_key(optarg)) {
				fprintf(stderr, "%s: unknown sort key \"%s\"\n",
					prog, optarg);
				print_help(stderr);
				return EXIT_USAGE;
			}
			break;
		case 'd':
			delay = strtod(optarg, &end);
			if (*end || delay <= 0)
				fail(EXIT_USAGE, "-d wants a positive number of seconds");
			break;
		case 'n':
			count = strtol(optarg, &end, 10);
			if (*end || count <= 0)
				fail(EXIT_USAGE, "-n wants a positive count");
			break;
		case 'r':
			root = optarg;
			break;
		case 'h':
			print_help(stdout);
			return EXIT_OK;
		default:
			print_help(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		print_help(stderr);
		return EXIT_USAGE;
	}
	if (count < 0)
		count = delay > 0 ? LONG_MAX : 1;

	if (root && *root) {
		check_root(root, 1);
	} else {
		root = DEBUGFS_DIR "/goalloc";
		check_debugfs();
		check_root(root, 0);
	}

	for (i = 0; i < count; i++) {
		if (delay > 0) {
			struct timespec ts = {
				.tv_sec = (time_t)delay,
				.tv_nsec = (long)((delay - (time_t)delay) * 1e9),
			};

			if (i)
				nanosleep(&ts, NULL);
			/* Home and clear, as slabtop's refresh. */
			printf("\033[H\033[2J");
		}
		show(root);
		fflush(stdout);
	}
	return EXIT_OK;
}
