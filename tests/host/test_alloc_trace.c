/*
 * Host tests for mm/alloc_trace.c, the traces both allocator benches run.
 *
 * A model allocator hands out addresses and records every call: each trace
 * allocates exactly `pairs` objects and frees each once, sizes stay in the
 * trace's range, the live set keeps to its water marks, the figures it
 * reports match the model's own, two runs are identical, a callback error
 * stops the trace with everything freed, and bad traces are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include <layout.h>
#include <mm/alloc_trace.h>

#define MAX_PAIRS 8000

struct model {
	const struct alloc_trace *t;
	bool allocated[MAX_PAIRS], freed[MAX_PAIRS];
	unsigned int allocs, frees, live, max_live, min_live_after_ramp;
	u64 next, live_bytes, req_bytes, peak_live, peak_req, peak_span;
	u64 hash;		 /* of every call, in order */
	unsigned int fail_at;	 /* fail this allocation (1-based), 0: never */
	unsigned int free_fail_at; /* fail this free (1-based), 0: never */
};

static void mix(struct model *m, u64 v)
{
	m->hash = (m->hash ^ v) * 0x100000001b3ULL;
}

static int model_alloc(void *ctx, struct alloc_trace_obj *o)
{
	struct model *m = ctx;
	const struct alloc_trace *t = m->t;

	if (m->fail_at && m->allocs + 1 == m->fail_at)
		return -ENOMEM;
	assert_true(o->id < t->pairs && o->id == m->allocs);
	assert_false(m->allocated[o->id]);
	if (t->kind == ALLOC_TRACE_DMAPOOL) {
		assert_int_equal(o->want, t->block);
		o->bytes = t->block;
	} else {
		assert_true(o->want >= t->min_bytes && o->want <= t->max_bytes);
		if (t->pages_only)
			assert_true(o->want % PAGE_SIZE == 0);
		o->bytes = ALIGN_UP(o->want, PAGE_SIZE);
	}
	/* Objects placed one after the other: every end address is new. */
	o->addr = t->base + m->next;
	m->next += o->bytes;
	m->allocated[o->id] = true;
	m->allocs++;
	m->live++;
	if (m->live > m->max_live)
		m->max_live = m->live;
	m->live_bytes += o->bytes;
	m->req_bytes += ALIGN_UP(o->want, PAGE_SIZE);
	if (m->live_bytes > m->peak_live)
		m->peak_live = m->live_bytes;
	if (m->req_bytes > m->peak_req)
		m->peak_req = m->req_bytes;
	if (o->addr + o->bytes - t->base > m->peak_span)
		m->peak_span = o->addr + o->bytes - t->base;
	mix(m, 'a');
	mix(m, o->want);
	return 0;
}

static int model_free(void *ctx, const struct alloc_trace_obj *o)
{
	struct model *m = ctx;
	const struct alloc_trace *t = m->t;

	assert_true(o->id < t->pairs && m->allocated[o->id]);
	assert_false(m->freed[o->id]);
	if (m->free_fail_at && m->frees + 1 == m->free_fail_at) {
		m->free_fail_at = 0; /* once: the drain's frees succeed */
		return -EINVAL;
	}
	assert_true(o->addr >= t->base && o->addr - t->base < m->next);
	m->freed[o->id] = true;
	m->frees++;
	if (m->allocs >= t->lo && m->allocs < t->pairs && m->live < m->min_live_after_ramp)
		m->min_live_after_ramp = m->live;
	m->live--;
	m->live_bytes -= o->bytes;
	m->req_bytes -= ALIGN_UP(o->want, PAGE_SIZE);
	mix(m, 'f');
	mix(m, o->id);
	return 0;
}

/* Run @t over @m; allocation @fail_at and free @free_fail_at (1-based, 0: none) fail. */
static int run_failing(struct model *m, const struct alloc_trace *t, struct alloc_trace_frag *f,
		       unsigned int fail_at, unsigned int free_fail_at)
{
	struct alloc_trace_ops ops = { model_alloc, model_free, m };

	memset(m, 0, sizeof(*m));
	m->t = t;
	m->hash = 0xcbf29ce484222325ULL;
	m->min_live_after_ramp = ~0U;
	m->fail_at = fail_at;
	m->free_fail_at = free_fail_at;
	return alloc_trace_run(t, &ops, f);
}

static int run(struct model *m, const struct alloc_trace *t, struct alloc_trace_frag *f)
{
	return run_failing(m, t, f, 0, 0);
}

static struct model m1, m2;

/* Every trace: pairs allocated and freed once each, water marks kept, figures exact. */
static void test_every_trace(void **state)
{
	const struct alloc_trace *t;
	unsigned int n = 0;

	(void)state;
	for (t = alloc_traces; t->name; t++, n++) {
		struct alloc_trace_frag f;
		unsigned int i;

		assert_true(t->pairs <= MAX_PAIRS);
		assert_int_equal(run(&m1, t, &f), 0);
		assert_int_equal(m1.allocs, t->pairs);
		assert_int_equal(m1.frees, t->pairs);
		for (i = 0; i < t->pairs; i++)
			assert_true(m1.allocated[i] && m1.freed[i]);
		assert_int_equal(m1.live, 0);
		assert_true(m1.max_live >= t->lo && m1.max_live <= t->hi);
		/* Once ramped up, frees only happen above the low water mark. */
		assert_true(m1.min_live_after_ramp >= t->lo && m1.min_live_after_ramp != ~0U);
		if (t->kind == ALLOC_TRACE_DMAPOOL) {
			assert_int_equal(f.peak_span, 0);
			assert_int_equal(f.peak_live, 0);
			assert_int_equal(f.peak_req, 0);
		} else {
			assert_int_equal(f.peak_span, m1.peak_span);
			assert_int_equal(f.peak_live, m1.peak_live);
			assert_int_equal(f.peak_req, m1.peak_req);
		}
	}
	assert_int_equal(n, 5);
}

/* The same trace twice: the same calls in the same order (the generator is reseeded). */
static void test_deterministic(void **state)
{
	struct alloc_trace_frag f;

	(void)state;
	assert_int_equal(run(&m1, &alloc_traces[0], &f), 0);
	assert_int_equal(run(&m2, &alloc_traces[1], &f), 0); /* another trace in between */
	assert_int_equal(run(&m2, &alloc_traces[0], &f), 0);
	assert_int_equal(m1.hash, m2.hash);
	assert_int_equal(run(&m2, &alloc_traces[1], &f), 0);
	assert_true(m1.hash != m2.hash);
}

/*
 * A callback fails: its error comes back and nothing is left live. A failed
 * allocation is the last; a failed free is tried again by the drain.
 */
static void test_error_drains(void **state)
{
	struct alloc_trace_frag f;

	(void)state;
	assert_int_equal(run_failing(&m1, &alloc_traces[0], &f, 400, 0), -ENOMEM);
	assert_int_equal(m1.allocs, 399);
	assert_int_equal(m1.live, 0);
	assert_int_equal(m1.frees, 399);
	assert_int_equal(run_failing(&m1, &alloc_traces[2], &f, 0, 10), -EINVAL);
	assert_true(m1.allocs >= alloc_traces[2].lo && m1.allocs < alloc_traces[2].pairs);
	assert_int_equal(m1.live, 0);
	assert_int_equal(m1.frees, m1.allocs);
}

/* A low water mark of 0: nothing live is never a free (no division by zero). */
static void test_low_water_zero(void **state)
{
	struct alloc_trace t = alloc_traces[0];
	struct alloc_trace_frag f;

	(void)state;
	t.lo = 0;
	t.hi = 2;
	assert_int_equal(run(&m1, &t, &f), 0);
	assert_int_equal(m1.frees, t.pairs);
	assert_true(m1.max_live <= 2);
}

/* Traces the runner cannot run are refused before any call. */
static void test_bad_traces(void **state)
{
	struct alloc_trace bad[6];
	struct alloc_trace_frag f;
	unsigned int i;

	(void)state;
	for (i = 0; i < 6; i++)
		bad[i] = alloc_traces[0];
	bad[0].pairs = 0;
	bad[1].lo = bad[1].hi + 1;
	bad[2].hi = ALLOC_TRACE_MAX_LIVE + 1;
	bad[3].min_bytes = bad[3].max_bytes + 1;
	bad[4].pages_only = true; /* min_bytes 64: not a page */
	bad[5].min_bytes = 0;
	for (i = 0; i < 6; i++) {
		assert_int_equal(run(&m1, &bad[i], &f), -EINVAL);
		assert_int_equal(m1.allocs, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_trace),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_error_drains),
		cmocka_unit_test(test_low_water_zero),
		cmocka_unit_test(test_bad_traces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
