/*
 * The interrupt controller, version-independent part: choose the GIC from
 * the DT, keep one handler per INTID, dispatch the IRQ exception.
 * Contracts in include/drivers/irq.h and gic.h; the GIC versions behind
 * struct gic_ops are in gicv3.c and gicv2.c.
 *
 * One CPU. The handler table is changed with IRQs masked, so irq_dispatch()
 * (which runs with IRQs masked, on this CPU) never sees half an entry.
 */
#include <arch/irq.h>
#include <arch/mmio.h>
#include <console.h>
#include <dt.h>
#include <errno.h>
#include <libfdt.h>
#include <mm/mmu.h>

#include "gic.h"
#include "gic_regs.h"
#include "irq_dt.h"

struct irq_desc {
	irq_handler_fn fn;
	void *ctx;
	const char *name;
	unsigned long count;
	unsigned long unhandled;
	bool reported;
};

static struct {
	const struct gic_ops *ops;
	const void *fdt;
	int node;
	u32 nr_intids;
	u32 current;
} gic = { .node = -1, .current = IRQ_INTID_NONE };

static struct irq_desc descs[IRQ_NR_INTIDS];

void gic_rmw32(uintptr_t addr, u32 clear, u32 set)
{
	mmio_write32(addr, (mmio_read32(addr) & ~clear) | set);
}

bool gic_read_bit(uintptr_t frame, u32 reg0, u32 intid)
{
	return mmio_read32(frame + reg0 + 4 * (intid / 32)) & BIT(intid % 32);
}

void gic_write_bit(uintptr_t frame, u32 reg0, u32 intid)
{
	mmio_write32(frame + reg0 + 4 * (intid / 32), BIT(intid % 32));
}

void gic_set_priority_trigger(uintptr_t frame, u32 intid, u32 type, u8 priority)
{
	unsigned int pshift = (intid % 4) * 8, cshift = (intid % 16) * GICD_ICFGR_FIELD_BITS;

	gic_rmw32(frame + GICD_IPRIORITYR(intid / 4), 0xffU << pshift, (u32)priority << pshift);
	/*
	 * SGIs are edge-only (GICv3: GICR_ICFGR0 is read-only); whether a
	 * PPI's field is writable is IMPLEMENTATION DEFINED.
	 */
	if (intid >= IRQ_PPI_BASE)
		gic_rmw32(frame + GICD_ICFGR(intid / 16), GICD_ICFGR_EDGE << cshift,
			  type == IRQ_TYPE_EDGE_RISING ? GICD_ICFGR_EDGE << cshift : 0);
}

u32 gic_read_trigger(uintptr_t frame, u32 intid)
{
	u32 cfg = mmio_read32(frame + GICD_ICFGR(intid / 16));

	return (cfg >> ((intid % 16) * GICD_ICFGR_FIELD_BITS)) & GICD_ICFGR_EDGE ?
		       IRQ_TYPE_EDGE_RISING :
		       IRQ_TYPE_LEVEL_HIGH;
}

int gic_map_reg(const void *fdt, int node, int index, u64 min, const char *what,
		phys_addr_t *pa, u64 *size)
{
	char path[128];
	int ret;

	ret = dt_reg_phys(fdt, node, index, pa, size);
	if (ret || *size < min) {
		dt_path(fdt, node, path, sizeof(path));
		pr_err("irq: %s: reg[%d] (%s) %s\n", path, index, what,
		       ret == -ENOENT ? "is missing" : ret ? "is malformed" : "is too small");
		return ret ? (ret == -ENOENT ? -EINVAL : ret) : -EINVAL;
	}
	ret = mmu_map(*pa, *size, MMU_DEVICE, what);
	if (ret) {
		dt_path(fdt, node, path, sizeof(path));
		pr_err("irq: %s: cannot map reg[%d] (%s) at 0x%llx: error %d\n", path, index, what,
		       (unsigned long long)*pa, ret);
	}
	return ret;
}

const struct gic_ops *gic_ops(void)
{
	return gic.ops;
}

u32 gic_nr_intids(void)
{
	return gic.nr_intids;
}

int gic_dt_node(void)
{
	return gic.node;
}

const void *gic_fdt(void)
{
	return gic.fdt;
}

int irq_init(const void *fdt)
{
	const struct gic_ops *ops;
	enum gic_version ver;
	u32 nr = 0;
	int node, ret;

	if (gic.ops)
		return -EBUSY;
	ret = irq_dt_find_gic(fdt, &node, &ver);
	if (ret) {
		pr_info("irq: no interrupt controller (GIC) in the DT; interrupts stay masked\n");
		return -ENODEV;
	}
	ops = ver == GIC_V3 ? &gicv3_ops : &gicv2_ops;
	ret = ops->probe(fdt, node, &nr);
	if (ret)
		return ret;
	gic.fdt = fdt;
	gic.node = node;
	gic.nr_intids = nr;
	gic.ops = ops;
	local_irq_enable();
	return 0;
}

const char *irq_controller_name(void)
{
	return gic.ops ? gic.ops->name : NULL;
}

int irq_translate(const struct irq_dt_spec *dt, struct irq_spec *out)
{
	if (!gic.ops)
		return -ENODEV;
	return irq_dt_translate_gic(gic.fdt, gic.node, gic.nr_intids, dt, out);
}

/* Whether @intid and @type can be configured; logs why not, naming @name. */
static int check_spec(u32 intid, u32 type, const char *name)
{
	if (intid >= gic.nr_intids) {
		pr_err("irq: %s: INTID %u is not implemented (distributor has %u INTIDs)\n", name,
		       intid, gic.nr_intids);
		return -EINVAL;
	}
	if (type != IRQ_TYPE_EDGE_RISING && type != IRQ_TYPE_LEVEL_HIGH) {
		pr_err("irq: %s: INTID %u: trigger %u is neither edge (1) nor level (4)\n", name,
		       intid, type);
		return -EINVAL;
	}
	if (intid < IRQ_PPI_BASE && type != IRQ_TYPE_EDGE_RISING) {
		pr_err("irq: %s: SGI %u cannot be level-triggered\n", name, intid);
		return -EINVAL;
	}
	return 0;
}

/* Configure and enable @intid with @fn (NULL: no handler). */
static int install(u32 intid, u32 type, irq_handler_fn fn, void *ctx, const char *name)
{
	struct irq_desc *d;
	unsigned long flags;
	int ret;

	if (!gic.ops)
		return -ENODEV;
	ret = check_spec(intid, type, name);
	if (ret)
		return ret;
	d = &descs[intid];
	flags = local_irq_save();
	if (d->fn) {
		local_irq_restore(flags);
		pr_err("irq: %s: INTID %u already has a handler (%s)\n", name, intid, d->name);
		return -EBUSY;
	}
	ret = gic.ops->configure(intid, type, IRQ_PRIORITY_DEFAULT);
	if (!ret) {
		d->fn = fn;
		d->ctx = ctx;
		d->name = name;
		d->reported = false;
		gic.ops->enable(intid);
	}
	local_irq_restore(flags);
	return ret;
}

int irq_request(const struct irq_spec *spec, irq_handler_fn fn, void *ctx, const char *name)
{
	if (!name)
		name = "(unnamed)";
	if (!spec || !fn) {
		pr_err("irq: %s: irq_request() without %s\n", name, spec ? "a handler" : "a spec");
		return -EINVAL;
	}
	return install(spec->intid, spec->type, fn, ctx, name);
}

bool gic_has_handler(u32 intid)
{
	return intid < IRQ_NR_INTIDS && descs[intid].fn;
}

int gic_enable_unhandled(u32 intid, u32 type)
{
	return install(intid, type, NULL, NULL, "unhandled-test");
}

void irq_release(u32 intid)
{
	unsigned long flags;

	if (!gic.ops || intid >= gic.nr_intids)
		return;
	flags = local_irq_save();
	gic.ops->disable(intid);
	descs[intid].fn = NULL;
	descs[intid].ctx = NULL;
	descs[intid].name = NULL;
	local_irq_restore(flags);
}

void irq_dispatch(void)
{
	struct irq_desc *d;
	u32 raw, intid, prev;

	intid = gic.ops->ack(&raw);
	if (intid >= IRQ_INTID_SPECIAL && intid <= IRQ_INTID_NONE) {
		/* Nothing was acknowledged, so nothing is ended (IHI 0069 2.2.1). */
		return;
	}
	if (intid >= gic.nr_intids) {
		/* An LPI or an INTID the distributor said it lacks: end it, say so. */
		pr_warn("irq: INTID %u acknowledged, outside the %u this firmware handles\n",
			intid, gic.nr_intids);
		gic.ops->end(raw);
		return;
	}
	d = &descs[intid];
	prev = gic.current;
	gic.current = intid;
	if (d->fn) {
		d->count++;
		d->fn(d->ctx);
	} else {
		/*
		 * Disabled before the end, so a level line cannot fire again. A
		 * GICv2 may keep SGIs permanently enabled; they are edge-only.
		 */
		d->unhandled++;
		gic.ops->disable(intid);
		if (!d->reported) {
			d->reported = true;
			pr_warn("irq: INTID %u has no handler; %s\n", intid,
				gic.ops->enabled(intid) ? "it cannot be disabled (SGI)" :
							  "disabled it");
		}
	}
	gic.current = prev;
	gic.ops->end(raw);
}

unsigned long irq_count(u32 intid)
{
	return intid < IRQ_NR_INTIDS ? descs[intid].count : 0;
}

unsigned long irq_unhandled_count(u32 intid)
{
	return intid < IRQ_NR_INTIDS ? descs[intid].unhandled : 0;
}

u32 irq_current_intid(void)
{
	return gic.current;
}

int irq_send_sgi_self(u32 intid)
{
	if (!gic.ops)
		return -ENODEV;
	if (intid >= IRQ_NR_SGIS)
		return -EINVAL;
	return gic.ops->send_sgi_self(intid);
}
