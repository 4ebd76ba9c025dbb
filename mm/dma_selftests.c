/*
 * In-image tests of the DMA layer on the pools overlay
 * (dts/qemu-virt-pools.dtso): real reserved-memory pools, real MMU
 * attributes, the test devices under /dma-test. Without the overlay they
 * skip, saying so.
 */
#include <arch/pmu.h>
#include <console.h>
#include <dma.h>
#include <errno.h>
#include <exception.h>
#include <fmt.h>
#include <layout.h>
#include <mm/dma_cache.h>
#include <mm/dma_internal.h>
#include <mm/mmu.h>
#include <mm/pgtable.h>
#include <mm/page_alloc.h>
#include <mm/reclaim.h>
#include <selftest.h>
#include <string.h>

#define T_NOMAP "/dma-test/coherent-nomap-pool"
#define T_REUSE "/dma-test/coherent-reusable-pool"
#define T_CMA "/dma-test/coherent-cma-default"
#define T_DEFAULT "/dma-test/coherent-dma-default"
#define T_NC "/dma-test/noncoherent-nomap-pool"
#define T_NC_REUSE "/dma-test/noncoherent-reusable-pool" /* noncoherent overlay only */
#define T_RESTRICTED "/dma-test/restricted"
#define T_OFFSET "/dma-test/offset-bus/dma-ranges-offset"

static bool contains(const char *s, const char *sub)
{
	size_t n = strlen(sub);

	for (; *s; s++)
		if (!strncmp(s, sub, n))
			return true;
	return false;
}

static enum mmu_type mmu_type_at(phys_addr_t pa)
{
	unsigned int i, n;
	const struct mmu_region *r = mmu_regions(&n);

	for (i = 0; i < n; i++)
		if (pa >= r[i].base && pa - r[i].base < r[i].size)
			return r[i].type;
	return MMU_HOLE;
}

static bool all_zero(const u8 *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

#define NEED_DEV(var, path)                                                      \
	struct device *var = device_get_dt(path);                                \
	if (!(var))                                                              \
		ST_SKIP("no %s in this DT (boot with the pools overlay)", path)

static u8 buf_a[8192] __aligned(64);
static u8 buf_b[8192] __aligned(64);

SELFTEST(dma, pools_from_dt)
{
	NEED_DEV(dev, T_NOMAP);
	(void)dev;
	ST_ASSERT(dma_memmap_problems() == 0, "%u memory-map problems", dma_memmap_problems());
	ST_ASSERT(dma_default_mem && dma_default_mem->nc, "linux,dma-default pool missing");
	ST_ASSERT(dma_cma_mem && dma_cma_mem->reusable, "linux,cma-default pool missing");
	ST_ASSERT(dma_nc_mem && dma_default_swiotlb, "firmware NC pool or swiotlb missing");
	ST_ASSERT(mmu_type_at(dma_default_mem->base) == MMU_DMA_NC, "no-map pool not Normal NC");
	ST_ASSERT(mmu_type_at(dma_cma_mem->base) == MMU_DATA, "reusable pool not Normal WB");
	return ST_PASS;
}

/* Coherent memory: own pool, zeroed, naturally aligned, freed back. */
SELFTEST(dma, coherent_own_pool)
{
	static const size_t sizes[] = { 1, 4096, 5000, 65536, 3 * 4096 };
	NEED_DEV(dev, T_NOMAP);
	unsigned int live = dma_debug_live(NULL), i;
	u64 before;

	ST_ASSERT(dev->mem, "%s has no pool of its own: its memory-region did not resolve",
		  dev->name);
	before = buddy_free_bytes(&dev->mem->buddy);

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		u64 align = PAGE_SIZE << buddy_order_of(sizes[i]);
		dma_addr_t dma;
		u8 *p = dma_alloc_coherent(dev, sizes[i], &dma, GFP_KERNEL);

		ST_ASSERT(p, "size %zu", sizes[i]);
		ST_ASSERT(dma == (uintptr_t)p, "1:1 device: dma 0x%llx cpu %p", (unsigned long long)dma,
			  p);
		ST_ASSERT(dma_mem_of(dma) == dev->mem, "not from the device's pool");
		ST_ASSERT(IS_ALIGNED(dma, align), "0x%llx not aligned to %llu", (unsigned long long)dma,
			  (unsigned long long)align);
		ST_ASSERT(all_zero(p, align), "not zeroed");
		memset(p, 0xa5, sizes[i]);
		dma_free_coherent(dev, sizes[i], p, dma);
	}
	ST_ASSERT(buddy_free_bytes(&dev->mem->buddy) == before, "pool did not get everything back");
	ST_ASSERT(dma_debug_live(NULL) == live);
	return ST_PASS;
}

/* Devices without memory-region use linux,dma-default; CMA-bound ones their pool. */
SELFTEST(dma, coherent_defaults)
{
	NEED_DEV(off, T_OFFSET);
	NEED_DEV(cma, T_CMA);
	dma_addr_t d1, d2;
	void *p1 = dma_alloc_coherent(off, 4096, &d1, GFP_KERNEL);
	void *p2 = dma_alloc_coherent(cma, 4096, &d2, GFP_KERNEL);

	ST_ASSERT(p1 && dma_mem_of((uintptr_t)p1) == dma_default_mem, "not from dma-default");
	ST_ASSERT(p2 && dma_mem_of((uintptr_t)p2) == dma_cma_mem, "not from cma-default");
	dma_free_coherent(off, 4096, p1, d1);
	dma_free_coherent(cma, 4096, p2, d2);
	return ST_PASS;
}

/* A non-coherent device's coherent memory is mapped Normal Non-cacheable. */
SELFTEST(dma, noncoherent_coherent_is_nc)
{
	NEED_DEV(dev, T_NC);
	dma_addr_t dma;
	void *p;

	ST_ASSERT(!dev->dma_coherent, "device should be non-coherent");
	p = dma_alloc_coherent(dev, 8192, &dma, GFP_KERNEL);
	ST_ASSERT(p, "allocation failed");
	ST_ASSERT(mmu_type_at((uintptr_t)p) == MMU_DMA_NC, "CPU mapping is %s",
		  mmu_type_name(mmu_type_at((uintptr_t)p)));
	dma_free_coherent(dev, 8192, p, dma);
	return ST_PASS;
}

/* Owners of lent blocks asked to give them back (reclaimable_alloc's callback). */
static unsigned int released;

static void release_block(void *ctx, void *block)
{
	(void)ctx;
	(void)block;
	released++;
}

/*
 * Every page of the alias @cpu of @bytes: mapped by the CPU's tables to
 * @pa + offset, Normal-NC (AttrIndx), execute-never.
 */
static enum st_result check_alias(struct selftest_ctx *ctx, const u8 *cpu, phys_addr_t pa,
				  u64 bytes)
{
	u64 off;

	for (off = 0; off < bytes; off += PAGE_SIZE) {
		phys_addr_t got;
		unsigned int level;
		u64 desc;

		ST_ASSERT(!mmu_lookup((uintptr_t)cpu + off, &got, &desc, &level),
			  "alias %p+0x%llx not mapped", cpu, (unsigned long long)off);
		ST_ASSERT(got == pa + off, "alias %p+0x%llx maps 0x%llx, want 0x%llx", cpu,
			  (unsigned long long)off, (unsigned long long)got,
			  (unsigned long long)(pa + off));
		ST_ASSERT(FIELD_GET(PTE_ATTRINDX, desc) == MAIR_IDX_NORMAL_NC,
			  "alias %p: descriptor 0x%llx has AttrIndx %llu, not Normal-NC (%d)", cpu,
			  (unsigned long long)desc, (unsigned long long)FIELD_GET(PTE_ATTRINDX, desc),
			  MAIR_IDX_NORMAL_NC);
		ST_ASSERT((desc & (PTE_PXN | PTE_UXN)) == (PTE_PXN | PTE_UXN) && (desc & PTE_AF),
			  "alias descriptor 0x%llx (level %u)", (unsigned long long)desc, level);
	}
	return ST_PASS;
}

/* After the free: the window VA is unmapped, and a load from it faults. */
static enum st_result check_gone(struct selftest_ctx *ctx, const u8 *cpu)
{
	struct fault_record f;
	phys_addr_t pa;
	unsigned int level;
	u64 desc;
	int fsc_level = -1;
	const char *fsc;

	ST_ASSERT(mmu_lookup((uintptr_t)cpu, &pa, &desc, &level) == -ENOENT,
		  "window VA %p still maps 0x%llx", cpu, (unsigned long long)pa);
	fault_expect(EC_DABT_CUR);
	(void)*(const volatile u8 *)cpu;
	f = fault_expect_end();
	ST_ASSERT(f.taken, "load from the freed alias %p did not fault (stale TLB entry?)", cpu);
	fsc = esr_fsc_name(FIELD_GET(ESR_ISS_xFSC, f.esr), &fsc_level);
	/* With TBI1 the top byte of FAR_EL1 is not architected: compare VA[55:0]. */
	ST_ASSERT(!((f.far ^ (uintptr_t)cpu) & GENMASK_ULL(55, 0)) && fsc &&
		  !strncmp(fsc, "translation", 11),
		  "fault at 0x%llx: %s", (unsigned long long)f.far, fsc ? fsc : "?");
	return ST_PASS;
}

/*
 * A non-coherent device bound to a cacheable (reusable) pool: its coherent
 * buffers come from that pool, the CPU sees them through a Normal-NC alias
 * in the remap window (Linux's DMA_DIRECT_REMAP), what is written there is
 * in memory (the linear alias reads it after an invalidate), and the free
 * unmaps the alias and gives everything back. The pool is first lent out
 * whole, with data written through the linear map: the allocation must
 * reclaim it, and the buffer still reads zero through the alias.
 */
SELFTEST(dma, noncoherent_cacheable_pool_alias)
{
	static const size_t sizes[] = { 3 * 4096 + 5, 4096, 2 << 20 };
	struct device *dev = device_get_dt(T_NC_REUSE);
	unsigned int live = dma_debug_live(NULL), e0 = dma_debug_errors(), n = 0, i;
	void *blocks[32];
	u64 before;

	if (!dev)
		ST_SKIP("no %s in this DT (boot with the noncoherent overlay)", T_NC_REUSE);
	ST_ASSERT(!dev->dma_coherent, "device should be non-coherent");
	ST_ASSERT(dev->mem && !dev->mem->nc && dev->mem->reusable,
		  "%s is not bound to its cacheable reusable pool", dev->name);
	before = buddy_free_bytes(&dev->mem->buddy);
	/* Lend the whole pool; the borrowers dirty it through the linear map. */
	while (n < ARRAY_SIZE(blocks) && buddy_free_bytes(&dev->mem->buddy)) {
		blocks[n] = reclaimable_alloc(8, release_block, NULL);
		ST_ASSERT(blocks[n], "reclaimable_alloc failed");
		memset(blocks[n], 0xee, PAGE_SIZE << 8);
		n++;
	}
	ST_ASSERT(!buddy_free_bytes(&dev->mem->buddy), "pool not fully lent");
	released = 0;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		u64 bytes = PAGE_SIZE << buddy_order_of(sizes[i]);
		enum st_result r;
		dma_addr_t dma;
		u8 *p = dma_alloc_coherent(dev, sizes[i], &dma, GFP_KERNEL);
		u64 k;

		ST_ASSERT(p, "size %zu: %s", sizes[i], dma_debug_last());
		ST_ASSERT(mmu_in_remap_window(p), "size %zu: CPU address %p not in the remap window",
			  sizes[i], p);
		ST_ASSERT(IS_ALIGNED((uintptr_t)p, bytes) && IS_ALIGNED(dma, bytes),
			  "alias %p or handle 0x%llx not aligned to %llu", p, (unsigned long long)dma,
			  (unsigned long long)bytes);
		ST_ASSERT(dma_mem_of(dma) == dev->mem, "handle 0x%llx not in the device's pool",
			  (unsigned long long)dma);
		r = check_alias(ctx, p, dma, bytes);
		if (r != ST_PASS)
			return r;
		ST_ASSERT(all_zero(p, bytes), "size %zu: not zeroed through the alias", sizes[i]);
		for (k = 0; k < bytes; k++)
			p[k] = (u8)(k * 13 + i);
		/* The memory holds it: the linear alias, invalidated, reads it back. */
		dma_cache_for_cpu_complete(dma, bytes, DMA_FROM_DEVICE);
		for (k = 0; k < bytes; k++)
			ST_ASSERT(((const u8 *)(uintptr_t)dma)[k] == (u8)(k * 13 + i),
				  "size %zu: byte %llu written through the alias not in memory",
				  sizes[i], (unsigned long long)k);
		dma_free_coherent(dev, sizes[i], p, dma);
		r = check_gone(ctx, p);
		if (r != ST_PASS)
			return r;
	}
	ST_ASSERT(released > 0, "the allocation did not reclaim the lent pool");
	{
		/* dma_pool chunks are aliases too: blocks inside the window. */
		struct dma_pool *pool = dma_pool_create("nc-alias", dev, 48, 16, 256);
		dma_addr_t bd[3];
		u8 *blk[3];

		ST_ASSERT(pool, "dma_pool_create: %s", dma_debug_last());
		for (i = 0; i < ARRAY_SIZE(blk); i++) {
			blk[i] = dma_pool_alloc(pool, GFP_KERNEL, &bd[i]);
			ST_ASSERT(blk[i] && mmu_in_remap_window(blk[i]) &&
					  dma_mem_of(bd[i]) == dev->mem,
				  "block %u: %p handle 0x%llx: %s", i, blk[i],
				  (unsigned long long)bd[i], dma_debug_last());
			blk[i][0] = (u8)(0x40 + i);
		}
		for (i = 0; i < ARRAY_SIZE(blk); i++)
			dma_pool_free(pool, blk[i], bd[i]);
		dma_pool_destroy(pool);
	}
	for (i = 0; i < n; i++)
		reclaimable_free(blocks[i]); /* the reclaimed ones are already back */
	ST_ASSERT(reclaimable_lent() == 0, "%u blocks still lent", reclaimable_lent());
	ST_ASSERT(buddy_free_bytes(&dev->mem->buddy) == before, "pool did not get everything back");
	ST_ASSERT(dma_debug_live(NULL) == live && dma_debug_errors() == e0, "%s", dma_debug_last());
	return ST_PASS;
}

/* The CPU-to-bus offset of the device's single dma-ranges window. */
static u64 bus_offset(const struct device *dev)
{
	return dev->dt.range[0].cpu_start - dev->dt.range[0].dma_start;
}

/* dma-ranges: the device sees RAM shifted by its bus's offset. */
SELFTEST(dma, dma_ranges_offset)
{
	NEED_DEV(dev, T_OFFSET);
	dma_addr_t dma;

	ST_ASSERT(dev->dt.nr_ranges == 1 && bus_offset(dev), "expected one offset window, got %d",
		  dev->dt.nr_ranges);
	dma = dma_map_single(dev, buf_a, 256, DMA_TO_DEVICE);
	ST_ASSERT(!dma_mapping_error(dev, dma));
	ST_ASSERT(dma == (uintptr_t)buf_a - bus_offset(dev), "dma 0x%llx for cpu %p",
		  (unsigned long long)dma, (void *)buf_a);
	dma_unmap_single(dev, dma, 256, DMA_TO_DEVICE);
	return ST_PASS;
}

/* A mask that cannot reach the buffer bounces through the low swiotlb. */
SELFTEST(dma, bounce_for_mask)
{
	NEED_DEV(dev, T_OFFSET);
	NEED_DEV(cma, T_CMA);
	u64 old = dev->dma_mask;
	dma_addr_t dma, cma_dma;
	phys_addr_t pa;
	u8 *high;

	/* A buffer in the CMA pool, above 256 MiB of this device's bus space. */
	high = dma_alloc_coherent(cma, 4096, &cma_dma, GFP_KERNEL);
	ST_ASSERT(high);
	ST_ASSERT((uintptr_t)high - bus_offset(dev) > DMA_BIT_MASK(28), "buffer %p is in reach",
		  high);
	memset(high, 0x3c, 300);
	ST_ASSERT(!dma_set_mask(dev, DMA_BIT_MASK(28)));
	dma = dma_map_single(dev, high, 300, DMA_BIDIRECTIONAL);
	ST_ASSERT(!dma_mapping_error(dev, dma), "%s", dma_debug_last());
	ST_ASSERT(dma + 300 <= DMA_BIT_MASK(28) + 1, "dma 0x%llx beyond the mask",
		  (unsigned long long)dma);
	pa = dma + bus_offset(dev);
	ST_ASSERT(swiotlb_owns(dma_default_swiotlb, pa), "not bounced");
	ST_ASSERT(((u8 *)(uintptr_t)pa)[299] == 0x3c, "data not copied in");
	((u8 *)(uintptr_t)pa)[7] = 0x77; /* the "device" writes */
	dma_unmap_single(dev, dma, 300, DMA_BIDIRECTIONAL);
	ST_ASSERT(high[7] == 0x77, "data not copied back");
	dma_set_mask(dev, old);
	dma_free_coherent(cma, 4096, high, cma_dma);
	return ST_PASS;
}

/* restricted-dma-pool: every mapping bounces through the device's own pool. */
SELFTEST(dma, bounce_restricted)
{
	NEED_DEV(dev, T_RESTRICTED);
	struct swiotlb *sw = dev->bounce;
	dma_addr_t dma;
	unsigned int i;

	ST_ASSERT(sw && dev->force_bounce, "device not bound to its restricted pool");
	for (i = 0; i < sizeof(buf_a); i++)
		buf_a[i] = (u8)(i * 7);
	dma = dma_map_single(dev, buf_a, 3000, DMA_TO_DEVICE);
	ST_ASSERT(!dma_mapping_error(dev, dma));
	ST_ASSERT(swiotlb_owns(sw, dma), "dma 0x%llx outside %s", (unsigned long long)dma, sw->name);
	ST_ASSERT(!memcmp((void *)(uintptr_t)dma, buf_a, 3000), "slot does not hold the data");
	dma_unmap_single(dev, dma, 3000, DMA_TO_DEVICE);

	memset(buf_b, 0, sizeof(buf_b));
	dma = dma_map_single(dev, buf_b, 5000, DMA_FROM_DEVICE);
	ST_ASSERT(!dma_mapping_error(dev, dma));
	memcpy((void *)(uintptr_t)dma, buf_a, 5000); /* the device writes the slot */
	dma_sync_single_for_cpu(dev, dma + 1000, 100, DMA_FROM_DEVICE);
	ST_ASSERT(!memcmp(buf_b + 1000, buf_a + 1000, 100), "partial sync did not copy back");
	ST_ASSERT(buf_b[999] == 0 && buf_b[1100] == 0, "sync copied outside its range");
	dma_unmap_single(dev, dma, 5000, DMA_FROM_DEVICE);
	ST_ASSERT(!memcmp(buf_b, buf_a, 5000), "unmap did not copy back");
	ST_ASSERT(sw->used_slabs == 0, "%u slots still in use", sw->used_slabs);
	return ST_PASS;
}

SELFTEST(dma, map_sg)
{
	NEED_DEV(dev, T_NC);
	struct scatterlist sg[4];
	unsigned int live = dma_debug_live(dev);
	int i;

	sg_set_buf(&sg[0], buf_a, 100);
	sg_set_buf(&sg[1], buf_a + 4096, 4096);
	sg_set_buf(&sg[2], buf_b + 3, 61);
	sg_set_buf(&sg[3], buf_b + 4000, 1000);
	ST_ASSERT(dma_map_sg(dev, sg, 4, DMA_BIDIRECTIONAL) == 4);
	for (i = 0; i < 4; i++)
		ST_ASSERT(sg[i].dma_address == sg[i].phys && sg[i].dma_length == sg[i].length,
			  "entry %d", i);
	ST_ASSERT(dma_debug_live(dev) == live + 4);
	dma_sync_sg_for_cpu(dev, sg, 4, DMA_BIDIRECTIONAL);
	dma_sync_sg_for_device(dev, sg, 4, DMA_BIDIRECTIONAL);
	dma_unmap_sg(dev, sg, 4, DMA_BIDIRECTIONAL);
	ST_ASSERT(dma_debug_live(dev) == live);
	return ST_PASS;
}

/* Each misuse is reported with the device and the handle, nothing is corrupted. */
SELFTEST(dma, debug_catches_misuse)
{
	NEED_DEV(dev, T_NC);
	unsigned int e0 = dma_debug_errors();
	u8 on_stack[64];
	struct scatterlist sg;
	dma_addr_t dma;

	dma_unmap_single(dev, 0x12345000, 64, DMA_TO_DEVICE);
	ST_ASSERT(dma_debug_errors() == e0 + 1 && contains(dma_debug_last(), "unknown handle 0x12345000"),
		  "%s", dma_debug_last());

	dma = dma_map_single(dev, buf_a, 128, DMA_TO_DEVICE);
	ST_ASSERT(!dma_mapping_error(dev, dma));
	dma_sync_single_for_cpu(dev, dma + 256, 16, DMA_TO_DEVICE);
	ST_ASSERT(contains(dma_debug_last(), "outside any mapping"), "%s", dma_debug_last());
	dma_unmap_single(dev, dma, 64, DMA_FROM_DEVICE);
	ST_ASSERT(dma_debug_errors() == e0 + 4, "wrong size and direction: %u reports",
		  dma_debug_errors() - e0);
	ST_ASSERT(contains(dma_debug_last(), "wrong direction: DMA_FROM_DEVICE, mapped DMA_TO_DEVICE"),
		  "%s", dma_debug_last());

	dma = dma_map_single(dev, buf_a, 128, DMA_TO_DEVICE);
	dma_unmap_single(dev, dma, 128, DMA_TO_DEVICE); /* error never checked */
	ST_ASSERT(contains(dma_debug_last(), "did not check dma_mapping_error"), "%s",
		  dma_debug_last());

	sg_set_buf(&sg, buf_a, 32);
	ST_ASSERT(dma_map_sg(dev, &sg, 1, DMA_TO_DEVICE) == 1);
	dma_unmap_single(dev, sg.dma_address, 32, DMA_TO_DEVICE);
	ST_ASSERT(contains(dma_debug_last(), "scatter-gather mapping as single"), "%s",
		  dma_debug_last());

	dma = dma_map_single(dev, on_stack, sizeof(on_stack), DMA_FROM_DEVICE);
	ST_ASSERT(dma == DMA_MAPPING_ERROR && contains(dma_debug_last(), "stack memory"), "%s",
		  dma_debug_last());
	dma = dma_map_single(dev, (void *)(uintptr_t)dma_debug_last, 16, DMA_TO_DEVICE);
	ST_ASSERT(dma == DMA_MAPPING_ERROR && contains(dma_debug_last(), "read-only firmware image"),
		  "%s", dma_debug_last());
	return ST_PASS;
}

/* Leaks are reported when the device is released. */
SELFTEST(dma, leak_at_release)
{
	struct device dev;
	dma_addr_t dma;
	int node = -1;

	if (!device_get_dt(T_NC))
		ST_SKIP("no /dma-test in this DT");
	node = device_get_dt(T_NC)->node;
	device_init_dt(&dev, node);
	fmt_snprintf(dev.name, sizeof(dev.name), "leaky-test-device");
	dma = dma_map_single(&dev, buf_b, 64, DMA_TO_DEVICE);
	ST_ASSERT(!dma_mapping_error(&dev, dma));
	ST_ASSERT(device_release(&dev) == 1, "leak not counted");
	ST_ASSERT(contains(dma_debug_last(), "leaky-test-device: leaked single mapping"), "%s",
		  dma_debug_last());
	ST_ASSERT(dma_debug_live(&dev) == 0);
	return ST_PASS;
}

/* reusable: idle pool memory is lent out, and reclaimed when a device needs it. */
SELFTEST(dma, reusable_lend_reclaim)
{
	NEED_DEV(dev, T_REUSE);
	void *blocks[32];
	unsigned int n = 0, mine = 0, i, order = 8; /* 1 MiB blocks */
	dma_addr_t dma;
	void *p;

	ST_ASSERT(dev->mem && dev->mem->reusable, "device not bound to a reusable pool");
	/* Borrow until every reusable pool is lent out (the next block is plain RAM). */
	while (n < ARRAY_SIZE(blocks)) {
		struct dma_mem *from;

		blocks[n] = reclaimable_alloc(order, release_block, NULL);
		ST_ASSERT(blocks[n], "reclaimable_alloc failed");
		from = dma_mem_of((uintptr_t)blocks[n]);
		if (!from) {
			reclaimable_free(blocks[n]);
			break;
		}
		ST_ASSERT(from->reusable, "lent from non-reusable pool %s", from->name);
		mine += from == dev->mem;
		n++;
	}
	ST_ASSERT(mine == dev->mem->size >> (PAGE_SHIFT + order), "lent %u blocks of the pool", mine);
	ST_ASSERT(buddy_free_bytes(&dev->mem->buddy) == 0, "pool not fully lent");
	released = 0;
	p = dma_alloc_coherent(dev, 1 << 20, &dma, GFP_KERNEL);
	ST_ASSERT(p && dma_mem_of(dma) == dev->mem, "allocation did not reclaim the pool");
	ST_ASSERT(released == mine, "%u of %u owners asked to release", released, mine);
	dma_free_coherent(dev, 1 << 20, p, dma);
	ST_ASSERT(buddy_free_bytes(&dev->mem->buddy) == dev->mem->size);
	for (i = 0; i < n; i++)
		reclaimable_free(blocks[i]); /* the reclaimed ones are already back */
	ST_ASSERT(reclaimable_lent() == 0, "%u blocks still lent", reclaimable_lent());
	return ST_PASS;
}

SELFTEST(dma, dma_pool_blocks)
{
	NEED_DEV(dev, T_NOMAP);
	struct dma_pool *pool = dma_pool_create("st", dev, 48, 16, 256);
	void *cpu[100];
	dma_addr_t dma[100];
	unsigned int i, j;

	ST_ASSERT(pool);
	for (i = 0; i < ARRAY_SIZE(cpu); i++) {
		cpu[i] = dma_pool_alloc(pool, GFP_KERNEL, &dma[i]);
		ST_ASSERT(cpu[i], "block %u", i);
		ST_ASSERT(IS_ALIGNED(dma[i], 16) && dma[i] / 256 == (dma[i] + 47) / 256,
			  "block 0x%llx misaligned or crosses 256", (unsigned long long)dma[i]);
		ST_ASSERT(dma_mem_of(dma[i]) == dev->mem, "block not in the device's pool");
		for (j = 0; j < i; j++)
			ST_ASSERT(dma[j] + 48 <= dma[i] || dma[i] + 48 <= dma[j], "overlap");
	}
	for (i = 0; i < ARRAY_SIZE(cpu); i++)
		dma_pool_free(pool, cpu[i], dma[i]);
	dma_pool_destroy(pool);
	return ST_PASS;
}

/*
 * The coherent fast path (dma-debug off) gives the same answers as the full
 * path: 1:1 addresses in reach, a bounce (copied back at unmap) beyond it.
 */
SELFTEST(dma, fast_path)
{
	NEED_DEV(dev, T_NOMAP);
	NEED_DEV(cma, T_CMA);
	bool dbg = dma_debug_enabled;
	u64 old = dev->dma_mask;
	dma_addr_t dma, direct, cma_dma;
	bool bounced;
	u8 *high;

	ST_ASSERT(dev->direct_fast, "coherent 1:1 device without the fast path");
	high = dma_alloc_coherent(cma, 4096, &cma_dma, GFP_KERNEL);
	ST_ASSERT(high);
	dma_debug_enabled = false;
	direct = dma_map_single(dev, buf_a, 64, DMA_TO_DEVICE);
	dma_unmap_single(dev, direct, 64, DMA_TO_DEVICE);
	/* A mask below the buffer: dma_set_mask must take it off the fast path. */
	dma_set_mask(dev, (uintptr_t)high - 1);
	dma = dma_map_single(dev, high, 64, DMA_FROM_DEVICE);
	bounced = swiotlb_owns(dma_default_swiotlb, dma);
	if (bounced)
		((u8 *)(uintptr_t)dma)[5] = 0x5a; /* the "device" writes the slot */
	dma_unmap_single(dev, dma, 64, DMA_FROM_DEVICE);
	dma_debug_enabled = dbg; /* restored before any assertion can return */
	dma_set_mask(dev, old);
	ST_ASSERT(direct == (uintptr_t)buf_a, "dma 0x%llx for %p", (unsigned long long)direct, buf_a);
	ST_ASSERT(bounced, "not bounced: 0x%llx", (unsigned long long)dma);
	ST_ASSERT(high[5] == 0x5a, "fast unmap skipped the copy back");
	dma_free_coherent(cma, 4096, high, cma_dma);
	return ST_PASS;
}

/*
 * Instruction counts of map+unmap per device kind, size and direction, with
 * dma-debug off (it is bookkeeping, not the path a driver pays for in a
 * release build). Needs the PMU's INST_RETIRED: QEMU -icount, which is how
 * `make bench` runs it; it skips otherwise. Checks the coherent-device map
 * target (at most 40 instructions).
 */
SELFTEST(dma, bench_map)
{
	static const size_t sizes[] = { 4096, 65536, 2 << 20 };
	static const enum dma_data_direction dirs[] = { DMA_TO_DEVICE, DMA_FROM_DEVICE,
							DMA_BIDIRECTIONAL };
	static const char *const dir_names[] = { "bidir", "to", "from" };
	struct device *devs[2] = { device_get_dt(T_NOMAP), device_get_dt(T_NC) };
	const char *why = pmu_start();
	bool dbg = dma_debug_enabled;
	u64 ovh, worst_coherent_map = 0;
	unsigned int d, s, k;
	u8 *buf;

	if (why)
		ST_SKIP("%s", why);
	if (!devs[0] || !devs[1]) {
		pmu_stop();
		ST_SKIP("no /dma-test devices (boot with the pools overlay)");
	}
	buf = page_alloc(9); /* 2 MiB, firmware RAM */
	ST_ASSERT(buf, "no 2 MiB buffer");
	ovh = pmu_read();
	ovh = pmu_read() - ovh;
	dma_debug_enabled = false;
	for (d = 0; d < 2; d++) {
		for (s = 0; s < ARRAY_SIZE(sizes); s++) {
			for (k = 0; k < ARRAY_SIZE(dirs); k++) {
				u64 c0, c1, c2;
				dma_addr_t dma;

				c0 = pmu_read();
				dma = dma_map_single(devs[d], buf, sizes[s], dirs[k]);
				c1 = pmu_read();
				dma_unmap_single(devs[d], dma, sizes[s], dirs[k]);
				c2 = pmu_read();
				kprintf("bench: dma_map_unmap dev=%s size=%zu dir=%s map=%llu unmap=%llu\n",
					d ? "noncoherent" : "coherent", sizes[s], dir_names[dirs[k]],
					(unsigned long long)(c1 - c0 - ovh),
					(unsigned long long)(c2 - c1 - ovh));
				if (!d && c1 - c0 - ovh > worst_coherent_map)
					worst_coherent_map = c1 - c0 - ovh;
			}
		}
	}
	dma_debug_enabled = dbg;
	pmu_stop();
	page_free(buf);
	ST_ASSERT(worst_coherent_map <= 40, "coherent-device map path: %llu instructions (target 40)",
		  (unsigned long long)worst_coherent_map);
	return ST_PASS;
}
