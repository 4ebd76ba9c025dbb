/*
 * What mm/dma.c, mm/swiotlb.c and mm/dma_debug.c call outside themselves,
 * faked for host tests over host memory (tests/host/fake_dma_env.c):
 *
 *   "physical" memory   a memfd mapped at FAKE_PHYS_BASE (VA == PA, as in
 *                       the image's linear map), carved into:
 *     FAKE_SWIOTLB      default bounce buffer (lowest: small masks reach it)
 *     FAKE_RESTRICTED   a restricted-dma-pool
 *     FAKE_POOL         a cacheable shared-dma-pool (dma_mem, nc = false)
 *     FAKE_NC_POOL      the firmware's Normal-NC pool (dma_nc_mem)
 *     FAKE_FW_RAM       firmware RAM (page_alloc)
 *     FAKE_BUFS         free for a test's streaming buffers
 *   remap window        include/mm/mmu.h's mmu_remap_*(): a real second
 *                       mapping of the same memfd pages (so what is written
 *                       through the alias is at the physical address), VAs
 *                       from mm/buddy.c, unmapped PROT_NONE on free
 *   console             kprintf() lines kept for the test
 *   image symbols       __image_start.. and the stack bounds, over buffers
 *                       the test can try to map
 *
 * mm/dma_cache.c and the recording fake of arch/cache.h (fake_arch.c) are
 * linked as they are, so a test reads the exact cache-operation list.
 */
#ifndef FAKE_DMA_ENV_H
#define FAKE_DMA_ENV_H

#include <dma.h>
#include <mm/dma_internal.h>

#define FAKE_PHYS_BASE 0x40000000UL
#define FAKE_PHYS_SIZE (32UL << 20)
#define FAKE_SWIOTLB (FAKE_PHYS_BASE)
#define FAKE_SWIOTLB_SIZE (1UL << 20)
#define FAKE_RESTRICTED (FAKE_PHYS_BASE + (1UL << 20))
#define FAKE_RESTRICTED_SIZE (512UL << 10)
#define FAKE_POOL (FAKE_PHYS_BASE + (4UL << 20))
#define FAKE_POOL_SIZE (4UL << 20)
#define FAKE_NC_POOL (FAKE_PHYS_BASE + (8UL << 20))
#define FAKE_NC_POOL_SIZE (2UL << 20)
#define FAKE_FW_RAM (FAKE_PHYS_BASE + (12UL << 20))
#define FAKE_FW_RAM_SIZE (4UL << 20)
#define FAKE_BUFS (FAKE_PHYS_BASE + (16UL << 20))
#define FAKE_BUFS_SIZE (16UL << 20)

extern struct dma_mem *fake_pool, *fake_nc_pool;
extern struct swiotlb *fake_restricted;

/* Fresh pools, bounce buffers, window, console log, dma-debug on. */
void fake_dma_env_reset(void);

/* A device named @name: 64-bit masks, 1:1, no pools, @coherent. */
void fake_dev_init(struct device *dev, const char *name, bool coherent);

/* Console lines since the reset, concatenated; and how many. */
const char *fake_console(void);
unsigned int fake_console_lines(void);

/* Remap window: live aliases; the next mmu_remap_nc() fails with @err (0: no). */
unsigned int fake_remap_live(void);
void fake_remap_fail_next(int err);
bool fake_remap_mapped(const void *va); /* a live alias covers @va */

/* Where dma_debug's "read-only image" and "stack" checks look. */
extern char fake_image[8192];
extern char fake_stack[8192];

#endif /* FAKE_DMA_ENV_H */
