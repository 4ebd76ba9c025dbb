# drivers/block/: the block-device interface shared by virtio-blk and NVMe,
# its self-tests and console command.
FW_SRCS += drivers/block/blockdev.c drivers/block/blockdev_selftests.c drivers/block/blk_cmd.c
