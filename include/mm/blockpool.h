/*
 * Block pool: fixed-size small blocks carved from larger chunks, the core
 * of the DMA layer's dma_pool (Linux dma_pool_create/alloc/free/destroy).
 *
 * Chunks come from a provider callback (the DMA layer passes chunks from
 * dma_alloc_coherent()) and are kept until blockpool_destroy(), as Linux
 * does. Each chunk is chunk_bytes long, a power of two, and its CPU address
 * and DMA address are both aligned to chunk_bytes.
 *
 * Layout of one chunk (stride = size rounded up to align, at least 16 as in
 * Linux; seg = boundary, or the chunk if boundary is 0 or larger than it):
 *
 *   chunk base                     base + seg                  base + chunk
 *   +-----+-----+-----+--------+   +-----+-----+-----+--------+
 *   | blk | blk | blk | unused |   | blk | blk | blk | unused |  ...
 *   +-----+-----+-----+--------+   +-----+-----+-----+--------+
 *   <stride>                        no block crosses a multiple of boundary
 *
 * All metadata is outside the chunks, so a device cannot corrupt the
 * allocator by DMA: one caller-provided buffer (blockpool_meta_bytes())
 * holding a table of 16-byte entries { word, dma }, indexed directly by
 * bits of a CPU address the way a direct-mapped cache is:
 *
 *    63              cs+k   cs             es              0
 *   +------------------+------+--------------+--------------+
 *   |       (any)      | slot |   granule    |    (any)     |  CPU address
 *   +------------------+------+--------------+--------------+
 *                       \________ entry ________/
 *
 *   es    log2 of the largest power of two <= stride: at most one block
 *         starts in any granule, so every block has an entry of its own
 *   cs    log2(chunk_bytes)
 *   k     log2(slots); slots is the smallest power of two > max_chunks
 *
 * A chunk takes the slot its address selects (its home slot) unless another
 * chunk has it, or it is the last slot, which never holds a chunk; then it
 * takes the next free slot ("displaced"). The table has
 * slots * (chunk_bytes >> es) entries of 16 bytes, for the largest pool
 * the metadata allows: e.g. 64 KiB for 64-byte blocks, 4 KiB chunks and
 * max_chunks 63 (64 slots), 128 KiB for 48-byte blocks.
 *
 * The word of an entry is:
 *   the block's CPU address         the block is allocated
 *   the next free block's link      the block is free
 *   a value selecting another entry  no block starts there, or the slot is empty
 * and a link is a home block's CPU address, or BLOCKPOOL_TAG | entry << es
 * for a displaced block, or BLOCKPOOL_TAG | (first entry of the last slot)
 * << es for the end of the list. Every value stored selects an entry other
 * than its own, except the address of an allocated block in its home slot,
 * so "the word of the entry that @a selects equals @a" holds exactly when @a
 * is an allocated block of a home slot: blockpool_free() validates any
 * pointer with one load and one compare (and the handle with another). The
 * dma field is the block's DMA address (in the last slot's entries: the CPU
 * base of each slot, when there are enough of them; otherwise that table
 * follows the entries).
 *
 * One LIFO free list for the whole pool, its head a link: blockpool_alloc()
 * and blockpool_free() are O(1) and inline; alloc takes the out-of-line slow
 * path for a tagged head (a new chunk, or a displaced block) and free for
 * anything but a home block (a displaced block, found by probing the slot
 * table, or a bad pointer, rejected). Chunks that lie within one span of
 * slots * chunk_bytes (consecutive memory, as a buddy allocator hands out)
 * are all home; a displaced chunk's blocks cost the slow paths, a probe of
 * the slot table each (make bench shows both).
 * Not thread safe: the caller serialises.
 */
#ifndef MM_BLOCKPOOL_H
#define MM_BLOCKPOOL_H

#include <compiler.h>
#include <types.h>

/* Set in a link that is not a CPU address; chunks live below it. */
#define BLOCKPOOL_TAG ((uintptr_t)1 << 63)

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
	size_t chunk_bytes; /* 0: smallest power of two >= PAGE_SIZE and the
			       rounded size */
	u32 max_chunks;	    /* chunks the metadata has room for, > 0 */
};

struct blockpool_ent {
	uintptr_t word;
	u64 dma;
};

struct blockpool {
	/* Hot: all that the inline fast paths touch. */
	uintptr_t head;		  /* first link of the free list */
	struct blockpool_ent *ent;
	uintptr_t ent_mask;	  /* (entries - 1) * 16 */
	unsigned int ent_shift;	  /* es - 4: address >> ent_shift is entry * 16 */
	/* Cold. */
	unsigned int es, cs;	  /* see the diagram above */
	u32 per_slot;		  /* entries per slot: chunk_bytes >> es */
	u32 slots;		  /* power of two; the last one is never used */
	u64 *slot_cpu;		  /* CPU base of slot s at slot_cpu[s * slot_step] */
	unsigned int slot_step;
	uintptr_t nil;		  /* the link that ends the list */
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
 * a power of two >= PAGE_SIZE or cannot hold one block, a table too large
 * to index, or too small or misaligned metadata.
 */
int blockpool_create(struct blockpool *p, const struct blockpool_params *prm,
		     const struct blockpool_ops *ops, void *meta, size_t meta_bytes);

/*
 * blockpool_alloc_slow(), blockpool_free_slow() - the out-of-line halves
 * of blockpool_alloc() and blockpool_free(), with their contracts; called
 * after the _fast() variants below gave up (any case is handled).
 */
int blockpool_alloc_slow(struct blockpool *p, void **cpu, u64 *dma);
int blockpool_free_slow(struct blockpool *p, void *cpu, u64 dma);

/* The entry that CPU address @a selects (see the diagram above). */
static inline struct blockpool_ent *blockpool_ent_of(const struct blockpool *p, uintptr_t a)
{
	return (struct blockpool_ent *)((char *)p->ent + ((a >> p->ent_shift) & p->ent_mask));
}

/*
 * blockpool_alloc_fast() - blockpool_alloc() when the head of the free list
 * is a block in its home slot, the only case it handles; for callers that
 * keep the slow path out of line (no local whose address is taken, so no
 * stack frame or stack-protector canary on the fast path).
 * Return: the block's CPU address, its device address in *@dma; NULL, with
 * nothing changed, in every other case: then blockpool_alloc_slow() gives
 * the answer.
 */
static inline void *blockpool_alloc_fast(struct blockpool *p, u64 *dma)
{
	uintptr_t a = p->head;
	struct blockpool_ent *e;

	if (unlikely(a >= BLOCKPOOL_TAG))
		return NULL;
	/* No link is 0 (a chunk at 0 is refused): callers need no NULL test. */
	if (!a)
		__builtin_unreachable();
	e = blockpool_ent_of(p, a);
	p->head = e->word;
	e->word = a;
	*dma = e->dma;
	return (void *)a;
}

/*
 * blockpool_alloc() - allocate one block: CPU address in *@cpu and device
 * address (chunk DMA address + offset) in *@dma. Not zeroed. Lowest
 * address first within a fresh chunk, then last freed first.
 *
 * Return: 0; -ENOMEM if no block is free and max_chunks are in use; a
 * provider error from get_chunk(); -EINVAL if the provider returned a
 * misaligned chunk, one at or above BLOCKPOOL_TAG, or one the pool already
 * has (given back with put_chunk()). On error *@cpu and *@dma are untouched.
 */
static inline int blockpool_alloc(struct blockpool *p, void **cpu, u64 *dma)
{
	void *a = blockpool_alloc_fast(p, dma);

	if (unlikely(!a))
		return blockpool_alloc_slow(p, cpu, dma);
	*cpu = a;
	return 0;
}

/*
 * blockpool_free_fast() - blockpool_free() of a block in its home slot with
 * the right @dma, the only case it handles; for callers that keep the slow
 * path out of line.
 * Return: true if the block was freed; false, with nothing changed, in every
 * other case: then blockpool_free_slow() gives the answer.
 */
static inline bool blockpool_free_fast(struct blockpool *p, void *cpu, u64 dma)
{
	uintptr_t a = (uintptr_t)cpu;
	struct blockpool_ent *e = blockpool_ent_of(p, a);

	if (unlikely(e->word != a || e->dma != dma))
		return false;
	e->word = p->head;
	p->head = a;
	return true;
}

/*
 * blockpool_free() - free the block whose CPU address is @cpu and device
 * address is @dma.
 * Return: 0; -EINVAL, with nothing changed, if @cpu is not the start of a
 * block allocated from this pool (foreign pointer, interior pointer, double
 * free, NULL); -EFAULT, with nothing changed, if it is but @dma is not that
 * block's device address.
 */
static inline int blockpool_free(struct blockpool *p, void *cpu, u64 dma)
{
	return blockpool_free_fast(p, cpu, dma) ? 0 : blockpool_free_slow(p, cpu, dma);
}

/*
 * blockpool_destroy() - give every chunk back with put_chunk(); the pool
 * is empty afterwards, as blockpool_create() left it: the caller may use
 * it again, or free its metadata.
 * Return: the number of blocks that were still allocated (leaks; their
 * memory has been given back all the same, as Linux's dma_pool_destroy does
 * after reporting them).
 */
u32 blockpool_destroy(struct blockpool *p);

#endif /* MM_BLOCKPOOL_H */
