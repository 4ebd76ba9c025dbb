/*
 * Inside the interrupt code: what gic.c (common: DT choice, handlers,
 * dispatch) needs from a GIC version (gicv3.c, gicv2.c), and the hooks the
 * self-tests (irq_selftests.c) use to look at the hardware state.
 *
 * Every operation takes an INTID below the nr_intids the probe reported
 * (gic.c checks); none is called before a successful probe. Callers hold
 * IRQs masked where a read-modify-write of a shared register could race
 * with irq_dispatch().
 */
#ifndef DRIVERS_IRQ_GIC_H
#define DRIVERS_IRQ_GIC_H

#include <drivers/irq.h>
#include <types.h>

/* A byte in all four lanes of a byte-per-INTID register (GICD_IPRIORITYR, GICD_ITARGETSR). */
#define GIC_BYTE_LANES(b) ((u32)(b) * 0x01010101U)

/* Bound on GICD_CTLR.RWP, GICR_CTLR.RWP and GICR_WAKER waits; the specs give none. */
#define GIC_POLL_TIMEOUT_US 100000

struct gic_ops {
	const char *name; /* "GICv3", "GICv2" */
	/*
	 * Map and initialise the distributor and this CPU's interface for the
	 * DT node @node: everything disabled, default priority, Group 1
	 * (GICv3), routed here; forwarding and the CPU interface enabled. Logs
	 * the banner line, or the failure. Sets *nr_intids (SGIs + PPIs +
	 * implemented SPIs, at most IRQ_NR_INTIDS).
	 */
	int (*probe)(const void *fdt, int node, u32 *nr_intids);
	/* Disable @intid (completed), then set trigger, priority, group, route. */
	int (*configure)(u32 intid, u32 type, u8 priority);
	void (*enable)(u32 intid);
	/* Disable @intid; on GICv3 wait until the GIC says it is done (RWP). */
	int (*disable)(u32 intid);
	/* Acknowledge: the INTID, and in *raw what end() must be given. */
	u32 (*ack)(u32 *raw);
	/* End (priority drop + deactivate, EOImode 0). */
	void (*end)(u32 raw);
	int (*send_sgi_self)(u32 intid);

	/* For self-tests: the GIC's own view. */
	u32 (*trigger)(u32 intid); /* IRQ_TYPE_EDGE_RISING or _LEVEL_HIGH, from ICFGR */
	bool (*enabled)(u32 intid);
	bool (*pending)(u32 intid);
	void (*set_pending)(u32 intid);
	void (*clear_pending)(u32 intid);
};

extern const struct gic_ops gicv3_ops;
extern const struct gic_ops gicv2_ops;

/* The probed controller's operations, or NULL. */
const struct gic_ops *gic_ops(void);

/* INTIDs the probed distributor implements (0 before irq_init()). */
u32 gic_nr_intids(void);

/* The DT node of the probed GIC (negative before irq_init()) and its DT. */
int gic_dt_node(void);
const void *gic_fdt(void);

/* Whether @intid has a handler (irq_request() succeeded and no irq_release() since). */
bool gic_has_handler(u32 intid);

/*
 * gic_enable_unhandled() - configure and enable @intid with no handler, so
 * that a self-test can prove irq_dispatch()'s unhandled path.
 * Return: 0, -ENODEV, -EINVAL (out of range), -EBUSY (has a handler), or
 * the configure error.
 */
int gic_enable_unhandled(u32 intid, u32 type);

/* gicv3.c/gicv2.c: read-modify-write of a 32-bit register. */
void gic_rmw32(uintptr_t addr, u32 clear, u32 set);

/*
 * For gicv2.c and gicv3.c, on a frame with the distributor's register
 * layout: GICD, or on GICv3 for INTIDs 0..31 the redistributor's SGI_base
 * frame, which repeats it.
 *
 * gic_read_bit() - @intid's bit in the one-bit-per-INTID register array
 * starting at offset @reg0 (GICD_ISENABLER(0), GICD_ISPENDR(0), ...).
 * gic_write_bit() - write only @intid's bit there: for the set/clear
 * arrays (GICD_ISENABLER, GICD_ICENABLER, GICD_ISPENDR, GICD_ICPENDR),
 * where 0 bits have no effect.
 *
 * gic_set_priority_trigger() - @intid's GICD_IPRIORITYR byte, and for a
 * PPI or SPI its GICD_ICFGR field (@type IRQ_TYPE_EDGE_RISING or
 * IRQ_TYPE_LEVEL_HIGH). The caller disabled @intid first: changing the
 * trigger of an enabled interrupt is UNPREDICTABLE (GICD_ICFGR).
 *
 * gic_read_trigger() - IRQ_TYPE_EDGE_RISING or _LEVEL_HIGH, from GICD_ICFGR.
 */
bool gic_read_bit(uintptr_t frame, u32 reg0, u32 intid);
void gic_write_bit(uintptr_t frame, u32 reg0, u32 intid);
void gic_set_priority_trigger(uintptr_t frame, u32 intid, u32 type, u8 priority);
u32 gic_read_trigger(uintptr_t frame, u32 intid);

/* Map reg[@index] of @node as Device memory; at least @min bytes. Logs failures. */
int gic_map_reg(const void *fdt, int node, int index, u64 min, const char *what,
		phys_addr_t *pa, u64 *size);

#endif /* DRIVERS_IRQ_GIC_H */
