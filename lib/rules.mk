# lib/: freestanding libc pieces, printf, DT helpers, self-test runner, shell,
# and the AArch64 arch layer (lib/arch/).
FW_SRCS += lib/fmt.c lib/string.c lib/strtoul.c lib/dt.c lib/cmdline.c \
	lib/selftest.c lib/shell.c lib/shell_cmds.c lib/stack_protector.c lib/fault_inject.c \
	lib/soak.c \
	lib/arch/cache.S lib/arch/cache_selftest.c lib/arch/pmu.c lib/arch/pmu_call.S \
	lib/arch/timer.c
