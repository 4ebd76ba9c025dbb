/*
 * Virtio 1.2 (OASIS virtio-v1.2-cs01): the modern PCI transport's
 * capabilities and common configuration, the device status and feature
 * bits, the split virtqueue's in-memory layout and virtio-blk's
 * configuration and requests.
 *
 * Everything virtio defines is little-endian (1.2, 1.4 "Structure
 * Specifications"); so is this firmware, so the structures below are used
 * as they are, without conversion.
 *
 * Section numbers are those of virtio 1.2.
 */
#ifndef DRIVERS_VIRTIO_REGS_H
#define DRIVERS_VIRTIO_REGS_H

#include <bits.h>
#include <types.h>

/* --- PCI identification (4.1.2 "PCI Device Discovery") --- */
#define VIRTIO_PCI_VENDOR_ID 0x1af4
/* Modern (non-transitional) devices: 0x1040 + the virtio device ID. */
#define VIRTIO_PCI_DEVICE_ID_MODERN_BASE 0x1040
/* Transitional virtio-blk (legacy + modern interfaces; 4.1.2.1 table). */
#define VIRTIO_PCI_DEVICE_ID_TRANS_BLK 0x1001
#define VIRTIO_ID_BLOCK 2		/* 5 "Device Types" */

/*
 * --- Vendor capability (4.1.4 "Virtio Structure PCI Capabilities") ---
 *
 *   byte 0 cap_vndr (0x09)  1 cap_next  2 cap_len  3 cfg_type
 *        4 bar  5 id  6..7 padding  8..11 offset  12..15 length
 *   notify capability (4.1.4.4) only: 16..19 notify_off_multiplier
 *
 * offset/length: where the structure sits in BAR `bar` (0..5).
 */
#define VIRTIO_PCI_CAP_LEN 2		/* u8 cap_len (ID and next: PCI_CAP_LIST_*) */
#define VIRTIO_PCI_CAP_CFG_TYPE 3	/* u8 */
#define VIRTIO_PCI_CAP_BAR 4		/* u8 */
#define VIRTIO_PCI_CAP_ID 5		/* u8 */
#define VIRTIO_PCI_CAP_OFFSET 8		/* le32 */
#define VIRTIO_PCI_CAP_LENGTH 12	/* le32 */
#define VIRTIO_PCI_NOTIFY_CAP_MULT 16	/* le32 */
#define VIRTIO_PCI_CAP_LEN_MIN 16	/* struct virtio_pci_cap */
#define VIRTIO_PCI_NOTIFY_CAP_LEN_MIN 20 /* struct virtio_pci_notify_cap */
#define VIRTIO_PCI_CAP_BAR_MAX 5	/* 0x6..0xff reserved: ignore (4.1.4.1) */

/* cfg_type values (4.1.4); others are reserved or not used here. */
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG 3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4
#define VIRTIO_PCI_CAP_PCI_CFG 5
#define VIRTIO_PCI_CAP_SHARED_MEMORY_CFG 8
#define VIRTIO_PCI_CAP_VENDOR_CFG 9

/*
 * --- Common configuration structure (4.1.4.3): offsets in its region ---
 * Access widths as the field (4.1.3.1): a 64-bit field as two 32-bit halves.
 */
#define VIRTIO_PCI_COMMON_DFSELECT 0x00	/* le32 device_feature_select */
#define VIRTIO_PCI_COMMON_DF 0x04	/* le32 device_feature (RO) */
#define VIRTIO_PCI_COMMON_GFSELECT 0x08	/* le32 driver_feature_select */
#define VIRTIO_PCI_COMMON_GF 0x0c	/* le32 driver_feature */
#define VIRTIO_PCI_COMMON_MSIX 0x10	/* le16 config_msix_vector */
#define VIRTIO_PCI_COMMON_NUMQ 0x12	/* le16 num_queues (RO) */
#define VIRTIO_PCI_COMMON_STATUS 0x14	/* u8 device_status */
#define VIRTIO_PCI_COMMON_CFGGENERATION 0x15 /* u8 config_generation (RO) */
#define VIRTIO_PCI_COMMON_Q_SELECT 0x16	/* le16 queue_select */
#define VIRTIO_PCI_COMMON_Q_SIZE 0x18	/* le16 queue_size */
#define VIRTIO_PCI_COMMON_Q_MSIX 0x1a	/* le16 queue_msix_vector */
#define VIRTIO_PCI_COMMON_Q_ENABLE 0x1c	/* le16 queue_enable */
#define VIRTIO_PCI_COMMON_Q_NOFF 0x1e	/* le16 queue_notify_off (RO) */
#define VIRTIO_PCI_COMMON_Q_DESCLO 0x20	/* le64 queue_desc */
#define VIRTIO_PCI_COMMON_Q_DESCHI 0x24
#define VIRTIO_PCI_COMMON_Q_AVAILLO 0x28 /* le64 queue_driver */
#define VIRTIO_PCI_COMMON_Q_AVAILHI 0x2c
#define VIRTIO_PCI_COMMON_Q_USEDLO 0x30	/* le64 queue_device */
#define VIRTIO_PCI_COMMON_Q_USEDHI 0x34
/* The fields a virtio 1.0 device has at least: up to queue_device. */
#define VIRTIO_PCI_COMMON_CFG_MIN 0x38

/* "No MSI-X vector" (4.1.4.3): interrupts go to INTx while MSI-X is off. */
#define VIRTIO_MSI_NO_VECTOR 0xffff

/* ISR status (4.1.4.5): one byte; reading it clears it and drops INTx. */
#define VIRTIO_PCI_ISR_QUEUE BIT(0)
#define VIRTIO_PCI_ISR_CONFIG BIT(1)

/* --- Device status field (2.1) --- */
#define VIRTIO_CONFIG_S_ACKNOWLEDGE BIT(0)
#define VIRTIO_CONFIG_S_DRIVER BIT(1)
#define VIRTIO_CONFIG_S_DRIVER_OK BIT(2)
#define VIRTIO_CONFIG_S_FEATURES_OK BIT(3)
#define VIRTIO_CONFIG_S_DEVICE_NEEDS_RESET BIT(6)
#define VIRTIO_CONFIG_S_FAILED BIT(7)

/* --- Reserved (transport/ring) feature bits (6 "Reserved Feature Bits") --- */
#define VIRTIO_F_INDIRECT_DESC BIT_ULL(28)
#define VIRTIO_F_EVENT_IDX BIT_ULL(29)
#define VIRTIO_F_VERSION_1 BIT_ULL(32)
#define VIRTIO_F_ACCESS_PLATFORM BIT_ULL(33)
#define VIRTIO_F_RING_PACKED BIT_ULL(34)
#define VIRTIO_F_IN_ORDER BIT_ULL(35)
#define VIRTIO_F_ORDER_PLATFORM BIT_ULL(36)
#define VIRTIO_F_SR_IOV BIT_ULL(37)
#define VIRTIO_F_NOTIFICATION_DATA BIT_ULL(38)
#define VIRTIO_F_RING_RESET BIT_ULL(40)
/* Bits 0..23 belong to the device type; 24..40 to the transport and ring. */
#define VIRTIO_F_DEVICE_MASK GENMASK_ULL(23, 0)

/*
 * --- Split virtqueue (2.7) ---
 *
 * Three areas, each physically contiguous, written by one side only:
 *
 *   descriptor table (driver)  16 * size bytes, 16-byte aligned   2.7.5
 *   available ring   (driver)  6 + 2 * size,     2-byte aligned   2.7.6
 *       flags | idx | ring[size] | used_event
 *   used ring        (device)  6 + 8 * size,     4-byte aligned   2.7.8
 *       flags | idx | ring[size] { id, len } | avail_event
 *
 * The size is a power of two, at most 32768 (2.7); idx fields run freely
 * and wrap at 2^16, so slot = idx & (size - 1).
 */
#define VIRTQ_MAX_SIZE 32768
#define VIRTQ_DESC_ALIGN 16
#define VIRTQ_AVAIL_ALIGN 2
#define VIRTQ_USED_ALIGN 4

struct virtq_desc {
	u64 addr;	/* DMA address of the buffer */
	u32 len;
	u16 flags;	/* VIRTQ_DESC_F_* */
	u16 next;	/* with VIRTQ_DESC_F_NEXT */
};

#define VIRTQ_DESC_F_NEXT BIT(0)	/* the chain continues at ->next */
#define VIRTQ_DESC_F_WRITE BIT(1)	/* device-writable (else device-readable) */
#define VIRTQ_DESC_F_INDIRECT BIT(2)	/* a table of descriptors (2.7.5.3) */

struct virtq_avail {
	u16 flags;	/* VIRTQ_AVAIL_F_* */
	u16 idx;	/* where the driver puts the next entry */
	u16 ring[];	/* heads of descriptor chains; then le16 used_event */
};

/* 2.7.7: the driver asks the device not to interrupt (a hint). */
#define VIRTQ_AVAIL_F_NO_INTERRUPT BIT(0)

struct virtq_used_elem {
	u32 id;		/* head of the chain the device used */
	u32 len;	/* bytes written into its device-writable buffers */
};

struct virtq_used {
	u16 flags;	/* VIRTQ_USED_F_* */
	u16 idx;	/* where the device puts the next entry */
	struct virtq_used_elem ring[]; /* then le16 avail_event */
};

/* 2.7.10: the device asks the driver not to notify it (a hint). */
#define VIRTQ_USED_F_NO_NOTIFY BIT(0)

_Static_assert(sizeof(struct virtq_desc) == 16, "virtq_desc is 16 bytes (2.7.5)");
_Static_assert(sizeof(struct virtq_used_elem) == 8, "virtq_used_elem is 8 bytes (2.7.8)");

/* --- virtio-blk (5.2) --- */

/* Feature bits (5.2.3). */
#define VIRTIO_BLK_F_SIZE_MAX BIT_ULL(1)	/* size_max: largest segment */
#define VIRTIO_BLK_F_SEG_MAX BIT_ULL(2)		/* seg_max: segments per request */
#define VIRTIO_BLK_F_GEOMETRY BIT_ULL(4)
#define VIRTIO_BLK_F_RO BIT_ULL(5)		/* read-only */
#define VIRTIO_BLK_F_BLK_SIZE BIT_ULL(6)	/* blk_size is valid */
#define VIRTIO_BLK_F_FLUSH BIT_ULL(9)		/* VIRTIO_BLK_T_FLUSH exists */
#define VIRTIO_BLK_F_TOPOLOGY BIT_ULL(10)
#define VIRTIO_BLK_F_CONFIG_WCE BIT_ULL(11)
#define VIRTIO_BLK_F_MQ BIT_ULL(12)
#define VIRTIO_BLK_F_DISCARD BIT_ULL(13)
#define VIRTIO_BLK_F_WRITE_ZEROES BIT_ULL(14)

/* Device configuration layout (5.2.4): offsets in the device-cfg region. */
#define VIRTIO_BLK_CFG_CAPACITY 0x00	/* le64, in 512-byte sectors */
#define VIRTIO_BLK_CFG_SIZE_MAX 0x08	/* le32, with VIRTIO_BLK_F_SIZE_MAX */
#define VIRTIO_BLK_CFG_SEG_MAX 0x0c	/* le32, with VIRTIO_BLK_F_SEG_MAX */
#define VIRTIO_BLK_CFG_GEOMETRY 0x10	/* le16 cylinders, u8 heads, u8 sectors */
#define VIRTIO_BLK_CFG_BLK_SIZE 0x14	/* le32, with VIRTIO_BLK_F_BLK_SIZE */
#define VIRTIO_BLK_CFG_LEN_MIN 0x18	/* what this driver reads */

/* Sector numbers and capacity always count 512 bytes (5.2.6). */
#define VIRTIO_BLK_SECTOR_SHIFT 9
#define VIRTIO_BLK_SECTOR_SIZE 512

/* Request (5.2.6): header (device-readable), data, status (device-writable). */
struct virtio_blk_req_hdr {
	u32 type;	/* VIRTIO_BLK_T_* */
	u32 reserved;
	u64 sector;	/* first 512-byte sector */
};

_Static_assert(sizeof(struct virtio_blk_req_hdr) == 16, "virtio_blk_req header is 16 bytes");

#define VIRTIO_BLK_T_IN 0	/* read */
#define VIRTIO_BLK_T_OUT 1	/* write */
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8

#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

#endif /* DRIVERS_VIRTIO_REGS_H */
