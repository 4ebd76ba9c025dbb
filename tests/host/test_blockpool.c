/*
 * Host tests for mm/blockpool.c.
 *
 * Chunks come from a fake provider: host memory aligned to the chunk size,
 * with a "device address" that differs from the CPU address by a fixed
 * offset (so a mix-up of the two shows). Expected block offsets inside a
 * chunk are computed here with Linux's dma_pool placement rule (advance by
 * the rounded size; a block that would cross the next boundary moves to
 * it) and compared with what the pool hands out.
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

#define DMA_OFFSET 0x100000000000ULL /* keeps any chunk alignment up to 2^44 */
#define MAX_CHUNKS 64

struct provider {
	void *cpu[MAX_CHUNKS];
	size_t bytes[MAX_CHUNKS];
	bool live[MAX_CHUNKS];
	unsigned int nget, nput;
	int fail;		/* next get_chunk returns this if non-zero */
	bool misalign;		/* next chunk is returned 64 bytes off */
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
	assert_true(pv->nget < MAX_CHUNKS);
	m = aligned_alloc(bytes, bytes * 2);
	assert_non_null(m);
	memset(m, 0x5a, bytes * 2);
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

	for (i = 0; i < pv->nget; i++) {
		if (pv->live[i] && (pv->cpu[i] == cpu || (char *)pv->cpu[i] + 64 == cpu)) {
			assert_int_equal(pv->bytes[i], bytes);
			assert_int_equal(dma, (u64)(uintptr_t)cpu + DMA_OFFSET);
			pv->live[i] = false;
			pv->nput++;
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
};

static void fix_create(struct fix *f, size_t size, size_t align, size_t boundary,
		       size_t chunk, u32 max_chunks)
{
	struct blockpool_params prm = { size, align, boundary, chunk, max_chunks };
	size_t mb = blockpool_meta_bytes(&prm);

	memset(f, 0, sizeof(*f));
	f->ops = (struct blockpool_ops){ prov_get, prov_put, &f->pv };
	assert_true(mb > 0);
	f->meta = aligned_alloc(8, ALIGN_UP(mb, 8));
	assert_non_null(f->meta);
	assert_int_equal(blockpool_create(&f->p, &prm, &f->ops, f->meta, mb), 0);
}

static void fix_destroy(struct fix *f, u32 leaks)
{
	assert_int_equal(blockpool_destroy(&f->p), leaks);
	assert_int_equal(f->pv.nput, f->pv.nget);
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

static void test_params(void **state)
{
	struct blockpool_params prm = { 64, 8, 0, 0, 4 };
	struct blockpool_ops ops = { prov_get, prov_put, NULL };
	struct blockpool p;
	static u64 meta[4096];
	size_t mb;

	(void)state;
	mb = blockpool_meta_bytes(&prm);
	/* 4 chunks * 16 B + 8 hash slots * 16 B + 4 chunks * 64 granules * 4 B. */
	assert_int_equal(mb, 4 * 16 + 8 * 16 + 4 * 64 * 4);
	assert_int_equal(blockpool_create(&p, &prm, &ops, meta, mb - 1), -EINVAL);
	assert_int_equal(blockpool_create(&p, &prm, &ops, (char *)meta + 4, mb), -EINVAL);
	assert_int_equal(blockpool_create(&p, &prm, &ops, NULL, mb), -EINVAL);
	assert_int_equal(blockpool_create(&p, &prm, NULL, meta, mb), -EINVAL);
	assert_int_equal(blockpool_create(&p, &prm, &ops, meta, mb), 0);

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
	assert_int_equal(blockpool_free(&f.p, (char *)first + 48 * 7), 0);
	assert_int_equal(alloc1(&f, &cpu, &dma), 0);
	assert_ptr_equal(cpu, (char *)first + 48 * 7);
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
	for (i = 0; i < 4; i++)
		assert_int_equal(alloc1(&f, &blk[i], &dma), 0);
	assert_int_equal(alloc1(&f, &cpu, &dma), -ENOMEM);
	assert_int_equal(f.pv.nget, 3);
	assert_int_equal(blockpool_free(&f.p, blk[2]), 0);
	assert_int_equal(alloc1(&f, &cpu, &dma), 0);
	assert_ptr_equal(cpu, blk[2]);
	fix_destroy(&f, 4);
}

/* Walk the free list (ids) into @out; returns its length. */
static size_t free_list(const struct blockpool *p, u32 *out, size_t max)
{
	size_t n = 0;
	u32 id;

	for (id = p->free_head; id != BLOCKPOOL_NIL; id = p->next[id]) {
		assert_true(n < max);
		out[n++] = id;
	}
	return n;
}

static void test_invalid_free(void **state)
{
	struct fix f, g;
	struct blockpool saved;
	void *a, *b, *other, *meta_copy;
	u64 dma;
	size_t mb, n0, n1;
	static u32 l0[4096], l1[4096];
	char *foreign;

	(void)state;
	/* 96-byte blocks, boundary 512: 5 per segment, 32 bytes of slack each. */
	fix_create(&f, 96, 32, 512, 0, 2);
	fix_create(&g, 96, 32, 512, 0, 2);
	assert_int_equal(alloc1(&f, &a, &dma), 0);
	assert_int_equal(alloc1(&f, &b, &dma), 0);
	assert_int_equal(alloc1(&g, &other, &dma), 0);
	assert_int_equal(blockpool_free(&f.p, b), 0);

	{
		struct blockpool_params prm = { 96, 32, 512, 0, 2 };

		mb = blockpool_meta_bytes(&prm);
	}
	meta_copy = malloc(mb);
	assert_non_null(meta_copy);
	memcpy(meta_copy, f.meta, mb);
	memcpy(&saved, &f.p, sizeof(saved));
	n0 = free_list(&f.p, l0, 4096);
	foreign = malloc(64);
	assert_non_null(foreign);

	{
		void *bad[] = {
			b,			/* double free */
			(char *)a + 1,		/* interior */
			(char *)a + 32,		/* interior, on a granule */
			(char *)a + 480,	/* segment slack (5 * 96 = 480) */
			(char *)a + 4095,	/* end of chunk */
			(char *)a + 4096,	/* past the chunk */
			other,			/* another pool's block */
			foreign,		/* not pool memory at all */
			NULL,
		};
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			assert_int_equal(blockpool_free(&f.p, bad[i]), -EINVAL);
			assert_memory_equal(&saved, &f.p, sizeof(saved));
			assert_memory_equal(meta_copy, f.meta, mb);
		}
	}
	n1 = free_list(&f.p, l1, 4096);
	assert_int_equal(n0, n1);
	assert_memory_equal(l0, l1, n0 * sizeof(u32));

	assert_int_equal(blockpool_free(&f.p, a), 0);
	assert_int_equal(blockpool_free(&f.p, a), -EINVAL);
	free(foreign);
	free(meta_copy);
	fix_destroy(&f, 0);
	fix_destroy(&g, 1);
}

/* --- randomized geometry sweep -------------------------------------------- */

static u64 rng_state;

static u64 rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

struct live {
	u8 *cpu;
	u64 dma;
	u32 tag;
};

#define R_MAXLIVE 2048

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

static void run_geometry(size_t size, size_t align, size_t boundary, size_t chunk_req,
			 unsigned int steps)
{
	static struct live live[R_MAXLIVE];
	static size_t offs[65536];
	static u8 owned[MAX_CHUNKS][1 << 16];
	struct fix f;
	size_t stride = ALIGN_UP(size, align ? align : 1), chunk, nper, cap, n = 0, i;
	unsigned int s, nchunks_full;
	u32 tag = 0;

	if (stride < 8)
		stride = 8;
	chunk = chunk_req;
	if (!chunk) {
		chunk = PAGE_SIZE;
		while (chunk < stride)
			chunk <<= 1;
	}
	nper = ref_offsets(stride, boundary, chunk, offs);
	assert_true(nper > 0);
	fix_create(&f, size, align, boundary, chunk_req, 8);
	cap = 8 * nper;
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
			if (boundary)
				assert_int_equal(dma / boundary, (dma + size - 1) / boundary);
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
			assert_int_equal(blockpool_free(&f.p, l.cpu), 0);
			assert_int_equal(blockpool_free(&f.p, l.cpu), -EINVAL);
			live[k] = live[--n];
		}
	}
	/* Free everything, then every block of every chunk comes back, no new chunk. */
	while (n)
		assert_int_equal(blockpool_free(&f.p, live[--n].cpu), 0);
	nchunks_full = f.pv.nget;
	for (i = 0; i < nchunks_full * nper; i++) {
		void *cpu;
		u64 dma;

		assert_int_equal(alloc1(&f, &cpu, &dma), 0);
	}
	assert_int_equal(f.pv.nget, nchunks_full);
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
	};
	unsigned int i;

	(void)state;
	rng_state = 0x243f6a8885a308d3ULL;
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		run_geometry(fixed[i][0], fixed[i][1], fixed[i][2], fixed[i][3], 3000);
	for (i = 0; i < 60; i++) {
		size_t align = (size_t)1 << (rng() % 9);
		size_t size = 1 + rng() % 700;
		size_t stride = ALIGN_UP(size, align) < 8 ? 8 : ALIGN_UP(size, align);
		size_t boundary = 0;

		if (rng() % 3) {
			boundary = 8;
			while (boundary < stride)
				boundary <<= 1;
			boundary <<= rng() % 5;
		}
		run_geometry(size, align, boundary, 0, 1500);
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
		cmocka_unit_test(test_random_geometries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
