/*
 * Virtio PCI capabilities and feature negotiation (see <drivers/virtio_cfg.h>).
 * Pure: reads a configuration-space snapshot, writes nothing to a device.
 */
#include <drivers/pci_regs.h>
#include <drivers/virtio_cfg.h>
#include <drivers/virtio_regs.h>
#include <errno.h>
#include <fmt.h>
#include <string.h>

/* At most this many capabilities fit after the header: a longer walk loops. */
#define CAP_WALK_MAX ((256 - PCI_STD_HEADER_SIZE) / 4)

static u32 get32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

/* Minimum length of each structure this driver uses. */
static u32 min_length(u8 type)
{
	switch (type) {
	case VIRTIO_PCI_CAP_COMMON_CFG:
		return VIRTIO_PCI_COMMON_CFG_MIN;
	case VIRTIO_PCI_CAP_NOTIFY_CFG:
		return 2; /* one 16-bit doorbell */
	default:
		return 1; /* ISR: one byte; device configuration: its driver checks */
	}
}

static const char *type_name(u8 type)
{
	switch (type) {
	case VIRTIO_PCI_CAP_COMMON_CFG:
		return "common configuration";
	case VIRTIO_PCI_CAP_NOTIFY_CFG:
		return "notification";
	case VIRTIO_PCI_CAP_ISR_CFG:
		return "ISR status";
	default:
		return "device configuration";
	}
}

static struct virtio_pci_region *slot(struct virtio_pci_caps *c, u8 type)
{
	switch (type) {
	case VIRTIO_PCI_CAP_COMMON_CFG:
		return &c->common;
	case VIRTIO_PCI_CAP_NOTIFY_CFG:
		return &c->notify;
	case VIRTIO_PCI_CAP_ISR_CFG:
		return &c->isr;
	case VIRTIO_PCI_CAP_DEVICE_CFG:
		return &c->device;
	default:
		return NULL; /* PCI access, shared memory, vendor, reserved: not used */
	}
}

int virtio_pci_parse_caps(const u8 *cfg, size_t cfg_len, const struct virtio_bar_info *bars,
			  struct virtio_pci_caps *out, char *why, size_t why_len)
{
	unsigned int ptr, n;

	memset(out, 0, sizeof(*out));
	if (cfg_len < PCI_STD_HEADER_SIZE || !(cfg[PCI_STATUS] & PCI_STATUS_CAP_LIST)) {
		fmt_snprintf(why, why_len, "no capability list");
		return -ENODEV;
	}
	ptr = cfg[PCI_CAPABILITY_LIST] & PCI_CAPABILITY_LIST_MASK;
	for (n = 0; ptr; n++) {
		struct virtio_pci_region *r;
		u8 len, type, bar;
		u32 off, length;

		if (n == CAP_WALK_MAX || ptr < PCI_STD_HEADER_SIZE || ptr + 2 > cfg_len) {
			fmt_snprintf(why, why_len, "capability list broken at 0x%02x", ptr);
			return -EINVAL;
		}
		if (cfg[ptr + PCI_CAP_LIST_ID] != PCI_CAP_ID_VNDR)
			goto next;
		len = cfg[ptr + VIRTIO_PCI_CAP_LEN];
		if (len < VIRTIO_PCI_CAP_LEN_MIN || ptr + len > cfg_len) {
			/* A vendor capability of another kind, or a truncated one. */
			goto next;
		}
		type = cfg[ptr + VIRTIO_PCI_CAP_CFG_TYPE];
		bar = cfg[ptr + VIRTIO_PCI_CAP_BAR];
		r = slot(out, type);
		/* 4.1.4.1: reserved BAR numbers are ignored; the first instance wins. */
		if (!r || r->present || bar > VIRTIO_PCI_CAP_BAR_MAX)
			goto next;
		off = get32(cfg + ptr + VIRTIO_PCI_CAP_OFFSET);
		length = get32(cfg + ptr + VIRTIO_PCI_CAP_LENGTH);
		if (!bars[bar].size || bars[bar].io) {
			fmt_snprintf(why, why_len, "%s structure (capability at 0x%02x) in BAR%u, "
				     "which is %s", type_name(type), ptr, bar,
				     bars[bar].size ? "an I/O BAR" : "not assigned");
			return -EINVAL;
		}
		if (length < min_length(type) || (u64)off + length > bars[bar].size) {
			fmt_snprintf(why, why_len, "%s structure (capability at 0x%02x) at BAR%u "
				     "+0x%x, %u bytes: %s (BAR is 0x%llx bytes)", type_name(type), ptr,
				     bar, off, length, length < min_length(type) ? "too short" :
				     "beyond the BAR", (unsigned long long)bars[bar].size);
			return -EINVAL;
		}
		if (type == VIRTIO_PCI_CAP_NOTIFY_CFG) {
			u32 mult;

			if (len < VIRTIO_PCI_NOTIFY_CAP_LEN_MIN) {
				fmt_snprintf(why, why_len, "notification capability at 0x%02x is %u "
					     "bytes, needs %u", ptr, len,
					     VIRTIO_PCI_NOTIFY_CAP_LEN_MIN);
				return -EINVAL;
			}
			mult = get32(cfg + ptr + VIRTIO_PCI_NOTIFY_CAP_MULT);
			/* 4.1.4.4: "an even power of 2, or 0". */
			if (mult & (mult - 1)) {
				fmt_snprintf(why, why_len, "notify_off_multiplier %u is not a power "
					     "of two", mult);
				return -EINVAL;
			}
			out->notify_mult = mult;
		}
		r->present = true;
		r->bar = bar;
		r->offset = off;
		r->length = length;
next:
		ptr = cfg[ptr + PCI_CAP_LIST_NEXT] & PCI_CAPABILITY_LIST_MASK;
	}
	if (!out->common.present || !out->notify.present || !out->isr.present) {
		fmt_snprintf(why, why_len, "no %s structure (not a virtio 1.x device?)",
			     !out->common.present ? "common configuration" :
			     !out->notify.present ? "notification" : "ISR status");
		return -ENODEV;
	}
	return 0;
}

int virtio_pci_notify_offset(const struct virtio_pci_caps *c, u16 queue_notify_off, u32 *off)
{
	u64 o = (u64)queue_notify_off * c->notify_mult;

	if (o + 2 > c->notify.length)
		return -EINVAL;
	*off = (u32)o;
	return 0;
}

int virtio_negotiate(u64 offered, u64 device_wanted, bool translated, u64 *accepted, char *why,
		     size_t why_len)
{
	*accepted = 0;
	if (!(offered & VIRTIO_F_VERSION_1)) {
		fmt_snprintf(why, why_len, "the device does not offer VIRTIO_F_VERSION_1 (features "
			     "0x%llx): a legacy-only device, not supported",
			     (unsigned long long)offered);
		return -EOPNOTSUPP;
	}
	if (translated && !(offered & VIRTIO_F_ACCESS_PLATFORM)) {
		fmt_snprintf(why, why_len, "the device sits behind an IOMMU but does not offer "
			     "VIRTIO_F_ACCESS_PLATFORM: its DMA would bypass the IOMMU and miss every "
			     "IOVA (QEMU: iommu_platform=on)");
		return -EOPNOTSUPP;
	}
	*accepted = offered & ((device_wanted & VIRTIO_F_DEVICE_MASK) | VIRTIO_TRANSPORT_FEATURES);
	return 0;
}

static const struct virtio_feature_name transport_names[] = {
	{ VIRTIO_F_INDIRECT_DESC, "INDIRECT_DESC" },
	{ VIRTIO_F_EVENT_IDX, "EVENT_IDX" },
	{ VIRTIO_F_VERSION_1, "VERSION_1" },
	{ VIRTIO_F_ACCESS_PLATFORM, "ACCESS_PLATFORM" },
	{ VIRTIO_F_RING_PACKED, "RING_PACKED" },
	{ VIRTIO_F_IN_ORDER, "IN_ORDER" },
	{ VIRTIO_F_ORDER_PLATFORM, "ORDER_PLATFORM" },
	{ VIRTIO_F_SR_IOV, "SR_IOV" },
	{ VIRTIO_F_NOTIFICATION_DATA, "NOTIFICATION_DATA" },
	{ VIRTIO_F_RING_RESET, "RING_RESET" },
};

static const char *lookup(u64 mask, const struct virtio_feature_name *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].mask == mask)
			return t[i].name;
	return NULL;
}

const char *virtio_features_str(u64 f, const struct virtio_feature_name *dev_names, size_t n,
				char *buf, size_t len)
{
	size_t at = 0;
	unsigned int bit;

	if (!len)
		return buf;
	buf[0] = 0;
	for (bit = 0; bit < 64; bit++) {
		u64 mask = 1ULL << bit;
		const char *name;
		char num[8];
		int w;

		if (!(f & mask))
			continue;
		name = mask & VIRTIO_F_DEVICE_MASK ? lookup(mask, dev_names, dev_names ? n : 0) :
			lookup(mask, transport_names, ARRAY_SIZE(transport_names));
		if (!name) {
			fmt_snprintf(num, sizeof(num), "bit%u", bit);
			name = num;
		}
		w = fmt_snprintf(buf + at, len - at, "%s%s", at ? " " : "", name);
		if (w < 0 || (size_t)w >= len - at) {
			buf[at] = 0; /* no partial name */
			break;
		}
		at += (size_t)w;
	}
	return buf;
}
