/*
 * Register access and time for the 16550 driver (the seam in ns16550.h):
 * MMIO and the generic timer. The host test replaces this file.
 */
#include <arch/mmio.h>
#include <arch/timer.h>
#include "ns16550.h"

/*
 * Relaxed accesses: the UART's registers are Device-nGnRE, so accesses to
 * them stay in program order among themselves, and the console orders
 * nothing against normal memory (no DMA).
 */
u32 ns16550_io_read(uintptr_t addr, unsigned int width)
{
	return width == 4 ? mmio_read32_relaxed(addr) : mmio_read8_relaxed(addr);
}

void ns16550_io_write(uintptr_t addr, unsigned int width, u32 val)
{
	if (width == 4)
		mmio_write32_relaxed(addr, val);
	else
		mmio_write8_relaxed(addr, (u8)val);
}

u64 ns16550_io_deadline(u64 us)
{
	return timer_deadline(us);
}

bool ns16550_io_expired(u64 deadline)
{
	return timer_expired(deadline);
}
