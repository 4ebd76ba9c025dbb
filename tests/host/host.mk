
# lib/dt.c: device-tree helpers, on .dtb fixtures from tests/fixtures/dt/.
HOST_TESTS += dt
HOST_TEST_dt_SRCS := lib/dt.c
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
