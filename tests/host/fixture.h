/*
 * Loading .dtb fixtures in host tests (tests/fixtures/dt/NAME.dts, compiled
 * by the Makefile into FIXTURE_DIR).
 */
#ifndef TESTS_HOST_FIXTURE_H
#define TESTS_HOST_FIXTURE_H

#include <stddef.h>

/*
 * fixture_load() - FIXTURE_DIR/@name.dtb in a malloc'd buffer (malloc's
 * alignment satisfies libfdt's 8-byte rule) with @extra spare bytes opened
 * for run-time edits; fails the test unless the blob passes dt_check().
 * *sizep (may be NULL) gets the file's size. The caller frees the buffer.
 */
void *fixture_load(const char *name, size_t extra, size_t *sizep);

#endif /* TESTS_HOST_FIXTURE_H */
