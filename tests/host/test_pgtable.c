/*
 * Host tests for mm/pgtable.c.
 *
 * Expected descriptors are built here from the Arm ARM encoding (D8.3,
 * VMSAv8-64 4 KiB granule), with the bit numbers spelled out below rather
 * than taken from the code under test; the tables are walked by this
 * file's own walker. Table pages come from a counting allocator that
 * poisons new pages (so missing zeroing shows), can be told to fail after
 * N pages, and tracks which pages are live so that every table page can be
 * snapshotted and a failed map shown to leave them byte-for-byte unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bits.h>
#include <mm/pgtable.h>
#include <xorshift.h>

/* Descriptor bits, from the Arm ARM (D8.3.1, D8.3.2), independent of pgtable.h. */
#define D_VALID		(1ULL << 0)
#define D_TYPE		(1ULL << 1)	/* 1: table (levels 0-2) or page (level 3) */
#define D_ATTRINDX(n)	((u64)(n) << 2)	/* bits 4:2 */
#define D_NS		(1ULL << 5)
#define D_AP1		(1ULL << 6)
#define D_AP2		(1ULL << 7)
#define D_SH(n)		((u64)(n) << 8)	/* bits 9:8 */
#define D_AF		(1ULL << 10)
#define D_NG		(1ULL << 11)
#define D_OA		0x0000fffffffff000ULL	/* output address, bits 47:12 */
#define D_CONT		(1ULL << 52)
#define D_PXN		(1ULL << 53)
#define D_UXN		(1ULL << 54)

#define SZ_4K		0x1000ULL
#define SZ_2M		0x200000ULL
#define SZ_1G		0x40000000ULL
#define ENTRIES		512

/* Attributes used by the directed tests, through the API's names ... */
#define ATTRS                                                                   \
	(PTE_AF | FIELD_PREP(PTE_SH, PTE_SH_INNER) | FIELD_PREP(PTE_ATTRINDX, 2) | \
	 PTE_NG | PTE_PXN | PTE_UXN)
/* ... and the same attributes as the Arm ARM places them. */
#define ATTRS_RAW (D_AF | D_SH(3) | D_ATTRINDX(2) | D_NG | D_PXN | D_UXN)

/* Poison written into every page the allocator hands out. */
#define POISON		0xa5
#define MAX_PAGES	2048
#define NO_FAIL		(-1L)

/*
 * Counting allocator. Pages are 4 KiB-aligned host memory ("physical" ==
 * host pointer). @fail_after: allocations still allowed before it returns
 * NULL (NO_FAIL for unlimited).
 */
struct test_alloc {
	long allocs;
	long frees;
	long fail_after;
	void *live[MAX_PAGES];
	unsigned long nlive;
	void *log[MAX_PAGES]; /* every page handed out, in order */
};

static void *ta_alloc(void *ctx)
{
	struct test_alloc *a = ctx;
	void *p;

	if (a->fail_after == 0)
		return NULL;
	if (a->fail_after > 0)
		a->fail_after--;
	assert_true(a->nlive < MAX_PAGES);
	p = aligned_alloc(SZ_4K, SZ_4K);
	assert_non_null(p);
	memset(p, POISON, SZ_4K);
	a->live[a->nlive++] = p;
	if (a->allocs < MAX_PAGES)
		a->log[a->allocs] = p;
	a->allocs++;
	return p;
}

static void ta_free(void *ctx, void *page)
{
	struct test_alloc *a = ctx;
	unsigned long i;

	for (i = 0; i < a->nlive; i++) {
		if (a->live[i] == page) {
			a->live[i] = a->live[--a->nlive];
			a->frees++;
			free(page);
			return;
		}
	}
	fail_msg("free of page %p that is not live", page);
}

static bool ta_is_live(const struct test_alloc *a, const void *page)
{
	unsigned long i;

	for (i = 0; i < a->nlive; i++)
		if (a->live[i] == page)
			return true;
	return false;
}

struct fixture {
	struct test_alloc alloc;
	struct pgtable_pages pages;
	struct pgtable t;
};

static struct fixture *fixture_new(void)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->alloc.fail_after = NO_FAIL;
	f->pages.alloc = ta_alloc;
	f->pages.free = ta_free;
	f->pages.ctx = &f->alloc;
	return f;
}

static struct fixture *fixture_init(unsigned int va_bits)
{
	struct fixture *f = fixture_new();

	assert_int_equal(pgtable_init(&f->t, va_bits, &f->pages), 0);
	return f;
}

/* There is no pgtable teardown: release whatever is live. */
static void fixture_free(struct fixture *f)
{
	while (f->alloc.nlive)
		free(f->alloc.live[--f->alloc.nlive]);
	free(f);
}

/* --- an independent walker ------------------------------------------------ */

static unsigned int shift_of(unsigned int level)
{
	return 12 + 9 * (3 - level);
}

static unsigned int idx_of(u64 va, unsigned int level)
{
	return (va >> shift_of(level)) & (ENTRIES - 1);
}

/* A table descriptor's next table, checked to be one of our live pages. */
static u64 *next_table(const struct fixture *f, u64 desc)
{
	u64 *next;

	assert_int_equal(desc & (D_VALID | D_TYPE), D_VALID | D_TYPE);
	/* Table descriptor: only bits 1:0 and the address are ours to set. */
	assert_int_equal(desc & ~(D_OA | D_VALID | D_TYPE), 0);
	next = (u64 *)(uintptr_t)(desc & D_OA);
	assert_true(ta_is_live(&f->alloc, next));
	return next;
}

/* The table at @level covering @va, following table descriptors from the root. */
static u64 *table_at(const struct fixture *f, u64 va, unsigned int level)
{
	u64 *table = f->t.root;
	unsigned int l;

	for (l = f->t.start_level; l < level; l++)
		table = next_table(f, table[idx_of(va, l)]);
	return table;
}

static u64 entry_at(const struct fixture *f, u64 va, unsigned int level)
{
	return table_at(f, va, level)[idx_of(va, level)];
}

static unsigned int count_nonzero(const u64 *table)
{
	unsigned int i, n = 0;

	for (i = 0; i < ENTRIES; i++)
		n += table[i] != 0;
	return n;
}

/* --- snapshots of every table page ---------------------------------------- */

struct snapshot {
	struct pgtable t;
	long allocs, frees;
	unsigned long n;
	void *page[MAX_PAGES];
	u8 *copy; /* n * 4 KiB */
};

static struct snapshot *snap_take(const struct fixture *f)
{
	struct snapshot *s = calloc(1, sizeof(*s));
	unsigned long i;

	assert_non_null(s);
	s->t = f->t;
	s->allocs = f->alloc.allocs;
	s->frees = f->alloc.frees;
	s->n = f->alloc.nlive;
	s->copy = malloc(s->n * SZ_4K + 1);
	assert_non_null(s->copy);
	for (i = 0; i < s->n; i++) {
		s->page[i] = f->alloc.live[i];
		memcpy(s->copy + i * SZ_4K, s->page[i], SZ_4K);
	}
	return s;
}

/*
 * The tables, the pgtable struct and the set of live pages are exactly as
 * they were; @allocs_too also requires that nothing was allocated at all.
 */
static void snap_check(const struct fixture *f, struct snapshot *s, bool allocs_too)
{
	unsigned long i;

	assert_ptr_equal(f->t.root, s->t.root);
	assert_int_equal(f->t.va_bits, s->t.va_bits);
	assert_int_equal(f->t.start_level, s->t.start_level);
	assert_int_equal(f->t.tables, s->t.tables);
	assert_int_equal(f->alloc.nlive, s->n);
	/* No page leaked: whatever was allocated was freed again. */
	assert_int_equal(f->alloc.allocs - f->alloc.frees, s->allocs - s->frees);
	if (allocs_too) {
		assert_int_equal(f->alloc.allocs, s->allocs);
		assert_int_equal(f->alloc.frees, s->frees);
	}
	for (i = 0; i < s->n; i++) {
		assert_true(ta_is_live(&f->alloc, s->page[i]));
		if (memcmp(s->page[i], s->copy + i * SZ_4K, SZ_4K) != 0)
			fail_msg("table page %p changed", s->page[i]);
	}
}

static void snap_free(struct snapshot *s)
{
	free(s->copy);
	free(s);
}

/* --- init ----------------------------------------------------------------- */

/* Start level: the fewest 9-bit levels above the page offset that cover va_bits. */
static unsigned int expected_start_level(unsigned int va_bits)
{
	unsigned int levels = (va_bits - 12 + 8) / 9;

	return 4 - levels;
}

static void test_init_start_level(void **state)
{
	static const struct {
		unsigned int va_bits, level;
	} cases[] = {
		{ 25, 2 }, { 30, 2 }, { 31, 1 }, { 36, 1 }, { 39, 1 },
		{ 40, 0 }, { 42, 0 }, { 47, 0 }, { 48, 0 },
	};
	unsigned int i, bits;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct fixture *f = fixture_init(cases[i].va_bits);

		assert_int_equal(f->t.start_level, cases[i].level);
		fixture_free(f);
	}
	for (bits = 25; bits <= 48; bits++) {
		struct fixture *f = fixture_init(bits);

		assert_int_equal(f->t.va_bits, bits);
		assert_int_equal(f->t.start_level, expected_start_level(bits));
		fixture_free(f);
	}
}

static void test_init_root(void **state)
{
	static const unsigned int bits[] = { 25, 39, 48 };
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bits); i++) {
		struct fixture *f = fixture_init(bits[i]);

		assert_int_equal(f->alloc.allocs, 1);
		assert_int_equal(f->alloc.frees, 0);
		assert_ptr_equal(f->t.root, f->alloc.log[0]);
		assert_int_equal(f->t.tables, 1);
		/* The allocator poisons pages: the root must have been zeroed. */
		assert_int_equal(count_nonzero(f->t.root), 0);
		fixture_free(f);
	}
}

static void test_init_einval(void **state)
{
	static const unsigned int bits[] = { 0, 12, 24, 49, 52, 64, 1000 };
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bits); i++) {
		struct fixture *f = fixture_new();

		assert_int_equal(pgtable_init(&f->t, bits[i], &f->pages), -EINVAL);
		assert_int_equal(f->alloc.allocs, 0);
		fixture_free(f);
	}
}

static void test_init_enomem(void **state)
{
	struct fixture *f = fixture_new();

	(void)state;
	f->alloc.fail_after = 0;
	assert_int_equal(pgtable_init(&f->t, 39, &f->pages), -ENOMEM);
	assert_int_equal(f->alloc.nlive, 0);
	fixture_free(f);
}

/* The header's field masks sit where the Arm ARM puts them. */
static void test_header_bits(void **state)
{
	(void)state;
	assert_int_equal(PTE_VALID, D_VALID);
	assert_int_equal(PTE_TABLE, D_TYPE);
	assert_int_equal(PTE_PAGE, D_TYPE);
	assert_int_equal(PTE_ATTRINDX, D_ATTRINDX(7));
	assert_int_equal(PTE_NS, D_NS);
	assert_int_equal(PTE_AP_EL0, D_AP1);
	assert_int_equal(PTE_AP_RO, D_AP2);
	assert_int_equal(PTE_SH, D_SH(3));
	assert_int_equal(PTE_AF, D_AF);
	assert_int_equal(PTE_NG, D_NG);
	assert_int_equal(PTE_ADDR, D_OA);
	assert_int_equal(PTE_CONT, D_CONT);
	assert_int_equal(PTE_PXN, D_PXN);
	assert_int_equal(PTE_UXN, D_UXN);
	assert_int_equal(ATTRS, ATTRS_RAW);
}

/* --- single mappings, exact descriptors ------------------------------------ */

/* 39-bit VA, start level 1: a 1 GiB block straight in the root. */
static void test_map_1g_block(void **state)
{
	struct fixture *f = fixture_init(39);
	const u64 va = 3 * SZ_1G, pa = 0x0000ffffc0000000ULL; /* top GiB of 48-bit PA */

	(void)state;
	assert_int_equal(pgtable_map(&f->t, va, pa, SZ_1G, ATTRS), 0);
	assert_int_equal(f->t.root[3], pa | ATTRS_RAW | D_VALID); /* bit 1 clear: block */
	assert_int_equal(count_nonzero(f->t.root), 1);
	assert_int_equal(f->t.tables, 1);
	assert_int_equal(f->alloc.allocs, 1);
	fixture_free(f);
}

/* 48-bit VA, start level 0: a level-0 table descriptor, then the 1 GiB block. */
static void test_map_1g_block_l0(void **state)
{
	struct fixture *f = fixture_init(48);
	const u64 va = 0x0000808040000000ULL; /* L0 index 257, L1 index 1 */
	const u64 pa = 0x0000004080000000ULL;
	u64 *l1;

	(void)state;
	assert_int_equal(pgtable_map(&f->t, va, pa, SZ_1G, PTE_AF), 0);
	assert_int_equal(f->alloc.allocs, 2);
	l1 = f->alloc.log[1];
	assert_int_equal(f->t.root[257], (u64)(uintptr_t)l1 | D_VALID | D_TYPE);
	assert_int_equal(count_nonzero(f->t.root), 1);
	assert_int_equal(l1[1], pa | D_AF | D_VALID);
	assert_int_equal(count_nonzero(l1), 1);
	assert_int_equal(f->t.tables, 2);
	fixture_free(f);
}

static void test_map_2m_block(void **state)
{
	struct fixture *f = fixture_init(39);
	const u64 va = SZ_1G + SZ_2M;	/* L1 index 1, L2 index 1 */
	const u64 pa = 0x0000123480400000ULL;
	u64 *l2;

	(void)state;
	assert_int_equal(pgtable_map(&f->t, va, pa, SZ_2M, ATTRS), 0);
	assert_int_equal(f->alloc.allocs, 2);
	l2 = f->alloc.log[1];
	assert_int_equal(f->t.root[1], (u64)(uintptr_t)l2 | D_VALID | D_TYPE);
	assert_int_equal(count_nonzero(f->t.root), 1);
	assert_int_equal(l2[1], pa | ATTRS_RAW | D_VALID);
	assert_int_equal(count_nonzero(l2), 1);
	assert_int_equal(f->t.tables, 2);
	fixture_free(f);
}

static void test_map_4k_page(void **state)
{
	struct fixture *f = fixture_init(39);
	const u64 va = SZ_1G + SZ_2M + 5 * SZ_4K; /* L1 1, L2 1, L3 5 */
	const u64 pa = 0x0000fffffffff000ULL;     /* last page of 48-bit PA */
	u64 *l2, *l3;

	(void)state;
	assert_int_equal(pgtable_map(&f->t, va, pa, SZ_4K, ATTRS | PTE_AP_RO | PTE_NS),
			 0);
	assert_int_equal(f->alloc.allocs, 3);
	l2 = f->alloc.log[1];
	l3 = f->alloc.log[2];
	assert_int_equal(f->t.root[1], (u64)(uintptr_t)l2 | D_VALID | D_TYPE);
	assert_int_equal(l2[1], (u64)(uintptr_t)l3 | D_VALID | D_TYPE);
	assert_int_equal(l3[5], pa | ATTRS_RAW | D_AP2 | D_NS | D_VALID | D_TYPE);
	assert_int_equal(count_nonzero(f->t.root), 1);
	assert_int_equal(count_nonzero(l2), 1);
	assert_int_equal(count_nonzero(l3), 1);
	assert_int_equal(f->t.tables, 3);
	fixture_free(f);
}

/* 25-bit VA, start level 2: a 2 MiB block in the root. */
static void test_map_va25(void **state)
{
	struct fixture *f = fixture_init(25);
	const u64 va = 0x1c00000, pa = 0x80000000ULL;

	(void)state;
	assert_int_equal(f->t.start_level, 2);
	assert_int_equal(pgtable_map(&f->t, va, pa, SZ_2M, PTE_AF), 0);
	assert_int_equal(f->t.root[14], pa | D_AF | D_VALID);
	assert_int_equal(count_nonzero(f->t.root), 1);
	/* The last page below 2^25, and nothing at or above it. */
	assert_int_equal(pgtable_map(&f->t, 0x2000000 - SZ_4K, pa + SZ_2M, SZ_4K, PTE_AF),
			 0);
	assert_int_equal(table_at(f, 0x2000000 - SZ_4K, 3)[511],
			 (pa + SZ_2M) | D_AF | D_VALID | D_TYPE);
	assert_int_equal(f->t.tables, 2);
	assert_int_equal(pgtable_map(&f->t, 0x2000000, pa, SZ_4K, PTE_AF), -EINVAL);
	fixture_free(f);
}

/*
 * Four pages below a 2 MiB boundary, the 2 MiB above it, two pages more,
 * with va and pa congruent modulo 2 MiB: pages, one block, pages.
 */
static void test_map_mixed(void **state)
{
	struct fixture *f = fixture_init(39);
	const u64 va = SZ_1G + SZ_2M - 4 * SZ_4K;
	const u64 pa = 0x0000000500000000ULL + SZ_2M - 4 * SZ_4K;
	const u64 size = 4 * SZ_4K + SZ_2M + 2 * SZ_4K;
	u64 *l2, *l3a, *l3b;
	unsigned int i;

	(void)state;
	assert_int_equal(pgtable_map(&f->t, va, pa, size, ATTRS), 0);
	assert_int_equal(f->t.tables, 4);
	assert_int_equal(f->alloc.nlive, 4);

	assert_int_equal(count_nonzero(f->t.root), 1);
	l2 = next_table(f, f->t.root[1]);
	assert_int_equal(count_nonzero(l2), 3);
	l3a = next_table(f, l2[0]);
	assert_int_equal(l2[1], (pa + 4 * SZ_4K) | ATTRS_RAW | D_VALID);
	l3b = next_table(f, l2[2]);
	assert_ptr_not_equal(l3a, l3b);

	/* Every descriptor of both leaf tables. */
	for (i = 0; i < ENTRIES; i++) {
		u64 want = 0;

		if (i >= 508)
			want = (pa + (i - 508) * SZ_4K) | ATTRS_RAW | D_VALID | D_TYPE;
		assert_int_equal(l3a[i], want);
	}
	for (i = 0; i < ENTRIES; i++) {
		u64 want = 0;

		if (i < 2)
			want = (pa + 4 * SZ_4K + SZ_2M + i * SZ_4K) | ATTRS_RAW | D_VALID |
			       D_TYPE;
		assert_int_equal(l3b[i], want);
	}
	fixture_free(f);
}

/* The same range with pa off by one page from 2 MiB congruence: pages only. */
static void test_map_mixed_incongruent(void **state)
{
	struct fixture *f = fixture_init(39);
	const u64 va = SZ_1G + SZ_2M - 4 * SZ_4K;
	const u64 pa = 0x0000000500000000ULL + SZ_2M - 3 * SZ_4K;
	const u64 size = 4 * SZ_4K + SZ_2M + 2 * SZ_4K;
	u64 *l2, *l3[3];
	unsigned int i, j, n = 0;

	(void)state;
	assert_int_equal(pgtable_map(&f->t, va, pa, size, PTE_AF), 0);
	assert_int_equal(f->t.tables, 5);
	l2 = next_table(f, f->t.root[1]);
	assert_int_equal(count_nonzero(l2), 3);
	for (j = 0; j < 3; j++)
		l3[j] = next_table(f, l2[j]);
	for (j = 0; j < 3; j++) {
		for (i = 0; i < ENTRIES; i++) {
			u64 v = SZ_1G + j * SZ_2M + i * SZ_4K;
			u64 want = 0;

			if (v >= va && v < va + size) {
				want = (pa + (v - va)) | D_AF | D_VALID | D_TYPE;
				n++;
			}
			assert_int_equal(l3[j][i], want);
		}
	}
	assert_int_equal(n, size / SZ_4K);
	fixture_free(f);
}

/* 1 GiB + 2 MiB + 4 KiB from a 1 GiB boundary: block, block, page. */
static void test_map_1g_2m_4k(void **state)
{
	struct fixture *f = fixture_init(39);
	const u64 va = 2 * SZ_1G, pa = 8 * SZ_1G;
	u64 *l2, *l3;

	(void)state;
	assert_int_equal(pgtable_map(&f->t, va, pa, SZ_1G + SZ_2M + SZ_4K, PTE_AF), 0);
	assert_int_equal(f->t.root[2], pa | D_AF | D_VALID);
	l2 = next_table(f, f->t.root[3]);
	assert_int_equal(l2[0], (pa + SZ_1G) | D_AF | D_VALID);
	l3 = next_table(f, l2[1]);
	assert_int_equal(l3[0], (pa + SZ_1G + SZ_2M) | D_AF | D_VALID | D_TYPE);
	assert_int_equal(count_nonzero(f->t.root), 2);
	assert_int_equal(count_nonzero(l2), 2);
	assert_int_equal(count_nonzero(l3), 1);
	assert_int_equal(f->t.tables, 3);
	fixture_free(f);
}

/* A second map under an existing table reuses it; attributes are per mapping. */
static void test_map_reuses_tables(void **state)
{
	struct fixture *f = fixture_init(39);
	u64 *l3;

	(void)state;
	assert_int_equal(pgtable_map(&f->t, SZ_1G, SZ_1G, SZ_4K, PTE_AF), 0);
	assert_int_equal(f->t.tables, 3);
	assert_int_equal(pgtable_map(&f->t, SZ_1G + 7 * SZ_4K, 0x9000, SZ_4K,
				     PTE_AF | PTE_AP_RO),
			 0);
	assert_int_equal(f->t.tables, 3);
	assert_int_equal(f->alloc.allocs, 3);
	l3 = table_at(f, SZ_1G, 3);
	assert_int_equal(l3[0], SZ_1G | D_AF | D_VALID | D_TYPE);
	assert_int_equal(l3[7], 0x9000 | D_AF | D_AP2 | D_VALID | D_TYPE);
	assert_int_equal(count_nonzero(l3), 2);
	fixture_free(f);
}

/* --- failures leave the tables unchanged ----------------------------------- */

static void test_map_eexist(void **state)
{
	struct fixture *f = fixture_init(48);
	/* Existing: one page at 1 GiB + 4 MiB + 8 KiB, a 2 MiB block at 1 GiB + 8 MiB. */
	const u64 page = SZ_1G + 2 * SZ_2M + 2 * SZ_4K;
	const u64 block = SZ_1G + 4 * SZ_2M;
	static const struct {
		u64 va, pa, size;
	} overlaps[] = {
		/* the same page */
		{ SZ_1G + 2 * SZ_2M + 2 * SZ_4K, 0x100000, SZ_4K },
		/* a run of pages ending on it */
		{ SZ_1G + 2 * SZ_2M, 0x100000, 3 * SZ_4K },
		/* a 2 MiB block over it */
		{ SZ_1G + 2 * SZ_2M, 0x40000000, SZ_2M },
		/* a 1 GiB block over everything */
		{ SZ_1G, 0x40000000, SZ_1G },
		/* a page inside the block */
		{ SZ_1G + 4 * SZ_2M + 9 * SZ_4K, 0x100000, SZ_4K },
		/* pages that need new tables, then run into the block */
		{ SZ_1G + 3 * SZ_2M + SZ_4K, 0x1000, SZ_2M },
		/* a run of pages ending on the block's first page */
		{ SZ_1G + 4 * SZ_2M - 16 * SZ_4K, 0x1000, 17 * SZ_4K },
		/* starts in an empty L1 slot (new L2, L3 needed), ends on the page */
		{ SZ_1G - SZ_4K, 0x1000, SZ_4K + 2 * SZ_2M + 3 * SZ_4K },
		/* the block itself again */
		{ SZ_1G + 4 * SZ_2M, 0x80000000, SZ_2M },
	};
	unsigned int i;

	(void)state;
	assert_int_equal(pgtable_map(&f->t, page, 0x7000, SZ_4K, PTE_AF), 0);
	assert_int_equal(pgtable_map(&f->t, block, 0x80000000, SZ_2M, PTE_AF), 0);
	for (i = 0; i < ARRAY_SIZE(overlaps); i++) {
		struct snapshot *s = snap_take(f);

		assert_int_equal(pgtable_map(&f->t, overlaps[i].va, overlaps[i].pa,
					     overlaps[i].size, PTE_AF),
				 -EEXIST);
		/* Conflicts are found before any page is reserved. */
		snap_check(f, s, true);
		snap_free(s);
	}
	fixture_free(f);
}

/*
 * A map that needs @need new table pages, run against an allocator that
 * fails after each N < @need pages, then with enough.
 */
static void enomem_every_n(unsigned int va_bits, u64 va, u64 pa, u64 size,
			   long need)
{
	struct fixture *f = fixture_init(va_bits);
	struct snapshot *s;
	long n;

	/* Something already there, so the snapshot is not just an empty root. */
	assert_int_equal(pgtable_map(&f->t, 0, 0x1000, SZ_4K, PTE_AF), 0);
	s = snap_take(f);
	for (n = 0; n < need; n++) {
		f->alloc.fail_after = n;
		assert_int_equal(pgtable_map(&f->t, va, pa, size, PTE_AF), -ENOMEM);
		snap_check(f, s, false);
	}
	snap_free(s);
	f->alloc.fail_after = need;
	assert_int_equal(pgtable_map(&f->t, va, pa, size, PTE_AF), 0);
	assert_int_equal(f->alloc.fail_after, 0); /* used exactly @need pages */
	assert_int_equal(f->t.tables, f->alloc.nlive);
	fixture_free(f);
}

static void test_map_enomem(void **state)
{
	(void)state;
	/* 48-bit: new L1, L2 and two L3 tables around a 2 MiB block. */
	enomem_every_n(48, 0x0000400000000000ULL + SZ_2M - SZ_4K,
		       0x40000000ULL + SZ_2M - SZ_4K, SZ_2M + 2 * SZ_4K, 4);
	/* 39-bit: one new L3 table under the existing L2. */
	enomem_every_n(39, SZ_2M, 0x3000, 3 * SZ_4K, 1);
	/* 39-bit: new L2 plus three L3 tables (pa not 2 MiB congruent). */
	enomem_every_n(39, 5 * SZ_1G + SZ_2M - SZ_4K, 0x2000, SZ_2M + 2 * SZ_4K, 4);
}

static void test_map_einval(void **state)
{
	struct fixture *f = fixture_init(39);
	static const struct {
		u64 va, pa, size, attrs;
	} bad[] = {
		{ 0x800, 0x1000, SZ_4K, PTE_AF },		/* va unaligned */
		{ 0x1000, 0x1800, SZ_4K, PTE_AF },		/* pa unaligned */
		{ 0x1000, 0x1000, 0x800, PTE_AF },		/* size unaligned */
		{ 0x1000, 0x1000, SZ_4K + 1, PTE_AF },	/* size unaligned */
		{ 0x1000, 0x1000, 0, PTE_AF },			/* empty */
		{ 0x1000, 0x1000, SZ_4K, PTE_AF | D_VALID },	/* type bits */
		{ 0x1000, 0x1000, SZ_4K, PTE_AF | D_TYPE },
		{ 0x1000, 0x1000, SZ_4K, PTE_AF | (1ULL << 12) }, /* address bits */
		{ 0x1000, 0x1000, SZ_4K, PTE_AF | (1ULL << 47) },
		{ 0x1000, 0x1000, SZ_4K, PTE_AF | (1ULL << 50) }, /* GP */
		{ 0x1000, 0x1000, SZ_4K, PTE_AF | (1ULL << 51) }, /* DBM */
		{ 0x1000, 0x1000, SZ_4K, PTE_AF | (1ULL << 55) }, /* software */
		{ 0x1000, 0x1000, SZ_4K, PTE_AF | (1ULL << 63) },
		{ 1ULL << 39, 0x1000, SZ_4K, PTE_AF },		/* va past va_bits */
		{ (1ULL << 39) - SZ_4K, 0x1000, 2 * SZ_4K, PTE_AF }, /* end past it */
		{ 1ULL << 47, 0x1000, SZ_4K, PTE_AF },
		{ ~0xfffULL, 0x1000, SZ_4K, PTE_AF },		/* va + size wraps */
		{ 0x1000, ~0xfffULL, 2 * SZ_4K, PTE_AF },	/* pa + size wraps */
		{ 0x1000, 1ULL << 48, SZ_4K, PTE_AF },		/* pa past 48 bits */
		{ 0x1000, (1ULL << 48) - SZ_4K, 2 * SZ_4K, PTE_AF }, /* pa end past */
	};
	struct snapshot *s;
	unsigned int i;

	(void)state;
	assert_int_equal(pgtable_map(&f->t, SZ_1G, 0x5000, SZ_4K, PTE_AF), 0);
	s = snap_take(f);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		int ret = pgtable_map(&f->t, bad[i].va, bad[i].pa, bad[i].size,
				      bad[i].attrs);

		if (ret != -EINVAL)
			fail_msg("case %u: got %d, want -EINVAL", i, ret);
		snap_check(f, s, true);
	}
	snap_free(s);

	/* The limits themselves are fine: last VA page, last PA page, all attrs. */
	assert_int_equal(pgtable_map(&f->t, (1ULL << 39) - SZ_4K, (1ULL << 48) - SZ_4K,
				     SZ_4K, PTE_ATTR_MASK),
			 0);
	assert_int_equal(entry_at(f, (1ULL << 39) - SZ_4K, 3),
			 0x0000fffffffff000ULL | D_ATTRINDX(7) | D_NS | D_AP1 | D_AP2 |
				 D_SH(3) | D_AF | D_NG | D_CONT | D_PXN | D_UXN | D_VALID |
				 D_TYPE);
	fixture_free(f);
}

/* --- lookup --------------------------------------------------------------- */

static void expect_lookup(const struct fixture *f, u64 va, u64 want_pa,
			  u64 want_desc, unsigned int want_level)
{
	phys_addr_t pa = 0;
	u64 desc = 0;
	unsigned int level = 99;

	assert_int_equal(pgtable_lookup(&f->t, va, &pa, &desc, &level), 0);
	assert_int_equal(pa, want_pa);
	assert_int_equal(desc, want_desc);
	assert_int_equal(level, want_level);
}

static void expect_unmapped(const struct fixture *f, u64 va)
{
	phys_addr_t pa;
	u64 desc;
	unsigned int level;

	assert_int_equal(pgtable_lookup(&f->t, va, &pa, &desc, &level), -ENOENT);
}

static void test_lookup(void **state)
{
	struct fixture *f = fixture_init(39);
	const u64 gva = 4 * SZ_1G, gpa = 0x0000ab0000000000ULL;
	const u64 mva = 6 * SZ_1G + 3 * SZ_2M, mpa = 0x0000000123400000ULL;
	const u64 pva = 6 * SZ_1G + 5 * SZ_2M + 9 * SZ_4K, ppa = 0x0000000fedcba000ULL;

	(void)state;
	assert_int_equal(pgtable_map(&f->t, gva, gpa, SZ_1G, ATTRS), 0);
	assert_int_equal(pgtable_map(&f->t, mva, mpa, SZ_2M, PTE_AF), 0);
	assert_int_equal(pgtable_map(&f->t, pva, ppa, SZ_4K, PTE_AF | PTE_UXN), 0);

	/* Block at level 1: start, an offset inside, the last byte. */
	expect_lookup(f, gva, gpa, gpa | ATTRS_RAW | D_VALID, 1);
	expect_lookup(f, gva + 0x12345678, gpa + 0x12345678, gpa | ATTRS_RAW | D_VALID, 1);
	expect_lookup(f, gva + SZ_1G - 1, gpa + SZ_1G - 1, gpa | ATTRS_RAW | D_VALID, 1);
	/* Block at level 2. */
	expect_lookup(f, mva + 0x1abcd, mpa + 0x1abcd, mpa | D_AF | D_VALID, 2);
	expect_lookup(f, mva + SZ_2M - 1, mpa + SZ_2M - 1, mpa | D_AF | D_VALID, 2);
	/* Page. */
	expect_lookup(f, pva + 0xabc, ppa + 0xabc, ppa | D_AF | D_UXN | D_VALID | D_TYPE, 3);
	expect_lookup(f, pva, ppa, ppa | D_AF | D_UXN | D_VALID | D_TYPE, 3);

	/* Unmapped: nothing in the L1 slot, beside the blocks, beside the page. */
	expect_unmapped(f, 0);
	expect_unmapped(f, gva - 1);
	expect_unmapped(f, gva + SZ_1G);
	expect_unmapped(f, mva - 1);
	expect_unmapped(f, mva + SZ_2M);
	expect_unmapped(f, pva - 1);
	expect_unmapped(f, pva + SZ_4K);
	/* Beyond va_bits, including an alias of a mapped address. */
	expect_unmapped(f, 1ULL << 39);
	expect_unmapped(f, (1ULL << 39) + gva);
	expect_unmapped(f, ~0ULL);
	fixture_free(f);
}

/* Reserved encodings read as unmapped (D8.3.1): level-0 block, level-3 "block". */
static void test_lookup_reserved(void **state)
{
	struct fixture *f = fixture_init(48);
	u64 *l3;

	(void)state;
	f->t.root[2] = (2ULL << 39) | D_AF | D_VALID; /* block at level 0 */
	expect_unmapped(f, 2ULL << 39);
	f->t.root[2] = 0;

	assert_int_equal(pgtable_map(&f->t, 0x1000, 0x1000, SZ_4K, PTE_AF), 0);
	l3 = table_at(f, 0x1000, 3);
	l3[2] = 0x2000 | D_AF | D_VALID; /* bit 1 clear at level 3 */
	expect_unmapped(f, 0x2000);
	expect_lookup(f, 0x1000, 0x1000, 0x1000 | D_AF | D_VALID | D_TYPE, 3);
	/* And mapping over it is refused, since the entry is valid. */
	assert_int_equal(pgtable_map(&f->t, 0x2000, 0x2000, SZ_4K, PTE_AF), -EEXIST);
	fixture_free(f);
}

/* --- randomized, against a reference model -------------------------------- */

struct region {
	u64 va, pa, size, attrs;
};

struct model {
	u64 base, pages; /* window of VA under test */
	u8 *mapped;	 /* one byte per page: region index + 1, 0 if unmapped */
	struct region reg[255]; /* indices fit mapped[] */
	unsigned int nreg;
};

static u64 rng_state;
/* Leaves seen per level by model_check_page(), to show the run hit every kind. */
static unsigned long leaves_at[4];

static u64 rng(void)
{
	return xorshift64star(&rng_state);
}

static u64 rng_below(u64 n)
{
	return rng() % n;
}

/* Level a page of @r should be mapped at: the biggest block va, pa and size allow. */
static unsigned int model_level(const struct region *r, u64 va, unsigned int start)
{
	unsigned int level;

	for (level = start ? start : 1; level < 3; level++) {
		u64 bs = 1ULL << shift_of(level);
		u64 b = va & ~(bs - 1);

		if (b >= r->va && b + bs <= r->va + r->size &&
		    ((r->pa + (b - r->va)) & (bs - 1)) == 0)
			return level;
	}
	return 3;
}

static void model_check_page(const struct fixture *f, const struct model *m, u64 i)
{
	u64 va = m->base + i * SZ_4K + (rng() & 0xfff);
	phys_addr_t pa;
	u64 desc;
	unsigned int level;
	int ret = pgtable_lookup(&f->t, va, &pa, &desc, &level);

	if (!m->mapped[i]) {
		if (ret != -ENOENT)
			fail_msg("va %#llx: expected unmapped, got %d", (unsigned long long)va,
				 ret);
		return;
	}
	{
		const struct region *r = &m->reg[m->mapped[i] - 1];
		unsigned int want_level = model_level(r, va, f->t.start_level);
		u64 bs = 1ULL << shift_of(want_level);
		u64 want_pa = r->pa + (va - r->va);
		u64 want_desc = (want_pa & ~(bs - 1)) | r->attrs | D_VALID |
				(want_level == 3 ? D_TYPE : 0);

		if (ret != 0 || pa != want_pa || desc != want_desc || level != want_level)
			fail_msg("va %#llx: got %d pa %#llx desc %#llx level %u, want pa "
				 "%#llx desc %#llx level %u",
				 (unsigned long long)va, ret, (unsigned long long)pa,
				 (unsigned long long)desc, level, (unsigned long long)want_pa,
				 (unsigned long long)want_desc, want_level);
		leaves_at[level]++;
	}
}

/* Count table pages reachable from @table; each must be live and non-empty. */
static unsigned long count_tables(const struct fixture *f, const u64 *table,
				  unsigned int level)
{
	unsigned long n = 1;
	unsigned int i;

	assert_true(ta_is_live(&f->alloc, table));
	if (table != f->t.root)
		assert_true(count_nonzero(table) > 0);
	for (i = 0; i < ENTRIES; i++) {
		u64 d = table[i];

		if (level < 3 && (d & (D_VALID | D_TYPE)) == (D_VALID | D_TYPE))
			n += count_tables(f, next_table(f, d), level + 1);
	}
	return n;
}

static void random_run(unsigned int va_bits, u64 base, u64 window, u64 seed,
		       unsigned int attempts)
{
	struct fixture *f = fixture_init(va_bits);
	struct model *m = calloc(1, sizeof(*m));
	unsigned int a, ok = 0, conflicts = 0;
	u64 i, mapped_pages = 0, seen = 0;

	assert_non_null(m);
	rng_state = seed;
	m->base = base;
	m->pages = window / SZ_4K;
	m->mapped = calloc(m->pages, 1);
	assert_non_null(m->mapped);

	for (a = 0; a < attempts && m->nreg < ARRAY_SIZE(m->reg); a++) {
		struct region r;
		/* A few 1 GiB attempts first, before pages fragment every slot. */
		u64 roll = a < 4 ? 99 : rng_below(100), first, n, j;
		bool overlap = false;
		int ret;

		if (roll < 50) {		/* pages, often across 2 MiB boundaries */
			r.size = (1 + rng_below(1200)) * SZ_4K;
			r.va = base + rng_below(m->pages) * SZ_4K;
			r.pa = rng_below(1ULL << 28) * SZ_4K;
		} else if (roll < 85) {	/* 2 MiB blocks, maybe with a page tail */
			r.size = (1 + rng_below(4)) * SZ_2M + rng_below(3) * SZ_4K;
			r.va = base + rng_below(window / SZ_2M) * SZ_2M;
			r.pa = rng_below(1ULL << 19) * SZ_2M;
			if (rng_below(4) == 0)
				r.pa += SZ_4K; /* no longer congruent: pages only */
		} else if (window >= SZ_1G) {	/* 1 GiB blocks */
			r.size = SZ_1G + rng_below(2) * SZ_2M;
			r.va = base + rng_below(window / SZ_1G) * SZ_1G;
			r.pa = rng_below(1ULL << 10) * SZ_1G;
			if (rng_below(4) == 0)
				r.pa += SZ_2M;
		} else {
			continue;
		}
		if (r.va + r.size > base + window)
			r.size = base + window - r.va;
		r.attrs = rng() & PTE_ATTR_MASK;

		first = (r.va - base) / SZ_4K;
		n = r.size / SZ_4K;
		for (j = 0; j < n; j++)
			overlap |= m->mapped[first + j] != 0;

		if (overlap) {
			struct snapshot *s = snap_take(f);

			ret = pgtable_map(&f->t, r.va, r.pa, r.size, r.attrs);
			assert_int_equal(ret, -EEXIST);
			snap_check(f, s, true);
			snap_free(s);
			conflicts++;
			continue;
		}
		ret = pgtable_map(&f->t, r.va, r.pa, r.size, r.attrs);
		if (ret)
			fail_msg("map %#llx -> %#llx size %#llx: %d", (unsigned long long)r.va,
				 (unsigned long long)r.pa, (unsigned long long)r.size, ret);
		m->reg[m->nreg++] = r;
		for (j = 0; j < n; j++)
			m->mapped[first + j] = (u8)m->nreg;
		mapped_pages += n;
		ok++;
		/* The new region at once, and its neighbours. */
		for (j = first ? first - 1 : 0; j < first + n + 1 && j < m->pages; j++)
			model_check_page(f, m, j);
		assert_int_equal(f->t.tables, f->alloc.nlive);
	}

	/* Every page of the window, mapped or not. */
	memset(leaves_at, 0, sizeof(leaves_at));
	for (i = 0; i < m->pages; i++) {
		model_check_page(f, m, i);
		seen += m->mapped[i] != 0;
	}
	assert_int_equal(seen, mapped_pages);
	/* Table accounting: what the struct says, what is live, what is reachable. */
	assert_int_equal(f->t.tables, f->alloc.nlive);
	assert_int_equal(f->alloc.allocs - f->alloc.frees, (long)f->alloc.nlive);
	assert_int_equal(count_tables(f, f->t.root, f->t.start_level), f->t.tables);
	print_message("va_bits %u seed %#llx: %u maps, %u conflicts, %llu pages, %lu tables, leaves %lu/%lu/%lu\n",
		      va_bits, (unsigned long long)seed, ok, conflicts,
		      (unsigned long long)mapped_pages, f->t.tables, leaves_at[1], leaves_at[2], leaves_at[3]);
	/* The run exercised both outcomes. */
	assert_true(ok > 20);
	assert_true(conflicts > 0);
	assert_true(leaves_at[2] > 0 && leaves_at[3] > 0);
	if (window >= SZ_1G)
		assert_true(leaves_at[1] > 0);

	free(m->mapped);
	free(m);
	fixture_free(f);
}

static void test_random(void **state)
{
	(void)state;
	/* 39-bit, 8 GiB from 0. */
	random_run(39, 0, 8 * SZ_1G, 0x9e3779b97f4a7c15ULL, 400);
	random_run(39, 0, 8 * SZ_1G, 0x0123456789abcdefULL, 400);
	/* 48-bit, 8 GiB straddling the boundary between L0 entries 0 and 1. */
	random_run(48, (1ULL << 39) - 4 * SZ_1G, 8 * SZ_1G, 0xdeadbeefcafef00dULL, 400);
	/* 39-bit, a dense 64 MiB: mostly pages and 2 MiB blocks, many conflicts. */
	random_run(39, 3 * SZ_1G - 32 * SZ_2M, 64 * SZ_2M, 0x5555aaaa3333ccccULL, 300);
}

/* --- unmap ----------------------------------------------------------------- */

struct leaf_log {
	unsigned int n;
	u64 va[8];
	unsigned int level[8];
};

static void log_leaf(void *ctx, u64 va, unsigned int level)
{
	struct leaf_log *l = ctx;

	assert_true(l->n < 8);
	l->va[l->n] = va;
	l->level[l->n++] = level;
}

/* Block, block, page all cleared and reported; tables stay for reuse. */
static void test_unmap_leaves(void **state)
{
	struct fixture *f = fixture_init(39);
	const u64 va = 2 * SZ_1G, pa = 8 * SZ_1G, size = SZ_1G + SZ_2M + SZ_4K;
	struct leaf_log log = { 0 };
	phys_addr_t out;
	unsigned int lvl;
	u64 desc;
	long allocs;

	(void)state;
	assert_int_equal(pgtable_map(&f->t, va, pa, size, PTE_AF), 0);
	assert_int_equal(pgtable_unmap(&f->t, va, size, log_leaf, &log), 0);
	assert_int_equal(log.n, 3);
	assert_int_equal(log.va[0], va);
	assert_int_equal(log.level[0], 1);
	assert_int_equal(log.va[1], va + SZ_1G);
	assert_int_equal(log.level[1], 2);
	assert_int_equal(log.va[2], va + SZ_1G + SZ_2M);
	assert_int_equal(log.level[2], 3);
	assert_int_equal(f->t.root[2], 0);
	assert_int_equal(count_nonzero(next_table(f, f->t.root[3])), 1); /* the L3 link */
	assert_int_equal(pgtable_lookup(&f->t, va + SZ_1G + SZ_2M, &out, &desc, &lvl), -ENOENT);
	assert_int_equal(f->t.tables, 3);
	/* The same range maps again without a new table page. */
	allocs = f->alloc.allocs;
	assert_int_equal(pgtable_map(&f->t, va, pa, size, PTE_AF), 0);
	assert_int_equal(f->alloc.allocs, allocs);
	fixture_free(f);
}

/* Refusals change nothing: a hole in the range, a block cut in two, bad arguments. */
static void test_unmap_refused(void **state)
{
	struct fixture *f = fixture_init(39);
	const u64 block = SZ_1G, page = SZ_1G + SZ_2M;
	struct leaf_log log = { 0 };
	u64 *l2, *l3, l2_before[ENTRIES], l3_before[ENTRIES];

	(void)state;
	assert_int_equal(pgtable_map(&f->t, block, 0x80000000, SZ_2M, PTE_AF), 0);
	assert_int_equal(pgtable_map(&f->t, page, 0x90000000, 2 * SZ_4K, PTE_AF), 0);
	l2 = table_at(f, block, 2);
	l3 = table_at(f, page, 3);
	memcpy(l2_before, l2, sizeof(l2_before));
	memcpy(l3_before, l3, sizeof(l3_before));

	/* Two mapped pages then an unmapped one: the first two stay. */
	assert_int_equal(pgtable_unmap(&f->t, page, 3 * SZ_4K, log_leaf, &log), -ENOENT);
	/* Half of the 2 MiB block. */
	assert_int_equal(pgtable_unmap(&f->t, block, SZ_2M / 2, log_leaf, &log), -EINVAL);
	assert_int_equal(pgtable_unmap(&f->t, block + SZ_4K, SZ_2M - SZ_4K, log_leaf, &log),
			 -EINVAL);
	assert_int_equal(pgtable_unmap(&f->t, page + 1, SZ_4K, log_leaf, &log), -EINVAL);
	assert_int_equal(pgtable_unmap(&f->t, page, 0, log_leaf, &log), -EINVAL);
	assert_int_equal(pgtable_unmap(&f->t, 1ULL << 39, SZ_4K, log_leaf, &log), -EINVAL);
	assert_int_equal(log.n, 0);
	assert_memory_equal(l2, l2_before, sizeof(l2_before));
	assert_memory_equal(l3, l3_before, sizeof(l3_before));
	/* Exactly the block works. */
	assert_int_equal(pgtable_unmap(&f->t, block, SZ_2M, log_leaf, &log), 0);
	assert_int_equal(log.n, 1);
	assert_int_equal(l2[0], 0);
	fixture_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_start_level),
		cmocka_unit_test(test_init_root),
		cmocka_unit_test(test_init_einval),
		cmocka_unit_test(test_init_enomem),
		cmocka_unit_test(test_header_bits),
		cmocka_unit_test(test_map_1g_block),
		cmocka_unit_test(test_map_1g_block_l0),
		cmocka_unit_test(test_map_2m_block),
		cmocka_unit_test(test_map_4k_page),
		cmocka_unit_test(test_map_va25),
		cmocka_unit_test(test_map_mixed),
		cmocka_unit_test(test_map_mixed_incongruent),
		cmocka_unit_test(test_map_1g_2m_4k),
		cmocka_unit_test(test_map_reuses_tables),
		cmocka_unit_test(test_map_eexist),
		cmocka_unit_test(test_map_enomem),
		cmocka_unit_test(test_map_einval),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_lookup_reserved),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_unmap_leaves),
		cmocka_unit_test(test_unmap_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
