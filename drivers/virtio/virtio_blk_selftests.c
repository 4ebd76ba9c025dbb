/*
 * virtio-blk's own self-tests (the generic ones, blk.*, are in
 * drivers/block/blockdev_selftests.c): what was negotiated, the ring
 * behind the SMMU, completion by interrupt, and the failure paths: an
 * error status from the device, a request the device never completes, a
 * device that stops on a DMA fault, a device that fails to reset. After
 * each failure nothing is left mapped and the disk still works.
 */
#include <arch/timer.h>
#include <device.h>
#include <dma.h>
#include <drivers/pci.h>
#include <drivers/pci_regs.h>
#include <drivers/smmu_v3.h>
#include <drivers/virtio_blk.h>
#include <drivers/virtio_regs.h>
#include <errno.h>
#include <iommu.h>
#include <mm/page_alloc.h>
#include <selftest.h>
#include <string.h>

/* An IOVA no mapping uses: the top of the 256 MiB IOVA space the allocator fills from below. */
#define VBLK_TEST_UNMAPPED_IOVA 0x0ff80000ULL
/* The timeout the never-completed request gets (the default is seconds). */
#define VBLK_TEST_TIMEOUT_US 50000
/* The bound of a reset made to fail (VIRTIO_RESET_TIMEOUT_US is 1 s). */
#define VBLK_TEST_RESET_TIMEOUT_US 20000
/* A request to a disk given up is refused at once, well within this. */
#define VBLK_TEST_REFUSE_US 20000
/* Slack over the time bounds for a failing reset (TCG, console output). */
#define VBLK_TEST_SLACK_US 500000

static struct device *dev_of(const struct virtio_blk *vb)
{
	return vb->bd.dev;
}

/* Sector 2 reads back as the runner's pattern: the disk works (@when: for messages). */
static enum st_result works(struct selftest_ctx *ctx, struct virtio_blk *vb, u8 *buf,
			    const char *when)
{
	struct blk_seg seg = { buf, VIRTIO_BLK_SECTOR_SIZE };
	unsigned int i;
	int ret;

	memset(buf, 0, VIRTIO_BLK_SECTOR_SIZE);
	ret = virtio_blk_request(vb, VIRTIO_BLK_T_IN, 2, &seg, 1);
	ST_ASSERT(ret == 0, "%s: a good read %s: %d", vb->bd.name, when, ret);
	for (i = 0; i < VIRTIO_BLK_SECTOR_SIZE; i++)
		ST_ASSERT(buf[i] == blk_pattern_before(2 * VIRTIO_BLK_SECTOR_SIZE + i),
			  "%s: sector 2 byte %u is 0x%02x %s", vb->bd.name, i, buf[i], when);
	return ST_PASS;
}

static enum st_result still_works(struct selftest_ctx *ctx, struct virtio_blk *vb, u8 *buf)
{
	return works(ctx, vb, buf, "after the failure");
}

/* Every virtio-blk function on the bus became a disk (a refused one is a failure). */
SELFTEST(virtio, blk_bound)
{
	if (!virtio_blk_found())
		ST_SKIP("no virtio-blk function (QEMU -device virtio-blk-pci,disable-legacy=on)");
	ST_ASSERT(virtio_blk_count() == virtio_blk_found(),
		  "%u virtio-blk function(s) found, %u bound (the boot log says why)",
		  virtio_blk_found(), virtio_blk_count());
	return ST_PASS;
}

SELFTEST(virtio, blk_features)
{
	unsigned int i;

	if (!virtio_blk_count())
		ST_SKIP("no virtio-blk disk (QEMU -device virtio-blk-pci,disable-legacy=on)");
	for (i = 0; i < virtio_blk_count(); i++) {
		struct virtio_blk *vb = virtio_blk_get(i);
		u64 f = vb->vp.features;
		u8 st = virtio_pci_status(&vb->vp);

		ST_ASSERT(f & VIRTIO_F_VERSION_1, "%s: VERSION_1 not negotiated", vb->bd.name);
		ST_ASSERT(!(vb->vp.offered & VIRTIO_F_ACCESS_PLATFORM) ||
			  (f & VIRTIO_F_ACCESS_PLATFORM), "%s: ACCESS_PLATFORM offered, not taken",
			  vb->bd.name);
		ST_ASSERT(!dev_of(vb)->iommu || (f & VIRTIO_F_ACCESS_PLATFORM),
			  "%s: behind the SMMU without ACCESS_PLATFORM", vb->bd.name);
		ST_ASSERT(!(f & (VIRTIO_F_RING_PACKED | VIRTIO_F_EVENT_IDX | VIRTIO_F_INDIRECT_DESC |
				 VIRTIO_F_NOTIFICATION_DATA)),
			  "%s: accepted a ring feature the driver does not implement (0x%llx)",
			  vb->bd.name, (unsigned long long)f);
		ST_ASSERT(!(f & ~vb->vp.offered), "%s: accepted features the device did not offer",
			  vb->bd.name);
		ST_ASSERT(st == (VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
				 VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK),
			  "%s: device status 0x%02x", vb->bd.name, st);
		ST_ASSERT(vb->bd.blocks << vb->lba_shift == vb->sectors,
			  "%s: %llu blocks of %u bytes for %llu sectors", vb->bd.name,
			  (unsigned long long)vb->bd.blocks, vb->bd.block_size,
			  (unsigned long long)vb->sectors);
	}
	return ST_PASS;
}

/* Behind the SMMU the ring and the request header are IOVAs that translate to them. */
SELFTEST(virtio, blk_ring_through_smmu)
{
	struct virtio_blk *vb = virtio_blk_get(0);
	struct {
		const char *what;
		dma_addr_t dma;
		const void *cpu;
	} areas[4];
	phys_addr_t pa;
	unsigned int i;

	if (!vb || !dev_of(vb)->iommu)
		ST_SKIP("needs a virtio-blk disk behind the SMMU");
	areas[0] = (typeof(areas[0])){ "descriptor table", vb->vq.desc_dma, vb->vq.desc };
	areas[1] = (typeof(areas[0])){ "available ring", vb->vq.avail_dma, vb->vq.avail };
	areas[2] = (typeof(areas[0])){ "used ring", vb->vq.used_dma, vb->vq.used };
	areas[3] = (typeof(areas[0])){ "request header", vb->cmd_dma, vb->cmd };
	for (i = 0; i < ARRAY_SIZE(areas); i++) {
		ST_ASSERT(iommu_iova_to_phys(dev_of(vb)->iommu, areas[i].dma, &pa) == 0,
			  "%s: %s at IOVA 0x%llx is not mapped", vb->bd.name, areas[i].what,
			  (unsigned long long)areas[i].dma);
		ST_ASSERT(pa == (uintptr_t)areas[i].cpu, "%s: %s: IOVA 0x%llx -> 0x%llx, the memory "
			  "is at 0x%llx", vb->bd.name, areas[i].what,
			  (unsigned long long)areas[i].dma, (unsigned long long)pa,
			  (unsigned long long)(uintptr_t)areas[i].cpu);
		ST_ASSERT(areas[i].dma != (uintptr_t)areas[i].cpu,
			  "%s: %s's DMA address is its physical address", vb->bd.name,
			  areas[i].what);
	}
	return ST_PASS;
}

SELFTEST(virtio, blk_completion_irq)
{
	struct virtio_blk *vb = virtio_blk_get(0);
	struct blk_seg seg;
	u64 irqs;
	u8 *buf;
	int ret;

	if (!vb)
		ST_SKIP("no virtio-blk disk");
	ST_ASSERT(!vb->irq_lost, "%s: its interrupt never came: completions are polled",
		  vb->bd.name);
	if (!vb->intid)
		ST_SKIP("%s: completion is polled (no INTx)", vb->bd.name);
	buf = page_alloc(0);
	ST_ASSERT(buf, "no memory");
	irqs = vb->stats.irqs;
	seg = (struct blk_seg){ buf, VIRTIO_BLK_SECTOR_SIZE };
	ret = blockdev_rw(&vb->bd, false, 0, &seg, 1);
	page_free(buf);
	ST_ASSERT(ret == 0, "read: %d", ret);
	ST_ASSERT(vb->intid && !vb->irq_lost, "%s: fell back to polling: the interrupt did not "
		  "come", vb->bd.name);
	ST_ASSERT(vb->stats.irqs > irqs, "%s: no interrupt on INTID %u for the read",
		  vb->bd.name, vb->intid);
	return ST_PASS;
}

/*
 * A read beyond the capacity, sent to the device as it is (blockdev_rw()
 * would refuse it): the device answers VIRTIO_BLK_S_IOERR (5.2.6), the
 * driver -EIO; an unknown request type gets VIRTIO_BLK_S_UNSUPP and
 * -EOPNOTSUPP. Nothing stays mapped, the disk keeps working.
 */
SELFTEST(virtio, blk_error_status)
{
	struct virtio_blk *vb = virtio_blk_get(0);
	struct blk_seg seg;
	unsigned int live;
	u64 errs;
	u8 *buf;
	int ret;

	if (!vb)
		ST_SKIP("no virtio-blk disk");
	buf = page_alloc(0);
	ST_ASSERT(buf, "no memory");
	live = dma_debug_live(dev_of(vb));
	errs = vb->stats.dev_errors;
	seg = (struct blk_seg){ buf, VIRTIO_BLK_SECTOR_SIZE };
	ret = virtio_blk_request(vb, VIRTIO_BLK_T_IN, vb->sectors, &seg, 1);
	ST_ASSERT(ret == -EIO, "%s: read of sector %llu (the capacity) returned %d, expected -EIO",
		  vb->bd.name, (unsigned long long)vb->sectors, ret);
	ret = virtio_blk_request(vb, VIRTIO_BLK_T_OUT, vb->sectors - 1, (struct blk_seg[]){
		{ buf, 2 * VIRTIO_BLK_SECTOR_SIZE } }, 1);
	ST_ASSERT(ret == -EIO, "%s: write across the end returned %d, expected -EIO", vb->bd.name,
		  ret);
	ret = virtio_blk_request(vb, 0x54, 0, NULL, 0);
	ST_ASSERT(ret == -EOPNOTSUPP, "%s: request type 0x54 returned %d, expected -EOPNOTSUPP",
		  vb->bd.name, ret);
	ST_ASSERT(vb->stats.dev_errors == errs + 3, "%s: %llu device errors counted, expected 3",
		  vb->bd.name, (unsigned long long)(vb->stats.dev_errors - errs));
	ST_ASSERT(dma_debug_live(dev_of(vb)) == live, "%s: %u DMA records live after the errors, "
		  "%u before", vb->bd.name, dma_debug_live(dev_of(vb)), live);
	ret = still_works(ctx, vb, buf);
	page_free(buf);
	return ret;
}

/*
 * A request whose doorbell is never rung is never completed: the wait ends
 * at the time bound with -ETIMEDOUT, the device is reset (so it cannot use
 * the buffers later) before they are unmapped, and restarted.
 */
SELFTEST(virtio, blk_timeout_recovers)
{
	struct virtio_blk *vb = virtio_blk_get(0);
	struct blk_seg seg;
	unsigned int live;
	u64 resets, timeouts;
	u32 saved;
	u8 *buf;
	int ret;

	if (!vb)
		ST_SKIP("no virtio-blk disk");
	buf = page_alloc(0);
	ST_ASSERT(buf, "no memory");
	live = dma_debug_live(dev_of(vb));
	resets = vb->stats.resets;
	timeouts = vb->stats.timeouts;
	saved = vb->timeout_us;
	vb->timeout_us = VBLK_TEST_TIMEOUT_US;
	vb->fault = VBLK_FAULT_NO_NOTIFY;
	seg = (struct blk_seg){ buf + 1, 3 * VIRTIO_BLK_SECTOR_SIZE };
	ret = virtio_blk_request(vb, VIRTIO_BLK_T_IN, 0, &seg, 1);
	vb->timeout_us = saved;
	ST_ASSERT(ret == -ETIMEDOUT, "%s: a request never notified returned %d, expected "
		  "-ETIMEDOUT", vb->bd.name, ret);
	ST_ASSERT(vb->stats.timeouts == timeouts + 1 && vb->stats.resets == resets + 1,
		  "%s: timeouts +%llu, resets +%llu, expected +1 each", vb->bd.name,
		  (unsigned long long)(vb->stats.timeouts - timeouts),
		  (unsigned long long)(vb->stats.resets - resets));
	ST_ASSERT(!vb->dead, "%s: the device was given up", vb->bd.name);
	ST_ASSERT(dma_debug_live(dev_of(vb)) == live, "%s: %u DMA records live after the timeout, "
		  "%u before", vb->bd.name, dma_debug_live(dev_of(vb)), live);
	ret = still_works(ctx, vb, buf);
	page_free(buf);
	return ret;
}

/*
 * A descriptor pointing at an IOVA nothing maps: the device's DMA faults in
 * the SMMU (the fault is recorded for its stream at that IOVA) and the
 * read fails with -EIO, whether the device completes the request (QEMU
 * drops the write and completes it) or stops with DEVICE_NEEDS_RESET (then
 * the driver resets and restarts it). The faulting descriptor is 4 bytes,
 * so one fault is recorded, not one per word of a sector.
 */
SELFTEST(virtio, blk_dma_fault_recovers)
{
	struct virtio_blk *vb = virtio_blk_get(0);
	struct blk_seg segs[2];
	struct smmu_fault f;
	unsigned int live;
	unsigned long seq;
	phys_addr_t pa;
	u32 sid;
	u8 *buf;
	int ret;

	if (!vb || smmu_stream_of(dev_of(vb), &sid))
		ST_SKIP("needs a virtio-blk disk behind the SMMU");
	ST_ASSERT(iommu_iova_to_phys(dev_of(vb)->iommu, VBLK_TEST_UNMAPPED_IOVA, &pa) != 0,
		  "IOVA 0x%llx unexpectedly mapped", VBLK_TEST_UNMAPPED_IOVA);
	buf = page_alloc(0);
	ST_ASSERT(buf, "no memory");
	live = dma_debug_live(dev_of(vb));
	seq = smmu_fault_seq();
	vb->fault = VBLK_FAULT_DATA_ADDR;
	vb->fault_addr = VBLK_TEST_UNMAPPED_IOVA;
	segs[0] = (struct blk_seg){ buf, 4 };
	segs[1] = (struct blk_seg){ buf + 4, VIRTIO_BLK_SECTOR_SIZE - 4 };
	ret = virtio_blk_request(vb, VIRTIO_BLK_T_IN, 0, segs, 2);
	ST_ASSERT(ret == -EIO, "%s: a read into an unmapped IOVA returned %d, expected -EIO",
		  vb->bd.name, ret);
	ST_ASSERT(smmu_fault_find(seq, sid, &f), "%s: no SMMU fault recorded for stream 0x%x",
		  vb->bd.name, sid);
	ST_ASSERT(f.ev.addr == VBLK_TEST_UNMAPPED_IOVA && !f.ev.read,
		  "%s: fault at IOVA 0x%llx (%s), expected a write to 0x%llx", vb->bd.name,
		  (unsigned long long)f.ev.addr, f.ev.read ? "read" : "write",
		  VBLK_TEST_UNMAPPED_IOVA);
	ST_ASSERT(!vb->dead, "%s: the device was given up", vb->bd.name);
	ST_ASSERT(dma_debug_live(dev_of(vb)) == live, "%s: %u DMA records live after the fault, "
		  "%u before", vb->bd.name, dma_debug_live(dev_of(vb)), live);
	ret = still_works(ctx, vb, buf);
	page_free(buf);
	return ret;
}

static bool bus_master_on(const struct virtio_blk *vb)
{
	return pci_read_config16(vb->vp.pdev, PCI_COMMAND) & PCI_COMMAND_MASTER;
}

/* See SELFTEST(virtio, blk_reset_failure). */
static enum st_result reset_fails(struct selftest_ctx *ctx, struct virtio_blk *vb, u8 *buf)
{
	struct blk_seg seg = { buf + 1, 3 * VIRTIO_BLK_SECTOR_SIZE };
	struct blk_test_dma_state before;
	u64 not_before, not_after, requests;
	enum st_result r;
	int ret;

	/* Warm: an SMMU table page the reads need is in place before the baseline. */
	r = works(ctx, vb, buf, "before the test");
	if (r != ST_PASS)
		return r;
	blk_test_dma_state(dev_of(vb), &before);

	/* A request never notified times out; the reset of its recovery fails. */
	vb->timeout_us = VBLK_TEST_TIMEOUT_US;
	vb->vp.reset_timeout_us = VBLK_TEST_RESET_TIMEOUT_US;
	vb->fault = VBLK_FAULT_NO_NOTIFY;
	vb->vp.test_reset_stuck = true;
	not_before = timer_deadline(VBLK_TEST_TIMEOUT_US + VBLK_TEST_RESET_TIMEOUT_US);
	not_after = timer_deadline(VBLK_TEST_TIMEOUT_US + VBLK_TEST_SLACK_US);
	ret = virtio_blk_request(vb, VIRTIO_BLK_T_IN, 0, &seg, 1);
	ST_ASSERT(!vb->vp.test_reset_stuck, "%s: the timeout's recovery never reset the device",
		  vb->bd.name);
	ST_ASSERT(ret == -ETIMEDOUT, "%s: the timed-out read returned %d, want -ETIMEDOUT",
		  vb->bd.name, ret);
	ST_ASSERT(timer_expired(not_before), "%s: the reset gave up before its %u ms bound",
		  vb->bd.name, VBLK_TEST_RESET_TIMEOUT_US / 1000);
	ST_ASSERT(!timer_expired(not_after), "%s: the failing reset took more than %u ms",
		  vb->bd.name, VBLK_TEST_SLACK_US / 1000);
	ST_ASSERT(vb->dead && !vb->dma_unsafe, "%s: dead %d, DMA unsafe %d; want 1, 0",
		  vb->bd.name, vb->dead, vb->dma_unsafe);
	ST_ASSERT(!bus_master_on(vb), "%s: bus mastering still on", vb->bd.name);
	if (blk_test_dma_changed(ctx, dev_of(vb), &before, "after the failed reset"))
		return ST_FAIL;

	/* Given up: refused at once, nothing reaches the device. */
	requests = vb->stats.requests;
	not_after = timer_deadline(VBLK_TEST_REFUSE_US);
	ret = blockdev_rw(&vb->bd, false, 0, &seg, 1);
	ST_ASSERT(ret == -EIO, "%s: a read from the disk given up returned %d, want -EIO",
		  vb->bd.name, ret);
	ST_ASSERT(!timer_expired(not_after), "%s: refusing a read took more than %u ms",
		  vb->bd.name, VBLK_TEST_REFUSE_US / 1000);
	ST_ASSERT(vb->stats.requests == requests, "%s: the device was given a request",
		  vb->bd.name);

	/* As a re-initialisation: the same failure straight from virtio_blk_reset(). */
	vb->vp.test_reset_stuck = true;
	ret = virtio_blk_reset(vb);
	ST_ASSERT(ret == -ETIMEDOUT && vb->dead && !bus_master_on(vb), "%s: virtio_blk_reset() "
		  "with the reset failing: %d, dead %d; want -ETIMEDOUT, dead, bus mastering off",
		  vb->bd.name, ret, vb->dead);
	if (blk_test_dma_changed(ctx, dev_of(vb), &before, "after the failed virtio_blk_reset()"))
		return ST_FAIL;

	/* Unarmed: the reset works, and so does the disk. */
	ret = virtio_blk_reset(vb);
	ST_ASSERT(ret == 0 && !vb->dead && bus_master_on(vb), "%s: virtio_blk_reset() after the "
		  "failure: %d, dead %d; want 0, usable, bus mastering on", vb->bd.name, ret,
		  vb->dead);
	r = still_works(ctx, vb, buf);
	if (r != ST_PASS)
		return r;
	return blk_test_dma_changed(ctx, dev_of(vb), &before, "after the recovery") ? ST_FAIL :
									       ST_PASS;
}

/*
 * A device that fails to reset (QEMU's always do: the vp.test_reset_stuck
 * hook makes device_status read non-zero after the reset, until the
 * shortened bound vp.reset_timeout_us), reached as a timed-out request's
 * recovery and as virtio_blk_reset(): -ETIMEDOUT to the caller, the disk
 * given up with bus mastering off, nothing left mapped or allocated,
 * requests refused at once with -EIO; the hook unarmed, a reset brings it
 * back and the pattern reads again.
 */
SELFTEST(virtio, blk_reset_failure)
{
	struct virtio_blk *vb = virtio_blk_get(0);
	u32 timeout, reset_timeout;
	enum st_result r;
	u8 *buf;

	if (!vb)
		ST_SKIP("no virtio-blk disk");
	buf = page_alloc(0);
	ST_ASSERT(buf, "no memory");
	timeout = vb->timeout_us;
	reset_timeout = vb->vp.reset_timeout_us;
	r = reset_fails(ctx, vb, buf);
	vb->timeout_us = timeout;
	vb->vp.reset_timeout_us = reset_timeout;
	vb->vp.test_reset_stuck = false;
	vb->fault = VBLK_FAULT_NONE;
	/* A failed check may have left it given up: give the later tests a working disk. */
	if (vb->dead && !vb->dma_unsafe)
		virtio_blk_reset(vb);
	page_free(buf);
	return r;
}
