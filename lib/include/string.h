/*
 * Memory and string functions for the freestanding target build,
 * implemented in lib/string.c with the ISO C semantics. libfdt (Debian's
 * arm64 libfdt.a) links against these, so their behaviour must match C
 * exactly, including on overlapping memmove and unaligned buffers.
 */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t maxlen);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif /* LIB_STRING_H */
