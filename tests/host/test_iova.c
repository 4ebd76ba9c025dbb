/*
 * Host tests for mm/iova.c.
 *
 * Small domains with hand-worked expectations (alignment, the caches'
 * LIFO order and depth, flush-and-retry, rejected frees that must leave
 * every byte of the allocator as it was), and a randomized run checked
 * after every step against a page-ownership model: live ranges never
 * overlap, sit inside the domain, are aligned to their rounded size, the
 * counters add up, and -ENOMEM comes only when no aligned free run of
 * that size exists with the cached blocks counted as free.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bits.h>
#include <mm/iova.h>
#include <xorshift.h>

#define SZ_4K 0x1000ULL
#define SZ_64K 0x10000ULL
#define SZ_1M 0x100000ULL
#define SZ_2M 0x200000ULL
#define SZ_4M 0x400000ULL
#define MASK_32 0xffffffffULL

struct dom {
	struct iova_domain d;
	void *meta;
	size_t meta_bytes;
};

static void dom_init(struct dom *t, u64 base, u64 size)
{
	t->meta_bytes = iova_meta_bytes(size);
	t->meta = malloc(t->meta_bytes);
	assert_non_null(t->meta);
	memset(t->meta, 0xa5, t->meta_bytes); /* init must not rely on zeroed memory */
	assert_int_equal(iova_init(&t->d, base, size, MASK_32, t->meta, t->meta_bytes), 0);
}

static void dom_fini(struct dom *t)
{
	free(t->meta);
}

static struct iova_stats stats(const struct dom *t)
{
	struct iova_stats st;

	iova_get_stats(&t->d, &st);
	return st;
}

/* Byte image of the whole allocator state: the domain and its metadata. */
struct snap {
	struct iova_domain d;
	void *meta;
};

static void snap_take(struct snap *s, const struct dom *t)
{
	s->d = t->d;
	s->meta = malloc(t->meta_bytes);
	assert_non_null(s->meta);
	memcpy(s->meta, t->meta, t->meta_bytes);
}

static void snap_check(const struct snap *s, const struct dom *t)
{
	assert_memory_equal(&s->d, &t->d, sizeof(s->d));
	assert_memory_equal(s->meta, t->meta, t->meta_bytes);
}

static u64 block_of(u64 size)
{
	return SZ_4K << buddy_order_of(size);
}

static void test_span_and_init_errors(void **state)
{
	static u32 meta[4096];
	struct iova_domain d;
	const u64 sz = 0x10000;

	(void)state;
	assert_int_equal(iova_span(SZ_1M, 0xfffffff, 256 * SZ_1M), 0x10000000 - SZ_1M);
	assert_int_equal(iova_span(SZ_1M, 0xfffffff, 64 * SZ_1M + 123), 64 * SZ_1M);
	assert_int_equal(iova_span(SZ_1M, 0x1fffff, 256 * SZ_1M), SZ_1M);
	assert_int_equal(iova_span(SZ_1M, 0x1fff00, 256 * SZ_1M), SZ_1M - SZ_4K);
	assert_int_equal(iova_span(0, MASK_32, 256 * SZ_1M), 0);
	assert_int_equal(iova_span(0x1800, MASK_32, 256 * SZ_1M), 0);
	assert_int_equal(iova_span(SZ_1M, SZ_1M - 1, 256 * SZ_1M), 0);
	assert_int_equal(iova_span(SZ_1M, MASK_32, 0xfff), 0);
	/* A 64-bit mask and no cap: what the buddy can manage. */
	assert_int_equal(iova_span(SZ_4K, ~0ULL, ~0ULL), (u64)(BUDDY_NIL - 1) * SZ_4K);

	assert_true(iova_meta_bytes(sz) >= buddy_meta_bytes(sz) + 16 / 8);
	assert_int_equal(iova_init(&d, 0, sz, MASK_32, meta, sizeof(meta)), -EINVAL);
	assert_int_equal(iova_init(&d, 0x800, sz, MASK_32, meta, sizeof(meta)), -EINVAL);
	assert_int_equal(iova_init(&d, SZ_64K, 0, MASK_32, meta, sizeof(meta)), -EINVAL);
	assert_int_equal(iova_init(&d, SZ_64K, sz + 1, MASK_32, meta, sizeof(meta)), -EINVAL);
	/* Last byte beyond the mask, by one page and by one byte. */
	assert_int_equal(iova_init(&d, SZ_64K, sz, 2 * SZ_64K - 2, meta, sizeof(meta)), -EINVAL);
	assert_int_equal(iova_init(&d, SZ_64K, sz, 2 * SZ_64K - 1, meta, sizeof(meta)), 0);
	assert_int_equal(iova_init(&d, ~0ULL - SZ_64K + 1, 2 * sz, ~0ULL, meta, sizeof(meta)),
			 -EINVAL); /* wraps */
	assert_int_equal(iova_init(&d, SZ_64K, sz, MASK_32, NULL, sizeof(meta)), -EINVAL);
	assert_int_equal(iova_init(&d, SZ_64K, sz, MASK_32, (char *)meta + 2, 1000), -EINVAL);
	assert_int_equal(iova_init(&d, SZ_64K, sz, MASK_32, meta, iova_meta_bytes(sz) - 1),
			 -EINVAL);
	assert_int_equal(iova_init(&d, SZ_64K, sz, MASK_32, meta, iova_meta_bytes(sz)), 0);
}

/*
 * Every range is aligned to its rounded size, inside the domain, never 0,
 * disjoint from the others; the base is aligned to a page only, so
 * alignment comes from the IOVA value, not from the offset into the domain.
 */
static void test_alignment(void **state)
{
	static const u64 sizes[] = {
		1, 4095, 4096, 4097, 8192, 3 * SZ_4K, SZ_64K - 1, SZ_64K, SZ_64K + 1,
		SZ_1M, SZ_2M - SZ_4K, SZ_2M, SZ_2M + 1, SZ_4M,
	};
	const u64 base = 0x3000, size = 64 * SZ_1M - 0x3000;
	struct { u64 a, len; } got[256];
	size_t n = 0, i, j, round;
	struct dom t;

	(void)state;
	dom_init(&t, base, size);
	for (round = 0; round < 2; round++) {
		/* Round 1 takes the second copies from the caches. */
		for (i = 0; i < ARRAY_SIZE(sizes); i++) {
			u64 a, len = block_of(sizes[i]);

			assert_int_equal(iova_alloc(&t.d, sizes[i], &a), 0);
			assert_true(a != 0);
			assert_true(a % len == 0);
			assert_true(a >= base && a + len <= base + size);
			for (j = 0; j < n; j++)
				assert_true(a + len <= got[j].a || got[j].a + got[j].len <= a);
			got[n].a = a;
			got[n++].len = len;
			if (round == 0) {
				/* Free and take again: the cached copy obeys the same rule. */
				assert_int_equal(iova_free(&t.d, a, sizes[i]), 0);
				n--;
			}
		}
	}
	/*
	 * Hits: in round 0, each size of the same order as the one before it
	 * (5); in round 1, the first size of each cached order (7). 2 MiB + 1
	 * and 4 MiB are order 10: never cached.
	 */
	assert_int_equal(stats(&t).cache_hits, 12);
	for (i = 0; i < n; i++)
		assert_int_equal(iova_free(&t.d, got[i].a, got[i].len), 0);
	dom_fini(&t);

	/* The lowest domain possible starts at one page: IOVA 0 never comes out. */
	dom_init(&t, SZ_4K, 3 * SZ_4K);
	for (i = 0; i < 3; i++) {
		u64 a;

		assert_int_equal(iova_alloc(&t.d, 1, &a), 0);
		assert_true(a >= SZ_4K && a < 4 * SZ_4K);
	}
	dom_fini(&t);
}

static void test_alloc_errors(void **state)
{
	struct dom t;
	u64 a = 0xdead;

	(void)state;
	dom_init(&t, SZ_64K, SZ_64K);
	assert_int_equal(iova_alloc(&t.d, 0, &a), -EINVAL);
	assert_int_equal(iova_alloc(&t.d, (SZ_4K << BUDDY_MAX_ORDER) + 1, &a), -EINVAL);
	assert_int_equal(iova_alloc(&t.d, ~0ULL, &a), -EINVAL);
	assert_int_equal(iova_alloc(&t.d, SZ_64K + 1, &a), -ENOMEM); /* larger than the domain */
	assert_int_equal(a, 0xdead);
	assert_int_equal(iova_alloc(&t.d, SZ_64K, &a), 0);
	assert_int_equal(a, SZ_64K);
	expect_assert_failure(iova_alloc(&t.d, SZ_4K, NULL));
	expect_assert_failure(iova_alloc(NULL, SZ_4K, &a));
	expect_assert_failure(iova_free(NULL, a, SZ_64K));
	dom_fini(&t);
}

/* A freed size comes back from its cache, last freed first. */
static void test_cache_lifo(void **state)
{
	const u64 base = SZ_1M, size = SZ_1M;
	struct dom t;
	u64 a[3], b, c, big;
	struct iova_stats st;
	int i;

	(void)state;
	dom_init(&t, base, size);
	for (i = 0; i < 3; i++)
		assert_int_equal(iova_alloc(&t.d, SZ_4K, &a[i]), 0);
	st = stats(&t);
	assert_int_equal(st.cache_hits, 0);
	assert_int_equal(st.cache_misses, 3);
	assert_int_equal(st.pages_in_use, 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(iova_free(&t.d, a[i], SZ_4K), 0);
	st = stats(&t);
	assert_int_equal(st.pages_in_use, 0);
	assert_int_equal(st.pages_cached, 3);
	/* Cached blocks are still allocated in the buddy. */
	assert_int_equal(buddy_free_bytes(&t.d.buddy), size - 3 * SZ_4K);

	for (i = 2; i >= 0; i--) {
		assert_int_equal(iova_alloc(&t.d, 100, &b), 0);
		assert_int_equal(b, a[i]);
		assert_int_equal(stats(&t).cache_hits, (u64)(3 - i));
	}
	st = stats(&t);
	assert_int_equal(st.cache_misses, 3);
	assert_int_equal(st.pages_cached, 0);
	assert_int_equal(st.pages_in_use, 3);

	/* A popped block is live again: freeing it is no double free. */
	assert_int_equal(iova_free(&t.d, a[1], SZ_4K), 0);
	assert_int_equal(iova_alloc(&t.d, SZ_4K, &b), 0);
	assert_int_equal(b, a[1]);

	/* Orders do not mix: an 8 KiB block freed is not handed out for 4 KiB. */
	assert_int_equal(iova_alloc(&t.d, 5000, &c), 0); /* rounds to 8 KiB */
	assert_int_equal(iova_free(&t.d, c, 8192), 0);	/* same rounding: accepted */
	assert_int_equal(iova_alloc(&t.d, SZ_4K, &b), 0);
	assert_true(b + SZ_4K <= c || b >= c + 8192);
	assert_int_equal(iova_alloc(&t.d, 6000, &b), 0);
	assert_int_equal(b, c);

	/* 2 MiB (IOVA_CACHE_MAX_ORDER) is cached; nothing above it is. */
	assert_int_equal(IOVA_CACHE_MAX_ORDER, buddy_order_of(SZ_2M));
	{
		struct dom t2;
		u64 before;

		dom_init(&t2, 8 * SZ_1M, 8 * SZ_1M);
		assert_int_equal(iova_alloc(&t2.d, SZ_2M, &big), 0);
		assert_int_equal(iova_free(&t2.d, big, SZ_2M), 0);
		assert_int_equal(stats(&t2).pages_cached, 512);
		assert_int_equal(iova_alloc(&t2.d, SZ_2M, &b), 0);
		assert_int_equal(b, big);
		assert_int_equal(iova_alloc(&t2.d, SZ_4M, &big), 0);
		before = buddy_free_bytes(&t2.d.buddy);
		assert_int_equal(iova_free(&t2.d, big, SZ_4M), 0);
		assert_int_equal(buddy_free_bytes(&t2.d.buddy), before + SZ_4M);
		assert_int_equal(stats(&t2).pages_cached, 0);
		st = stats(&t2);
		assert_int_equal(st.cache_hits, 1);
		assert_int_equal(st.cache_misses, 1); /* 4 MiB is no miss: it has no cache */
		dom_fini(&t2);
	}
	dom_fini(&t);
}

/* IOVA_CACHE_DEPTH blocks per order; the next free goes to the buddy. */
static void test_cache_depth(void **state)
{
	struct dom t;
	u64 a[IOVA_CACHE_DEPTH + 2], b;
	unsigned int i;

	(void)state;
	dom_init(&t, SZ_1M, SZ_1M);
	for (i = 0; i < ARRAY_SIZE(a); i++)
		assert_int_equal(iova_alloc(&t.d, SZ_4K, &a[i]), 0);
	for (i = 0; i < ARRAY_SIZE(a); i++) {
		u64 before = buddy_free_bytes(&t.d.buddy);

		assert_int_equal(iova_free(&t.d, a[i], SZ_4K), 0);
		if (i < IOVA_CACHE_DEPTH)
			assert_int_equal(buddy_free_bytes(&t.d.buddy), before);
		else
			assert_int_equal(buddy_free_bytes(&t.d.buddy), before + SZ_4K);
	}
	assert_int_equal(stats(&t).pages_cached, IOVA_CACHE_DEPTH);
	/* The cache holds the first DEPTH freed; the top is the last of them. */
	assert_int_equal(iova_alloc(&t.d, SZ_4K, &b), 0);
	assert_int_equal(b, a[IOVA_CACHE_DEPTH - 1]);

	iova_flush_cache(&t.d);
	assert_int_equal(stats(&t).pages_cached, 0);
	assert_int_equal(stats(&t).flushes, 1);
	assert_int_equal(buddy_free_bytes(&t.d.buddy), SZ_1M - SZ_4K);
	iova_flush_cache(&t.d); /* nothing cached: not counted */
	assert_int_equal(stats(&t).flushes, 1);
	assert_int_equal(iova_free(&t.d, b, SZ_4K), 0);
	iova_flush_cache(&t.d);
	assert_int_equal(buddy_free_bytes(&t.d.buddy), SZ_1M);
	assert_int_equal(buddy_largest_free(&t.d.buddy), SZ_1M);
	dom_fini(&t);
}

/*
 * Only cached blocks, once merged, can serve a larger request: the
 * allocation flushes and retries instead of failing. When even that is
 * not enough, -ENOMEM.
 */
static void test_flush_retry(void **state)
{
	const u64 base = SZ_64K, size = SZ_64K; /* one order-4 block */
	struct dom t;
	u64 a[16], b, c;
	unsigned int i;

	(void)state;
	dom_init(&t, base, size);
	for (i = 0; i < 16; i++)
		assert_int_equal(iova_alloc(&t.d, SZ_4K, &a[i]), 0);
	assert_int_equal(iova_alloc(&t.d, SZ_4K, &b), -ENOMEM); /* full, nothing cached */
	assert_int_equal(stats(&t).flushes, 0);
	for (i = 0; i < 16; i++)
		assert_int_equal(iova_free(&t.d, a[i], SZ_4K), 0);
	assert_int_equal(stats(&t).pages_cached, 16);
	assert_int_equal(buddy_free_bytes(&t.d.buddy), 0);

	/* Everything is in the order-0 cache: 64 KiB needs them merged. */
	assert_int_equal(iova_alloc(&t.d, SZ_64K, &b), 0);
	assert_int_equal(b, base);
	assert_int_equal(stats(&t).flushes, 1);
	assert_int_equal(stats(&t).pages_cached, 0);
	assert_int_equal(stats(&t).pages_in_use, 16);

	/* An order-4 block cached; 8 KiB (order 1) gets it split after a flush. */
	assert_int_equal(iova_free(&t.d, b, SZ_64K), 0);
	assert_int_equal(stats(&t).pages_cached, 16);
	assert_int_equal(iova_alloc(&t.d, 8192, &c), 0);
	assert_int_equal(c, base);
	assert_int_equal(stats(&t).flushes, 2);

	/* Full but one cached page: 8 KiB fails even after the flush. */
	for (i = 0; i < 7; i++)
		assert_int_equal(iova_alloc(&t.d, 8192, &a[i]), 0);
	assert_int_equal(iova_free(&t.d, a[3], 8192), 0);
	assert_int_equal(iova_free(&t.d, c, 8192), 0);
	assert_int_equal(iova_alloc(&t.d, SZ_64K, &b), -ENOMEM);
	assert_int_equal(stats(&t).flushes, 3);
	assert_int_equal(stats(&t).pages_cached, 0);
	assert_int_equal(buddy_free_bytes(&t.d.buddy), 2 * 8192); /* nothing lost */
	assert_int_equal(iova_alloc(&t.d, 8192, &b), 0);
	assert_int_equal(iova_alloc(&t.d, 8192, &c), 0);
	assert_int_equal(iova_alloc(&t.d, SZ_4K, &b), -ENOMEM);
	assert_int_equal(stats(&t).flushes, 3); /* nothing cached: no flush */
	dom_fini(&t);
}

/*
 * Every rejected free returns -EINVAL and leaves the domain and its
 * metadata byte-identical; the allocator works normally afterwards.
 */
static void test_bad_free(void **state)
{
	const u64 B = 8 * SZ_1M, size = 8 * SZ_1M;
	struct dom t;
	struct snap s;
	u64 big, live, cached, gone, flushed, x;
	struct {
		u64 addr, size;
	} bad[32];
	unsigned int n = 0, i;

	(void)state;
	dom_init(&t, B, size);
	assert_int_equal(iova_alloc(&t.d, 16 * SZ_4K, &big), 0);
	assert_int_equal(iova_alloc(&t.d, SZ_4K, &live), 0);
	assert_int_equal(iova_alloc(&t.d, SZ_4K, &cached), 0);
	assert_int_equal(iova_alloc(&t.d, SZ_4M, &gone), 0);
	assert_int_equal(iova_alloc(&t.d, 8192, &flushed), 0);
	assert_int_equal(iova_free(&t.d, cached, SZ_4K), 0); /* to the cache */
	assert_int_equal(iova_free(&t.d, gone, SZ_4M), 0);   /* to the buddy */
	assert_int_equal(iova_free(&t.d, flushed, 8192), 0); /* to the cache ... */
	iova_flush_cache(&t.d);				    /* ... then the buddy */
	assert_int_equal(iova_free(&t.d, cached, SZ_4K), -EINVAL); /* flushed too */
	assert_int_equal(iova_alloc(&t.d, SZ_4K, &cached), 0);
	assert_int_equal(iova_free(&t.d, cached, SZ_4K), 0);
	assert_int_equal(stats(&t).pages_cached, 1);
	assert_int_equal(buddy_alloc_order(&t.d.buddy, big), 4);
	assert_int_equal(buddy_alloc_order(&t.d.buddy, cached), 0);
	assert_int_equal(buddy_alloc_order(&t.d.buddy, gone), -EINVAL);

#define BAD(a_, s_) (bad[n].addr = (a_), bad[n++].size = (s_))
	BAD(big, SZ_4K);	     /* wrong size: smaller */
	BAD(big, 8 * SZ_4K);
	BAD(big, 16 * SZ_4K + 1);   /* wrong size: larger */
	BAD(big, 0);		     /* no size */
	BAD(big, ~0ULL);	     /* absurd size */
	BAD(big + SZ_4K, SZ_4K);     /* interior page */
	BAD(big + 1, 16 * SZ_4K);    /* not page aligned */
	BAD(live + 0x800, SZ_4K);
	BAD(B - SZ_4K, SZ_4K);	     /* below the domain */
	BAD(B + size, SZ_4K);	     /* past the end */
	BAD(0, SZ_4K);
	BAD(~0ULL & ~0xfffULL, SZ_4K);
	BAD(gone, SZ_4M);	     /* double free, block went to the buddy */
	BAD(flushed, 8192);	     /* double free, cached then flushed */
	BAD(B + size - SZ_4K, SZ_4K); /* free space never handed out */
	BAD(cached, SZ_4K);	     /* double free of a cached block */
	BAD(cached, 8192);	     /* cached block, wrong size */
	BAD(live, 8192);
#undef BAD

	snap_take(&s, &t);
	for (i = 0; i < n; i++) {
		assert_int_equal(iova_free(&t.d, bad[i].addr, bad[i].size), -EINVAL);
		snap_check(&s, &t);
	}
	free(s.meta);

	/* Intact: the live ranges free, the cached one comes back, all merges. */
	assert_int_equal(iova_alloc(&t.d, SZ_4K, &x), 0);
	assert_int_equal(x, cached);
	assert_int_equal(iova_free(&t.d, x, SZ_4K), 0);
	assert_int_equal(iova_free(&t.d, big, 15 * SZ_4K), 0); /* rounds to 16 pages */
	assert_int_equal(iova_free(&t.d, live, SZ_4K), 0);
	assert_int_equal(stats(&t).pages_in_use, 0);
	assert_int_equal(iova_alloc(&t.d, size, &x), 0);
	assert_int_equal(x, B);
	dom_fini(&t);
}

/* --- randomized run against a page-ownership model ------------------------ */

#define R_BASE (8 * SZ_1M) /* aligned to R_SIZE: one block when all is free */
#define R_PAGES 2048ULL
#define R_SIZE (R_PAGES * SZ_4K)
#define R_STEPS 20000
#define MAX_LIVE 2048

static u64 rng_state;

static u64 rng(void)
{
	return xorshift64star(&rng_state);
}

struct live {
	u64 addr, req;
	unsigned int order;
};

struct model {
	struct live live[MAX_LIVE];
	size_t nlive;
	u64 pages;
	bool owned[R_PAGES]; /* page is inside a live range */
};

static bool model_range_free(const struct model *m, u64 addr, unsigned int order)
{
	u64 i, first = (addr - R_BASE) / SZ_4K;

	for (i = 0; i < (1ULL << order); i++)
		if (m->owned[first + i])
			return false;
	return true;
}

/* Any aligned run of 2^order pages with no live page (cached ones count as free)? */
static bool model_has_free(const struct model *m, unsigned int order)
{
	u64 size = SZ_4K << order, a;

	for (a = ALIGN_UP(R_BASE, size); a + size <= R_BASE + R_SIZE; a += size)
		if (model_range_free(m, a, order))
			return true;
	return false;
}

static void model_set(struct model *m, const struct live *l, bool v)
{
	u64 i, first = (l->addr - R_BASE) / SZ_4K;

	for (i = 0; i < (1ULL << l->order); i++)
		m->owned[first + i] = v;
	if (v)
		m->pages += 1ULL << l->order;
	else
		m->pages -= 1ULL << l->order;
}

/* Counters, caches and bitmap agree with the model. */
static void check_invariants(const struct dom *t, const struct model *m)
{
	const struct iova_domain *d = &t->d;
	struct iova_stats st = stats(t);
	u64 cached_pages = 0, bits = 0, blocks = 0, i;
	unsigned int k, j;

	assert_int_equal(st.pages_in_use, m->pages);
	for (k = 0; k < IOVA_CACHE_ORDERS; k++) {
		assert_true(d->cache_n[k] <= IOVA_CACHE_DEPTH);
		for (j = 0; j < d->cache_n[k]; j++) {
			u64 a = d->cache_slot[k][j], idx = (a - R_BASE) / SZ_4K;

			assert_true(a % (SZ_4K << k) == 0);
			assert_true(a >= R_BASE && a + (SZ_4K << k) <= R_BASE + R_SIZE);
			assert_true(model_range_free(m, a, k)); /* never live and cached */
			assert_int_equal(buddy_alloc_order(&d->buddy, a), k);
			assert_true(d->cached[idx / 32] & (1U << (idx % 32)));
			cached_pages += 1ULL << k;
			blocks++;
		}
	}
	for (i = 0; i < R_PAGES / 32; i++)
		bits += (u64)__builtin_popcount(d->cached[i]);
	assert_int_equal(bits, blocks);
	assert_int_equal(st.pages_cached, cached_pages);
	assert_int_equal(st.pages_in_use + st.pages_cached + buddy_free_bytes(&d->buddy) / SZ_4K,
			 R_PAGES);
}

/* Order 0..11, small ones likelier; a byte count that rounds to it. */
static u64 random_size(unsigned int *order)
{
	u64 r = rng() % 100;
	unsigned int k = r < 35 ? 0 : r < 55 ? 1 : r < 70 ? 2 : r < 80 ? 3 : r < 87 ? 4 :
			 r < 92 ? 6 : r < 96 ? 9 : r < 98 ? 10 : 11;

	*order = k;
	if (!k)
		return 1 + rng() % SZ_4K;
	return (SZ_4K << (k - 1)) + 1 + rng() % (SZ_4K << (k - 1));
}

static void test_random(void **state)
{
	static struct model m;
	struct dom t;
	unsigned int step;
	u64 ops[6] = { 0 };
	size_t i;

	(void)state;
	memset(&m, 0, sizeof(m));
	rng_state = 0x9e3779b97f4a7c15ULL;
	dom_init(&t, R_BASE, R_SIZE);

	for (step = 0; step < R_STEPS; step++) {
		u64 r = rng() % 100;
		/* Drift between filling up and draining so both regimes are covered. */
		bool fill = (step / 2000) % 2 == 0;

		if (r < (fill ? 55 : 35)) {
			unsigned int order;
			u64 size = random_size(&order), a, flushes = stats(&t).flushes;
			int ret = iova_alloc(&t.d, size, &a);

			if (ret == -ENOMEM) {
				assert_false(model_has_free(&m, order));
				ops[1]++;
			} else {
				assert_int_equal(ret, 0);
				assert_true(a % (SZ_4K << order) == 0);
				assert_true(a >= R_BASE && a + (SZ_4K << order) <= R_BASE + R_SIZE);
				assert_true(model_range_free(&m, a, order));
				assert_true(m.nlive < MAX_LIVE);
				m.live[m.nlive] = (struct live){ a, size, order };
				model_set(&m, &m.live[m.nlive++], true);
				ops[0]++;
			}
			ops[2] += stats(&t).flushes - flushes;
		} else if (r < 92) {
			if (!m.nlive)
				continue;
			i = rng() % m.nlive;
			assert_int_equal(iova_free(&t.d, m.live[i].addr, m.live[i].req), 0);
			model_set(&m, &m.live[i], false);
			m.live[i] = m.live[--m.nlive];
			ops[3]++;
		} else if (r < 99) {
			/*
			 * A bad free: a live range with another size, a page that
			 * starts no live range (cached ones included), or an
			 * unaligned address. Rejected, nothing changed.
			 */
			struct snap s;
			u64 a = R_BASE - 2 * SZ_4K + (rng() % (R_PAGES + 4)) * SZ_4K;
			unsigned int order;
			u64 size = random_size(&order);
			bool ok = false;

			if (m.nlive && rng() % 2)
				a = m.live[rng() % m.nlive].addr;
			if (rng() % 4 == 0) {
				/* The top of a random non-empty cache, with its own size. */
				unsigned int k = (unsigned int)(rng() % IOVA_CACHE_ORDERS);

				if (t.d.cache_n[k]) {
					a = t.d.cache_slot[k][t.d.cache_n[k] - 1];
					size = SZ_4K << k;
					order = k;
				}
			}
			if (rng() % 8 == 0)
				a += 0x10;
			for (i = 0; i < m.nlive; i++)
				if (m.live[i].addr == a && m.live[i].order == order)
					ok = true;
			if (ok)
				continue;
			snap_take(&s, &t);
			assert_int_equal(iova_free(&t.d, a, size), -EINVAL);
			snap_check(&s, &t);
			free(s.meta);
			ops[4]++;
		} else {
			iova_flush_cache(&t.d);
			assert_int_equal(stats(&t).pages_cached, 0);
			ops[5]++;
		}
		check_invariants(&t, &m);
	}
	/* Every branch ran, including failures and flushes inside iova_alloc(). */
	assert_true(ops[0] > 1000 && ops[1] > 50 && ops[2] > 20 && ops[3] > 1000 &&
		    ops[4] > 500 && ops[5] > 50);
	assert_true(stats(&t).cache_hits > 1000 && stats(&t).cache_misses > 500);

	while (m.nlive) {
		struct live *l = &m.live[m.nlive - 1];

		assert_int_equal(iova_free(&t.d, l->addr, l->req), 0);
		model_set(&m, l, false);
		m.nlive--;
		check_invariants(&t, &m);
	}
	/* Everything is back (some of it cached): the whole domain is one block. */
	{
		u64 a;

		assert_int_equal(iova_alloc(&t.d, R_SIZE, &a), 0);
		assert_int_equal(a, R_BASE);
		assert_int_equal(iova_free(&t.d, a, R_SIZE), 0);
		assert_int_equal(buddy_free_bytes(&t.d.buddy), R_SIZE);
	}
	dom_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_span_and_init_errors),
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_alloc_errors),
		cmocka_unit_test(test_cache_lifo),
		cmocka_unit_test(test_cache_depth),
		cmocka_unit_test(test_flush_retry),
		cmocka_unit_test(test_bad_free),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
