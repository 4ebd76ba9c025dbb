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

/*
 * pmu_count_call() - call @fn(@a0, @a1, @a2, @a3) (lib/arch/pmu_call.S)
 * between two reads of the count, *@raw the difference: @fn's instructions
 * plus a fixed window. Return: @fn's x0 (meaningless for a void @fn).
 * @fn is any function of up to four integer or pointer arguments, cast to
 * void (*)(void); the call is made with the AAPCS64, so its real type
 * governs what the arguments mean.
 */
u64 pmu_count_call(void (*fn)(void), u64 a0, u64 a1, u64 a2, u64 a3, u64 *raw);
/* A lone RET: pmu_start() counts a call of it to calibrate the window. */
void pmu_count_ret(void);
/* The fixed window of pmu_count_call(), set by pmu_start(). */
extern u64 pmu_call_overhead;

/*
 * pmu_call() - pmu_count_call() with *@insns @fn's own instructions, its
 * first to its RET inclusive, the call instruction excluded (callgrind's
 * inclusive cost of @fn on the host). pmu_start() must have succeeded.
 */
static inline u64 pmu_call(void (*fn)(void), u64 a0, u64 a1, u64 a2, u64 a3, u64 *insns)
{
	u64 x0 = pmu_count_call(fn, a0, a1, a2, a3, insns);

	*insns -= pmu_call_overhead;
	return x0;
}

#endif /* ARCH_PMU_H */
