/*
 * Data-cache maintenance by virtual address range, to the Point of
 * Coherency (PoC): the narrow arch contract behind streaming DMA.
 *
 * Two implementations: lib/arch/cache.S for the image, and the recording
 * fake tests/host/fake_arch.c for host tests (HOST_TEST), which logs every
 * line operation and barrier so that policy code can be checked exactly.
 *
 *   start                                                         end
 *     |                                                            |
 *   +-v--------+----------+----------+- ... -+----------+---------v+
 *   | line 0   | line 1   | line 2   |       | line n-2 | line n-1 |
 *   +----------+----------+----------+- ... -+----------+----------+
 *   ^ ALIGN_DOWN(start, L)                                         ^ ALIGN_UP(end, L)
 *
 * The range operations touch every line of size L = cache_dline_size() that
 * holds a byte of [start, end), in ascending address order, and nothing
 * else; once each after cache_init() (before it, L / 4 times each). They issue NO barrier: maintenance instructions may complete
 * in any order and only a DSB waits for them (Arm ARM DDI 0487, D7.5
 * "Caches", "The data cache maintenance instruction (DC)", and C6.2 "DSB").
 * A caller batches any number of ranges and then owes one
 * dma_barrier_complete() before the device or the CPU relies on the result.
 *
 * L is CTR_EL0.DminLine (D23.2.34): log2 of the number of 4-byte words in
 * the smallest data or unified cache line the PE controls, so stepping by L
 * visits every line of every level. Lines of an outer cache may be larger
 * (CTR_EL0.CWG); buffers that share a line with unrelated data are the
 * allocator's problem (align DMA buffers to the writeback granule).
 *
 * Every range must be mapped (a DC by VA is translated and may fault) and
 * must not wrap: start < end.
 */
#ifndef ARCH_CACHE_H
#define ARCH_CACHE_H

#include <types.h>

/*
 * cache_init() - read CTR_EL0 once and set the stride of the range
 * operations to cache_dline_size(). Call once at boot before the first
 * DMA. Before it, the operations are still correct (they step by 4 bytes,
 * the smallest line CTR_EL0 can describe, so every line is covered), only
 * slower. Idempotent.
 */
void cache_init(void);

/*
 * cache_dline_size() - bytes in the smallest data cache line: 4 << DminLine
 * from CTR_EL0 (D23.2.34), read on every call (it is one MRS; the policy
 * decides partial edge lines with it, so it must never be stale or a
 * default).
 */
size_t cache_dline_size(void);

/*
 * cache_op_stride() - the stride the range operations use: cache_dline_size()
 * once cache_init() has run, 4 before. For self-tests and diagnostics.
 */
size_t cache_op_stride(void);

/*
 * dcache_clean_poc() - DC CVAC (C5.3, "DC CVAC, Data or unified Cache line
 * Clean by VA to PoC") on every line of [start, end): dirty data is written
 * back to PoC, lines stay valid. @start and @end need no alignment.
 * No barrier: the caller owes dma_barrier_complete().
 */
void dcache_clean_poc(uintptr_t start, uintptr_t end);

/*
 * dcache_inval_poc() - DC IVAC (C5.3, "DC IVAC, Data or unified Cache line
 * Invalidate by VA to PoC") on every line of [start, end): lines are
 * discarded, dirty data in them is LOST. @start and @end MUST be multiples
 * of cache_dline_size(); a partial edge line is the caller's to clean and
 * invalidate (dcache_clean_inval_poc), or data sharing the line is lost.
 * DC IVAC needs write permission to the VA (a Permission fault otherwise).
 * No barrier: the caller owes dma_barrier_complete().
 */
void dcache_inval_poc(uintptr_t start, uintptr_t end);

/*
 * dcache_clean_inval_poc() - DC CIVAC (C5.3, "DC CIVAC, Data or unified
 * Cache line Clean and Invalidate by VA to PoC") on every line of
 * [start, end): dirty data is written back, then lines are discarded.
 * @start and @end need no alignment. No barrier: the caller owes
 * dma_barrier_complete().
 */
void dcache_clean_inval_poc(uintptr_t start, uintptr_t end);

/*
 * dma_barrier_complete() - DSB SY: every cache maintenance instruction
 * issued before it (and every memory access) is complete before any
 * instruction after it executes, for all observers (C6.2 "DSB"). One per
 * batch of range operations; before the MMIO write that starts a device,
 * and after unmapping before the CPU reads what the device wrote.
 *
 * One instruction, so inline in the image; the host fake records it.
 */
#ifdef HOST_TEST
void dma_barrier_complete(void);
#else
#include <arch/barrier.h>

static inline void dma_barrier_complete(void)
{
	dsb(sy); /* completes the DC operations of the batch (see above) */
}
#endif

#endif /* ARCH_CACHE_H */
