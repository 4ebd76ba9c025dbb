/*
 * NVMe self-tests (suite "nvme"): what the generic block tests
 * (drivers/block/) do not reach. Identify data, the namespace scan (list
 * and one by one, each namespace's own NSID), requests that break the
 * PRP rule (bounced), a request that needs a PRP list, an error status
 * from the device, a command that never completes, the completion
 * interrupt, a controller that fails to reset. Every test checks that the
 * driver's DMA mappings are back to what they were (dma_debug_live) and
 * leaves the disk as it found it: the runner compares every byte of the
 * image afterwards.
 */
#include <arch/timer.h>
#include <dma.h>
#include <drivers/blockdev.h>
#include <drivers/irq.h>
#include <drivers/pci.h>
#include <drivers/pci_regs.h>
#include <errno.h>
#include <layout.h>
#include <mm/page_alloc.h>
#include <selftest.h>
#include <string.h>

#include "nvme_internal.h"

/*
 * Scratch areas (disk byte offsets), outside the generic write test's region
 * [BLK_TEST_WRITE_OFF, + BLK_TEST_WRITE_LEN); what is written there is put back.
 */
#define NVME_TEST_LIST_OFF 0x10000ULL	/* 64 KiB at 64 KiB */
#define NVME_TEST_LIST_LEN 0x10000U
#define NVME_TEST_BOUNCE_OFF 0x20000ULL	/* 8 KiB at 128 KiB */
#define NVME_TEST_BOUNCE_LEN 0x2000U
#define NVME_TEST_IRQ_OFF 0x24000ULL

/* The bound of a command whose doorbell is withheld (the default is seconds). */
#define NVME_TEST_IO_TIMEOUT_US 100000U
/* The CSTS.RDY wait of a reset made to fail: short, so it costs this, not CAP.TO. */
#define NVME_TEST_READY_TIMEOUT_MS 20U
/* A request to an unusable controller is refused at once, well within this. */
#define NVME_TEST_REFUSE_US 20000U
/* Slack over the time bounds for a failing reset (TCG, console output). */
#define NVME_TEST_SLACK_US 1000000U

static struct nvme_ctrl *test_ctrl(void)
{
	return nvme_ctrl_get(0);
}

/* The block device of the controller's first namespace: the one most tests use. */
static struct blockdev *test_bd(struct nvme_ctrl *c)
{
	return &c->ns[0].bd;
}

/* The byte the disk holds at @off: the runner's pattern, or its inverse once we wrote it. */
static u8 want_byte(u64 off, bool inverted)
{
	u8 b = blk_pattern_before(off);

	return inverted ? (u8)~b : b;
}

static void fill_segs(const struct blk_seg *segs, unsigned int n, u64 disk_off, bool inverted)
{
	unsigned int i;
	u32 j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < segs[i].len; j++)
			((u8 *)segs[i].buf)[j] = want_byte(disk_off + j, inverted);
		disk_off += segs[i].len;
	}
}

/* Offset of the first byte that differs from the expected data, or -1. */
static s64 check_segs(const struct blk_seg *segs, unsigned int n, u64 disk_off, bool inverted)
{
	u64 at = 0;
	unsigned int i;
	u32 j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < segs[i].len; j++, at++)
			if (((u8 *)segs[i].buf)[j] != want_byte(disk_off + at, inverted))
				return (s64)at;
	}
	return -1;
}

/* Byte @at of the request. */
static u8 seg_byte(const struct blk_seg *segs, unsigned int n, u64 at)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (at < segs[i].len)
			return ((u8 *)segs[i].buf)[at];
		at -= segs[i].len;
	}
	return 0;
}

static void clear_segs(const struct blk_seg *segs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		memset(segs[i].buf, 0x5a, segs[i].len);
}

/*
 * Write the inverse pattern through @segs, read it back through @segs,
 * check, then put the runner's pattern back and check again.
 * Reports the first failure in @ctx's reason.
 */
static enum st_result write_read_restore(struct selftest_ctx *ctx, struct blockdev *bd,
					 const struct blk_seg *segs, unsigned int n, u64 off)
{
	u64 lba = off / bd->block_size;
	int pass, ret;
	s64 bad;

	for (pass = 0; pass < 2; pass++) {
		bool inv = pass == 0;

		fill_segs(segs, n, off, inv);
		ret = blockdev_rw(bd, true, lba, segs, n);
		ST_ASSERT(ret == 0, "%s write at LBA %llu: %d", inv ? "test" : "restoring",
			  (unsigned long long)lba, ret);
		clear_segs(segs, n);
		ret = blockdev_rw(bd, false, lba, segs, n);
		ST_ASSERT(ret == 0, "read back at LBA %llu: %d", (unsigned long long)lba, ret);
		bad = check_segs(segs, n, off, inv);
		ST_ASSERT(bad < 0, "after the %s write, byte +%lld reads 0x%02x, want 0x%02x",
			  inv ? "test" : "restoring", (long long)bad,
			  seg_byte(segs, n, (u64)bad), want_byte(off + (u64)bad, inv));
	}
	return ST_PASS;
}

SELFTEST(nvme, identify)
{
	struct nvme_ctrl *c = test_ctrl();
	char sn[NVME_ID_CTRL_SN_LEN + 1];
	struct nvme_ns_format f;
	unsigned int live;
	size_t i;
	int ret;

	if (!c)
		ST_SKIP("no NVMe controller (QEMU -device nvme)");
	live = dma_debug_live(c->dev);
	/* The runner passes serial=fwtest<disk index>. */
	ST_ASSERT(!strncmp(c->sn, "fwtest", 6) && c->sn[6], "serial number '%s'", c->sn);
	for (i = 6; c->sn[i]; i++)
		ST_ASSERT(c->sn[i] >= '0' && c->sn[i] <= '9', "serial number '%s'", c->sn);
	ST_ASSERT(c->vid == c->pdev->vendor_id, "Identify VID 0x%04x, PCI vendor 0x%04x", c->vid,
		  c->pdev->vendor_id);
	ST_ASSERT(c->mn[0], "empty model number");
	ST_ASSERT(c->nr_ns >= 1 && c->nr_ns <= NVME_MAX_NS, "%u namespaces in use", c->nr_ns);

	/* Fresh Identify commands agree with what the driver kept. */
	ret = nvme_identify(c, NVME_CNS_CTRL, 0);
	ST_ASSERT(ret == 0, "Identify Controller: %d", ret);
	nvme_id_string(sn, c->idbuf + NVME_ID_CTRL_SN, NVME_ID_CTRL_SN_LEN);
	ST_ASSERT(!strcmp(sn, c->sn), "serial now '%s', at probe '%s'", sn, c->sn);
	for (i = 0; i < c->nr_ns; i++) {
		const struct nvme_ns *ns = &c->ns[i];

		ST_ASSERT(ns->nsid >= 1 && ns->nsid <= c->nn && (!i || ns->nsid > ns[-1].nsid),
			  "namespace %zu has NSID %u (NN %u)", i, ns->nsid, c->nn);
		ret = nvme_identify(c, NVME_CNS_NS, ns->nsid);
		ST_ASSERT(ret == 0, "Identify Namespace %u: %d", ns->nsid, ret);
		ST_ASSERT(nvme_ns_parse(c->idbuf, &f) == 0, "namespace %u no longer parses",
			  ns->nsid);
		ST_ASSERT(f.blocks == ns->bd.blocks && f.block_size == ns->bd.block_size,
			  "namespace %u: NSZE %llu x %u bytes, block device %llu x %u", ns->nsid,
			  (unsigned long long)f.blocks, f.block_size,
			  (unsigned long long)ns->bd.blocks, ns->bd.block_size);
		ST_ASSERT(blockdev_find(ns->bd.name) == &ns->bd, "%s is not registered",
			  ns->bd.name);
	}
	ST_ASSERT(dma_debug_live(c->dev) == live, "live DMA records %u, before %u",
		  dma_debug_live(c->dev), live);
	return ST_PASS;
}

/* A rescan's namespaces (@n of them) are the ones the driver registered. */
static enum st_result same_namespaces(struct selftest_ctx *ctx, const struct nvme_ctrl *c,
				      const struct nvme_ns *got, int n, const char *how)
{
	unsigned int i;

	ST_ASSERT(n == (int)c->nr_ns, "%s found %d namespaces, %u registered", how, n, c->nr_ns);
	for (i = 0; i < c->nr_ns; i++) {
		const struct nvme_ns *a = &got[i], *b = &c->ns[i];

		ST_ASSERT(a->nsid == b->nsid && a->fmt.index == b->fmt.index &&
			  a->fmt.blocks == b->fmt.blocks &&
			  a->fmt.block_size == b->fmt.block_size && !strcmp(a->bd.name, b->bd.name),
			  "%s: namespace %u (%s, format %u, %llu x %u), registered %u (%s, format "
			  "%u, %llu x %u)", how, a->nsid, a->bd.name, a->fmt.index,
			  (unsigned long long)a->fmt.blocks, a->fmt.block_size, b->nsid, b->bd.name,
			  b->fmt.index, (unsigned long long)b->fmt.blocks, b->fmt.block_size);
	}
	return ST_PASS;
}

/*
 * Every active namespace the driver can use is a block device: a rescan
 * through the Active Namespace ID list and one through NSIDs 1..NN one by
 * one (the NVMe 1.0 path) find the same ones; a cap of one stops at the
 * first. Each namespace ends where its Identify says, which only holds if
 * its requests carry its own NSID: its last block reads, the next one is
 * LBA Out of Range.
 */
SELFTEST(nvme, namespaces)
{
	static struct nvme_ns found[NVME_MAX_NS];
	struct nvme_ctrl *c = test_ctrl();
	enum st_result r;
	struct blk_seg seg;
	unsigned int live, i;
	u8 *page;
	int n, ret;

	if (!c)
		ST_SKIP("no NVMe controller");
	live = dma_debug_live(c->dev);
	n = nvme_scan_namespaces(c, false, found, NVME_MAX_NS);
	r = same_namespaces(ctx, c, found, n, "the namespace list");
	if (r != ST_PASS)
		return r;
	n = nvme_scan_namespaces(c, true, found, NVME_MAX_NS);
	r = same_namespaces(ctx, c, found, n, "NSIDs one by one");
	if (r != ST_PASS)
		return r;
	if (c->nr_ns > 1) {
		n = nvme_scan_namespaces(c, false, found, 1);
		ST_ASSERT(n == 1 && found[0].nsid == c->ns[0].nsid, "a scan capped at one found %d "
			  "(first NSID %u)", n, n > 0 ? found[0].nsid : 0);
	}
	page = page_alloc(0);
	ST_ASSERT(page, "no memory");
	for (i = 0; i < c->nr_ns; i++) {
		struct blockdev *bd = &c->ns[i].bd;

		seg = (struct blk_seg){ page, bd->block_size };
		ret = blockdev_rw(bd, false, bd->blocks - 1, &seg, 1);
		if (ret || check_segs(&seg, 1, (bd->blocks - 1) * bd->block_size, false) >= 0) {
			page_free(page);
			ST_FAILF("%s: read of its last block %llu: %d or not the runner's pattern",
				 bd->name, (unsigned long long)(bd->blocks - 1), ret);
		}
		ret = bd->ops->rw(bd, false, bd->blocks, &seg, 1);
		if (ret != -ERANGE) {
			page_free(page);
			ST_FAILF("%s: read of block %llu, one past its end: %d, want -ERANGE (LBA "
				 "Out of Range)", bd->name, (unsigned long long)bd->blocks, ret);
		}
	}
	page_free(page);
	ST_ASSERT(dma_debug_live(c->dev) == live, "live DMA records %u, before %u",
		  dma_debug_live(c->dev), live);
	return ST_PASS;
}

/*
 * Segments no PRP list can describe (starts and ends inside pages, an odd
 * address), read and written: the driver must bounce them.
 */
SELFTEST(nvme, prp_rule_violation)
{
	static const struct {
		u32 page_off, len;
	} shape[] = { { 24, 1000 }, { 100, 3000 }, { 7, 2500 }, { 0, 1692 } };
	struct nvme_ctrl *c = test_ctrl();
	struct blk_seg segs[ARRAY_SIZE(shape)];
	u64 bounced, lba;
	unsigned int live, i;
	enum st_result r;
	u8 *pages;
	s64 bad;
	int ret;

	if (!c)
		ST_SKIP("no NVMe controller");
	ST_ASSERT(test_bd(c)->blocks * test_bd(c)->block_size >=
		  NVME_TEST_BOUNCE_OFF + NVME_TEST_BOUNCE_LEN,
		  "disk too small");
	pages = page_alloc(3);
	ST_ASSERT(pages, "no memory");
	live = dma_debug_live(c->dev);
	for (i = 0; i < ARRAY_SIZE(shape); i++) {
		segs[i].buf = pages + 2 * i * PAGE_SIZE + shape[i].page_off;
		segs[i].len = shape[i].len;
	}
	lba = NVME_TEST_BOUNCE_OFF / test_bd(c)->block_size;
	bounced = c->stats.bounced;

	clear_segs(segs, ARRAY_SIZE(segs));
	ret = blockdev_rw(test_bd(c), false, lba, segs, ARRAY_SIZE(segs));
	bad = check_segs(segs, ARRAY_SIZE(segs), NVME_TEST_BOUNCE_OFF, false);
	if (ret || bad >= 0) {
		page_free(pages);
		ST_FAILF("misaligned read: error %d, first wrong byte +%lld", ret, (long long)bad);
	}
	r = write_read_restore(ctx, test_bd(c), segs, ARRAY_SIZE(segs), NVME_TEST_BOUNCE_OFF);
	page_free(pages);
	if (r != ST_PASS)
		return r;
	ST_ASSERT(c->stats.bounced == bounced + 5, "%llu requests bounced, want 5",
		  (unsigned long long)(c->stats.bounced - bounced));
	ST_ASSERT(dma_debug_live(c->dev) == live, "live DMA records %u, before %u",
		  dma_debug_live(c->dev), live);
	return ST_PASS;
}

/* 64 KiB in 16 page-sized segments, none adjacent: one command with a PRP list. */
SELFTEST(nvme, prp_list)
{
	struct nvme_ctrl *c = test_ctrl();
	struct blk_seg segs[16];
	u64 lists, cmds, bounced, lba;
	unsigned int live, i;
	enum st_result r;
	u8 *pages;
	s64 bad;
	int ret;

	if (!c)
		ST_SKIP("no NVMe controller");
	ST_ASSERT(test_bd(c)->blocks * test_bd(c)->block_size >=
		  NVME_TEST_LIST_OFF + NVME_TEST_LIST_LEN,
		  "disk too small");
	ST_ASSERT(c->ns[0].max_xfer >= NVME_TEST_LIST_LEN, "MDTS allows only %llu bytes",
		  (unsigned long long)c->ns[0].max_xfer);
	pages = page_alloc(5);
	ST_ASSERT(pages, "no memory");
	live = dma_debug_live(c->dev);
	for (i = 0; i < ARRAY_SIZE(segs); i++) {
		/* Every other page, in reverse: contiguous neither in memory nor in order. */
		segs[i].buf = pages + (30 - 2 * i) * PAGE_SIZE;
		segs[i].len = PAGE_SIZE;
	}
	lba = NVME_TEST_LIST_OFF / test_bd(c)->block_size;
	lists = c->stats.prp_lists;
	cmds = c->stats.cmds;
	bounced = c->stats.bounced;

	clear_segs(segs, ARRAY_SIZE(segs));
	ret = blockdev_rw(test_bd(c), false, lba, segs, ARRAY_SIZE(segs));
	bad = check_segs(segs, ARRAY_SIZE(segs), NVME_TEST_LIST_OFF, false);
	if (ret || bad >= 0) {
		page_free(pages);
		ST_FAILF("64 KiB read: error %d, first wrong byte +%lld", ret, (long long)bad);
	}
	if (c->stats.cmds != cmds + 1 || c->stats.prp_lists != lists + 1) {
		page_free(pages);
		ST_FAILF("64 KiB read took %llu commands, %llu PRP lists; want 1 and 1",
			 (unsigned long long)(c->stats.cmds - cmds),
			 (unsigned long long)(c->stats.prp_lists - lists));
	}
	r = write_read_restore(ctx, test_bd(c), segs, ARRAY_SIZE(segs), NVME_TEST_LIST_OFF);
	page_free(pages);
	if (r != ST_PASS)
		return r;
	ret = blockdev_flush(test_bd(c));
	ST_ASSERT(ret == 0, "flush: %d", ret);
	ST_ASSERT(c->stats.prp_lists == lists + 5, "%llu commands used a PRP list, want 5",
		  (unsigned long long)(c->stats.prp_lists - lists));
	ST_ASSERT(c->stats.bounced == bounced, "a conforming request was bounced");
	ST_ASSERT(dma_debug_live(c->dev) == live, "live DMA records %u, before %u",
		  dma_debug_live(c->dev), live);
	return ST_PASS;
}

/*
 * Read LBA 0 into @seg and compare with the runner's pattern.
 * Return: 0 or -errno (-EILSEQ: wrong data).
 */
static int read_lba0(struct nvme_ctrl *c, struct blk_seg *seg)
{
	int ret;

	memset(seg->buf, 0, seg->len);
	ret = blockdev_rw(test_bd(c), false, 0, seg, 1);
	return ret ? ret : check_segs(seg, 1, 0, false) >= 0 ? -EILSEQ : 0;
}

/*
 * The end of a failure test: nothing of @c's left mapped (@live: the
 * dma-debug records before the test), and @seg read from LBA 0 holds the
 * runner's pattern (@when: for messages). The caller frees @seg's buffer.
 */
static enum st_result still_works(struct selftest_ctx *ctx, struct nvme_ctrl *c,
				  struct blk_seg *seg, unsigned int live, const char *when)
{
	int ret;

	ST_ASSERT(dma_debug_live(c->dev) == live, "live DMA records %u %s, before %u",
		  dma_debug_live(c->dev), when, live);
	ret = read_lba0(c, seg);
	ST_ASSERT(ret == 0, "read of LBA 0 %s: %d (-EILSEQ: wrong data)", when, ret);
	ST_ASSERT(dma_debug_live(c->dev) == live, "live DMA records %u after the read, before %u",
		  dma_debug_live(c->dev), live);
	return ST_PASS;
}

/*
 * Blocks beyond the namespace, sent straight to the driver (blockdev_rw
 * would refuse them): the device answers LBA Out of Range, the driver
 * returns -ERANGE, unmaps, and keeps working.
 */
SELFTEST(nvme, error_status)
{
	struct nvme_ctrl *c = test_ctrl();
	enum st_result r;
	struct blk_seg seg;
	unsigned int live;
	u64 errors;
	u8 *page;
	int ret;

	if (!c)
		ST_SKIP("no NVMe controller");
	page = page_alloc(1);
	ST_ASSERT(page, "no memory");
	live = dma_debug_live(c->dev);
	errors = c->stats.errors;
	seg.buf = page;
	seg.len = test_bd(c)->block_size;
	c->last_error_dw3 = 0;
	ret = test_bd(c)->ops->rw(test_bd(c), false, test_bd(c)->blocks, &seg, 1);
	if (ret != -ERANGE || FIELD_GET(NVME_CQE3_SCT, c->last_error_dw3) != NVME_SCT_GENERIC ||
	    FIELD_GET(NVME_CQE3_SC, c->last_error_dw3) != NVME_SC_LBA_RANGE) {
		page_free(page);
		ST_FAILF("read of LBA %llu: error %d, status 0x%08x; want -ERANGE, LBA Out of Range",
			 (unsigned long long)test_bd(c)->blocks, ret, c->last_error_dw3);
	}
	/* Two blocks that straddle the end, written: refused too, nothing changes. */
	seg.len = 2 * test_bd(c)->block_size;
	ret = test_bd(c)->ops->rw(test_bd(c), true, test_bd(c)->blocks - 1, &seg, 1);
	if (ret != -ERANGE) {
		page_free(page);
		ST_FAILF("write across the end: error %d, want -ERANGE", ret);
	}
	if (c->stats.errors != errors + 2) {
		page_free(page);
		ST_FAILF("%llu errors counted, want 2",
			 (unsigned long long)(c->stats.errors - errors));
	}
	seg.len = test_bd(c)->block_size;
	r = still_works(ctx, c, &seg, live, "after the errors");
	page_free(page);
	return r;
}

/*
 * A command the controller never sees (its doorbell is not rung, a
 * self-test hook): -ETIMEDOUT after the bound, the controller reset, the
 * buffers unmapped, and the next request works.
 */
SELFTEST(nvme, timeout_recovers)
{
	struct nvme_ctrl *c = test_ctrl();
	u64 timeouts, resets, saved;
	enum st_result r;
	struct blk_seg seg;
	unsigned int live;
	u8 *page;
	int ret;

	if (!c)
		ST_SKIP("no NVMe controller");
	page = page_alloc(1);
	ST_ASSERT(page, "no memory");
	live = dma_debug_live(c->dev);
	timeouts = c->stats.timeouts;
	resets = c->stats.resets;
	seg.buf = page;
	seg.len = PAGE_SIZE;
	saved = c->io_timeout_us;
	c->io_timeout_us = NVME_TEST_IO_TIMEOUT_US;
	c->test_drop_doorbells = 1;
	ret = blockdev_rw(test_bd(c), false, 0, &seg, 1);
	c->io_timeout_us = saved;
	c->test_drop_doorbells = 0;
	if (ret != -ETIMEDOUT) {
		page_free(page);
		ST_FAILF("read with its doorbell withheld: %d, want -ETIMEDOUT", ret);
	}
	if (c->stats.timeouts != timeouts + 1 || c->stats.resets != resets + 1 || c->dead) {
		page_free(page);
		ST_FAILF("timeouts +%llu, resets +%llu, given up %d; want 1, 1, 0",
			 (unsigned long long)(c->stats.timeouts - timeouts),
			 (unsigned long long)(c->stats.resets - resets), c->dead);
	}
	r = still_works(ctx, c, &seg, live, "after the timeout");
	page_free(page);
	return r;
}

/* Completions arrive by INTx: the handler runs and finds them. */
SELFTEST(nvme, completion_interrupt)
{
	struct nvme_ctrl *c = test_ctrl();
	unsigned long taken;
	struct blk_seg seg;
	unsigned int live;
	u64 irqs;
	u8 *page;
	int ret;

	if (!c)
		ST_SKIP("no NVMe controller");
	if (!c->intid && c->irq_lost)
		ST_FAILF("the completion interrupt was given up (reported above)");
	if (!c->intid)
		ST_SKIP("completion is polled (no INTx line of its own)");
	page = page_alloc(0);
	ST_ASSERT(page, "no memory");
	live = dma_debug_live(c->dev);
	taken = irq_count(c->intid);
	irqs = c->stats.irqs;
	seg.buf = page;
	seg.len = PAGE_SIZE;
	ret = blockdev_rw(test_bd(c), false, NVME_TEST_IRQ_OFF / test_bd(c)->block_size, &seg, 1);
	ret = ret ? ret : check_segs(&seg, 1, NVME_TEST_IRQ_OFF, false) >= 0 ? -EIO : 0;
	page_free(page);
	ST_ASSERT(ret == 0, "read: %d", ret);
	ST_ASSERT(irq_count(c->intid) > taken && c->stats.irqs > irqs,
		  "INTID %u taken %lu times, %llu with completions, during the read", c->intid,
		  irq_count(c->intid) - taken, (unsigned long long)(c->stats.irqs - irqs));
	ST_ASSERT(c->intid, "the line was given up during the read");
	ST_ASSERT(dma_debug_live(c->dev) == live, "live DMA records %u, before %u",
		  dma_debug_live(c->dev), live);
	return ST_PASS;
}

static bool bus_master_on(const struct nvme_ctrl *c)
{
	return pci_read_config16(c->pdev, PCI_COMMAND) & PCI_COMMAND_MASTER;
}

/*
 * One reset made to fail by @fault, reached as a timeout's recovery and as
 * nvme_ctrl_reset(): -ETIMEDOUT to the caller, the controller unusable
 * with its DMA stopped, nothing left mapped or allocated, requests refused
 * at once; then, the hook unarmed, a reset brings it back.
 */
static enum st_result reset_fails(struct selftest_ctx *ctx, struct nvme_ctrl *c,
				  struct blk_seg *seg, enum nvme_reset_fault fault)
{
	const char *kind = fault == NVME_RESET_FAULT_NO_STOP ? "does not stop" : "is not ready";
	struct blk_test_dma_state before;
	u64 not_before, not_after, submitted;
	int ret;

	/* Warm: an SMMU table page this read needs is in place before the baseline. */
	ret = read_lba0(c, seg);
	ST_ASSERT(ret == 0, "read of LBA 0 before the test: %d", ret);
	blk_test_dma_state(c->dev, &before);

	/* A read whose doorbell is withheld times out; the reset of its recovery fails. */
	c->ready_timeout_ms = NVME_TEST_READY_TIMEOUT_MS;
	c->io_timeout_us = NVME_TEST_IO_TIMEOUT_US;
	c->test_drop_doorbells = 1;
	c->test_reset_fault = fault;
	not_before = timer_deadline(NVME_TEST_IO_TIMEOUT_US + NVME_TEST_READY_TIMEOUT_MS * 1000);
	not_after = timer_deadline(NVME_TEST_IO_TIMEOUT_US + NVME_TEST_SLACK_US);
	ret = blockdev_rw(test_bd(c), false, 0, seg, 1);
	ST_ASSERT(c->test_reset_fault == NVME_RESET_FAULT_NONE && !c->test_drop_doorbells,
		  "the timeout's recovery never reached the CSTS.RDY wait (controller %s)", kind);
	ST_ASSERT(ret == -ETIMEDOUT, "controller %s: the timed-out read returned %d, want "
		  "-ETIMEDOUT", kind, ret);
	ST_ASSERT(timer_expired(not_before), "controller %s: the reset gave up before its %u ms "
		  "bound", kind, NVME_TEST_READY_TIMEOUT_MS);
	ST_ASSERT(!timer_expired(not_after), "controller %s: the failing reset took more than "
		  "%u ms (CAP.TO is %u ms)", kind, NVME_TEST_SLACK_US / 1000,
		  nvme_cap_timeout_ms(c->cap));
	ST_ASSERT(c->dead && !c->dma_unsafe, "controller %s: dead %d, DMA unsafe %d; want 1, 0",
		  kind, c->dead, c->dma_unsafe);
	ST_ASSERT(!bus_master_on(c), "controller %s: bus mastering still on", kind);
	if (blk_test_dma_changed(ctx, c->dev, &before, "after the failed reset"))
		return ST_FAIL;

	/* Unusable: refused at once, nothing reaches the controller. */
	submitted = c->adminq.submitted + c->ioq.submitted;
	not_after = timer_deadline(NVME_TEST_REFUSE_US);
	ret = blockdev_rw(test_bd(c), false, 0, seg, 1);
	ST_ASSERT(ret == -ENODEV, "a read from the unusable controller returned %d, want -ENODEV",
		  ret);
	ST_ASSERT(!timer_expired(not_after), "refusing a read took more than %u ms",
		  NVME_TEST_REFUSE_US / 1000);
	ST_ASSERT(c->adminq.submitted + c->ioq.submitted == submitted,
		  "the unusable controller was given a command");

	/* As a re-initialisation: the same failure straight from nvme_ctrl_reset(). */
	c->test_reset_fault = fault;
	ret = nvme_ctrl_reset(c);
	ST_ASSERT(ret == -ETIMEDOUT && c->dead && !bus_master_on(c), "nvme_ctrl_reset(), "
		  "controller %s: %d, dead %d; want -ETIMEDOUT, dead, bus mastering off", kind,
		  ret, c->dead);
	if (blk_test_dma_changed(ctx, c->dev, &before, "after the failed nvme_ctrl_reset()"))
		return ST_FAIL;

	/* Unarmed: the reset works, and so does the disk. */
	ret = nvme_ctrl_reset(c);
	ST_ASSERT(ret == 0 && !c->dead && bus_master_on(c), "nvme_ctrl_reset() after the "
		  "failure: %d, dead %d; want 0, usable, bus mastering on", ret, c->dead);
	ret = read_lba0(c, seg);
	ST_ASSERT(ret == 0, "read of LBA 0 after the recovery: %d", ret);
	if (blk_test_dma_changed(ctx, c->dev, &before, "after the recovery"))
		return ST_FAIL;
	return ST_PASS;
}

/*
 * A controller that fails to reset (QEMU's always resets: the
 * c->test_reset_fault hook makes CSTS.RDY read stuck), both ways: it does
 * not stop (RDY stays 1 after CC.EN = 0) and it does not come back (RDY
 * stays 0 after CC.EN = 1). The waits stay bounded by the shortened
 * c->ready_timeout_ms; see reset_fails() for what is checked.
 */
SELFTEST(nvme, reset_failure)
{
	static const enum nvme_reset_fault faults[] = { NVME_RESET_FAULT_NOT_READY,
							NVME_RESET_FAULT_NO_STOP };
	struct nvme_ctrl *c = test_ctrl();
	enum st_result r = ST_PASS;
	u64 io_timeout;
	u32 ready_timeout;
	struct blk_seg seg;
	unsigned int i;

	if (!c)
		ST_SKIP("no NVMe controller");
	seg.buf = page_alloc(0);
	ST_ASSERT(seg.buf, "no memory");
	seg.len = PAGE_SIZE;
	io_timeout = c->io_timeout_us;
	ready_timeout = c->ready_timeout_ms;
	for (i = 0; i < ARRAY_SIZE(faults) && r == ST_PASS; i++) {
		r = reset_fails(ctx, c, &seg, faults[i]);
		c->io_timeout_us = io_timeout;
		c->ready_timeout_ms = ready_timeout;
		c->test_drop_doorbells = 0;
		c->test_reset_fault = NVME_RESET_FAULT_NONE;
	}
	/* A failed check may have left it unusable: give the later tests a working one. */
	if (c->dead && !c->dma_unsafe)
		nvme_ctrl_reset(c);
	page_free(seg.buf);
	return r;
}
