/*
 * Host tests for lib/dt.c, on .dtb files compiled from tests/fixtures/dt/
 * and on blobs corrupted or edited (fdt_setprop) at run time.
 *
 * Every expected value and error code is exact; outputs that must not be
 * written on failure are pre-filled with a sentinel and checked.
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

#include <bits.h>
#include <dt.h>

#ifndef FIXTURE_DIR
#error "FIXTURE_DIR must name the directory holding the compiled fixtures"
#endif

#define SENTINEL 0x5a5a5a5a5a5a5a5aULL
#define SENTINEL_NODE (-1234)

static int node_at(const void *fdt, const char *path)
{
	int off = fdt_path_offset(fdt, path);

	if (off < 0)
		fail_msg("fixture has no node %s (%s)", path, fdt_strerror(off));
	return off;
}

/* ---- dt_check ---------------------------------------------------------- */

static void test_check_valid(void **state)
{
	size_t size;
	void *fdt = fixture_load("virt", 0, &size);

	(void)state;
	assert_int_equal(dt_check(fdt, size), 0);
	assert_int_equal(fdt_totalsize(fdt), size);
	/* A larger window is fine: only totalsize bytes are read. */
	assert_int_equal(dt_check(fdt, size + 4096), 0);
	free(fdt);
}

static void test_check_truncated_buffer(void **state)
{
	size_t size;
	void *fdt = fixture_load("virt", 0, &size);

	(void)state;
	assert_int_equal(dt_check(fdt, size - 1), -FDT_ERR_TRUNCATED);
	assert_int_equal(dt_check(fdt, sizeof(struct fdt_header)),
			 -FDT_ERR_TRUNCATED);
	assert_int_equal(dt_check(fdt, sizeof(struct fdt_header) - 1),
			 -FDT_ERR_TRUNCATED);
	assert_int_equal(dt_check(fdt, 0), -FDT_ERR_TRUNCATED);
	free(fdt);
}

static void test_check_bad_magic(void **state)
{
	size_t size;
	u8 *fdt = fixture_load("virt", 0, &size);

	(void)state;
	fdt[0] ^= 0xff;
	assert_int_equal(dt_check(fdt, size), -FDT_ERR_BADMAGIC);
	free(fdt);
}

static void test_check_bad_version(void **state)
{
	size_t size;
	void *fdt = fixture_load("virt", 0, &size);

	(void)state;
	fdt_set_version(fdt, 1);
	assert_int_equal(dt_check(fdt, size), -FDT_ERR_BADVERSION);
	free(fdt);
}

static void test_check_totalsize_past_buffer(void **state)
{
	size_t size;
	void *fdt = fixture_load("virt", 0, &size);

	(void)state;
	fdt_set_totalsize(fdt, (u32)size + 4096);
	assert_int_equal(dt_check(fdt, size), -FDT_ERR_TRUNCATED);
	free(fdt);
}

static void test_check_block_past_totalsize(void **state)
{
	size_t size;
	void *fdt = fixture_load("virt", 0, &size);

	(void)state;
	fdt_set_off_dt_strings(fdt, (u32)size + 8);
	assert_int_equal(dt_check(fdt, size), -FDT_ERR_TRUNCATED);
	free(fdt);
}

static void test_check_unaligned(void **state)
{
	size_t size;
	void *fdt = fixture_load("virt", 0, &size);
	u8 *copy = malloc(size + 4);

	(void)state;
	assert_non_null(copy);
	memcpy(copy + 4, fdt, size);
	assert_int_equal(dt_check(copy + 4, size), -FDT_ERR_ALIGNMENT);
	free(copy);
	free(fdt);
}

/* The structure block's first tag must be FDT_BEGIN_NODE for the root. */
static void test_check_mangled_first_tag(void **state)
{
	size_t size;
	u8 *fdt = fixture_load("virt", 0, &size);
	fdt32_t bad = cpu_to_fdt32(0xdeadbeef);

	(void)state;
	memcpy(fdt + fdt_off_dt_struct(fdt), &bad, sizeof(bad));
	assert_int_equal(dt_check(fdt, size), -FDT_ERR_BADSTRUCTURE);
	free(fdt);
}

/*
 * A property whose name offset points past the strings block:
 * fdt_check_full() reports fdt_get_string()'s -FDT_ERR_BADOFFSET.
 */
static void test_check_mangled_prop_name(void **state)
{
	size_t size;
	u8 *fdt = fixture_load("virt", 0, &size);
	int off = fdt_first_property_offset(fdt, 0);
	struct fdt_property *prop;

	(void)state;
	assert_true(off >= 0);
	prop = (struct fdt_property *)(fdt + fdt_off_dt_struct(fdt) + off);
	prop->nameoff = cpu_to_fdt32(fdt_size_dt_strings(fdt) + 100);
	assert_int_equal(dt_check(fdt, size), -FDT_ERR_BADOFFSET);
	free(fdt);
}

/* A property length running past the end of the structure block. */
static void test_check_mangled_prop_len(void **state)
{
	size_t size;
	u8 *fdt = fixture_load("virt", 0, &size);
	int off = fdt_first_property_offset(fdt, 0);
	struct fdt_property *prop;

	(void)state;
	assert_true(off >= 0);
	prop = (struct fdt_property *)(fdt + fdt_off_dt_struct(fdt) + off);
	prop->len = cpu_to_fdt32(0x7ffffff0);
	assert_int_equal(dt_check(fdt, size), -FDT_ERR_BADSTRUCTURE);
	free(fdt);
}

/* The closing FDT_END tag replaced: the walk runs off the block. */
static void test_check_mangled_end_tag(void **state)
{
	size_t size;
	u8 *fdt = fixture_load("virt", 0, &size);
	u8 *end = fdt + fdt_off_dt_struct(fdt) + fdt_size_dt_struct(fdt) - 4;
	fdt32_t nop = cpu_to_fdt32(FDT_NOP);

	(void)state;
	assert_int_equal(fdt32_ld((const fdt32_t *)end), FDT_END);
	memcpy(end, &nop, sizeof(nop));
	assert_int_equal(dt_check(fdt, size), -FDT_ERR_BADSTRUCTURE);
	free(fdt);
}

/* ---- status, cells ----------------------------------------------------- */

static void test_is_available(void **state)
{
	void *fdt = fixture_load("bad-props", 0, NULL);

	(void)state;
	assert_true(dt_is_available(fdt, node_at(fdt, "/status-okay")));
	assert_true(dt_is_available(fdt, node_at(fdt, "/status-ok")));
	assert_true(dt_is_available(fdt, node_at(fdt, "/shortreg@1000")));
	assert_false(dt_is_available(fdt, node_at(fdt, "/status-disabled")));
	assert_false(dt_is_available(fdt, node_at(fdt, "/status-fail")));
	assert_false(dt_is_available(fdt, node_at(fdt, "/status-list")));
	assert_false(dt_is_available(fdt, node_at(fdt, "/status-empty")));
	assert_false(dt_is_available(fdt, node_at(fdt, "/status-nonul")));
	assert_false(dt_is_available(fdt, node_at(fdt, "/status-okayish")));
	assert_false(dt_is_available(fdt, -1));
	free(fdt);
}

static void test_cells(void **state)
{
	void *virt = fixture_load("virt", 0, NULL);
	void *bad = fixture_load("bad-props", 0, NULL);
	void *buses = fixture_load("buses", 0, NULL);

	(void)state;
	assert_int_equal(dt_addr_cells(virt, 0), 2);
	assert_int_equal(dt_size_cells(virt, 0), 2);
	assert_int_equal(dt_addr_cells(virt, node_at(virt, "/cpus")), 1);
	assert_int_equal(dt_size_cells(virt, node_at(virt, "/cpus")), 0);
	assert_int_equal(dt_addr_cells(virt, node_at(virt, "/pcie@10000000")), 3);
	assert_int_equal(dt_size_cells(virt, node_at(virt, "/pcie@10000000")), 2);
	/* No properties: DT spec defaults. */
	assert_int_equal(dt_addr_cells(virt, node_at(virt, "/pl011@9000000")),
			 DT_ADDR_CELLS_DEFAULT);
	assert_int_equal(dt_size_cells(virt, node_at(virt, "/pl011@9000000")),
			 DT_SIZE_CELLS_DEFAULT);
	assert_int_equal(DT_ADDR_CELLS_DEFAULT, 2);
	assert_int_equal(DT_SIZE_CELLS_DEFAULT, 1);

	assert_int_equal(dt_addr_cells(buses, node_at(buses, "/soc/sub/sub2")), 2);
	assert_int_equal(dt_size_cells(buses, node_at(buses, "/soc/sub/sub2")), 1);

	assert_int_equal(dt_addr_cells(bad, node_at(bad, "/ac4")), -EINVAL);
	assert_int_equal(dt_size_cells(bad, node_at(bad, "/ac4")), 1);
	assert_int_equal(dt_addr_cells(bad, node_at(bad, "/sc3")), 1);
	assert_int_equal(dt_size_cells(bad, node_at(bad, "/sc3")), -EINVAL);
	assert_int_equal(dt_addr_cells(bad, node_at(bad, "/aclen")), -EINVAL);
	assert_int_equal(dt_size_cells(bad, node_at(bad, "/aclen")), -EINVAL);
	assert_int_equal(dt_addr_cells(bad, node_at(bad, "/ac0")), 0);
	assert_int_equal(dt_size_cells(bad, node_at(bad, "/ac0")), 0);
	assert_int_equal(dt_addr_cells(bad, -1), -EINVAL);
	assert_int_equal(dt_size_cells(bad, -1), -EINVAL);
	free(virt);
	free(bad);
	free(buses);
}

static void test_read_cells(void **state)
{
	/* Cells start at an odd address: fdt32_ld() must cope. */
	static const u8 raw[] = { 0xee, 0x12, 0x34, 0x56, 0x78,
				  0x9a, 0xbc, 0xde, 0xf0 };
	u64 v;

	(void)state;
	assert_int_equal(dt_read_cells(raw + 1, 1, &v), 0);
	assert_int_equal(v, 0x12345678ULL);
	assert_int_equal(dt_read_cells(raw + 1, 2, &v), 0);
	assert_int_equal(v, 0x123456789abcdef0ULL);
	v = SENTINEL;
	assert_int_equal(dt_read_cells(raw + 1, 0, &v), -EINVAL);
	assert_int_equal(dt_read_cells(raw + 1, 3, &v), -EINVAL);
	assert_int_equal(dt_read_cells(raw + 1, -1, &v), -EINVAL);
	assert_int_equal(v, SENTINEL);
}

/* ---- reg --------------------------------------------------------------- */

static void expect_reg(const void *fdt, const char *path, int index,
		       u64 addr, u64 size)
{
	u64 a = SENTINEL, s = SENTINEL;

	assert_int_equal(dt_reg(fdt, node_at(fdt, path), index, &a, &s), 0);
	assert_int_equal(a, addr);
	assert_int_equal(s, size);
}

static void expect_reg_err(const void *fdt, int node, int index, int err)
{
	u64 a = SENTINEL, s = SENTINEL;

	assert_int_equal(dt_reg(fdt, node, index, &a, &s), err);
	assert_int_equal(a, SENTINEL);
	assert_int_equal(s, SENTINEL);
}

static void test_reg(void **state)
{
	void *virt = fixture_load("virt", 0, NULL);
	void *bad = fixture_load("bad-props", 0, NULL);

	(void)state;
	expect_reg(virt, "/pl011@9000000", 0, 0x9000000, 0x1000);
	expect_reg(virt, "/intc@8000000", 0, 0x8000000, 0x10000);
	expect_reg(virt, "/intc@8000000", 1, 0x8010000, 0x10000);
	expect_reg(virt, "/cpus/cpu@1", 0, 1, 0);
	expect_reg(bad, "/twobanks@1000", 1, 0x100002000ULL, 0x200);

	expect_reg_err(virt, node_at(virt, "/intc@8000000"), 2, -ENOENT);
	expect_reg_err(virt, node_at(virt, "/intc@8000000"), -1, -EINVAL);
	expect_reg_err(virt, node_at(virt, "/chosen"), 0, -ENOENT);
	expect_reg_err(virt, 0, 0, -EINVAL);
	expect_reg_err(virt, node_at(virt, "/pcie@10000000/dev@0,0"), 0,
		       -EOPNOTSUPP);

	expect_reg_err(bad, node_at(bad, "/shortreg@1000"), 0, -EINVAL);
	expect_reg_err(bad, node_at(bad, "/emptyreg"), 0, -ENOENT);
	expect_reg_err(bad, node_at(bad, "/wrapreg@fffffffffffff000"), 0,
		       -EINVAL);
	expect_reg_err(bad, node_at(bad, "/ac4/dev@0"), 0, -EINVAL);
	expect_reg_err(bad, node_at(bad, "/sc3/dev@0"), 0, -EINVAL);
	expect_reg_err(bad, node_at(bad, "/ac0/dev"), 0, -EINVAL);
	free(virt);
	free(bad);
}

/* ---- translation ------------------------------------------------------- */

static void expect_phys(const void *fdt, const char *path, phys_addr_t pa,
			u64 size)
{
	phys_addr_t p = SENTINEL;
	u64 s = SENTINEL;

	assert_int_equal(dt_reg_phys(fdt, node_at(fdt, path), 0, &p, &s), 0);
	assert_int_equal(p, pa);
	assert_int_equal(s, size);
}

static void expect_phys_err(const void *fdt, const char *path, int err)
{
	phys_addr_t p = SENTINEL;
	u64 s = SENTINEL;

	assert_int_equal(dt_reg_phys(fdt, node_at(fdt, path), 0, &p, &s), err);
	assert_int_equal(p, SENTINEL);
	assert_int_equal(s, SENTINEL);
}

static void test_reg_phys(void **state)
{
	void *fdt = fixture_load("buses", 0, NULL);

	(void)state;
	expect_phys(fdt, "/uart@9000000", 0x9000000, 0x1000);
	expect_phys(fdt, "/soc/uart@1000", 0x10001000, 0x100);
	expect_phys(fdt, "/soc/dev@200010", 0x100000010ULL, 0x10);
	expect_phys(fdt, "/soc/sub/uart@2000", 0x10002000, 0x100);
	expect_phys(fdt, "/soc/sub/sub2/dev@1,100", 0x10004100, 0x10);
	expect_phys(fdt, "/soc/i2c@5000", 0x10005000, 0x100);

	expect_phys_err(fdt, "/soc/outside@300000", -ERANGE);
	expect_phys_err(fdt, "/soc/edge@100000", -ERANGE);
	expect_phys_err(fdt, "/soc/noranges/dev@10", -EINVAL);
	expect_phys_err(fdt, "/soc/badranges/dev@10", -EINVAL);
	expect_phys_err(fdt, "/soc/i2c@5000/eeprom@50", -EINVAL);
	expect_phys_err(fdt, "/wrapbus/dev@800", -ERANGE);
	expect_phys_err(fdt, "/wrapbus/dev@1800", -EINVAL);
	expect_phys_err(fdt, "/pci/dev@0,0", -EOPNOTSUPP);
	free(fdt);
}

static void test_translate(void **state)
{
	void *fdt = fixture_load("buses", 0, NULL);
	int uart = node_at(fdt, "/soc/uart@1000");
	int sub2dev = node_at(fdt, "/soc/sub/sub2/dev@1,100");
	phys_addr_t pa;

	(void)state;
	/* Both ends of soc's first range, and just past it. */
	assert_int_equal(dt_translate(fdt, uart, 0x0, &pa), 0);
	assert_int_equal(pa, 0x10000000);
	assert_int_equal(dt_translate(fdt, uart, 0xfffff, &pa), 0);
	assert_int_equal(pa, 0x100fffff);
	pa = SENTINEL;
	assert_int_equal(dt_translate(fdt, uart, 0x100000, &pa), -ERANGE);
	assert_int_equal(pa, SENTINEL);
	/* Second range, last byte. */
	assert_int_equal(dt_translate(fdt, uart, 0x20ffff, &pa), 0);
	assert_int_equal(pa, 0x10000ffffULL);

	/* sub2's child space is 2 cells: <0x1 0x0> is its only window. */
	assert_int_equal(dt_translate(fdt, sub2dev, 0x100000fffULL, &pa), 0);
	assert_int_equal(pa, 0x10004fff);
	assert_int_equal(dt_translate(fdt, sub2dev, 0x100, &pa), -ERANGE);

	/* A root child's bus is the root: nothing to translate. */
	assert_int_equal(dt_translate(fdt, node_at(fdt, "/soc"), 0x123, &pa), 0);
	assert_int_equal(pa, 0x123);
	assert_int_equal(dt_translate(fdt, node_at(fdt, "/pci/dev@0,0"), 0, &pa),
			 -EOPNOTSUPP);
	assert_int_equal(dt_translate(fdt, 0, 0, &pa), -EINVAL);
	free(fdt);
}

/*
 * A chain of @buses nested identity buses under the root, with a leaf
 * device at the bottom; returns the leaf's offset.
 */
static int add_bus_chain(void *fdt, int buses)
{
	int node = 0, i;

	for (i = 0; i < buses; i++) {
		node = fdt_add_subnode(fdt, node, "bus");
		assert_true(node >= 0);
		assert_int_equal(fdt_setprop_u32(fdt, node, "#address-cells", 1), 0);
		assert_int_equal(fdt_setprop_u32(fdt, node, "#size-cells", 1), 0);
		assert_int_equal(fdt_setprop_empty(fdt, node, "ranges"), 0);
	}
	node = fdt_add_subnode(fdt, node, "leaf");
	assert_true(node >= 0);
	return node;
}

static void test_translate_depth_limit(void **state)
{
	void *fdt;
	phys_addr_t pa = SENTINEL;
	int leaf;

	(void)state;
	fdt = fixture_load("buses", 16384, NULL);
	leaf = add_bus_chain(fdt, DT_MAX_DEPTH);
	assert_int_equal(dt_translate(fdt, leaf, 0x1234, &pa), 0);
	assert_int_equal(pa, 0x1234);
	free(fdt);

	fdt = fixture_load("buses", 16384, NULL);
	leaf = add_bus_chain(fdt, DT_MAX_DEPTH + 1);
	pa = SENTINEL;
	assert_int_equal(dt_translate(fdt, leaf, 0x1234, &pa), -EINVAL);
	assert_int_equal(pa, SENTINEL);
	free(fdt);
}

/* ---- /chosen stdout ---------------------------------------------------- */

static void expect_stdout(const void *fdt, const char *path)
{
	int node = SENTINEL_NODE;

	assert_int_equal(dt_stdout_node(fdt, &node), 0);
	assert_int_equal(node, node_at(fdt, path));
}

static void expect_stdout_err(const void *fdt, int err)
{
	int node = SENTINEL_NODE;

	assert_int_equal(dt_stdout_node(fdt, &node), err);
	assert_int_equal(node, SENTINEL_NODE);
}

static void test_stdout_fixtures(void **state)
{
	void *virt = fixture_load("virt", 0, NULL);
	void *alias = fixture_load("stdout-alias", 0, NULL);
	void *missing = fixture_load("stdout-missing", 0, NULL);
	void *bad = fixture_load("stdout-bad", 0, NULL);
	void *nochosen = fixture_load("memory", 0, NULL);

	(void)state;
	expect_stdout(virt, "/pl011@9000000");
	expect_stdout(alias, "/soc/serial@2000");
	expect_stdout_err(missing, -ENOENT);
	expect_stdout_err(bad, -ENODEV);
	expect_stdout_err(nochosen, -ENOENT);
	free(virt);
	free(alias);
	free(missing);
	free(bad);
	free(nochosen);
}

/* stdout-alias.dtb with /chosen/stdout-path set to @len bytes of @val. */
static void *stdout_variant(const char *val, int len)
{
	void *fdt = fixture_load("stdout-alias", 4096, NULL);
	int chosen = node_at(fdt, "/chosen");

	assert_int_equal(fdt_setprop(fdt, chosen, "stdout-path", val, len), 0);
	return fdt;
}

#define STR_AND_LEN(s) s, (int)sizeof(s)

static void test_stdout_variants(void **state)
{
	static const struct {
		const char *val;
		int len;
		const char *node; /* NULL: expect err */
		int err;
	} cases[] = {
		{ STR_AND_LEN("serial0"), "/soc/serial@1000", 0 },
		{ STR_AND_LEN("serial0:"), "/soc/serial@1000", 0 },
		{ STR_AND_LEN("/soc/serial@1000"), "/soc/serial@1000", 0 },
		{ STR_AND_LEN("/soc/serial@1000:9600n8"), "/soc/serial@1000", 0 },
		{ STR_AND_LEN("soc/serial@2000"), "/soc/serial@2000", 0 },
		{ STR_AND_LEN("soc/serial@2000:115200"), "/soc/serial@2000", 0 },
		{ STR_AND_LEN(""), NULL, -EINVAL },
		{ STR_AND_LEN(":115200"), NULL, -EINVAL },
		{ "serial0", 7, NULL, -EINVAL },	   /* no NUL */
		{ STR_AND_LEN("serial0\0x"), NULL, -EINVAL }, /* a list */
		{ "", 0, NULL, -EINVAL },		   /* empty property */
		{ STR_AND_LEN("serial9"), NULL, -ENODEV },
		{ STR_AND_LEN("/soc/serial@3000"), NULL, -ENODEV },
		{ STR_AND_LEN("soc/serial@3000"), NULL, -ENODEV },
		{ STR_AND_LEN("/"), "/", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		void *fdt = stdout_variant(cases[i].val, cases[i].len);

		print_message("case %zu: \"%s\"\n", i, cases[i].val);
		if (cases[i].node)
			expect_stdout(fdt, cases[i].node);
		else
			expect_stdout_err(fdt, cases[i].err);
		free(fdt);
	}
}

/*
 * Aliases whose values libfdt 1.6.1 would follow blindly: one naming
 * itself (endless recursion in fdt_path_offset()), a relative one, an
 * unterminated one.
 */
static void test_stdout_hostile_alias(void **state)
{
	static const struct {
		const char *name;
		const char *val;
		int len;
	} aliases[] = {
		{ "loop", STR_AND_LEN("loop") },
		{ "rel", STR_AND_LEN("soc/serial@1000") },
		{ "raw", "/soc", 4 },
		{ "empty", "", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(aliases); i++) {
		void *fdt = stdout_variant(aliases[i].name,
					   (int)strlen(aliases[i].name) + 1);
		int node = node_at(fdt, "/aliases");

		print_message("alias %s\n", aliases[i].name);
		assert_int_equal(fdt_setprop(fdt, node, aliases[i].name,
					     aliases[i].val, aliases[i].len),
				 0);
		expect_stdout_err(fdt, -ENODEV);
		free(fdt);
	}
}

static void test_stdout_legacy_property(void **state)
{
	void *fdt = fixture_load("stdout-alias", 4096, NULL);
	int chosen = node_at(fdt, "/chosen");

	(void)state;
	/* Both present: stdout-path wins. */
	assert_int_equal(fdt_setprop_string(fdt, chosen, "linux,stdout-path",
					    "/soc/serial@1000"),
			 0);
	expect_stdout(fdt, "/soc/serial@2000");
	/* Only the old name. */
	assert_int_equal(fdt_delprop(fdt, chosen, "stdout-path"), 0);
	expect_stdout(fdt, "/soc/serial@1000");
	assert_int_equal(fdt_delprop(fdt, chosen, "linux,stdout-path"), 0);
	expect_stdout_err(fdt, -ENOENT);
	free(fdt);
}

/* ---- /memory ----------------------------------------------------------- */

static void test_memory(void **state)
{
	void *fdt = fixture_load("memory", 0, NULL);
	struct dt_mem_range out[4];
	int count = -1, bad = SENTINEL_NODE;

	(void)state;
	memset(out, 0x5a, sizeof(out));
	assert_int_equal(dt_memory(fdt, out, 4, &count, &bad), 0);
	assert_int_equal(count, 3);
	assert_int_equal(out[0].base, 0x40000000);
	assert_int_equal(out[0].size, 0x1000000);
	assert_int_equal(out[1].base, 0x50000000);
	assert_int_equal(out[1].size, 0x2000000);
	assert_int_equal(out[2].base, 0x80000000);
	assert_int_equal(out[2].size, 0x10000000);
	assert_int_equal(out[3].base, SENTINEL);
	assert_int_equal(bad, SENTINEL_NODE);

	/* Exactly enough room. */
	count = -1;
	assert_int_equal(dt_memory(fdt, out, 3, &count, NULL), 0);
	assert_int_equal(count, 3);
	free(fdt);
}

static void test_memory_nospace(void **state)
{
	void *fdt = fixture_load("memory", 0, NULL);
	struct dt_mem_range out[3];
	int count = -1;

	(void)state;
	memset(out, 0x5a, sizeof(out));
	assert_int_equal(dt_memory(fdt, out, 2, &count, NULL), -ENOSPC);
	assert_int_equal(count, 3);
	assert_int_equal(out[0].base, 0x40000000);
	assert_int_equal(out[0].size, 0x1000000);
	assert_int_equal(out[1].base, 0x50000000);
	assert_int_equal(out[1].size, 0x2000000);
	assert_int_equal(out[2].base, SENTINEL);

	count = -1;
	assert_int_equal(dt_memory(fdt, NULL, 0, &count, NULL), -ENOSPC);
	assert_int_equal(count, 3);
	free(fdt);
}

static void test_memory_virt_and_none(void **state)
{
	void *virt = fixture_load("virt", 0, NULL);
	void *buses = fixture_load("buses", 0, NULL);
	struct dt_mem_range out[2];
	int count = -1;

	(void)state;
	assert_int_equal(dt_memory(virt, out, 2, &count, NULL), 0);
	assert_int_equal(count, 1);
	assert_int_equal(out[0].base, 0x40000000);
	assert_int_equal(out[0].size, 0x8000000);

	count = -1;
	assert_int_equal(dt_memory(buses, out, 2, &count, NULL), -ENOENT);
	assert_int_equal(count, 0);
	free(virt);
	free(buses);
}

static void test_memory_malformed(void **state)
{
	void *bad = fixture_load("bad-props", 0, NULL);
	void *fdt;
	struct dt_mem_range out[4];
	int count = -1, node = SENTINEL_NODE;

	(void)state;
	assert_int_equal(dt_memory(bad, out, 4, &count, &node), -EINVAL);
	assert_int_equal(node, node_at(bad, "/memory@0"));
	assert_int_equal(count, 0);
	free(bad);

	/* A memory node without reg. */
	fdt = fixture_load("memory", 4096, NULL);
	assert_int_equal(fdt_delprop(fdt, node_at(fdt, "/memory@80000000"), "reg"),
			 0);
	node = SENTINEL_NODE;
	assert_int_equal(dt_memory(fdt, out, 4, &count, &node), -EINVAL);
	assert_int_equal(node, node_at(fdt, "/memory@80000000"));
	free(fdt);

	/* Root cell counts that cannot describe RAM. */
	fdt = fixture_load("memory", 4096, NULL);
	assert_int_equal(fdt_setprop_u32(fdt, 0, "#address-cells", 3), 0);
	node = SENTINEL_NODE;
	assert_int_equal(dt_memory(fdt, out, 4, &count, &node), -EINVAL);
	assert_int_equal(node, 0);
	assert_int_equal(fdt_setprop_u32(fdt, 0, "#address-cells", 1), 0);
	assert_int_equal(fdt_setprop_u32(fdt, 0, "#size-cells", 0), 0);
	assert_int_equal(dt_memory(fdt, out, 4, &count, NULL), -EINVAL);
	assert_int_equal(fdt_setprop_u32(fdt, 0, "#size-cells", 1), 0);
	assert_int_equal(dt_memory(fdt, out, 4, &count, NULL), 0);
	free(fdt);
}

/* ---- compatible, model, path ------------------------------------------ */

static void test_is_compatible(void **state)
{
	void *fdt = fixture_load("virt", 0, NULL);
	int uart = node_at(fdt, "/pl011@9000000");

	(void)state;
	assert_true(dt_is_compatible(fdt, uart, "arm,pl011"));
	assert_true(dt_is_compatible(fdt, uart, "arm,primecell"));
	assert_false(dt_is_compatible(fdt, uart, "arm,pl01"));
	assert_false(dt_is_compatible(fdt, uart, "arm,pl0111"));
	assert_false(dt_is_compatible(fdt, node_at(fdt, "/chosen"), "arm,pl011"));
	assert_false(dt_is_compatible(fdt, -1, "arm,pl011"));
	free(fdt);
}

static void test_find_compatible(void **state)
{
	static const char *const virtio[] = { "virtio,mmio", NULL };
	static const char *const gpio_or_uart[] = { "arm,pl061", "arm,pl011",
						    NULL };
	static const char *const root[] = { "linux,dummy-virt", NULL };
	static const char *const none[] = { "nope", NULL };
	static const char *const empty[] = { NULL };
	void *fdt = fixture_load("virt", 0, NULL);
	int n;

	(void)state;
	/* virtio_mmio@a000000 is disabled. */
	n = dt_find_compatible(fdt, -1, virtio);
	assert_int_equal(n, node_at(fdt, "/virtio_mmio@a000200"));
	n = dt_find_compatible(fdt, n, virtio);
	assert_int_equal(n, node_at(fdt, "/virtio_mmio@a000400"));
	assert_int_equal(dt_find_compatible(fdt, n, virtio), -FDT_ERR_NOTFOUND);

	/* pl061 is disabled, so the first match is the pl011. */
	assert_int_equal(dt_find_compatible(fdt, -1, gpio_or_uart),
			 node_at(fdt, "/pl011@9000000"));
	assert_int_equal(dt_find_compatible(fdt, -1, root), 0);
	assert_int_equal(dt_find_compatible(fdt, 0, root), -FDT_ERR_NOTFOUND);
	assert_int_equal(dt_find_compatible(fdt, -1, none), -FDT_ERR_NOTFOUND);
	assert_int_equal(dt_find_compatible(fdt, -1, empty), -FDT_ERR_NOTFOUND);
	free(fdt);
}

static void test_model(void **state)
{
	void *virt = fixture_load("virt", 0, NULL);
	void *bad = fixture_load("bad-props", 0, NULL);
	void *none = fixture_load("memory", 4096, NULL);

	(void)state;
	assert_non_null(dt_model(virt));
	assert_string_equal(dt_model(virt), "linux,dummy-virt");
	assert_null(dt_model(bad));
	assert_null(dt_model(none));
	assert_int_equal(fdt_setprop(none, 0, "model", "", 1), 0);
	assert_null(dt_model(none));
	assert_int_equal(fdt_setprop(none, 0, "model", "a\0b", 4), 0);
	assert_null(dt_model(none));
	assert_int_equal(fdt_setprop(none, 0, "model", "a", 2), 0);
	assert_string_equal(dt_model(none), "a");
	free(virt);
	free(bad);
	free(none);
}

static void test_path(void **state)
{
	void *fdt = fixture_load("virt", 0, NULL);
	int uart = node_at(fdt, "/pl011@9000000");
	char buf[64];

	(void)state;
	assert_int_equal(dt_path(fdt, uart, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/pl011@9000000");
	assert_int_equal(dt_path(fdt, node_at(fdt, "/cpus/cpu@1"), buf,
				 sizeof(buf)),
			 0);
	assert_string_equal(buf, "/cpus/cpu@1");
	assert_int_equal(dt_path(fdt, 0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/");

	/* Too small: truncated marker, still terminated. */
	assert_int_equal(dt_path(fdt, uart, buf, 5), -FDT_ERR_NOSPACE);
	assert_string_equal(buf, "<unk");
	assert_int_equal(dt_path(fdt, uart, buf, 1), -FDT_ERR_NOSPACE);
	assert_string_equal(buf, "");
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(dt_path(fdt, uart, buf, 0), -FDT_ERR_NOSPACE);
	assert_int_equal(buf[0], 'x');

	/* Offset 4 is inside the root's name, not a node. */
	assert_int_equal(dt_path(fdt, 4, buf, sizeof(buf)), -FDT_ERR_BADOFFSET);
	assert_string_equal(buf, "<unknown>");
	free(fdt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_valid),
		cmocka_unit_test(test_check_truncated_buffer),
		cmocka_unit_test(test_check_bad_magic),
		cmocka_unit_test(test_check_bad_version),
		cmocka_unit_test(test_check_totalsize_past_buffer),
		cmocka_unit_test(test_check_block_past_totalsize),
		cmocka_unit_test(test_check_unaligned),
		cmocka_unit_test(test_check_mangled_first_tag),
		cmocka_unit_test(test_check_mangled_prop_name),
		cmocka_unit_test(test_check_mangled_prop_len),
		cmocka_unit_test(test_check_mangled_end_tag),
		cmocka_unit_test(test_is_available),
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_read_cells),
		cmocka_unit_test(test_reg),
		cmocka_unit_test(test_reg_phys),
		cmocka_unit_test(test_translate),
		cmocka_unit_test(test_translate_depth_limit),
		cmocka_unit_test(test_stdout_fixtures),
		cmocka_unit_test(test_stdout_variants),
		cmocka_unit_test(test_stdout_hostile_alias),
		cmocka_unit_test(test_stdout_legacy_property),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_memory_nospace),
		cmocka_unit_test(test_memory_virt_and_none),
		cmocka_unit_test(test_memory_malformed),
		cmocka_unit_test(test_is_compatible),
		cmocka_unit_test(test_find_compatible),
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_path),
	};

	return cmocka_run_group_tests_name("dt", tests, NULL, NULL);
}
