/*
 * The DMA API's IOMMU back end: a device behind an SMMU gets IOVAs from its
 * domain's IOVA space, mapped in the domain's stage-1 table.
 *
 *   map:   iova_alloc(page-rounded size) -> pgtable_map(iova -> pa) -> DSB
 *          (no invalidation: only invalid entries were written)
 *   unmap: pgtable_unmap -> ops->flush (TLBI of the cleared leaves + one
 *          CMD_SYNC) -> iova_free; if the flush fails the IOVA is never
 *          reused (a stale translation may survive in the IOTLB)
 *
 * A buffer keeps its offset within the page: dma = iova + (pa % PAGE_SIZE).
 * Read-only mappings (DMA_TO_DEVICE) are read-only to the device, so a
 * device write to them faults in the SMMU instead of landing in memory.
 * A blocked device (iommu_detach_device(): its stream aborts) has neither
 * table nor IOVA space: every mapping is refused with a report.
 */
#include <arch/barrier.h>
#include <errno.h>
#include <fault_inject.h>
#include <iommu.h>
#include <mm/buddy.h>
#include <mm/dma_internal.h>
#include <mm/page_alloc.h>

/* Leaves remembered per unmap; beyond this the driver invalidates the ASID. */
#define UNMAP_LEAVES 16

struct leaf_list {
	struct iommu_leaf leaf[UNMAP_LEAVES];
	unsigned int n;
	bool overflow;
};

static void collect_leaf(void *ctx, u64 va, unsigned int level)
{
	struct leaf_list *l = ctx;

	if (l->n == UNMAP_LEAVES) {
		l->overflow = true;
		return;
	}
	l->leaf[l->n].iova = va;
	l->leaf[l->n++].level = level;
}

/* The IOVA space is set up at the first mapping, when the driver has set its masks. */
static int domain_ready(struct device *dev)
{
	struct iommu_domain *d = dev->iommu;
	u64 mask = dev->dma_mask, span;
	size_t meta_bytes;
	void *meta;
	int ret;

	if (likely(d->iova_ready))
		return 0;
	if (d->blocked) {
		dma_debug_report(dev, "DMA refused: the IOMMU blocks this device (no domain "
				      "attached, its stream aborts)");
		return -EIO;
	}
	if (dev->coherent_dma_mask < mask)
		mask = dev->coherent_dma_mask;
	if (dev->dt.bus_dma_limit < mask)
		mask = dev->dt.bus_dma_limit;
	span = iova_span(IOMMU_IOVA_BASE, mask, IOMMU_IOVA_CAP);
	if (!span) {
		dma_debug_report(dev, "DMA mask 0x%llx leaves no IOVA space above 0x%lx",
				 (unsigned long long)mask, IOMMU_IOVA_BASE);
		return -EIO;
	}
	meta_bytes = iova_meta_bytes(span);
	meta = page_alloc(buddy_order_of(meta_bytes));
	if (!meta) {
		dma_debug_report(dev, "no memory for the IOVA allocator of domain %s", d->name);
		return -ENOMEM;
	}
	ret = iova_init(&d->iova, IOMMU_IOVA_BASE, span, mask, meta, meta_bytes);
	if (ret) {
		page_free(meta);
		dma_debug_report(dev, "IOVA space of domain %s: error %d", d->name, ret);
		return ret;
	}
	d->iova_ready = true;
	return 0;
}

/* Unmap [iova, iova + len) (page aligned) and make the IOMMU forget it. */
static int unmap_range(struct device *dev, u64 iova, u64 len, bool free_iova)
{
	struct iommu_domain *d = dev->iommu;
	struct leaf_list leaves = { .n = 0 };
	int ret;

	if (d->blocked) {
		dma_debug_report(dev, "unmap of IOVA 0x%llx: the device has no domain (blocked)",
				 (unsigned long long)iova);
		return -EINVAL;
	}
	ret = pgtable_unmap(&d->pgt, iova, len, collect_leaf, &leaves);
	if (ret) {
		dma_debug_report(dev, "IOVA 0x%llx+0x%llx is not mapped in domain %s (error %d)",
				 (unsigned long long)iova, (unsigned long long)len, d->name, ret);
		return ret;
	}
	/*
	 * The cleared PTEs must be visible to the SMMU's walker before the
	 * TLBI: the driver's command-queue doorbell (mmio_write32) orders
	 * them with a DMB OSHST first.
	 */
	d->stats.unmaps++;
	ret = d->ops->flush(d, iova, len, leaves.leaf, leaves.overflow ? 0 : leaves.n);
	if (ret) {
		/* A stale translation may survive: this IOVA must never be reused. */
		dma_debug_report(dev, "IOTLB invalidation of 0x%llx+0x%llx failed (%d): IOVA "
				      "retired", (unsigned long long)iova, (unsigned long long)len, ret);
		return ret;
	}
	if (free_iova && iova_free(&d->iova, iova, len))
		dma_debug_report(dev, "IOVA 0x%llx+0x%llx was not allocated in domain %s",
				 (unsigned long long)iova, (unsigned long long)len, d->name);
	return 0;
}

/* IOVA space for @len bytes (an injection point: include/fault_inject.h). */
static int iova_get(struct iommu_domain *d, u64 len, dma_addr_t *iova)
{
	if (fault_inject_hit(FAULT_INJECT_IOVA))
		return -ENOMEM;
	return iova_alloc(&d->iova, len, iova);
}

void iommu_attach_device(struct device *dev, struct iommu_domain *d)
{
	dev->iommu = d;
	dma_update_fast_path(dev);
}

/* What every blocked device points at: no table, no IOVA space, never ready. */
static struct iommu_domain blocked_domain = { .name = "blocked", .blocked = true };

void iommu_detach_device(struct device *dev)
{
	iommu_attach_device(dev, &blocked_domain);
}

/* Bytes a buffer at @addr occupies in the IOVA range: whole pages around it. */
static u64 page_span(u64 addr, u64 len)
{
	return ALIGN_UP((addr & (PAGE_SIZE - 1)) + len, PAGE_SIZE);
}

static u64 prot_for(const struct iommu_domain *d, enum dma_data_direction dir)
{
	return dir == DMA_TO_DEVICE ? d->prot | PTE_AP_RO : d->prot;
}

dma_addr_t iommu_dma_map(struct device *dev, phys_addr_t pa, u64 size,
			 enum dma_data_direction dir)
{
	struct iommu_domain *d = dev->iommu;
	u64 off = pa & (PAGE_SIZE - 1), len = page_span(pa, size);
	dma_addr_t iova;
	int ret;

	if (domain_ready(dev))
		return DMA_MAPPING_ERROR;
	ret = iova_get(d, len, &iova);
	if (ret) {
		dma_debug_report(dev, "no IOVA space for %llu bytes in domain %s (error %d)",
				 (unsigned long long)size, d->name, ret);
		return DMA_MAPPING_ERROR;
	}
	ret = pgtable_map(&d->pgt, iova, pa - off, len, prot_for(d, dir));
	if (ret) {
		iova_free(&d->iova, iova, len);
		dma_debug_report(dev, "cannot map 0x%llx+%llu at IOVA 0x%llx in domain %s (error %d)",
				 (unsigned long long)pa, (unsigned long long)size,
				 (unsigned long long)iova, d->name, ret);
		return DMA_MAPPING_ERROR;
	}
	dsb(ishst); /* PTEs visible to the SMMU's walker before the device gets the IOVA */
	d->stats.maps++;
	return iova + off;
}

int iommu_dma_unmap(struct device *dev, dma_addr_t dma, u64 size)
{
	return unmap_range(dev, dma & ~(u64)(PAGE_SIZE - 1), page_span(dma, size), true);
}

int iommu_iova_to_phys(const struct iommu_domain *d, u64 iova, phys_addr_t *pa)
{
	unsigned int level;
	u64 desc;

	if (!d->iova_ready)
		return -ENOENT;
	return pgtable_lookup(&d->pgt, iova, pa, &desc, &level);
}

int iommu_dma_to_phys(const struct device *dev, dma_addr_t dma, phys_addr_t *pa)
{
	return iommu_iova_to_phys(dev->iommu, dma, pa);
}

int iommu_dma_map_sg(struct device *dev, struct scatterlist *sg, int nents,
		     enum dma_data_direction dir)
{
	struct iommu_domain *d = dev->iommu;
	u64 total = 0, at = 0;
	dma_addr_t iova;
	int i, ret;

	if (domain_ready(dev))
		return 0;
	for (i = 0; i < nents; i++)
		total += page_span(sg[i].phys, sg[i].length);
	ret = iova_get(d, total, &iova);
	if (ret) {
		dma_debug_report(dev, "no IOVA space for a %d-entry list of %llu bytes (error %d)",
				 nents, (unsigned long long)total, ret);
		return 0;
	}
	/* Each segment keeps its page offset; together they are one IOVA range. */
	for (i = 0; i < nents; i++) {
		u64 off = sg[i].phys & (PAGE_SIZE - 1), span = page_span(sg[i].phys, sg[i].length);

		ret = pgtable_map(&d->pgt, iova + at, sg[i].phys - off, span, prot_for(d, dir));
		if (ret) {
			dma_debug_report(dev, "cannot map segment %d (0x%llx+%u) at IOVA 0x%llx "
					      "(error %d)", i, (unsigned long long)sg[i].phys,
					 sg[i].length, (unsigned long long)iova + at, ret);
			if (at && unmap_range(dev, iova, at, false))
				return 0; /* flush failed: the IOVA stays retired */
			iova_free(&d->iova, iova, total);
			return 0;
		}
		sg[i].dma_address = iova + at + off;
		sg[i].dma_length = sg[i].length;
		at += span;
	}
	dsb(ishst); /* PTEs visible to the SMMU's walker before the device gets the IOVAs */
	d->stats.maps++;
	return nents;
}

int iommu_dma_unmap_sg(struct device *dev, struct scatterlist *sg, int nents)
{
	u64 total = 0;
	int i;

	for (i = 0; i < nents; i++)
		total += page_span(sg[i].dma_address, sg[i].dma_length);
	return unmap_range(dev, sg[0].dma_address & ~(u64)(PAGE_SIZE - 1), total, true);
}
