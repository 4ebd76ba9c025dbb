/*
 * Bit and field helpers, usable from C, assembly and linker scripts.
 *
 * Fields are masks (GENMASK(hi, lo)); FIELD_PREP/FIELD_GET shift by the
 * mask's lowest set bit. FIELD_PREP of a constant that does not fit its
 * field fails to compile.
 */
#ifndef BITS_H
#define BITS_H

#ifdef __ASSEMBLER__
#define UL(x) (x)
#define ULL(x) (x)
#else
#define UL(x) (x##UL)
#define ULL(x) (x##ULL)
#endif

#define BIT(n) (UL(1) << (n))
#define BIT_ULL(n) (ULL(1) << (n))
#ifdef __ASSEMBLER__
/* gas shifts right arithmetically: build the mask from the bottom up. */
#define GENMASK(h, l) (((1 << ((h) - (l) + 1)) - 1) << (l))
#else
#define GENMASK(h, l) (((~UL(0)) << (l)) & (~UL(0) >> (63 - (h))))
#define GENMASK_ULL(h, l) (((~ULL(0)) << (l)) & (~ULL(0) >> (63 - (h))))
#endif

#ifndef __ASSEMBLER__

#define __bf_shf(x) (__builtin_ffsll(x) - 1)

/*
 * A constant value that does not fit the mask is a compile-time error: the
 * array size goes negative.
 */
#define __BF_CHECK(mask, val)                                                   \
	((void)sizeof(char[1 - 2 * (__builtin_constant_p(val) &&                     \
				    ((((unsigned long long)(val)) << __bf_shf(mask)) & \
				     ~(unsigned long long)(mask)))]))

#define FIELD_PREP(mask, val)                                                    \
	(__BF_CHECK(mask, val),                                                  \
	 (((unsigned long long)(val) << __bf_shf(mask)) & (mask)))
#define FIELD_GET(mask, reg) (((reg) & (mask)) >> __bf_shf(mask))

#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* !__ASSEMBLER__ */

#endif /* BITS_H */
