/*
 * Host tests for drivers/pci/pci_dt.c on tests/fixtures/dt/pci-host.dts
 * (QEMU virt's pcie node and hosts with offsets, masks and 0-cell
 * interrupt parents) and pci-bad.dts (one broken rule per node).
 *
 * Every decoded field a case is about is compared exactly, and every
 * report by its exact path and message, in order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <drivers/pci_regs.h>
#include "pci_dt.h"

#ifndef FIXTURE_DIR
#error "FIXTURE_DIR must name the directory holding the compiled fixtures"
#endif

#define DEVFN(d, f) ((u8)((d) << 3 | (f)))

struct fx {
	void *good, *bad;
	struct pci_host_dt h;
	struct fixture_msgs m;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->good = fixture_load("pci-host", 0, NULL);
	f->bad = fixture_load("pci-bad", 0, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	free(f->good);
	free(f->bad);
	free(f);
	return 0;
}

static int node_of(const void *fdt, const char *path)
{
	int node = fdt_path_offset(fdt, path);

	if (node < 0)
		fail_msg("fixture has no node %s", path);
	return node;
}

/*
 * Parse @path of @fdt as host @index; expect return @want and exactly the
 * reports in @msgs (NULL-terminated list of messages, all about @path).
 */
static const struct pci_host_dt *parse(struct fx *f, const void *fdt, const char *path,
				       unsigned int index, int want, const char *const *msgs)
{
	int ret, i, n = 0;

	while (msgs && msgs[n])
		n++;
	memset(&f->m, 0, sizeof(f->m));
	memset(&f->h, 0xa5, sizeof(f->h));
	ret = pci_dt_parse_host(fdt, node_of(fdt, path), index, &f->h, fixture_record, &f->m);
	for (i = 0; i < f->m.n || i < n; i++) {
		if (i < f->m.n && i < n && !strcmp(f->m.path[i], path) &&
		    !strcmp(f->m.msg[i], msgs[i]))
			continue;
		print_error("%s report %d:\n  got:  %s | %s\n  want: %s | %s\n", path, i,
			    i < f->m.n ? f->m.path[i] : "(none)", i < f->m.n ? f->m.msg[i] : "",
			    i < n ? path : "(none)", i < n ? msgs[i] : "");
		fail();
	}
	assert_int_equal(ret, want);
	return &f->h;
}

static void assert_window(const struct pci_host_dt *h, unsigned int i, unsigned int space,
			  bool pref, u64 pci, u64 cpu, u64 size)
{
	assert_true(i < h->nr_windows);
	assert_int_equal(h->win[i].space, space);
	assert_int_equal(h->win[i].prefetch, pref);
	assert_int_equal(h->win[i].pci_addr, pci);
	assert_int_equal(h->win[i].cpu_addr, cpu);
	assert_int_equal(h->win[i].size, size);
}

/* ---- host decoding -------------------------------------------------------- */

static void test_qemu_virt(void **state)
{
	struct fx *f = *state;
	const struct pci_host_dt *h = parse(f, f->good, "/pcie@10000000", 3, 0, NULL);

	assert_int_equal(h->node, node_of(f->good, "/pcie@10000000"));
	assert_int_equal(h->domain, 0); /* linux,pci-domain beats the index */
	assert_int_equal(h->ecam_base, 0x4010000000ULL);
	assert_int_equal(h->ecam_size, 0x10000000);
	assert_int_equal(h->bus_start, 0);
	assert_int_equal(h->bus_end, 0xff);
	assert_int_equal(h->nr_windows, 3);
	assert_window(h, 0, PCI_DT_SPACE_IO, false, 0x0, 0x3eff0000, 0x10000);
	assert_window(h, 1, PCI_DT_SPACE_MEM32, false, 0x10000000, 0x10000000, 0x2eff0000);
	assert_window(h, 2, PCI_DT_SPACE_MEM64, false, 0x8000000000ULL, 0x8000000000ULL,
		      0x8000000000ULL);
	assert_true(h->has_imap);
	assert_int_equal(h->imap_cells, 16 * 10);
	assert_int_equal(h->imap_mask[0], 0x1800);
	assert_int_equal(h->imap_mask[1], 0);
	assert_int_equal(h->imap_mask[2], 0);
	assert_int_equal(h->imap_mask[3], 7);
	assert_true(h->has_iommu_map);
	assert_int_equal(h->iommu_map_entries, 1);
	assert_int_equal(h->iommu_map_mask, 0xffffffff);
}

/* Windows and ECAM translated through /soc's ranges (child 0 -> CPU 4 GiB). */
static void test_behind_bus(void **state)
{
	struct fx *f = *state;
	const struct pci_host_dt *h = parse(f, f->good, "/soc/pcie@0", 1, 0, NULL);

	assert_int_equal(h->domain, 2);
	assert_int_equal(h->ecam_base, 0x100000000ULL);
	assert_int_equal(h->ecam_size, 4 << 20);
	assert_int_equal(h->bus_start, 0x10);
	assert_int_equal(h->bus_end, 0x13);
	assert_int_equal(h->nr_windows, 3);
	assert_window(h, 0, PCI_DT_SPACE_MEM32, false, 0x40000000, 0x140000000ULL, 0x10000000);
	assert_window(h, 1, PCI_DT_SPACE_MEM32, true, 0x50000000, 0x150000000ULL, 0x8000000);
	assert_window(h, 2, PCI_DT_SPACE_MEM64, true, 0x100000000ULL, 0x160000000ULL, 0x10000000);
	assert_int_equal(h->iommu_map_mask, 0xfff8);
	assert_int_equal(h->iommu_map_entries, 2);
}

static void test_domain_default_and_cut_buses(void **state)
{
	static const char *const msgs[] = {
		"reg: ECAM window of 0x200000 bytes covers 2 buses, bus-range 0x00-0xff needs 256; buses cut to 0x00-0x01",
		NULL,
	};
	struct fx *f = *state;
	const struct pci_host_dt *h = parse(f, f->good, "/pcie-bare", 5, 0, msgs);

	assert_int_equal(h->domain, 5);
	assert_int_equal(h->bus_start, 0);
	assert_int_equal(h->bus_end, 1);
	assert_int_equal(h->ecam_size, 2 << 20);
	assert_false(h->has_imap);
	assert_false(h->has_iommu_map);
}

/* ---- interrupt-map --------------------------------------------------------- */

static void assert_gic_spi(const struct fx *f, const struct irq_dt_spec *s, u32 spi)
{
	assert_int_equal(s->ctrl, fdt_path_offset(f->good, "/intc@8000000"));
	assert_int_equal(s->ncells, 3);
	assert_int_equal(s->cells[0], 0);
	assert_int_equal(s->cells[1], spi);
	assert_int_equal(s->cells[2], 4);
	assert_int_equal(s->cells[3], 0);
}

/* QEMU virt: slot (dev & 3) and pin rotate over SPIs 3..6 (hw/arm/virt.c). */
static void test_intx_root_bus(void **state)
{
	struct fx *f = *state;
	const struct pci_host_dt *h = parse(f, f->good, "/pcie@10000000", 0, 0, NULL);
	struct irq_dt_spec s;
	unsigned int dev, pin, fn;
	u8 devfn, root_pin;

	for (dev = 0; dev <= PCI_MAX_DEV; dev++) {
		for (pin = 1; pin <= 4; pin++) {
			fn = dev % 8; /* the function number is masked off */
			devfn = DEVFN(dev, fn);
			memset(&s, 0x5a, sizeof(s));
			assert_int_equal(pci_dt_intx(h, 0, &devfn, 0, (u8)pin, &s, &root_pin), 0);
			assert_int_equal(root_pin, pin);
			assert_gic_spi(f, &s, 3 + (dev + pin - 1) % 4);
		}
	}
	/* edu at 00:02.0 INTA, as QEMU wires it. */
	devfn = DEVFN(2, 0);
	assert_int_equal(pci_dt_intx(h, 0, &devfn, 0, 1, &s, NULL), 0);
	assert_gic_spi(f, &s, 5);
}

/* PCI-to-PCI Bridge Spec 1.2, table 9-1. */
static void test_swizzle_table(void **state)
{
	static const u8 want[4][4] = {
		/* INTA INTB INTC INTD on the secondary side, device 0..3 */
		{ 1, 2, 3, 4 },
		{ 2, 3, 4, 1 },
		{ 3, 4, 1, 2 },
		{ 4, 1, 2, 3 },
	};
	unsigned int dev, pin;

	(void)state;
	for (dev = 0; dev < 32; dev++)
		for (pin = 1; pin <= 4; pin++)
			assert_int_equal(pci_swizzle_pin((u8)pin, (u8)dev), want[dev % 4][pin - 1]);
}

static void test_intx_behind_bridges(void **state)
{
	struct fx *f = *state;
	const struct pci_host_dt *h = parse(f, f->good, "/pcie@10000000", 0, 0, NULL);
	struct irq_dt_spec s;
	u8 root_pin;

	/* 03:01.0 INTA behind 00:09.0 -> INTB at slot 9 (9 & 3 = 1) -> SPI 5 */
	{
		const u8 path[] = { DEVFN(1, 0), DEVFN(9, 0) };

		assert_int_equal(pci_dt_intx(h, 0, path, 1, 1, &s, &root_pin), 0);
		assert_int_equal(root_pin, 2);
		assert_gic_spi(f, &s, 5);
	}
	/* 03:03.0 INTA behind 00:09.0 -> INTD at slot 1 -> SPI 3 */
	{
		const u8 path[] = { DEVFN(3, 0), DEVFN(9, 0) };

		assert_int_equal(pci_dt_intx(h, 0, path, 1, 1, &s, &root_pin), 0);
		assert_int_equal(root_pin, 4);
		assert_gic_spi(f, &s, 3);
	}
	/*
	 * 05:02.0 INTC behind 04:03.0 behind 00:01.0: INTC at dev 2 -> INTA,
	 * INTA at dev 3 -> INTD, then slot 1 INTD -> SPI 3.
	 */
	{
		const u8 path[] = { DEVFN(2, 0), DEVFN(3, 0), DEVFN(1, 0) };

		assert_int_equal(pci_dt_intx(h, 0, path, 2, 3, &s, &root_pin), 0);
		assert_int_equal(root_pin, 4);
		assert_gic_spi(f, &s, 3);
	}
	/* the function's own slot does not matter once swizzled: only the root devfn */
	{
		const u8 path[] = { DEVFN(0, 0), DEVFN(2, 0) };

		assert_int_equal(pci_dt_intx(h, 0, path, 1, 2, &s, &root_pin), 0);
		assert_int_equal(root_pin, 2);
		assert_gic_spi(f, &s, 3 + (2 + 2 - 1) % 4);
	}
}

/*
 * /soc/pcie@0: mask <0xf800 0 0 0> (device number only), parents with
 * 0 and 2 address cells and 2 and 3 interrupt cells.
 */
static void test_intx_masks_and_parents(void **state)
{
	struct fx *f = *state;
	const struct pci_host_dt *h = parse(f, f->good, "/soc/pcie@0", 0, 0, NULL);
	int pic = node_of(f->good, "/soc/pic@7000");
	struct irq_dt_spec s;
	unsigned int pin;
	u8 devfn;

	for (pin = 1; pin <= 4; pin++) {
		devfn = DEVFN(0, 3);
		assert_int_equal(pci_dt_intx(h, 0x10, &devfn, 0, (u8)pin, &s, NULL), 0);
		assert_int_equal(s.ctrl, pic);
		assert_int_equal(s.ncells, 2);
		assert_int_equal(s.cells[0], 40);
		assert_int_equal(s.cells[1], 1);

		devfn = DEVFN(1, 0);
		assert_int_equal(pci_dt_intx(h, 0x12, &devfn, 0, (u8)pin, &s, NULL), 0);
		assert_int_equal(s.ctrl, pic);
		assert_int_equal(s.cells[0], 41);
		assert_int_equal(s.cells[1], 4);

		/* third entry: after two 7-cell entries, a 10-cell one */
		devfn = DEVFN(2, 7);
		assert_int_equal(pci_dt_intx(h, 0x10, &devfn, 0, (u8)pin, &s, NULL), 0);
		assert_gic_spi(f, &s, 99);

		devfn = DEVFN(3, 0);
		assert_int_equal(pci_dt_intx(h, 0x10, &devfn, 0, (u8)pin, &s, NULL), -ENXIO);
	}
}

static void test_intx_errors(void **state)
{
	struct fx *f = *state;
	const struct pci_host_dt *h = parse(f, f->good, "/pcie@10000000", 0, 0, NULL);
	struct irq_dt_spec s;
	u8 devfn = DEVFN(1, 0), root_pin = 0;

	assert_int_equal(pci_dt_intx(h, 0, &devfn, 0, 0, &s, NULL), -EINVAL);
	assert_int_equal(pci_dt_intx(h, 0, &devfn, 0, 5, &s, NULL), -EINVAL);

	h = parse(f, f->good, "/pcie-off-iommu", 0, 0, NULL);
	assert_false(h->has_imap);
	assert_int_equal(pci_dt_intx(h, 0, &devfn, 0, 1, &s, &root_pin), -ENOENT);
	assert_int_equal(root_pin, 1);
}

/* ---- iommu-map ------------------------------------------------------------- */

static void test_iommu_identity(void **state)
{
	static const u16 rids[] = { 0x0000, 0x0008, 0x0010, 0x0318, 0x0100, 0xffff };
	struct fx *f = *state;
	const struct pci_host_dt *h = parse(f, f->good, "/pcie@10000000", 0, 0, NULL);
	unsigned int i;
	int iommu;
	u32 sid;

	for (i = 0; i < sizeof(rids) / sizeof(rids[0]); i++) {
		sid = 0xdead;
		iommu = -1;
		assert_int_equal(pci_dt_rid_to_sid(h, rids[i], &sid, &iommu), 0);
		assert_int_equal(sid, rids[i]);
		assert_int_equal(iommu, node_of(f->good, "/smmuv3@9050000"));
	}
}

static void test_iommu_mask_and_offsets(void **state)
{
	static const struct {
		u16 rid;
		int ret;
		u32 sid;
		const char *iommu;
	} cases[] = {
		{ 0x1000, 0, 0x20000, "/soc/iommu@8000" },
		{ 0x100a, 0, 0x20008, "/soc/iommu@8000" },	/* fn 2 masked off */
		{ 0x10ff, 0, 0x200f8, "/soc/iommu@8000" },
		{ 0x1109, 0, 0x8, "/smmuv3@9050000" },		/* second entry */
		{ 0x110f, 0, 0x8, "/smmuv3@9050000" },
		{ 0x1110, -ERANGE, 0, NULL },			/* past the second entry */
		{ 0x0fff, -ERANGE, 0, NULL },			/* below the first */
		{ 0x1200, -ERANGE, 0, NULL },
	};
	struct fx *f = *state;
	const struct pci_host_dt *h = parse(f, f->good, "/soc/pcie@0", 0, 0, NULL);
	unsigned int i;
	int iommu;
	u32 sid;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sid = 0xdead;
		iommu = -1;
		assert_int_equal(pci_dt_rid_to_sid(h, cases[i].rid, &sid, &iommu), cases[i].ret);
		if (cases[i].ret)
			continue;
		assert_int_equal(sid, cases[i].sid);
		assert_int_equal(iommu, node_of(f->good, cases[i].iommu));
	}
}

static void test_iommu_absent_or_disabled(void **state)
{
	struct fx *f = *state;
	const struct pci_host_dt *h;
	int iommu;
	u32 sid;

	h = parse(f, f->good, "/pcie-off-iommu", 0, 0, NULL);
	assert_int_equal(pci_dt_rid_to_sid(h, 0x8, &sid, &iommu), -ENODEV);
	h = parse(f, f->good, "/pcie-bare", 0, 0,
		  (const char *const[]){ "reg: ECAM window of 0x200000 bytes covers 2 buses, bus-range 0x00-0xff needs 256; buses cut to 0x00-0x01",
					 NULL });
	assert_int_equal(pci_dt_rid_to_sid(h, 0x8, &sid, &iommu), -ENOENT);
}

/* ---- malformed hosts -------------------------------------------------------- */

static void test_unusable_hosts(void **state)
{
	static const struct {
		const char *path, *msg;
	} cases[] = {
		{ "/two-cells", "#address-cells must be 3 and #size-cells 1 or 2 (got 2, 2)" },
		{ "/no-ranges", "ranges is missing: no window for BARs" },
		{ "/ranges-len", "ranges is 24 bytes, not a multiple of 7 cells (pci 3 + cpu 2 + size 2)" },
		{ "/bus-range-order", "bus-range <0x10 0x5> is not a range inside 0x00..0xff" },
		{ "/bus-range-len", "bus-range is 12 bytes, not 2 cells" },
		{ "/bus-range-big", "bus-range <0x0 0x100> is not a range inside 0x00..0xff" },
		{ "/ecam-tiny", "reg: ECAM window of 0x80000 bytes is smaller than one bus (1 MiB)" },
		{ "/no-reg", "reg: cannot decode the ECAM window (error -2)" },
	};
	struct fx *f = *state;
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *const msgs[] = { cases[i].msg, NULL };

		parse(f, f->bad, cases[i].path, 0, -EINVAL, msgs);
	}
}

static void test_bad_ranges_entries(void **state)
{
	static const char *const msgs[] = {
		"linux,pci-domain is not one cell up to 0xffff; domain 7 used",
		"ranges entry 0: configuration space is not a window; dropped",
		"ranges entry 1 (mem32): zero size; dropped",
		"ranges entry 2 (mem32): bus addresses 0xfff00000..0x1000fffff reach past 4 GiB; dropped",
		"ranges entry 3 (io): bus addresses 0xffff0000..0x10000ffff reach past 4 GiB; dropped",
		"ranges entry 4 (mem64): wraps past 2^64; dropped",
		NULL,
	};
	static const char *const untranslated[] = {
		"ranges entry 1 (mem32): CPU address 0x60000000 is not translated by the parent buses (error -34); dropped",
		NULL,
	};
	struct fx *f = *state;
	const struct pci_host_dt *h = parse(f, f->bad, "/bad-entries", 7, 0, msgs);

	assert_int_equal(h->domain, 7);
	assert_int_equal(h->nr_windows, 1);
	assert_window(h, 0, PCI_DT_SPACE_MEM32, false, 0x10000000, 0x10000000, 0x1000000);

	h = parse(f, f->bad, "/untranslated/pcie@0", 0, 0, untranslated);
	assert_int_equal(h->nr_windows, 1);
	assert_window(h, 0, PCI_DT_SPACE_MEM32, false, 0x10000000, 0x10000000, 0x1000000);
}

static void test_bad_interrupt_map(void **state)
{
	static const struct {
		const char *path, *msg;
	} cases[] = {
		{ "/imap-phandle", "interrupt-map entry 1: phandle 0x4242 names no node; INTx not routed" },
		{ "/imap-nexus", "interrupt-map entry 0: /nexus is not an interrupt-controller (nested interrupt nexus not supported); INTx not routed" },
		{ "/imap-nocells", "interrupt-map entry 0: /pic-nocells has no #interrupt-cells, or it is above 4; INTx not routed" },
		{ "/imap-truncated", "interrupt-map entry 1 is truncated; INTx not routed" },
		{ "/imap-mask-len", "interrupt-map-mask is 12 bytes, not 4 cells; INTx not routed" },
		{ "/imap-intcells", "#interrupt-cells must be 1 (the INTx pin) for interrupt-map; INTx not routed" },
	};
	struct fx *f = *state;
	const struct pci_host_dt *h;
	struct irq_dt_spec s;
	unsigned int i;
	u8 devfn = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *const msgs[] = { cases[i].msg, NULL };

		h = parse(f, f->bad, cases[i].path, 0, 0, msgs);
		assert_false(h->has_imap);
		assert_int_equal(pci_dt_intx(h, 0, &devfn, 0, 1, &s, NULL), -ENOENT);
	}
}

static void test_bad_iommu_map(void **state)
{
	static const struct {
		const char *path, *msg;
	} cases[] = {
		{ "/iommu-len", "iommu-map is 12 bytes, not a list of <rid-base iommu iommu-base length>; no function gets DMA" },
		{ "/iommu-mask-ignores-base", "iommu-map entry 1: iommu-map-mask 0xff00 ignores bits of rid-base 0x108; no function gets DMA" },
		{ "/iommu-phandle", "iommu-map entry 0: phandle 0x4343 names no node; no function gets DMA" },
		{ "/iommu-cells", "iommu-map entry 0: /smmu@9070000 must have #iommu-cells = <1>; no function gets DMA" },
		{ "/iommu-zero-len", "iommu-map entry 0: length 0x0 from rid-base 0x0 is empty or wraps; no function gets DMA" },
	};
	struct fx *f = *state;
	const struct pci_host_dt *h;
	unsigned int i;
	int iommu;
	u32 sid;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *const msgs[] = { cases[i].msg, NULL };

		h = parse(f, f->bad, cases[i].path, 0, 0, msgs);
		assert_true(h->has_iommu_map);
		assert_int_equal(h->iommu_map_entries, 0);
		/* RID 0 is inside the first entry of each: the whole map is refused. */
		assert_int_equal(pci_dt_rid_to_sid(h, 0, &sid, &iommu), -ERANGE);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_qemu_virt),
		T(test_behind_bus),
		T(test_domain_default_and_cut_buses),
		T(test_intx_root_bus),
		T(test_swizzle_table),
		T(test_intx_behind_bridges),
		T(test_intx_masks_and_parents),
		T(test_intx_errors),
		T(test_iommu_identity),
		T(test_iommu_mask_and_offsets),
		T(test_iommu_absent_or_disabled),
		T(test_unusable_hosts),
		T(test_bad_ranges_entries),
		T(test_bad_interrupt_map),
		T(test_bad_iommu_map),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
