/*
 * Shared between the DMA layer's files (mm/dma*.c): pools, dma-debug
 * bookkeeping. Drivers use <dma.h> only.
 */
#ifndef MM_DMA_INTERNAL_H
#define MM_DMA_INTERNAL_H

#include <compiler.h>
#include <dma.h>
#include <mm/buddy.h>
#include <mm/swiotlb.h>

/* A coherent pool: a shared-dma-pool region, or the firmware's NC pool. */
struct dma_mem {
	const char *name;
	phys_addr_t base;
	u64 size;
	bool nc;	/* CPU mapping is Normal Non-cacheable */
	bool reusable;	/* lent to reclaimable firmware allocations while idle */
	struct buddy buddy;
};

#define DMA_MAX_MEMS 8
/* Defined in mm/dma.c, filled by dma_init() (mm/dma_mem.c). */
extern struct dma_mem dma_mems[DMA_MAX_MEMS];
extern unsigned int dma_nr_mems;
extern struct dma_mem *dma_default_mem;	/* linux,dma-default */
extern struct dma_mem *dma_cma_mem;	/* linux,cma-default */
extern struct dma_mem *dma_nc_mem;	/* firmware NC pool for non-coherent devices */
extern struct swiotlb *dma_default_swiotlb;

/* The pool holding physical address @pa, or NULL. */
static inline struct dma_mem *dma_mem_of(phys_addr_t pa)
{
	unsigned int i;

	for (i = 0; i < dma_nr_mems; i++)
		if (pa >= dma_mems[i].base && pa - dma_mems[i].base < dma_mems[i].size)
			return &dma_mems[i];
	return NULL;
}

/* Recompute dev->direct_fast/direct_limit after masks or coherency change. */
void dma_update_fast_path(struct device *dev);
/* Allocate 2^order pages from @m, reclaiming lent pages if needed. */
int dma_mem_alloc(struct dma_mem *m, unsigned int order, phys_addr_t *pa);
struct dma_mem *dma_mem_by_rmem(int rmem);
/* Problems memmap_parse() reported at boot (0 for a clean DT). */
unsigned int dma_memmap_problems(void);
struct swiotlb *dma_swiotlb_by_rmem(int rmem);

/* Read-only views for the console (lib/shell_cmds.c). */
struct memmap;
/* The memory map dma_init() built from the DT (RAM, /memreserve/, regions). */
const struct memmap *dma_memmap(void);
/* The firmware page allocator's range; *size is 0 before dma_init() sets it up. */
void dma_fw_range(phys_addr_t *base, u64 *size);

/*
 * IOMMU back end (mm/dma_iommu.c), for devices with dev->iommu set.
 * iommu_dma_map() - map [pa, pa + size) read-only for DMA_TO_DEVICE, else
 * read-write. Return: the IOVA of @pa, or DMA_MAPPING_ERROR (reported).
 * iommu_dma_unmap() - unmap and invalidate what iommu_dma_map() returned.
 * iommu_dma_map_sg() - all segments in one IOVA range; Return: nents or 0.
 * iommu_dma_unmap_sg() - undo iommu_dma_map_sg() (same list).
 * iommu_dma_to_phys() - Return: 0 with *pa, or -ENOENT if not mapped.
 * The unmaps return 0 or -errno (reported; the IOVA is then retired).
 */
dma_addr_t iommu_dma_map(struct device *dev, phys_addr_t pa, u64 size,
			 enum dma_data_direction dir);
int iommu_dma_unmap(struct device *dev, dma_addr_t dma, u64 size);
int iommu_dma_map_sg(struct device *dev, struct scatterlist *sg, int nents,
		     enum dma_data_direction dir);
int iommu_dma_unmap_sg(struct device *dev, struct scatterlist *sg, int nents);
int iommu_dma_to_phys(const struct device *dev, dma_addr_t dma, phys_addr_t *pa);

/* dma-debug (mm/dma_debug.c) */
enum dbg_type { DBG_SINGLE, DBG_PAGE, DBG_SG, DBG_COHERENT };

struct dbg_entry {
	const struct device *dev;
	dma_addr_t dma;
	u64 size;
	phys_addr_t phys;
	enum dma_data_direction dir;
	enum dbg_type type;
	bool checked;	/* dma_mapping_error() was called on it */
	u32 next;	/* hash chain / free list */
};

extern bool dma_debug_enabled;

void dma_debug_report(const struct device *dev, const char *fmt, ...) __printf(2, 3);
/* Record a mapping; reports (and returns false) if the table is full. */
bool dma_debug_add(const struct device *dev, enum dbg_type type, dma_addr_t dma, u64 size,
		   phys_addr_t phys, enum dma_data_direction dir);
/*
 * Check an unmap/free against the record and drop it. Reports unknown
 * handles, size, direction and type mismatches, unchecked mapping errors.
 * Return: false for an unknown handle (the caller must not touch anything).
 */
bool dma_debug_remove(const struct device *dev, enum dbg_type type, dma_addr_t dma, u64 size,
		      enum dma_data_direction dir, const char *what);
/* A sync must lie within one live streaming mapping; reports otherwise. */
bool dma_debug_check_sync(const struct device *dev, dma_addr_t dma, u64 size,
			  enum dma_data_direction dir, const char *what);
void dma_debug_mark_checked(const struct device *dev, dma_addr_t dma);
/*
 * dma_debug_next() - walk the live records (mappings and coherent
 * allocations of every device): start with *pos = 0 and call until NULL.
 * Nothing may be mapped or unmapped during the walk.
 */
const struct dbg_entry *dma_debug_next(unsigned int *pos);
/* Report and drop every record of @dev. Return: how many there were. */
unsigned int dma_debug_release(const struct device *dev);
/* Report mapping of the stack or read-only image memory. Return: true if illegal. */
bool dma_debug_illegal_area(const struct device *dev, phys_addr_t pa, u64 size,
			    const char *what);

#endif /* MM_DMA_INTERNAL_H */
