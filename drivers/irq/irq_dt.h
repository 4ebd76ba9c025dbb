/*
 * DT side of the interrupt code, without hardware access (built for the
 * host tests too): which node is the GIC, and the GIC binding's
 * three-cell specifier (Linux Documentation/devicetree/bindings/
 * interrupt-controller/arm,gic.yaml and arm,gic-v3.yaml).
 */
#ifndef DRIVERS_IRQ_IRQ_DT_H
#define DRIVERS_IRQ_IRQ_DT_H

#include <bits.h>
#include <drivers/irq.h>
#include <types.h>

enum gic_version {
	GIC_NONE = 0,
	GIC_V2 = 2,
	GIC_V3 = 3,
};

/* The binding's first cell. */
#define GIC_DT_SPI 0U
#define GIC_DT_PPI 1U
#define GIC_DT_ESPI 2U /* GICv3.1 extended SPI range */
#define GIC_DT_EPPI 3U /* GICv3.1 extended PPI range */
/* The binding's third cell. */
#define GIC_DT_FLAGS_TRIGGER GENMASK(3, 0)
#define GIC_DT_FLAGS_PPI_MASK GENMASK(15, 8) /* GICv2: CPUs a PPI is wired to */

/*
 * irq_dt_find_gic() - the GIC node this firmware drives: the root's
 * interrupt-parent if it is an available GIC node (interrupt-controller
 * and one of the compatibles in include/drivers/irq.h), else the first
 * such node in the tree.
 * Return: 0 with *node and *ver; -ENODEV if there is none. Logs nothing.
 */
int irq_dt_find_gic(const void *fdt, int *node, enum gic_version *ver);

/*
 * irq_dt_translate_gic() - decode @dt for the GIC at @gic_node.
 * @nr_intids: INTIDs the distributor implements (0: do not check).
 * Return and logging: as irq_translate() in include/drivers/irq.h.
 */
int irq_dt_translate_gic(const void *fdt, int gic_node, u32 nr_intids,
			 const struct irq_dt_spec *dt, struct irq_spec *out);

#endif /* DRIVERS_IRQ_IRQ_DT_H */
