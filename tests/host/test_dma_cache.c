/*
 * Host tests for mm/dma_cache.c against the recording fake (fake_arch.c).
 *
 * The expected operation list is computed here by a per-line reference:
 * walk every line that holds a byte of the range and decide its op from
 * Linux arm64's rules alone (map: clean; unmap: nothing for TO_DEVICE,
 * otherwise invalidate a line the range covers wholly and clean+invalidate
 * one it covers partly). The list recorded by the fake must be identical:
 * same lines, same op, same order, no barrier inside a batch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <arch/cache.h>
#include <mm/dma_cache.h>

#include "fake_arch.h"

enum phase { MAP, UNMAP };

/* The reference: one decision per line, from the rules in the file comment. */
static void exp_range(enum phase ph, uintptr_t va, size_t size, enum dma_data_direction dir,
		      size_t line)
{
	uintptr_t end = va + size, l;

	if (size == 0)
		return;
	if (ph == UNMAP && dir == DMA_TO_DEVICE)
		return;
	for (l = va - va % line; l < end; l += line) {
		bool whole = l >= va && l + line <= end;

		if (ph == MAP)
			fake_expect(FAKE_CLEAN, l);
		else
			fake_expect(whole ? FAKE_INVAL : FAKE_CLEAN_INVAL, l);
	}
}

static const enum dma_data_direction dirs[] = { DMA_BIDIRECTIONAL, DMA_TO_DEVICE,
						 DMA_FROM_DEVICE };
static const char *const dir_names[] = { "BIDIRECTIONAL", "TO_DEVICE", "FROM_DEVICE" };

/* Sizes around line boundaries and larger blocks, for line size @l. */
static size_t sizes_for(size_t l, size_t *out)
{
	size_t s[] = { 0, 1, 2, l - 1, l, l + 1, 2 * l - 1, 2 * l, 2 * l + 1, 3 * l,
		       4096 - 1, 4096, 4096 + 3, 64 * l, 64 * l + 1, 65 * l, 65536, 65536 + 7 };

	memcpy(out, s, sizeof(s));
	return sizeof(s) / sizeof(s[0]);
}

/*
 * Every direction x size x start alignment, map and unmap separately, at
 * line size @line and two base addresses (one far above 4 GiB).
 */
static void matrix(size_t line)
{
	const uintptr_t bases[] = { 0x40000000, 0xffff000012340000 };
	size_t offs[] = { 0, 1, line / 2, line - 1 };
	size_t sizes[32], ns = sizes_for(line, sizes);
	size_t b, d, si, o;
	char what[160];

	for (b = 0; b < sizeof(bases) / sizeof(bases[0]); b++)
		for (d = 0; d < 3; d++)
			for (si = 0; si < ns; si++)
				for (o = 0; o < 4; o++) {
					uintptr_t va = bases[b] + offs[o];
					size_t size = sizes[si];

					snprintf(what, sizeof(what),
						 "line %zu %s va 0x%lx size %zu", line,
						 dir_names[d], (unsigned long)va, size);

					fake_arch_reset();
					fake_arch_set_dline_size(line);
					fake_expect_reset();
					dma_cache_for_device(va, size, dirs[d]);
					exp_range(MAP, va, size, dirs[d], line);
					fake_arch_check(what);

					fake_arch_reset();
					fake_arch_set_dline_size(line);
					fake_expect_reset();
					dma_cache_for_cpu(va, size, dirs[d]);
					exp_range(UNMAP, va, size, dirs[d], line);
					fake_arch_check(what);
				}
}

static void test_matrix_line64(void **state)
{
	(void)state;
	matrix(64);
}

static void test_matrix_line32(void **state)
{
	(void)state;
	matrix(32);
}

static void test_matrix_line128(void **state)
{
	(void)state;
	matrix(128);
}

static void test_matrix_line16(void **state)
{
	(void)state;
	matrix(16);
}

/* Hand-written cases: the reference itself must say what Linux does. */
static void test_directed(void **state)
{
	(void)state;

	/* 1 byte in the middle of a line: one clean+invalidate, never an invalidate. */
	fake_arch_reset();
	dma_cache_for_cpu(0x1020, 1, DMA_FROM_DEVICE);
	assert_int_equal(fake_arch_nrecs(), 1);
	assert_int_equal(fake_arch_recs()[0].op, FAKE_CLEAN_INVAL);
	assert_int_equal(fake_arch_recs()[0].addr, 0x1000);

	/* One whole line: invalidate only. */
	fake_arch_reset();
	dma_cache_for_cpu(0x1000, 64, DMA_BIDIRECTIONAL);
	assert_int_equal(fake_arch_nrecs(), 1);
	assert_int_equal(fake_arch_recs()[0].op, FAKE_INVAL);

	/* 0x1001..0x10c1: partial, whole, partial. */
	fake_arch_reset();
	dma_cache_for_cpu(0x1001, 0xc0, DMA_FROM_DEVICE);
	assert_int_equal(fake_arch_nrecs(), 4);
	assert_int_equal(fake_arch_recs()[0].op, FAKE_CLEAN_INVAL);
	assert_int_equal(fake_arch_recs()[0].addr, 0x1000);
	assert_int_equal(fake_arch_recs()[1].op, FAKE_INVAL);
	assert_int_equal(fake_arch_recs()[1].addr, 0x1040);
	assert_int_equal(fake_arch_recs()[2].op, FAKE_INVAL);
	assert_int_equal(fake_arch_recs()[2].addr, 0x1080);
	assert_int_equal(fake_arch_recs()[3].op, FAKE_CLEAN_INVAL);
	assert_int_equal(fake_arch_recs()[3].addr, 0x10c0);

	/* Map FROM_DEVICE cleans (arm64), it does not invalidate. */
	fake_arch_reset();
	dma_cache_for_device(0x2000, 128, DMA_FROM_DEVICE);
	assert_int_equal(fake_arch_nrecs(), 2);
	assert_int_equal(fake_arch_recs()[0].op, FAKE_CLEAN);
	assert_int_equal(fake_arch_recs()[1].op, FAKE_CLEAN);
	assert_int_equal(fake_arch_recs()[1].addr, 0x2040);
}

/* Nothing at all for size 0 (any direction, any phase) or a TO_DEVICE unmap. */
static void test_nothing(void **state)
{
	size_t d;

	(void)state;
	for (d = 0; d < 3; d++) {
		fake_arch_reset();
		dma_cache_for_device(0x1003, 0, dirs[d]);
		dma_cache_for_cpu(0x1003, 0, dirs[d]);
		dma_cache_for_device_complete(0x1003, 0, dirs[d]);
		dma_cache_for_cpu_complete(0x1003, 0, dirs[d]);
		assert_int_equal(fake_arch_nrecs(), 0);
	}
	fake_arch_reset();
	dma_cache_for_cpu(0x1003, 4096, DMA_TO_DEVICE);
	dma_cache_for_cpu_complete(0x1003, 4096, DMA_TO_DEVICE);
	assert_int_equal(fake_arch_nrecs(), 0);
}

/*
 * A batch (scatterlist-like) issues no barrier; the caller's one
 * dma_barrier_complete() is the only one, last.
 */
static void test_batch_one_barrier(void **state)
{
	static const struct {
		uintptr_t va;
		size_t size;
	} sg[] = { { 0x10000, 4096 }, { 0x20010, 100 }, { 0x3003f, 1 }, { 0x40000, 65536 + 5 } };
	size_t i;

	(void)state;
	fake_arch_reset();
	fake_expect_reset();
	for (i = 0; i < sizeof(sg) / sizeof(sg[0]); i++) {
		dma_cache_for_device(sg[i].va, sg[i].size, DMA_BIDIRECTIONAL);
		exp_range(MAP, sg[i].va, sg[i].size, DMA_BIDIRECTIONAL, 64);
	}
	dma_barrier_complete();
	fake_expect(FAKE_BARRIER, 0);
	fake_arch_check("sg map");

	fake_arch_reset();
	fake_expect_reset();
	for (i = 0; i < sizeof(sg) / sizeof(sg[0]); i++) {
		dma_cache_for_cpu(sg[i].va, sg[i].size, DMA_FROM_DEVICE);
		exp_range(UNMAP, sg[i].va, sg[i].size, DMA_FROM_DEVICE, 64);
	}
	dma_barrier_complete();
	fake_expect(FAKE_BARRIER, 0);
	fake_arch_check("sg unmap");
}

/* The *_complete() variants: the range, then exactly one barrier. */
static void test_complete_variants(void **state)
{
	size_t d;
	char what[64];

	(void)state;
	for (d = 0; d < 3; d++) {
		snprintf(what, sizeof(what), "for_device_complete %s", dir_names[d]);
		fake_arch_reset();
		fake_expect_reset();
		dma_cache_for_device_complete(0x5021, 300, dirs[d]);
		exp_range(MAP, 0x5021, 300, dirs[d], 64);
		fake_expect(FAKE_BARRIER, 0);
		fake_arch_check(what);

		snprintf(what, sizeof(what), "for_cpu_complete %s", dir_names[d]);
		fake_arch_reset();
		fake_expect_reset();
		dma_cache_for_cpu_complete(0x5021, 300, dirs[d]);
		exp_range(UNMAP, 0x5021, 300, dirs[d], 64);
		if (dirs[d] != DMA_TO_DEVICE)
			fake_expect(FAKE_BARRIER, 0);
		fake_arch_check(what);
	}
}

/*
 * An assertion of the policy itself (not the fake's contract check, which a
 * bad range would also trip) must fire: compare the failed expression.
 */
#define expect_policy_assert(call, expr)                                \
	do {                                                            \
		global_last_failed_assert = NULL;                       \
		expect_assert_failure(call);                            \
		assert_non_null(global_last_failed_assert);             \
		assert_string_equal(global_last_failed_assert, expr);   \
	} while (0)

/* Programmer errors are assertions: DMA_NONE, an unknown value, a wrapping range. */
static void test_misuse_asserts(void **state)
{
	(void)state;
	fake_arch_reset();
	expect_policy_assert(dma_cache_for_device(0x1000, 64, DMA_NONE), "dma_direction_valid(dir)");
	expect_policy_assert(dma_cache_for_cpu(0x1000, 64, DMA_NONE), "dma_direction_valid(dir)");
	expect_policy_assert(dma_cache_for_cpu(0x1000, 64, (enum dma_data_direction)7),
			     "dma_direction_valid(dir)");
	expect_policy_assert(dma_cache_for_device(UINTPTR_MAX - 10, 64, DMA_TO_DEVICE),
			     "va + size >= va");
	expect_policy_assert(dma_cache_for_cpu(UINTPTR_MAX - 63, 64, DMA_FROM_DEVICE),
			     "va + size >= va");
	assert_int_equal(fake_arch_nrecs(), 0);
}

/* The fake enforces cache.h's contract, so a policy bug cannot hide behind it. */
static void test_fake_contract(void **state)
{
	(void)state;
	fake_arch_reset();
	expect_assert_failure(dcache_inval_poc(0x1001, 0x1040));
	expect_assert_failure(dcache_inval_poc(0x1000, 0x1041));
	expect_assert_failure(dcache_clean_poc(0x1000, 0x1000));
	expect_assert_failure(dcache_clean_inval_poc(0x1040, 0x1000));
	assert_int_equal(fake_arch_nrecs(), 0);

	/* And records per line, aligned down, for unaligned clean ranges. */
	dcache_clean_poc(0x103f, 0x1041);
	assert_int_equal(fake_arch_nrecs(), 2);
	assert_int_equal(fake_arch_recs()[0].addr, 0x1000);
	assert_int_equal(fake_arch_recs()[1].addr, 0x1040);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix_line64),
		cmocka_unit_test(test_matrix_line32),
		cmocka_unit_test(test_matrix_line128),
		cmocka_unit_test(test_matrix_line16),
		cmocka_unit_test(test_directed),
		cmocka_unit_test(test_nothing),
		cmocka_unit_test(test_batch_one_barrier),
		cmocka_unit_test(test_complete_variants),
		cmocka_unit_test(test_misuse_asserts),
		cmocka_unit_test(test_fake_contract),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
