/*
 * Remap window (include/mm/remap.h): window VAs from a buddy allocator,
 * mappings through the shared translation-table builder. Pure: host-tested
 * in tests/host/test_remap.c.
 */
#include <errno.h>
#include <mm/remap.h>

size_t remap_meta_bytes(u64 size)
{
	return buddy_meta_bytes(size);
}

int remap_window_init(struct remap_window *w, struct pgtable *pgt, u64 base, u64 size,
		      void *meta, size_t meta_bytes)
{
	/* The buddy manages window offsets, so the allocator never sees the VA's top bits. */
	if (!size || !IS_ALIGNED(base | size, PAGE_SIZE) || (size - 1) >> pgt->va_bits)
		return -EINVAL;
	w->pgt = pgt;
	w->base = base;
	w->size = size;
	return buddy_init(&w->va, 0, size, meta, meta_bytes);
}

int remap_window_map(struct remap_window *w, phys_addr_t pa, u64 size, u64 attrs, u64 *va)
{
	unsigned int order = buddy_order_of(size);
	phys_addr_t off;
	int ret;

	if (!size || size != PAGE_SIZE << order || !IS_ALIGNED(pa, PAGE_SIZE) ||
	    order > BUDDY_MAX_ORDER)
		return -EINVAL;
	ret = buddy_alloc(&w->va, order, &off);
	if (ret)
		return ret;
	/* pgtable_map() itself prepares then commits: a failure leaves no entry. */
	ret = pgtable_map(w->pgt, off, pa, size, attrs);
	if (ret) {
		buddy_free(&w->va, off);
		return ret;
	}
	*va = w->base + off;
	return 0;
}

struct leaf_fwd {
	void (*leaf)(void *ctx, u64 va, unsigned int level);
	void *ctx;
	u64 base;
};

/* pgtable_unmap() reports offsets; the caller invalidates VAs. */
static void forward_leaf(void *ctx, u64 off, unsigned int level)
{
	const struct leaf_fwd *f = ctx;

	if (f->leaf)
		f->leaf(f->ctx, f->base + off, level);
}

int remap_window_unmap(struct remap_window *w, u64 va, phys_addr_t *pa, u64 *size,
		       void (*leaf)(void *ctx, u64 va, unsigned int level), void *ctx)
{
	struct leaf_fwd f = { leaf, ctx, w->base };
	phys_addr_t first;
	unsigned int level;
	u64 off = va - w->base, desc, bytes;
	int order, ret;

	if (!remap_window_owns(w, va))
		return -EINVAL;
	order = buddy_alloc_order(&w->va, off);
	if (order < 0 || pgtable_lookup(w->pgt, off, &first, &desc, &level))
		return -EINVAL;
	bytes = PAGE_SIZE << order;
	ret = pgtable_unmap(w->pgt, off, bytes, forward_leaf, &f);
	if (ret)
		return -EINVAL; /* never: remap_window_map() mapped the whole block */
	buddy_free(&w->va, off);
	if (pa)
		*pa = first;
	if (size)
		*size = bytes;
	return 0;
}

int remap_window_lookup(const struct remap_window *w, u64 va, phys_addr_t *pa, u64 *desc,
			unsigned int *level)
{
	if (!remap_window_owns(w, va))
		return -ENOENT;
	return pgtable_lookup(w->pgt, va - w->base, pa, desc, level);
}
