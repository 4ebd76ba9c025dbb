/* TLB maintenance for the CPU's stage-1 EL1&0 regime. */
#ifndef ARCH_TLB_H
#define ARCH_TLB_H

#include <arch/barrier.h>
#include <bits.h>
#include <types.h>

/* Invalidate every EL1&0 stage-1 entry on this PE (Arm ARM C5.5, "TLBI VMALLE1"). */
static inline void tlbi_vmalle1(void)
{
	__asm__ volatile("tlbi vmalle1" : : : "memory");
}

/*
 * TLBI VAALE1IS (Arm ARM C5.5, "TLBI VAALE1IS"): invalidate the last-level
 * (leaf) entries for @va, any ASID, on every PE of the Inner Shareable
 * domain. The operand holds VA[55:12] in bits 43:0. The caller owes a
 * dsb(ishst) before (the cleared descriptor visible to the walkers) and a
 * dsb(ish) + isb after (invalidation complete and seen by later accesses).
 */
static inline void tlbi_vaale1is(u64 va)
{
	u64 arg = (va >> 12) & GENMASK_ULL(43, 0);

	__asm__ volatile("tlbi vaale1is, %0" : : "r"(arg) : "memory");
}

/* As tlbi_vmalle1(), broadcast to the Inner Shareable domain (C5.5). */
static inline void tlbi_vmalle1is(void)
{
	__asm__ volatile("tlbi vmalle1is" : : : "memory");
}

#endif /* ARCH_TLB_H */
