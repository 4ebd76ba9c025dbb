/*
 * Formatted printing core: the printf family's format language, without
 * floating point, over either a per-character callback or a buffer.
 *
 * Supported, with C99 meaning:
 *   flags        - 0 + space #
 *   width        digits or '*' (a negative '*' width means '-' flag)
 *   precision    .digits or .* (a negative '*' precision is ignored)
 *   length       hh h l ll z j t
 *   conversions  d i u x X o c s p %
 *
 * Differences from C, chosen for firmware logs:
 *   %p  always prints "0x" and 16 hex digits, NULL included.
 *   %s  of NULL prints "(null)" (still limited by a precision).
 *   %n, floating point and any other conversion are not implemented: the
 *       '%' and the conversion character are printed as-is and no argument
 *       is consumed for them. GCC's format checking (the __printf
 *       attribute) rejects such formats at compile time anyway.
 */
#ifndef FMT_H
#define FMT_H

#include <stdarg.h>
#include <stddef.h>

#include "compiler.h"

/* Sink for fmt_vcbprintf(): called once per output character, in order. */
typedef void (*fmt_out_fn)(void *ctx, char c);

/*
 * fmt_vcbprintf() - format @fmt with @ap, passing each character to @out.
 * @out: called with @ctx for every character; it cannot fail or stop the
 *       formatting (a sink that runs out of room drops characters).
 * @ctx: opaque to the formatter.
 *
 * No NUL is emitted. Return: the number of characters passed to @out, or
 * -EOVERFLOW if that number does not fit in an int.
 */
int fmt_vcbprintf(fmt_out_fn out, void *ctx, const char *fmt, va_list ap);

/*
 * fmt_vsnprintf() - format into @buf, C99 vsnprintf() semantics.
 * @buf:  receives at most @size - 1 characters and a NUL; may be NULL when
 *        @size is 0, in which case nothing is written.
 *
 * Return: the length the full output would have had (not counting the
 * NUL), so a result >= @size means it was truncated; -EOVERFLOW as for
 * fmt_vcbprintf().
 */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* fmt_snprintf() - fmt_vsnprintf() with a variable argument list. */
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif /* FMT_H */
