/*
 * Barriers, named after the instruction. The caller states why at the call
 * site (STYLE.md rule 7).
 */
#ifndef ARCH_BARRIER_H
#define ARCH_BARRIER_H

#define dsb(opt) __asm__ volatile("dsb " #opt : : : "memory")
#define dmb(opt) __asm__ volatile("dmb " #opt : : : "memory")
#define isb() __asm__ volatile("isb" : : : "memory")

#endif /* ARCH_BARRIER_H */
