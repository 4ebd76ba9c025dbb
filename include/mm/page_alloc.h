/*
 * The firmware's own memory: a buddy page allocator over the largest RAM
 * range that no reservation, image or DTB uses, and a permanent boot-time
 * arena for small objects. Its metadata lives in the same firmware-private
 * RAM, never in a DMA pool.
 */
#ifndef MM_PAGE_ALLOC_H
#define MM_PAGE_ALLOC_H

#include <types.h>

/*
 * page_alloc_init() - manage [base, base + size) (mapped Normal WB).
 * Return: 0, -EINVAL (range too small for its own metadata).
 */
int page_alloc_init(phys_addr_t base, u64 size);

/* 2^order naturally aligned zeroed pages, or NULL. */
void *page_alloc(unsigned int order);
/* Return: 0, or -EINVAL for a pointer page_alloc() did not return. */
int page_free(void *page);
u64 page_free_bytes(void);

/* Zeroed, 16-byte aligned, never freed: boot-time structures. NULL if out. */
void *boot_zalloc(size_t size);

#endif /* MM_PAGE_ALLOC_H */
