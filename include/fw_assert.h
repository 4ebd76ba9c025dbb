/*
 * fw_assert(): programmer errors (STYLE.md rule 9). Checked in host tests
 * (cmocka's mock_assert, so a test can expect one) and in DEBUG images (a
 * BRK: the crash report names the PC); compiled out, unevaluated, otherwise.
 */
#ifndef FW_ASSERT_H
#define FW_ASSERT_H

#include <compiler.h>

#if defined(HOST_TEST)
void mock_assert(const int result, const char *const expression, const char *const file,
		 const int line);
#define fw_assert(cond) mock_assert(!!(cond), #cond, __FILE__, __LINE__)
#elif defined(DEBUG)
#define fw_assert(cond)                        \
	do {                                   \
		if (unlikely(!(cond)))         \
			__builtin_trap();      \
	} while (0)
#else
#define fw_assert(cond) ((void)sizeof(!(cond))) /* not evaluated; any scalar */
#endif

#endif /* FW_ASSERT_H */
