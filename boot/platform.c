/* Ending a run: semihosting exit under QEMU, PSCI elsewhere (include/platform.h). */
#include <arch/cpu.h>
#include <exception.h>
#include <platform.h>

/* Semihosting (Arm DUI 0940 / "Semihosting for AArch32 and AArch64"). */
#define SEMIHOST_SYS_EXIT_EXTENDED 0x20
#define SEMIHOST_ADP_STOPPED_APPLICATION_EXIT 0x20026

bool platform_is_qemu(void)
{
#ifdef CONFIG_QEMU
	return true;
#else
	return false;
#endif
}

#ifdef CONFIG_QEMU
/*
 * SYS_EXIT_EXTENDED: x0 = operation, x1 = pointer to {reason, code}. Under
 * QEMU without -semihosting the HLT is an undefined instruction: that fault
 * is expected and skipped, and the caller falls back to PSCI.
 */
static void semihost_call(u64 op, const void *arg)
{
	/* Register variables hold only at the asm: no call between. */
	register u64 x0 __asm__("x0") = op;
	register const void *x1 __asm__("x1") = arg;

	__asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
}

static void semihost_exit(int code)
{
	u64 block[2] = { SEMIHOST_ADP_STOPPED_APPLICATION_EXIT, (u64)(s64)code };

	fault_expect(EC_UNKNOWN);
	semihost_call(SEMIHOST_SYS_EXIT_EXTENDED, block);
	fault_expect_end();
}
#endif

void platform_exit(int code)
{
#ifdef CONFIG_QEMU
	semihost_exit(code);
#endif
	(void)code;
	psci_system_off();
	cpu_park();
}

void platform_crash_stop(void)
{
#ifdef CONFIG_QEMU
	semihost_exit(2);
	psci_system_off();
#endif
	cpu_park();
}
