# drivers/nvme/: NVM Express over PCIe as block devices; pure logic in
# nvme_lib.c (host-tested), self-tests and the `nvme` console command.
FW_SRCS += drivers/nvme/nvme.c drivers/nvme/nvme_lib.c drivers/nvme/nvme_selftests.c \
	drivers/nvme/nvme_cmd.c
