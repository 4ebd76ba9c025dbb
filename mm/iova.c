/*
 * IOVA allocator (see mm/iova.h for the model): the buddy allocator over
 * IOVA numbers, with a per-order cache of freed blocks in front of it.
 *
 * Invariants (checked by tests/host/test_iova.c):
 *  - a block is live (handed out), cached, or free in the buddy; live and
 *    cached blocks are both BUDDY_PAGE_ALLOC there;
 *  - bit i of dom->cached is set iff a block in some cache_slot[k] starts at
 *    page i, and then that block has order k in the buddy;
 *  - pages in use = the domain's pages - the buddy's free pages - the
 *    cached pages, so the fast paths count nothing but cache hits.
 */
#include <bits.h>
#include <compiler.h>
#include <errno.h>
#include <fw_assert.h>
#include <mm/iova.h>

#define BITMAP_WORD_BITS 32U

/* The bitmap word and bit of the block that starts at @iova (inside the domain). */
static inline u32 *cached_word(const struct iova_domain *dom, dma_addr_t iova, u32 *bit)
{
	u64 idx = (iova - dom->buddy.base) >> PAGE_SHIFT;

	*bit = 1U << (idx % BITMAP_WORD_BITS);
	return &dom->cached[idx / BITMAP_WORD_BITS];
}

static size_t bitmap_bytes(u64 npages)
{
	return (size_t)ALIGN_UP(npages, BITMAP_WORD_BITS) / 8;
}

size_t iova_meta_bytes(u64 size)
{
	return buddy_meta_bytes(size) + bitmap_bytes(size >> PAGE_SHIFT);
}

u64 iova_span(dma_addr_t base, u64 dma_mask, u64 cap)
{
	/* buddy_init() takes fewer than BUDDY_NIL pages. */
	const u64 buddy_cap = (u64)(BUDDY_NIL - 1) << PAGE_SHIFT;
	u64 span;

	if (!base || !IS_ALIGNED(base, PAGE_SIZE) || base > dma_mask)
		return 0;
	span = dma_mask - base + 1; /* base > 0: cannot wrap to 0 */
	if (span > cap)
		span = cap;
	if (span > buddy_cap)
		span = buddy_cap;
	return ALIGN_DOWN(span, PAGE_SIZE);
}

int iova_init(struct iova_domain *dom, dma_addr_t base, u64 size, u64 dma_mask, void *meta,
	      size_t meta_bytes)
{
	size_t buddy_bytes = buddy_meta_bytes(size);
	unsigned int k;
	size_t i;
	int ret;

	fw_assert(dom);
	if (!base || !size || base + size - 1 < base || base + size - 1 > dma_mask)
		return -EINVAL;
	if (!meta || meta_bytes < iova_meta_bytes(size))
		return -EINVAL;
	/* Checks alignment of base, size and meta, and the page count. */
	ret = buddy_init(&dom->buddy, base, size, meta, buddy_bytes);
	if (ret)
		return ret;

	/* buddy_bytes is a multiple of sizeof(struct buddy_page), itself of 4. */
	dom->cached = (u32 *)((u8 *)meta + buddy_bytes);
	for (i = 0; i < bitmap_bytes(size >> PAGE_SHIFT) / sizeof(u32); i++)
		dom->cached[i] = 0;
	dom->hits = 0;
	dom->misses = 0;
	dom->flushes = 0;
	for (k = 0; k < IOVA_CACHE_ORDERS; k++)
		dom->cache_n[k] = 0;
	return 0;
}

/* Pages held in the caches. */
static u64 cached_pages(const struct iova_domain *dom)
{
	u64 pages = 0;
	unsigned int k;

	for (k = 0; k < IOVA_CACHE_ORDERS; k++)
		pages += (u64)dom->cache_n[k] << k;
	return pages;
}

void iova_flush_cache(struct iova_domain *dom)
{
	unsigned int k;

	fw_assert(dom);
	if (!cached_pages(dom))
		return;
	for (k = 0; k < IOVA_CACHE_ORDERS; k++) {
		while (dom->cache_n[k]) {
			dma_addr_t a = dom->cache_slot[k][--dom->cache_n[k]];
			u32 bit, *w = cached_word(dom, a, &bit);
			int ret;

			*w &= ~bit;
			ret = buddy_free(&dom->buddy, a);
			fw_assert(ret == 0); /* cached blocks are allocated in the buddy */
			(void)ret;
		}
	}
	dom->flushes++;
}

/*
 * The buddy, and when it has nothing that fits, the buddy after a flush.
 * Not inlined: iova_alloc() then reaches it by a tail call and its cache
 * hit path saves no registers.
 */
static __attribute__((noinline)) int alloc_slow(struct iova_domain *dom, unsigned int k,
						 dma_addr_t *iova)
{
	int ret = buddy_alloc(&dom->buddy, k, iova);

	if (ret == -ENOMEM && cached_pages(dom)) {
		iova_flush_cache(dom);
		ret = buddy_alloc(&dom->buddy, k, iova);
	}
	return ret;
}

int iova_alloc(struct iova_domain *dom, u64 size, dma_addr_t *iova)
{
	unsigned int k;

	fw_assert(dom && iova);
	if (unlikely(!size))
		return -EINVAL;
	k = buddy_order_of(size);
	if (likely(k <= IOVA_CACHE_MAX_ORDER)) {
		u32 n = dom->cache_n[k];

		if (likely(n)) {
			dma_addr_t a = dom->cache_slot[k][n - 1];
			u32 bit, *w = cached_word(dom, a, &bit);

			dom->cache_n[k] = n - 1;
			*w &= ~bit;
			dom->hits++;
			*iova = a;
			return 0;
		}
		dom->misses++;
	}
	return alloc_slow(dom, k, iova);
}

int iova_free(struct iova_domain *dom, dma_addr_t iova, u64 size)
{
	unsigned int k;
	u32 bit, *w;
	int ret;

	fw_assert(dom);
	if (unlikely(!size))
		return -EINVAL;
	k = buddy_order_of(size);
	/* Start of an allocated block of that order: live or cached. */
	if (unlikely(buddy_alloc_order(&dom->buddy, iova) != (int)k))
		return -EINVAL;
	w = cached_word(dom, iova, &bit);
	if (unlikely(*w & bit))
		return -EINVAL; /* cached: freed already */

	if (likely(k <= IOVA_CACHE_MAX_ORDER)) {
		u32 n = dom->cache_n[k];

		if (likely(n < IOVA_CACHE_DEPTH)) {
			dom->cache_slot[k][n] = iova;
			dom->cache_n[k] = n + 1;
			*w |= bit;
			return 0;
		}
	}
	ret = buddy_free(&dom->buddy, iova);
	fw_assert(ret == 0); /* checked above */
	(void)ret;
	return 0;
}

void iova_get_stats(const struct iova_domain *dom, struct iova_stats *st)
{
	fw_assert(dom && st);
	st->pages_cached = cached_pages(dom);
	st->pages_in_use = dom->buddy.npages - dom->buddy.free_pages - st->pages_cached;
	st->cache_hits = dom->hits;
	st->cache_misses = dom->misses;
	st->flushes = dom->flushes;
}
