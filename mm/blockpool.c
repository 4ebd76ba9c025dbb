/*
 * Block pool: the slow paths, set-up and tear-down (mm/blockpool.h has the
 * table layout and the inline fast paths).
 *
 * Invariant that makes the one-compare free check sound: for every entry e,
 * word(e) is either the CPU address of the block allocated at e, or a value
 * that selects an entry other than e. Values written and why they keep it:
 *   - a dead value (e ^ 1) << es, for entries where no block starts;
 *   - a link, when a block is pushed: the link of another free block (its
 *     own entry: a home block's address selects its entry, a tagged link is
 *     built to select it) or the list end (selects the last slot, where no
 *     block is);
 *   - a block's CPU address when it is allocated. A displaced block's
 *     address selects its home slot, not the slot it is in, so only a home
 *     block passes the fast check; displaced ones go through the slot table.
 */
#include <bits.h>
#include <errno.h>
#include <layout.h>
#include <mm/blockpool.h>

#define BP_MIN_STRIDE 16
#define BP_MAX_CHUNK (UL(1) << 30)
#define BP_MAX_ENTS (UL(1) << 31)
#define BP_SLOT_EMPTY (~(u64)0) /* never chunk aligned */
#define BP_NO_SLOT (~(u32)0)

_Static_assert(sizeof(uintptr_t) == 8 && sizeof(struct blockpool_ent) == 16,
	       "links use bit 63; entries are addressed as index * 16");

struct bp_geom {
	size_t stride, seg, chunk;
	u32 per_seg, per_slot, slots;
	unsigned int es, cs;
	size_t ents, total;
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

	if (!prm->size || prm->size > BP_MAX_CHUNK || !is_pow2(align) ||
	    align > BP_MAX_CHUNK || !prm->max_chunks || prm->max_chunks > (1U << 30))
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
	g->es = 63 - (unsigned int)__builtin_clzll(g->stride);
	g->cs = (unsigned int)__builtin_ctzll(g->chunk);
	g->per_slot = (u32)(g->chunk >> g->es);
	/* One slot more than chunks: the last one is never used. */
	g->slots = (u32)pow2_ceil((size_t)prm->max_chunks + 1);
	g->ents = (size_t)g->slots * g->per_slot;
	if (g->ents > BP_MAX_ENTS)
		return -EINVAL;
	/* The slot table fits in the last slot's dma fields, or follows the entries. */
	g->total = g->ents * sizeof(struct blockpool_ent) +
		   (g->per_slot >= g->slots ? 0 : g->slots * sizeof(u64));
	return 0;
}

size_t blockpool_meta_bytes(const struct blockpool_params *prm)
{
	struct bp_geom g;

	return geometry(prm, &g) ? 0 : g.total;
}

static u64 *slot_cpu(const struct blockpool *p, u32 s)
{
	return &p->slot_cpu[(size_t)s * p->slot_step];
}

static u32 home_slot(const struct blockpool *p, uintptr_t a)
{
	return (u32)(a >> p->cs) & (p->slots - 1);
}

static uintptr_t dead_word(const struct blockpool *p, size_t e)
{
	return (uintptr_t)(e ^ 1) << p->es;
}

/* Every entry dead, every slot empty, the list empty. */
static void reset_table(struct blockpool *p)
{
	size_t e, ents = (size_t)p->slots * p->per_slot;
	u32 s;

	for (e = 0; e < ents; e++)
		p->ent[e] = (struct blockpool_ent){ dead_word(p, e), 0 };
	for (s = 0; s < p->slots; s++)
		*slot_cpu(p, s) = BP_SLOT_EMPTY;
	p->head = p->nil;
	p->nr_chunks = 0;
}

int blockpool_create(struct blockpool *p, const struct blockpool_params *prm,
		     const struct blockpool_ops *ops, void *meta, size_t meta_bytes)
{
	struct bp_geom g;
	size_t last;

	if (geometry(prm, &g) || !ops || !ops->get_chunk || !ops->put_chunk ||
	    !meta || !IS_ALIGNED((uintptr_t)meta, 8) || meta_bytes < g.total)
		return -EINVAL;

	p->ent = meta;
	p->ent_shift = g.es - 4;
	p->ent_mask = (g.ents - 1) * sizeof(struct blockpool_ent);
	p->es = g.es;
	p->cs = g.cs;
	p->per_slot = g.per_slot;
	p->slots = g.slots;
	last = (size_t)(g.slots - 1) * g.per_slot;
	if (g.per_slot >= g.slots) {
		p->slot_cpu = &p->ent[last].dma;
		p->slot_step = sizeof(struct blockpool_ent) / sizeof(u64);
	} else {
		p->slot_cpu = (u64 *)&p->ent[g.ents];
		p->slot_step = 1;
	}
	p->nil = BLOCKPOOL_TAG | (uintptr_t)last << g.es;
	p->size = prm->size;
	p->stride = g.stride;
	p->seg_bytes = g.seg;
	p->chunk_bytes = g.chunk;
	p->per_seg = g.per_seg;
	p->max_chunks = prm->max_chunks;
	p->ops = *ops;
	reset_table(p);
	return 0;
}

/*
 * Slot of the chunk at CPU address @base, or BP_NO_SLOT. Linear probing
 * from the home slot: a chunk was placed in the first free slot after its
 * home, skipping the last slot, and slots are never emptied before
 * destroy, so the probe may stop at the first empty slot that is not the
 * last one.
 */
static u32 find_slot(const struct blockpool *p, uintptr_t base)
{
	u32 s = home_slot(p, base), i;
	u64 c;

	for (i = 0; i < p->slots; i++, s = (s + 1) & (p->slots - 1)) {
		c = *slot_cpu(p, s);
		if (c == base)
			return s;
		if (c == BP_SLOT_EMPTY && s != p->slots - 1)
			break;
	}
	return BP_NO_SLOT;
}

/*
 * Take a chunk from the provider, give it a slot and push its blocks
 * (lowest address at the head of the free list).
 */
static int grow(struct blockpool *p)
{
	u32 s, h, first, seg, q, nseg = (u32)(p->chunk_bytes / p->seg_bytes);
	void *ccpu;
	uintptr_t c;
	u64 cdma;
	int ret;

	if (p->nr_chunks == p->max_chunks)
		return -ENOMEM;
	ret = p->ops.get_chunk(p->ops.ctx, p->chunk_bytes, &ccpu, &cdma);
	if (ret)
		return ret;
	c = (uintptr_t)ccpu;
	/* c < BLOCKPOOL_TAG and aligned: the whole chunk is below the tag bit. */
	if (!c || c >= BLOCKPOOL_TAG || !IS_ALIGNED(c, p->chunk_bytes) ||
	    !IS_ALIGNED(cdma, p->chunk_bytes) || find_slot(p, c) != BP_NO_SLOT) {
		p->ops.put_chunk(p->ops.ctx, p->chunk_bytes, ccpu, cdma);
		return -EINVAL;
	}

	/* nr_chunks < max_chunks < slots - 1 + 1: a usable slot is free. */
	h = home_slot(p, c);
	for (s = h; s == p->slots - 1 || *slot_cpu(p, s) != BP_SLOT_EMPTY;)
		s = (s + 1) & (p->slots - 1);
	*slot_cpu(p, s) = c;
	first = s * p->per_slot;
	/* Push highest first so that the lowest address is allocated first. */
	for (seg = nseg; seg-- > 0;) {
		for (q = p->per_seg; q-- > 0;) {
			size_t off = (size_t)seg * p->seg_bytes + (size_t)q * p->stride;
			size_t e = first + (off >> p->es);

			p->ent[e].dma = cdma + off;
			p->ent[e].word = p->head;
			p->head = s == h ? c + off : BLOCKPOOL_TAG | (uintptr_t)e << p->es;
		}
	}
	p->nr_chunks++;
	return 0;
}

int blockpool_alloc_slow(struct blockpool *p, void **cpu, u64 *dma)
{
	struct blockpool_ent *e;
	size_t idx;
	uintptr_t a;
	u32 s;
	int ret;

	if (p->head == p->nil) {
		ret = grow(p);
		if (ret)
			return ret;
	}
	if (p->head < BLOCKPOOL_TAG)
		return blockpool_alloc(p, cpu, dma);
	/* A displaced block: its CPU address from its slot's base. */
	idx = (p->head & ~BLOCKPOOL_TAG) >> p->es;
	e = &p->ent[idx];
	s = (u32)(idx / p->per_slot);
	a = *slot_cpu(p, s) + (e->dma - p->ent[(size_t)s * p->per_slot].dma);
	p->head = e->word;
	e->word = a;
	*cpu = (void *)a;
	*dma = e->dma;
	return 0;
}

int blockpool_free_slow(struct blockpool *p, void *cpu, u64 dma)
{
	uintptr_t a = (uintptr_t)cpu, base = a & ~(uintptr_t)(p->chunk_bytes - 1);
	u32 s = find_slot(p, base);
	struct blockpool_ent *e;
	size_t idx;

	if (s == BP_NO_SLOT)
		return -EINVAL;
	idx = (size_t)s * p->per_slot + ((a - base) >> p->es);
	e = &p->ent[idx];
	if (e->word != a)
		return -EINVAL;
	if (e->dma != dma)
		return -EFAULT;
	e->word = p->head;
	p->head = s == home_slot(p, base) ? a : BLOCKPOOL_TAG | (uintptr_t)idx << p->es;
	return 0;
}

u32 blockpool_destroy(struct blockpool *p)
{
	u32 s, seg, q, leaks = 0, nseg = (u32)(p->chunk_bytes / p->seg_bytes);
	size_t first, off;
	u64 c, cdma;

	for (s = 0; s < p->slots; s++) {
		c = *slot_cpu(p, s);
		if (c == BP_SLOT_EMPTY)
			continue;
		first = (size_t)s * p->per_slot;
		cdma = p->ent[first].dma; /* the block at offset 0 */
		for (seg = 0; seg < nseg; seg++) {
			for (q = 0; q < p->per_seg; q++) {
				off = (size_t)seg * p->seg_bytes + (size_t)q * p->stride;
				leaks += p->ent[first + (off >> p->es)].word == c + off;
			}
		}
		p->ops.put_chunk(p->ops.ctx, p->chunk_bytes, (void *)(uintptr_t)c, cdma);
	}
	reset_table(p);
	return leaks;
}
