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
 * The traces are include/mm/alloc_trace.h's, shared with the image's
 * bench (mm/bench_selftests.c, the same traces in AArch64 instructions).
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <valgrind/callgrind.h>

#include <dma.h>
#include <mm/alloc_trace.h>
#include <mm/buddy.h>

static void dump(const char *trace, char op, u32 id)
{
	char tag[64];

	snprintf(tag, sizeof(tag), "op %s %c %u", trace, op, id);
	CALLGRIND_DUMP_STATS_AT(tag);
}

/* A coherent trace over a buddy of the trace's pool (never touched: fake addresses). */
struct buddy_run {
	const struct alloc_trace *t;
	struct buddy b;
};

static int buddy_op_alloc(void *ctx, struct alloc_trace_obj *o)
{
	struct buddy_run *r = ctx;
	unsigned int order = buddy_order_of(o->want);
	phys_addr_t a;
	int ret = buddy_alloc(&r->b, order, &a);

	dump(r->t->name, 'a', o->id);
	if (ret) {
		fprintf(stderr, "%s: alloc order %u failed (%d)\n", r->t->name, order, ret);
		return ret;
	}
	o->addr = a;
	o->bytes = PAGE_SIZE << order;
	return 0;
}

static int buddy_op_free(void *ctx, const struct alloc_trace_obj *o)
{
	struct buddy_run *r = ctx;
	int ret = buddy_free(&r->b, o->addr);

	dump(r->t->name, 'f', o->id);
	if (ret)
		fprintf(stderr, "%s: free of 0x%llx failed (%d)\n", r->t->name,
			(unsigned long long)o->addr, ret);
	return ret;
}

static void buddy_trace(const struct alloc_trace *t)
{
	static struct buddy_run r;
	struct alloc_trace_ops ops = { buddy_op_alloc, buddy_op_free, &r };
	struct alloc_trace_frag f;
	void *meta = malloc(buddy_meta_bytes(t->size));

	r.t = t;
	if (!meta || buddy_init(&r.b, t->base, t->size, meta, buddy_meta_bytes(t->size))) {
		fprintf(stderr, "%s: init failed\n", t->name);
		exit(1);
	}
	if (alloc_trace_run(t, &ops, &f))
		exit(1);
	if (buddy_free_bytes(&r.b) != t->size) {
		fprintf(stderr, "%s: leaked\n", t->name);
		exit(1);
	}
	printf("frag %s %llu %llu %llu %u\n", t->name, (unsigned long long)f.peak_span,
	       (unsigned long long)f.peak_live, (unsigned long long)f.peak_req, t->pairs);
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

#include "../../mm/dmapool.c"

/*
 * Called through these, as a driver in another file calls them: with
 * mm/dmapool.c in this file the compiler could inline them into the
 * harness, and callgrind would then count nothing.
 */
static void *(*volatile pool_alloc)(struct dma_pool *, gfp_t, dma_addr_t *) = dma_pool_alloc;
static void (*volatile pool_free)(struct dma_pool *, void *, dma_addr_t) = dma_pool_free;

struct pool_run {
	const struct alloc_trace *t;
	struct dma_pool *pool;
};

static int pool_op_alloc(void *ctx, struct alloc_trace_obj *o)
{
	struct pool_run *r = ctx;
	unsigned int gets = chunks.gets;
	dma_addr_t dma;
	void *cpu = pool_alloc(r->pool, GFP_KERNEL, &dma);

	dump(r->t->name, 'a', o->id);
	if (!cpu || dma != (uintptr_t)cpu + 0x1000000000ULL) {
		fprintf(stderr, "%s: alloc failed\n", r->t->name);
		return -ENOMEM;
	}
	if (chunks.gets != gets)
		printf("grow %s %u\n", r->t->name, o->id);
	o->addr = (uintptr_t)cpu;
	o->bytes = r->t->block;
	return 0;
}

static int pool_op_free(void *ctx, const struct alloc_trace_obj *o)
{
	struct pool_run *r = ctx;

	/* A bad free reports through dma_debug_report(), which exits. */
	pool_free(r->pool, (void *)(uintptr_t)o->addr, o->addr + 0x1000000000ULL);
	dump(r->t->name, 'f', o->id);
	return 0;
}

static void pool_trace(const struct alloc_trace *t)
{
	static struct device dev = { .name = "bench" };
	static struct pool_run r;
	struct alloc_trace_ops ops = { pool_op_alloc, pool_op_free, &r };
	struct alloc_trace_frag f;

	chunks.next = 0x80000000ULL;
	chunks.step = t->chunk_step;
	r.t = t;
	r.pool = dma_pool_create(t->name, &dev, t->block, t->align, t->boundary);
	if (!r.pool) {
		fprintf(stderr, "%s: setup failed\n", t->name);
		exit(1);
	}
	if (alloc_trace_run(t, &ops, &f))
		exit(1);
	/* A leak reports through dma_debug_report(), which exits. */
	dma_pool_destroy(r.pool);
	printf("frag %s 0 0 0 %u\n", t->name, t->pairs);
}

int main(void)
{
	const struct alloc_trace *t;

	for (t = alloc_traces; t->name; t++) {
		if (t->kind == ALLOC_TRACE_COHERENT)
			buddy_trace(t);
		else
			pool_trace(t);
	}
	return 0;
}
