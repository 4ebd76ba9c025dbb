/*
 * IOMMU domains: the I/O virtual address space one device (or one group of
 * devices sharing a stream) sees through an IOMMU, and the contract between
 * the DMA API's IOMMU back end (mm/dma_iommu.c) and an IOMMU driver
 * (drivers/iommu/smmu_v3.c).
 *
 *   device --IOVA--> SMMU stage 1 (domain->pgt, ASID) --> CPU physical
 *
 * The DMA layer owns the page table and the IOVA space: it allocates an
 * IOVA, writes the PTEs (mm/pgtable.c, the CPU MMU's builder) and, after an
 * unmap, asks the driver to make the device forget the old translations
 * (ops->flush) before the IOVA can be handed out again (strict mode). Maps
 * need no invalidation: only invalid entries are ever written.
 */
#ifndef IOMMU_H
#define IOMMU_H

#include <mm/iova.h>
#include <mm/pgtable.h>
#include <types.h>

struct device;
struct iommu_domain;

/* A leaf descriptor cleared by an unmap: what the IOTLB may still hold. */
struct iommu_leaf {
	u64 iova;
	unsigned int level;	/* 1: 1 GiB block, 2: 2 MiB block, 3: 4 KiB page */
};

struct iommu_ops {
	/*
	 * flush() - the leaves of [iova, iova + size) were cleared from the
	 * domain's table: invalidate them in the IOMMU's TLBs and wait until
	 * the invalidation has completed (one completion for the batch).
	 * Return: 0, or -errno (timeout, command error) with a message; the
	 * DMA layer then keeps the IOVA out of use.
	 */
	int (*flush)(struct iommu_domain *d, u64 iova, u64 size, const struct iommu_leaf *leaves,
		     unsigned int n);
};

struct iommu_stats {
	u64 maps, unmaps;	/* an unmap is one ops->flush call */
	u64 cmds;		/* driver commands issued for this domain */
	u64 syncs;		/* completion waits (CMD_SYNC) */
	u64 tlbi;		/* invalidation commands */
};

struct iommu_domain {
	char name[32];
	u16 asid;
	u32 sid;			/* stream the domain is installed for */
	unsigned int devices;		/* devices attached */
	struct pgtable pgt;		/* stage-1 table, VMSAv8-64 4 KiB */
	/*
	 * PTE attributes of a device-writable mapping (AF, SH, AttrIndx,
	 * AP[1], XN) chosen by the driver from the device's coherency;
	 * read-only mappings add PTE_AP_RO.
	 */
	u64 prot;
	bool iova_ready;		/* iova set up at the first mapping */
	struct iova_domain iova;
	const struct iommu_ops *ops;
	/*
	 * The IOMMU aborts every transaction of the devices pointing here
	 * (iommu_detach_device()): the DMA layer refuses their mappings.
	 */
	bool blocked;
	void *priv;			/* the driver's */
	struct iommu_stats stats;
};

/* IOVA space a domain gets at most (its metadata is ~12 bytes per page). */
#define IOMMU_IOVA_CAP (UL(256) << 20)
/* Lowest IOVA handed out: page 0 stays unmapped, so a zero handle faults. */
#define IOMMU_IOVA_BASE PAGE_SIZE

/*
 * iommu_attach_device() - from now on every DMA address of @dev is an IOVA
 * of @d (called by the IOMMU driver once the device's stream translates
 * through @d). The device must have no live mappings.
 */
void iommu_attach_device(struct device *dev, struct iommu_domain *d);

/*
 * iommu_detach_device() - @dev sits behind an IOMMU that now aborts its
 * transactions (no domain: a detached stream, or one the driver could not
 * attach). Every later mapping or coherent allocation for @dev is refused
 * with a dma-debug report naming the reason, instead of handing out an
 * address the IOMMU would block. The device must have no live mappings;
 * iommu_attach_device() undoes it.
 */
void iommu_detach_device(struct device *dev);

/*
 * iommu_iova_to_phys() - what @iova translates to in @d's table.
 * Return: 0 with *pa, or -ENOENT if it is not mapped.
 */
int iommu_iova_to_phys(const struct iommu_domain *d, u64 iova, phys_addr_t *pa);

#endif /* IOMMU_H */
