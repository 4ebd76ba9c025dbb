/*
 * The DMA API itself (mm/dma.c) with mm/swiotlb.c, mm/dma_debug.c and
 * mm/dma_cache.c, on the host: the recording fake of arch/cache.h proves
 * which lines each call cleaned or invalidated and where the one DSB of a
 * batch went; "physical" memory, pools and the remap window are host
 * memory (tests/host/fake_dma_env.c). Expected cache-op lists are computed
 * here line by line, independently of mm/dma_cache.c's range arithmetic,
 * and compared with the log by fake_arch_check().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <arch/cache.h>
#include <mm/mmu.h>

#include "fake_arch.h"
#include "fake_dma_env.h"

static const enum dma_data_direction dirs[] = { DMA_TO_DEVICE, DMA_FROM_DEVICE,
						DMA_BIDIRECTIONAL };

/* --- expected cache-op lists ------------------------------------------------ */

/* Every line holding a byte of [start, start + size), cleaned. */
static void exp_clean(uintptr_t start, size_t size)
{
	size_t line = cache_dline_size();
	uintptr_t a;

	for (a = start & ~(line - 1); a < start + size; a += line)
		fake_expect(FAKE_CLEAN, a);
}

/* Every line of [start, start + size): invalidated if wholly inside, else cleaned+invalidated. */
static void exp_inval(uintptr_t start, size_t size)
{
	size_t line = cache_dline_size();
	uintptr_t a, end = start + size;

	for (a = start & ~(line - 1); a < end; a += line)
		fake_expect(a >= start && a + line <= end ? FAKE_INVAL : FAKE_CLEAN_INVAL, a);
}

static void exp_clean_inval(uintptr_t start, size_t size)
{
	size_t line = cache_dline_size();
	uintptr_t a;

	for (a = start & ~(line - 1); a < start + size; a += line)
		fake_expect(FAKE_CLEAN_INVAL, a);
}

static void exp_barrier(void)
{
	fake_expect(FAKE_BARRIER, 0);
}

/* --- set-up -------------------------------------------------------------------- */

static struct device nc_dev, coh_dev;

static int setup(void **state)
{
	(void)state;
	fake_dma_env_reset();
	fake_arch_reset();
	fake_dev_init(&nc_dev, "/test/noncoherent", false);
	fake_dev_init(&coh_dev, "/test/coherent", true);
	assert_int_equal(dma_debug_live(NULL), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	/* Nothing a test made may stay live: dma-debug's table outlives the test. */
	assert_int_equal(dma_debug_release(&nc_dev) + dma_debug_release(&coh_dev), 0);
	assert_int_equal(dma_debug_live(NULL), 0);
	assert_int_equal(dma_default_swiotlb->used_slabs, 0);
	assert_int_equal(fake_restricted->used_slabs, 0);
	assert_int_equal(fake_remap_live(), 0);
	return 0;
}

static u8 *buf_at(size_t off)
{
	return (u8 *)(FAKE_BUFS + off);
}

static bool contains(const char *s, const char *sub)
{
	return strstr(s, sub) != NULL;
}

/* The last dma-debug report is exactly "<dev>: <what>", and went to the console. */
static void check_report(const struct device *dev, const char *what)
{
	char want[256], line[300];

	snprintf(want, sizeof(want), "%s: %s", dev->name, what);
	assert_string_equal(dma_debug_last(), want);
	snprintf(line, sizeof(line), "dma-debug: %s\n", want);
	if (!contains(fake_console(), line))
		fail_msg("console lacks \"%s\":\n%s", line, fake_console());
}

/* --- streaming: cache maintenance per direction -------------------------------- */

static const struct {
	size_t off, size;
} shapes[] = {
	{ 0, 4096 },	/* whole lines */
	{ 10, 200 },	/* partial first and last line */
	{ 64, 128 },	/* aligned, two lines */
	{ 63, 2 },	/* straddles one boundary: two partial lines */
	{ 5, 50 },	/* inside one line, touching neither end */
	{ 0, 100 },	/* aligned start, partial last */
	{ 30, 98 },	/* partial first, aligned end */
};

/* map: clean every line + one DSB; unmap: invalidate (edges clean+inval) + one DSB unless TO_DEVICE. */
static void test_map_single_per_direction(void **state)
{
	unsigned int d, s;

	(void)state;
	for (d = 0; d < 3; d++) {
		for (s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
			u8 *buf = buf_at(0x1000 + shapes[s].off);
			size_t size = shapes[s].size;
			dma_addr_t dma = dma_map_single(&nc_dev, buf, size, dirs[d]);
			char what[64];

			snprintf(what, sizeof(what), "dir %d off %zu size %zu", dirs[d], shapes[s].off,
				 size);
			assert_int_equal(dma_mapping_error(&nc_dev, dma), 0);
			assert_int_equal(dma, (uintptr_t)buf);
			exp_clean((uintptr_t)buf, size);
			exp_barrier();
			fake_arch_check(what);
			dma_unmap_single(&nc_dev, dma, size, dirs[d]);
			if (dirs[d] != DMA_TO_DEVICE) {
				exp_inval((uintptr_t)buf, size);
				exp_barrier();
			}
			fake_arch_check(what);
		}
	}
}

/* dma_map_page/unmap_page: the same rules on page + offset. */
static void test_map_page(void **state)
{
	dma_addr_t dma;

	(void)state;
	dma = dma_map_page(&nc_dev, FAKE_BUFS + 0x2000, 0x30, 0x1000, DMA_FROM_DEVICE);
	assert_int_equal(dma_mapping_error(&nc_dev, dma), 0);
	assert_int_equal(dma, FAKE_BUFS + 0x2030);
	exp_clean(FAKE_BUFS + 0x2030, 0x1000);
	exp_barrier();
	fake_arch_check("map_page");
	dma_unmap_page(&nc_dev, dma, 0x1000, DMA_FROM_DEVICE);
	exp_inval(FAKE_BUFS + 0x2030, 0x1000);
	exp_barrier();
	fake_arch_check("unmap_page");
}

/* Partial syncs: exactly the lines of the synced part, one DSB each call. */
static void test_sync_single(void **state)
{
	unsigned int d;

	(void)state;
	for (d = 0; d < 3; d++) {
		u8 *buf = buf_at(0x4000);
		dma_addr_t dma = dma_map_single(&nc_dev, buf, 4096, dirs[d]);

		assert_int_equal(dma_mapping_error(&nc_dev, dma), 0);
		fake_arch_reset_log();
		dma_sync_single_for_cpu(&nc_dev, dma + 100, 300, dirs[d]);
		if (dirs[d] != DMA_TO_DEVICE) {
			exp_inval((uintptr_t)buf + 100, 300);
			exp_barrier();
		}
		fake_arch_check("sync_for_cpu");
		dma_sync_single_for_device(&nc_dev, dma + 100, 300, dirs[d]);
		exp_clean((uintptr_t)buf + 100, 300);
		exp_barrier();
		fake_arch_check("sync_for_device");
		dma_unmap_single(&nc_dev, dma, 4096, dirs[d]);
		fake_arch_reset_log();
	}
}

/* The line size comes from the arch layer (CTR_EL0.DminLine), not a constant. */
static void test_line_size_128(void **state)
{
	u8 *buf = buf_at(0x1000 + 100);
	dma_addr_t dma;

	(void)state;
	fake_arch_set_dline_size(128);
	dma = dma_map_single(&nc_dev, buf, 300, DMA_FROM_DEVICE);
	assert_int_equal(dma_mapping_error(&nc_dev, dma), 0);
	exp_clean((uintptr_t)buf, 300);
	exp_barrier();
	assert_int_equal(fake_expect_count(), 5); /* [0x1064, 0x1190): 0x1000 .. 0x1180 + DSB */
	fake_arch_check("map, 128-byte lines");
	dma_unmap_single(&nc_dev, dma, 300, DMA_FROM_DEVICE);
	fake_expect(FAKE_CLEAN_INVAL, FAKE_BUFS + 0x1000);
	fake_expect(FAKE_INVAL, FAKE_BUFS + 0x1080);
	fake_expect(FAKE_INVAL, FAKE_BUFS + 0x1100);
	fake_expect(FAKE_CLEAN_INVAL, FAKE_BUFS + 0x1180);
	exp_barrier();
	fake_arch_check("unmap, 128-byte lines");
}

/* A dma-coherent device: no cache operation and no barrier, whatever the call. */
static void test_coherent_device_records_nothing(void **state)
{
	unsigned int d, pass;

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		dma_debug_set(pass == 0); /* the full path, then the fast path */
		for (d = 0; d < 3; d++) {
			struct scatterlist sg[2];
			dma_addr_t dma = dma_map_single(&coh_dev, buf_at(10), 200, dirs[d]);

			assert_int_equal(dma_mapping_error(&coh_dev, dma), 0);
			dma_sync_single_for_cpu(&coh_dev, dma, 200, dirs[d]);
			dma_sync_single_for_device(&coh_dev, dma, 200, dirs[d]);
			dma_unmap_single(&coh_dev, dma, 200, dirs[d]);
			sg_set_buf(&sg[0], buf_at(0x1000), 100);
			sg_set_buf(&sg[1], buf_at(0x3003), 5000);
			assert_int_equal(dma_map_sg(&coh_dev, sg, 2, dirs[d]), 2);
			dma_sync_sg_for_cpu(&coh_dev, sg, 2, dirs[d]);
			dma_sync_sg_for_device(&coh_dev, sg, 2, dirs[d]);
			dma_unmap_sg(&coh_dev, sg, 2, dirs[d]);
			fake_arch_check("coherent device");
		}
	}
	dma_debug_set(true);
}

/* What a whole list costs: each entry's lines (clean, or invalidate for the CPU), one DSB. */
static void exp_sg(const struct scatterlist *sg, int n, bool for_cpu, enum dma_data_direction dir)
{
	int i;

	if (for_cpu && dir == DMA_TO_DEVICE)
		return;
	for (i = 0; i < n; i++) {
		if (for_cpu)
			exp_inval(sg[i].phys, sg[i].length);
		else
			exp_clean(sg[i].phys, sg[i].length);
	}
	exp_barrier();
}

/* A scatterlist is one batch: every entry's lines, then exactly one DSB. */
static void test_sg_one_barrier_per_batch(void **state)
{
	struct scatterlist sg[3];
	unsigned int d, i;

	(void)state;
	for (d = 0; d < 3; d++) {
		sg_set_buf(&sg[0], buf_at(0x1000 + 7), 100);
		sg_set_buf(&sg[1], buf_at(0x3000), 4096);
		sg_set_buf(&sg[2], buf_at(0x9000 + 4000), 300);
		assert_int_equal(dma_map_sg(&nc_dev, sg, 3, dirs[d]), 3);
		for (i = 0; i < 3; i++)
			assert_int_equal(sg[i].dma_address, sg[i].phys);
		exp_sg(sg, 3, false, dirs[d]);
		fake_arch_check("map_sg");
		dma_sync_sg_for_device(&nc_dev, sg, 3, dirs[d]);
		exp_sg(sg, 3, false, dirs[d]);
		fake_arch_check("sync_sg_for_device");
		dma_sync_sg_for_cpu(&nc_dev, sg, 3, dirs[d]);
		exp_sg(sg, 3, true, dirs[d]);
		fake_arch_check("sync_sg_for_cpu");
		dma_unmap_sg(&nc_dev, sg, 3, dirs[d]);
		exp_sg(sg, 3, true, dirs[d]);
		fake_arch_check("unmap_sg");
	}
}

/* --- swiotlb bounce -------------------------------------------------------------- */

static void fill(u8 *p, size_t n, u8 seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (u8)(i * 7 + seed);
}

static bool is_filled(const u8 *p, size_t n, u8 seed, size_t first)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (u8)((first + i) * 7 + seed))
			return false;
	return true;
}

/* A mask that reaches the default swiotlb (lowest) but no test buffer. */
static void small_mask(struct device *dev)
{
	assert_int_equal(dma_set_mask(dev, FAKE_SWIOTLB + FAKE_SWIOTLB_SIZE - 1), 0);
}

/* Map @n bytes at @buf under small_mask(): the mapping must succeed in the default swiotlb. */
static dma_addr_t map_bounced(struct device *dev, u8 *buf, size_t n, enum dma_data_direction dir)
{
	dma_addr_t dma;

	small_mask(dev);
	dma = dma_map_single(dev, buf, n, dir);
	assert_int_equal(dma_mapping_error(dev, dma), 0);
	assert_true(swiotlb_owns(dma_default_swiotlb, dma));
	return dma;
}

/* TO_DEVICE copies into the slot at map and never back. */
static void test_bounce_to_device(void **state)
{
	u8 *buf = buf_at(0x100);
	u8 *slot;
	dma_addr_t dma;

	(void)state;
	fill(buf, 3000, 1);
	dma = map_bounced(&coh_dev, buf, 3000, DMA_TO_DEVICE);
	slot = (u8 *)(uintptr_t)dma;
	assert_true(is_filled(slot, 3000, 1, 0));
	assert_int_equal(dma_default_swiotlb->used_slabs, 2); /* 3000 bytes: two 2 KiB slots */
	fill(buf, 3000, 9);				      /* the CPU changes it: sync copies again */
	dma_sync_single_for_device(&coh_dev, dma + 100, 200, DMA_TO_DEVICE);
	assert_true(is_filled(slot + 100, 200, 9, 100));
	assert_true(is_filled(slot, 100, 1, 0) && is_filled(slot + 300, 2700, 1, 300));
	memset(slot, 0x55, 3000); /* whatever the device does to the slot ... */
	dma_sync_single_for_cpu(&coh_dev, dma, 3000, DMA_TO_DEVICE);
	dma_unmap_single(&coh_dev, dma, 3000, DMA_TO_DEVICE);
	assert_true(is_filled(buf, 3000, 9, 0)); /* ... never comes back */
	assert_int_equal(dma_default_swiotlb->used_slabs, 0);
	fake_arch_check("coherent bounce");
}

/* FROM_DEVICE: copied in at map (no stale slot data), back at sync_for_cpu and unmap only. */
static void test_bounce_from_device(void **state)
{
	u8 *buf = buf_at(0x200);
	u8 *slot;
	dma_addr_t dma;

	(void)state;
	fill(buf, 5000, 2);
	dma = map_bounced(&coh_dev, buf, 5000, DMA_FROM_DEVICE);
	slot = (u8 *)(uintptr_t)dma;
	assert_true(is_filled(slot, 5000, 2, 0));
	fill(slot, 5000, 3); /* the device writes */
	dma_sync_single_for_device(&coh_dev, dma, 5000, DMA_FROM_DEVICE); /* copies nothing in */
	assert_true(is_filled(slot, 5000, 3, 0));
	dma_sync_single_for_cpu(&coh_dev, dma + 1000, 100, DMA_FROM_DEVICE);
	assert_true(is_filled(buf + 1000, 100, 3, 1000));
	assert_true(is_filled(buf, 1000, 2, 0) && is_filled(buf + 1100, 3900, 2, 1100));
	dma_unmap_single(&coh_dev, dma, 5000, DMA_FROM_DEVICE);
	assert_true(is_filled(buf, 5000, 3, 0));
	assert_int_equal(dma_default_swiotlb->used_slabs, 0);
}

/* Non-coherent and bounced: the maintenance is on the slot, with a DSB before each copy back. */
static void test_bounce_noncoherent_cache_ops(void **state)
{
	u8 *buf = buf_at(0x300 + 5);
	dma_addr_t dma;

	(void)state;
	dma = map_bounced(&nc_dev, buf, 200, DMA_BIDIRECTIONAL);
	exp_clean(dma, 200);
	exp_barrier();
	fake_arch_check("bounced map");
	dma_sync_single_for_cpu(&nc_dev, dma + 10, 20, DMA_BIDIRECTIONAL);
	exp_inval(dma + 10, 20);
	exp_barrier();
	fake_arch_check("bounced sync_for_cpu");
	dma_unmap_single(&nc_dev, dma, 200, DMA_BIDIRECTIONAL);
	exp_inval(dma, 200);
	exp_barrier();
	fake_arch_check("bounced unmap");
}

/* A full bounce buffer: DMA_MAPPING_ERROR and a report naming it; the slots all come back. */
static void test_bounce_full(void **state)
{
	dma_addr_t dma[FAKE_SWIOTLB_SIZE / 65536], extra;
	unsigned int i, n = FAKE_SWIOTLB_SIZE / 65536;

	(void)state;
	small_mask(&coh_dev);
	for (i = 0; i < n; i++) {
		dma[i] = dma_map_single(&coh_dev, buf_at(0x100000 + i * 65536), 65536, DMA_TO_DEVICE);
		assert_int_equal(dma_mapping_error(&coh_dev, dma[i]), 0);
	}
	assert_int_equal(dma_default_swiotlb->used_slabs, dma_default_swiotlb->nslabs);
	extra = dma_map_single(&coh_dev, buf_at(0x80000), 64, DMA_TO_DEVICE);
	assert_int_equal(extra, DMA_MAPPING_ERROR);
	assert_int_not_equal(dma_mapping_error(&coh_dev, extra), 0);
	check_report(&coh_dev, "bounce buffer swiotlb full: cannot map 64 bytes");
	for (i = 0; i < n; i++)
		dma_unmap_single(&coh_dev, dma[i], 65536, DMA_TO_DEVICE);
	assert_int_equal(dma_default_swiotlb->used_slabs, 0);
}

/* restricted-dma-pool: every mapping bounces through the device's pool, reachable or not. */
static void test_restricted_always_bounces(void **state)
{
	u8 *buf = buf_at(0x400);
	dma_addr_t dma;

	(void)state;
	coh_dev.bounce = fake_restricted;
	coh_dev.force_bounce = true;
	dma_update_fast_path(&coh_dev);
	fill(buf, 700, 4);
	dma = dma_map_single(&coh_dev, buf, 700, DMA_BIDIRECTIONAL);
	assert_int_equal(dma_mapping_error(&coh_dev, dma), 0);
	assert_true(swiotlb_owns(fake_restricted, dma));
	assert_true(is_filled((u8 *)(uintptr_t)dma, 700, 4, 0));
	fill((u8 *)(uintptr_t)dma, 700, 5);
	dma_unmap_single(&coh_dev, dma, 700, DMA_BIDIRECTIONAL);
	assert_true(is_filled(buf, 700, 5, 0));
	assert_int_equal(fake_restricted->used_slabs, 0);
}

/* --- dma-debug: each misuse, its message with the device and the handle ------------ */

static dma_addr_t map_checked_buf(struct device *dev, size_t off, size_t size,
				  enum dma_data_direction dir)
{
	dma_addr_t dma = dma_map_single(dev, buf_at(off), size, dir);

	assert_int_equal(dma_mapping_error(dev, dma), 0);
	return dma;
}

static void test_debug_misuse(void **state)
{
	unsigned int e0 = dma_debug_errors();
	struct scatterlist sg;
	dma_addr_t dma;
	char what[200];

	(void)state;
	/* Unknown handle: reported, and nothing is touched (no cache op). */
	dma_unmap_single(&nc_dev, 0x12345000, 64, DMA_FROM_DEVICE);
	check_report(&nc_dev, "dma_unmap_single of unknown handle 0x12345000 (size 64)");
	fake_arch_check("unmap of an unknown handle");

	dma = map_checked_buf(&nc_dev, 0x1000, 128, DMA_TO_DEVICE);
	dma_unmap_single(&nc_dev, dma, 64, DMA_TO_DEVICE);
	snprintf(what, sizeof(what),
		 "dma_unmap_single with wrong size: 64, mapped 128 (handle 0x%llx)",
		 (unsigned long long)dma);
	check_report(&nc_dev, what);

	dma = map_checked_buf(&nc_dev, 0x1000, 128, DMA_TO_DEVICE);
	dma_unmap_single(&nc_dev, dma, 128, DMA_FROM_DEVICE);
	snprintf(what, sizeof(what),
		 "dma_unmap_single with wrong direction: DMA_FROM_DEVICE, mapped DMA_TO_DEVICE "
		 "(handle 0x%llx)", (unsigned long long)dma);
	check_report(&nc_dev, what);

	sg_set_buf(&sg, buf_at(0x2000), 32);
	assert_int_equal(dma_map_sg(&nc_dev, &sg, 1, DMA_TO_DEVICE), 1);
	dma_unmap_single(&nc_dev, sg.dma_address, 32, DMA_TO_DEVICE);
	snprintf(what, sizeof(what),
		 "dma_unmap_single of a scatter-gather mapping as single (handle 0x%llx)",
		 (unsigned long long)sg.dma_address);
	check_report(&nc_dev, what);

	dma = map_checked_buf(&nc_dev, 0x1000, 128, DMA_FROM_DEVICE);
	fake_arch_reset_log();
	dma_sync_single_for_cpu(&nc_dev, dma + 256, 16, DMA_FROM_DEVICE);
	snprintf(what, sizeof(what), "dma_sync_single_for_cpu of 0x%llx+16 outside any mapping",
		 (unsigned long long)(dma + 256));
	check_report(&nc_dev, what);
	fake_arch_check("sync outside a mapping: no maintenance");
	dma_sync_single_for_device(&nc_dev, dma, 16, DMA_TO_DEVICE);
	snprintf(what, sizeof(what),
		 "dma_sync_single_for_device with direction DMA_TO_DEVICE on a DMA_FROM_DEVICE "
		 "mapping (handle 0x%llx)", (unsigned long long)dma);
	check_report(&nc_dev, what);
	dma_unmap_single(&nc_dev, dma, 128, DMA_FROM_DEVICE);

	dma = dma_map_single(&nc_dev, buf_at(0x1000), 128, DMA_TO_DEVICE);
	dma_unmap_single(&nc_dev, dma, 128, DMA_TO_DEVICE); /* never checked */
	snprintf(what, sizeof(what), "driver did not check dma_mapping_error() (handle 0x%llx)",
		 (unsigned long long)dma);
	check_report(&nc_dev, what);

	dma = dma_map_single(&nc_dev, fake_stack + 100, 64, DMA_FROM_DEVICE);
	assert_int_equal(dma, DMA_MAPPING_ERROR);
	snprintf(what, sizeof(what), "dma_map_single of stack memory 0x%llx+64",
		 (unsigned long long)(uintptr_t)(fake_stack + 100));
	check_report(&nc_dev, what);
	dma = dma_map_single(&nc_dev, fake_image + 8, 16, DMA_TO_DEVICE);
	assert_int_equal(dma, DMA_MAPPING_ERROR);
	snprintf(what, sizeof(what), "dma_map_single of read-only firmware image memory 0x%llx+16",
		 (unsigned long long)(uintptr_t)(fake_image + 8));
	check_report(&nc_dev, what);
	assert_int_equal(dma_debug_errors() - e0, 9);
	assert_int_equal(dma_debug_live(&nc_dev), 0);
	fake_arch_reset_log();
}

/* Leaks at release: each live mapping and allocation reported by kind, size and handle. */
static void test_debug_leak_at_release(void **state)
{
	dma_addr_t dma, coh;
	void *cpu;
	char what[200];

	(void)state;
	dma = map_checked_buf(&coh_dev, 0x1000, 64, DMA_TO_DEVICE);
	cpu = dma_alloc_coherent(&coh_dev, 4096, &coh, GFP_KERNEL);
	assert_non_null(cpu);
	assert_int_equal(dma_debug_live(&coh_dev), 2);
	assert_int_equal(dma_debug_release(&coh_dev), 2);
	assert_true(contains(fake_console(), "dma-debug: /test/coherent: leaked single mapping of "
					     "64 bytes at release"));
	snprintf(what, sizeof(what), "leaked single mapping of 64 bytes at release (handle 0x%llx)",
		 (unsigned long long)dma);
	assert_true(contains(fake_console(), what));
	snprintf(what, sizeof(what),
		 "leaked coherent allocation of 4096 bytes at release (handle 0x%llx)",
		 (unsigned long long)coh);
	assert_true(contains(fake_console(), what));
	assert_int_equal(dma_debug_live(&coh_dev), 0);
}

/* --- coherent memory: the Normal-NC alias of a cacheable pool ------------------------- */

static bool all_zero(const u8 *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/*
 * Non-coherent device, cacheable pool: the CPU gets an alias in the remap
 * window; the linear alias is cleaned+invalidated to PoC before (and after
 * the free); what goes through the alias is in the pages.
 */
static void test_coherent_alias(void **state)
{
	u64 before = buddy_free_bytes(&fake_pool->buddy);
	dma_addr_t dma;
	u8 *p, *lin;
	size_t i;

	(void)state;
	nc_dev.mem = fake_pool;
	memset((void *)FAKE_POOL, 0xee, FAKE_POOL_SIZE); /* old data, as a borrower left it */
	p = dma_alloc_coherent(&nc_dev, 5000, &dma, GFP_KERNEL);
	assert_non_null(p);
	assert_true(mmu_in_remap_window(p) && fake_remap_mapped(p) && fake_remap_mapped(p + 8191));
	assert_true(dma >= FAKE_POOL && dma + 8192 <= FAKE_POOL + FAKE_POOL_SIZE);
	assert_true(dma % 8192 == 0);
	assert_ptr_not_equal(p, (void *)(uintptr_t)dma);
	exp_clean_inval(dma, 8192);
	exp_barrier();
	fake_arch_check("alloc: prepare the linear alias");
	lin = (u8 *)(uintptr_t)dma;
	assert_true(all_zero(p, 8192) && all_zero(lin, 8192)); /* zeroed through the alias */
	for (i = 0; i < 8192; i++)
		p[i] = (u8)(i * 3);
	for (i = 0; i < 8192; i++)
		assert_int_equal(lin[i], (u8)(i * 3));
	assert_int_equal(dma_debug_live(&nc_dev), 1);

	dma_free_coherent(&nc_dev, 5000, p, dma);
	assert_false(fake_remap_mapped(p));
	exp_clean_inval(dma, 8192);
	exp_barrier();
	fake_arch_check("free: drop stale lines of the linear alias");
	assert_int_equal(buddy_free_bytes(&fake_pool->buddy), before);
	assert_int_equal(fake_remap_live(), 0);
}

/* Where coherent memory comes from, and when there is no alias. */
static void test_coherent_choice(void **state)
{
	dma_addr_t dma;
	u8 *p;

	(void)state;
	/* A no-map (NC) pool: its linear address, no maintenance. */
	nc_dev.mem = fake_nc_pool;
	p = dma_alloc_coherent(&nc_dev, 4096, &dma, GFP_KERNEL);
	assert_ptr_equal(p, (void *)(uintptr_t)dma);
	assert_ptr_equal(dma_mem_of(dma), fake_nc_pool);
	dma_free_coherent(&nc_dev, 4096, p, dma);
	/* A coherent device on the cacheable pool: the linear address. */
	coh_dev.mem = fake_pool;
	p = dma_alloc_coherent(&coh_dev, 4096, &dma, GFP_KERNEL);
	assert_ptr_equal(p, (void *)(uintptr_t)dma);
	assert_ptr_equal(dma_mem_of(dma), fake_pool);
	dma_free_coherent(&coh_dev, 4096, p, dma);
	/* No pool of its own: a non-coherent device gets the firmware's NC pool. */
	nc_dev.mem = NULL;
	p = dma_alloc_coherent(&nc_dev, 4096, &dma, GFP_KERNEL);
	assert_ptr_equal(dma_mem_of(dma), fake_nc_pool);
	assert_ptr_equal(p, (void *)(uintptr_t)dma);
	dma_free_coherent(&nc_dev, 4096, p, dma);
	fake_arch_check("no alias, no maintenance");
	assert_int_equal(fake_remap_live(), 0);
}

/* No window space: reported, the pages go back, the NC pool serves instead. */
static void test_coherent_alias_fails(void **state)
{
	u64 before = buddy_free_bytes(&fake_pool->buddy);
	dma_addr_t dma;
	u8 *p;

	(void)state;
	nc_dev.mem = fake_pool;
	fake_remap_fail_next(-ENOMEM);
	p = dma_alloc_coherent(&nc_dev, 4096, &dma, GFP_KERNEL);
	assert_true(contains(dma_debug_last(), "/test/noncoherent: no Normal-NC alias for 0x"));
	assert_true(contains(dma_debug_last(), "+4096 in the remap window: error -12"));
	assert_int_equal(buddy_free_bytes(&fake_pool->buddy), before);
	assert_ptr_equal(dma_mem_of(dma), fake_nc_pool);
	assert_ptr_equal(p, (void *)(uintptr_t)dma);
	dma_free_coherent(&nc_dev, 4096, p, dma);
	fake_arch_reset_log();
}

/* A free with an alias pointer that is not the allocation's is refused, pages kept out. */
static void test_coherent_alias_bad_free(void **state)
{
	u64 before = buddy_free_bytes(&fake_pool->buddy);
	dma_addr_t dma;
	char what[200];
	u8 *p;

	(void)state;
	nc_dev.mem = fake_pool;
	p = dma_alloc_coherent(&nc_dev, 8192, &dma, GFP_KERNEL);
	assert_non_null(p);
	dma_free_coherent(&nc_dev, 8192, p + 4096, dma);
	/* The firmware's %p: 0x and 16 digits. */
	snprintf(what, sizeof(what),
		 "dma_free_coherent: CPU address 0x%016lx does not match handle 0x%llx",
		 (unsigned long)(uintptr_t)(p + 4096), (unsigned long long)dma);
	check_report(&nc_dev, what);
	assert_true(fake_remap_mapped(p)); /* the alias is still live: nothing was freed */
	assert_int_equal(buddy_free_bytes(&fake_pool->buddy), before - 8192);
	fake_dma_env_reset(); /* the record is gone (as in Linux); drop the pages with the pools */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_map_single_per_direction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_single, setup, teardown),
		cmocka_unit_test_setup_teardown(test_line_size_128, setup, teardown),
		cmocka_unit_test_setup_teardown(test_coherent_device_records_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sg_one_barrier_per_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounce_to_device, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounce_from_device, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounce_noncoherent_cache_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounce_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restricted_always_bounces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_debug_misuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_debug_leak_at_release, setup, teardown),
		cmocka_unit_test_setup_teardown(test_coherent_alias, setup, teardown),
		cmocka_unit_test_setup_teardown(test_coherent_choice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_coherent_alias_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_coherent_alias_bad_free, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
