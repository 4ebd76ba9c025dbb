/*
 * Boot-time set-up of DMA memory from the DT (dma_init), the coherent pools,
 * lending of reusable pools, and devices built from DT nodes.
 *
 *   memmap_parse()         RAM, /memreserve/, /reserved-memory, checked
 *   no-map regions         shared-dma-pool -> Normal NC; others unmapped
 *   firmware NC pool       2 MiB Normal NC for non-coherent devices
 *   RAM                    Normal WB around all of the above
 *   firmware page alloc    the largest RAM range nothing else claims
 *   remap window           VA allocator for Normal-NC aliases (mm/mmu.c)
 *   pools + bounce         a buddy per shared-dma-pool, a swiotlb per
 *                          restricted-dma-pool, a default swiotlb
 */
#include <boot.h>
#include <console.h>
#include <dt.h>
#include <errno.h>
#include <fault_inject.h>
#include <layout.h>
#include <libfdt.h>
#include <mm/dma_internal.h>
#include <mm/memmap.h>
#include <mm/mmu.h>
#include <mm/page_alloc.h>
#include <mm/reclaim.h>
#include <selftest.h>
#include <string.h>

#define NC_POOL_SIZE (UL(2) << 20)
#define DEFAULT_SWIOTLB_ORDER 10 /* 4 MiB */
#define MAX_RESTRICTED 4
#define MAX_DEVICES 32
#define MAX_LENT 64

static struct memmap memmap;
static int mem_of_rmem[MEMMAP_MAX_RMEM];	/* rmem index -> dma_mems index, or -1 */
static struct swiotlb restricted[MAX_RESTRICTED];
static int swiotlb_of_rmem[MEMMAP_MAX_RMEM];
static struct swiotlb default_swiotlb;
static unsigned int memmap_problems;

/* The default bounce buffer, placed low in RAM (reachable by small masks). */
static phys_addr_t swiotlb_base;
static u64 swiotlb_size;

/* The firmware page allocator's range (for the console's memory map). */
static phys_addr_t fw_ram_base;
static u64 fw_ram_size;

static struct device devices[MAX_DEVICES];
static unsigned int nr_devices;

static struct lent {
	struct dma_mem *mem;	/* NULL: firmware RAM fallback */
	void *block;
	reclaim_release_fn release;
	void *ctx;
} lent[MAX_LENT];

extern char __image_start[], __image_end[];

static void report(void *ctx, const char *path, const char *msg)
{
	(void)ctx;
	memmap_problems++;
	kprintf("memmap: error: %s%s%s\n", path, *path ? ": " : "", msg);
}

unsigned int dma_memmap_problems(void)
{
	return memmap_problems;
}

const struct memmap *dma_memmap(void)
{
	return &memmap;
}

void dma_fw_range(phys_addr_t *base, u64 *size)
{
	*base = fw_ram_base;
	*size = fw_ram_size;
}

struct dma_mem *dma_mem_by_rmem(int rmem)
{
	return rmem >= 0 && rmem < MEMMAP_MAX_RMEM && mem_of_rmem[rmem] >= 0 ?
		       &dma_mems[mem_of_rmem[rmem]] :
		       NULL;
}

struct swiotlb *dma_swiotlb_by_rmem(int rmem)
{
	return rmem >= 0 && rmem < MEMMAP_MAX_RMEM && swiotlb_of_rmem[rmem] >= 0 ?
		       &restricted[swiotlb_of_rmem[rmem]] :
		       NULL;
}

/* Reclaim every block lent from @m: owners release, blocks return to the pool. */
static unsigned int reclaim(struct dma_mem *m)
{
	unsigned int i, n = 0;

	for (i = 0; i < MAX_LENT; i++) {
		if (!lent[i].block || lent[i].mem != m)
			continue;
		lent[i].release(lent[i].ctx, lent[i].block);
		buddy_free(&m->buddy, (uintptr_t)lent[i].block);
		lent[i].block = NULL;
		n++;
	}
	return n;
}

int dma_mem_alloc(struct dma_mem *m, unsigned int order, phys_addr_t *pa)
{
	int ret;

	if (fault_inject_hit(FAULT_INJECT_COHERENT))
		return -ENOMEM; /* as a pool that is full even after reclaim */
	ret = buddy_alloc(&m->buddy, order, pa);

	if (ret == -ENOMEM && m->reusable && reclaim(m))
		ret = buddy_alloc(&m->buddy, order, pa);
	return ret;
}

void *reclaimable_alloc(unsigned int order, reclaim_release_fn release, void *ctx)
{
	unsigned int i, slot;
	struct dma_mem *from = NULL;
	phys_addr_t pa;
	void *block = NULL;

	for (slot = 0; slot < MAX_LENT && lent[slot].block; slot++)
		;
	if (slot == MAX_LENT || !release)
		return NULL;
	for (i = 0; i < dma_nr_mems && !block; i++) {
		if (dma_mems[i].reusable && !buddy_alloc(&dma_mems[i].buddy, order, &pa)) {
			from = &dma_mems[i];
			block = (void *)(uintptr_t)pa;
			memset(block, 0, PAGE_SIZE << order);
		}
	}
	if (!block)
		block = page_alloc(order);
	if (!block)
		return NULL;
	lent[slot] = (struct lent){ from, block, release, ctx };
	return block;
}

int reclaimable_free(void *block)
{
	unsigned int i;

	for (i = 0; i < MAX_LENT; i++) {
		if (lent[i].block != block || !block)
			continue;
		lent[i].block = NULL;
		return lent[i].mem ? buddy_free(&lent[i].mem->buddy, (uintptr_t)block) :
				     page_free(block);
	}
	return -EINVAL;
}

unsigned int reclaimable_lent(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < MAX_LENT; i++)
		n += lent[i].block && lent[i].mem;
	return n;
}

static bool overlaps(phys_addr_t b1, u64 s1, phys_addr_t b2, u64 s2)
{
	return b1 < b2 + s2 && b2 < b1 + s1;
}

/* Whether [base, base + size) is claimed by a reservation, the image or the DTB. */
static bool claimed(phys_addr_t base, u64 size)
{
	phys_addr_t img = (uintptr_t)__image_start;
	int i;

	if (overlaps(base, size, img, (uintptr_t)__image_end - img) ||
	    (swiotlb_size && overlaps(base, size, swiotlb_base, swiotlb_size)) ||
	    overlaps(base, size, (uintptr_t)boot_info.fdt, fdt_totalsize(boot_info.fdt)))
		return true;
	for (i = 0; i < memmap.nr_rmem; i++)
		if (overlaps(base, size, memmap.rmem[i].base, memmap.rmem[i].size))
			return true;
	for (i = 0; i < memmap.nr_rsv; i++)
		if (overlaps(base, size, memmap.rsv[i].base, memmap.rsv[i].size))
			return true;
	return false;
}

/* The lowest unclaimed, @size-aligned RAM range of @size bytes, or 0. */
static phys_addr_t lowest_free(u64 size)
{
	int r;

	for (r = 0; r < memmap.nr_ram; r++) {
		phys_addr_t a = ALIGN_UP(memmap.ram[r].base, size);

		for (; a + size <= memmap.ram[r].base + memmap.ram[r].size; a += size)
			if (!claimed(a, size))
				return a;
	}
	return 0;
}

/* The largest page-aligned RAM range nothing claims, found page-block by page-block. */
static void largest_free(phys_addr_t *best_base, u64 *best_size)
{
	const u64 step = UL(2) << 20; /* 2 MiB granules: coarse but cheap */
	int r;

	*best_size = 0;
	for (r = 0; r < memmap.nr_ram; r++) {
		phys_addr_t a = ALIGN_UP(memmap.ram[r].base, step);
		phys_addr_t end = ALIGN_DOWN(memmap.ram[r].base + memmap.ram[r].size, step);

		while (a < end) {
			phys_addr_t b = a;

			while (b < end && !claimed(b, step))
				b += step;
			if (b - a > *best_size) {
				*best_base = a;
				*best_size = b - a;
			}
			a = b + step;
		}
	}
}

static int add_mem(const char *name, phys_addr_t base, u64 size, bool nc, bool reusable)
{
	struct dma_mem *m;
	size_t meta;
	void *buf;

	if (dma_nr_mems == DMA_MAX_MEMS)
		return -ENOSPC;
	m = &dma_mems[dma_nr_mems];
	meta = buddy_meta_bytes(size);
	buf = boot_zalloc(meta); /* firmware RAM: a device cannot reach the allocator */
	if (!buf || buddy_init(&m->buddy, base, size, buf, meta))
		return -ENOMEM;
	m->name = name;
	m->base = base;
	m->size = size;
	m->nc = nc;
	m->reusable = reusable;
	return dma_nr_mems++;
}

int dma_init(const void *fdt)
{
	struct memmap_excl excl = { 0 };
	phys_addr_t fw_base = 0, img = (uintptr_t)__image_start;
	u64 fw_size;
	bool room;
	int i, ret;

	for (i = 0; i < MEMMAP_MAX_RMEM; i++)
		mem_of_rmem[i] = swiotlb_of_rmem[i] = -1;
	excl.range[excl.count++] = (struct memmap_excl_range){ img, (uintptr_t)__image_end - img,
								"firmware image" };
	excl.range[excl.count++] = (struct memmap_excl_range){ (uintptr_t)fdt,
								fdt_totalsize(fdt), "DTB" };
	memmap_parse(fdt, &excl, &memmap, report, NULL);

	/* Mappings that are not plain RAM go in first: RAM is mapped around them. */
	for (i = 0; i < memmap.nr_rmem; i++) {
		const struct rmem *r = &memmap.rmem[i];

		if (!(r->flags & RMEM_NO_MAP))
			continue;
		if (r->flags & RMEM_SHARED_DMA_POOL)
			ret = mmu_map(r->base, r->size, MMU_DMA_NC, r->name);
		else
			ret = mmu_hole(r->base, r->size, r->name);
		if (ret)
			kprintf("dma: error: cannot map no-map region %s: %d\n", r->name, ret);
	}
	/* Like Linux's default swiotlb: as low as possible, so small masks reach it. */
	swiotlb_base = lowest_free(PAGE_SIZE << DEFAULT_SWIOTLB_ORDER);
	if (swiotlb_base)
		swiotlb_size = PAGE_SIZE << DEFAULT_SWIOTLB_ORDER;
	largest_free(&fw_base, &fw_size);
	/* The NC pool: the top 2 MiB of the firmware's range, if there is room. */
	room = fw_size >= 4 * NC_POOL_SIZE;
	if (room) {
		fw_size -= NC_POOL_SIZE;
		room = !mmu_map(fw_base + fw_size, NC_POOL_SIZE, MMU_DMA_NC, "fw-nc-pool");
	}
	/* RAM is mapped whatever fails below: the firmware keeps running on it. */
	for (i = 0; i < memmap.nr_ram; i++) {
		ret = mmu_map(memmap.ram[i].base, memmap.ram[i].size, MMU_DATA, "ram");
		if (ret)
			selftest_boot_error("cannot map RAM 0x%llx+0x%llx: error %d",
					    (unsigned long long)memmap.ram[i].base,
					    (unsigned long long)memmap.ram[i].size, ret);
	}
	if (!room) {
		kprintf("dma: error: no free RAM range of %lu MiB for the firmware\n",
			(4 * NC_POOL_SIZE) >> 20);
		return -ENOMEM;
	}
	ret = page_alloc_init(fw_base, fw_size);
	if (ret)
		return ret;
	/* Without it, non-coherent devices still get the no-map pools and the NC pool. */
	ret = mmu_remap_init();
	if (ret)
		kprintf("dma: error: no remap window (%d): cacheable pools serve coherent "
			"devices only\n", ret);
	fw_ram_base = fw_base;
	fw_ram_size = fw_size;
	ret = add_mem("fw-nc-pool", fw_base + fw_size, NC_POOL_SIZE, true, false);
	if (ret < 0)
		return ret;
	dma_nc_mem = &dma_mems[ret];

	for (i = 0; i < memmap.nr_rmem; i++) {
		const struct rmem *r = &memmap.rmem[i];

		if (r->flags & RMEM_SHARED_DMA_POOL) {
			ret = add_mem(r->name, r->base, r->size, r->flags & RMEM_NO_MAP,
				      r->flags & RMEM_REUSABLE);
			if (ret < 0) {
				kprintf("dma: error: pool %s not usable: %d\n", r->name, ret);
				continue;
			}
			mem_of_rmem[i] = ret;
			if ((r->flags & RMEM_DMA_DEFAULT) && !dma_default_mem)
				dma_default_mem = &dma_mems[ret];
			if ((r->flags & RMEM_CMA_DEFAULT) && !dma_cma_mem)
				dma_cma_mem = &dma_mems[ret];
		} else if (r->flags & RMEM_RESTRICTED_DMA_POOL) {
			unsigned int n;

			for (n = 0; n < MAX_RESTRICTED && restricted[n].nslabs; n++)
				;
			if (n == MAX_RESTRICTED ||
			    swiotlb_init(&restricted[n], r->name, r->base, r->size)) {
				kprintf("dma: error: restricted pool %s not usable\n", r->name);
				continue;
			}
			swiotlb_of_rmem[i] = n;
		}
	}
	if (swiotlb_size && !swiotlb_init(&default_swiotlb, "swiotlb", swiotlb_base, swiotlb_size))
		dma_default_swiotlb = &default_swiotlb;
	else
		kprintf("dma: warning: no default bounce buffer (no free %llu MiB of RAM)\n",
			(unsigned long long)((PAGE_SIZE << DEFAULT_SWIOTLB_ORDER) >> 20));
	return 0;
}

static void report_dev(void *ctx, const char *path, const char *msg)
{
	(void)ctx;
	kprintf("device: error: %s: %s\n", path, msg);
}

int device_init_dt(struct device *dev, int node)
{
	const void *fdt = boot_info.fdt;
	int i, ret;

	memset(dev, 0, sizeof(*dev));
	dev->node = node;
	dt_path(fdt, node, dev->name, sizeof(dev->name));
	ret = dt_dma_configure(fdt, node, &memmap, &dev->dt, report_dev, NULL);
	dev->dma_mask = dev->dt.dma_mask;
	dev->coherent_dma_mask = dev->dt.coherent_dma_mask;
	dev->dma_coherent = dev->dt.coherent;
	for (i = 0; i < dev->dt.nr_regions; i++) {
		int r = dev->dt.region[i].rmem;
		struct dma_mem *m = dma_mem_by_rmem(r);
		struct swiotlb *sw = dma_swiotlb_by_rmem(r);

		/* A cacheable pool serves a non-coherent device through Normal-NC aliases. */
		if (m && !dev->mem)
			dev->mem = m;
		if (sw && !dev->bounce) {
			dev->bounce = sw;
			dev->force_bounce = true;
		}
	}
	dma_update_fast_path(dev);
	return ret < 0 ? ret : 0;
}

struct device *device_get_dt(const char *path)
{
	int node = fdt_path_offset(boot_info.fdt, path);
	unsigned int i;

	if (node < 0)
		return NULL;
	for (i = 0; i < nr_devices; i++)
		if (devices[i].node == node && !devices[i].released)
			return &devices[i];
	if (nr_devices == MAX_DEVICES)
		return NULL;
	device_init_dt(&devices[nr_devices], node);
	return &devices[nr_devices++];
}

int device_release(struct device *dev)
{
	int n = dma_debug_release(dev);

	dev->released = true;
	return n;
}
