/* The firmware's page allocator and boot arena (include/mm/page_alloc.h). */
#include <bits.h>
#include <errno.h>
#include <fault_inject.h>
#include <layout.h>
#include <mm/buddy.h>
#include <mm/page_alloc.h>
#include <string.h>

#define BOOT_ARENA_ORDER 4 /* 64 KiB per arena refill */

static struct buddy fw_buddy;
static bool ready;
static u8 *arena;
static size_t arena_left;

int page_alloc_init(phys_addr_t base, u64 size)
{
	size_t meta;
	u64 meta_pages;

	base = ALIGN_UP(base, PAGE_SIZE);
	size = ALIGN_DOWN(size, PAGE_SIZE);
	meta = buddy_meta_bytes(size);
	meta_pages = ALIGN_UP((u64)meta, PAGE_SIZE);
	if (size <= meta_pages + PAGE_SIZE)
		return -EINVAL;
	/* The metadata takes the first pages; the buddy manages the rest. */
	if (buddy_init(&fw_buddy, base + meta_pages, size - meta_pages, (void *)(uintptr_t)base,
		       meta))
		return -EINVAL;
	ready = true;
	return 0;
}

void *page_alloc(unsigned int order)
{
	phys_addr_t pa;
	void *p;

	if (!ready || fault_inject_hit(FAULT_INJECT_COHERENT) || buddy_alloc(&fw_buddy, order, &pa))
		return NULL;
	p = (void *)(uintptr_t)pa;
	memset(p, 0, PAGE_SIZE << order);
	return p;
}

int page_free(void *page)
{
	if (!ready)
		return -EINVAL;
	return buddy_free(&fw_buddy, (uintptr_t)page);
}

u64 page_free_bytes(void)
{
	return ready ? buddy_free_bytes(&fw_buddy) : 0;
}

void *boot_zalloc(size_t size)
{
	void *p;

	size = ALIGN_UP(size, 16);
	if (size > arena_left) {
		unsigned int order = BOOT_ARENA_ORDER;

		while ((PAGE_SIZE << order) < size)
			order++;
		arena = page_alloc(order); /* the tail of the old arena is abandoned */
		if (!arena)
			return NULL;
		arena_left = PAGE_SIZE << order;
	}
	p = arena;
	arena += size;
	arena_left -= size;
	return p;
}
