/*
 * State shared by the files of drivers/pci/ that run in the image
 * (pci.c, pci_selftest.c); not an interface for other drivers.
 */
#ifndef DRIVERS_PCI_PCI_INTERNAL_H
#define DRIVERS_PCI_PCI_INTERNAL_H

#include "pci_alloc.h"
#include "pci_dt.h"

#include <drivers/pci.h>

/* First cell of a GIC interrupt specifier (Linux dt-bindings/interrupt-controller/arm-gic.h). */
#define PCI_GIC_DT_SPI 0
#define PCI_GIC_DT_PPI 1
#define PCI_GIC_DT_LEVEL_HIGH 4	/* third cell: IRQ_TYPE_LEVEL_HIGH */

struct pci_host {
	struct pci_host_dt dt;
	uintptr_t ecam;		/* CPU address of bus dt.bus_start's config space */
};

/*
 * pci_host_get() - the @i-th host brought up by pci_init(); NULL past the
 * end.
 */
struct pci_host *pci_host_get(unsigned int i);

/*
 * pci_host_cfg_read32() - config dword at @off of (@bus, @devfn) below
 * @h, whether or not a function was found there: all-ones for an absent
 * function, and for a bus outside the host's bus range (not mapped).
 */
u32 pci_host_cfg_read32(const struct pci_host *h, u8 bus, u8 devfn, unsigned int off);

#endif /* DRIVERS_PCI_PCI_INTERNAL_H */
