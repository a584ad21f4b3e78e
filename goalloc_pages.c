// SPDX-License-Identifier: GPL-2.0
/*
 * goalloc's page supply: the one place the page heap (goalloc_heap.c)
 * meets the kernel's page allocator, below everything else in goalloc.
 * The heap asks for naturally aligned runs of 2^order kernel pages and
 * gives them back; nothing here knows about spans or caches, so that the
 * heap and span files can be built over another supply (in user space,
 * for sanitizers and fuzzing).  No lock: the buddy allocator has its own,
 * and the heap calls in with none of goalloc's held.
 */
#include <linux/gfp.h>
#include <linux/mm.h>

#include "goalloc_heap.h"

/**
 * goalloc_pages_alloc() - naturally aligned pages from the buddy allocator
 * @order: kernel page order of the run
 * @gfp: the caller's allocation flags
 * @nid: NUMA node, or NUMA_NO_NODE
 * @zeroed: set to whether the pages come cleared (as under init_on_alloc)
 *
 * Return: the run's address in the direct map, or NULL.
 */
void *goalloc_pages_alloc(unsigned int order, gfp_t gfp, int nid, bool *zeroed)
{
	struct page *page = alloc_pages_node(nid, gfp, order);

	*zeroed = want_init_on_alloc(gfp);
	return page ? page_address(page) : NULL;
}

/**
 * goalloc_pages_free() - give a run from goalloc_pages_alloc() back
 * @addr: its address
 * @order: its order
 */
void goalloc_pages_free(void *addr, unsigned int order)
{
	__free_pages(virt_to_page(addr), order);
}

/**
 * goalloc_pages_nid() - the NUMA node of a run's memory
 * @addr: its address
 *
 * Return: the node.
 */
int goalloc_pages_nid(const void *addr)
{
	return page_to_nid(virt_to_page(addr));
}
