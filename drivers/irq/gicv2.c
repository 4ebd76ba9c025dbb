/*
 * GICv2 (GIC-400, Cortex-A15/A9/A7 GICs): distributor and the
 * memory-mapped CPU interface. Spec: Arm IHI 0048B; register names as in
 * gic_regs.h.
 *
 * DT node (arm,gic.yaml): reg = <GICD> <GICC> [<GICH> <GICV>]; the
 * virtualization ranges (present when QEMU runs with virtualization=on)
 * are not used.
 *
 * Groups. Without the Security Extensions (GICD_TYPER.SecurityExtn = 0,
 * e.g. QEMU virt without EL3) every interrupt is put in Group 0: GICC_IAR
 * acknowledges Group 0 (Group 1 only with GICC_CTLR.AckCtl, which is
 * deprecated), and with GICC_CTLR.FIQEn = 0 Group 0 is signalled as IRQ.
 * With the Security Extensions this firmware is Non-secure: GICD_IGROUPR
 * is RAZ/WI to it, the interrupts it can reach are Group 1, and the bit 0
 * it sets in GICD_CTLR and GICC_CTLR enables exactly that group (IHI
 * 0048B, GICD_CTLR and GICC_CTLR, Non-secure copies).
 */
#include <arch/mmio.h>
#include <console.h>
#include <dt.h>
#include <errno.h>

#include "gic.h"
#include "gic_regs.h"

#define GICV2_DIST_MIN_SIZE 0x1000

static struct {
	uintptr_t dist;
	uintptr_t cpu;
	u32 targets; /* this CPU's GICD_ITARGETSR byte in all four lanes; 0 if RAZ/WI */
	bool secext;
} v2;

static int v2_disable(u32 intid)
{
	gic_write_bit(v2.dist, GICD_ICENABLER(0), intid);
	return 0;
}

static void v2_enable(u32 intid)
{
	gic_write_bit(v2.dist, GICD_ISENABLER(0), intid);
}

static int v2_configure(u32 intid, u32 type, u8 priority)
{
	unsigned int shift = (intid % 4) * 8;

	/* Changing the trigger of an enabled interrupt is UNPREDICTABLE (GICD_ICFGR). */
	v2_disable(intid);
	if (!v2.secext)
		gic_rmw32(v2.dist + GICD_IGROUPR(intid / 32), BIT(intid % 32), 0);
	gic_set_priority_trigger(v2.dist, intid, type, priority);
	if (intid >= IRQ_SPI_BASE)
		gic_rmw32(v2.dist + GICD_ITARGETSR(intid / 4), 0xffU << shift,
			  v2.targets & (0xffU << shift));
	return 0;
}

static u32 v2_ack(u32 *raw)
{
	*raw = mmio_read32(v2.cpu + GICC_IAR);
	return FIELD_GET(GICC_IAR_INTID, *raw);
}

static void v2_end(u32 raw)
{
	/* The whole GICC_IAR value: for an SGI, CPUID names the source. */
	mmio_write32(v2.cpu + GICC_EOIR, raw);
}

static int v2_send_sgi_self(u32 intid)
{
	/* mmio_write32's barrier orders earlier memory writes before the SGI. */
	mmio_write32(v2.dist + GICD_SGIR,
		     FIELD_PREP(GICD_SGIR_TARGETLISTFILTER, GICD_SGIR_TARGET_SELF) |
			     FIELD_PREP(GICD_SGIR_SGIINTID, intid));
	return 0;
}

static u32 v2_trigger(u32 intid)
{
	return gic_read_trigger(v2.dist, intid);
}

static bool v2_enabled(u32 intid)
{
	return gic_read_bit(v2.dist, GICD_ISENABLER(0), intid);
}

static bool v2_pending(u32 intid)
{
	return gic_read_bit(v2.dist, GICD_ISPENDR(0), intid);
}

static void v2_set_pending(u32 intid)
{
	gic_write_bit(v2.dist, GICD_ISPENDR(0), intid);
}

static void v2_clear_pending(u32 intid)
{
	/* An SGI is pending per source CPU: GICD_CPENDSGIR, one byte per SGI. */
	if (intid < IRQ_PPI_BASE)
		mmio_write32(v2.dist + GICD_CPENDSGIR(intid / 4), 0xffU << ((intid % 4) * 8));
	else
		gic_write_bit(v2.dist, GICD_ICPENDR(0), intid);
}

/*
 * This CPU's bit in GICD_ITARGETSR: GICD_ITARGETSR0..7 (INTIDs 0..31) are
 * read-only and banked, each byte reading as the reading CPU's mask. A
 * uniprocessor GIC makes them RAZ/WI: 0, and then no routing is needed.
 */
static u32 cpu_target_byte(void)
{
	u32 i, m;

	for (i = 0; i < IRQ_SPI_BASE / 4; i++) {
		m = mmio_read32(v2.dist + GICD_ITARGETSR(i));
		m |= m >> 16;
		m |= m >> 8;
		m &= 0xff;
		if (m)
			return m;
	}
	return 0;
}

static int gicv2_probe(const void *fdt, int node, u32 *nr_intids)
{
	u32 i, nr, typer, ctlr, prio4 = GIC_BYTE_LANES(IRQ_PRIORITY_DEFAULT);
	phys_addr_t dist_pa, cpu_pa;
	u64 size;
	int ret;

	ret = gic_map_reg(fdt, node, 0, GICV2_DIST_MIN_SIZE, "gicv2-distributor", &dist_pa,
			  &size);
	if (!ret)
		ret = gic_map_reg(fdt, node, 1, GICC_MIN_SIZE, "gicv2-cpu-interface", &cpu_pa,
				  &size);
	if (ret)
		return ret;
	v2.dist = (uintptr_t)dist_pa;
	v2.cpu = (uintptr_t)cpu_pa;

	/* Distributor off while it is reconfigured. */
	mmio_write32(v2.dist + GICD_CTLR, 0);
	typer = mmio_read32(v2.dist + GICD_TYPER);
	v2.secext = typer & GICD_TYPER_SECURITYEXTN;
	nr = 32 * (FIELD_GET(GICD_TYPER_ITLINESNUMBER, typer) + 1);
	if (nr > IRQ_NR_INTIDS)
		nr = IRQ_NR_INTIDS;
	v2.targets = GIC_BYTE_LANES(cpu_target_byte());

	/* INTIDs 0..31: this CPU's banked copies. */
	mmio_write32(v2.dist + GICD_ICENABLER(0), ~0U);
	mmio_write32(v2.dist + GICD_ICACTIVER(0), ~0U);
	mmio_write32(v2.dist + GICD_ICPENDR(0), ~0U);
	for (i = 0; i < IRQ_PPI_BASE / 4; i++)
		mmio_write32(v2.dist + GICD_CPENDSGIR(i), ~0U);
	for (i = 0; i < IRQ_SPI_BASE; i += 4)
		mmio_write32(v2.dist + GICD_IPRIORITYR(i / 4), prio4);
	if (!v2.secext)
		mmio_write32(v2.dist + GICD_IGROUPR(0), 0);

	for (i = IRQ_SPI_BASE; i < nr; i += 32) {
		mmio_write32(v2.dist + GICD_ICENABLER(i / 32), ~0U);
		mmio_write32(v2.dist + GICD_ICACTIVER(i / 32), ~0U);
		mmio_write32(v2.dist + GICD_ICPENDR(i / 32), ~0U);
		if (!v2.secext)
			mmio_write32(v2.dist + GICD_IGROUPR(i / 32), 0);
	}
	for (i = IRQ_SPI_BASE; i < nr; i += 16)
		mmio_write32(v2.dist + GICD_ICFGR(i / 16), 0);
	for (i = IRQ_SPI_BASE; i < nr; i += 4) {
		mmio_write32(v2.dist + GICD_IPRIORITYR(i / 4), prio4);
		mmio_write32(v2.dist + GICD_ITARGETSR(i / 4), v2.targets);
	}
	mmio_write32(v2.dist + GICD_CTLR, GICD_CTLR_V2_ENABLE);

	/* CPU interface: every priority passes, no preemption, EOImode 0, IRQ not FIQ. */
	mmio_write32(v2.cpu + GICC_PMR, GICC_PMR_ALLOW_ALL);
	mmio_write32(v2.cpu + GICC_BPR, 0);
	ctlr = mmio_read32(v2.cpu + GICC_CTLR);
	ctlr &= ~(GICC_CTLR_ACKCTL | GICC_CTLR_FIQEN | GICC_CTLR_EOIMODES | GICC_CTLR_EOIMODENS);
	mmio_write32(v2.cpu + GICC_CTLR, ctlr | GICC_CTLR_ENABLE);

	*nr_intids = nr;
	pr_info("irq: GICv2 at 0x%08llx, cpu interface 0x%08llx, %u SPIs\n",
		(unsigned long long)dist_pa, (unsigned long long)cpu_pa, nr - IRQ_SPI_BASE);
	return 0;
}

const struct gic_ops gicv2_ops = {
	.name = "GICv2",
	.probe = gicv2_probe,
	.configure = v2_configure,
	.enable = v2_enable,
	.disable = v2_disable,
	.ack = v2_ack,
	.end = v2_end,
	.send_sgi_self = v2_send_sgi_self,
	.trigger = v2_trigger,
	.enabled = v2_enabled,
	.pending = v2_pending,
	.set_pending = v2_set_pending,
	.clear_pending = v2_clear_pending,
};
