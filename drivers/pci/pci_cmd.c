/*
 * Console command `pci`: the functions enumerated at boot.
 */
#include <errno.h>
#include <drivers/pci.h>
#include <shell.h>

static int cmd_pci(int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return -EINVAL;
	pci_show();
	return 0;
}
SHELL_CMD(pci, "pci", "PCI functions: IDs, class, BARs, INTx routing, SMMU stream IDs", cmd_pci);
