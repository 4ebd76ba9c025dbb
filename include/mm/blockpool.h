/*
 * Block pool: fixed-size small blocks carved from larger chunks, the core
 * of the DMA layer's dma_pool (Linux dma_pool_create/alloc/free/destroy).
 *
 * Chunks come from a provider callback (the DMA layer passes chunks from
 * dma_alloc_coherent()) and are kept until blockpool_destroy(), as Linux
 * does. Each chunk is chunk_bytes long, a power of two, and its CPU address
 * and DMA address are both aligned to chunk_bytes, so the chunk of a block
 * is found from the block's address by masking.
 *
 * Layout of one chunk (stride = size rounded up to align, at least 8;
 * seg = boundary, or the chunk if boundary is 0 or larger than it):
 *
 *   chunk base                     base + seg                  base + chunk
 *   +-----+-----+-----+--------+   +-----+-----+-----+--------+
 *   | blk | blk | blk | unused |   | blk | blk | blk | unused |  ...
 *   +-----+-----+-----+--------+   +-----+-----+-----+--------+
 *   <stride>                        no block crosses a multiple of boundary
 *
 * All metadata is outside the chunks (a device must not be able to corrupt
 * the free list by DMA): the caller provides one buffer sized by
 * blockpool_meta_bytes() holding the chunk table, a chunk hash keyed by the
 * chunk's CPU base, and the free list as an array of u32 links with one
 * entry per "granule" (the largest power of two dividing stride): a block's
 * id is its chunk's first id plus (offset >> granule shift), so free finds
 * it with a mask, a hash probe and a shift, and one link value tells a
 * block in use from a free block or from slack (a granule where no block
 * starts); an address not on a granule is rejected by its low bits.
 *
 * blockpool_alloc() and blockpool_free() are O(1); alloc calls the provider
 * only when the free list is empty. Not thread safe: the caller serialises.
 */
#ifndef MM_BLOCKPOOL_H
#define MM_BLOCKPOOL_H

#include <types.h>

/* Link values in the free-list array (all ids are below these). */
#define BLOCKPOOL_NIL 0xffffffffU      /* end of the free list */
#define BLOCKPOOL_INUSE 0xfffffffeU    /* block allocated */
#define BLOCKPOOL_NOBLOCK 0xfffffffdU  /* granule is no block's start */
#define BLOCKPOOL_MAX_IDS 0xfffffff0U

/* Where chunks come from. */
struct blockpool_ops {
	/*
	 * get_chunk() - provide @chunk_bytes of memory, CPU address in *@cpu
	 * and device address in *@dma, both aligned to @chunk_bytes.
	 * Return: 0, or -errno (passed on by blockpool_alloc()).
	 */
	int (*get_chunk)(void *ctx, size_t chunk_bytes, void **cpu, u64 *dma);
	/* put_chunk() - give back a chunk from get_chunk(); called by destroy. */
	void (*put_chunk)(void *ctx, size_t chunk_bytes, void *cpu, u64 dma);
	void *ctx;
};

struct blockpool_params {
	size_t size;	    /* block size in bytes, > 0 */
	size_t align;	    /* power of two (0 means 1); size is rounded up to it */
	size_t boundary;    /* 0, or a power of two >= the rounded size */
	size_t chunk_bytes; /* 0: smallest power of two >= PAGE_SIZE, the
			       rounded size and boundary (capped at the rounded
			       size's power of two) */
	u32 max_chunks;	    /* chunks the metadata has room for, > 0 */
};

struct blockpool_chunk {
	uintptr_t cpu;
	u64 dma;
};

struct blockpool_hent {
	uintptr_t base; /* chunk CPU base, or BLOCKPOOL_HASH_EMPTY */
	u32 first;	/* id of the chunk's first granule */
};

#define BLOCKPOOL_HASH_EMPTY (~(uintptr_t)0) /* never chunk aligned */

struct blockpool {
	/* Hot: touched by every alloc/free. */
	u32 free_head;
	unsigned int gran_shift;  /* log2 of the granule */
	unsigned int chunk_shift; /* log2(chunk_bytes) */
	u32 hash_mask;
	uintptr_t chunk_mask;	  /* ~(chunk_bytes - 1) */
	uintptr_t gran_mask;	  /* granule - 1: block starts have these clear */
	u32 *next;		  /* max_chunks << (chunk_shift - gran_shift) */
	struct blockpool_hent *hash;
	struct blockpool_chunk *chunks;
	/* Cold. */
	size_t size, stride, seg_bytes, chunk_bytes;
	u32 per_seg;		  /* blocks in one segment */
	u32 nr_chunks, max_chunks;
	struct blockpool_ops ops;
};

/*
 * blockpool_meta_bytes() - metadata bytes blockpool_create() needs for
 * @prm, or 0 if @prm is invalid (see blockpool_create()).
 */
size_t blockpool_meta_bytes(const struct blockpool_params *prm);

/*
 * blockpool_create() - set up an empty pool; no chunk is requested yet.
 * @prm:  block geometry, see struct blockpool_params. Copied.
 * @ops:  chunk provider. Copied; ops->ctx is passed back on every call.
 * @meta: at least blockpool_meta_bytes(@prm) bytes, 8-byte aligned, owned by
 *        the pool until blockpool_destroy(); never inside a chunk.
 *
 * Return: 0; -EINVAL for a zero size, an align or boundary that is not a
 * power of two, a boundary below the rounded size, a chunk size that is not
 * a power of two >= PAGE_SIZE or cannot hold one block, or too small or
 * misaligned metadata.
 */
int blockpool_create(struct blockpool *p, const struct blockpool_params *prm,
		     const struct blockpool_ops *ops, void *meta, size_t meta_bytes);

/*
 * blockpool_alloc() - allocate one block: CPU address in *@cpu and device
 * address (chunk DMA address + offset) in *@dma. Not zeroed. Lowest
 * address first within a fresh chunk, then last freed first.
 *
 * Return: 0; -ENOMEM if the free list is empty and max_chunks are in use;
 * a provider error from get_chunk(); -EINVAL if the provider returned a
 * misaligned chunk (given back with put_chunk()). On error *@cpu and *@dma
 * are untouched.
 */
int blockpool_alloc(struct blockpool *p, void **cpu, u64 *dma);

/*
 * blockpool_free() - free the block whose CPU address is @cpu.
 * Return: 0; -EINVAL, with nothing changed, if @cpu is not the start of a
 * block allocated from this pool (foreign pointer, interior pointer, double
 * free, NULL).
 */
int blockpool_free(struct blockpool *p, void *cpu);

/*
 * blockpool_destroy() - give every chunk back with put_chunk(); the pool
 * and its metadata are unused afterwards.
 * Return: the number of blocks that were still allocated (leaks; their
 * memory has been given back all the same, as Linux's dma_pool_destroy does
 * after reporting them).
 */
u32 blockpool_destroy(struct blockpool *p);

#endif /* MM_BLOCKPOOL_H */
