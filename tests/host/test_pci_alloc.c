/*
 * Host tests for drivers/pci/pci_alloc.c: BAR decoding from sizing
 * read-backs (values real devices and QEMU's models return), the class
 * and host window a BAR is assigned from, packing with natural alignment,
 * bridge window sizing and the bridge window register encoding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include <drivers/pci_regs.h>
#include "pci_alloc.h"

#define KiB 0x400ULL
#define MiB 0x100000ULL
#define GiB 0x40000000ULL

/* ---- BAR decoding ------------------------------------------------------------ */

static void decode(u32 lo, u32 hi, bool last, int ret, u64 size, bool io, bool mem64,
		   bool pref)
{
	struct pci_bar b;

	memset(&b, 0xa5, sizeof(b));
	assert_int_equal(pci_bar_decode(lo, hi, last, &b), ret);
	assert_int_equal(b.size, size);
	assert_int_equal(b.io, io);
	assert_int_equal(b.mem64, mem64);
	assert_int_equal(b.prefetch, pref);
	assert_int_equal(b.base, 0);
	assert_int_equal(b.bus_addr, 0);
}

static void test_bar_decode(void **state)
{
	(void)state;
	/* edu BAR0: 1 MiB, 32-bit, non-prefetchable */
	decode(0xfff00000, 0, false, 0, 1 * MiB, false, false, false);
	/* 32-bit prefetchable 4 KiB */
	decode(0xfffff008, 0, false, 0, 4 * KiB, false, false, true);
	/* virtio-pci modern BAR4: 16 KiB, 64-bit prefetchable */
	decode(0xffffc00c, 0xffffffff, false, 0, 16 * KiB, false, true, true);
	/* nvme BAR0: 16 KiB, 64-bit non-prefetchable */
	decode(0xffffc004, 0xffffffff, false, 0, 16 * KiB, false, true, false);
	/* 64-bit BAR larger than 4 GiB: the size is in the upper half */
	decode(0x0000000c, 0xfffffff0, false, 0, 64 * GiB, false, true, true);
	/* 32 B I/O BAR decoding 32 bits */
	decode(0xffffffe1, 0, false, 0, 32, true, false, false);
	/* 8 B and 4 B I/O BARs (legacy IDE): only bits 1:0 are flags */
	decode(0xfffffff9, 0, false, 0, 8, true, false, false);
	decode(0xfffffffd, 0, true, 0, 4, true, false, false);
	/* 256 B I/O BAR with upper 16 bits hardwired to 0 */
	decode(0x0000ff01, 0, false, 0, 256, true, false, false);
	/* not implemented: reads 0 */
	decode(0x00000000, 0, false, 0, 0, false, false, false);
	decode(0x00000000, 0, true, 0, 0, false, false, false);
	/* 64-bit type with no writable bits at all */
	decode(0x00000004, 0x00000000, false, 0, 0, false, false, false);
	/* reserved type 1 ("below 1 MiB") and type 3 */
	decode(0xfff00002, 0, false, -EINVAL, 0, false, false, false);
	decode(0xfff00006, 0, false, -EINVAL, 0, false, false, false);
	/* a 64-bit BAR in the last slot has no upper half */
	decode(0xffffc00c, 0xffffffff, true, -EINVAL, 0, false, false, false);
}

static void test_bar_class(void **state)
{
	struct pci_bar io = { .io = true }, m32 = { 0 }, m32p = { .prefetch = true };
	struct pci_bar m64 = { .mem64 = true }, m64p = { .mem64 = true, .prefetch = true };

	(void)state;
	assert_int_equal(pci_bar_class(&io), PCI_CLASS_IO);
	assert_int_equal(pci_bar_class(&m32), PCI_CLASS_MEM);
	assert_int_equal(pci_bar_class(&m32p), PCI_CLASS_MEM);
	assert_int_equal(pci_bar_class(&m64), PCI_CLASS_MEM);
	assert_int_equal(pci_bar_class(&m64p), PCI_CLASS_PREF);
}

static void add_win(struct pci_host_dt *h, unsigned int space, bool pref)
{
	h->win[h->nr_windows].space = (u8)space;
	h->win[h->nr_windows].prefetch = pref;
	h->nr_windows++;
}

static void test_host_window_choice(void **state)
{
	struct pci_host_dt h;

	(void)state;
	/* QEMU virt: io, mem32, mem64 (non-prefetchable) */
	memset(&h, 0, sizeof(h));
	add_win(&h, PCI_DT_SPACE_IO, false);
	add_win(&h, PCI_DT_SPACE_MEM32, false);
	add_win(&h, PCI_DT_SPACE_MEM64, false);
	assert_int_equal(pci_host_window_for(&h, PCI_CLASS_IO), 0);
	assert_int_equal(pci_host_window_for(&h, PCI_CLASS_MEM), 1);
	assert_int_equal(pci_host_window_for(&h, PCI_CLASS_PREF), 2);

	/* a prefetchable 64-bit window is preferred over a plain one */
	memset(&h, 0, sizeof(h));
	add_win(&h, PCI_DT_SPACE_MEM64, false);
	add_win(&h, PCI_DT_SPACE_MEM32, true);
	add_win(&h, PCI_DT_SPACE_MEM64, true);
	add_win(&h, PCI_DT_SPACE_MEM32, false);
	assert_int_equal(pci_host_window_for(&h, PCI_CLASS_PREF), 2);
	assert_int_equal(pci_host_window_for(&h, PCI_CLASS_MEM), 3);
	assert_int_equal(pci_host_window_for(&h, PCI_CLASS_IO), -ENOENT);

	/* no 64-bit window: prefetchable 32-bit, else the plain 32-bit one */
	memset(&h, 0, sizeof(h));
	add_win(&h, PCI_DT_SPACE_MEM32, false);
	assert_int_equal(pci_host_window_for(&h, PCI_CLASS_PREF), 0);
	add_win(&h, PCI_DT_SPACE_MEM32, true);
	assert_int_equal(pci_host_window_for(&h, PCI_CLASS_PREF), 1);

	/* non-prefetchable BARs never go to a prefetchable window */
	memset(&h, 0, sizeof(h));
	add_win(&h, PCI_DT_SPACE_MEM32, true);
	add_win(&h, PCI_DT_SPACE_MEM64, true);
	assert_int_equal(pci_host_window_for(&h, PCI_CLASS_MEM), -ENOENT);
}

/* ---- placement ---------------------------------------------------------------- */

static void req(struct pci_alloc_req *r, u64 size, u64 align)
{
	memset(r, 0x5a, sizeof(*r));
	r->size = size;
	r->align = align;
}

static void test_place_natural_alignment(void **state)
{
	struct pci_alloc_req r[5];
	unsigned int i;
	u64 end;

	(void)state;
	req(&r[0], 4 * KiB, 4 * KiB);
	req(&r[1], 1 * MiB, 1 * MiB);
	req(&r[2], 16, 16);
	req(&r[3], 64 * KiB, 64 * KiB);
	req(&r[4], 1 * MiB, 1 * MiB);
	/* the window starts off a 1 MiB boundary */
	assert_int_equal(pci_alloc_place(r, 5, 0x10001000, 256 * MiB, &end), 0);
	/* largest alignment first, equal ones by index */
	assert_int_equal(r[1].addr, 0x10100000);
	assert_int_equal(r[4].addr, 0x10200000);
	assert_int_equal(r[3].addr, 0x10300000);
	assert_int_equal(r[0].addr, 0x10310000);
	assert_int_equal(r[2].addr, 0x10311000);
	assert_int_equal(end, 0x10311010);
	for (i = 0; i < 5; i++) {
		assert_true(r[i].placed);
		assert_int_equal(r[i].addr % r[i].align, 0);
	}
}

static void test_place_full_window(void **state)
{
	struct pci_alloc_req r[4];
	u64 end;

	(void)state;
	/* 2 MiB window: the 4 MiB request cannot fit, the rest still go in */
	req(&r[0], 1 * MiB, 1 * MiB);
	req(&r[1], 4 * MiB, 4 * MiB);
	req(&r[2], 1 * MiB, 1 * MiB);
	req(&r[3], 4 * KiB, 4 * KiB);
	assert_int_equal(pci_alloc_place(r, 4, 0x20000000, 2 * MiB, &end), 2);
	assert_false(r[1].placed);
	assert_int_equal(r[1].addr, 0);
	assert_true(r[0].placed);
	assert_int_equal(r[0].addr, 0x20000000);
	assert_true(r[2].placed);
	assert_int_equal(r[2].addr, 0x20100000);
	assert_false(r[3].placed); /* the window is full */
	assert_int_equal(end, 0x20200000);

	/* alignment pushes a request past the end */
	req(&r[0], 16, 16);
	req(&r[1], 1 * MiB, 1 * MiB);
	assert_int_equal(pci_alloc_place(r, 2, 0x3ff00010, 1 * MiB, &end), 1);
	assert_false(r[1].placed);
	assert_int_equal(r[0].addr, 0x3ff00010);
	assert_int_equal(end, 0x3ff00020);

	/* the window ends at 2^64 - 1: nothing may wrap around to 0 */
	req(&r[0], 1 * MiB, 1 * MiB);
	req(&r[1], 16, 16);
	assert_int_equal(pci_alloc_place(r, 2, 0xfffffffffff00000ULL, 1 * MiB, NULL), 1);
	assert_int_equal(r[0].addr, 0xfffffffffff00000ULL);
	assert_false(r[1].placed);

	/* empty window, empty list */
	req(&r[0], 16, 16);
	assert_int_equal(pci_alloc_place(r, 1, 0x1000, 0, &end), 1);
	assert_int_equal(end, 0x1000);
	assert_int_equal(pci_alloc_place(r, 0, 0x1000, 0x1000, &end), 0);
	assert_int_equal(end, 0x1000);
}

/* The same requests give the same layout relative to an aligned base. */
static void test_place_deterministic(void **state)
{
	struct pci_alloc_req a[3], b[3];
	unsigned int i;

	(void)state;
	req(&a[0], 16 * KiB, 16 * KiB);
	req(&a[1], 2 * MiB, 1 * MiB); /* a bridge window: not a power of two of its alignment */
	req(&a[2], 4 * KiB, 4 * KiB);
	memcpy(b, a, sizeof(a));
	assert_int_equal(pci_alloc_place(a, 3, 0, ~0ULL, NULL), 0);
	assert_int_equal(pci_alloc_place(b, 3, 0x10400000, 3 * MiB, NULL), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(b[i].addr - 0x10400000, a[i].addr);
	assert_int_equal(a[1].addr, 0);
	assert_int_equal(a[0].addr, 2 * MiB);
	assert_int_equal(a[2].addr, 2 * MiB + 16 * KiB);
}

static void test_bridge_span(void **state)
{
	struct pci_alloc_req r[3];
	u64 size, align;

	(void)state;
	req(&r[0], 1 * MiB, 1 * MiB);
	req(&r[1], 4 * KiB, 4 * KiB);
	pci_alloc_span(r, 2, PCI_MEMORY_WINDOW_ALIGN, &size, &align);
	assert_int_equal(size, 2 * MiB);
	assert_int_equal(align, 1 * MiB);

	req(&r[0], 16 * KiB, 16 * KiB);
	pci_alloc_span(r, 1, PCI_MEMORY_WINDOW_ALIGN, &size, &align);
	assert_int_equal(size, 1 * MiB);
	assert_int_equal(align, 1 * MiB);

	req(&r[0], 4 * MiB, 4 * MiB);
	req(&r[1], 16, 16);
	pci_alloc_span(r, 2, PCI_MEMORY_WINDOW_ALIGN, &size, &align);
	assert_int_equal(size, 5 * MiB);
	assert_int_equal(align, 4 * MiB);

	req(&r[0], 32, 32);
	req(&r[1], 256, 256);
	pci_alloc_span(r, 2, PCI_IO_WINDOW_ALIGN, &size, &align);
	assert_int_equal(size, 4 * KiB);
	assert_int_equal(align, 4 * KiB);

	pci_alloc_span(r, 0, PCI_IO_WINDOW_ALIGN, &size, &align);
	assert_int_equal(size, 0);
	assert_int_equal(align, 0);
}

/* ---- bridge window registers --------------------------------------------------- */

static void test_bridge_encode(void **state)
{
	struct pci_bridge_regs r;
	u64 base[PCI_NR_CLASSES], size[PCI_NR_CLASSES];

	(void)state;
	base[PCI_CLASS_IO] = 0x1000;
	size[PCI_CLASS_IO] = 0x1000;
	base[PCI_CLASS_MEM] = 0x10400000;
	size[PCI_CLASS_MEM] = 3 * MiB;
	base[PCI_CLASS_PREF] = 0x8000100000ULL;
	size[PCI_CLASS_PREF] = 1 * MiB;
	memset(&r, 0xa5, sizeof(r));
	pci_bridge_encode(base, size, &r);
	assert_int_equal(r.io_base, 0x10);
	assert_int_equal(r.io_limit, 0x10);
	assert_int_equal(r.io_upper, 0);
	/* base 0x104 and limit 0x106 in bits 15:4 of each half */
	assert_int_equal(r.mem, 0x10601040);
	assert_int_equal(r.pref, 0x00100010);
	assert_int_equal(r.pref_base_upper, 0x80);
	assert_int_equal(r.pref_limit_upper, 0x80);

	/* I/O above 64 KiB uses the upper 16 bits */
	base[PCI_CLASS_IO] = 0x12000;
	size[PCI_CLASS_IO] = 0x2000;
	pci_bridge_encode(base, size, &r);
	assert_int_equal(r.io_base, 0x20);
	assert_int_equal(r.io_limit, 0x30);
	assert_int_equal(r.io_upper, 0x00010001);

	/* closed windows: base above limit */
	size[PCI_CLASS_IO] = size[PCI_CLASS_MEM] = size[PCI_CLASS_PREF] = 0;
	memset(&r, 0xa5, sizeof(r));
	pci_bridge_encode(base, size, &r);
	assert_int_equal(r.io_base, 0xf0);
	assert_int_equal(r.io_limit, 0x00);
	assert_int_equal(r.io_upper, 0);
	assert_int_equal(r.mem, 0x0000fff0);
	assert_int_equal(r.pref, 0x0000fff0);
	assert_int_equal(r.pref_base_upper, 0);
	assert_int_equal(r.pref_limit_upper, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bar_decode),
		cmocka_unit_test(test_bar_class),
		cmocka_unit_test(test_host_window_choice),
		cmocka_unit_test(test_place_natural_alignment),
		cmocka_unit_test(test_place_full_window),
		cmocka_unit_test(test_place_deterministic),
		cmocka_unit_test(test_bridge_span),
		cmocka_unit_test(test_bridge_encode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
