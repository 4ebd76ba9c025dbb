/* Allocation traces shared by the host and the image benchmarks (include/mm/alloc_trace.h). */
#include <bits.h>
#include <errno.h>
#include <layout.h>
#include <mm/alloc_trace.h>
#include <xorshift.h>

/* Pool bases as a DT might give them: not aligned beyond what they must be. */
const struct alloc_trace alloc_traces[] = {
	{ .name = "coherent-small", .kind = ALLOC_TRACE_COHERENT, .pairs = 8000, .lo = 300,
	  .hi = 500, .min_bytes = 64, .max_bytes = 64 << 10, .base = 0x48005000ULL,
	  .size = 48ULL << 20 },
	{ .name = "coherent-large", .kind = ALLOC_TRACE_COHERENT, .pairs = 4000, .lo = 100,
	  .hi = 200, .min_bytes = 4096, .max_bytes = 2 << 20, .pages_only = true,
	  .base = 0x50000000ULL, .size = 448ULL << 20 },
	{ .name = "dmapool-64", .kind = ALLOC_TRACE_DMAPOOL, .pairs = 8000, .lo = 500, .hi = 1000,
	  .block = 64, .align = 64, .boundary = 4096 },
	{ .name = "dmapool-48", .kind = ALLOC_TRACE_DMAPOOL, .pairs = 8000, .lo = 500, .hi = 1000,
	  .block = 40, .align = 16 },
	{ .name = "displaced-64", .kind = ALLOC_TRACE_DMAPOOL, .pairs = 4000, .lo = 500,
	  .hi = 1000, .block = 64, .align = 64, .boundary = 4096, .chunk_step = 64 * 4096 },
	{ .name = NULL },
};


/* Log-uniform integer in [lo, hi], 1 <= lo <= hi: a uniform bit length, then uniform below it. */
static u64 log_uniform(u64 *s, u64 lo, u64 hi)
{
	unsigned int lb = 63 - __builtin_clzll(lo), hb = 63 - __builtin_clzll(hi);
	unsigned int b = lb + (unsigned int)(xorshift64star(s) % (hb - lb + 1));
	u64 v = (1ULL << b) + xorshift64star(s) % (1ULL << b);

	return v < lo ? lo : v > hi ? hi : v;
}

static u64 next_want(const struct alloc_trace *t, u64 *s)
{
	if (t->kind == ALLOC_TRACE_DMAPOOL)
		return t->block;
	if (t->pages_only)
		return log_uniform(s, t->min_bytes / PAGE_SIZE, t->max_bytes / PAGE_SIZE) * PAGE_SIZE;
	return log_uniform(s, t->min_bytes, t->max_bytes);
}

static bool trace_valid(const struct alloc_trace *t)
{
	if (!t->pairs || t->lo > t->hi || !t->hi || t->hi > ALLOC_TRACE_MAX_LIVE)
		return false;
	if (t->kind == ALLOC_TRACE_DMAPOOL)
		return t->block;
	return t->min_bytes && t->min_bytes <= t->max_bytes &&
	       (!t->pages_only || t->min_bytes >= PAGE_SIZE);
}

int alloc_trace_run(const struct alloc_trace *t, const struct alloc_trace_ops *ops,
		    struct alloc_trace_frag *frag)
{
	static struct alloc_trace_obj live[ALLOC_TRACE_MAX_LIVE];
	unsigned int n = 0, made = 0;
	u64 s = 0x9e3779b97f4a7c15ULL; /* the seed: every run sees the same trace */
	u64 live_bytes = 0, req_bytes = 0;
	int ret = 0;

	if (!trace_valid(t))
		return -EINVAL;
	*frag = (struct alloc_trace_frag){ 0 };
	while (made < t->pairs || n) {
		/* Nothing live: allocate (n < lo says so too, unless lo is 0). */
		bool grow = made < t->pairs && (!n || n < t->lo || (n < t->hi && xorshift64star(&s) % 2));

		if (grow) {
			struct alloc_trace_obj *o = &live[n];

			*o = (struct alloc_trace_obj){ .want = next_want(t, &s), .id = made };
			ret = ops->alloc(ops->ctx, o);
			if (ret)
				break;
			n++;
			made++;
			if (t->kind == ALLOC_TRACE_DMAPOOL)
				continue;
			live_bytes += o->bytes;
			req_bytes += ALIGN_UP(o->want, PAGE_SIZE);
			if (o->addr + o->bytes - t->base > frag->peak_span)
				frag->peak_span = o->addr + o->bytes - t->base;
			if (live_bytes > frag->peak_live)
				frag->peak_live = live_bytes;
			if (req_bytes > frag->peak_req)
				frag->peak_req = req_bytes;
		} else {
			unsigned int k = (unsigned int)(xorshift64star(&s) % n);

			ret = ops->free(ops->ctx, &live[k]);
			if (ret)
				break;
			live_bytes -= live[k].bytes;
			req_bytes -= ALIGN_UP(live[k].want, PAGE_SIZE);
			live[k] = live[--n];
		}
	}
	if (ret) /* leave the allocator as it was; the first error is the one to report */
		while (n)
			(void)ops->free(ops->ctx, &live[--n]);
	return ret;
}
