/*
 * DMA configuration of a device from its DT node, with the semantics of
 * Linux's of_dma_configure_id() (drivers/of/device.c) and the helpers it
 * calls: of_dma_is_coherent(), of_dma_get_range() (drivers/of/address.c),
 * of_reserved_mem_device_init_by_idx() and of_dma_set_restricted_buffer().
 *
 *   device --dma_start--> [dma-ranges of the nearest bus that has a
 *   non-empty one] --> [dma-ranges of each bus above it: empty or absent
 *   = 1:1] --> root = CPU physical (cpu_start)
 *
 * Pure: reads the blob, fills a caller-provided struct, reports problems
 * through the memmap_report_fn callback with the path of the node at
 * fault (the device, or the bus whose dma-ranges is malformed).
 *
 * Choices where Linux leaves room:
 *   - The dma-ranges search starts at the node's parent (the bus the
 *     device sits on). Linux starts at the node itself, which differs only
 *     for a node that carries its own dma-ranges: that property describes
 *     its children, not how the node itself reaches memory.
 *   - Buses with an absent or empty dma-ranges are skipped on the way up,
 *     as of_dma_get_range() does; with none non-empty there is no map
 *     (1:1, no limit: bus_dma_limit = DT_DMA_NO_LIMIT).
 *   - An entry whose CPU side an upper bus does not cover is reported and
 *     dropped; one only partly covered is clipped to the covered part.
 *   - 3-cell (PCI) dma-ranges are reported as unsupported.
 *   - dma-coherent and dma-noncoherent on the same node: dma-coherent
 *     wins (it is tested first, as in Linux).
 */
#ifndef MM_DT_DMA_H
#define MM_DT_DMA_H

#include <mm/memmap.h>
#include <types.h>

#define DT_DMA_MAX_RANGES 8
#define DT_DMA_MAX_REGIONS 4
#define DT_DMA_NAME_MAX 32 /* memory-region-names entry, NUL included */

#define DT_DMA_NO_LIMIT (~0ULL)
#define DT_DMA_BIT_MASK(n) ((n) >= 64 ? ~0ULL : (1ULL << (n)) - 1)
/* Linux's default for platform devices (of_dma_configure_id()). */
#define DT_DMA_DEFAULT_MASK DT_DMA_BIT_MASK(32)

/* One window of Linux's struct bus_dma_region. */
struct dt_dma_range {
	dma_addr_t dma_start;  /* what the device puts on the bus */
	phys_addr_t cpu_start; /* the CPU physical address it reaches */
	u64 size;
};

/* One memory-region entry, in property order. */
struct dt_dma_region {
	int rmem; /* index into memmap.rmem[], or -1 if unresolved (reported) */
	char name[DT_DMA_NAME_MAX]; /* memory-region-names entry, or "" */
};

struct dt_dma_info {
	bool coherent;	/* dma-coherent on the node or its nearest ancestor */
	int nr_ranges;	/* 0: no dma-ranges translation, 1:1 */
	struct dt_dma_range range[DT_DMA_MAX_RANGES];
	u64 bus_dma_limit;	/* highest reachable DMA address (dma_range_map_max) */
	u64 dma_mask;		/* default streaming mask */
	u64 coherent_dma_mask;	/* default coherent mask */
	int nr_regions;
	struct dt_dma_region region[DT_DMA_MAX_REGIONS];
	int restricted;	/* region[] index of the first restricted-dma-pool, or -1 */
};

/*
 * dt_dma_configure() - DMA facts of one device node.
 * @fdt: a blob that passed dt_check().
 * @node: the device node.
 * @mm: the memory map memmap_parse() built from the same blob (for
 *      memory-region), or NULL to skip memory-region.
 * @info: filled in (always, also when problems are reported).
 * @report: problem sink, may be NULL; @ctx is passed to it.
 *
 * Return: the number of problems reported (0 = clean); a malformed
 * dma-ranges leaves no map (nr_ranges 0), an unresolved memory-region
 * entry has rmem -1.
 */
int dt_dma_configure(const void *fdt, int node, const struct memmap *mm,
		     struct dt_dma_info *info, memmap_report_fn report,
		     void *ctx);

/*
 * dt_dma_phys_to_dma() - the DMA address of [@pa, @pa + @size).
 * @size: bytes that must all be reachable through one window; 0 counts
 *        as 1.
 *
 * Return: 0 and *@dma set; -ERANGE if no window covers the whole buffer
 * (*@dma untouched). Without windows the mapping is 1:1 and always works
 * unless the buffer wraps past 2^64.
 */
int dt_dma_phys_to_dma(const struct dt_dma_info *info, phys_addr_t pa,
		       u64 size, dma_addr_t *dma);

/* dt_dma_dma_to_phys() - the inverse, same rules. */
int dt_dma_dma_to_phys(const struct dt_dma_info *info, dma_addr_t dma,
		       u64 size, phys_addr_t *pa);

#endif /* MM_DT_DMA_H */
