/*
 * What a `pci-host-ecam-generic` node says, decoded and checked: the ECAM
 * window and bus range, the windows of `ranges`, INTx routing through
 * `interrupt-map`, requester ID to stream ID through `iommu-map`.
 *
 * Pure: reads the blob, no MMIO, so tests/host/test_pci_dt.c runs it on
 * .dtb fixtures. Problems are reported through a memmap_report_fn with
 * the host node's path (or the path of the node a phandle points at).
 *
 * Bindings: Linux Documentation/devicetree/bindings/pci/
 * host-generic-pci.yaml and pci.txt (pci-iommu.txt for iommu-map),
 * IEEE 1275 PCI binding (3-cell addresses), Devicetree Specification v0.4
 * 2.4 (interrupt-map), semantics of Linux's of_pci_range_parser,
 * of_irq_parse_raw() and of_map_id().
 *
 * Choices where Linux leaves room:
 *   - An entry of `ranges` that cannot be used (config space, zero size,
 *     wraps, a MEM32 or IO window that reaches past 4 GiB on the bus, a
 *     CPU address the parent buses do not translate) is reported and
 *     dropped; the host keeps the other windows.
 *   - `reg` smaller than `bus-range` needs: the bus range is cut to what
 *     `reg` covers and reported (Linux's pci_ecam_create() does the same).
 *   - interrupt-map is checked whole, once: a malformed one is reported
 *     and INTx is not routed for any function of the host. A parent that
 *     is itself a nexus (no `interrupt-controller`) is not followed
 *     (reported as unsupported).
 *   - iommu-map: a RID outside every entry has no stream; Linux lets such
 *     a device bypass translation, here it is refused DMA (the caller
 *     reports it). A malformed iommu-map covers no RID (every function is
 *     refused DMA). An IOMMU node that is disabled means "no IOMMU", as
 *     in Linux's of_iommu_xlate().
 */
#ifndef DRIVERS_PCI_PCI_DT_H
#define DRIVERS_PCI_PCI_DT_H

#include <drivers/irq.h>
#include <libfdt.h>
#include <mm/memmap.h>
#include <types.h>

#define PCI_HOST_MAX_WINDOWS 8
#define PCI_IRQ_MAX_CELLS 4	/* struct irq_dt_spec.cells */
#define PCI_IRQ_MAX_ADDR_CELLS 3

/* One usable entry of the host's `ranges`. */
struct pci_window {
	u8 space;		/* PCI_DT_SPACE_IO, _MEM32 or _MEM64 */
	bool prefetch;		/* phys.hi p bit */
	u64 pci_addr;		/* bus address of the first byte */
	phys_addr_t cpu_addr;	/* CPU physical address of the first byte */
	u64 size;
};

struct pci_host_dt {
	const void *fdt;
	int node;
	u16 domain;		/* linux,pci-domain, else the host's index */
	phys_addr_t ecam_base;	/* CPU physical address of bus_start's config space */
	u64 ecam_size;		/* (bus_end - bus_start + 1) MiB */
	u8 bus_start, bus_end;
	unsigned int nr_windows;
	struct pci_window win[PCI_HOST_MAX_WINDOWS];

	/* interrupt-map, checked whole by pci_dt_parse_host(). */
	bool has_imap;
	const fdt32_t *imap;
	int imap_cells;		/* length of interrupt-map in cells */
	u32 imap_mask[4];	/* 3 unit-address cells + the pin */

	/* iommu-map, entries of 4 cells; checked whole. */
	bool has_iommu_map;	/* the property exists (even if malformed) */
	const fdt32_t *iommu_map;
	int iommu_map_entries;	/* 0 if malformed: no RID is covered */
	u32 iommu_map_mask;
};

/*
 * pci_dt_parse_host() - decode and check host bridge @node.
 * @index: the host's position among the hosts (default domain number).
 * @h: filled in; previous contents discarded. Pointers into @fdt.
 * @report, @ctx: problem sink (may be NULL).
 *
 * Return: 0 (the host is usable; dropped windows, a cut bus range, a bad
 * interrupt-map or iommu-map have been reported), or -EINVAL when the host
 * cannot be used at all (not 3/2 cells, bad `reg`, `bus-range` or
 * `ranges` length; reported).
 */
int pci_dt_parse_host(const void *fdt, int node, unsigned int index,
		      struct pci_host_dt *h, memmap_report_fn report, void *ctx);

/*
 * pci_swizzle_pin() - the pin a bridge sees on its primary side for
 * @pin (1..4) of a device at device number @dev_nr on its secondary bus
 * (PCI-to-PCI Bridge Spec 1.2, table 9-1; Linux pci_swizzle_interrupt_pin()).
 */
u8 pci_swizzle_pin(u8 pin, u8 dev_nr);

/*
 * pci_dt_intx() - the interrupt of a function's INTx pin.
 * @bus: the host's root bus number.
 * @devfn_path: devfn of the function, then of each bridge above it, the
 *              last being the bridge (or the function) on the root bus.
 * @depth: number of bridges between the function and the root bus
 *         (@devfn_path has @depth + 1 entries).
 * @pin: the function's Interrupt Pin, 1..4.
 * @out: the parent controller and specifier from interrupt-map.
 * @root_pin: NULL, or where to store the pin after swizzling.
 *
 * The pin is swizzled once per bridge, then (bus, devfn, pin) is looked up
 * in interrupt-map under interrupt-map-mask.
 *
 * Return: 0; -ENOENT if the host has no (usable) interrupt-map; -ENXIO if
 * no entry matches; -EINVAL if @pin is not 1..4.
 */
int pci_dt_intx(const struct pci_host_dt *h, u8 bus, const u8 *devfn_path,
		unsigned int depth, u8 pin, struct irq_dt_spec *out, u8 *root_pin);

/*
 * pci_dt_rid_to_sid() - stream ID of requester ID @rid through iommu-map.
 * @sid: the stream ID.
 * @iommu: the IOMMU's node offset.
 *
 * rid & iommu-map-mask is looked up; the first entry whose
 * [rid-base, rid-base + length) holds it gives
 * sid = iommu-base + (masked rid - rid-base).
 *
 * Return: 0; -ENOENT if the host has no iommu-map; -ENODEV if the entry's
 * IOMMU node is disabled (no translation, like no iommu-map); -ERANGE if no
 * entry covers the RID (or the map is malformed): the function has no
 * stream and must not be given DMA.
 */
int pci_dt_rid_to_sid(const struct pci_host_dt *h, u16 rid, u32 *sid,
		      int *iommu);

/*
 * pci_dt_window_bus_to_cpu() - CPU physical address of bus address @bus_addr
 * inside window @w (the caller has placed it there).
 */
static inline phys_addr_t pci_dt_window_bus_to_cpu(const struct pci_window *w,
						   u64 bus_addr)
{
	return w->cpu_addr + (bus_addr - w->pci_addr);
}

#endif /* DRIVERS_PCI_PCI_DT_H */
