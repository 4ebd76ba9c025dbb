/*
 * Virtio over PCI, modern interface (see <drivers/virtio_pci.h>).
 *
 * Register accesses use the width of the field (4.1.3.1): 8-bit for
 * device_status, 16-bit for queue fields, 32-bit for features and each
 * half of a 64-bit queue address.
 */
#include <arch/cpu.h>
#include <arch/mmio.h>
#include <arch/timer.h>
#include <console.h>
#include <drivers/pci.h>
#include <drivers/virtio_pci.h>
#include <drivers/virtio_regs.h>
#include <errno.h>

/* Configuration space read for the capability walk (capabilities live below 0x100). */
#define VIRTIO_CFG_SNAPSHOT 256

static u8 common_read8(const struct virtio_pci *vp, unsigned int off)
{
	return mmio_read8(vp->common + off);
}

static void common_write8(const struct virtio_pci *vp, unsigned int off, u8 v)
{
	mmio_write8(vp->common + off, v);
}

static u16 common_read16(const struct virtio_pci *vp, unsigned int off)
{
	return mmio_read16(vp->common + off);
}

static void common_write16(const struct virtio_pci *vp, unsigned int off, u16 v)
{
	mmio_write16(vp->common + off, v);
}

static u32 common_read32(const struct virtio_pci *vp, unsigned int off)
{
	return mmio_read32(vp->common + off);
}

static void common_write32(const struct virtio_pci *vp, unsigned int off, u32 v)
{
	mmio_write32(vp->common + off, v);
}

/* A 64-bit field as two 32-bit halves, low first (4.1.3.1 allows it). */
static void common_write64(const struct virtio_pci *vp, unsigned int lo, u64 v)
{
	common_write32(vp, lo, (u32)v);
	common_write32(vp, lo + 4, (u32)(v >> 32));
}

int virtio_pci_probe(struct virtio_pci *vp, struct pci_dev *pdev, const char *name)
{
	struct virtio_bar_info bars[PCI_NUM_BARS];
	u8 cfg[VIRTIO_CFG_SNAPSHOT];
	char why[160];
	unsigned int i;
	int ret;

	vp->pdev = pdev;
	vp->name = name;
	vp->reset_timeout_us = VIRTIO_RESET_TIMEOUT_US;
	for (i = 0; i < VIRTIO_CFG_SNAPSHOT; i += 4) {
		u32 w = pci_read_config32(pdev, i);

		cfg[i] = (u8)w;
		cfg[i + 1] = (u8)(w >> 8);
		cfg[i + 2] = (u8)(w >> 16);
		cfg[i + 3] = (u8)(w >> 24);
	}
	for (i = 0; i < PCI_NUM_BARS; i++) {
		bars[i].size = pdev->bar[i].base ? pdev->bar[i].size : 0;
		bars[i].io = pdev->bar[i].io;
	}
	ret = virtio_pci_parse_caps(cfg, sizeof(cfg), bars, &vp->caps, why, sizeof(why));
	if (ret) {
		pr_err("virtio: %s: %s: not used\n", pdev->bdf, why);
		return ret;
	}
	vp->common = pdev->bar[vp->caps.common.bar].base + vp->caps.common.offset;
	vp->notify = pdev->bar[vp->caps.notify.bar].base + vp->caps.notify.offset;
	vp->isr = pdev->bar[vp->caps.isr.bar].base + vp->caps.isr.offset;
	vp->device = vp->caps.device.present ?
		     pdev->bar[vp->caps.device.bar].base + vp->caps.device.offset : 0;
	return 0;
}

u8 virtio_pci_status(const struct virtio_pci *vp)
{
	return common_read8(vp, VIRTIO_PCI_COMMON_STATUS);
}

static void add_status(struct virtio_pci *vp, u8 bits)
{
	common_write8(vp, VIRTIO_PCI_COMMON_STATUS, (u8)(virtio_pci_status(vp) | bits));
}

int virtio_pci_reset(struct virtio_pci *vp)
{
	u64 deadline = timer_deadline(vp->reset_timeout_us);
	u8 stuck = 0, st;

	if (unlikely(vp->test_reset_stuck)) {
		vp->test_reset_stuck = false;
		/* What a device ignoring the write would show; never 0, even from a reset state. */
		stuck = virtio_pci_status(vp) | VIRTIO_CONFIG_S_ACKNOWLEDGE;
		kprintf("virtio: %s (%s): self-test: device_status is made to read 0x%02x during "
			"this reset\n", vp->name, vp->pdev->bdf, stuck);
	}
	common_write8(vp, VIRTIO_PCI_COMMON_STATUS, 0);
	/* 2.4.2: the reset is complete when device_status reads 0. */
	while ((st = virtio_pci_status(vp) | stuck) != 0) {
		if (timer_expired(deadline)) {
			pr_err("virtio: %s (%s): device status still 0x%02x %u ms after the reset: "
			       "the device did not reset\n", vp->name, vp->pdev->bdf, st,
			       vp->reset_timeout_us / 1000);
			return -ETIMEDOUT;
		}
		cpu_relax();
	}
	return 0;
}

void virtio_pci_fail(struct virtio_pci *vp)
{
	add_status(vp, VIRTIO_CONFIG_S_FAILED);
}

int virtio_pci_begin(struct virtio_pci *vp, u64 device_wanted)
{
	char why[200];
	int ret;

	ret = virtio_pci_reset(vp);
	if (ret)
		return ret;
	add_status(vp, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	add_status(vp, VIRTIO_CONFIG_S_DRIVER);
	common_write32(vp, VIRTIO_PCI_COMMON_DFSELECT, 0);
	vp->offered = common_read32(vp, VIRTIO_PCI_COMMON_DF);
	common_write32(vp, VIRTIO_PCI_COMMON_DFSELECT, 1);
	vp->offered |= (u64)common_read32(vp, VIRTIO_PCI_COMMON_DF) << 32;
	ret = virtio_negotiate(vp->offered, device_wanted, vp->pdev->dev.iommu != NULL,
			       &vp->features, why, sizeof(why));
	if (ret) {
		pr_err("virtio: %s (%s): %s\n", vp->name, vp->pdev->bdf, why);
		virtio_pci_fail(vp);
		return ret;
	}
	common_write32(vp, VIRTIO_PCI_COMMON_GFSELECT, 0);
	common_write32(vp, VIRTIO_PCI_COMMON_GF, (u32)vp->features);
	common_write32(vp, VIRTIO_PCI_COMMON_GFSELECT, 1);
	common_write32(vp, VIRTIO_PCI_COMMON_GF, (u32)(vp->features >> 32));
	add_status(vp, VIRTIO_CONFIG_S_FEATURES_OK);
	/* 3.1.1 step 6: the device clears FEATURES_OK if it cannot work with the subset. */
	if (!(virtio_pci_status(vp) & VIRTIO_CONFIG_S_FEATURES_OK)) {
		pr_err("virtio: %s (%s): the device did not accept features 0x%llx (offered "
		       "0x%llx): FEATURES_OK cleared\n", vp->name, vp->pdev->bdf,
		       (unsigned long long)vp->features, (unsigned long long)vp->offered);
		virtio_pci_fail(vp);
		return -ENODEV;
	}
	return 0;
}

unsigned int virtio_pci_queue_max(struct virtio_pci *vp, u16 index)
{
	common_write16(vp, VIRTIO_PCI_COMMON_Q_SELECT, index);
	return common_read16(vp, VIRTIO_PCI_COMMON_Q_SIZE);
}

int virtio_pci_queue_enable(struct virtio_pci *vp, u16 index, const struct vring *vr,
			    uintptr_t *doorbell)
{
	u16 noff, size;
	u32 off;

	common_write16(vp, VIRTIO_PCI_COMMON_Q_SELECT, index);
	common_write16(vp, VIRTIO_PCI_COMMON_Q_SIZE, (u16)vr->num);
	size = common_read16(vp, VIRTIO_PCI_COMMON_Q_SIZE);
	if (size != vr->num) {
		pr_err("virtio: %s (%s): queue %u: size %u written, %u read back\n", vp->name,
		       vp->pdev->bdf, index, vr->num, size);
		return -EINVAL;
	}
	/* MSI-X stays off: the device signals on INTx (4.1.5.3). */
	common_write16(vp, VIRTIO_PCI_COMMON_Q_MSIX, VIRTIO_MSI_NO_VECTOR);
	common_write64(vp, VIRTIO_PCI_COMMON_Q_DESCLO, vr->desc_dma);
	common_write64(vp, VIRTIO_PCI_COMMON_Q_AVAILLO, vr->avail_dma);
	common_write64(vp, VIRTIO_PCI_COMMON_Q_USEDLO, vr->used_dma);
	noff = common_read16(vp, VIRTIO_PCI_COMMON_Q_NOFF);
	if (virtio_pci_notify_offset(&vp->caps, noff, &off)) {
		pr_err("virtio: %s (%s): queue %u: queue_notify_off %u x %u is outside the %u-byte "
		       "notification structure\n", vp->name, vp->pdev->bdf, index, noff,
		       vp->caps.notify_mult, vp->caps.notify.length);
		return -EINVAL;
	}
	*doorbell = vp->notify + off;
	/* 4.1.5.1.3: enabled last, once size and addresses are in place. */
	common_write16(vp, VIRTIO_PCI_COMMON_Q_ENABLE, 1);
	return 0;
}

void virtio_pci_driver_ok(struct virtio_pci *vp)
{
	add_status(vp, VIRTIO_CONFIG_S_DRIVER_OK);
}

void virtio_pci_notify(uintptr_t doorbell, u16 index)
{
	mmio_write16(doorbell, index);
}

u8 virtio_pci_isr(const struct virtio_pci *vp)
{
	return mmio_read8(vp->isr);
}

u8 virtio_pci_cfg_read8(const struct virtio_pci *vp, unsigned int off)
{
	return mmio_read8(vp->device + off);
}

u16 virtio_pci_cfg_read16(const struct virtio_pci *vp, unsigned int off)
{
	return mmio_read16(vp->device + off);
}

u32 virtio_pci_cfg_read32(const struct virtio_pci *vp, unsigned int off)
{
	return mmio_read32(vp->device + off);
}

u8 virtio_pci_cfg_generation(const struct virtio_pci *vp)
{
	return common_read8(vp, VIRTIO_PCI_COMMON_CFGGENERATION);
}
