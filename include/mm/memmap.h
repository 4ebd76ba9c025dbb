/*
 * The physical memory map from the device tree: RAM banks (/memory), the
 * header's /memreserve/ entries and the /reserved-memory regions, with
 * Linux's semantics (drivers/of/of_reserved_mem.c, kernel/dma/contiguous.c,
 * kernel/dma/coherent.c, kernel/dma/swiotlb.c and the bindings in
 * Documentation/devicetree/bindings/reserved-memory/).
 *
 * memmap_parse() is pure: it reads the blob, fills a caller-provided
 * struct memmap and reports every problem through a callback with the
 * path of the node at fault. A bad region is dropped and reported; every
 * valid one is kept, so the firmware keeps going with what is valid.
 *
 * Order of work, as Linux's fdt_scan_reserved_mem() + fdt_init_reserved_mem():
 *
 *   1. RAM banks from /memory, /memreserve/ entries from the header.
 *   2. Each available /reserved-memory child in DT order: properties
 *      checked on their own (lengths, zero sizes, alignment, flag rules).
 *   3. Static regions (`reg`), in DT order: inside one RAM bank, clear of
 *      the firmware's own ranges (struct memmap_excl), of /memreserve/ and
 *      of every earlier static region kept.
 *   4. Dynamic regions (`size`), in DT order: placed top-down (highest
 *      fitting address, as memblock does) in the first `alloc-ranges`
 *      entry that has room, or anywhere in RAM without `alloc-ranges`,
 *      clear of everything kept so far.
 *   5. At most one linux,cma-default and one linux,dma-default: the first
 *      kept in DT order wins.
 *
 * Choices where Linux leaves room (documented here, tested in
 * tests/host/test_memmap.c):
 *   - Default alignment of a dynamic region: RMEM_DEFAULT_ALIGN (4 KiB,
 *     one page) where memblock would use SMP_CACHE_BYTES.
 *   - A reusable shared-dma-pool is a CMA area: Linux raises its alignment
 *     to CMA_MIN_ALIGNMENT_BYTES (one pageblock: 2 MiB with 4 KiB pages)
 *     and rmem_cma_setup() rejects a base or size not aligned to it. Both
 *     are done here with RMEM_CMA_ALIGN.
 *   - linux,cma-default needs a reusable region without no-map (Linux:
 *     rmem_cma_setup() refuses anything else, and the flag is then lost);
 *     linux,dma-default must not be reusable (rmem_dma_setup() refuses).
 *   - restricted-dma-pool must not be reusable, no-map, linux,cma-default
 *     or linux,dma-default (rmem_swiotlb_setup() refuses all four: the
 *     bounce buffer is accessed through the linear map).
 *   - A `reg` with several entries gives one region per entry (Linux
 *     reserves all of them); they share node, name, phandle and flags, and
 *     phandle lookups return the first.
 *   - `reg` and `size` together: `reg` wins, as in Linux.
 *   - Zero-size entries, regions outside RAM and overlaps with
 *     /memreserve/ are accepted by Linux but reported here: each is almost
 *     always a DT mistake on a firmware that owns DMA memory.
 *   - A region must lie inside a single /memory bank.
 *   - A duplicate linux,cma-default / linux,dma-default drops the later
 *     region (Linux lets the later one win with a warning).
 *   - Overlapping /memreserve/ entries, or ones outside RAM or over the
 *     firmware's own ranges, are not problems (U-Boot reserves the DTB
 *     it passes this way).
 */
#ifndef MM_MEMMAP_H
#define MM_MEMMAP_H

#include <dt.h>
#include <stdarg.h>
#include <types.h>

#define MEMMAP_MAX_RAM 16
#define MEMMAP_MAX_RMEM 32
#define MEMMAP_MAX_RSV 16
#define MEMMAP_MAX_EXCL 4

/* Node name stored in struct rmem, NUL included; longer names truncated. */
#define RMEM_NAME_MAX 48

/* Longest node path passed to the report callback, NUL included. */
#define MEMMAP_PATH_MAX 256

#define RMEM_DEFAULT_ALIGN 0x1000ULL /* 4 KiB: one page */
#define RMEM_CMA_ALIGN 0x200000ULL   /* 2 MiB: pageblock, 4 KiB pages */

/* struct rmem.flags */
#define RMEM_NO_MAP (1U << 0)		   /* "no-map" */
#define RMEM_REUSABLE (1U << 1)		   /* "reusable" */
#define RMEM_SHARED_DMA_POOL (1U << 2)	   /* compatible "shared-dma-pool" */
#define RMEM_RESTRICTED_DMA_POOL (1U << 3) /* compatible "restricted-dma-pool" */
#define RMEM_CMA_DEFAULT (1U << 4)	   /* "linux,cma-default" */
#define RMEM_DMA_DEFAULT (1U << 5)	   /* "linux,dma-default" */

enum rmem_kind {
	RMEM_STATIC,	/* /reserved-memory child with `reg` */
	RMEM_DYNAMIC,	/* /reserved-memory child with `size`, placed here */
	RMEM_MEMRESERVE /* /memreserve/ entry of the DTB header */
};

/* One reserved range of CPU physical addresses. */
struct rmem {
	int node;	/* structure offset; -1 for /memreserve/ */
	u32 phandle;	/* 0 if the node has none (and for /memreserve/) */
	char name[RMEM_NAME_MAX]; /* node name, "" for /memreserve/ */
	phys_addr_t base;
	u64 size;
	u64 align;	/* placement alignment (dynamic only, else 0) */
	u32 flags;	/* RMEM_* */
	enum rmem_kind kind;
};

/* A range the firmware itself occupies; no region may overlap it. */
struct memmap_excl_range {
	phys_addr_t base;
	u64 size;
	const char *what; /* for messages: "firmware image", "DTB" */
};

struct memmap_excl {
	int count; /* 0..MEMMAP_MAX_EXCL */
	struct memmap_excl_range range[MEMMAP_MAX_EXCL];
};

/*
 * The result. Arrays hold only what was kept; rmem[] is in DT order
 * (indexes are stable for dt_dma_configure()), not sorted by base.
 */
struct memmap {
	int nr_ram;
	struct dt_mem_range ram[MEMMAP_MAX_RAM]; /* sorted by base */
	int nr_rsv;
	struct rmem rsv[MEMMAP_MAX_RSV]; /* kind RMEM_MEMRESERVE, header order */
	int nr_rmem;
	struct rmem rmem[MEMMAP_MAX_RMEM];
};

/*
 * Called once per problem. @path is the full path of the node at fault,
 * or "" for problems of the header (/memreserve/) or of the arguments;
 * @msg names the rule that was broken and what was done about it. Both
 * strings live only for the duration of the call.
 */
typedef void (*memmap_report_fn)(void *ctx, const char *path, const char *msg);

/*
 * memmap_vreport() - format one problem about DT node @node (negative: a
 * header-level problem, path "") and hand it to @report, if any. Shared by
 * every parser that reports through memmap_report_fn.
 */
void memmap_vreport(memmap_report_fn report, void *ctx, const void *fdt, int node,
		    const char *fmt, va_list ap);

/* Last byte of [base, base + size), size > 0, saturated at 2^64 - 1. */
static inline u64 memmap_range_end(u64 base, u64 size)
{
	return base + (size - 1) < base ? ~0ULL : base + (size - 1);
}

/*
 * memmap_parse() - build the physical memory map from a DTB.
 * @fdt: a blob that passed dt_check().
 * @excl: ranges the firmware occupies (image, DTB), or NULL.
 * @mm: filled in; previous contents are discarded.
 * @report: problem sink, may be NULL.
 * @ctx: passed to @report.
 *
 * Return: the number of problems reported (0 = clean). Never negative: a
 * blob this code cannot use at all (no RAM, malformed root cells) is one
 * reported problem and an empty map.
 */
int memmap_parse(const void *fdt, const struct memmap_excl *excl,
		 struct memmap *mm, memmap_report_fn report, void *ctx);

/*
 * memmap_rmem_index_by_phandle() - the kept /reserved-memory region whose
 * node has @phandle (its first `reg` entry if it has several).
 *
 * Return: the index into mm->rmem[], or -ENOENT (also for phandle 0).
 */
int memmap_rmem_index_by_phandle(const struct memmap *mm, u32 phandle);

/* memmap_rmem_by_phandle() - as above, or NULL. */
const struct rmem *memmap_rmem_by_phandle(const struct memmap *mm,
					  u32 phandle);

/* memmap_rmem_index_by_node() - as above, by node offset. */
int memmap_rmem_index_by_node(const struct memmap *mm, int node);

/*
 * memmap_rmem_at() - enumerate the kept /reserved-memory regions.
 * Return: mm->rmem[@i], or NULL when @i is out of range.
 */
const struct rmem *memmap_rmem_at(const struct memmap *mm, int i);

/*
 * memmap_default_pool() - the region carrying @flag (RMEM_CMA_DEFAULT or
 * RMEM_DMA_DEFAULT), or NULL if none was kept.
 */
const struct rmem *memmap_default_pool(const struct memmap *mm, u32 flag);

#endif /* MM_MEMMAP_H */
