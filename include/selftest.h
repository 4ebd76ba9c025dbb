/*
 * In-image self-tests. A test registers itself where it is defined:
 *
 *	SELFTEST(dma, map_roundtrip)
 *	{
 *		...
 *		ST_ASSERT(x == y, "x=%d", x);    fails the test with a reason
 *		ST_SKIP("no SMMU in this DT");   skips it with a reason
 *		return ST_PASS;
 *	}
 *
 * Tests live in the .selftests.<suite> linker section and run at boot in
 * order of suite name, then source file and line, printing one line each:
 *
 *	selftest: PASS dma.map_roundtrip
 *	selftest: FAIL dma.map_roundtrip: <reason>
 *	selftest: SKIP dma.map_roundtrip: <reason>
 *	selftest: summary: 3 passed, 1 failed, 1 skipped
 *
 * tests/qemu/run.py reads exactly these lines.
 */
#ifndef SELFTEST_H
#define SELFTEST_H

#include <compiler.h>
#include <types.h>

enum st_result { ST_PASS, ST_FAIL, ST_SKIP };

struct selftest_ctx {
	char reason[160];
};

struct selftest {
	const char *suite;
	const char *name;
	const char *file;
	int line;
	enum st_result (*fn)(struct selftest_ctx *ctx);
};

#define SELFTEST(suite_, name_)                                                    \
	static enum st_result st_##suite_##_##name_(struct selftest_ctx *ctx);      \
	static const struct selftest st_desc_##suite_##_##name_ __used             \
		__section(".selftests." #suite_) __aligned(8) = {                   \
			.suite = #suite_,                                           \
			.name = #name_,                                             \
			.file = __FILE__,                                           \
			.line = __LINE__,                                           \
			.fn = st_##suite_##_##name_,                                \
		};                                                                  \
	static enum st_result st_##suite_##_##name_(struct selftest_ctx *ctx __unused)

enum st_result selftest_fail(struct selftest_ctx *ctx, enum st_result r, const char *fmt, ...)
	__printf(3, 4);

/* Fail with file:line, the condition and an optional printf-style detail. */
#define ST_ASSERT(cond, ...)                                                        \
	do {                                                                        \
		if (!(cond))                                                        \
			return selftest_assert_fail(ctx, __FILE__, __LINE__, #cond, \
						    "" __VA_ARGS__);                \
	} while (0)

/* The comma says which result returns, for readers and static analysers alike. */
#define ST_FAILF(...) return (selftest_fail(ctx, ST_FAIL, __VA_ARGS__), ST_FAIL)
#define ST_SKIP(...) return (selftest_fail(ctx, ST_SKIP, __VA_ARGS__), ST_SKIP)

enum st_result selftest_assert_fail(struct selftest_ctx *ctx, const char *file, int line,
				    const char *expr, const char *fmt, ...) __printf(5, 6);

struct selftest_totals {
	unsigned int passed, failed, skipped;
};

/*
 * selftest_run() - run every registered test whose "suite.name" starts with
 * @filter (NULL or "all": every test), printing one line each and the
 * summary. Boot problems recorded with selftest_boot_error() count as
 * failures in the summary.
 * Return: the totals.
 */
struct selftest_totals selftest_run(const char *filter);

/*
 * selftest_crash_verdict() - after a crash report: fail the running test (if
 * any) and print the summary so far, so a crash is a verdict, not a timeout.
 */
void selftest_crash_verdict(void);

/* A problem found during boot (before the tests) that makes the verdict fail. */
void selftest_boot_error(const char *fmt, ...) __printf(1, 2);
unsigned int selftest_boot_errors(void);

#endif /* SELFTEST_H */
