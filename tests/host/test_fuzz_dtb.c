/*
 * Host tests for what the DTB fuzzer (tools/fuzz/) found, and the
 * fuzzer's path itself (tools/fuzz/dtb_path.c) on every fixture:
 *
 *   - tests/fixtures/dt/fuzz-NAME.dts: each problem the fuzzer's checks found,
 *     written as a readable DT, with the exact reports the fixed code gives;
 *   - tests/fixtures/fuzz/NAME.dtb: inputs kept as bytes (those a .dts cannot
 *     express), run through the whole path: it must not crash, trip a
 *     sanitizer or break a promise (dtb_path_run() aborts then);
 *   - every compiled tests/fixtures/dt fixture through the whole path as
 *     well, so the fuzzer's own checks hold on the malformed ones too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <drivers/pci_regs.h>
#include <dt.h>
#include <mm/dt_dma.h>
#include <mm/memmap.h>

#include "dtb_path.h"
#include "pci_dt.h"

#ifndef FIXTURE_DIR
#error "FIXTURE_DIR must name the directory holding the compiled fixtures"
#endif
#ifndef FUZZ_FIXTURE_DIR
#error "FUZZ_FIXTURE_DIR must name tests/fixtures/fuzz"
#endif

static void expect_msg(const struct fixture_msgs *m, int i, const char *path, const char *msg)
{
	assert_true(i < m->n);
	assert_string_equal(m->path[i], path);
	assert_string_equal(m->msg[i], msg);
}

static int node_of(const void *fdt, const char *path)
{
	int off = fdt_path_offset(fdt, path);

	if (off < 0)
		fail_msg("fixture has no node %s (%s)", path, fdt_strerror(off));
	return off;
}

/*
 * A dma-ranges entry whose parent side wraps is dropped for the bus's own
 * children and must not translate the windows of buses below it either.
 */
static void test_dma_ranges_wrap_above(void **state)
{
	struct fixture_msgs m = { 0 };
	struct dt_dma_info info;
	void *fdt = fixture_load("fuzz-dma-wrap", 0, NULL);
	dma_addr_t dma;

	(void)state;
	assert_int_equal(dt_dma_configure(fdt, node_of(fdt, "/outer/inner/dev@0"), NULL, &info,
					  fixture_record, &m),
			 1);
	expect_msg(&m, 0, "/outer/inner",
		   "dma-ranges entry 0: CPU side is outside the dma-ranges of /outer; dropped");
	/* No window left: 1:1, no limit, and nothing wraps. */
	assert_int_equal(info.nr_ranges, 0);
	assert_true(info.bus_dma_limit == DT_DMA_NO_LIMIT);
	assert_true(info.coherent);
	assert_int_equal(dt_dma_phys_to_dma(&info, 0x40000000, 0x1000, &dma), 0);
	assert_true(dma == 0x40000000);

	m.n = 0;
	assert_int_equal(dt_dma_configure(fdt, node_of(fdt, "/outer/inner"), NULL, &info,
					  fixture_record, &m),
			 1);
	expect_msg(&m, 0, "/outer", "dma-ranges entry 0 wraps past 2^64; dropped");
	assert_int_equal(info.nr_ranges, 0);
	free(fdt);
}

/* A PCI window that wraps only once the parent bus's ranges moved it. */
static void test_pci_window_wraps_after_translation(void **state)
{
	struct fixture_msgs m = { 0 };
	struct pci_host_dt h;
	void *fdt = fixture_load("fuzz-pci-wrap", 0, NULL);

	(void)state;
	assert_int_equal(pci_dt_parse_host(fdt, node_of(fdt, "/soc/pcie@10000000"), 0, &h,
					   fixture_record, &m),
			 0);
	assert_int_equal(m.n, 1);
	expect_msg(&m, 0, "/soc/pcie@10000000",
		   "ranges entry 0 (mem32): CPU addresses 0xfffffffffff00000.. (size 0x200000) "
		   "wrap past 2^64 after translation; dropped");
	assert_int_equal(h.nr_windows, 1);
	assert_int_equal(h.win[0].space, PCI_DT_SPACE_MEM32);
	assert_true(h.win[0].pci_addr == 0x20000000);
	assert_true(h.win[0].cpu_addr == 0xffffffff20000000ULL);
	assert_true(h.win[0].size == 0x100000);
	free(fdt);
}

/* Whole file into a buffer of exactly its size (ASan catches reads past it). */
static void *read_all(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	void *buf;
	long n;

	if (!f)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc(n ? (size_t)n : 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

/*
 * Every *.dtb in @dir through dtb_path_run(). @must_parse: each must pass
 * dt_check() (the compiled fixtures do; fuzzer inputs need not).
 * Return: the number of files run.
 */
static int run_dir(const char *dir, int must_parse)
{
	struct dtb_path_result res;
	char path[1024];
	struct dirent *e;
	size_t size;
	void *blob;
	DIR *d;
	int n = 0, ret;

	d = opendir(dir);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (!has_suffix(e->d_name, ".dtb"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		blob = read_all(path, &size);
		ret = dtb_path_run(blob, size, &res);
		if (must_parse && ret)
			fail_msg("%s: dt_check() failed: %s", path, fdt_strerror(ret));
		assert_int_equal(ret, res.check);
		free(blob);
		n++;
	}
	closedir(d);
	return n;
}

static void test_path_on_fixtures(void **state)
{
	(void)state;
	/* host.mk compiles every .dts under tests/fixtures/dt for this test. */
	assert_true(run_dir(FIXTURE_DIR, 1) >= 2);
}

static void test_path_on_fuzz_inputs(void **state)
{
	int n;

	(void)state;
	n = run_dir(FUZZ_FIXTURE_DIR, 0);
	if (n < 0)
		skip(); /* no binary inputs kept */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dma_ranges_wrap_above),
		cmocka_unit_test(test_pci_window_wraps_after_translation),
		cmocka_unit_test(test_path_on_fixtures),
		cmocka_unit_test(test_path_on_fuzz_inputs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
