/*
 * Split virtqueue, driver side (virtio 1.2, 2.7): descriptor chains, the
 * available ring the driver fills and the used ring it consumes.
 *
 * Pure: no MMIO (the doorbell is the transport's, drivers/virtio/virtio_pci.c)
 * and no allocation (the caller hands in zeroed memory the device reaches,
 * from dma_alloc_coherent()). The only hardware contract is the barriers
 * below, so tests/host/test_virtio_ring.c runs this file natively with
 * barriers that check what the ring looks like when each one is issued.
 *
 * Driver-private state (the free list, each chain's length and token) is
 * kept outside the shared memory: what the device can write is only ever
 * read as data to be checked (used elements, used->idx), never followed.
 */
#ifndef DRIVERS_VIRTIO_RING_H
#define DRIVERS_VIRTIO_RING_H

#include <drivers/virtio_regs.h>
#include <types.h>

/* Largest queue this driver sets up (descriptors; a power of two). */
#define VRING_MAX_NUM 64

/* One buffer of a chain, as the device sees it. */
struct vring_buf {
	dma_addr_t addr;
	u32 len;
	bool device_writes;	/* VIRTQ_DESC_F_WRITE */
};

struct vring {
	unsigned int num;		/* descriptors: a power of two <= VRING_MAX_NUM */
	struct virtq_desc *desc;	/* descriptor area (2.7.5) */
	struct virtq_avail *avail;	/* driver area (2.7.6) */
	struct virtq_used *used;	/* device area (2.7.8) */
	dma_addr_t desc_dma, avail_dma, used_dma;
	size_t mem_size;		/* bytes from desc (all three areas) */
	u16 free_head;			/* first free descriptor */
	u16 num_free;
	u16 avail_idx;			/* the driver's copy of avail->idx */
	u16 last_used;			/* next used element to consume */
	u16 num_added;			/* made available since the last kick */
	u16 next[VRING_MAX_NUM];	/* chain and free-list links (private) */
	u16 chain_len[VRING_MAX_NUM];	/* per head: descriptors in its chain */
	void *token[VRING_MAX_NUM];	/* per head: the caller's; NULL = free */
};

/*
 * Barriers of the split ring (2.7.13, 2.7.14), as Linux's dma_wmb(),
 * dma_rmb() and mb(): the device is another observer of the same memory
 * in the outer-shareable domain. Host tests provide their own (which look
 * at the ring when called).
 */
#ifdef HOST_TEST
void vring_wmb(void);
void vring_rmb(void);
void vring_mb(void);
#else
#include <arch/barrier.h>

/* Earlier stores to the ring before later ones (idx after its entries). */
static inline void vring_wmb(void)
{
	dmb(oshst);
}

/* Earlier loads from the ring before later ones (elements after idx). */
static inline void vring_rmb(void)
{
	dmb(oshld);
}

/* Earlier stores before later loads (avail->idx before used->flags). */
static inline void vring_mb(void)
{
	dmb(osh);
}
#endif

/*
 * vring_choose_num() - the queue size to use: the largest power of two not
 * above @dev_max (the device's queue_size, 4.1.4.3) nor @want.
 * Return: the size, or 0 if @dev_max is 0 (the queue does not exist).
 */
unsigned int vring_choose_num(unsigned int dev_max, unsigned int want);

/* vring_mem_size() - bytes of shared memory a ring of @num descriptors needs. */
size_t vring_mem_size(unsigned int num);

/*
 * vring_init() - lay the three areas out in @mem (CPU view) / @dma (device
 * view): descriptors at 0, the available ring after them, the used ring
 * 4-byte aligned after that. @mem must be zeroed, vring_mem_size(@num)
 * bytes, 16-byte aligned (as must @dma). All descriptors start free.
 * Return: 0, or -EINVAL if @num is not a power of two in 1..VRING_MAX_NUM
 * or the alignment is wrong.
 */
int vring_init(struct vring *vr, unsigned int num, void *mem, dma_addr_t dma);

/*
 * vring_reset() - forget every chain and zero the shared memory, as after a
 * device reset (the device no longer owns anything: 2.4.1). Tokens of
 * chains that were in flight are dropped; the caller owns their buffers.
 */
void vring_reset(struct vring *vr);

/*
 * vring_add() - make one chain of @n buffers available to the device
 * (2.7.13): descriptors written and linked, the head put in the next
 * available-ring slot, vring_wmb(), then avail->idx advanced. The device
 * is not notified: call vring_kick_prepare() and, if it says so, the
 * transport's notify.
 * @token: returned by vring_get_used() for this chain (not NULL).
 * Return: the head descriptor's index; -EINVAL (no buffers, an empty one,
 * a device-readable buffer after a device-writable one: 2.7.4.2), -ENOSPC
 * (fewer than @n free descriptors).
 */
int vring_add(struct vring *vr, const struct vring_buf *bufs, unsigned int n, void *token);

/*
 * vring_kick_prepare() - after vring_add(): whether the device wants to be
 * notified (2.7.13.4: vring_mb(), then used->flags' VIRTQ_USED_F_NO_NOTIFY).
 * Return: true if the caller must notify.
 */
bool vring_kick_prepare(struct vring *vr);

/* vring_has_used() - whether the device has returned a chain not yet consumed. */
bool vring_has_used(const struct vring *vr);

/*
 * vring_get_used() - consume the next used element (2.7.14): used->idx
 * read, vring_rmb(), then the element. Its chain's descriptors are freed.
 * Return: 0 with *token and *len (bytes the device wrote); -EAGAIN if the
 * device has returned nothing; -EIO for an element that names no chain in
 * flight, or a used->idx more than num ahead (a device bug: the element is
 * skipped, *id says which head it named).
 */
int vring_get_used(struct vring *vr, void **token, u32 *len, u32 *id);

/*
 * vring_set_interrupts() - ask the device to interrupt on used buffers
 * (@on) or not (VIRTQ_AVAIL_F_NO_INTERRUPT, 2.7.7: a hint the device may
 * ignore).
 */
void vring_set_interrupts(struct vring *vr, bool on);

/* Chains the device holds (made available, not yet consumed). */
unsigned int vring_in_flight(const struct vring *vr);

#endif /* DRIVERS_VIRTIO_RING_H */
