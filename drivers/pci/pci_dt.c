/*
 * A `pci-host-ecam-generic` node decoded and checked. Contracts and the
 * choices made where Linux leaves room are in drivers/pci/pci_dt.h.
 *
 * Untrusted blob: every property length is checked before a cell is read,
 * cells are read with fdt32_ld(), sums of address and size are checked for
 * wrapping, every walk is bounded by the property's length.
 */
#include "pci_dt.h"

#include <bits.h>
#include <compiler.h>
#include <drivers/pci_regs.h>
#include <dt.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#define CELL ((int)sizeof(fdt32_t))
#define PCI_DT_U32_LIMIT 0xffffffffULL	/* IO and MEM32 bus addresses */
#define PCI_DT_IMAP_UNIT_CELLS 3	/* child unit address: phys.hi/mid/lo */
#define PCI_DT_IMAP_PIN_CELLS 1		/* child specifier: the INTx pin */
#define PCI_DT_IMAP_KEY_CELLS (PCI_DT_IMAP_UNIT_CELLS + PCI_DT_IMAP_PIN_CELLS)
#define PCI_DT_IOMMU_MAP_CELLS 4	/* rid-base, phandle, iommu-base, length */
#define PCI_DT_MAX_DOMAIN 0xffff

struct parse {
	const void *fdt;
	memmap_report_fn report;
	void *ctx;
};

static void __printf(3, 4) report(const struct parse *p, int node, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	memmap_vreport(p->report, p->ctx, p->fdt, node, fmt, ap);
	va_end(ap);
}

static const char *space_name(unsigned int space)
{
	static const char *const names[] = {
		[PCI_DT_SPACE_CONFIG] = "config", [PCI_DT_SPACE_IO] = "io",
		[PCI_DT_SPACE_MEM32] = "mem32", [PCI_DT_SPACE_MEM64] = "mem64",
	};

	return space < ARRAY_SIZE(names) ? names[space] : "?";
}

/* `reg` and `bus-range` -> ECAM window and root bus range. */
static int parse_ecam(const struct parse *p, int node, struct pci_host_dt *h)
{
	const fdt32_t *br;
	u64 base, size, nbus, fit;
	u32 start = 0, end = PCI_MAX_BUS;
	int len, ret;

	ret = dt_reg_phys(p->fdt, node, 0, &base, &size);
	if (ret) {
		report(p, node, "reg: cannot decode the ECAM window (error %d)", ret);
		return -EINVAL;
	}
	if (size < PCI_ECAM_BUS_SIZE) {
		report(p, node, "reg: ECAM window of 0x%llx bytes is smaller than one bus (1 MiB)",
		       (unsigned long long)size);
		return -EINVAL;
	}

	br = fdt_getprop(p->fdt, node, "bus-range", &len);
	if (br) {
		if (len != 2 * CELL) {
			report(p, node, "bus-range is %d bytes, not 2 cells", len);
			return -EINVAL;
		}
		start = fdt32_ld(br);
		end = fdt32_ld(br + 1);
		if (start > end || end > PCI_MAX_BUS) {
			report(p, node, "bus-range <0x%x 0x%x> is not a range inside 0x00..0xff",
			       start, end);
			return -EINVAL;
		}
	} else if (len != -FDT_ERR_NOTFOUND) {
		report(p, node, "bus-range is unreadable");
		return -EINVAL;
	}

	nbus = end - start + 1;
	fit = size / PCI_ECAM_BUS_SIZE;
	if (fit < nbus) {
		report(p, node,
		       "reg: ECAM window of 0x%llx bytes covers %llu buses, bus-range 0x%02x-0x%02x needs %llu; buses cut to 0x%02x-0x%02x",
		       (unsigned long long)size, (unsigned long long)fit, start, end,
		       (unsigned long long)nbus, start, (unsigned int)(start + fit - 1));
		nbus = fit;
		end = start + (u32)fit - 1;
	}
	h->ecam_base = base;
	h->ecam_size = nbus * PCI_ECAM_BUS_SIZE;
	h->bus_start = (u8)start;
	h->bus_end = (u8)end;
	return 0;
}

/* `ranges` -> windows. Malformed as a whole: -EINVAL; bad entries dropped. */
static int parse_ranges(const struct parse *p, int node, struct pci_host_dt *h)
{
	const fdt32_t *r, *e;
	int len, parent, na, pna, ns, entry, n, i, ret;
	u64 pci, cpu, size;
	phys_addr_t pa;
	u32 hi;

	na = dt_addr_cells(p->fdt, node);
	ns = dt_size_cells(p->fdt, node);
	if (na != PCI_DT_ADDR_CELLS || ns < 1) {
		report(p, node, "#address-cells must be 3 and #size-cells 1 or 2 (got %d, %d)",
		       na, ns);
		return -EINVAL;
	}
	parent = fdt_parent_offset(p->fdt, node);
	pna = parent < 0 ? -EINVAL : dt_addr_cells(p->fdt, parent);
	if (pna < 1 || pna > 2) {
		report(p, node, "parent #address-cells %d is not 1 or 2", pna);
		return -EINVAL;
	}

	r = fdt_getprop(p->fdt, node, "ranges", &len);
	if (!r || len == 0) {
		report(p, node, "ranges is %s: no window for BARs", r ? "empty" : "missing");
		return -EINVAL;
	}
	entry = na + pna + ns;
	if (len % (entry * CELL)) {
		report(p, node,
		       "ranges is %d bytes, not a multiple of %d cells (pci 3 + cpu %d + size %d)",
		       len, entry, pna, ns);
		return -EINVAL;
	}
	n = len / (entry * CELL);

	for (i = 0; i < n; i++) {
		struct pci_window *w;
		unsigned int space;

		e = r + i * entry;
		hi = fdt32_ld(e);
		pci = ((u64)fdt32_ld(e + 1) << 32) | fdt32_ld(e + 2);
		dt_read_cells(e + na, pna, &cpu);
		dt_read_cells(e + na + pna, ns, &size);
		space = FIELD_GET(PCI_DT_HI_SPACE, hi);

		if (space == PCI_DT_SPACE_CONFIG) {
			report(p, node, "ranges entry %d: configuration space is not a window; dropped",
			       i);
			continue;
		}
		if (!size) {
			report(p, node, "ranges entry %d (%s): zero size; dropped", i,
			       space_name(space));
			continue;
		}
		if (pci + (size - 1) < pci || cpu + (size - 1) < cpu) {
			report(p, node, "ranges entry %d (%s): wraps past 2^64; dropped", i,
			       space_name(space));
			continue;
		}
		if (space != PCI_DT_SPACE_MEM64 && pci + (size - 1) > PCI_DT_U32_LIMIT) {
			report(p, node,
			       "ranges entry %d (%s): bus addresses 0x%llx..0x%llx reach past 4 GiB; dropped",
			       i, space_name(space), (unsigned long long)pci,
			       (unsigned long long)pci + (size - 1));
			continue;
		}
		ret = dt_translate(p->fdt, node, cpu, &pa);
		if (ret) {
			report(p, node,
			       "ranges entry %d (%s): CPU address 0x%llx is not translated by the parent buses (error %d); dropped",
			       i, space_name(space), (unsigned long long)cpu, ret);
			continue;
		}
		/* The parent buses' ranges may move the window up to 2^64. */
		if (pa + (size - 1) < pa) {
			report(p, node,
			       "ranges entry %d (%s): CPU addresses 0x%llx.. (size 0x%llx) wrap past 2^64 after translation; dropped",
			       i, space_name(space), (unsigned long long)pa, (unsigned long long)size);
			continue;
		}
		if (h->nr_windows == PCI_HOST_MAX_WINDOWS) {
			report(p, node, "ranges entry %d: more than %d windows; dropped", i,
			       PCI_HOST_MAX_WINDOWS);
			continue;
		}
		w = &h->win[h->nr_windows++];
		w->space = (u8)space;
		w->prefetch = !!(hi & PCI_DT_HI_PREFETCH);
		w->pci_addr = pci;
		w->cpu_addr = pa;
		w->size = size;
	}
	return 0;
}

/* A "#...-cells" style property: @def if absent, -EINVAL if not one cell. */
static int cells_prop(const void *fdt, int node, const char *name, int def)
{
	const fdt32_t *v;
	int len;

	v = fdt_getprop(fdt, node, name, &len);
	if (!v)
		return len == -FDT_ERR_NOTFOUND ? def : -EINVAL;
	if (len != CELL || fdt32_ld(v) > 0xff)
		return -EINVAL;
	return (int)fdt32_ld(v);
}

/*
 * The interrupt parent named by @phandle for interrupt-map entry @i: its
 * node, #address-cells (0 if absent, as of_irq_parse_raw()) and
 * #interrupt-cells. Return: 0, or -EINVAL (reported).
 */
static int imap_parent(const struct parse *p, int node, int i, u32 phandle, int *ctrl,
		       int *pna, int *pic)
{
	char path[MEMMAP_PATH_MAX];
	int par;

	par = (phandle == 0 || phandle == ~0U) ? -FDT_ERR_BADPHANDLE :
						 fdt_node_offset_by_phandle(p->fdt, phandle);
	if (par < 0) {
		report(p, node, "interrupt-map entry %d: phandle 0x%x names no node; INTx not routed",
		       i, phandle);
		return -EINVAL;
	}
	dt_path(p->fdt, par, path, sizeof(path));
	if (!fdt_getprop(p->fdt, par, "interrupt-controller", NULL)) {
		report(p, node,
		       "interrupt-map entry %d: %s is not an interrupt-controller (nested interrupt nexus not supported); INTx not routed",
		       i, path);
		return -EINVAL;
	}
	*pna = cells_prop(p->fdt, par, "#address-cells", 0);
	*pic = cells_prop(p->fdt, par, "#interrupt-cells", -ENOENT);
	if (*pna < 0 || *pna > PCI_IRQ_MAX_ADDR_CELLS) {
		report(p, node, "interrupt-map entry %d: %s has a bad #address-cells; INTx not routed",
		       i, path);
		return -EINVAL;
	}
	if (*pic < 1 || *pic > PCI_IRQ_MAX_CELLS) {
		report(p, node,
		       "interrupt-map entry %d: %s has no #interrupt-cells, or it is above %d; INTx not routed",
		       i, path, PCI_IRQ_MAX_CELLS);
		return -EINVAL;
	}
	*ctrl = par;
	return 0;
}

/* Walk interrupt-map once: the layout of every entry must hold. */
static void parse_imap(const struct parse *p, int node, struct pci_host_dt *h)
{
	const fdt32_t *map, *mask;
	int len, mlen, ic, pos, i, ctrl, pna, pic;

	map = fdt_getprop(p->fdt, node, "interrupt-map", &len);
	if (!map)
		return; /* INTx not routed: not a problem of the DT */
	ic = cells_prop(p->fdt, node, "#interrupt-cells", -ENOENT);
	if (ic != PCI_DT_IMAP_PIN_CELLS) {
		report(p, node, "#interrupt-cells must be 1 (the INTx pin) for interrupt-map; INTx not routed");
		return;
	}
	if (len == 0 || len % CELL) {
		report(p, node, "interrupt-map is not a non-empty list of cells; INTx not routed");
		return;
	}
	mask = fdt_getprop(p->fdt, node, "interrupt-map-mask", &mlen);
	if (mask && mlen != PCI_DT_IMAP_KEY_CELLS * CELL) {
		report(p, node, "interrupt-map-mask is %d bytes, not %d cells; INTx not routed", mlen,
		       PCI_DT_IMAP_KEY_CELLS);
		return;
	}
	for (i = 0; i < PCI_DT_IMAP_KEY_CELLS; i++)
		h->imap_mask[i] = mask ? fdt32_ld(mask + i) : ~0U;

	len /= CELL;
	for (pos = 0, i = 0; pos < len; i++) {
		if (len - pos < PCI_DT_IMAP_KEY_CELLS + 1) {
			report(p, node, "interrupt-map entry %d is truncated; INTx not routed", i);
			return;
		}
		if (imap_parent(p, node, i, fdt32_ld(map + pos + PCI_DT_IMAP_KEY_CELLS), &ctrl,
				&pna, &pic))
			return;
		pos += PCI_DT_IMAP_KEY_CELLS + 1;
		if (len - pos < pna + pic) {
			report(p, node, "interrupt-map entry %d is truncated; INTx not routed", i);
			return;
		}
		pos += pna + pic;
	}
	h->has_imap = true;
	h->imap = map;
	h->imap_cells = len;
}

/* Walk iommu-map once; any bad entry makes the whole map cover nothing. */
static void parse_iommu_map(const struct parse *p, int node, struct pci_host_dt *h)
{
	const fdt32_t *map, *mask;
	char path[MEMMAP_PATH_MAX];
	int len, mlen, n, i, target, cells;
	u32 base, ph, length;

	map = fdt_getprop(p->fdt, node, "iommu-map", &len);
	if (!map) {
		if (len != -FDT_ERR_NOTFOUND) {
			h->has_iommu_map = true;
			report(p, node, "iommu-map is unreadable; no function gets DMA");
		}
		return;
	}
	h->has_iommu_map = true;
	h->iommu_map_mask = ~0U;
	mask = fdt_getprop(p->fdt, node, "iommu-map-mask", &mlen);
	if (mask) {
		if (mlen != CELL) {
			report(p, node, "iommu-map-mask is %d bytes, not 1 cell; no function gets DMA",
			       mlen);
			return;
		}
		h->iommu_map_mask = fdt32_ld(mask);
	}
	if (len == 0 || len % (PCI_DT_IOMMU_MAP_CELLS * CELL)) {
		report(p, node,
		       "iommu-map is %d bytes, not a list of <rid-base iommu iommu-base length>; no function gets DMA",
		       len);
		return;
	}
	n = len / (PCI_DT_IOMMU_MAP_CELLS * CELL);
	for (i = 0; i < n; i++) {
		const fdt32_t *e = map + i * PCI_DT_IOMMU_MAP_CELLS;

		base = fdt32_ld(e);
		ph = fdt32_ld(e + 1);
		length = fdt32_ld(e + 3);
		target = (ph == 0 || ph == ~0U) ? -FDT_ERR_BADPHANDLE :
						  fdt_node_offset_by_phandle(p->fdt, ph);
		if (target < 0) {
			report(p, node, "iommu-map entry %d: phandle 0x%x names no node; no function gets DMA",
			       i, ph);
			return;
		}
		cells = cells_prop(p->fdt, target, "#iommu-cells", -ENOENT);
		if (cells != 1) {
			dt_path(p->fdt, target, path, sizeof(path));
			report(p, node,
			       "iommu-map entry %d: %s must have #iommu-cells = <1>; no function gets DMA",
			       i, path);
			return;
		}
		if (!length || base + (u64)length - 1 > 0xffffffffULL) {
			report(p, node,
			       "iommu-map entry %d: length 0x%x from rid-base 0x%x is empty or wraps; no function gets DMA",
			       i, length, base);
			return;
		}
		if (base & ~h->iommu_map_mask) {
			report(p, node,
			       "iommu-map entry %d: iommu-map-mask 0x%x ignores bits of rid-base 0x%x; no function gets DMA",
			       i, h->iommu_map_mask, base);
			return;
		}
	}
	h->iommu_map = map;
	h->iommu_map_entries = n;
}

int pci_dt_parse_host(const void *fdt, int node, unsigned int index,
		      struct pci_host_dt *h, memmap_report_fn report_fn, void *ctx)
{
	const struct parse p = { .fdt = fdt, .report = report_fn, .ctx = ctx };
	const fdt32_t *dom;
	int len, ret;

	memset(h, 0, sizeof(*h));
	h->fdt = fdt;
	h->node = node;
	h->domain = (u16)index;

	dom = fdt_getprop(fdt, node, "linux,pci-domain", &len);
	if (dom) {
		if (len != CELL || fdt32_ld(dom) > PCI_DT_MAX_DOMAIN)
			report(&p, node, "linux,pci-domain is not one cell up to 0xffff; domain %u used",
			       index);
		else
			h->domain = (u16)fdt32_ld(dom);
	}

	ret = parse_ecam(&p, node, h);
	if (ret)
		return ret;
	ret = parse_ranges(&p, node, h);
	if (ret)
		return ret;
	parse_imap(&p, node, h);
	parse_iommu_map(&p, node, h);
	return 0;
}

u8 pci_swizzle_pin(u8 pin, u8 dev_nr)
{
	return (u8)(((pin - 1 + dev_nr) % PCI_INTERRUPT_PIN_MAX) + 1);
}

int pci_dt_intx(const struct pci_host_dt *h, u8 bus, const u8 *devfn_path,
		unsigned int depth, u8 pin, struct irq_dt_spec *out, u8 *root_pin)
{
	u32 key[PCI_DT_IMAP_KEY_CELLS];
	int pos, i, ctrl, pna, pic;
	const fdt32_t *e;
	unsigned int d;
	bool match;

	if (pin < 1 || pin > PCI_INTERRUPT_PIN_MAX)
		return -EINVAL;
	for (d = 0; d < depth; d++)
		pin = pci_swizzle_pin(pin, (u8)FIELD_GET(PCI_DEVFN_DEV, devfn_path[d]));
	if (root_pin)
		*root_pin = pin;
	if (!h->has_imap)
		return -ENOENT;

	/* of_irq_parse_pci(): unit address (bus << 16 | devfn << 8) 0 0, then the pin */
	key[0] = (u32)(FIELD_PREP(PCI_DT_HI_BUS, bus) |
		       FIELD_PREP(PCI_DT_HI_DEVFN, devfn_path[depth]));
	key[1] = 0;
	key[2] = 0;
	key[3] = pin;

	for (pos = 0; pos < h->imap_cells;) {
		e = h->imap + pos;
		match = true;
		for (i = 0; i < PCI_DT_IMAP_KEY_CELLS; i++)
			if ((key[i] ^ fdt32_ld(e + i)) & h->imap_mask[i])
				match = false;
		ctrl = fdt_node_offset_by_phandle(h->fdt, fdt32_ld(e + PCI_DT_IMAP_KEY_CELLS));
		/* pci_dt_parse_host() checked every parent: these cannot fail. */
		pna = cells_prop(h->fdt, ctrl, "#address-cells", 0);
		pic = cells_prop(h->fdt, ctrl, "#interrupt-cells", 0);
		e += PCI_DT_IMAP_KEY_CELLS + 1 + pna;
		if (match) {
			out->ctrl = ctrl;
			out->ncells = (unsigned int)pic;
			for (i = 0; i < pic; i++)
				out->cells[i] = fdt32_ld(e + i);
			for (; i < PCI_IRQ_MAX_CELLS; i++)
				out->cells[i] = 0;
			return 0;
		}
		pos += PCI_DT_IMAP_KEY_CELLS + 1 + pna + pic;
	}
	return -ENXIO;
}

int pci_dt_rid_to_sid(const struct pci_host_dt *h, u16 rid, u32 *sid, int *iommu)
{
	u32 masked, base, len;
	const fdt32_t *e;
	int i, target;

	if (!h->has_iommu_map)
		return -ENOENT;
	masked = rid & h->iommu_map_mask;
	for (i = 0; i < h->iommu_map_entries; i++) {
		e = h->iommu_map + i * PCI_DT_IOMMU_MAP_CELLS;
		base = fdt32_ld(e);
		len = fdt32_ld(e + 3);
		if (masked < base || masked - base >= len)
			continue;
		target = fdt_node_offset_by_phandle(h->fdt, fdt32_ld(e + 1));
		if (!dt_is_available(h->fdt, target))
			return -ENODEV;
		*sid = fdt32_ld(e + 2) + (masked - base);
		*iommu = target;
		return 0;
	}
	return -ERANGE;
}
