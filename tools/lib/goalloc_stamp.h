/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The stamp every goalloc test writes over an object and checks before
 * freeing it: word k of an object stamped with a seed is a multiplicative
 * hash of (seed, k), so a byte another object wrote, a stale byte of a
 * former owner or a byte the allocator touched all show.  One helper for
 * the KUnit module (kunit/), the stress suite, the torture module
 * (tools/torture/) and the misuse fuzzer (tools/fuzz/).
 *
 * It lives here, in tools/lib/, because it belongs to no public API
 * (include/ is what other modules build against) and the torture and fuzz
 * modules are built as external users of goalloc that see only a goalloc
 * tree (GOALLOC_DIR): kunit/Kbuild, tools/torture/Kbuild and
 * tools/fuzz/Kbuild each add -I.../tools/lib.  Static inline, so that
 * every module gets its own copy and none exports anything.
 */
#ifndef GOALLOC_STAMP_H
#define GOALLOC_STAMP_H

#include <linux/string.h>
#include <linux/types.h>

/* Word @k of an object stamped with @seed. */
static inline u64 goalloc_stamp_word(u64 seed, size_t k)
{
	return (seed * 0xff51afd7ed558ccdULL + k + 1) * 0x9e3779b97f4a7c15ULL;
}

/* Write @seed's pattern over all @n bytes at @p (any alignment). */
static inline void goalloc_stamp(void *p, size_t n, u64 seed)
{
	u8 *b = p;
	size_t k, off;
	u64 w;

	for (k = 0, off = 0; off + 8 <= n; k++, off += 8) {
		w = goalloc_stamp_word(seed, k);
		memcpy(b + off, &w, 8);
	}
	if (off < n) {
		w = goalloc_stamp_word(seed, k);
		memcpy(b + off, &w, n - off);
	}
}

/*
 * Where the first @n bytes at @p stop holding @seed's pattern: the offset
 * of the first damaged word, or @n when all of them are intact.
 */
static inline size_t goalloc_stamp_damage(const void *p, size_t n, u64 seed)
{
	const u8 *b = p;
	size_t k, off;
	u64 w;

	for (k = 0, off = 0; off + 8 <= n; k++, off += 8) {
		memcpy(&w, b + off, 8);
		if (w != goalloc_stamp_word(seed, k))
			return off;
	}
	if (off < n) {
		w = goalloc_stamp_word(seed, k);
		if (memcmp(b + off, &w, n - off))
			return off;
	}
	return n;
}

/* Whether the first @n bytes at @p still hold @seed's pattern. */
static inline bool goalloc_stamped(const void *p, size_t n, u64 seed)
{
	return goalloc_stamp_damage(p, n, seed) == n;
}

#endif /* GOALLOC_STAMP_H */
