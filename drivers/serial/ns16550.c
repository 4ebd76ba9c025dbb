/*
 * 16550/8250-compatible UART console driver: "ns16550a", "ns16550" and the
 * Synopsys DesignWare APB UART ("snps,dw-apb-uart"), with the DT's
 * reg-shift and reg-io-width (1 or 4). Polled: interrupts stay off.
 *
 * The logic only: registers are reached through ns16550_io_read/_write
 * and time through ns16550_io_deadline/_expired (ns16550.h), so the host
 * test runs this file against a register model.
 *
 * DesignWare quirk (Linux 8250_dw.c, dw8250_check_lcr()/dw8250_force_idle()):
 * unless synthesised 16550-compatible, the DW UART ignores an LCR write
 * while USR.BUSY is set (a character is being sent or received), and
 * raises a busy-detect interrupt (IIR = 0x7) that only a USR read clears.
 * LCR is written only here, when the divisor is programmed, so every LCR
 * write is read back, and on a mismatch the FIFOs are reset, a waiting
 * byte read (reading an empty RBR may raise an APB error when the UART is
 * built with PSLVERR_RESP_EN), USR read and the write retried until a
 * time bound.
 */
#include <errno.h>
#include <libfdt.h>
#include "ns16550.h"

/* At 9600 baud one character takes ~1 ms; a full 16-byte FIFO ~17 ms. */
#define NS16550_TX_TIMEOUT_US 50000
/* Draining a 128-byte DW FIFO at 9600 baud takes ~133 ms. */
#define NS16550_DRAIN_TIMEOUT_US 200000
/* A DW UART stays busy for one character time after its FIFOs are reset. */
#define NS16550_BUSY_TIMEOUT_US 20000

static uintptr_t reg_addr(const struct uart *u, unsigned int reg)
{
	return u->base + ((uintptr_t)reg << u->reg_shift);
}

static u32 reg_read(const struct uart *u, unsigned int reg)
{
	return ns16550_io_read(reg_addr(u, reg), u->reg_width) & NS16550_DATA;
}

static void reg_write(const struct uart *u, unsigned int reg, u32 val)
{
	ns16550_io_write(reg_addr(u, reg), u->reg_width, val & NS16550_DATA);
}

/* Wait until (@reg & @mask) == @want, for at most @timeout_us. */
static int reg_poll(const struct uart *u, unsigned int reg, u32 mask, u32 want, u64 timeout_us)
{
	u64 deadline = ns16550_io_deadline(timeout_us);

	for (;;) {
		/* Expiry is taken before the read, so a late read still counts. */
		bool expired = ns16550_io_expired(deadline);

		if ((reg_read(u, reg) & mask) == want)
			return 0;
		if (expired)
			return -ETIMEDOUT;
	}
}

static int read_cell(const void *fdt, int node, const char *name, u32 *out)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p)
		return -ENOENT;
	if (len != (int)sizeof(*p))
		return -EINVAL;
	*out = fdt32_ld(p);
	return 0;
}

int ns16550_parse_dt(const void *fdt, int node, struct ns16550_cfg *cfg)
{
	int ret;

	cfg->clock_hz = 0;
	cfg->baud = NS16550_DEFAULT_BAUD;
	cfg->dw = !fdt_node_check_compatible(fdt, node, "snps,dw-apb-uart") &&
		  !fdt_getprop(fdt, node, "snps,uart-16550-compatible", NULL);
	ret = read_cell(fdt, node, "clock-frequency", &cfg->clock_hz);
	if (ret == -EINVAL)
		return ret;
	ret = read_cell(fdt, node, "current-speed", &cfg->baud);
	if (ret == -EINVAL || !cfg->baud)
		return -EINVAL;
	return 0;
}

/* Write LCR; on a DW UART make sure the write was not dropped (see top). */
static int lcr_write(const struct uart *u, bool dw, u32 lcr)
{
	u64 deadline;

	reg_write(u, NS16550_LCR, lcr);
	if (!dw)
		return 0;
	deadline = ns16550_io_deadline(NS16550_BUSY_TIMEOUT_US);
	for (;;) {
		bool expired = ns16550_io_expired(deadline);

		/* Linux compares without SPAR, which some DW versions read back differently. */
		if (!((reg_read(u, NS16550_LCR) ^ lcr) & ~NS16550_LCR_SPAR & NS16550_DATA))
			return 0;
		if (expired)
			return -EBUSY;
		reg_write(u, NS16550_FCR,
			  NS16550_FCR_FIFO_EN | NS16550_FCR_RX_RESET | NS16550_FCR_TX_RESET);
		if (reg_read(u, NS16550_LSR) & NS16550_LSR_DR)
			reg_read(u, NS16550_RBR);
		reg_read(u, NS16550_DW_USR); /* clears a pending busy-detect interrupt */
		reg_write(u, NS16550_LCR, lcr);
	}
}

int ns16550_init(const struct uart *u, const struct ns16550_cfg *cfg)
{
	const u32 lcr_8n1 = FIELD_PREP(NS16550_LCR_WLS, NS16550_LCR_WLS_8);
	u32 div;
	int ret;

	if ((u->reg_width != 1 && u->reg_width != 4) || !IS_ALIGNED(u->base, u->reg_width))
		return -EINVAL;
	reg_write(u, NS16550_IER, 0); /* polled: no interrupt from the UART */
	if (!cfg->clock_hz)
		return 0;
	/* Nearest divisor: clock / (16 * baud), rounded (PC16550D table 9). */
	div = (u32)(((u64)cfg->clock_hz + 8ULL * cfg->baud) / (16ULL * cfg->baud));
	if (!div || div > NS16550_DIVISOR_MAX)
		return -EINVAL;
	ret = reg_poll(u, NS16550_LSR, NS16550_LSR_TEMT, NS16550_LSR_TEMT,
		       NS16550_DRAIN_TIMEOUT_US);
	if (ret)
		return ret;
	ret = lcr_write(u, cfg->dw, lcr_8n1 | NS16550_LCR_DLAB);
	if (ret)
		return ret;
	reg_write(u, NS16550_DLL, div & 0xff);
	reg_write(u, NS16550_DLM, div >> 8);
	ret = lcr_write(u, cfg->dw, lcr_8n1);
	if (ret)
		return ret;
	reg_write(u, NS16550_FCR, NS16550_FCR_FIFO_EN | NS16550_FCR_RX_RESET | NS16550_FCR_TX_RESET);
	reg_write(u, NS16550_MCR, NS16550_MCR_DTR | NS16550_MCR_RTS);
	return 0;
}

int ns16550_probe(struct uart *u)
{
	struct ns16550_cfg cfg;
	int ret = ns16550_parse_dt(u->fdt, u->node, &cfg);

	return ret ? ret : ns16550_init(u, &cfg);
}

int ns16550_putc(struct uart *u, char c)
{
	int ret = reg_poll(u, NS16550_LSR, NS16550_LSR_THRE, NS16550_LSR_THRE,
			   NS16550_TX_TIMEOUT_US);

	if (ret)
		return ret; /* the byte is dropped rather than hanging the firmware */
	reg_write(u, NS16550_THR, (u8)c);
	return 0;
}

int ns16550_getc(struct uart *u)
{
	if (!(reg_read(u, NS16550_LSR) & NS16550_LSR_DR))
		return -EAGAIN;
	return (int)reg_read(u, NS16550_RBR);
}

static const char *const ns16550_compat[] = { "ns16550a", "ns16550", "snps,dw-apb-uart", NULL };

static const struct uart_driver ns16550_driver = {
	.name = "ns16550",
	.compatible = ns16550_compat,
	.probe = ns16550_probe,
	.putc = ns16550_putc,
	.getc = ns16550_getc,
};
UART_DRIVER(ns16550_driver);
