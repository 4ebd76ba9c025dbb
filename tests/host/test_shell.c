/*
 * Host tests for lib/shell.c: the line editor byte by byte (echo checked
 * exactly through a recording fake console), history, word splitting,
 * dispatch over a command table, and the text helpers (bars, sizes, DT
 * property values).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <shell.h>

/* ---- fake console: everything printed, in order ---------------------------- */

static char out[65536];
static size_t out_len;

static void out_reset(void)
{
	out_len = 0;
	out[0] = '\0';
}

void console_putc(char c)
{
	if (out_len + 1 < sizeof(out)) {
		out[out_len++] = c;
		out[out_len] = '\0';
	}
}

void console_puts(const char *s)
{
	while (*s)
		console_putc(*s++);
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out + out_len, sizeof(out) - out_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		out_len += (size_t)n < sizeof(out) - out_len ? (size_t)n : sizeof(out) - out_len - 1;
	return n;
}

/* Feed @keys; return the result of the last byte, counting results in @done/@cancel. */
static enum shell_line_result feed(struct shell_line *l, const char *keys, int *done, int *cancel)
{
	enum shell_line_result r = SHELL_LINE_MORE;

	for (; *keys; keys++) {
		r = shell_line_feed(l, (unsigned char)*keys);
		if (done && r == SHELL_LINE_DONE)
			(*done)++;
		if (cancel && r == SHELL_LINE_CANCEL)
			(*cancel)++;
	}
	return r;
}

/* Type @keys; expect exactly one line, @want, and the echo @echo. */
static void expect_line(struct shell_line *l, const char *keys, const char *want, const char *echo)
{
	int done = 0;

	out_reset();
	assert_int_equal(feed(l, keys, &done, NULL), SHELL_LINE_DONE);
	assert_int_equal(done, 1);
	assert_string_equal(l->buf, want);
	if (echo)
		assert_string_equal(out, echo);
}

#define UP "\x1b[A"
#define DOWN "\x1b[B"

/* ---- line editor ----------------------------------------------------------- */

static void test_line_basic(void **state)
{
	static struct shell_line l;

	(void)state;
	shell_line_init(&l);
	expect_line(&l, "help\r", "help", "help\n");
	/* The buffer is the next line's once a byte arrives. */
	expect_line(&l, "mem\n", "mem", "mem\n");
	expect_line(&l, "\r", "", "\n");
}

static void test_line_crlf_counts_once(void **state)
{
	static struct shell_line l;
	int done = 0;

	(void)state;
	shell_line_init(&l);
	out_reset();
	feed(&l, "a\r\nb\r\n\r\n", &done, NULL);
	assert_int_equal(done, 3); /* "a", "b", "" */
	assert_string_equal(out, "a\nb\n\n");
	/* LF LF is two lines; only CR LF pairs. */
	done = 0;
	feed(&l, "\n\n", &done, NULL);
	assert_int_equal(done, 2);
}

static void test_line_backspace(void **state)
{
	static struct shell_line l;

	(void)state;
	shell_line_init(&l);
	/* DEL and BS erase one each; erasing on an empty line echoes nothing. */
	expect_line(&l, "\x7f" "abx\x7f\x08" "c\r", "ac", "abx\b \b\b \bc\n");
	expect_line(&l, "ab\x7f\x7f\x7f\x7fz\r", "z", "ab\b \b\b \bz\n");
}

static void test_line_ctrl_c_abandons(void **state)
{
	static struct shell_line l;
	int done = 0, cancel = 0;

	(void)state;
	shell_line_init(&l);
	out_reset();
	assert_int_equal(feed(&l, "mem\x03", &done, &cancel), SHELL_LINE_CANCEL);
	assert_int_equal(done, 0);
	assert_int_equal(cancel, 1);
	assert_string_equal(out, "mem^C\n");
	/* Nothing was kept: not in the line, not in the history. */
	expect_line(&l, "x\r", "x", NULL);
	out_reset();
	feed(&l, UP UP, NULL, NULL);
	assert_string_equal(out, "x\a"); /* only "x" to recall, then the bell */
}

static void test_line_ctrl_u_erases(void **state)
{
	static struct shell_line l;

	(void)state;
	shell_line_init(&l);
	expect_line(&l, "abc\x15" "d\r", "d", "abc\b \b\b \b\b \bd\n");
}

static void test_line_history_walk(void **state)
{
	static struct shell_line l;

	(void)state;
	shell_line_init(&l);
	expect_line(&l, "one\r", "one", NULL);
	expect_line(&l, "two\r", "two", NULL);
	expect_line(&l, "three\r", "three", NULL);
	/* Up, Up, Down: "two"'s neighbour again, each redraw erasing the last. */
	expect_line(&l, UP UP DOWN "\r", "three",
		    "three\b \b\b \b\b \b\b \b\b \btwo\b \b\b \b\b \bthree\n");
	/* Up past the oldest rings the bell; Down past the newest too. */
	out_reset();
	feed(&l, UP UP UP UP, NULL, NULL);
	assert_string_equal(l.buf, "one");
	assert_non_null(strchr(out, '\a'));
	feed(&l, DOWN DOWN DOWN, NULL, NULL);
	assert_int_equal(l.len, 0); /* back to the (empty) new line */
	out_reset();
	feed(&l, DOWN, NULL, NULL);
	assert_string_equal(out, "\a");
	/* SS3 forms (application cursor keys) too. */
	expect_line(&l, "\x1bOA\x1bOA\r", "two", NULL);
}

static void test_line_history_keeps_draft(void **state)
{
	static struct shell_line l;

	(void)state;
	shell_line_init(&l);
	expect_line(&l, "old\r", "old", NULL);
	/* A half-typed line survives a look at the history. */
	expect_line(&l, "dr" UP DOWN "aft\r", "draft", NULL);
	/* A recalled line can be edited before it runs. */
	expect_line(&l, UP "\x7f\x7f\x7f\x7f\x7f" "new\r", "new", NULL);
}

static void test_line_history_no_repeats_and_wraps(void **state)
{
	static struct shell_line l;
	char line[16];
	unsigned int i;

	(void)state;
	shell_line_init(&l);
	expect_line(&l, "same\r", "same", NULL);
	expect_line(&l, "same\r", "same", NULL);
	expect_line(&l, "\r", "", NULL); /* empty lines are not kept either */
	out_reset();
	feed(&l, UP UP, NULL, NULL);
	assert_string_equal(l.buf, "same");
	assert_non_null(strchr(out, '\a'));
	feed(&l, "\x03", NULL, NULL);

	/* 20 lines: only the last SHELL_HISTORY (16) can be recalled. */
	shell_line_init(&l);
	for (i = 0; i < 20; i++) {
		snprintf(line, sizeof(line), "c%u\r", i);
		feed(&l, line, NULL, NULL);
	}
	for (i = 0; i < SHELL_HISTORY; i++)
		feed(&l, UP, NULL, NULL);
	assert_string_equal(l.buf, "c4");
	out_reset();
	feed(&l, UP, NULL, NULL);
	assert_string_equal(out, "\a");
	assert_string_equal(l.buf, "c4");
}

static void test_line_escapes_swallowed(void **state)
{
	static struct shell_line l;

	(void)state;
	shell_line_init(&l);
	/* Ctrl-Right (CSI with parameters), Delete (CSI 3 ~), Left: ignored whole. */
	expect_line(&l, "a\x1b[1;5C\x1b[3~\x1b[Db\r", "ab", "ab\n");
	/* ESC and one other byte: a two-byte sequence, dropped. */
	expect_line(&l, "\x1bxq\r", "q", "q\n");
	/* A control byte inside a CSI ends it without being taken as text. */
	expect_line(&l, "\x1b[1\x01z\r", "z", "z\n");
}

static void test_line_other_bytes_ignored(void **state)
{
	static struct shell_line l;

	(void)state;
	shell_line_init(&l);
	out_reset();
	assert_int_equal(shell_line_feed(&l, 0x01), SHELL_LINE_MORE);
	assert_int_equal(shell_line_feed(&l, 'a'), SHELL_LINE_MORE);
	assert_int_equal(shell_line_feed(&l, 0x80), SHELL_LINE_MORE);
	assert_int_equal(shell_line_feed(&l, 0xff), SHELL_LINE_MORE);
	assert_int_equal(shell_line_feed(&l, '\t'), SHELL_LINE_MORE);
	assert_int_equal(shell_line_feed(&l, '\r'), SHELL_LINE_DONE);
	assert_string_equal(l.buf, "a");
	assert_string_equal(out, "a\n");
}

static void test_line_too_long(void **state)
{
	static struct shell_line l;
	char keys[SHELL_LINE_MAX + 12];
	size_t bells = 0, i;

	(void)state;
	shell_line_init(&l);
	memset(keys, 'k', SHELL_LINE_MAX + 10);
	keys[SHELL_LINE_MAX + 10] = '\r';
	keys[SHELL_LINE_MAX + 11] = '\0';
	out_reset();
	assert_int_equal(feed(&l, keys, NULL, NULL), SHELL_LINE_DONE);
	assert_int_equal(strlen(l.buf), SHELL_LINE_MAX - 1);
	for (i = 0; i < out_len; i++)
		bells += out[i] == '\a';
	assert_int_equal(bells, 11);
}

/* ---- splitting and dispatch --------------------------------------------- */

static void test_split(void **state)
{
	char line[] = "  dtb \t /chosen   x ";
	char many[] = "a b c d e f g h i";
	char blank[] = " \t ";
	char *argv[SHELL_MAX_ARGS];

	(void)state;
	assert_int_equal(shell_split(line, argv, SHELL_MAX_ARGS), 3);
	assert_string_equal(argv[0], "dtb");
	assert_string_equal(argv[1], "/chosen");
	assert_string_equal(argv[2], "x");
	assert_int_equal(shell_split(blank, argv, SHELL_MAX_ARGS), 0);
	assert_int_equal(shell_split(many, argv, SHELL_MAX_ARGS), -E2BIG);
}

static int seen_argc;
static char seen_argv1[32];

static int cmd_echo(int argc, char **argv)
{
	seen_argc = argc;
	snprintf(seen_argv1, sizeof(seen_argv1), "%s", argc > 1 ? argv[1] : "");
	assert_null(argv[argc]);
	return 0;
}

static int cmd_picky(int argc, char **argv)
{
	(void)argv;
	return argc == 2 ? 0 : -EINVAL;
}

static int cmd_broken(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return -ETIMEDOUT;
}

static const struct shell_cmd table[] = {
	{ "broken", "broken", "always fails", cmd_broken },
	{ "echo", "echo [word]", "remember the words", cmd_echo },
	{ "picky", "picky <one>", "wants exactly one argument", cmd_picky },
};

static int exec(const char *text)
{
	char line[SHELL_LINE_MAX];

	snprintf(line, sizeof(line), "%s", text);
	out_reset();
	return shell_exec(table, sizeof(table) / sizeof(table[0]), line);
}

static void test_exec(void **state)
{
	(void)state;
	assert_int_equal(exec("echo  hello"), 0);
	assert_int_equal(seen_argc, 2);
	assert_string_equal(seen_argv1, "hello");
	assert_string_equal(out, "");

	assert_int_equal(exec("   "), 0);
	assert_string_equal(out, "");

	assert_int_equal(exec("ech"), -ENOENT);
	assert_string_equal(out, "unknown command 'ech'; type 'help' for the list\n");

	assert_int_equal(exec("picky"), -EINVAL);
	assert_string_equal(out, "usage: picky <one>\n");
	assert_int_equal(exec("picky x"), 0);
	assert_string_equal(out, "");

	assert_int_equal(exec("broken"), -ETIMEDOUT);
	assert_string_equal(out, "broken: failed: ETIMEDOUT\n");

	assert_int_equal(exec("echo 1 2 3 4 5 6 7 8"), -E2BIG);
	assert_string_equal(out, "too many arguments (at most 8 words)\n");
	assert_int_equal(exec("echo 1 2 3 4 5 6 7"), 0);
	assert_int_equal(seen_argc, 8);
}

static void test_help(void **state)
{
	(void)state;
	out_reset();
	shell_help(table, sizeof(table) / sizeof(table[0]));
	assert_non_null(strstr(out, "  broken                         always fails\n"
				    "  echo [word]                    remember the words\n"
				    "  picky <one>                    wants exactly one argument\n"));
	assert_non_null(strstr(out, "keys: "));
}

static void test_errno_names(void **state)
{
	(void)state;
	assert_string_equal(shell_errno_name(-EINVAL), "EINVAL");
	assert_string_equal(shell_errno_name(ENOENT), "ENOENT");
	assert_string_equal(shell_errno_name(-9999), "E?");
}

static void test_parse_u64(void **state)
{
	u64 v = 7;

	(void)state;
	assert_int_equal(shell_parse_u64("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(shell_parse_u64("1234", &v), 0);
	assert_int_equal(v, 1234);
	assert_int_equal(shell_parse_u64("0x4000aBcD", &v), 0);
	assert_int_equal(v, 0x4000abcd);
	assert_int_equal(shell_parse_u64("18446744073709551615", &v), 0);
	assert_true(v == ~0ULL);
	v = 7;
	assert_int_equal(shell_parse_u64("18446744073709551616", &v), -EINVAL);
	assert_int_equal(shell_parse_u64("0x10000000000000000", &v), -EINVAL);
	assert_int_equal(shell_parse_u64("", &v), -EINVAL);
	assert_int_equal(shell_parse_u64("0x", &v), -EINVAL);
	assert_int_equal(shell_parse_u64("12a", &v), -EINVAL);
	assert_int_equal(shell_parse_u64("-1", &v), -EINVAL);
	assert_int_equal(v, 7); /* untouched on error */
}

/* ---- text helpers ----------------------------------------------------------- */

static void test_bar_to_scale(void **state)
{
	char bar[17];
	/* 1 MiB in 16 columns of 64 KiB. */
	const struct shell_bar_seg segs[] = {
		{ 0x100000, 0x10000, 'a' },	/* column 0 exactly */
		{ 0x140000, 0x40000, 'b' },	/* columns 4..7 */
		{ 0x1c8000, 0x30000, 'd' },	/* starts mid-column 12: 12..15, 'c' wins 12 */
		{ 0x1c0000, 1, 'c' },		/* one byte: still one column (12) */
		{ 0x0, 0x100000, 'x' },		/* wholly before the range: nothing */
	};

	(void)state;
	shell_bar(bar, 16, 0x100000, 0x100000, segs, 5, '.');
	assert_string_equal(bar, "a...bbbb....cddd");
	/* Order does not matter; the smallest of overlapping segments wins. */
	{
		const struct shell_bar_seg big_small[] = { { 0, 0x100000, 'B' }, { 0, 0x1000, 'S' } };

		shell_bar(bar, 16, 0, 0x100000, big_small, 2, '.');
		assert_string_equal(bar, "SBBBBBBBBBBBBBBB");
	}
	/* Fewer bytes than columns: one byte a column, no division by zero. */
	{
		const struct shell_bar_seg one = { 3, 1, 'o' };

		shell_bar(bar, 16, 0, 8, &one, 1, '-');
		assert_string_equal(bar, "------oo--------"); /* byte 3: columns 6 and 7 */
	}
	/* A range ending at 2^64 - 1 does not wrap. */
	{
		const struct shell_bar_seg top = { ~0ULL - 0xfff, 0x1000, 't' };

		shell_bar(bar, 16, ~0ULL - 0xffff, 0x10000, &top, 1, '.');
		assert_string_equal(bar, "...............t");
	}
}

static void test_usage_bar(void **state)
{
	char bar[13];

	(void)state;
	shell_usage_bar(bar, 10, 0, 1000);
	assert_string_equal(bar, "[..........]");
	shell_usage_bar(bar, 10, 1, 1000);
	assert_string_equal(bar, "[#.........]"); /* any use shows */
	shell_usage_bar(bar, 10, 500, 1000);
	assert_string_equal(bar, "[#####.....]");
	shell_usage_bar(bar, 10, 1000, 1000);
	assert_string_equal(bar, "[##########]");
	shell_usage_bar(bar, 10, 5, 0);
	assert_string_equal(bar, "[..........]");
}

static void test_size(void **state)
{
	char b[24];

	(void)state;
	assert_string_equal(shell_size(b, sizeof(b), 0), "0 B");
	assert_string_equal(shell_size(b, sizeof(b), 100), "100 B");
	assert_string_equal(shell_size(b, sizeof(b), 1023), "1023 B");
	assert_string_equal(shell_size(b, sizeof(b), 4096), "4 KiB");
	assert_string_equal(shell_size(b, sizeof(b), 1536), "1.5 KiB");
	assert_string_equal(shell_size(b, sizeof(b), 39714), "38.7 KiB");
	assert_string_equal(shell_size(b, sizeof(b), 512ULL << 20), "512 MiB");
	assert_string_equal(shell_size(b, sizeof(b), (1ULL << 20) + 1), "1.0 MiB");
	assert_string_equal(shell_size(b, sizeof(b), 3ULL << 30), "3 GiB");
	assert_string_equal(shell_size(b, sizeof(b), ~0ULL), "15.9 EiB");
}

static void test_print_prop(void **state)
{
	static const char strs[] = "arm,pl011\0arm,primecell";
	static const unsigned char cells[] = { 0, 0, 0, 0, 0x40, 0, 0, 0 };
	static const unsigned char bytes[] = { 1, 2, 0xab };
	static const char empty_inside[] = "a\0\0b"; /* 5 bytes with its NUL */
	static const char ctrl[] = "a\tb";

	(void)state;
	out_reset();
	shell_print_prop("\t", "compatible", strs, sizeof(strs));
	assert_string_equal(out, "\tcompatible = \"arm,pl011\", \"arm,primecell\";\n");
	out_reset();
	shell_print_prop("", "reg", cells, sizeof(cells));
	assert_string_equal(out, "reg = <0x0 0x40000000>;\n");
	out_reset();
	shell_print_prop("", "b", bytes, sizeof(bytes));
	assert_string_equal(out, "b = [01 02 ab];\n");
	out_reset();
	shell_print_prop("", "no-map", NULL, 0);
	assert_string_equal(out, "no-map;\n");
	out_reset();
	shell_print_prop("", "x", empty_inside, sizeof(empty_inside));
	assert_string_equal(out, "x = [61 00 00 62 00];\n");
	out_reset();
	shell_print_prop("", "y", ctrl, sizeof(ctrl));
	assert_string_equal(out, "y = <0x61096200>;\n");
	out_reset();
	shell_print_prop("", "z", "", 1); /* one NUL: not a string list */
	assert_string_equal(out, "z = [00];\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_basic),
		cmocka_unit_test(test_line_crlf_counts_once),
		cmocka_unit_test(test_line_backspace),
		cmocka_unit_test(test_line_ctrl_c_abandons),
		cmocka_unit_test(test_line_ctrl_u_erases),
		cmocka_unit_test(test_line_history_walk),
		cmocka_unit_test(test_line_history_keeps_draft),
		cmocka_unit_test(test_line_history_no_repeats_and_wraps),
		cmocka_unit_test(test_line_escapes_swallowed),
		cmocka_unit_test(test_line_other_bytes_ignored),
		cmocka_unit_test(test_line_too_long),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_exec),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_errno_names),
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_bar_to_scale),
		cmocka_unit_test(test_usage_bar),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_print_prop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
