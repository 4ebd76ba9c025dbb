/*
 * The CPU's stage-1 identity map (VA == PA), built with mm/pgtable.c, and
 * the remap window for Normal-NC aliases (below; include/layout.h).
 *
 * Memory types and the MAIR_EL1 slot each uses:
 *
 *   type          MAIR attr               used for
 *   MMU_CODE      Normal WB, RO, exec     image .text
 *   MMU_RODATA    Normal WB, RO, XN       image .rodata, the DTB
 *   MMU_DATA      Normal WB, RW, XN       image data/bss/stacks, RAM
 *   MMU_DMA_NC    Normal NC, RW, XN       coherent buffers of non-coherent devices
 *   MMU_DEVICE    Device-nGnRE, RW, XN    MMIO of every device the firmware uses
 *   MMU_HOLE      (not mapped)            stack guard pages, no-map memory
 *
 * Every mapped region is recorded (a memory map as data); a region is never
 * remapped, so no valid descriptor is ever changed (no break-before-make).
 * Window mappings are removed again, with TLB invalidation.
 */
#ifndef MM_MMU_H
#define MM_MMU_H

#include <types.h>

/*
 * MAIR_EL1 slots (Arm ARM D23.2.100), also the SMMU's CD.MAIR (stage-1 tables
 * of the CPU and of IOMMU domains select attributes by the same index): Attr encodings 0x04 Device-nGnRE,
 * 0xff Normal Inner/Outer WB RW-allocate, 0x44 Normal Inner/Outer NC.
 */
#define MAIR_IDX_DEVICE 0
#define MAIR_IDX_NORMAL 1
#define MAIR_IDX_NORMAL_NC 2
#define MAIR_ATTR_DEVICE_nGnRE 0x04UL
#define MAIR_ATTR_NORMAL_WB 0xffUL
#define MAIR_ATTR_NORMAL_NC 0x44UL
#define MAIR_VALUE                                              \
	((MAIR_ATTR_DEVICE_nGnRE << (8 * MAIR_IDX_DEVICE)) |   \
	 (MAIR_ATTR_NORMAL_WB << (8 * MAIR_IDX_NORMAL)) |      \
	 (MAIR_ATTR_NORMAL_NC << (8 * MAIR_IDX_NORMAL_NC)))

enum mmu_type {
	MMU_CODE,
	MMU_RODATA,
	MMU_DATA,
	MMU_DMA_NC,
	MMU_DEVICE,
	MMU_HOLE,
};

struct mmu_region {
	phys_addr_t base;
	u64 size;
	enum mmu_type type;
	const char *name;
};

/*
 * mmu_early_init() - build the image's own map (per-section permissions,
 * stack guard pages unmapped) plus a read-only window over the DTB at @dtb
 * if its header looks plausible, and turn the MMU and caches on.
 * Called once, with the MMU off, before anything touches the DTB.
 * Return: true if the DTB window was mapped.
 */
bool mmu_early_init(phys_addr_t dtb);

/*
 * mmu_map() - identity-map [base, base + size) as @type, recorded as @name.
 * Page-rounds outwards. Parts already mapped with the same type are skipped;
 * a conflicting type is refused.
 * Return: 0, -EEXIST (conflicting type), -ENOMEM, -EINVAL.
 */
int mmu_map(phys_addr_t base, u64 size, enum mmu_type type, const char *name);

/*
 * mmu_hole() - record [base, base + size) as never to be mapped: later
 * mmu_map() calls for RAM leave it out. Only for ranges not yet mapped.
 * Return: 0, -EEXIST (already mapped), -ENOMEM.
 */
int mmu_hole(phys_addr_t base, u64 size, const char *name);

/* The recorded regions, sorted by base; *count is set. */
const struct mmu_region *mmu_regions(unsigned int *count);

const char *mmu_type_name(enum mmu_type type);

/*
 * mmu_type_attrs() - the stage-1 descriptor attribute bits (PTE_ATTR_MASK)
 * the CPU's tables use for @type: MAIR slot, shareability, access
 * permissions, execute-never, AF. 0 for MMU_HOLE (never mapped). Pure
 * (mm/mmu_attrs.c), host-tested.
 */
u64 mmu_type_attrs(enum mmu_type type);

/* Input address bits of the map (from ID_AA64MMFR0_EL1.PARange, at most 48). */
unsigned int mmu_va_bits(void);

/*
 * The remap window (include/layout.h; allocator in mm/remap.c): Normal-NC
 * aliases of physical ranges that the identity map has Normal WB, for the
 * coherent buffers of non-coherent devices (Linux's DMA_DIRECT_REMAP).
 * The caller owns the cache maintenance of the cacheable alias (the Arm
 * ARM's "Mismatched memory attributes" rules; see mm/dma.c). Implemented
 * by mm/mmu.c in the image and by a fake in host tests of mm/dma.c.
 */

/*
 * mmu_remap_init() - set up the window's VA allocator (metadata from the
 * boot arena). Called once by dma_init(). Return: 0, -ENOMEM.
 */
int mmu_remap_init(void);

/*
 * mmu_remap_nc() - map [pa, pa + size) Normal Non-cacheable at a fresh
 * window address, ready to use (barriers issued). @size: a power of two of
 * pages. Return: 0 with *va; -ENODEV (no window), -EINVAL, -ENOMEM (window
 * full or no table pages; nothing changed).
 */
int mmu_remap_nc(phys_addr_t pa, u64 size, void **va);

/*
 * mmu_remap_unmap() - remove a mapping mmu_remap_nc() made at @va and
 * invalidate its TLB entries on every PE (TLBI, DSB ISH, ISB): any later
 * access to @va faults. *pa and *size (may be NULL) get what it mapped.
 * Return: 0; -EINVAL if @va is not the start of a live window mapping.
 */
int mmu_remap_unmap(void *va, phys_addr_t *pa, u64 *size);

/* Physical address behind window address @va. Return: 0, -ENOENT. */
int mmu_remap_phys(const void *va, phys_addr_t *pa);

/* Whether @va lies in the remap window (mapped or not). */
bool mmu_in_remap_window(const void *va);

/*
 * mmu_lookup() - walk the CPU's tables (TTBR0 or TTBR1 by @va) for one
 * address. Return: 0 with *pa, the leaf descriptor and its level; -ENOENT.
 */
int mmu_lookup(uintptr_t va, phys_addr_t *pa, u64 *desc, unsigned int *level);

#endif /* MM_MMU_H */
