/*
 * Bounce buffers (Linux's swiotlb): a region of slots the device can reach,
 * through which streaming mappings are copied when the device cannot reach
 * (or, for a restricted-dma-pool, must not reach) the original buffer.
 *
 * Slots are 2 KiB (IO_TLB_SIZE, as in Linux); an allocation takes contiguous
 * slots. Bookkeeping is outside the region (a device cannot corrupt it).
 */
#ifndef MM_SWIOTLB_H
#define MM_SWIOTLB_H

#include <types.h>

#define IO_TLB_SHIFT 11
#define IO_TLB_SIZE (1UL << IO_TLB_SHIFT)

struct swiotlb {
	const char *name;
	phys_addr_t base;
	u64 size;
	u32 nslabs;
	u32 used_slabs;
	u32 hint;
	u32 *span;		/* per slab: slabs in the allocation starting here, 0 otherwise */
	u8 *busy;		/* per slab: 1 if part of an allocation */
	phys_addr_t *orig;	/* per slab: original buffer of a mapping starting here */
	u32 *mapped;		/* per slab: bytes mapped by the allocation starting here */
};

/*
 * swiotlb_init() - manage [base, base + size), bookkeeping from the boot
 * arena. Return: 0, -EINVAL (too small or unaligned), -ENOMEM.
 */
int swiotlb_init(struct swiotlb *s, const char *name, phys_addr_t base, u64 size);

/*
 * swiotlb_alloc() - reserve slots for @size bytes, aligned to @align (a
 * power of two, at least IO_TLB_SIZE is implied), recording @orig.
 * Return: 0 with *tlb set, -ENOMEM (no run of free slots), -EINVAL.
 */
int swiotlb_alloc(struct swiotlb *s, u64 size, u64 align, phys_addr_t orig, phys_addr_t *tlb);

/*
 * swiotlb_release() - give back the allocation starting at @tlb; *orig and
 * *size tell what it held. Return: 0, -EINVAL (not an allocation start).
 */
int swiotlb_release(struct swiotlb *s, phys_addr_t tlb, phys_addr_t *orig, u64 *size);

/*
 * swiotlb_find() - the allocation containing @tlb: its start, original
 * buffer and mapped size. Return: 0, -ENOENT.
 */
int swiotlb_find(const struct swiotlb *s, phys_addr_t tlb, phys_addr_t *start,
		 phys_addr_t *orig, u64 *size);

static inline bool swiotlb_owns(const struct swiotlb *s, phys_addr_t pa)
{
	return s && pa >= s->base && pa - s->base < s->size;
}

#endif /* MM_SWIOTLB_H */
