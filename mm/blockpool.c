/*
 * Block pool (see mm/blockpool.h for the layout and the metadata).
 *
 * Ids: granule g of chunk c has id (c << ids_shift) + g, where
 * ids_shift = chunk_shift - gran_shift, so (id << gran_shift) is
 * (c << chunk_shift) + offset: alloc gets the chunk and the offset from one
 * shift. next[id] is the free-list link of a free block, BLOCKPOOL_INUSE for
 * an allocated one and BLOCKPOOL_NOBLOCK for a granule where no block
 * starts, so free validates an address with a single load.
 *
 * The chunk hash is open addressing with linear probing, keyed by the
 * chunk's CPU base >> chunk_shift; it has at least twice as many slots as
 * max_chunks and entries are never removed (chunks live until destroy), so
 * a probe always ends at an empty slot. Chunks handed out by a buddy
 * allocator are mostly consecutive, which this hash maps without collision.
 */
#include <bits.h>
#include <errno.h>
#include <layout.h>
#include <mm/blockpool.h>

#define BP_MIN_STRIDE 8
#define BP_MAX_CHUNK (UL(1) << 30)

struct bp_geom {
	size_t stride, seg, chunk;
	u32 per_seg, hash_slots;
	unsigned int gran_shift, chunk_shift;
	size_t off_hash, off_next, total;
};

static bool is_pow2(size_t x)
{
	return x && !(x & (x - 1));
}

static size_t pow2_ceil(size_t x)
{
	return x <= 1 ? 1 : (size_t)1 << (64 - __builtin_clzll(x - 1));
}

static int geometry(const struct blockpool_params *prm, struct bp_geom *g)
{
	size_t align = prm->align ? prm->align : 1;
	u64 ids;

	if (!prm->size || prm->size > BP_MAX_CHUNK || !is_pow2(align) ||
	    align > BP_MAX_CHUNK || !prm->max_chunks)
		return -EINVAL;
	g->stride = ALIGN_UP(prm->size, align);
	if (g->stride < BP_MIN_STRIDE)
		g->stride = BP_MIN_STRIDE;
	if (prm->boundary && (!is_pow2(prm->boundary) || prm->boundary < g->stride))
		return -EINVAL;

	g->chunk = prm->chunk_bytes;
	if (!g->chunk) {
		g->chunk = pow2_ceil(g->stride);
		if (g->chunk < PAGE_SIZE)
			g->chunk = PAGE_SIZE;
	}
	if (!is_pow2(g->chunk) || g->chunk < PAGE_SIZE || g->chunk > BP_MAX_CHUNK ||
	    g->chunk < g->stride)
		return -EINVAL;
	/* A boundary at or above the chunk size cannot be crossed: chunks are aligned. */
	g->seg = prm->boundary && prm->boundary < g->chunk ? prm->boundary : g->chunk;
	g->per_seg = (u32)(g->seg / g->stride);
	g->gran_shift = (unsigned int)__builtin_ctzll(g->stride);
	g->chunk_shift = (unsigned int)__builtin_ctzll(g->chunk);

	ids = (u64)prm->max_chunks << (g->chunk_shift - g->gran_shift);
	if (ids > BLOCKPOOL_MAX_IDS || prm->max_chunks > (1U << 30))
		return -EINVAL;
	g->hash_slots = (u32)pow2_ceil(2 * (size_t)prm->max_chunks);

	g->off_hash = (size_t)prm->max_chunks * sizeof(struct blockpool_chunk);
	g->off_next = g->off_hash + g->hash_slots * sizeof(struct blockpool_hent);
	g->total = g->off_next + ALIGN_UP((size_t)ids * sizeof(u32), 8);
	return 0;
}

size_t blockpool_meta_bytes(const struct blockpool_params *prm)
{
	struct bp_geom g;

	return geometry(prm, &g) ? 0 : g.total;
}

int blockpool_create(struct blockpool *p, const struct blockpool_params *prm,
		     const struct blockpool_ops *ops, void *meta, size_t meta_bytes)
{
	struct bp_geom g;
	u32 i;

	if (geometry(prm, &g) || !ops || !ops->get_chunk || !ops->put_chunk ||
	    !meta || !IS_ALIGNED((uintptr_t)meta, 8) || meta_bytes < g.total)
		return -EINVAL;

	p->free_head = BLOCKPOOL_NIL;
	p->gran_shift = g.gran_shift;
	p->chunk_shift = g.chunk_shift;
	p->hash_mask = g.hash_slots - 1;
	p->chunk_mask = ~((uintptr_t)g.chunk - 1);
	p->gran_mask = ((uintptr_t)1 << g.gran_shift) - 1;
	p->chunks = meta;
	p->hash = (struct blockpool_hent *)((char *)meta + g.off_hash);
	p->next = (u32 *)((char *)meta + g.off_next);
	p->size = prm->size;
	p->stride = g.stride;
	p->seg_bytes = g.seg;
	p->chunk_bytes = g.chunk;
	p->per_seg = g.per_seg;
	p->nr_chunks = 0;
	p->max_chunks = prm->max_chunks;
	p->ops = *ops;
	for (i = 0; i < g.hash_slots; i++)
		p->hash[i] = (struct blockpool_hent){ BLOCKPOOL_HASH_EMPTY, 0 };
	return 0;
}

static u32 hash_slot(const struct blockpool *p, uintptr_t base)
{
	return (u32)(base >> p->chunk_shift) & p->hash_mask;
}

/* Hash entry of the chunk at CPU address @base, or NULL. */
static const struct blockpool_hent *hash_find(const struct blockpool *p, uintptr_t base)
{
	u32 h = hash_slot(p, base);

	for (;; h = (h + 1) & p->hash_mask) {
		if (p->hash[h].base == base)
			return &p->hash[h];
		if (p->hash[h].base == BLOCKPOOL_HASH_EMPTY)
			return NULL;
	}
}

static int alloc_grow(struct blockpool *p, void **cpu, u64 *dma);

int blockpool_alloc(struct blockpool *p, void **cpu, u64 *dma)
{
	u32 id = p->free_head;
	const struct blockpool_chunk *c;
	uintptr_t off;

	if (__builtin_expect(id == BLOCKPOOL_NIL, 0))
		return alloc_grow(p, cpu, dma);
	p->free_head = p->next[id];
	p->next[id] = BLOCKPOOL_INUSE;
	off = (uintptr_t)id << p->gran_shift; /* (chunk << chunk_shift) + offset */
	c = &p->chunks[off >> p->chunk_shift];
	off &= ~p->chunk_mask;
	*cpu = (void *)(c->cpu + off);
	*dma = c->dma + off;
	return 0;
}

/*
 * Take a chunk from the provider, link its blocks (lowest address at the
 * head of the free list) and allocate from it. Out of line to keep the
 * fast path small.
 */
static int __attribute__((noinline)) alloc_grow(struct blockpool *p, void **cpu, u64 *dma)
{
	unsigned int ids_shift = p->chunk_shift - p->gran_shift;
	u32 c = p->nr_chunks, first, g, h, seg, q, nseg;
	void *ccpu;
	u64 cdma;
	int ret;

	if (c == p->max_chunks)
		return -ENOMEM;
	ret = p->ops.get_chunk(p->ops.ctx, p->chunk_bytes, &ccpu, &cdma);
	if (ret)
		return ret;
	if (!IS_ALIGNED((uintptr_t)ccpu, p->chunk_bytes) || !IS_ALIGNED(cdma, p->chunk_bytes) ||
	    (uintptr_t)ccpu == 0) {
		p->ops.put_chunk(p->ops.ctx, p->chunk_bytes, ccpu, cdma);
		return -EINVAL;
	}
	if (hash_find(p, (uintptr_t)ccpu)) {
		/* The provider handed out a chunk it already gave us. */
		p->ops.put_chunk(p->ops.ctx, p->chunk_bytes, ccpu, cdma);
		return -EINVAL;
	}

	p->chunks[c].cpu = (uintptr_t)ccpu;
	p->chunks[c].dma = cdma;
	first = c << ids_shift;
	for (h = hash_slot(p, (uintptr_t)ccpu); p->hash[h].base != BLOCKPOOL_HASH_EMPTY;
	     h = (h + 1) & p->hash_mask)
		;
	p->hash[h].base = (uintptr_t)ccpu;
	p->hash[h].first = first;

	for (g = 0; g < (1U << ids_shift); g++)
		p->next[first + g] = BLOCKPOOL_NOBLOCK;
	/* Push highest first so that the lowest address is allocated first. */
	nseg = (u32)(p->chunk_bytes / p->seg_bytes);
	for (seg = nseg; seg-- > 0;) {
		for (q = p->per_seg; q-- > 0;) {
			size_t off = seg * p->seg_bytes + q * p->stride;
			u32 id = first + (u32)(off >> p->gran_shift);

			p->next[id] = p->free_head;
			p->free_head = id;
		}
	}
	p->nr_chunks = c + 1;
	return blockpool_alloc(p, cpu, dma);
}

int blockpool_free(struct blockpool *p, void *cpu)
{
	uintptr_t a = (uintptr_t)cpu, base = a & p->chunk_mask;
	const struct blockpool_hent *e = &p->hash[hash_slot(p, base)];
	u32 id;

	if (__builtin_expect(e->base != base, 0)) {
		e = hash_find(p, base);
		if (!e)
			return -EINVAL;
	}
	id = e->first + (u32)((a - base) >> p->gran_shift);
	if (p->next[id] != BLOCKPOOL_INUSE || (a & p->gran_mask))
		return -EINVAL;
	p->next[id] = p->free_head;
	p->free_head = id;
	return 0;
}

u32 blockpool_destroy(struct blockpool *p)
{
	unsigned int ids_shift = p->chunk_shift - p->gran_shift;
	u32 c, g, leaks = 0;

	for (c = 0; c < p->nr_chunks; c++) {
		for (g = 0; g < (1U << ids_shift); g++)
			leaks += p->next[(c << ids_shift) + g] == BLOCKPOOL_INUSE;
		p->ops.put_chunk(p->ops.ctx, p->chunk_bytes, (void *)p->chunks[c].cpu,
				 p->chunks[c].dma);
	}
	p->nr_chunks = 0;
	p->free_head = BLOCKPOOL_NIL;
	for (c = 0; c <= p->hash_mask; c++)
		p->hash[c].base = BLOCKPOOL_HASH_EMPTY;
	return leaks;
}
