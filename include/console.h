/*
 * The console: one UART, chosen by /chosen/stdout-path, driven by whichever
 * registered UART driver matches its compatible string.
 *
 * Drivers register with UART_DRIVER(); nothing outside the driver knows a
 * register address.
 */
#ifndef CONSOLE_H
#define CONSOLE_H

#include <compiler.h>
#include <stdarg.h>
#include <types.h>

struct uart {
	uintptr_t base;
	const struct uart_driver *drv;
	u32 reg_shift;	/* register stride = 1 << reg_shift bytes */
	u32 reg_width;	/* access width in bytes */
	const void *fdt; /* the DT and the UART's node: driver-specific properties */
	int node;
};

struct uart_driver {
	const char *name;
	const char *const *compatible; /* NULL-terminated */
	int (*probe)(struct uart *u);
	/* Returns 0, or -ETIMEDOUT if the transmitter stayed full. */
	int (*putc)(struct uart *u, char c);
	/* Returns the byte, or -EAGAIN if none is waiting. */
	int (*getc)(struct uart *u);
};

#define UART_DRIVER(n) \
	static const struct uart_driver *const __uart_drv_##n __used __section(".uart_drivers") = &n

/*
 * console_init() - bring up the UART named by @fdt's /chosen/stdout-path:
 * resolve the node, find a driver, map its registers as Device memory.
 * Return: 0; -ENOENT (no stdout-path), -ENODEV (unresolvable or no driver),
 * -EINVAL (bad reg), or a mapping error. *why is set to a static message.
 */
int console_init(const void *fdt, const char **why);

bool console_ready(void);
void console_putc(char c);
void console_puts(const char *s);
/* A byte from the console, or -EAGAIN. */
int console_getc(void);

int kprintf(const char *fmt, ...) __printf(1, 2);
int kvprintf(const char *fmt, va_list ap);

#define pr_info(...) kprintf(__VA_ARGS__)
#define pr_warn(...) kprintf("warning: " __VA_ARGS__)
#define pr_err(...) kprintf("error: " __VA_ARGS__)

#endif /* CONSOLE_H */
