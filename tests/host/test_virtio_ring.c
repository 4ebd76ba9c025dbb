/*
 * Host tests for drivers/virtio/virtio_ring.c, the split virtqueue: layout
 * and alignment (virtio 1.2, 2.7), descriptor chains and the free list,
 * 16-bit index wrap-around, out-of-order completions, elements that name
 * no chain, and the ordering of 2.7.13/2.7.14: the barriers are this
 * file's, and each looks at the ring when the code under test issues it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <drivers/virtio_ring.h>

#define RING_DMA 0x7000000ULL

/* ---- the barriers, observing the ring under test ----------------------------- */

static struct vring *cur;
static unsigned int wmbs, rmbs, mbs;
/* At the write barrier: the entry of the slot being published, and avail->idx. */
static u16 wmb_slot_entry, wmb_avail_idx;
/* Used element the device "publishes" only when the read barrier is issued. */
static bool rmb_deliver;
static struct virtq_used_elem rmb_elem;
/* At the full barrier: the device clears VIRTQ_USED_F_NO_NOTIFY (it went idle). */
static bool mb_clears_no_notify;

void vring_wmb(void)
{
	wmbs++;
	wmb_slot_entry = cur->avail->ring[cur->avail_idx & (cur->num - 1)];
	wmb_avail_idx = cur->avail->idx;
}

void vring_rmb(void)
{
	rmbs++;
	if (rmb_deliver) {
		cur->used->ring[cur->last_used & (cur->num - 1)] = rmb_elem;
		rmb_deliver = false;
	}
}

void vring_mb(void)
{
	mbs++;
	if (mb_clears_no_notify)
		cur->used->flags = 0;
}

/* ---- fixtures ----------------------------------------------------------------- */

static void *mem;

static struct vring *new_ring(unsigned int num)
{
	static struct vring vr;
	size_t size = vring_mem_size(num);

	free(mem);
	mem = aligned_alloc(4096, (size + 4095) & ~(size_t)4095);
	assert_non_null(mem);
	memset(mem, 0, size);
	memset(&vr, 0xa5, sizeof(vr));
	assert_int_equal(vring_init(&vr, num, mem, RING_DMA), 0);
	cur = &vr;
	wmbs = rmbs = mbs = 0;
	rmb_deliver = mb_clears_no_notify = false;
	return &vr;
}

/* The device: take the next available head, return it as used with @len. */
static u16 dev_avail_next;

static u16 device_take(struct vring *vr)
{
	u16 head;

	assert_true(vr->avail->idx != dev_avail_next);
	head = vr->avail->ring[dev_avail_next & (vr->num - 1)];
	dev_avail_next++;
	return head;
}

static void device_return(struct vring *vr, u32 id, u32 len)
{
	vr->used->ring[vr->used->idx & (vr->num - 1)] = (struct virtq_used_elem){ id, len };
	vr->used->idx++;
}

static int add3(struct vring *vr, void *token)
{
	const struct vring_buf b[3] = {
		{ 0x1000, 16, false }, { 0x2001, 4097, true }, { 0x3000, 1, true },
	};

	return vring_add(vr, b, 3, token);
}

/* ---- tests -------------------------------------------------------------------- */

static void test_choose_num(void **state)
{
	(void)state;
	assert_int_equal(vring_choose_num(256, 64), 64);
	assert_int_equal(vring_choose_num(1024, 128), 128);
	assert_int_equal(vring_choose_num(100, 64), 64);
	assert_int_equal(vring_choose_num(48, 64), 32);
	assert_int_equal(vring_choose_num(3, 64), 2);
	assert_int_equal(vring_choose_num(1, 64), 1);
	assert_int_equal(vring_choose_num(0, 64), 0);
	assert_int_equal(vring_choose_num(64, 100), 64);
}

static void test_layout(void **state)
{
	struct vring *vr = new_ring(64);
	u8 *base = mem;

	(void)state;
	/* 2.7: descriptors 16 * num, avail 6 + 2 * num, used (4-aligned) 6 + 8 * num. */
	assert_ptr_equal(vr->desc, base);
	assert_ptr_equal(vr->avail, base + 1024);
	assert_ptr_equal(vr->used, base + 1160);
	assert_int_equal(vring_mem_size(64), 1160 + 6 + 8 * 64);
	assert_int_equal(vr->desc_dma, RING_DMA);
	assert_int_equal(vr->avail_dma, RING_DMA + 1024);
	assert_int_equal(vr->used_dma, RING_DMA + 1160);
	assert_int_equal(vr->used_dma % VIRTQ_USED_ALIGN, 0);
	assert_int_equal(vr->num_free, 64);
	/* num = 1: avail is 8 bytes, used must be rounded up to 4. */
	vr = new_ring(1);
	assert_ptr_equal(vr->used, (u8 *)mem + 24);
	assert_int_equal(vring_mem_size(1), 24 + 14);

	/* Sizes the split ring cannot have, misaligned memory. */
	assert_int_equal(vring_init(vr, 0, mem, RING_DMA), -EINVAL);
	assert_int_equal(vring_init(vr, 48, mem, RING_DMA), -EINVAL);
	assert_int_equal(vring_init(vr, VRING_MAX_NUM * 2, mem, RING_DMA), -EINVAL);
	assert_int_equal(vring_init(vr, 16, (u8 *)mem + 8, RING_DMA), -EINVAL);
	assert_int_equal(vring_init(vr, 16, mem, RING_DMA + 4), -EINVAL);
}

static void test_add_chain(void **state)
{
	struct vring *vr = new_ring(8);
	int tok, head;
	u16 d0, d1, d2;

	(void)state;
	head = add3(vr, &tok);
	assert_int_equal(head, 0);
	d0 = (u16)head;
	d1 = vr->desc[d0].next;
	d2 = vr->desc[d1].next;
	assert_int_equal(vr->desc[d0].addr, 0x1000);
	assert_int_equal(vr->desc[d0].len, 16);
	assert_int_equal(vr->desc[d0].flags, VIRTQ_DESC_F_NEXT);
	assert_int_equal(vr->desc[d1].addr, 0x2001);
	assert_int_equal(vr->desc[d1].len, 4097);
	assert_int_equal(vr->desc[d1].flags, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE);
	assert_int_equal(vr->desc[d2].addr, 0x3000);
	assert_int_equal(vr->desc[d2].flags, VIRTQ_DESC_F_WRITE);
	assert_true(d0 != d1 && d1 != d2 && d0 != d2);
	assert_int_equal(vr->avail->ring[0], head);
	assert_int_equal(vr->avail->idx, 1);
	assert_int_equal(vr->num_free, 5);
	/* 2.7.13.3: one write barrier, after the ring entry, before the idx. */
	assert_int_equal(wmbs, 1);
	assert_int_equal(wmb_slot_entry, head);
	assert_int_equal(wmb_avail_idx, 0);
	/* The second chain takes other descriptors and the next slot. */
	head = add3(vr, &tok);
	assert_int_equal(head, 3);
	assert_int_equal(vr->avail->ring[1], 3);
	assert_int_equal(vr->avail->idx, 2);
	assert_int_equal(wmbs, 2);
	assert_int_equal(wmb_slot_entry, 3);
	assert_int_equal(wmb_avail_idx, 1);
	assert_int_equal(vring_in_flight(vr), 2);
}

static void test_add_rejects(void **state)
{
	struct vring *vr = new_ring(4);
	const struct vring_buf empty[2] = { { 0x1000, 16, false }, { 0x2000, 0, true } };
	const struct vring_buf order[2] = { { 0x1000, 16, true }, { 0x2000, 16, false } };
	int tok;

	(void)state;
	assert_int_equal(vring_add(vr, order, 0, &tok), -EINVAL);
	assert_int_equal(vring_add(vr, empty, 2, &tok), -EINVAL);
	/* 2.7.4.2: device-readable after device-writable is not a valid chain. */
	assert_int_equal(vring_add(vr, order, 2, &tok), -EINVAL);
	assert_int_equal(vring_add(vr, order, 1, NULL), -EINVAL);
	assert_int_equal(vr->avail->idx, 0);
	assert_int_equal(vr->num_free, 4);
	assert_int_equal(wmbs, 0);
	assert_int_equal(add3(vr, &tok), 0);
	/* One descriptor left: a chain of three does not fit, and nothing changes. */
	assert_int_equal(add3(vr, &tok), -ENOSPC);
	assert_int_equal(vr->avail->idx, 1);
	assert_int_equal(vr->num_free, 1);
}

static void test_used_and_wrap(void **state)
{
	struct vring *vr = new_ring(8);
	int tokens[3];
	unsigned int i;

	(void)state;
	dev_avail_next = 0;
	/* 70000 requests: avail->idx, used->idx and last_used wrap at 2^16. */
	for (i = 0; i < 70000; i++) {
		const struct vring_buf b[3] = {
			{ 0x1000, 16, false }, { 0x2000, 512, true }, { 0x3000, 1, true },
		};
		unsigned int n = 1 + i % 3;
		void *tok = NULL;
		u32 len, id;
		int head = vring_add(vr, b + 3 - n, n, &tokens[n - 1]);

		assert_true(head >= 0);
		assert_false(vring_has_used(vr));
		assert_int_equal(vring_get_used(vr, &tok, &len, &id), -EAGAIN);
		assert_int_equal(device_take(vr), head);
		device_return(vr, (u32)head, 7 * n);
		assert_true(vring_has_used(vr));
		assert_int_equal(vring_get_used(vr, &tok, &len, &id), 0);
		assert_ptr_equal(tok, &tokens[n - 1]);
		assert_int_equal(len, 7 * n);
		assert_int_equal(id, head);
		assert_int_equal(vr->num_free, 8);
	}
	assert_int_equal(vr->avail->idx, (u16)70000);
	assert_int_equal(vr->last_used, (u16)70000);
	assert_int_equal(rmbs, 70000);
}

static void test_out_of_order(void **state)
{
	struct vring *vr = new_ring(8);
	const struct vring_buf b[2] = { { 0x1000, 16, false }, { 0x3000, 1, true } };
	int heads[4], tok[4], full[8];
	unsigned int i;

	(void)state;
	dev_avail_next = 0;
	for (i = 0; i < 4; i++) {
		heads[i] = vring_add(vr, b, 2, &tok[i]);
		assert_true(heads[i] >= 0);
		device_take(vr);
	}
	assert_int_equal(vr->num_free, 0);
	/* The device completes them last first. */
	for (i = 4; i-- > 0;)
		device_return(vr, (u32)heads[i], 1);
	for (i = 4; i-- > 0;) {
		void *t;
		u32 len, id;

		assert_int_equal(vring_get_used(vr, &t, &len, &id), 0);
		assert_ptr_equal(t, &tok[i]);
	}
	assert_int_equal(vr->num_free, 8);
	assert_int_equal(vring_in_flight(vr), 0);
	/* The free list is whole: one chain of all eight descriptors fits. */
	{
		struct vring_buf big[8];

		for (i = 0; i < 8; i++)
			big[i] = (struct vring_buf){ 0x1000 * (i + 1), 8, i >= 4 };
		assert_true(vring_add(vr, big, 8, full) >= 0);
		assert_int_equal(vr->num_free, 0);
	}
}

/* 2.7.14: the element is read after used->idx, behind the read barrier. */
static void test_used_read_after_barrier(void **state)
{
	struct vring *vr = new_ring(8);
	void *t = NULL;
	u32 len, id;
	int tok, head;

	(void)state;
	head = add3(vr, &tok);
	/* idx says one element is there; its contents arrive only at the barrier. */
	vr->used->ring[0] = (struct virtq_used_elem){ 0xdead, 0xbeef };
	vr->used->idx = 1;
	rmb_deliver = true;
	rmb_elem = (struct virtq_used_elem){ (u32)head, 513 };
	assert_int_equal(vring_get_used(vr, &t, &len, &id), 0);
	assert_int_equal(rmbs, 1);
	assert_ptr_equal(t, &tok);
	assert_int_equal(len, 513);
}

static void test_used_bad_elements(void **state)
{
	struct vring *vr = new_ring(8);
	void *t = NULL;
	u32 len, id;
	int tok, head;

	(void)state;
	head = add3(vr, &tok);
	/* A head out of range. */
	device_return(vr, 99, 1);
	assert_int_equal(vring_get_used(vr, &t, &len, &id), -EIO);
	assert_int_equal(id, 99);
	/* A head that is not in flight (descriptor 1 is inside the chain, not its head). */
	device_return(vr, (u32)head + 1, 1);
	assert_int_equal(vring_get_used(vr, &t, &len, &id), -EIO);
	assert_int_equal(vr->num_free, 5);
	/* The real one still comes back. */
	device_return(vr, (u32)head, 1);
	assert_int_equal(vring_get_used(vr, &t, &len, &id), 0);
	assert_ptr_equal(t, &tok);
	assert_int_equal(vr->num_free, 8);
	/* Returned twice: the second is refused, nothing freed twice. */
	device_return(vr, (u32)head, 1);
	assert_int_equal(vring_get_used(vr, &t, &len, &id), -EIO);
	assert_int_equal(vr->num_free, 8);
	/* used->idx further ahead than the ring holds. */
	vr->used->idx = (u16)(vr->last_used + 9);
	assert_int_equal(vring_get_used(vr, &t, &len, &id), -EIO);
}

static void test_kick_prepare(void **state)
{
	struct vring *vr = new_ring(8);
	int tok;

	(void)state;
	add3(vr, &tok);
	assert_true(vring_kick_prepare(vr));
	assert_int_equal(mbs, 1);
	assert_int_equal(vr->num_added, 0);
	vr->used->flags = VIRTQ_USED_F_NO_NOTIFY;
	add3(vr, &tok);
	assert_false(vring_kick_prepare(vr));
	/* 2.7.13.4: flags are read after the full barrier, never before. */
	mb_clears_no_notify = true;
	assert_true(vring_kick_prepare(vr));
}

static void test_reset_and_interrupts(void **state)
{
	struct vring *vr = new_ring(8);
	size_t i;
	int tok;

	(void)state;
	vring_set_interrupts(vr, false);
	assert_int_equal(vr->avail->flags, VIRTQ_AVAIL_F_NO_INTERRUPT);
	vring_set_interrupts(vr, true);
	assert_int_equal(vr->avail->flags, 0);
	add3(vr, &tok);
	add3(vr, &tok);
	vr->used->idx = 1;
	vring_reset(vr);
	for (i = 0; i < vr->mem_size; i++)
		assert_int_equal(((u8 *)mem)[i], 0);
	assert_int_equal(vr->num_free, 8);
	assert_int_equal(vr->avail_idx, 0);
	assert_int_equal(vr->last_used, 0);
	assert_int_equal(vring_in_flight(vr), 0);
	assert_int_equal(add3(vr, &tok), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choose_num),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_add_chain),
		cmocka_unit_test(test_add_rejects),
		cmocka_unit_test(test_used_and_wrap),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_used_read_after_barrier),
		cmocka_unit_test(test_used_bad_elements),
		cmocka_unit_test(test_kick_prepare),
		cmocka_unit_test(test_reset_and_interrupts),
	};
	int ret = cmocka_run_group_tests(tests, NULL, NULL);

	free(mem);
	return ret;
}
