/*
 * Memory and string functions with ISO C semantics.
 *
 * Used by the firmware and by libfdt.a. This file must be compiled with
 * -fno-builtin -fno-tree-loop-distribute-patterns: otherwise GCC may
 * recognise the byte loops below as memcpy/memset idioms and compile them
 * into calls to the very functions being defined.
 *
 * memcpy, memmove and memset move a machine word at a time once the
 * pointers allow it. Word accesses are only made at word-aligned
 * addresses, so the code is correct for any alignment of the arguments
 * and does not depend on the memory type tolerating unaligned accesses;
 * buffers whose alignments differ fall back to bytes.
 */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * A word that may alias any object, so that copying, say, a struct through
 * it does not break the strict-aliasing assumptions of the optimiser.
 */
typedef unsigned long __attribute__((may_alias)) word_t;

#define WORD_SIZE	sizeof(word_t)
#define WORD_MASK	(WORD_SIZE - 1)

/* Words moved per iteration of the unrolled main loops. */
#define WORDS_PER_BLOCK	4
#define BLOCK_SIZE	(WORDS_PER_BLOCK * WORD_SIZE)

/* Every byte of a word set to 0x01: multiplied by c it replicates c. */
#define WORD_ONES	((word_t)-1 / UCHAR_MAX)

static inline int word_aligned(const void *p)
{
	return ((uintptr_t)p & WORD_MASK) == 0;
}

/*
 * Copy towards increasing addresses. Safe for overlap when dst < src:
 * every word is read before the store that could overwrite it.
 */
static void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
	if ((((uintptr_t)d ^ (uintptr_t)s) & WORD_MASK) == 0) {
		word_t *dw;
		const word_t *sw;

		while (n && !word_aligned(d)) {
			*d++ = *s++;
			n--;
		}

		dw = (word_t *)d;
		sw = (const word_t *)s;
		while (n >= BLOCK_SIZE) {
			word_t w0 = sw[0], w1 = sw[1], w2 = sw[2], w3 = sw[3];

			dw[0] = w0;
			dw[1] = w1;
			dw[2] = w2;
			dw[3] = w3;
			dw += WORDS_PER_BLOCK;
			sw += WORDS_PER_BLOCK;
			n -= BLOCK_SIZE;
		}
		while (n >= WORD_SIZE) {
			*dw++ = *sw++;
			n -= WORD_SIZE;
		}
		d = (unsigned char *)dw;
		s = (const unsigned char *)sw;
	}

	while (n--)
		*d++ = *s++;
}

/*
 * Copy towards decreasing addresses, starting from the end. Safe for
 * overlap when dst > src.
 */
static void copy_backward(unsigned char *d, const unsigned char *s, size_t n)
{
	d += n;
	s += n;

	if ((((uintptr_t)d ^ (uintptr_t)s) & WORD_MASK) == 0) {
		word_t *dw;
		const word_t *sw;

		while (n && !word_aligned(d)) {
			*--d = *--s;
			n--;
		}

		dw = (word_t *)d;
		sw = (const word_t *)s;
		while (n >= BLOCK_SIZE) {
			word_t w3 = sw[-1], w2 = sw[-2], w1 = sw[-3], w0 = sw[-4];

			dw[-1] = w3;
			dw[-2] = w2;
			dw[-3] = w1;
			dw[-4] = w0;
			dw -= WORDS_PER_BLOCK;
			sw -= WORDS_PER_BLOCK;
			n -= BLOCK_SIZE;
		}
		while (n >= WORD_SIZE) {
			*--dw = *--sw;
			n -= WORD_SIZE;
		}
		d = (unsigned char *)dw;
		s = (const unsigned char *)sw;
	}

	while (n--)
		*--d = *--s;
}

/*
 * memcpy() - copy @n bytes from @src to @dst. The regions must not
 * overlap (use memmove for that). Return: @dst.
 */
void *memcpy(void *dst, const void *src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

/*
 * memmove() - copy @n bytes from @src to @dst; the regions may overlap and
 * the result is as if the source were first copied to a temporary.
 * Return: @dst.
 */
void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/* Compare addresses as integers: the pointers may be to different objects. */
	if ((uintptr_t)d - (uintptr_t)s >= n)
		copy_forward(d, s, n);
	else
		copy_backward(d, s, n);
	return dst;
}

/*
 * memset() - fill @n bytes at @s with the byte (unsigned char)@c.
 * Return: @s.
 */
void *memset(void *s, int c, size_t n)
{
	unsigned char *d = s;
	unsigned char b = (unsigned char)c;
	word_t pattern = WORD_ONES * b;
	word_t *dw;

	while (n && !word_aligned(d)) {
		*d++ = b;
		n--;
	}

	dw = (word_t *)d;
	while (n >= BLOCK_SIZE) {
		dw[0] = pattern;
		dw[1] = pattern;
		dw[2] = pattern;
		dw[3] = pattern;
		dw += WORDS_PER_BLOCK;
		n -= BLOCK_SIZE;
	}
	while (n >= WORD_SIZE) {
		*dw++ = pattern;
		n -= WORD_SIZE;
	}

	d = (unsigned char *)dw;
	while (n--)
		*d++ = b;
	return s;
}

/*
 * memcmp() - compare @n bytes of @a and @b as unsigned char.
 * Return: <0, 0 or >0 as the first differing byte of @a is less than,
 * equal to or greater than that of @b (0 when @n is 0).
 */
int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p - *q;
	}
	return 0;
}

/*
 * memchr() - find the first byte equal to (unsigned char)@c in the @n
 * bytes at @s. Return: a pointer to it, or NULL.
 */
void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	unsigned char b = (unsigned char)c;

	for (; n; n--, p++) {
		if (*p == b)
			return (void *)p;
	}
	return NULL;
}

/* strlen() - Return: the number of bytes in @s before its NUL. */
size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

/*
 * strnlen() - Return: strlen(@s) if that is less than @maxlen, else
 * @maxlen; never reads beyond @s[@maxlen - 1].
 */
size_t strnlen(const char *s, size_t maxlen)
{
	size_t n = 0;

	while (n < maxlen && s[n])
		n++;
	return n;
}

/*
 * strchr() - find the first (char)@c in @s; the terminating NUL counts as
 * part of the string, so strchr(s, 0) points at it.
 * Return: a pointer to the character, or NULL.
 */
char *strchr(const char *s, int c)
{
	char ch = (char)c;

	for (;; s++) {
		if (*s == ch)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

/*
 * strrchr() - find the last (char)@c in @s, the terminating NUL included.
 * Return: a pointer to the character, or NULL.
 */
char *strrchr(const char *s, int c)
{
	char ch = (char)c;
	const char *last = NULL;

	for (;; s++) {
		if (*s == ch)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

/*
 * strcmp() - compare NUL-terminated @a and @b as unsigned char.
 * Return: <0, 0 or >0 as @a sorts before, equal to or after @b.
 */
int strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	while (*p && *p == *q) {
		p++;
		q++;
	}
	return *p - *q;
}

/*
 * strncmp() - as strcmp(), but compares at most @n characters.
 * Return: <0, 0 or >0; 0 when @n is 0.
 */
int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p - *q;
		if (!*p)
			return 0;
	}
	return 0;
}
