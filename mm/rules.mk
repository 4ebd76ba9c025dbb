# mm/: memory map from the DT, page tables and MMU, pools, the DMA API.
FW_SRCS += mm/pgtable.c mm/mmu.c mm/mmu_attrs.c mm/remap.c mm/memmap.c mm/dt_dma.c mm/buddy.c mm/blockpool.c \
	mm/page_alloc.c mm/swiotlb.c mm/dma_mem.c mm/dma.c mm/dma_debug.c mm/dmapool.c \
	mm/dma_cache.c mm/dma_selftests.c mm/dma_iommu.c mm/iova.c mm/inject_selftests.c \
	mm/alloc_trace.c mm/bench_selftests.c
