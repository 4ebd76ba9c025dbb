# drivers/serial/: console UART drivers (UART_DRIVER(), include/console.h).
# ns16550.c is the 16550 logic (host-tested), ns16550_io.c its MMIO and timer.
FW_SRCS += drivers/serial/pl011.c drivers/serial/ns16550.c drivers/serial/ns16550_io.c
