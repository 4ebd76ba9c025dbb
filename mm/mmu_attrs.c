/*
 * Memory types of the CPU's stage-1 tables as descriptor attributes (see
 * include/mm/mmu.h for the table of types and MAIR slots). Pure: no system
 * registers, so host tests check the bits (tests/host/test_remap.c).
 */
#include <bits.h>
#include <mm/mmu.h>
#include <mm/pgtable.h>

u64 mmu_type_attrs(enum mmu_type type)
{
	u64 normal = FIELD_PREP(PTE_ATTRINDX, MAIR_IDX_NORMAL) |
		     FIELD_PREP(PTE_SH, PTE_SH_INNER) | PTE_AF;
	u64 xn = PTE_PXN | PTE_UXN;

	switch (type) {
	case MMU_CODE:
		return normal | PTE_AP_RO | PTE_UXN;
	case MMU_RODATA:
		return normal | PTE_AP_RO | xn;
	case MMU_DATA:
		return normal | xn;
	case MMU_DMA_NC:
		return FIELD_PREP(PTE_ATTRINDX, MAIR_IDX_NORMAL_NC) |
		       FIELD_PREP(PTE_SH, PTE_SH_INNER) | PTE_AF | xn;
	case MMU_DEVICE:
		return FIELD_PREP(PTE_ATTRINDX, MAIR_IDX_DEVICE) | PTE_AF | xn;
	case MMU_HOLE:
		break;
	}
	return 0;
}

const char *mmu_type_name(enum mmu_type type)
{
	static const char *const names[] = {
		[MMU_CODE] = "code", [MMU_RODATA] = "rodata", [MMU_DATA] = "data",
		[MMU_DMA_NC] = "dma-nc", [MMU_DEVICE] = "device", [MMU_HOLE] = "hole",
	};

	return type < ARRAY_SIZE(names) ? names[type] : "?";
}
