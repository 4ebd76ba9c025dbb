/* Time-bounded waits on the generic timer (STYLE.md rule 6). */
#include <arch/mmio.h>
#include <arch/timer.h>
#include <errno.h>

#define USEC_PER_SEC 1000000ULL

u64 timer_us_to_ticks(u64 us)
{
	u64 freq = timer_freq();
	/* Split to avoid overflow for long waits at high counter rates. */
	u64 ticks = (us / USEC_PER_SEC) * freq +
		    ((us % USEC_PER_SEC) * freq + USEC_PER_SEC - 1) / USEC_PER_SEC;

	return ticks ? ticks : 1;
}

void udelay(u64 us)
{
	u64 deadline = timer_deadline(us);

	while (!timer_expired(deadline))
		;
}

int mmio_poll32(uintptr_t addr, u32 mask, u32 want, u64 timeout_us, u32 *last)
{
	u64 deadline = timer_deadline(timeout_us);
	u32 v;

	for (;;) {
		/* Expiry is checked before the read so a late read still counts. */
		bool expired = timer_expired(deadline);

		v = mmio_read32(addr);
		if ((v & mask) == want) {
			if (last)
				*last = v;
			return 0;
		}
		if (expired)
			break;
	}
	if (last)
		*last = v;
	return -ETIMEDOUT;
}
