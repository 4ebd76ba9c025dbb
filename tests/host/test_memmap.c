/*
 * Host tests for mm/memmap.c on .dtb fixtures from tests/fixtures/dt/
 * (rmem-*.dts, one per rule family, each node breaking one rule) and on
 * blobs edited at run time.
 *
 * Every kept region is compared field by field (name, base, size, flags,
 * kind) and every reported problem by its exact path and message, in
 * order, so an extra, a missing or a reworded report fails the test.
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
#include <mm/memmap.h>

#ifndef FIXTURE_DIR
#error "FIXTURE_DIR must name the directory holding the compiled fixtures"
#endif


/* A report whose expected (path, msg) pairs end with NULL. */
struct exp_msg {
	const char *path;
	const char *msg;
};

struct exp_rmem {
	const char *name;
	u64 base, size;
	u32 flags;
	enum rmem_kind kind;
};

static void check_msgs(const struct fixture_msgs *m, const struct exp_msg *exp)
{
	int i, n = 0;

	while (exp[n].path)
		n++;
	for (i = 0; i < m->n || i < n; i++) {
		if (i < m->n && i < n && !strcmp(m->path[i], exp[i].path) &&
		    !strcmp(m->msg[i], exp[i].msg))
			continue;
		print_error("report %d:\n  got:  %s | %s\n  want: %s | %s\n", i,
			    i < m->n ? m->path[i] : "(none)",
			    i < m->n ? m->msg[i] : "",
			    i < n ? exp[i].path : "(none)", i < n ? exp[i].msg : "");
		fail();
	}
}

static void check_rmem(const struct memmap *mm, const struct exp_rmem *exp,
		       int n)
{
	int i;

	assert_int_equal(mm->nr_rmem, n);
	for (i = 0; i < n; i++) {
		const struct rmem *r = &mm->rmem[i];

		assert_string_equal(r->name, exp[i].name);
		assert_int_equal(r->base, exp[i].base);
		assert_int_equal(r->size, exp[i].size);
		assert_int_equal(r->flags, exp[i].flags);
		assert_int_equal(r->kind, exp[i].kind);
		assert_true(r->node > 0);
	}
}

/* Parse @name; compare reports and regions; return the map. */
static struct memmap *run(const char *name, const struct memmap_excl *excl,
			  const struct exp_msg *msgs,
			  const struct exp_rmem *exp, int n)
{
	static struct memmap mm;
	static struct fixture_msgs m;
	void *fdt = fixture_load(name, 0, NULL);
	int nmsgs = 0, ret;

	while (msgs[nmsgs].path)
		nmsgs++;
	memset(&m, 0, sizeof(m));
	memset(&mm, 0xa5, sizeof(mm));
	ret = memmap_parse(fdt, excl, &mm, fixture_record, &m);
	check_msgs(&m, msgs);
	assert_int_equal(ret, nmsgs);
	check_rmem(&mm, exp, n);
	free(fdt);
	return &mm;
}

#define S RMEM_STATIC
#define D RMEM_DYNAMIC
#define NOMAP RMEM_NO_MAP
#define REUSE RMEM_REUSABLE
#define SHARED RMEM_SHARED_DMA_POOL
#define RESTR RMEM_RESTRICTED_DMA_POOL
#define END { NULL, NULL }

/* ---- the valid fixture -------------------------------------------------- */

static void test_good(void **state)
{
	static const struct exp_msg msgs[] = { END };
	static const struct exp_rmem exp[] = {
		{ "nomap@50000000", 0x50000000, 0x100000, NOMAP | SHARED, S },
		{ "cma@52000000", 0x52000000, 0x400000, REUSE | SHARED, S },
		/* 8 MiB, 2 MiB-aligned, highest below the /memreserve/ */
		{ "linux,cma", 0x5f600000, 0x800000,
		  REUSE | SHARED | RMEM_CMA_DEFAULT, D },
		/* highest 4 KiB-aligned hole below linux,cma */
		{ "dma-default", 0x5f400000, 0x200000,
		  NOMAP | SHARED | RMEM_DMA_DEFAULT, D },
		{ "restricted@54000000", 0x54000000, 0x100000, RESTR, S },
		{ "multi@56000000", 0x56000000, 0x1000, NOMAP, S },
		{ "multi@56000000", 0x56100000, 0x2000, NOMAP, S },
	};
	struct memmap_excl excl = {
		.count = 2,
		.range = { { 0x40000000, 0x1000000, "firmware image" },
			   { 0x48000000, 0x1000000, "DTB" } },
	};
	struct memmap *mm;
	void *fdt = fixture_load("rmem-good", 0, NULL);
	u32 ph;

	(void)state;
	mm = run("rmem-good", &excl, msgs, exp, 7);

	assert_int_equal(mm->nr_ram, 1);
	assert_int_equal(mm->ram[0].base, 0x40000000);
	assert_int_equal(mm->ram[0].size, 0x20000000);
	assert_int_equal(mm->nr_rsv, 1);
	assert_int_equal(mm->rsv[0].base, 0x5ff00000);
	assert_int_equal(mm->rsv[0].size, 0x10000);
	assert_int_equal(mm->rsv[0].kind, RMEM_MEMRESERVE);
	assert_int_equal(mm->rsv[0].node, -1);
	assert_int_equal(mm->rmem[2].align, 0x200000);
	assert_int_equal(mm->rmem[3].align, RMEM_DEFAULT_ALIGN);
	assert_int_equal(mm->rmem[0].align, 0);
	/* cleared tail: the 0xa5 fill must not survive past nr_rmem */
	assert_int_equal(mm->rmem[7].size, 0);

	/* lookups */
	ph = fdt_get_phandle(fdt, fdt_path_offset(fdt, "/reserved-memory/restricted@54000000"));
	assert_int_not_equal(ph, 0);
	assert_int_equal(memmap_rmem_index_by_phandle(mm, ph), 4);
	assert_ptr_equal(memmap_rmem_by_phandle(mm, ph), &mm->rmem[4]);
	assert_int_equal(mm->rmem[4].phandle, ph);
	assert_int_equal(memmap_rmem_index_by_phandle(mm, 0), -ENOENT);
	assert_int_equal(memmap_rmem_index_by_phandle(mm, 0x7777), -ENOENT);
	assert_null(memmap_rmem_by_phandle(mm, 0x7777));
	assert_int_equal(memmap_rmem_index_by_node(mm, mm->rmem[5].node), 5);
	assert_int_equal(memmap_rmem_index_by_node(mm, 12345), -ENOENT);
	assert_ptr_equal(memmap_rmem_at(mm, 6), &mm->rmem[6]);
	assert_null(memmap_rmem_at(mm, 7));
	assert_null(memmap_rmem_at(mm, -1));
	assert_ptr_equal(memmap_default_pool(mm, RMEM_CMA_DEFAULT), &mm->rmem[2]);
	assert_ptr_equal(memmap_default_pool(mm, RMEM_DMA_DEFAULT), &mm->rmem[3]);
	assert_int_equal(mm->rmem[5].phandle, 0);
	free(fdt);
}

/* ---- /reserved-memory itself -------------------------------------------- */

static void test_cells(void **state)
{
	static const struct exp_msg msgs[] = {
		{ "/reserved-memory",
		  "#address-cells/#size-cells must be present and equal the root's (2/2); node ignored" },
		END
	};

	(void)state;
	run("rmem-cells", NULL, msgs, NULL, 0);
}

static void test_noranges(void **state)
{
	static const struct exp_msg msgs[] = {
		{ "/reserved-memory", "no ranges property; node ignored" }, END
	};

	(void)state;
	run("rmem-noranges", NULL, msgs, NULL, 0);
}

/* ---- per-node rules ------------------------------------------------------ */

static void test_reg(void **state)
{
	static const struct exp_msg msgs[] = {
		{ "/reserved-memory/badlen@50000000",
		  "reg is not a non-empty multiple of 4 cells (#address-cells + #size-cells)" },
		{ "/reserved-memory/empty",
		  "reg is not a non-empty multiple of 4 cells (#address-cells + #size-cells)" },
		{ "/reserved-memory/zero@51000000",
		  "reg entry 0 has zero size; entry dropped" },
		{ "/reserved-memory/wrap@fffffffffffff000",
		  "reg entry 0 wraps past 2^64; entry dropped" },
		END
	};
	static const struct exp_rmem exp[] = {
		{ "zero@51000000", 0x51100000, 0x1000, 0, S },
		{ "ok@52000000", 0x52000000, 0x1000, 0, S },
	};

	(void)state;
	run("rmem-reg", NULL, msgs, exp, 2);
}

static void test_size(void **state)
{
	static const struct exp_msg msgs[] = {
		{ "/reserved-memory/nothing", "neither reg nor size" },
		{ "/reserved-memory/sizelen",
		  "size must be exactly 2 cells (#size-cells)" },
		{ "/reserved-memory/sizezero", "size is zero" },
		END
	};
	static const struct exp_rmem exp[] = {
		{ "ok", 0x5ffff000, 0x1000, 0, D },
	};

	(void)state;
	run("rmem-size", NULL, msgs, exp, 1);
}

static void test_align(void **state)
{
	static const struct exp_msg msgs[] = {
		{ "/reserved-memory/notpow2",
		  "alignment 0x3000 is not a power of two" },
		{ "/reserved-memory/zero", "alignment 0x0 is not a power of two" },
		{ "/reserved-memory/len",
		  "alignment must be exactly 2 cells (#address-cells)" },
		END
	};
	static const struct exp_rmem exp[] = {
		{ "ok", 0x5ff00000, 0x1000, 0, D },
	};
	struct memmap *mm;

	(void)state;
	mm = run("rmem-align", NULL, msgs, exp, 1);
	assert_int_equal(mm->rmem[0].align, 0x100000);
}

static void test_allocranges(void **state)
{
	static const struct exp_msg msgs[] = {
		{ "/reserved-memory/len",
		  "alloc-ranges is not a non-empty multiple of 4 cells (#address-cells + #size-cells)" },
		{ "/reserved-memory/empty",
		  "alloc-ranges is not a non-empty multiple of 4 cells (#address-cells + #size-cells)" },
		{ "/reserved-memory/wrap", "alloc-ranges entry 1 wraps past 2^64" },
		END
	};
	static const struct exp_rmem exp[] = {
		{ "ok", 0x400ff000, 0x1000, 0, D },
	};

	(void)state;
	run("rmem-allocranges", NULL, msgs, exp, 1);
}

static void test_flags(void **state)
{
	static const char restricted[] =
		"restricted-dma-pool must not be reusable, no-map, linux,cma-default or linux,dma-default";
	static const struct exp_msg msgs[] = {
		{ "/reserved-memory/nomap-reusable@50000000",
		  "no-map and reusable are mutually exclusive" },
		{ "/reserved-memory/restricted-reusable@50100000", restricted },
		{ "/reserved-memory/restricted-nomap@50200000", restricted },
		{ "/reserved-memory/cma-nomap@50400000",
		  "linux,cma-default needs a reusable region (CMA), not no-map or plain" },
		{ "/reserved-memory/cma-nocompat@50800000",
		  "linux,cma-default and linux,dma-default need compatible \"shared-dma-pool\"" },
		{ "/reserved-memory/dma-reusable@50c00000",
		  "linux,dma-default must not be reusable" },
		{ "/reserved-memory/cma-misaligned@51100000",
		  "reusable shared-dma-pool (CMA) base and size must be multiples of 0x200000; entry 0 dropped" },
		{ "/reserved-memory/cma-dynsize",
		  "reusable shared-dma-pool (CMA) size 0x100000 is not a multiple of 0x200000" },
		END
	};
	static const struct exp_rmem exp[] = {
		{ "restricted@52000000", 0x52000000, 0x100000, RESTR, S },
		{ "reusable@53000000", 0x53000000, 0x1000, REUSE, S },
	};

	(void)state;
	run("rmem-flags", NULL, msgs, exp, 2);
}

/* ---- overlaps and RAM ---------------------------------------------------- */

static void test_overlap(void **state)
{
	static const struct exp_msg msgs[] = {
		{ "/reserved-memory/second@440ff000",
		  "overlaps /reserved-memory/first@44000000; dropped (the first in DT order is kept)" },
		{ "/reserved-memory/rsv@44fff000",
		  "overlaps /memreserve/ [0x45000000-0x45000fff]" },
		{ "/reserved-memory/image@40100000",
		  "overlaps the firmware image [0x40080000-0x4027ffff]" },
		{ "/reserved-memory/dtb@48008000",
		  "overlaps the DTB [0x48000000-0x4800ffff]" },
		END
	};
	static const struct exp_rmem exp[] = {
		{ "first@44000000", 0x44000000, 0x100000, 0, S },
		/* overlaps only the dropped second@440ff000: kept */
		{ "third@44100000", 0x44100000, 0x1000, 0, S },
	};
	struct memmap_excl excl = {
		.count = 2,
		.range = { { 0x40080000, 0x200000, "firmware image" },
			   { 0x48000000, 0x10000, "DTB" } },
	};

	(void)state;
	run("rmem-overlap", &excl, msgs, exp, 2);
}

static void test_overlap_no_excl(void **state)
{
	static const struct exp_msg msgs[] = {
		{ "/reserved-memory/second@440ff000",
		  "overlaps /reserved-memory/first@44000000; dropped (the first in DT order is kept)" },
		{ "/reserved-memory/rsv@44fff000",
		  "overlaps /memreserve/ [0x45000000-0x45000fff]" },
		END
	};
	static const struct exp_rmem exp[] = {
		{ "first@44000000", 0x44000000, 0x100000, 0, S },
		{ "third@44100000", 0x44100000, 0x1000, 0, S },
		{ "image@40100000", 0x40100000, 0x1000, 0, S },
		{ "dtb@48008000", 0x48008000, 0x1000, 0, S },
	};
	struct memmap_excl none = { .count = 0 };

	(void)state;
	run("rmem-overlap", NULL, msgs, exp, 4);
	run("rmem-overlap", &none, msgs, exp, 4);
}

static void test_outside(void **state)
{
	static const struct exp_msg msgs[] = {
		{ "/reserved-memory/below@30000000",
		  "[0x30000000-0x30000fff] is not inside a RAM bank" },
		{ "/reserved-memory/straddle@40fff000",
		  "[0x40fff000-0x41000fff] is not inside a RAM bank" },
		{ "/reserved-memory/tail@41fff000",
		  "[0x41fff000-0x42000fff] is not inside a RAM bank" },
		END
	};
	static const struct exp_rmem exp[] = {
		{ "inside@41000000", 0x41000000, 0x1000, 0, S },
	};
	struct memmap *mm;

	(void)state;
	mm = run("rmem-outside", NULL, msgs, exp, 1);
	assert_int_equal(mm->nr_ram, 2);
}

static void test_noram(void **state)
{
	static const struct exp_msg msgs[] = {
		{ "", "no RAM: no available /memory node with a non-empty reg" },
		{ "/reserved-memory/static@40000000",
		  "[0x40000000-0x40000fff] is not inside a RAM bank" },
		{ "/reserved-memory/dynamic",
		  "cannot place 0x1000 bytes aligned to 0x1000 in free RAM" },
		END
	};

	(void)state;
	run("rmem-noram", NULL, msgs, NULL, 0);
}

/* ---- dynamic placement --------------------------------------------------- */

static void test_place(void **state)
{
	static const struct exp_msg msgs[] = {
		{ "/reserved-memory/toobig",
		  "cannot place 0x20000000 bytes aligned to 0x1000 in free RAM" },
		{ "/reserved-memory/nofit-ranges",
		  "cannot place 0x200000 bytes aligned to 0x1000 in free RAM within alloc-ranges" },
		{ "/reserved-memory/hugealign",
		  "cannot place 0x1000 bytes aligned to 0x100000000 in free RAM" },
		END
	};
	static const struct exp_rmem exp[] = {
		/* top of the high bank is static@: just below it */
		{ "top", 0x80e00000, 0x100000, 0, D },
		{ "static@80f00000", 0x80f00000, 0x100000, 0, S },
		/* 16 MiB alignment: only the bank's base qualifies */
		{ "aligned", 0x80000000, 0x1000, 0, D },
		/* first alloc-range has no RAM: top of the second */
		{ "ranged", 0x44ff0000, 0x10000, 0, D },
		/* first alloc-range fits exactly */
		{ "ranged-first", 0x48000000, 0x100000, 0, D },
		/* below top, then below the excluded 0x80d00000+0x80000 */
		{ "top2", 0x80c00000, 0x100000, 0, D },
		/* below the /memreserve/ at 0x4ff00000 */
		{ "rsvavoid", 0x4fe00000, 0x100000, 0, D },
	};
	struct memmap_excl excl = {
		.count = 1,
		.range = { { 0x80d00000, 0x80000, "firmware image" } },
	};

	(void)state;
	run("rmem-place", &excl, msgs, exp, 7);
}

static void test_defaults(void **state)
{
	static const struct exp_msg msgs[] = {
		{ "/reserved-memory/cma2@50000000",
		  "second linux,cma-default region (first is /reserved-memory/cma1); dropped" },
		{ "/reserved-memory/dma2",
		  "second linux,dma-default region (first is /reserved-memory/dma1@51000000); dropped" },
		{ "/reserved-memory/dma3@52000000",
		  "second linux,dma-default region (first is /reserved-memory/dma1@51000000); dropped" },
		END
	};
	static const struct exp_rmem exp[] = {
		{ "cma1", 0x5fe00000, 0x200000, REUSE | SHARED | RMEM_CMA_DEFAULT, D },
		{ "dma1@51000000", 0x51000000, 0x100000,
		  NOMAP | SHARED | RMEM_DMA_DEFAULT, S },
	};

	(void)state;
	run("rmem-defaults", NULL, msgs, exp, 2);
}

static void test_capacity(void **state)
{
	static const struct exp_msg msgs[] = {
		{ "", "17 RAM banks, more than 16; only the lowest 16 are used" },
		{ "", "more than 16 /memreserve/ entries; entry 16 and later ignored" },
		{ "/reserved-memory/r32@40020000", "more than 32 reserved regions; dropped" },
		{ "/reserved-memory/r33@40021000", "more than 32 reserved regions; dropped" },
		END
	};
	static struct exp_rmem exp[MEMMAP_MAX_RMEM];
	static char names[MEMMAP_MAX_RMEM][16];
	struct memmap *mm;
	int i;

	(void)state;
	for (i = 0; i < MEMMAP_MAX_RMEM; i++) {
		snprintf(names[i], sizeof(names[i]), "r%d@%x", i, 0x40000000 + i * 0x1000);
		exp[i] = (struct exp_rmem){ names[i], 0x40000000 + i * 0x1000ULL,
					    0x1000, 0, S };
	}
	mm = run("rmem-capacity", NULL, msgs, exp, MEMMAP_MAX_RMEM);
	assert_int_equal(mm->nr_ram, MEMMAP_MAX_RAM);
	assert_int_equal(mm->ram[15].base, 0x4f000000);
	assert_int_equal(mm->nr_rsv, MEMMAP_MAX_RSV);
	assert_int_equal(mm->rsv[15].base, 0x4100f000);
}

/* ---- blobs edited at run time ------------------------------------------- */

static void test_bad_root_cells(void **state)
{
	struct memmap mm;
	struct fixture_msgs m = { 0 };
	void *fdt = fixture_load("rmem-good", 64, NULL);

	(void)state;
	assert_int_equal(fdt_setprop_u32(fdt, 0, "#address-cells", 3), 0);
	assert_int_equal(memmap_parse(fdt, NULL, &mm, fixture_record, &m), 1);
	check_msgs(&m, (const struct exp_msg[]){
			       { "/", "#address-cells/#size-cells must be 1 or 2 cells; memory map empty" },
			       END });
	assert_int_equal(mm.nr_ram, 0);
	assert_int_equal(mm.nr_rsv, 0);
	assert_int_equal(mm.nr_rmem, 0);
	free(fdt);
}

static void test_bad_memory_reg(void **state)
{
	const fdt32_t reg[3] = { 0, cpu_to_fdt32(0x40000000), 0 };
	struct memmap mm;
	struct fixture_msgs m = { 0 };
	void *fdt = fixture_load("rmem-cells", 64, NULL);

	(void)state;
	assert_int_equal(fdt_setprop(fdt, fdt_path_offset(fdt, "/memory@40000000"),
				     "reg", reg, sizeof(reg)), 0);
	assert_int_equal(memmap_parse(fdt, NULL, &mm, fixture_record, &m), 2);
	check_msgs(&m, (const struct exp_msg[]){
			       { "/memory@40000000", "malformed memory reg or cell counts; no RAM used" },
			       { "/reserved-memory",
				 "#address-cells/#size-cells must be present and equal the root's (2/2); node ignored" },
			       END });
	assert_int_equal(mm.nr_ram, 0);
	free(fdt);
}

static void test_bad_excl_count(void **state)
{
	struct memmap mm;
	struct fixture_msgs m = { 0 };
	struct memmap_excl excl = { .count = MEMMAP_MAX_EXCL + 1 };
	void *fdt = fixture_load("rmem-good", 0, NULL);

	(void)state;
	assert_int_equal(memmap_parse(fdt, &excl, &mm, fixture_record, &m), 1);
	check_msgs(&m, (const struct exp_msg[]){
			       { "", "excl->count 5 is outside 0..4" }, END });
	assert_int_equal(mm.nr_rmem, 0);
	free(fdt);
}

/* No callback: the count is still returned and nothing is called. */
static void test_null_report(void **state)
{
	struct memmap mm;
	void *fdt = fixture_load("rmem-reg", 0, NULL);

	(void)state;
	assert_int_equal(memmap_parse(fdt, NULL, &mm, NULL, NULL), 4);
	assert_int_equal(mm.nr_rmem, 2);
	free(fdt);
}

/* Two calls on one struct: the second starts from scratch. */
static void test_reparse(void **state)
{
	struct memmap mm;
	void *good = fixture_load("rmem-good", 0, NULL), *reg = fixture_load("rmem-reg", 0, NULL);

	(void)state;
	assert_int_equal(memmap_parse(good, NULL, &mm, NULL, NULL), 0);
	assert_int_equal(mm.nr_rmem, 7);
	assert_int_equal(memmap_parse(reg, NULL, &mm, NULL, NULL), 4);
	assert_int_equal(mm.nr_rmem, 2);
	assert_int_equal(mm.nr_rsv, 0);
	free(good);
	free(reg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_noranges),
		cmocka_unit_test(test_reg),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_align),
		cmocka_unit_test(test_allocranges),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_overlap_no_excl),
		cmocka_unit_test(test_outside),
		cmocka_unit_test(test_noram),
		cmocka_unit_test(test_place),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_capacity),
		cmocka_unit_test(test_bad_root_cells),
		cmocka_unit_test(test_bad_memory_reg),
		cmocka_unit_test(test_bad_excl_count),
		cmocka_unit_test(test_null_report),
		cmocka_unit_test(test_reparse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
