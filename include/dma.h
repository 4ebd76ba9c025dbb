/*
 * The DMA API, with Linux's names and semantics (Documentation/core-api/
 * dma-api.rst, dma-api-howto.rst), so drivers port from Linux unchanged.
 *
 *   CPU virtual (ptr) --MMU--> CPU physical --dma-ranges/bounce--> dma_addr_t
 *
 * Back ends, chosen per mapping:
 *   direct   the device reaches the buffer: dma = phys translated through
 *            the device's dma-ranges (1:1 without them)
 *   bounce   the device's mask or dma-ranges cannot reach the buffer, or the
 *            device is bound to a restricted-dma-pool: the data is copied
 *            through a swiotlb slot the device can reach
 *
 * Cache maintenance for devices without dma-coherent (arm64 rules): map and
 * sync_for_device clean to PoC in every direction; unmap and sync_for_cpu
 * invalidate unless DMA_TO_DEVICE, partial edge lines clean+invalidate; one
 * DSB completes a call (a whole sg list is one batch).
 *
 * Coherent memory comes from the device's own shared-dma-pool
 * (memory-region), else the linux,dma-default pool, else the
 * linux,cma-default pool, else firmware RAM (coherent devices) or the
 * firmware's Normal-NC pool (non-coherent ones). A non-coherent device's CPU
 * view is always Normal Non-cacheable: no-map pools are mapped so; from a
 * cacheable pool the returned pointer is a Normal-NC alias in the remap
 * window (include/layout.h), not the linear address, and the handle is that
 * of the pages. Allocations are zeroed and aligned to the next power of two
 * of their size in pages.
 *
 * Misuse is reported on the console as "dma-debug: <device>: <what>" with
 * the handle (see dma_debug_errors()).
 */
#ifndef DMA_H
#define DMA_H

#include <device.h>
#include <dma/direction.h>
#include <types.h>

typedef unsigned int gfp_t;
#define GFP_KERNEL 0U
#define GFP_ATOMIC 0U

#define DMA_MAPPING_ERROR (~(dma_addr_t)0)
/* & 63: the same value for n < 64, and no shift by 64 even in the arm not taken. */
#define DMA_BIT_MASK(n) ((n) >= 64 ? ~0ULL : (1ULL << ((n) & 63)) - 1)

struct scatterlist {
	phys_addr_t phys;
	unsigned int length;
	dma_addr_t dma_address;	/* set by dma_map_sg */
	unsigned int dma_length;
};

static inline void sg_set_buf(struct scatterlist *sg, const void *buf, unsigned int len)
{
	sg->phys = (uintptr_t)buf; /* the firmware's linear map is VA == PA */
	sg->length = len;
	sg->dma_address = DMA_MAPPING_ERROR;
	sg->dma_length = 0;
}

/* Return: 0, or -EIO if the device cannot address what the mask asks (Linux). */
int dma_set_mask(struct device *dev, u64 mask);
int dma_set_coherent_mask(struct device *dev, u64 mask);
int dma_set_mask_and_coherent(struct device *dev, u64 mask);

void *dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *handle, gfp_t gfp);
void dma_free_coherent(struct device *dev, size_t size, void *cpu, dma_addr_t handle);

dma_addr_t dma_map_single(struct device *dev, void *ptr, size_t size,
			  enum dma_data_direction dir);
void dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size,
		      enum dma_data_direction dir);
/* @page: physical address of the page; the firmware has no struct page. */
dma_addr_t dma_map_page(struct device *dev, phys_addr_t page, size_t offset, size_t size,
			enum dma_data_direction dir);
void dma_unmap_page(struct device *dev, dma_addr_t addr, size_t size,
		    enum dma_data_direction dir);

/* Return: entries mapped (nents), or 0 on failure with nothing left mapped. */
int dma_map_sg(struct device *dev, struct scatterlist *sg, int nents,
	       enum dma_data_direction dir);
void dma_unmap_sg(struct device *dev, struct scatterlist *sg, int nents,
		  enum dma_data_direction dir);

void dma_sync_single_for_cpu(struct device *dev, dma_addr_t addr, size_t size,
			     enum dma_data_direction dir);
void dma_sync_single_for_device(struct device *dev, dma_addr_t addr, size_t size,
				enum dma_data_direction dir);
void dma_sync_sg_for_cpu(struct device *dev, struct scatterlist *sg, int nents,
			 enum dma_data_direction dir);
void dma_sync_sg_for_device(struct device *dev, struct scatterlist *sg, int nents,
			    enum dma_data_direction dir);

/* Non-zero if @addr is DMA_MAPPING_ERROR; also marks the handle as checked. */
int dma_mapping_error(struct device *dev, dma_addr_t addr);

/* Small fixed-size blocks (mm/dmapool.c), Linux semantics. */
struct dma_pool;
struct dma_pool *dma_pool_create(const char *name, struct device *dev, size_t size,
				 size_t align, size_t boundary);
void *dma_pool_alloc(struct dma_pool *pool, gfp_t gfp, dma_addr_t *handle);
void dma_pool_free(struct dma_pool *pool, void *vaddr, dma_addr_t addr);
void dma_pool_destroy(struct dma_pool *pool);

/* dma-debug: reports so far, and the last one's text (for self-tests). */
unsigned int dma_debug_errors(void);
const char *dma_debug_last(void);
/* Live mappings + coherent allocations of @dev (NULL: all devices). */
unsigned int dma_debug_live(const struct device *dev);
/*
 * dma_debug_set() - turn the dma-debug checks on or off (on at boot: the
 * firmware's tests rely on them; benchmarks turn them off to count what a
 * driver pays without the bookkeeping). Mappings made while off are not
 * tracked, so switch only with no mapping live. Return: the previous state.
 */
bool dma_debug_set(bool on);

/* Boot: pools, bounce buffers, firmware RAM from the DT's memory map. */
int dma_init(const void *fdt);

#endif /* DMA_H */
