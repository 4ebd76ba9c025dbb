/*
 * Cache maintenance policy for streaming DMA with a device that does NOT
 * snoop the CPU's caches (no "dma-coherent" in the DT, inherited from its
 * ancestors). Coherent devices skip all of it: that choice is the DMA
 * layer's, these functions always maintain.
 *
 * Linux arm64's semantics (arch/arm64/mm/dma-mapping.c,
 * arch_sync_dma_for_device() / arch_sync_dma_for_cpu()):
 *
 *   map, sync_for_device    CLEAN to PoC, in every direction. Even for
 *                           DMA_FROM_DEVICE: a dirty line left in the cache
 *                           could be evicted over the data the device writes.
 *   unmap, sync_for_cpu     INVALIDATE to PoC, unless DMA_TO_DEVICE (the
 *                           device only read: the cache is still right), so
 *                           the CPU does not read lines fetched (maybe
 *                           speculatively) before the device wrote memory.
 *                           A partial first or last line is CLEANED and
 *                           invalidated instead: other data sharing the line
 *                           must not be thrown away.
 *
 *        va                                              va + size
 *         |                                                  |
 *   +-----v----+----------+----------+- ... -+----------+----v-----+
 *   |  CIVAC   |   IVAC   |   IVAC   |       |   IVAC   |  CIVAC   |
 *   +----------+----------+----------+- ... -+----------+----------+
 *     partial     full lines, inval only                  partial
 *
 * Lines are cache_dline_size() bytes. Operations are issued in ascending
 * address order, without a barrier: the caller batches any number of ranges
 * (a whole scatterlist) and then calls dma_barrier_complete() once (before
 * the MMIO write that starts the device, or before the CPU reads what the
 * device wrote). The *_complete() variants do one range and that barrier.
 *
 * A size of 0 does nothing. The range must be mapped and writable, must not
 * wrap, and @dir must be a valid mapping direction (not DMA_NONE): assertions
 * in debug and test builds.
 */
#ifndef MM_DMA_CACHE_H
#define MM_DMA_CACHE_H

#include <dma/direction.h>
#include <types.h>

/* Before the device accesses [va, va + size): clean to PoC. No barrier. */
void dma_cache_for_device(uintptr_t va, size_t size, enum dma_data_direction dir);

/*
 * After the device accessed [va, va + size), before the CPU reads it:
 * invalidate to PoC (partial edge lines clean+invalidate) unless
 * DMA_TO_DEVICE. No barrier.
 */
void dma_cache_for_cpu(uintptr_t va, size_t size, enum dma_data_direction dir);

/* dma_cache_for_device() of one range, then dma_barrier_complete() (if any op). */
void dma_cache_for_device_complete(uintptr_t va, size_t size, enum dma_data_direction dir);

/* dma_cache_for_cpu() of one range, then dma_barrier_complete() (if any op). */
void dma_cache_for_cpu_complete(uintptr_t va, size_t size, enum dma_data_direction dir);

#endif /* MM_DMA_CACHE_H */
