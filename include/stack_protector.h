/*
 * The stack protector's guard (-fstack-protector-strong, and Debian's
 * libfdt.a): every protected frame stores __stack_chk_guard below its
 * saved registers on entry and compares it on return.
 *
 * The guard starts as STACK_GUARD_FALLBACK (in .data, so valid from the
 * first C function) and is replaced once at boot by stack_protector_init()
 * from the DT's /chosen/rng-seed and /chosen/kaslr-seed and the CPU's RNDR.
 * Changing it is only safe while no protected frame that will return is
 * live: boot_main() calls it and never returns (it is built without the
 * protector, see boot/main.c), and it runs nothing protected itself.
 */
#ifndef STACK_PROTECTOR_H
#define STACK_PROTECTOR_H

#include <bits.h>
#include <types.h>

/* The guard before seeding, and for good where there is no entropy. */
#define STACK_GUARD_FALLBACK 0x00c0ffee5eed5a5aUL

/* Where the guard's entropy came from (stack_protector_sources()). */
#define STACK_GUARD_SRC_RNG_SEED BIT(0)	  /* /chosen/rng-seed */
#define STACK_GUARD_SRC_KASLR_SEED BIT(1) /* /chosen/kaslr-seed */
#define STACK_GUARD_SRC_RNDR BIT(2)	  /* RNDR (FEAT_RNG) */

extern unsigned long __stack_chk_guard;

/*
 * stack_protector_init() - seed the guard from every source present
 * (mixed together) and print which ones, or warn and keep the fallback.
 * Call once, from boot_main() with the DT in use and the console up.
 */
void stack_protector_init(const void *fdt);

/* STACK_GUARD_SRC_* bits of the sources the guard was seeded from (0: fallback). */
unsigned int stack_protector_sources(void);

#endif /* STACK_PROTECTOR_H */
