/*
 * Interrupt specifiers from the DT: the node's interrupt parent, its cells,
 * and their meaning for a GIC. Contracts in include/drivers/irq.h and
 * irq_dt.h. No hardware access: built for the host tests as well.
 *
 * The DTB is untrusted: every length is checked, cells are read with
 * fdt32_ld() and walks up the tree stop after DT_MAX_DEPTH steps (an
 * interrupt-parent chain can loop).
 */
#include <console.h>
#include <dt.h>
#include <errno.h>
#include <libfdt.h>

#include "irq_dt.h"

#define IRQ_DT_MAX_CELLS 4 /* struct irq_dt_spec.cells */
#define CELL ((int)sizeof(fdt32_t))

static const char *const gic_v3_compat[] = { "arm,gic-v3", NULL };
static const char *const gic_v2_compat[] = { "arm,cortex-a15-gic", "arm,gic-400",
					     "arm,cortex-a9-gic", "arm,cortex-a7-gic", NULL };
static const char *const gic_any_compat[] = { "arm,gic-v3", "arm,cortex-a15-gic",
					      "arm,gic-400", "arm,cortex-a9-gic",
					      "arm,cortex-a7-gic", NULL };

static bool compatible_any(const void *fdt, int node, const char *const *list)
{
	for (; *list; list++)
		if (dt_is_compatible(fdt, node, *list))
			return true;
	return false;
}

static enum gic_version gic_version_of(const void *fdt, int node)
{
	if (!dt_is_available(fdt, node) || !fdt_getprop(fdt, node, "interrupt-controller", NULL))
		return GIC_NONE;
	if (compatible_any(fdt, node, gic_v3_compat))
		return GIC_V3;
	if (compatible_any(fdt, node, gic_v2_compat))
		return GIC_V2;
	return GIC_NONE;
}

int irq_dt_find_gic(const void *fdt, int *node, enum gic_version *ver)
{
	const fdt32_t *p;
	enum gic_version v;
	int len, n;

	p = fdt_getprop(fdt, 0, "interrupt-parent", &len);
	if (p && len == CELL) {
		n = fdt_node_offset_by_phandle(fdt, fdt32_ld(p));
		if (n >= 0 && (v = gic_version_of(fdt, n)) != GIC_NONE) {
			*node = n;
			*ver = v;
			return 0;
		}
	}
	for (n = dt_find_compatible(fdt, -1, gic_any_compat); n >= 0;
	     n = dt_find_compatible(fdt, n, gic_any_compat)) {
		v = gic_version_of(fdt, n);
		if (v != GIC_NONE) {
			*node = n;
			*ver = v;
			return 0;
		}
	}
	return -ENODEV;
}

/* The node a one-cell phandle names, or -EINVAL (0 and ~0 are never phandles). */
static int phandle_node(const void *fdt, const fdt32_t *p)
{
	u32 ph = fdt32_ld(p);
	int n;

	if (ph == 0 || ph == ~0U)
		return -EINVAL;
	n = fdt_node_offset_by_phandle(fdt, ph);
	return n < 0 ? -EINVAL : n;
}

/* @ctrl's #interrupt-cells: 1..IRQ_DT_MAX_CELLS, else -EINVAL with *why. */
static int interrupt_cells(const void *fdt, int ctrl, unsigned int *ncells, const char **why)
{
	const fdt32_t *p;
	int len;
	u32 v;

	p = fdt_getprop(fdt, ctrl, "#interrupt-cells", &len);
	if (!p) {
		*why = "interrupt controller has no #interrupt-cells";
		return -EINVAL;
	}
	if (len != CELL) {
		*why = "interrupt controller's #interrupt-cells is not one cell";
		return -EINVAL;
	}
	v = fdt32_ld(p);
	if (v < 1 || v > IRQ_DT_MAX_CELLS) {
		*why = "interrupt controller's #interrupt-cells is not 1..4";
		return -EINVAL;
	}
	*ncells = v;
	return 0;
}

/*
 * @node's interrupt parent (Devicetree spec v0.4, 2.4.1): its
 * interrupt-parent, else its tree parent, repeated until a node that has
 * #interrupt-cells. *bad is the node at fault on error.
 */
static int interrupt_parent(const void *fdt, int node, int *ctrl, int *bad, const char **why)
{
	const fdt32_t *p;
	int cur = node, next, len, steps;

	for (steps = 0; steps < DT_MAX_DEPTH; steps++) {
		*bad = cur;
		p = fdt_getprop(fdt, cur, "interrupt-parent", &len);
		if (p) {
			if (len != CELL) {
				*why = "interrupt-parent is not one cell";
				return -EINVAL;
			}
			next = phandle_node(fdt, p);
			if (next < 0) {
				*why = "interrupt-parent names no node";
				return -EINVAL;
			}
		} else {
			if (cur == 0) {
				*why = "no interrupt-parent up to the root";
				return -EINVAL;
			}
			next = fdt_parent_offset(fdt, cur);
			if (next < 0) {
				*why = "cannot find the parent node";
				return -EINVAL;
			}
		}
		if (fdt_getprop(fdt, next, "#interrupt-cells", NULL)) {
			if (fdt_getprop(fdt, next, "interrupt-map", NULL)) {
				*bad = next;
				*why = "interrupt parent is an interrupt-map nexus (not supported)";
				return -EOPNOTSUPP;
			}
			*ctrl = next;
			return 0;
		}
		cur = next;
	}
	*why = "interrupt-parent chain deeper than DT_MAX_DEPTH (a loop?)";
	return -EINVAL;
}

static void fill(struct irq_dt_spec *out, int ctrl, unsigned int ncells, const fdt32_t *cells)
{
	unsigned int i;

	*out = (struct irq_dt_spec){ .ctrl = ctrl, .ncells = ncells };
	for (i = 0; i < ncells; i++)
		out->cells[i] = fdt32_ld(cells + i);
}

/* interrupts-extended: <&ctrl cells...>*, each entry sized by its controller. */
static int get_extended(const void *fdt, const fdt32_t *p, int len, unsigned int index,
			struct irq_dt_spec *out, int *bad, const char **why)
{
	unsigned int n = (unsigned int)len / CELL, i = 0, entry = 0, ncells;
	int ctrl, ret;

	if (len % CELL || len == 0) {
		*why = "interrupts-extended is not a whole number of cells";
		return -EINVAL;
	}
	while (i < n) {
		ctrl = phandle_node(fdt, p + i);
		if (ctrl < 0) {
			*why = "interrupts-extended names a phandle that is no node";
			return -EINVAL;
		}
		ret = interrupt_cells(fdt, ctrl, &ncells, why);
		if (ret) {
			*bad = ctrl;
			return ret;
		}
		if (n - i - 1 < ncells) {
			*why = "interrupts-extended ends inside an entry";
			return -EINVAL;
		}
		if (entry == index) {
			fill(out, ctrl, ncells, p + i + 1);
			return 0;
		}
		i += 1 + ncells;
		entry++;
	}
	return -ENOENT;
}

int irq_dt_get(const void *fdt, int node, unsigned int index, struct irq_dt_spec *out)
{
	const char *why = NULL;
	const fdt32_t *p;
	unsigned int ncells;
	int len, ctrl, bad = node, ret;
	char path[128];

	p = fdt_getprop(fdt, node, "interrupts-extended", &len);
	if (p) {
		ret = get_extended(fdt, p, len, index, out, &bad, &why);
	} else {
		p = fdt_getprop(fdt, node, "interrupts", &len);
		if (!p)
			return -ENOENT;
		ret = interrupt_parent(fdt, node, &ctrl, &bad, &why);
		if (!ret) {
			ret = interrupt_cells(fdt, ctrl, &ncells, &why);
			bad = ctrl;
		}
		if (!ret) {
			bad = node;
			if (len == 0 || len % (CELL * (int)ncells)) {
				why = "interrupts is not a whole number of specifiers";
				ret = -EINVAL;
			} else if (index >= (unsigned int)len / (CELL * ncells)) {
				ret = -ENOENT;
			} else {
				fill(out, ctrl, ncells, p + index * ncells);
			}
		}
	}
	if (ret && ret != -ENOENT) {
		dt_path(fdt, bad, path, sizeof(path));
		pr_err("irq: %s: %s\n", path, why);
	}
	return ret;
}

static int bad_spec(const void *fdt, int gic_node, const struct irq_dt_spec *dt, int err,
		    const char *why)
{
	char path[128];

	dt_path(fdt, gic_node, path, sizeof(path));
	pr_err("irq: %s: interrupt <0x%x 0x%x 0x%x>: %s\n", path, dt->cells[0], dt->cells[1],
	       dt->cells[2], why);
	return err;
}

int irq_dt_translate_gic(const void *fdt, int gic_node, u32 nr_intids,
			 const struct irq_dt_spec *dt, struct irq_spec *out)
{
	u32 type, num, flags, trigger, intid;
	char path[128], gic[128];

	if (dt->ctrl != gic_node) {
		dt_path(fdt, dt->ctrl, path, sizeof(path));
		dt_path(fdt, gic_node, gic, sizeof(gic));
		pr_err("irq: interrupt of controller %s, not of the GIC %s\n", path, gic);
		return -EINVAL;
	}
	if (dt->ncells < 3 || dt->ncells > 4) {
		dt_path(fdt, gic_node, gic, sizeof(gic));
		pr_err("irq: %s: %u interrupt cells; the GIC binding has 3 (or 4)\n", gic,
		       dt->ncells);
		return -EINVAL;
	}
	if (dt->ncells == 4 && dt->cells[3])
		return bad_spec(fdt, gic_node, dt, -EOPNOTSUPP, "PPI partitions are not supported");

	type = dt->cells[0];
	num = dt->cells[1];
	flags = dt->cells[2];
	switch (type) {
	case GIC_DT_SPI:
		if (num > IRQ_SPI_LAST - IRQ_SPI_BASE)
			return bad_spec(fdt, gic_node, dt, -EINVAL, "SPI number above 987");
		intid = IRQ_SPI_BASE + num;
		if (nr_intids && intid >= nr_intids)
			return bad_spec(fdt, gic_node, dt, -EINVAL,
					"SPI beyond those the distributor implements (GICD_TYPER)");
		break;
	case GIC_DT_PPI:
		if (num >= IRQ_NR_PPIS)
			return bad_spec(fdt, gic_node, dt, -EINVAL, "PPI number above 15");
		intid = IRQ_PPI_BASE + num;
		break;
	case GIC_DT_ESPI:
	case GIC_DT_EPPI:
		return bad_spec(fdt, gic_node, dt, -EOPNOTSUPP,
				"extended SPI/PPI ranges are not supported");
	default:
		return bad_spec(fdt, gic_node, dt, -EINVAL, "type is neither 0 (SPI) nor 1 (PPI)");
	}

	if (flags & ~(GIC_DT_FLAGS_TRIGGER | GIC_DT_FLAGS_PPI_MASK))
		return bad_spec(fdt, gic_node, dt, -EINVAL, "flags has bits outside [15:8] and [3:0]");
	trigger = FIELD_GET(GIC_DT_FLAGS_TRIGGER, flags);
	switch (trigger) {
	case IRQ_TYPE_EDGE_RISING:
	case IRQ_TYPE_LEVEL_HIGH:
		break;
	case IRQ_TYPE_EDGE_FALLING:
	case IRQ_TYPE_LEVEL_LOW:
		/*
		 * The binding allows inverted lines only for PPIs; the GIC itself
		 * senses rising edges and high levels, the inversion is in the wiring.
		 */
		if (type != GIC_DT_PPI)
			return bad_spec(fdt, gic_node, dt, -EINVAL,
					"falling-edge / active-low trigger on an SPI");
		trigger = trigger == IRQ_TYPE_EDGE_FALLING ? IRQ_TYPE_EDGE_RISING :
							     IRQ_TYPE_LEVEL_HIGH;
		break;
	default:
		return bad_spec(fdt, gic_node, dt, -EINVAL,
				"trigger is not one of edge (1, 2) or level (4, 8)");
	}
	out->intid = intid;
	out->type = trigger;
	return 0;
}
