/*
 * Host tests for lib/fmt.c.
 *
 * The reference is the host C library: for every case the same format and
 * arguments go through the host's vsnprintf() and through fmt_vsnprintf(),
 * and both the text and the return value must match. Where fmt.h
 * deliberately differs from C (%p, %s of NULL, unsupported conversions),
 * the expected text is spelled out instead.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include <cmocka.h>

#include "bits.h"
#include "compiler.h"
#include "fmt.h"

/* Larger than any output the tables produce, so nothing truncates. */
#define OUT_SIZE	512
/* Poison for bytes a bounded write must not touch. */
#define CANARY		0xa5
/* Truncation tests try every size up to the full length plus this. */
#define EXTRA_SIZES	3

/* Mismatches seen by the current test; each test asserts it stays 0. */
static int mismatches;

/*
 * Format with the host's vsnprintf and with ours into @size-byte buffers
 * followed by canaries; report any difference in return value, in the
 * bytes written, or in the bytes past @size.
 */
static void compare_sized(size_t size, const char *fmt, va_list ap)
{
	unsigned char ref[OUT_SIZE + EXTRA_SIZES], got[OUT_SIZE + EXTRA_SIZES];
	va_list ap_ref, ap_got;
	int rref, rgot;

	memset(ref, CANARY, sizeof(ref));
	memset(got, CANARY, sizeof(got));

	va_copy(ap_ref, ap);
	va_copy(ap_got, ap);
	rref = vsnprintf(size ? (char *)ref : NULL, size, fmt, ap_ref);
	rgot = fmt_vsnprintf(size ? (char *)got : NULL, size, fmt, ap_got);
	va_end(ap_ref);
	va_end(ap_got);

	if (rref != rgot || memcmp(ref, got, sizeof(ref)) != 0) {
		print_error("format \"%s\" size %zu: host %d \"%.*s\", fmt %d \"%.*s\"\n",
			    fmt, size, rref, (int)(size ? size - 1 : 0),
			    (const char *)ref, rgot, (int)(size ? size - 1 : 0),
			    (const char *)got);
		mismatches++;
	}
}

/* One case, with a buffer that is large enough. */
static __printf(1, 2) void check(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	compare_sized(OUT_SIZE, fmt, ap);
	va_end(ap);
}

/* One case at every buffer size from 0 to a little past the full length. */
static __printf(1, 2) void check_sizes(const char *fmt, ...)
{
	va_list ap, cp;
	int len;

	va_start(ap, fmt);
	va_copy(cp, ap);
	len = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	assert_true(len >= 0 && len + EXTRA_SIZES <= OUT_SIZE);
	for (size_t size = 0; size <= (size_t)len + EXTRA_SIZES; size++)
		compare_sized(size, fmt, ap);
	va_end(ap);
}

/* Expected text for fmt.h's own conventions, where the host differs. */
static __printf(2, 3) void expect(const char *want, const char *fmt, ...)
{
	char got[OUT_SIZE];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = fmt_vsnprintf(got, sizeof(got), fmt, ap);
	va_end(ap);

	if (ret != (int)strlen(want) || strcmp(got, want) != 0) {
		print_error("format \"%s\": want \"%s\", got %d \"%s\"\n", fmt,
			    want, ret, got);
		mismatches++;
	}
}

/* Flag, width and precision combinations for every integer conversion. */
static const char *const int_formats[] = {
	"%d", "%i", "%u", "%x", "%X", "%o",
	"%5d", "%-5d|", "%05d", "%+d", "% d", "%+5d", "%-+5d|", "%+05d",
	"% 05d", "%- 5d|", "%+ d", "%1d", "%20d", "%020d", "%-20d|",
	"%.0d", "%.1d", "%.3d", "%8.3d", "%-8.3d|", "%08.3d", "%+.3d",
	"% .3d", "%.12d", "%+012d", "%0-8d|", "%-08d|",
	"%5u", "%05u", "%.0u", "%.7u", "%+u", "% u",
	"%#x", "%#X", "%#5x", "%#05x", "%#08x", "%#-8x|", "%-#8X|", "%.5x",
	"%#.5x", "%#10.5x", "%#.0x", "%.0x", "%010X", "%#010X",
	"%#o", "%#.0o", "%.0o", "%#5o", "%#05o", "%#.3o", "%#.8o", "%-#8o|",
	"%hhd", "%hhi", "%hhu", "%hhx", "%#hhX", "%hho", "%5hhd",
	"%hd", "%hi", "%hu", "%hx", "%#hX", "%ho", "%+08hd",
	"[%d]", "x%dy%dz",
};

static const int int_values[] = {
	0, 1, -1, 7, 8, 9, 10, 42, -42, 99, 100, 127, 128, 255, 256, -128,
	-129, 32767, 32768, -32768, -32769, 65535, 65536, 0x12345678,
	-0x12345678, 1000000, INT_MAX, INT_MIN, INT_MIN + 1,
};

static void test_int(void **state)
{
	(void)state;
	for (size_t f = 0; f < ARRAY_SIZE(int_formats); f++)
		for (size_t v = 0; v < ARRAY_SIZE(int_values); v++)
			check(int_formats[f], int_values[v], int_values[v]);
	assert_int_equal(mismatches, 0);
}

/*
 * 64-bit values for the l, ll, z, t and j modifiers. Each group passes the
 * argument as its own type, as va_arg requires.
 */
static const long long wide_values[] = {
	0, 1, -1, 42, -42, INT_MAX, INT_MIN, (long long)UINT_MAX,
	(long long)UINT_MAX + 1, 9999999999LL, -9999999999LL,
	1000000000000000000LL, 0x123456789abcdef0LL, -0x123456789abcdef0LL,
	LLONG_MAX, LLONG_MIN, LLONG_MIN + 1,
};

static const char *const long_formats[] = {
	"%ld", "%li", "%lu", "%lx", "%lX", "%lo", "%#lx", "%#lo", "%+ld",
	"% ld", "%25ld", "%-25ld|", "%025ld", "%.20ld", "%#.20lx", "%#025lx",
	"%.0lu",
};

static const char *const llong_formats[] = {
	"%lld", "%lli", "%llu", "%llx", "%llX", "%llo", "%#llx", "%#llo",
	"%+lld", "%030lld", "%-30llu|", "%.25llx", "%#30.22llo",
};

static const char *const size_formats[] = {
	"%zu", "%zd", "%zx", "%zX", "%zo", "%#zx", "%+zd", "%20zu", "%.3zd",
};

static const char *const ptrdiff_formats[] = {
	"%td", "%ti", "%tu", "%tx", "%to", "%+td", "%-22td|", "%08tx",
};

static const char *const intmax_formats[] = {
	"%jd", "%ji", "%ju", "%jx", "%jX", "%jo", "%#jo", "% jd", "%024jd",
};

static void test_wide(void **state)
{
	(void)state;
	for (size_t v = 0; v < ARRAY_SIZE(wide_values); v++) {
		long long x = wide_values[v];

		for (size_t f = 0; f < ARRAY_SIZE(long_formats); f++)
			check(long_formats[f], (long)x);
		for (size_t f = 0; f < ARRAY_SIZE(llong_formats); f++)
			check(llong_formats[f], x);
		for (size_t f = 0; f < ARRAY_SIZE(size_formats); f++)
			check(size_formats[f], (size_t)x);
		for (size_t f = 0; f < ARRAY_SIZE(ptrdiff_formats); f++)
			check(ptrdiff_formats[f], (ptrdiff_t)x);
		for (size_t f = 0; f < ARRAY_SIZE(intmax_formats); f++)
			check(intmax_formats[f], (intmax_t)x);
	}
	/* Literal formats, so the compiler checks them against the types. */
	check("%lu %llu %zu", ULONG_MAX, ULLONG_MAX, SIZE_MAX);
	check("%jd %ju", INTMAX_MIN, UINTMAX_MAX);
	check("%td", PTRDIFF_MIN);
	check("%hhd %hhu %hd %hu", (signed char)-1, (unsigned char)200,
	      (short)-300, (unsigned short)60000);
	assert_int_equal(mismatches, 0);
}

static const char *const str_formats[] = {
	"%s", "[%s]", "%10s|", "%-10s|", "%.0s|", "%.2s|", "%10.2s|",
	"%-10.2s|", "%.10s|", "%3s|", "%-3s|", "%.30s", "%1s",
};

static const char *const str_values[] = {
	"", "a", "hello", "hello, world", "with\ttab\nand newline",
	"\x80\xff high bytes",
};

static void test_string(void **state)
{
	/* Not NUL-terminated: a precision must stop the read inside it. */
	static const char unterminated[3] = { 'a', 'b', 'c' };

	(void)state;
	for (size_t f = 0; f < ARRAY_SIZE(str_formats); f++)
		for (size_t v = 0; v < ARRAY_SIZE(str_values); v++)
			check(str_formats[f], str_values[v]);
	check("%.3s", unterminated);
	check("%.*s", 2, unterminated);
	assert_int_equal(mismatches, 0);
}

static void test_char(void **state)
{
	static const char *const char_formats[] = {
		"%c", "[%c]", "%5c|", "%-5c|", "%1c", "%c%c",
	};
	static const int char_values[] = { 'a', 'Z', ' ', '%', 0x80, 0xff, 0x141 };

	(void)state;
	for (size_t f = 0; f < ARRAY_SIZE(char_formats); f++)
		for (size_t v = 0; v < ARRAY_SIZE(char_values); v++)
			check(char_formats[f], char_values[v], char_values[v]);
	/* A NUL is output and counted like any other character. */
	check("a%cb", 0);
	check("%3c|", 0);
	assert_int_equal(mismatches, 0);
}

static void test_star_and_misc(void **state)
{
	(void)state;
	check("%*d|", 5, 42);
	check("%-*d|", 5, 42);
	check("%*d|", -5, 42);
	check("%0*d|", 6, -5);
	check("%0*d|", -6, -5);
	check("%*d|", 0, 42);
	check("%.*d|", 3, 7);
	check("%.*d|", 0, 0);
	check("%.*d|", -1, 0);
	check("%.*d|", -3, 7);
	check("%*.*d|", 8, 3, -7);
	check("%-*.*x|", 10, 6, 0xbeef);
	check("%*s|", 8, "abc");
	check("%*s|", -8, "abc");
	check("%.*s|", 3, "abcdef");
	check("%.*s|", -1, "abcdef");
	check("%*.*s|", 6, 2, "abcdef");
	check("%*c|", 4, 'q');
	check("%%");
	check("100%%");
	check("%%d %d %%", 3);
	check("no conversions at all");
	check("%d%s%c%x%o%u%i%X", -1, "s", 'c', 0xabcU, 8U, 9U, -9, 0xABCU);
	check("%s=%d, %s=%#x, %s=%5.2s|", "a", 1, "b", 255U, "c", "xyz");
	assert_int_equal(mismatches, 0);
}

static void test_pointer(void **state)
{
	(void)state;
	expect("0x0000000000001234", "%p", (void *)0x1234);
	expect("0x0000000000000000", "%p", NULL);
	expect("0xffffffffffffffff", "%p", (void *)UINTPTR_MAX);
	expect("0xdeadbeefcafef00d", "%p", (void *)0xdeadbeefcafef00dULL);
	expect("  0x0000000000001234", "%20p", (void *)0x1234);
	expect("0x0000000000001234  |", "%-20p|", (void *)0x1234);
	expect("0x0000000000001234", "%5p", (void *)0x1234);
	expect("[0x00000000000000ab]", "[%p]", (void *)0xab);
	assert_int_equal(mismatches, 0);
}

/* No format attribute: these formats are ones GCC would reject. */
static int call_unchecked(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return ret;
}

/*
 * %s of NULL: GCC rightly warns when it sees a null %s argument to a
 * printf-like function, so these go through the unchecked wrapper.
 */
static void expect_null_str(const char *want, const char *fmt)
{
	char got[OUT_SIZE];
	int ret;

	ret = call_unchecked(got, sizeof(got), fmt, (const char *)NULL);
	if (ret != (int)strlen(want) || strcmp(got, want) != 0) {
		print_error("format \"%s\" of NULL: want \"%s\", got %d \"%s\"\n",
			    fmt, want, ret, got);
		mismatches++;
	}
}

static void test_null_string(void **state)
{
	(void)state;
	expect_null_str("(null)", "%s");
	expect_null_str("  (null)", "%8s");
	expect_null_str("(null)  |", "%-8s|");
	expect_null_str("(nu", "%.3s");
	expect_null_str("", "%.0s");
	assert_int_equal(mismatches, 0);
}

static void test_unsupported(void **state)
{
	char buf[OUT_SIZE];

	(void)state;
	/* Printed as-is, and no argument consumed: the 5 goes to the %d. */
	assert_int_equal(call_unchecked(buf, sizeof(buf), "a%yb%d", 5), 5);
	assert_string_equal(buf, "a%yb5");
	assert_int_equal(call_unchecked(buf, sizeof(buf), "%f|%d", 7), 4);
	assert_string_equal(buf, "%f|7");
	assert_int_equal(call_unchecked(buf, sizeof(buf), "%n%d", 3), 3);
	assert_string_equal(buf, "%n3");
	/* A '%' ending the format. */
	assert_int_equal(call_unchecked(buf, sizeof(buf), "50%"), 3);
	assert_string_equal(buf, "50%");
	assert_int_equal(call_unchecked(buf, sizeof(buf), "x%-5"), 2);
	assert_string_equal(buf, "x%");
}

static void test_truncation(void **state)
{
	(void)state;
	check_sizes("hello");
	check_sizes("%d", -123456);
	check_sizes("%s and %s", "this", "that");
	check_sizes("%-10s|%+08d|%#x", "ab", 42, 0x1fU);
	check_sizes("%c%c%c", 'x', 0, 'y');
	check_sizes("%20lld", LLONG_MIN);
	assert_int_equal(mismatches, 0);
}

static void test_return_values(void **state)
{
	char buf[4];
	int ret;

	(void)state;
	/* size 0: nothing written, buf may be NULL, full length returned. */
	assert_int_equal(fmt_snprintf(NULL, 0, "%d", 12345), 5);
	assert_int_equal(call_unchecked(NULL, 0, ""), 0);

	memset(buf, CANARY, sizeof(buf));
	assert_int_equal(fmt_snprintf(buf, 0, "abc"), 3);
	assert_int_equal((unsigned char)buf[0], CANARY);

	/* size 1: only the NUL fits. */
	assert_int_equal(fmt_snprintf(buf, 1, "abc"), 3);
	assert_int_equal(buf[0], '\0');
	assert_int_equal((unsigned char)buf[1], CANARY);

	/* Exactly full: the last character gives way to the NUL. */
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "abcd"), 4);
	assert_string_equal(buf, "abc");
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "abc"), 3);
	assert_string_equal(buf, "abc");

	/* Output far longer than the buffer still reports its full length. */
	ret = fmt_snprintf(buf, sizeof(buf), "%1000d", 1);
	assert_int_equal(ret, snprintf(NULL, 0, "%1000d", 1));
	assert_int_equal(ret, 1000);
	assert_string_equal(buf, "   ");
}

struct collect {
	char text[OUT_SIZE];
	size_t len;
};

static void collect_out(void *ctx, char c)
{
	struct collect *col = ctx;

	assert_true(col->len < sizeof(col->text));
	col->text[col->len++] = c;
}

static __printf(2, 3) int cb_printf(struct collect *col, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = fmt_vcbprintf(collect_out, col, fmt, ap);
	va_end(ap);
	return ret;
}

static void test_callback(void **state)
{
	struct collect col = { .len = 0 };
	char ref[OUT_SIZE];
	int rref, ret;

	(void)state;
	ret = cb_printf(&col, "%s:%5d:%-4x|%c", "cb", -17, 0xaU, 0);
	rref = snprintf(ref, sizeof(ref), "%s:%5d:%-4x|%c", "cb", -17, 0xaU, 0);
	/* Every character, NUL included, reaches the callback; none is added. */
	assert_int_equal(ret, rref);
	assert_int_equal(col.len, (size_t)rref);
	assert_memory_equal(col.text, ref, (size_t)rref);
}

static int reset_mismatches(void **state)
{
	(void)state;
	mismatches = 0;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_int, reset_mismatches),
		cmocka_unit_test_setup(test_wide, reset_mismatches),
		cmocka_unit_test_setup(test_string, reset_mismatches),
		cmocka_unit_test_setup(test_char, reset_mismatches),
		cmocka_unit_test_setup(test_star_and_misc, reset_mismatches),
		cmocka_unit_test_setup(test_pointer, reset_mismatches),
		cmocka_unit_test_setup(test_null_string, reset_mismatches),
		cmocka_unit_test_setup(test_unsupported, reset_mismatches),
		cmocka_unit_test_setup(test_truncation, reset_mismatches),
		cmocka_unit_test_setup(test_return_values, reset_mismatches),
		cmocka_unit_test_setup(test_callback, reset_mismatches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
