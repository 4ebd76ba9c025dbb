/*
 * The CPU's identity map: image sections with their permissions, the DTB,
 * RAM and device MMIO, built once and only ever extended.
 */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/sysreg.h>
#include <arch/tlb.h>
#include <bits.h>
#include <errno.h>
#include <libfdt.h>
#include <layout.h>
#include <mm/mmu.h>
#include <mm/pgtable.h>
#include <string.h>

/* TCR_EL1 (D23.2.123). */
#define TCR_T0SZ GENMASK(5, 0)
#define TCR_IRGN0 GENMASK(9, 8)
#define TCR_ORGN0 GENMASK(11, 10)
#define TCR_SH0 GENMASK(13, 12)
#define TCR_TG0 GENMASK(15, 14)
#define TCR_EPD1 BIT(23)
#define TCR_IPS GENMASK(34, 32)
#define TCR_RGN_WBWA 1
#define TCR_TG0_4K 0
#define TCR_IPS_48BIT 5

/* ID_AA64MMFR0_EL1.PARange encodings -> bits (D23.2.84). */
static const u8 parange_bits[] = { 32, 36, 40, 42, 44, 48, 52 };

#define MMU_TABLE_PAGES 48
#define MMU_MAX_REGIONS 64

static u64 table_pool[MMU_TABLE_PAGES][PGTABLE_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static unsigned int table_pool_used;
static struct pgtable kernel_pgt;
static struct mmu_region regions[MMU_MAX_REGIONS];
static unsigned int nr_regions;

extern char __image_start[], __text_end[], __rodata_end[], __bss_end[];
extern char __stack_guard[], __stack_bottom[], __stack_top[];
extern char __exc_stack_guard[], __exc_stack_bottom[], __exc_stack_top[];

static void *pool_alloc(void *ctx)
{
	(void)ctx;
	if (table_pool_used == MMU_TABLE_PAGES)
		return NULL;
	return table_pool[table_pool_used++];
}

static void pool_free(void *ctx, void *page)
{
	(void)ctx;
	/* Only ever the most recent pages come back (a failed reservation). */
	if (table_pool_used && page == table_pool[table_pool_used - 1])
		table_pool_used--;
}

static u64 type_attrs(enum mmu_type type)
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

static int record(phys_addr_t base, u64 size, enum mmu_type type, const char *name)
{
	unsigned int i;

	if (nr_regions == MMU_MAX_REGIONS)
		return -ENOMEM;
	for (i = nr_regions; i > 0 && regions[i - 1].base > base; i--)
		regions[i] = regions[i - 1];
	regions[i] = (struct mmu_region){ base, size, type, name };
	nr_regions++;
	return 0;
}

static int map_new(phys_addr_t base, u64 size, enum mmu_type type, const char *name)
{
	int ret;

	if (nr_regions == MMU_MAX_REGIONS)
		return -ENOMEM;
	ret = pgtable_map(&kernel_pgt, base, base, size, type_attrs(type));
	if (ret)
		return ret;
	return record(base, size, type, name);
}

/* Whether an existing region of type @have already serves a request for @want. */
static bool covers(enum mmu_type have, enum mmu_type want)
{
	/* RAM around the image, the DTB, holes and NC pools: those keep theirs. */
	if (want == MMU_DATA)
		return have != MMU_DEVICE;
	return have == want;
}

int mmu_map(phys_addr_t base, u64 size, enum mmu_type type, const char *name)
{
	phys_addr_t start = ALIGN_DOWN(base, PAGE_SIZE);
	phys_addr_t end = ALIGN_UP(base + size, PAGE_SIZE);
	unsigned int i;
	int ret;

	if (!size || end <= start)
		return -EINVAL;
	/* Check every overlap first, so a conflict maps nothing. */
	for (i = 0; i < nr_regions; i++) {
		const struct mmu_region *r = &regions[i];

		if (r->base < end && start < r->base + r->size && !covers(r->type, type))
			return -EEXIST;
	}
	/* Map the gaps between recorded regions that overlap [start, end). */
	for (i = 0; i < nr_regions && start < end; i++) {
		const struct mmu_region *r = &regions[i];
		phys_addr_t r_end = r->base + r->size;

		if (r_end <= start || r->base >= end)
			continue;
		if (r->base > start) {
			ret = map_new(start, r->base - start, type, name);
			if (ret)
				return ret;
			i++; /* the new record sorted in before r */
		}
		start = r_end;
	}
	if (start < end) {
		ret = map_new(start, end - start, type, name);
		if (ret)
			return ret;
	}
	dsb(ishst); /* descriptors visible to the table walker ... */
	isb();	    /* ... before any later access may use them */
	return 0;
}

int mmu_hole(phys_addr_t base, u64 size, const char *name)
{
	unsigned int i;

	for (i = 0; i < nr_regions; i++)
		if (regions[i].base < base + size && base < regions[i].base + regions[i].size)
			return -EEXIST;
	return record(ALIGN_DOWN(base, PAGE_SIZE), ALIGN_UP(size, PAGE_SIZE), MMU_HOLE, name);
}

unsigned int mmu_va_bits(void)
{
	return kernel_pgt.va_bits;
}

const struct mmu_region *mmu_regions(unsigned int *count)
{
	*count = nr_regions;
	return regions;
}

static unsigned int pa_bits(void)
{
	unsigned int r = FIELD_GET(ID_AA64MMFR0_EL1_PARANGE, read_sysreg(id_aa64mmfr0_el1));

	return r < ARRAY_SIZE(parange_bits) ? parange_bits[r] : 48;
}

/*
 * Read a big-endian 32-bit DTB header word with the MMU off: every data
 * access is Device memory then, so only aligned loads are allowed.
 */
static u32 early_be32(phys_addr_t addr)
{
	return __builtin_bswap32(*(volatile const u32 *)(uintptr_t)addr);
}


bool mmu_early_init(phys_addr_t dtb)
{
	static const struct pgtable_pages pages = { pool_alloc, pool_free, NULL };
	phys_addr_t img = (uintptr_t)__image_start;
	unsigned int va_bits = pa_bits() > PGTABLE_MAX_VA_BITS ? PGTABLE_MAX_VA_BITS : pa_bits();
	bool dtb_mapped = false;
	u64 ips, tcr;

	if (pgtable_init(&kernel_pgt, va_bits, &pages))
		return false;

	/* A failure here leaves the image unmapped: nothing could run, so halt below. */
	if (map_new(img, (uintptr_t)__text_end - img, MMU_CODE, "fw-text") ||
	    map_new((uintptr_t)__text_end, (uintptr_t)__rodata_end - (uintptr_t)__text_end,
		    MMU_RODATA, "fw-rodata") ||
	    map_new((uintptr_t)__rodata_end, (uintptr_t)__stack_guard - (uintptr_t)__rodata_end,
		    MMU_DATA, "fw-data") ||
	    map_new((uintptr_t)__stack_bottom,
		    (uintptr_t)__exc_stack_guard - (uintptr_t)__stack_bottom, MMU_DATA, "fw-stack") ||
	    map_new((uintptr_t)__exc_stack_bottom,
		    (uintptr_t)__exc_stack_top - (uintptr_t)__exc_stack_bottom, MMU_DATA,
		    "fw-exc-stack") ||
	    mmu_hole((uintptr_t)__stack_guard, STACK_GUARD_SIZE, "stack-guard") ||
	    mmu_hole((uintptr_t)__exc_stack_guard, STACK_GUARD_SIZE, "exc-stack-guard")) {
		cpu_park();
	}

	/* The DTB window, only if it looks like a DTB (the full check comes later). */
	if (dtb && IS_ALIGNED(dtb, 8) && !(dtb >> va_bits) && early_be32(dtb) == FDT_MAGIC) {
		u64 size = early_be32(dtb + 4);

		if (size >= 40 && size <= DTB_MAX_SIZE)
			dtb_mapped = !mmu_map(dtb, size, MMU_RODATA, "dtb");
	}

	/* 52-bit output needs FEAT_LPA2 with 4 KiB pages: stay at 48 (D8.2.6). */
	ips = FIELD_GET(ID_AA64MMFR0_EL1_PARANGE, read_sysreg(id_aa64mmfr0_el1));
	if (ips > TCR_IPS_48BIT)
		ips = TCR_IPS_48BIT;
	write_sysreg(MAIR_VALUE, mair_el1);
	tcr = FIELD_PREP(TCR_T0SZ, 64 - va_bits) | FIELD_PREP(TCR_IRGN0, TCR_RGN_WBWA) |
	      FIELD_PREP(TCR_ORGN0, TCR_RGN_WBWA) | FIELD_PREP(TCR_SH0, PTE_SH_INNER) |
	      FIELD_PREP(TCR_TG0, TCR_TG0_4K) | TCR_EPD1 |
	      FIELD_PREP(TCR_IPS, ips);
	write_sysreg(tcr, tcr_el1);
	write_sysreg((uintptr_t)kernel_pgt.root, ttbr0_el1);
	dsb(ish);	/* table writes (made with the MMU off) complete before the walks */
	isb();
	tlbi_vmalle1();	/* nothing stale from whoever ran before us */
	dsb(nsh);
	isb();
	/* WXN: any writable page is also execute-never (D8.4.1.4). */
	write_sysreg(read_sysreg(sctlr_el1) | SCTLR_EL1_M | SCTLR_EL1_C | SCTLR_EL1_I |
			     SCTLR_EL1_SA | SCTLR_EL1_WXN,
		     sctlr_el1);
	isb(); /* the MMU is on for the next instruction */
	return dtb_mapped;
}
