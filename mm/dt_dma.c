/*
 * DMA configuration of a device from its DT node. Contracts and the
 * choices made where Linux leaves room are in include/mm/dt_dma.h.
 *
 * Untrusted blob: property lengths are checked before cells are read,
 * every walk up the tree stops after DT_MAX_DEPTH steps, and sums of
 * address and size are checked for wrapping.
 */
#include <mm/dt_dma.h>

#include <bits.h>
#include <errno.h>
#include <fmt.h>
#include <libfdt.h>
#include <stdarg.h>
#include <string.h>

#define CELL ((int)sizeof(fdt32_t))

struct dma_parse {
	const void *fdt;
	memmap_report_fn report;
	void *ctx;
	int errors;
};

static void __printf(3, 4) report(struct dma_parse *p, int node, const char *fmt, ...)
{
	va_list ap;

	p->errors++;
	va_start(ap, fmt);
	memmap_vreport(p->report, p->ctx, p->fdt, node, fmt, ap);
	va_end(ap);
}

/* of_dma_is_coherent(): the nearest node saying either way decides. */
static bool dma_is_coherent(const void *fdt, int node)
{
	int steps;

	for (steps = 0; node >= 0 && steps <= DT_MAX_DEPTH; steps++) {
		if (fdt_getprop(fdt, node, "dma-coherent", NULL))
			return true;
		if (fdt_getprop(fdt, node, "dma-noncoherent", NULL))
			return false;
		if (node == 0)
			break;
		node = fdt_parent_offset(fdt, node);
	}
	/* arm64: dma_default_coherent is false */
	return false;
}

/* A non-empty dma-ranges of @bus, decoded layout. */
struct dma_ranges {
	const fdt32_t *p;
	int n;		/* entries */
	int na, pna, ns;
};

/*
 * Read @bus's dma-ranges. Return: 1 if absent or empty (1:1), 0 with @dr
 * filled, or a reported problem as -EINVAL / -EOPNOTSUPP.
 */
static int read_dma_ranges(struct dma_parse *p, int bus, struct dma_ranges *dr)
{
	int len, parent, entry;

	dr->p = fdt_getprop(p->fdt, bus, "dma-ranges", &len);
	if (!dr->p || len == 0)
		return 1;
	parent = fdt_parent_offset(p->fdt, bus);
	dr->na = dt_addr_cells(p->fdt, bus);
	dr->ns = dt_size_cells(p->fdt, bus);
	dr->pna = parent < 0 ? -EINVAL : dt_addr_cells(p->fdt, parent);
	if (dr->na < 0 || dr->ns < 0 || dr->pna < 0) {
		report(p, bus, "malformed #address-cells/#size-cells for dma-ranges");
		return -EINVAL;
	}
	if (dr->na == 3 || dr->pna == 3) {
		report(p, bus, "3-cell (PCI) dma-ranges are not supported");
		return -EOPNOTSUPP;
	}
	if (!dr->na || !dr->pna || !dr->ns) {
		report(p, bus,
		       "dma-ranges needs non-zero #address-cells and #size-cells");
		return -EINVAL;
	}
	entry = (dr->na + dr->pna + dr->ns) * CELL;
	if (len % entry) {
		report(p, bus,
		       "dma-ranges is not a multiple of %d cells (child %d + parent %d + size %d)",
		       dr->na + dr->pna + dr->ns, dr->na, dr->pna, dr->ns);
		return -EINVAL;
	}
	dr->n = len / entry;
	return 0;
}

static void dma_range_entry(const struct dma_ranges *dr, int i, u64 *child,
			    u64 *parent, u64 *size)
{
	const fdt32_t *e = dr->p + i * (dr->na + dr->pna + dr->ns);

	dt_read_cells(e, dr->na, child);
	dt_read_cells(e + dr->na, dr->pna, parent);
	dt_read_cells(e + dr->na + dr->pna, dr->ns, size);
}

/*
 * Translate [*addr, *addr + *size) from the child space of @bus's parent
 * up to the root through every dma-ranges on the way (of_translate_dma_
 * address(): absent or empty is 1:1). *size is clipped to the part an
 * upper window covers. Return: 0, -ERANGE with *@where the bus whose
 * windows miss the address, or a reported -EINVAL/-EOPNOTSUPP.
 */
static int translate_up(struct dma_parse *p, int bus, u64 *addr, u64 *size,
			int *where)
{
	struct dma_ranges dr;
	u64 cb = 0, pb = 0, s = 0, off;
	int cur, steps, ret, i;

	cur = fdt_parent_offset(p->fdt, bus);
	for (steps = 0; cur > 0; steps++) {
		if (steps >= DT_MAX_DEPTH) {
			report(p, bus, "tree deeper than %d levels", DT_MAX_DEPTH);
			return -EINVAL;
		}
		ret = read_dma_ranges(p, cur, &dr);
		if (ret < 0)
			return ret;
		if (ret == 0) {
			for (i = 0; i < dr.n; i++) {
				dma_range_entry(&dr, i, &cb, &pb, &s);
				/*
				 * An entry dma_get_ranges() drops (empty, or a side
				 * that wraps past 2^64) covers nothing on the way up
				 * either: through a wrapping parent side, the
				 * translated window would wrap.
				 */
				if (!s || cb + (s - 1) < cb || pb + (s - 1) < pb)
					continue;
				if (*addr >= cb && *addr - cb <= s - 1)
					break;
			}
			if (i == dr.n) {
				*where = cur;
				return -ERANGE;
			}
			off = *addr - cb;
			if (*size - 1 > s - 1 - off)
				*size = s - off;
			if (pb + off < pb) {
				*where = cur;
				return -ERANGE;
			}
			*addr = pb + off;
		}
		cur = fdt_parent_offset(p->fdt, cur);
	}
	return 0;
}

/* of_dma_get_range(): the windows of the nearest non-empty dma-ranges. */
static void dma_get_ranges(struct dma_parse *p, int node,
			   struct dt_dma_info *info)
{
	char other[MEMMAP_PATH_MAX];
	struct dma_ranges dr;
	struct dt_dma_range *r;
	u64 cb, pb, s;
	int bus, steps, ret, i, where = 0;

	bus = fdt_parent_offset(p->fdt, node);
	for (steps = 0;; steps++) {
		if (bus <= 0 || steps >= DT_MAX_DEPTH)
			return; /* reached the root: no map, no limit */
		ret = read_dma_ranges(p, bus, &dr);
		if (ret < 0)
			return;
		if (ret == 0)
			break;
		bus = fdt_parent_offset(p->fdt, bus);
	}

	if (dr.n > DT_DMA_MAX_RANGES)
		report(p, bus, "%d dma-ranges entries, more than %d; the rest ignored",
		       dr.n, DT_DMA_MAX_RANGES);
	for (i = 0; i < dr.n && i < DT_DMA_MAX_RANGES; i++) {
		dma_range_entry(&dr, i, &cb, &pb, &s);
		if (!s) {
			report(p, bus, "dma-ranges entry %d has zero size; dropped", i);
			continue;
		}
		if (cb + (s - 1) < cb || pb + (s - 1) < pb) {
			report(p, bus, "dma-ranges entry %d wraps past 2^64; dropped", i);
			continue;
		}
		ret = translate_up(p, bus, &pb, &s, &where);
		if (ret == -ERANGE) {
			dt_path(p->fdt, where, other, sizeof(other));
			report(p, bus,
			       "dma-ranges entry %d: CPU side is outside the dma-ranges of %s; dropped",
			       i, other);
			continue;
		}
		if (ret) {
			info->nr_ranges = 0;
			return;
		}
		r = &info->range[info->nr_ranges++];
		r->dma_start = cb;
		r->cpu_start = pb;
		r->size = s;
	}

	/* dma_range_map_max() */
	if (info->nr_ranges) {
		info->bus_dma_limit = 0;
		for (i = 0; i < info->nr_ranges; i++) {
			u64 end = memmap_range_end(info->range[i].dma_start,
					    info->range[i].size);

			if (end > info->bus_dma_limit)
				info->bus_dma_limit = end;
		}
	}
}

/* Why a memory-region phandle did not resolve to a kept region. */
static void report_region(struct dma_parse *p, int node, int i, u32 ph)
{
	char other[MEMMAP_PATH_MAX];
	int target, parent, rm;

	target = (ph == 0 || ph == ~0U) ? -FDT_ERR_BADPHANDLE :
					  fdt_node_offset_by_phandle(p->fdt, ph);
	if (target < 0) {
		report(p, node, "memory-region[%d]: phandle 0x%x names no node", i, ph);
		return;
	}
	dt_path(p->fdt, target, other, sizeof(other));
	parent = fdt_parent_offset(p->fdt, target);
	rm = fdt_subnode_offset(p->fdt, 0, "reserved-memory");
	if (rm < 0 || parent != rm)
		report(p, node, "memory-region[%d]: %s is not a /reserved-memory region",
		       i, other);
	else if (!dt_is_available(p->fdt, target))
		report(p, node, "memory-region[%d]: %s is disabled", i, other);
	else
		report(p, node, "memory-region[%d]: %s was dropped as invalid", i,
		       other);
}

static void dma_memory_regions(struct dma_parse *p, int node,
			       const struct memmap *mm, struct dt_dma_info *info)
{
	const fdt32_t *ph;
	const char *name;
	int len, n, names, i, l;

	ph = fdt_getprop(p->fdt, node, "memory-region", &len);
	if (!ph)
		return;
	if (len == 0 || len % CELL) {
		report(p, node, "memory-region is not a non-empty list of phandles");
		return;
	}
	n = len / CELL;
	if (n > DT_DMA_MAX_REGIONS)
		report(p, node, "memory-region has %d entries, more than %d; the rest ignored",
		       n, DT_DMA_MAX_REGIONS);

	names = fdt_stringlist_count(p->fdt, node, "memory-region-names");
	if (names == -FDT_ERR_NOTFOUND)
		names = 0;
	else if (names < 0)
		report(p, node, "memory-region-names is not a list of strings");
	else if (names != n)
		report(p, node,
		       "memory-region-names has %d names for %d memory-region entries",
		       names, n);

	for (i = 0; i < n && i < DT_DMA_MAX_REGIONS; i++) {
		struct dt_dma_region *r = &info->region[info->nr_regions++];
		u32 v = fdt32_ld(ph + i);

		r->rmem = memmap_rmem_index_by_phandle(mm, v);
		if (r->rmem < 0) {
			r->rmem = -1;
			report_region(p, node, i, v);
		} else if (info->restricted < 0 &&
			   (mm->rmem[r->rmem].flags & RMEM_RESTRICTED_DMA_POOL)) {
			info->restricted = i;
		}
		if (i < names) {
			name = fdt_stringlist_get(p->fdt, node, "memory-region-names",
						  i, &l);
			if (name && l > 0) {
				if (l > DT_DMA_NAME_MAX - 1)
					l = DT_DMA_NAME_MAX - 1;
				memcpy(r->name, name, (size_t)l);
			}
		}
	}
}

int dt_dma_configure(const void *fdt, int node, const struct memmap *mm,
		     struct dt_dma_info *info, memmap_report_fn report_fn,
		     void *ctx)
{
	struct dma_parse p = {
		.fdt = fdt,
		.report = report_fn,
		.ctx = ctx,
	};

	memset(info, 0, sizeof(*info));
	info->bus_dma_limit = DT_DMA_NO_LIMIT;
	info->dma_mask = DT_DMA_DEFAULT_MASK;
	info->coherent_dma_mask = DT_DMA_DEFAULT_MASK;
	info->restricted = -1;

	if (node < 0 || fdt_get_name(fdt, node, NULL) == NULL) {
		p.errors++;
		if (report_fn)
			report_fn(ctx, "", "dt_dma_configure: not a node offset");
		return p.errors;
	}

	info->coherent = dma_is_coherent(fdt, node);
	dma_get_ranges(&p, node, info);
	if (mm)
		dma_memory_regions(&p, node, mm, info);
	return p.errors;
}

/*
 * [@addr, @addr + @size) through the window that holds all of it, from the
 * CPU side to the device side (@to_dma) or back. Shared by both directions
 * of include/mm/dt_dma.h's contract.
 */
static int translate(const struct dt_dma_info *info, u64 addr, u64 size, bool to_dma, u64 *out)
{
	const struct dt_dma_range *r;
	u64 from, to;
	int i;

	if (!size)
		size = 1;
	if (addr + (size - 1) < addr)
		return -ERANGE;
	if (!info->nr_ranges) {
		*out = addr;
		return 0;
	}
	for (i = 0; i < info->nr_ranges; i++) {
		r = &info->range[i];
		from = to_dma ? r->cpu_start : r->dma_start;
		to = to_dma ? r->dma_start : r->cpu_start;
		if (addr >= from && addr - from <= r->size - 1 &&
		    size - 1 <= r->size - 1 - (addr - from)) {
			*out = to + (addr - from);
			return 0;
		}
	}
	return -ERANGE;
}

int dt_dma_phys_to_dma(const struct dt_dma_info *info, phys_addr_t pa,
		       u64 size, dma_addr_t *dma)
{
	return translate(info, pa, size, true, dma);
}

int dt_dma_dma_to_phys(const struct dt_dma_info *info, dma_addr_t dma,
		       u64 size, phys_addr_t *pa)
{
	return translate(info, dma, size, false, pa);
}
