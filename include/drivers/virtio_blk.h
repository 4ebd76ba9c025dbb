/*
 * virtio-blk over modern PCI (virtio 1.2, 5.2): each disk is a block
 * device (<drivers/blockdev.h>) named vblk0, vblk1, ... in PCI
 * enumeration order.
 *
 * One request queue, one request in flight per disk: a request is a chain
 *
 *   header (16 B, device-readable) | data segments | status (1 B, device-writable)
 *
 * with the header and status in a coherent buffer of the disk's own, and
 * the caller's data segments mapped with dma_map_sg() for that request only
 * (behind the SMMU: IOVAs; the ring is a coherent allocation on the same
 * PCI function, so the device reaches it through the SMMU too). The
 * completion comes by INTx (the ISR read acknowledges it); a disk without
 * a usable INTx, or whose interrupt never came, is polled. Every wait is
 * bounded; a request that times out, or a device that reports
 * DEVICE_NEEDS_RESET, gets the device reset (so it stops using the
 * buffers) before the buffers are unmapped, and the device restarted.
 */
#ifndef DRIVERS_VIRTIO_BLK_H
#define DRIVERS_VIRTIO_BLK_H

#include <drivers/blockdev.h>
#include <drivers/virtio_pci.h>
#include <drivers/virtio_ring.h>
#include <types.h>

#define VIRTIO_BLK_MAX 4
/* Descriptors of the request queue (a request takes 2 + segments). */
#define VIRTIO_BLK_QUEUE_SIZE 64
/* A request the device has not completed in this time failed. */
#define VIRTIO_BLK_TIMEOUT_US 5000000

/* Faults the self-tests inject into the next request (then cleared). */
enum virtio_blk_fault {
	VBLK_FAULT_NONE,
	VBLK_FAULT_NO_NOTIFY,	/* the doorbell is not rung: the request never completes */
	VBLK_FAULT_DATA_ADDR,	/* the first data descriptor carries fault_addr */
};

struct virtio_blk_stats {
	u64 requests;		/* chains given to the device */
	u64 irqs;		/* interrupts with an ISR bit set */
	u64 dev_errors;		/* a status other than VIRTIO_BLK_S_OK */
	u64 timeouts;
	u64 resets;		/* restarts after a failure */
};

/* Header and status of the request in flight: coherent memory. */
struct virtio_blk_cmd {
	struct virtio_blk_req_hdr hdr;
	u8 status;
};

struct virtio_blk {
	struct virtio_pci vp;
	struct blockdev bd;
	struct vring vq;
	void *ring;			/* coherent: the request queue's three areas */
	dma_addr_t ring_dma;
	size_t ring_size;
	struct virtio_blk_cmd *cmd;	/* coherent */
	dma_addr_t cmd_dma;
	uintptr_t doorbell;
	u64 sectors;			/* capacity, 512-byte sectors */
	unsigned int lba_shift;		/* block = sector << lba_shift */
	u32 seg_max, size_max;		/* 0: no limit offered */
	bool ro, has_flush;
	u32 intid;			/* 0: completion polled */
	bool irq_lost;			/* had an interrupt, which never came: now polled */
	volatile bool irq_seen;		/* the ISR reported a used buffer */
	bool dead;			/* could not be restarted: requests refused, DMA stopped */
	/*
	 * Its DMA could not be stopped (no reset, Bus Master Enable ignored):
	 * nothing it was given is unmapped or freed again.
	 */
	bool dma_unsafe;
	u32 timeout_us;			/* per request (VIRTIO_BLK_TIMEOUT_US) */
	enum virtio_blk_fault fault;
	dma_addr_t fault_addr;
	struct virtio_blk_stats stats;
};

/*
 * virtio_blk_init() - bind every virtio-blk function pci_init() found
 * (1af4:1042, or transitional 1af4:1001): virtio structures, DMA mask,
 * INTx, device start (features: VERSION_1 required, ACCESS_PLATFORM
 * accepted when offered), capacity and block size, the request queue;
 * then blockdev_register(). One line per disk. A disk that fails is
 * reported and left out; the others work. Call once, after the SMMU is
 * set up (its DMA addresses depend on it).
 * Return: disks registered.
 */
unsigned int virtio_blk_init(void);

unsigned int virtio_blk_count(void);
/* virtio-blk functions virtio_blk_init() found, bound or not. */
unsigned int virtio_blk_found(void);
struct virtio_blk *virtio_blk_get(unsigned int i);

/*
 * virtio_blk_request() - one request, as given: @type (VIRTIO_BLK_T_*) at
 * 512-byte @sector with @nsegs (0..BLK_MAX_SEGS) data segments (read into
 * for VIRTIO_BLK_T_IN and GET_ID, written from for OUT). No range check
 * against the capacity: blockdev_rw() does that; the self-tests use this
 * to see the device's own errors. Waits for the completion, bounded by
 * vb->timeout_us.
 * Return: 0;
 *   -EINVAL      more segments than the device or BLK_MAX_SEGS allow, an
 *                empty one or one above the device's size_max;
 *   -EROFS       a write to a read-only disk;
 *   -ENOMEM      the segments could not be mapped;
 *   -EIO         status VIRTIO_BLK_S_IOERR, no or an unknown status, a
 *                device that needs a reset, a DMA fault in the SMMU, or a
 *                disk given up earlier;
 *   -EOPNOTSUPP  status VIRTIO_BLK_S_UNSUPP;
 *   -ETIMEDOUT   no completion in time.
 * Every error is printed with the disk's name, the request and the cause.
 * Nothing stays mapped when it returns; after -ETIMEDOUT and a device
 * failure the device has been reset and restarted (or, if that failed
 * too, the disk is given up: its bus mastering turned off, so it cannot
 * use the buffers even if it did not reset, and further requests refused
 * with -EIO at once until virtio_blk_reset() succeeds).
 */
int virtio_blk_request(struct virtio_blk *vb, u32 type, u64 sector, const struct blk_seg *segs,
		       unsigned int nsegs);

/*
 * virtio_blk_reset() - reset the device and start it again with its ring
 * (3.1.1), as after a failed request; also for a disk given up (vb->dead),
 * which works again on success. No request may be in flight.
 * Return: 0; -EBUSY if its DMA could not be stopped earlier
 * (vb->dma_unsafe); else -errno from the start (-ETIMEDOUT: device_status
 * did not read 0 within vb->vp.reset_timeout_us), printed, with the disk
 * given up.
 */
int virtio_blk_reset(struct virtio_blk *vb);

#endif /* DRIVERS_VIRTIO_BLK_H */
