/*
 * This CPU's IRQ mask: PSTATE.I, read and written as the DAIF system
 * register (Arm ARM, "DAIF, Interrupt Mask Bits": I is bit 7) and set or
 * cleared alone with MSR DAIFSet / DAIFClr (Arm ARM, "MSR (immediate)":
 * bit 1 of the immediate is I, DAIF_IRQ in arch/sysreg.h).
 *
 * The interrupt controller decides which interrupt is signalled; these only
 * decide whether this CPU takes the IRQ exception. Code that must see an
 * IRQ taken after local_irq_enable() waits for it with a time bound
 * (arch/timer.h), never by assuming after how many instructions it comes.
 */
#ifndef ARCH_IRQ_H
#define ARCH_IRQ_H

#include <arch/sysreg.h>
#include <types.h>

/* The DAIF register's I bit, as in the flags local_irq_save() returns. */
#define DAIF_I_BIT BIT(7)

static inline void local_irq_enable(void)
{
	__asm__ volatile("msr daifclr, %0" : : "i"(DAIF_IRQ) : "memory");
}

static inline void local_irq_disable(void)
{
	__asm__ volatile("msr daifset, %0" : : "i"(DAIF_IRQ) : "memory");
}

/* Mask IRQs; return the previous DAIF for local_irq_restore(). */
static inline unsigned long local_irq_save(void)
{
	unsigned long flags = read_sysreg(daif);

	local_irq_disable();
	return flags;
}

static inline void local_irq_restore(unsigned long flags)
{
	write_sysreg(flags, daif);
}

static inline bool irqs_disabled(void)
{
	return read_sysreg(daif) & DAIF_I_BIT;
}

#endif /* ARCH_IRQ_H */
