/*
 * Virtio over PCI, the decisions that need no device: where the virtio
 * structures sit (the vendor capabilities, 4.1.4) and which features to
 * accept (2.2, 6). Pure (drivers/virtio/virtio_cfg.c, host-tested by
 * tests/host/test_virtio_cfg.c); drivers/virtio/virtio_pci.c feeds it
 * a snapshot of configuration space and the BARs pci_init() assigned.
 */
#ifndef DRIVERS_VIRTIO_CFG_H
#define DRIVERS_VIRTIO_CFG_H

#include <drivers/virtio_regs.h>
#include <types.h>

/* One virtio structure: @length bytes at @offset in BAR @bar. */
struct virtio_pci_region {
	bool present;
	u8 bar;
	u32 offset, length;
};

struct virtio_pci_caps {
	struct virtio_pci_region common, notify, isr, device;
	u32 notify_mult;	/* notify_off_multiplier (4.1.4.4) */
};

/* What the parser needs to know of a BAR. */
struct virtio_bar_info {
	u64 size;	/* 0: not implemented or not assigned */
	bool io;
};

/*
 * virtio_pci_parse_caps() - find the common, notify, ISR and device
 * configuration structures in @cfg, the first @cfg_len (>= 64) bytes of a
 * function's configuration space. The first capability of each type with
 * a valid BAR number is used (4.1.4.1: reserved BAR numbers and cfg_types
 * are ignored; cap_len may be larger than the structure).
 * @bars: the function's 6 BARs.
 * Return: 0 and *out (device configuration may be absent: !out->device.present);
 *   -ENODEV  no capability list, or no common/notify/ISR structure;
 *   -EINVAL  a structure in an I/O or unassigned BAR, beyond its BAR's
 *            size, shorter than the spec's minimum, a notify capability
 *            shorter than 20 bytes, a notify_off_multiplier that is not 0
 *            or a power of two, a capability list that leaves @cfg or loops.
 * @why (@why_len bytes) says what was wrong, for the caller's message.
 */
int virtio_pci_parse_caps(const u8 *cfg, size_t cfg_len, const struct virtio_bar_info *bars,
			  struct virtio_pci_caps *out, char *why, size_t why_len);

/*
 * virtio_pci_notify_offset() - where a queue's doorbell is in the notify
 * structure: queue_notify_off * notify_off_multiplier (4.1.4.4).
 * Return: 0 and *off, or -EINVAL if the 16-bit doorbell is not inside the
 * structure (the device breaks 4.1.4.4's cap.length rule).
 */
int virtio_pci_notify_offset(const struct virtio_pci_caps *c, u16 queue_notify_off, u32 *off);

/* Transport and ring features this driver can use when the device offers them. */
#define VIRTIO_TRANSPORT_FEATURES \
	(VIRTIO_F_VERSION_1 | VIRTIO_F_ACCESS_PLATFORM | VIRTIO_F_ORDER_PLATFORM)

/*
 * virtio_negotiate() - the features to write to driver_feature (2.2):
 * what the device offers of @device_wanted (device-type bits 0..23) and of
 * VIRTIO_TRANSPORT_FEATURES, nothing else (packed rings, event index,
 * indirect descriptors, notification data are never accepted).
 * VIRTIO_F_ACCESS_PLATFORM is always accepted when offered (6: the device
 * may fail without it; it makes the device's DMA go through the platform's
 * IOMMU).
 * @translated: the function sits behind an IOMMU (its DMA addresses are IOVAs).
 * Return: 0 and *accepted;
 *   -EOPNOTSUPP  no VIRTIO_F_VERSION_1 (a legacy-only device), or
 *                @translated and no VIRTIO_F_ACCESS_PLATFORM (its DMA would
 *                bypass the IOMMU and miss every IOVA: QEMU iommu_platform=on);
 * @why says which.
 */
int virtio_negotiate(u64 offered, u64 device_wanted, bool translated, u64 *accepted, char *why,
		     size_t why_len);

/* A feature bit's name, for messages: { VIRTIO_BLK_F_FLUSH, "FLUSH" }. */
struct virtio_feature_name {
	u64 mask;
	const char *name;
};

/*
 * virtio_features_str() - @f as names ("VERSION_1 ACCESS_PLATFORM FLUSH"):
 * the transport's (6) and @n entries of @dev_names for the device type's
 * bits, in bit order; an unnamed bit as "bitN". Return: @buf (always
 * NUL-terminated; names that do not fit are left out whole).
 */
const char *virtio_features_str(u64 f, const struct virtio_feature_name *dev_names, size_t n,
				char *buf, size_t len);

#endif /* DRIVERS_VIRTIO_CFG_H */
