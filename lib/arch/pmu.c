/* PMU instruction counting (include/arch/pmu.h). */
#include <arch/pmu.h>

u64 pmu_call_overhead;

const char *pmu_start(void)
{
	u64 dfr0 = read_sysreg(id_aa64dfr0_el1);
	unsigned int ver = FIELD_GET(ID_AA64DFR0_EL1_PMUVER, dfr0);
	u64 pmcr, ceid0;

	if (ver == PMUVER_NONE || ver == PMUVER_IMPDEF)
		return "no PMUv3 (ID_AA64DFR0_EL1.PMUVer)";
	pmcr = read_sysreg(pmcr_el0);
	if (FIELD_GET(PMCR_EL0_N, pmcr) == 0)
		return "PMU has no event counters (PMCR_EL0.N == 0)";
	ceid0 = read_sysreg(pmceid0_el0);
	if (!(ceid0 & BIT(PMU_EVT_INST_RETIRED)))
		return "INST_RETIRED not implemented (PMCEID0_EL0; QEMU TCG counts it only with -icount)";
	write_sysreg(PMU_CNT0, pmintenclr_el1); /* no overflow interrupt */
	write_sysreg(PMU_EVT_INST_RETIRED, pmevtyper0_el0); /* EL1 and EL0, not EL2 */
	write_sysreg(PMU_CNT0, pmcntenset_el0);
	write_sysreg(pmcr | PMCR_EL0_E | PMCR_EL0_P, pmcr_el0);
	isb(); /* the counter runs before the first measurement */
	pmu_count_call(pmu_count_ret, 0, 0, 0, 0, &pmu_call_overhead);
	pmu_call_overhead -= 1; /* pmu_count_ret's RET is the callee's own */
	return NULL;
}

void pmu_stop(void)
{
	write_sysreg(PMU_CNT0, pmcntenclr_el0);
	isb(); /* stopped before anything else uses the PMU */
}
