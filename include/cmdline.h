/*
 * Boot arguments (/chosen/bootargs): space-separated "key" or "key=value"
 * words. Options the firmware understands:
 *
 *   selftest.exit          after the boot self-tests, exit QEMU with the verdict
 *                          instead of staying at the console
 *   selftest.only=FILTER   run only "suite" or "suite.name" at boot
 *   selftest.crash         enable boot.deliberate_crash (proves a crash is a verdict)
 */
#ifndef CMDLINE_H
#define CMDLINE_H

#include <types.h>

/*
 * cmdline_get() - find word @key in @args.
 * Return: true if present; *val and *val_len then describe the text after '='
 * (length 0 when the word has no '='). @val may be NULL.
 */
bool cmdline_get(const char *args, const char *key, const char **val, size_t *val_len);

static inline bool cmdline_has(const char *args, const char *key)
{
	return cmdline_get(args, key, NULL, NULL);
}

#endif /* CMDLINE_H */
