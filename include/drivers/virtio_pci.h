/*
 * Virtio over PCI, modern interface (virtio 1.2, 4.1): the transport a
 * virtio device driver (drivers/virtio/virtio_blk.c) calls to reset the
 * device, negotiate features, set up virtqueues, ring doorbells and read
 * its configuration.
 *
 *   config space: vendor capabilities --> BAR + offset of each structure
 *   BAR (Device-nGnRE, mapped by pci_init()):
 *     common cfg   status, features, queue select/size/addresses/enable
 *     notify       one 16-bit doorbell per queue (queue_notify_off * mult)
 *     ISR          1 byte: read to acknowledge INTx
 *     device cfg   the device type's configuration (virtio-blk: capacity ...)
 *
 * Initialisation order (3.1.1): reset, ACKNOWLEDGE, DRIVER, features,
 * FEATURES_OK (read back), device setup and virtqueues, DRIVER_OK.
 * Every wait on the device is bounded by the generic timer.
 */
#ifndef DRIVERS_VIRTIO_PCI_H
#define DRIVERS_VIRTIO_PCI_H

#include <drivers/virtio_cfg.h>
#include <drivers/virtio_ring.h>
#include <types.h>

struct pci_dev;

/* How long a reset may take to read back 0 (QEMU drains in-flight requests). */
#define VIRTIO_RESET_TIMEOUT_US 1000000
/* How long the configuration may keep changing under a reader (2.5.1). */
#define VIRTIO_CFG_TIMEOUT_US 100000

struct virtio_pci {
	struct pci_dev *pdev;
	const char *name;		/* for messages: the driver's device name */
	struct virtio_pci_caps caps;
	uintptr_t common, notify, isr, device; /* CPU addresses of the structures */
	u64 offered;			/* device_feature, all 64 bits */
	u64 features;			/* what was accepted (FEATURES_OK) */
	u32 reset_timeout_us;		/* VIRTIO_RESET_TIMEOUT_US; a self-test may shorten it */
	/*
	 * Self-test hook: the next virtio_pci_reset() sees device_status keep
	 * the value it had (a device that ignores the reset), until its time
	 * bound; then cleared. QEMU's devices always reset.
	 */
	bool test_reset_stuck;
};

/*
 * virtio_pci_probe() - find @pdev's virtio structures (virtio_pci_parse_caps()
 * on its configuration space and assigned BARs). Nothing is written to the
 * device. @name is kept for messages.
 * Return: 0; -ENODEV or -EINVAL (printed with the function's BDF).
 */
int virtio_pci_probe(struct virtio_pci *vp, struct pci_dev *pdev, const char *name);

/* virtio_pci_status() - the device status byte (VIRTIO_CONFIG_S_*). */
u8 virtio_pci_status(const struct virtio_pci *vp);

/*
 * virtio_pci_reset() - write 0 to device_status and wait until it reads 0
 * (2.4.2: only then is the reset complete and the device no longer
 * touches the virtqueues or memory it was given), at most
 * vp->reset_timeout_us. Return: 0, or -ETIMEDOUT (printed, with the
 * status last read: the device did not reset and may still use memory).
 */
int virtio_pci_reset(struct virtio_pci *vp);

/*
 * virtio_pci_begin() - the first steps of 3.1.1: reset, ACKNOWLEDGE, DRIVER,
 * read the device's features, virtio_negotiate() with @device_wanted,
 * write the result, set FEATURES_OK and read it back. On failure after
 * the reset, FAILED is set (3.1.1: the driver gives up on the device).
 * Return: 0 (vp->features holds the accepted set); -ETIMEDOUT (reset);
 * -EOPNOTSUPP (negotiation refused the device); -ENODEV (the device
 * cleared FEATURES_OK: it does not accept the subset). Each printed.
 */
int virtio_pci_begin(struct virtio_pci *vp, u64 device_wanted);

/*
 * virtio_pci_queue_max() - select queue @index; its maximum size (0: the
 * queue does not exist). Call between virtio_pci_begin() and DRIVER_OK.
 */
unsigned int virtio_pci_queue_max(struct virtio_pci *vp, u16 index);

/*
 * virtio_pci_queue_enable() - give queue @index the ring @vr (size and the
 * three areas' DMA addresses, no MSI-X vector: interrupts go to INTx) and
 * enable it (4.1.5.1.3). Only the ring's DMA addresses reach the device:
 * they must be what the DMA API returned for @vp->pdev's device.
 * Return: 0 and *doorbell (the address virtio_pci_notify() writes);
 * -EINVAL if the device's queue_notify_off puts the doorbell outside the
 * notify structure, or it did not take the size (printed).
 */
int virtio_pci_queue_enable(struct virtio_pci *vp, u16 index, const struct vring *vr,
			    uintptr_t *doorbell);

/* virtio_pci_driver_ok() - set DRIVER_OK: the device may now use its queues. */
void virtio_pci_driver_ok(struct virtio_pci *vp);

/* virtio_pci_fail() - set FAILED (3.1.1): the driver has given up on the device. */
void virtio_pci_fail(struct virtio_pci *vp);

/*
 * virtio_pci_notify() - ring queue @index's doorbell (4.1.5.2: the 16-bit
 * queue index, without VIRTIO_F_NOTIFICATION_DATA). The MMIO write is
 * ordered after every earlier store to the ring (mmio_write16's DMB OSHST),
 * so the device sees the new avail->idx when it looks.
 */
void virtio_pci_notify(uintptr_t doorbell, u16 index);

/*
 * virtio_pci_isr() - read the ISR status byte (4.1.4.5): VIRTIO_PCI_ISR_*
 * bits; the read clears them and de-asserts INTx.
 */
u8 virtio_pci_isr(const struct virtio_pci *vp);

/* Device configuration accesses at @off, widths as the field (4.1.3.1). */
u8 virtio_pci_cfg_read8(const struct virtio_pci *vp, unsigned int off);
u16 virtio_pci_cfg_read16(const struct virtio_pci *vp, unsigned int off);
u32 virtio_pci_cfg_read32(const struct virtio_pci *vp, unsigned int off);

/*
 * virtio_pci_cfg_generation() - config_generation (2.5.1): read it before
 * and after reading several fields (or a 64-bit one as two halves); the
 * fields are consistent when it did not change.
 */
u8 virtio_pci_cfg_generation(const struct virtio_pci *vp);

#endif /* DRIVERS_VIRTIO_PCI_H */
