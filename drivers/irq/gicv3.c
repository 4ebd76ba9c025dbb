/*
 * GICv3 (and GICv4, used as a GICv3): distributor, this CPU's
 * redistributor, and the CPU interface through the ICC_* system registers.
 * Spec: Arm IHI 0069; register names as in gic_regs.h.
 *
 * DT node (arm,gic-v3.yaml): reg = <GICD> <GICR region>... [<GICC> <GICH>
 * <GICV>]; #redistributor-regions (default 1) says how many GICR regions
 * follow GICD; redistributor-stride (optional, 64-bit) overrides the
 * distance between redistributors. Everything after the GICR regions is
 * for GICv2 compatibility or virtualization and is not used.
 *
 * Interrupts are Non-secure Group 1 (GICD_IGROUPR = 1, GICD_IGRPMODR = 0;
 * IHI 0069 "Interrupt grouping"), signalled as IRQ at EL1. With two
 * security states, Non-secure writes to the group registers are ignored
 * and the Secure side's choice stands.
 */
#include <arch/barrier.h>
#include <arch/mmio.h>
#include <arch/sysreg.h>
#include <console.h>
#include <dt.h>
#include <errno.h>
#include <libfdt.h>

#include "gic.h"
#include "gic_regs.h"

#define GICV3_MAX_RD_REGIONS 8

static struct {
	uintptr_t dist;
	uintptr_t rd;  /* this CPU's RD_base frame */
	uintptr_t sgi; /* its SGI_base frame */
	u64 mpidr;
	bool rss;
} v3;

/*
 * INTIDs 0..31 live in the redistributor's SGI_base frame, which repeats
 * the distributor's layout for them (GICR_ISENABLER0 at GICD_ISENABLER(0),
 * GICR_ICFGR1 at GICD_ICFGR(1), ...); SPIs in the distributor.
 */
static uintptr_t bank(u32 intid)
{
	return intid < IRQ_SPI_BASE ? v3.sgi : v3.dist;
}

static u32 affinity32(u64 mpidr)
{
	return (u32)(FIELD_GET(MPIDR_AFF3, mpidr) << 24 | FIELD_GET(MPIDR_AFF2, mpidr) << 16 |
		     FIELD_GET(MPIDR_AFF1, mpidr) << 8 | FIELD_GET(MPIDR_AFF0, mpidr));
}

/*
 * Wait until the distributor (SPIs) or the redistributor (INTIDs 0..31)
 * has completed earlier writes to GICD_CTLR / GICD_ICENABLER<n> or
 * GICR_ICENABLER0: their RWP bit reads 0 (IHI 0069, GICD_CTLR.RWP and
 * GICR_CTLR.RWP).
 */
static int wait_rwp(bool redist)
{
	uintptr_t reg = redist ? v3.rd + GICR_CTLR : v3.dist + GICD_CTLR;
	u32 bit = redist ? GICR_CTLR_RWP : GICD_CTLR_V3_RWP;
	u32 last;
	int ret;

	ret = mmio_poll32(reg, bit, 0, GIC_POLL_TIMEOUT_US, &last);
	if (ret)
		pr_err("irq: GICv3: %s.RWP still 1 after %u us (0x%08x)\n",
		       redist ? "GICR_CTLR" : "GICD_CTLR", GIC_POLL_TIMEOUT_US, last);
	return ret;
}

static int v3_disable(u32 intid)
{
	gic_write_bit(bank(intid), GICD_ICENABLER(0), intid);
	return wait_rwp(intid < IRQ_SPI_BASE);
}

static void v3_enable(u32 intid)
{
	gic_write_bit(bank(intid), GICD_ISENABLER(0), intid);
}

/* GICD_IROUTER value for this CPU: its affinity, IRM = 0 (this PE only). */
static u64 irouter_self(void)
{
	return FIELD_PREP(GICD_IROUTER_AFF3, FIELD_GET(MPIDR_AFF3, v3.mpidr)) |
	       FIELD_PREP(GICD_IROUTER_AFF2, FIELD_GET(MPIDR_AFF2, v3.mpidr)) |
	       FIELD_PREP(GICD_IROUTER_AFF1, FIELD_GET(MPIDR_AFF1, v3.mpidr)) |
	       FIELD_PREP(GICD_IROUTER_AFF0, FIELD_GET(MPIDR_AFF0, v3.mpidr));
}

static int v3_configure(u32 intid, u32 type, u8 priority)
{
	uintptr_t base = bank(intid);
	u32 bit = BIT(intid % 32);
	int ret;

	/* Changing the trigger of an enabled interrupt is UNPREDICTABLE (GICD_ICFGR). */
	ret = v3_disable(intid);
	if (ret)
		return ret;
	gic_rmw32(base + GICD_IGROUPR(intid / 32), 0, bit);
	gic_rmw32(base + GICD_IGRPMODR(intid / 32), bit, 0);
	gic_set_priority_trigger(base, intid, type, priority);
	if (intid >= IRQ_SPI_BASE)
		mmio_write64(v3.dist + GICD_IROUTER(intid), irouter_self());
	return 0;
}

static u32 v3_ack(u32 *raw)
{
	/*
	 * The read acknowledges; it is self-synchronising while IRQs are
	 * masked (IHI 0069, "Observability of the effects of accesses to the
	 * GIC registers"), as they are in the exception.
	 */
	u64 iar = read_sysreg(icc_iar1_el1);

	*raw = (u32)FIELD_GET(ICC_IAR1_EL1_INTID, iar);
	return *raw;
}

static void v3_end(u32 raw)
{
	/*
	 * EOImode 0: priority drop and deactivation. The ERET that ends the
	 * exception is the context synchronization event after this write.
	 */
	write_sysreg(raw, icc_eoir1_el1);
}

static int v3_send_sgi_self(u32 intid)
{
	u64 aff0 = FIELD_GET(MPIDR_AFF0, v3.mpidr);
	u64 sgi;

	/* TargetList covers Aff0 % 16; RS selects the group of 16 (needs RSS). */
	if (aff0 >= 16 && !v3.rss)
		return -EOPNOTSUPP;
	sgi = FIELD_PREP(ICC_SGI1R_EL1_AFF3, FIELD_GET(MPIDR_AFF3, v3.mpidr)) |
	      FIELD_PREP(ICC_SGI1R_EL1_AFF2, FIELD_GET(MPIDR_AFF2, v3.mpidr)) |
	      FIELD_PREP(ICC_SGI1R_EL1_AFF1, FIELD_GET(MPIDR_AFF1, v3.mpidr)) |
	      FIELD_PREP(ICC_SGI1R_EL1_RS, aff0 / 16) |
	      FIELD_PREP(ICC_SGI1R_EL1_TARGETLIST, BIT(aff0 % 16)) |
	      FIELD_PREP(ICC_SGI1R_EL1_INTID, intid);
	dsb(ishst); /* earlier memory writes visible to the handler before the SGI */
	write_sysreg(sgi, icc_sgi1r_el1);
	isb(); /* the system register write is performed now, not at some later sync point */
	return 0;
}

static u32 v3_trigger(u32 intid)
{
	return gic_read_trigger(bank(intid), intid);
}

static bool v3_enabled(u32 intid)
{
	return gic_read_bit(bank(intid), GICD_ISENABLER(0), intid);
}

static bool v3_pending(u32 intid)
{
	return gic_read_bit(bank(intid), GICD_ISPENDR(0), intid);
}

static void v3_set_pending(u32 intid)
{
	gic_write_bit(bank(intid), GICD_ISPENDR(0), intid);
}

static void v3_clear_pending(u32 intid)
{
	gic_write_bit(bank(intid), GICD_ICPENDR(0), intid);
}

/* GICD_PIDR2 / GICR_PIDR2 says GICv3 or GICv4. */
static bool archrev_ok(uintptr_t pidr2, u32 *rev)
{
	*rev = FIELD_GET(GIC_PIDR2_ARCHREV, mmio_read32(pidr2));
	return *rev == GIC_PIDR2_ARCHREV_V3 || *rev == GIC_PIDR2_ARCHREV_V4;
}

/*
 * Walk the redistributor regions (reg[1..nregions]) for the frame whose
 * GICR_TYPER.Affinity is this CPU's MPIDR_EL1 affinity. Each region holds
 * redistributors back to back, the last one flagged GICR_TYPER.Last.
 */
static int find_redistributor(const void *fdt, int node, const char *path, int nregions,
			      u64 stride, phys_addr_t *rd_pa)
{
	u32 want = affinity32(v3.mpidr), rev;
	phys_addr_t base;
	u64 size, off, step = GICR_FRAMES_V3 * GIC_FRAME_SIZE, typer;
	int r, ret;

	for (r = 0; r < nregions; r++) {
		ret = gic_map_reg(fdt, node, 1 + r, GICR_FRAMES_V3 * GIC_FRAME_SIZE,
				  "gicv3-redistributors", &base, &size);
		if (ret)
			return ret;
		for (off = 0; off + GICR_FRAMES_V3 * GIC_FRAME_SIZE <= size; off += step) {
			uintptr_t rd = (uintptr_t)(base + off);

			if (!archrev_ok(rd + GICR_PIDR2, &rev)) {
				pr_err("irq: %s: no redistributor at 0x%llx (GICR_PIDR2.ArchRev %u)\n",
				       path, (unsigned long long)(base + off), rev);
				break;
			}
			typer = mmio_read64(rd + GICR_TYPER);
			if (FIELD_GET(GICR_TYPER_AFFINITY, typer) == want) {
				*rd_pa = base + off;
				v3.rd = rd;
				v3.sgi = rd + GICR_SGI_BASE;
				return 0;
			}
			if (typer & GICR_TYPER_LAST)
				break;
			step = stride ? stride :
			       (typer & GICR_TYPER_VLPIS ? GICR_FRAMES_V4 : GICR_FRAMES_V3) *
				       GIC_FRAME_SIZE;
		}
	}
	pr_err("irq: %s: no redistributor for this CPU (affinity 0x%08x from MPIDR_EL1) in %d "
	       "region(s)\n", path, want, nregions);
	return -ENXIO;
}

/* #redistributor-regions and redistributor-stride, checked against reg. */
static int rd_layout(const void *fdt, int node, const char *path, int *nregions, u64 *stride)
{
	const fdt32_t *p;
	u64 a, s;
	int len, nreg = 0;

	while (nreg < 1 + GICV3_MAX_RD_REGIONS && !dt_reg(fdt, node, nreg, &a, &s))
		nreg++;
	*nregions = 1;
	p = fdt_getprop(fdt, node, "#redistributor-regions", &len);
	if (p) {
		if (len != (int)sizeof(*p) || fdt32_ld(p) < 1 ||
		    fdt32_ld(p) > GICV3_MAX_RD_REGIONS) {
			pr_err("irq: %s: #redistributor-regions is not one cell of 1..%d\n", path,
			       GICV3_MAX_RD_REGIONS);
			return -EINVAL;
		}
		*nregions = (int)fdt32_ld(p);
	}
	if (nreg < 1 + *nregions) {
		pr_err("irq: %s: reg has %d entries; GICD and %d redistributor region(s) needed\n",
		       path, nreg, *nregions);
		return -EINVAL;
	}
	*stride = 0;
	p = fdt_getprop(fdt, node, "redistributor-stride", &len);
	if (p) {
		if (len != 2 * (int)sizeof(*p) || dt_read_cells(p, 2, stride) ||
		    !*stride || *stride % GIC_FRAME_SIZE) {
			pr_err("irq: %s: redistributor-stride is not a 64-bit multiple of 64 KiB\n",
			       path);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Distributor: affinity routing on, every SPI disabled, inactive, not
 * pending, Group 1, level, default priority, routed here; then Group 1
 * forwarding on. Forwarding is off while ARE changes (IHI 0069,
 * "Changing affinity routing enables").
 */
static int init_distributor(const char *path, u32 nr_intids)
{
	u32 i, ctlr, prio4 = GIC_BYTE_LANES(IRQ_PRIORITY_DEFAULT);
	u64 route = irouter_self();
	int ret;

	mmio_write32(v3.dist + GICD_CTLR, 0);
	ret = wait_rwp(false);
	if (ret)
		return ret;
	mmio_write32(v3.dist + GICD_CTLR, GICD_CTLR_V3_ARE_NS);
	ret = wait_rwp(false);
	if (ret)
		return ret;
	ctlr = mmio_read32(v3.dist + GICD_CTLR);
	if (!(ctlr & GICD_CTLR_V3_ARE_NS)) {
		pr_err("irq: %s: GICD_CTLR.ARE_NS stays 0 (0x%08x): legacy operation is not "
		       "supported\n", path, ctlr);
		return -ENXIO;
	}

	for (i = IRQ_SPI_BASE; i < nr_intids; i += 32) {
		mmio_write32(v3.dist + GICD_ICENABLER(i / 32), ~0U);
		mmio_write32(v3.dist + GICD_ICACTIVER(i / 32), ~0U);
		mmio_write32(v3.dist + GICD_ICPENDR(i / 32), ~0U);
		mmio_write32(v3.dist + GICD_IGROUPR(i / 32), ~0U);
		mmio_write32(v3.dist + GICD_IGRPMODR(i / 32), 0);
	}
	ret = wait_rwp(false);
	if (ret)
		return ret;
	for (i = IRQ_SPI_BASE; i < nr_intids; i += 16)
		mmio_write32(v3.dist + GICD_ICFGR(i / 16), 0);
	for (i = IRQ_SPI_BASE; i < nr_intids; i += 4)
		mmio_write32(v3.dist + GICD_IPRIORITYR(i / 4), prio4);
	for (i = IRQ_SPI_BASE; i < nr_intids; i++)
		mmio_write64(v3.dist + GICD_IROUTER(i), route);

	mmio_write32(v3.dist + GICD_CTLR, GICD_CTLR_V3_ARE_NS | GICD_CTLR_V3_ENABLE_G1A);
	return wait_rwp(false);
}

/* Redistributor: awake (GICR_WAKER), SGIs and PPIs disabled and defaulted. */
static int init_redistributor(const char *path)
{
	u32 i, last, prio4 = GIC_BYTE_LANES(IRQ_PRIORITY_DEFAULT);
	int ret;

	gic_rmw32(v3.rd + GICR_WAKER, GICR_WAKER_PROCESSORSLEEP, 0);
	ret = mmio_poll32(v3.rd + GICR_WAKER, GICR_WAKER_CHILDRENASLEEP, 0, GIC_POLL_TIMEOUT_US,
			  &last);
	if (ret) {
		pr_err("irq: %s: GICR_WAKER.ChildrenAsleep still 1 after %u us (0x%08x)\n", path,
		       GIC_POLL_TIMEOUT_US, last);
		return ret;
	}
	mmio_write32(v3.sgi + GICR_ICENABLER0, ~0U);
	ret = wait_rwp(true);
	if (ret)
		return ret;
	mmio_write32(v3.sgi + GICR_ICACTIVER0, ~0U);
	mmio_write32(v3.sgi + GICR_ICPENDR0, ~0U);
	mmio_write32(v3.sgi + GICR_IGROUPR0, ~0U);
	mmio_write32(v3.sgi + GICR_IGRPMODR0, 0);
	for (i = 0; i < IRQ_SPI_BASE; i += 4)
		mmio_write32(v3.sgi + GICR_IPRIORITYR(i / 4), prio4);
	return 0;
}

/* System register access at EL1: ICC_SRE_EL1.SRE, which EL2/EL3 may hold at 0. */
static int enable_sre(const char *path)
{
	write_sysreg(read_sysreg(icc_sre_el1) | ICC_SRE_EL1_SRE, icc_sre_el1);
	isb(); /* the new SRE is in effect for the read-back and every ICC_* access */
	if (!(read_sysreg(icc_sre_el1) & ICC_SRE_EL1_SRE)) {
		pr_err("irq: %s: ICC_SRE_EL1.SRE stays 0: a higher EL did not allow system "
		       "register access (ICC_SRE_EL2/EL3.Enable)\n", path);
		return -ENXIO;
	}
	return 0;
}

/* CPU interface: every priority passes, no preemption groups, EOImode 0, Group 1 on. */
static void init_cpu_interface(void)
{
	u64 ctlr;

	write_sysreg(ICC_PMR_ALLOW_ALL, icc_pmr_el1);
	write_sysreg(0, icc_bpr1_el1);
	ctlr = read_sysreg(icc_ctlr_el1) & ~ICC_CTLR_EL1_EOIMODE;
	write_sysreg(ctlr, icc_ctlr_el1);
	v3.rss = ctlr & ICC_CTLR_EL1_RSS;
	write_sysreg(ICC_IGRPEN1_EL1_ENABLE, icc_igrpen1_el1);
	isb(); /* the CPU interface's configuration is in effect before IRQs are unmasked */
}

static int gicv3_probe(const void *fdt, int node, u32 *nr_intids)
{
	phys_addr_t dist_pa, rd_pa;
	u64 size, stride;
	u32 rev, nr;
	int nregions, ret;
	char path[128];

	dt_path(fdt, node, path, sizeof(path));
	if (!FIELD_GET(ID_AA64PFR0_EL1_GIC, read_sysreg(id_aa64pfr0_el1))) {
		pr_err("irq: %s: arm,gic-v3 but this CPU has no GIC system register interface "
		       "(ID_AA64PFR0_EL1.GIC = 0)\n", path);
		return -ENXIO;
	}
	ret = rd_layout(fdt, node, path, &nregions, &stride);
	if (ret)
		return ret;
	ret = gic_map_reg(fdt, node, 0, GIC_FRAME_SIZE, "gicv3-distributor", &dist_pa, &size);
	if (ret)
		return ret;
	v3.dist = (uintptr_t)dist_pa;
	if (!archrev_ok(v3.dist + GICD_PIDR2, &rev)) {
		pr_err("irq: %s: not a GICv3/v4 distributor at 0x%llx (GICD_PIDR2.ArchRev %u)\n",
		       path, (unsigned long long)dist_pa, rev);
		return -ENXIO;
	}
	v3.mpidr = read_sysreg(mpidr_el1);
	ret = find_redistributor(fdt, node, path, nregions, stride, &rd_pa);
	if (ret)
		return ret;
	ret = enable_sre(path);
	if (ret)
		return ret;

	nr = 32 * (FIELD_GET(GICD_TYPER_ITLINESNUMBER, mmio_read32(v3.dist + GICD_TYPER)) + 1);
	if (nr > IRQ_NR_INTIDS)
		nr = IRQ_NR_INTIDS;
	ret = init_distributor(path, nr);
	if (!ret)
		ret = init_redistributor(path);
	if (ret)
		return ret;
	init_cpu_interface();

	*nr_intids = nr;
	pr_info("irq: GICv3 at 0x%08llx, redistributor 0x%08llx, %u SPIs\n",
		(unsigned long long)dist_pa, (unsigned long long)rd_pa, nr - IRQ_SPI_BASE);
	return 0;
}

const struct gic_ops gicv3_ops = {
	.name = "GICv3",
	.probe = gicv3_probe,
	.configure = v3_configure,
	.enable = v3_enable,
	.disable = v3_disable,
	.ack = v3_ack,
	.end = v3_end,
	.send_sgi_self = v3_send_sgi_self,
	.trigger = v3_trigger,
	.enabled = v3_enabled,
	.pending = v3_pending,
	.set_pending = v3_set_pending,
	.clear_pending = v3_clear_pending,
};
