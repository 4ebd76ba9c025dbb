/*
 * BAR decoding, window choice, packing and bridge window encoding.
 * Contracts in drivers/pci/pci_alloc.h.
 */
#include "pci_alloc.h"

#include <bits.h>
#include <drivers/pci_regs.h>
#include <errno.h>
#include <string.h>

static u64 lowest_bit(u64 x)
{
	return x & (~x + 1);
}

int pci_bar_decode(u32 lo, u32 hi, bool last, struct pci_bar *bar)
{
	u64 mask;

	memset(bar, 0, sizeof(*bar));
	if (lo & PCI_BASE_ADDRESS_SPACE_IO) {
		/* Bits 31:16 of a 16-bit decoder read 0: the lowest set bit still sizes it. */
		mask = lo & PCI_BASE_ADDRESS_IO_MASK;
		if (!mask)
			return 0;
		bar->io = true;
		bar->size = lowest_bit(mask);
		return 0;
	}

	switch (FIELD_GET(PCI_BASE_ADDRESS_MEM_TYPE, lo)) {
	case PCI_BASE_ADDRESS_MEM_TYPE_32:
		mask = lo & PCI_BASE_ADDRESS_MEM_MASK;
		break;
	case PCI_BASE_ADDRESS_MEM_TYPE_64:
		if (last)
			return -EINVAL;
		mask = ((u64)hi << 32) | (lo & PCI_BASE_ADDRESS_MEM_MASK);
		bar->mem64 = true;
		break;
	default:
		return -EINVAL;
	}
	if (!mask) {
		bar->mem64 = false;
		return 0;
	}
	bar->prefetch = !!(lo & PCI_BASE_ADDRESS_MEM_PREFETCH);
	bar->size = lowest_bit(mask);
	return 0;
}

enum pci_class pci_bar_class(const struct pci_bar *bar)
{
	if (bar->io)
		return PCI_CLASS_IO;
	if (bar->mem64 && bar->prefetch)
		return PCI_CLASS_PREF;
	return PCI_CLASS_MEM;
}

/* First window of @space whose prefetch flag is @pref; -ENOENT if none. */
static int find_window(const struct pci_host_dt *h, unsigned int space, bool pref)
{
	unsigned int i;

	for (i = 0; i < h->nr_windows; i++)
		if (h->win[i].space == space && h->win[i].prefetch == pref)
			return (int)i;
	return -ENOENT;
}

int pci_host_window_for(const struct pci_host_dt *h, enum pci_class cls)
{
	int w;

	switch (cls) {
	case PCI_CLASS_IO:
		w = find_window(h, PCI_DT_SPACE_IO, false);
		return w >= 0 ? w : find_window(h, PCI_DT_SPACE_IO, true);
	case PCI_CLASS_MEM:
		return find_window(h, PCI_DT_SPACE_MEM32, false);
	case PCI_CLASS_PREF:
		w = find_window(h, PCI_DT_SPACE_MEM64, true);
		if (w < 0)
			w = find_window(h, PCI_DT_SPACE_MEM64, false);
		if (w < 0)
			w = find_window(h, PCI_DT_SPACE_MEM32, true);
		if (w < 0)
			w = find_window(h, PCI_DT_SPACE_MEM32, false);
		return w;
	default:
		return -ENOENT;
	}
}

/* Whether request @a goes before @b (indices break ties). */
static bool goes_before(const struct pci_alloc_req *req, unsigned int a, unsigned int b)
{
	if (req[a].align != req[b].align)
		return req[a].align > req[b].align;
	if (req[a].size != req[b].size)
		return req[a].size > req[b].size;
	return a < b;
}

unsigned int pci_alloc_place(struct pci_alloc_req *req, unsigned int n, u64 base,
			     u64 size, u64 *end)
{
	u64 cursor = base, last = base + (size - 1), at;
	unsigned int done, i, pick, prev = n, failed = 0;
	bool full = false; /* the last byte of the window is taken */

	for (i = 0; i < n; i++) {
		req[i].placed = false;
		req[i].addr = 0;
	}
	if (end)
		*end = base;
	if (!size)
		return n;

	/* goes_before() is a strict total order: take each next one in turn. */
	for (done = 0; done < n; done++, prev = pick) {
		pick = n;
		for (i = 0; i < n; i++) {
			if (prev != n && !goes_before(req, prev, i))
				continue;
			if (pick == n || goes_before(req, i, pick))
				pick = i;
		}

		at = ALIGN_UP(cursor, req[pick].align);
		if (full || at < cursor || at > last || req[pick].size - 1 > last - at) {
			failed++;
			continue;
		}
		req[pick].addr = at;
		req[pick].placed = true;
		full = req[pick].size - 1 == last - at;
		cursor = at + req[pick].size;
		if (end)
			*end = cursor;
	}
	return failed;
}

void pci_alloc_span(struct pci_alloc_req *req, unsigned int n, u64 granule,
		    u64 *size, u64 *align)
{
	unsigned int i;
	u64 end;

	*size = 0;
	*align = 0;
	if (!n)
		return;
	pci_alloc_place(req, n, 0, ~0ULL, &end);
	*size = ALIGN_UP(end, granule);
	*align = granule;
	for (i = 0; i < n; i++)
		if (req[i].align > *align)
			*align = req[i].align;
}

/* The fields of an address that a window register holds. */
#define IO_LO(a) ((u32)FIELD_PREP(PCI_IO_RANGE_ADDR, FIELD_GET(PCI_IO_WINDOW_ADDR_LO, (a))))
#define IO_HI(a) ((u32)FIELD_GET(PCI_IO_WINDOW_ADDR_HI, (a)))
#define MEM_LO(a) ((u32)FIELD_PREP(PCI_MEMORY_RANGE_ADDR, FIELD_GET(PCI_MEMORY_WINDOW_ADDR, (a))))
#define MEM_HI(a) ((u32)FIELD_GET(PCI_PREF_WINDOW_ADDR_HI, (a)))

void pci_bridge_encode(const u64 *base, const u64 *size, struct pci_bridge_regs *r)
{
	u64 b, lim;

	/*
	 * Closed window: base above limit (Bridge Spec 1.2, 3.2.5.6/8/9). The
	 * range-type nibbles are read-only and written as 0; whether the
	 * bridge decodes 32-bit I/O or 64-bit prefetchable addresses is the
	 * caller's check.
	 */
	if (size[PCI_CLASS_IO]) {
		b = base[PCI_CLASS_IO];
		lim = b + size[PCI_CLASS_IO] - 1;
		r->io_base = (u8)IO_LO(b);
		r->io_limit = (u8)IO_LO(lim);
		r->io_upper = IO_HI(b) | IO_HI(lim) << 16;
	} else {
		r->io_base = (u8)IO_LO(PCI_IO_WINDOW_ADDR_LO);
		r->io_limit = 0;
		r->io_upper = 0;
	}

	if (size[PCI_CLASS_MEM]) {
		b = base[PCI_CLASS_MEM];
		lim = b + size[PCI_CLASS_MEM] - 1;
		r->mem = MEM_LO(b) | MEM_LO(lim) << 16;
	} else {
		r->mem = MEM_LO(PCI_MEMORY_WINDOW_ADDR);
	}

	if (size[PCI_CLASS_PREF]) {
		b = base[PCI_CLASS_PREF];
		lim = b + size[PCI_CLASS_PREF] - 1;
		r->pref = MEM_LO(b) | MEM_LO(lim) << 16;
		r->pref_base_upper = MEM_HI(b);
		r->pref_limit_upper = MEM_HI(lim);
	} else {
		r->pref = MEM_LO(PCI_MEMORY_WINDOW_ADDR);
		r->pref_base_upper = 0;
		r->pref_limit_upper = 0;
	}
}
