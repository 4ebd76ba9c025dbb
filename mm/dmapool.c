/*
 * dma_pool_create/alloc/free/destroy (Linux semantics) over mm/blockpool.c:
 * chunks are dma_alloc_coherent() memory of the pool's device, the free
 * lists live in firmware RAM outside the chunks.
 */
#include <dma.h>
#include <errno.h>
#include <fmt.h>
#include <layout.h>
#include <mm/blockpool.h>
#include <mm/buddy.h>
#include <mm/dma_internal.h>
#include <mm/page_alloc.h>
#include <string.h>

#define DMA_POOL_MAX_CHUNKS 64

struct dma_pool {
	struct blockpool bp;
	struct device *dev;
	char name[32];
	void *meta;
};

static int get_chunk(void *ctx, size_t bytes, void **cpu, u64 *dma)
{
	struct dma_pool *pool = ctx;
	dma_addr_t handle;

	*cpu = dma_alloc_coherent(pool->dev, bytes, &handle, GFP_KERNEL);
	if (!*cpu)
		return -ENOMEM;
	*dma = handle;
	return 0;
}

static void put_chunk(void *ctx, size_t bytes, void *cpu, u64 dma)
{
	struct dma_pool *pool = ctx;

	dma_free_coherent(pool->dev, bytes, cpu, dma);
}

struct dma_pool *dma_pool_create(const char *name, struct device *dev, size_t size,
				 size_t align, size_t boundary)
{
	struct blockpool_params prm = {
		.size = size, .align = align, .boundary = boundary,
		.max_chunks = DMA_POOL_MAX_CHUNKS,
	};
	struct blockpool_ops ops = { get_chunk, put_chunk, NULL };
	size_t meta_bytes = blockpool_meta_bytes(&prm);
	struct dma_pool *pool;
	unsigned int order;

	if (!meta_bytes) {
		dma_debug_report(dev, "dma_pool_create(%s): invalid size %zu, align %zu or boundary %zu",
				 name, size, align, boundary);
		return NULL;
	}
	order = buddy_order_of(sizeof(*pool) + meta_bytes);
	pool = page_alloc(order);
	if (!pool)
		return NULL;
	pool->dev = dev;
	fmt_snprintf(pool->name, sizeof(pool->name), "%s", name);
	pool->meta = (u8 *)pool + ALIGN_UP(sizeof(*pool), 8);
	ops.ctx = pool;
	if (blockpool_create(&pool->bp, &prm, &ops, pool->meta, meta_bytes)) {
		page_free(pool);
		return NULL;
	}
	return pool;
}

void *dma_pool_alloc(struct dma_pool *pool, gfp_t gfp, dma_addr_t *handle)
{
	void *cpu;
	u64 dma;

	(void)gfp;
	if (blockpool_alloc(&pool->bp, &cpu, &dma))
		return NULL;
	*handle = dma;
	return cpu;
}

void dma_pool_free(struct dma_pool *pool, void *vaddr, dma_addr_t addr)
{
	if (blockpool_free(&pool->bp, vaddr))
		dma_debug_report(pool->dev, "dma_pool_free(%s) of %p (handle 0x%llx): not a live block",
				 pool->name, vaddr, (unsigned long long)addr);
}

void dma_pool_destroy(struct dma_pool *pool)
{
	u32 busy;

	if (!pool)
		return;
	busy = blockpool_destroy(&pool->bp);
	if (busy)
		dma_debug_report(pool->dev, "dma_pool_destroy(%s): %u blocks still allocated",
				 pool->name, busy);
	page_free(pool);
}
