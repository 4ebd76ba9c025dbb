/*
 * Host tests for mm/buddy.c.
 *
 * Expected free lists are written out by hand for small pools (block
 * address and order, computed from the natural-alignment rule), and a
 * randomized run is checked after every step against a page-ownership
 * model kept by this file: every page covered by exactly one block, blocks
 * aligned and inside the pool, accounting exact, merging complete, and
 * -ENOMEM only when the model has no aligned free run of that order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <mm/buddy.h>
#include <xorshift.h>

#define SZ_4K 0x1000ULL
#define SZ_1G 0x40000000ULL

struct blk {
	u64 addr;
	unsigned int order;
};

#define MAX_BLKS 4096

struct pool {
	struct buddy b;
	void *meta;
	size_t meta_bytes;
};

static void pool_init(struct pool *p, u64 base, u64 size)
{
	p->meta_bytes = buddy_meta_bytes(size);
	p->meta = malloc(p->meta_bytes);
	assert_non_null(p->meta);
	assert_int_equal(buddy_init(&p->b, base, size, p->meta, p->meta_bytes), 0);
}

static void pool_fini(struct pool *p)
{
	free(p->meta);
}

static int blk_cmp(const void *x, const void *y)
{
	const struct blk *a = x, *b = y;

	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

/*
 * Free blocks, sorted by address, read from the free lists; checks the
 * list structure on the way (prev links, head records, bitmap).
 */
static size_t free_blocks(const struct buddy *b, struct blk *out, size_t max)
{
	size_t n = 0;
	unsigned int k;

	for (k = 0; k < BUDDY_NR_ORDERS; k++) {
		u32 i = b->free_list[k], prev = BUDDY_NIL;

		assert_int_equal(!!(b->nonempty & (1U << k)), i != BUDDY_NIL);
		for (; i != BUDDY_NIL; prev = i, i = b->pages[i].next) {
			assert_true(i < b->npages);
			assert_int_equal(b->pages[i].prev, prev);
			assert_int_equal(b->pages[i].state, BUDDY_PAGE_FREE);
			assert_int_equal(b->pages[i].order, k);
			assert_true(n < max);
			out[n].addr = b->base + (u64)i * SZ_4K;
			out[n].order = k;
			n++;
		}
	}
	qsort(out, n, sizeof(*out), blk_cmp);
	return n;
}

static void expect_free(const struct buddy *b, const struct blk *want, size_t nwant)
{
	struct blk got[64];
	size_t n = free_blocks(b, got, 64), i;

	assert_int_equal(n, nwant);
	for (i = 0; i < n; i++) {
		assert_int_equal(got[i].addr, want[i].addr);
		assert_int_equal(got[i].order, want[i].order);
	}
}

#define EXPECT_FREE(b, ...)                                          \
	do {                                                         \
		static const struct blk w_[] = { __VA_ARGS__ };      \
		expect_free((b), w_, sizeof(w_) / sizeof(w_[0]));    \
	} while (0)

static void test_order_of(void **state)
{
	(void)state;
	assert_int_equal(buddy_order_of(0), 0);
	assert_int_equal(buddy_order_of(1), 0);
	assert_int_equal(buddy_order_of(4096), 0);
	assert_int_equal(buddy_order_of(4097), 1);
	assert_int_equal(buddy_order_of(8192), 1);
	assert_int_equal(buddy_order_of(8193), 2);
	assert_int_equal(buddy_order_of(3 * 4096), 2);
	assert_int_equal(buddy_order_of(SZ_1G), 18);
	assert_int_equal(buddy_order_of(SZ_1G + 1), 19);
	assert_int_equal(buddy_order_of(UINT64_MAX), 52);
}

static void test_init_errors(void **state)
{
	static u32 meta[1024];
	struct buddy b;

	(void)state;
	assert_int_equal(buddy_meta_bytes(16 * SZ_4K), 16 * sizeof(struct buddy_page));
	assert_int_equal(buddy_init(&b, 0x1000, 0, meta, sizeof(meta)), -EINVAL);
	assert_int_equal(buddy_init(&b, 0x1800, 0x1000, meta, sizeof(meta)), -EINVAL);
	assert_int_equal(buddy_init(&b, 0x1000, 0x1800, meta, sizeof(meta)), -EINVAL);
	assert_int_equal(buddy_init(&b, 0x1000, 0x4000, NULL, sizeof(meta)), -EINVAL);
	assert_int_equal(buddy_init(&b, 0x1000, 0x4000, (char *)meta + 2, 1000), -EINVAL);
	assert_int_equal(buddy_init(&b, 0x1000, 0x4000, meta,
				    buddy_meta_bytes(0x4000) - 1), -EINVAL);
	assert_int_equal(buddy_init(&b, 0xfffffffffffff000ULL, 0x2000, meta, sizeof(meta)),
			 -EINVAL);
	assert_int_equal(buddy_init(&b, 0x1000, 0x4000, meta, buddy_meta_bytes(0x4000)), 0);
}

/* [0x3000, 0xb000): o0 @0x3000, o2 @0x4000, o1 @0x8000, o0 @0xa000. */
static void test_init_decomposition(void **state)
{
	struct pool p;

	(void)state;
	pool_init(&p, 0x3000, 0x8000);
	EXPECT_FREE(&p.b, { 0x3000, 0 }, { 0x4000, 2 }, { 0x8000, 1 }, { 0xa000, 0 });
	assert_int_equal(buddy_free_bytes(&p.b), 0x8000);
	assert_int_equal(buddy_largest_free(&p.b), 0x4000);
	pool_fini(&p);
}

/*
 * Address-ordered choice: with o0 @0x3000 gone, an order-0 request splits
 * the lower o2 @0x4000 rather than take the o0 @0xa000 at the top.
 */
static void test_address_order(void **state)
{
	struct pool p;
	u64 a;

	(void)state;
	pool_init(&p, 0x3000, 0x8000);
	assert_int_equal(buddy_alloc(&p.b, 0, &a), 0);
	assert_int_equal(a, 0x3000);
	assert_int_equal(buddy_alloc(&p.b, 0, &a), 0);
	assert_int_equal(a, 0x4000);
	EXPECT_FREE(&p.b, { 0x5000, 0 }, { 0x6000, 1 }, { 0x8000, 1 }, { 0xa000, 0 });
	assert_int_equal(buddy_alloc(&p.b, 1, &a), 0);
	assert_int_equal(a, 0x6000);
	assert_int_equal(buddy_free(&p.b, 0x4000), 0);
	assert_int_equal(buddy_free(&p.b, 0x3000), 0);
	assert_int_equal(buddy_free(&p.b, 0x6000), 0);
	EXPECT_FREE(&p.b, { 0x3000, 0 }, { 0x4000, 2 }, { 0x8000, 1 }, { 0xa000, 0 });
	pool_fini(&p);
}

/* Orders are capped at BUDDY_MAX_ORDER: 2 GiB at 0 is two 1 GiB blocks. */
static void test_max_order(void **state)
{
	struct pool p;
	u64 a, c;

	(void)state;
	pool_init(&p, 0, 2 * SZ_1G);
	EXPECT_FREE(&p.b, { 0, 18 }, { SZ_1G, 18 });
	assert_int_equal(buddy_alloc(&p.b, 19, &a), -EINVAL);
	assert_int_equal(buddy_alloc(&p.b, 18, &a), 0);
	assert_int_equal(buddy_alloc(&p.b, 18, &c), 0);
	assert_true((a == 0 && c == SZ_1G) || (a == SZ_1G && c == 0));
	assert_int_equal(buddy_largest_free(&p.b), 0);
	assert_int_equal(buddy_free(&p.b, a), 0);
	assert_int_equal(buddy_free(&p.b, c), 0);
	EXPECT_FREE(&p.b, { 0, 18 }, { SZ_1G, 18 });
	assert_int_equal(buddy_alloc_at(&p.b, 0, 19), -EINVAL);
	pool_fini(&p);
}

/* One order-4 block: split down, then merge back in a different order. */
static void test_split_merge(void **state)
{
	const u64 B = 0x100000;
	struct pool p;
	u64 a0, a1, a2;

	(void)state;
	pool_init(&p, B, 0x10000);
	EXPECT_FREE(&p.b, { B, 4 });

	assert_int_equal(buddy_alloc(&p.b, 0, &a0), 0);
	assert_int_equal(a0, B);
	EXPECT_FREE(&p.b, { B + 0x1000, 0 }, { B + 0x2000, 1 }, { B + 0x4000, 2 },
		    { B + 0x8000, 3 });
	assert_int_equal(buddy_free_bytes(&p.b), 0xf000);

	assert_int_equal(buddy_alloc(&p.b, 1, &a1), 0);
	assert_int_equal(a1, B + 0x2000);
	assert_int_equal(buddy_alloc(&p.b, 0, &a2), 0);
	assert_int_equal(a2, B + 0x1000);
	EXPECT_FREE(&p.b, { B + 0x4000, 2 }, { B + 0x8000, 3 });
	assert_int_equal(buddy_free_bytes(&p.b), 0xc000);

	/* a0's buddy a2 is allocated: no merge. */
	assert_int_equal(buddy_free(&p.b, a0), 0);
	EXPECT_FREE(&p.b, { B, 0 }, { B + 0x4000, 2 }, { B + 0x8000, 3 });
	/* a1 merges with nothing (its buddy [B, B+0x2000) is not one free block). */
	assert_int_equal(buddy_free(&p.b, a1), 0);
	EXPECT_FREE(&p.b, { B, 0 }, { B + 0x2000, 1 }, { B + 0x4000, 2 }, { B + 0x8000, 3 });
	/* a2 completes the cascade back to one block. */
	assert_int_equal(buddy_free(&p.b, a2), 0);
	EXPECT_FREE(&p.b, { B, 4 });
	assert_int_equal(buddy_free_bytes(&p.b), 0x10000);
	pool_fini(&p);
}

/*
 * Base not aligned beyond a page, size not a power of two:
 * [0x5000, 0x20000) = o0 @0x5000, o1 @0x6000, o3 @0x8000, o4 @0x10000.
 */
static void test_unaligned_base(void **state)
{
	struct pool p;
	u64 a, c, d, e;

	(void)state;
	pool_init(&p, 0x5000, 0x1b000);
	EXPECT_FREE(&p.b, { 0x5000, 0 }, { 0x6000, 1 }, { 0x8000, 3 }, { 0x10000, 4 });

	assert_int_equal(buddy_alloc(&p.b, 3, &a), 0);
	assert_int_equal(a, 0x8000);
	assert_int_equal(buddy_alloc(&p.b, 3, &c), 0);
	assert_int_equal(c, 0x10000);
	assert_int_equal(buddy_alloc(&p.b, 2, &d), 0);
	assert_int_equal(d, 0x18000);
	EXPECT_FREE(&p.b, { 0x5000, 0 }, { 0x6000, 1 }, { 0x1c000, 2 });
	/* The o1 block at 0x6000 has its buddy at 0x4000, outside the pool. */
	assert_int_equal(buddy_alloc(&p.b, 1, &e), 0);
	assert_int_equal(e, 0x6000);
	assert_int_equal(buddy_free(&p.b, e), 0);
	EXPECT_FREE(&p.b, { 0x5000, 0 }, { 0x6000, 1 }, { 0x1c000, 2 });

	assert_int_equal(buddy_free(&p.b, c), 0);
	assert_int_equal(buddy_free(&p.b, a), 0);
	EXPECT_FREE(&p.b, { 0x5000, 0 }, { 0x6000, 1 }, { 0x8000, 3 }, { 0x10000, 3 },
		    { 0x1c000, 2 });
	assert_int_equal(buddy_free(&p.b, d), 0);
	EXPECT_FREE(&p.b, { 0x5000, 0 }, { 0x6000, 1 }, { 0x8000, 3 }, { 0x10000, 4 });
	pool_fini(&p);
}

/* 3 pages at 0x1000: o0 @0x1000, o1 @0x2000. */
static void test_exhaustion(void **state)
{
	struct pool p;
	u64 a = 0xdead, c;

	(void)state;
	pool_init(&p, 0x1000, 0x3000);
	assert_int_equal(buddy_alloc(&p.b, 2, &a), -ENOMEM);
	assert_int_equal(a, 0xdead);
	assert_int_equal(buddy_alloc(&p.b, 1, &a), 0);
	assert_int_equal(a, 0x2000);
	assert_int_equal(buddy_alloc(&p.b, 1, &c), -ENOMEM);
	assert_int_equal(buddy_largest_free(&p.b), 0x1000);
	assert_int_equal(buddy_alloc(&p.b, 0, &c), 0);
	assert_int_equal(c, 0x1000);
	assert_int_equal(buddy_alloc(&p.b, 0, &c), -ENOMEM);
	assert_int_equal(buddy_free_bytes(&p.b), 0);
	assert_int_equal(buddy_largest_free(&p.b), 0);
	assert_int_equal(buddy_free(&p.b, 0x2000), 0);
	assert_int_equal(buddy_free(&p.b, 0x1000), 0);
	EXPECT_FREE(&p.b, { 0x1000, 0 }, { 0x2000, 1 });
	pool_fini(&p);
}

/* Every rejected free returns -EINVAL and leaves metadata byte-identical. */
static void test_invalid_free(void **state)
{
	const u64 B = 0x40000;
	struct pool p;
	struct buddy saved;
	void *meta_copy;
	u64 big, small, gone;
	static const s64 bad_offsets[] = {
		-0x1000, /* below base */
		0x40000, /* end of pool */
		0x41000, /* past end */
		0x1,	 /* not page aligned, inside the allocated block */
		0x800,	 /* same */
		0x1000,	 /* interior page of the order-2 block */
		0x3000,	 /* last page of it */
		0x4000,	 /* start of the free order-2 buddy */
		0x5000,	 /* interior of a free block */
		0x20000, /* start of the free order-5 block */
	};
	size_t i;

	(void)state;
	pool_init(&p, B, 0x40000); /* one o6 */
	assert_int_equal(buddy_alloc(&p.b, 2, &big), 0);
	assert_int_equal(big, B);
	assert_int_equal(buddy_alloc(&p.b, 0, &small), 0);
	assert_int_equal(small, B + 0x4000);
	assert_int_equal(buddy_alloc(&p.b, 0, &gone), 0);
	assert_int_equal(gone, B + 0x5000);
	assert_int_equal(buddy_free(&p.b, small), 0);
	assert_int_equal(buddy_free(&p.b, gone), 0);
	/* Free: o2 @B+0x4000, o3 @B+0x8000, o4 @B+0x10000, o5 @B+0x20000. */

	meta_copy = malloc(p.meta_bytes);
	assert_non_null(meta_copy);
	memcpy(meta_copy, p.meta, p.meta_bytes);
	memcpy(&saved, &p.b, sizeof(saved));
	for (i = 0; i < sizeof(bad_offsets) / sizeof(bad_offsets[0]); i++) {
		assert_int_equal(buddy_free(&p.b, B + (u64)bad_offsets[i]), -EINVAL);
		assert_memory_equal(&saved, &p.b, sizeof(saved));
		assert_memory_equal(meta_copy, p.meta, p.meta_bytes);
	}
	/* Double free of blocks that were freed (one merged away, one not a head). */
	assert_int_equal(buddy_free(&p.b, small), -EINVAL);
	assert_int_equal(buddy_free(&p.b, gone), -EINVAL);
	assert_int_equal(buddy_free(&p.b, 0), -EINVAL);
	assert_int_equal(buddy_free(&p.b, UINT64_MAX & ~0xfffULL), -EINVAL);
	assert_memory_equal(meta_copy, p.meta, p.meta_bytes);

	assert_int_equal(buddy_free(&p.b, big), 0);
	assert_int_equal(buddy_free(&p.b, big), -EINVAL);
	EXPECT_FREE(&p.b, { B, 6 });
	free(meta_copy);
	pool_fini(&p);
}

static void test_alloc_at(void **state)
{
	const u64 B = 0x40000000;
	struct pool p;
	u64 a;

	(void)state;
	pool_init(&p, B, 0x10000); /* one o4 */

	assert_int_equal(buddy_alloc_at(&p.b, B + 0x3000, 0), 0);
	EXPECT_FREE(&p.b, { B, 1 }, { B + 0x2000, 0 }, { B + 0x4000, 2 }, { B + 0x8000, 3 });
	assert_int_equal(buddy_free_bytes(&p.b), 0xf000);

	assert_int_equal(buddy_alloc_at(&p.b, B + 0x3000, 0), -EBUSY);
	assert_int_equal(buddy_alloc_at(&p.b, B + 0x2000, 1), -EBUSY);
	assert_int_equal(buddy_alloc_at(&p.b, B, 2), -EBUSY);
	assert_int_equal(buddy_alloc_at(&p.b, B, 4), -EBUSY);
	EXPECT_FREE(&p.b, { B, 1 }, { B + 0x2000, 0 }, { B + 0x4000, 2 }, { B + 0x8000, 3 });

	assert_int_equal(buddy_alloc_at(&p.b, B + 0x1000, 1), -EINVAL); /* misaligned */
	assert_int_equal(buddy_alloc_at(&p.b, B + 0x10000, 0), -EINVAL); /* past end */
	assert_int_equal(buddy_alloc_at(&p.b, B - 0x1000, 0), -EINVAL);  /* below */
	assert_int_equal(buddy_alloc_at(&p.b, B, 5), -EINVAL); /* larger than pool */
	assert_int_equal(buddy_alloc_at(&p.b, B + 0x800, 0), -EINVAL);

	/* A whole free block, exactly. */
	assert_int_equal(buddy_alloc_at(&p.b, B + 0x8000, 3), 0);
	/* The upper page of a free o1. */
	assert_int_equal(buddy_alloc_at(&p.b, B + 0x1000, 0), 0);
	EXPECT_FREE(&p.b, { B, 0 }, { B + 0x2000, 0 }, { B + 0x4000, 2 });
	assert_int_equal(buddy_free_bytes(&p.b), 0x6000);

	/* Ordinary allocations avoid the claimed blocks. */
	assert_int_equal(buddy_alloc(&p.b, 2, &a), 0);
	assert_int_equal(a, B + 0x4000);
	assert_int_equal(buddy_alloc(&p.b, 1, &a), -ENOMEM);

	assert_int_equal(buddy_free(&p.b, B + 0x4000), 0);
	assert_int_equal(buddy_free(&p.b, B + 0x8000), 0);
	assert_int_equal(buddy_free(&p.b, B + 0x1000), 0);
	assert_int_equal(buddy_free(&p.b, B + 0x3000), 0);
	EXPECT_FREE(&p.b, { B, 4 });
	pool_fini(&p);
}

/* alloc_at on a pool whose base is not aligned: [0x5000, 0x20000). */
static void test_alloc_at_unaligned(void **state)
{
	struct pool p;

	(void)state;
	pool_init(&p, 0x5000, 0x1b000);
	assert_int_equal(buddy_alloc_at(&p.b, 0x4000, 2), -EINVAL); /* starts below */
	assert_int_equal(buddy_alloc_at(&p.b, 0x0, 5), -EINVAL);
	assert_int_equal(buddy_alloc_at(&p.b, 0x1c000, 3), -EINVAL); /* misaligned */
	assert_int_equal(buddy_alloc_at(&p.b, 0x20000, 0), -EINVAL); /* at the end */
	assert_int_equal(buddy_alloc_at(&p.b, 0x14000, 2), 0);
	assert_int_equal(buddy_alloc_at(&p.b, 0x5000, 0), 0);
	assert_int_equal(buddy_alloc_at(&p.b, 0x7000, 0), 0);
	EXPECT_FREE(&p.b, { 0x6000, 0 }, { 0x8000, 3 }, { 0x10000, 2 }, { 0x18000, 3 });
	assert_int_equal(buddy_alloc_at(&p.b, 0x10000, 3), -EBUSY);
	assert_int_equal(buddy_free(&p.b, 0x14000), 0);
	assert_int_equal(buddy_free(&p.b, 0x7000), 0);
	assert_int_equal(buddy_free(&p.b, 0x5000), 0);
	EXPECT_FREE(&p.b, { 0x5000, 0 }, { 0x6000, 1 }, { 0x8000, 3 }, { 0x10000, 4 });
	pool_fini(&p);
}

/* --- randomized run against a page-ownership model ------------------------ */

#define R_BASE 0x7000ULL
#define R_PAGES 1000ULL
#define R_STEPS 20000

static u64 rng_state;

static u64 rng(void)
{
	return xorshift64star(&rng_state);
}

struct model {
	struct blk live[MAX_BLKS];
	size_t nlive;
	u32 owner[R_PAGES]; /* 0: free, else 1 + index in live[] at alloc time */
};

static bool model_range_free(const struct model *m, u64 addr, unsigned int order)
{
	u64 i, first = (addr - R_BASE) / SZ_4K;

	if (addr < R_BASE || first + (1ULL << order) > R_PAGES)
		return false;
	for (i = 0; i < (1ULL << order); i++)
		if (m->owner[first + i])
			return false;
	return true;
}

/* Does any naturally aligned fully free block of @order exist? */
static bool model_has_free(const struct model *m, unsigned int order)
{
	u64 size = SZ_4K << order, a;

	for (a = ALIGN_UP(R_BASE, size); a + size <= R_BASE + R_PAGES * SZ_4K; a += size)
		if (model_range_free(m, a, order))
			return true;
	return false;
}

static void model_set(struct model *m, const struct blk *k, u32 v)
{
	u64 i, first = (k->addr - R_BASE) / SZ_4K;

	for (i = 0; i < (1ULL << k->order); i++)
		m->owner[first + i] = v;
}

static void check_invariants(const struct buddy *b, const struct model *m)
{
	static struct blk fb[R_PAGES];
	static u8 cover[R_PAGES];
	size_t n = free_blocks(b, fb, R_PAGES), i;
	u64 free_pages = 0, live_pages = 0, largest = 0, j;

	memset(cover, 0, sizeof(cover));
	for (i = 0; i < n; i++) {
		u64 size = SZ_4K << fb[i].order, first = (fb[i].addr - R_BASE) / SZ_4K;

		assert_true(fb[i].addr % size == 0);
		assert_true(fb[i].addr >= R_BASE &&
			    fb[i].addr + size <= R_BASE + R_PAGES * SZ_4K);
		for (j = 0; j < (1ULL << fb[i].order); j++) {
			assert_int_equal(cover[first + j]++, 0);
			assert_int_equal(m->owner[first + j], 0);
			if (j)
				assert_int_equal(b->pages[first + j].state, BUDDY_PAGE_TAIL);
		}
		free_pages += 1ULL << fb[i].order;
		if (size > largest)
			largest = size;
		/* Complete merging: a free block's buddy is never a free block of the same order. */
		if (fb[i].order < BUDDY_MAX_ORDER) {
			u64 bud = fb[i].addr ^ size;
			struct blk key = { bud, 0 };
			struct blk *hit = bsearch(&key, fb, n, sizeof(*fb), blk_cmp);

			assert_true(!hit || hit->order != fb[i].order);
		}
	}
	for (i = 0; i < m->nlive; i++) {
		const struct blk *k = &m->live[i];
		u64 size = SZ_4K << k->order, first = (k->addr - R_BASE) / SZ_4K;

		assert_true(k->addr % size == 0);
		assert_true(k->addr >= R_BASE && k->addr + size <= R_BASE + R_PAGES * SZ_4K);
		assert_int_equal(b->pages[first].state, BUDDY_PAGE_ALLOC);
		assert_int_equal(b->pages[first].order, k->order);
		for (j = 0; j < (1ULL << k->order); j++) {
			assert_int_equal(cover[first + j]++, 0);
			if (j)
				assert_int_equal(b->pages[first + j].state, BUDDY_PAGE_TAIL);
		}
		live_pages += 1ULL << k->order;
	}
	for (j = 0; j < R_PAGES; j++)
		assert_int_equal(cover[j], 1);
	assert_int_equal(buddy_free_bytes(b), free_pages * SZ_4K);
	assert_int_equal(free_pages + live_pages, R_PAGES);
	assert_int_equal(buddy_largest_free(b), largest);
}

static unsigned int random_order(void)
{
	u64 r = rng() % 100;

	return r < 40 ? 0 : r < 60 ? 1 : r < 75 ? 2 : r < 85 ? 3 : r < 93 ? 4 : r < 98 ? 5 : 7;
}

static void model_remove(struct model *m, size_t i)
{
	struct blk k = m->live[i];

	model_set(m, &k, 0);
	m->live[i] = m->live[--m->nlive];
}

static void test_random(void **state)
{
	static struct model m;
	static struct blk init[R_PAGES], end[R_PAGES];
	struct pool p;
	size_t ninit, nend, i;
	unsigned int step;
	u64 ops[4] = { 0 };

	(void)state;
	memset(&m, 0, sizeof(m));
	rng_state = 0x9e3779b97f4a7c15ULL;
	pool_init(&p, R_BASE, R_PAGES * SZ_4K);
	ninit = free_blocks(&p.b, init, R_PAGES);

	for (step = 0; step < R_STEPS; step++) {
		u64 r = rng() % 100;
		/* Drift between filling up and draining so both regimes are covered. */
		bool fill = (step / 2000) % 2 == 0;

		if (r < (fill ? 55 : 35)) {
			unsigned int order = random_order();
			u64 a;
			int ret = buddy_alloc(&p.b, order, &a);

			if (ret == -ENOMEM) {
				assert_false(model_has_free(&m, order));
			} else {
				assert_int_equal(ret, 0);
				assert_true(model_range_free(&m, a, order));
				assert_true(m.nlive < MAX_BLKS);
				m.live[m.nlive] = (struct blk){ a, order };
				model_set(&m, &m.live[m.nlive], (u32)m.nlive + 1);
				m.nlive++;
			}
			ops[0]++;
		} else if (r < 90) {
			if (!m.nlive)
				continue;
			i = rng() % m.nlive;
			assert_int_equal(buddy_free(&p.b, m.live[i].addr), 0);
			model_remove(&m, i);
			ops[1]++;
		} else if (r < 95) {
			/* A claim anywhere: succeeds exactly when the model says it is free. */
			unsigned int order = random_order();
			u64 size = SZ_4K << order;
			u64 a = ALIGN_DOWN(R_BASE + rng() % (R_PAGES * SZ_4K), size);
			bool inside = a >= R_BASE && a + size <= R_BASE + R_PAGES * SZ_4K;
			int ret = buddy_alloc_at(&p.b, a, order);

			if (!inside) {
				assert_int_equal(ret, -EINVAL);
			} else if (model_range_free(&m, a, order)) {
				assert_int_equal(ret, 0);
				m.live[m.nlive] = (struct blk){ a, order };
				model_set(&m, &m.live[m.nlive], (u32)m.nlive + 1);
				m.nlive++;
				ops[2]++;
			} else {
				assert_int_equal(ret, -EBUSY);
			}
		} else {
			/* A random page address: freeable exactly when it starts a live block. */
			u64 a = R_BASE - 2 * SZ_4K + (rng() % (R_PAGES + 4)) * SZ_4K;
			bool live = false;

			if (rng() & 1)
				a += 8; /* never page aligned */
			for (i = 0; i < m.nlive; i++)
				if (m.live[i].addr == a) {
					live = true;
					break;
				}
			if (live) {
				assert_int_equal(buddy_free(&p.b, a), 0);
				model_remove(&m, i);
			} else {
				assert_int_equal(buddy_free(&p.b, a), -EINVAL);
				ops[3]++;
			}
		}
		check_invariants(&p.b, &m);
	}
	/* Every branch actually ran. */
	assert_true(ops[0] > 1000 && ops[1] > 1000 && ops[2] > 50 && ops[3] > 100);

	while (m.nlive) {
		assert_int_equal(buddy_free(&p.b, m.live[m.nlive - 1].addr), 0);
		model_remove(&m, m.nlive - 1);
		check_invariants(&p.b, &m);
	}
	nend = free_blocks(&p.b, end, R_PAGES);
	assert_int_equal(nend, ninit);
	assert_memory_equal(init, end, ninit * sizeof(init[0]));
	pool_fini(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_of),
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_init_decomposition),
		cmocka_unit_test(test_address_order),
		cmocka_unit_test(test_max_order),
		cmocka_unit_test(test_split_merge),
		cmocka_unit_test(test_unaligned_base),
		cmocka_unit_test(test_exhaustion),
		cmocka_unit_test(test_invalid_free),
		cmocka_unit_test(test_alloc_at),
		cmocka_unit_test(test_alloc_at_unaligned),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
