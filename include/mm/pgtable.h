/*
 * VMSAv8-64 stage-1 translation tables, 4 KiB granule: one builder for the
 * CPU's MMU and the SMMU's stage 1, which share the descriptor format
 * (Arm ARM D8.3, SMMUv3 spec 3.4). Each user composes its own attribute bits.
 *
 * Input address split (4 KiB granule, Arm ARM D8.2.4):
 *
 *   47      39 38      30 29      21 20      12 11         0
 *  +----------+----------+----------+----------+------------+
 *  | L0 index | L1 index | L2 index | L3 index | page offset|
 *  +----------+----------+----------+----------+------------+
 *               1 GiB      2 MiB      4 KiB      <- block/page a level maps
 *
 * Block/page descriptor:
 *   63    59 58 55 54  53  52   51  50   47         n  11  10  9:8  7:6  5   4:2    1 0
 *  +--------+-----+---+---+----+---+----+------------+---+---+----+----+--+--------+-+-+
 *  |  PBHA  | SW  |UXN|PXN|Cont|DBM| GP |  output PA  |nG |AF | SH | AP |NS|AttrIndx|T|V|
 *  +--------+-----+---+---+----+---+----+------------+---+---+----+----+--+--------+-+-+
 *
 * Table pages are identity mapped (VA == PA): true of the firmware's linear
 * map and of host tests, where "physical" addresses are host pointers.
 */
#ifndef MM_PGTABLE_H
#define MM_PGTABLE_H

#include <bits.h>
#include <layout.h>

#define PTE_VALID BIT(0)
#define PTE_TABLE BIT(1) /* at levels 0..2; at level 3 this bit marks a page */
#define PTE_PAGE BIT(1)
#define PTE_ATTRINDX GENMASK(4, 2)
#define PTE_NS BIT(5)
#define PTE_AP_EL0 BIT(6) /* AP[1]: EL0 (or unprivileged SMMU) access */
#define PTE_AP_RO BIT(7)  /* AP[2]: read-only */
#define PTE_SH GENMASK(9, 8)
#define PTE_AF BIT(10)
#define PTE_NG BIT(11)
#define PTE_ADDR GENMASK(47, 12)
#define PTE_CONT BIT(52)
#define PTE_PXN BIT(53)
#define PTE_UXN BIT(54)

/* Shareability field values (D8.5.2). */
#define PTE_SH_NON 0
#define PTE_SH_OUTER 2
#define PTE_SH_INNER 3

/* Attribute bits a caller may pass: everything except type and address. */
#define PTE_ATTR_MASK                                                      \
	(PTE_ATTRINDX | PTE_NS | PTE_AP_EL0 | PTE_AP_RO | PTE_SH | PTE_AF |  \
	 PTE_NG | PTE_CONT | PTE_PXN | PTE_UXN)

#define PGTABLE_LEVELS 4
#define PGTABLE_ENTRIES 512
#define PGTABLE_MAX_VA_BITS 48
#define PGTABLE_MIN_VA_BITS 25

#ifndef __ASSEMBLER__
#include <types.h>

/* Where table pages come from; one page (4 KiB, aligned) per call. */
struct pgtable_pages {
	void *(*alloc)(void *ctx);
	void (*free)(void *ctx, void *page);
	void *ctx;
};

struct pgtable {
	u64 *root;
	unsigned int va_bits;
	unsigned int start_level;
	struct pgtable_pages pages;
	unsigned long tables; /* table pages in use, root included */
};

/*
 * pgtable_init() - allocate an empty root for @va_bits of input address.
 * Return: 0, -EINVAL for va_bits outside 25..48, -ENOMEM.
 */
int pgtable_init(struct pgtable *t, unsigned int va_bits,
		 const struct pgtable_pages *pages);

/*
 * pgtable_map() - map [va, va + size) to [pa, pa + size) with @attrs
 * (a combination of PTE_ATTR_MASK bits; PTE_AF is the caller's choice).
 *
 * Uses 1 GiB and 2 MiB blocks wherever va, pa and size allow. All table
 * pages the mapping needs are allocated before the first descriptor is
 * written, so on any error the tables are exactly as they were.
 *
 * Only invalid entries are written: no break-before-make, no TLB
 * maintenance needed. The caller owes dsb(ishst) (and for the CPU an isb)
 * before the walker may use the new entries.
 *
 * Return: 0; -EINVAL for unaligned or out-of-range arguments or attribute
 * bits outside PTE_ATTR_MASK; -EEXIST if any page in the range is already
 * mapped; -ENOMEM if table pages ran out.
 */
int pgtable_map(struct pgtable *t, u64 va, phys_addr_t pa, u64 size, u64 attrs);

/*
 * pgtable_unmap() - remove the mapping of [va, va + size).
 *
 * Every byte of the range must be mapped, by pages or blocks that lie wholly
 * inside it (a block is never split): otherwise nothing changes. Each leaf
 * descriptor cleared is reported to @leaf (may be NULL) with its input
 * address and level, so the caller can invalidate exactly those entries.
 * Table pages stay in place (they are reused by later mappings), so only
 * leaf entries can be cached stale: the caller owes dsb(ishst) and a
 * leaf TLB invalidation of the range before the addresses are reused.
 *
 * Return: 0; -EINVAL for an unaligned range or one that would split a
 * block; -ENOENT if part of the range is not mapped.
 */
int pgtable_unmap(struct pgtable *t, u64 va, u64 size,
		  void (*leaf)(void *ctx, u64 va, unsigned int level), void *ctx);

/*
 * pgtable_lookup() - translate one input address.
 * Return: 0 with *pa and *desc (the leaf descriptor) and *level filled, or
 * -ENOENT if unmapped.
 */
int pgtable_lookup(const struct pgtable *t, u64 va, phys_addr_t *pa, u64 *desc,
		   unsigned int *level);

/* Bytes one entry maps at @level (0..3). */
static inline u64 pgtable_level_size(unsigned int level)
{
	return 1ULL << (PAGE_SHIFT + 9 * (3 - level));
}

#endif /* !__ASSEMBLER__ */
#endif /* MM_PGTABLE_H */
