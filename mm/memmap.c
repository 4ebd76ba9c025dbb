/*
 * Physical memory map from the device tree. Contracts, the order of work
 * and the choices made where Linux leaves room are in include/mm/memmap.h.
 *
 * The blob is untrusted: every property length is checked against the
 * root's cell counts before a cell is read, every loop is bounded by a
 * property length, a fixed capacity or the number of ranges already kept,
 * and no sum of base and size is formed without a wrap check (ranges are
 * handled as inclusive [base, end] pairs so that one ending at 2^64 - 1
 * needs no special case).
 */
#include <mm/memmap.h>

#include <bits.h>
#include <errno.h>
#include <fmt.h>
#include <libfdt.h>
#include <stdarg.h>
#include <string.h>

#define MEMMAP_MSG_MAX 192
#define CELL ((int)sizeof(fdt32_t))

/* Everything that may be in the way of a region: inclusive bounds. */
#define MEMMAP_MAX_BUSY (MEMMAP_MAX_EXCL + MEMMAP_MAX_RSV + MEMMAP_MAX_RMEM)

struct busy {
	u64 base, end;
};

struct parse {
	const void *fdt;
	const struct memmap_excl *excl;
	struct memmap *mm;
	memmap_report_fn report;
	void *ctx;
	int errors;
	int na, ns; /* root (= /reserved-memory) cell counts */
	bool dropped[MEMMAP_MAX_RMEM];
	int nbusy;
	struct busy busy[MEMMAP_MAX_BUSY];
};

void memmap_vreport(memmap_report_fn report, void *ctx, const void *fdt, int node,
		    const char *fmt, va_list ap)
{
	char path[MEMMAP_PATH_MAX];
	char msg[MEMMAP_MSG_MAX];

	if (!report)
		return;
	if (node < 0)
		path[0] = '\0';
	else
		dt_path(fdt, node, path, sizeof(path));
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	report(ctx, path, msg);
}

static void __printf(3, 4) report(struct parse *p, int node, const char *fmt, ...)
{
	va_list ap;

	p->errors++;
	va_start(ap, fmt);
	memmap_vreport(p->report, p->ctx, p->fdt, node, fmt, ap);
	va_end(ap);
}

static bool overlaps(u64 b1, u64 e1, u64 b2, u64 e2)
{
	return b1 <= e2 && b2 <= e1;
}

static bool is_pow2(u64 x)
{
	return x && !(x & (x - 1));
}

static bool has_prop(const void *fdt, int node, const char *name)
{
	return fdt_getprop(fdt, node, name, NULL) != NULL;
}

/* ---- RAM and /memreserve/ ---------------------------------------------- */

static void parse_ram(struct parse *p)
{
	struct memmap *mm = p->mm;
	int count, bad = 0, ret;

	ret = dt_memory(p->fdt, mm->ram, MEMMAP_MAX_RAM, &count, &bad);
	switch (ret) {
	case 0:
		mm->nr_ram = count;
		break;
	case -ENOSPC:
		mm->nr_ram = MEMMAP_MAX_RAM;
		report(p, -1, "%d RAM banks, more than %d; only the lowest %d are used",
		       count, MEMMAP_MAX_RAM, MEMMAP_MAX_RAM);
		break;
	case -ENOENT:
		report(p, -1, "no RAM: no available /memory node with a non-empty reg");
		break;
	default:
		report(p, bad, "malformed memory reg or cell counts; no RAM used");
		break;
	}
}

static void parse_memreserve(struct parse *p)
{
	struct memmap *mm = p->mm;
	struct rmem *r;
	u64 base, size;
	int n, i;

	n = fdt_num_mem_rsv(p->fdt);
	if (n < 0) {
		report(p, -1, "/memreserve/ block is truncated; ignored");
		return;
	}
	for (i = 0; i < n; i++) {
		if (fdt_get_mem_rsv(p->fdt, i, &base, &size) || !size)
			continue;
		if (base + (size - 1) < base) {
			report(p, -1,
			       "/memreserve/ entry %d (0x%llx, size 0x%llx) wraps past 2^64; ignored",
			       i, (unsigned long long)base,
			       (unsigned long long)size);
			continue;
		}
		if (mm->nr_rsv == MEMMAP_MAX_RSV) {
			report(p, -1,
			       "more than %d /memreserve/ entries; entry %d and later ignored",
			       MEMMAP_MAX_RSV, i);
			return;
		}
		r = &mm->rsv[mm->nr_rsv++];
		memset(r, 0, sizeof(*r));
		r->node = -1;
		r->base = base;
		r->size = size;
		r->kind = RMEM_MEMRESERVE;
	}
}

/* ---- one /reserved-memory child ---------------------------------------- */

/* Flags from properties and compatible; flag rules checked by caller. */
static u32 node_flags(const void *fdt, int node)
{
	u32 f = 0;

	if (has_prop(fdt, node, "no-map"))
		f |= RMEM_NO_MAP;
	if (has_prop(fdt, node, "reusable"))
		f |= RMEM_REUSABLE;
	if (dt_is_compatible(fdt, node, "shared-dma-pool"))
		f |= RMEM_SHARED_DMA_POOL;
	if (dt_is_compatible(fdt, node, "restricted-dma-pool"))
		f |= RMEM_RESTRICTED_DMA_POOL;
	if (has_prop(fdt, node, "linux,cma-default"))
		f |= RMEM_CMA_DEFAULT;
	if (has_prop(fdt, node, "linux,dma-default"))
		f |= RMEM_DMA_DEFAULT;
	return f;
}

/* The rules that depend on flags only. Return: false if reported. */
static bool check_flags(struct parse *p, int node, u32 f)
{
	if ((f & RMEM_NO_MAP) && (f & RMEM_REUSABLE)) {
		report(p, node, "no-map and reusable are mutually exclusive");
		return false;
	}
	if ((f & RMEM_RESTRICTED_DMA_POOL) &&
	    (f & (RMEM_REUSABLE | RMEM_NO_MAP | RMEM_CMA_DEFAULT |
		  RMEM_DMA_DEFAULT))) {
		report(p, node,
		       "restricted-dma-pool must not be reusable, no-map, linux,cma-default or linux,dma-default");
		return false;
	}
	if ((f & (RMEM_CMA_DEFAULT | RMEM_DMA_DEFAULT)) &&
	    !(f & RMEM_SHARED_DMA_POOL)) {
		report(p, node,
		       "linux,cma-default and linux,dma-default need compatible \"shared-dma-pool\"");
		return false;
	}
	if ((f & RMEM_CMA_DEFAULT) && !(f & RMEM_REUSABLE)) {
		report(p, node,
		       "linux,cma-default needs a reusable region (CMA), not no-map or plain");
		return false;
	}
	if ((f & RMEM_DMA_DEFAULT) && (f & RMEM_REUSABLE)) {
		report(p, node, "linux,dma-default must not be reusable");
		return false;
	}
	return true;
}

static bool is_cma(u32 f)
{
	return (f & RMEM_SHARED_DMA_POOL) && (f & RMEM_REUSABLE);
}

/* Append a region for @node; false (reported) when the table is full. */
static bool add_region(struct parse *p, int node, u32 flags,
		       enum rmem_kind kind, u64 base, u64 size, u64 align)
{
	struct memmap *mm = p->mm;
	struct rmem *r;
	const char *name;
	int len;

	if (mm->nr_rmem == MEMMAP_MAX_RMEM) {
		report(p, node, "more than %d reserved regions; dropped",
		       MEMMAP_MAX_RMEM);
		return false;
	}
	r = &mm->rmem[mm->nr_rmem];
	memset(r, 0, sizeof(*r));
	r->node = node;
	r->phandle = fdt_get_phandle(p->fdt, node);
	name = fdt_get_name(p->fdt, node, &len);
	if (name && len > 0) {
		if (len > RMEM_NAME_MAX - 1)
			len = RMEM_NAME_MAX - 1;
		memcpy(r->name, name, (size_t)len);
	}
	r->base = base;
	r->size = size;
	r->align = align;
	r->flags = flags;
	r->kind = kind;
	p->dropped[mm->nr_rmem] = false;
	mm->nr_rmem++;
	return true;
}

/* Entries of (address, size) in @prop's @len bytes, or -1 (reported) if not a whole number. */
static int nr_entries(struct parse *p, int node, const char *prop, int len)
{
	int entry = (p->na + p->ns) * CELL;

	if (len == 0 || len % entry) {
		report(p, node,
		       "%s is not a non-empty multiple of %d cells (#address-cells + #size-cells)",
		       prop, p->na + p->ns);
		return -1;
	}
	return len / entry;
}

static void parse_static(struct parse *p, int node, u32 flags,
			 const fdt32_t *reg, int len)
{
	int n = nr_entries(p, node, "reg", len), i;
	u64 base, size;

	for (i = 0; i < n; i++, reg += p->na + p->ns) {
		dt_read_cells(reg, p->na, &base);
		dt_read_cells(reg + p->na, p->ns, &size);
		if (!size) {
			report(p, node, "reg entry %d has zero size; entry dropped", i);
			continue;
		}
		if (base + (size - 1) < base) {
			report(p, node, "reg entry %d wraps past 2^64; entry dropped", i);
			continue;
		}
		if (is_cma(flags) && !IS_ALIGNED(base | size, RMEM_CMA_ALIGN)) {
			report(p, node,
			       "reusable shared-dma-pool (CMA) base and size must be multiples of 0x%llx; entry %d dropped",
			       RMEM_CMA_ALIGN, i);
			continue;
		}
		if (!add_region(p, node, flags, RMEM_STATIC, base, size, 0))
			return;
	}
}

static void parse_dynamic(struct parse *p, int node, u32 flags)
{
	int len, n, i;
	const fdt32_t *prop;
	u64 size, align = RMEM_DEFAULT_ALIGN, a, s;

	prop = fdt_getprop(p->fdt, node, "size", &len);
	if (!prop) {
		report(p, node, "neither reg nor size");
		return;
	}
	if (len != p->ns * CELL) {
		report(p, node, "size must be exactly %d cells (#size-cells)", p->ns);
		return;
	}
	dt_read_cells(prop, p->ns, &size);
	if (!size) {
		report(p, node, "size is zero");
		return;
	}

	prop = fdt_getprop(p->fdt, node, "alignment", &len);
	if (prop) {
		if (len != p->na * CELL) {
			report(p, node,
			       "alignment must be exactly %d cells (#address-cells)",
			       p->na);
			return;
		}
		dt_read_cells(prop, p->na, &align);
		if (!is_pow2(align)) {
			report(p, node, "alignment 0x%llx is not a power of two",
			       (unsigned long long)align);
			return;
		}
	}

	prop = fdt_getprop(p->fdt, node, "alloc-ranges", &len);
	if (prop) {
		n = nr_entries(p, node, "alloc-ranges", len);
		if (n < 0)
			return;
		for (i = 0; i < n; i++, prop += p->na + p->ns) {
			dt_read_cells(prop, p->na, &a);
			dt_read_cells(prop + p->na, p->ns, &s);
			if (s && a + (s - 1) < a) {
				report(p, node,
				       "alloc-ranges entry %d wraps past 2^64", i);
				return;
			}
		}
	}

	if (is_cma(flags)) {
		/* CMA_MIN_ALIGNMENT_BYTES, kernel/dma/contiguous.c */
		if (align < RMEM_CMA_ALIGN)
			align = RMEM_CMA_ALIGN;
		if (!IS_ALIGNED(size, RMEM_CMA_ALIGN)) {
			report(p, node,
			       "reusable shared-dma-pool (CMA) size 0x%llx is not a multiple of 0x%llx",
			       (unsigned long long)size, RMEM_CMA_ALIGN);
			return;
		}
	}
	add_region(p, node, flags, RMEM_DYNAMIC, 0, size, align);
}

static void parse_child(struct parse *p, int node)
{
	const fdt32_t *reg;
	u32 flags;
	int len;

	flags = node_flags(p->fdt, node);
	if (!check_flags(p, node, flags))
		return;
	reg = fdt_getprop(p->fdt, node, "reg", &len);
	if (reg)
		parse_static(p, node, flags, reg, len);
	else
		parse_dynamic(p, node, flags);
}

/* Exactly one cell equal to @want. */
static bool cells_match(const void *fdt, int node, const char *name, int want)
{
	const fdt32_t *v;
	int len;

	v = fdt_getprop(fdt, node, name, &len);
	return v && len == CELL && fdt32_ld(v) == (u32)want;
}

/* Return: the /reserved-memory node if present and usable, else < 0. */
static int reserved_memory_node(struct parse *p)
{
	int rm;

	rm = fdt_subnode_offset(p->fdt, 0, "reserved-memory");
	if (rm < 0)
		return rm;
	/* __reserved_mem_check_root(): both present and equal to the root's */
	if (!cells_match(p->fdt, rm, "#address-cells", p->na) ||
	    !cells_match(p->fdt, rm, "#size-cells", p->ns)) {
		report(p, rm,
		       "#address-cells/#size-cells must be present and equal the root's (%d/%d); node ignored",
		       p->na, p->ns);
		return -EINVAL;
	}
	if (!has_prop(p->fdt, rm, "ranges")) {
		report(p, rm, "no ranges property; node ignored");
		return -EINVAL;
	}
	return rm;
}

/* ---- placement ---------------------------------------------------------- */

static void busy_add(struct parse *p, u64 base, u64 size)
{
	if (size && p->nbusy < MEMMAP_MAX_BUSY) {
		p->busy[p->nbusy].base = base;
		p->busy[p->nbusy].end = memmap_range_end(base, size);
		p->nbusy++;
	}
}

static bool in_one_bank(const struct memmap *mm, u64 base, u64 end)
{
	int i;

	for (i = 0; i < mm->nr_ram; i++)
		if (base >= mm->ram[i].base &&
		    end <= memmap_range_end(mm->ram[i].base, mm->ram[i].size))
			return true;
	return false;
}

/* Check a static region against everything kept before it. */
static bool check_static(struct parse *p, int idx)
{
	const struct memmap *mm = p->mm;
	const struct rmem *r = &mm->rmem[idx];
	char other[MEMMAP_PATH_MAX];
	u64 end = memmap_range_end(r->base, r->size), e;
	int i;

	if (!in_one_bank(mm, r->base, end)) {
		report(p, r->node, "[0x%llx-0x%llx] is not inside a RAM bank",
		       (unsigned long long)r->base, (unsigned long long)end);
		return false;
	}
	for (i = 0; p->excl && i < p->excl->count && i < MEMMAP_MAX_EXCL; i++) {
		const struct memmap_excl_range *x = &p->excl->range[i];

		if (!x->size)
			continue;
		e = memmap_range_end(x->base, x->size);
		if (overlaps(r->base, end, x->base, e)) {
			report(p, r->node, "overlaps the %s [0x%llx-0x%llx]",
			       x->what ? x->what : "firmware",
			       (unsigned long long)x->base,
			       (unsigned long long)e);
			return false;
		}
	}
	for (i = 0; i < mm->nr_rsv; i++) {
		e = memmap_range_end(mm->rsv[i].base, mm->rsv[i].size);
		if (overlaps(r->base, end, mm->rsv[i].base, e)) {
			report(p, r->node, "overlaps /memreserve/ [0x%llx-0x%llx]",
			       (unsigned long long)mm->rsv[i].base,
			       (unsigned long long)e);
			return false;
		}
	}
	for (i = 0; i < idx; i++) {
		const struct rmem *o = &mm->rmem[i];

		if (p->dropped[i] || o->kind != RMEM_STATIC)
			continue;
		if (overlaps(r->base, end, o->base, memmap_range_end(o->base, o->size))) {
			dt_path(p->fdt, o->node, other, sizeof(other));
			report(p, r->node, "overlaps %s; dropped (the first in DT order is kept)",
			       other);
			return false;
		}
	}
	return true;
}

/*
 * Highest @align-aligned base of a @size-byte block inside [lo, hi] that
 * misses every busy range: memblock's top-down search. Each step either
 * succeeds or moves the top below the lowest busy range in the way, which
 * can then never be in the way again, so it ends within nbusy + 1 steps.
 */
static bool place_in(const struct parse *p, u64 lo, u64 hi, u64 size,
		     u64 align, u64 *out)
{
	u64 top = hi, base, end, low;
	int step, i, hit;

	for (step = 0; step <= p->nbusy; step++) {
		if (top < lo || top - lo < size - 1)
			return false;
		base = ALIGN_DOWN(top - (size - 1), align);
		if (base < lo)
			return false;
		end = base + (size - 1);
		hit = -1;
		low = ~0ULL;
		for (i = 0; i < p->nbusy; i++) {
			if (overlaps(base, end, p->busy[i].base, p->busy[i].end) &&
			    p->busy[i].base <= low) {
				low = p->busy[i].base;
				hit = i;
			}
		}
		if (hit < 0) {
			*out = base;
			return true;
		}
		if (low == 0)
			return false;
		top = low - 1;
	}
	return false;
}

/* Top-down over the RAM banks that meet [lo, hi]. */
static bool place_window(const struct parse *p, u64 lo, u64 hi, u64 size,
			 u64 align, u64 *out)
{
	const struct memmap *mm = p->mm;
	u64 blo, bhi;
	int i;

	for (i = mm->nr_ram - 1; i >= 0; i--) {
		blo = mm->ram[i].base;
		bhi = memmap_range_end(blo, mm->ram[i].size);
		if (blo < lo)
			blo = lo;
		if (bhi > hi)
			bhi = hi;
		if (blo <= bhi && place_in(p, blo, bhi, size, align, out))
			return true;
	}
	return false;
}

static bool place_dynamic(struct parse *p, struct rmem *r)
{
	const fdt32_t *prop;
	int len, n, i, step = p->na + p->ns;
	u64 a, s;

	prop = fdt_getprop(p->fdt, r->node, "alloc-ranges", &len);
	if (!prop) {
		if (place_window(p, 0, ~0ULL, r->size, r->align, &r->base))
			return true;
		report(p, r->node,
		       "cannot place 0x%llx bytes aligned to 0x%llx in free RAM",
		       (unsigned long long)r->size, (unsigned long long)r->align);
		return false;
	}
	/* Lengths and wraps were checked by parse_dynamic(). */
	n = len / (step * CELL);
	for (i = 0; i < n; i++, prop += step) {
		dt_read_cells(prop, p->na, &a);
		dt_read_cells(prop + p->na, p->ns, &s);
		if (s && place_window(p, a, a + (s - 1), r->size, r->align,
				      &r->base))
			return true;
	}
	report(p, r->node,
	       "cannot place 0x%llx bytes aligned to 0x%llx in free RAM within alloc-ranges",
	       (unsigned long long)r->size, (unsigned long long)r->align);
	return false;
}

/* Keep the first kept region with @flag in DT order; drop later ones. */
static void check_default(struct parse *p, u32 flag, const char *prop)
{
	char first[MEMMAP_PATH_MAX];
	int i, keep = -1;

	for (i = 0; i < p->mm->nr_rmem; i++) {
		if (p->dropped[i] || !(p->mm->rmem[i].flags & flag))
			continue;
		if (keep < 0) {
			keep = i;
			continue;
		}
		/* A second `reg` entry of the same node is the same pool. */
		if (p->mm->rmem[i].node == p->mm->rmem[keep].node)
			continue;
		dt_path(p->fdt, p->mm->rmem[keep].node, first, sizeof(first));
		report(p, p->mm->rmem[i].node,
		       "second %s region (first is %s); dropped", prop, first);
		p->dropped[i] = true;
	}
}

int memmap_parse(const void *fdt, const struct memmap_excl *excl,
		 struct memmap *mm, memmap_report_fn report_fn, void *ctx)
{
	struct parse p;
	int rm, child, i, n;

	memset(&p, 0, sizeof(p));
	memset(mm, 0, sizeof(*mm));
	p.fdt = fdt;
	p.excl = excl;
	p.mm = mm;
	p.report = report_fn;
	p.ctx = ctx;

	if (excl && (excl->count < 0 || excl->count > MEMMAP_MAX_EXCL)) {
		report(&p, -1, "excl->count %d is outside 0..%d", excl->count,
		       MEMMAP_MAX_EXCL);
		return p.errors;
	}

	p.na = dt_addr_cells(fdt, 0);
	p.ns = dt_size_cells(fdt, 0);
	if (p.na < 1 || p.na > 2 || p.ns < 1 || p.ns > 2) {
		report(&p, 0,
		       "#address-cells/#size-cells must be 1 or 2 cells; memory map empty");
		return p.errors;
	}

	parse_ram(&p);
	parse_memreserve(&p);

	rm = reserved_memory_node(&p);
	if (rm >= 0) {
		fdt_for_each_subnode(child, fdt, rm) {
			if (dt_is_available(fdt, child))
				parse_child(&p, child);
		}
	}

	/* Static regions first, all of them... */
	for (i = 0; i < mm->nr_rmem; i++)
		if (mm->rmem[i].kind == RMEM_STATIC && !check_static(&p, i))
			p.dropped[i] = true;

	/* ...then dynamic ones around them, in DT order. */
	for (i = 0; excl && i < excl->count; i++)
		busy_add(&p, excl->range[i].base, excl->range[i].size);
	for (i = 0; i < mm->nr_rsv; i++)
		busy_add(&p, mm->rsv[i].base, mm->rsv[i].size);
	for (i = 0; i < mm->nr_rmem; i++)
		if (mm->rmem[i].kind == RMEM_STATIC && !p.dropped[i])
			busy_add(&p, mm->rmem[i].base, mm->rmem[i].size);
	for (i = 0; i < mm->nr_rmem; i++) {
		if (mm->rmem[i].kind != RMEM_DYNAMIC || p.dropped[i])
			continue;
		if (place_dynamic(&p, &mm->rmem[i]))
			busy_add(&p, mm->rmem[i].base, mm->rmem[i].size);
		else
			p.dropped[i] = true;
	}

	check_default(&p, RMEM_CMA_DEFAULT, "linux,cma-default");
	check_default(&p, RMEM_DMA_DEFAULT, "linux,dma-default");

	for (i = 0, n = 0; i < mm->nr_rmem; i++)
		if (!p.dropped[i])
			mm->rmem[n++] = mm->rmem[i];
	memset(&mm->rmem[n], 0, (size_t)(mm->nr_rmem - n) * sizeof(mm->rmem[0]));
	mm->nr_rmem = n;
	return p.errors;
}

/* ---- lookups ------------------------------------------------------------ */

int memmap_rmem_index_by_phandle(const struct memmap *mm, u32 phandle)
{
	int i;

	if (!phandle)
		return -ENOENT;
	for (i = 0; i < mm->nr_rmem; i++)
		if (mm->rmem[i].phandle == phandle)
			return i;
	return -ENOENT;
}

const struct rmem *memmap_rmem_by_phandle(const struct memmap *mm,
					  u32 phandle)
{
	int i = memmap_rmem_index_by_phandle(mm, phandle);

	return i < 0 ? NULL : &mm->rmem[i];
}

int memmap_rmem_index_by_node(const struct memmap *mm, int node)
{
	int i;

	for (i = 0; i < mm->nr_rmem; i++)
		if (mm->rmem[i].node == node)
			return i;
	return -ENOENT;
}

const struct rmem *memmap_rmem_at(const struct memmap *mm, int i)
{
	return i >= 0 && i < mm->nr_rmem ? &mm->rmem[i] : NULL;
}

const struct rmem *memmap_default_pool(const struct memmap *mm, u32 flag)
{
	int i;

	for (i = 0; i < mm->nr_rmem; i++)
		if (mm->rmem[i].flags & flag)
			return &mm->rmem[i];
	return NULL;
}
