/*
 * Host tests for lib/cmdline.c: whole-word matching of "key" and
 * "key=value" in boot arguments. Values are checked as pointers into the
 * argument string plus a length; outputs that must not be written on a
 * miss are pre-set to sentinels.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <cmdline.h>

static const char sentinel_str[] = "sentinel";
#define SENTINEL_LEN ((size_t)0x5a5a)

/* @key found in @args with value at offset @off of length @len. */
static void expect_val(const char *args, const char *key, size_t off, size_t len)
{
	const char *val = sentinel_str;
	size_t val_len = SENTINEL_LEN;

	assert_true(cmdline_get(args, key, &val, &val_len));
	assert_ptr_equal(val, args + off);
	assert_int_equal(val_len, len);
	assert_true(cmdline_has(args, key));
}

/* @key absent: false, and the outputs left alone. */
static void expect_absent(const char *args, const char *key)
{
	const char *val = sentinel_str;
	size_t val_len = SENTINEL_LEN;

	assert_false(cmdline_get(args, key, &val, &val_len));
	assert_ptr_equal(val, sentinel_str);
	assert_int_equal(val_len, SENTINEL_LEN);
	assert_false(cmdline_has(args, key));
}

static void test_key_alone(void **state)
{
	static const char args[] = "selftest.exit";

	(void)state;
	/* No '=': length 0, pointing just past the key. */
	expect_val(args, "selftest.exit", 13, 0);
	expect_absent(args, "selftest");
	expect_absent(args, "exit");
}

static void test_key_value(void **state)
{
	static const char args[] = "console=pl011 selftest.only=dma.map_roundtrip x=";

	(void)state;
	expect_val(args, "console", 8, 5);
	expect_val(args, "selftest.only", 28, 17);
	assert_memory_equal(args + 28, "dma.map_roundtrip", 17);
	/* "x=": present, empty value just past the '='. */
	expect_val(args, "x", 48, 0);
	expect_absent(args, "pl011");
	expect_absent(args, "dma.map_roundtrip");
}

/* A key that is a prefix of a word, or a word a prefix of the key, is no match. */
static void test_prefix(void **state)
{
	(void)state;
	expect_absent("selftest.exitx", "selftest.exit");
	expect_absent("selftest.exit_now=1", "selftest.exit");
	expect_absent("selftest.exi", "selftest.exit");
	expect_absent("xselftest.exit", "selftest.exit");
	expect_absent("selftest.exitx selftest.exi", "selftest.exit");
	/* The real one after a longer look-alike. */
	expect_val("selftest.exitx selftest.exit", "selftest.exit", 28, 0);
	expect_val("selftest.exitx=1 selftest.exit=22", "selftest.exit", 31, 2);
	/* A key is not found inside a value. */
	expect_absent("a=selftest.exit", "selftest.exit");
}

/* The first occurrence wins. */
static void test_first_wins(void **state)
{
	(void)state;
	expect_val("k=1 k=22", "k", 2, 1);
	expect_val("k k=22", "k", 1, 0);
}

static void test_whitespace(void **state)
{
	static const char args[] = "  \ta=1\t\tb=22  \t c \n d=4444\t";

	(void)state;
	expect_val(args, "a", 5, 1);
	expect_val(args, "b", 10, 2);
	expect_val(args, "c", 17, 0);
	expect_val(args, "d", 22, 4);
	expect_absent(args, "e");
	/* A value ends at a tab as at a space. */
	expect_val("k=v\tw", "k", 2, 1);
}

static void test_key_at_end(void **state)
{
	(void)state;
	expect_val("a b selftest.crash", "selftest.crash", 18, 0);
	expect_val("a b selftest.only=x", "selftest.only", 18, 1);
	expect_val("a b selftest.crash   ", "selftest.crash", 18, 0);
}

static void test_empty_and_null(void **state)
{
	(void)state;
	expect_absent("", "a");
	expect_absent("   \t ", "a");
	expect_absent(NULL, "a");
	/* An empty key matches nothing, not even an empty word. */
	expect_absent("a b", "");
	expect_absent("", "");
	expect_absent("a ", "");
	expect_absent("=x", "");
	expect_absent(NULL, "");
}

/* Matching is per word: a key with a space never spans two words. */
static void test_words_only(void **state)
{
	(void)state;
	expect_absent("a b", "a b");
	expect_absent("a b=1", "a b");
	expect_absent("a=1 b", "a=1 b");
	expect_absent("k=vw", "k=v");
}

/* @val and @val_len may each be NULL. */
static void test_null_outputs(void **state)
{
	static const char args[] = "a=123 b";
	const char *val = sentinel_str;
	size_t val_len = SENTINEL_LEN;

	(void)state;
	assert_true(cmdline_get(args, "a", NULL, NULL));
	assert_true(cmdline_get(args, "a", &val, NULL));
	assert_ptr_equal(val, args + 2);
	assert_true(cmdline_get(args, "a", NULL, &val_len));
	assert_int_equal(val_len, 3);
	assert_true(cmdline_get(args, "b", NULL, &val_len));
	assert_int_equal(val_len, 0);
	assert_false(cmdline_get(args, "c", NULL, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_alone),
		cmocka_unit_test(test_key_value),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_first_wins),
		cmocka_unit_test(test_whitespace),
		cmocka_unit_test(test_key_at_end),
		cmocka_unit_test(test_empty_and_null),
		cmocka_unit_test(test_null_outputs),
		cmocka_unit_test(test_words_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
