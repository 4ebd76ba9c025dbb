/*
 * Interrupts: the interrupt controller the DT describes (GICv3 or GICv2),
 * DT interrupt specifiers, and dispatch of the IRQ exception to handlers.
 *
 *   DT node --irq_dt_get()--> struct irq_dt_spec (controller node + cells)
 *           --irq_translate()--> struct irq_spec (GIC INTID + trigger)
 *           --irq_request()--> handler called from irq_dispatch()
 *
 * INTIDs (GICv3 spec IHI 0069, 2.2 "INTIDs"; GICv2 spec IHI 0048B, "Interrupt IDs"):
 *
 *   0..15     SGI  software generated, per CPU, always edge-triggered
 *   16..31    PPI  private peripheral (generic timer, PMU), per CPU
 *   32..1019  SPI  shared peripheral (UART, PCIe INTx, SMMU, ...)
 *   1020..1023     special: 1023 is "nothing pending" (spurious)
 *
 * One CPU (the boot CPU) is served: SPIs are routed to it. Handlers run
 * in the IRQ exception, on the exception stack, with IRQs masked (no
 * nesting); they must make the device drop a level-triggered line before
 * returning. Group 1 on GICv3 (Non-secure Group 1 when the GIC has two
 * security states); on GICv2 the group is left as the security
 * configuration has it (see drivers/irq/gicv2.c).
 */
#ifndef DRIVERS_IRQ_H
#define DRIVERS_IRQ_H

#include <types.h>

/* Trigger flags, as in the DT binding (dt-bindings/interrupt-controller/irq.h). */
#define IRQ_TYPE_NONE 0U
#define IRQ_TYPE_EDGE_RISING 1U
#define IRQ_TYPE_EDGE_FALLING 2U
#define IRQ_TYPE_LEVEL_HIGH 4U
#define IRQ_TYPE_LEVEL_LOW 8U

/* INTID ranges (see above). */
#define IRQ_SGI_BASE 0U
#define IRQ_NR_SGIS 16U
#define IRQ_PPI_BASE 16U
#define IRQ_NR_PPIS 16U
#define IRQ_SPI_BASE 32U
#define IRQ_SPI_LAST 1019U
#define IRQ_NR_INTIDS 1020U /* SGIs, PPIs and SPIs; LPIs are not supported */
#define IRQ_INTID_SPECIAL 1020U /* 1020..1023 */
#define IRQ_INTID_NONE 1023U	/* also what irq_current_intid() says outside a handler */

/* An interrupt as the DT names it: the controller node it belongs to and its specifier cells. */
struct irq_dt_spec {
	int ctrl;		/* DT node offset of the interrupt controller */
	unsigned int ncells;	/* its #interrupt-cells */
	u32 cells[4];
};

/* An interrupt as the controller sees it. */
struct irq_spec {
	u32 intid;	/* GIC INTID: SGI 0..15, PPI 16..31, SPI 32..1019 */
	u32 type;	/* IRQ_TYPE_EDGE_RISING or IRQ_TYPE_LEVEL_HIGH */
};

typedef void (*irq_handler_fn)(void *ctx);

/*
 * irq_init() - probe the interrupt controller @fdt describes and enable
 * interrupts on this CPU.
 *
 * The controller is the root's interrupt-parent if that is a GIC, else the
 * first available node compatible with arm,gic-v3 (GICv3) or
 * arm,cortex-a15-gic / arm,gic-400 / arm,cortex-a9-gic / arm,cortex-a7-gic
 * (GICv2). Its MMIO is mapped Device-nGnRE with mmu_map(); every SPI, PPI
 * and SGI is disabled and set to a default priority; the distributor and
 * this CPU's interface (GICv3: its redistributor, woken up) are enabled;
 * finally PSTATE.I is cleared. One line is logged:
 *   irq: GICv3 at 0x08000000, redistributor 0x080a0000, 256 SPIs
 * Call once, after the MMU is on.
 *
 * Return: 0;
 *   -ENODEV   the DT has no GIC (logged; interrupts stay masked; not an error);
 *   -EBUSY    already initialised;
 *   -EINVAL   a malformed GIC node (reg, #redistributor-regions, ...);
 *   -ENXIO    the hardware is not what the node says (no GICv3 system
 *             register interface, no redistributor for this CPU, ...);
 *   -ETIMEDOUT the distributor or redistributor did not complete a write
 *             (GICD_CTLR.RWP, GICR_WAKER.ChildrenAsleep) in time;
 *   or mmu_map()'s error. Every failure is logged naming the node and the
 *   register; the controller is then left unused (irq_controller_name() is
 *   NULL) and interrupts stay masked.
 */
int irq_init(const void *fdt);

/* "GICv3", "GICv2", or NULL before or without a successful irq_init(). */
const char *irq_controller_name(void);

/*
 * irq_dt_get() - @node's interrupt number @index as the DT gives it.
 *
 * From "interrupts-extended" (<&ctrl cells...> per entry) if present, else
 * from "interrupts" with the interrupt parent found as Linux does: the
 * node's interrupt-parent, else its DT parent, repeated until a node with
 * #interrupt-cells (Devicetree spec v0.4, 2.4 "Interrupts and Interrupt
 * Mapping"). Nexus nodes (interrupt-map) are not followed.
 *
 * Return: 0 and *out;
 *   -ENOENT      no such property, or @index is past the last entry (not logged);
 *   -EINVAL      a malformed property, a dangling phandle, no interrupt
 *                parent, #interrupt-cells not 1..4 (logged with the path);
 *   -EOPNOTSUPP  the parent is an interrupt-map nexus (logged).
 */
int irq_dt_get(const void *fdt, int node, unsigned int index, struct irq_dt_spec *out);

/*
 * irq_translate() - a DT specifier of the GIC irq_init() probed, in the GIC
 * binding's format <type number flags>: type 0 = SPI (INTID 32 + number),
 * 1 = PPI (INTID 16 + number); flags[3:0] the trigger (1 or 2: edge, 4 or
 * 8: level; 2 and 8 only for PPIs), flags[15:8] a GICv2 PPI CPU mask
 * (ignored). A 4th cell (GICv3 PPI partition) must be 0.
 *
 * Return: 0 and *out; -ENODEV before irq_init(); -EINVAL (logged with the
 * cells and the controller's path) for a specifier of another controller,
 * a bad type, number or flags; -EOPNOTSUPP (logged) for the extended
 * SPI/PPI ranges and PPI partitions.
 */
int irq_translate(const struct irq_dt_spec *dt, struct irq_spec *out);

/*
 * irq_request() - install @fn (called with @ctx) for @spec and enable it:
 * the interrupt is disabled, its trigger set (GICD_ICFGR / GICR_ICFGR1;
 * SGIs are always edge), its priority set to IRQ_PRIORITY_DEFAULT, made
 * Group 1 (GICv3), routed to this CPU (SPIs: GICD_IROUTER on GICv3,
 * GICD_ITARGETSR on GICv2), then enabled. @name is kept for messages (a
 * static string). Safe with interrupts enabled.
 *
 * Return: 0; -ENODEV without a controller; -EINVAL (logged) for a NULL
 * @fn, an INTID the distributor does not implement, a trigger other than
 * edge/level or a level SGI; -EBUSY (logged, naming the owner) if the
 * INTID already has a handler; -ETIMEDOUT if the disable did not complete.
 */
int irq_request(const struct irq_spec *spec, irq_handler_fn fn, void *ctx, const char *name);

/*
 * irq_release() - disable @intid (waiting for the disable to complete on
 * GICv3) and forget its handler. Unknown or free INTIDs are ignored.
 */
void irq_release(u32 intid);

/*
 * irq_dispatch() - the IRQ exception: acknowledge (ICC_IAR1_EL1 / GICC_IAR),
 * ignore spurious INTIDs 1020..1023 (no EOI, IHI 0069 2.2.1), call the
 * handler, end the interrupt (ICC_EOIR1_EL1 / GICC_EOIR, EOImode 0: priority
 * drop and deactivation together). An interrupt without a handler is
 * counted, disabled (so a level line cannot storm), logged once per INTID,
 * and ended. Called from boot/exception.c only, with IRQs masked.
 */
void irq_dispatch(void);

/* How many times @intid's handler was called (0 for an INTID out of range). */
unsigned long irq_count(u32 intid);

/* How many times @intid was taken without a handler. */
unsigned long irq_unhandled_count(u32 intid);

/* Inside a handler: the INTID being handled; else IRQ_INTID_NONE. */
u32 irq_current_intid(void);

/*
 * irq_send_sgi_self() - make SGI @intid (0..15) pending on this CPU
 * (ICC_SGI1R_EL1 / GICD_SGIR). Memory writes before the call are visible to
 * the handler.
 * Return: 0; -ENODEV without a controller; -EINVAL for @intid > 15;
 * -EOPNOTSUPP if this CPU's affinity cannot be targeted (GICv3 Aff0 >= 16
 * without ICC_CTLR_EL1.RSS).
 */
int irq_send_sgi_self(u32 intid);

/* The priority irq_request() gives (lower is more urgent; GICs implement the top bits). */
#define IRQ_PRIORITY_DEFAULT 0xa0U

#endif /* DRIVERS_IRQ_H */
