/* Fakes of what the DMA layer calls, over host memory (see fake_dma_env.h). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <console.h>
#include <errno.h>
#include <fault_inject.h>
#include <fmt.h>
#include <mm/buddy.h>
#include <mm/mmu.h>
#include <mm/page_alloc.h>

#include "fake_dma_env.h"

/* --- the symbols mm/dma_debug.c checks mappings against ------------------- */

char fake_image[8192] __attribute__((aligned(4096)));
char fake_stack[8192] __attribute__((aligned(4096)));
__asm__(".globl __image_start\n.set __image_start, fake_image\n"
	".globl __rodata_end\n.set __rodata_end, fake_image + 8192\n"
	".globl __stack_guard\n.set __stack_guard, fake_stack\n"
	".globl __exc_stack_top\n.set __exc_stack_top, fake_stack + 8192\n");

/* --- the pools (mm/dma.c holds the table; dma_init() is not linked) ------- */

struct dma_mem *fake_pool, *fake_nc_pool;
struct swiotlb *fake_restricted;

static struct swiotlb swiotlbs[2];
static struct buddy fw_ram;
static int memfd = -1;
static u8 arena[1 << 20] __attribute__((aligned(16)));
static size_t arena_used;

bool fault_inject_active;

bool fault_inject_hit_slow(enum fault_site site)
{
	(void)site;
	return false;
}

void *boot_zalloc(size_t size)
{
	void *p;

	size = ALIGN_UP(size, 16);
	if (size > sizeof(arena) - arena_used)
		return NULL;
	p = arena + arena_used;
	arena_used += size;
	memset(p, 0, size);
	return p;
}

void *page_alloc(unsigned int order)
{
	phys_addr_t pa;

	if (buddy_alloc(&fw_ram, order, &pa))
		return NULL;
	memset((void *)(uintptr_t)pa, 0, PAGE_SIZE << order);
	return (void *)(uintptr_t)pa;
}

int page_free(void *page)
{
	return buddy_free(&fw_ram, (uintptr_t)page);
}

int dma_mem_alloc(struct dma_mem *m, unsigned int order, phys_addr_t *pa)
{
	return buddy_alloc(&m->buddy, order, pa);
}

static struct dma_mem *add_mem(const char *name, phys_addr_t base, u64 size, bool nc)
{
	struct dma_mem *m = &dma_mems[dma_nr_mems++];
	size_t meta = buddy_meta_bytes(size);

	*m = (struct dma_mem){ .name = name, .base = base, .size = size, .nc = nc };
	assert_int_equal(buddy_init(&m->buddy, base, size, boot_zalloc(meta), meta), 0);
	return m;
}

/* --- the IOMMU back end: no test device is behind one ------------------------ */

dma_addr_t iommu_dma_map(struct device *dev, phys_addr_t pa, u64 size,
			 enum dma_data_direction dir)
{
	(void)dev, (void)pa, (void)size, (void)dir;
	fail_msg("iommu_dma_map called for a device without an IOMMU");
	return DMA_MAPPING_ERROR;
}

int iommu_dma_unmap(struct device *dev, dma_addr_t dma, u64 size)
{
	(void)dev, (void)dma, (void)size;
	fail_msg("iommu_dma_unmap called for a device without an IOMMU");
	return -EINVAL;
}

int iommu_dma_map_sg(struct device *dev, struct scatterlist *sg, int nents,
		     enum dma_data_direction dir)
{
	(void)dev, (void)sg, (void)nents, (void)dir;
	fail_msg("iommu_dma_map_sg called for a device without an IOMMU");
	return 0;
}

int iommu_dma_unmap_sg(struct device *dev, struct scatterlist *sg, int nents)
{
	(void)dev, (void)sg, (void)nents;
	fail_msg("iommu_dma_unmap_sg called for a device without an IOMMU");
	return -EINVAL;
}

int iommu_dma_to_phys(const struct device *dev, dma_addr_t dma, phys_addr_t *pa)
{
	(void)dev, (void)dma, (void)pa;
	fail_msg("iommu_dma_to_phys called for a device without an IOMMU");
	return -ENOENT;
}

/* --- console --------------------------------------------------------------- */

static char console[16384];
static size_t console_len;
static unsigned int console_nlines;

int kvprintf(const char *fmt, va_list ap)
{
	int n = fmt_vsnprintf(console + console_len, sizeof(console) - console_len, fmt, ap);

	console_len = strlen(console);
	console_nlines++;
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

const char *fake_console(void)
{
	return console;
}

unsigned int fake_console_lines(void)
{
	return console_nlines;
}

/* --- the remap window (include/mm/mmu.h) --------------------------------------- */

#define WIN_SIZE (8UL << 20)
#define MAX_ALIASES 64

static u8 *window;
static struct buddy win_va;
static struct alias {
	uintptr_t va;
	phys_addr_t pa;
	u64 size;
} aliases[MAX_ALIASES];
static int fail_next;

unsigned int fake_remap_live(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < MAX_ALIASES; i++)
		n += aliases[i].size != 0;
	return n;
}

void fake_remap_fail_next(int err)
{
	fail_next = err;
}

static struct alias *alias_of(uintptr_t va)
{
	unsigned int i;

	for (i = 0; i < MAX_ALIASES; i++)
		if (aliases[i].size && va >= aliases[i].va && va - aliases[i].va < aliases[i].size)
			return &aliases[i];
	return NULL;
}

bool fake_remap_mapped(const void *va)
{
	return alias_of((uintptr_t)va) != NULL;
}

int mmu_remap_init(void)
{
	return 0;
}

bool mmu_in_remap_window(const void *va)
{
	return (uintptr_t)va - (uintptr_t)window < WIN_SIZE;
}

int mmu_remap_nc(phys_addr_t pa, u64 size, void **va)
{
	unsigned int i;
	phys_addr_t at; /* window VA: the buddy manages the window's own addresses */

	if (fail_next) {
		int err = fail_next;

		fail_next = 0;
		return err;
	}
	assert_true(pa >= FAKE_PHYS_BASE && pa + size <= FAKE_PHYS_BASE + FAKE_PHYS_SIZE);
	assert_int_equal(size, PAGE_SIZE << buddy_order_of(size)); /* the contract */
	for (i = 0; i < MAX_ALIASES && aliases[i].size; i++)
		;
	assert_true(i < MAX_ALIASES);
	if (buddy_alloc(&win_va, buddy_order_of(size), &at))
		return -ENOMEM;
	/* A second mapping of the same pages: writes through it land at @pa. */
	assert_ptr_equal(mmap((void *)(uintptr_t)at, size, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_FIXED, memfd, pa - FAKE_PHYS_BASE),
			 (void *)(uintptr_t)at);
	aliases[i] = (struct alias){ at, pa, size };
	*va = (void *)(uintptr_t)at;
	return 0;
}

int mmu_remap_unmap(void *va, phys_addr_t *pa, u64 *size)
{
	struct alias *a = alias_of((uintptr_t)va);

	if (!a || a->va != (uintptr_t)va)
		return -EINVAL;
	/* Any later access through the alias faults (SIGSEGV). */
	assert_ptr_equal(mmap(va, a->size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
			 va);
	assert_int_equal(buddy_free(&win_va, (uintptr_t)va), 0);
	if (pa)
		*pa = a->pa;
	if (size)
		*size = a->size;
	a->size = 0;
	return 0;
}

int mmu_remap_phys(const void *va, phys_addr_t *pa)
{
	struct alias *a = alias_of((uintptr_t)va);

	if (!a)
		return -ENOENT;
	*pa = a->pa + ((uintptr_t)va - a->va);
	return 0;
}

/* --- set-up ----------------------------------------------------------------- */

static void map_memory(void)
{
	static void *win_meta;
	size_t meta = buddy_meta_bytes(WIN_SIZE);

	memfd = memfd_create("fake-phys", 0);
	assert_true(memfd >= 0);
	assert_int_equal(ftruncate(memfd, FAKE_PHYS_SIZE), 0);
	/* VA == PA: the "physical" addresses sit where QEMU virt has RAM. */
	assert_ptr_equal(mmap((void *)FAKE_PHYS_BASE, FAKE_PHYS_SIZE, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_FIXED_NOREPLACE, memfd, 0),
			 (void *)FAKE_PHYS_BASE);
	window = mmap(NULL, WIN_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(window != MAP_FAILED);
	win_meta = malloc(meta);
	assert_int_equal(buddy_init(&win_va, (uintptr_t)window, WIN_SIZE, win_meta, meta), 0);
}

void fake_dma_env_reset(void)
{
	size_t meta = buddy_meta_bytes(FAKE_FW_RAM_SIZE);
	unsigned int i;

	if (memfd < 0)
		map_memory();
	for (i = 0; i < MAX_ALIASES; i++)
		if (aliases[i].size)
			mmu_remap_unmap((void *)aliases[i].va, NULL, NULL);
	fail_next = 0;
	memset((void *)FAKE_PHYS_BASE, 0, FAKE_PHYS_SIZE);
	arena_used = 0;
	dma_nr_mems = 0;
	fake_pool = add_mem("fake-pool", FAKE_POOL, FAKE_POOL_SIZE, false);
	fake_nc_pool = dma_nc_mem = add_mem("fake-nc-pool", FAKE_NC_POOL, FAKE_NC_POOL_SIZE, true);
	dma_default_mem = dma_cma_mem = NULL;
	assert_int_equal(buddy_init(&fw_ram, FAKE_FW_RAM, FAKE_FW_RAM_SIZE, boot_zalloc(meta), meta),
			 0);
	assert_int_equal(swiotlb_init(&swiotlbs[0], "swiotlb", FAKE_SWIOTLB, FAKE_SWIOTLB_SIZE), 0);
	assert_int_equal(swiotlb_init(&swiotlbs[1], "restricted", FAKE_RESTRICTED,
				      FAKE_RESTRICTED_SIZE),
			 0);
	dma_default_swiotlb = &swiotlbs[0];
	fake_restricted = &swiotlbs[1];
	console[0] = '\0';
	console_len = 0;
	console_nlines = 0;
	dma_debug_set(true);
}

void fake_dev_init(struct device *dev, const char *name, bool coherent)
{
	memset(dev, 0, sizeof(*dev));
	snprintf(dev->name, sizeof(dev->name), "%s", name);
	dev->node = -1;
	dev->dma_mask = dev->coherent_dma_mask = DMA_BIT_MASK(64);
	dev->dt.bus_dma_limit = ~0ULL;
	dev->dt.coherent = dev->dma_coherent = coherent;
	dma_update_fast_path(dev);
}
