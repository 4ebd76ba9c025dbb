/*
 * Instruction counting with the PMU (Arm ARM D23.5, PMUv3): event counter 0
 * counts INST_RETIRED. Under QEMU TCG the event exists only with -icount.
 */
#ifndef ARCH_PMU_H
#define ARCH_PMU_H

#include <arch/barrier.h>
#include <arch/sysreg.h>
#include <bits.h>

#define ID_AA64DFR0_EL1_PMUVER GENMASK(11, 8) /* D23.2.59: 0 none, 0xf IMPDEF */
#define PMUVER_NONE 0x0
#define PMUVER_IMPDEF 0xf
#define PMCR_EL0_E BIT(0) /* enable the counters */
#define PMCR_EL0_P BIT(1) /* reset the event counters */
#define PMU_EVT_INST_RETIRED 0x08 /* common event: instruction architecturally executed */
#define PMU_CNT0 BIT(0) /* PMCNTENSET/CLR_EL0, PMINTENCLR_EL1: event counter 0 */

/* Start counting. Return: NULL, or why the count is impossible here. */
const char *pmu_start(void);
void pmu_stop(void);

/* The running count; the isb keeps it from being read early. */
static inline u64 pmu_read(void)
{
	isb();
	return read_sysreg(pmevcntr0_el0);
}

#endif /* ARCH_PMU_H */
