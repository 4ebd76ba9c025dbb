/*
 * Buddy page allocator: the allocator behind every coherent DMA pool and
 * the firmware's own page allocator.
 *
 * A block of order k is PAGE_SIZE << k bytes and is naturally aligned in
 * absolute physical address (addr % (PAGE_SIZE << k) == 0), which is what
 * Linux's dma_alloc_coherent() promises for a power-of-two size. The managed
 * range need not be a power of two long nor aligned beyond a page: init
 * cuts it into maximal aligned blocks, e.g. for [0x3000, 0xb000):
 *
 *   0x3000 0x4000          0x8000     0xa000 0xb000
 *   +------+----------------+----------+------+
 *   | o0   |       o2       |    o1    |  o0  |
 *   +------+----------------+----------+------+
 *
 * All metadata lives outside the managed memory (a device that can DMA into
 * a pool must not be able to corrupt the allocator): one struct buddy_page
 * per page, in a caller-provided buffer, and the free-list heads in struct
 * buddy. Only the record of a block's first page is meaningful; every other
 * page is BUDDY_PAGE_TAIL.
 *
 *   buddy_alloc: among the heads of the non-empty free lists of orders >=
 *                the request (a bitmap of non-empty lists), the lowest
 *                address, then split down keeping the lower half: O(orders).
 *                Address order keeps the span in use close to the bytes in
 *                use (make bench measures it); each list's head is kept
 *                at or below the blocks pushed behind it.
 *   buddy_free:  merge with the buddy while it is a free block of the same
 *                order: O(orders). The buddy of the block at page frame
 *                number pfn, order k, is at pfn ^ (1 << k).
 *
 * Not thread safe: the caller serialises.
 */
#ifndef MM_BUDDY_H
#define MM_BUDDY_H

#include <bits.h>
#include <errno.h>
#include <layout.h>
#include <types.h>

/* Largest block: PAGE_SIZE << 18 = 1 GiB. */
#define BUDDY_MAX_ORDER 18
#define BUDDY_NR_ORDERS (BUDDY_MAX_ORDER + 1)

/* End of a free list (and "no page"). */
#define BUDDY_NIL 0xffffffffU

enum buddy_page_state {
	BUDDY_PAGE_TAIL = 0,  /* not the first page of a block */
	BUDDY_PAGE_FREE = 1,  /* first page of a free block, on free_list[order] */
	BUDDY_PAGE_ALLOC = 2, /* first page of an allocated block */
};

/* Per-page record (metadata buffer). next/prev link free blocks of one order. */
struct buddy_page {
	u32 next;
	u32 prev;
	u8 order;
	u8 state; /* enum buddy_page_state */
};

struct buddy {
	phys_addr_t base;	/* first managed byte, page aligned */
	u64 base_pfn;		/* base >> PAGE_SHIFT */
	u32 npages;		/* managed pages */
	u32 nonempty;		/* bit k set iff free_list[k] is not empty */
	u64 free_pages;
	struct buddy_page *pages; /* npages records, outside managed memory */
	u32 free_list[BUDDY_NR_ORDERS]; /* page index of the first free block */
};

/*
 * buddy_page_index() - index into @b->pages of the page at @addr; BUDDY_NIL
 * if @addr is not the first byte of a page inside the managed range.
 */
static inline u32 buddy_page_index(const struct buddy *b, phys_addr_t addr)
{
	u64 idx = (addr - b->base) >> PAGE_SHIFT;

	if (!IS_ALIGNED(addr, PAGE_SIZE) || addr < b->base || idx >= b->npages)
		return BUDDY_NIL;
	return (u32)idx;
}

/*
 * buddy_alloc_order() - the order of the allocated block that starts at
 * @addr, so that a layer above (the IOVA allocator's cache, which keeps
 * freed blocks allocated here) can check a free against this allocator's
 * record before acting on it. Changes nothing. Inline, as
 * buddy_page_index() and buddy_order_of() are: they sit on the IOVA
 * allocator's fast path (make bench).
 *
 * Return: the order, 0 .. BUDDY_MAX_ORDER; -EINVAL in exactly the cases
 * buddy_free() rejects (not the first byte of an allocated block).
 */
static inline int buddy_alloc_order(const struct buddy *b, phys_addr_t addr)
{
	u32 idx = buddy_page_index(b, addr);

	if (idx == BUDDY_NIL || b->pages[idx].state != BUDDY_PAGE_ALLOC)
		return -EINVAL;
	return b->pages[idx].order;
}

/*
 * buddy_meta_bytes() - size of the metadata buffer buddy_init() needs to
 * manage @size bytes (one struct buddy_page per page). The buffer must be
 * aligned to _Alignof(struct buddy_page) (4 bytes).
 */
size_t buddy_meta_bytes(u64 size);

/*
 * buddy_init() - manage [@base, @base + @size) with metadata in @meta.
 * @base, @size: page aligned; @size > 0 and at most 2^32 - 2 pages.
 * @meta, @meta_bytes: at least buddy_meta_bytes(@size) bytes, 4-byte aligned;
 *        owned by the allocator until it is no longer used. It must lie
 *        outside the managed range (not checked: @meta is a CPU address,
 *        @base a physical one).
 *
 * All memory starts free, cut into maximal naturally aligned blocks of at
 * most BUDDY_MAX_ORDER. The managed memory itself is never read or written.
 *
 * Return: 0; -EINVAL for an unaligned or empty range, one that wraps or is
 * too large, a NULL, misaligned or too small metadata buffer.
 */
int buddy_init(struct buddy *b, phys_addr_t base, u64 size, void *meta,
	       size_t meta_bytes);

/*
 * buddy_alloc() - allocate one block of PAGE_SIZE << @order bytes, aligned
 * to its size in absolute physical address. The memory is not zeroed.
 *
 * Return: 0 with *@out set; -EINVAL if @order > BUDDY_MAX_ORDER; -ENOMEM if
 * no free block of that order or larger exists (*@out untouched).
 */
int buddy_alloc(struct buddy *b, unsigned int order, phys_addr_t *out);

/*
 * buddy_free() - free the block that starts at @addr (its order is known).
 *
 * Return: 0; -EINVAL, with nothing changed, if @addr is not the first byte of
 * an allocated block: out of range, not page aligned, inside a block, the
 * start of a free block (double free).
 */
int buddy_free(struct buddy *b, phys_addr_t addr);

/*
 * buddy_alloc_at() - allocate the specific block [@addr, @addr + (PAGE_SIZE
 * << @order)), splitting the free block that contains it. Used to reclaim
 * memory lent out (reusable reserved memory) and to carve fixed regions.
 *
 * Return: 0; -EINVAL if @order > BUDDY_MAX_ORDER, @addr is not aligned to
 * the block size or the block is not entirely inside the managed range;
 * -EBUSY, with nothing changed, if any page of it is allocated.
 */
int buddy_alloc_at(struct buddy *b, phys_addr_t addr, unsigned int order);

/* buddy_free_bytes() - bytes currently free. */
u64 buddy_free_bytes(const struct buddy *b);

/* buddy_largest_free() - size in bytes of the largest free block, 0 if none. */
u64 buddy_largest_free(const struct buddy *b);

/*
 * buddy_order_of() - smallest order whose block holds @size bytes
 * (0 for @size <= PAGE_SIZE). May exceed BUDDY_MAX_ORDER, which
 * buddy_alloc() then rejects with -EINVAL.
 */
static inline unsigned int buddy_order_of(u64 size)
{
	if (size <= PAGE_SIZE)
		return 0;
	return 64 - (unsigned int)__builtin_clzll((size - 1) >> PAGE_SHIFT);
}

#endif /* MM_BUDDY_H */
