/* What boot_main() learned, for the rest of the firmware. */
#ifndef BOOT_H
#define BOOT_H

#include <types.h>

struct boot_info {
	const void *fdt;	/* the DT in use */
	bool dtb_builtin;	/* the fallback from dts/, not the loader's */
	phys_addr_t loader_dtb;	/* x0 at entry */
	unsigned int entry_el;
	const char *bootargs;	/* /chosen/bootargs, or NULL */
};

extern struct boot_info boot_info;

/* The serial console's command loop; never returns. */
void shell_run(void) __attribute__((noreturn));

#endif /* BOOT_H */
