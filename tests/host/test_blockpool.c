/*
 * Host tests for mm/blockpool.c and the inline fast paths of
 * include/mm/blockpool.h.
 *
 * Chunks come from a fake provider: host memory aligned to the chunk size,
 * with a "device address" that differs from the CPU address by a fixed
 * offset (so a mix-up of the two shows). Either one host allocation per
 * chunk, or chunks placed in an arena aligned to the pool's table window
 * (slots * chunk_bytes) at chosen offsets, so a test decides which slot
 * each chunk's address selects: consecutive chunks (all in their home
 * slots), chunks that all select the same slot (all but the first
 * displaced), or a first chunk that selects the last slot, which is never
 * used. Expected block offsets inside a chunk are computed here with
 * Linux's dma_pool placement rule (advance by the rounded size; a block
 * that would cross the next boundary moves to it) and compared with what
 * the pool hands out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <layout.h>
#include <mm/blockpool.h>
#include <xorshift.h>

#define DMA_OFFSET 0x100000000000ULL /* keeps any chunk alignment up to 2^44 */
#define MAX_CHUNKS 64

struct provider {
	void *cpu[MAX_CHUNKS];
	size_t bytes[MAX_CHUNKS];
	bool live[MAX_CHUNKS];
	unsigned int nget, nput;
	int fail;		/* next get_chunk returns this if non-zero */
	bool misalign;		/* next chunk is returned 64 bytes off */
	bool again;		/* next chunk is the previous one again */
	void *dup;		/* that chunk, until it is given back */
	uintptr_t fake;		/* next chunk is this address (not memory) */
	/* Arena mode: chunk i at arena + skew + i * step. */
	u8 *arena;
	size_t step, skew;
};

static int prov_get(void *ctx, size_t bytes, void **cpu, u64 *dma)
{
	struct provider *pv = ctx;
	void *m;

	if (pv->fail) {
		int r = pv->fail;

		pv->fail = 0;
		return r;
	}
	if (pv->fake) {
		*cpu = (void *)pv->fake;
		*dma = pv->fake + DMA_OFFSET;
		pv->fake = 0;
		return 0;
	}
	if (pv->again) {
		pv->again = false;
		pv->dup = pv->cpu[pv->nget - 1];
		*cpu = pv->dup;
		*dma = (u64)(uintptr_t)*cpu + DMA_OFFSET;
		return 0;
	}
	assert_true(pv->nget < MAX_CHUNKS);
	if (pv->arena) {
		m = pv->arena + pv->skew + pv->nget * pv->step;
	} else {
		m = aligned_alloc(bytes, bytes * 2);
		assert_non_null(m);
	}
	memset(m, 0x5a, bytes);
	pv->cpu[pv->nget] = m;
	pv->bytes[pv->nget] = bytes;
	pv->live[pv->nget] = true;
	pv->nget++;
	if (pv->misalign) {
		pv->misalign = false;
		m = (char *)m + 64;
	}
	*cpu = m;
	*dma = (u64)(uintptr_t)m + DMA_OFFSET;
	return 0;
}

static void prov_put(void *ctx, size_t bytes, void *cpu, u64 dma)
{
	struct provider *pv = ctx;
	unsigned int i;

	assert_int_equal(dma, (u64)(uintptr_t)cpu + DMA_OFFSET);
	if ((uintptr_t)cpu >= BLOCKPOOL_TAG || cpu == pv->dup) {
		/* A fake or repeated chunk handed back: count both ends once. */
		pv->dup = NULL;
		pv->nput++;
		pv->nget++;
		return;
	}
	for (i = 0; i < pv->nget; i++) {
		if (pv->live[i] && (pv->cpu[i] == cpu || (char *)pv->cpu[i] + 64 == cpu)) {
			assert_int_equal(pv->bytes[i], bytes);
			pv->live[i] = false;
			pv->nput++;
			if (!pv->arena)
				free(pv->cpu[i]);
			return;
		}
	}
	fail_msg("put_chunk of %p that is not live", cpu);
}

struct fix {
	struct provider pv;
	struct blockpool_ops ops;
	struct blockpool p;
	void *meta;
	size_t meta_bytes;
};

static void fix_create(struct fix *f, size_t size, size_t align, size_t boundary,
		       size_t chunk, u32 max_chunks)
{
	struct blockpool_params prm = { size, align, boundary, chunk, max_chunks };

	memset(f, 0, sizeof(*f));
	f->meta_bytes = blockpool_meta_bytes(&prm);
	f->ops = (struct blockpool_ops){ prov_get, prov_put, &f->pv };
	assert_true(f->meta_bytes > 0);
	f->meta = aligned_alloc(8, ALIGN_UP(f->meta_bytes, 8));
	assert_non_null(f->meta);
	assert_int_equal(blockpool_create(&f->p, &prm, &f->ops, f->meta, f->meta_bytes), 0);
}

/* Table window: the span of addresses after which slot selection repeats. */
static size_t window(const struct fix *f)
{
	return (size_t)f->p.slots * f->p.chunk_bytes;
}

/*
 * Chunks from an arena aligned to the window: chunk i selects slot
 * ((skew + i * step) / chunk_bytes) % slots.
 */
static void use_arena(struct fix *f, size_t step, size_t skew, unsigned int nchunks)
{
	f->pv.arena = aligned_alloc(window(f),
				    ALIGN_UP(skew + nchunks * step + window(f), window(f)));
	assert_non_null(f->pv.arena);
	f->pv.step = step;
	f->pv.skew = skew;
}

static void fix_destroy(struct fix *f, u32 leaks)
{
	assert_int_equal(blockpool_destroy(&f->p), leaks);
	assert_int_equal(f->pv.nput, f->pv.nget);
	assert_int_equal(f->p.nr_chunks, 0);
	assert_int_equal(f->p.head, f->p.nil);
	free(f->pv.arena);
	free(f->meta);
}

/* Linux dma_pool placement: offsets of the blocks in one chunk, ascending. */
static size_t ref_offsets(size_t stride, size_t boundary, size_t chunk, size_t *out)
{
	size_t off = 0, next_b = boundary && boundary < chunk ? boundary : chunk, n = 0;
	size_t bnd = boundary && boundary < chunk ? boundary : chunk;

	while (off + stride <= chunk) {
		if (off + stride > next_b) {
			off = next_b;
			next_b += bnd;
			continue;
		}
		out[n++] = off;
		off += stride;
	}
	return n;
}

static int alloc1(struct fix *f, void **cpu, u64 *dma)
{
	return blockpool_alloc(&f->p, cpu, dma);
}

/* Free with the device address the provider gave the block. */
static int free1(struct fix *f, void *cpu)
{
	return blockpool_free(&f->p, cpu, (u64)(uintptr_t)cpu + DMA_OFFSET);
}

/*
 * A bad free is refused, with nothing changed (the caller compares), both
 * with the handle it would come with and with the device address of the
 * entry it selects: the pointer check is then tested on its own, not
 * through the handle check.
 */
static void refuse_free(struct fix *f, uintptr_t bad)
{
	assert_int_equal(blockpool_free(&f->p, (void *)bad, bad + DMA_OFFSET), -EINVAL);
	assert_int_equal(blockpool_free(&f->p, (void *)bad, blockpool_ent_of(&f->p, bad)->dma),
			 -EINVAL);
}

/*
 * Walk the free list: every link names a block start of a live chunk, no
 * block twice, and the list holds @want blocks.
 */
static void check_list(const struct fix *f, size_t want)
{
	const struct blockpool *p = &f->p;
	size_t ents = (size_t)p->slots * p->per_slot, n = 0, idx;
	uintptr_t link;
	u8 *seen = calloc(ents, 1);

	assert_non_null(seen);
	for (link = p->head; link != p->nil; link = p->ent[idx].word) {
		if (link < BLOCKPOOL_TAG)
			idx = (size_t)(blockpool_ent_of(p, link) - p->ent);
		else
			idx = (link & ~BLOCKPOOL_TAG) >> p->es;
		assert_true(idx < ents);
		assert_true(idx / p->per_slot != p->slots - 1);
		assert_int_equal(seen[idx]++, 0);
		assert_true(++n <= want);
	}
	assert_int_equal(n, want);
	free(seen);
}

static void test_params(void **state)
{
	struct blockpool_params prm = { 64, 8, 0, 0, 4 };
	struct blockpool_ops ops = { prov_get, prov_put, NULL };
	struct blockpool p;
	static u64 meta[4096];
	size_t mb;

	(void)state;
	mb = blockpool_meta_bytes(&prm);
	/*
	 * 8 slots (the smallest power of two > 4 chunks) * 64 entries (4096 /
	 * 64) * 16 bytes; the slot table fits in the last slot's entries.
	 */
	assert_int_equal(mb, 8 * 64 * 16);
	assert_int_equal(blockpool_create(&p, &prm, &ops, meta, mb - 1), -EINVAL);
	assert_int_equal(blockpool_create(&p, &prm, &ops, (char *)meta + 4, mb), -EINVAL);
	assert_int_equal(blockpool_create(&p, &prm, &ops, NULL, mb), -EINVAL);
	assert_int_equal(blockpool_create(&p, &prm, NULL, meta, mb), -EINVAL);
	assert_int_equal(blockpool_create(&p, &prm, &ops, meta, mb), 0);
	assert_int_equal(p.slots, 8);
	assert_int_equal(p.es, 6);
	/* 4 chunks need 5 slots: still 8. 8 chunks need 9: 16. */
	prm.max_chunks = 7;
	assert_int_equal(blockpool_meta_bytes(&prm), 8 * 64 * 16);
	prm.max_chunks = 8;
	assert_int_equal(blockpool_meta_bytes(&prm), 16 * 64 * 16);
	/* 48-byte stride: 32-byte granules, 128 entries per 4 KiB chunk. */
	prm = (struct blockpool_params){ 40, 16, 0, 0, 63 };
	assert_int_equal(blockpool_meta_bytes(&prm), 64 * 128 * 16);
	/* 2 KiB blocks: 2 entries a slot, too few for 64 slots: the table follows. */
	prm = (struct blockpool_params){ 2048, 8, 0, 0, 63 };
	assert_int_equal(blockpool_meta_bytes(&prm), 64 * 2 * 16 + 64 * 8);
	/* Blocks below 16 bytes take 16 (Linux's smallest block). */
	prm = (struct blockpool_params){ 1, 0, 0, 0, 1 };
	assert_true(blockpool_meta_bytes(&prm) > 0);
	assert_int_equal(blockpool_create(&p, &prm, &ops, meta, sizeof(meta)), 0);
	assert_int_equal(p.stride, 16);

	prm = (struct blockpool_params){ 0, 8, 0, 0, 4 };
	assert_int_equal(blockpool_meta_bytes(&prm), 0);
	assert_int_equal(blockpool_create(&p, &prm, &ops, meta, sizeof(meta)), -EINVAL);
	prm = (struct blockpool_params){ 64, 12, 0, 0, 4 }; /* align not a power of two */
	assert_int_equal(blockpool_meta_bytes(&prm), 0);
	prm = (struct blockpool_params){ 64, 8, 96, 0, 4 }; /* boundary not a power of two */
	assert_int_equal(blockpool_meta_bytes(&prm), 0);
	prm = (struct blockpool_params){ 100, 8, 64, 0, 4 }; /* boundary below size */
	assert_int_equal(blockpool_meta_bytes(&prm), 0);
	prm = (struct blockpool_params){ 64, 8, 0, 2048, 4 }; /* chunk below a page */
	assert_int_equal(blockpool_meta_bytes(&prm), 0);
	prm = (struct blockpool_params){ 64, 8, 0, 12288, 4 }; /* chunk not a power of two */
	assert_int_equal(blockpool_meta_bytes(&prm), 0);
	prm = (struct blockpool_params){ 8192, 8, 0, 4096, 4 }; /* block larger than chunk */
	assert_int_equal(blockpool_meta_bytes(&prm), 0);
	prm = (struct blockpool_params){ 64, 8, 0, 0, 0 }; /* no chunks */
	assert_int_equal(blockpool_meta_bytes(&prm), 0);
	prm = (struct blockpool_params){ 16, 8, 0, 1 << 30, 1 << 20 }; /* table > 2^31 entries */
	assert_int_equal(blockpool_meta_bytes(&prm), 0);
	prm = (struct blockpool_params){ 64, 8, 128, 0, 4 }; /* boundary = 2 blocks: fine */
	assert_true(blockpool_meta_bytes(&prm) > 0);
}

/* 48-byte blocks, 16-byte aligned: 85 per 4 KiB chunk, lowest first. */
static void test_layout(void **state)
{
	struct fix f;
	void *cpu, *first = NULL;
	u64 dma;
	unsigned int i;

	(void)state;
	fix_create(&f, 40, 16, 0, 0, 4);
	for (i = 0; i < 85; i++) {
		assert_int_equal(alloc1(&f, &cpu, &dma), 0);
		if (!i)
			first = cpu;
		assert_ptr_equal(cpu, (char *)first + 48 * i);
		assert_int_equal(dma, (u64)(uintptr_t)cpu + DMA_OFFSET);
	}
	assert_true(IS_ALIGNED((uintptr_t)first, 4096));
	assert_int_equal(f.pv.nget, 1);
	assert_int_equal(alloc1(&f, &cpu, &dma), 0); /* second chunk */
	assert_int_equal(f.pv.nget, 2);
	assert_ptr_equal(cpu, f.pv.cpu[1]);
	/* LIFO reuse. */
	assert_int_equal(free1(&f, (char *)first + 48 * 7), 0);
	assert_int_equal(alloc1(&f, &cpu, &dma), 0);
	assert_ptr_equal(cpu, (char *)first + 48 * 7);
	check_list(&f, 84);
	fix_destroy(&f, 86);
}

/* 100-byte blocks, boundary 256: offsets 0, 100, 256, 356, 512, ... */
static void test_boundary_layout(void **state)
{
	struct fix f;
	void *cpu, *base = NULL;
	u64 dma;
	unsigned int i;

	(void)state;
	fix_create(&f, 100, 4, 256, 0, 1);
	for (i = 0; i < 32; i++) {
		size_t want = (i / 2) * 256 + (i % 2) * 100;

		assert_int_equal(alloc1(&f, &cpu, &dma), 0);
		if (!i)
			base = cpu;
		assert_int_equal((char *)cpu - (char *)base, want);
	}
	assert_int_equal(alloc1(&f, &cpu, &dma), -ENOMEM);
	fix_destroy(&f, 32);
}

static void test_exhaustion_and_provider_errors(void **state)
{
	struct fix f;
	void *cpu = (void *)1, *blk[4];
	u64 dma = 1;
	unsigned int i;

	(void)state;
	fix_create(&f, 2048, 8, 0, 0, 2); /* 2 blocks per chunk, 2 chunks */
	f.pv.fail = -EIO;
	assert_int_equal(alloc1(&f, &cpu, &dma), -EIO);
	assert_ptr_equal(cpu, (void *)1);
	assert_int_equal(dma, 1);
	f.pv.misalign = true;
	assert_int_equal(alloc1(&f, &cpu, &dma), -EINVAL);
	assert_int_equal(f.pv.nput, 1); /* the bad chunk was given back */
	/* A chunk with the tag bit set cannot be told from a link: refused. */
	f.pv.fake = BLOCKPOOL_TAG;
	assert_int_equal(alloc1(&f, &cpu, &dma), -EINVAL);
	assert_int_equal(f.pv.nput, 2);
	assert_ptr_equal(cpu, (void *)1);
	assert_int_equal(f.p.nr_chunks, 0);
	assert_int_equal(f.p.head, f.p.nil);
	for (i = 0; i < 2; i++)
		assert_int_equal(alloc1(&f, &blk[i], &dma), 0);
	/* The provider hands out a chunk the pool already has: refused. */
	f.pv.again = true;
	assert_int_equal(alloc1(&f, &cpu, &dma), -EINVAL);
	assert_int_equal(f.p.nr_chunks, 1);
	assert_null(f.pv.dup);
	for (i = 2; i < 4; i++)
		assert_int_equal(alloc1(&f, &blk[i], &dma), 0);
	assert_int_equal(alloc1(&f, &cpu, &dma), -ENOMEM);
	assert_int_equal(f.pv.nget, 5);
	assert_int_equal(free1(&f, blk[2]), 0);
	assert_int_equal(alloc1(&f, &cpu, &dma), 0);
	assert_ptr_equal(cpu, blk[2]);
	fix_destroy(&f, 4);
}

static void test_invalid_free(void **state)
{
	struct fix f, g;
	struct blockpool saved;
	void *a, *b, *c, *other, *meta_copy;
	u64 dma;
	char *foreign;
	uintptr_t words[4];
	const struct blockpool_ent *ea;

	(void)state;
	/* 96-byte blocks, boundary 512: 5 per segment, 32 bytes of slack each. */
	fix_create(&f, 96, 32, 512, 0, 2);
	fix_create(&g, 96, 32, 512, 0, 2);
	assert_int_equal(alloc1(&f, &a, &dma), 0);
	assert_int_equal(alloc1(&f, &b, &dma), 0);
	assert_int_equal(alloc1(&f, &c, &dma), 0);
	assert_int_equal(alloc1(&g, &other, &dma), 0);
	assert_int_equal(free1(&f, b), 0);
	assert_int_equal((char *)b - (char *)a, 96);

	meta_copy = malloc(f.meta_bytes);
	assert_non_null(meta_copy);
	memcpy(meta_copy, f.meta, f.meta_bytes);
	memcpy(&saved, &f.p, sizeof(saved));
	foreign = malloc(64);
	assert_non_null(foreign);
	ea = blockpool_ent_of(&f.p, (uintptr_t)a);
	/* Values the table holds: no one of them may pass as a block. */
	words[0] = f.p.nil;
	words[1] = f.p.head;			/* b, free */
	words[2] = blockpool_ent_of(&f.p, (uintptr_t)b)->word; /* b's link */
	words[3] = ea[2].word;			/* granule 2: no block starts there */

	{
		void *bad[] = {
			b,			/* double free */
			(char *)a + 1,		/* interior */
			(char *)a + 16,		/* interior, 16-aligned */
			(char *)a + 48,		/* misaligned to the block size */
			(char *)a + 64,		/* b's granule, not b */
			(char *)a + 480,	/* segment slack (5 * 96 = 480) */
			(char *)a + 4095,	/* end of chunk */
			(char *)a + 4096,	/* past the chunk */
			other,			/* another pool's block */
			foreign,		/* not pool memory at all */
			NULL,
			(void *)words[0], (void *)words[1], (void *)words[2],
			(void *)words[3],
			(void *)(uintptr_t)~0ULL,
			(void *)BLOCKPOOL_TAG,
			(char *)a + (1ULL << 32),	/* a's low bits, */
			(void *)((uintptr_t)a ^ (1ULL << 40)), /* elsewhere */
			(void *)((uintptr_t)a | BLOCKPOOL_TAG),
		};
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			refuse_free(&f, (uintptr_t)bad[i]);
			assert_memory_equal(&saved, &f.p, sizeof(saved));
			assert_memory_equal(meta_copy, f.meta, f.meta_bytes);
		}
	}
	/* A live block with a wrong device address: reported, not freed. */
	assert_int_equal(blockpool_free(&f.p, a, (u64)(uintptr_t)a + DMA_OFFSET + 96), -EFAULT);
	assert_int_equal(blockpool_free(&f.p, a, (u64)(uintptr_t)c + DMA_OFFSET), -EFAULT);
	assert_int_equal(blockpool_free(&f.p, a, 0), -EFAULT);
	assert_memory_equal(&saved, &f.p, sizeof(saved));
	assert_memory_equal(meta_copy, f.meta, f.meta_bytes);
	check_list(&f, 40 - 2); /* 8 segments of 5 */

	assert_int_equal(free1(&f, a), 0);
	assert_int_equal(free1(&f, a), -EINVAL);
	assert_int_equal(free1(&f, c), 0);
	check_list(&f, 40);
	free(foreign);
	free(meta_copy);
	fix_destroy(&f, 0);
	fix_destroy(&g, 1);
}

/*
 * Two pools whose chunks select the same slots at the same offsets: the
 * entry a block of one pool selects in the other is a live block there,
 * so only the full address tells them apart.
 */
static void test_wrong_pool(void **state)
{
	struct fix f, g;
	void *fa[8], *ga[8];
	u64 dma;
	unsigned int i;

	(void)state;
	fix_create(&f, 64, 64, 0, 0, 4);
	fix_create(&g, 64, 64, 0, 0, 4);
	use_arena(&f, 4096, 0, 4);
	use_arena(&g, 4096, 0, 4);
	for (i = 0; i < 8; i++) {
		assert_int_equal(alloc1(&f, &fa[i], &dma), 0);
		assert_int_equal(alloc1(&g, &ga[i], &dma), 0);
		assert_ptr_equal(blockpool_ent_of(&f.p, (uintptr_t)ga[i]) - f.p.ent,
				 blockpool_ent_of(&f.p, (uintptr_t)fa[i]) - f.p.ent);
	}
	for (i = 0; i < 8; i++) {
		assert_int_equal(free1(&f, ga[i]), -EINVAL);
		assert_int_equal(free1(&g, fa[i]), -EINVAL);
	}
	check_list(&f, 64 - 8);
	for (i = 0; i < 8; i++) {
		assert_int_equal(free1(&f, fa[i]), 0);
		assert_int_equal(free1(&g, ga[i]), 0);
	}
	fix_destroy(&f, 0);
	fix_destroy(&g, 0);
}

/*
 * Every chunk selects slot 0 (window apart): the first one is home, the
 * others are displaced and served by the slow paths, with the same
 * contract: placement, LIFO order across all chunks, validation, leaks.
 */
static void test_displaced(void **state)
{
	struct fix f;
	void *blk[4][64], *cpu;
	u64 dma;
	unsigned int c, i;
	struct blockpool saved;
	void *meta_copy;

	(void)state;
	fix_create(&f, 64, 64, 0, 0, 4);
	use_arena(&f, window(&f), 0, 4);
	for (c = 0; c < 4; c++) {
		for (i = 0; i < 64; i++) {
			assert_int_equal(alloc1(&f, &blk[c][i], &dma), 0);
			assert_ptr_equal(blk[c][i], (u8 *)f.pv.cpu[c] + 64 * i);
			assert_int_equal(dma, (u64)(uintptr_t)blk[c][i] + DMA_OFFSET);
		}
	}
	assert_int_equal(f.pv.nget, 4);
	assert_int_equal(alloc1(&f, &cpu, &dma), -ENOMEM);
	/* Slots: 0 for the home chunk, then 1, 2, 3 by probing. */
	for (c = 0; c < 4; c++)
		assert_int_equal(f.p.slot_cpu[c * f.p.slot_step], (uintptr_t)f.pv.cpu[c]);
	/* Displaced blocks do not pass the fast check, but free all the same. */
	assert_false(blockpool_free_fast(&f.p, blk[2][5], (u64)(uintptr_t)blk[2][5] + DMA_OFFSET));
	assert_int_equal(free1(&f, blk[2][5]), 0);
	assert_int_equal(free1(&f, blk[0][9]), 0);
	assert_int_equal(free1(&f, blk[3][63]), 0);
	assert_int_equal(free1(&f, blk[1][0]), 0);
	check_list(&f, 4);

	/* Bad frees in and around displaced chunks change nothing. */
	meta_copy = malloc(f.meta_bytes);
	assert_non_null(meta_copy);
	memcpy(meta_copy, f.meta, f.meta_bytes);
	memcpy(&saved, &f.p, sizeof(saved));
	{
		void *bad[] = {
			blk[2][5], blk[1][0],		/* double frees */
			(u8 *)blk[2][6] + 8, (u8 *)blk[3][1] + 63, /* interior */
			(u8 *)f.pv.cpu[3] + 4096,	/* past the last chunk */
			(u8 *)f.pv.cpu[3] + window(&f), /* selects slot 0, no chunk there */
			(void *)f.p.head,		/* blk[1][0]'s link */
			(void *)(BLOCKPOOL_TAG |
				 (uintptr_t)(2 * f.p.per_slot + 5) << f.p.es), /* blk[2][5]'s */
		};
		size_t i2;

		for (i2 = 0; i2 < sizeof(bad) / sizeof(bad[0]); i2++) {
			refuse_free(&f, (uintptr_t)bad[i2]);
			assert_memory_equal(&saved, &f.p, sizeof(saved));
			assert_memory_equal(meta_copy, f.meta, f.meta_bytes);
		}
		assert_int_equal(blockpool_free(&f.p, blk[3][2], 0), -EFAULT);
		assert_memory_equal(&saved, &f.p, sizeof(saved));
		assert_memory_equal(meta_copy, f.meta, f.meta_bytes);
	}
	free(meta_copy);

	/* Last freed first, whichever slot the block is in. */
	assert_int_equal(alloc1(&f, &cpu, &dma), 0);
	assert_ptr_equal(cpu, blk[1][0]);
	assert_int_equal(dma, (u64)(uintptr_t)cpu + DMA_OFFSET);
	assert_int_equal(alloc1(&f, &cpu, &dma), 0);
	assert_ptr_equal(cpu, blk[3][63]);
	assert_int_equal(alloc1(&f, &cpu, &dma), 0);
	assert_ptr_equal(cpu, blk[0][9]);
	assert_int_equal(alloc1(&f, &cpu, &dma), 0);
	assert_ptr_equal(cpu, blk[2][5]);
	assert_int_equal(dma, (u64)(uintptr_t)cpu + DMA_OFFSET);
	check_list(&f, 0);
	assert_int_equal(free1(&f, blk[3][7]), 0);
	fix_destroy(&f, 4 * 64 - 1);
}

/*
 * The first chunk selects the last slot, which never holds a chunk (the
 * end of the free list names it): it is displaced to slot 0, the next one
 * selects slot 0 too and goes to slot 1.
 */
static void test_last_slot(void **state)
{
	struct fix f;
	void *cpu[130];
	u64 dma;
	unsigned int i;

	(void)state;
	fix_create(&f, 64, 64, 0, 0, 3);
	assert_int_equal(f.p.slots, 4);
	use_arena(&f, 4096, 3 * 4096, 3);
	for (i = 0; i < 128; i++) {
		assert_int_equal(alloc1(&f, &cpu[i], &dma), 0);
		assert_ptr_equal(cpu[i], (u8 *)f.pv.arena + 3 * 4096 + 64 * i);
		assert_int_equal(dma, (u64)(uintptr_t)cpu[i] + DMA_OFFSET);
	}
	assert_int_equal(f.p.slot_cpu[0], (uintptr_t)f.pv.cpu[0]);
	assert_int_equal(f.p.slot_cpu[1 * f.p.slot_step], (uintptr_t)f.pv.cpu[1]);
	assert_int_equal(f.p.slot_cpu[3 * f.p.slot_step], ~0ULL);
	/* The third chunk selects slot 1, taken: slot 2. */
	assert_int_equal(alloc1(&f, &cpu[128], &dma), 0);
	assert_int_equal(f.p.slot_cpu[2 * f.p.slot_step], (uintptr_t)f.pv.cpu[2]);
	for (i = 0; i < 129; i++)
		assert_int_equal(free1(&f, cpu[i]), 0);
	for (i = 0; i < 129; i++)
		assert_int_equal(free1(&f, cpu[i]), -EINVAL);
	check_list(&f, 3 * 64);
	fix_destroy(&f, 0);
}

/*
 * The end of the list and the tagged links are not pointers: freeing them
 * is refused whichever block they are stored in. The block at the very
 * start of the table (entry 0) is made the last one on the list, and every
 * tagged value a link could take is tried.
 */
static void test_links_are_not_blocks(void **state)
{
	struct fix f;
	void *cpu[64];
	u64 dma;
	size_t e, ents;
	unsigned int i;

	(void)state;
	fix_create(&f, 64, 64, 0, 0, 1);
	use_arena(&f, 4096, 0, 1);
	for (i = 0; i < 64; i++)
		assert_int_equal(alloc1(&f, &cpu[i], &dma), 0);
	assert_int_equal(blockpool_ent_of(&f.p, (uintptr_t)cpu[0]) - f.p.ent, 0);
	assert_int_equal(free1(&f, cpu[0]), 0); /* alone on the list: its link ends it */
	assert_int_equal(f.p.ent[0].word, f.p.nil);
	assert_int_equal(blockpool_free(&f.p, (void *)f.p.nil, 0), -EINVAL);
	assert_int_equal(blockpool_free(&f.p, (void *)f.p.nil, f.p.nil + DMA_OFFSET), -EINVAL);
	ents = (size_t)f.p.slots * f.p.per_slot;
	for (e = 0; e < ents; e++) {
		uintptr_t w = f.p.ent[e].word;

		refuse_free(&f, BLOCKPOOL_TAG | (uintptr_t)e << f.p.es);
		refuse_free(&f, e);
		/* Whatever an entry holds passes only if it is that live block. */
		for (i = 1; i < 64 && w != (uintptr_t)cpu[i]; i++)
			;
		if (i == 64)
			refuse_free(&f, w);
	}
	check_list(&f, 1);
	assert_int_equal(alloc1(&f, &cpu[0], &dma), 0);
	assert_int_equal(dma, (u64)(uintptr_t)cpu[0] + DMA_OFFSET);
	check_list(&f, 0);
	fix_destroy(&f, 64);
}

/* --- randomized geometry sweep -------------------------------------------- */

static u64 rng_state;

static u64 rng(void)
{
	return xorshift64star(&rng_state);
}

struct live {
	u8 *cpu;
	u64 dma;
	u32 tag;
};

#define R_MAXLIVE 2048
#define R_CHUNKS 8

static unsigned int chunk_of(const struct provider *pv, const void *cpu, size_t chunk)
{
	unsigned int i;

	for (i = 0; i < pv->nget; i++)
		if (pv->live[i] && (const u8 *)cpu >= (u8 *)pv->cpu[i] &&
		    (const u8 *)cpu < (u8 *)pv->cpu[i] + chunk)
			return i;
	fail_msg("block %p is in no chunk", cpu);
	return 0;
}

static bool is_live(const struct live *live, size_t n, uintptr_t a)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((uintptr_t)live[i].cpu == a)
			return true;
	return false;
}

enum placement { PL_MALLOC, PL_CONSECUTIVE, PL_SAME_SLOT, PL_LAST_SLOT_FIRST };

/*
 * Random allocations and frees; every block is checked against Linux's
 * placement, alignment and boundary rules and for overlap, its contents
 * survive until it is freed, and between steps bad frees (interior
 * pointers, double frees, values the table holds) are refused without a
 * change to the list.
 */
static void run_geometry(size_t size, size_t align, size_t boundary, size_t chunk_req,
			 unsigned int steps, enum placement pl)
{
	static struct live live[R_MAXLIVE];
	static size_t offs[65536];
	static u8 owned[R_CHUNKS][1 << 16];
	struct fix f;
	size_t stride = ALIGN_UP(size, align ? align : 1), chunk, nper, cap, n = 0, i;
	unsigned int s, nchunks_full;
	u32 tag = 0;

	if (stride < 16)
		stride = 16;
	chunk = chunk_req;
	if (!chunk) {
		chunk = PAGE_SIZE;
		while (chunk < stride)
			chunk <<= 1;
	}
	nper = ref_offsets(stride, boundary, chunk, offs);
	assert_true(nper > 0);
	fix_create(&f, size, align, boundary, chunk_req, R_CHUNKS);
	assert_int_equal(f.p.stride, stride);
	assert_int_equal(f.p.chunk_bytes, chunk);
	if (pl == PL_CONSECUTIVE)
		use_arena(&f, chunk, 0, R_CHUNKS);
	else if (pl == PL_SAME_SLOT)
		use_arena(&f, window(&f), chunk * (rng() % f.p.slots), R_CHUNKS);
	else if (pl == PL_LAST_SLOT_FIRST)
		use_arena(&f, chunk, window(&f) - chunk, R_CHUNKS);
	cap = R_CHUNKS * nper;
	if (cap > R_MAXLIVE)
		cap = R_MAXLIVE;
	memset(owned, 0, sizeof(owned));

	for (s = 0; s < steps; s++) {
		bool do_alloc = n == 0 || (n < cap && (rng() % 100) < ((s / 500) % 2 ? 35 : 65));

		if (do_alloc) {
			void *cpu;
			u64 dma;
			unsigned int c;
			size_t off, j;

			assert_int_equal(alloc1(&f, &cpu, &dma), 0);
			c = chunk_of(&f.pv, cpu, chunk);
			off = (size_t)((u8 *)cpu - (u8 *)f.pv.cpu[c]);
			assert_int_equal(dma, (u64)(uintptr_t)f.pv.cpu[c] + DMA_OFFSET + off);
			assert_true(align <= 1 || IS_ALIGNED((uintptr_t)cpu, align));
			assert_true(align <= 1 || IS_ALIGNED(dma, align));
			assert_true(off + size <= chunk);
			if (boundary) {
				assert_int_equal(dma / boundary, (dma + size - 1) / boundary);
				assert_int_equal((uintptr_t)cpu / boundary,
						 ((uintptr_t)cpu + size - 1) / boundary);
			}
			/* Placed where Linux's rule places a block. */
			for (j = 0; j < nper && offs[j] != off; j++)
				;
			assert_true(j < nper);
			/* No overlap with any live block. */
			for (j = off; j < off + size; j++)
				assert_int_equal(owned[c][j]++, 0);
			memset(cpu, (int)(tag & 0xff), size);
			live[n++] = (struct live){ cpu, dma, tag++ };
		} else {
			size_t k = rng() % n, j;
			struct live l = live[k];
			unsigned int c = chunk_of(&f.pv, l.cpu, chunk);
			size_t off = (size_t)(l.cpu - (u8 *)f.pv.cpu[c]);

			for (j = 0; j < size; j++)
				assert_int_equal(l.cpu[j], l.tag & 0xff);
			for (j = off; j < off + size; j++)
				owned[c][j] = 0;
			assert_int_equal(blockpool_free(&f.p, l.cpu, l.dma + stride), -EFAULT);
			assert_int_equal(blockpool_free(&f.p, l.cpu, l.dma), 0);
			assert_int_equal(blockpool_free(&f.p, l.cpu, l.dma), -EINVAL);
			live[k] = live[--n];
		}
		if (n && !(rng() % 4)) {
			/* An interior pointer of a live block, or a word of the table. */
			uintptr_t head = f.p.head, bad;
			size_t e = rng() % ((size_t)f.p.slots * f.p.per_slot);

			if (rng() % 2)
				bad = (uintptr_t)live[rng() % n].cpu + 1 + rng() % (stride - 1);
			else
				bad = f.p.ent[e].word;
			if (!is_live(live, n, bad)) {
				refuse_free(&f, bad);
				assert_int_equal(f.p.head, head);
			}
		}
	}
	check_list(&f, f.pv.nget * nper - n);
	/* Free everything, then every block of every chunk comes back, no new chunk. */
	while (n) {
		n--;
		assert_int_equal(blockpool_free(&f.p, live[n].cpu, live[n].dma), 0);
	}
	nchunks_full = f.pv.nget;
	check_list(&f, nchunks_full * nper);
	for (i = 0; i < nchunks_full * nper; i++) {
		void *cpu;
		u64 dma;

		assert_int_equal(alloc1(&f, &cpu, &dma), 0);
	}
	assert_int_equal(f.pv.nget, nchunks_full);
	check_list(&f, 0);
	fix_destroy(&f, (u32)(nchunks_full * nper));
}

static void test_random_geometries(void **state)
{
	static const size_t fixed[][4] = {
		/* size, align, boundary, chunk */
		{ 1, 0, 0, 0 },	      { 8, 8, 0, 0 },	     { 24, 8, 0, 0 },
		{ 48, 16, 0, 0 },     { 64, 64, 0, 0 },	     { 100, 4, 256, 0 },
		{ 96, 32, 512, 0 },   { 200, 8, 256, 0 },    { 512, 512, 4096, 0 },
		{ 1000, 8, 1024, 0 }, { 2048, 2048, 0, 0 },  { 3000, 8, 0, 0 },
		{ 4096, 4096, 0, 0 }, { 5000, 8, 8192, 0 },  { 64, 8, 0, 16384 },
		{ 72, 8, 4096, 16384 }, { 40, 8, 1 << 20, 0 }, { 128, 128, 128, 0 },
		{ 17, 1, 0, 0 },      { 33, 1, 64, 0 },
	};
	unsigned int i;

	(void)state;
	rng_state = 0x243f6a8885a308d3ULL;
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		run_geometry(fixed[i][0], fixed[i][1], fixed[i][2], fixed[i][3], 3000,
			     (enum placement)(i % 4));
	for (i = 0; i < 60; i++) {
		size_t align = (size_t)1 << (rng() % 9);
		size_t size = 1 + rng() % 700;
		size_t stride = ALIGN_UP(size, align) < 16 ? 16 : ALIGN_UP(size, align);
		size_t boundary = 0;

		if (rng() % 3) {
			boundary = 16;
			while (boundary < stride)
				boundary <<= 1;
			boundary <<= rng() % 5;
		}
		run_geometry(size, align, boundary, 0, 1500, (enum placement)(i % 4));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_boundary_layout),
		cmocka_unit_test(test_exhaustion_and_provider_errors),
		cmocka_unit_test(test_invalid_free),
		cmocka_unit_test(test_wrong_pool),
		cmocka_unit_test(test_displaced),
		cmocka_unit_test(test_last_slot),
		cmocka_unit_test(test_links_are_not_blocks),
		cmocka_unit_test(test_random_geometries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
