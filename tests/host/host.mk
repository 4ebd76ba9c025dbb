
# lib/dt.c: device-tree helpers, on .dtb fixtures from tests/fixtures/dt/.
HOST_TESTS += dt
HOST_TEST_dt_SRCS := lib/dt.c tests/host/fixture.c
HOST_TEST_dt_CFLAGS :=
HOST_TEST_dt_DTBS := virt stdout-alias stdout-missing stdout-bad memory buses bad-props

# lib/fmt.c: printf core, checked against the host's vsnprintf.
HOST_TESTS += fmt
HOST_TEST_fmt_SRCS := lib/fmt.c
HOST_TEST_fmt_CFLAGS :=

# lib/string.c, lib/strtoul.c: renamed to lib_* so they sit beside libc.
HOST_TESTS += string
HOST_TEST_string_SRCS := lib/string.c lib/strtoul.c
HOST_TEST_string_CFLAGS := -include tests/host/libc_prefix.h -fno-builtin

# mm/pgtable.c: translation-table builder, descriptors checked bit by bit.
HOST_TESTS += pgtable
HOST_TEST_pgtable_SRCS := mm/pgtable.c
HOST_TEST_pgtable_CFLAGS :=

# boot/esr.c: ESR_EL1 decoding into crash-report text.
HOST_TESTS += esr
HOST_TEST_esr_SRCS := boot/esr.c lib/fmt.c
HOST_TEST_esr_CFLAGS :=

# lib/cmdline.c: boot-argument words.
HOST_TESTS += cmdline
HOST_TEST_cmdline_SRCS := lib/cmdline.c
HOST_TEST_cmdline_CFLAGS :=

# mm/memmap.c: /memory, /memreserve/, /reserved-memory -> physical memory map.
HOST_TESTS += memmap
HOST_TEST_memmap_SRCS := mm/memmap.c lib/dt.c lib/fmt.c tests/host/fixture.c
HOST_TEST_memmap_CFLAGS :=
HOST_TEST_memmap_DTBS := rmem-good rmem-cells rmem-noranges rmem-reg rmem-size \
	rmem-align rmem-allocranges rmem-flags rmem-overlap rmem-outside rmem-place \
	rmem-defaults rmem-noram rmem-capacity

# mm/dt_dma.c: dma-coherent, dma-ranges, memory-region of a device node.
HOST_TESTS += dt_dma
HOST_TEST_dt_dma_SRCS := mm/dt_dma.c mm/memmap.c lib/dt.c lib/fmt.c tests/host/fixture.c
HOST_TEST_dt_dma_CFLAGS :=
HOST_TEST_dt_dma_DTBS := rmem-dma rmem-good

# mm/dma_cache.c: streaming-DMA cache maintenance policy, against the
# recording fake of arch/cache.h (tests/host/fake_arch.c).
HOST_TESTS += dma_cache
HOST_TEST_dma_cache_SRCS := mm/dma_cache.c tests/host/fake_arch.c
HOST_TEST_dma_cache_CFLAGS :=

# mm/buddy.c: page allocator; hand-computed free lists + randomized model check.
HOST_TESTS += buddy
HOST_TEST_buddy_SRCS := mm/buddy.c
HOST_TEST_buddy_CFLAGS :=

# mm/alloc_trace.c: the allocator benchmarks' traces (host and image share them).
HOST_TESTS += alloc_trace
HOST_TEST_alloc_trace_SRCS := mm/alloc_trace.c
HOST_TEST_alloc_trace_CFLAGS :=

# mm/blockpool.c: dma_pool core; Linux placement rule, boundary/alignment sweep,
# bad frees refused, chunks in and out of their home slots.
HOST_TESTS += blockpool
HOST_TEST_blockpool_SRCS := mm/blockpool.c
HOST_TEST_blockpool_CFLAGS :=

# mm/dmapool.c: dma_pool_* as a driver sees them; reports of bad frees and leaks.
HOST_TESTS += dmapool
HOST_TEST_dmapool_SRCS := mm/dmapool.c mm/blockpool.c lib/fmt.c
HOST_TEST_dmapool_CFLAGS :=

# mm/iova.c: IOVA allocator over the buddy; alignment, model check, cache, bad frees.
HOST_TESTS += iova
HOST_TEST_iova_SRCS := mm/iova.c mm/buddy.c
HOST_TEST_iova_CFLAGS :=

# drivers/irq/irq_dt.c: GIC choice, interrupt parents and specifiers, the GIC binding.
HOST_TESTS += irq_dt
HOST_TEST_irq_dt_SRCS := drivers/irq/irq_dt.c lib/dt.c tests/host/fixture.c
HOST_TEST_irq_dt_CFLAGS := -Idrivers/irq
HOST_TEST_irq_dt_DTBS := irq irq-gicv2 irq-nogic

# drivers/pci/pci_dt.c: pci-host-ecam-generic node: reg/bus-range, ranges,
# interrupt-map (masks, swizzle), iommu-map, malformed hosts.
HOST_TESTS += pci_dt
HOST_TEST_pci_dt_SRCS := drivers/pci/pci_dt.c mm/memmap.c lib/dt.c lib/fmt.c tests/host/fixture.c
HOST_TEST_pci_dt_CFLAGS := -Idrivers/pci
HOST_TEST_pci_dt_DTBS := pci-host pci-bad

# drivers/pci/pci_alloc.c: BAR decoding, window choice, packing, bridge windows.
HOST_TESTS += pci_alloc
HOST_TEST_pci_alloc_SRCS := drivers/pci/pci_alloc.c
HOST_TEST_pci_alloc_CFLAGS := -Idrivers/pci

# drivers/iommu/smmu_v3_desc.c: STE, CD, command and event encodings bit by
# bit from the SMMUv3 spec; range-invalidation plans; STE update ordering.
HOST_TESTS += smmu_desc
HOST_TEST_smmu_desc_SRCS := drivers/iommu/smmu_v3_desc.c
HOST_TEST_smmu_desc_CFLAGS :=

# lib/shell.c: line editor, history, dispatch and text helpers, byte by byte
# against a recording fake console (the test defines console_putc/kprintf).
HOST_TESTS += shell
HOST_TEST_shell_SRCS := lib/shell.c lib/fmt.c
HOST_TEST_shell_CFLAGS :=

# drivers/serial/ns16550.c: 16550 / DesignWare UART logic against a register
# model that checks every access's address and width.
HOST_TESTS += ns16550
HOST_TEST_ns16550_SRCS := drivers/serial/ns16550.c
HOST_TEST_ns16550_CFLAGS :=

# drivers/nvme/nvme_lib.c: the PRP rule and PRP lists, status codes and their
# errnos, queue index/phase arithmetic, doorbell offsets, Identify parsing.
HOST_TESTS += nvme_lib
HOST_TEST_nvme_lib_SRCS := drivers/nvme/nvme_lib.c lib/fmt.c
HOST_TEST_nvme_lib_CFLAGS :=

# drivers/virtio/virtio_ring.c: split virtqueue layout, chains, free list,
# index wrap, bad used elements, and the barriers' places (observed by the test).
HOST_TESTS += virtio_ring
HOST_TEST_virtio_ring_SRCS := drivers/virtio/virtio_ring.c
HOST_TEST_virtio_ring_CFLAGS :=

# drivers/virtio/virtio_cfg.c: virtio PCI capabilities (QEMU's layout and
# broken ones), doorbell offsets, feature negotiation.
HOST_TESTS += virtio_cfg
HOST_TEST_virtio_cfg_SRCS := drivers/virtio/virtio_cfg.c lib/fmt.c
HOST_TEST_virtio_cfg_CFLAGS :=

# tools/fuzz/dtb_path.c: the DTB fuzzer's whole path (memmap, dt_dma,
# irq_dt, pci_dt) on every fixture, the problems it found
# (tests/fixtures/dt/fuzz-*.dts) and its kept inputs (tests/fixtures/fuzz/).
HOST_TESTS += fuzz_dtb
HOST_TEST_fuzz_dtb_SRCS := tools/fuzz/dtb_path.c mm/memmap.c mm/dt_dma.c lib/dt.c lib/fmt.c \
	drivers/pci/pci_dt.c drivers/irq/irq_dt.c tests/host/fixture.c
HOST_TEST_fuzz_dtb_CFLAGS := -Idrivers/irq -Idrivers/pci -Itools/fuzz \
	-DFUZZ_FIXTURE_DIR='"$(abspath tests/fixtures/fuzz)"'
HOST_TEST_fuzz_dtb_DTBS := $(patsubst tests/fixtures/dt/%.dts,%,$(wildcard tests/fixtures/dt/*.dts))

# mm/remap.c: the remap window (Normal-NC aliases): VA allocator, mappings
# through the real pgtable builder, prepare-then-commit; mm/mmu_attrs.c:
# the attribute bits of each CPU memory type.
HOST_TESTS += remap
HOST_TEST_remap_SRCS := mm/remap.c mm/pgtable.c mm/buddy.c mm/mmu_attrs.c
HOST_TEST_remap_CFLAGS :=

# mm/dma.c with mm/swiotlb.c, mm/dma_debug.c, mm/dma_cache.c: the exact
# cache-op list per call and direction (recording fake of arch/cache.h),
# bounce copies and slots, every dma-debug report, coherent buffers and
# their Normal-NC aliases; pools, remap window and console faked over host
# memory (tests/host/fake_dma_env.c).
HOST_TESTS += dma_api
HOST_TEST_dma_api_SRCS := mm/dma.c mm/swiotlb.c mm/dma_debug.c mm/dma_cache.c mm/buddy.c \
	mm/dt_dma.c mm/memmap.c lib/dt.c lib/fmt.c tests/host/fake_arch.c tests/host/fake_dma_env.c
HOST_TEST_dma_api_CFLAGS :=
