/*
 * PL011 console driver. The UART is used as the loader left it: baud rate
 * and line settings belong to whoever knows the UART clock (U-Boot on a
 * board, QEMU's model ignores them). Only an entirely disabled UART is
 * switched on.
 */
#include <arch/mmio.h>
#include <console.h>
#include <errno.h>
#include "pl011.h"

/* At 9600 baud a 32-byte FIFO drains in ~33 ms. */
#define PL011_TX_TIMEOUT_US 50000

static int pl011_probe(struct uart *u)
{
	u32 cr = mmio_read32(u->base + PL011_CR);

	if (!(cr & PL011_CR_UARTEN))
		mmio_write32(u->base + PL011_CR, PL011_CR_UARTEN | PL011_CR_TXE | PL011_CR_RXE);
	return 0;
}

static int pl011_putc(struct uart *u, char c)
{
	int ret = mmio_poll32(u->base + PL011_FR, PL011_FR_TXFF, 0, PL011_TX_TIMEOUT_US, NULL);

	if (ret)
		return ret; /* the byte is dropped rather than hanging the firmware */
	mmio_write32_relaxed(u->base + PL011_DR, (u8)c);
	return 0;
}

static int pl011_getc(struct uart *u)
{
	if (mmio_read32_relaxed(u->base + PL011_FR) & PL011_FR_RXFE)
		return -EAGAIN;
	return mmio_read32_relaxed(u->base + PL011_DR) & 0xff;
}

static const char *const pl011_compat[] = { "arm,pl011", NULL };

static const struct uart_driver pl011_driver = {
	.name = "pl011",
	.compatible = pl011_compat,
	.probe = pl011_probe,
	.putc = pl011_putc,
	.getc = pl011_getc,
};
UART_DRIVER(pl011_driver);
