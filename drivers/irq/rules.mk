# drivers/irq/: the interrupt controller (GICv3, GICv2) chosen from the DT,
# DT interrupt specifiers, IRQ dispatch, and their self-tests.
FW_SRCS += drivers/irq/gic.c drivers/irq/gicv3.c drivers/irq/gicv2.c drivers/irq/irq_dt.c \
	drivers/irq/irq_selftests.c
