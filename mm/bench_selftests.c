/*
 * make bench's allocator traces in the image: AArch64 instruction counts of
 * the allocators the firmware uses for coherent memory and dma_pool, over
 * the same traces as the host bench (include/mm/alloc_trace.h), counted
 * with the PMU's INST_RETIRED under QEMU -icount shift=0 (deterministic).
 *
 *   alloc_trace  coherent-*: dma_alloc_coherent()'s allocation step,
 *                dma_mem_alloc() + buddy_free(), over a struct dma_mem of
 *                the trace's pool (base and size as the host bench; its
 *                addresses are never touched, as a buddy keeps its metadata
 *                outside the memory it manages); dmapool-*:
 *                dma_pool_alloc() + dma_pool_free() of a pool of the
 *                coherent test device (chunks from its real coherent pool).
 *   alloc_full   coherent-*: dma_alloc_coherent() + dma_free_coherent() for
 *                the coherent test device, zeroing and pool fall-through
 *                included, dma-debug off (informational, no target).
 *
 * Each count is one call's, made by pmu_call(): the function's instructions
 * from its first to its RET, the call instruction and the argument set-up
 * excluded, as callgrind counts a function on the host. Lines
 * (read by scripts/bench.py, which checks them against the same targets
 * as the host's):
 *
 *   bench: alloc_trace <trace> pairs=N alloc_mean=A free_mean=F pair_mean=P
 *          pair_worst=W fast_worst=X grow=G grow_mean=M grow_worst=Y
 *          span=S live=L req=R
 *
 * Means to 0.1 instruction; fast_worst leaves out the pairs whose
 * allocation took a new dma_pool chunk (grow); span/live/req as the host
 * bench's "frag" line (0 for dmapool and alloc_full).
 */
#include <arch/pmu.h>
#include <console.h>
#include <dma.h>
#include <errno.h>
#include <layout.h>
#include <mm/alloc_trace.h>
#include <mm/buddy.h>
#include <mm/dma_internal.h>
#include <mm/page_alloc.h>
#include <selftest.h>

#define T_COHERENT "/dma-test/coherent-nomap-pool"

/* dma_pool chunks a trace can track: a pool holds at most 63 (mm/dmapool.c). */
#define BENCH_MAX_CHUNKS 64

/* What pmu_call() takes: the measured functions, called with their real types. */
typedef void (*pmu_fn)(void);

enum bench_kind { BENCH_STEP, BENCH_FULL, BENCH_POOL };

struct bench_run {
	const struct alloc_trace *t;
	enum bench_kind kind;
	struct dma_mem mem;
	struct device *dev;
	struct dma_pool *pool;
	u64 chunk[BENCH_MAX_CHUNKS];
	unsigned int nr_chunks;
	/* Results. */
	u64 alloc_sum, free_sum, worst, fast_worst, grow_sum, grow_worst;
	unsigned int grow;
	const char *bad; /* what went wrong, for the failure message */
};

/*
 * Note the dma_pool chunk of block @cpu (chunks are PAGE_SIZE for blocks up
 * to a page): *@grew says whether it is new. Return: false if the table is full.
 */
static bool track_chunk(struct bench_run *r, u64 cpu, bool *grew)
{
	u64 base = ALIGN_DOWN(cpu, PAGE_SIZE);
	unsigned int i;

	for (i = 0; i < r->nr_chunks; i++)
		if (r->chunk[i] == base) {
			*grew = false;
			return true;
		}
	if (r->nr_chunks == BENCH_MAX_CHUNKS)
		return false;
	r->chunk[r->nr_chunks++] = base;
	*grew = true;
	return true;
}

/* Give back an allocation the trace will not see (it failed a check). */
static int rejected(struct bench_run *r, const struct alloc_trace_obj *o, const char *why)
{
	void *cpu = (void *)(uintptr_t)o->addr;

	r->bad = why;
	if (r->kind == BENCH_STEP)
		buddy_free(&r->mem.buddy, o->addr);
	else if (r->kind == BENCH_FULL)
		dma_free_coherent(r->dev, o->want, cpu, o->dma);
	else
		dma_pool_free(r->pool, cpu, o->dma);
	return -EFAULT;
}

static int bench_alloc(void *ctx, struct alloc_trace_obj *o)
{
	struct bench_run *r = ctx;
	unsigned int order = buddy_order_of(o->want);
	const struct alloc_trace *t = r->t;
	phys_addr_t pa = 0;
	void *cpu;
	int ret = 0;

	if (r->kind == BENCH_STEP) {
		ret = (int)pmu_call((pmu_fn)dma_mem_alloc, (uintptr_t)&r->mem, order,
				    (uintptr_t)&pa, 0, &o->cost);
		cpu = (void *)(uintptr_t)pa;
	} else if (r->kind == BENCH_FULL) {
		cpu = (void *)(uintptr_t)pmu_call((pmu_fn)dma_alloc_coherent, (uintptr_t)r->dev,
						  o->want, (uintptr_t)&o->dma, GFP_KERNEL, &o->cost);
	} else {
		cpu = (void *)(uintptr_t)pmu_call((pmu_fn)dma_pool_alloc, (uintptr_t)r->pool,
						  GFP_KERNEL, (uintptr_t)&o->dma, 0, &o->cost);
	}
	if (ret || !cpu) {
		r->bad = "allocation failed";
		return ret ? ret : -ENOMEM;
	}
	o->addr = (uintptr_t)cpu;
	o->bytes = r->kind == BENCH_POOL ? t->block : PAGE_SIZE << order;
	if (r->kind != BENCH_POOL)
		return IS_ALIGNED(o->addr, o->bytes) ? 0 :
						       rejected(r, o, "block not naturally aligned");
	if (!IS_ALIGNED(o->addr, t->align) || o->dma == DMA_MAPPING_ERROR ||
	    (t->boundary && o->addr / t->boundary != (o->addr + t->block - 1) / t->boundary))
		return rejected(r, o, "dma_pool block misaligned, across its boundary or "
				      "without a handle");
	if (!track_chunk(r, o->addr, &o->grew))
		return rejected(r, o, "more dma_pool chunks than the bench tracks");
	return 0;
}

static int bench_free(void *ctx, const struct alloc_trace_obj *o)
{
	struct bench_run *r = ctx;
	u64 c, pair;
	int ret = 0;

	if (r->kind == BENCH_STEP)
		ret = (int)pmu_call((pmu_fn)buddy_free, (uintptr_t)&r->mem.buddy, o->addr, 0, 0, &c);
	else if (r->kind == BENCH_FULL)
		pmu_call((pmu_fn)dma_free_coherent, (uintptr_t)r->dev, o->want, o->addr, o->dma, &c);
	else
		pmu_call((pmu_fn)dma_pool_free, (uintptr_t)r->pool, o->addr, o->dma, 0, &c);
	if (ret) {
		r->bad = "buddy_free failed";
		return ret;
	}
	pair = o->cost + c;
	r->alloc_sum += o->cost;
	r->free_sum += c;
	if (pair > r->worst)
		r->worst = pair;
	if (o->grew) {
		r->grow++;
		r->grow_sum += pair;
		if (pair > r->grow_worst)
			r->grow_worst = pair;
	} else if (pair > r->fast_worst) {
		r->fast_worst = pair;
	}
	return 0;
}

/* @sum / @n to 0.1, as "%llu.%llu" arguments. */
#define TENTHS(sum, n)                                                             \
	(unsigned long long)(((sum) * 10 + (n) / 2) / (n) / 10),                   \
		(unsigned long long)(((sum) * 10 + (n) / 2) / (n) % 10)

static void bench_report(const struct bench_run *r, const struct alloc_trace_frag *f)
{
	unsigned int n = r->t->pairs, fast = n - r->grow;

	kprintf("bench: %s %s pairs=%u alloc_mean=%llu.%llu free_mean=%llu.%llu "
		"pair_mean=%llu.%llu pair_worst=%llu fast_worst=%llu grow=%u "
		"grow_mean=%llu.%llu grow_worst=%llu span=%llu live=%llu req=%llu\n",
		r->kind == BENCH_FULL ? "alloc_full" : "alloc_trace", r->t->name, n,
		TENTHS(r->alloc_sum, n), TENTHS(r->free_sum, n),
		TENTHS(r->alloc_sum + r->free_sum, n), (unsigned long long)r->worst,
		(unsigned long long)(fast ? r->fast_worst : 0), r->grow,
		TENTHS(r->grow_sum, r->grow ? r->grow : 1), (unsigned long long)r->grow_worst,
		(unsigned long long)f->peak_span, (unsigned long long)f->peak_live,
		(unsigned long long)f->peak_req);
}

/*
 * One trace of @kind. Return: 0, or -errno with *@why saying what failed
 * (the allocator is left as it was either way: the runner frees what is
 * live, and the pool or buddy is torn down here).
 */
static int bench_trace(struct bench_run *r, const char **why)
{
	const struct alloc_trace *t = r->t;
	struct alloc_trace_ops ops = { bench_alloc, bench_free, r };
	struct alloc_trace_frag f;
	size_t meta_bytes = 0;
	void *meta = NULL;
	int ret;

	if (r->kind == BENCH_STEP) {
		meta_bytes = buddy_meta_bytes(t->size);
		meta = page_alloc(buddy_order_of(meta_bytes));
		if (!meta) {
			*why = "no page for the buddy's metadata";
			return -ENOMEM;
		}
		r->mem = (struct dma_mem){ .name = t->name, .base = t->base, .size = t->size };
		ret = buddy_init(&r->mem.buddy, t->base, t->size, meta, meta_bytes);
		if (ret) {
			page_free(meta);
			*why = "buddy_init of the trace's pool failed";
			return ret;
		}
	} else if (r->kind == BENCH_POOL) {
		r->pool = dma_pool_create(t->name, r->dev, t->block, t->align, t->boundary);
		if (!r->pool) {
			*why = "dma_pool_create failed";
			return -ENOMEM;
		}
	}
	ret = alloc_trace_run(t, &ops, &f);
	if (r->kind == BENCH_STEP) {
		if (!ret && buddy_free_bytes(&r->mem.buddy) != t->size) {
			r->bad = "the buddy did not get every page back";
			ret = -EFAULT;
		}
		page_free(meta);
	} else if (r->kind == BENCH_POOL) {
		dma_pool_destroy(r->pool);
	}
	*why = r->bad ? r->bad : "trace rejected";
	if (r->kind == BENCH_FULL) /* addresses in several pools: no span to speak of */
		f = (struct alloc_trace_frag){ 0 };
	if (!ret)
		bench_report(r, &f);
	return ret;
}

/* Free bytes of every coherent pool and of the firmware's page allocator. */
static u64 free_bytes(void)
{
	u64 sum = page_free_bytes();
	unsigned int i;

	for (i = 0; i < dma_nr_mems; i++)
		sum += buddy_free_bytes(&dma_mems[i].buddy);
	return sum;
}

/*
 * make bench (scripts/bench.py checks the targets on its lines): every
 * trace of include/mm/alloc_trace.h the image can run. Fails if an
 * allocation fails or is misplaced, or memory is not back where it was.
 * Needs INST_RETIRED (QEMU -icount) and the pools overlay's coherent test
 * device; skips otherwise.
 */
SELFTEST(dma, bench_alloc)
{
	static struct bench_run r;
	struct device *dev = device_get_dt(T_COHERENT);
	const char *why = pmu_start();
	unsigned int live0 = dev ? dma_debug_live(dev) : 0;
	const struct alloc_trace *t;
	u64 free0 = free_bytes();
	bool dbg;
	int ret = 0;

	if (why)
		ST_SKIP("%s", why);
	if (!dev) {
		pmu_stop();
		ST_SKIP("no %s (boot with the pools overlay)", T_COHERENT);
	}
	ST_ASSERT(dev->dma_coherent && !dev->iommu, "%s is not a coherent direct device", T_COHERENT);
	for (t = alloc_traces; t->name && !ret; t++) {
		enum bench_kind k, first = t->kind == ALLOC_TRACE_DMAPOOL ? BENCH_POOL : BENCH_STEP;
		enum bench_kind last = t->kind == ALLOC_TRACE_DMAPOOL ? BENCH_POOL : BENCH_FULL;

		if (t->chunk_step) /* chunks placed apart: the host stub's alone */
			continue;
		for (k = first; k <= last && !ret; k++) {
			r = (struct bench_run){ .t = t, .kind = k, .dev = dev };
			/* The full pair as a release build runs it (see dma.bench_map). */
			dbg = dma_debug_set(k != BENCH_FULL);
			ret = bench_trace(&r, &why);
			dma_debug_set(dbg);
		}
	}
	pmu_stop();
	ST_ASSERT(!ret, "%s (%s): %s, error %d", r.t->name,
		  r.kind == BENCH_STEP ? "allocator step" : r.kind == BENCH_FULL ?
		  "dma_alloc_coherent" : "dma_pool", why, ret);
	ST_ASSERT(free_bytes() == free0, "pools and page allocator: %llu bytes free, %llu before",
		  (unsigned long long)free_bytes(), (unsigned long long)free0);
	ST_ASSERT(dma_debug_live(dev) == live0, "%u dma-debug records live, %u before",
		  dma_debug_live(dev), live0);
	return ST_PASS;
}
