/* Compiler attributes used across the tree. */
#ifndef COMPILER_H
#define COMPILER_H

#define __unused __attribute__((unused))
#define __noreturn __attribute__((noreturn))
#define __packed __attribute__((packed))
#define __aligned(x) __attribute__((aligned(x)))
#define __section(s) __attribute__((section(s)))
#define __used __attribute__((used))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Compiler barrier: no memory access is moved across it (no CPU ordering). */
#define barrier() __asm__ volatile("" : : : "memory")

/*
 * The compiler forgets what it knew about @var's value: a computed address
 * then draws no bounds warnings and no folding (tests that touch guard
 * pages or address 8 on purpose).
 */
#define OPTIMIZER_HIDE_VAR(var) __asm__("" : "+r"(var))

#endif /* COMPILER_H */
