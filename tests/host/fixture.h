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

/* Reports collected from a memmap_report_fn (memmap_parse, dt_dma_configure). */
#define FIXTURE_MAX_MSGS 16
#define FIXTURE_PATH_MAX 256

struct fixture_msgs {
	int n;
	char path[FIXTURE_MAX_MSGS][FIXTURE_PATH_MAX];
	char msg[FIXTURE_MAX_MSGS][256];
};

/* memmap_report_fn that appends to the struct fixture_msgs at @ctx; fails past the cap. */
void fixture_record(void *ctx, const char *path, const char *msg);

#endif /* TESTS_HOST_FIXTURE_H */
