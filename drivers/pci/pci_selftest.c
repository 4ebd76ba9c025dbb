/*
 * In-image tests of the PCIe host driver against QEMU's `edu` device
 * (1234:11e8, QEMU hw/misc/edu.c): BAR0 is a 1 MiB 32-bit memory BAR whose
 * register 0x00 reads the identification 0x010000ed (major 1, minor 0,
 * 0xed) and register 0x04 reads back the bitwise inverse of the last value
 * written. Without a PCIe host or an edu they skip, saying so.
 */
#include "pci_internal.h"

#include <arch/mmio.h>
#include <bits.h>
#include <drivers/pci.h>
#include <drivers/pci_regs.h>
#include <mm/mmu.h>
#include <libfdt.h>
#include <selftest.h>
#include <string.h>

#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8
#define EDU_ID 0x00			/* identification, read-only */
#define EDU_ID_VALUE 0x010000ed
#define EDU_LIVENESS 0x04		/* reads ~(last value written) */

#define NEED_EDU(var)                                                           \
	struct pci_dev *var = pci_find(EDU_VENDOR, EDU_DEVICE, NULL);           \
	if (!pci_host_get(0))                                                   \
		ST_SKIP("no pci-host-ecam-generic host in this DT");            \
	if (!(var))                                                             \
		ST_SKIP("no edu (1234:11e8) function: run QEMU with -device edu")

/* The host window BAR @b sits in, or NULL. */
static const struct pci_window *window_of(const struct pci_dev *p, const struct pci_bar *b)
{
	const struct pci_host_dt *h = &p->host->dt;
	unsigned int i;

	for (i = 0; i < h->nr_windows; i++) {
		const struct pci_window *w = &h->win[i];

		if (b->base >= w->cpu_addr && b->base - w->cpu_addr <= w->size - 1 &&
		    b->size - 1 <= w->size - 1 - (b->base - w->cpu_addr))
			return w;
	}
	return NULL;
}

static enum mmu_type mmu_type_at(phys_addr_t pa)
{
	const struct mmu_region *r;
	unsigned int i, n;

	r = mmu_regions(&n);
	for (i = 0; i < n; i++)
		if (pa >= r[i].base && pa - r[i].base < r[i].size)
			return r[i].type;
	return MMU_HOLE;
}

SELFTEST(pci, edu_bar0_assigned)
{
	NEED_EDU(p);
	const struct pci_bar *b = &p->bar[0];
	const struct pci_window *w;
	u16 cmd;

	ST_ASSERT(p->enabled, "%s was left disabled", p->bdf);
	ST_ASSERT(b->size == BIT(20) && !b->io && !b->mem64, "BAR0 size 0x%llx io %d mem64 %d",
		  (unsigned long long)b->size, b->io, b->mem64);
	ST_ASSERT(b->base != 0, "BAR0 not assigned");
	ST_ASSERT(IS_ALIGNED(b->base, b->size), "BAR0 0x%llx not naturally aligned",
		  (unsigned long long)b->base);
	w = window_of(p, b);
	ST_ASSERT(w && w->space == PCI_DT_SPACE_MEM32,
		  "BAR0 0x%llx is not inside the host's 32-bit memory window",
		  (unsigned long long)b->base);
	/* The register holds the bus address of the same byte. */
	ST_ASSERT((pci_read_config32(p, PCI_BASE_ADDRESS_0) & PCI_BASE_ADDRESS_MEM_MASK) ==
			  (u32)(w->pci_addr + (b->base - w->cpu_addr)),
		  "BAR0 register 0x%08x, expected bus address 0x%llx",
		  pci_read_config32(p, PCI_BASE_ADDRESS_0),
		  (unsigned long long)(w->pci_addr + (b->base - w->cpu_addr)));
	ST_ASSERT(mmu_type_at(b->base) == MMU_DEVICE, "BAR0 not mapped as Device memory");
	cmd = pci_read_config16(p, PCI_COMMAND);
	ST_ASSERT(cmd & PCI_COMMAND_MEMORY, "COMMAND 0x%04x: memory decoding off", cmd);
	ST_ASSERT(cmd & PCI_COMMAND_MASTER, "COMMAND 0x%04x: bus mastering off", cmd);
	return ST_PASS;
}

/* Every edu found, so functions behind bridges are exercised too. */
SELFTEST(pci, edu_registers)
{
	NEED_EDU(first);
	static const u32 pattern[] = { 0x12345678, 0x0, 0xffffffff, 0xa5a55a5a };
	const struct pci_dev *p;
	unsigned int i;
	uintptr_t bar;
	u32 v;

	for (p = first; p; p = pci_find(EDU_VENDOR, EDU_DEVICE, p)) {
		bar = (uintptr_t)p->bar[0].base;
		ST_ASSERT(p->enabled && bar, "%s: BAR0 not assigned", p->bdf);
		v = mmio_read32(bar + EDU_ID);
		ST_ASSERT(v == EDU_ID_VALUE, "%s: identification register reads 0x%08x, not 0x%08x",
			  p->bdf, v, EDU_ID_VALUE);
		for (i = 0; i < ARRAY_SIZE(pattern); i++) {
			mmio_write32(bar + EDU_LIVENESS, pattern[i] ^ p->rid);
			v = mmio_read32(bar + EDU_LIVENESS);
			ST_ASSERT(v == ~(pattern[i] ^ p->rid), "%s: liveness: wrote 0x%08x, read 0x%08x",
				  p->bdf, pattern[i] ^ p->rid, v);
		}
	}
	return ST_PASS;
}

SELFTEST(pci, edu_stream_id)
{
	NEED_EDU(p);

	if (!p->host->dt.has_iommu_map)
		ST_SKIP("the host has no iommu-map (QEMU without iommu=smmuv3)");
	ST_ASSERT(p->has_iommu && !p->dma_blocked, "%s has no stream ID", p->bdf);
	ST_ASSERT(p->iommu_node >= 0 &&
			  !fdt_node_check_compatible(p->host->dt.fdt, p->iommu_node, "arm,smmu-v3"),
		  "IOMMU node %d is not arm,smmu-v3", p->iommu_node);
	/* QEMU virt: iommu-map = <0x0 &smmu 0x0 0x10000>, identity on the DMA requester ID. */
	ST_ASSERT(p->stream_id == p->dma_rid, "stream 0x%x, DMA requester ID 0x%x", p->stream_id,
		  p->dma_rid);
	ST_ASSERT(p->parent || p->dma_rid == p->rid, "%s on the root bus has an alias 0x%x",
		  p->bdf, p->dma_rid);
	ST_ASSERT(p->rid == (u16)(p->bus << 8 | p->dev_nr << 3 | p->fn), "RID 0x%x for %s",
		  p->rid, p->bdf);
	return ST_PASS;
}

SELFTEST(pci, edu_capability)
{
	NEED_EDU(p);
	int pos;

	/* edu_pci_realize() adds an MSI capability and no PCIe one. */
	pos = pci_find_capability(p, PCI_CAP_ID_MSI);
	ST_ASSERT(pos >= PCI_STD_HEADER_SIZE, "no MSI capability (got %d)", pos);
	ST_ASSERT(pci_read_config8(p, (unsigned int)pos + PCI_CAP_LIST_ID) == PCI_CAP_ID_MSI,
		  "capability at 0x%x has ID 0x%02x", pos,
		  pci_read_config8(p, (unsigned int)pos + PCI_CAP_LIST_ID));
	ST_ASSERT(pci_find_capability(p, PCI_CAP_ID_EXP) == 0, "edu is not PCI Express");
	return ST_PASS;
}

/*
 * QEMU virt wires INTx of root-bus slot S, pin P (1..4) to GIC SPI
 * 3 + (S + P - 1) % 4, level-high (hw/arm/virt.c, create_pcie_irq_map():
 * irq base VIRT_PCIE = 3, PCI_NUM_PINS = 4).
 */
#define QEMU_VIRT_PCIE_SPI_BASE 3
#define QEMU_VIRT_MODEL "linux,dummy-virt"

SELFTEST(pci, edu_intx_routed)
{
	NEED_EDU(p);
	const void *fdt = p->host->dt.fdt;
	const char *model;
	u32 spi;

	if (!p->host->dt.has_imap)
		ST_SKIP("the host has no interrupt-map");
	ST_ASSERT(p->intx_pin == 1, "edu's Interrupt Pin is %u, not INTA", p->intx_pin);
	ST_ASSERT(p->has_intx, "INTA of %s not routed", p->bdf);
	ST_ASSERT(p->intx.ncells >= 1 && p->intx.ctrl >= 0 &&
			  fdt_getprop(fdt, p->intx.ctrl, "interrupt-controller", NULL),
		  "routed to node %d, not an interrupt controller", p->intx.ctrl);
	model = fdt_getprop(fdt, 0, "model", NULL);
	if (!model || strcmp(model, QEMU_VIRT_MODEL) || p->parent)
		return ST_PASS; /* the exact line is known only for QEMU virt's root bus */
	spi = QEMU_VIRT_PCIE_SPI_BASE + (p->dev_nr + p->intx_pin - 1u) % PCI_INTERRUPT_PIN_MAX;
	ST_ASSERT(p->intx.ncells == 3 && p->intx.cells[0] == PCI_GIC_DT_SPI &&
			  p->intx.cells[1] == spi && p->intx.cells[2] == PCI_GIC_DT_LEVEL_HIGH,
		  "%s INTA -> <%u 0x%x 0x%x>, QEMU virt wires it to <0 %u 4>", p->bdf,
		  p->intx.cells[0], p->intx.cells[1], p->intx.cells[2], spi);
	return ST_PASS;
}

/*
 * ECAM addressing: Interrupt Line (0x3c) is a read/write register with no
 * effect on the function (PCI Local Bus 3.0, 6.2.4), so a distinct value
 * written to every function must read back from each; a wrong bus, device
 * or function field in the ECAM address aliases two functions.
 */
SELFTEST(pci, config_space_not_aliased)
{
	u8 saved[64];
	const struct pci_dev *p;
	unsigned int i, n = pci_dev_count();
	bool ok = true;
	u8 v = 0;

	if (!n)
		ST_SKIP("no PCI function found");
	if (n > ARRAY_SIZE(saved))
		n = ARRAY_SIZE(saved);
	for (i = 0; i < n; i++) {
		p = pci_dev_get(i);
		saved[i] = pci_read_config8(p, PCI_INTERRUPT_LINE);
		pci_write_config8(p, PCI_INTERRUPT_LINE, (u8)(0x40 + i));
	}
	for (i = 0; i < n && ok; i++) {
		v = pci_read_config8(pci_dev_get(i), PCI_INTERRUPT_LINE);
		ok = v == (u8)(0x40 + i);
	}
	for (i = 0; i < n; i++)
		pci_write_config8(pci_dev_get(i), PCI_INTERRUPT_LINE, saved[i]);
	ST_ASSERT(ok, "%s: Interrupt Line reads 0x%02x, wrote 0x%02x: config space aliased",
		  pci_dev_get(i - 1)->bdf, v, 0x40 + i - 1);
	return ST_PASS;
}

/* Whether pci_init() found a function at device @dev of @h's root bus. */
static bool slot_used(const struct pci_host *h, unsigned int dev)
{
	const struct pci_dev *p;
	unsigned int i;

	for (i = 0; (p = pci_dev_get(i)); i++)
		if (p->host == h && p->bus == h->dt.bus_start && p->dev_nr == dev)
			return true;
	return false;
}

SELFTEST(pci, absent_function_reads_ones)
{
	struct pci_host *h = pci_host_get(0);
	const struct pci_dev *p;
	const char *model;
	unsigned int dev, fn, i;
	u8 devfn;
	u32 v;

	if (!h)
		ST_SKIP("no pci-host-ecam-generic host in this DT");
	for (dev = PCI_MAX_DEV; dev > 0 && slot_used(h, dev); dev--)
		;
	if (slot_used(h, dev))
		ST_SKIP("every slot of the root bus is in use");
	devfn = (u8)FIELD_PREP(PCI_DEVFN_DEV, dev);
	v = pci_host_cfg_read32(h, h->dt.bus_start, devfn, PCI_VENDOR_ID);
	ST_ASSERT(v == ~0U, "vendor/device of empty slot %02x:%02x.0 reads 0x%08x",
		  h->dt.bus_start, dev, v);
	if (h->dt.bus_start > 0) {
		v = pci_host_cfg_read32(h, h->dt.bus_start - 1, 0, PCI_VENDOR_ID);
		ST_ASSERT(v == ~0U, "bus below bus-range reads 0x%08x", v);
	}

	/*
	 * QEMU models a single-function device at function 0 only; real
	 * devices may answer every function number (why the MFD bit exists).
	 */
	model = fdt_getprop(h->dt.fdt, 0, "model", NULL);
	if (!model || strcmp(model, QEMU_VIRT_MODEL))
		return ST_PASS;
	for (i = 0; (p = pci_dev_get(i)); i++) {
		if (p->host != h ||
		    (pci_read_config8(p, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MFD))
			continue;
		for (fn = 1; fn <= PCI_MAX_FN; fn++) {
			devfn = (u8)(FIELD_PREP(PCI_DEVFN_DEV, p->dev_nr) |
				     FIELD_PREP(PCI_DEVFN_FN, fn));
			v = pci_host_cfg_read32(h, p->bus, devfn, PCI_VENDOR_ID);
			ST_ASSERT(v == ~0U, "%02x:%02x.%u of single-function %s reads 0x%08x",
				  p->bus, p->dev_nr, fn, p->bdf, v);
		}
	}
	return ST_PASS;
}
