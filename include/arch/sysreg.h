/*
 * AArch64 system registers: field definitions (bit numbers as the Arm ARM
 * gives them) and accessors. Usable from C and assembly.
 */
#ifndef ARCH_SYSREG_H
#define ARCH_SYSREG_H

#include <bits.h>

/* CurrentEL (Arm ARM D23.2.22): EL in bits [3:2]. */
#define CURRENTEL_EL_MASK GENMASK(3, 2)

/* HCR_EL2 (D23.2.48). */
#define HCR_EL2_RW BIT(31) /* EL1 is AArch64 */

/* CNTHCTL_EL2 with E2H == 0 (D23.8.6): EL1 may use the physical counter/timer. */
#define CNTHCTL_EL2_EL1PCTEN BIT(0)
#define CNTHCTL_EL2_EL1PCEN BIT(1)

/* CNTV_CTL_EL0 (Arm ARM, "CNTV_CTL_EL0"): the EL1 virtual timer's control. */
#define CNTV_CTL_EL0_ENABLE BIT(0)
#define CNTV_CTL_EL0_IMASK BIT(1)   /* timer condition does not assert the interrupt */
#define CNTV_CTL_EL0_ISTATUS BIT(2) /* read-only: the timer condition is met */

/*
 * CPTR_EL2 with E2H == 0 (D23.2.32): bits 13:12 and 9:0 are RES1 apart from
 * TZ (bit 8) which we leave set (SVE trapped); TFP (bit 10) clear so EL1 may
 * use FP/SIMD.
 */
#define CPTR_EL2_RES1 (GENMASK(13, 12) | GENMASK(9, 0))

/* MDCR_EL2 (D23.3.14): HPMN, the counters EL1 may use. */
#define MDCR_EL2_HPMN GENMASK(4, 0)
/* PMCR_EL0 (D23.5.11): N, number of event counters. */
#define PMCR_EL0_N GENMASK(15, 11)

/* ID_AA64PFR0_EL1 (D23.2.81): GIC system register interface present. */
#define ID_AA64PFR0_EL1_GIC GENMASK(27, 24)
/* ICC_SRE_EL2 (D23.2 / GICv3 spec 12.2.10). */
#define ICC_SRE_EL2_SRE BIT(0)
#define ICC_SRE_EL2_ENABLE BIT(3)

/* SPSR for an exception return to EL1h with D, A, I, F masked. */
#define SPSR_D BIT(9)
#define SPSR_A BIT(8)
#define SPSR_I BIT(7)
#define SPSR_F BIT(6)
#define SPSR_MODE_EL1H 0x5
#define SPSR_EL1H_DAIF (SPSR_D | SPSR_A | SPSR_I | SPSR_F | SPSR_MODE_EL1H)

/*
 * SCTLR_EL1 (D23.2.118). RES1 bits for a v8.0 EL1 with the MMU off: 11
 * (EOS), 20 (TSCXT), 22 (EIS), 23 (SPAN), 28 (nTLSMD), 29 (LSMAOE).
 */
#define SCTLR_EL1_M BIT(0)
#define SCTLR_EL1_A BIT(1)
#define SCTLR_EL1_C BIT(2)
#define SCTLR_EL1_SA BIT(3)
#define SCTLR_EL1_I BIT(12)
#define SCTLR_EL1_WXN BIT(19)
#define SCTLR_EL1_RES1 (BIT(11) | BIT(20) | BIT(22) | BIT(23) | BIT(28) | BIT(29))

/* CPACR_EL1 (D23.2.30): FPEN == 0b11, FP/SIMD not trapped at EL1/EL0. */
#define CPACR_EL1_FPEN GENMASK(21, 20)

/* CTR_EL0 (D23.2.34): DminLine, log2 of the smallest D-cache line in words. */
#define CTR_EL0_DMINLINE GENMASK(19, 16)

/* ID_AA64MMFR0_EL1 (D23.2.84). */
#define ID_AA64MMFR0_EL1_PARANGE GENMASK(3, 0)

/* DAIF masks as used by msr daifset/daifclr. */
#define DAIF_IRQ BIT(1)

#ifndef __ASSEMBLER__
#include <types.h>

#define read_sysreg(reg)                                        \
	({                                                      \
		u64 __rval;                                      \
		__asm__ volatile("mrs %0, " #reg : "=r"(__rval)); \
		__rval;                                          \
	})

#define write_sysreg(val, reg)                                          \
	do {                                                            \
		u64 __wval = (u64)(val);                                \
		__asm__ volatile("msr " #reg ", %x0" : : "rZ"(__wval)); \
	} while (0)

static inline unsigned int current_el(void)
{
	return FIELD_GET(CURRENTEL_EL_MASK, read_sysreg(CurrentEL));
}
#endif /* !__ASSEMBLER__ */

#endif /* ARCH_SYSREG_H */
