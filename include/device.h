/*
 * A device as the DMA layer sees it, built from its DT node: masks,
 * coherency, dma-ranges, and the reserved-memory pools it is bound to.
 */
#ifndef DEVICE_H
#define DEVICE_H

#include <mm/dt_dma.h>
#include <types.h>

struct dma_mem;
struct iommu_domain;
struct swiotlb;

struct device {
	char name[96];			/* DT path (or a driver-given name) */
	int node;			/* DT node offset, -1 if none */
	u64 dma_mask;			/* streaming mappings */
	u64 coherent_dma_mask;		/* dma_alloc_coherent */
	bool dma_coherent;		/* no cache maintenance needed */
	struct dt_dma_info dt;		/* dma-ranges, memory-region, limits */
	struct dma_mem *mem;		/* own coherent pool (memory-region), or NULL */
	struct swiotlb *bounce;		/* restricted-dma-pool, or NULL */
	bool force_bounce;		/* every streaming mapping bounces */
	/*
	 * Behind an IOMMU: every DMA address is an IOVA of this domain
	 * (mm/dma_iommu.c), set by the IOMMU driver when it attaches the
	 * device. NULL: direct or bounce.
	 */
	struct iommu_domain *iommu;
	/*
	 * Fast path (mm/dma.c): coherent, no dma-ranges, no forced bounce, so
	 * a buffer at or below direct_limit maps to its own physical address.
	 * Recomputed whenever a mask changes.
	 */
	bool direct_fast;
	u64 direct_limit;
	bool released;
};

/*
 * device_get_dt() - the device for DT node @path, created on first use:
 * DMA configuration from the DT, pools bound by memory-region.
 * Problems are reported on the console with the node's path.
 * Return: the device, or NULL (no such node, table full).
 */
struct device *device_get_dt(const char *path);

/*
 * device_init_dt() - fill @dev from DT node @node (caller-owned storage).
 * Return: 0, or -errno (problems are reported on the console).
 */
int device_init_dt(struct device *dev, int node);

/*
 * device_release() - the driver is done with @dev: every DMA mapping or
 * coherent allocation still live is reported (a leak) and counted.
 * Return: the number of leaks.
 */
int device_release(struct device *dev);

#endif /* DEVICE_H */
