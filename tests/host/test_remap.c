/*
 * mm/remap.c: the remap window's VA allocator and mappings through the real
 * translation-table builder (mm/pgtable.c); mm/mmu_attrs.c: the attribute
 * bits each CPU memory type maps with. Table pages come from a host pool
 * that a test can empty, to prove prepare-then-commit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <errno.h>
#include <layout.h>
#include <mm/blockpool.h>
#include <mm/mmu.h>
#include <mm/pgtable.h>
#include <mm/remap.h>

#define WIN_BASE REMAP_WINDOW_BASE
#define WIN_VA_BITS 39
#define WIN_SIZE (UL(64) << 20)
#define MiB (UL(1) << 20)
#define POOL_PAGES 64

static u64 pages[POOL_PAGES][PGTABLE_ENTRIES] __attribute__((aligned(4096)));
static unsigned int pages_used, pages_limit;

static void *page_get(void *ctx)
{
	(void)ctx;
	if (pages_used >= pages_limit)
		return NULL;
	return pages[pages_used++];
}

static void page_put(void *ctx, void *page)
{
	(void)ctx;
	assert_ptr_equal(page, pages[pages_used - 1]); /* only the latest, as mm/mmu.c's pool */
	pages_used--;
}

static const struct pgtable_pages pool = { page_get, page_put, NULL };

struct env {
	struct pgtable pgt;
	struct remap_window w;
	void *meta;
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	size_t meta = remap_meta_bytes(WIN_SIZE);

	pages_used = 0;
	pages_limit = POOL_PAGES;
	assert_non_null(e);
	e->meta = malloc(meta);
	assert_int_equal(pgtable_init(&e->pgt, WIN_VA_BITS, &pool), 0);
	assert_int_equal(remap_window_init(&e->w, &e->pgt, WIN_BASE, WIN_SIZE, e->meta, meta), 0);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	free(e->meta);
	free(e);
	return 0;
}

#define NC                                                                        \
	(FIELD_PREP(PTE_ATTRINDX, MAIR_IDX_NORMAL_NC) | FIELD_PREP(PTE_SH, PTE_SH_INNER) | \
	 PTE_AF | PTE_PXN | PTE_UXN)

/* Every page of [va, va + size) maps pa + offset with exactly @attrs, leaves of @level. */
static void check_mapped(const struct remap_window *w, u64 va, phys_addr_t pa, u64 size,
			 u64 attrs, unsigned int level)
{
	u64 off;

	for (off = 0; off < size; off += PAGE_SIZE) {
		phys_addr_t got;
		unsigned int lvl;
		u64 desc;

		assert_int_equal(remap_window_lookup(w, va + off, &got, &desc, &lvl), 0);
		assert_int_equal(got, pa + off);
		assert_int_equal(desc & PTE_ATTR_MASK, attrs);
		assert_int_equal(lvl, level);
	}
}

static void check_unmapped(const struct remap_window *w, u64 va, u64 size)
{
	u64 off;

	for (off = 0; off < size; off += PAGE_SIZE) {
		phys_addr_t got;
		unsigned int lvl;
		u64 desc;

		assert_int_equal(remap_window_lookup(w, va + off, &got, &desc, &lvl), -ENOENT);
	}
}

struct leaves {
	u64 va[1024];
	unsigned int level[1024];
	unsigned int n;
};

static void record_leaf(void *ctx, u64 va, unsigned int level)
{
	struct leaves *l = ctx;

	assert_true(l->n < 1024);
	l->va[l->n] = va;
	l->level[l->n++] = level;
}

/* VAs in the window, aligned to their size, mapped NC; the unmap reports every leaf by VA. */
static void test_map_unmap(void **state)
{
	struct env *e = *state;
	struct leaves l = { .n = 0 };
	phys_addr_t pa_back;
	u64 va, va2, size_back;
	unsigned int i;

	assert_int_equal(remap_window_map(&e->w, 0x40123000, 4 * PAGE_SIZE, NC, &va), 0);
	assert_true(remap_window_owns(&e->w, va));
	assert_true(va >= WIN_BASE && va + 4 * PAGE_SIZE <= WIN_BASE + WIN_SIZE);
	assert_true(IS_ALIGNED(va, 4 * PAGE_SIZE));
	check_mapped(&e->w, va, 0x40123000, 4 * PAGE_SIZE, NC, 3);

	/* A 2 MiB-aligned buffer of 2 MiB: one block descriptor at level 2. */
	assert_int_equal(remap_window_map(&e->w, 0x50200000, 2 * MiB, NC, &va2), 0);
	assert_true(IS_ALIGNED(va2, 2 * MiB) && va2 != va);
	check_mapped(&e->w, va2, 0x50200000, 2 * MiB, NC, 2);

	assert_int_equal(remap_window_unmap(&e->w, va, &pa_back, &size_back, record_leaf, &l), 0);
	assert_int_equal(pa_back, 0x40123000);
	assert_int_equal(size_back, 4 * PAGE_SIZE);
	assert_int_equal(l.n, 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(l.va[i], va + i * PAGE_SIZE); /* window VAs, not offsets */
		assert_int_equal(l.level[i], 3);
	}
	check_unmapped(&e->w, va, 4 * PAGE_SIZE);
	check_mapped(&e->w, va2, 0x50200000, 2 * MiB, NC, 2); /* the neighbour untouched */

	l.n = 0;
	assert_int_equal(remap_window_unmap(&e->w, va2, NULL, NULL, record_leaf, &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.va[0], va2);
	assert_int_equal(l.level[0], 2);
	check_unmapped(&e->w, va2, 2 * MiB);
	assert_int_equal(buddy_free_bytes(&e->w.va), WIN_SIZE);
}

/* Freed window space is handed out again: the allocator takes the lowest free block. */
static void test_reuse(void **state)
{
	struct env *e = *state;
	u64 a, b, c;

	assert_int_equal(remap_window_map(&e->w, 0x40000000, PAGE_SIZE, NC, &a), 0);
	assert_int_equal(remap_window_map(&e->w, 0x40001000, PAGE_SIZE, NC, &b), 0);
	assert_int_equal(remap_window_unmap(&e->w, a, NULL, NULL, NULL, NULL), 0);
	assert_int_equal(remap_window_map(&e->w, 0x40009000, PAGE_SIZE, NC, &c), 0);
	assert_int_equal(c, a);
	check_mapped(&e->w, c, 0x40009000, PAGE_SIZE, NC, 3);
	assert_int_equal(remap_window_unmap(&e->w, b, NULL, NULL, NULL, NULL), 0);
	assert_int_equal(remap_window_unmap(&e->w, c, NULL, NULL, NULL, NULL), 0);
}

/* Bad arguments and bad unmaps are refused with nothing changed. */
static void test_bad_args(void **state)
{
	struct env *e = *state;
	u64 va = 0x1234;

	assert_int_equal(remap_window_map(&e->w, 0x40000000, 3 * PAGE_SIZE, NC, &va), -EINVAL);
	assert_int_equal(remap_window_map(&e->w, 0x40000000, 0, NC, &va), -EINVAL);
	assert_int_equal(remap_window_map(&e->w, 0x40000800, PAGE_SIZE, NC, &va), -EINVAL);
	assert_int_equal(remap_window_map(&e->w, 0x40000000, PAGE_SIZE << (BUDDY_MAX_ORDER + 1),
					  NC, &va),
			 -EINVAL);
	assert_int_equal(remap_window_map(&e->w, 0x40000000, PAGE_SIZE, PTE_VALID, &va), -EINVAL);
	assert_int_equal(va, 0x1234);
	assert_int_equal(buddy_free_bytes(&e->w.va), WIN_SIZE);

	assert_int_equal(remap_window_map(&e->w, 0x40000000, 4 * PAGE_SIZE, NC, &va), 0);
	assert_int_equal(remap_window_unmap(&e->w, va + PAGE_SIZE, NULL, NULL, NULL, NULL), -EINVAL);
	assert_int_equal(remap_window_unmap(&e->w, 0x40000000, NULL, NULL, NULL, NULL), -EINVAL);
	assert_int_equal(remap_window_unmap(&e->w, WIN_BASE + WIN_SIZE, NULL, NULL, NULL, NULL),
			 -EINVAL);
	check_mapped(&e->w, va, 0x40000000, 4 * PAGE_SIZE, NC, 3);
	assert_int_equal(remap_window_unmap(&e->w, va, NULL, NULL, NULL, NULL), 0);
	assert_int_equal(remap_window_unmap(&e->w, va, NULL, NULL, NULL, NULL), -EINVAL); /* twice */
}

/* No table page for the mapping: -ENOMEM, and neither tables nor window space changed. */
static void test_no_table_pages(void **state)
{
	struct env *e = *state;
	u64 va = 0, free_before = buddy_free_bytes(&e->w.va);
	unsigned int used = pages_used;

	pages_limit = pages_used; /* an L2 and an L3 table would be needed */
	assert_int_equal(remap_window_map(&e->w, 0x40000000, PAGE_SIZE, NC, &va), -ENOMEM);
	assert_int_equal(pages_used, used);
	assert_int_equal(buddy_free_bytes(&e->w.va), free_before);
	check_unmapped(&e->w, WIN_BASE, PAGE_SIZE);
	pages_limit = POOL_PAGES;
	assert_int_equal(remap_window_map(&e->w, 0x40000000, PAGE_SIZE, NC, &va), 0);
	assert_int_equal(va, WIN_BASE); /* the same space the failed call did not keep */
	assert_int_equal(remap_window_unmap(&e->w, va, NULL, NULL, NULL, NULL), 0);
}

/* A full window: -ENOMEM; the space comes back on unmap. O(log n): a buddy, not a scan. */
static void test_window_full(void **state)
{
	struct env *e = *state;
	u64 va[WIN_SIZE / (2 * MiB)], extra;
	unsigned int i, n = WIN_SIZE / (2 * MiB);

	for (i = 0; i < n; i++) {
		assert_int_equal(remap_window_map(&e->w, 0x80000000 + i * 2 * MiB, 2 * MiB, NC, &va[i]),
				 0);
		check_mapped(&e->w, va[i], 0x80000000 + i * 2 * MiB, 2 * MiB, NC, 2);
	}
	assert_int_equal(remap_window_map(&e->w, 0x40000000, PAGE_SIZE, NC, &extra), -ENOMEM);
	assert_int_equal(remap_window_unmap(&e->w, va[5], NULL, NULL, NULL, NULL), 0);
	assert_int_equal(remap_window_map(&e->w, 0x40000000, PAGE_SIZE, NC, &extra), 0);
	assert_int_equal(extra, va[5]);
	assert_int_equal(remap_window_unmap(&e->w, extra, NULL, NULL, NULL, NULL), 0);
	for (i = 0; i < n; i++)
		if (i != 5)
			assert_int_equal(remap_window_unmap(&e->w, va[i], NULL, NULL, NULL, NULL), 0);
	assert_int_equal(buddy_free_bytes(&e->w.va), WIN_SIZE);
}

/* A window larger than the tables' input range, or unaligned, is refused. */
static void test_init_checks(void **state)
{
	struct env *e = *state;
	struct remap_window w;
	size_t meta = remap_meta_bytes(2 * MiB);
	void *buf = malloc(meta);

	assert_int_equal(remap_window_init(&w, &e->pgt, WIN_BASE, UL(1) << 40, buf, meta), -EINVAL);
	assert_int_equal(remap_window_init(&w, &e->pgt, WIN_BASE + 1, 2 * MiB, buf, meta), -EINVAL);
	assert_int_equal(remap_window_init(&w, &e->pgt, WIN_BASE, 0, buf, meta), -EINVAL);
	assert_int_equal(remap_window_init(&w, &e->pgt, WIN_BASE, 2 * MiB, buf, meta - 1), -EINVAL);
	free(buf);
}

/*
 * The attribute choice: the NC alias type is MAIR slot 2 = Normal Inner/Outer
 * Non-cacheable (0x44), Inner Shareable, RW, never executable; RAM is slot
 * 1 = Normal WB (0xff); MMIO slot 0 = Device-nGnRE (0x04).
 */
static void test_type_attrs(void **state)
{
	u64 nc = mmu_type_attrs(MMU_DMA_NC), data = mmu_type_attrs(MMU_DATA);

	(void)state;
	assert_int_equal(nc, NC);
	assert_int_equal((MAIR_VALUE >> (8 * FIELD_GET(PTE_ATTRINDX, nc))) & 0xff, 0x44);
	assert_int_equal((MAIR_VALUE >> (8 * FIELD_GET(PTE_ATTRINDX, data))) & 0xff, 0xff);
	assert_int_equal(data, FIELD_PREP(PTE_ATTRINDX, 1) | FIELD_PREP(PTE_SH, PTE_SH_INNER) |
				       PTE_AF | PTE_PXN | PTE_UXN);
	assert_int_equal((MAIR_VALUE >> (8 * FIELD_GET(PTE_ATTRINDX,
						       mmu_type_attrs(MMU_DEVICE)))) & 0xff, 0x04);
	assert_int_equal(mmu_type_attrs(MMU_CODE) & (PTE_AP_RO | PTE_PXN | PTE_UXN),
			 PTE_AP_RO | PTE_UXN);
	assert_int_equal(mmu_type_attrs(MMU_HOLE), 0);
	assert_string_equal(mmu_type_name(MMU_DMA_NC), "dma-nc");
}

/*
 * The window constants: TTBR1's range for T1SZ = 64 - REMAP_VA_BITS (VA[55]
 * and VA[54:39] set), top byte 0 (TBI1), so below the dma_pool link tag.
 */
static void test_layout(void **state)
{
	(void)state;
	assert_int_equal(REMAP_WINDOW_BASE, GENMASK(55, REMAP_VA_BITS));
	assert_true(REMAP_WINDOW_BASE + REMAP_WINDOW_SIZE - 1 < BLOCKPOOL_TAG);
	assert_true(REMAP_WINDOW_SIZE <= UL(1) << REMAP_VA_BITS);
	assert_true(IS_ALIGNED(REMAP_WINDOW_SIZE, 2 * MiB));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_map_unmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_table_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_checks, setup, teardown),
		cmocka_unit_test(test_type_attrs),
		cmocka_unit_test(test_layout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
