/* The in-image self-test runner (see include/selftest.h). */
#include <console.h>
#include <exception.h>
#include <fmt.h>
#include <selftest.h>
#include <string.h>

extern const struct selftest __selftests_start[], __selftests_end[];

static unsigned int boot_errors;
static const struct selftest *running;
static struct selftest_totals totals;

enum st_result selftest_fail(struct selftest_ctx *ctx, enum st_result r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(ctx->reason, sizeof(ctx->reason), fmt, ap);
	va_end(ap);
	return r;
}

enum st_result selftest_assert_fail(struct selftest_ctx *ctx, const char *file, int line,
				    const char *expr, const char *fmt, ...)
{
	size_t n = fmt_snprintf(ctx->reason, sizeof(ctx->reason), "%s:%d: %s", file, line, expr);
	va_list ap;

	if (*fmt && n + 2 < sizeof(ctx->reason)) {
		ctx->reason[n++] = ':';
		ctx->reason[n++] = ' ';
		va_start(ap, fmt);
		fmt_vsnprintf(ctx->reason + n, sizeof(ctx->reason) - n, fmt, ap);
		va_end(ap);
	}
	return ST_FAIL;
}

void selftest_boot_error(const char *fmt, ...)
{
	va_list ap;

	kprintf("selftest: FAIL boot: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	boot_errors++;
}

unsigned int selftest_boot_errors(void)
{
	return boot_errors;
}

/* @filter: "suite" or "suite.name", or several separated by commas. */
static bool matches(const struct selftest *t, const char *filter)
{
	size_t sl = strlen(t->suite), fl;
	const char *comma;

	if (!filter || !strcmp(filter, "all"))
		return true;
	comma = strchr(filter, ',');
	if (comma) {
		char first[64];

		fl = (size_t)(comma - filter) < sizeof(first) - 1 ? (size_t)(comma - filter) :
								     sizeof(first) - 1;
		memcpy(first, filter, fl);
		first[fl] = '\0';
		return matches(t, first) || matches(t, comma + 1);
	}
	fl = strlen(filter);
	/* "suite" or "suite.name" (a prefix of the full name). */
	if (fl <= sl)
		return !strncmp(t->suite, filter, fl) && fl == sl;
	return !strncmp(t->suite, filter, sl) && filter[sl] == '.' &&
	       !strcmp(t->name, filter + sl + 1);
}

void selftest_crash_verdict(void)
{
	if (running)
		kprintf("selftest: FAIL %s.%s: crashed (report above)\n", running->suite,
			running->name);
	else
		kprintf("selftest: FAIL crash: outside any test (report above)\n");
	kprintf("selftest: summary: %u passed, %u failed, %u skipped\n", totals.passed,
		totals.failed + boot_errors + 1, totals.skipped);
}

#define SELFTEST_MAX 1024

static bool before(const struct selftest *a, const struct selftest *b)
{
	int c = strcmp(a->suite, b->suite);

	if (!c)
		c = strcmp(a->file, b->file);
	return c ? c < 0 : a->line < b->line;
}

/* The registered tests in run order (the linker keeps no order inside a suite). */
static const struct selftest *const *ordered(size_t *count)
{
	static const struct selftest *order[SELFTEST_MAX];
	static size_t n;
	const struct selftest *t;

	if (n)
		goto out;
	for (t = __selftests_start; t < __selftests_end && n < SELFTEST_MAX; t++) {
		size_t i = n++;

		for (; i > 0 && before(t, order[i - 1]); i--)
			order[i] = order[i - 1];
		order[i] = t;
	}
out:
	*count = n;
	return order;
}

struct selftest_totals selftest_run(const char *filter)
{
	struct selftest_totals tot = { 0 };
	const struct selftest *const *order;
	size_t i, count;

	order = ordered(&count);
	if (__selftests_end - __selftests_start > SELFTEST_MAX)
		kprintf("selftest: FAIL registry: more than %d tests; raise SELFTEST_MAX\n",
			SELFTEST_MAX);
	for (i = 0; i < count; i++) {
		const struct selftest *t = order[i];
		struct selftest_ctx ctx = { { 0 } };
		enum st_result r;

		if (!matches(t, filter))
			continue;
		running = t;
		r = t->fn(&ctx);
		running = NULL;
		switch (r) {
		case ST_PASS:
			kprintf("selftest: PASS %s.%s\n", t->suite, t->name);
			tot.passed++;
			break;
		case ST_SKIP:
			kprintf("selftest: SKIP %s.%s: %s\n", t->suite, t->name, ctx.reason);
			tot.skipped++;
			break;
		default:
			kprintf("selftest: FAIL %s.%s: %s\n", t->suite, t->name, ctx.reason);
			tot.failed++;
			break;
		}
		totals = tot;
	}
	tot.failed += boot_errors;
	kprintf("selftest: summary: %u passed, %u failed, %u skipped\n", tot.passed, tot.failed,
		tot.skipped);
	return tot;
}
