/*
 * Host tests for mm/dmapool.c: the driver-facing dma_pool_* over
 * mm/blockpool.c, with what it calls faked here:
 *
 *   dma_alloc_coherent()   host memory aligned to its size, handle = CPU
 *                          address + DMA_OFFSET; can be made to fail
 *   dma_free_coherent()    checks the handle, counts
 *   page_alloc/page_free   host memory, counted (the pool's own metadata)
 *   dma_debug_report()     records the last report (and counts them)
 *
 * What the driver sees is checked: blocks, handles, alignment and
 * boundary; bad frees reported and not acted on; leaks reported at
 * destroy; every chunk and page given back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dma.h>
#include <fmt.h>
#include <layout.h>
#include <mm/dma_internal.h>
#include <mm/page_alloc.h>

#define DMA_OFFSET 0x40000000000ULL

static struct {
	unsigned int coherent_live, coherent_fail_after, pages_live, reports;
	bool fail;
	char last[256];
} fk;

void *dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *handle, gfp_t gfp)
{
	void *p;

	(void)dev;
	(void)gfp;
	if (fk.fail)
		return NULL;
	p = aligned_alloc(size, size);
	assert_non_null(p);
	memset(p, 0, size);
	*handle = (u64)(uintptr_t)p + DMA_OFFSET;
	fk.coherent_live++;
	return p;
}

void dma_free_coherent(struct device *dev, size_t size, void *cpu, dma_addr_t handle)
{
	(void)dev;
	(void)size;
	assert_int_equal(handle, (u64)(uintptr_t)cpu + DMA_OFFSET);
	assert_true(fk.coherent_live > 0);
	fk.coherent_live--;
	free(cpu);
}

void *page_alloc(unsigned int order)
{
	void *p = aligned_alloc(PAGE_SIZE << order, PAGE_SIZE << order);

	assert_non_null(p);
	memset(p, 0, PAGE_SIZE << order);
	fk.pages_live++;
	return p;
}

int page_free(void *page)
{
	assert_true(fk.pages_live > 0);
	fk.pages_live--;
	free(page);
	return 0;
}

void dma_debug_report(const struct device *dev, const char *fmt, ...)
{
	va_list ap;

	(void)dev;
	va_start(ap, fmt);
	fmt_vsnprintf(fk.last, sizeof(fk.last), fmt, ap);
	va_end(ap);
	fk.reports++;
}

static struct device dev = { .name = "/test" };

static int setup(void **state)
{
	(void)state;
	memset(&fk, 0, sizeof(fk));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(fk.coherent_live, 0);
	assert_int_equal(fk.pages_live, 0);
	return 0;
}

static void test_create_invalid(void **state)
{
	(void)state;
	assert_null(dma_pool_create("bad", &dev, 0, 8, 0));
	assert_int_equal(fk.reports, 1);
	assert_non_null(strstr(fk.last, "dma_pool_create(bad): invalid size 0"));
	assert_null(dma_pool_create("bad", &dev, 64, 24, 0));
	assert_null(dma_pool_create("bad", &dev, 64, 8, 32));
	assert_int_equal(fk.reports, 3);
	dma_pool_destroy(NULL);
}

/* 48-byte blocks, 16-aligned, never across 256: the self-test's pool. */
static void test_blocks(void **state)
{
	struct dma_pool *pool = dma_pool_create("st", &dev, 48, 16, 256);
	void *cpu[300];
	dma_addr_t dma[300];
	unsigned int i, j;

	(void)state;
	assert_non_null(pool);
	for (i = 0; i < 300; i++) {
		cpu[i] = dma_pool_alloc(pool, GFP_KERNEL, &dma[i]);
		assert_non_null(cpu[i]);
		assert_int_equal(dma[i], (u64)(uintptr_t)cpu[i] + DMA_OFFSET);
		assert_true(IS_ALIGNED(dma[i], 16));
		assert_int_equal(dma[i] / 256, (dma[i] + 47) / 256);
		memset(cpu[i], (int)i, 48);
		for (j = 0; j < i; j++)
			assert_true(dma[j] + 48 <= dma[i] || dma[i] + 48 <= dma[j]);
	}
	/* 5 blocks per 256 bytes: 80 per 4 KiB chunk, 4 chunks. */
	assert_int_equal(fk.coherent_live, 4);
	for (i = 0; i < 300; i++) {
		for (j = 0; j < 48; j++)
			assert_int_equal(((u8 *)cpu[i])[j], (u8)i);
		dma_pool_free(pool, cpu[i], dma[i]);
	}
	assert_int_equal(fk.reports, 0);
	dma_pool_destroy(pool);
	assert_int_equal(fk.reports, 0);
}

static void test_bad_frees_reported(void **state)
{
	struct dma_pool *pool = dma_pool_create("p", &dev, 64, 64, 0);
	struct dma_pool *other = dma_pool_create("q", &dev, 64, 64, 0);
	dma_addr_t a_dma, b_dma, o_dma, again_dma;
	void *a = dma_pool_alloc(pool, GFP_KERNEL, &a_dma);
	void *b = dma_pool_alloc(pool, GFP_KERNEL, &b_dma);
	void *o = dma_pool_alloc(other, GFP_KERNEL, &o_dma);
	char want[160];

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(o);

	/* Misaligned to the block size, inside a chunk. */
	dma_pool_free(pool, (u8 *)a + 32, a_dma + 32);
	assert_int_equal(fk.reports, 1);
	fmt_snprintf(want, sizeof(want),
		     "dma_pool_free(p) of %p (handle 0x%llx): not a live block",
		     (void *)((u8 *)a + 32), (unsigned long long)a_dma + 32);
	assert_string_equal(fk.last, want);
	/* Another pool's block. */
	dma_pool_free(pool, o, o_dma);
	assert_int_equal(fk.reports, 2);
	assert_non_null(strstr(fk.last, "not a live block"));
	/* The right block, the wrong handle: reported, not freed. */
	dma_pool_free(pool, a, b_dma);
	assert_int_equal(fk.reports, 3);
	fmt_snprintf(want, sizeof(want),
		     "dma_pool_free(p) of %p: handle 0x%llx is not the block's, not freed", a,
		     (unsigned long long)b_dma);
	assert_string_equal(fk.last, want);
	/* Double free. */
	dma_pool_free(pool, b, b_dma);
	assert_int_equal(fk.reports, 3);
	dma_pool_free(pool, b, b_dma);
	assert_int_equal(fk.reports, 4);
	assert_non_null(strstr(fk.last, "not a live block"));
	dma_pool_free(pool, NULL, 0);
	assert_int_equal(fk.reports, 5);

	/* None of it disturbed the pool: b comes back, a is still live. */
	assert_ptr_equal(dma_pool_alloc(pool, GFP_KERNEL, &again_dma), b);
	assert_int_equal(again_dma, b_dma);
	dma_pool_free(pool, b, b_dma);
	dma_pool_free(pool, a, a_dma);
	dma_pool_free(other, o, o_dma);
	assert_int_equal(fk.reports, 5);
	dma_pool_destroy(pool);
	dma_pool_destroy(other);
	assert_int_equal(fk.reports, 5);
}

static void test_leaks_and_failures(void **state)
{
	struct dma_pool *pool = dma_pool_create("leaky", &dev, 1024, 0, 0);
	dma_addr_t dma = 0x1234, d;
	void *blk[5];
	unsigned int i;

	(void)state;
	assert_non_null(pool);
	fk.fail = true;
	assert_null(dma_pool_alloc(pool, GFP_KERNEL, &dma));
	assert_int_equal(dma, 0x1234); /* untouched on failure */
	fk.fail = false;
	for (i = 0; i < 5; i++)
		assert_non_null(blk[i] = dma_pool_alloc(pool, GFP_KERNEL, &d));
	assert_int_equal(fk.coherent_live, 2);
	dma_pool_free(pool, blk[1], (u64)(uintptr_t)blk[1] + DMA_OFFSET);
	assert_int_equal(fk.reports, 0);
	dma_pool_destroy(pool);
	assert_int_equal(fk.reports, 1);
	assert_string_equal(fk.last, "dma_pool_destroy(leaky): 4 blocks still allocated");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_frees_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_leaks_and_failures, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
