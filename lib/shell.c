/*
 * The serial console's command loop: a line editor (backspace, Ctrl-C)
 * and a table of commands. Each command is one line in cmds[].
 */
#include <arch/cpu.h>
#include <boot.h>
#include <console.h>
#include <platform.h>
#include <selftest.h>
#include <string.h>

#define SHELL_LINE_MAX 128
#define SHELL_MAX_ARGS 8

#define CH_CTRL_C 0x03
#define CH_BS 0x08
#define CH_DEL 0x7f

struct shell_cmd {
	const char *name;
	const char *usage;
	const char *help;
	int (*fn)(int argc, char **argv);
};

static int cmd_help(int argc, char **argv);

static int cmd_selftest(int argc, char **argv)
{
	if (argc > 2)
		return -1;
	selftest_run(argc == 2 ? argv[1] : NULL);
	return 0;
}

static int cmd_poweroff(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return -1;
	psci_system_off();
	kprintf("poweroff: PSCI SYSTEM_OFF unavailable or refused\n");
	return 0;
}

static int cmd_reset(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return -1;
	psci_system_reset();
	kprintf("reset: PSCI SYSTEM_RESET unavailable or refused\n");
	return 0;
}

static const struct shell_cmd cmds[] = {
	{ "help", "help", "list commands", cmd_help },
	{ "selftest", "selftest [suite|suite.name|all]", "run self-tests", cmd_selftest },
	{ "reset", "reset", "reset the system (PSCI)", cmd_reset },
	{ "poweroff", "poweroff", "power off (PSCI); QEMU exits", cmd_poweroff },
};

static int cmd_help(int argc, char **argv)
{
	unsigned int i;

	(void)argc;
	(void)argv;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		kprintf("  %-36s %s\n", cmds[i].usage, cmds[i].help);
	return 0;
}

/* Read a line with echo; returns its length, or -1 on Ctrl-C. */
static int read_line(char *buf, int max)
{
	int len = 0;

	for (;;) {
		int c = console_getc();

		if (c < 0) {
			cpu_relax(); /* waiting for a key: no bound, a person types */
			continue;
		}
		if (c == '\r' || c == '\n') {
			console_puts("\n");
			buf[len] = '\0';
			return len;
		}
		if (c == CH_CTRL_C) {
			console_puts("^C\n");
			return -1;
		}
		if (c == CH_BS || c == CH_DEL) {
			if (len) {
				len--;
				console_puts("\b \b");
			}
			continue;
		}
		if (c >= ' ' && c < CH_DEL && len < max - 1) {
			buf[len++] = (char)c;
			console_putc((char)c);
		}
	}
}

static int split(char *line, char **argv)
{
	int argc = 0;

	while (*line) {
		while (*line == ' ')
			*line++ = '\0';
		if (!*line)
			break;
		if (argc == SHELL_MAX_ARGS)
			return -1;
		argv[argc++] = line;
		while (*line && *line != ' ')
			line++;
	}
	return argc;
}

void shell_run(void)
{
	char line[SHELL_LINE_MAX];
	char *argv[SHELL_MAX_ARGS];

	kprintf("console ready; type 'help'\n");
	for (;;) {
		unsigned int i;
		int argc;

		kprintf("fw> ");
		if (read_line(line, sizeof(line)) < 0)
			continue;
		argc = split(line, argv);
		if (argc == 0)
			continue;
		if (argc < 0) {
			kprintf("too many arguments (at most %d)\n", SHELL_MAX_ARGS);
			continue;
		}
		for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
			if (!strcmp(argv[0], cmds[i].name))
				break;
		if (i == sizeof(cmds) / sizeof(cmds[0])) {
			kprintf("unknown command '%s'; type 'help'\n", argv[0]);
			continue;
		}
		if (cmds[i].fn(argc, argv) < 0)
			kprintf("usage: %s\n", cmds[i].usage);
	}
}
