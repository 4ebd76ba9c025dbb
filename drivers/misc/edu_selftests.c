/*
 * Real DMA through the DMA API (and the SMMU when the device is behind one)
 * with QEMU's edu: data moved memory -> device -> memory, and the faults
 * the SMMU must raise when a device reaches for memory it was not given.
 */
#include <dma.h>
#include <drivers/edu.h>
#include <drivers/pci.h>
#include <drivers/smmu_v3.h>
#include <errno.h>
#include <iommu.h>
#include <mm/page_alloc.h>
#include <selftest.h>
#include <string.h>

/* An IOVA no test maps: near the top of the 28-bit space the allocator fills from below. */
#define EDU_TEST_UNMAPPED_IOVA 0x0ff00000ULL

static void fill(u8 *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (u8)(seed * 131 + i * 7 + (i >> 8));
}

static bool all_equal(const u8 *p, size_t n, u8 v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

static bool translated(const struct edu *e, u32 *sid)
{
	u32 dummy;

	return !smmu_stream_of(e->dev, sid ? sid : &dummy);
}

/* Whether the device reaches firmware RAM at all (direct, 1:1). */
static bool reaches(const struct edu *e, const void *buf, size_t len)
{
	return translated(e, NULL) || (uintptr_t)buf + len - 1 <= e->dev->dma_mask;
}

/*
 * Memory -> device -> memory for one size and pair of offsets, streaming.
 * The bytes around the destination must not change.
 */
static enum st_result roundtrip(struct selftest_ctx *ctx, struct edu *e, u8 *src_page, u8 *dst_page,
		     size_t len, size_t src_off, size_t dst_off)
{
	u8 *src = src_page + src_off, *dst = dst_page + dst_off;
	int ret;

	fill(src, len, (unsigned int)(len + src_off));
	memset(dst_page, 0xee, 2 * PAGE_SIZE);
	ret = edu_dma_buf(e, src, len, true, NULL);
	ST_ASSERT(ret != -ENOMEM, "map of %zu bytes at +%zu failed", len, src_off);
	ST_ASSERT(ret == 0, "memory -> device, %zu bytes: %d", len, ret);
	ret = edu_dma_buf(e, dst, len, false, NULL);
	ST_ASSERT(ret != -ENOMEM, "map of %zu bytes at +%zu failed", len, dst_off);
	ST_ASSERT(ret == 0, "device -> memory, %zu bytes: %d", len, ret);
	ST_ASSERT(!memcmp(src, dst, len), "%zu bytes (src +%zu, dst +%zu) differ", len, src_off,
		  dst_off);
	ST_ASSERT(all_equal(dst_page, dst_off, 0xee), "bytes before the buffer changed");
	ST_ASSERT(all_equal(dst + len, 2 * PAGE_SIZE - dst_off - len, 0xee),
		  "bytes after the buffer changed");
	return ST_PASS;
}

SELFTEST(edu, streaming_roundtrip)
{
	static const struct {
		size_t len, src_off, dst_off;
	} cases[] = {
		{ 1, 1, 4095 }, { 64, 0, 0 }, { 1000, 63, 3001 }, { 3000, 2049, 7 }, { 4095, 1, 4097 },
	};
	struct edu *e = edu_get(0);
	u8 *src, *dst;
	unsigned int i;
	int ret = ST_PASS;

	if (!e)
		ST_SKIP("no edu device (QEMU -device edu)");
	src = page_alloc(1);
	dst = page_alloc(1);
	ST_ASSERT(src && dst, "no memory");
	if (!reaches(e, src, 2 * PAGE_SIZE) || !reaches(e, dst, 2 * PAGE_SIZE)) {
		page_free(src);
		page_free(dst);
		ST_SKIP("no SMMU and RAM is beyond the edu's DMA mask (edu.unreachable_refused)");
	}
	for (i = 0; i < ARRAY_SIZE(cases) && ret == ST_PASS; i++)
		ret = roundtrip(ctx, e, src, dst, cases[i].len, cases[i].src_off, cases[i].dst_off);
	page_free(src);
	page_free(dst);
	return ret;
}

SELFTEST(edu, coherent_roundtrip)
{
	struct edu *e = edu_get(0);
	dma_addr_t da, db;
	u8 *a, *b;
	int r1, r2;

	if (!e)
		ST_SKIP("no edu device");
	a = dma_alloc_coherent(e->dev, PAGE_SIZE, &da, GFP_KERNEL);
	b = dma_alloc_coherent(e->dev, PAGE_SIZE, &db, GFP_KERNEL);
	if (!translated(e, NULL) && (!a || !b)) {
		if (a)
			dma_free_coherent(e->dev, PAGE_SIZE, a, da);
		if (b)
			dma_free_coherent(e->dev, PAGE_SIZE, b, db);
		ST_SKIP("no coherent memory within the edu's DMA mask without an SMMU");
	}
	ST_ASSERT(a && b, "dma_alloc_coherent failed");
	fill(a, PAGE_SIZE, 3);
	r1 = edu_dma(e, da + 1, 0, EDU_MAX_XFER, true);
	r2 = edu_dma(e, db + 1, 0, EDU_MAX_XFER, false);
	ST_ASSERT(r1 == 0 && r2 == 0, "transfers: %d, %d", r1, r2);
	ST_ASSERT(!memcmp(a + 1, b + 1, EDU_MAX_XFER), "coherent buffers differ");
	ST_ASSERT(b[0] == 0, "byte before the transfer changed");
	/* A short one at an odd place. */
	fill(a, PAGE_SIZE, 9);
	r1 = edu_dma(e, da + 100, 5, 17, true);
	r2 = edu_dma(e, db + 2000, 5, 17, false);
	ST_ASSERT(r1 == 0 && r2 == 0, "transfers: %d, %d", r1, r2);
	ST_ASSERT(!memcmp(a + 100, b + 2000, 17), "17 bytes differ");
	dma_free_coherent(e->dev, PAGE_SIZE, a, da);
	dma_free_coherent(e->dev, PAGE_SIZE, b, db);
	return ST_PASS;
}

/*
 * Behind the SMMU a scatterlist becomes one IOVA range: a segment ending on
 * a page boundary is followed directly by the next, so the device moves
 * both in one transfer although they are pages apart in memory.
 */
SELFTEST(edu, sg_one_iova_range)
{
	struct edu *e = edu_get(0);
	struct scatterlist sg[2];
	u8 *p1, *p2, *out, want[300];
	int n, ret;

	if (!e || !translated(e, NULL))
		ST_SKIP("needs an edu behind the SMMU");
	p1 = page_alloc(0);
	p2 = page_alloc(0);
	out = page_alloc(0);
	ST_ASSERT(p1 && p2 && out, "no memory");
	fill(p1, PAGE_SIZE, 21);
	fill(p2, PAGE_SIZE, 22);
	sg_set_buf(&sg[0], p1 + PAGE_SIZE - 100, 100);
	sg_set_buf(&sg[1], p2, 200);
	memcpy(want, p1 + PAGE_SIZE - 100, 100);
	memcpy(want + 100, p2, 200);
	n = dma_map_sg(e->dev, sg, 2, DMA_TO_DEVICE);
	ST_ASSERT(n == 2, "dma_map_sg returned %d", n);
	ST_ASSERT(sg[1].dma_address == sg[0].dma_address + 100,
		  "segments not contiguous in IOVA: 0x%llx, 0x%llx",
		  (unsigned long long)sg[0].dma_address, (unsigned long long)sg[1].dma_address);
	ret = edu_dma(e, sg[0].dma_address, 0, 300, true);
	dma_unmap_sg(e->dev, sg, 2, DMA_TO_DEVICE);
	ST_ASSERT(ret == 0, "transfer across the two segments: %d", ret);
	ret = edu_dma_buf(e, out, 300, false, NULL);
	ST_ASSERT(ret != -ENOMEM, "map failed");
	ST_ASSERT(ret == 0 && !memcmp(out, want, 300), "data did not cross segments (%d)", ret);
	page_free(p1);
	page_free(p2);
	page_free(out);
	return ST_PASS;
}

/* Expect the last transfer to have faulted with @id at @iova, direction @read. */
static enum st_result expect_fault(struct selftest_ctx *ctx, unsigned long seq, u32 sid, u8 id, u64 iova,
			bool read)
{
	struct smmu_fault f;

	ST_ASSERT(smmu_fault_find(seq, sid, &f), "no SMMU fault recorded for stream 0x%x", sid);
	ST_ASSERT(f.ev.id == id, "fault %s, expected %s", smmu_event_name(f.ev.id),
		  smmu_event_name(id));
	ST_ASSERT((f.ev.addr & ~0xfffULL) == (iova & ~0xfffULL), "fault at IOVA 0x%llx, expected 0x%llx",
		  (unsigned long long)f.ev.addr, (unsigned long long)iova);
	ST_ASSERT(f.ev.read == read, "fault recorded as a %s", f.ev.read ? "read" : "write");
	return ST_PASS;
}

SELFTEST(edu, unmapped_iova_faults)
{
	struct smmu_counters before, after;
	struct edu *e = edu_get(0);
	phys_addr_t pa;
	unsigned long seq;
	u32 sid;
	int ret;

	if (!e || !translated(e, &sid))
		ST_SKIP("needs an edu behind the SMMU");
	ST_ASSERT(iommu_iova_to_phys(e->dev->iommu, EDU_TEST_UNMAPPED_IOVA, &pa) != 0,
		  "IOVA 0x%llx unexpectedly mapped", EDU_TEST_UNMAPPED_IOVA);
	/* The device writes to memory: a translation fault, write. */
	smmu_get_counters(0, &before);
	seq = smmu_fault_seq();
	ret = edu_dma(e, EDU_TEST_UNMAPPED_IOVA, 0, 64, false);
	ST_ASSERT(ret == -EIO, "transfer to an unmapped IOVA returned %d, expected -EIO", ret);
	/* The event queue's interrupt, not only edu_dma()'s poll, saw it. */
	smmu_get_counters(0, &after);
	ST_ASSERT(!before.evtq_irq || after.evtq_irqs > before.evtq_irqs,
		  "no event-queue interrupt for the fault");
	ret = expect_fault(ctx, seq, sid, SMMU_EVT_F_TRANSLATION, EDU_TEST_UNMAPPED_IOVA, false);
	if (ret != ST_PASS)
		return ret;
	/* The device reads from memory: a translation fault, read. */
	seq = smmu_fault_seq();
	ret = edu_dma(e, EDU_TEST_UNMAPPED_IOVA + 0x40, 0, 64, true);
	ST_ASSERT(ret == -EIO, "transfer from an unmapped IOVA returned %d", ret);
	return expect_fault(ctx, seq, sid, SMMU_EVT_F_TRANSLATION, EDU_TEST_UNMAPPED_IOVA, true);
}

SELFTEST(edu, to_device_mapping_is_read_only)
{
	struct edu *e = edu_get(0);
	unsigned long seq;
	dma_addr_t d;
	u8 *buf;
	u32 sid;
	int ret;

	if (!e || !translated(e, &sid))
		ST_SKIP("needs an edu behind the SMMU");
	buf = page_alloc(0);
	ST_ASSERT(buf, "no memory");
	memset(buf, 0x5a, PAGE_SIZE);
	d = dma_map_single(e->dev, buf, 256, DMA_TO_DEVICE);
	ST_ASSERT(!dma_mapping_error(e->dev, d), "map failed");
	seq = smmu_fault_seq();
	ret = edu_dma(e, d, 0, 256, false); /* the device writes: not allowed */
	dma_unmap_single(e->dev, d, 256, DMA_TO_DEVICE);
	ST_ASSERT(ret == -EIO, "device write to a DMA_TO_DEVICE buffer returned %d", ret);
	ret = expect_fault(ctx, seq, sid, SMMU_EVT_F_PERMISSION, d, false);
	if (ret != ST_PASS)
		return ret;
	ST_ASSERT(all_equal(buf, PAGE_SIZE, 0x5a), "the read-only buffer was written");
	page_free(buf);
	return ST_PASS;
}

SELFTEST(edu, no_stale_translation_after_unmap)
{
	struct edu *e = edu_get(0);
	unsigned long seq;
	dma_addr_t d;
	u8 *src, *buf;
	u32 sid;
	int ret;

	if (!e || !translated(e, &sid))
		ST_SKIP("needs an edu behind the SMMU");
	src = page_alloc(0);
	buf = page_alloc(0);
	ST_ASSERT(src && buf, "no memory");
	fill(src, 512, 77);
	ret = edu_dma_buf(e, src, 512, true, NULL);
	ST_ASSERT(ret != -ENOMEM, "map failed");
	ST_ASSERT(ret == 0, "loading the device buffer: %d", ret);

	ret = edu_dma_buf(e, buf, 512, false, &d);
	ST_ASSERT(ret != -ENOMEM, "map failed");
	ST_ASSERT(ret == 0 && !memcmp(buf, src, 512), "mapped transfer failed (%d)", ret);

	/* The same IOVA, now unmapped: the device must fault, memory unchanged. */
	memset(buf, 0x77, PAGE_SIZE);
	seq = smmu_fault_seq();
	ret = edu_dma(e, d, 0, 512, false);
	ST_ASSERT(ret == -EIO, "transfer to the unmapped IOVA 0x%llx returned %d",
		  (unsigned long long)d, ret);
	ret = expect_fault(ctx, seq, sid, SMMU_EVT_F_TRANSLATION, d, false);
	if (ret != ST_PASS)
		return ret;
	ST_ASSERT(all_equal(buf, PAGE_SIZE, 0x77), "memory changed through a stale translation");
	page_free(src);
	page_free(buf);
	return ST_PASS;
}

SELFTEST(edu, devices_are_isolated)
{
	struct edu *a = edu_get(0), *b = edu_get(1);
	unsigned long seq;
	phys_addr_t pa;
	dma_addr_t d;
	u32 sid_a, sid_b;
	u8 *buf;
	int ret;

	if (!a || !b || !translated(a, &sid_a) || !translated(b, &sid_b))
		ST_SKIP("needs two edu devices behind the SMMU (-device edu -device edu)");
	ST_ASSERT(sid_a != sid_b && a->dev->iommu != b->dev->iommu,
		  "the two devices share stream 0x%x", sid_a);
	buf = page_alloc(0);
	ST_ASSERT(buf, "no memory");
	memset(buf, 0x3c, PAGE_SIZE);
	d = dma_map_single(a->dev, buf, 128, DMA_FROM_DEVICE);
	ST_ASSERT(!dma_mapping_error(a->dev, d), "map failed");
	ST_ASSERT(iommu_iova_to_phys(b->dev->iommu, d, &pa) != 0,
		  "IOVA 0x%llx happens to be mapped for the second device too", (unsigned long long)d);
	seq = smmu_fault_seq();
	ret = edu_dma(b, d, 0, 128, false);
	ST_ASSERT(ret == -EIO, "second device wrote to the first's IOVA: %d", ret);
	ret = expect_fault(ctx, seq, sid_b, SMMU_EVT_F_TRANSLATION, d, false);
	if (ret != ST_PASS)
		return ret;
	ST_ASSERT(all_equal(buf, PAGE_SIZE, 0x3c), "the first device's memory changed");
	/* The owner still can. */
	ret = edu_dma(a, d, 0, 128, false);
	dma_unmap_single(a->dev, d, 128, DMA_FROM_DEVICE);
	ST_ASSERT(ret == 0, "the owning device's transfer failed: %d", ret);
	page_free(buf);
	return ST_PASS;
}

/*
 * Without an SMMU a device that cannot reach the buffer is refused, never
 * pointed at a truncated address; requests the edu cannot do are refused.
 */
SELFTEST(edu, unreachable_refused)
{
	struct edu *e = edu_get(0);
	dma_addr_t d;
	u8 *buf;
	int ret;

	if (!e)
		ST_SKIP("no edu device");
	ret = edu_dma(e, 0x1000, 0, 0, true);
	ST_ASSERT(ret == -EINVAL, "a 0-byte transfer returned %d", ret);
	ret = edu_dma(e, 0x1000, 0, EDU_BUF_SIZE, true);
	ST_ASSERT(ret == -EINVAL, "a 4096-byte transfer returned %d", ret);
	ret = edu_dma(e, 0x1000, 4000, 200, true);
	ST_ASSERT(ret == -EINVAL, "a transfer past the device buffer returned %d", ret);
	ret = edu_dma(e, e->dev->dma_mask - 10, 0, 64, false);
	ST_ASSERT(ret == -EINVAL, "an address the device would truncate returned %d", ret);
	if (translated(e, NULL))
		return ST_PASS;
	buf = page_alloc(0);
	ST_ASSERT(buf, "no memory");
	if (reaches(e, buf, PAGE_SIZE)) {
		page_free(buf);
		return ST_PASS; /* direct DMA works: edu.streaming_roundtrip proves it */
	}
	d = dma_map_single(e->dev, buf, 64, DMA_FROM_DEVICE);
	page_free(buf);
	ST_ASSERT(dma_mapping_error(e->dev, d), "buffer 0x%llx beyond mask 0x%llx was mapped "
		  "as 0x%llx", (unsigned long long)(uintptr_t)buf,
		  (unsigned long long)e->dev->dma_mask, (unsigned long long)d);
	return ST_PASS;
}
