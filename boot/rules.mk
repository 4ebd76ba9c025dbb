# boot/: entry, exception vectors, crash report, boot_main.
FW_SRCS += boot/head.S boot/vectors.S boot/builtin_dtb.S \
	boot/main.c boot/exception.c boot/esr.c boot/platform.c boot/selftests.c \
	boot/protect_selftests.c
