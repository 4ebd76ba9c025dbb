/*
 * PCIe host driver for `pci-host-ecam-generic` (Linux's
 * Documentation/devicetree/bindings/pci/host-generic-pci.yaml): finds every
 * such host bridge in the DT, enumerates the hierarchy below it through
 * ECAM, assigns bus numbers, BARs and bridge windows from the host's
 * `ranges`, routes INTx through `interrupt-map` and derives each
 * function's SMMU stream ID from `iommu-map`.
 *
 * Address spaces of a BAR (see DESIGN.md):
 *
 *   CPU physical (bar.base) --host bridge `ranges`--> PCI bus address
 *   bus = pci-addr + (cpu - cpu-addr) of the window the BAR sits in;
 *   the BAR register holds the bus address, drivers use bar.base.
 *
 * Every pci_dev is owned by this driver (static storage, valid for the
 * life of the firmware); callers never free one.
 */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include <device.h>
#include <drivers/irq.h>
#include <types.h>

#define PCI_NUM_BARS 6

struct pci_bar {
	phys_addr_t base;	/* CPU physical address of the assigned window (0: unassigned) */
	u64 size;		/* 0: BAR not implemented (or upper half of a 64-bit BAR) */
	bool io, mem64, prefetch;
	u64 bus_addr;		/* what the BAR register holds (PCI bus address) */
};

struct pci_host;

struct pci_dev {
	/*
	 * DMA view: initialised with device_init_dt() from the host bridge
	 * node (dma-coherent, dma-ranges), then dev.name = "pci 0000:00:02.0".
	 */
	struct device dev;
	struct pci_host *host;
	char bdf[16];		/* "0000:00:02.0" (domain = linux,pci-domain or host index) */
	u16 vendor_id, device_id;
	u32 class_code;		/* base class, subclass, prog-if */
	u8 header_type;		/* PCI_HEADER_TYPE_NORMAL or _BRIDGE (MFD bit cleared) */
	u8 bus, dev_nr, fn;
	u16 rid;		/* requester ID: bus << 8 | dev << 3 | fn */
	/*
	 * The requester ID its DMA arrives with at the root complex (and the
	 * SMMU): its own RID, or an alias a bridge above it substitutes (a
	 * PCIe-to-PCI bridge tags conventional PCI traffic with its secondary
	 * bus and devfn 0; a conventional bridge with its own RID).
	 */
	u16 dma_rid;
	struct pci_bar bar[PCI_NUM_BARS];
	/*
	 * false: a BAR (or a bridge window above it) could not be assigned;
	 * the function is left with decoding and bus mastering disabled.
	 */
	bool enabled;
	bool has_intx;
	u8 intx_pin;		/* 1..4 = INTA..INTD (the function's own pin) */
	struct irq_dt_spec intx; /* from interrupt-map, swizzled across bridges */
	bool has_iommu;		/* iommu-map covers this RID */
	int iommu_node;		/* DT node offset of the IOMMU (arm,smmu-v3) */
	u32 stream_id;		/* from iommu-map / iommu-map-mask */
	/*
	 * The host has an iommu-map that does not cover this RID: the device
	 * has no stream, so it must not be given DMA. Bus mastering stays off
	 * and pci_set_master() refuses to turn it on.
	 */
	bool dma_blocked;
	struct pci_dev *parent;	/* upstream bridge, NULL on the root bus */
};

/*
 * pci_init() - bring up every available `pci-host-ecam-generic` node.
 * @fdt: the DT (already checked with dt_check()).
 *
 * For each host: map ECAM Device-nGnRE (size from `reg`, buses from
 * `bus-range`), enumerate depth-first (bridges get secondary/subordinate
 * bus numbers and windows), size and assign BARs from the host's `ranges`
 * (IO, 32-bit MEM, 64-bit MEM incl. prefetchable; natural alignment), map
 * the part of each window in use Device-nGnRE, enable memory/IO decoding
 * and bus mastering, route INTx and derive stream IDs. One console line
 * per function. A function whose BARs cannot all be assigned is reported
 * and left disabled; the others keep working. Call once, after
 * dma_init() (each pci_dev's struct device is built with device_init_dt()).
 *
 * Return: 0 (every host came up, possibly with functions left disabled),
 * -ENODEV (no available host node), or the first -errno of a host that
 * could not be used (malformed reg/bus-range/ranges, ECAM mapping failed;
 * reported with the node's path). Other hosts are still brought up.
 */
int pci_init(const void *fdt);

/* pci_dev_count() - functions found by pci_init(), enabled or not. */
unsigned int pci_dev_count(void);

/* pci_dev_get() - the @i-th function in enumeration order; NULL past the end. */
struct pci_dev *pci_dev_get(unsigned int i);

/*
 * pci_find() - next function with @vendor and @device after @from (NULL:
 * from the first), in enumeration order.
 * Return: the function, or NULL when there is no further match.
 */
struct pci_dev *pci_find(u16 vendor, u16 device, const struct pci_dev *from);

/*
 * pci_read_config8/16/32() - read configuration space of @p at byte offset
 * @off (0..4095, naturally aligned for the width: asserted).
 * Reads of an absent function return all-ones.
 */
u8 pci_read_config8(const struct pci_dev *p, unsigned int off);
u16 pci_read_config16(const struct pci_dev *p, unsigned int off);
u32 pci_read_config32(const struct pci_dev *p, unsigned int off);

/*
 * pci_write_config8/16/32() - write configuration space of @p at @off
 * (aligned as for the reads). Each returns once the write has reached the
 * function: PCIe configuration writes are non-posted, but the ECAM window
 * is Device-nGnRE (early write acknowledgement), so the write is followed
 * by a read of the same dword. A 16-bit write is two byte writes, low byte
 * first (arch/mmio.h has no 16-bit accessor).
 */
void pci_write_config8(const struct pci_dev *p, unsigned int off, u8 v);
void pci_write_config16(const struct pci_dev *p, unsigned int off, u16 v);
void pci_write_config32(const struct pci_dev *p, unsigned int off, u32 v);

/*
 * pci_set_master() - set or clear Bus Master Enable in @p's COMMAND
 * register. Turning it on is refused (with a message, and the bit cleared)
 * for a function with dma_blocked, one left disabled by pci_init(), and
 * one whose IOMMU domain is the blocked one (iommu_detach_device(): not
 * attached, or detached), so no driver's probe can give it DMA back.
 */
void pci_set_master(struct pci_dev *p, bool on);

/*
 * pci_set_intx() - let @p assert INTx (@on) or not: COMMAND's Interrupt
 * Disable bit (PCI Local Bus 3.0 6.2.2; PCIe Base 4.0 7.5.1.1.3).
 */
void pci_set_intx(struct pci_dev *p, bool on);

/*
 * pci_stop_dma() - take @p's DMA away from a device that did not stop when
 * told to (a reset that did not complete): clear Bus Master Enable, with
 * which the function "is not permitted to issue any Memory or I/O
 * Requests" (PCIe Base 4.0 7.5.1.1.3), and read COMMAND back. That read's
 * completion does not pass the function's earlier posted writes (2.4.1,
 * without Relaxed Ordering), so once it returns with the bit clear, no
 * DMA write of the function is still on its way to memory.
 * Return: 0, or -EIO (printed) if the bit reads back set: the function
 * ignores it, and the memory it was given must not be reused.
 */
int pci_stop_dma(struct pci_dev *p);

/*
 * pci_find_capability() - offset of @p's first capability with ID @cap_id
 * (PCI_CAP_ID_*) in the standard capability list (PCI Local Bus 3.0,
 * 6.7). The walk is bounded (a looping list ends it).
 * Return: the config-space offset, or 0 if absent (or no list).
 */
int pci_find_capability(const struct pci_dev *p, u8 cap_id);

/* pci_show() - print every function as at boot (BARs, INTx, stream ID). */
void pci_show(void);

#endif /* DRIVERS_PCI_H */
