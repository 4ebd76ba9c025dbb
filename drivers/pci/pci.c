/*
 * PCIe host driver for `pci-host-ecam-generic`: ECAM configuration access,
 * enumeration, BAR and bridge window assignment, INTx routing, stream
 * IDs. Contracts in include/drivers/pci.h; the DT decoding and the pure
 * assignment pieces are in pci_dt.c and pci_alloc.c (host-tested).
 *
 * ECAM (PCIe Base 4.0, 7.2.2), relative to the first bus of bus-range:
 *
 *   27      20 19    15 14  12 11        0
 *   +---------+--------+------+-----------+
 *   |   bus   |  dev   |  fn  |  register |
 *   +---------+--------+------+-----------+
 *
 * pci_init(), per host:
 *   1. decode the node, map the ECAM window Device-nGnRE
 *   2. scan depth-first from the root bus; each function's decoding and
 *      bus mastering is turned off, its BARs sized (all-ones, read back,
 *      restore); a bridge's bus numbers are cleared when found and set
 *      (secondary, subordinate) before the bus below it is scanned
 *   3. bridge windows sized bottom-up, the root bus's requests placed in
 *      the host's windows, bridge children placed top-down (pci_alloc.h)
 *   4. the used part of each host window mapped Device-nGnRE
 *   5. BARs and bridge windows written, decoding and bus mastering on
 *   6. INTx through interrupt-map, stream ID through iommu-map, one line
 *      per function
 */
#include "pci_internal.h"

#include <arch/barrier.h>
#include <arch/mmio.h>
#include <bits.h>
#include <console.h>
#include <device.h>
#include <drivers/pci_regs.h>
#include <dt.h>
#include <errno.h>
#include <fmt.h>
#include <fw_assert.h>
#include <iommu.h>
#include <libfdt.h>
#include <mm/mmu.h>
#include <stdarg.h>
#include <string.h>

#define PCI_MAX_HOSTS 4
#define PCI_MAX_FUNCS 64
#define PCI_MAX_BRIDGES 16
#define PCI_MAX_DEPTH 8		/* bridges between a function and its root bus */
#define PCI_MAX_ITEMS (PCI_MAX_FUNCS * PCI_NUM_BARS + PCI_MAX_BRIDGES * PCI_NR_CLASSES)
#define PCI_NO_WINDOW 0xff


struct pci_bridge {
	struct pci_dev *self;
	bool has_io, io32, has_pref64;
	bool bus_ok;			/* secondary/subordinate assigned */
	u8 secondary, subordinate;
	u64 size[PCI_NR_CLASSES], align[PCI_NR_CLASSES];	/* 0: window not needed */
	u64 base[PCI_NR_CLASSES];	/* bus address, if placed */
	bool placed[PCI_NR_CLASSES];
	u8 win[PCI_NR_CLASSES];		/* host window it sits in */
};

/* A function: the public part first, so a struct pci_dev * converts back. */
struct pci_func {
	struct pci_dev pub;
	u8 bar_win[PCI_NUM_BARS];	/* host window of each placed BAR */
	struct pci_bridge *br;		/* non-NULL for a bridge */
};

/* One request in a placement: a BAR of a function, or a bridge window. */
struct pci_item {
	struct pci_func *fn;		/* owner of BAR @idx, or NULL */
	struct pci_bridge *br;		/* owner of window class @idx, or NULL */
	int idx;
};

static struct pci_host hosts[PCI_MAX_HOSTS];
static unsigned int nr_hosts;
static struct pci_func funcs[PCI_MAX_FUNCS];
static unsigned int nr_funcs;
static struct pci_bridge bridges[PCI_MAX_BRIDGES];
static unsigned int nr_bridges;
static struct pci_item items[PCI_MAX_ITEMS];
static struct pci_alloc_req reqs[PCI_MAX_ITEMS];
static bool too_many_reported;

/* Names of the windows' spaces; win_map_name[] also names their MMU regions. */
static const char *const win_name[] = {
	[PCI_DT_SPACE_CONFIG] = "config",
	[PCI_DT_SPACE_IO] = "io",
	[PCI_DT_SPACE_MEM32] = "mem32",
	[PCI_DT_SPACE_MEM64] = "mem64",
};
static const char *const win_map_name[] = {
	[PCI_DT_SPACE_CONFIG] = "pci config",
	[PCI_DT_SPACE_IO] = "pci io",
	[PCI_DT_SPACE_MEM32] = "pci mem32",
	[PCI_DT_SPACE_MEM64] = "pci mem64",
};

static struct pci_func *to_func(const struct pci_dev *p)
{
	return (struct pci_func *)p; /* pub is the first member */
}

static void report_dt(void *ctx, const char *path, const char *msg)
{
	(void)ctx;
	kprintf("pci: error: %s: %s\n", path, msg);
}

/* --- configuration access ------------------------------------------------ */

static bool cfg_in_range(const struct pci_host *h, u8 bus)
{
	return bus >= h->dt.bus_start && bus <= h->dt.bus_end;
}

static uintptr_t cfg_addr(const struct pci_host *h, u8 bus, u8 devfn, unsigned int off)
{
	return h->ecam + (uintptr_t)(FIELD_PREP(PCI_ECAM_BUS, bus - h->dt.bus_start) |
				     FIELD_PREP(PCI_ECAM_DEV, FIELD_GET(PCI_DEVFN_DEV, devfn)) |
				     FIELD_PREP(PCI_ECAM_FN, FIELD_GET(PCI_DEVFN_FN, devfn)) |
				     FIELD_PREP(PCI_ECAM_REG, off));
}

/* Reads are whole dwords (config reads have no side effects); all-ones off the map. */
static u32 cfg_read32(const struct pci_host *h, u8 bus, u8 devfn, unsigned int off)
{
	fw_assert(off < PCI_CFG_SIZE);
	if (!cfg_in_range(h, bus))
		return ~0U;
	return mmio_read32(cfg_addr(h, bus, devfn, ALIGN_DOWN(off, 4)));
}

static u16 cfg_read16(const struct pci_host *h, u8 bus, u8 devfn, unsigned int off)
{
	fw_assert(IS_ALIGNED(off, 2));
	return (u16)(cfg_read32(h, bus, devfn, off) >> (8 * (off & 2)));
}

static u8 cfg_read8(const struct pci_host *h, u8 bus, u8 devfn, unsigned int off)
{
	return (u8)(cfg_read32(h, bus, devfn, off) >> (8 * (off & 3)));
}

/*
 * Config writes are non-posted (PCIe Base 4.0, 2.4.1), but the ECAM map is
 * Device-nGnRE: the write may be acknowledged early. Reading the same
 * dword back returns only after the write reached the function (accesses
 * to one Device-nR peripheral arrive in program order).
 */
static void cfg_complete(const struct pci_host *h, u8 bus, u8 devfn, unsigned int off)
{
	(void)mmio_read32(cfg_addr(h, bus, devfn, ALIGN_DOWN(off, 4)));
}

static void cfg_write32(const struct pci_host *h, u8 bus, u8 devfn, unsigned int off, u32 v)
{
	fw_assert(off < PCI_CFG_SIZE && IS_ALIGNED(off, 4));
	if (!cfg_in_range(h, bus))
		return;
	mmio_write32(cfg_addr(h, bus, devfn, off), v);
	cfg_complete(h, bus, devfn, off);
}

static void cfg_write8(const struct pci_host *h, u8 bus, u8 devfn, unsigned int off, u8 v)
{
	fw_assert(off < PCI_CFG_SIZE);
	if (!cfg_in_range(h, bus))
		return;
	dmb(oshst); /* as mmio_write32(): earlier normal-memory writes first */
	mmio_write8_relaxed(cfg_addr(h, bus, devfn, off), v);
	cfg_complete(h, bus, devfn, off);
}

/* One 16-bit access: COMMAND's bits change together (ECAM takes 1, 2 and 4 bytes). */
static void cfg_write16(const struct pci_host *h, u8 bus, u8 devfn, unsigned int off, u16 v)
{
	fw_assert(off < PCI_CFG_SIZE && IS_ALIGNED(off, 2));
	if (!cfg_in_range(h, bus))
		return;
	mmio_write16(cfg_addr(h, bus, devfn, off), v);
	cfg_complete(h, bus, devfn, off);
}

static u8 devfn_of(const struct pci_dev *p)
{
	return (u8)FIELD_GET(PCI_RID_DEVFN, p->rid);
}

u8 pci_read_config8(const struct pci_dev *p, unsigned int off)
{
	return cfg_read8(p->host, p->bus, devfn_of(p), off);
}

u16 pci_read_config16(const struct pci_dev *p, unsigned int off)
{
	return cfg_read16(p->host, p->bus, devfn_of(p), off);
}

u32 pci_read_config32(const struct pci_dev *p, unsigned int off)
{
	fw_assert(IS_ALIGNED(off, 4));
	return cfg_read32(p->host, p->bus, devfn_of(p), off);
}

void pci_write_config8(const struct pci_dev *p, unsigned int off, u8 v)
{
	cfg_write8(p->host, p->bus, devfn_of(p), off, v);
}

void pci_write_config16(const struct pci_dev *p, unsigned int off, u16 v)
{
	cfg_write16(p->host, p->bus, devfn_of(p), off, v);
}

void pci_write_config32(const struct pci_dev *p, unsigned int off, u32 v)
{
	cfg_write32(p->host, p->bus, devfn_of(p), off, v);
}

u32 pci_host_cfg_read32(const struct pci_host *h, u8 bus, u8 devfn, unsigned int off)
{
	return cfg_read32(h, bus, devfn, off);
}

/* --- lookups --------------------------------------------------------------- */

unsigned int pci_dev_count(void)
{
	return nr_funcs;
}

struct pci_dev *pci_dev_get(unsigned int i)
{
	return i < nr_funcs ? &funcs[i].pub : NULL;
}

struct pci_dev *pci_find(u16 vendor, u16 device, const struct pci_dev *from)
{
	unsigned int i = from ? (unsigned int)(to_func(from) - funcs) + 1 : 0;

	for (; i < nr_funcs; i++)
		if (funcs[i].pub.vendor_id == vendor && funcs[i].pub.device_id == device)
			return &funcs[i].pub;
	return NULL;
}

struct pci_host *pci_host_get(unsigned int i)
{
	return i < nr_hosts ? &hosts[i] : NULL;
}

int pci_find_capability(const struct pci_dev *p, u8 cap_id)
{
	unsigned int pos, n;
	u8 id;

	if (!(pci_read_config16(p, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	pos = pci_read_config8(p, PCI_CAPABILITY_LIST);
	for (n = 0; n < PCI_CAP_MAX_WALK; n++) {
		pos &= PCI_CAPABILITY_LIST_MASK;
		if (pos < PCI_STD_HEADER_SIZE)
			return 0;
		id = pci_read_config8(p, pos + PCI_CAP_LIST_ID);
		if (id == 0xff)
			return 0; /* function gone: all-ones */
		if (id == cap_id)
			return (int)pos;
		pos = pci_read_config8(p, pos + PCI_CAP_LIST_NEXT);
	}
	return 0;
}

/* Why @p must not master the bus, or NULL if it may. */
static const char *master_refused(const struct pci_dev *p)
{
	if (p->dma_blocked)
		return "no stream ID (RID outside the host's iommu-map)";
	if (!p->enabled)
		return "function left disabled at enumeration";
	/* Defence in depth: its stream aborts already; without BME it issues no DMA at all. */
	if (p->dev.iommu && p->dev.iommu->blocked)
		return "the IOMMU blocks its DMA (no domain attached, its stream aborts)";
	return NULL;
}

void pci_set_master(struct pci_dev *p, bool on)
{
	u16 cmd = pci_read_config16(p, PCI_COMMAND);
	const char *why = on ? master_refused(p) : NULL;

	if (why) {
		kprintf("pci: error: %s: bus mastering refused: %s\n", p->bdf, why);
		on = false;
	}
	if (on)
		cmd |= PCI_COMMAND_MASTER;
	else
		cmd &= (u16)~PCI_COMMAND_MASTER;
	pci_write_config16(p, PCI_COMMAND, cmd);
}

void pci_set_intx(struct pci_dev *p, bool on)
{
	u16 cmd = pci_read_config16(p, PCI_COMMAND);

	if (on)
		cmd &= (u16)~PCI_COMMAND_INTX_DISABLE;
	else
		cmd |= PCI_COMMAND_INTX_DISABLE;
	pci_write_config16(p, PCI_COMMAND, cmd);
}

int pci_stop_dma(struct pci_dev *p)
{
	u16 cmd;

	pci_set_master(p, false);
	cmd = pci_read_config16(p, PCI_COMMAND);
	if (cmd & PCI_COMMAND_MASTER) {
		kprintf("pci: error: %s: Bus Master Enable still set after it was cleared "
			"(COMMAND 0x%04x): the function's DMA cannot be stopped\n", p->bdf, cmd);
		return -EIO;
	}
	return 0;
}

/* --- printing helpers ------------------------------------------------------ */

/* "1 MiB", "16 KiB", "0x1800 B": exact binary units only. */
static const char *size_str(char *buf, size_t len, u64 size)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned int u = 0;
	u64 v = size;

	while (u + 1 < ARRAY_SIZE(unit) && v >= 1024 && !(v & 1023)) {
		v >>= 10;
		u++;
	}
	if (v < 1024)
		fmt_snprintf(buf, len, "%llu %s", (unsigned long long)v, unit[u]);
	else
		fmt_snprintf(buf, len, "0x%llx B", (unsigned long long)size);
	return buf;
}

static const char *bar_kind(const struct pci_bar *b)
{
	if (b->io)
		return "io";
	if (b->mem64)
		return b->prefetch ? "mem64 pref" : "mem64";
	return b->prefetch ? "mem32 pref" : "mem32";
}

static const char *class_name(enum pci_class c)
{
	static const char *const n[] = { [PCI_CLASS_IO] = "io", [PCI_CLASS_MEM] = "mem",
					 [PCI_CLASS_PREF] = "pref" };

	return n[c];
}

/* --- enumeration ----------------------------------------------------------- */

static void fn_disable(struct pci_func *f, const char *fmt, ...) __printf(2, 3);

static void fn_disable(struct pci_func *f, const char *fmt, ...)
{
	va_list ap;

	f->pub.enabled = false;
	kprintf("pci: error: %s: ", f->pub.bdf);
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("; decoding and bus mastering left disabled\n");
}

/* Size every BAR: all-ones, read back, restore; decoding is off (caller). */
static void size_bars(struct pci_func *f, unsigned int nbars)
{
	struct pci_dev *p = &f->pub;
	u32 orig, lo, orig_hi, hi = 0;
	unsigned int i, off;
	bool is64;
	int ret;

	for (i = 0; i < nbars; i++) {
		off = PCI_BASE_ADDRESS(i);
		orig = pci_read_config32(p, off);
		pci_write_config32(p, off, ~0U);
		lo = pci_read_config32(p, off);
		pci_write_config32(p, off, orig);
		is64 = !(lo & PCI_BASE_ADDRESS_SPACE_IO) &&
		       FIELD_GET(PCI_BASE_ADDRESS_MEM_TYPE, lo) == PCI_BASE_ADDRESS_MEM_TYPE_64 &&
		       i + 1 < nbars;
		if (is64) {
			orig_hi = pci_read_config32(p, off + 4);
			pci_write_config32(p, off + 4, ~0U);
			hi = pci_read_config32(p, off + 4);
			pci_write_config32(p, off + 4, orig_hi);
		}
		ret = pci_bar_decode(lo, hi, i + 1 == nbars, &p->bar[i]);
		if (ret) {
			fn_disable(f, "BAR%u (offset 0x%02x) reads back 0x%08x: %s", i, off, lo,
				   i + 1 == nbars && !(lo & PCI_BASE_ADDRESS_SPACE_IO) ?
					   "64-bit BAR in the last slot, or reserved memory type" :
					   "reserved memory type");
			continue;
		}
		if (p->bar[i].mem64)
			i++; /* the upper half's slot stays zeroed */
	}
}

/*
 * Which windows a bridge implements (Linux pci_bridge_check_ranges()): an
 * absent window's base and limit are read-only zero (Bridge Spec 1.2,
 * 3.2.5.6 and 3.2.5.9), so a pattern in the address bits is written and
 * read back when they read 0.
 */
#define PCI_IO_PROBE (FIELD_PREP(PCI_IO_RANGE_ADDR, 0xf) | FIELD_PREP(PCI_IO_RANGE_ADDR, 0xe) << 8)
#define PCI_PREF_PROBE                                            \
	(FIELD_PREP(PCI_MEMORY_RANGE_ADDR, 0xfff) |               \
	 FIELD_PREP(PCI_MEMORY_RANGE_ADDR, 0xffe) << 16)

static void bridge_probe_windows(struct pci_bridge *b)
{
	struct pci_dev *p = b->self;
	u16 io;
	u32 pref;

	io = pci_read_config16(p, PCI_IO_BASE);
	if (!io) {
		pci_write_config16(p, PCI_IO_BASE, (u16)PCI_IO_PROBE);
		io = pci_read_config16(p, PCI_IO_BASE);
		pci_write_config16(p, PCI_IO_BASE, 0);
	}
	b->has_io = io != 0;
	b->io32 = FIELD_GET(PCI_IO_RANGE_TYPE, (u8)io) == PCI_IO_RANGE_TYPE_32;

	pref = pci_read_config32(p, PCI_PREF_MEMORY_BASE);
	if (!pref) {
		pci_write_config32(p, PCI_PREF_MEMORY_BASE, (u32)PCI_PREF_PROBE);
		pref = pci_read_config32(p, PCI_PREF_MEMORY_BASE);
		pci_write_config32(p, PCI_PREF_MEMORY_BASE, 0);
	}
	b->has_pref64 = pref && FIELD_GET(PCI_PREF_RANGE_TYPE, pref) == PCI_PREF_RANGE_TYPE_64;
}

/* Write primary, secondary, subordinate (the latency timer byte kept). */
static void bridge_set_buses(struct pci_dev *p, u8 pri, u8 sec, u8 sub)
{
	u32 v = pci_read_config32(p, PCI_PRIMARY_BUS);

	v &= GENMASK(31, 24);
	v |= (u32)pri | (u32)sec << 8 | (u32)sub << 16;
	pci_write_config32(p, PCI_PRIMARY_BUS, v);
}

static struct pci_func *add_function(struct pci_host *h, u8 bus, u8 devfn,
				     struct pci_func *parent)
{
	struct pci_func *f;
	struct pci_dev *p;
	u32 cr;
	u16 cmd;
	u8 hdr, pin;

	if (nr_funcs == PCI_MAX_FUNCS) {
		if (!too_many_reported)
			kprintf("pci: error: more than %d functions: %04x:%02x:%02x.%u and later ignored (decoding off)\n",
				PCI_MAX_FUNCS, h->dt.domain, bus,
				(unsigned int)FIELD_GET(PCI_DEVFN_DEV, devfn),
				(unsigned int)FIELD_GET(PCI_DEVFN_FN, devfn));
		too_many_reported = true;
		/* An earlier owner's BARs must not decode over what is assigned now. */
		cmd = cfg_read16(h, bus, devfn, PCI_COMMAND);
		cfg_write16(h, bus, devfn, PCI_COMMAND,
			    cmd & (u16)~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER));
		return NULL;
	}
	f = &funcs[nr_funcs++];
	memset(f, 0, sizeof(*f));
	p = &f->pub;
	p->host = h;
	p->parent = parent ? &parent->pub : NULL;
	p->bus = bus;
	p->dev_nr = (u8)FIELD_GET(PCI_DEVFN_DEV, devfn);
	p->fn = (u8)FIELD_GET(PCI_DEVFN_FN, devfn);
	p->rid = (u16)(FIELD_PREP(PCI_RID_BUS, bus) | FIELD_PREP(PCI_RID_DEVFN, devfn));
	p->enabled = true;
	p->iommu_node = -1;
	fmt_snprintf(p->bdf, sizeof(p->bdf), "%04x:%02x:%02x.%u", h->dt.domain, bus,
		     p->dev_nr, p->fn);

	p->vendor_id = pci_read_config16(p, PCI_VENDOR_ID);
	p->device_id = pci_read_config16(p, PCI_DEVICE_ID);
	cr = pci_read_config32(p, PCI_CLASS_REVISION);
	p->class_code = (u32)FIELD_GET(PCI_CLASS_REVISION_CLASS, cr);
	hdr = pci_read_config8(p, PCI_HEADER_TYPE);
	p->header_type = (u8)FIELD_GET(PCI_HEADER_TYPE_LAYOUT, hdr);

	/* Nothing decodes or masters while BARs and windows change. */
	cmd = pci_read_config16(p, PCI_COMMAND);
	pci_write_config16(p, PCI_COMMAND,
			   cmd & (u16)~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER));

	pin = pci_read_config8(p, PCI_INTERRUPT_PIN);
	if (pin > PCI_INTERRUPT_PIN_MAX)
		kprintf("pci: error: %s: Interrupt Pin register (0x%02x) reads %u, not 0..4; INTx not used\n",
			p->bdf, PCI_INTERRUPT_PIN, pin);
	else
		p->intx_pin = pin;

	switch (p->header_type) {
	case PCI_HEADER_TYPE_NORMAL:
		size_bars(f, PCI_TYPE0_NUM_BARS);
		break;
	case PCI_HEADER_TYPE_BRIDGE:
		/* Stale numbers from an earlier owner must not claim a bus we scan. */
		bridge_set_buses(p, 0, 0, 0);
		size_bars(f, PCI_TYPE1_NUM_BARS);
		if (nr_bridges == PCI_MAX_BRIDGES) {
			fn_disable(f, "more than %d bridges", PCI_MAX_BRIDGES);
			break;
		}
		f->br = &bridges[nr_bridges++];
		memset(f->br, 0, sizeof(*f->br));
		f->br->self = p;
		bridge_probe_windows(f->br);
		break;
	default:
		fn_disable(f, "header type 0x%02x (offset 0x%02x) is not supported", hdr,
			   PCI_HEADER_TYPE);
		break;
	}
	return f;
}

/* Functions on @bus of @h, then the buses below its bridges; *next_bus is the next free number. */
static u8 scan_bus(struct pci_host *h, u8 bus, struct pci_func *parent, unsigned int depth,
		   unsigned int *next_bus)
{
	unsigned int first = nr_funcs, i, dev, fn, nfn;
	u8 max_bus = bus, devfn, sub;
	struct pci_func *f;
	u16 vendor;

	for (dev = 0; dev <= PCI_MAX_DEV; dev++) {
		devfn = (u8)(FIELD_PREP(PCI_DEVFN_DEV, dev) | FIELD_PREP(PCI_DEVFN_FN, 0));
		vendor = cfg_read16(h, bus, devfn, PCI_VENDOR_ID);
		if (vendor == PCI_VENDOR_ID_NONE)
			continue;
		nfn = (cfg_read8(h, bus, devfn, PCI_HEADER_TYPE) & PCI_HEADER_TYPE_MFD) ?
			      PCI_MAX_FN + 1 : 1;
		for (fn = 0; fn < nfn; fn++) {
			devfn = (u8)(FIELD_PREP(PCI_DEVFN_DEV, dev) | FIELD_PREP(PCI_DEVFN_FN, fn));
			if (fn && cfg_read16(h, bus, devfn, PCI_VENDOR_ID) == PCI_VENDOR_ID_NONE)
				continue;
			add_function(h, bus, devfn, parent);
		}
	}

	/* Then every bridge found on this bus (Linux pci_scan_child_bus()). */
	for (i = first; i < nr_funcs; i++) {
		f = &funcs[i];
		if (f->pub.bus != bus || f->pub.host != h || !f->br ||
		    (f->pub.parent != (parent ? &parent->pub : NULL)))
			continue;
		if (depth + 1 > PCI_MAX_DEPTH) {
			fn_disable(f, "bridge nested deeper than %d levels", PCI_MAX_DEPTH);
			continue;
		}
		if (*next_bus > h->dt.bus_end) {
			fn_disable(f, "no bus number left for the bus below it (bus-range ends at 0x%02x)",
				   h->dt.bus_end);
			continue;
		}
		f->br->secondary = (u8)*next_bus;
		(*next_bus)++;
		/* Subordinate at the end of the range while the bus below is scanned. */
		bridge_set_buses(&f->pub, bus, f->br->secondary, h->dt.bus_end);
		sub = scan_bus(h, f->br->secondary, f, depth + 1, next_bus);
		f->br->subordinate = sub;
		f->br->bus_ok = true;
		bridge_set_buses(&f->pub, bus, f->br->secondary, sub);
		if (sub > max_bus)
			max_bus = sub;
	}
	return max_bus;
}

/* --- assignment ------------------------------------------------------------ */

/* The class a request of class @cls takes in the bus below @parent (NULL: root). */
static enum pci_class eff_class(const struct pci_bridge *parent, enum pci_class cls)
{
	if (parent && cls == PCI_CLASS_PREF && !parent->has_pref64)
		return PCI_CLASS_MEM;
	return cls;
}

static bool is_child(const struct pci_dev *p, const struct pci_host *h,
		     const struct pci_bridge *parent)
{
	return p->host == h && p->parent == (parent ? parent->self : NULL);
}

/*
 * Requests on the bus below @parent (NULL: the root bus of @h) of class
 * @cls; at the root (@win >= 0), those whose class maps to host window @win.
 * Return: how many were put in items[]/reqs[].
 */
static unsigned int collect(const struct pci_host *h, const struct pci_bridge *parent,
			    enum pci_class cls, int win)
{
	unsigned int n = 0, i, k;
	enum pci_class c;

	for (i = 0; i < nr_funcs; i++) {
		struct pci_func *f = &funcs[i];

		if (!is_child(&f->pub, h, parent) || !f->pub.enabled)
			continue;
		for (k = 0; k < PCI_NUM_BARS; k++) {
			const struct pci_bar *b = &f->pub.bar[k];

			if (!b->size)
				continue;
			c = eff_class(parent, pci_bar_class(b));
			if (win >= 0 ? pci_host_window_for(&h->dt, c) != win : c != cls)
				continue;
			items[n] = (struct pci_item){ .fn = f, .idx = (int)k };
			reqs[n] = (struct pci_alloc_req){ .size = b->size, .align = b->size };
			n++;
		}
	}
	for (i = 0; i < nr_bridges; i++) {
		struct pci_bridge *b = &bridges[i];

		if (!is_child(b->self, h, parent) || !b->self->enabled)
			continue;
		for (k = 0; k < PCI_NR_CLASSES; k++) {
			if (!b->size[k])
				continue;
			c = eff_class(parent, (enum pci_class)k);
			if (win >= 0 ? pci_host_window_for(&h->dt, c) != win : c != cls)
				continue;
			items[n] = (struct pci_item){ .br = b, .idx = (int)k };
			reqs[n] = (struct pci_alloc_req){ .size = b->size[k], .align = b->align[k] };
			n++;
		}
	}
	return n;
}

/* Bottom-up: a bridge's window of each class holds what is below it. */
static void size_bridge(const struct pci_host *h, struct pci_bridge *b)
{
	static const u64 granule[PCI_NR_CLASSES] = {
		[PCI_CLASS_IO] = PCI_IO_WINDOW_ALIGN,
		[PCI_CLASS_MEM] = PCI_MEMORY_WINDOW_ALIGN,
		[PCI_CLASS_PREF] = PCI_MEMORY_WINDOW_ALIGN,
	};
	unsigned int k, n;

	for (k = 0; k < PCI_NR_CLASSES; k++) {
		if (!b->bus_ok) {
			b->size[k] = 0;
			continue;
		}
		n = collect(h, b, (enum pci_class)k, -1);
		pci_alloc_span(reqs, n, granule[k], &b->size[k], &b->align[k]);
	}
}

/* Record the outcome of one placement; @why says where, for failures. */
static void apply(unsigned int n, u8 win, const char *why_fmt, const char *why_arg)
{
	char sz[24], why[96];
	unsigned int i;

	for (i = 0; i < n; i++) {
		const struct pci_item *it = &items[i];

		if (it->fn) {
			struct pci_bar *bar = &it->fn->pub.bar[it->idx];

			if (!reqs[i].placed) {
				fmt_snprintf(why, sizeof(why), why_fmt, why_arg);
				fn_disable(it->fn, "BAR%d (%s, %s) not assigned: %s", it->idx,
					   size_str(sz, sizeof(sz), bar->size), bar_kind(bar), why);
				continue;
			}
			bar->bus_addr = reqs[i].addr;
			it->fn->bar_win[it->idx] = win;
		} else {
			struct pci_bridge *b = it->br;

			if (!reqs[i].placed) {
				fmt_snprintf(why, sizeof(why), why_fmt, why_arg);
				kprintf("pci: error: %s: %s window (%s) not assigned: %s\n", b->self->bdf,
					class_name((enum pci_class)it->idx),
					size_str(sz, sizeof(sz), b->size[it->idx]), why);
				continue;
			}
			b->base[it->idx] = reqs[i].addr;
			b->placed[it->idx] = true;
			b->win[it->idx] = win;
		}
	}
}

/* The root bus: every request into the host window its class maps to. */
static void place_root(struct pci_host *h, u64 *used_lo, u64 *used_hi)
{
	const struct pci_window *w;
	char desc[80];
	u64 base, size, end;
	unsigned int i, n;
	int k;

	for (i = 0; i < h->dt.nr_windows; i++) {
		w = &h->dt.win[i];
		base = w->pci_addr;
		size = w->size;
		if (w->space == PCI_DT_SPACE_IO && base < PCI_IO_MIN) {
			size = size > PCI_IO_MIN - base ? size - (PCI_IO_MIN - base) : 0;
			base = PCI_IO_MIN;
		}
		n = collect(h, NULL, PCI_CLASS_IO, (int)i);
		pci_alloc_place(reqs, n, base, size, &end);
		used_lo[i] = base;
		used_hi[i] = end;
		fmt_snprintf(desc, sizeof(desc), "%s 0x%llx..0x%llx",
			     win_name[w->space], (unsigned long long)w->pci_addr,
			     (unsigned long long)(w->pci_addr + w->size - 1));
		apply(n, (u8)i, "no room in the host's %s window", desc);
	}
	/* Requests whose class has no host window at all. */
	for (k = 0; k < PCI_NR_CLASSES; k++) {
		if (pci_host_window_for(&h->dt, (enum pci_class)k) >= 0)
			continue;
		n = collect(h, NULL, (enum pci_class)k, -1);
		for (i = 0; i < n; i++)
			reqs[i].placed = false;
		apply(n, PCI_NO_WINDOW, "the host's ranges has no %s window",
		      class_name((enum pci_class)k));
	}
}

/* Top-down: the children of each placed bridge window, at its base. */
static void place_below(struct pci_host *h)
{
	unsigned int i, k, n;
	struct pci_bridge *b;

	for (i = 0; i < nr_bridges; i++) {
		b = &bridges[i];
		if (b->self->host != h || !b->bus_ok || !b->self->enabled)
			continue;
		/* A 16-bit I/O decoder cannot forward addresses at or above 64 KiB. */
		if (b->placed[PCI_CLASS_IO] && !b->io32 &&
		    b->base[PCI_CLASS_IO] + b->size[PCI_CLASS_IO] > PCI_IO_16BIT_END) {
			kprintf("pci: error: %s: io window at bus 0x%llx is above what its 16-bit I/O decoder reaches\n",
				b->self->bdf, (unsigned long long)b->base[PCI_CLASS_IO]);
			b->placed[PCI_CLASS_IO] = false;
		}
		for (k = 0; k < PCI_NR_CLASSES; k++) {
			n = collect(h, b, (enum pci_class)k, -1);
			if (!n)
				continue;
			if (b->placed[k]) {
				pci_alloc_place(reqs, n, b->base[k], b->size[k], NULL);
			} else {
				unsigned int j;

				for (j = 0; j < n; j++)
					reqs[j].placed = false;
			}
			apply(n, b->win[k], b->placed[k] ? "no room in the %s window of the bridge above" :
							   "the %s window of the bridge above is not assigned",
			      class_name((enum pci_class)k));
		}
	}
}

/* Map the used part of each host window; a failure disables its users. */
static void map_windows(struct pci_host *h, const u64 *used_lo, const u64 *used_hi)
{
	const struct pci_window *w;
	unsigned int i, j, k;
	int ret;

	for (i = 0; i < h->dt.nr_windows; i++) {
		w = &h->dt.win[i];
		if (used_hi[i] <= used_lo[i])
			continue;
		ret = mmu_map(pci_dt_window_bus_to_cpu(w, used_lo[i]), used_hi[i] - used_lo[i],
			      MMU_DEVICE, win_map_name[w->space]);
		if (!ret)
			continue;
		kprintf("pci: error: cannot map %s window CPU 0x%llx..0x%llx (error %d)\n",
			win_name[w->space],
			(unsigned long long)pci_dt_window_bus_to_cpu(w, used_lo[i]),
			(unsigned long long)pci_dt_window_bus_to_cpu(w, used_hi[i] - 1), ret);
		for (j = 0; j < nr_funcs; j++)
			for (k = 0; k < PCI_NUM_BARS; k++)
				if (funcs[j].pub.host == h && funcs[j].pub.enabled &&
				    funcs[j].pub.bar[k].size && funcs[j].bar_win[k] == i)
					fn_disable(&funcs[j], "BAR%u is in a window that is not mapped", k);
	}
}

/* Write BARs and windows, then turn decoding (and bus mastering) on. */
static void enable_function(struct pci_func *f)
{
	struct pci_dev *p = &f->pub;
	const struct pci_window *w;
	struct pci_bridge_regs r;
	u64 base[PCI_NR_CLASSES], size[PCI_NR_CLASSES];
	bool io = false, mem = false;
	unsigned int k, off;
	u16 cmd;

	if (p->parent && !p->parent->enabled && p->enabled)
		fn_disable(f, "the bridge above it (%s) is disabled", p->parent->bdf);
	if (!p->enabled) {
		for (k = 0; k < PCI_NUM_BARS; k++)
			p->bar[k].base = 0;
		return;
	}

	for (k = 0; k < PCI_NUM_BARS; k++) {
		struct pci_bar *b = &p->bar[k];

		if (!b->size)
			continue;
		off = PCI_BASE_ADDRESS(k);
		pci_write_config32(p, off, (u32)b->bus_addr);
		if (b->mem64)
			pci_write_config32(p, off + 4, (u32)(b->bus_addr >> 32));
		w = &p->host->dt.win[f->bar_win[k]];
		b->base = pci_dt_window_bus_to_cpu(w, b->bus_addr);
		if (b->io)
			io = true;
		else
			mem = true;
	}

	if (f->br) {
		for (k = 0; k < PCI_NR_CLASSES; k++) {
			bool open = f->br->placed[k] && f->br->size[k];

			base[k] = open ? f->br->base[k] : 0;
			size[k] = open ? f->br->size[k] : 0;
		}
		pci_bridge_encode(base, size, &r);
		pci_write_config8(p, PCI_IO_BASE, r.io_base);
		pci_write_config8(p, PCI_IO_LIMIT, r.io_limit);
		pci_write_config32(p, PCI_IO_BASE_UPPER16, r.io_upper);
		pci_write_config32(p, PCI_MEMORY_BASE, r.mem);
		pci_write_config32(p, PCI_PREF_MEMORY_BASE, r.pref);
		pci_write_config32(p, PCI_PREF_BASE_UPPER32, r.pref_base_upper);
		pci_write_config32(p, PCI_PREF_LIMIT_UPPER32, r.pref_limit_upper);
		io |= size[PCI_CLASS_IO] != 0;
		mem |= size[PCI_CLASS_MEM] || size[PCI_CLASS_PREF];
	}

	cmd = pci_read_config16(p, PCI_COMMAND);
	if (io)
		cmd |= PCI_COMMAND_IO;
	if (mem)
		cmd |= PCI_COMMAND_MEMORY;
	/* A bridge masters to forward the DMA of what is below it. */
	if (!p->dma_blocked)
		cmd |= PCI_COMMAND_MASTER;
	pci_write_config16(p, PCI_COMMAND, cmd);
}

/* --- INTx and stream IDs --------------------------------------------------- */

static void route_intx(struct pci_dev *p)
{
	u8 path[PCI_MAX_DEPTH + 1];
	const struct pci_dev *q;
	unsigned int depth = 0;
	u8 root_pin;
	int ret;

	if (!p->intx_pin)
		return;
	path[0] = devfn_of(p);
	for (q = p->parent; q && depth < PCI_MAX_DEPTH; q = q->parent)
		path[++depth] = devfn_of(q);
	ret = pci_dt_intx(&p->host->dt, p->host->dt.bus_start, path, depth, p->intx_pin,
			  &p->intx, &root_pin);
	if (!ret) {
		p->has_intx = true;
		return;
	}
	if (ret == -ENXIO) {
		char where[MEMMAP_PATH_MAX];

		dt_path(p->host->dt.fdt, p->host->dt.node, where, sizeof(where));
		kprintf("pci: error: %s: %s: interrupt-map has no entry for %02x:%02x.%u INT%c; INTx not routed\n",
			p->bdf, where, p->host->dt.bus_start,
			(unsigned int)FIELD_GET(PCI_DEVFN_DEV, path[depth]),
			(unsigned int)FIELD_GET(PCI_DEVFN_FN, path[depth]), 'A' + root_pin - 1);
	}
}

/*
 * The RID the device's requests carry when they reach the host bridge:
 * bridges on the way up may replace it (Linux pci_for_each_dma_alias()).
 */
static u16 dma_alias(const struct pci_dev *p)
{
	const struct pci_dev *b;
	u16 rid = p->rid;

	for (b = p->parent; b; b = b->parent) {
		int exp = pci_find_capability(b, PCI_CAP_ID_EXP);
		unsigned int type;

		if (!exp) {
			rid = b->rid; /* a conventional PCI bridge takes requests over */
			continue;
		}
		type = FIELD_GET(PCI_EXP_FLAGS_TYPE, pci_read_config16(b, exp + PCI_EXP_FLAGS));
		if (type == PCI_EXP_TYPE_PCI_BRIDGE)
			rid = (u16)FIELD_PREP(PCI_RID_BUS, pci_read_config8(b, PCI_SECONDARY_BUS));
		else if (type == PCI_EXP_TYPE_PCIE_BRIDGE)
			rid = b->rid;
	}
	return rid;
}

static void stream_id(struct pci_dev *p)
{
	char where[MEMMAP_PATH_MAX];
	int ret;

	p->dma_rid = dma_alias(p);
	ret = pci_dt_rid_to_sid(&p->host->dt, p->dma_rid, &p->stream_id, &p->iommu_node);
	if (!ret) {
		p->has_iommu = true;
		return;
	}
	if (ret != -ERANGE)
		return; /* no iommu-map, or its IOMMU is disabled: no translation */
	/* A bridge only forwards; the requests it passes on carry their own RID. */
	if (p->header_type == PCI_HEADER_TYPE_BRIDGE)
		return;
	p->dma_blocked = true;
	dt_path(p->host->dt.fdt, p->host->dt.node, where, sizeof(where));
	kprintf("pci: error: %s: RID 0x%04x is outside every iommu-map entry of %s: no stream ID, DMA refused\n",
		p->bdf, p->dma_rid, where);
}

/* --- the console line ------------------------------------------------------ */

static bool is_gic(const void *fdt, int node)
{
	static const char *const gics[] = { "arm,gic-v3", "arm,cortex-a15-gic", "arm,gic-400",
					    "arm,cortex-a9-gic", "arm,cortex-a7-gic" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gics); i++)
		if (dt_is_compatible(fdt, node, gics[i]))
			return true;
	return false;
}

static void print_intx(const struct pci_dev *p)
{
	const void *fdt = p->host->dt.fdt;
	char path[MEMMAP_PATH_MAX];
	unsigned int i;

	if (!p->intx_pin)
		return;
	kprintf(" INT%c", 'A' + p->intx_pin - 1);
	if (!p->has_intx) {
		kprintf(" (not routed)");
		return;
	}
	if (is_gic(fdt, p->intx.ctrl) && p->intx.ncells >= 2 &&
	    (p->intx.cells[0] == PCI_GIC_DT_SPI || p->intx.cells[0] == PCI_GIC_DT_PPI)) {
		kprintf(" -> GIC %s %u", p->intx.cells[0] == PCI_GIC_DT_SPI ? "SPI" : "PPI",
			p->intx.cells[1]);
		return;
	}
	dt_path(fdt, p->intx.ctrl, path, sizeof(path));
	kprintf(" -> %s <", path);
	for (i = 0; i < p->intx.ncells; i++)
		kprintf("%s0x%x", i ? " " : "", p->intx.cells[i]);
	kprintf(">");
}

static void print_function(const struct pci_func *f)
{
	const struct pci_dev *p = &f->pub;
	const struct pci_bridge *b = f->br;
	char sz[24];
	unsigned int k;

	kprintf("pci: %s %04x:%04x class %06x", p->bdf, p->vendor_id, p->device_id,
		p->class_code);
	for (k = 0; k < PCI_NUM_BARS; k++) {
		if (!p->bar[k].size)
			continue;
		if (p->bar[k].base)
			kprintf(" bar%u 0x%llx", k, (unsigned long long)p->bar[k].base);
		else
			kprintf(" bar%u unassigned", k);
		kprintf(" (%s, %s)", size_str(sz, sizeof(sz), p->bar[k].size),
			bar_kind(&p->bar[k]));
	}
	if (b && b->bus_ok) {
		kprintf(" bridge [bus %02x-%02x]", b->secondary, b->subordinate);
		for (k = 0; k < PCI_NR_CLASSES; k++)
			if (p->enabled && b->placed[k] && b->size[k])
				kprintf(" %s 0x%llx (%s)", class_name((enum pci_class)k),
					(unsigned long long)pci_dt_window_bus_to_cpu(
						&p->host->dt.win[b->win[k]], b->base[k]),
					size_str(sz, sizeof(sz), b->size[k]));
	}
	print_intx(p);
	if (p->has_iommu)
		kprintf(", stream 0x%x", p->stream_id);
	if (p->dma_rid != p->rid)
		kprintf(" (DMA requester ID 0x%04x, a bridge's alias)", p->dma_rid);
	if (p->dma_blocked)
		kprintf(", no stream: DMA refused");
	if (!p->enabled)
		kprintf(", disabled");
	kprintf("\n");
}

void pci_show(void)
{
	unsigned int i;

	if (!nr_funcs)
		kprintf("no PCI functions (no pci-host-ecam-generic host in the DT)\n");
	for (i = 0; i < nr_funcs; i++)
		print_function(&funcs[i]);
}

static void print_host(const struct pci_host *h)
{
	char path[MEMMAP_PATH_MAX], sz[24];
	const struct pci_window *w;
	unsigned int i;

	dt_path(h->dt.fdt, h->dt.node, path, sizeof(path));
	kprintf("pci: %s: domain %04x, ECAM 0x%llx buses %02x-%02x", path, h->dt.domain,
		(unsigned long long)h->dt.ecam_base, h->dt.bus_start, h->dt.bus_end);
	for (i = 0; i < h->dt.nr_windows; i++) {
		w = &h->dt.win[i];
		kprintf(", %s%s 0x%llx (%s) bus 0x%llx", win_name[w->space],
			w->prefetch ? " pref" : "", (unsigned long long)w->cpu_addr,
			size_str(sz, sizeof(sz), w->size), (unsigned long long)w->pci_addr);
	}
	kprintf("\n");
}

/* --- pci_init -------------------------------------------------------------- */

static int host_init(const void *fdt, int node)
{
	u64 used_lo[PCI_HOST_MAX_WINDOWS], used_hi[PCI_HOST_MAX_WINDOWS];
	unsigned int first = nr_funcs, next_bus, i;
	struct pci_host *h;
	int ret;

	if (nr_hosts == PCI_MAX_HOSTS) {
		char path[MEMMAP_PATH_MAX];

		dt_path(fdt, node, path, sizeof(path));
		kprintf("pci: error: %s: more than %d host bridges; ignored\n", path,
			PCI_MAX_HOSTS);
		return -ENOSPC;
	}
	h = &hosts[nr_hosts];
	ret = pci_dt_parse_host(fdt, node, nr_hosts, &h->dt, report_dt, NULL);
	if (ret)
		return ret;
	ret = mmu_map(h->dt.ecam_base, h->dt.ecam_size, MMU_DEVICE, "pci ecam");
	if (ret) {
		char path[MEMMAP_PATH_MAX];

		dt_path(fdt, node, path, sizeof(path));
		kprintf("pci: error: %s: cannot map ECAM 0x%llx+0x%llx (error %d)\n", path,
			(unsigned long long)h->dt.ecam_base, (unsigned long long)h->dt.ecam_size,
			ret);
		return ret;
	}
	h->ecam = (uintptr_t)h->dt.ecam_base;
	nr_hosts++;
	print_host(h);

	next_bus = h->dt.bus_start + 1u;
	scan_bus(h, h->dt.bus_start, NULL, 0, &next_bus);

	/* Deeper bridges were found later: walk back for bottom-up sizing. */
	for (i = nr_bridges; i-- > 0;)
		if (bridges[i].self->host == h)
			size_bridge(h, &bridges[i]);
	place_root(h, used_lo, used_hi);
	place_below(h);
	map_windows(h, used_lo, used_hi);

	for (i = first; i < nr_funcs; i++) {
		struct pci_dev *p = &funcs[i].pub;

		stream_id(p);
		route_intx(p);
		enable_function(&funcs[i]);
		/* The DMA view: coherency and dma-ranges of the host bridge. */
		device_init_dt(&p->dev, node);
		fmt_snprintf(p->dev.name, sizeof(p->dev.name), "pci %s", p->bdf);
		print_function(&funcs[i]);
	}
	return 0;
}

int pci_init(const void *fdt)
{
	static const char *const compat[] = { "pci-host-ecam-generic", NULL };
	int node, ret, first_err = 0;
	bool found = false;

	for (node = dt_find_compatible(fdt, -1, compat); node >= 0;
	     node = dt_find_compatible(fdt, node, compat)) {
		found = true;
		ret = host_init(fdt, node);
		if (ret && !first_err)
			first_err = ret;
	}
	if (!found)
		return -ENODEV;
	return first_err;
}
