/*
 * Every allocation failure a DMA scenario can meet, one at a time
 * (include/fault_inject.h): the scenario runs once unarmed to count the
 * allocations it makes at each site, then once per injection point N with
 * the N-th allocation of that site failing. Each run must end with
 *
 *   - the failing API call returning its error (NULL, DMA_MAPPING_ERROR,
 *     0 from dma_map_sg) and a dma-debug report, or, for a coherent
 *     allocation only, the DMA layer falling back to another pool;
 *   - no other call failing; every mapping that did succeed reaching its
 *     buffer (behind the SMMU: the domain's table, walked page by page)
 *     and no longer translated once unmapped; in the runs where nothing
 *     fails, real DMA with the edu through all of them (a transfer costs
 *     100 ms of QEMU time, so the armed runs check the tables instead);
 *   - nothing leaked: the device's live mappings (dma-debug), the free
 *     bytes of every coherent pool and of the page allocator, the bounce
 *     slots and the IOVA pages in use back where they were. The one thing
 *     allowed to stay is a new page-table page of the SMMU domain (tables
 *     are kept for reuse, mm/pgtable.h), accounted page for page.
 *
 * Scenarios:
 *   edu    (behind the SMMU, or direct) dma_alloc_coherent 8 KiB,
 *          dma_map_single 1000 bytes to the device, dma_map_sg of a
 *          512-byte segment and a 2 MiB one from the device, transfers,
 *          unmaps, free.
 *   bounce (/dma-test/restricted of the pools overlay) dma_alloc_coherent,
 *          dma_map_single, dma_map_sg of three segments, all through the
 *          restricted pool's bounce slots; the CPU plays the device.
 *
 * Page-table pages are only allocated where no table exists yet, so behind
 * the SMMU every run gets an 8 MiB IOVA block never mapped before: the
 * test takes all free IOVA space of the domain, then hands the scenario
 * one such block per run. Its 2 MiB regions then each need a level-3
 * table at the first mapping: the coherent buffer and the single mapping
 * share the first, the scatterlist (4 MiB aligned: more than 2 MiB) takes
 * the upper half, its first segment needing one table and its second,
 * crossing into the last region, another. A failure there proves that a
 * list half mapped is unmapped again. When not enough never-mapped blocks
 * remain (the tests run again from the console), every run reuses one
 * block and the page-table site has no points.
 */
#include <console.h>
#include <dma.h>
#include <drivers/edu.h>
#include <errno.h>
#include <fault_inject.h>
#include <fmt.h>
#include <iommu.h>
#include <mm/dma_internal.h>
#include <mm/mmu.h>
#include <mm/page_alloc.h>
#include <selftest.h>
#include <string.h>

/* drivers/misc/edu_selftests.c relies on this IOVA never being mapped. */
#define EDU_UNMAPPED_IOVA 0x0ff00000ULL

#define RUN_IOVA_SIZE (UL(8) << 20)	/* one run's IOVA block */
#define REGION_SIZE (UL(2) << 20)	/* what one level-3 table maps */
#define FENCE_MAX (PAGE_SIZE / sizeof(struct fence)) /* one page, taken for the test */
#define REUSE_NOTE " (IOVA block reused: no never-mapped space left for page tables)"

/* The edu scenario's buffers (offsets make every mapping start mid-page). */
#define COH_SIZE 8192
#define SMALL_OFF 100
#define SMALL_LEN 1000
#define SEG0_OFF 0x100
#define SEG0_LEN 512
#define SEG1_OFF 0x10
#define SEG1_LEN (UL(2) << 20)
#define XFER 1000
#define BIG_ORDER 10 /* 4 MiB: holds segment 1 */

/* What one run saw. */
struct run {
	unsigned int failed;	/* API calls that returned their error */
	const char *what;	/* the last of them */
	char bad[160];		/* data, leak or report problem; "" if none */
};

static void bad(struct run *r, const char *fmt, ...) __printf(2, 3);

static void bad(struct run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->bad[0])
		return; /* the first problem is the one to see */
	va_start(ap, fmt);
	fmt_vsnprintf(r->bad, sizeof(r->bad), fmt, ap);
	va_end(ap);
}

static void failed(struct run *r, const char *what)
{
	r->failed++;
	r->what = what;
}

static void pattern(u8 *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (u8)(seed * 37 + i * 13 + (i >> 7));
}

static bool is_pattern(const u8 *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (u8)(seed * 37 + i * 13 + (i >> 7)))
			return false;
	return true;
}

/* --- what must come back ---------------------------------------------------- */

struct snap {
	unsigned int live_dev, live_all, errors;
	u64 free_bytes;		/* coherent pools + firmware pages */
	u64 bounce_slabs;	/* default and the device's bounce pools */
	u64 iova_in_use;
	unsigned long tables;	/* page-table pages of the device's domain */
};

static void snap_take(struct snap *s, const struct device *dev)
{
	const struct iommu_domain *d = dev->iommu;
	unsigned int i;

	s->live_dev = dma_debug_live(dev);
	s->live_all = dma_debug_live(NULL);
	s->errors = dma_debug_errors();
	s->free_bytes = page_free_bytes();
	for (i = 0; i < dma_nr_mems; i++)
		s->free_bytes += buddy_free_bytes(&dma_mems[i].buddy);
	s->bounce_slabs = (dma_default_swiotlb ? dma_default_swiotlb->used_slabs : 0) +
			  (dev->bounce && dev->bounce != dma_default_swiotlb ?
				   dev->bounce->used_slabs : 0);
	s->iova_in_use = 0;
	s->tables = 0;
	if (d && d->iova_ready) {
		struct iova_stats st;

		iova_get_stats(&d->iova, &st);
		s->iova_in_use = st.pages_in_use;
		s->tables = d->pgt.tables;
	}
}

/* Compare after a run; a new table page is the SMMU's own coherent allocation. */
static void snap_check(const struct snap *a, const struct snap *b, struct run *r)
{
	unsigned long t = b->tables - a->tables;

	if (b->live_dev != a->live_dev)
		bad(r, "%u mappings/allocations of the device live after the run, %u before",
		    b->live_dev, a->live_dev);
	else if (b->live_all != a->live_all + t)
		bad(r, "%u live DMA records after the run, %u before + %lu table pages",
		    b->live_all, a->live_all, t);
	else if (b->free_bytes + t * PAGE_SIZE != a->free_bytes)
		bad(r, "coherent pools and page allocator: %lld bytes leaked (beyond %lu table pages)",
		    (long long)(a->free_bytes - b->free_bytes - t * PAGE_SIZE), t);
	else if (b->bounce_slabs != a->bounce_slabs)
		bad(r, "%llu bounce slots in use after the run, %llu before",
		    (unsigned long long)b->bounce_slabs, (unsigned long long)a->bounce_slabs);
	else if (b->iova_in_use != a->iova_in_use)
		bad(r, "%llu IOVA pages in use after the run, %llu before",
		    (unsigned long long)b->iova_in_use, (unsigned long long)a->iova_in_use);
	else if (r->failed && b->errors == a->errors)
		bad(r, "%s failed without a report", r->what);
	else if (!r->failed && b->errors != a->errors)
		bad(r, "unexpected report: %s", dma_debug_last());
}

/* --- IOVA blocks never mapped before (see the top of the file) ------------------ */

struct fence {
	dma_addr_t iova;
	u64 size;
};
static struct fence *fence;	/* the blocks taken, during the test only */
static unsigned int nr_fence;

/* Whether no level-3 table or block exists yet for the 2 MiB region at @va. */
static bool region_cold(const struct pgtable *t, u64 va)
{
	const u64 *table = t->root;
	unsigned int lvl;

	for (lvl = t->start_level; lvl <= 2; lvl++) {
		u64 d = table[(va >> (PAGE_SHIFT + 9 * (3 - lvl))) % PGTABLE_ENTRIES];

		if (!(d & PTE_VALID))
			return true;
		if (lvl == 2 || !(d & PTE_TABLE))
			return false;
		table = (const u64 *)(uintptr_t)(d & PTE_ADDR);
	}
	return false;
}

/* Whether no page of [va, va + size) (2 MiB aligned) translates in @t. */
static bool block_clear(const struct pgtable *t, u64 va, u64 size)
{
	u64 end = va + size;

	while (va < end) {
		const u64 *table = t->root;
		unsigned int lvl, i;

		for (lvl = t->start_level; lvl <= 2; lvl++) {
			u64 d = table[(va >> (PAGE_SHIFT + 9 * (3 - lvl))) % PGTABLE_ENTRIES];

			if (!(d & PTE_VALID))
				break;
			if (!(d & PTE_TABLE))
				return false; /* a block */
			table = (const u64 *)(uintptr_t)(d & PTE_ADDR);
		}
		if (lvl > 2)
			for (i = 0; i < PGTABLE_ENTRIES; i++)
				if (table[i] & PTE_VALID)
					return false;
		va += REGION_SIZE;
	}
	return true;
}

static bool block_cold(const struct iommu_domain *d, dma_addr_t a)
{
	u64 off;

	if (EDU_UNMAPPED_IOVA - a < RUN_IOVA_SIZE)
		return false;
	for (off = 0; off < RUN_IOVA_SIZE; off += REGION_SIZE)
		if (!region_cold(&d->pgt, a + off))
			return false;
	return true;
}

static void fence_release(struct iommu_domain *d)
{
	while (nr_fence) {
		nr_fence--;
		iova_free(&d->iova, fence[nr_fence].iova, fence[nr_fence].size);
	}
	iova_flush_cache(&d->iova);
}

/* Take every free IOVA page of @d, RUN_IOVA_SIZE blocks first. Return: 0, -ENOSPC. */
static int fence_take_all(struct iommu_domain *d)
{
	int k;

	iova_flush_cache(&d->iova);
	for (k = buddy_order_of(RUN_IOVA_SIZE); k >= 0; k--) {
		dma_addr_t a;

		while (nr_fence < FENCE_MAX && !iova_alloc(&d->iova, PAGE_SIZE << k, &a))
			fence[nr_fence++] = (struct fence){ a, PAGE_SIZE << k };
		if (nr_fence == FENCE_MAX) {
			fence_release(d);
			return -ENOSPC;
		}
	}
	return 0;
}

/* Fence blocks a run can use: cold ones (in address order), or one reused. */
static unsigned int cold_blocks(const struct iommu_domain *d, unsigned int *first)
{
	unsigned int i, n = 0;

	*first = nr_fence;
	for (i = 0; i < nr_fence; i++) {
		if (fence[i].size != RUN_IOVA_SIZE || !block_cold(d, fence[i].iova))
			continue;
		if (!n++)
			*first = i;
	}
	return n;
}

/* --- the edu scenario ------------------------------------------------------------ */

struct edu_ctx {
	struct edu *e;
	struct iommu_domain *d;
	u8 *small, *seg0, *big;
	int block;		/* fence index of the block runs use; -1: no SMMU */
	bool reuse;		/* every run in that block (no cold blocks left) */
	bool xfer;		/* move data with the edu (100 ms of QEMU time a transfer) */
};

/*
 * Whether [dma, dma + len) reaches [pa, pa + len): behind the SMMU, every
 * page of it (the domain's table, as the SMMU walks it); direct, 1:1.
 */
static bool maps_to(const struct device *dev, dma_addr_t dma, const void *cpu, size_t len)
{
	phys_addr_t pa = (uintptr_t)cpu, got;
	size_t off;

	/* A non-coherent device's buffer from a cacheable pool is a Normal-NC alias. */
	if (mmu_in_remap_window(cpu) && mmu_remap_phys(cpu, &pa))
		return false;
	if (!dev->iommu)
		return dma == pa;
	for (off = 0; off < len; off = ALIGN_DOWN(off + PAGE_SIZE, PAGE_SIZE))
		if (iommu_iova_to_phys(dev->iommu, dma + off, &got) || got != pa + off)
			return false;
	return !iommu_iova_to_phys(dev->iommu, dma + len - 1, &got) && got == pa + len - 1;
}

/* After an unmap behind the SMMU: no page of [dma, dma + len) translates any more. */
static bool unmapped(const struct device *dev, dma_addr_t dma, size_t len)
{
	phys_addr_t got;
	size_t off;

	if (!dev->iommu)
		return true;
	for (off = 0; off < len; off = ALIGN_DOWN(off + PAGE_SIZE, PAGE_SIZE))
		if (!iommu_iova_to_phys(dev->iommu, dma + off, &got))
			return false;
	return true;
}

/*
 * With c->xfer (the runs without injection): single -> device buffer ->
 * coherent buffer and both scatterlist segments, the second in its last
 * 2 MiB region. Every mapping exists in those runs.
 */
static void edu_transfers(struct edu_ctx *c, struct run *r, u8 *cpu, dma_addr_t h, dma_addr_t d1,
			  const struct scatterlist *sg)
{
	if (edu_dma(c->e, d1, 1024, XFER, true) || edu_dma(c->e, h + 4096, 1024, XFER, false) ||
	    edu_dma(c->e, sg[0].dma_address, 1024, SEG0_LEN, false) ||
	    edu_dma(c->e, sg[1].dma_address + SEG1_LEN - XFER, 1024, XFER, false))
		bad(r, "a transfer failed");
	else if (!is_pattern(cpu + 4096, XFER, 2))
		bad(r, "single mapping -> device -> coherent buffer: data differs");
}

static void edu_scenario(struct edu_ctx *c, struct run *r)
{
	struct device *dev = c->e->dev;
	struct scatterlist sg[2];
	u8 *small = c->small + SMALL_OFF, *seg1_tail = c->big + SEG1_OFF + SEG1_LEN - XFER;
	dma_addr_t h = 0, d1;
	u8 *cpu;
	int n;

	memset(c->seg0, 0, PAGE_SIZE);
	memset(seg1_tail, 0, XFER);
	cpu = dma_alloc_coherent(dev, COH_SIZE, &h, GFP_KERNEL);
	if (!cpu)
		failed(r, "dma_alloc_coherent");
	else if (!maps_to(dev, h, cpu, COH_SIZE))
		bad(r, "coherent buffer %p: handle 0x%llx does not reach it", cpu,
		    (unsigned long long)h);
	d1 = dma_map_single(dev, small, SMALL_LEN, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, d1))
		failed(r, "dma_map_single");
	else if (!maps_to(dev, d1, small, SMALL_LEN))
		bad(r, "single mapping 0x%llx does not reach its buffer", (unsigned long long)d1);
	sg_set_buf(&sg[0], c->seg0 + SEG0_OFF, SEG0_LEN);
	sg_set_buf(&sg[1], c->big + SEG1_OFF, SEG1_LEN);
	n = dma_map_sg(dev, sg, 2, DMA_FROM_DEVICE);
	if (!n)
		failed(r, "dma_map_sg");
	else if (!maps_to(dev, sg[0].dma_address, c->seg0 + SEG0_OFF, SEG0_LEN) ||
		 !maps_to(dev, sg[1].dma_address, c->big + SEG1_OFF, SEG1_LEN))
		bad(r, "scatterlist 0x%llx: a segment does not reach its buffer",
		    (unsigned long long)sg[0].dma_address);

	if (c->xfer && !r->failed && !r->bad[0])
		edu_transfers(c, r, cpu, h, d1, sg);
	if (n) {
		dma_unmap_sg(dev, sg, 2, DMA_FROM_DEVICE);
		if (!unmapped(dev, sg[0].dma_address, SEG0_LEN) ||
		    !unmapped(dev, sg[1].dma_address, SEG1_LEN))
			bad(r, "scatterlist still translated after dma_unmap_sg");
		if (c->xfer && !r->bad[0] &&
		    (!is_pattern(c->seg0 + SEG0_OFF, SEG0_LEN, 2) || !is_pattern(seg1_tail, XFER, 2)))
			bad(r, "scatterlist: data did not arrive");
	}
	if (d1 != DMA_MAPPING_ERROR) {
		dma_unmap_single(dev, d1, SMALL_LEN, DMA_TO_DEVICE);
		if (!unmapped(dev, d1, SMALL_LEN))
			bad(r, "single mapping still translated after dma_unmap_single");
	}
	if (cpu) {
		dma_free_coherent(dev, COH_SIZE, cpu, h);
		if (!unmapped(dev, h, COH_SIZE))
			bad(r, "coherent buffer still translated after dma_free_coherent");
	}
}

/* One run: its IOVA block handed out, armed, the scenario, the checks. */
static void edu_run(struct edu_ctx *c, unsigned int mask, unsigned int nth, struct run *r)
{
	struct snap before, after;
	dma_addr_t a = 0;

	*r = (struct run){ 0 };
	if (c->block >= 0) {
		a = fence[c->block].iova;
		iova_free(&c->d->iova, a, RUN_IOVA_SIZE); /* above the cached orders: to the buddy */
	}
	snap_take(&before, c->e->dev);
	c->xfer = !nth; /* real DMA where nothing fails: the counting and the last run */
	fault_inject_arm(mask, nth);
	edu_scenario(c, r);
	fault_inject_disarm();
	if (c->block >= 0)
		iova_flush_cache(&c->d->iova);
	snap_take(&after, c->e->dev);
	snap_check(&before, &after, r);
	if (c->block < 0)
		return;
	/* Nothing the run mapped (or half mapped) may still translate. */
	if (!block_clear(&c->d->pgt, a, RUN_IOVA_SIZE))
		bad(r, "IOVA block 0x%llx: a page still translates after the run",
		    (unsigned long long)a);
	/* Whole again, or something inside it is still allocated. */
	if (iova_alloc(&c->d->iova, RUN_IOVA_SIZE, &fence[c->block].iova) ||
	    fence[c->block].iova != a) {
		bad(r, "IOVA block 0x%llx not free as a whole after the run",
		    (unsigned long long)a);
		return;
	}
	if (!c->reuse) {
		unsigned int next;

		cold_blocks(c->d, &next);
		c->block = next < nr_fence ? (int)next : c->block;
	}
}

/* --- the bounce scenario --------------------------------------------------------- */

struct bounce_ctx {
	struct device *dev;
	u8 *src, *dst;
};

static const struct {
	unsigned int off, len;
} bounce_segs[] = { { 0, 300 }, { 1000, 2100 }, { 4000, 100 } };

static void bounce_scenario(struct bounce_ctx *c, struct run *r)
{
	struct device *dev = c->dev;
	struct swiotlb *sw = dev->bounce;
	struct scatterlist sg[ARRAY_SIZE(bounce_segs)];
	dma_addr_t h = 0, d1;
	u8 *cpu = NULL;
	unsigned int i;
	int n;

	memset(c->dst, 0, 2 * PAGE_SIZE);
	if (dev->dma_coherent) {
		cpu = dma_alloc_coherent(dev, COH_SIZE, &h, GFP_KERNEL);
		if (!cpu)
			failed(r, "dma_alloc_coherent");
		else if (!swiotlb_owns(sw, (uintptr_t)cpu))
			bad(r, "coherent buffer %p outside the restricted pool", cpu);
	}
	d1 = dma_map_single(dev, c->src + SMALL_OFF, SMALL_LEN, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, d1))
		failed(r, "dma_map_single");
	else if (!swiotlb_owns(sw, d1) ||
		 memcmp((void *)(uintptr_t)d1, c->src + SMALL_OFF, SMALL_LEN))
		bad(r, "single mapping 0x%llx: not a bounce slot holding the data",
		    (unsigned long long)d1);
	for (i = 0; i < ARRAY_SIZE(bounce_segs); i++)
		sg_set_buf(&sg[i], c->dst + bounce_segs[i].off, bounce_segs[i].len);
	n = dma_map_sg(dev, sg, ARRAY_SIZE(bounce_segs), DMA_FROM_DEVICE);
	if (!n)
		failed(r, "dma_map_sg");
	if (n) {
		/* The "device" writes each slot; unmapping copies the slots back. */
		for (i = 0; i < ARRAY_SIZE(bounce_segs); i++)
			pattern((u8 *)(uintptr_t)sg[i].dma_address, bounce_segs[i].len, 10 + i);
		dma_unmap_sg(dev, sg, ARRAY_SIZE(bounce_segs), DMA_FROM_DEVICE);
		for (i = 0; i < ARRAY_SIZE(bounce_segs); i++)
			if (!is_pattern(c->dst + bounce_segs[i].off, bounce_segs[i].len, 10 + i))
				bad(r, "segment %u: data not copied back from its slot", i);
	}
	if (d1 != DMA_MAPPING_ERROR)
		dma_unmap_single(dev, d1, SMALL_LEN, DMA_TO_DEVICE);
	if (cpu)
		dma_free_coherent(dev, COH_SIZE, cpu, h);
}

static void bounce_run(struct bounce_ctx *c, unsigned int mask, unsigned int nth, struct run *r)
{
	struct snap before, after;

	*r = (struct run){ 0 };
	snap_take(&before, c->dev);
	fault_inject_arm(mask, nth);
	bounce_scenario(c, r);
	fault_inject_disarm();
	snap_take(&after, c->dev);
	snap_check(&before, &after, r);
}

/* --- driving both ---------------------------------------------------------------- */

struct tally {
	unsigned int points[FAULT_INJECT_NR_SITES];
	unsigned int absorbed[FAULT_INJECT_NR_SITES];
};

typedef void (*run_fn)(void *c, unsigned int mask, unsigned int nth, struct run *r);

/* The unarmed run: how many allocations each site sees. Return: ST_PASS or ST_SKIP. */
static enum st_result count_points(struct selftest_ctx *ctx, const char *name, run_fn fn,
				   void *c, unsigned int *counts)
{
	struct run r;
	unsigned int s;

	fn(c, 0, 0, &r);
	if (r.failed || r.bad[0])
		ST_SKIP("%s: the scenario fails without injection (%s)", name,
			r.bad[0] ? r.bad : r.what);
	for (s = 0; s < FAULT_INJECT_NR_SITES; s++)
		counts[s] = fault_inject_hits(s);
	return ST_PASS;
}

/* Fail each counted allocation in turn, then run once more without. */
static enum st_result inject_each(struct selftest_ctx *ctx, const char *name, run_fn fn, void *c,
				  const unsigned int *counts, struct tally *t)
{
	struct run r;
	unsigned int s, n;

	for (s = 0; s < FAULT_INJECT_NR_SITES; s++) {
		for (n = 1; n <= counts[s]; n++) {
			enum fault_site where;

			fn(c, FAULT_INJECT_MASK(s), n, &r);
			ST_ASSERT(fault_inject_fired(&where) && where == s,
				  "%s: %s allocation %u of %u not reached: the runs differ", name,
				  fault_inject_site_name(s), n, counts[s]);
			ST_ASSERT(!r.bad[0], "%s, %s allocation %u failing: %s", name,
				  fault_inject_site_name(s), n, r.bad);
			ST_ASSERT(r.failed <= 1, "%s, %s allocation %u failing: %u calls failed",
				  name, fault_inject_site_name(s), n, r.failed);
			/* Only a coherent allocation has somewhere else to go (the next pool). */
			ST_ASSERT(r.failed || s == FAULT_INJECT_COHERENT,
				  "%s, %s allocation %u failed but every call succeeded", name,
				  fault_inject_site_name(s), n);
			t->points[s]++;
			t->absorbed[s] += !r.failed;
		}
	}
	/* Afterwards the same scenario works in full. */
	fn(c, 0, 0, &r);
	ST_ASSERT(!r.failed && !r.bad[0], "%s: after the injections the scenario fails: %s", name,
		  r.bad[0] ? r.bad : r.what);
	return ST_PASS;
}

static void edu_run_fn(void *c, unsigned int mask, unsigned int nth, struct run *r)
{
	edu_run(c, mask, nth, r);
}

static void bounce_run_fn(void *c, unsigned int mask, unsigned int nth, struct run *r)
{
	bounce_run(c, mask, nth, r);
}

static void print_counts(const char *name, const unsigned int *counts, const char *note)
{
	unsigned int s;

	kprintf("inject: %s:", name);
	for (s = 0; s < FAULT_INJECT_NR_SITES; s++)
		kprintf("%s %s %u", s ? "," : "", fault_inject_site_name(s), counts[s]);
	kprintf(" allocations per run%s\n", note);
}

static enum st_result edu_inject(struct selftest_ctx *ctx, struct edu *e, struct tally *t)
{
	struct edu_ctx c = { .e = e, .d = e->dev->iommu, .block = -1 };
	struct device *dev = e->dev;
	unsigned int counts[FAULT_INJECT_NR_SITES], first, need, s;
	struct run warm;
	dma_addr_t h;
	u64 iova_before = 0;
	enum st_result ret = ST_FAIL;
	const char *note = "";

	c.small = page_alloc(0);
	c.seg0 = page_alloc(0);
	c.big = page_alloc(BIG_ORDER);
	if (!c.small || !c.seg0 || !c.big) {
		ret = selftest_fail(ctx, ST_FAIL, "no memory for the edu scenario's buffers");
		goto out;
	}
	pattern(c.small + SMALL_OFF, SMALL_LEN, 2);
	/* One mapping first: it sets the domain's IOVA space up (mm/dma_iommu.c). */
	h = dma_map_single(dev, c.small, PAGE_SIZE, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, h)) {
		ret = selftest_fail(ctx, ST_SKIP, "%s: cannot map a page (%s)", dev->name,
				    dma_debug_last());
		goto out;
	}
	dma_unmap_single(dev, h, PAGE_SIZE, DMA_TO_DEVICE);
	if (c.d) {
		struct iova_stats st;

		iova_flush_cache(&c.d->iova);
		iova_get_stats(&c.d->iova, &st);
		iova_before = st.pages_in_use;
		fence = page_alloc(0);
		if (!fence || fence_take_all(c.d)) {
			ret = selftest_fail(ctx, ST_FAIL, "no page for the fence, or IOVA space of %s too fragmented",
					    c.d->name);
			goto out;
		}
		if (!cold_blocks(c.d, &first)) {
			/* No never-mapped block: reuse any 8 MiB one. */
			for (first = 0; first < nr_fence && fence[first].size != RUN_IOVA_SIZE;
			     first++)
				;
			if (first == nr_fence) {
				ret = selftest_fail(ctx, ST_SKIP, "no free 8 MiB of IOVA in %s",
						    c.d->name);
				goto out;
			}
			c.reuse = true;
			note = REUSE_NOTE;
		}
		c.block = (int)first;
	}
	if (c.reuse)
		edu_run(&c, 0, 0, &warm); /* its regions get their tables once, before counting */
	ret = count_points(ctx, dev->name, edu_run_fn, &c, counts);
	if (ret == ST_PASS && c.d && !c.reuse) {
		/* Counted in a never-mapped block: is there one for every armed run? */
		for (need = 0, s = 0; s < FAULT_INJECT_NR_SITES; s++)
			need += counts[s];
		if (cold_blocks(c.d, &first) < need) {
			/* No: all runs in one block, used once first; no page-table points. */
			c.reuse = true;
			note = REUSE_NOTE;
			edu_run(&c, 0, 0, &warm);
			ret = count_points(ctx, dev->name, edu_run_fn, &c, counts);
		}
	}
	if (ret == ST_PASS)
		ret = inject_each(ctx, dev->name, edu_run_fn, &c, counts, t);
	if (ret == ST_PASS)
		print_counts(dev->name, counts, note);
out:
	if (c.d && nr_fence) {
		struct iova_stats st;

		fence_release(c.d);
		iova_get_stats(&c.d->iova, &st);
		if (ret == ST_PASS && st.pages_in_use != iova_before)
			ret = selftest_fail(ctx, ST_FAIL, "%llu IOVA pages in use after the test, %llu "
					    "before", (unsigned long long)st.pages_in_use,
					    (unsigned long long)iova_before);
	}
	page_free(fence);
	fence = NULL;
	page_free(c.small);
	page_free(c.seg0);
	page_free(c.big);
	return ret;
}

static enum st_result bounce_inject(struct selftest_ctx *ctx, struct device *dev,
				    struct tally *t)
{
	struct bounce_ctx c = { .dev = dev };
	unsigned int counts[FAULT_INJECT_NR_SITES];
	enum st_result ret;

	c.src = page_alloc(1);
	c.dst = page_alloc(1);
	if (!c.src || !c.dst) {
		ret = selftest_fail(ctx, ST_FAIL, "no memory for the bounce scenario's buffers");
	} else {
		pattern(c.src, 2 * PAGE_SIZE, 5);
		ret = count_points(ctx, dev->name, bounce_run_fn, &c, counts);
		if (ret == ST_PASS)
			ret = inject_each(ctx, dev->name, bounce_run_fn, &c, counts, t);
		if (ret == ST_PASS)
			print_counts(dev->name, counts, "");
	}
	page_free(c.src);
	page_free(c.dst);
	return ret;
}

SELFTEST(inject, alloc_failures_recover)
{
	struct device *restricted = device_get_dt("/dma-test/restricted");
	struct edu *e = edu_get(0);
	struct tally t = { { 0 }, { 0 } };
	unsigned int s, ran = 0;
	enum st_result ret;

	if (e) {
		ret = edu_inject(ctx, e, &t);
		if (ret == ST_FAIL)
			return ret;
		if (ret == ST_SKIP && restricted && restricted->force_bounce)
			kprintf("inject: edu scenario skipped: %s\n", ctx->reason);
		ran += ret == ST_PASS;
	}
	if (restricted && restricted->force_bounce) {
		ret = bounce_inject(ctx, restricted, &t);
		if (ret == ST_FAIL)
			return ret;
		if (ret == ST_SKIP)
			kprintf("inject: bounce scenario skipped: %s\n", ctx->reason);
		ran += ret == ST_PASS;
	}
	if (!ran) {
		if (!e && !(restricted && restricted->force_bounce))
			ST_SKIP("no edu and no /dma-test/restricted (boot with -device edu or the "
				"pools overlay)");
		return ST_SKIP; /* the reason of the last scenario is in ctx */
	}
	kprintf("inject:");
	for (s = 0; s < FAULT_INJECT_NR_SITES; s++) {
		kprintf("%s %s %u%s", s ? "," : "", fault_inject_site_name(s), t.points[s],
			s ? "" : t.points[s] == 1 ? " point" : " points");
		if (t.absorbed[s])
			kprintf(" (%u taken by a fallback pool)", t.absorbed[s]);
	}
	kprintf(": all recovered\n");
	return ST_PASS;
}
