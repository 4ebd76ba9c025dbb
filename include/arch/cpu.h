/* Waiting on this CPU: hints, named after the instruction (Arm ARM C6.2). */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

/* YIELD: a spin-wait hint for polling loops. */
static inline void cpu_relax(void)
{
	__asm__ volatile("yield" : : : "memory");
}

/* WFE: sleep until an event; used only to park the CPU for good. */
static inline void wfe(void)
{
	__asm__ volatile("wfe" : : : "memory");
}

/* Park the CPU for good (nothing left to do, nowhere to report to). */
static inline void __attribute__((noreturn)) cpu_park(void)
{
	for (;;)
		wfe();
}

#endif /* ARCH_CPU_H */
