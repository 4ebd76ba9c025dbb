# drivers/: the console and its UART drivers, PSCI. Each driver directory
# with more than a file or two has its own rules.mk (drivers/*/rules.mk).
FW_SRCS += drivers/console.c drivers/firmware/psci.c
