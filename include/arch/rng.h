/*
 * The CPU's random number generator (FEAT_RNG; Arm ARM, register RNDR):
 * ID_AA64ISAR0_EL1.RNDR says whether RNDR/RNDRRS exist; a read returns 64
 * bits and sets PSTATE.NZCV to 0b0000 on success, 0b0100 (Z) when no
 * random number could be produced in a reasonable time (the value is 0).
 * QEMU's `-cpu max` implements it; a Cortex-A57 or A35 does not.
 */
#ifndef ARCH_RNG_H
#define ARCH_RNG_H

#include <arch/sysreg.h>
#include <bits.h>
#include <types.h>

#define ID_AA64ISAR0_EL1_RNDR GENMASK(63, 60)
#define NZCV_Z BIT(30)

/* Whether this CPU implements RNDR. */
static inline bool arch_has_rndr(void)
{
	return FIELD_GET(ID_AA64ISAR0_EL1_RNDR, read_sysreg(id_aa64isar0_el1)) != 0;
}

/*
 * arch_rndr() - one RNDR read (S3_3_C2_C4_0: older assemblers lack the
 * name). Only call when arch_has_rndr(): elsewhere it is UNDEFINED.
 * Return: true with *v set, false if the generator had nothing (retry).
 */
static inline bool arch_rndr(u64 *v)
{
	u64 x, nzcv;

	__asm__ volatile("mrs %0, s3_3_c2_c4_0\n\tmrs %1, nzcv" : "=r"(x), "=r"(nzcv) : : "cc");
	*v = x;
	return !(nzcv & NZCV_Z);
}

#endif /* ARCH_RNG_H */
