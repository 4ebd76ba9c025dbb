# drivers/pci/: PCIe host (pci-host-ecam-generic). pci_dt.c and pci_alloc.c
# are pure (host-tested in tests/host/test_pci_*.c); pci.c does ECAM.
FW_SRCS += drivers/pci/pci.c drivers/pci/pci_dt.c drivers/pci/pci_alloc.c \
	drivers/pci/pci_selftest.c drivers/pci/pci_cmd.c
