/*
 * Host tests for lib/string.c and lib/strtoul.c.
 *
 * Built with -include tests/host/libc_prefix.h: lib_<name>() is ours,
 * ref_<name>() is the host libc's, and every case runs both on identical
 * inputs. The copy and fill tests compare whole guarded buffers, so a
 * write outside the requested range is caught, at every alignment.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "bits.h"
#include "compiler.h"

/* Alignments tried for each pointer argument: covers any word size up to 16. */
#define MAX_ALIGN	16
/* Lengths 0..MAX_LEN: several words, plus tails, whatever the alignment. */
#define MAX_LEN		64
/* Room for both pointers at any alignment and length, plus guard bytes. */
#define BUF_SIZE	(2 * MAX_ALIGN + MAX_LEN + MAX_ALIGN)
/* What untouched guard bytes hold. */
#define CANARY		0xa5

/* Fill with a position-dependent pattern, so misplaced bytes show up. */
static void fill_pattern(unsigned char *buf, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (unsigned char)(i * 7 + seed * 13 + 1);
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static void test_memcpy(void **state)
{
	unsigned char src[BUF_SIZE];
	unsigned char got[BUF_SIZE] __aligned(MAX_ALIGN);
	unsigned char want[BUF_SIZE] __aligned(MAX_ALIGN);

	(void)state;
	fill_pattern(src, sizeof(src), 0);
	for (size_t sa = 0; sa < MAX_ALIGN; sa++)
		for (size_t da = 0; da < MAX_ALIGN; da++)
			for (size_t len = 0; len <= MAX_LEN; len++) {
				ref_memset(got, CANARY, sizeof(got));
				ref_memset(want, CANARY, sizeof(want));
				ref_memcpy(want + da, src + sa, len);
				assert_ptr_equal(lib_memcpy(got + da, src + sa, len),
						 got + da);
				assert_memory_equal(got, want, sizeof(got));
			}
}

static void test_memset(void **state)
{
	/* Includes values that must be truncated to unsigned char. */
	static const int values[] = { 0, 1, 0x5a, 0x7f, 0x80, 0xff, -1, 0x1234, -0x80 };
	unsigned char got[BUF_SIZE] __aligned(MAX_ALIGN);
	unsigned char want[BUF_SIZE] __aligned(MAX_ALIGN);

	(void)state;
	for (size_t v = 0; v < ARRAY_SIZE(values); v++)
		for (size_t a = 0; a < MAX_ALIGN; a++)
			for (size_t len = 0; len <= MAX_LEN; len++) {
				ref_memset(got, CANARY, sizeof(got));
				ref_memset(want, CANARY, sizeof(want));
				ref_memset(want + a, values[v], len);
				assert_ptr_equal(lib_memset(got + a, values[v], len),
						 got + a);
				assert_memory_equal(got, want, sizeof(got));
			}
}

/*
 * Every source and destination offset within one buffer, so the regions
 * overlap in both directions, not at all, or exactly.
 */
static void test_memmove(void **state)
{
	unsigned char got[BUF_SIZE] __aligned(MAX_ALIGN);
	unsigned char want[BUF_SIZE] __aligned(MAX_ALIGN);
	unsigned char init[BUF_SIZE];

	(void)state;
	fill_pattern(init, sizeof(init), 1);
	for (size_t so = 0; so < 2 * MAX_ALIGN; so++)
		for (size_t dof = 0; dof < 2 * MAX_ALIGN; dof++)
			for (size_t len = 0; len <= MAX_LEN; len++) {
				ref_memcpy(got, init, sizeof(got));
				ref_memcpy(want, init, sizeof(want));
				ref_memmove(want + dof, want + so, len);
				assert_ptr_equal(lib_memmove(got + dof, got + so, len),
						 got + dof);
				assert_memory_equal(got, want, sizeof(got));
			}

	/* Disjoint buffers, either order in memory. */
	ref_memcpy(got, init, sizeof(got));
	ref_memcpy(want, init, sizeof(want));
	lib_memmove(got, init + 3, MAX_LEN);
	ref_memmove(want, init + 3, MAX_LEN);
	assert_memory_equal(got, want, sizeof(got));
}

static void test_memcmp(void **state)
{
	unsigned char a[BUF_SIZE], b[BUF_SIZE];
	/* Differing byte pairs, including ones that are negative as char. */
	static const unsigned char diffs[][2] = {
		{ 0x01, 0x02 }, { 0x02, 0x01 }, { 0x80, 0x01 }, { 0x01, 0x80 },
		{ 0xff, 0x00 }, { 0x00, 0xff },
	};

	(void)state;
	for (size_t aa = 0; aa < MAX_ALIGN; aa++)
		for (size_t ba = 0; ba < MAX_ALIGN; ba++)
			for (size_t len = 0; len <= MAX_LEN; len++) {
				fill_pattern(a + aa, len, 2);
				fill_pattern(b + ba, len, 2);
				assert_int_equal(lib_memcmp(a + aa, b + ba, len), 0);
				for (size_t pos = 0; pos < len; pos++)
					for (size_t d = 0; d < ARRAY_SIZE(diffs); d++) {
						a[aa + pos] = diffs[d][0];
						b[ba + pos] = diffs[d][1];
						assert_int_equal(
							sign(lib_memcmp(a + aa, b + ba, len)),
							sign(ref_memcmp(a + aa, b + ba, len)));
						/* Only bytes before @len count. */
						assert_int_equal(lib_memcmp(a + aa, b + ba, pos), 0);
						b[ba + pos] = a[aa + pos];
					}
			}
}

static void test_memchr(void **state)
{
	unsigned char buf[BUF_SIZE];
	static const int needles[] = { 0, 1, 'a', 0x80, 0xff, -1, 0x100 + 'a' };

	(void)state;
	fill_pattern(buf, sizeof(buf), 3);
	buf[10] = 'a';
	buf[20] = 0;
	buf[30] = 0xff;
	buf[40] = 0x80;
	for (size_t n = 0; n < ARRAY_SIZE(needles); n++)
		for (size_t off = 0; off < MAX_ALIGN; off++)
			for (size_t len = 0; len <= MAX_LEN; len++)
				assert_ptr_equal(lib_memchr(buf + off, needles[n], len),
						 ref_memchr(buf + off, needles[n], len));
}

static void test_strlen(void **state)
{
	char buf[BUF_SIZE];

	(void)state;
	for (size_t off = 0; off < MAX_ALIGN; off++)
		for (size_t len = 0; len <= MAX_LEN; len++) {
			ref_memset(buf, 'x', sizeof(buf));
			buf[off + len] = '\0';
			assert_int_equal(lib_strlen(buf + off), ref_strlen(buf + off));
			assert_int_equal(lib_strlen(buf + off), len);
			for (size_t max = 0; max <= len + 2; max++)
				assert_int_equal(lib_strnlen(buf + off, max),
						 ref_strnlen(buf + off, max));
		}

	/* strnlen must stop at @maxlen even with no NUL in sight. */
	ref_memset(buf, 'y', sizeof(buf));
	assert_int_equal(lib_strnlen(buf, sizeof(buf)), sizeof(buf));
	assert_int_equal(lib_strnlen(buf, 5), 5);
}

static const char *const strings[] = {
	"", "a", "abc", "abd", "ab", "abcd", "b", "hello, world",
	"hello, world!", "Hello", "\x80", "\xff", "\x7f", "a\x80", "a\xff",
	"path/to/node@1000", "/", "//", "a/b/c", "x=y=z",
};

static void test_strchr(void **state)
{
	static const int needles[] = {
		'\0', 'a', 'b', 'z', '/', '@', '=', 'l', 0x80, 0xff, -1,
		0x100 + '/',
	};

	(void)state;
	for (size_t s = 0; s < ARRAY_SIZE(strings); s++)
		for (size_t n = 0; n < ARRAY_SIZE(needles); n++) {
			assert_ptr_equal(lib_strchr(strings[s], needles[n]),
					 ref_strchr(strings[s], needles[n]));
			assert_ptr_equal(lib_strrchr(strings[s], needles[n]),
					 ref_strrchr(strings[s], needles[n]));
		}
}

static void test_strcmp(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(strings); i++)
		for (size_t j = 0; j < ARRAY_SIZE(strings); j++) {
			const char *a = strings[i], *b = strings[j];

			assert_int_equal(sign(lib_strcmp(a, b)),
					 sign(ref_strcmp(a, b)));
			for (size_t n = 0; n <= ref_strlen(a) + 2; n++)
				assert_int_equal(sign(lib_strncmp(a, b, n)),
						 sign(ref_strncmp(a, b, n)));
		}
}

static const char *const numbers[] = {
	"", " ", "+", "-", "- 1", "+-1", "--1", "0", "00", "-0", "+0", "  -0",
	"1", "42", "+42", "-42", " \t\n\v\f\r42", "42 ", "42abc", "abc",
	"08", "0777", "0778", "09", "0x", "0X", "0x1f", "0X1F", "0x1G",
	"0xg", "-0x10", "+0x10", " 0x 1", "0x0x1", "z", "Zz", "0b101",
	"4294967295", "4294967296", "18446744073709551615",
	"18446744073709551616", "99999999999999999999999",
	"-18446744073709551615", "-18446744073709551616", "-1",
	"0xffffffffffffffff", "0x10000000000000000", "0xFFFFFFFFFFFFFFFF0",
	"1777777777777777777777", "2000000000000000000000",
	"0001777777777777777777777",
	"11111111111111111111111111111111111111111111111111111111111111111",
	"3w5e11264sgsf", "3w5e11264sgsg", "7", "123456789",
};

static const int bases[] = { 0, 2, 3, 7, 8, 10, 16, 35, 36 };

static void test_strtoul(void **state)
{
	(void)state;
	for (size_t s = 0; s < ARRAY_SIZE(numbers); s++)
		for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
			const char *str = numbers[s];
			char *end_lib, *end_ref;
			unsigned long got, want;

			got = lib_strtoul(str, &end_lib, bases[b]);
			want = ref_strtoul(str, &end_ref, bases[b]);
			if (got != want || end_lib != end_ref)
				print_error("strtoul(\"%s\", %d): got %lu end %td, want %lu end %td\n",
					    str, bases[b], got, end_lib - str, want,
					    end_ref - str);
			assert_int_equal(got, want);
			assert_ptr_equal(end_lib, end_ref);
			/* endptr is optional. */
			assert_int_equal(lib_strtoul(str, NULL, bases[b]), want);
		}
}

static void test_strtoul_bad_base(void **state)
{
	static const int bad[] = { -1, 1, 37, INT_MIN, INT_MAX };
	const char *str = "123";
	char *end;

	(void)state;
	/* The host sets only errno here; ours documents endptr = nptr. */
	for (size_t b = 0; b < ARRAY_SIZE(bad); b++) {
		end = NULL;
		assert_int_equal(lib_strtoul(str, &end, bad[b]), 0);
		assert_ptr_equal(end, str);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcpy),
		cmocka_unit_test(test_memset),
		cmocka_unit_test(test_memmove),
		cmocka_unit_test(test_memcmp),
		cmocka_unit_test(test_memchr),
		cmocka_unit_test(test_strlen),
		cmocka_unit_test(test_strchr),
		cmocka_unit_test(test_strcmp),
		cmocka_unit_test(test_strtoul),
		cmocka_unit_test(test_strtoul_bad_base),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
