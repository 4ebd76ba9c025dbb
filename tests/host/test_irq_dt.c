/*
 * Host tests for drivers/irq/irq_dt.c: which node is the GIC, interrupt
 * specifiers with their parent (inheritance, interrupts-extended, nexus,
 * malformed properties) and the GIC binding's three cells, on fixtures
 * tests/fixtures/dt/irq*.dts. Every message the code logs is captured
 * (kprintf below) and checked where a failure must name a node.
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

#include <console.h>
#include <drivers/irq.h>
#include <dt.h>

#include "irq_dt.h"

#define SENTINEL_CELL 0xdeadbeefU

static char logbuf[4096];
static size_t loglen;

/* The firmware's kprintf, captured. */
int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(logbuf + loglen, sizeof(logbuf) - loglen, fmt, ap);
	va_end(ap);
	if (n > 0)
		loglen += (size_t)n < sizeof(logbuf) - loglen ? (size_t)n : sizeof(logbuf) - 1 - loglen;
	return n;
}

static void log_reset(void)
{
	loglen = 0;
	logbuf[0] = '\0';
}

static void assert_logged(const char *a, const char *b)
{
	if (!strstr(logbuf, a) || (b && !strstr(logbuf, b)))
		fail_msg("log lacks \"%s\"%s%s%s: got \"%s\"", a, b ? " and \"" : "", b ? b : "",
			 b ? "\"" : "", logbuf);
}

static int node_at(const void *fdt, const char *path)
{
	int off = fdt_path_offset(fdt, path);

	if (off < 0)
		fail_msg("fixture has no node %s (%s)", path, fdt_strerror(off));
	return off;
}

static struct irq_dt_spec sentinel_dt(void)
{
	return (struct irq_dt_spec){ .ctrl = -77, .ncells = 77,
				     .cells = { SENTINEL_CELL, SENTINEL_CELL, SENTINEL_CELL,
						SENTINEL_CELL } };
}

static void assert_dt_untouched(const struct irq_dt_spec *s)
{
	assert_int_equal(s->ctrl, -77);
	assert_int_equal(s->ncells, 77);
	assert_int_equal(s->cells[0], SENTINEL_CELL);
}

/* ---- irq_dt_find_gic --------------------------------------------------- */

static void test_find_gic_root_parent(void **state)
{
	void *fdt = fixture_load("irq", 0, NULL);
	enum gic_version v = GIC_NONE;
	int node = -1;

	(void)state;
	assert_int_equal(irq_dt_find_gic(fdt, &node, &v), 0);
	assert_int_equal(node, node_at(fdt, "/intc@8000000"));
	assert_int_equal(v, GIC_V3);
	free(fdt);
}

static void test_find_gic_v2_skips_disabled(void **state)
{
	void *fdt = fixture_load("irq-gicv2", 0, NULL);
	enum gic_version v = GIC_NONE;
	int node = -1;

	(void)state;
	assert_int_equal(irq_dt_find_gic(fdt, &node, &v), 0);
	assert_int_equal(node, node_at(fdt, "/intc@8000000"));
	assert_int_equal(v, GIC_V2);
	free(fdt);
}

static void test_find_gic_none(void **state)
{
	void *fdt = fixture_load("irq-nogic", 0, NULL);
	enum gic_version v = GIC_NONE;
	int node = -1;

	(void)state;
	assert_int_equal(irq_dt_find_gic(fdt, &node, &v), -ENODEV);
	assert_int_equal(node, -1);
	free(fdt);
}

/* ---- irq_dt_get: good ---------------------------------------------------- */

static void expect_get(const void *fdt, const char *path, unsigned int index, const char *ctrl,
		       unsigned int ncells, u32 c0, u32 c1, u32 c2)
{
	struct irq_dt_spec s = sentinel_dt();

	log_reset();
	if (irq_dt_get(fdt, node_at(fdt, path), index, &s))
		fail_msg("%s interrupts[%u] failed: %s", path, index, logbuf);
	assert_int_equal(s.ctrl, node_at(fdt, ctrl));
	assert_int_equal(s.ncells, ncells);
	assert_int_equal(s.cells[0], c0);
	assert_int_equal(s.cells[1], c1);
	if (ncells > 2)
		assert_int_equal(s.cells[2], c2);
	assert_int_equal(loglen, 0);
}

static void test_get_root_parent(void **state)
{
	void *fdt = fixture_load("irq", 0, NULL);

	(void)state;
	expect_get(fdt, "/uart@9001000", 0, "/intc@8000000", 3, 0, 1, 4);
	expect_get(fdt, "/timer", 2, "/intc@8000000", 3, 1, 11, 0x104);
	expect_get(fdt, "/timer", 3, "/intc@8000000", 3, 1, 10, 0x104);
	/* A controller's own interrupts follow its interrupt-parent. */
	expect_get(fdt, "/intc@9000000", 0, "/intc@8000000", 3, 0, 40, 4);
	free(fdt);
}

static void test_get_inherited_through_buses(void **state)
{
	void *fdt = fixture_load("irq", 0, NULL);

	(void)state;
	expect_get(fdt, "/bus/dev@0", 0, "/intc@9000000", 2, 7, 1, 0);
	expect_get(fdt, "/bus/dev@0", 1, "/intc@9000000", 2, 8, 2, 0);
	expect_get(fdt, "/bus/deep/dev@1", 0, "/intc@9000000", 2, 9, 4, 0);
	expect_get(fdt, "/bus/gicdev", 0, "/intc@8000000", 3, 0, 5, 1);
	free(fdt);
}

static void test_get_extended(void **state)
{
	void *fdt = fixture_load("irq", 0, NULL);
	struct irq_dt_spec s = sentinel_dt();

	(void)state;
	expect_get(fdt, "/ext", 0, "/intc@8000000", 3, 0, 3, 4);
	expect_get(fdt, "/ext", 1, "/intc@9000000", 2, 12, 8, 0);
	expect_get(fdt, "/ext", 2, "/intc@8000000", 3, 1, 9, 4);
	log_reset();
	assert_int_equal(irq_dt_get(fdt, node_at(fdt, "/ext"), 3, &s), -ENOENT);
	assert_dt_untouched(&s);
	assert_int_equal(loglen, 0);
	free(fdt);
}

static void test_get_absent_is_silent(void **state)
{
	void *fdt = fixture_load("irq", 0, NULL);
	struct irq_dt_spec s = sentinel_dt();

	(void)state;
	log_reset();
	assert_int_equal(irq_dt_get(fdt, 0, 0, &s), -ENOENT);
	assert_int_equal(irq_dt_get(fdt, node_at(fdt, "/uart@9001000"), 1, &s), -ENOENT);
	assert_int_equal(irq_dt_get(fdt, node_at(fdt, "/timer"), 4, &s), -ENOENT);
	assert_dt_untouched(&s);
	assert_int_equal(loglen, 0);
	free(fdt);
}

/* ---- irq_dt_get: refused, with the node named ----------------------------- */

static void expect_bad(const void *fdt, const char *path, int err, const char *named,
		       const char *why)
{
	struct irq_dt_spec s = sentinel_dt();

	log_reset();
	assert_int_equal(irq_dt_get(fdt, node_at(fdt, path), 0, &s), err);
	assert_dt_untouched(&s);
	assert_logged(named, why);
}

static void test_get_malformed(void **state)
{
	void *fdt = fixture_load("irq", 0, NULL);

	(void)state;
	expect_bad(fdt, "/bad/odd-length", -EINVAL, "/bad/odd-length", "whole number");
	expect_bad(fdt, "/bad/empty", -EINVAL, "/bad/empty", "whole number");
	expect_bad(fdt, "/bad/dangling-parent", -EINVAL, "/bad/dangling-parent", "names no node");
	expect_bad(fdt, "/bad/ext-dangling", -EINVAL, "/bad/ext-dangling", "no node");
	expect_bad(fdt, "/bad/ext-truncated", -EINVAL, "/bad/ext-truncated", "ends inside");
	expect_bad(fdt, "/bad/no-cells-parent", -EINVAL, "/nocells", "not 1..4");
	expect_bad(fdt, "/bad/loop-a", -EINVAL, "/bad/loop-", "DT_MAX_DEPTH");
	expect_bad(fdt, "/nexus/child", -EOPNOTSUPP, "/nexus", "interrupt-map");
	free(fdt);
}

static void test_get_short_interrupt_parent(void **state)
{
	void *fdt = fixture_load("irq", 256, NULL);
	static const unsigned char two[2] = { 0, 1 };
	int node;

	(void)state;
	node = node_at(fdt, "/bad/short-parent");
	expect_get(fdt, "/bad/short-parent", 0, "/intc@8000000", 3, 0, 1, 4);
	assert_int_equal(fdt_setprop(fdt, node, "interrupt-parent", two, sizeof(two)), 0);
	expect_bad(fdt, "/bad/short-parent", -EINVAL, "/bad/short-parent", "not one cell");
	free(fdt);
}

static void test_get_no_parent_at_all(void **state)
{
	void *fdt = fixture_load("irq", 256, NULL);

	(void)state;
	assert_int_equal(fdt_delprop(fdt, 0, "interrupt-parent"), 0);
	expect_bad(fdt, "/uart@9001000", -EINVAL, "/", "no interrupt-parent");
	free(fdt);
}

/* ---- irq_dt_translate_gic ------------------------------------------------- */

struct tcase {
	unsigned int ncells;
	u32 c0, c1, c2, c3;
	u32 nr_intids;
	int err;
	u32 intid, type;
	const char *why; /* for errors: part of the message */
};

static void run_translate(const struct tcase *t, size_t n)
{
	void *fdt = fixture_load("irq", 0, NULL);
	int gic = node_at(fdt, "/intc@8000000");
	size_t i;

	for (i = 0; i < n; i++) {
		struct irq_dt_spec dt = { .ctrl = gic, .ncells = t[i].ncells,
					  .cells = { t[i].c0, t[i].c1, t[i].c2, t[i].c3 } };
		struct irq_spec out = { .intid = SENTINEL_CELL, .type = SENTINEL_CELL };
		int ret;

		log_reset();
		ret = irq_dt_translate_gic(fdt, gic, t[i].nr_intids, &dt, &out);
		if (ret != t[i].err)
			fail_msg("case %zu <%u %u 0x%x>: got %d, want %d (%s)", i, t[i].c0, t[i].c1,
				 t[i].c2, ret, t[i].err, logbuf);
		if (ret) {
			assert_int_equal(out.intid, SENTINEL_CELL);
			assert_int_equal(out.type, SENTINEL_CELL);
			assert_logged("/intc@8000000", t[i].why);
		} else {
			assert_int_equal(out.intid, t[i].intid);
			assert_int_equal(out.type, t[i].type);
			assert_int_equal(loglen, 0);
		}
	}
	free(fdt);
}

static void test_translate_good(void **state)
{
	static const struct tcase t[] = {
		{ 3, 0, 1, 4, 0, 288, 0, 33, IRQ_TYPE_LEVEL_HIGH, NULL },
		{ 3, 0, 5, 1, 0, 288, 0, 37, IRQ_TYPE_EDGE_RISING, NULL },
		{ 3, 0, 255, 4, 0, 288, 0, 287, IRQ_TYPE_LEVEL_HIGH, NULL },
		{ 3, 0, 987, 4, 0, 0, 0, 1019, IRQ_TYPE_LEVEL_HIGH, NULL },
		{ 3, 1, 11, 0x104, 0, 288, 0, 27, IRQ_TYPE_LEVEL_HIGH, NULL },
		{ 3, 1, 0, 4, 0, 288, 0, 16, IRQ_TYPE_LEVEL_HIGH, NULL },
		{ 3, 1, 15, 1, 0, 288, 0, 31, IRQ_TYPE_EDGE_RISING, NULL },
		{ 3, 1, 2, 2, 0, 288, 0, 18, IRQ_TYPE_EDGE_RISING, NULL },
		{ 3, 1, 2, 8, 0, 288, 0, 18, IRQ_TYPE_LEVEL_HIGH, NULL },
		{ 4, 0, 3, 4, 0, 288, 0, 35, IRQ_TYPE_LEVEL_HIGH, NULL },
	};

	(void)state;
	run_translate(t, sizeof(t) / sizeof(t[0]));
}

static void test_translate_bad(void **state)
{
	static const struct tcase t[] = {
		{ 3, 5, 1, 4, 0, 288, -EINVAL, 0, 0, "neither 0 (SPI) nor 1 (PPI)" },
		{ 3, 2, 1, 4, 0, 288, -EOPNOTSUPP, 0, 0, "extended" },
		{ 3, 3, 1, 4, 0, 288, -EOPNOTSUPP, 0, 0, "extended" },
		{ 3, 1, 16, 4, 0, 288, -EINVAL, 0, 0, "PPI number" },
		{ 3, 0, 988, 4, 0, 0, -EINVAL, 0, 0, "SPI number" },
		{ 3, 0, 256, 4, 0, 288, -EINVAL, 0, 0, "GICD_TYPER" },
		{ 3, 0, 1, 0, 0, 288, -EINVAL, 0, 0, "trigger" },
		{ 3, 0, 1, 3, 0, 288, -EINVAL, 0, 0, "trigger" },
		{ 3, 0, 1, 2, 0, 288, -EINVAL, 0, 0, "on an SPI" },
		{ 3, 0, 1, 8, 0, 288, -EINVAL, 0, 0, "on an SPI" },
		{ 3, 0, 1, 0x10004, 0, 288, -EINVAL, 0, 0, "outside" },
		{ 4, 1, 1, 4, 1, 288, -EOPNOTSUPP, 0, 0, "partition" },
		{ 2, 0, 1, 0, 0, 288, -EINVAL, 0, 0, "interrupt cells" },
	};

	(void)state;
	run_translate(t, sizeof(t) / sizeof(t[0]));
}

static void test_translate_other_controller(void **state)
{
	void *fdt = fixture_load("irq", 0, NULL);
	int gic = node_at(fdt, "/intc@8000000");
	struct irq_dt_spec dt = sentinel_dt();
	struct irq_spec out = { .intid = SENTINEL_CELL };

	(void)state;
	assert_int_equal(irq_dt_get(fdt, node_at(fdt, "/bus/dev@0"), 0, &dt), 0);
	/* Even a specifier that would read as a valid GIC one is refused. */
	dt.ncells = 3;
	dt.cells[0] = 0;
	dt.cells[1] = 1;
	dt.cells[2] = 4;
	log_reset();
	assert_int_equal(irq_dt_translate_gic(fdt, gic, 288, &dt, &out), -EINVAL);
	assert_int_equal(out.intid, SENTINEL_CELL);
	assert_logged("/intc@9000000", "not of the GIC /intc@8000000");
	free(fdt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_gic_root_parent),
		cmocka_unit_test(test_find_gic_v2_skips_disabled),
		cmocka_unit_test(test_find_gic_none),
		cmocka_unit_test(test_get_root_parent),
		cmocka_unit_test(test_get_inherited_through_buses),
		cmocka_unit_test(test_get_extended),
		cmocka_unit_test(test_get_absent_is_silent),
		cmocka_unit_test(test_get_malformed),
		cmocka_unit_test(test_get_short_interrupt_parent),
		cmocka_unit_test(test_get_no_parent_at_all),
		cmocka_unit_test(test_translate_good),
		cmocka_unit_test(test_translate_bad),
		cmocka_unit_test(test_translate_other_controller),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
