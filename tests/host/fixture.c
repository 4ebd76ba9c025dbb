/* Fixture loading for host tests (tests/host/fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>
#include <dt.h>
#include <libfdt.h>

#include "fixture.h"

void *fixture_load(const char *name, size_t extra, size_t *sizep)
{
	char path[512];
	FILE *f;
	long n;
	void *buf;

	snprintf(path, sizeof(path), "%s/%s.dtb", FIXTURE_DIR, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open fixture %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n + extra);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	assert_int_equal(dt_check(buf, (size_t)n), 0);
	if (extra)
		assert_int_equal(fdt_open_into(buf, buf, (int)((size_t)n + extra)), 0);
	if (sizep)
		*sizep = (size_t)n;
	return buf;
}

void fixture_record(void *ctx, const char *path, const char *msg)
{
	struct fixture_msgs *m = ctx;

	if (m->n >= FIXTURE_MAX_MSGS)
		fail_msg("more than %d reports; last: %s: %s", FIXTURE_MAX_MSGS, path, msg);
	snprintf(m->path[m->n], sizeof(m->path[0]), "%s", path);
	snprintf(m->msg[m->n], sizeof(m->msg[0]), "%s", msg);
	m->n++;
}
