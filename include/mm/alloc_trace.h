/*
 * Allocation traces for the allocator benchmarks (make bench). One
 * definition, run by both benches so that they measure the same requests
 * in the same order:
 *
 *   tools/bench/bench_alloc.c  host build, x86-64 instructions (callgrind)
 *   mm/bench_selftests.c       the image, AArch64 instructions (PMU
 *                              INST_RETIRED under QEMU -icount shift=0)
 *
 * A trace is a fixed-seed xorshift64* sequence: the live set ramps up to
 * lo objects, random frees and allocations then hold it between lo and hi
 * (each step allocates with probability 1/2 below hi), and once `pairs`
 * objects have been allocated it drains in random order. The runner keeps
 * the live set and the fragmentation figures; the caller's callbacks do
 * (and measure) each allocation and free.
 *
 *   coherent-small: sizes log-uniform 64 B .. 64 KiB, rounded up to pages
 *                   and to a power of two (dma_alloc_coherent's rule);
 *   coherent-large: 4 KiB multiples, log-uniform 4 KiB .. 2 MiB;
 *   dmapool-64:     64-byte blocks, 64-byte aligned, 4 KiB boundary;
 *   dmapool-48:     40-byte blocks, 16-byte aligned (stride 48);
 *   displaced-64:   dmapool-64 with chunks a table window (64 slots * 4 KiB)
 *                   apart, so that all select the same slot and all but the
 *                   first are displaced: the slow paths' cost, no target.
 *                   Host only (a stub places the chunks; the image's
 *                   coherent allocator hands out consecutive ones).
 *
 * Pure logic: no hardware access, built for the host and for the image.
 * Not reentrant (one static live set): run one trace at a time.
 */
#ifndef MM_ALLOC_TRACE_H
#define MM_ALLOC_TRACE_H

#include <types.h>

enum alloc_trace_kind {
	ALLOC_TRACE_COHERENT, /* page blocks from a buddy pool at [base, base + size) */
	ALLOC_TRACE_DMAPOOL,  /* dma_pool blocks of block bytes */
};

struct alloc_trace {
	const char *name;
	enum alloc_trace_kind kind;
	unsigned int pairs;  /* allocations (each freed once) */
	unsigned int lo, hi; /* live set held between these, hi <= ALLOC_TRACE_MAX_LIVE */
	/* ALLOC_TRACE_COHERENT */
	u64 min_bytes, max_bytes; /* request sizes, log-uniform */
	bool pages_only;	  /* requests are whole pages */
	phys_addr_t base;	  /* the pool, as a DT might give it */
	u64 size;
	/* ALLOC_TRACE_DMAPOOL: dma_pool_create() arguments */
	size_t block, align, boundary;
	u64 chunk_step; /* 0, or chunks this far apart (host stub only) */
};

#define ALLOC_TRACE_MAX_LIVE 1024

/* One live object. */
struct alloc_trace_obj {
	u64 want;  /* requested bytes (set by the runner) */
	u32 id;	   /* allocation number, 0 .. pairs - 1 (set by the runner) */
	u64 addr;  /* set by alloc(): the block's address (CPU or physical) */
	u64 bytes; /* set by alloc(): the block's bytes (>= want) */
	/* The callbacks' own, e.g. alloc's instruction count, the DMA handle. */
	u64 cost;
	u64 dma;
	bool grew; /* the allocation took a new chunk */
};

struct alloc_trace_ops {
	/* Allocate @o->want bytes, set @o->addr and @o->bytes. Return: 0 or -errno. */
	int (*alloc)(void *ctx, struct alloc_trace_obj *o);
	/* Free what alloc() returned in @o. Return: 0 or -errno. */
	int (*free)(void *ctx, const struct alloc_trace_obj *o);
	void *ctx;
};

/* Fragmentation of a coherent trace (all 0 for a dmapool trace). */
struct alloc_trace_frag {
	u64 peak_span; /* highest end address ever in use, minus base */
	u64 peak_live; /* most block bytes allocated at once */
	u64 peak_req;  /* most page-rounded requested bytes at once */
};

/* Every trace, in the order the benches run them; ends with a NULL name. */
extern const struct alloc_trace alloc_traces[];

/*
 * alloc_trace_run() - run trace @t through @ops: every allocation is freed
 * again, in the trace's order. The sequence depends on @t alone (the
 * generator is reseeded), so every run and every build sees the same one.
 *
 * A callback's error stops the trace: the runner then frees every object
 * still live (errors of those frees ignored) and returns the first error,
 * so the caller's allocator is back where it started either way.
 *
 * Return: 0 with *@frag filled in; -EINVAL for a trace whose live set
 * exceeds ALLOC_TRACE_MAX_LIVE or whose sizes are out of order; or the
 * callback's -errno.
 */
int alloc_trace_run(const struct alloc_trace *t, const struct alloc_trace_ops *ops,
		    struct alloc_trace_frag *frag);

#endif /* MM_ALLOC_TRACE_H */
