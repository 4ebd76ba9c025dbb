/*
 * The shell's engine (include/shell.h): line editor, word splitting,
 * dispatch over a command table, and the text helpers commands share.
 * Pure: it prints through console_putc()/console_puts()/kprintf() only, so
 * host tests run it against a recording fake console. The console loop,
 * the registry and the built-in commands are in lib/shell_cmds.c.
 */
#include <console.h>
#include <errno.h>
#include <fmt.h>
#include <shell.h>
#include <string.h>

#define CH_BELL 0x07
#define CH_BS 0x08
#define CH_CTRL_C 0x03
#define CH_CTRL_U 0x15
#define CH_ESC 0x1b
#define CH_DEL 0x7f

/* ECMA-48 5.4: CSI parameter and intermediate bytes, then one final byte. */
#define CSI_PARAM_FIRST 0x20
#define CSI_PARAM_LAST 0x3f
#define CSI_FINAL_FIRST 0x40
#define CSI_FINAL_LAST 0x7e

void shell_line_init(struct shell_line *l)
{
	memset(l, 0, sizeof(*l));
}

static void erase_shown(const struct shell_line *l)
{
	unsigned int i;

	for (i = 0; i < l->len; i++)
		console_puts("\b \b");
}

/* The @k-th most recent history line (1 = latest); k <= hist_count. */
static const char *hist_entry(const struct shell_line *l, unsigned int k)
{
	return l->hist[(l->hist_next + SHELL_HISTORY - k) % SHELL_HISTORY];
}

static void show(struct shell_line *l, const char *text)
{
	size_t n = strlen(text);

	erase_shown(l);
	memcpy(l->buf, text, n + 1);
	l->len = (unsigned int)n;
	console_puts(l->buf);
}

static void history_up(struct shell_line *l)
{
	if (l->browse == l->hist_count) {
		console_putc(CH_BELL);
		return;
	}
	if (l->browse == 0) {
		l->buf[l->len] = '\0';
		memcpy(l->draft, l->buf, l->len + 1);
	}
	l->browse++;
	show(l, hist_entry(l, l->browse));
}

static void history_down(struct shell_line *l)
{
	if (l->browse == 0) {
		console_putc(CH_BELL);
		return;
	}
	l->browse--;
	show(l, l->browse ? hist_entry(l, l->browse) : l->draft);
}

static void history_push(struct shell_line *l)
{
	if (!l->len || (l->hist_count && !strcmp(hist_entry(l, 1), l->buf)))
		return;
	memcpy(l->hist[l->hist_next], l->buf, l->len + 1);
	l->hist_next = (l->hist_next + 1) % SHELL_HISTORY;
	if (l->hist_count < SHELL_HISTORY)
		l->hist_count++;
}

static void escape_final(struct shell_line *l, int c)
{
	l->state = SHELL_KEY_NORMAL;
	if (c == 'A')
		history_up(l);
	else if (c == 'B')
		history_down(l);
	/* Anything else (cursor left/right, Home, Delete, F-keys): ignored. */
}

enum shell_line_result shell_line_feed(struct shell_line *l, int c)
{
	bool after_cr = l->last_cr;

	if (l->done) {
		l->done = false;
		l->len = 0;
		l->buf[0] = '\0';
	}
	l->last_cr = false;
	switch (l->state) {
	case SHELL_KEY_ESC:
		/* ESC [ starts a CSI sequence, ESC O an SS3 one (keypad mode). */
		l->state = (c == '[' || c == 'O') ? SHELL_KEY_CSI : SHELL_KEY_NORMAL;
		return SHELL_LINE_MORE;
	case SHELL_KEY_CSI:
		if (c >= CSI_PARAM_FIRST && c <= CSI_PARAM_LAST)
			return SHELL_LINE_MORE;
		if (c >= CSI_FINAL_FIRST && c <= CSI_FINAL_LAST)
			escape_final(l, c);
		else
			l->state = SHELL_KEY_NORMAL; /* malformed: drop the sequence */
		return SHELL_LINE_MORE;
	case SHELL_KEY_NORMAL:
		break;
	}

	switch (c) {
	case '\n':
		if (after_cr)
			return SHELL_LINE_MORE; /* the LF of a CR LF pair */
		/* fall through */
	case '\r':
		l->last_cr = c == '\r';
		console_putc('\n');
		l->buf[l->len] = '\0';
		history_push(l);
		l->browse = 0;
		l->done = true;
		return SHELL_LINE_DONE;
	case CH_CTRL_C:
		console_puts("^C\n");
		l->len = 0;
		l->buf[0] = '\0';
		l->browse = 0;
		return SHELL_LINE_CANCEL;
	case CH_BS:
	case CH_DEL:
		if (l->len) {
			l->len--;
			console_puts("\b \b");
		}
		return SHELL_LINE_MORE;
	case CH_CTRL_U:
		erase_shown(l);
		l->len = 0;
		return SHELL_LINE_MORE;
	case CH_ESC:
		l->state = SHELL_KEY_ESC;
		return SHELL_LINE_MORE;
	default:
		break;
	}
	if (c < ' ' || c >= CH_DEL)
		return SHELL_LINE_MORE; /* other control bytes and non-ASCII: ignored */
	if (l->len >= SHELL_LINE_MAX - 1) {
		console_putc(CH_BELL);
		return SHELL_LINE_MORE;
	}
	l->buf[l->len++] = (char)c;
	console_putc((char)c);
	return SHELL_LINE_MORE;
}

int shell_split(char *line, char **argv, int max)
{
	int argc = 0;

	for (;;) {
		while (*line == ' ' || *line == '\t')
			*line++ = '\0';
		if (!*line)
			return argc;
		if (argc == max)
			return -E2BIG;
		argv[argc++] = line;
		while (*line && *line != ' ' && *line != '\t')
			line++;
	}
}

static const struct {
	int err;
	const char *name;
} errno_names[] = {
	{ EPERM, "EPERM" },	    { ENOENT, "ENOENT" },	{ EIO, "EIO" },
	{ ENXIO, "ENXIO" },	    { E2BIG, "E2BIG" },		{ EAGAIN, "EAGAIN" },
	{ ENOMEM, "ENOMEM" },	    { EACCES, "EACCES" },	{ EFAULT, "EFAULT" },
	{ EBUSY, "EBUSY" },	    { EEXIST, "EEXIST" },	{ ENODEV, "ENODEV" },
	{ EINVAL, "EINVAL" },	    { ENOSPC, "ENOSPC" },	{ ERANGE, "ERANGE" },
	{ ENOSYS, "ENOSYS" },	    { ENODATA, "ENODATA" },	{ EPROTO, "EPROTO" },
	{ EOVERFLOW, "EOVERFLOW" }, { EOPNOTSUPP, "EOPNOTSUPP" }, { ETIMEDOUT, "ETIMEDOUT" },
	{ EALREADY, "EALREADY" },   { ECANCELED, "ECANCELED" },
};

const char *shell_errno_name(int err)
{
	unsigned int i;

	if (err < 0)
		err = -err;
	for (i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	return "E?";
}

int shell_exec(const struct shell_cmd *cmds, size_t count, char *line)
{
	char *argv[SHELL_MAX_ARGS + 1];
	int argc = shell_split(line, argv, SHELL_MAX_ARGS);
	size_t i;
	int ret;

	if (argc == 0)
		return 0;
	if (argc < 0) {
		kprintf("too many arguments (at most %d words)\n", SHELL_MAX_ARGS);
		return argc;
	}
	argv[argc] = NULL;
	for (i = 0; i < count; i++)
		if (!strcmp(argv[0], cmds[i].name))
			break;
	if (i == count) {
		kprintf("unknown command '%s'; type 'help' for the list\n", argv[0]);
		return -ENOENT;
	}
	ret = cmds[i].fn(argc, argv);
	if (ret == -EINVAL)
		kprintf("usage: %s\n", cmds[i].usage);
	else if (ret < 0)
		kprintf("%s: failed: %s\n", cmds[i].name, shell_errno_name(ret));
	return ret;
}

void shell_help(const struct shell_cmd *cmds, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		kprintf("  %-30s %s\n", cmds[i].usage, cmds[i].help);
	kprintf("keys: Backspace erases, Ctrl-U erases the line, Ctrl-C abandons it, "
		"Up/Down recall the last %d lines\n", SHELL_HISTORY);
}

int shell_parse_u64(const char *s, u64 *out)
{
	unsigned int base = 10;
	u64 v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned int)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned int)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned int)(*s - 'A' + 10);
		else
			return -EINVAL;
		if (v > (~0ULL - d) / base)
			return -EINVAL;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

/* Last byte of [base, base + size), size > 0, saturated at 2^64 - 1. */
static u64 last_byte(u64 base, u64 size)
{
	return base + (size - 1) < base ? ~0ULL : base + (size - 1);
}

void shell_bar(char *out, unsigned int width, u64 base, u64 size,
	       const struct shell_bar_seg *segs, unsigned int nsegs, char fill)
{
	unsigned int col, s;

	for (col = 0; col < width; col++) {
		/* Column @col stands for [lo, hi]; 128-bit products cannot overflow. */
		u64 lo = base + (u64)((unsigned __int128)size * col / width);
		u64 next = (u64)((unsigned __int128)size * (col + 1) / width);
		u64 hi = next ? base + next - 1 : base;
		const struct shell_bar_seg *best = NULL;

		if (hi < lo)
			hi = lo; /* fewer bytes than columns: one byte each */
		for (s = 0; s < nsegs; s++) {
			const struct shell_bar_seg *g = &segs[s];

			if (!g->size || g->base > hi || last_byte(g->base, g->size) < lo)
				continue;
			if (!best || g->size < best->size)
				best = g;
		}
		out[col] = best ? best->c : fill;
	}
	out[width] = '\0';
}

void shell_usage_bar(char *out, unsigned int width, u64 used, u64 total)
{
	unsigned int n = 0, i;

	if (total && used) {
		u64 cols = (u64)(((unsigned __int128)used * width + total - 1) / total);

		n = cols > width ? width : (unsigned int)cols;
	}
	out[0] = '[';
	for (i = 0; i < width; i++)
		out[1 + i] = i < n ? '#' : '.';
	out[width + 1] = ']';
	out[width + 2] = '\0';
}

const char *shell_size(char *buf, size_t len, u64 bytes)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	unsigned int u = 0, tenths;

	while (u + 1 < sizeof(units) / sizeof(units[0]) && bytes >> (10 * (u + 1)))
		u++;
	if (!u || !(bytes & ((1ULL << (10 * u)) - 1))) {
		fmt_snprintf(buf, len, "%llu %s", (unsigned long long)(bytes >> (10 * u)), units[u]);
		return buf;
	}
	/* Not a whole number of units: one decimal, rounded down. */
	tenths = (unsigned int)(((bytes & ((1ULL << (10 * u)) - 1)) * 10) >> (10 * u));
	fmt_snprintf(buf, len, "%llu.%u %s", (unsigned long long)(bytes >> (10 * u)), tenths,
		     units[u]);
	return buf;
}

/* Whether @val is one or more printable, non-empty, NUL-terminated strings. */
static bool is_string_list(const char *val, int len)
{
	int i;

	if (len < 2 || val[len - 1] != '\0' || val[0] == '\0')
		return false;
	for (i = 0; i < len - 1; i++) {
		if (val[i] == '\0') {
			if (val[i + 1] == '\0')
				return false; /* empty string inside: binary data */
			continue;
		}
		if (val[i] < ' ' || val[i] >= CH_DEL)
			return false;
	}
	return true;
}

void shell_print_prop(const char *indent, const char *name, const void *val, int len)
{
	const unsigned char *b = val;
	int i;

	if (len <= 0) {
		kprintf("%s%s;\n", indent, name);
		return;
	}
	kprintf("%s%s = ", indent, name);
	if (is_string_list(val, len)) {
		const char *s = val;

		for (i = 0; i < len; i += (int)strlen(s + i) + 1)
			kprintf("%s\"%s\"", i ? ", " : "", s + i);
	} else if (len % 4 == 0) {
		kprintf("<");
		for (i = 0; i < len; i += 4) {
			unsigned int cell = (unsigned int)b[i] << 24 | (unsigned int)b[i + 1] << 16 |
					    (unsigned int)b[i + 2] << 8 | b[i + 3];

			kprintf("%s0x%x", i ? " " : "", cell);
		}
		kprintf(">");
	} else {
		kprintf("[");
		for (i = 0; i < len; i++)
			kprintf("%s%02x", i ? " " : "", b[i]);
		kprintf("]");
	}
	kprintf(";\n");
}
