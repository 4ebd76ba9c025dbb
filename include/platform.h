/*
 * Leaving the firmware: exit codes for QEMU, PSCI power control, and the
 * crash stop.
 *
 * Images built for QEMU (PLATFORM=qemu) report their verdict through
 * semihosting SYS_EXIT_EXTENDED (HLT #0xF000), falling back to PSCI
 * SYSTEM_OFF when QEMU runs without -semihosting. Images for hardware
 * (PLATFORM=board) never execute HLT.
 */
#ifndef PLATFORM_H
#define PLATFORM_H

#include <compiler.h>
#include <types.h>

/* Find the PSCI conduit (/psci "method") in @fdt. Return: 0 or -ENODEV. */
int psci_init(const void *fdt);
bool psci_available(void);
/* PSCI SYSTEM_OFF / SYSTEM_RESET; return only if PSCI is missing or refused. */
void psci_system_off(void);
void psci_system_reset(void);

/*
 * platform_exit() - end the run with @code (0: all passed). QEMU images
 * exit QEMU; board images power off through PSCI, or halt if they can't.
 */
void platform_exit(int code) __noreturn;

/* Stop after a crash report: QEMU images exit with a failing code, board images halt. */
void platform_crash_stop(void) __noreturn;

/* Whether this image was built for QEMU (semihosting allowed). */
bool platform_is_qemu(void);

#endif /* PLATFORM_H */
