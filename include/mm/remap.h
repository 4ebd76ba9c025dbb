/*
 * A remap window: a virtual address range, away from the identity map,
 * where physical ranges get a second mapping with other attributes (the
 * Normal Non-cacheable alias of a non-coherent device's coherent buffer
 * taken from a cacheable pool, as Linux's DMA_DIRECT_REMAP does).
 *
 *   window VA  base                                      base + size
 *              +--------+----+--------+------------------+
 *              | 16 KiB |4KiB| 2 MiB  |   free           |   buddy over the VAs:
 *              +--------+----+--------+------------------+   O(log n) alloc/free
 *                  |      |      |
 *                  v      v      v     pgtable_map(): one entry per page or block
 *   physical   anywhere the pools are
 *
 * A mapping is a power of two of pages (what coherent allocations are) and
 * gets a window block of that size, aligned to it (so a 2 MiB-aligned
 * buffer maps with one block descriptor). Pure: a pgtable (mm/pgtable.c) and a buddy (mm/buddy.c),
 * no barriers or TLB maintenance, which the caller (mm/mmu.c) owns.
 */
#ifndef MM_REMAP_H
#define MM_REMAP_H

#include <mm/buddy.h>
#include <mm/pgtable.h>
#include <types.h>

struct remap_window {
	struct pgtable *pgt;	/* translates window offsets: VA - base */
	u64 base;		/* VA of the window's first byte */
	u64 size;
	struct buddy va;	/* allocator of window offsets */
};

/* Bytes of metadata remap_window_init() needs for a window of @size bytes. */
size_t remap_meta_bytes(u64 size);

/*
 * remap_window_init() - manage [base, base + size) mapped through @pgt,
 * whose input address 0 is @base (for a TTBR1 window: the lowest VA of the
 * upper range). @meta: remap_meta_bytes(@size) bytes, outside the window.
 * Return: 0; -EINVAL for an unaligned or empty window, one that does not
 * fit @pgt's input range, or too little metadata.
 */
int remap_window_init(struct remap_window *w, struct pgtable *pgt, u64 base, u64 size,
		      void *meta, size_t meta_bytes);

/*
 * remap_window_map() - map [pa, pa + size) with @attrs (PTE_ATTR_MASK bits)
 * at a fresh window address. @pa page aligned, @size a power of two of
 * pages (PAGE_SIZE << order, order <= BUDDY_MAX_ORDER). Prepare, then
 * commit: on any failure neither the window allocator nor the tables change.
 * The caller owes dsb(ishst) + isb before using *va.
 * Return: 0 with *va; -EINVAL (unaligned, empty, larger than any block);
 * -ENOMEM (no window space, or no table pages).
 */
int remap_window_map(struct remap_window *w, phys_addr_t pa, u64 size, u64 attrs, u64 *va);

/*
 * remap_window_unmap() - remove the mapping remap_window_map() returned at
 * @va and give its window space back. *pa and *size (either may be NULL)
 * get what it mapped. Each cleared leaf is reported to
 * @leaf with its window VA (not offset) and level, for the caller's TLB
 * invalidation, which it owes before the window space is handed out again
 * (that is, before the next remap_window_map()).
 * Return: 0; -EINVAL if @va is not the start of a live mapping.
 */
int remap_window_unmap(struct remap_window *w, u64 va, phys_addr_t *pa, u64 *size,
		       void (*leaf)(void *ctx, u64 va, unsigned int level), void *ctx);

/*
 * remap_window_lookup() - physical address and leaf descriptor of @va.
 * Return: 0; -ENOENT if @va is outside the window or not mapped.
 */
int remap_window_lookup(const struct remap_window *w, u64 va, phys_addr_t *pa, u64 *desc,
			unsigned int *level);

static inline bool remap_window_owns(const struct remap_window *w, u64 va)
{
	return va >= w->base && va - w->base < w->size;
}

#endif /* MM_REMAP_H */
