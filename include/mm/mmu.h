/*
 * The CPU's stage-1 identity map (VA == PA), built with mm/pgtable.c.
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

/* Input address bits of the map (from ID_AA64MMFR0_EL1.PARange, at most 48). */
unsigned int mmu_va_bits(void);

#endif /* MM_MMU_H */
