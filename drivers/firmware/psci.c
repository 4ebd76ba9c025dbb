/*
 * PSCI client (Arm DEN0022): only the calls the firmware needs. The conduit
 * (HVC or SMC) comes from the DT's /psci node.
 */
#include <dt.h>
#include <errno.h>
#include <libfdt.h>
#include <platform.h>
#include <string.h>

#define PSCI_0_2_FN_SYSTEM_OFF 0x84000008U
#define PSCI_0_2_FN_SYSTEM_RESET 0x84000009U

enum psci_conduit { PSCI_NONE, PSCI_HVC, PSCI_SMC };

static enum psci_conduit conduit;

int psci_init(const void *fdt)
{
	static const char *const compat[] = { "arm,psci-1.0", "arm,psci-0.2", NULL };
	const char *method;
	int node, len;

	conduit = PSCI_NONE;
	/* SYSTEM_OFF/RESET have fixed IDs only from PSCI 0.2 on. */
	node = dt_find_compatible(fdt, -1, compat);
	if (node < 0)
		return -ENODEV;
	method = fdt_getprop(fdt, node, "method", &len);
	if (!method || len < 1 || method[len - 1] != '\0')
		return -ENODEV;
	if (!strcmp(method, "hvc"))
		conduit = PSCI_HVC;
	else if (!strcmp(method, "smc"))
		conduit = PSCI_SMC;
	else
		return -ENODEV;
	return 0;
}

bool psci_available(void)
{
	return conduit != PSCI_NONE;
}

static void psci_call(u32 fn)
{
	register u64 x0 __asm__("x0") = fn;

	/* SMCCC: x0 = function ID, results in x0..x3, x4..x17 may be clobbered. */
	if (conduit == PSCI_HVC)
		__asm__ volatile("hvc #0"
				 : "+r"(x0)
				 :
				 : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
				   "x11", "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	else if (conduit == PSCI_SMC)
		__asm__ volatile("smc #0"
				 : "+r"(x0)
				 :
				 : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
				   "x11", "x12", "x13", "x14", "x15", "x16", "x17", "memory");
}

void psci_system_off(void)
{
	psci_call(PSCI_0_2_FN_SYSTEM_OFF);
}

void psci_system_reset(void)
{
	psci_call(PSCI_0_2_FN_SYSTEM_RESET);
}
