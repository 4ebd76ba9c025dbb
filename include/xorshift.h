/*
 * xorshift64* (S. Vigna, "An experimental exploration of Marsaglia's
 * xorshift generators, scrambled", ACM TOMS 42(4), 2016): the one small,
 * deterministic generator of the soak, the allocator benchmark traces, the
 * randomized host tests and the fuzzer's mutations. Same seed, same
 * sequence, on every host and in the image. Not for anything secret.
 */
#ifndef XORSHIFT_H
#define XORSHIFT_H

#include <types.h>

/* Advance *@state (must not be 0: it would stay 0) and return the next value. */
static inline u64 xorshift64star(u64 *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545f4914f6cdd1dULL;
}

#endif /* XORSHIFT_H */
