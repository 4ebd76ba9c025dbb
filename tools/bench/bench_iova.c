/*
 * IOVA allocator benchmark: deterministic instruction counts under callgrind.
 *
 * Built for the host and run by scripts/bench.py as
 *
 *   valgrind --tool=callgrind --collect-atstart=no \
 *            --toggle-collect=iova_alloc --toggle-collect=iova_free ...
 *
 * so that only instructions executed inside those two functions and their
 * callees (buddy_*, the flush) are counted: the buddy's functions must not
 * be named too, or entering one would switch collection off inside
 * iova_alloc(). As in tools/bench/bench_alloc.c, every measured call is
 * followed by CALLGRIND_DUMP_STATS_AT("op <trace> <a|f> <id>"), so each
 * dump is the exact cost of one call; unmeasured calls (warm-up) dump with
 * a tag bench.py ignores, so their cost is not added to the next call.
 * Counts are of the host's (x86-64) instructions, not AArch64's.
 *
 * The domain is an edu device's (28-bit DMA mask) from IOVA 1 MiB: the
 * shape the IOMMU back end gives it. Traces:
 *   iova-fast:  steady state of a streaming driver: alloc 4 KiB, free it,
 *               repeat; after one warm-up pair every alloc is a cache hit
 *               and every free goes to the cache;
 *   iova-slow:  the same with 4 MiB, above IOVA_CACHE_MAX_ORDER: every
 *               alloc splits a buddy block and every free merges it back;
 *   iova-mixed: sizes log-uniform 4 KiB .. 4 MiB (4 KiB multiples), a live
 *               set ramping up, held between a low and a high water mark
 *               by random frees and allocations, then drained.
 *
 * Output lines (parsed by scripts/bench.py):
 *   frag <trace> <peak_span_bytes> <peak_live_bytes> <peak_req_bytes> <pairs>
 *   slow <trace> <object>   (alloc missed the cache or free went to the buddy)
 *   cache <trace> <hits> <misses> <flushes>
 */
#include <stdio.h>
#include <stdlib.h>

#include <valgrind/callgrind.h>

#include <bits.h>
#include <xorshift.h>
#include <mm/iova.h>

#define DOM_BASE 0x100000ULL	   /* 1 MiB: IOVA 0 is never handed out */
#define DOM_MASK 0xfffffffULL	   /* edu's default dma_mask: 28 bits */
#define DOM_CAP (256ULL << 20)

#define MAX_LIVE 4096

static u64 rng_state;

static u64 rng(void)
{
	return xorshift64star(&rng_state);
}

/* Log-uniform integer in [lo, hi]. */
static u64 log_uniform(u64 lo, u64 hi)
{
	unsigned int lb = 63 - __builtin_clzll(lo), hb = 63 - __builtin_clzll(hi);
	unsigned int b = lb + (unsigned int)(rng() % (hb - lb + 1));
	u64 v = (1ULL << b) + rng() % (1ULL << b);

	return v < lo ? lo : v > hi ? hi : v;
}

static void dump(const char *trace, char op, u32 id)
{
	char tag[64];

	snprintf(tag, sizeof(tag), "op %s %c %u", trace, op, id);
	CALLGRIND_DUMP_STATS_AT(tag);
}

static void die(const char *trace, const char *what, int ret)
{
	fprintf(stderr, "%s: %s failed (%d)\n", trace, what, ret);
	exit(1);
}

static void dom_setup(struct iova_domain *dom, void **meta)
{
	u64 size = iova_span(DOM_BASE, DOM_MASK, DOM_CAP);
	size_t mb = iova_meta_bytes(size);

	*meta = malloc(mb);
	if (!*meta || iova_init(dom, DOM_BASE, size, DOM_MASK, *meta, mb))
		die("setup", "iova_init", -1);
}

/* Counters and the end-of-trace check: everything back, nothing leaked. */
static void dom_finish(const char *trace, struct iova_domain *dom, void *meta)
{
	struct iova_stats st;

	iova_get_stats(dom, &st);
	printf("cache %s %llu %llu %llu\n", trace, (unsigned long long)st.cache_hits,
	       (unsigned long long)st.cache_misses, (unsigned long long)st.flushes);
	if (st.pages_in_use)
		die(trace, "leak check", (int)st.pages_in_use);
	free(meta);
}

/* Was the pair (alloc, then free) served by the caches at both ends? */
struct pair_probe {
	u64 hits;
	u64 cached;
};

static struct pair_probe probe(const struct iova_domain *dom)
{
	struct iova_stats st;

	iova_get_stats(dom, &st);
	return (struct pair_probe){ st.cache_hits, st.pages_cached };
}

/* One size, alloc then free, @pairs times after one unmeasured warm-up pair. */
static void steady_trace(const char *name, u64 bytes, unsigned int pairs)
{
	struct iova_domain dom;
	void *meta;
	unsigned int i;
	dma_addr_t a;
	int ret;

	dom_setup(&dom, &meta);
	ret = iova_alloc(&dom, bytes, &a);
	if (!ret)
		ret = iova_free(&dom, a, bytes);
	CALLGRIND_DUMP_STATS_AT("warm-up");
	if (ret)
		die(name, "warm-up", ret);

	for (i = 0; i < pairs; i++) {
		struct pair_probe p0 = probe(&dom), p1;

		ret = iova_alloc(&dom, bytes, &a);
		dump(name, 'a', i);
		if (ret)
			die(name, "alloc", ret);
		p1 = probe(&dom);
		ret = iova_free(&dom, a, bytes);
		dump(name, 'f', i);
		if (ret)
			die(name, "free", ret);
		if (p1.hits == p0.hits || probe(&dom).cached == p1.cached)
			printf("slow %s %u\n", name, i);
	}
	printf("frag %s 0 0 0 %u\n", name, pairs);
	dom_finish(name, &dom, meta);
}

struct obj {
	dma_addr_t iova;
	u64 req;   /* requested bytes */
	u64 bytes; /* block bytes */
	u32 id;
	bool fast_alloc;
};

static void mixed_trace(const char *name, u64 min_b, u64 max_b, unsigned int pairs,
			unsigned int lo, unsigned int hi)
{
	static struct obj live[MAX_LIVE];
	struct iova_domain dom;
	void *meta;
	unsigned int n = 0, made = 0;
	u64 live_bytes = 0, req_bytes = 0, peak_live = 0, peak_req = 0, peak_span = 0;

	dom_setup(&dom, &meta);
	while (made < pairs || n) {
		bool grow = made < pairs && (n < lo || (n < hi && rng() % 2));

		if (grow) {
			u64 want = log_uniform(min_b / 4096, max_b / 4096) * 4096;
			u64 blk = 4096ULL << buddy_order_of(want);
			struct pair_probe p0 = probe(&dom);
			dma_addr_t a;
			int ret = iova_alloc(&dom, want, &a);

			dump(name, 'a', made);
			if (ret)
				die(name, "alloc", ret);
			live[n++] = (struct obj){ a, want, blk, made++,
						  probe(&dom).hits != p0.hits };
			live_bytes += blk;
			req_bytes += want;
			if (a + blk - DOM_BASE > peak_span)
				peak_span = a + blk - DOM_BASE;
			if (live_bytes > peak_live)
				peak_live = live_bytes;
			if (req_bytes > peak_req)
				peak_req = req_bytes;
		} else {
			unsigned int k = (unsigned int)(rng() % n);
			struct obj o = live[k];
			struct pair_probe p0 = probe(&dom);
			int ret = iova_free(&dom, o.iova, o.req);

			dump(name, 'f', o.id);
			if (ret)
				die(name, "free", ret);
			if (!o.fast_alloc || probe(&dom).cached == p0.cached)
				printf("slow %s %u\n", name, o.id);
			live_bytes -= o.bytes;
			req_bytes -= o.req;
			live[k] = live[--n];
		}
	}
	printf("frag %s %llu %llu %llu %u\n", name, (unsigned long long)peak_span,
	       (unsigned long long)peak_live, (unsigned long long)peak_req, pairs);
	dom_finish(name, &dom, meta);
}

int main(void)
{
	rng_state = 0x9e3779b97f4a7c15ULL;
	steady_trace("iova-fast", 4096, 1000);
	steady_trace("iova-slow", 4ULL << 20, 1000);
	mixed_trace("iova-mixed", 4096, 4ULL << 20, 4000, 40, 80);
	return 0;
}
