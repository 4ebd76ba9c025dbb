/*
 * Console core: picks the UART from the DT and routes kprintf() to it.
 * Output before console_init() succeeds is dropped (there is nowhere to put
 * it); boot_main() only prints once a console exists.
 */
#include <arch/sysreg.h>
#include <console.h>
#include <dt.h>
#include <errno.h>
#include <fmt.h>
#include <libfdt.h>
#include <mm/mmu.h>

extern const struct uart_driver *const __uart_drivers_start[], *const __uart_drivers_end[];

static struct uart console_uart;
static bool ready;

static const struct uart_driver *find_driver(const void *fdt, int node)
{
	const struct uart_driver *const *d;

	for (d = __uart_drivers_start; d < __uart_drivers_end; d++) {
		const char *const *c;

		for (c = (*d)->compatible; *c; c++)
			if (dt_is_compatible(fdt, node, *c))
				return *d;
	}
	return NULL;
}

static int read_u32_prop(const void *fdt, int node, const char *name, u32 def, u32 *out)
{
	int len;
	const void *p = fdt_getprop(fdt, node, name, &len);

	if (!p) {
		*out = def;
		return 0;
	}
	if (len != 4)
		return -EINVAL;
	*out = fdt32_ld(p);
	return 0;
}

int console_init(const void *fdt, const char **why)
{
	struct uart u = { 0 };
	phys_addr_t base;
	u64 size;
	int node, ret;

	ret = dt_stdout_node(fdt, &node);
	if (ret) {
		*why = ret == -ENOENT ? "no /chosen/stdout-path" :
		       ret == -ENODEV ? "/chosen/stdout-path names no node" :
					"malformed /chosen/stdout-path";
		return ret;
	}
	u.drv = find_driver(fdt, node);
	if (!u.drv) {
		*why = "no driver for the stdout-path node's compatible";
		return -ENODEV;
	}
	if (dt_reg_phys(fdt, node, 0, &base, &size) || !size) {
		*why = "stdout-path node has no usable reg";
		return -EINVAL;
	}
	if (read_u32_prop(fdt, node, "reg-shift", 0, &u.reg_shift) ||
	    read_u32_prop(fdt, node, "reg-io-width", 1, &u.reg_width) || u.reg_shift > 4) {
		*why = "bad reg-shift or reg-io-width";
		return -EINVAL;
	}
	ret = mmu_map(base, size, MMU_DEVICE, u.drv->name);
	if (ret) {
		*why = "cannot map the UART's registers";
		return ret;
	}
	u.base = (uintptr_t)base;
	u.fdt = fdt;
	u.node = node;
	ret = u.drv->probe(&u);
	if (ret) {
		*why = "UART probe failed";
		return ret;
	}
	console_uart = u;
	ready = true;
	return 0;
}

bool console_ready(void)
{
	return ready;
}

void console_putc(char c)
{
	if (!ready)
		return;
	if (c == '\n')
		console_uart.drv->putc(&console_uart, '\r');
	console_uart.drv->putc(&console_uart, c);
}

void console_puts(const char *s)
{
	while (*s)
		console_putc(*s++);
}

int console_getc(void)
{
	if (!ready)
		return -EAGAIN;
	return console_uart.drv->getc(&console_uart);
}

static void out_console(void *ctx, char c)
{
	(void)ctx;
	console_putc(c);
}

int kvprintf(const char *fmt, va_list ap)
{
	return fmt_vcbprintf(out_console, NULL, fmt, ap);
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}
