/*
 * The DMA API (include/dma.h): direct and bounce back ends, coherent
 * allocations, cache maintenance for non-coherent devices.
 *
 * The firmware's linear map is VA == PA, so a CPU pointer is its physical
 * address; dma-ranges then give the device's view. The one exception is a
 * coherent buffer of a non-coherent device taken from a cacheable pool: the
 * CPU gets its Normal-NC alias in the remap window (mmu_remap_nc()).
 */
#include <arch/cache.h>
#include <bits.h>
#include <errno.h>
#include <layout.h>
#include <mm/dma_cache.h>
#include <mm/dma_internal.h>
#include <mm/mmu.h>
#include <mm/page_alloc.h>
#include <string.h>

/* The pools the API allocates from and bounces through; dma_init() (mm/dma_mem.c) fills them. */
struct dma_mem dma_mems[DMA_MAX_MEMS];
unsigned int dma_nr_mems;
struct dma_mem *dma_default_mem;
struct dma_mem *dma_cma_mem;
struct dma_mem *dma_nc_mem;
struct swiotlb *dma_default_swiotlb;

static bool phys_to_dma(const struct device *dev, phys_addr_t pa, u64 size, dma_addr_t *dma)
{
	if (!dev->dt.nr_ranges) {
		*dma = pa;
		return true;
	}
	return !dt_dma_phys_to_dma(&dev->dt, pa, size, dma);
}

static bool dma_to_phys(const struct device *dev, dma_addr_t dma, u64 size, phys_addr_t *pa)
{
	if (dev->iommu)
		return !iommu_dma_to_phys(dev, dma, pa);
	if (!dev->dt.nr_ranges) {
		*pa = dma;
		return true;
	}
	return !dt_dma_dma_to_phys(&dev->dt, dma, size, pa);
}

/* Whether the device can put [dma, dma + size) on the bus (Linux dma_capable). */
static bool capable(const struct device *dev, dma_addr_t dma, u64 size, u64 mask)
{
	u64 last = dma + size - 1;

	return last >= dma && last <= mask && last <= dev->dt.bus_dma_limit;
}

static struct swiotlb *bounce_pool(const struct device *dev)
{
	return dev->bounce ? dev->bounce : dma_default_swiotlb;
}

void dma_update_fast_path(struct device *dev)
{
	dev->direct_fast = dev->dma_coherent && !dev->force_bounce && !dev->dt.nr_ranges &&
			   !dev->iommu;
	dev->direct_limit = dev->dma_mask < dev->dt.bus_dma_limit ? dev->dma_mask :
								     dev->dt.bus_dma_limit;
}

int dma_set_mask(struct device *dev, u64 mask)
{
	/*
	 * A mask that cannot cover one page is refused with -EIO, as Linux
	 * refuses masks it cannot support; reach is checked per mapping.
	 */
	if (mask < DMA_BIT_MASK(PAGE_SHIFT))
		return -EIO;
	dev->dma_mask = mask;
	dma_update_fast_path(dev);
	return 0;
}

int dma_set_coherent_mask(struct device *dev, u64 mask)
{
	if (mask < DMA_BIT_MASK(PAGE_SHIFT)) /* as dma_set_mask() */
		return -EIO;
	dev->coherent_dma_mask = mask;
	return 0;
}

int dma_set_mask_and_coherent(struct device *dev, u64 mask)
{
	int ret = dma_set_mask(dev, mask);

	return ret ? ret : dma_set_coherent_mask(dev, mask);
}

/*
 * Map one physically contiguous buffer without a barrier; *did_cmo is set
 * when cache maintenance was issued (the caller completes it once).
 */
static dma_addr_t map_one(struct device *dev, phys_addr_t pa, size_t size,
			  enum dma_data_direction dir, bool *did_cmo)
{
	struct swiotlb *sw;
	phys_addr_t tlb;
	dma_addr_t dma;

	if (dev->iommu) {
		dma = iommu_dma_map(dev, pa, size, dir);
		if (dma != DMA_MAPPING_ERROR && !dev->dma_coherent) {
			dma_cache_for_device(pa, size, dir);
			*did_cmo = true;
		}
		return dma;
	}
	if (!dev->force_bounce && phys_to_dma(dev, pa, size, &dma) &&
	    capable(dev, dma, size, dev->dma_mask)) {
		if (!dev->dma_coherent) {
			dma_cache_for_device(pa, size, dir);
			*did_cmo = true;
		}
		return dma;
	}

	sw = bounce_pool(dev);
	if (!sw) {
		dma_debug_report(dev, "cannot reach 0x%llx+%zu (mask 0x%llx) and has no bounce buffer",
				 (unsigned long long)pa, size, (unsigned long long)dev->dma_mask);
		return DMA_MAPPING_ERROR;
	}
	if (swiotlb_alloc(sw, size, 0, pa, &tlb)) {
		dma_debug_report(dev, "bounce buffer %s full: cannot map %zu bytes", sw->name, size);
		return DMA_MAPPING_ERROR;
	}
	if (!phys_to_dma(dev, tlb, size, &dma) || !capable(dev, dma, size, dev->dma_mask)) {
		swiotlb_release(sw, tlb, NULL, NULL);
		dma_debug_report(dev, "bounce buffer %s at 0x%llx is out of reach (mask 0x%llx)",
				 sw->name, (unsigned long long)tlb, (unsigned long long)dev->dma_mask);
		return DMA_MAPPING_ERROR;
	}
	/* Always copy in, whatever the direction: no stale slot data leaks (Linux). */
	memcpy((void *)(uintptr_t)tlb, (const void *)(uintptr_t)pa, size);
	if (!dev->dma_coherent) {
		dma_cache_for_device(tlb, size, dir);
		*did_cmo = true;
	}
	return dma;
}

/* Undo map_one without a barrier. Return: false if @dma is not ours. */
static bool unmap_one(struct device *dev, dma_addr_t dma, size_t size,
		      enum dma_data_direction dir, bool *did_cmo)
{
	struct swiotlb *sw = bounce_pool(dev);
	phys_addr_t pa, orig;
	u64 mapped;

	if (!dma_to_phys(dev, dma, size, &pa))
		return false;
	if (dev->iommu) {
		if (!dev->dma_coherent && dir != DMA_TO_DEVICE) {
			dma_cache_for_cpu(pa, size, dir);
			*did_cmo = true;
		}
		iommu_dma_unmap(dev, dma, size); /* failures are reported there */
		return true;
	}
	if (swiotlb_owns(sw, pa)) {
		if (dir != DMA_TO_DEVICE && !dev->dma_coherent) {
			dma_cache_for_cpu(pa, size, dir);
			dma_barrier_complete(); /* invalidation done before the copy reads */
		}
		if (swiotlb_release(sw, pa, &orig, &mapped))
			return false;
		if (dir != DMA_TO_DEVICE)
			memcpy((void *)(uintptr_t)orig, (const void *)(uintptr_t)pa,
			       size < mapped ? size : mapped);
		return true;
	}
	if (!dev->dma_coherent && dir != DMA_TO_DEVICE) {
		dma_cache_for_cpu(pa, size, dir);
		*did_cmo = true;
	}
	return true;
}

static dma_addr_t map_checked(struct device *dev, phys_addr_t pa, size_t size,
			      enum dma_data_direction dir, enum dbg_type type, const char *what)
{
	bool cmo = false;
	dma_addr_t dma;

	if (!dma_direction_valid(dir) || !size) {
		dma_debug_report(dev, "%s with %s, size %zu", what,
				 dma_direction_valid(dir) ? "a valid direction" : "an invalid direction",
				 size);
		return DMA_MAPPING_ERROR;
	}
	if (dma_debug_enabled && dma_debug_illegal_area(dev, pa, size, what))
		return DMA_MAPPING_ERROR;
	dma = map_one(dev, pa, size, dir, &cmo);
	if (cmo)
		dma_barrier_complete(); /* cleaned to PoC before the device is told */
	if (dma != DMA_MAPPING_ERROR)
		dma_debug_add(dev, type, dma, size, pa, dir);
	return dma;
}

dma_addr_t dma_map_single(struct device *dev, void *ptr, size_t size, enum dma_data_direction dir)
{
	uintptr_t last = (uintptr_t)ptr + size - 1;

	/* Coherent 1:1 device, buffer in reach: nothing to do but say where it is. */
	if (likely(dev->direct_fast && !dma_debug_enabled && size && last >= (uintptr_t)ptr &&
		   last <= dev->direct_limit && (unsigned int)dir <= DMA_FROM_DEVICE))
		return (uintptr_t)ptr;
	return map_checked(dev, (uintptr_t)ptr, size, dir, DBG_SINGLE, "dma_map_single");
}

dma_addr_t dma_map_page(struct device *dev, phys_addr_t page, size_t offset, size_t size,
			enum dma_data_direction dir)
{
	return map_checked(dev, page + offset, size, dir, DBG_PAGE, "dma_map_page");
}

static void unmap_checked(struct device *dev, dma_addr_t addr, size_t size,
			  enum dma_data_direction dir, enum dbg_type type, const char *what)
{
	bool cmo = false;

	if (!dma_debug_remove(dev, type, addr, size, dir, what))
		return; /* unknown handle: touching anything could corrupt memory */
	if (!unmap_one(dev, addr, size, dir, &cmo))
		dma_debug_report(dev, "%s: handle 0x%llx is not a DMA address of this device", what,
				 (unsigned long long)addr);
	if (cmo)
		dma_barrier_complete(); /* invalidated before the CPU reads the data */
}

void dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size,
		      enum dma_data_direction dir)
{
	/* Fast-path mappings need no undoing; bounced ones are in a swiotlb. */
	if (likely(dev->direct_fast && !dma_debug_enabled &&
		   !swiotlb_owns(dma_default_swiotlb, addr)))
		return;
	unmap_checked(dev, addr, size, dir, DBG_SINGLE, "dma_unmap_single");
}

void dma_unmap_page(struct device *dev, dma_addr_t addr, size_t size, enum dma_data_direction dir)
{
	unmap_checked(dev, addr, size, dir, DBG_PAGE, "dma_unmap_page");
}

static bool sg_entry_ok(struct device *dev, const struct scatterlist *sg)
{
	return sg->length && !(dma_debug_enabled &&
			       dma_debug_illegal_area(dev, sg->phys, sg->length, "dma_map_sg"));
}

/* Behind an IOMMU: the whole list in one IOVA range, one DSB for its cleaning. */
static int map_sg_iommu(struct device *dev, struct scatterlist *sg, int nents,
			enum dma_data_direction dir)
{
	int i;

	for (i = 0; i < nents; i++)
		if (!sg_entry_ok(dev, &sg[i]))
			return 0;
	if (!iommu_dma_map_sg(dev, sg, nents, dir))
		return 0;
	if (!dev->dma_coherent) {
		for (i = 0; i < nents; i++)
			dma_cache_for_device(sg[i].phys, sg[i].length, dir);
		dma_barrier_complete(); /* cleaned to PoC before the device is told */
	}
	for (i = 0; i < nents; i++)
		dma_debug_add(dev, DBG_SG, sg[i].dma_address, sg[i].dma_length, sg[i].phys, dir);
	return nents;
}

int dma_map_sg(struct device *dev, struct scatterlist *sg, int nents, enum dma_data_direction dir)
{
	bool cmo = false;
	int i;

	if (!dma_direction_valid(dir) || nents <= 0) {
		dma_debug_report(dev, "dma_map_sg with an invalid direction or %d entries", nents);
		return 0;
	}
	if (dev->iommu)
		return map_sg_iommu(dev, sg, nents, dir);
	for (i = 0; i < nents; i++) {
		if (!sg_entry_ok(dev, &sg[i]))
			goto undo;
		sg[i].dma_address = map_one(dev, sg[i].phys, sg[i].length, dir, &cmo);
		if (sg[i].dma_address == DMA_MAPPING_ERROR)
			goto undo;
		sg[i].dma_length = sg[i].length;
	}
	if (cmo)
		dma_barrier_complete(); /* one DSB for the whole list */
	for (i = 0; i < nents; i++)
		dma_debug_add(dev, DBG_SG, sg[i].dma_address, sg[i].dma_length, sg[i].phys, dir);
	return nents;
undo:
	while (i--) {
		unmap_one(dev, sg[i].dma_address, sg[i].dma_length, DMA_TO_DEVICE, &cmo);
		sg[i].dma_address = DMA_MAPPING_ERROR;
	}
	if (cmo)
		dma_barrier_complete();
	return 0;
}

void dma_unmap_sg(struct device *dev, struct scatterlist *sg, int nents,
		  enum dma_data_direction dir)
{
	bool cmo = false, known = true;
	int i;

	if (dev->iommu) {
		/* One IOVA range: unmapped whole, once every entry checks out. */
		for (i = 0; i < nents; i++)
			known &= dma_debug_remove(dev, DBG_SG, sg[i].dma_address,
						  sg[i].dma_length, dir, "dma_unmap_sg");
		if (!known || nents <= 0)
			return;
		if (!dev->dma_coherent && dir != DMA_TO_DEVICE) {
			for (i = 0; i < nents; i++)
				dma_cache_for_cpu(sg[i].phys, sg[i].dma_length, dir);
			dma_barrier_complete(); /* invalidated before the CPU reads the data */
		}
		iommu_dma_unmap_sg(dev, sg, nents);
		return;
	}
	for (i = 0; i < nents; i++) {
		if (!dma_debug_remove(dev, DBG_SG, sg[i].dma_address, sg[i].dma_length, dir,
				      "dma_unmap_sg"))
			continue;
		unmap_one(dev, sg[i].dma_address, sg[i].dma_length, dir, &cmo);
	}
	if (cmo)
		dma_barrier_complete(); /* one DSB for the whole list */
}

/* Sync part of a mapping; @for_cpu picks the direction of ownership. */
static void sync_one(struct device *dev, dma_addr_t addr, size_t size,
		     enum dma_data_direction dir, bool for_cpu, bool *did_cmo)
{
	struct swiotlb *sw = bounce_pool(dev);
	phys_addr_t pa, start, orig;
	u64 mapped;

	if (!dma_to_phys(dev, addr, size, &pa))
		return;
	if (swiotlb_owns(sw, pa) && !swiotlb_find(sw, pa, &start, &orig, &mapped)) {
		void *buf = (void *)(uintptr_t)(orig + (pa - start));

		if (for_cpu) {
			if (dir == DMA_TO_DEVICE)
				return;
			if (!dev->dma_coherent) {
				dma_cache_for_cpu(pa, size, dir);
				dma_barrier_complete(); /* before the copy reads the slot */
			}
			memcpy(buf, (void *)(uintptr_t)pa, size);
		} else {
			if (dir != DMA_FROM_DEVICE)
				memcpy((void *)(uintptr_t)pa, buf, size);
			if (!dev->dma_coherent) {
				dma_cache_for_device(pa, size, dir);
				*did_cmo = true;
			}
		}
		return;
	}
	if (dev->dma_coherent)
		return;
	if (for_cpu) {
		if (dir == DMA_TO_DEVICE)
			return;
		dma_cache_for_cpu(pa, size, dir);
	} else {
		dma_cache_for_device(pa, size, dir);
	}
	*did_cmo = true;
}

static void sync_single(struct device *dev, dma_addr_t addr, size_t size,
			enum dma_data_direction dir, bool for_cpu, const char *what)
{
	bool cmo = false;

	if (!dma_debug_check_sync(dev, addr, size, dir, what))
		return;
	sync_one(dev, addr, size, dir, for_cpu, &cmo);
	if (cmo)
		dma_barrier_complete(); /* maintenance done before the CPU or device goes on */
}

void dma_sync_single_for_cpu(struct device *dev, dma_addr_t addr, size_t size,
			     enum dma_data_direction dir)
{
	sync_single(dev, addr, size, dir, true, "dma_sync_single_for_cpu");
}

void dma_sync_single_for_device(struct device *dev, dma_addr_t addr, size_t size,
				enum dma_data_direction dir)
{
	sync_single(dev, addr, size, dir, false, "dma_sync_single_for_device");
}

static void sync_sg(struct device *dev, struct scatterlist *sg, int nents,
		    enum dma_data_direction dir, bool for_cpu, const char *what)
{
	bool cmo = false;
	int i;

	for (i = 0; i < nents; i++) {
		if (!dma_debug_check_sync(dev, sg[i].dma_address, sg[i].dma_length, dir, what))
			continue;
		sync_one(dev, sg[i].dma_address, sg[i].dma_length, dir, for_cpu, &cmo);
	}
	if (cmo)
		dma_barrier_complete(); /* one DSB for the whole list */
}

void dma_sync_sg_for_cpu(struct device *dev, struct scatterlist *sg, int nents,
			 enum dma_data_direction dir)
{
	sync_sg(dev, sg, nents, dir, true, "dma_sync_sg_for_cpu");
}

void dma_sync_sg_for_device(struct device *dev, struct scatterlist *sg, int nents,
			    enum dma_data_direction dir)
{
	sync_sg(dev, sg, nents, dir, false, "dma_sync_sg_for_device");
}

int dma_mapping_error(struct device *dev, dma_addr_t addr)
{
	if (addr == DMA_MAPPING_ERROR)
		return -ENOMEM;
	dma_debug_mark_checked(dev, addr);
	return 0;
}

/* --- coherent allocations ---------------------------------------------- */

/* Whether memory at @pa suits @dev: reachable within the coherent mask. */
static bool mem_suits(const struct device *dev, phys_addr_t pa, u64 size, dma_addr_t *dma)
{
	if (dev->iommu) /* the IOVA, not the physical address, must fit the mask */
		return true;
	return phys_to_dma(dev, pa, size, dma) && capable(dev, *dma, size, dev->coherent_dma_mask);
}

/* Give back pages of a coherent pool or of the firmware's RAM. Return: 0 or -EINVAL. */
static int free_pages_of(phys_addr_t pa)
{
	struct dma_mem *m = dma_mem_of(pa);

	return m ? buddy_free(&m->buddy, pa) : page_free((void *)(uintptr_t)pa);
}

/*
 * The Normal-NC alias of [pa, pa + bytes), which the linear map has Normal
 * WB (Linux arm64's DMA_DIRECT_REMAP: arch_dma_prep_coherent(), then a
 * remap). Two mappings of one location with different cacheability are
 * "mismatched memory attributes" (Arm ARM B2, "Mismatched memory
 * attributes"; D8.18.3, "Cache maintenance requirements due to changing
 * memory region attributes"): coherent only if no cached copy is left from
 * the cacheable alias. So the linear alias is cleaned (a dirty line, say
 * from a firmware borrower of a reusable pool, written back now and never
 * later over what the device or the NC alias wrote) and invalidated to PoC
 * before the NC alias exists, and nothing writes through it afterwards.
 * Return: the alias, or NULL (reported unless the image has no window).
 */
static void *remap_nc(struct device *dev, phys_addr_t pa, u64 bytes)
{
	void *va;
	int ret;

	dcache_clean_inval_poc(pa, pa + bytes);
	dma_barrier_complete(); /* out of the caches before the first NC access */
	ret = mmu_remap_nc(pa, bytes, &va);
	if (ret) {
		if (ret != -ENODEV)
			dma_debug_report(dev, "no Normal-NC alias for 0x%llx+%llu in the remap "
					      "window: error %d", (unsigned long long)pa,
					 (unsigned long long)bytes, ret);
		return NULL;
	}
	return va;
}

/*
 * Undo remap_nc(): unmap the alias (TLB invalidated), then discard the lines
 * the CPU may have fetched speculatively through the linear alias while the
 * buffer lived; they hold data older than what went through the NC alias
 * and would be read by the next user of the linear map. Return: 0, -EINVAL.
 */
static int unremap_nc(struct device *dev, void *cpu, phys_addr_t pa, u64 bytes)
{
	u64 mapped;

	if (mmu_remap_unmap(cpu, NULL, &mapped) || mapped != bytes) {
		dma_debug_report(dev, "dma_free_coherent of %p: not the start of a %llu-byte "
				      "remapped allocation", cpu, (unsigned long long)bytes);
		return -EINVAL;
	}
	dcache_clean_inval_poc(pa, pa + bytes);
	dma_barrier_complete(); /* no stale line left when the pages go back */
	return 0;
}

/*
 * 2^order pages from @m that suit @dev; *pa gets them. The CPU address is
 * the linear one, or for a non-coherent device and a cacheable pool the
 * Normal-NC alias. NULL if @m has no room, or its memory does not suit.
 */
static void *alloc_from(struct device *dev, struct dma_mem *m, unsigned int order,
			phys_addr_t *pa, dma_addr_t *dma)
{
	u64 bytes = PAGE_SIZE << order;
	void *cpu;

	if (!m || dma_mem_alloc(m, order, pa))
		return NULL;
	if (!mem_suits(dev, *pa, bytes, dma)) {
		buddy_free(&m->buddy, *pa);
		return NULL;
	}
	if (dev->dma_coherent || m->nc)
		return (void *)(uintptr_t)*pa;
	cpu = remap_nc(dev, *pa, bytes);
	if (!cpu)
		buddy_free(&m->buddy, *pa);
	return cpu;
}

void *dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *handle, gfp_t gfp)
{
	unsigned int order;
	dma_addr_t dma = 0;
	phys_addr_t pa = 0;
	void *cpu = NULL;
	bool zeroed = false;

	(void)gfp;
	if (!size) {
		dma_debug_report(dev, "dma_alloc_coherent of 0 bytes");
		return NULL;
	}
	order = buddy_order_of(size);
	if (order > BUDDY_MAX_ORDER) {
		dma_debug_report(dev, "dma_alloc_coherent of %zu bytes: larger than any pool", size);
		return NULL;
	}
	if (dev->force_bounce) {
		/* A restricted-dma-pool device's coherent memory is its pool too (Linux). */
		if (!dev->dma_coherent) {
			dma_debug_report(dev, "restricted-dma-pool is cacheable: no coherent memory "
					      "for a non-coherent device");
			return NULL;
		}
		if (swiotlb_alloc(dev->bounce, PAGE_SIZE << order, PAGE_SIZE << order, 0, &pa)) {
			dma_debug_report(dev, "dma_alloc_coherent of %zu bytes failed: restricted pool "
					      "%s full", size, dev->bounce->name);
			return NULL;
		}
		if (!mem_suits(dev, pa, PAGE_SIZE << order, &dma)) {
			swiotlb_release(dev->bounce, pa, NULL, NULL);
			dma_debug_report(dev, "dma_alloc_coherent: restricted pool %s at 0x%llx is out "
					      "of reach (coherent mask 0x%llx)", dev->bounce->name,
					 (unsigned long long)pa,
					 (unsigned long long)dev->coherent_dma_mask);
			return NULL;
		}
		cpu = (void *)(uintptr_t)pa;
	} else {
		/*
		 * Own pool, then the default coherent pool, then CMA; then the
		 * firmware's NC pool (non-coherent devices) or RAM (coherent ones).
		 */
		if (dev->mem)
			cpu = alloc_from(dev, dev->mem, order, &pa, &dma);
		if (!cpu && dma_default_mem != dev->mem)
			cpu = alloc_from(dev, dma_default_mem, order, &pa, &dma);
		if (!cpu && dma_cma_mem != dev->mem)
			cpu = alloc_from(dev, dma_cma_mem, order, &pa, &dma);
		if (!cpu && !dev->dma_coherent)
			cpu = alloc_from(dev, dma_nc_mem, order, &pa, &dma);
		if (!cpu && dev->dma_coherent) {
			cpu = page_alloc(order);
			zeroed = true; /* page_alloc() zeroes */
			pa = (uintptr_t)cpu;
			if (cpu && !mem_suits(dev, pa, PAGE_SIZE << order, &dma)) {
				page_free(cpu);
				cpu = NULL;
			}
		}
	}
	if (!cpu) {
		dma_debug_report(dev, "dma_alloc_coherent of %zu bytes failed: no pool has room "
				      "within coherent mask 0x%llx",
				 size, (unsigned long long)dev->coherent_dma_mask);
		return NULL;
	}
	if (dev->iommu) {
		dma = iommu_dma_map(dev, pa, PAGE_SIZE << order, DMA_BIDIRECTIONAL);
		if (dma == DMA_MAPPING_ERROR) {
			if (mmu_in_remap_window(cpu))
				unremap_nc(dev, cpu, pa, PAGE_SIZE << order);
			free_pages_of(pa);
			return NULL;
		}
	}
	if (!zeroed)
		memset(cpu, 0, PAGE_SIZE << order); /* through the NC alias if there is one */
	*handle = dma;
	dma_debug_add(dev, DBG_COHERENT, dma, size, pa, DMA_BIDIRECTIONAL);
	return cpu;
}

void dma_free_coherent(struct device *dev, size_t size, void *cpu, dma_addr_t handle)
{
	bool alias = mmu_in_remap_window(cpu);
	phys_addr_t pa = (uintptr_t)cpu, hpa;
	u64 bytes = PAGE_SIZE << buddy_order_of(size);

	if (!dma_debug_remove(dev, DBG_COHERENT, handle, size, DMA_BIDIRECTIONAL,
			      "dma_free_coherent"))
		return;
	if (alias && mmu_remap_phys(cpu, &pa)) {
		dma_debug_report(dev, "dma_free_coherent: CPU address %p is not mapped (handle "
				      "0x%llx)", cpu, (unsigned long long)handle);
		return;
	}
	if (!dma_to_phys(dev, handle, size, &hpa) || hpa != pa) {
		dma_debug_report(dev, "dma_free_coherent: CPU address %p does not match handle 0x%llx",
				 cpu, (unsigned long long)handle);
		return;
	}
	if (dev->iommu && iommu_dma_unmap(dev, handle, bytes))
		return; /* not invalidated: the memory must stay out of use */
	if (dev->force_bounce && swiotlb_owns(dev->bounce, pa)) {
		swiotlb_release(dev->bounce, pa, NULL, NULL);
		return;
	}
	if (alias && unremap_nc(dev, cpu, pa, bytes))
		return; /* the alias may still be live: the pages stay out of use */
	if (free_pages_of(pa))
		dma_debug_report(dev, "dma_free_coherent of %p: not an allocation", cpu);
}
