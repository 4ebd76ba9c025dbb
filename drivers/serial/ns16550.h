/*
 * 16550-compatible UART: registers, and the seam between the driver's logic
 * (ns16550.c, host-tested) and its register access (ns16550_io.c).
 *
 * Registers from the National Semiconductor PC16550D data sheet (June
 * 1995), table 2; USR from the Synopsys DesignWare DW_apb_uart databook
 * (as used by Linux's drivers/tty/serial/8250/8250_dw.c). Each register is
 * one byte of data at index N, found at byte offset N << reg-shift and
 * accessed reg-io-width bytes wide (1 or 4; of a 4-byte access only the low
 * byte is meaningful):
 *
 *   index  read             write            with LCR.DLAB = 1
 *   0      RBR receive      THR transmit     DLL divisor low
 *   1      IER              IER              DLM divisor high
 *   2      IIR              FCR
 *   3      LCR              LCR
 *   4      MCR              MCR
 *   5      LSR
 *   7      SCR              SCR
 *   31     USR (DW only: busy status)
 */
#ifndef DRIVERS_SERIAL_NS16550_H
#define DRIVERS_SERIAL_NS16550_H

#include <bits.h>
#include <console.h>
#include <types.h>

#define NS16550_RBR 0
#define NS16550_THR 0
#define NS16550_DLL 0
#define NS16550_IER 1
#define NS16550_DLM 1
#define NS16550_FCR 2
#define NS16550_FCR_FIFO_EN BIT(0)
#define NS16550_FCR_RX_RESET BIT(1)
#define NS16550_FCR_TX_RESET BIT(2)
#define NS16550_LCR 3
#define NS16550_LCR_WLS GENMASK(1, 0)	/* word length select */
#define NS16550_LCR_WLS_8 3
#define NS16550_LCR_STB BIT(2)		/* 0: one stop bit */
#define NS16550_LCR_PEN BIT(3)		/* 0: no parity */
#define NS16550_LCR_SPAR BIT(5)		/* stick parity: DW reads it back differently */
#define NS16550_LCR_DLAB BIT(7)		/* divisor latch access */
#define NS16550_MCR 4
#define NS16550_MCR_DTR BIT(0)
#define NS16550_MCR_RTS BIT(1)
#define NS16550_LSR 5
#define NS16550_LSR_DR BIT(0)		/* a received byte is waiting */
#define NS16550_LSR_THRE BIT(5)		/* THR (or the TX FIFO) has room */
#define NS16550_LSR_TEMT BIT(6)		/* THR and the shift register are empty */
#define NS16550_SCR 7
#define NS16550_DW_USR 31
#define NS16550_DW_USR_BUSY BIT(0)	/* serial transfer in progress: LCR writes are dropped */

#define NS16550_DATA GENMASK(7, 0)	/* the meaningful bits of every register */
#define NS16550_DIVISOR_MAX 0xffff
#define NS16550_DEFAULT_BAUD 115200

/* What the DT says about one UART (ns16550_parse_dt()). */
struct ns16550_cfg {
	u32 clock_hz;	/* clock-frequency; 0: unknown, the divisor is left alone */
	u32 baud;	/* current-speed, or NS16550_DEFAULT_BAUD */
	bool dw;	/* snps,dw-apb-uart without snps,uart-16550-compatible */
};

/*
 * ns16550_parse_dt() - read clock-frequency, current-speed and the
 * DesignWare quirk from UART node @node of @fdt.
 * Return: 0; -EINVAL if clock-frequency or current-speed is not one cell
 * or current-speed is 0.
 */
int ns16550_parse_dt(const void *fdt, int node, struct ns16550_cfg *cfg);

/*
 * ns16550_init() - set up a UART for polled use: interrupts off; with a
 * known clock, after the transmitter drained (so the loader's last bytes go
 * out at the old rate), 8N1 at cfg->baud, FIFOs on and reset, DTR and RTS
 * on. Without a clock, the divisor and line settings stay as the loader
 * left them (as Linux's earlycon does).
 * Return: 0; -EINVAL (width not 1 or 4, base not aligned to it, divisor
 * out of range); -ETIMEDOUT (transmitter never drained); -EBUSY (a DW UART
 * kept dropping the LCR write).
 */
int ns16550_init(const struct uart *u, const struct ns16550_cfg *cfg);

/* struct uart_driver's probe/putc/getc (include/console.h). */
int ns16550_probe(struct uart *u);
int ns16550_putc(struct uart *u, char c);
int ns16550_getc(struct uart *u);

/*
 * The seam: one register access of @width bytes (1 or 4) at @addr, and the
 * time base of every poll. ns16550_io.c implements them with MMIO and the
 * generic timer; the host test with a register model and a fake clock.
 */
u32 ns16550_io_read(uintptr_t addr, unsigned int width);
void ns16550_io_write(uintptr_t addr, unsigned int width, u32 val);
/* A deadline @us microseconds from now, and whether it has passed. */
u64 ns16550_io_deadline(u64 us);
bool ns16550_io_expired(u64 deadline);

#endif /* DRIVERS_SERIAL_NS16550_H */
