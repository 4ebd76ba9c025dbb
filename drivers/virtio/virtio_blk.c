/*
 * virtio-blk over modern PCI (see <drivers/virtio_blk.h>).
 */
#include <arch/cpu.h>
#include <arch/timer.h>
#include <console.h>
#include <dma.h>
#include <drivers/blockdev.h>
#include <drivers/irq.h>
#include <drivers/pci.h>
#include <drivers/smmu_v3.h>
#include <drivers/virtio_blk.h>
#include <drivers/virtio_regs.h>
#include <errno.h>
#include <fmt.h>
#include <string.h>

/* What this driver can use of virtio-blk's features (5.2.3). */
#define VBLK_FEATURES \
	(VIRTIO_BLK_F_SIZE_MAX | VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_RO | \
	 VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH)
/* The status byte before the device writes it: no valid status has this value. */
#define VBLK_STATUS_NONE 0xff
/* While waiting, the device status is read this often (an MMIO read each time). */
#define VBLK_STATUS_POLL_US 1000
/* Largest block size accepted from blk_size (5.2.4); larger falls back to 512. */
#define VBLK_BLK_SIZE_MAX 4096

static struct virtio_blk vblks[VIRTIO_BLK_MAX];
static unsigned int nr_vblks, nr_found;

/* Names of virtio-blk's feature bits (5.2.3), for the boot line. */
static const struct virtio_feature_name blk_feature_names[] = {
	{ VIRTIO_BLK_F_SIZE_MAX, "SIZE_MAX" }, { VIRTIO_BLK_F_SEG_MAX, "SEG_MAX" },
	{ VIRTIO_BLK_F_GEOMETRY, "GEOMETRY" }, { VIRTIO_BLK_F_RO, "RO" },
	{ VIRTIO_BLK_F_BLK_SIZE, "BLK_SIZE" }, { VIRTIO_BLK_F_FLUSH, "FLUSH" },
	{ VIRTIO_BLK_F_TOPOLOGY, "TOPOLOGY" }, { VIRTIO_BLK_F_CONFIG_WCE, "CONFIG_WCE" },
	{ VIRTIO_BLK_F_MQ, "MQ" }, { VIRTIO_BLK_F_DISCARD, "DISCARD" },
	{ VIRTIO_BLK_F_WRITE_ZEROES, "WRITE_ZEROES" },
};

static const char *op_name(u32 type)
{
	switch (type) {
	case VIRTIO_BLK_T_IN:
		return "read";
	case VIRTIO_BLK_T_OUT:
		return "write";
	case VIRTIO_BLK_T_FLUSH:
		return "flush";
	case VIRTIO_BLK_T_GET_ID:
		return "get-id";
	default:
		return "request";
	}
}

/* "read of sectors 16..23 (4096 bytes)", "flush", "request (type 0x55) at sector 0, 512 bytes". */
static const char *describe(char *buf, size_t len, u32 type, u64 sector, u64 bytes)
{
	if (type == VIRTIO_BLK_T_FLUSH)
		fmt_snprintf(buf, len, "flush");
	else if ((type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_OUT) && bytes)
		fmt_snprintf(buf, len, "%s of sectors %llu..%llu (%llu bytes)", op_name(type),
			     (unsigned long long)sector,
			     (unsigned long long)(sector + ((bytes + VIRTIO_BLK_SECTOR_SIZE - 1) >>
							    VIRTIO_BLK_SECTOR_SHIFT) - 1),
			     (unsigned long long)bytes);
	else
		fmt_snprintf(buf, len, "%s (type 0x%x) at sector %llu, %llu bytes", op_name(type),
			     type, (unsigned long long)sector, (unsigned long long)bytes);
	return buf;
}

/* Acknowledge every disk on this INTx line whose ISR has a bit set (level). */
static void vblk_irq(void *ctx)
{
	u32 intid = (u32)(uintptr_t)ctx;
	unsigned int i;

	for (i = 0; i < nr_vblks; i++) {
		struct virtio_blk *vb = &vblks[i];
		u8 isr;

		if (vb->intid != intid)
			continue;
		isr = virtio_pci_isr(&vb->vp); /* the read clears it and drops INTx */
		if (!isr)
			continue;
		vb->stats.irqs++;
		if (isr & VIRTIO_PCI_ISR_QUEUE)
			vb->irq_seen = true;
	}
}

static bool line_taken(u32 intid, unsigned int upto)
{
	unsigned int i;

	for (i = 0; i < upto; i++)
		if (vblks[i].intid == intid)
			return true;
	return false;
}

/*
 * INTx if the line can be had (one handler per line serves every disk on
 * it; a line another driver owns is not shared), else polling with the
 * device's INTx masked in COMMAND, so a line shared with another device
 * never storms.
 */
static void vblk_take_irq(struct virtio_blk *vb, unsigned int idx)
{
	struct pci_dev *p = vb->vp.pdev;
	struct irq_spec spec;
	int ret;

	vb->intid = 0;
	if (!p->has_intx || irq_translate(&p->intx, &spec)) {
		pr_warn("virtio-blk: %s: no usable INTx: completion is polled\n", p->bdf);
		pci_set_intx(vb->vp.pdev, false);
		return;
	}
	if (!line_taken(spec.intid, idx)) {
		ret = irq_request(&spec, vblk_irq, (void *)(uintptr_t)spec.intid, "virtio-blk");
		if (ret) {
			pr_warn("virtio-blk: %s: interrupt %u unavailable (%d): completion is "
				"polled\n", p->bdf, spec.intid, ret);
			pci_set_intx(vb->vp.pdev, false);
			return;
		}
	}
	vb->intid = spec.intid;
	pci_set_intx(vb->vp.pdev, true);
}

static void use_polling(struct virtio_blk *vb)
{
	vb->irq_lost = true;
	vb->intid = 0;
	pci_set_intx(vb->vp.pdev, false);
	vring_set_interrupts(&vb->vq, false);
}

/* Capacity, block size and limits (5.2.4), consistent under config_generation. */
static int read_config(struct virtio_blk *vb)
{
	struct virtio_pci *vp = &vb->vp;
	u64 deadline = timer_deadline(VIRTIO_CFG_TIMEOUT_US);
	u32 blk_size = VIRTIO_BLK_SECTOR_SIZE, lo, hi;
	u8 gen;

	if (!vp->caps.device.present || vp->caps.device.length < VIRTIO_BLK_CFG_LEN_MIN) {
		pr_err("virtio-blk: %s: no device configuration structure of %u bytes\n",
		       vp->pdev->bdf, VIRTIO_BLK_CFG_LEN_MIN);
		return -ENODEV;
	}
	for (;;) {
		gen = virtio_pci_cfg_generation(vp);
		/* 4.1.3.1: a 64-bit field as two 32-bit reads; generation makes them one. */
		lo = virtio_pci_cfg_read32(vp, VIRTIO_BLK_CFG_CAPACITY);
		hi = virtio_pci_cfg_read32(vp, VIRTIO_BLK_CFG_CAPACITY + 4);
		vb->seg_max = vp->features & VIRTIO_BLK_F_SEG_MAX ?
			      virtio_pci_cfg_read32(vp, VIRTIO_BLK_CFG_SEG_MAX) : 0;
		vb->size_max = vp->features & VIRTIO_BLK_F_SIZE_MAX ?
			       virtio_pci_cfg_read32(vp, VIRTIO_BLK_CFG_SIZE_MAX) : 0;
		if (vp->features & VIRTIO_BLK_F_BLK_SIZE)
			blk_size = virtio_pci_cfg_read32(vp, VIRTIO_BLK_CFG_BLK_SIZE);
		if (gen == virtio_pci_cfg_generation(vp))
			break;
		if (timer_expired(deadline)) {
			pr_err("virtio-blk: %s: configuration kept changing for %u ms\n",
			       vp->pdev->bdf, VIRTIO_CFG_TIMEOUT_US / 1000);
			return -ETIMEDOUT;
		}
	}
	vb->sectors = (u64)hi << 32 | lo;
	if (blk_size < VIRTIO_BLK_SECTOR_SIZE || blk_size > VBLK_BLK_SIZE_MAX ||
	    (blk_size & (blk_size - 1))) {
		pr_warn("virtio-blk: %s: blk_size %u is not a power of two in 512..%u: using 512\n",
			vp->pdev->bdf, blk_size, VBLK_BLK_SIZE_MAX);
		blk_size = VIRTIO_BLK_SECTOR_SIZE;
	}
	vb->lba_shift = (unsigned int)__builtin_ctz(blk_size) - VIRTIO_BLK_SECTOR_SHIFT;
	vb->ro = vp->features & VIRTIO_BLK_F_RO;
	vb->has_flush = vp->features & VIRTIO_BLK_F_FLUSH;
	return 0;
}

/*
 * The whole initialisation of 3.1.1, from reset to DRIVER_OK. @first: the
 * ring is allocated and the geometry read; later (a restart after a
 * failure) the same ring is reset and given again.
 */
static int vblk_start(struct virtio_blk *vb, bool first)
{
	struct virtio_pci *vp = &vb->vp;
	struct device *dev = &vp->pdev->dev;
	unsigned int max, num;
	u8 st;
	int ret;

	ret = virtio_pci_begin(vp, VBLK_FEATURES);
	if (ret)
		return ret;
	/* Reset: the device may have DMA again (off if it was given up). */
	pci_set_master(vp->pdev, true);
	if (first) {
		ret = read_config(vb);
		if (ret)
			goto fail;
	}
	max = virtio_pci_queue_max(vp, 0);
	num = vring_choose_num(max, VIRTIO_BLK_QUEUE_SIZE);
	if (num < 3) { /* header, one data segment, status */
		pr_err("virtio-blk: %s: request queue of %u descriptors is unusable\n",
		       vp->pdev->bdf, max);
		ret = -ENODEV;
		goto fail;
	}
	if (first) {
		vb->ring_size = vring_mem_size(num);
		vb->ring = dma_alloc_coherent(dev, vb->ring_size, &vb->ring_dma, GFP_KERNEL);
		if (!vb->ring) {
			pr_err("virtio-blk: %s: no coherent memory for a ring of %zu bytes\n",
			       vp->pdev->bdf, vb->ring_size);
			ret = -ENOMEM;
			goto fail;
		}
		ret = vring_init(&vb->vq, num, vb->ring, vb->ring_dma);
		if (ret) {
			pr_err("virtio-blk: %s: ring at 0x%llx is misaligned\n", vp->pdev->bdf,
			       (unsigned long long)vb->ring_dma);
			goto fail;
		}
	} else {
		if (num != vb->vq.num) {
			pr_err("virtio-blk: %s: the queue now holds %u descriptors, was %u\n",
			       vp->pdev->bdf, num, vb->vq.num);
			ret = -ENODEV;
			goto fail;
		}
		vring_reset(&vb->vq);
	}
	vring_set_interrupts(&vb->vq, vb->intid != 0);
	ret = virtio_pci_queue_enable(vp, 0, &vb->vq, &vb->doorbell);
	if (ret)
		goto fail;
	virtio_pci_driver_ok(vp);
	st = virtio_pci_status(vp);
	if (st & (VIRTIO_CONFIG_S_DEVICE_NEEDS_RESET | VIRTIO_CONFIG_S_FAILED) ||
	    !(st & VIRTIO_CONFIG_S_DRIVER_OK)) {
		pr_err("virtio-blk: %s: device status 0x%02x after DRIVER_OK\n", vp->pdev->bdf, st);
		ret = -EIO;
		goto fail;
	}
	return 0;
fail:
	virtio_pci_fail(vp);
	return ret;
}

/*
 * After a failed request: reset the device (it stops using every buffer it
 * was given: 2.4.1) and start it again. A device that does not come back
 * is given up, and its bus mastering turned off: one that did not reset
 * cannot use the buffers then either, so they may be unmapped. Only if it
 * ignores that too is its memory kept (vb->dma_unsafe).
 * Return: 0 or the start's -errno.
 */
static int vblk_restart(struct virtio_blk *vb)
{
	int ret;

	vb->stats.resets++;
	ret = vblk_start(vb, false);
	if (ret) {
		vb->dead = true;
		if (pci_stop_dma(vb->vp.pdev))
			vb->dma_unsafe = true;
		pr_err("virtio-blk: %s: could not restart the device (error %d): further requests "
		       "are refused; %s\n", vb->bd.name, ret, vb->dma_unsafe ?
		       "its DMA could not be stopped: the memory it was given stays mapped" :
		       "bus mastering is off, so its DMA has stopped");
		return ret;
	}
	vb->dead = false;
	kprintf("virtio-blk: %s: device reset and restarted\n", vb->bd.name);
	return 0;
}

int virtio_blk_reset(struct virtio_blk *vb)
{
	if (vb->dma_unsafe) {
		pr_err("virtio-blk: %s: not reset: its DMA could not be stopped earlier, so the "
		       "memory it was given is kept and the device is not used again\n",
		       vb->bd.name);
		return -EBUSY;
	}
	return vblk_restart(vb);
}

/*
 * Wait for the chain in flight to come back, bounded. With an interrupt,
 * the ISR's queue bit is what ends the wait; if the used element is there
 * but the interrupt never came, the disk falls back to polling.
 * Return: 0 (element consumed), -ETIMEDOUT, -EIO (the device stopped:
 * DEVICE_NEEDS_RESET or FAILED, or returned a chain that is not ours).
 */
static int vblk_wait(struct virtio_blk *vb, const char *what)
{
	u64 deadline = timer_deadline(vb->timeout_us);
	u64 next_status = timer_deadline(VBLK_STATUS_POLL_US);
	void *token = NULL;
	u32 len, id;
	u8 st;
	int ret;

	for (;;) {
		if (vring_has_used(&vb->vq) && (!vb->intid || vb->irq_seen))
			break;
		if (timer_expired(next_status)) {
			st = virtio_pci_status(&vb->vp);
			if (st & (VIRTIO_CONFIG_S_DEVICE_NEEDS_RESET | VIRTIO_CONFIG_S_FAILED)) {
				pr_err("virtio-blk: %s: %s: the device stopped, status 0x%02x (%s)\n",
				       vb->bd.name, what, st,
				       st & VIRTIO_CONFIG_S_DEVICE_NEEDS_RESET ?
				       "DEVICE_NEEDS_RESET" : "FAILED");
				return -EIO;
			}
			next_status = timer_deadline(VBLK_STATUS_POLL_US);
		}
		if (timer_expired(deadline)) {
			if (vring_has_used(&vb->vq)) {
				pr_warn("virtio-blk: %s: %s completed but its interrupt (INTID %u) "
					"never came: completions are polled from now on\n",
					vb->bd.name, what, vb->intid);
				use_polling(vb);
				break;
			}
			vb->stats.timeouts++;
			pr_err("virtio-blk: %s: %s not completed after %u ms\n", vb->bd.name, what,
			       vb->timeout_us / 1000);
			return -ETIMEDOUT;
		}
		cpu_relax();
	}
	ret = vring_get_used(&vb->vq, &token, &len, &id);
	if (ret || token != vb->cmd) {
		pr_err("virtio-blk: %s: %s: the device returned descriptor %u, which is not in "
		       "flight\n", vb->bd.name, what, id);
		return -EIO;
	}
	return 0;
}

static int status_to_errno(struct virtio_blk *vb, u8 status, const char *what)
{
	switch (status) {
	case VIRTIO_BLK_S_OK:
		return 0;
	case VIRTIO_BLK_S_IOERR:
		pr_err("virtio-blk: %s: %s: device status IOERR (%u)\n", vb->bd.name, what, status);
		return -EIO;
	case VIRTIO_BLK_S_UNSUPP:
		pr_err("virtio-blk: %s: %s: device status UNSUPP (%u): not supported by the "
		       "device\n", vb->bd.name, what, status);
		return -EOPNOTSUPP;
	case VBLK_STATUS_NONE:
		pr_err("virtio-blk: %s: %s: completed without a status\n", vb->bd.name, what);
		return -EIO;
	default:
		pr_err("virtio-blk: %s: %s: unknown device status %u\n", vb->bd.name, what,
		       status);
		return -EIO;
	}
}

/* Check the request against what the device negotiated. Return: 0 or -errno (printed). */
static int check_request(struct virtio_blk *vb, u32 type, const struct blk_seg *segs,
			 unsigned int nsegs, u64 *bytes, const char *what)
{
	unsigned int i;

	*bytes = 0;
	if (vb->dead) {
		pr_err("virtio-blk: %s: %s refused: the device failed and could not be "
		       "restarted\n", vb->bd.name, what);
		return -EIO;
	}
	if (nsegs > BLK_MAX_SEGS || (vb->seg_max && nsegs > vb->seg_max)) {
		pr_err("virtio-blk: %s: %s of %u segments: at most %u\n", vb->bd.name, what, nsegs,
		       vb->seg_max && vb->seg_max < BLK_MAX_SEGS ? vb->seg_max : BLK_MAX_SEGS);
		return -EINVAL;
	}
	for (i = 0; i < nsegs; i++) {
		if (!segs[i].len || !segs[i].buf) {
			pr_err("virtio-blk: %s: %s: segment %u is empty\n", vb->bd.name, what, i);
			return -EINVAL;
		}
		if (vb->size_max && segs[i].len > vb->size_max) {
			pr_err("virtio-blk: %s: %s: segment %u of %u bytes is above the device's "
			       "size_max %u\n", vb->bd.name, what, i, segs[i].len, vb->size_max);
			return -EINVAL;
		}
		*bytes += segs[i].len;
	}
	if (type == VIRTIO_BLK_T_OUT && vb->ro) {
		pr_err("virtio-blk: %s: %s: the disk is read-only\n", vb->bd.name, what);
		return -EROFS;
	}
	return 0;
}

/* Whether the SMMU recorded a fault for the device's stream since @seq (printed). */
static bool smmu_faulted(struct virtio_blk *vb, unsigned long seq, const char *what)
{
	struct smmu_fault f;
	u32 sid;

	if (smmu_stream_of(&vb->vp.pdev->dev, &sid))
		return false;
	smmu_poll_events();
	if (!smmu_fault_find(seq, sid, &f))
		return false;
	pr_err("virtio-blk: %s: %s: the device's DMA %s IOVA 0x%llx faulted in the SMMU: %s\n",
	       vb->bd.name, what, f.ev.read ? "from" : "to", (unsigned long long)f.ev.addr,
	       smmu_event_name(f.ev.id));
	return true;
}

int virtio_blk_request(struct virtio_blk *vb, u32 type, u64 sector, const struct blk_seg *segs,
		       unsigned int nsegs)
{
	struct device *dev = &vb->vp.pdev->dev;
	struct scatterlist sg[BLK_MAX_SEGS];
	struct vring_buf bufs[BLK_MAX_SEGS + 2];
	bool to_device = type == VIRTIO_BLK_T_OUT;
	enum dma_data_direction dir = to_device ? DMA_TO_DEVICE : DMA_FROM_DEVICE;
	enum virtio_blk_fault fault = vb->fault;
	unsigned long seq = smmu_fault_seq();
	unsigned int i, n = 0;
	char what[80];
	u64 bytes = 0;
	int ret;

	vb->fault = VBLK_FAULT_NONE;
	for (i = 0; i < nsegs && i < BLK_MAX_SEGS; i++)
		bytes += segs[i].len;
	describe(what, sizeof(what), type, sector, bytes);
	ret = check_request(vb, type, segs, nsegs, &bytes, what);
	if (ret)
		return ret;
	for (i = 0; i < nsegs; i++)
		sg_set_buf(&sg[i], segs[i].buf, segs[i].len);
	/* The data is the device's from here until dma_unmap_sg(). */
	if (nsegs && dma_map_sg(dev, sg, (int)nsegs, dir) != (int)nsegs) {
		pr_err("virtio-blk: %s: %s: the buffers could not be mapped for DMA\n",
		       vb->bd.name, what);
		return -ENOMEM;
	}
	vb->cmd->hdr.type = type;
	vb->cmd->hdr.reserved = 0;
	vb->cmd->hdr.sector = sector;
	vb->cmd->status = VBLK_STATUS_NONE;
	/* 5.2.6: header, data, status; device-writable parts after readable ones. */
	bufs[n++] = (struct vring_buf){ vb->cmd_dma + offsetof(struct virtio_blk_cmd, hdr),
					sizeof(vb->cmd->hdr), false };
	for (i = 0; i < nsegs; i++)
		bufs[n++] = (struct vring_buf){ sg[i].dma_address, sg[i].dma_length, !to_device };
	if (fault == VBLK_FAULT_DATA_ADDR && nsegs)
		bufs[1].addr = vb->fault_addr;
	bufs[n++] = (struct vring_buf){ vb->cmd_dma + offsetof(struct virtio_blk_cmd, status), 1,
					true };
	vb->irq_seen = false;
	ret = vring_add(&vb->vq, bufs, n, vb->cmd);
	if (ret < 0) {
		pr_err("virtio-blk: %s: %s: the ring refused a chain of %u descriptors (%d)\n",
		       vb->bd.name, what, n, ret);
		goto unmap;
	}
	vb->stats.requests++;
	if (vring_kick_prepare(&vb->vq) && fault != VBLK_FAULT_NO_NOTIFY)
		virtio_pci_notify(vb->doorbell, 0);
	ret = vblk_wait(vb, what);
	if (ret) {
		smmu_faulted(vb, seq, what);
		/* The device still holds the buffers: stop it before they are unmapped. */
		vblk_restart(vb);
	}
unmap:
	if (nsegs && !vb->dma_unsafe)
		dma_unmap_sg(dev, sg, (int)nsegs, dir);
	if (ret)
		return ret;
	if (smmu_faulted(vb, seq, what)) {
		vb->stats.dev_errors++;
		return -EIO;
	}
	ret = status_to_errno(vb, vb->cmd->status, what);
	if (ret)
		vb->stats.dev_errors++;
	return ret;
}

static int vblk_rw(struct blockdev *bd, bool write, u64 lba, const struct blk_seg *segs,
		   unsigned int nsegs)
{
	struct virtio_blk *vb = bd->priv;

	return virtio_blk_request(vb, write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN,
				  lba << vb->lba_shift, segs, nsegs);
}

/* Without VIRTIO_BLK_F_FLUSH the device has no volatile cache to flush (5.2.6.2). */
static int vblk_flush(struct blockdev *bd)
{
	struct virtio_blk *vb = bd->priv;

	if (!vb->has_flush)
		return 0;
	return virtio_blk_request(vb, VIRTIO_BLK_T_FLUSH, 0, NULL, 0);
}

static int vblk_reset(struct blockdev *bd)
{
	return virtio_blk_reset(bd->priv);
}

static const struct blockdev_ops vblk_ops = {
	.rw = vblk_rw,
	.flush = vblk_flush,
	.reset = vblk_reset,
};

static int vblk_probe(struct virtio_blk *vb, struct pci_dev *p, unsigned int idx)
{
	struct device *dev = &p->dev;
	char feats[160];
	u32 sid;
	int ret;

	fmt_snprintf(vb->bd.name, sizeof(vb->bd.name), "vblk%u", idx);
	vb->timeout_us = VIRTIO_BLK_TIMEOUT_US;
	ret = virtio_pci_probe(&vb->vp, p, vb->bd.name);
	if (ret)
		return ret;
	/* With ACCESS_PLATFORM (or behind the SMMU) any 64-bit address works. */
	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64));
	if (ret) {
		pr_err("virtio-blk: %s: 64-bit DMA mask refused (%d)\n", p->bdf, ret);
		return ret;
	}
	vb->cmd = dma_alloc_coherent(dev, sizeof(*vb->cmd), &vb->cmd_dma, GFP_KERNEL);
	if (!vb->cmd) {
		pr_err("virtio-blk: %s: no coherent memory for the request header\n", p->bdf);
		return -ENOMEM;
	}
	vblk_take_irq(vb, idx);
	ret = vblk_start(vb, true);
	if (ret) {
		pci_set_master(p, false);
		/* The line goes back unless a disk before this one shares it. */
		if (vb->intid && !line_taken(vb->intid, idx))
			irq_release(vb->intid);
		vb->intid = 0;
		pci_set_intx(vb->vp.pdev, false);
		if (vb->ring)
			dma_free_coherent(dev, vb->ring_size, vb->ring, vb->ring_dma);
		dma_free_coherent(dev, sizeof(*vb->cmd), vb->cmd, vb->cmd_dma);
		vb->ring = NULL;
		vb->cmd = NULL;
		return ret;
	}
	vb->bd.block_size = VIRTIO_BLK_SECTOR_SIZE << vb->lba_shift;
	vb->bd.blocks = vb->sectors >> vb->lba_shift;
	vb->bd.dev = dev;
	vb->bd.ops = &vblk_ops;
	vb->bd.priv = vb;
	virtio_features_str(vb->vp.features, blk_feature_names, ARRAY_SIZE(blk_feature_names), feats,
			    sizeof(feats));
	kprintf("virtio-blk: %s %s: %llu sectors, features %s, queue %u, %s, %s\n", p->bdf,
		vb->bd.name, (unsigned long long)vb->sectors, feats, vb->vq.num,
		vb->intid ? "completion interrupt" : "completion polled",
		!smmu_stream_of(dev, &sid) ? "behind the SMMU" : "direct DMA");
	if (vb->intid)
		kprintf("virtio-blk: %s: INTx INTID %u\n", vb->bd.name, vb->intid);
	return 0;
}

static bool is_virtio_blk(const struct pci_dev *p)
{
	return p->vendor_id == VIRTIO_PCI_VENDOR_ID &&
	       (p->device_id == VIRTIO_PCI_DEVICE_ID_MODERN_BASE + VIRTIO_ID_BLOCK ||
		p->device_id == VIRTIO_PCI_DEVICE_ID_TRANS_BLK);
}

unsigned int virtio_blk_init(void)
{
	unsigned int i, registered = 0;

	for (i = 0; i < pci_dev_count() && nr_vblks < VIRTIO_BLK_MAX; i++) {
		struct pci_dev *p = pci_dev_get(i);
		struct virtio_blk *vb = &vblks[nr_vblks];

		if (!is_virtio_blk(p))
			continue;
		nr_found++;
		if (!p->enabled) {
			pr_err("virtio-blk: %s: BARs not assigned: not used\n", p->bdf);
			continue;
		}
		memset(vb, 0, sizeof(*vb));
		/* Counted first: the interrupt handler looks at every disk below nr_vblks. */
		nr_vblks++;
		if (vblk_probe(vb, p, nr_vblks - 1)) {
			pr_err("virtio-blk: %s: not used\n", p->bdf);
			nr_vblks--;
			continue;
		}
		if (!blockdev_register(&vb->bd))
			registered++;
	}
	return registered;
}

unsigned int virtio_blk_count(void)
{
	return nr_vblks;
}

unsigned int virtio_blk_found(void)
{
	return nr_found;
}

struct virtio_blk *virtio_blk_get(unsigned int i)
{
	return i < nr_vblks ? &vblks[i] : NULL;
}
