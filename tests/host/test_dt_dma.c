/*
 * Host tests for mm/dt_dma.c on tests/fixtures/dt/rmem-dma.dts (and
 * rmem-good.dts): coherency inheritance and override, nested dma-ranges
 * with offsets, clipping and limits, malformed dma-ranges, memory-region
 * resolution and each way it can fail, and the address helpers.
 *
 * Every field of struct dt_dma_info a case is about is compared exactly,
 * and every report by its exact path and message.
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

#include <dt.h>
#include <mm/dt_dma.h>
#include <mm/memmap.h>

#ifndef FIXTURE_DIR
#error "FIXTURE_DIR must name the directory holding the compiled fixtures"
#endif

#define SENTINEL 0x5a5a5a5a5a5a5a5aULL

struct fixture {
	void *fdt;
	struct memmap mm;
	struct dt_dma_info info;
	struct fixture_msgs m;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct fixture_msgs m = { 0 };

	assert_non_null(f);
	f->fdt = fixture_load("rmem-dma", 0, NULL);
	/* One problem in the fixture's /reserved-memory, on purpose. */
	assert_int_equal(memmap_parse(f->fdt, NULL, &f->mm, fixture_record, &m), 1);
	assert_string_equal(m.path[0], "/reserved-memory/bad@52000000");
	assert_string_equal(m.msg[0], "reg entry 0 has zero size; entry dropped");
	assert_int_equal(f->mm.nr_rmem, 2);
	assert_string_equal(f->mm.rmem[0].name, "pool@50000000");
	assert_string_equal(f->mm.rmem[1].name, "restricted@51000000");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->fdt);
	free(f);
	return 0;
}

/*
 * Configure @path; expect @nmsgs reports equal to @msgs (pairs of path,
 * message). Returns the info.
 */
static const struct dt_dma_info *cfg(struct fixture *f, const char *path,
				     int nmsgs, const char *const *msgs)
{
	int node = fdt_path_offset(f->fdt, path), i, ret;

	if (node < 0)
		fail_msg("fixture has no node %s", path);
	memset(&f->m, 0, sizeof(f->m));
	memset(&f->info, 0xa5, sizeof(f->info));
	ret = dt_dma_configure(f->fdt, node, &f->mm, &f->info, fixture_record, &f->m);
	for (i = 0; i < f->m.n || i < nmsgs; i++) {
		if (i < f->m.n && i < nmsgs && !strcmp(f->m.path[i], msgs[2 * i]) &&
		    !strcmp(f->m.msg[i], msgs[2 * i + 1]))
			continue;
		print_error("%s report %d:\n  got:  %s | %s\n  want: %s | %s\n", path,
			    i, i < f->m.n ? f->m.path[i] : "(none)",
			    i < f->m.n ? f->m.msg[i] : "",
			    i < nmsgs ? msgs[2 * i] : "(none)",
			    i < nmsgs ? msgs[2 * i + 1] : "");
		fail();
	}
	assert_int_equal(ret, nmsgs);
	/* Defaults that no case here changes. */
	assert_int_equal(f->info.dma_mask, 0xffffffffULL);
	assert_int_equal(f->info.coherent_dma_mask, 0xffffffffULL);
	return &f->info;
}

static void assert_no_map(const struct dt_dma_info *info)
{
	assert_int_equal(info->nr_ranges, 0);
	assert_int_equal(info->bus_dma_limit, DT_DMA_NO_LIMIT);
}

static void assert_range(const struct dt_dma_info *info, int i, u64 dma,
			 u64 cpu, u64 size)
{
	assert_true(i < info->nr_ranges);
	assert_int_equal(info->range[i].dma_start, dma);
	assert_int_equal(info->range[i].cpu_start, cpu);
	assert_int_equal(info->range[i].size, size);
}

/* ---- coherency ----------------------------------------------------------- */

static void test_plain(void **state)
{
	const struct dt_dma_info *i = cfg(*state, "/plain", 0, NULL);

	assert_false(i->coherent);
	assert_no_map(i);
	assert_int_equal(i->nr_regions, 0);
	assert_int_equal(i->restricted, -1);
}

static void test_coherent_inherited(void **state)
{
	assert_true(cfg(*state, "/coh-bus/dev", 0, NULL)->coherent);
	assert_true(cfg(*state, "/coh-bus", 0, NULL)->coherent);
}

static void test_noncoherent_override(void **state)
{
	assert_false(cfg(*state, "/coh-bus/nc", 0, NULL)->coherent);
	/* nearer dma-noncoherent on sub-bus beats dma-coherent on coh-bus */
	assert_false(cfg(*state, "/coh-bus/sub-bus/leaf", 0, NULL)->coherent);
	/* and the node's own dma-coherent beats sub-bus */
	assert_true(cfg(*state, "/coh-bus/sub-bus/leafc", 0, NULL)->coherent);
}

/* ---- dma-ranges ---------------------------------------------------------- */

static void test_offset_bus(void **state)
{
	const struct dt_dma_info *i = cfg(*state, "/off-bus/dev", 0, NULL);

	assert_int_equal(i->nr_ranges, 1);
	assert_range(i, 0, 0x0, 0x40000000, 0x20000000);
	assert_int_equal(i->bus_dma_limit, 0x1fffffff);
	assert_false(i->coherent);
}

/* The bus's own dma-ranges describes its children, not the bus. */
static void test_bus_itself(void **state)
{
	assert_no_map(cfg(*state, "/off-bus", 0, NULL));
}

static void test_nested(void **state)
{
	const struct dt_dma_info *i = cfg(*state, "/off-bus/inner/dev2", 0, NULL);

	/* 0x80000000 -> off-bus 0x0 -> CPU 0x40000000 */
	assert_int_equal(i->nr_ranges, 1);
	assert_range(i, 0, 0x80000000, 0x40000000, 0x10000000);
	assert_int_equal(i->bus_dma_limit, 0x8fffffff);
}

static void test_empty_skipped(void **state)
{
	const struct dt_dma_info *i =
		cfg(*state, "/off-bus/empty-inner/dev4", 0, NULL);

	assert_int_equal(i->nr_ranges, 1);
	assert_range(i, 0, 0x0, 0x40000000, 0x20000000);
}

static void test_clipped(void **state)
{
	const struct dt_dma_info *i = cfg(*state, "/off-bus/partial/dev5", 0, NULL);

	/* 32 MiB at off-bus 0x1f000000, but off-bus reaches 0x1fffffff */
	assert_int_equal(i->nr_ranges, 1);
	assert_range(i, 0, 0x1000, 0x5f000000, 0x1000000);
	assert_int_equal(i->bus_dma_limit, 0x1000fff);
}

static void test_unreachable_entry(void **state)
{
	static const char *const msgs[] = {
		"/off-bus/miss",
		"dma-ranges entry 0: CPU side is outside the dma-ranges of /off-bus; dropped",
	};
	const struct dt_dma_info *i = cfg(*state, "/off-bus/miss/dev6", 1, msgs);

	assert_int_equal(i->nr_ranges, 1);
	assert_range(i, 0, 0x10000000, 0x40000000, 0x1000);
	assert_int_equal(i->bus_dma_limit, 0x10000fff);
}

static void test_bad_ranges(void **state)
{
	static const char *const badlen[] = {
		"/bad-bus",
		"dma-ranges is not a multiple of 6 cells (child 2 + parent 2 + size 2)",
	};
	static const char *const zero[] = {
		"/zero-bus", "dma-ranges entry 0 has zero size; dropped",
	};
	static const char *const pci[] = {
		"/pci-bus", "3-cell (PCI) dma-ranges are not supported",
	};

	assert_no_map(cfg(*state, "/bad-bus/dev7", 1, badlen));
	assert_no_map(cfg(*state, "/zero-bus/dev8", 1, zero));
	assert_no_map(cfg(*state, "/pci-bus/dev9", 1, pci));
}

/* ---- memory-region ------------------------------------------------------- */

static void test_regions(void **state)
{
	const struct dt_dma_info *i = cfg(*state, "/coh-bus/dev", 0, NULL);

	assert_int_equal(i->nr_regions, 2);
	assert_int_equal(i->region[0].rmem, 0);
	assert_string_equal(i->region[0].name, "pool");
	assert_int_equal(i->region[1].rmem, 1);
	assert_string_equal(i->region[1].name, "bounce");
	assert_int_equal(i->restricted, 1);
}

static void test_region_errors(void **state)
{
	static const char *const badph[] = {
		"/refs/badph", "memory-region[0]: phandle 0x7777 names no node",
	};
	static const char *const notrmem[] = {
		"/refs/notrmem",
		"memory-region[0]: /coh-bus is not a /reserved-memory region",
	};
	static const char *const dropped[] = {
		"/refs/dropped",
		"memory-region[0]: /reserved-memory/bad@52000000 was dropped as invalid",
	};
	static const char *const disabled[] = {
		"/refs/disabled",
		"memory-region[0]: /reserved-memory/off@53000000 is disabled",
	};
	static const char *const badlen[] = {
		"/refs/badlen", "memory-region is not a non-empty list of phandles",
	};
	const struct dt_dma_info *i;

	i = cfg(*state, "/refs/badph", 1, badph);
	assert_int_equal(i->nr_regions, 1);
	assert_int_equal(i->region[0].rmem, -1);
	assert_int_equal(i->restricted, -1);
	assert_int_equal(cfg(*state, "/refs/notrmem", 1, notrmem)->region[0].rmem, -1);
	assert_int_equal(cfg(*state, "/refs/dropped", 1, dropped)->region[0].rmem, -1);
	assert_int_equal(cfg(*state, "/refs/disabled", 1, disabled)->region[0].rmem, -1);
	assert_int_equal(cfg(*state, "/refs/badlen", 1, badlen)->nr_regions, 0);
}

static void test_region_limits(void **state)
{
	static const char *const toomany[] = {
		"/refs/toomany",
		"memory-region has 5 entries, more than 4; the rest ignored",
	};
	static const char *const names[] = {
		"/refs/names",
		"memory-region-names has 1 names for 2 memory-region entries",
	};
	const struct dt_dma_info *i;
	int k;

	i = cfg(*state, "/refs/toomany", 1, toomany);
	assert_int_equal(i->nr_regions, DT_DMA_MAX_REGIONS);
	for (k = 0; k < DT_DMA_MAX_REGIONS; k++) {
		assert_int_equal(i->region[k].rmem, 0);
		assert_string_equal(i->region[k].name, "");
	}

	i = cfg(*state, "/refs/names", 1, names);
	assert_int_equal(i->nr_regions, 2);
	assert_string_equal(i->region[0].name, "a");
	assert_string_equal(i->region[1].name, "");
	assert_int_equal(i->region[1].rmem, 1);
	assert_int_equal(i->restricted, 1);
}

/* Without a memory map, memory-region is not looked at. */
static void test_no_memmap(void **state)
{
	struct fixture *f = *state;
	struct dt_dma_info info;

	assert_int_equal(dt_dma_configure(f->fdt, fdt_path_offset(f->fdt, "/refs/badph"),
					  NULL, &info, NULL, NULL), 0);
	assert_int_equal(info.nr_regions, 0);
}

static void test_bad_node(void **state)
{
	static const char *const msgs[] = { "", "dt_dma_configure: not a node offset" };
	struct fixture *f = *state;
	int i;

	memset(&f->m, 0, sizeof(f->m));
	assert_int_equal(dt_dma_configure(f->fdt, -1, &f->mm, &f->info, fixture_record, &f->m), 1);
	assert_int_equal(f->m.n, 1);
	for (i = 0; i < 2; i++)
		assert_string_equal(i ? f->m.msg[0] : f->m.path[0], msgs[i]);
	assert_no_map(&f->info);
	assert_false(f->info.coherent);
}

/* rmem-good: the CMA default pool by phandle, and clean reports. */
static void test_good_fixture(void **state)
{
	struct memmap mm;
	struct dt_dma_info info;
	void *fdt = fixture_load("rmem-good", 0, NULL);

	(void)state;
	assert_int_equal(memmap_parse(fdt, NULL, &mm, NULL, NULL), 0);
	assert_int_equal(dt_dma_configure(fdt, fdt_path_offset(fdt, "/dev2"), &mm,
					  &info, NULL, NULL), 0);
	assert_int_equal(info.nr_regions, 1);
	assert_int_equal(info.region[0].rmem, 2);
	assert_true(mm.rmem[info.region[0].rmem].flags & RMEM_CMA_DEFAULT);
	assert_int_equal(info.restricted, -1);
	assert_int_equal(dt_dma_configure(fdt, fdt_path_offset(fdt, "/dev"), &mm,
					  &info, NULL, NULL), 0);
	assert_int_equal(info.region[1].rmem, 4);
	assert_int_equal(info.restricted, 1);
	free(fdt);
}

/* ---- address helpers ----------------------------------------------------- */

static void test_phys_to_dma(void **state)
{
	const struct dt_dma_info *i = cfg(*state, "/off-bus/inner/dev2", 0, NULL);
	dma_addr_t d = SENTINEL;
	phys_addr_t p = SENTINEL;

	assert_int_equal(dt_dma_phys_to_dma(i, 0x40000000, 0x1000, &d), 0);
	assert_int_equal(d, 0x80000000);
	assert_int_equal(dt_dma_phys_to_dma(i, 0x4fffffff, 0, &d), 0);
	assert_int_equal(d, 0x8fffffff);
	assert_int_equal(dt_dma_phys_to_dma(i, 0x40000000, 0x10000000, &d), 0);
	assert_int_equal(d, 0x80000000);
	d = SENTINEL;
	/* crosses the window's end, below it, above it */
	assert_int_equal(dt_dma_phys_to_dma(i, 0x4ffff000, 0x2000, &d), -ERANGE);
	assert_int_equal(dt_dma_phys_to_dma(i, 0x3fffffff, 1, &d), -ERANGE);
	assert_int_equal(dt_dma_phys_to_dma(i, 0x50000000, 1, &d), -ERANGE);
	assert_int_equal(d, SENTINEL);

	assert_int_equal(dt_dma_dma_to_phys(i, 0x80001000, 0x1000, &p), 0);
	assert_int_equal(p, 0x40001000);
	p = SENTINEL;
	assert_int_equal(dt_dma_dma_to_phys(i, 0x7fffffff, 1, &p), -ERANGE);
	assert_int_equal(dt_dma_dma_to_phys(i, 0x8ffff001, 0x1000, &p), -ERANGE);
	assert_int_equal(p, SENTINEL);
}

static void test_identity(void **state)
{
	const struct dt_dma_info *i = cfg(*state, "/plain", 0, NULL);
	dma_addr_t d = SENTINEL;
	phys_addr_t p = SENTINEL;

	assert_int_equal(dt_dma_phys_to_dma(i, 0x1234000, 0x1000, &d), 0);
	assert_int_equal(d, 0x1234000);
	assert_int_equal(dt_dma_dma_to_phys(i, 0xfffffffffffff000ULL, 0x1000, &p), 0);
	assert_int_equal(p, 0xfffffffffffff000ULL);
	d = SENTINEL;
	assert_int_equal(dt_dma_phys_to_dma(i, ~0ULL, 2, &d), -ERANGE);
	assert_int_equal(d, SENTINEL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_plain),
		T(test_coherent_inherited),
		T(test_noncoherent_override),
		T(test_offset_bus),
		T(test_bus_itself),
		T(test_nested),
		T(test_empty_skipped),
		T(test_clipped),
		T(test_unreachable_entry),
		T(test_bad_ranges),
		T(test_regions),
		T(test_region_errors),
		T(test_region_limits),
		T(test_no_memmap),
		T(test_bad_node),
		T(test_good_fixture),
		T(test_phys_to_dma),
		T(test_identity),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
