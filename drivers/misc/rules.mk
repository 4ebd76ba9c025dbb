# drivers/misc/: QEMU's edu DMA test device and its self-tests.
FW_SRCS += drivers/misc/edu.c drivers/misc/edu_selftests.c
