/*
 * IOVA allocator: the I/O virtual address space of one SMMU domain (one
 * device), for the DMA API's IOMMU back end.
 *
 * A domain hands out ranges of [base, base + size), in 4 KiB granules
 * (PAGE_SIZE, the SMMU stage-1 granule). A request is rounded up to pages,
 * then to a power of two, and the range is aligned to that rounded size,
 * as Linux's size-aligned IOVAs are: a 2 MiB request comes back 2 MiB
 * aligned, so the page-table builder can map it with one level-2 block
 * descriptor. The ranges are blocks of the buddy allocator (mm/buddy.h),
 * run over IOVA numbers instead of physical addresses; IOVA 0 is never
 * handed out (base > 0), so a driver's "0 means no mapping" stays true.
 *
 * Recently freed blocks are kept in a per-order cache (Linux's IOVA
 * "rcache" idea) so that the map/unmap pattern of a streaming driver, the
 * same few sizes freed and reallocated, costs a pop and a push instead of
 * a buddy split and merge:
 *
 *   iova_free(order k <= IOVA_CACHE_MAX_ORDER)
 *        |  cache[k] not full          cache[k] full, or k larger
 *        v                                  v
 *   cache[k]: LIFO stack of                buddy_free()
 *   IOVA_CACHE_DEPTH blocks ----+
 *        |                      | iova_flush_cache(): every cached block
 *        v                      +-> buddy_free(), merging with its buddies
 *   iova_alloc(order k): pop cache[k], else buddy_alloc(); on -ENOMEM with
 *   blocks cached, flush and retry once, so the cache never causes -ENOMEM.
 *
 * Cached blocks stay allocated in the buddy. A bitmap with one bit per
 * page (set on the first page of a cached block) tells a cached block
 * from a live one, so freeing one twice is caught in O(1).
 *
 * Metadata (the buddy's per-page records and the bitmap) lives in a buffer
 * the caller provides, sized by iova_meta_bytes(); IOVA space is only
 * numbers, so nothing here is ever read or written through an IOVA.
 *
 * Reuse is immediate: the caller must have removed the range from the
 * SMMU's page tables and completed the TLB invalidation (CMD_TLBI_* then
 * CMD_SYNC) before iova_free(), because the next iova_alloc() of that size
 * returns the same range.
 *
 * Not thread safe: the caller serialises (as for mm/buddy.h).
 */
#ifndef MM_IOVA_H
#define MM_IOVA_H

#include <mm/buddy.h>
#include <types.h>

/* Largest cached order: 2 MiB blocks (the level-2 block size, 4 KiB granule). */
#define IOVA_CACHE_MAX_ORDER 9
#define IOVA_CACHE_ORDERS (IOVA_CACHE_MAX_ORDER + 1)
/* Freed blocks kept per order before frees go to the buddy. */
#define IOVA_CACHE_DEPTH 16

/* Counters, for the console and the benchmark. */
struct iova_stats {
	u64 pages_in_use; /* pages of ranges handed out and not freed */
	u64 pages_cached; /* pages of freed blocks held in the caches */
	u64 cache_hits;	  /* allocations served from a cache */
	u64 cache_misses; /* allocations of a cached order that went to the buddy */
	u64 flushes;	  /* iova_flush_cache() calls that returned blocks */
};

/* One domain. Fields are the allocator's; read counters with iova_get_stats(). */
struct iova_domain {
	struct buddy buddy;	  /* the IOVA space, allocated cached blocks included */
	u32 *cached;		  /* bitmap, bit i: a cached block starts at page i */
	u64 hits, misses, flushes; /* struct iova_stats */
	/* cache of order k: first IOVAs in cache_slot[k][0 .. n - 1], top last */
	u32 cache_n[IOVA_CACHE_ORDERS];
	dma_addr_t cache_slot[IOVA_CACHE_ORDERS][IOVA_CACHE_DEPTH];
};

/*
 * iova_meta_bytes() - size of the metadata buffer iova_init() needs for a
 * domain of @size bytes (@size page aligned): the buddy's records plus one
 * bit per page. The buffer must be 4-byte aligned.
 */
size_t iova_meta_bytes(u64 size);

/*
 * iova_span() - the size to give iova_init() for a domain that starts at
 * @base: as much as the device reaches (the last IOVA at most @dma_mask),
 * at most @cap bytes (the caller's budget: iova_meta_bytes() grows with
 * the size) and at most what the buddy manages (2^32 - 2 pages), rounded
 * down to a page.
 *
 * Return: the size in bytes; 0 if @base is 0, not page aligned or above
 * @dma_mask, or @cap is below a page (no domain is possible).
 */
u64 iova_span(dma_addr_t base, u64 dma_mask, u64 cap);

/*
 * iova_init() - make @dom manage [@base, @base + @size) of IOVA space.
 * @base:  page aligned and > 0 (IOVA 0 is never handed out).
 * @size:  page aligned, > 0; base + size - 1 must not exceed @dma_mask nor
 *         wrap; at most 2^32 - 2 pages (iova_span() computes a valid one).
 * @dma_mask: the device's DMA mask (highest IOVA it can put on the bus).
 * @meta, @meta_bytes: at least iova_meta_bytes(@size) bytes, 4-byte
 *         aligned; owned by the domain for as long as it is used.
 *
 * The whole range starts free, all caches empty, all counters zero.
 *
 * Return: 0; -EINVAL for a range or buffer that breaks the rules above
 * (@dom is then unusable).
 */
int iova_init(struct iova_domain *dom, dma_addr_t base, u64 size, u64 dma_mask, void *meta,
	      size_t meta_bytes);

/*
 * iova_alloc() - allocate IOVA space for @size bytes.
 * @size: rounded up to pages, then to a power of two (the block size).
 * @iova: set to the first IOVA of the block on success, else untouched.
 *
 * The block is aligned to its size and lies inside the domain. A size
 * freed recently comes from its cache (the most recently freed first);
 * otherwise from the buddy, after emptying every cache if that is what
 * it takes (counted in iova_stats.flushes).
 *
 * Return: 0; -EINVAL if @size is 0 or its block is larger than
 * PAGE_SIZE << BUDDY_MAX_ORDER (1 GiB); -ENOMEM if no free aligned block
 * of that size exists, cached blocks included (domain full or fragmented).
 */
int iova_alloc(struct iova_domain *dom, u64 size, dma_addr_t *iova);

/*
 * iova_free() - give back the range [@iova, @iova + @size) that
 * iova_alloc(dom, @size, ...) returned (@size rounds to the same block).
 * The caller has unmapped it and completed the SMMU TLB invalidation: the
 * range may be handed out again by the next iova_alloc().
 *
 * Return: 0; -EINVAL, with nothing changed, if @iova is not the start of a
 * live range of this domain (outside it, unaligned, inside a block, free,
 * already freed and cached: a double free) or @size rounds to a different
 * block size than the range has.
 */
int iova_free(struct iova_domain *dom, dma_addr_t iova, u64 size);

/*
 * iova_flush_cache() - return every cached block to the buddy (where it
 * merges with its free buddies). iova_alloc() does it by itself when the
 * buddy alone cannot serve a request; a caller may also use it before
 * reading buddy_largest_free(&dom->buddy), where cached blocks count as
 * allocated. Counted in iova_stats.flushes if anything was cached.
 */
void iova_flush_cache(struct iova_domain *dom);

/* iova_get_stats() - copy the domain's counters into *@st. */
void iova_get_stats(const struct iova_domain *dom, struct iova_stats *st);

#endif /* MM_IOVA_H */
