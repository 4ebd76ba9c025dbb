/*
 * Buddy page allocator (see mm/buddy.h for the model).
 *
 * Indexes: "idx" is a page index into b->pages (0 .. npages - 1); "pfn" is
 * the absolute page frame number, base_pfn + idx. Alignment and buddies are
 * computed on pfn, so blocks are aligned in physical address whatever the
 * alignment of base. Because a block of order k is aligned to 2^k pages,
 * its halves are at idx and idx + 2^(k-1) whatever base is.
 *
 * Invariants (checked by tests/host/test_buddy.c):
 *  - every page is covered by exactly one block, free or allocated;
 *  - the first page of a block records its order and FREE/ALLOC, every
 *    other page is TAIL;
 *  - no two free blocks of the same order below BUDDY_MAX_ORDER are buddies
 *    (merging is complete), so freeing everything gives back the initial
 *    decomposition.
 */
#include <errno.h>
#include <mm/buddy.h>

/*
 * Put a free block on its list: at the head if it is below the current
 * head, else second. Lists are not sorted (that would cost O(n)), but the
 * head is never higher than a block pushed while it was the head, which
 * is what the address-ordered choice in buddy_alloc() looks at.
 */
static void list_push(struct buddy *b, unsigned int k, u32 idx)
{
	struct buddy_page *pg = b->pages;
	u32 head = b->free_list[k], next;

	pg[idx].order = (u8)k;
	pg[idx].state = BUDDY_PAGE_FREE;
	b->nonempty |= 1U << k;
	if (head == BUDDY_NIL || idx < head) {
		pg[idx].next = head;
		pg[idx].prev = BUDDY_NIL;
		if (head != BUDDY_NIL)
			pg[head].prev = idx;
		b->free_list[k] = idx;
		return;
	}
	next = pg[head].next;
	pg[idx].next = next;
	pg[idx].prev = head;
	pg[head].next = idx;
	if (next != BUDDY_NIL)
		pg[next].prev = idx;
}

static void list_del(struct buddy *b, unsigned int k, u32 idx)
{
	struct buddy_page *pg = b->pages;
	u32 next = pg[idx].next, prev = pg[idx].prev;

	if (prev != BUDDY_NIL)
		pg[prev].next = next;
	else
		b->free_list[k] = next;
	if (next != BUDDY_NIL)
		pg[next].prev = prev;
	if (b->free_list[k] == BUDDY_NIL)
		b->nonempty &= ~(1U << k);
}

size_t buddy_meta_bytes(u64 size)
{
	return (size_t)(size >> PAGE_SHIFT) * sizeof(struct buddy_page);
}

/*
 * Largest order k <= BUDDY_MAX_ORDER of an aligned block that ends at @end
 * and starts at or above @start (page frame numbers, start < end). Cutting
 * from the top with this gives the same maximal decomposition as cutting
 * from the bottom: aligned blocks nest.
 */
static unsigned int max_order_below(u64 start, u64 end)
{
	unsigned int k = end ? (unsigned int)__builtin_ctzll(end) : 63;
	unsigned int fit = 63 - (unsigned int)__builtin_clzll(end - start);

	if (k > fit)
		k = fit;
	return k > BUDDY_MAX_ORDER ? BUDDY_MAX_ORDER : k;
}

int buddy_init(struct buddy *b, phys_addr_t base, u64 size, void *meta,
	       size_t meta_bytes)
{
	u64 npages = size >> PAGE_SHIFT, idx;
	unsigned int k;

	if (!size || !IS_ALIGNED(base, PAGE_SIZE) || !IS_ALIGNED(size, PAGE_SIZE) ||
	    base + size < base || npages >= BUDDY_NIL)
		return -EINVAL;
	if (!meta || !IS_ALIGNED((uintptr_t)meta, _Alignof(struct buddy_page)) ||
	    meta_bytes < buddy_meta_bytes(size))
		return -EINVAL;

	b->base = base;
	b->base_pfn = base >> PAGE_SHIFT;
	b->npages = (u32)npages;
	b->nonempty = 0;
	b->free_pages = npages;
	b->pages = meta;
	for (k = 0; k < BUDDY_NR_ORDERS; k++)
		b->free_list[k] = BUDDY_NIL;
	for (idx = 0; idx < npages; idx++)
		b->pages[idx] = (struct buddy_page){ BUDDY_NIL, BUDDY_NIL, 0, BUDDY_PAGE_TAIL };

	/*
	 * Greedy maximal decomposition, cut from the top down: pushed high
	 * to low, each list starts with its lowest block, so a fresh pool
	 * fills from its base up (a small span in use).
	 */
	for (idx = npages; idx > 0; idx -= 1ULL << k) {
		k = max_order_below(b->base_pfn, b->base_pfn + idx);
		list_push(b, k, (u32)(idx - (1ULL << k)));
	}
	return 0;
}

int buddy_alloc(struct buddy *b, unsigned int order, phys_addr_t *out)
{
	struct buddy_page *pg = b->pages;
	unsigned int k;
	u32 avail, idx;

	if (order > BUDDY_MAX_ORDER)
		return -EINVAL;
	avail = b->nonempty >> order << order;
	if (!avail)
		return -ENOMEM;
	/*
	 * Address-ordered choice among the list heads: the lowest-addressed
	 * head of any order that fits, so a pool fills from its base up and
	 * the span in use stays close to the bytes in use.
	 */
	k = (unsigned int)__builtin_ctz(avail);
	idx = b->free_list[k];
	for (avail &= avail - 1; avail; avail &= avail - 1) {
		unsigned int j = (unsigned int)__builtin_ctz(avail);

		if (b->free_list[j] < idx) {
			idx = b->free_list[j];
			k = j;
		}
	}
	list_del(b, k, idx);

	/* Keep the lower half, give the upper half back at each step. */
	while (k > order) {
		k--;
		list_push(b, k, idx + (1U << k));
	}
	pg[idx].order = (u8)order;
	pg[idx].state = BUDDY_PAGE_ALLOC;
	b->free_pages -= 1ULL << order;
	*out = b->base + ((phys_addr_t)idx << PAGE_SHIFT);
	return 0;
}

int buddy_free(struct buddy *b, phys_addr_t addr)
{
	struct buddy_page *pg = b->pages;
	u32 idx = buddy_page_index(b, addr);
	unsigned int k;
	u64 pfn;

	/*
	 * buddy_alloc_order(), written out: idx is needed below (calling it
	 * and recomputing idx costs 6 instructions per free, make bench).
	 */
	if (idx == BUDDY_NIL || pg[idx].state != BUDDY_PAGE_ALLOC)
		return -EINVAL;
	k = pg[idx].order;
	b->free_pages += 1ULL << k;
	pfn = b->base_pfn + idx;

	while (k < BUDDY_MAX_ORDER) {
		u64 bud = (pfn ^ (1ULL << k)) - b->base_pfn; /* wraps if below base */

		if (bud >= b->npages || pg[bud].state != BUDDY_PAGE_FREE ||
		    pg[bud].order != k)
			break;
		list_del(b, k, (u32)bud);
		/* The higher of the two heads becomes an interior page. */
		if (bud < idx) {
			pg[idx].state = BUDDY_PAGE_TAIL;
			idx = (u32)bud;
		} else {
			pg[bud].state = BUDDY_PAGE_TAIL;
		}
		pfn &= ~(1ULL << k);
		k++;
	}
	list_push(b, k, idx);
	return 0;
}

int buddy_alloc_at(struct buddy *b, phys_addr_t addr, unsigned int order)
{
	struct buddy_page *pg = b->pages;
	u32 idx, head;
	unsigned int k;
	u64 pfn;

	if (order > BUDDY_MAX_ORDER || !IS_ALIGNED(addr, PAGE_SIZE << order))
		return -EINVAL;
	idx = buddy_page_index(b, addr);
	if (idx == BUDDY_NIL || (u64)idx + (1ULL << order) > b->npages)
		return -EINVAL;

	/*
	 * Merging is complete, so if the whole block is free it lies inside a
	 * single free block, whose head is @addr rounded down to its order.
	 * Look for the block covering @addr: a TAIL at the rounded address
	 * means a larger block covers it; a head of smaller order than the
	 * rounding means blocks smaller than the request cover it (so, by
	 * complete merging, part of it is allocated).
	 */
	pfn = b->base_pfn + idx;
	for (k = order; k < BUDDY_NR_ORDERS; k++) {
		u64 h = (pfn & ~((1ULL << k) - 1)) - b->base_pfn;

		if (h >= b->npages)
			return -EBUSY;
		if (pg[h].state == BUDDY_PAGE_TAIL || pg[h].order > k)
			continue;
		if (pg[h].order < k || pg[h].state != BUDDY_PAGE_FREE)
			return -EBUSY;
		break;
	}
	if (k == BUDDY_NR_ORDERS)
		return -EBUSY;

	head = (u32)((pfn & ~((1ULL << k) - 1)) - b->base_pfn);
	list_del(b, k, head);
	while (k > order) {
		k--;
		if (idx >= head + (1U << k)) {
			list_push(b, k, head);
			head += 1U << k; /* was TAIL; the head of what is left */
		} else {
			list_push(b, k, head + (1U << k));
		}
	}
	pg[idx].order = (u8)order;
	pg[idx].state = BUDDY_PAGE_ALLOC;
	b->free_pages -= 1ULL << order;
	return 0;
}

u64 buddy_free_bytes(const struct buddy *b)
{
	return b->free_pages << PAGE_SHIFT;
}

u64 buddy_largest_free(const struct buddy *b)
{
	if (!b->nonempty)
		return 0;
	return PAGE_SIZE << (31 - __builtin_clz(b->nonempty));
}
