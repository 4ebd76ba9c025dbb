/*
 * The CPU's identity map: image sections with their permissions, the DTB,
 * RAM and device MMIO, built once and only ever extended (TTBR0_EL1); and
 * the remap window (TTBR1_EL1, include/layout.h), where Normal-NC aliases
 * of coherent DMA buffers come and go.
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
#include <mm/page_alloc.h>
#include <mm/pgtable.h>
#include <mm/remap.h>
#include <string.h>

/* TCR_EL1 (D23.2.123). */
#define TCR_T0SZ GENMASK(5, 0)
#define TCR_IRGN0 GENMASK(9, 8)
#define TCR_ORGN0 GENMASK(11, 10)
#define TCR_SH0 GENMASK(13, 12)
#define TCR_TG0 GENMASK(15, 14)
#define TCR_T1SZ GENMASK(21, 16)
#define TCR_EPD1 BIT(23)
#define TCR_IRGN1 GENMASK(25, 24)
#define TCR_ORGN1 GENMASK(27, 26)
#define TCR_SH1 GENMASK(29, 28)
#define TCR_TG1 GENMASK(31, 30)
#define TCR_IPS GENMASK(34, 32)
#define TCR_TBI1 BIT(38)
#define TCR_RGN_WBWA 1
#define TCR_TG0_4K 0
#define TCR_TG1_4K 2 /* TG1 encodes granules differently from TG0 */
#define TCR_IPS_48BIT 5

/* ID_AA64MMFR0_EL1.PARange encodings -> bits (D23.2.84). */
static const u8 parange_bits[] = { 32, 36, 40, 42, 44, 48, 52 };

/* The identity map's tables, and up to 16 for the remap window. */
#define MMU_TABLE_PAGES 64
#define MMU_MAX_REGIONS 64

static u64 table_pool[MMU_TABLE_PAGES][PGTABLE_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static unsigned int table_pool_used;
static struct pgtable kernel_pgt;
static struct mmu_region regions[MMU_MAX_REGIONS];
static unsigned int nr_regions;
static struct pgtable remap_pgt;	/* TTBR1: input address 0 is REMAP_WINDOW_BASE */
static bool remap_tables;		/* remap_pgt has a root and TTBR1 walks are on */
static struct remap_window remap;
static bool remap_ready;		/* mmu_remap_init() succeeded */

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

static const struct pgtable_pages table_pages = { pool_alloc, pool_free, NULL };

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
	ret = pgtable_map(&kernel_pgt, base, base, size, mmu_type_attrs(type));
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
	phys_addr_t img = (uintptr_t)__image_start;
	unsigned int va_bits = pa_bits() > PGTABLE_MAX_VA_BITS ? PGTABLE_MAX_VA_BITS : pa_bits();
	bool dtb_mapped = false;
	u64 ips, tcr;

	if (pgtable_init(&kernel_pgt, va_bits, &table_pages))
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
	      FIELD_PREP(TCR_TG0, TCR_TG0_4K) | FIELD_PREP(TCR_IPS, ips);
	/*
	 * The remap window's walks, same cacheability as TTBR0's (D23.2.123);
	 * TBI1 so that its pointers have bit 63 clear (include/layout.h).
	 */
	remap_tables = !pgtable_init(&remap_pgt, REMAP_VA_BITS, &table_pages);
	if (remap_tables) {
		tcr |= TCR_TBI1 | FIELD_PREP(TCR_T1SZ, 64 - REMAP_VA_BITS) |
		       FIELD_PREP(TCR_IRGN1, TCR_RGN_WBWA) | FIELD_PREP(TCR_ORGN1, TCR_RGN_WBWA) |
		       FIELD_PREP(TCR_SH1, PTE_SH_INNER) | FIELD_PREP(TCR_TG1, TCR_TG1_4K);
		write_sysreg((uintptr_t)remap_pgt.root, ttbr1_el1);
	} else {
		tcr |= TCR_EPD1; /* no table: upper-range accesses fault without a walk */
	}
	write_sysreg(tcr, tcr_el1);
	write_sysreg((uintptr_t)kernel_pgt.root, ttbr0_el1);
	dsb(ish);	/* table writes (made with the MMU off) complete before the walks */
	isb();		/* ... and the new TCR/TTBRs in effect before the TLBI */
	tlbi_vmalle1();	/* nothing stale from whoever ran before us */
	dsb(nsh);	/* the local invalidation has completed ... */
	isb();		/* ... before SCTLR_EL1.M is set */
	/* WXN: any writable page is also execute-never (D8.4.1.4). */
	write_sysreg(read_sysreg(sctlr_el1) | SCTLR_EL1_M | SCTLR_EL1_C | SCTLR_EL1_I |
			     SCTLR_EL1_SA | SCTLR_EL1_WXN,
		     sctlr_el1);
	isb(); /* the MMU is on for the next instruction */
	return dtb_mapped;
}

int mmu_remap_init(void)
{
	size_t meta = remap_meta_bytes(REMAP_WINDOW_SIZE);
	void *buf;
	int ret;

	if (!remap_tables)
		return -ENOMEM; /* mmu_early_init() had no page for the window's root */
	if (remap_ready)
		return 0;
	buf = boot_zalloc(meta);
	if (!buf)
		return -ENOMEM;
	ret = remap_window_init(&remap, &remap_pgt, REMAP_WINDOW_BASE, REMAP_WINDOW_SIZE, buf, meta);
	remap_ready = !ret;
	return ret;
}

int mmu_remap_nc(phys_addr_t pa, u64 size, void **va)
{
	u64 v;
	int ret;

	if (!remap_ready)
		return -ENODEV;
	ret = remap_window_map(&remap, pa, size, mmu_type_attrs(MMU_DMA_NC), &v);
	if (ret)
		return ret;
	/*
	 * Only invalid entries were written, and every unmap invalidated its
	 * VAs: no TLB entry can be stale: no break-before-make is needed (Arm ARM,
	 * "Using break-before-make when updating translation table entries").
	 */
	dsb(ishst); /* descriptors visible to the table walker ... */
	isb();	    /* ... before the caller's first access through the alias */
	*va = (void *)(uintptr_t)v;
	return 0;
}

/* The largest level number (smallest leaf) pgtable_unmap() cleared. */
static void note_leaf(void *ctx, u64 va, unsigned int level)
{
	unsigned int *finest = ctx;

	(void)va;
	if (level > *finest)
		*finest = level;
}

/* Above this many per-VA TLBIs, one TLBI VMALLE1IS is cheaper (Linux: MAX_DVM_OPS). */
#define REMAP_MAX_TLBI 512

int mmu_remap_unmap(void *va, phys_addr_t *pa, u64 *size)
{
	unsigned int finest = 0;
	u64 start = (uintptr_t)va, bytes, step, a;
	int ret;

	if (!remap_ready)
		return -EINVAL;
	ret = remap_window_unmap(&remap, start, pa, &bytes, note_leaf, &finest);
	if (ret)
		return ret;
	/*
	 * Break, then invalidate every leaf of the range (Arm ARM, "Using
	 * break-before-make when updating translation table entries"):
	 * stepping by the smallest leaf size hits every entry at least once.
	 */
	dsb(ishst); /* cleared descriptors visible to the walkers before the TLBIs */
	step = pgtable_level_size(finest);
	if (bytes / step > REMAP_MAX_TLBI) {
		tlbi_vmalle1is();
	} else {
		for (a = start; a < start + bytes; a += step)
			tlbi_vaale1is(a);
	}
	dsb(ish); /* the invalidation has completed on every PE ... */
	isb();	  /* ... and this PE's later accesses see the unmapped window */
	if (size)
		*size = bytes;
	return 0;
}

int mmu_remap_phys(const void *va, phys_addr_t *pa)
{
	unsigned int level;
	u64 desc;

	if (!remap_ready)
		return -ENOENT;
	return remap_window_lookup(&remap, (uintptr_t)va, pa, &desc, &level);
}

int mmu_lookup(uintptr_t va, phys_addr_t *pa, u64 *desc, unsigned int *level)
{
	if (va >= REMAP_WINDOW_BASE)
		return remap_ready ? remap_window_lookup(&remap, va, pa, desc, level) : -ENOENT;
	return pgtable_lookup(&kernel_pgt, va, pa, desc, level);
}

bool mmu_in_remap_window(const void *va)
{
	return (uintptr_t)va - REMAP_WINDOW_BASE < REMAP_WINDOW_SIZE;
}
