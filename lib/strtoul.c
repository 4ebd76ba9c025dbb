/*
 * strtoul() with the ISO C semantics (C11 7.22.1.4), minus errno: there is
 * none in the firmware, so overflow is visible only as ULONG_MAX and "no
 * digits" only through endptr.
 */
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

/* Bases allowed by C: 0 (from the prefix) or 2 up to 10 digits + 26 letters. */
#define STRTOUL_BASE_MIN	2
#define STRTOUL_BASE_MAX	36
#define DECIMAL_DIGITS		10

static bool is_space(char c)
{
	/* The "C" locale's isspace(): space, \t, \n, \v, \f, \r. */
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Value of @c as a digit in any base up to 36, or STRTOUL_BASE_MAX if none. */
static unsigned int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned int)(c - '0');
	if (c >= 'a' && c <= 'z')
		return (unsigned int)(c - 'a') + DECIMAL_DIGITS;
	if (c >= 'A' && c <= 'Z')
		return (unsigned int)(c - 'A') + DECIMAL_DIGITS;
	return STRTOUL_BASE_MAX;
}

static bool has_hex_prefix(const char *s)
{
	/*
	 * "0x" only counts as a prefix when a hex digit follows; otherwise
	 * the subject sequence is just "0" and *endptr points at the 'x'.
	 */
	return s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
	       digit_value(s[2]) < 16;
}

/*
 * strtoul() - see <stdlib.h> for the contract. Out-of-range bases return
 * 0 with *@endptr = @nptr, as glibc does.
 */
unsigned long strtoul(const char *nptr, char **endptr, int base)
{
	const char *s = nptr;
	const char *digits;
	unsigned long value = 0;
	unsigned long cutoff;
	unsigned int cutlim;
	bool negative = false;
	bool overflow = false;

	if (base != 0 && (base < STRTOUL_BASE_MIN || base > STRTOUL_BASE_MAX)) {
		if (endptr)
			*endptr = (char *)nptr;
		return 0;
	}

	while (is_space(*s))
		s++;
	if (*s == '+' || *s == '-') {
		negative = *s == '-';
		s++;
	}

	if ((base == 0 || base == 16) && has_hex_prefix(s)) {
		s += 2;
		base = 16;
	} else if (base == 0) {
		base = *s == '0' ? 8 : 10;
	}

	/* value * base + d overflows iff value > cutoff, or == cutoff and d > cutlim. */
	cutoff = ULONG_MAX / (unsigned int)base;
	cutlim = (unsigned int)(ULONG_MAX % (unsigned int)base);

	digits = s;
	for (;; s++) {
		unsigned int d = digit_value(*s);

		if (d >= (unsigned int)base)
			break;
		if (overflow || value > cutoff || (value == cutoff && d > cutlim)) {
			overflow = true;
			continue;
		}
		value = value * (unsigned int)base + d;
	}

	if (s == digits) {
		if (endptr)
			*endptr = (char *)nptr;
		return 0;
	}
	if (endptr)
		*endptr = (char *)s;
	if (overflow)
		return ULONG_MAX;
	return negative ? -value : value;
}
