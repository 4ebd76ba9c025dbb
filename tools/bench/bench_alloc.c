/*
 * Allocator benchmark: deterministic instruction counts under callgrind.
 *
 * Built for the host and run by scripts/bench.py as
 *
 *   valgrind --tool=callgrind --collect-atstart=no \
 *            --toggle-collect=buddy_alloc --toggle-collect=buddy_free \
 *            --toggle-collect=dma_pool_alloc --toggle-collect=dma_pool_free ...
 *
 * so that only instructions executed inside those four functions (and
 * their callees) are counted. After every measured operation the program
 * asks callgrind to dump and zero its counters (CALLGRIND_DUMP_STATS_AT),
 * tagging the dump "op <trace> <a|f> <object>": every dump therefore holds
 * the exact cost of one call, the worst case comes out per operation, and
 * nothing the harness does between calls (random numbers, bookkeeping,
 * the dump request itself) is counted. Without valgrind the client
 * requests are no-ops and the program still prints its fragmentation
 * figures.
 *
 * The block pool traces measure what a driver pays: dma_pool_alloc() and
 * dma_pool_free() of the real mm/dmapool.c (included below, as the bench
 * is built from a fixed list of sources), with blockpool's fast paths
 * inlined into them. Only what they call to get memory is stubbed:
 * dma_alloc_coherent() hands out consecutive fake chunk addresses, as a
 * buddy pool does, and page_alloc() host memory for the table.
 *
 * Counts are of the host's (x86-64) instructions, not AArch64's.
 *
 * Traces (fixed-seed xorshift64*; the same on every run):
 *   coherent-small: sizes log-uniform 64 B .. 64 KiB, rounded up to pages
 *                   and to a power of two (dma_alloc_coherent's rule);
 *   coherent-large: 4 KiB multiples, log-uniform 4 KiB .. 2 MiB;
 *   dmapool-64:     64-byte blocks, 64-byte aligned, 4 KiB boundary;
 *   dmapool-48:     40-byte blocks, 16-byte aligned (stride 48);
 *   displaced-64:   dmapool-64 with chunks a table window (64 slots * 4 KiB)
 *                   apart, so that all select the same slot and all but the
 *                   first are displaced: the slow paths' cost, no target.
 * Each keeps a live set that ramps up, then random frees and allocations
 * hold it between a low and a high water mark, then drains.
 *
 * Output lines (parsed by scripts/bench.py):
 *   frag <trace> <peak_span_bytes> <peak_live_bytes> <peak_req_bytes> <pairs>
 *   grow <trace> <object>     (a dma_pool_alloc that took a new chunk)
 *
 * peak_span is the highest end address ever in use minus the pool base;
 * peak_live the most block bytes ever allocated at once (blocks are
 * powers of two: rounding up is the API's contract, not fragmentation);
 * peak_req the most page-rounded requested bytes at once.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <valgrind/callgrind.h>

#include <dma.h>
#include <mm/buddy.h>

static u64 rng_state;

static u64 rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Log-uniform integer in [lo, hi]. */
static u64 log_uniform(u64 lo, u64 hi)
{
	unsigned int lb = 63 - __builtin_clzll(lo), hb = 63 - __builtin_clzll(hi);
	unsigned int b = lb + (unsigned int)(rng() % (hb - lb + 1));
	u64 v = (1ULL << b) + rng() % (1ULL << b);

	return v < lo ? lo : v > hi ? hi : v;
}

#define MAX_LIVE 4096

struct obj {
	u64 addr;
	u64 bytes;	/* block bytes */
	u32 id;
};

static void dump(const char *trace, char op, u32 id)
{
	char tag[64];

	snprintf(tag, sizeof(tag), "op %s %c %u", trace, op, id);
	CALLGRIND_DUMP_STATS_AT(tag);
}

/* A buddy trace: @pairs allocations, live set held between @lo and @hi. */
static void buddy_trace(const char *name, u64 base, u64 size, u64 min_b, u64 max_b,
			bool pages_only, unsigned int pairs, unsigned int lo, unsigned int hi)
{
	static struct obj live[MAX_LIVE];
	struct buddy b;
	void *meta = malloc(buddy_meta_bytes(size));
	unsigned int n = 0, made = 0;
	u64 live_bytes = 0, req_bytes = 0, peak_live = 0, peak_req = 0, peak_span = 0;
	static u64 req[MAX_LIVE];

	if (!meta || buddy_init(&b, base, size, meta, buddy_meta_bytes(size))) {
		fprintf(stderr, "%s: init failed\n", name);
		exit(1);
	}
	while (made < pairs || n) {
		bool grow = made < pairs && (n < lo || (n < hi && rng() % 2));

		if (grow) {
			u64 want = pages_only ? log_uniform(min_b / 4096, max_b / 4096) * 4096
					      : log_uniform(min_b, max_b);
			unsigned int order = buddy_order_of(want);
			phys_addr_t a;
			int ret = buddy_alloc(&b, order, &a);

			dump(name, 'a', made);
			if (ret) {
				fprintf(stderr, "%s: alloc order %u failed (%d)\n", name, order, ret);
				exit(1);
			}
			req[n] = ALIGN_UP(want, 4096);
			live[n++] = (struct obj){ a, 4096ULL << order, made++ };
			live_bytes += 4096ULL << order;
			req_bytes += ALIGN_UP(want, 4096);
			if (a + (4096ULL << order) - base > peak_span)
				peak_span = a + (4096ULL << order) - base;
			if (live_bytes > peak_live)
				peak_live = live_bytes;
			if (req_bytes > peak_req)
				peak_req = req_bytes;
		} else {
			unsigned int k = (unsigned int)(rng() % n);
			struct obj o = live[k];

			if (buddy_free(&b, o.addr)) {
				fprintf(stderr, "%s: free failed\n", name);
				exit(1);
			}
			dump(name, 'f', o.id);
			live_bytes -= o.bytes;
			req_bytes -= req[k];
			live[k] = live[--n];
			req[k] = req[n];
		}
	}
	if (buddy_free_bytes(&b) != size) {
		fprintf(stderr, "%s: leaked\n", name);
		exit(1);
	}
	printf("frag %s %llu %llu %llu %u\n", name, (unsigned long long)peak_span,
	       (unsigned long long)peak_live, (unsigned long long)peak_req, pairs);
	free(meta);
}

/*
 * What mm/dmapool.c calls, stubbed. Chunks: a bump allocator over fake
 * addresses (the pool never touches chunk memory). Not the buddy: a
 * measured function calling another one named in --toggle-collect would
 * toggle collection off inside it.
 */
static struct {
	u64 next, step; /* step 0: consecutive */
	unsigned int gets;
} chunks;

void *dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *handle, gfp_t gfp)
{
	u64 a = chunks.next;

	(void)dev;
	(void)gfp;
	chunks.next += chunks.step ? chunks.step : size;
	chunks.gets++;
	*handle = a + 0x1000000000ULL;
	return (void *)(uintptr_t)a;
}

void dma_free_coherent(struct device *dev, size_t size, void *cpu, dma_addr_t handle)
{
	(void)dev;
	(void)size;
	(void)cpu;
	(void)handle;
}

void *page_alloc(unsigned int order)
{
	void *p = aligned_alloc(PAGE_SIZE << order, PAGE_SIZE << order);

	if (p)
		memset(p, 0, PAGE_SIZE << order);
	return p;
}

int page_free(void *page)
{
	free(page);
	return 0;
}

void dma_debug_report(const struct device *dev, const char *fmt, ...)
{
	(void)dev;
	fprintf(stderr, "dma-debug: %s\n", fmt);
	exit(1);
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

#include "../../mm/dmapool.c"

/*
 * Called through these, as a driver in another file calls them: with
 * mm/dmapool.c in this file the compiler could inline them into the
 * harness, and callgrind would then count nothing.
 */
static void *(*volatile pool_alloc)(struct dma_pool *, gfp_t, dma_addr_t *) = dma_pool_alloc;
static void (*volatile pool_free)(struct dma_pool *, void *, dma_addr_t) = dma_pool_free;

static void pool_trace(const char *name, size_t size, size_t align, size_t boundary,
		       u64 chunk_step, unsigned int pairs, unsigned int lo, unsigned int hi)
{
	static struct obj live[MAX_LIVE];
	static struct device dev = { .name = "bench" };
	struct dma_pool *pool;
	unsigned int n = 0, made = 0;

	chunks.next = 0x80000000ULL;
	chunks.step = chunk_step;
	pool = dma_pool_create(name, &dev, size, align, boundary);
	if (!pool) {
		fprintf(stderr, "%s: setup failed\n", name);
		exit(1);
	}
	while (made < pairs || n) {
		bool grow = made < pairs && (n < lo || (n < hi && rng() % 2));

		if (grow) {
			unsigned int gets = chunks.gets;
			dma_addr_t dma;
			void *cpu = pool_alloc(pool, GFP_KERNEL, &dma);

			dump(name, 'a', made);
			if (!cpu || dma != (uintptr_t)cpu + 0x1000000000ULL) {
				fprintf(stderr, "%s: alloc failed\n", name);
				exit(1);
			}
			if (chunks.gets != gets)
				printf("grow %s %u\n", name, made);
			live[n++] = (struct obj){ (u64)(uintptr_t)cpu, size, made++ };
		} else {
			unsigned int k = (unsigned int)(rng() % n);

			/* A bad free reports through dma_debug_report(), which exits. */
			pool_free(pool, (void *)(uintptr_t)live[k].addr,
				  live[k].addr + 0x1000000000ULL);
			dump(name, 'f', live[k].id);
			live[k] = live[--n];
		}
	}
	/* A leak reports through dma_debug_report(), which exits. */
	dma_pool_destroy(pool);
	printf("frag %s 0 0 0 %u\n", name, pairs);
}

int main(void)
{
	rng_state = 0x9e3779b97f4a7c15ULL;
	/* Pool bases as a DT might give them: not aligned beyond what they must be. */
	buddy_trace("coherent-small", 0x48005000ULL, 48ULL << 20, 64, 64 << 10, false,
		    8000, 300, 500);
	buddy_trace("coherent-large", 0x50000000ULL, 448ULL << 20, 4096, 2 << 20, true,
		    4000, 100, 200);
	pool_trace("dmapool-64", 64, 64, 4096, 0, 8000, 500, 1000);
	pool_trace("dmapool-48", 40, 16, 0, 0, 8000, 500, 1000);
	pool_trace("displaced-64", 64, 64, 4096, 64 * 4096, 4000, 500, 1000);
	return 0;
}
