/* TLB maintenance for the CPU's stage-1 EL1&0 regime. */
#ifndef ARCH_TLB_H
#define ARCH_TLB_H

#include <arch/barrier.h>

/* Invalidate every EL1&0 stage-1 entry on this PE (Arm ARM C5.5.77). */
static inline void tlbi_vmalle1(void)
{
	__asm__ volatile("tlbi vmalle1" : : : "memory");
}

#endif /* ARCH_TLB_H */
