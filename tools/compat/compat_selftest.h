/* SPDX-License-Identifier: GPL-2.0 */
/*
 * goalloc_compat_selftest: shared by its two source files (a module of
 * several files, as tools/compat-build.sh must handle).  CHECK() counts a
 * check and reports a failed one with its line, so that the guest log
 * says which redirection went wrong.
 */
#ifndef _COMPAT_SELFTEST_H
#define _COMPAT_SELFTEST_H

#include <linux/printk.h>
#include <linux/types.h>

struct compat_counts {
	unsigned int checks;
	unsigned int failures;
};

static inline void compat_check(struct compat_counts *cnt, bool ok,
				const char *what, const char *file, int line)
{
	cnt->checks++;
	if (!ok) {
		cnt->failures++;
		pr_err("check failed at %s:%d: %s\n", file, line, what);
	}
}

#define CHECK(cnt, cond)	compat_check(cnt, cond, #cond, __FILE__, __LINE__)

void compat_selftest_malloc(struct compat_counts *cnt);
void compat_selftest_caches(struct compat_counts *cnt);

#endif /* _COMPAT_SELFTEST_H */
