/* Recording fake of include/arch/cache.h (see fake_arch.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arch/cache.h>
#include <bits.h>

#include "fake_arch.h"

static struct fake_cache_rec fake_log[FAKE_LOG_MAX];
static size_t fake_n;
static size_t fake_dline = FAKE_DEFAULT_DLINE;
static struct fake_cache_rec expect_log[FAKE_LOG_MAX];
static size_t expect_n;

void fake_arch_reset(void)
{
	fake_n = 0;
	expect_n = 0;
	fake_dline = FAKE_DEFAULT_DLINE;
}

void fake_arch_reset_log(void)
{
	fake_n = 0;
}

void fake_arch_set_dline_size(size_t bytes)
{
	mock_assert(bytes >= 4 && (bytes & (bytes - 1)) == 0, "line size a power of two >= 4",
		    __FILE__, __LINE__);
	fake_dline = bytes;
}

size_t fake_arch_nrecs(void)
{
	return fake_n;
}

const struct fake_cache_rec *fake_arch_recs(void)
{
	return fake_log;
}

const char *fake_cache_op_name(enum fake_cache_op op)
{
	switch (op) {
	case FAKE_CLEAN:
		return "CLEAN";
	case FAKE_INVAL:
		return "INVAL";
	case FAKE_CLEAN_INVAL:
		return "CLEAN_INVAL";
	case FAKE_BARRIER:
		return "BARRIER";
	}
	return "?";
}

static void record(enum fake_cache_op op, uintptr_t addr)
{
	mock_assert(fake_n < FAKE_LOG_MAX, "fake cache log full", __FILE__, __LINE__);
	if (fake_n < FAKE_LOG_MAX)
		fake_log[fake_n++] = (struct fake_cache_rec){ .op = op, .addr = addr };
}

static void range(enum fake_cache_op op, uintptr_t start, uintptr_t end)
{
	uintptr_t a;

	mock_assert(start < end, "cache range start < end", __FILE__, __LINE__);
	for (a = ALIGN_DOWN(start, fake_dline); a < end; a += fake_dline)
		record(op, a);
}

void cache_init(void)
{
}

size_t cache_dline_size(void)
{
	return fake_dline;
}

size_t cache_op_stride(void)
{
	return fake_dline;
}

void dcache_clean_poc(uintptr_t start, uintptr_t end)
{
	range(FAKE_CLEAN, start, end);
}

void dcache_inval_poc(uintptr_t start, uintptr_t end)
{
	mock_assert(IS_ALIGNED(start, fake_dline) && IS_ALIGNED(end, fake_dline),
		    "dcache_inval_poc range line-aligned", __FILE__, __LINE__);
	range(FAKE_INVAL, start, end);
}

void dcache_clean_inval_poc(uintptr_t start, uintptr_t end)
{
	range(FAKE_CLEAN_INVAL, start, end);
}

void dma_barrier_complete(void)
{
	record(FAKE_BARRIER, 0);
}

void fake_expect_reset(void)
{
	expect_n = 0;
}

void fake_expect(enum fake_cache_op op, uintptr_t addr)
{
	mock_assert(expect_n < FAKE_LOG_MAX, "fake expected list full", __FILE__, __LINE__);
	if (expect_n < FAKE_LOG_MAX)
		expect_log[expect_n++] = (struct fake_cache_rec){ .op = op, .addr = addr };
}

size_t fake_expect_count(void)
{
	return expect_n;
}

void fake_arch_check(const char *what)
{
	size_t i;

	for (i = 0; i < fake_n && i < expect_n; i++)
		if (fake_log[i].op != expect_log[i].op || fake_log[i].addr != expect_log[i].addr)
			fail_msg("%s: op %zu is %s 0x%lx, expected %s 0x%lx", what, i,
				 fake_cache_op_name(fake_log[i].op), (unsigned long)fake_log[i].addr,
				 fake_cache_op_name(expect_log[i].op),
				 (unsigned long)expect_log[i].addr);
	if (fake_n != expect_n)
		fail_msg("%s: %zu ops recorded, expected %zu", what, fake_n, expect_n);
	fake_n = 0;
	expect_n = 0;
}
