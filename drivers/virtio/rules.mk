# drivers/virtio/: virtio over modern PCI and virtio-blk. virtio_cfg.c
# (capabilities, features) and virtio_ring.c (split virtqueue) are pure,
# host-tested in tests/host/test_virtio_*.c; virtio_pci.c does the MMIO.
FW_SRCS += drivers/virtio/virtio_cfg.c drivers/virtio/virtio_ring.c \
	drivers/virtio/virtio_pci.c drivers/virtio/virtio_blk.c \
	drivers/virtio/virtio_blk_selftests.c
