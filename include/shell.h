/*
 * The serial console's shell: a line editor, a command registry and the
 * helpers commands share.
 *
 * A command registers itself in the file that implements it:
 *
 *	static int cmd_pci(int argc, char **argv)
 *	{
 *		if (argc > 2)
 *			return -EINVAL;         the shell prints "usage: <usage>"
 *		...
 *		return 0;
 *	}
 *	SHELL_CMD(pci, "pci [bdf]", "PCI functions, BARs and stream IDs", cmd_pci);
 *
 * Descriptors live in the linker section .shell_cmds.<name>; linker.ld keeps
 * them sorted by name between __shell_cmds_start and __shell_cmds_end, so
 * `help` lists them in alphabetical order and nothing else needs editing.
 *
 * Handler contract: argv[0] is the command name, argv[1..argc-1] the words
 * that followed it (split on spaces and tabs, no quoting; at most
 * SHELL_MAX_ARGS words in all). argv strings may be modified. Return 0 on
 * success; -EINVAL for bad arguments (the shell then prints the usage line,
 * so print nothing yourself, or one line saying which argument was wrong);
 * any other -errno when the command could not do its job, after printing
 * why (the shell adds "<name>: failed: <errno name>").
 *
 * Line editing (shell_line_feed()): printable characters insert at the
 * end, Backspace/DEL erase one, Ctrl-U erases the line, Ctrl-C abandons it,
 * Up/Down (ESC [ A / ESC [ B, or ESC O A / ESC O B) walk the last
 * SHELL_HISTORY lines, CR or LF ends a line (CR LF counts once). Other
 * escape sequences are swallowed whole.
 */
#ifndef SHELL_H
#define SHELL_H

#include <compiler.h>
#include <types.h>

#define SHELL_LINE_MAX 128	/* bytes per line, NUL included */
#define SHELL_MAX_ARGS 8
#define SHELL_HISTORY 16

struct shell_cmd {
	const char *name;
	const char *usage;	/* "name [args]": printed by help and on -EINVAL */
	const char *help;	/* one line */
	int (*fn)(int argc, char **argv);
};

#define SHELL_CMD(name_, usage_, help_, fn_)                                      \
	static const struct shell_cmd shell_cmd_##name_ __used                      \
		__section(".shell_cmds." #name_) __aligned(8) = {                   \
			.name = #name_,                                             \
			.usage = (usage_),                                          \
			.help = (help_),                                            \
			.fn = (fn_),                                                \
		}

/* The registry (image only): every SHELL_CMD in the link, sorted by name. */
const struct shell_cmd *shell_cmds(size_t *count);

enum shell_line_state { SHELL_KEY_NORMAL, SHELL_KEY_ESC, SHELL_KEY_CSI };

enum shell_line_result {
	SHELL_LINE_MORE,	/* keep feeding */
	SHELL_LINE_DONE,	/* a line is complete in ->buf */
	SHELL_LINE_CANCEL,	/* Ctrl-C: the line was abandoned */
};

struct shell_line {
	char buf[SHELL_LINE_MAX];
	unsigned int len;
	enum shell_line_state state;
	bool last_cr;		/* the previous byte was CR: a following LF is ignored */
	bool done;		/* ->buf holds a finished line; the next byte starts anew */
	char hist[SHELL_HISTORY][SHELL_LINE_MAX];
	unsigned int hist_count;	/* lines stored, at most SHELL_HISTORY */
	unsigned int hist_next;		/* slot the next line goes to */
	unsigned int browse;		/* 0: editing a new line; k: k-th most recent */
	char draft[SHELL_LINE_MAX];	/* the new line, kept while browsing */
};

/* shell_line_init() - empty line, empty history. */
void shell_line_init(struct shell_line *l);

/*
 * shell_line_feed() - one byte from the console. Echo and redraws go to
 * console_putc()/console_puts().
 * Return: SHELL_LINE_DONE when @c ended a line (->buf is the line,
 * NUL-terminated, stored in the history if not empty and not a repeat of
 * the latest entry; valid until the next call), SHELL_LINE_CANCEL for
 * Ctrl-C, else SHELL_LINE_MORE. A line longer than SHELL_LINE_MAX - 1 bytes
 * keeps its first SHELL_LINE_MAX - 1 (the terminal bell marks each byte
 * dropped).
 */
enum shell_line_result shell_line_feed(struct shell_line *l, int c);

/*
 * shell_split() - split @line in place at spaces and tabs.
 * Return: the number of words (0 for a blank line), or -E2BIG if there are
 * more than @max; argv[0..return-1] point into @line.
 */
int shell_split(char *line, char **argv, int max);

/*
 * shell_exec() - run the command named by @line's first word from @cmds
 * (@count entries). Prints "unknown command" with a pointer to help, the
 * usage line when the handler returns -EINVAL, "<name>: failed: <errno>"
 * for other errors, "too many arguments" past SHELL_MAX_ARGS words.
 * @line is modified.
 * Return: the handler's result; 0 for a blank line; -ENOENT for an unknown
 * command; -E2BIG for too many words.
 */
int shell_exec(const struct shell_cmd *cmds, size_t count, char *line);

/* shell_help() - print every command's usage and help line, then the editing keys. */
void shell_help(const struct shell_cmd *cmds, size_t count);

/* shell_errno_name() - "EINVAL" for -EINVAL (or EINVAL); "E?" if unknown. */
const char *shell_errno_name(int err);

/*
 * shell_parse_u64() - a whole word as a number: decimal, or hex with 0x.
 * Return: 0, or -EINVAL if @s is empty, has other characters or overflows.
 */
int shell_parse_u64(const char *s, u64 *out);

/*
 * A proportional bar: @width characters standing for [base, base + size).
 * Each segment paints the columns it overlaps with its character; where
 * segments share a column, the smallest wins, so a region much smaller
 * than a column still shows as one character. Columns no segment touches
 * get @fill. Segments may be given in any order and may overlap.
 */
struct shell_bar_seg {
	u64 base;
	u64 size;
	char c;
};

/*
 * shell_bar() - render the bar into @out (@width characters and a NUL;
 * @out holds at least @width + 1 bytes). @size must be non-zero.
 */
void shell_bar(char *out, unsigned int width, u64 base, u64 size,
	       const struct shell_bar_seg *segs, unsigned int nsegs, char fill);

/*
 * shell_usage_bar() - "[####......]" for @used of @total in @width inner
 * characters, rounded up so that any use shows at least one '#'.
 * @out holds at least @width + 3 bytes.
 */
void shell_usage_bar(char *out, unsigned int width, u64 used, u64 total);

/*
 * shell_print_prop() - one DT property as `name = value;` the way dtc
 * writes it: a list of printable NUL-terminated strings as "a", "b";
 * a multiple of 4 bytes as <0x...> cells; anything else as [xx xx];
 * an empty property as `name;`.
 */
void shell_print_prop(const char *indent, const char *name, const void *val, int len);

/*
 * shell_size() - @bytes in the largest binary unit not above it: "512 MiB",
 * "728 KiB", "100 B", and with one decimal (rounded down) when it is not a
 * whole number of that unit: "38.7 KiB". Return: @buf.
 */
const char *shell_size(char *buf, size_t len, u64 bytes);

#endif /* SHELL_H */
