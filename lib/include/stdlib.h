/*
 * The part of <stdlib.h> the firmware and libfdt need, for the freestanding
 * target build. There is no allocator and no errno here.
 */
#ifndef LIB_STDLIB_H
#define LIB_STDLIB_H

#include <stddef.h>

/*
 * strtoul() - convert the initial part of @nptr to an unsigned long.
 * @nptr:   NUL-terminated string; leading white space is skipped, then an
 *          optional '+' or '-', then digits in @base.
 * @endptr: if not NULL, receives a pointer to the first character not
 *          converted, or @nptr itself when no digits were found.
 * @base:   0 (prefix decides: "0x"/"0X" hex, "0" octal, else decimal),
 *          or 2..36; 16 also accepts an "0x"/"0X" prefix.
 *
 * Return: the value, negated in unsigned arithmetic when a '-' was given;
 * ULONG_MAX when the magnitude does not fit; 0 when no digits were found
 * or @base is invalid. With no errno, callers that must tell these apart
 * check @endptr.
 */
unsigned long strtoul(const char *nptr, char **endptr, int base);

#endif /* LIB_STDLIB_H */
