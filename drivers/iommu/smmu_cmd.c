/*
 * Console command `smmu`: state and counters, one stream's STE, recent faults.
 */
#include <console.h>
#include <drivers/smmu_v3.h>
#include <errno.h>
#include <shell.h>
#include <stdlib.h>
#include <string.h>

static int cmd_smmu(int argc, char **argv)
{
	unsigned int i;
	char *end;
	u32 sid = ~0U;

	if (!smmu_count()) {
		kprintf("no SMMU in use (none in the DT, or it failed to probe: see the boot log)\n");
		return argc > 3 ? -EINVAL : 0;
	}
	if (argc == 2 && !strcmp(argv[1], "faults")) {
		smmu_show_faults();
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "ste")) {
		unsigned long v = strtoul(argv[2], &end, 0);

		if (*end || end == argv[2] || v > 0xffffffffUL) {
			kprintf("smmu: '%s' is not a stream ID\n", argv[2]);
			return -EINVAL;
		}
		sid = (u32)v;
	} else if (argc != 1) {
		return -EINVAL;
	}
	for (i = 0; i < smmu_count(); i++)
		smmu_show(i, sid);
	return 0;
}
SHELL_CMD(smmu, "smmu [faults | ste <stream-id>]",
	  "SMMU state and counters, a stream's STE, or the recent faults", cmd_smmu);
