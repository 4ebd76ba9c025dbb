/*
 * Self-tests every registered block device runs (virtio-blk, NVMe), on the
 * QEMU runner's pattern disks (<drivers/blockdev.h>, tests/qemu/disk.py):
 *
 *   blk.read_pattern   the first MiB reads back as the "before" pattern
 *   blk.write_pattern  the write region written from unaligned, multi-
 *                      segment buffers, flushed, read back the same way;
 *                      prints "blk: PASS write <name>", after which the
 *                      runner checks every byte of the image on the host
 *   blk.bad_requests   what blockdev_rw() refuses, with nothing left mapped
 *   blk.reset_without_op  blockdev_reset() of a driver with no reset op:
 *                      -EOPNOTSUPP with a message (no disk needed)
 *   blk.bench_dma      make bench: DMA-layer instructions and SMMU commands
 *                      per 4 KiB and 64 KiB request
 *
 * The others skip when no block device is registered.
 */
#include <arch/pmu.h>
#include <console.h>
#include <dma.h>
#include <drivers/blockdev.h>
#include <errno.h>
#include <iommu.h>
#include <mm/buddy.h>
#include <mm/dma_internal.h>
#include <mm/page_alloc.h>
#include <selftest.h>
#include <string.h>

/* blk.read_pattern reads at most this much of each disk, in CHUNK requests. */
#define BLK_READ_CHECK (UL(1) << 20)
#define BLK_CHUNK_ORDER 4 /* 64 KiB */
#define BLK_CHUNK (PAGE_SIZE << BLK_CHUNK_ORDER)
/* The write test's buffers: an arena of 8 pages with guard bytes around every segment. */
#define BLK_ARENA_ORDER 3
#define BLK_ARENA (PAGE_SIZE << BLK_ARENA_ORDER)
#define BLK_GUARD 0x5a

void blk_test_dma_state(const struct device *dev, struct blk_test_dma_state *s)
{
	unsigned int i;

	s->live = dma_debug_live(dev);
	s->free_bytes = page_free_bytes();
	for (i = 0; i < dma_nr_mems; i++)
		s->free_bytes += buddy_free_bytes(&dma_mems[i].buddy);
}

bool blk_test_dma_changed(struct selftest_ctx *ctx, const struct device *dev,
			  const struct blk_test_dma_state *before, const char *when)
{
	struct blk_test_dma_state now;

	blk_test_dma_state(dev, &now);
	if (now.live != before->live)
		selftest_fail(ctx, ST_FAIL, "%s: %u live DMA mappings/allocations, %u before", when,
			      now.live, before->live);
	else if (now.free_bytes != before->free_bytes)
		selftest_fail(ctx, ST_FAIL, "%s: %lld bytes of DMA/firmware memory more in use than "
			      "before", when, (long long)(before->free_bytes - now.free_bytes));
	else
		return false;
	return true;
}

static bool in_write_region(u64 off)
{
	return off >= BLK_TEST_WRITE_OFF && off < BLK_TEST_WRITE_OFF + BLK_TEST_WRITE_LEN;
}

/* The first byte of @buf (disk offset @off) that differs from @want's pattern, or -1. */
static s64 first_mismatch(const u8 *buf, u64 off, u64 len, u8 (*want)(u64))
{
	u64 i;

	for (i = 0; i < len; i++)
		if (buf[i] != want(off + i))
			return (s64)i;
	return -1;
}

static enum st_result read_disk(struct selftest_ctx *ctx, struct blockdev *bd, u8 *buf)
{
	u64 size = bd->blocks * bd->block_size, total = size < BLK_READ_CHECK ? size : BLK_READ_CHECK;
	u64 off, len, i;
	int ret;

	for (off = 0; off < total; off += len) {
		struct blk_seg seg;

		len = total - off < BLK_CHUNK ? total - off : BLK_CHUNK;
		len -= len % bd->block_size;
		if (!len)
			break;
		memset(buf, 0xee, BLK_CHUNK);
		seg = (struct blk_seg){ buf, (u32)len };
		ret = blockdev_rw(bd, false, off / bd->block_size, &seg, 1);
		ST_ASSERT(ret == 0, "%s: read of %llu bytes at 0x%llx: %d", bd->name,
			  (unsigned long long)len, (unsigned long long)off, ret);
		for (i = 0; i < len; i++) {
			u64 o = off + i;

			if (in_write_region(o))
				continue;
			ST_ASSERT(buf[i] == blk_pattern_before(o),
				  "%s: byte at 0x%llx is 0x%02x, the pattern says 0x%02x", bd->name,
				  (unsigned long long)o, buf[i], blk_pattern_before(o));
		}
		/*
		 * The write region: as the runner made it, or as blk.write_pattern
		 * left it (a second run of the tests, or after `reset`), never mixed.
		 */
		if (off <= BLK_TEST_WRITE_OFF && off + len >= BLK_TEST_WRITE_OFF + BLK_TEST_WRITE_LEN) {
			const u8 *r = buf + (BLK_TEST_WRITE_OFF - off);
			s64 b = first_mismatch(r, BLK_TEST_WRITE_OFF, BLK_TEST_WRITE_LEN,
					       blk_pattern_before);
			s64 a = first_mismatch(r, BLK_TEST_WRITE_OFF, BLK_TEST_WRITE_LEN,
					       blk_pattern_after);

			ST_ASSERT(b < 0 || a < 0, "%s: the write region holds neither pattern "
				  "(byte 0x%llx is 0x%02x)", bd->name,
				  (unsigned long long)(BLK_TEST_WRITE_OFF + (b > a ? b : a)),
				  r[b > a ? b : a]);
		}
	}
	return ST_PASS;
}

SELFTEST(blk, read_pattern)
{
	unsigned int i;
	u8 *buf;
	int ret = ST_PASS;

	if (!blockdev_count())
		ST_SKIP("no block device (QEMU: a virtio-blk-pci or nvme disk)");
	buf = page_alloc(BLK_CHUNK_ORDER);
	ST_ASSERT(buf, "no memory");
	for (i = 0; i < blockdev_count() && ret == ST_PASS; i++)
		ret = read_disk(ctx, blockdev_get(i), buf);
	page_free(buf);
	return ret;
}

/*
 * Lay @total bytes out as segments in @arena: odd lengths at odd addresses,
 * a few bytes apart, some across page boundaries, the last one taking the
 * rest (@lens, then the remainder). Return: the number of segments.
 */
static unsigned int carve(u8 *arena, u32 total, const u32 *lens, unsigned int nlens,
			  struct blk_seg *segs)
{
	u32 at = 3, left = total;
	unsigned int n = 0;

	while (left) {
		u32 len = n < nlens && lens[n] < left ? lens[n] : left;

		segs[n].buf = arena + at;
		segs[n].len = len;
		at += len + 29 + 8 * n; /* a gap of guard bytes before the next */
		left -= len;
		n++;
	}
	return n;
}

/* Every byte of the arena outside @segs still holds the guard value. */
static bool guards_intact(const u8 *arena, const struct blk_seg *segs, unsigned int n, u32 *bad)
{
	u32 i, s;

	for (i = 0; i < BLK_ARENA; i++) {
		bool inside = false;

		for (s = 0; s < n && !inside; s++)
			inside = arena + i >= (u8 *)segs[s].buf &&
				 arena + i < (u8 *)segs[s].buf + segs[s].len;
		if (!inside && arena[i] != BLK_GUARD) {
			*bad = i;
			return false;
		}
	}
	return true;
}

static enum st_result write_disk(struct selftest_ctx *ctx, struct blockdev *bd, u8 *arena)
{
	/* Odd lengths; the last segment of each request takes what is left. */
	static const u32 wlens[] = { 1, 1023, 4097, 3, 2557, 77 };
	static const u32 rlens[] = { 511, 2, 1537, 4095, 1, 999, 3001, 255 };
	u32 bs = bd->block_size, nblocks = BLK_TEST_WRITE_LEN / bs, a_blocks, a_bytes;
	u64 lba = BLK_TEST_WRITE_OFF / bs, off, rstart;
	struct blk_seg segs[BLK_MAX_SEGS];
	unsigned int n, s;
	u32 bad, i;
	int ret;

	if (BLK_TEST_WRITE_OFF % bs || BLK_TEST_WRITE_LEN % bs || nblocks < 2 ||
	    BLK_TEST_WRITE_OFF + BLK_TEST_WRITE_LEN + bs > bd->blocks * bs)
		ST_SKIP("%s: %u-byte blocks do not fit the test region [0x%x, +0x%x)", bd->name, bs,
			BLK_TEST_WRITE_OFF, BLK_TEST_WRITE_LEN);
	a_blocks = nblocks * 3 / 5 ? nblocks * 3 / 5 : 1;
	a_bytes = a_blocks * bs;

	/* Request A: several segments of odd lengths at odd addresses. */
	memset(arena, BLK_GUARD, BLK_ARENA);
	n = carve(arena, a_bytes, wlens, ARRAY_SIZE(wlens), segs);
	for (s = 0, off = BLK_TEST_WRITE_OFF; s < n; off += segs[s].len, s++)
		for (i = 0; i < segs[s].len; i++)
			((u8 *)segs[s].buf)[i] = blk_pattern_after(off + i);
	ret = blockdev_rw(bd, true, lba, segs, n);
	ST_ASSERT(ret == 0, "%s: write of %u bytes in %u segments: %d", bd->name, a_bytes, n, ret);

	/* Request B: the rest from one segment at an odd address. */
	memset(arena, BLK_GUARD, BLK_ARENA);
	segs[0] = (struct blk_seg){ arena + 4095, BLK_TEST_WRITE_LEN - a_bytes };
	for (i = 0; i < segs[0].len; i++)
		((u8 *)segs[0].buf)[i] = blk_pattern_after(BLK_TEST_WRITE_OFF + a_bytes + i);
	ret = blockdev_rw(bd, true, lba + a_blocks, segs, 1);
	ST_ASSERT(ret == 0, "%s: write of %u bytes in one segment: %d", bd->name, segs[0].len, ret);

	ret = blockdev_flush(bd);
	ST_ASSERT(ret == 0, "%s: flush: %d", bd->name, ret);

	/* Read back a block either side too, into other odd segments; guards must survive. */
	memset(arena, BLK_GUARD, BLK_ARENA);
	rstart = BLK_TEST_WRITE_OFF - bs;
	n = carve(arena, BLK_TEST_WRITE_LEN + 2 * bs, rlens, ARRAY_SIZE(rlens), segs);
	ret = blockdev_rw(bd, false, rstart / bs, segs, n);
	ST_ASSERT(ret == 0, "%s: read-back in %u segments: %d", bd->name, n, ret);
	for (s = 0, off = rstart; s < n; off += segs[s].len, s++) {
		for (i = 0; i < segs[s].len; i++) {
			u64 o = off + i;
			u8 want = in_write_region(o) ? blk_pattern_after(o) : blk_pattern_before(o);

			ST_ASSERT(((u8 *)segs[s].buf)[i] == want,
				  "%s: read-back byte at 0x%llx (segment %u +%u) is 0x%02x, expected "
				  "0x%02x", bd->name, (unsigned long long)o, s, i,
				  ((u8 *)segs[s].buf)[i], want);
		}
	}
	ST_ASSERT(guards_intact(arena, segs, n, &bad),
		  "%s: the read-back wrote outside its segments (arena +%u is 0x%02x)", bd->name,
		  bad, arena[bad]);
	/* The runner's cue: the image must now hold the new pattern there. */
	kprintf("blk: PASS write %s\n", bd->name);
	return ST_PASS;
}

SELFTEST(blk, write_pattern)
{
	unsigned int i;
	u8 *arena;
	int ret = ST_PASS;

	if (!blockdev_count())
		ST_SKIP("no block device");
	arena = page_alloc(BLK_ARENA_ORDER);
	ST_ASSERT(arena, "no memory");
	for (i = 0; i < blockdev_count() && ret == ST_PASS; i++)
		ret = write_disk(ctx, blockdev_get(i), arena);
	page_free(arena);
	return ret;
}

static enum st_result bad_requests(struct selftest_ctx *ctx, struct blockdev *bd, u8 *buf)
{
	struct blk_seg segs[BLK_MAX_SEGS + 1];
	unsigned int live = dma_debug_live(bd->dev), i;
	u64 errors = bd->stats.errors, reads = bd->stats.reads, writes = bd->stats.writes;
	u32 bs = bd->block_size;
	int ret;

	segs[0] = (struct blk_seg){ buf, bs };
	ret = blockdev_rw(bd, false, bd->blocks, segs, 1);
	ST_ASSERT(ret == -ERANGE, "%s: read of the block past the end: %d, expected -ERANGE",
		  bd->name, ret);
	ret = blockdev_rw(bd, true, bd->blocks, segs, 1);
	ST_ASSERT(ret == -ERANGE, "%s: write of the block past the end: %d", bd->name, ret);
	segs[0].len = 2 * bs;
	ret = blockdev_rw(bd, false, bd->blocks - 1, segs, 1);
	ST_ASSERT(ret == -ERANGE, "%s: read across the end: %d", bd->name, ret);
	segs[0].len = bs;
	ret = blockdev_rw(bd, false, ~0ULL, segs, 1);
	ST_ASSERT(ret == -ERANGE, "%s: read at LBA 2^64-1: %d", bd->name, ret);

	ret = blockdev_rw(bd, false, 0, segs, 0);
	ST_ASSERT(ret == -EINVAL, "%s: read of no segments: %d, expected -EINVAL", bd->name, ret);
	segs[0].len = 0;
	ret = blockdev_rw(bd, false, 0, segs, 1);
	ST_ASSERT(ret == -EINVAL, "%s: read into a 0-byte segment: %d", bd->name, ret);
	segs[0] = (struct blk_seg){ NULL, bs };
	ret = blockdev_rw(bd, false, 0, segs, 1);
	ST_ASSERT(ret == -EINVAL, "%s: read into a NULL segment: %d", bd->name, ret);
	segs[0] = (struct blk_seg){ buf, bs + 1 };
	ret = blockdev_rw(bd, false, 0, segs, 1);
	ST_ASSERT(ret == -EINVAL, "%s: read of %u bytes: %d", bd->name, bs + 1, ret);
	segs[0] = (struct blk_seg){ buf + 1, 100 };
	segs[1] = (struct blk_seg){ buf + 200, 200 };
	ret = blockdev_rw(bd, true, 0, segs, 2);
	ST_ASSERT(ret == -EINVAL, "%s: write of 300 bytes in 2 segments: %d", bd->name, ret);
	for (i = 0; i < BLK_MAX_SEGS + 1; i++)
		segs[i] = (struct blk_seg){ buf + i * bs / (BLK_MAX_SEGS + 1),
					    bs / (BLK_MAX_SEGS + 1) };
	segs[BLK_MAX_SEGS].len = bs - BLK_MAX_SEGS * (bs / (BLK_MAX_SEGS + 1));
	ret = blockdev_rw(bd, false, 0, segs, BLK_MAX_SEGS + 1);
	ST_ASSERT(ret == -EINVAL, "%s: read of one block in %u segments: %d", bd->name,
		  BLK_MAX_SEGS + 1, ret);

	ST_ASSERT(dma_debug_live(bd->dev) == live, "%s: %u DMA mappings/allocations live, %u "
		  "before the bad requests", bd->name, dma_debug_live(bd->dev), live);
	ST_ASSERT(bd->stats.errors == errors && bd->stats.reads == reads &&
		  bd->stats.writes == writes, "%s: a refused request reached the driver or was "
		  "counted", bd->name);
	/* The device still works: block 1 reads as the pattern. */
	memset(buf, 0, bs);
	segs[0] = (struct blk_seg){ buf, bs };
	ret = blockdev_rw(bd, false, 1, segs, 1);
	ST_ASSERT(ret == 0, "%s: read after the bad requests: %d", bd->name, ret);
	ST_ASSERT(first_mismatch(buf, bs, bs, blk_pattern_before) < 0,
		  "%s: block 1 does not hold the pattern after the bad requests", bd->name);
	ST_ASSERT(dma_debug_live(bd->dev) == live, "%s: the good read left a mapping", bd->name);
	return ST_PASS;
}

SELFTEST(blk, bad_requests)
{
	unsigned int i;
	u8 *buf;
	int ret = ST_PASS;

	if (!blockdev_count())
		ST_SKIP("no block device");
	buf = page_alloc(BLK_CHUNK_ORDER);
	ST_ASSERT(buf, "no memory");
	for (i = 0; i < blockdev_count() && ret == ST_PASS; i++)
		ret = bad_requests(ctx, blockdev_get(i), buf);
	page_free(buf);
	return ret;
}

SELFTEST(blk, reset_without_op)
{
	static const struct blockdev_ops no_reset_ops; /* a driver that cannot reset */
	struct blockdev bd = { .name = "noreset", .block_size = 512, .blocks = 1,
			       .ops = &no_reset_ops };
	int ret = blockdev_reset(&bd);

	ST_ASSERT(ret == -EOPNOTSUPP, "blockdev_reset() without a reset op returned %d, expected "
		  "-EOPNOTSUPP", ret);
	return ST_PASS;
}

struct bench_blk {
	u64 map, unmap;			/* instructions in dma_map_sg / dma_unmap_sg */
	u64 cmds, syncs, tlbi;		/* SMMU commands of one whole request */
};

/*
 * One size on one device, steady state (the second of two rounds): the
 * DMA-layer part of a request measured on the calls the driver makes
 * (<drivers/blockdev.h>: one dma_map_sg of the request's segments in its
 * direction, one dma_unmap_sg when it completes), and the SMMU commands a
 * real read of that size issues through the driver.
 */
static int bench_one(struct blockdev *bd, u8 *buf, u32 size, u64 ovh, struct bench_blk *r)
{
	struct iommu_domain *d = bd->dev->iommu;
	struct scatterlist sg;
	struct blk_seg seg = { buf, size };
	unsigned int rep;
	u64 c0, c1, c2, cmds = 0, syncs = 0, tlbi = 0;
	int ret = 0;

	for (rep = 0; rep < 2; rep++) {
		sg_set_buf(&sg, buf, size);
		c0 = pmu_read();
		if (dma_map_sg(bd->dev, &sg, 1, DMA_FROM_DEVICE) != 1)
			return -ENOMEM;
		c1 = pmu_read();
		dma_unmap_sg(bd->dev, &sg, 1, DMA_FROM_DEVICE);
		c2 = pmu_read();
		r->map = c1 - c0 - ovh;
		r->unmap = c2 - c1 - ovh;
		if (d) {
			cmds = d->stats.cmds;
			syncs = d->stats.syncs;
			tlbi = d->stats.tlbi;
		}
		ret = blockdev_rw(bd, false, 0, &seg, 1);
		if (ret)
			return ret;
		r->cmds = d ? d->stats.cmds - cmds : 0;
		r->syncs = d ? d->stats.syncs - syncs : 0;
		r->tlbi = d ? d->stats.tlbi - tlbi : 0;
	}
	return 0;
}

/*
 * Instructions the DMA layer costs a 4 KiB and a 64 KiB read (map + unmap
 * of its data, dma-debug off), and the SMMU commands one such read issues
 * (targets as smmu.bench_map: one CMD_SYNC and at most one range TLBI per
 * power-of-two run of pages, behind the SMMU; none with direct DMA). Needs
 * INST_RETIRED (make bench's -icount run).
 */
SELFTEST(blk, bench_dma)
{
	static const u32 sizes[] = { 4096, 65536 };
	struct bench_blk r;
	const char *why;
	unsigned int i, s;
	bool ok = true, dbg;
	u64 ovh;
	u8 *buf;
	int ret = 0;

	if (!blockdev_count())
		ST_SKIP("no block device");
	why = pmu_start();
	if (why)
		ST_SKIP("%s", why);
	buf = page_alloc(BLK_CHUNK_ORDER);
	ST_ASSERT(buf, "no memory");
	ovh = pmu_read();
	ovh = pmu_read() - ovh;
	dbg = dma_debug_set(false);
	for (i = 0; i < blockdev_count() && !ret; i++) {
		struct blockdev *bd = blockdev_get(i);

		for (s = 0; s < ARRAY_SIZE(sizes) && !ret; s++) {
			u64 pages = sizes[s] / PAGE_SIZE;

			if (sizes[s] > bd->blocks * bd->block_size)
				continue;
			ret = bench_one(bd, buf, sizes[s], ovh, &r);
			if (ret)
				break;
			kprintf("bench: blk_dma %s size=%u map=%llu unmap=%llu dma=%llu smmu_cmds=%llu "
				"syncs=%llu tlbi=%llu%s\n", bd->name, sizes[s],
				(unsigned long long)r.map, (unsigned long long)r.unmap,
				(unsigned long long)r.map + r.unmap, (unsigned long long)r.cmds,
				(unsigned long long)r.syncs, (unsigned long long)r.tlbi,
				bd->dev->iommu ? "" : " (direct DMA)");
			if (bd->dev->iommu)
				ok &= r.syncs == 1 && r.tlbi <= (u64)__builtin_popcountll(pages);
			else
				ok &= r.cmds == 0;
		}
	}
	dma_debug_set(dbg);
	pmu_stop();
	page_free(buf);
	ST_ASSERT(ret == 0, "a measured request failed: %d", ret);
	ST_ASSERT(ok, "a request issued more SMMU commands than one CMD_SYNC and one range TLBI "
		  "per power-of-two run of pages (see the bench: lines)");
	return ST_PASS;
}
