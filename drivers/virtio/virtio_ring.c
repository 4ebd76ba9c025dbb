/*
 * Split virtqueue, driver side (see <drivers/virtio_ring.h>). Pure: the
 * shared memory is plain memory the caller allocated; ordering against the
 * device is the barriers of virtio_ring.h.
 */
#include <bits.h>
#include <drivers/virtio_ring.h>
#include <errno.h>
#include <string.h>

/*
 * The device reads the driver's areas and writes its own at any time: each
 * shared field is accessed exactly once per use, never cached by the
 * compiler (Linux's READ_ONCE/WRITE_ONCE), in the order the spec gives.
 */
static inline u16 shared_read16(const u16 *p)
{
	return *(const volatile u16 *)p;
}

static inline u32 shared_read32(const u32 *p)
{
	return *(const volatile u32 *)p;
}

static inline void shared_write16(u16 *p, u16 v)
{
	*(volatile u16 *)p = v;
}

unsigned int vring_choose_num(unsigned int dev_max, unsigned int want)
{
	unsigned int lim = dev_max < want ? dev_max : want, num = 1;

	if (!lim)
		return 0;
	while (num * 2 <= lim)
		num *= 2;
	return num;
}

static size_t avail_size(unsigned int num)
{
	return 6 + 2 * (size_t)num; /* flags, idx, ring[num], used_event (2.7.6) */
}

static size_t used_offset(unsigned int num)
{
	return ALIGN_UP(16 * (size_t)num + avail_size(num), VIRTQ_USED_ALIGN);
}

size_t vring_mem_size(unsigned int num)
{
	/* flags, idx, ring[num] of 8 bytes, avail_event (2.7.8) */
	return used_offset(num) + 6 + 8 * (size_t)num;
}

static void free_all(struct vring *vr)
{
	unsigned int i;

	for (i = 0; i < vr->num; i++) {
		vr->next[i] = (u16)(i + 1);
		vr->chain_len[i] = 0;
		vr->token[i] = NULL;
	}
	vr->free_head = 0;
	vr->num_free = (u16)vr->num;
	vr->avail_idx = 0;
	vr->last_used = 0;
	vr->num_added = 0;
}

int vring_init(struct vring *vr, unsigned int num, void *mem, dma_addr_t dma)
{
	u8 *base = mem;

	if (!num || num > VRING_MAX_NUM || (num & (num - 1)) ||
	    !IS_ALIGNED((uintptr_t)mem, VIRTQ_DESC_ALIGN) || !IS_ALIGNED(dma, VIRTQ_DESC_ALIGN))
		return -EINVAL;
	vr->num = num;
	vr->mem_size = vring_mem_size(num);
	vr->desc = mem;
	vr->avail = (struct virtq_avail *)(base + 16 * (size_t)num);
	vr->used = (struct virtq_used *)(base + used_offset(num));
	vr->desc_dma = dma;
	vr->avail_dma = dma + 16 * (u64)num;
	vr->used_dma = dma + used_offset(num);
	free_all(vr);
	return 0;
}

void vring_reset(struct vring *vr)
{
	memset(vr->desc, 0, vr->mem_size);
	free_all(vr);
}

int vring_add(struct vring *vr, const struct vring_buf *bufs, unsigned int n, void *token)
{
	unsigned int i, mask = vr->num - 1;
	bool seen_writable = false;
	u16 head, d;

	if (!n || !token)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (!bufs[i].len)
			return -EINVAL;
		/* 2.7.4.2: device-writable buffers come after every device-readable one. */
		if (seen_writable && !bufs[i].device_writes)
			return -EINVAL;
		seen_writable |= bufs[i].device_writes;
	}
	if (n > vr->num_free)
		return -ENOSPC;

	/* 2.7.13.1: the chain in the descriptor table, linked through ->next. */
	head = d = vr->free_head;
	for (i = 0; i < n; i++) {
		struct virtq_desc *desc = &vr->desc[d];

		desc->addr = bufs[i].addr;
		desc->len = bufs[i].len;
		desc->flags = (u16)((bufs[i].device_writes ? VIRTQ_DESC_F_WRITE : 0) |
				    (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
		desc->next = i + 1 < n ? vr->next[d] : 0;
		d = vr->next[d];
	}
	vr->free_head = d;
	vr->num_free = (u16)(vr->num_free - n);
	vr->chain_len[head] = (u16)n;
	vr->token[head] = token;

	/* 2.7.13.2: the head in the next free slot of the available ring. */
	shared_write16(&vr->avail->ring[vr->avail_idx & mask], head);
	/*
	 * 2.7.13.3: "The driver MUST perform a suitable memory barrier before
	 * the idx update, to ensure the device sees the most up-to-date copy"
	 * of the descriptors and the ring entry.
	 */
	vring_wmb();
	vr->avail_idx++;
	shared_write16(&vr->avail->idx, vr->avail_idx);
	vr->num_added++;
	return head;
}

bool vring_kick_prepare(struct vring *vr)
{
	/*
	 * 2.7.13.4: the new idx must be visible before used->flags is read,
	 * else a device that just cleared VIRTQ_USED_F_NO_NOTIFY (and went to
	 * sleep) is never notified of the entries it did not see.
	 */
	vring_mb();
	vr->num_added = 0;
	return !(shared_read16(&vr->used->flags) & VIRTQ_USED_F_NO_NOTIFY);
}

bool vring_has_used(const struct vring *vr)
{
	return shared_read16(&vr->used->idx) != vr->last_used;
}

int vring_get_used(struct vring *vr, void **token, u32 *len, u32 *id)
{
	const struct virtq_used_elem *e;
	u16 used_idx = shared_read16(&vr->used->idx);
	u32 head, n, i;
	u16 d;

	*id = 0;
	if (used_idx == vr->last_used)
		return -EAGAIN;
	if ((u16)(used_idx - vr->last_used) > vr->num) {
		/* More returned than can be in flight: used->idx is garbage. */
		*id = used_idx;
		return -EIO;
	}
	/* 2.7.14: the element is read only after the idx that published it. */
	vring_rmb();
	e = &vr->used->ring[vr->last_used & (vr->num - 1)];
	head = shared_read32(&e->id);
	*len = shared_read32(&e->len);
	vr->last_used++;
	*id = head;
	if (head >= vr->num || !vr->token[head])
		return -EIO;
	*token = vr->token[head];
	vr->token[head] = NULL;
	/* The chain back to the free list, through the private links. */
	n = vr->chain_len[head];
	for (d = (u16)head, i = 1; i < n; i++)
		d = vr->next[d];
	vr->next[d] = vr->free_head;
	vr->free_head = (u16)head;
	vr->num_free = (u16)(vr->num_free + n);
	vr->chain_len[head] = 0;
	return 0;
}

void vring_set_interrupts(struct vring *vr, bool on)
{
	shared_write16(&vr->avail->flags, on ? 0 : VIRTQ_AVAIL_F_NO_INTERRUPT);
}

unsigned int vring_in_flight(const struct vring *vr)
{
	unsigned int i, n = 0;

	for (i = 0; i < vr->num; i++)
		n += vr->token[i] != NULL;
	return n;
}
