/*
 * VMSAv8-64 translation-table builder, 4 KiB granule (see mm/pgtable.h).
 *
 * Mapping is two passes over the same walk: PGT_COUNT computes how many
 * table pages are missing and checks for conflicts without writing; then
 * exactly that many pages are reserved; PGT_COMMIT writes descriptors using
 * only reserved pages, so it cannot fail halfway.
 */
#include <errno.h>
#include <mm/pgtable.h>
#include <string.h>

enum pgt_pass { PGT_COUNT, PGT_COMMIT };

struct pgt_walk {
	enum pgt_pass pass;
	u64 attrs;
	unsigned long need;	/* PGT_COUNT: table pages to allocate */
	void **reserved;	/* PGT_COMMIT: pages taken in order */
	unsigned long next;
};

static unsigned int level_shift(unsigned int level)
{
	return PAGE_SHIFT + 9 * (3 - level);
}

static u64 *table_of(u64 desc)
{
	return (u64 *)(uintptr_t)(desc & PTE_ADDR);
}

static bool is_table(u64 desc, unsigned int level)
{
	return level < 3 && (desc & (PTE_VALID | PTE_TABLE)) == (PTE_VALID | PTE_TABLE);
}

/* A leaf may be a block at levels 1 and 2, a page at level 3 (D8.3.1). */
static bool can_be_leaf(unsigned int level, u64 va, u64 pa, u64 end)
{
	u64 size = pgtable_level_size(level);

	if (level == 0)
		return false;
	return IS_ALIGNED(va, size) && IS_ALIGNED(pa, size) && end - va >= size;
}

static u64 leaf_desc(unsigned int level, u64 pa, u64 attrs)
{
	u64 type = level == 3 ? (PTE_VALID | PTE_PAGE) : PTE_VALID;

	return type | (pa & PTE_ADDR) | attrs;
}

/*
 * Walk [va, end) within one table at @level. @table is NULL in PGT_COUNT
 * when the table itself does not exist yet (so nothing under it does).
 */
static int walk(struct pgt_walk *w, u64 *table, unsigned int level, u64 va,
		u64 end, u64 pa)
{
	const bool commit = w->pass == PGT_COMMIT; /* constant for the whole walk */
	u64 size;

	/*
	 * Never true: pgtable_map() checked page alignment, so level 3 always
	 * takes a leaf, and the committing pass has every table it writes to.
	 */
	if (level >= PGTABLE_LEVELS || (!table && commit))
		return -EINVAL;
	size = pgtable_level_size(level);
	while (va < end) {
		unsigned int idx = (va >> level_shift(level)) % PGTABLE_ENTRIES;
		u64 next = ALIGN_DOWN(va, size) + size; /* 0 at the top of 2^64 */
		u64 chunk_end = next != 0 && next < end ? next : end;
		u64 desc = table ? table[idx] : 0;
		int ret;

		if (is_table(desc, level)) {
			ret = walk(w, table_of(desc), level + 1, va, chunk_end, pa);
			if (ret)
				return ret;
		} else if (desc & PTE_VALID) {
			return -EEXIST;
		} else if (can_be_leaf(level, va, pa, chunk_end)) {
			if (commit)
				table[idx] = leaf_desc(level, pa, w->attrs);
		} else {
			u64 *sub = NULL;

			if (!commit) {
				w->need++;
			} else {
				sub = w->reserved[w->next++];
				memset(sub, 0, PAGE_SIZE);
			}
			ret = walk(w, sub, level + 1, va, chunk_end, pa);
			if (ret)
				return ret;
			/* Linked once filled: a walker never sees a half-built table. */
			if (sub)
				table[idx] = (uintptr_t)sub | PTE_VALID | PTE_TABLE;
		}
		pa += chunk_end - va;
		va = chunk_end;
	}
	return 0;
}

int pgtable_init(struct pgtable *t, unsigned int va_bits,
		 const struct pgtable_pages *pages)
{
	if (va_bits < PGTABLE_MIN_VA_BITS || va_bits > PGTABLE_MAX_VA_BITS)
		return -EINVAL;
	t->va_bits = va_bits;
	/* Each level resolves 9 bits above the 12-bit page offset. */
	t->start_level = 3 - (va_bits - PAGE_SHIFT - 1) / 9;
	t->pages = *pages;
	t->root = t->pages.alloc(t->pages.ctx);
	if (!t->root)
		return -ENOMEM;
	memset(t->root, 0, PAGE_SIZE);
	t->tables = 1;
	return 0;
}

#define PGT_MAX_RESERVE 64

int pgtable_map(struct pgtable *t, u64 va, phys_addr_t pa, u64 size, u64 attrs)
{
	struct pgt_walk w = { .pass = PGT_COUNT, .attrs = attrs };
	void *reserved[PGT_MAX_RESERVE];
	u64 end = va + size;
	unsigned long i;
	int ret;

	if (!size || !IS_ALIGNED(va | pa | size, PAGE_SIZE) || (attrs & ~PTE_ATTR_MASK))
		return -EINVAL;
	/* The last output byte must fit the descriptor's PA field, bits 47:0. */
	if (end < va || (end - 1) >> t->va_bits || pa + size - 1 < pa ||
	    (pa + size - 1) > (PTE_ADDR | (PAGE_SIZE - 1)))
		return -EINVAL;

	ret = walk(&w, t->root, t->start_level, va, end, pa);
	if (ret)
		return ret;
	/* One call needing more than this is a caller splitting problem. */
	if (w.need > PGT_MAX_RESERVE)
		return -ENOMEM;
	for (i = 0; i < w.need; i++) {
		reserved[i] = t->pages.alloc(t->pages.ctx);
		if (!reserved[i]) {
			while (i--)
				t->pages.free(t->pages.ctx, reserved[i]);
			return -ENOMEM;
		}
	}

	w.pass = PGT_COMMIT;
	w.reserved = reserved;
	ret = walk(&w, t->root, t->start_level, va, end, pa);
	/* PGT_COUNT proved the walk conflict-free and sized the reservation. */
	if (ret || w.next != w.need)
		return -EFAULT;
	t->tables += w.need;
	return 0;
}

int pgtable_lookup(const struct pgtable *t, u64 va, phys_addr_t *pa, u64 *desc,
		   unsigned int *level)
{
	const u64 *table = t->root;
	unsigned int lvl;

	if (va >> t->va_bits)
		return -ENOENT;
	for (lvl = t->start_level; lvl < PGTABLE_LEVELS; lvl++) {
		u64 d = table[(va >> level_shift(lvl)) % PGTABLE_ENTRIES];

		if (!(d & PTE_VALID))
			return -ENOENT;
		if (is_table(d, lvl)) {
			table = table_of(d);
			continue;
		}
		if (lvl == 0 || (lvl == 3 && !(d & PTE_PAGE)))
			return -ENOENT; /* reserved encodings: treat as unmapped */
		*pa = (d & PTE_ADDR & ~(pgtable_level_size(lvl) - 1)) |
		      (va & (pgtable_level_size(lvl) - 1));
		*desc = d;
		*level = lvl;
		return 0;
	}
	return -ENOENT;
}

/*
 * Unmap walk over [va, end) of @table at @level. With @commit false only
 * checks that every byte is mapped by a leaf lying wholly inside the range;
 * with @commit true clears those leaves, reporting each to @leaf.
 */
static int unmap_walk(u64 *table, unsigned int level, u64 va, u64 end, bool commit,
		      void (*leaf)(void *ctx, u64 va, unsigned int level), void *ctx)
{
	u64 size = pgtable_level_size(level);

	while (va < end) {
		unsigned int idx = (va >> level_shift(level)) % PGTABLE_ENTRIES;
		u64 next = ALIGN_DOWN(va, size) + size; /* 0 at the top of 2^64 */
		u64 chunk_end = next != 0 && next < end ? next : end;
		u64 desc = table[idx];
		int ret;

		if (is_table(desc, level)) {
			ret = unmap_walk(table_of(desc), level + 1, va, chunk_end, commit, leaf, ctx);
			if (ret)
				return ret;
		} else if (!(desc & PTE_VALID) || level == 0) {
			return -ENOENT;
		} else if (!IS_ALIGNED(va, size) || chunk_end - va < size) {
			return -EINVAL; /* would split a block: not this builder's business */
		} else if (commit) {
			table[idx] = 0;
			if (leaf)
				leaf(ctx, va, level);
		}
		va = chunk_end;
	}
	return 0;
}

int pgtable_unmap(struct pgtable *t, u64 va, u64 size,
		  void (*leaf)(void *ctx, u64 va, unsigned int level), void *ctx)
{
	u64 end = va + size;
	int ret;

	if (!size || !IS_ALIGNED(va | size, PAGE_SIZE) || end < va || (end - 1) >> t->va_bits)
		return -EINVAL;
	ret = unmap_walk(t->root, t->start_level, va, end, false, NULL, NULL);
	if (ret)
		return ret;
	return unmap_walk(t->root, t->start_level, va, end, true, leaf, ctx);
}
