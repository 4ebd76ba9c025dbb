/*
 * dma_pool_create/alloc/free/destroy (Linux semantics) over mm/blockpool.c:
 * chunks are dma_alloc_coherent() memory of the pool's device, the block
 * table lives in firmware RAM outside the chunks. dma_pool_alloc() and
 * dma_pool_free() are blockpool's inline fast paths plus nothing but the
 * argument shuffle (make bench measures these two functions).
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

/*
 * 63 chunks make a 64-slot table (one slot stays empty, see
 * mm/blockpool.h): 16 to 32 bytes of table per block, e.g. 64 KiB for
 * 64-byte blocks in 4 KiB chunks, allocated with the pool.
 */
#define DMA_POOL_MAX_CHUNKS 63

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

	if (!meta_bytes) {
		dma_debug_report(dev, "dma_pool_create(%s): invalid size %zu, align %zu or boundary %zu",
				 name, size, align, boundary);
		return NULL;
	}
	/*
	 * Two allocations: the table is a power of two of bytes, and with the
	 * pool in front of it the pair would take twice that.
	 */
	pool = page_alloc(buddy_order_of(sizeof(*pool)));
	if (!pool)
		return NULL;
	pool->meta = page_alloc(buddy_order_of(meta_bytes));
	if (!pool->meta) {
		page_free(pool);
		return NULL;
	}
	pool->dev = dev;
	fmt_snprintf(pool->name, sizeof(pool->name), "%s", name);
	ops.ctx = pool;
	if (blockpool_create(&pool->bp, &prm, &ops, pool->meta, meta_bytes)) {
		page_free(pool->meta);
		page_free(pool);
		return NULL;
	}
	return pool;
}

/* Out of line, so that dma_pool_alloc() needs no stack frame. */
static void *__attribute__((noinline)) alloc_slow(struct dma_pool *pool, dma_addr_t *handle)
{
	void *cpu;

	return blockpool_alloc_slow(&pool->bp, &cpu, handle) ? NULL : cpu;
}

void *dma_pool_alloc(struct dma_pool *pool, gfp_t gfp, dma_addr_t *handle)
{
	void *cpu = blockpool_alloc_fast(&pool->bp, handle);

	(void)gfp;
	if (unlikely(!cpu))
		return alloc_slow(pool, handle);
	return cpu;
}

/* Out of line, so that dma_pool_free() needs no stack frame. */
static void __attribute__((noinline)) free_slow(struct dma_pool *pool, void *vaddr,
						dma_addr_t addr)
{
	int ret = blockpool_free_slow(&pool->bp, vaddr, addr);

	if (ret == -EFAULT)
		dma_debug_report(pool->dev,
				 "dma_pool_free(%s) of %p: handle 0x%llx is not the block's, not freed",
				 pool->name, vaddr, (unsigned long long)addr);
	else if (ret)
		dma_debug_report(pool->dev,
				 "dma_pool_free(%s) of %p (handle 0x%llx): not a live block",
				 pool->name, vaddr, (unsigned long long)addr);
}

void dma_pool_free(struct dma_pool *pool, void *vaddr, dma_addr_t addr)
{
	if (unlikely(!blockpool_free_fast(&pool->bp, vaddr, addr)))
		free_slow(pool, vaddr, addr);
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
	page_free(pool->meta);
	page_free(pool);
}
