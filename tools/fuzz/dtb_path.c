/*
 * The firmware's DT path on the host, with its promises checked. Contract
 * in dtb_path.h. Built with the fuzzer (clang, -fsanitize=fuzzer,address,
 * undefined) and with the host tests (gcc, -fsanitize=address,undefined).
 */
#include "dtb_path.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <console.h>
#include <drivers/pci_regs.h>
#include <dt.h>
#include <fmt.h>
#include <mm/dt_dma.h>
#include <mm/memmap.h>

#include "irq_dt.h"
#include "pci_dt.h"

/*
 * Where the firmware sits on QEMU virt (mm/dma_mem.c passes the image and
 * the DTB as struct memmap_excl): no region may overlap them.
 */
#define PATH_IMAGE_BASE 0x40200000ULL
#define PATH_IMAGE_SIZE 0x100000ULL
#define PATH_DTB_BASE 0x48000000ULL

/* Bounds on the work per blob, so that one input stays well under -timeout. */
#define PATH_MAX_NODES 1024	/* nodes given to dt_dma_configure() / irq_dt_get() */
#define PATH_MAX_IRQS 8		/* irq_dt_get() indexes per node */
#define PATH_MAX_REGS 4		/* dt_reg_phys() indexes per node */
#define PATH_MAX_PCI 8		/* pci-host-ecam-generic nodes */

/* The current run, for the callbacks (the fuzzer is single-threaded). */
static struct dtb_path_result *cur;

static void __attribute__((noreturn, format(printf, 1, 2))) broken(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "dtb_path: broken promise: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

#define PROMISE(cond, ...)                 \
	do {                               \
		if (!(cond))               \
			broken(__VA_ARGS__); \
	} while (0)

/*
 * The firmware's kprintf (drivers/irq/irq_dt.c logs through pr_err()):
 * formatted with the firmware's own lib/fmt.c, then dropped.
 */
int kprintf(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	PROMISE(n >= 0 && strlen(line) < sizeof(line), "kprintf: unterminated line");
	if (cur)
		cur->logged++;
	return n;
}

/* memmap_report_fn: both strings terminated, the path absolute or empty. */
static void report(void *ctx, const char *path, const char *msg)
{
	struct dtb_path_result *res = ctx;

	PROMISE(strnlen(path, MEMMAP_PATH_MAX) < MEMMAP_PATH_MAX, "report: path not terminated");
	PROMISE(!path[0] || path[0] == '/' || path[0] == '<', "report: path \"%s\"", path);
	PROMISE(strlen(msg) > 0, "report: empty message for %s", path);
	res->problems++;
}

static u64 end_of(u64 base, u64 size)
{
	PROMISE(size != 0, "zero-size range at 0x%llx", (unsigned long long)base);
	PROMISE(base + (size - 1) >= base, "range 0x%llx+0x%llx wraps past 2^64",
		(unsigned long long)base, (unsigned long long)size);
	return base + (size - 1);
}

static int overlap(u64 b1, u64 s1, u64 b2, u64 s2)
{
	return b1 <= end_of(b2, s2) && b2 <= end_of(b1, s1);
}

/* ---- memmap_parse(): what struct memmap promises ----------------------- */

static void check_memmap(const void *fdt, const struct memmap *mm,
			 const struct memmap_excl *excl)
{
	int i, j, cma = -1, dflt = -1, in_bank;

	PROMISE(mm->nr_ram >= 0 && mm->nr_ram <= MEMMAP_MAX_RAM, "nr_ram %d", mm->nr_ram);
	PROMISE(mm->nr_rsv >= 0 && mm->nr_rsv <= MEMMAP_MAX_RSV, "nr_rsv %d", mm->nr_rsv);
	PROMISE(mm->nr_rmem >= 0 && mm->nr_rmem <= MEMMAP_MAX_RMEM, "nr_rmem %d", mm->nr_rmem);
	for (i = 0; i < mm->nr_ram; i++) {
		end_of(mm->ram[i].base, mm->ram[i].size);
		PROMISE(!i || mm->ram[i - 1].base <= mm->ram[i].base, "RAM banks not sorted");
	}
	for (i = 0; i < mm->nr_rsv; i++) {
		end_of(mm->rsv[i].base, mm->rsv[i].size);
		PROMISE(mm->rsv[i].kind == RMEM_MEMRESERVE && mm->rsv[i].node == -1,
			"/memreserve/ entry %d: kind %d node %d", i, mm->rsv[i].kind,
			mm->rsv[i].node);
	}
	for (i = 0; i < mm->nr_rmem; i++) {
		const struct rmem *r = &mm->rmem[i];
		u32 f = r->flags;

		PROMISE(r->kind == RMEM_STATIC || r->kind == RMEM_DYNAMIC, "rmem %d kind %d", i,
			r->kind);
		PROMISE(r->node > 0 && fdt_get_name(fdt, r->node, NULL), "rmem %d node %d", i,
			r->node);
		PROMISE(strnlen(r->name, RMEM_NAME_MAX) < RMEM_NAME_MAX, "rmem %d name", i);
		PROMISE(r->phandle == fdt_get_phandle(fdt, r->node), "rmem %d phandle", i);
		in_bank = 0;
		for (j = 0; j < mm->nr_ram; j++)
			if (r->base >= mm->ram[j].base &&
			    end_of(r->base, r->size) <= end_of(mm->ram[j].base, mm->ram[j].size))
				in_bank = 1;
		PROMISE(in_bank, "rmem %s [0x%llx+0x%llx] outside every RAM bank", r->name,
			(unsigned long long)r->base, (unsigned long long)r->size);
		if (r->kind == RMEM_DYNAMIC)
			PROMISE(r->align && !(r->align & (r->align - 1)) &&
					!(r->base & (r->align - 1)),
				"rmem %s: base 0x%llx, alignment 0x%llx", r->name,
				(unsigned long long)r->base, (unsigned long long)r->align);
		PROMISE(!((f & RMEM_NO_MAP) && (f & RMEM_REUSABLE)), "rmem %s no-map+reusable",
			r->name);
		PROMISE(!(f & RMEM_CMA_DEFAULT) || (f & RMEM_REUSABLE),
			"rmem %s: cma-default not reusable", r->name);
		PROMISE(!(f & RMEM_DMA_DEFAULT) || !(f & RMEM_REUSABLE),
			"rmem %s: dma-default reusable", r->name);
		if ((f & RMEM_SHARED_DMA_POOL) && (f & RMEM_REUSABLE))
			PROMISE(!(r->base & (RMEM_CMA_ALIGN - 1)) && !(r->size & (RMEM_CMA_ALIGN - 1)),
				"rmem %s: CMA base/size not 2 MiB aligned", r->name);
		if (f & RMEM_CMA_DEFAULT) {
			PROMISE(cma < 0 || mm->rmem[cma].node == r->node, "two cma-default nodes");
			cma = i;
		}
		if (f & RMEM_DMA_DEFAULT) {
			PROMISE(dflt < 0 || mm->rmem[dflt].node == r->node, "two dma-default nodes");
			dflt = i;
		}
		for (j = 0; j < excl->count; j++)
			PROMISE(!overlap(r->base, r->size, excl->range[j].base, excl->range[j].size),
				"rmem %s overlaps the %s", r->name, excl->range[j].what);
		for (j = 0; j < mm->nr_rsv; j++)
			PROMISE(!overlap(r->base, r->size, mm->rsv[j].base, mm->rsv[j].size),
				"rmem %s overlaps /memreserve/ %d", r->name, j);
		for (j = 0; j < i; j++)
			PROMISE(!overlap(r->base, r->size, mm->rmem[j].base, mm->rmem[j].size),
				"rmem %s overlaps rmem %s", r->name, mm->rmem[j].name);

		/* The lookups dtbcheck and the DMA layer use. */
		j = memmap_rmem_index_by_phandle(mm, r->phandle);
		PROMISE(r->phandle ? (j >= 0 && j <= i && mm->rmem[j].phandle == r->phandle) :
				     j == -ENOENT,
			"phandle lookup of rmem %d gave %d", i, j);
		j = memmap_rmem_index_by_node(mm, r->node);
		PROMISE(j >= 0 && j <= i && mm->rmem[j].node == r->node,
			"node lookup of rmem %d gave %d", i, j);
		PROMISE(memmap_rmem_at(mm, i) == r, "memmap_rmem_at(%d)", i);
	}
	PROMISE(!memmap_rmem_at(mm, mm->nr_rmem) && !memmap_rmem_at(mm, -1), "memmap_rmem_at past");
	/* The defaults: the first kept region with the flag, or none. */
	for (i = 0; i < mm->nr_rmem && !(mm->rmem[i].flags & RMEM_CMA_DEFAULT); i++)
		;
	PROMISE(memmap_default_pool(mm, RMEM_CMA_DEFAULT) == memmap_rmem_at(mm, i),
		"cma default pool");
	for (i = 0; i < mm->nr_rmem && !(mm->rmem[i].flags & RMEM_DMA_DEFAULT); i++)
		;
	PROMISE(memmap_default_pool(mm, RMEM_DMA_DEFAULT) == memmap_rmem_at(mm, i),
		"dma default pool");
}

/* ---- dt_dma_configure(): what struct dt_dma_info promises -------------- */

static void check_dma(const struct memmap *mm, const struct dt_dma_info *info)
{
	const struct dt_dma_range *r;
	dma_addr_t dma;
	phys_addr_t pa;
	int i;

	PROMISE(info->nr_ranges >= 0 && info->nr_ranges <= DT_DMA_MAX_RANGES, "nr_ranges %d",
		info->nr_ranges);
	PROMISE(info->nr_regions >= 0 && info->nr_regions <= DT_DMA_MAX_REGIONS,
		"nr_regions %d", info->nr_regions);
	PROMISE(info->restricted >= -1 && info->restricted < info->nr_regions, "restricted %d",
		info->restricted);
	for (i = 0; i < info->nr_ranges; i++) {
		r = &info->range[i];
		end_of(r->dma_start, r->size);
		end_of(r->cpu_start, r->size);
		PROMISE(info->bus_dma_limit >= end_of(r->dma_start, r->size), "bus_dma_limit");
		/* Each window's first and last byte translate, both ways. */
		PROMISE(!dt_dma_phys_to_dma(info, r->cpu_start, 1, &dma), "phys_to_dma of window %d",
			i);
		PROMISE(!dt_dma_phys_to_dma(info, end_of(r->cpu_start, r->size), 1, &dma),
			"phys_to_dma of window %d's end", i);
		PROMISE(!dt_dma_dma_to_phys(info, r->dma_start, 1, &pa), "dma_to_phys of window %d",
			i);
		PROMISE(!dt_dma_phys_to_dma(info, r->cpu_start, r->size, &dma),
			"phys_to_dma of window %d whole", i);
	}
	if (!info->nr_ranges)
		PROMISE(info->bus_dma_limit == DT_DMA_NO_LIMIT, "limit without ranges");
	PROMISE(dt_dma_phys_to_dma(info, ~0ULL, 2, &dma) == -ERANGE, "wrapping buffer mapped");
	for (i = 0; i < info->nr_regions; i++) {
		const struct dt_dma_region *g = &info->region[i];

		PROMISE(g->rmem >= -1 && g->rmem < mm->nr_rmem, "region %d rmem %d", i, g->rmem);
		PROMISE(strnlen(g->name, DT_DMA_NAME_MAX) < DT_DMA_NAME_MAX, "region %d name", i);
	}
	if (info->restricted >= 0) {
		i = info->region[info->restricted].rmem;
		PROMISE(i >= 0 && (mm->rmem[i].flags & RMEM_RESTRICTED_DMA_POOL),
			"restricted region is not a restricted-dma-pool");
	}
}

/* ---- irq_dt.c ---------------------------------------------------------- */

static void run_irqs(const void *fdt, int node, int gic)
{
	struct irq_dt_spec dt;
	struct irq_spec spec;
	unsigned int i;
	int ret;

	for (i = 0; i < PATH_MAX_IRQS; i++) {
		ret = irq_dt_get(fdt, node, i, &dt);
		if (ret == -ENOENT)
			break;
		PROMISE(ret == 0 || ret == -EINVAL || ret == -EOPNOTSUPP, "irq_dt_get: %d", ret);
		if (ret)
			break; /* the property is bad as a whole */
		PROMISE(dt.ncells >= 1 && dt.ncells <= 4 && dt.ctrl >= 0 &&
				fdt_getprop(fdt, dt.ctrl, "#interrupt-cells", NULL),
			"irq_dt_get: ctrl %d ncells %u", dt.ctrl, dt.ncells);
		cur->irqs++;
		if (gic < 0)
			continue;
		/* nr_intids 0 (unchecked) and QEMU virt's 288 */
		ret = irq_dt_translate_gic(fdt, gic, (i & 1) ? 288 : 0, &dt, &spec);
		if (ret) {
			PROMISE(ret == -EINVAL || ret == -EOPNOTSUPP, "irq_dt_translate_gic: %d", ret);
			continue;
		}
		PROMISE(spec.intid >= IRQ_PPI_BASE && spec.intid <= IRQ_SPI_LAST &&
				(spec.type == IRQ_TYPE_EDGE_RISING ||
				 spec.type == IRQ_TYPE_LEVEL_HIGH),
			"irq_dt_translate_gic: intid %u type %u", spec.intid, spec.type);
		cur->irqs_gic++;
	}
}

/* ---- pci_dt.c ---------------------------------------------------------- */

static void run_pci_host(const void *fdt, int node, unsigned int index)
{
	static const u8 devfns[] = { 0x00, 0x08, 0x10, 0x19, 0xff };
	static const u16 rids[] = { 0x0000, 0x0008, 0x0010, 0x0100, 0x0300, 0xffff };
	struct pci_host_dt h;
	struct irq_dt_spec out;
	unsigned int i, d, pin, depth;
	u8 path[3], root_pin;
	u32 sid;
	int ret, iommu;

	ret = pci_dt_parse_host(fdt, node, index, &h, report, cur);
	if (ret) {
		PROMISE(ret == -EINVAL, "pci_dt_parse_host: %d", ret);
		return;
	}
	cur->pci_hosts++;
	PROMISE(h.bus_start <= h.bus_end, "pci: bus range %u-%u", h.bus_start, h.bus_end);
	PROMISE(h.ecam_size == (u64)(h.bus_end - h.bus_start + 1) * PCI_ECAM_BUS_SIZE,
		"pci: ECAM size 0x%llx for buses %u-%u", (unsigned long long)h.ecam_size,
		h.bus_start, h.bus_end);
	end_of(h.ecam_base, h.ecam_size);
	PROMISE(h.nr_windows <= PCI_HOST_MAX_WINDOWS, "pci: %u windows", h.nr_windows);
	for (i = 0; i < h.nr_windows; i++) {
		const struct pci_window *w = &h.win[i];

		PROMISE(w->space == PCI_DT_SPACE_IO || w->space == PCI_DT_SPACE_MEM32 ||
				w->space == PCI_DT_SPACE_MEM64,
			"pci: window %u space %u", i, w->space);
		end_of(w->pci_addr, w->size);
		end_of(w->cpu_addr, w->size);
		if (w->space != PCI_DT_SPACE_MEM64)
			PROMISE(end_of(w->pci_addr, w->size) <= 0xffffffffULL,
				"pci: 32-bit window %u past 4 GiB", i);
		PROMISE(pci_dt_window_bus_to_cpu(w, w->pci_addr) == w->cpu_addr, "pci: window %u",
			i);
	}

	/*
	 * INTx: a few functions, each pin, on the root bus and behind one or
	 * two bridges (a lookup scans the tree once per interrupt-map entry,
	 * so a handful keeps the run fast), and pins 0 and 5, which are refused.
	 */
	for (d = 0; d < sizeof(devfns); d++) {
		path[0] = devfns[d];
		path[1] = devfns[(d + 1) % sizeof(devfns)];
		path[2] = devfns[(d + 2) % sizeof(devfns)];
		pin = 1 + d % 4;
		depth = d % 3;
		ret = pci_dt_intx(&h, h.bus_start, path, depth, (u8)pin, &out, &root_pin);
		PROMISE(root_pin >= 1 && root_pin <= 4, "pci: root pin %u", root_pin);
		if (ret) {
			PROMISE(ret == -ENOENT || ret == -ENXIO, "pci_dt_intx: %d", ret);
			continue;
		}
		PROMISE(out.ctrl >= 0 && out.ncells >= 1 && out.ncells <= PCI_IRQ_MAX_CELLS,
			"pci_dt_intx: ctrl %d ncells %u", out.ctrl, out.ncells);
	}
	PROMISE(pci_dt_intx(&h, h.bus_start, path, 0, 0, &out, NULL) == -EINVAL &&
			pci_dt_intx(&h, h.bus_start, path, 0, 5, &out, NULL) == -EINVAL,
		"pci_dt_intx: pin 0 or 5 accepted");

	/* Stream IDs: fixed RIDs and each iommu-map entry's first and last. */
	for (i = 0; i < sizeof(rids) / sizeof(rids[0]) + 2 * (unsigned int)h.iommu_map_entries;
	     i++) {
		u16 rid;

		if (i < sizeof(rids) / sizeof(rids[0])) {
			rid = rids[i];
		} else {
			unsigned int e = (i - (unsigned int)(sizeof(rids) / sizeof(rids[0]))) / 2;
			const fdt32_t *m = h.iommu_map + e * 4;

			rid = (u16)(fdt32_ld(m) + ((i & 1) ? fdt32_ld(m + 3) - 1 : 0));
		}
		ret = pci_dt_rid_to_sid(&h, rid, &sid, &iommu);
		if (ret) {
			PROMISE(ret == -ENOENT || ret == -ENODEV || ret == -ERANGE,
				"pci_dt_rid_to_sid: %d", ret);
			continue;
		}
		/* Any node, even the root, may carry the phandle iommu-map names. */
		PROMISE(iommu >= 0 && fdt_get_name(fdt, iommu, NULL), "pci: iommu node %d", iommu);
	}
}

/* ---- the path ----------------------------------------------------------- */

int dtb_path_run(const void *data, size_t size, struct dtb_path_result *res)
{
	static const char *const pci_compat[] = { "pci-host-ecam-generic", NULL };
	struct dtb_path_result local;
	struct memmap_excl excl = { 0 };
	static struct memmap mm;
	struct dt_dma_info info;
	enum gic_version ver;
	const char *model;
	u64 addr, sz;
	int node, gic, ret, i, n;
	unsigned int hosts;
	void *fdt;

	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	cur = res;

	/* Exactly @size bytes: ASan flags any read past what the loader gave. */
	fdt = malloc(size ? size : 1);
	if (!fdt)
		abort();
	memcpy(fdt, data, size);

	/* boot/main.c: the loader's DTB must pass dt_check() or it is not used. */
	res->check = dt_check(fdt, size);
	if (res->check) {
		PROMISE(res->check < 0, "dt_check: %d", res->check);
		free(fdt);
		cur = NULL;
		return res->check;
	}
	model = dt_model(fdt);
	PROMISE(!model || strlen(model) > 0, "dt_model: empty string");
	if (!dt_stdout_node(fdt, &node)) {
		PROMISE(fdt_get_name(fdt, node, NULL) != NULL, "dt_stdout_node: %d", node);
		ret = dt_reg_phys(fdt, node, 0, &addr, &sz);
		PROMISE(ret <= 0, "dt_reg_phys: %d", ret);
	}

	/* mm/dma_mem.c: pools around the image and the DTB. */
	excl.range[excl.count++] =
		(struct memmap_excl_range){ PATH_IMAGE_BASE, PATH_IMAGE_SIZE, "firmware image" };
	excl.range[excl.count++] =
		(struct memmap_excl_range){ PATH_DTB_BASE, fdt_totalsize(fdt), "DTB" };
	ret = memmap_parse(fdt, &excl, &mm, report, res);
	PROMISE(ret >= 0 && ret == res->problems, "memmap_parse: %d, %d reports", ret,
		res->problems);
	check_memmap(fdt, &mm, &excl);
	res->nr_ram = mm.nr_ram;
	res->nr_rmem = mm.nr_rmem;

	/* drivers/irq/gic.c: the GIC the firmware would drive. */
	gic = irq_dt_find_gic(fdt, &node, &ver) ? -1 : node;
	if (gic >= 0)
		PROMISE(ver == GIC_V2 || ver == GIC_V3, "irq_dt_find_gic: version %d", ver);

	/* Every node as a device: DMA configuration, reg, interrupts. */
	for (node = fdt_next_node(fdt, -1, NULL), n = 0; node >= 0 && n < PATH_MAX_NODES;
	     node = fdt_next_node(fdt, node, NULL), n++) {
		int before = res->problems;

		ret = dt_dma_configure(fdt, node, &mm, &info, report, res);
		PROMISE(ret == res->problems - before, "dt_dma_configure: %d, %d reports", ret,
			res->problems - before);
		check_dma(&mm, &info);
		res->nodes++;
		for (i = 0; i < PATH_MAX_REGS; i++) {
			ret = dt_reg_phys(fdt, node, i, &addr, &sz);
			if (ret)
				break;
			PROMISE(!sz || addr + (sz - 1) >= addr, "dt_reg_phys: wraps");
		}
		run_irqs(fdt, node, gic);
	}

	/* drivers/pci/pci.c: every host bridge. */
	hosts = 0;
	for (node = dt_find_compatible(fdt, -1, pci_compat); node >= 0 && hosts < PATH_MAX_PCI;
	     node = dt_find_compatible(fdt, node, pci_compat))
		run_pci_host(fdt, node, hosts++);

	free(fdt);
	cur = NULL;
	return 0;
}
