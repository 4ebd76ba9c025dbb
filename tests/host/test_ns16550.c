/*
 * Host tests for drivers/serial/ns16550.c against a register model of a
 * 16550 (and of a DesignWare APB UART's busy quirk) that implements the
 * driver's seam (ns16550_io_*): every access is checked for its address
 * (base + index << reg-shift) and width (reg-io-width) and logged, and time
 * is a fake clock that advances one microsecond per access. DT properties
 * come from blobs built here with libfdt's sequential-write API.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <libfdt.h>
#include <string.h>

#include "../../drivers/serial/ns16550.h"

#define BASE 0x10000000UL
#define LOG_MAX 4096

struct access {
	char op;		/* 'r' or 'w' */
	unsigned int reg;	/* register index */
	bool dlab;		/* LCR.DLAB at the time */
	u32 val;
};

static struct model {
	unsigned int shift, width;
	/* registers */
	u8 ier, lcr, mcr, fcr, dll, dlm, scr;
	u8 rx[16];
	unsigned int rx_n;
	char tx[256];
	unsigned int tx_n;
	bool thre_stuck;	/* the transmitter never takes a byte */
	unsigned int temt_after; /* TEMT reads as 0 this many LSR reads */
	bool dw;		/* DesignWare: USR exists, LCR dropped while busy */
	unsigned int busy_rounds; /* FIFO resets before BUSY clears (~0: never) */
	unsigned int usr_reads;
	u32 upper;		/* garbage in the upper bytes of 4-byte reads */
	/* log and clock */
	struct access log[LOG_MAX];
	unsigned int n;
	u64 now;
} m;

static void model_reset(unsigned int shift, unsigned int width)
{
	memset(&m, 0, sizeof(m));
	m.shift = shift;
	m.width = width;
	m.upper = width == 4 ? 0xa5a5a500 : 0;
}

static unsigned int reg_of(uintptr_t addr, unsigned int width)
{
	uintptr_t off = addr - BASE;

	if (width != m.width)
		fail_msg("access of %u bytes, reg-io-width is %u", width, m.width);
	if (addr < BASE || off & ((1UL << m.shift) - 1))
		fail_msg("address 0x%lx is not base + index << %u", (unsigned long)addr, m.shift);
	if (off >> m.shift >= (m.dw ? 32 : 8))
		fail_msg("register index %lu does not exist on this UART",
			 (unsigned long)(off >> m.shift));
	return (unsigned int)(off >> m.shift);
}

static void log_access(char op, unsigned int reg, u32 val)
{
	m.now++;
	if (m.n < LOG_MAX)
		m.log[m.n++] = (struct access){ op, reg, m.lcr & NS16550_LCR_DLAB, val };
}

static bool busy(void)
{
	return m.dw && m.busy_rounds;
}

u32 ns16550_io_read(uintptr_t addr, unsigned int width)
{
	unsigned int reg = reg_of(addr, width);
	bool dlab = m.lcr & NS16550_LCR_DLAB;
	u32 v = 0;

	switch (reg) {
	case NS16550_RBR:
		/* A DW UART built with PSLVERR_RESP_EN answers this with an APB error. */
		if (m.dw && !dlab && !m.rx_n && (m.fcr & NS16550_FCR_FIFO_EN))
			fail_msg("read of an empty RBR with the FIFOs on");
		if (dlab) {
			v = m.dll;
		} else if (m.rx_n) {
			v = m.rx[0];
			memmove(m.rx, m.rx + 1, --m.rx_n);
		}
		break;
	case NS16550_IER:
		v = dlab ? m.dlm : m.ier;
		break;
	case NS16550_LCR:
		v = m.lcr;
		break;
	case NS16550_MCR:
		v = m.mcr;
		break;
	case NS16550_LSR:
		v = (m.rx_n ? NS16550_LSR_DR : 0) | (m.thre_stuck ? 0 : NS16550_LSR_THRE);
		if (m.temt_after)
			m.temt_after--;
		else if (!m.thre_stuck)
			v |= NS16550_LSR_TEMT;
		break;
	case NS16550_SCR:
		v = m.scr;
		break;
	case NS16550_DW_USR:
		m.usr_reads++;
		v = busy() ? NS16550_DW_USR_BUSY : 0;
		break;
	default:
		break;
	}
	log_access('r', reg, v);
	return v | m.upper;
}

void ns16550_io_write(uintptr_t addr, unsigned int width, u32 val)
{
	unsigned int reg = reg_of(addr, width);
	bool dlab = m.lcr & NS16550_LCR_DLAB;

	if (val > 0xff)
		fail_msg("write of 0x%x to register %u: registers are 8 bits", val, reg);
	log_access('w', reg, val);
	switch (reg) {
	case NS16550_THR:
		if (dlab)
			m.dll = (u8)val;
		else if (!m.thre_stuck && m.tx_n < sizeof(m.tx))
			m.tx[m.tx_n++] = (char)val;
		break;
	case NS16550_IER:
		if (dlab)
			m.dlm = (u8)val;
		else
			m.ier = (u8)val;
		break;
	case NS16550_FCR:
		m.fcr = (u8)val;
		if ((val & (NS16550_FCR_RX_RESET | NS16550_FCR_TX_RESET)) && m.busy_rounds &&
		    m.busy_rounds != ~0U)
			m.busy_rounds--;
		if (val & NS16550_FCR_RX_RESET)
			m.rx_n = 0;
		break;
	case NS16550_LCR:
		if (!busy())
			m.lcr = (u8)val; /* a busy DW UART drops the write */
		break;
	case NS16550_MCR:
		m.mcr = (u8)val;
		break;
	case NS16550_SCR:
		m.scr = (u8)val;
		break;
	default:
		fail_msg("write to read-only or absent register %u", reg);
	}
}

u64 ns16550_io_deadline(u64 us)
{
	return m.now + us;
}

bool ns16550_io_expired(u64 deadline)
{
	return m.now >= deadline;
}

static struct uart uart_of(unsigned int shift, unsigned int width)
{
	return (struct uart){ .base = BASE, .reg_shift = shift, .reg_width = width };
}

static unsigned int count(char op, unsigned int reg, bool dlab)
{
	unsigned int i, c = 0;

	for (i = 0; i < m.n; i++)
		c += m.log[i].op == op && m.log[i].reg == reg && m.log[i].dlab == dlab;
	return c;
}

/* ---- DT blobs ---------------------------------------------------------------- */

static char blob[4096];

/* A blob with one node /uart: @compat (a NUL-separated list of @compat_len bytes) and optional cells. */
static int make_dt(const char *compat, int compat_len, long clock, long speed, bool compat16550,
		   int clock_len)
{
	u32 c = cpu_to_fdt32((u32)clock), s = cpu_to_fdt32((u32)speed);
	int node;

	assert_int_equal(fdt_create(blob, sizeof(blob)), 0);
	assert_int_equal(fdt_finish_reservemap(blob), 0);
	assert_int_equal(fdt_begin_node(blob, ""), 0);
	assert_int_equal(fdt_begin_node(blob, "uart"), 0);
	assert_int_equal(fdt_property(blob, "compatible", compat, compat_len), 0);
	if (clock >= 0)
		assert_int_equal(fdt_property(blob, "clock-frequency", &c, clock_len), 0);
	if (speed >= 0)
		assert_int_equal(fdt_property(blob, "current-speed", &s, sizeof(s)), 0);
	if (compat16550)
		assert_int_equal(fdt_property(blob, "snps,uart-16550-compatible", NULL, 0), 0);
	assert_int_equal(fdt_end_node(blob), 0);
	assert_int_equal(fdt_end_node(blob), 0);
	assert_int_equal(fdt_finish(blob), 0);
	node = fdt_path_offset(blob, "/uart");
	assert_true(node >= 0);
	return node;
}

#define NS "ns16550a"
#define DW "snps,dw-apb-uart"

/* ---- tests ---------------------------------------------------------------- */

static void test_parse_dt(void **state)
{
	struct ns16550_cfg cfg;
	int node;

	(void)state;
	node = make_dt(NS, sizeof(NS), -1, -1, false, 4);
	assert_int_equal(ns16550_parse_dt(blob, node, &cfg), 0);
	assert_int_equal(cfg.clock_hz, 0);
	assert_int_equal(cfg.baud, NS16550_DEFAULT_BAUD);
	assert_false(cfg.dw);

	node = make_dt(NS, sizeof(NS), 48000000, 1500000, false, 4);
	assert_int_equal(ns16550_parse_dt(blob, node, &cfg), 0);
	assert_int_equal(cfg.clock_hz, 48000000);
	assert_int_equal(cfg.baud, 1500000);

	node = make_dt("vendor,soc-uart\0" DW, sizeof("vendor,soc-uart\0" DW), -1, -1, false, 4);
	assert_int_equal(ns16550_parse_dt(blob, node, &cfg), 0);
	assert_true(cfg.dw);
	/* Synthesised 16550-compatible: no busy quirk. */
	node = make_dt(DW, sizeof(DW), -1, -1, true, 4);
	assert_int_equal(ns16550_parse_dt(blob, node, &cfg), 0);
	assert_false(cfg.dw);

	/* Malformed values are errors, not defaults. */
	node = make_dt(NS, sizeof(NS), 48000000, -1, false, 2);
	assert_int_equal(ns16550_parse_dt(blob, node, &cfg), -EINVAL);
	node = make_dt(NS, sizeof(NS), 48000000, 0, false, 4);
	assert_int_equal(ns16550_parse_dt(blob, node, &cfg), -EINVAL);
}

/* Without a clock the divisor and the line settings stay as they were. */
static void test_init_without_clock_keeps_divisor(void **state)
{
	const struct ns16550_cfg cfg = { .clock_hz = 0, .baud = 115200 };
	struct uart u = uart_of(0, 1);

	(void)state;
	model_reset(0, 1);
	m.ier = 0x0f;
	m.lcr = 0x03;
	m.dll = 13;
	assert_int_equal(ns16550_init(&u, &cfg), 0);
	assert_int_equal(m.ier, 0); /* polled: interrupts off */
	assert_int_equal(m.lcr, 0x03);
	assert_int_equal(m.dll, 13);
	assert_int_equal(count('w', NS16550_LCR, false), 0);
	assert_int_equal(count('w', NS16550_DLL, true), 0);
}

/* 8N1 at the wanted rate: DLAB on, divisor, DLAB off, after TX drained. */
static void test_init_programs_divisor(void **state)
{
	static const struct {
		u32 clock, baud, div;
		unsigned int shift, width;
	} cases[] = {
		{ 1843200, 115200, 1, 0, 1 },
		{ 24000000, 115200, 13, 2, 4 },	/* 13.02 */
		{ 48000000, 115200, 26, 2, 1 },	/* 26.04 */
		{ 100000000, 9600, 651, 2, 4 },	/* 651.04: DLM used */
		{ 25000000, 115200, 14, 0, 1 },	/* 13.56 rounds up */
	};
	unsigned int i, j, first_lcr = 0;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ns16550_cfg cfg = { cases[i].clock, cases[i].baud, false };
		struct uart u = uart_of(cases[i].shift, cases[i].width);

		model_reset(cases[i].shift, cases[i].width);
		m.temt_after = 5; /* the loader's last bytes are still going out */
		assert_int_equal(ns16550_init(&u, &cfg), 0);
		assert_int_equal(m.dll | m.dlm << 8, cases[i].div);
		assert_int_equal(m.lcr, 0x03);
		assert_int_equal(m.fcr, NS16550_FCR_FIFO_EN | NS16550_FCR_RX_RESET |
						NS16550_FCR_TX_RESET);
		assert_int_equal(m.mcr, NS16550_MCR_DTR | NS16550_MCR_RTS);
		assert_int_equal(m.ier, 0);
		/* No LCR write before the transmitter reported empty. */
		for (j = 0; j < m.n; j++)
			if (m.log[j].op == 'w' && m.log[j].reg == NS16550_LCR) {
				first_lcr = j;
				break;
			}
		for (j = 0; j < first_lcr; j++)
			if (m.log[j].op == 'r' && m.log[j].reg == NS16550_LSR &&
			    (m.log[j].val & NS16550_LSR_TEMT))
				break;
		assert_true(j < first_lcr);
		/* The divisor went in with DLAB set, only. */
		assert_int_equal(count('w', NS16550_DLL, true), 1);
		assert_int_equal(count('w', NS16550_DLM, true), 1);
		assert_int_equal(count('w', NS16550_THR, false), 0);
		/* A plain 16550 has no USR: never touched. */
		assert_int_equal(m.usr_reads, 0);
	}
}

static void test_init_bad_geometry_or_rate(void **state)
{
	const struct ns16550_cfg ok = { 1843200, 115200, false };
	const struct ns16550_cfg slow = { 1843200, 1, false };	/* divisor > 0xffff */
	const struct ns16550_cfg fast = { 1000, 115200, false };	/* divisor 0 */
	struct uart u = uart_of(2, 2);

	(void)state;
	model_reset(2, 2);
	assert_int_equal(ns16550_init(&u, &ok), -EINVAL);
	u = uart_of(2, 4);
	u.base = BASE + 2; /* not aligned to the access width */
	assert_int_equal(ns16550_init(&u, &ok), -EINVAL);
	assert_int_equal(m.n, 0);

	u = uart_of(0, 1);
	model_reset(0, 1);
	assert_int_equal(ns16550_init(&u, &slow), -EINVAL);
	assert_int_equal(ns16550_init(&u, &fast), -EINVAL);
	assert_int_equal(count('w', NS16550_LCR, false), 0);
}

static void test_init_tx_never_drains(void **state)
{
	const struct ns16550_cfg cfg = { 1843200, 115200, false };
	struct uart u = uart_of(0, 1);

	(void)state;
	model_reset(0, 1);
	m.temt_after = ~0U;
	assert_int_equal(ns16550_init(&u, &cfg), -ETIMEDOUT);
	assert_int_equal(count('w', NS16550_LCR, false), 0);
	assert_true(m.now >= 200000 && m.now < 200000 + 10);
}

static void test_putc_getc(void **state)
{
	static const unsigned int geometry[][2] = { { 0, 1 }, { 2, 4 }, { 2, 1 }, { 3, 4 } };
	unsigned int g;

	(void)state;
	for (g = 0; g < 4; g++) {
		struct uart u = uart_of(geometry[g][0], geometry[g][1]);

		model_reset(geometry[g][0], geometry[g][1]);
		assert_int_equal(ns16550_putc(&u, 'h'), 0);
		assert_int_equal(ns16550_putc(&u, '\n'), 0); /* no CR added: the console does it */
		assert_int_equal(ns16550_putc(&u, (char)0xe9), 0);
		assert_int_equal(m.tx_n, 3);
		assert_memory_equal(m.tx, "h\n\xe9", 3);

		assert_int_equal(ns16550_getc(&u), -EAGAIN);
		m.rx[0] = 'q';
		m.rx[1] = 0xff;
		m.rx_n = 2;
		/* Only the low byte of a 4-byte read counts (m.upper is garbage). */
		assert_int_equal(ns16550_getc(&u), 'q');
		assert_int_equal(ns16550_getc(&u), 0xff);
		assert_int_equal(ns16550_getc(&u), -EAGAIN);
	}
}

static void test_putc_times_out(void **state)
{
	struct uart u = uart_of(2, 4);

	(void)state;
	model_reset(2, 4);
	m.thre_stuck = true;
	assert_int_equal(ns16550_putc(&u, 'x'), -ETIMEDOUT);
	assert_int_equal(count('w', NS16550_THR, false), 0);
	/* 50 ms on the clock, and not much more. */
	assert_true(m.now >= 50000 && m.now < 50000 + 10);
}

/* DW: an LCR write dropped while busy is retried after resetting the FIFOs. */
static void test_dw_busy_lcr_retried(void **state)
{
	const struct ns16550_cfg cfg = { 24000000, 115200, true };
	struct uart u = uart_of(2, 4);

	(void)state;
	model_reset(2, 4);
	m.dw = true;
	m.busy_rounds = 3;
	m.rx[0] = 'z';
	m.rx_n = 1;
	assert_int_equal(ns16550_init(&u, &cfg), 0);
	assert_int_equal(m.dll | m.dlm << 8, 13);
	assert_int_equal(m.lcr, 0x03);
	assert_true(m.usr_reads >= 1);	  /* clears the busy-detect interrupt */
	assert_true(count('w', NS16550_LCR, false) >= 4); /* dropped three times */
}

static void test_dw_busy_forever(void **state)
{
	const struct ns16550_cfg cfg = { 24000000, 115200, true };
	struct uart u = uart_of(2, 4);

	(void)state;
	model_reset(2, 4);
	m.dw = true;
	m.busy_rounds = ~0U;
	m.lcr = 0x03;
	assert_int_equal(ns16550_init(&u, &cfg), -EBUSY);
	assert_true(m.now < 200000 + 20000 + 100); /* bounded: drain + busy timeouts */
	assert_int_equal(count('w', NS16550_DLL, true), 0); /* never wrote DLL as THR */
	assert_int_equal(m.tx_n, 0);
}

/* probe = parse + init, from the node in struct uart. */
static void test_probe_from_dt(void **state)
{
	struct uart u = uart_of(2, 4);

	(void)state;
	u.fdt = blob;
	u.node = make_dt("nuvoton,npcm845-uart\0" NS, sizeof("nuvoton,npcm845-uart\0" NS),
			 24000000, 115200, false, 4);
	model_reset(2, 4);
	assert_int_equal(ns16550_probe(&u), 0);
	assert_int_equal(m.dll, 13);
	u.node = make_dt(NS, sizeof(NS), 48000000, -1, false, 3);
	assert_int_equal(ns16550_probe(&u), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_dt),
		cmocka_unit_test(test_init_without_clock_keeps_divisor),
		cmocka_unit_test(test_init_programs_divisor),
		cmocka_unit_test(test_init_bad_geometry_or_rate),
		cmocka_unit_test(test_init_tx_never_drains),
		cmocka_unit_test(test_putc_getc),
		cmocka_unit_test(test_putc_times_out),
		cmocka_unit_test(test_dw_busy_lcr_retried),
		cmocka_unit_test(test_dw_busy_forever),
		cmocka_unit_test(test_probe_from_dt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
