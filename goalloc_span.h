/* SPDX-License-Identifier: GPL-2.0 */
/*
 * goalloc size classes and span geometry: the pieces of Go's msize.go and
 * mbitmap.go that every layer of goalloc shares.
 *
 * A request of up to GOALLOC_MAX_SMALL_SIZE bytes is rounded up to one of
 * Go's 67 small size classes (include/goalloc_sizeclasses.h, generated);
 * each class cuts spans of goalloc_class_to_npages[] 8 KiB pages into
 * objects of goalloc_class_to_size[] bytes.  Both lookups here are table
 * reads and shifts, and the object index of an address inside a span is a
 * multiply and a shift: no division anywhere on an allocation or free path.
 */
#ifndef _GOALLOC_SPAN_H
#define _GOALLOC_SPAN_H

#include <linux/compiler.h>
#include <linux/math.h>
#include <linux/types.h>

#include "goalloc_sizeclasses.h"

/**
 * goalloc_size_to_class() - the size class that serves a small request
 * @size: bytes requested, 1 to GOALLOC_MAX_SMALL_SIZE
 *
 * Return: the smallest class whose objects hold @size bytes (never 0 for
 * sizes in range).
 */
static __always_inline unsigned int goalloc_size_to_class(size_t size)
{
	if (size <= GOALLOC_SMALL_SIZE_MAX - GOALLOC_SMALL_SIZE_DIV)
		return goalloc_size_to_class8[DIV_ROUND_UP(size,
					GOALLOC_SMALL_SIZE_DIV)];
	return goalloc_size_to_class128[DIV_ROUND_UP(size - GOALLOC_SMALL_SIZE_MAX,
					GOALLOC_LARGE_SIZE_DIV)];
}

/**
 * goalloc_class_objects() - objects in one span of a size class
 * @class: a small size class, 1 to GOALLOC_NUM_SIZE_CLASSES - 1
 *
 * Return: how many objects fit in the class's span.  This divides, so it
 * belongs on slow paths (span set-up, statistics) only.
 */
static inline unsigned int goalloc_class_objects(unsigned int class)
{
	return (goalloc_class_to_npages[class] << GOALLOC_PAGE_SHIFT) /
		goalloc_class_to_size[class];
}

/**
 * goalloc_obj_index() - index of the object that holds a span offset
 * @offset: byte offset from the start of the span
 * @divmagic: the class's goalloc_class_to_divmagic[] entry
 *
 * Go's multiply-and-shift: exact for every offset inside a span of the
 * class, as tools/mksizeclasses.py and the KUnit suite check.
 *
 * Return: @offset / object size.
 */
static __always_inline unsigned int goalloc_obj_index(unsigned long offset,
						      u32 divmagic)
{
	return (u32)(((u64)offset * divmagic) >> 32);
}

#endif /* _GOALLOC_SPAN_H */
