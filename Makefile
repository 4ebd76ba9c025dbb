# Firmware build. `make help` lists targets and options.
#
#   make [CROSS_COMPILE=aarch64-linux-gnu-] [O=build] [V=1] [DEBUG=1] [PLATFORM=qemu|board]
#
# Outputs: $(O)/firmware.elf (symbols, for gdb) and $(O)/Image (arm64 Image
# for QEMU -kernel and U-Boot booti).

CROSS_COMPILE ?= aarch64-linux-gnu-
O ?= build
V ?= 0
DEBUG ?= 0
PLATFORM ?= qemu
HOST_CC ?= gcc
FUZZ_CC ?= clang
FUZZ_TIME ?= 300
QEMU ?= qemu-system-aarch64

VALID_PLATFORM := qemu board
VALID_BOOL := 0 1
ifeq ($(filter $(PLATFORM),$(VALID_PLATFORM)),)
$(error PLATFORM=$(PLATFORM) is not valid; choose one of: $(VALID_PLATFORM))
endif
ifeq ($(filter $(V),$(VALID_BOOL)),)
$(error V=$(V) is not valid; choose one of: $(VALID_BOOL))
endif
ifeq ($(filter $(DEBUG),$(VALID_BOOL)),)
$(error DEBUG=$(DEBUG) is not valid; choose one of: $(VALID_BOOL))
endif

ifeq ($(V),1)
Q :=
say :=
else
Q := @
say = @printf '  %-8s %s\n' $(1) $(2);
endif

CC := $(CROSS_COMPILE)gcc
LD := $(CROSS_COMPILE)ld
OBJCOPY := $(CROSS_COMPILE)objcopy
READELF := $(CROSS_COMPILE)readelf
DTC ?= dtc

SYSROOT := $(or $(SYSROOT_OVERRIDE),$(O)/sysroot)
LIBFDT := $(SYSROOT)/usr/lib/aarch64-linux-gnu/libfdt.a
SETUP_STAMP := $(O)/.setup-done
FW_VERSION := $(shell git describe --always --dirty --tags 2>/dev/null || echo unknown)

# --- firmware sources ------------------------------------------------------
# Each directory lists its own sources in a rules.mk fragment (FW_SRCS += ...):
# a new driver adds drivers/<kind>/rules.mk and nothing here changes.
FW_SRCS :=
include $(sort $(wildcard boot/rules.mk mm/rules.mk lib/rules.mk drivers/rules.mk \
	drivers/*/rules.mk))

# Outputs named before any rule uses them (prerequisites expand at once).
SHIM := $(O)/tests/qemu/shim.bin
DTBCHECK := $(O)/tools/dtbcheck
OVERLAYS := $(patsubst dts/%.dtso,$(O)/dts/%.dtbo,$(wildcard dts/*.dtso))
BENCH_ALLOC := $(O)/tools/bench/bench_alloc
BENCH_IOVA := $(O)/tools/bench/bench_iova
FW_OBJS := $(patsubst %,$(O)/fw/%.o,$(sort $(FW_SRCS)))
BUILTIN_DTB := $(O)/dts/qemu-virt.dtb
FUZZ := $(O)/fuzz/fuzz_dtb
FUZZ_SEEDS := $(O)/fuzz/seeds/.done

OPT := $(if $(filter 1,$(DEBUG)),-Og -DDEBUG,-O2)
PLATFORM_DEFS := $(if $(filter qemu,$(PLATFORM)),-DCONFIG_QEMU,)

# Freestanding: our own libc headers (lib/include), the compiler's own
# (stddef.h, stdint.h, stdarg.h) and libfdt's from the arm64 sysroot.
# -mstrict-align: code runs before the MMU is on (Device memory, no
# unaligned accesses); -mgeneral-regs-only: exception handlers need not
# save FP/SIMD state; -fpie: the image relocates itself (boot/head.S).
# Deferred (=, not :=): the compiler may not exist until scripts/setup.sh has
# run, which happens after make has read this file on a clean machine.
CC_INCLUDE = $(shell $(CC) -print-file-name=include)
FW_CFLAGS = -std=gnu11 $(OPT) -g -ffreestanding -nostdinc \
	-isystem lib/include -isystem $(CC_INCLUDE) \
	-Iinclude -isystem $(SYSROOT)/usr/include \
	-fpie -mstrict-align -mgeneral-regs-only -fno-common -fno-omit-frame-pointer \
	-fstack-protector-strong -ffunction-sections -fdata-sections \
	-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-format-zero-length \
	-MMD -MP $(PLATFORM_DEFS) -DFW_VERSION='"$(FW_VERSION)"'
FW_ASFLAGS := -D__ASSEMBLER__ -Iinclude -MMD -MP -DBUILTIN_DTB='"$(BUILTIN_DTB)"'
# lib/string.c must not have its loops turned back into calls to itself.
$(O)/fw/lib/string.c.o: FW_CFLAGS += -fno-builtin -fno-tree-loop-distribute-patterns

FW_LDFLAGS := -pie --no-dynamic-linker -z norelro -z noexecstack --build-id=none \
	--gc-sections -T $(O)/linker.lds

# --- top-level targets -----------------------------------------------------
.PHONY: all run test test-host test-qemu setup clean help compile_commands.json \
	format check-format tools overlays bench fuzz check
all: $(O)/Image $(O)/firmware.elf

help:
	@echo 'Targets:'
	@echo '  all (default)   build $(O)/Image and $(O)/firmware.elf'
	@echo '  run             boot the Image in QEMU virt (SMMUv3, GICv3, edu)'
	@echo '  debug           as run, stopped at reset for gdb on port $(GDB_PORT) (GDB_PORT=...)'
	@echo '  test            host unit tests, a bounded fuzz run, check, QEMU runs; ends "N passed, N failed"'
	@echo '  test-host       host unit tests only'
	@echo '  test-qemu       QEMU runs only'
	@echo '  setup           install the toolchain, QEMU 10, libfdt (idempotent)'
	@echo '  bench           allocator instruction counts (host callgrind, AArch64 guest) against the targets'
	@echo '  tools           $(O)/tools/dtbcheck: check the memory map and pools of a .dtb on the host'
	@echo '  fuzz            libFuzzer on the DT parsing for FUZZ_TIME=$(FUZZ_TIME) s; crashes kept in $(O)/fuzz/'
	@echo '  check           cppcheck + clang-tidy over the firmware sources; fails on any finding'
	@echo '  compile_commands.json, format, check-format, clean'
	@echo 'Options: CROSS_COMPILE=$(CROSS_COMPILE) O=$(O) V=0|1 DEBUG=0|1 PLATFORM=qemu|board'

setup: $(SETUP_STAMP)
$(SETUP_STAMP): scripts/setup.sh
	$(Q)sh scripts/setup.sh $(O)
	$(Q)mkdir -p $(O) && touch $@
$(LIBFDT): | $(SETUP_STAMP)

run: all $(OVERLAYS)
	$(Q)python3 tests/qemu/run.py --build $(O) --interactive pools

# QEMU stopped at reset with its gdb stub on GDB_PORT; prints how to attach
# gdb-multiarch with the ELF's symbols at the load address (README).
GDB_PORT ?= 1234
.PHONY: debug
debug: all $(OVERLAYS) $(DTBCHECK)
	$(Q)python3 tests/qemu/run.py --build $(O) --interactive pools --gdb $(GDB_PORT)

# The hardware image must never execute HLT (semihosting): build it too.
BOARD_ELF := $(O)/board/firmware.elf
$(BOARD_ELF): FORCE | $(SETUP_STAMP)
	$(Q)$(MAKE) --no-print-directory O=$(O)/board PLATFORM=board SETUP_STAMP=$(SETUP_STAMP) \
		SYSROOT_OVERRIDE=$(SYSROOT) all
FORCE:

test: all $(SHIM) host-tests-built $(BOARD_ELF) $(DTBCHECK) $(OVERLAYS) $(FUZZ) $(FUZZ_SEEDS)
	$(Q)python3 tests/run_tests.py --build $(O)

test-host: host-tests-built
	$(Q)python3 tests/run_tests.py --build $(O) --host-only

test-qemu: all $(SHIM) $(DTBCHECK) $(OVERLAYS) host-tests-built $(BOARD_ELF)
	$(Q)python3 tests/run_tests.py --build $(O) --qemu-only

clean:
	rm -rf $(O)/fw $(O)/tests $(O)/dts $(O)/Image $(O)/firmware.elf $(O)/linker.lds $(O)/qemu \
		$(O)/tools $(O)/board $(O)/fuzz

# --- firmware image --------------------------------------------------------
$(O)/fw/%.c.o: %.c | $(SETUP_STAMP)
	$(call say,CC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(FW_CFLAGS) -c $< -o $@

$(O)/fw/%.S.o: %.S | $(SETUP_STAMP)
	$(call say,AS,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(FW_ASFLAGS) -c $< -o $@

$(O)/fw/boot/builtin_dtb.S.o: $(BUILTIN_DTB)

$(O)/dts/%.dtb: dts/%.dts | $(SETUP_STAMP)
	$(call say,DTC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(DTC) -q -I dts -O dtb -o $@ $<

$(O)/linker.lds: linker.ld include/layout.h include/bits.h | $(SETUP_STAMP)
	$(call say,LDS,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -E -P -x c -D__ASSEMBLER__ -Iinclude $< -o $@

$(O)/firmware.elf: $(FW_OBJS) $(O)/linker.lds $(LIBFDT)
	$(call say,LD,$@)
	$(Q)$(LD) $(FW_LDFLAGS) -o $@ $(FW_OBJS) $(LIBFDT) $(shell $(CC) -print-libgcc-file-name)
	$(Q)sh scripts/check-relocs.sh $(READELF) $@

$(O)/Image: $(O)/firmware.elf
	$(call say,OBJCOPY,$@)
	$(Q)$(OBJCOPY) -O binary $< $@

# --- QEMU runs: the loader shim (tests/qemu/shim.S) ------------------------
$(SHIM): tests/qemu/shim.S | $(SETUP_STAMP)
	$(call say,AS,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -nostdlib -static -Wl,-Ttext=0 -Wl,--build-id=none -o $(@:.bin=.elf) $<
	$(Q)$(OBJCOPY) -O binary $(@:.bin=.elf) $@

# --- host tool: the firmware's own DT parsing on a .dtb (tools/dtbcheck.c) ---
DTBCHECK_SRCS := tools/dtbcheck.c mm/memmap.c mm/dt_dma.c lib/dt.c lib/fmt.c
tools: $(DTBCHECK)
$(DTBCHECK): $(DTBCHECK_SRCS) | $(SETUP_STAMP)
	$(call say,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes \
		-Iinclude -MMD -MP -o $@ $(DTBCHECK_SRCS) -lfdt
-include $(DTBCHECK).d

# --- fuzzing: the DT parsing under libFuzzer (tools/fuzz/, README "Hardening") ---
# The same sources as dtbcheck plus the PCI host and interrupt DT code, built
# with Debian's clang; seeds are every DTB the tree builds (tools/fuzz/seeds.sh).
FUZZ_SRCS := tools/fuzz/fuzz_dtb.c tools/fuzz/dtb_path.c mm/memmap.c mm/dt_dma.c lib/dt.c \
	lib/fmt.c drivers/pci/pci_dt.c drivers/irq/irq_dt.c
FUZZ_HDRS := $(wildcard include/*.h include/*/*.h drivers/pci/*.h drivers/irq/*.h tools/fuzz/*.h)
$(FUZZ): $(FUZZ_SRCS) $(FUZZ_HDRS) | $(SETUP_STAMP)
	$(call say,FUZZCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) -std=gnu11 -O1 -g -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes \
		-DHOST_TEST -Iinclude -Idrivers/irq -Idrivers/pci -o $@ $(FUZZ_SRCS) -lfdt
$(FUZZ_SEEDS): tools/fuzz/seeds.sh $(wildcard tests/fixtures/dt/*.dts dts/*.dts tests/qemu/*.dts \
		tests/fixtures/fuzz/*.dtb) \
		$(OVERLAYS) | $(SETUP_STAMP)
	$(call say,SEEDS,$(dir $@))
	$(Q)sh tools/fuzz/seeds.sh $(O) $(dir $@)
	$(Q)touch $@
# make fuzz also seeds from the DTBs the QEMU runs left in $(O)/qemu/.
fuzz: $(FUZZ) $(OVERLAYS) | $(SETUP_STAMP)
	$(Q)sh tools/fuzz/seeds.sh $(O) $(O)/fuzz/seeds-all --qemu-runs
	$(Q)python3 tools/fuzz/run.py --build $(O) --time $(FUZZ_TIME) --seeds $(O)/fuzz/seeds-all

# --- static analysis: cppcheck + clang-tidy (scripts/check.py, .clang-tidy) ---
# Every C file of the image must stay clean. CHECK_EXCLUDE (patterns such as
# drivers/foo/%) may leave a directory out while its owner fixes findings.
CHECK_EXCLUDE :=
CHECK_SRCS = $(filter-out $(CHECK_EXCLUDE),$(filter %.c,$(sort $(FW_SRCS))))
# The image's flags for clang (aarch64): its own builtin headers in place of
# GCC's, no dependency files, warnings reported as findings.
CLANG_INCLUDE = $(shell clang -print-resource-dir)/include
check: export CHECK_CFLAGS = --target=aarch64-linux-gnu \
	$(filter-out -MMD -MP -Werror,$(subst $(CC_INCLUDE),$(CLANG_INCLUDE),$(FW_CFLAGS)))
check: export CPPCHECK_FLAGS = -Iinclude -Ilib/include -D__aarch64__=1 -D__GNUC__=12 \
	$(PLATFORM_DEFS) -DFW_VERSION='"check"'
check: | $(SETUP_STAMP) $(LIBFDT)
	$(Q)python3 scripts/check.py --log $(O)/check.log $(CHECK_SRCS)

# --- DT overlays for the QEMU runs (dts/*.dtso) -----------------------------
overlays: $(OVERLAYS)
$(O)/dts/%.dtbo: dts/%.dtso | $(SETUP_STAMP)
	$(call say,DTC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(DTC) -q -@ -I dts -O dtb -o $@ $<

# --- benchmarks: host build under callgrind, the image under QEMU -icount --
$(BENCH_ALLOC): tools/bench/bench_alloc.c mm/buddy.c mm/blockpool.c mm/dmapool.c mm/alloc_trace.c \
		lib/fmt.c include/mm/buddy.h include/mm/blockpool.h include/mm/alloc_trace.h | $(SETUP_STAMP)
	$(call say,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude -o $@ \
		tools/bench/bench_alloc.c mm/buddy.c mm/blockpool.c mm/alloc_trace.c lib/fmt.c
$(BENCH_IOVA): tools/bench/bench_iova.c mm/iova.c mm/buddy.c include/mm/iova.h \
		include/mm/buddy.h | $(SETUP_STAMP)
	$(call say,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(HOST_CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude -o $@ \
		tools/bench/bench_iova.c mm/iova.c mm/buddy.c
bench: $(BENCH_ALLOC) $(BENCH_IOVA) all $(OVERLAYS) $(DTBCHECK)
	$(Q)python3 tests/qemu/run.py --build $(O) bench bench-blk; st=$$?; \
		grep -h '^bench:' $(O)/qemu/bench.log $(O)/qemu/bench-blk.log; \
		python3 scripts/bench.py --bin $(BENCH_ALLOC) --iova-bin $(BENCH_IOVA) \
			--guest-log $(O)/qemu/bench.log --out $(O)/bench && exit $$st

# --- host unit tests (tests/host/host.mk lists them) -----------------------
HOST_TESTS :=
include tests/host/host.mk

HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -DHOST_TEST -Iinclude -Itests/host \
	-fsanitize=address,undefined -fno-sanitize-recover=all -MMD -MP
HOST_LDLIBS := -lcmocka -lfdt
HOST_BINS := $(patsubst %,$(O)/tests/host/test_%,$(HOST_TESTS))

.PHONY: host-tests-built
host-tests-built: $(HOST_BINS) $(foreach t,$(HOST_TESTS),$(patsubst %,$(O)/tests/fixtures/dt/%.dtb,$(HOST_TEST_$(t)_DTBS)))

define host_test_rule
$(O)/tests/host/test_$(1): tests/host/test_$(1).c $(HOST_TEST_$(1)_SRCS) | $(SETUP_STAMP)
	$$(call say,HOSTCC,$$@)
	$$(Q)mkdir -p $$(dir $$@)
	$$(Q)$(HOST_CC) $$(HOST_CFLAGS) $(HOST_TEST_$(1)_CFLAGS) \
		-DFIXTURE_DIR='"$(abspath $(O))/tests/fixtures/dt"' -o $$@ \
		tests/host/test_$(1).c $(HOST_TEST_$(1)_SRCS) $$(HOST_LDLIBS)
endef
$(foreach t,$(HOST_TESTS),$(eval $(call host_test_rule,$(t))))

$(O)/tests/fixtures/%.dtb: tests/fixtures/%.dts | $(SETUP_STAMP)
	$(call say,DTC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(DTC) -q -I dts -O dtb -o $@ $< 2>/dev/null

# --- developer conveniences ------------------------------------------------
compile_commands.json: | $(SETUP_STAMP)
	$(Q)$(MAKE) --no-print-directory -B V=1 all host-tests-built | \
		python3 scripts/compile_commands.py > $@
	@echo "wrote $@"

FORMAT_FILES := $(shell git ls-files '*.c' '*.h' 2>/dev/null)
format:
	clang-format -i $(FORMAT_FILES)
check-format:
	clang-format --dry-run --Werror $(FORMAT_FILES)

-include $(FW_OBJS:.o=.d) $(HOST_BINS:=.d)
