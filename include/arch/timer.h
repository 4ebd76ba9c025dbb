/*
 * The Arm generic timer's physical counter, the time base of every bounded
 * wait (STYLE.md rule 6).
 */
#ifndef ARCH_TIMER_H
#define ARCH_TIMER_H

#include <arch/barrier.h>
#include <arch/sysreg.h>
#include <types.h>

static inline u64 timer_count(void)
{
	isb(); /* CNTPCT_EL0 is read speculatively otherwise (Arm ARM D12.2.2) */
	return read_sysreg(cntpct_el0);
}

static inline u64 timer_freq(void)
{
	return read_sysreg(cntfrq_el0);
}

/* Counter ticks in @us microseconds, rounded up, at least one. */
u64 timer_us_to_ticks(u64 us);

/*
 * A deadline @us microseconds from now; timer_expired() tells when it is
 * reached.
 */
static inline u64 timer_deadline(u64 us)
{
	return timer_count() + timer_us_to_ticks(us);
}

static inline bool timer_expired(u64 deadline)
{
	return (s64)(timer_count() - deadline) >= 0;
}

void udelay(u64 us);

#endif /* ARCH_TIMER_H */
