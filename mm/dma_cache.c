/*
 * Streaming-DMA cache maintenance policy (see mm/dma_cache.h). Pure: only
 * arch/cache.h, so host tests run it against the recording fake.
 */
#include <arch/cache.h>
#include <bits.h>
#include <compiler.h>
#include <fw_assert.h>
#include <mm/dma_cache.h>

static void check_args(uintptr_t va, size_t size, enum dma_data_direction dir)
{
	fw_assert(dma_direction_valid(dir));
	fw_assert(va + size >= va); /* no wrap */
}

void dma_cache_for_device(uintptr_t va, size_t size, enum dma_data_direction dir)
{
	check_args(va, size, dir);
	if (!size)
		return;
	/* Every direction: see mm/dma_cache.h for why FROM_DEVICE cleans too. */
	dcache_clean_poc(va, va + size);
}

void dma_cache_for_cpu(uintptr_t va, size_t size, enum dma_data_direction dir)
{
	uintptr_t end = va + size;
	size_t line;
	uintptr_t lo, hi; /* [lo, hi): the lines wholly inside the range */

	check_args(va, size, dir);
	if (!size || dir == DMA_TO_DEVICE)
		return;

	line = cache_dline_size();
	lo = ALIGN_UP(va, line);
	hi = ALIGN_DOWN(end, line);
	if (lo > hi) {
		/* Inside one line and touching neither of its ends. */
		dcache_clean_inval_poc(va, end);
		return;
	}
	if (va != lo)
		dcache_clean_inval_poc(va, lo);
	if (lo != hi)
		dcache_inval_poc(lo, hi);
	if (end != hi)
		dcache_clean_inval_poc(hi, end);
}

void dma_cache_for_device_complete(uintptr_t va, size_t size, enum dma_data_direction dir)
{
	dma_cache_for_device(va, size, dir);
	if (size)
		dma_barrier_complete(); /* the cleans reach PoC before the device starts */
}

void dma_cache_for_cpu_complete(uintptr_t va, size_t size, enum dma_data_direction dir)
{
	dma_cache_for_cpu(va, size, dir);
	if (size && dir != DMA_TO_DEVICE)
		dma_barrier_complete(); /* invalidation done before the CPU reads */
}
