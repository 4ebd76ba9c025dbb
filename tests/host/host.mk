
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

# mm/blockpool.c: dma_pool core; Linux placement rule, boundary/alignment sweep.
HOST_TESTS += blockpool
HOST_TEST_blockpool_SRCS := mm/blockpool.c
HOST_TEST_blockpool_CFLAGS :=
