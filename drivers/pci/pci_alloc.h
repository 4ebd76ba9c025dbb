/*
 * Pure parts of BAR and bridge-window assignment: decoding what a BAR
 * reads back after all-ones was written, choosing the host window for a
 * BAR, packing naturally aligned requests into a window, and encoding
 * bridge window registers. No MMIO: tests/host/test_pci_alloc.c runs it.
 *
 * Assignment, as drivers/pci/pci.c uses these pieces:
 *
 *   bottom-up   each bridge's window of each class = its children's
 *               requests packed from 0 (pci_alloc_place), rounded up to the
 *               window granule (1 MiB memory, 4 KiB IO), aligned to the
 *               largest of the granule and its children's alignments
 *   root        the root bus's requests (BARs and bridge windows) packed
 *               into the host window their class maps to
 *   top-down    each placed bridge window packs its children again, at
 *               its own base: the same deterministic packing, so it fits
 *
 * Classes (a bridge has one window of each):
 *   PCI_CLASS_IO    I/O BARs
 *   PCI_CLASS_MEM   non-prefetchable BARs and 32-bit prefetchable ones
 *                   (prefetchable memory may always be mapped
 *                   non-prefetchable; the bridge's prefetchable window is
 *                   kept for 64-bit BARs): below 4 GiB
 *   PCI_CLASS_PREF  64-bit prefetchable BARs: a 64-bit window if the host
 *                   has one
 */
#ifndef DRIVERS_PCI_PCI_ALLOC_H
#define DRIVERS_PCI_PCI_ALLOC_H

#include "pci_dt.h"

#include <drivers/pci.h>
#include <types.h>

enum pci_class {
	PCI_CLASS_IO,
	PCI_CLASS_MEM,
	PCI_CLASS_PREF,
	PCI_NR_CLASSES,
};

/*
 * Lowest I/O bus address handed out (Linux arm64's PCIBIOS_MIN_IO): the
 * legacy ISA range below it is left alone.
 */
#define PCI_IO_MIN 0x1000

/*
 * pci_bar_decode() - what a BAR is, from the values read back after
 * writing all-ones (PCI Local Bus 3.0, 6.2.5.1).
 * @lo: the BAR's read-back.
 * @hi: the next BAR's read-back (used only when @lo says 64-bit).
 * @bar: size and flags (base left 0). size 0: not implemented.
 *
 * The size is the lowest set bit of the address mask (Linux's pci_size()),
 * which also holds for an I/O BAR whose upper 16 bits read 0 (a 16-bit
 * decoder).
 *
 * Return: 0; -EINVAL for a memory BAR of a reserved type (1 or 3), or a
 * 64-bit BAR in the last slot (@last). @bar is zeroed then.
 */
int pci_bar_decode(u32 lo, u32 hi, bool last, struct pci_bar *bar);

/* pci_bar_class() - the class a sized BAR is assigned from. */
enum pci_class pci_bar_class(const struct pci_bar *bar);

/*
 * pci_host_window_for() - the host window a class is assigned from:
 * IO -> the IO window; MEM -> a non-prefetchable MEM32 window; PREF -> a
 * prefetchable MEM64 window, else a MEM64 one, else the MEM class's.
 * Return: the index into h->win[], or -ENOENT if there is none.
 */
int pci_host_window_for(const struct pci_host_dt *h, enum pci_class cls);

/* One thing to place: a BAR or a bridge window. */
struct pci_alloc_req {
	u64 size;	/* > 0 */
	u64 align;	/* power of two */
	u64 addr;	/* out: bus address, if placed */
	bool placed;	/* out */
};

/*
 * pci_alloc_place() - pack @n requests into [@base, @base + @size).
 *
 * Largest alignment first (ties: larger size, then lower index), each at
 * the next address aligned to its alignment. A request that does not fit
 * is left unplaced and the rest go on. For power-of-two sizes sorted this
 * way the packing has no holes. Deterministic: the same requests give the
 * same layout relative to a base aligned to their largest alignment.
 *
 * @end: NULL, or where to store one past the highest placed byte (@base
 * if nothing was placed).
 * Return: the number of requests left unplaced.
 */
unsigned int pci_alloc_place(struct pci_alloc_req *req, unsigned int n, u64 base,
			     u64 size, u64 *end);

/*
 * pci_alloc_span() - what a bridge window must be to hold @n requests
 * packed from 0: *size rounded up to @granule, *align the largest of
 * @granule and the requests' alignments. Both 0 when @n is 0.
 */
void pci_alloc_span(struct pci_alloc_req *req, unsigned int n, u64 granule,
		    u64 *size, u64 *align);

/* Bridge window registers (PCI-to-PCI Bridge Spec 1.2, 3.2.5.6-3.2.5.9). */
struct pci_bridge_regs {
	u8 io_base, io_limit;		/* PCI_IO_BASE, PCI_IO_LIMIT */
	u32 io_upper;			/* PCI_IO_BASE_UPPER16 | LIMIT_UPPER16 << 16 */
	u32 mem;			/* PCI_MEMORY_BASE | PCI_MEMORY_LIMIT << 16 */
	u32 pref;			/* PCI_PREF_MEMORY_BASE | _LIMIT << 16 */
	u32 pref_base_upper, pref_limit_upper;
};

/*
 * pci_bridge_encode() - register values for windows [base, base + size)
 * of each class; size 0 closes that window (base above limit).
 * @base, @size: indexed by enum pci_class; bus addresses, aligned to the
 * granule (asserted by the caller's placement).
 */
void pci_bridge_encode(const u64 *base, const u64 *size, struct pci_bridge_regs *r);

#endif /* DRIVERS_PCI_PCI_ALLOC_H */
