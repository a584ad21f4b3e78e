// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for goalloc's size classes: the generated table must be Go's,
 * the size-to-class lookup must pick the tightest class for every small
 * size, and the multiply-and-shift object index must be exact everywhere
 * in every span.
 */
#include <kunit/test.h>

#include "goalloc_span.h"
#include "goalloc_test.h"

static unsigned long class_span_bytes(unsigned int c)
{
	return (unsigned long)goalloc_class_to_npages[c] << GOALLOC_PAGE_SHIFT;
}

/* Every size from 1 byte to 32 KiB gets the smallest class that holds it. */
static void sizeclass_lookup_is_tightest(struct kunit *test)
{
	size_t size;

	for (size = 1; size <= GOALLOC_MAX_SMALL_SIZE; size++) {
		unsigned int c = goalloc_size_to_class(size);

		KUNIT_ASSERT_GT_MSG(test, c, 0U, "size %zu", size);
		KUNIT_ASSERT_LT_MSG(test, c, (unsigned int)GOALLOC_NUM_SIZE_CLASSES,
				    "size %zu", size);
		KUNIT_ASSERT_GE_MSG(test, (size_t)goalloc_class_to_size[c], size,
				    "size %zu", size);
		KUNIT_ASSERT_LT_MSG(test, (size_t)goalloc_class_to_size[c - 1], size,
				    "size %zu is served by class %u, but class %u fits",
				    size, c, c - 1);
	}
}

/* The classes grow strictly, start at 8 bytes and end at 32 KiB. */
static void sizeclass_table_shape(struct kunit *test)
{
	unsigned int c;

	KUNIT_EXPECT_EQ(test, GOALLOC_NUM_SIZE_CLASSES, 68);
	KUNIT_EXPECT_EQ(test, goalloc_class_to_size[0], 0);
	KUNIT_EXPECT_EQ(test, goalloc_class_to_npages[0], 0);
	KUNIT_EXPECT_EQ(test, goalloc_class_to_size[1], 8);
	KUNIT_EXPECT_EQ(test, goalloc_class_to_size[GOALLOC_NUM_SIZE_CLASSES - 1],
			GOALLOC_MAX_SMALL_SIZE);
	KUNIT_EXPECT_EQ(test, goalloc_size_to_class(GOALLOC_TINY_SIZE),
			(unsigned int)GOALLOC_TINY_SIZE_CLASS);
	for (c = 2; c < GOALLOC_NUM_SIZE_CLASSES; c++) {
		KUNIT_EXPECT_GT(test, goalloc_class_to_size[c],
				goalloc_class_to_size[c - 1]);
		KUNIT_EXPECT_EQ_MSG(test, goalloc_class_to_size[c] % 8, 0,
				    "class %u", c);
		if (goalloc_class_to_size[c] > GOALLOC_SMALL_SIZE_MAX)
			KUNIT_EXPECT_EQ_MSG(test, goalloc_class_to_size[c] %
					    GOALLOC_LARGE_SIZE_DIV, 0, "class %u", c);
	}
}

/*
 * The object index of every byte offset of every span, computed by
 * multiply-and-shift, equals the true quotient: object starts and interior
 * bytes alike, up to and including the span's end.
 */
static void sizeclass_divmagic_exact(struct kunit *test)
{
	unsigned int c;

	for (c = 1; c < GOALLOC_NUM_SIZE_CLASSES; c++) {
		unsigned long span = class_span_bytes(c);
		u32 magic = goalloc_class_to_divmagic[c];
		unsigned int size = goalloc_class_to_size[c];
		unsigned long off;

		KUNIT_ASSERT_NE(test, magic, 0U);
		for (off = 0; off <= span; off++) {
			if (goalloc_obj_index(off, magic) != off / size) {
				KUNIT_FAIL(test, "class %u size %u: index of %lu is %u, not %lu",
					   c, size, off, goalloc_obj_index(off, magic),
					   off / size);
				return;
			}
		}
	}
}

/*
 * goalloc_span_obj_start(), the check every free makes, accepts exactly the
 * first byte of each object of a span of each class, and nothing else.
 */
static void sizeclass_obj_start_exact(struct kunit *test)
{
	unsigned int c;

	for (c = 1; c < GOALLOC_NUM_SIZE_CLASSES; c++) {
		unsigned long span = class_span_bytes(c), off;
		unsigned int size = goalloc_class_to_size[c];
		unsigned int nelems = goalloc_class_objects(c);
		struct goalloc_span s = {
			.base = 1UL << 40,
			.limit = nelems * size,
			.divmagic = nelems == 1 ? 1 : goalloc_class_to_divmagic[c],
		};

		for (off = 0; off <= span; off++) {
			bool start = off < s.limit && off % size == 0;

			if (goalloc_span_obj_start(&s, (void *)(s.base + off)) != start) {
				KUNIT_FAIL(test, "class %u size %u: offset %lu judged %s",
					   c, size, off, start ? "inside" : "a start");
				return;
			}
		}
	}
}

/* Go's rule: the tail of a span that no object uses is at most 1/8 of it. */
static void sizeclass_tail_waste(struct kunit *test)
{
	unsigned int c;

	for (c = 1; c < GOALLOC_NUM_SIZE_CLASSES; c++) {
		unsigned long span = class_span_bytes(c);
		unsigned int objs = goalloc_class_objects(c);
		unsigned long tail = span - (unsigned long)objs * goalloc_class_to_size[c];

		KUNIT_EXPECT_LE_MSG(test, tail * 8, span, "class %u", c);
		KUNIT_EXPECT_GE_MSG(test, objs, 1U, "class %u", c);
		KUNIT_EXPECT_LE_MSG(test, objs, (unsigned int)GOALLOC_MAX_OBJS_PER_SPAN,
				    "class %u", c);
	}
}

/* Rows of Go's published runtime/sizeclasses.go (Go 1.22). */
static const struct {
	unsigned int size, npages, objects;
} go_rows[] = {
	{ 8, 1, 1024 },		{ 16, 1, 512 },		{ 24, 1, 341 },
	{ 48, 1, 170 },		{ 1024, 1, 8 },		{ 1152, 1, 7 },
	{ 1280, 1, 6 },		{ 1408, 2, 11 },	{ 3072, 3, 8 },
	{ 6912, 6, 7 },		{ 9472, 7, 6 },		{ 18432, 9, 4 },
	{ 27264, 10, 3 },	{ 32768, 4, 1 },
};

static void sizeclass_matches_go(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(go_rows); i++) {
		unsigned int c = goalloc_size_to_class(go_rows[i].size);

		KUNIT_EXPECT_EQ_MSG(test, goalloc_class_to_size[c], go_rows[i].size,
				    "row %u", i);
		KUNIT_EXPECT_EQ_MSG(test, goalloc_class_to_npages[c],
				    go_rows[i].npages, "size %u", go_rows[i].size);
		KUNIT_EXPECT_EQ_MSG(test, goalloc_class_objects(c),
				    go_rows[i].objects, "size %u", go_rows[i].size);
	}
}

GT_SUITE(goalloc_sizeclass, NULL,
	 KUNIT_CASE(sizeclass_table_shape),
	 KUNIT_CASE(sizeclass_matches_go),
	 KUNIT_CASE(sizeclass_lookup_is_tightest),
	 KUNIT_CASE(sizeclass_divmagic_exact),
	 KUNIT_CASE(sizeclass_obj_start_exact),
	 KUNIT_CASE(sizeclass_tail_waste));

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for goalloc");
MODULE_IMPORT_NS(GOALLOC_NS);
