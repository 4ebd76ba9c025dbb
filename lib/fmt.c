/*
 * Formatted printing core. See include/fmt.h for the supported language.
 *
 * Each conversion is parsed into a struct fmt_spec, the argument is fetched
 * according to its length modifier, and the field is laid out as
 *
 *   [spaces][sign or 0x][zeros][body][spaces]
 *
 * which is the C99 7.19.6.1 layout for every supported conversion. The
 * code uses no floating point, so it builds with -mgeneral-regs-only.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fmt.h"

/* Flags of one conversion specification. */
#define FMT_LEFT	(1U << 0)	/* '-': pad on the right */
#define FMT_ZERO	(1U << 1)	/* '0': pad numbers with zeros */
#define FMT_PLUS	(1U << 2)	/* '+': always print a sign */
#define FMT_SPACE	(1U << 3)	/* ' ': space where '+' would be */
#define FMT_ALT		(1U << 4)	/* '#': 0x for hex, leading 0 for octal */
#define FMT_UPPER	(1U << 5)	/* %X: upper-case digits and prefix */

/* No precision given: distinct from ".0", which suppresses a zero value. */
#define FMT_NO_PRECISION	(-1)

#define DECIMAL		10
#define OCTAL		8
#define HEX		16

#define HEX_DIGIT_BITS		4
#define OCTAL_DIGIT_BITS	3

/* %p prints every nibble of a 64-bit address. */
#define POINTER_DIGITS	(sizeof(uint64_t) * CHAR_BIT / HEX_DIGIT_BITS)

/* Longest body: uintmax_t in octal, rounded up to whole digits. */
#define NUM_BUF_SIZE	\
	((sizeof(uintmax_t) * CHAR_BIT + OCTAL_DIGIT_BITS - 1) / OCTAL_DIGIT_BITS)

enum fmt_length {
	LEN_INT,	/* none */
	LEN_CHAR,	/* hh */
	LEN_SHORT,	/* h */
	LEN_LONG,	/* l */
	LEN_LLONG,	/* ll */
	LEN_SIZE,	/* z */
	LEN_INTMAX,	/* j */
	LEN_PTRDIFF,	/* t */
};

struct fmt_spec {
	unsigned int flags;
	int width;
	int precision;
	enum fmt_length length;
};

static const char hex_lower[] = "0123456789abcdef";
static const char hex_upper[] = "0123456789ABCDEF";

struct fmt_sink {
	fmt_out_fn out;
	void *ctx;
	size_t count;
};

static void emit(struct fmt_sink *sink, char c)
{
	sink->out(sink->ctx, c);
	sink->count++;
}

static void emit_repeat(struct fmt_sink *sink, char c, int n)
{
	for (; n > 0; n--)
		emit(sink, c);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Parse a decimal field width or precision, saturating at INT_MAX. */
static int parse_decimal(const char **fmtp)
{
	const char *p = *fmtp;
	int v = 0;

	for (; is_digit(*p); p++) {
		int d = *p - '0';

		v = v > (INT_MAX - d) / DECIMAL ? INT_MAX : v * DECIMAL + d;
	}
	*fmtp = p;
	return v;
}

/*
 * Lay out one field: @prefix (sign and/or "0x"), then @zeros leading
 * zeros, then @len bytes of @body, padded with spaces to the width.
 */
static void emit_field(struct fmt_sink *sink, const struct fmt_spec *spec,
		       const char *prefix, int zeros, const char *body, size_t len)
{
	size_t plen = strlen(prefix);
	size_t total;
	int pad = 0;

	total = plen + (size_t)zeros + len;
	if ((size_t)spec->width > total)
		pad = spec->width - (int)total;

	if (!(spec->flags & FMT_LEFT))
		emit_repeat(sink, ' ', pad);
	for (size_t i = 0; i < plen; i++)
		emit(sink, prefix[i]);
	emit_repeat(sink, '0', zeros);
	for (size_t i = 0; i < len; i++)
		emit(sink, body[i]);
	if (spec->flags & FMT_LEFT)
		emit_repeat(sink, ' ', pad);
}

/*
 * Format an integer already reduced to magnitude @value and sign
 * @negative, in @base, following C99 rules for precision and flags.
 */
static void emit_integer(struct fmt_sink *sink, const struct fmt_spec *spec,
			 uintmax_t value, bool negative, unsigned int base,
			 bool is_signed)
{
	const char *digits = (spec->flags & FMT_UPPER) ? hex_upper : hex_lower;
	char buf[NUM_BUF_SIZE];
	char *body = buf + sizeof(buf);
	const char *prefix = "";
	size_t len;
	int zeros = 0;

	/* A zero value with zero precision has no digits at all (C99 7.19.6.1p8). */
	if (value != 0 || spec->precision != 0) {
		do {
			*--body = digits[value % base];
			value /= base;
		} while (value);
	}
	len = (size_t)(buf + sizeof(buf) - body);

	if (is_signed) {
		if (negative)
			prefix = "-";
		else if (spec->flags & FMT_PLUS)
			prefix = "+";
		else if (spec->flags & FMT_SPACE)
			prefix = " ";
	} else if ((spec->flags & FMT_ALT) && base == HEX && len &&
		   body[0] != '0') {
		/* '#' adds 0x only for a nonzero value. */
		prefix = (spec->flags & FMT_UPPER) ? "0X" : "0x";
	}

	if (spec->precision > 0 && (size_t)spec->precision > len)
		zeros = spec->precision - (int)len;

	/* '#' with octal raises the precision just enough to start with a 0. */
	if ((spec->flags & FMT_ALT) && base == OCTAL && zeros == 0 &&
	    (len == 0 || body[0] != '0'))
		zeros = 1;

	/* '0' pads with zeros after the prefix, unless '-' or a precision. */
	if ((spec->flags & FMT_ZERO) && !(spec->flags & FMT_LEFT) &&
	    spec->precision == FMT_NO_PRECISION) {
		size_t used = strlen(prefix) + (size_t)zeros + len;

		if ((size_t)spec->width > used)
			zeros += spec->width - (int)used;
	}

	emit_field(sink, spec, prefix, zeros, body, len);
}

/* Fetch a signed argument per the length modifier and format it. */
static void emit_signed(struct fmt_sink *sink, const struct fmt_spec *spec,
			va_list *ap)
{
	intmax_t v;
	uintmax_t magnitude;

	switch (spec->length) {
	case LEN_CHAR:
		/* %hhd: the value is a signed char (C11 7.21.6.1), sign and all. */
		/* NOLINTNEXTLINE(bugprone-signed-char-misuse,cert-str34-c) */
		v = (signed char)va_arg(*ap, int);
		break;
	case LEN_SHORT:
		v = (short)va_arg(*ap, int);
		break;
	case LEN_LONG:
		v = va_arg(*ap, long);
		break;
	case LEN_LLONG:
		v = va_arg(*ap, long long);
		break;
	case LEN_SIZE:
		/* %zd takes the signed type of size_t's width: ptrdiff_t on every ABI we build for. */
		v = (intmax_t)(ptrdiff_t)va_arg(*ap, size_t);
		break;
	/* One case per C type: intmax_t and ptrdiff_t are both long on LP64 only. */
	/* NOLINTNEXTLINE(bugprone-branch-clone) */
	case LEN_INTMAX:
		v = va_arg(*ap, intmax_t);
		break;
	case LEN_PTRDIFF:
		v = va_arg(*ap, ptrdiff_t);
		break;
	case LEN_INT:
	default:
		v = va_arg(*ap, int);
		break;
	}

	/* Negate in unsigned arithmetic: -INTMAX_MIN does not fit intmax_t. */
	magnitude = v < 0 ? -(uintmax_t)v : (uintmax_t)v;
	emit_integer(sink, spec, magnitude, v < 0, DECIMAL, true);
}

/* Fetch an unsigned argument per the length modifier and format it. */
static void emit_unsigned(struct fmt_sink *sink, const struct fmt_spec *spec,
			  va_list *ap, unsigned int base)
{
	uintmax_t v;

	switch (spec->length) {
	case LEN_CHAR:
		v = (unsigned char)va_arg(*ap, unsigned int);
		break;
	case LEN_SHORT:
		v = (unsigned short)va_arg(*ap, unsigned int);
		break;
	case LEN_LONG:
		v = va_arg(*ap, unsigned long);
		break;
	case LEN_LLONG:
		v = va_arg(*ap, unsigned long long);
		break;
	/* One case per C type: size_t and uintmax_t are both unsigned long on LP64 only. */
	/* NOLINTNEXTLINE(bugprone-branch-clone) */
	case LEN_SIZE:
		v = va_arg(*ap, size_t);
		break;
	case LEN_INTMAX:
		v = va_arg(*ap, uintmax_t);
		break;
	case LEN_PTRDIFF:
		/* The unsigned type of ptrdiff_t's width: same width as size_t. */
		v = (size_t)va_arg(*ap, ptrdiff_t);
		break;
	case LEN_INT:
	default:
		v = va_arg(*ap, unsigned int);
		break;
	}

	emit_integer(sink, spec, v, false, base, false);
}

static void emit_pointer(struct fmt_sink *sink, const struct fmt_spec *spec,
			 va_list *ap)
{
	/* Fixed width, so addresses line up in logs; only '-' and width apply. */
	struct fmt_spec pspec = {
		.flags = spec->flags & FMT_LEFT,
		.width = spec->width,
		.precision = FMT_NO_PRECISION,
		.length = LEN_INT,
	};
	uintptr_t v = (uintptr_t)va_arg(*ap, void *);
	char buf[POINTER_DIGITS];

	for (size_t i = POINTER_DIGITS; i > 0; i--) {
		buf[i - 1] = hex_lower[v % HEX];
		v /= HEX;
	}
	emit_field(sink, &pspec, "0x", 0, buf, sizeof(buf));
}

static void emit_string(struct fmt_sink *sink, const struct fmt_spec *spec,
			const char *s)
{
	size_t len = 0;

	if (!s)
		s = "(null)";
	/* Do not read past the precision: the array need not be terminated. */
	while ((spec->precision == FMT_NO_PRECISION ||
		len < (size_t)spec->precision) && s[len])
		len++;
	emit_field(sink, spec, "", 0, s, len);
}

/*
 * Parse the flags, width, precision and length of the specification that
 * starts after a '%', consuming '*' arguments. Returns the conversion
 * character's position.
 */
static const char *parse_spec(const char *p, struct fmt_spec *spec,
			      va_list *ap)
{
	spec->flags = 0;
	spec->width = 0;
	spec->precision = FMT_NO_PRECISION;
	spec->length = LEN_INT;

	for (;; p++) {
		if (*p == '-')
			spec->flags |= FMT_LEFT;
		else if (*p == '0')
			spec->flags |= FMT_ZERO;
		else if (*p == '+')
			spec->flags |= FMT_PLUS;
		else if (*p == ' ')
			spec->flags |= FMT_SPACE;
		else if (*p == '#')
			spec->flags |= FMT_ALT;
		else
			break;
	}

	if (*p == '*') {
		int w = va_arg(*ap, int);

		/* A negative '*' width is a '-' flag and a positive width. */
		if (w < 0) {
			spec->flags |= FMT_LEFT;
			w = w == INT_MIN ? INT_MAX : -w;
		}
		spec->width = w;
		p++;
	} else {
		spec->width = parse_decimal(&p);
	}

	if (*p == '.') {
		p++;
		if (*p == '*') {
			int prec = va_arg(*ap, int);

			/* A negative '*' precision is taken as if omitted. */
			spec->precision = prec < 0 ? FMT_NO_PRECISION : prec;
			p++;
		} else {
			/* "." alone is a precision of zero. */
			spec->precision = parse_decimal(&p);
		}
	}

	switch (*p) {
	case 'h':
		p++;
		if (*p == 'h') {
			spec->length = LEN_CHAR;
			p++;
		} else {
			spec->length = LEN_SHORT;
		}
		break;
	case 'l':
		p++;
		if (*p == 'l') {
			spec->length = LEN_LLONG;
			p++;
		} else {
			spec->length = LEN_LONG;
		}
		break;
	case 'z':
		spec->length = LEN_SIZE;
		p++;
		break;
	case 'j':
		spec->length = LEN_INTMAX;
		p++;
		break;
	case 't':
		spec->length = LEN_PTRDIFF;
		p++;
		break;
	default:
		break;
	}

	return p;
}

/*
 * fmt_vcbprintf() - see include/fmt.h for the contract.
 */
int fmt_vcbprintf(fmt_out_fn out, void *ctx, const char *fmt, va_list ap)
{
	struct fmt_sink sink = { .out = out, .ctx = ctx, .count = 0 };
	struct fmt_spec spec;
	const char *p = fmt;
	va_list args;

	/*
	 * Work on a copy passed by address: va_list may be an array type, and
	 * a pointer to a va_list parameter is then not a va_list *.
	 */
	va_copy(args, ap);

	while (*p) {
		char conv;

		if (*p != '%') {
			emit(&sink, *p++);
			continue;
		}

		p = parse_spec(p + 1, &spec, &args);
		conv = *p;
		if (!conv) {
			/* A lone '%' at the end of the format is printed as-is. */
			emit(&sink, '%');
			break;
		}
		p++;

		switch (conv) {
		case 'd':
		case 'i':
			emit_signed(&sink, &spec, &args);
			break;
		case 'u':
			emit_unsigned(&sink, &spec, &args, DECIMAL);
			break;
		case 'o':
			emit_unsigned(&sink, &spec, &args, OCTAL);
			break;
		case 'x':
			emit_unsigned(&sink, &spec, &args, HEX);
			break;
		case 'X':
			spec.flags |= FMT_UPPER;
			emit_unsigned(&sink, &spec, &args, HEX);
			break;
		case 'c': {
			char c = (char)va_arg(args, int);

			emit_field(&sink, &spec, "", 0, &c, 1);
			break;
		}
		case 's':
			emit_string(&sink, &spec, va_arg(args, const char *));
			break;
		case 'p':
			emit_pointer(&sink, &spec, &args);
			break;
		case '%':
			emit(&sink, '%');
			break;
		default:
			/* Unsupported (floating point, %n, ...): show it, consume nothing. */
			emit(&sink, '%');
			emit(&sink, conv);
			break;
		}
	}

	va_end(args);

	if (sink.count > INT_MAX)
		return -EOVERFLOW;
	return (int)sink.count;
}

struct fmt_buf {
	char *buf;
	size_t size;
	size_t pos;
};

static void buf_out(void *ctx, char c)
{
	struct fmt_buf *b = ctx;

	/* Keep the last byte for the NUL; count the rest without storing. */
	if (b->pos + 1 < b->size)
		b->buf[b->pos] = c;
	b->pos++;
}

/*
 * fmt_vsnprintf() - see include/fmt.h for the contract.
 */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_buf b = { .buf = buf, .size = size, .pos = 0 };
	int ret;

	ret = fmt_vcbprintf(buf_out, &b, fmt, ap);
	if (size)
		buf[b.pos < size ? b.pos : size - 1] = '\0';
	return ret;
}

/*
 * fmt_snprintf() - see include/fmt.h for the contract.
 */
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return ret;
}
