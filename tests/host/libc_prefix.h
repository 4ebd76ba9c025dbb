/*
 * Forced include (-include tests/host/libc_prefix.h) for host-testing
 * lib/string.c and lib/strtoul.c next to the host's libc.
 *
 * The host's own headers are included first, so their include guards are
 * set and their declarations use the real names. Then each function of
 * ours is renamed to lib_<name>: lib/string.c and lib/strtoul.c define
 * lib_memcpy() etc., and the test reaches ours through memcpy() or
 * lib_memcpy(). The host's versions stay reachable as ref_<name>(),
 * defined here before the renaming, so tests compare against libc.
 */
#ifndef LIBC_PREFIX_H
#define LIBC_PREFIX_H

#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/*
 * GCC from -O2 may turn byte-copy loops into calls to memcpy/memset; those
 * calls would reach the host libc and hide bugs in our loops. The target
 * build passes -fno-tree-loop-distribute-patterns for the same reason;
 * clang does not take that option (it honours -fno-builtin instead).
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-tree-loop-distribute-patterns")
#endif

#define LIBC_PREFIX_FUNCS(X)                                                   \
	X(void *, memcpy, (void *d, const void *s, size_t n), (d, s, n))       \
	X(void *, memmove, (void *d, const void *s, size_t n), (d, s, n))      \
	X(void *, memset, (void *s, int c, size_t n), (s, c, n))               \
	X(int, memcmp, (const void *a, const void *b, size_t n), (a, b, n))    \
	X(void *, memchr, (const void *s, int c, size_t n), (s, c, n))         \
	X(size_t, strlen, (const char *s), (s))                                \
	X(size_t, strnlen, (const char *s, size_t n), (s, n))                  \
	X(char *, strchr, (const char *s, int c), (s, c))                      \
	X(char *, strrchr, (const char *s, int c), (s, c))                     \
	X(int, strcmp, (const char *a, const char *b), (a, b))                 \
	X(int, strncmp, (const char *a, const char *b, size_t n), (a, b, n))   \
	X(unsigned long, strtoul, (const char *s, char **e, int b), (s, e, b))

/* ref_<name>(): the host libc's function, bound before the renaming. */
#define LIBC_PREFIX_REF(ret, name, params, args)                               \
	static inline __attribute__((unused)) ret ref_##name params            \
	{                                                                      \
		return (ret)name args;                                         \
	}
LIBC_PREFIX_FUNCS(LIBC_PREFIX_REF)

/* lib_<name>(): ours, from lib/string.c and lib/strtoul.c. */
#define LIBC_PREFIX_DECL(ret, name, params, args) ret lib_##name params;
LIBC_PREFIX_FUNCS(LIBC_PREFIX_DECL)

#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef memchr
#undef strlen
#undef strnlen
#undef strchr
#undef strrchr
#undef strcmp
#undef strncmp
#undef strtoul

#define memcpy lib_memcpy
#define memmove lib_memmove
#define memset lib_memset
#define memcmp lib_memcmp
#define memchr lib_memchr
#define strlen lib_strlen
#define strnlen lib_strnlen
#define strchr lib_strchr
#define strrchr lib_strrchr
#define strcmp lib_strcmp
#define strncmp lib_strncmp
#define strtoul lib_strtoul

#endif /* LIBC_PREFIX_H */
