/*
 * In-image self-tests and benchmarks of lib/arch/cache.S and the
 * streaming-DMA policy (mm/dma_cache.c) on the target.
 *
 * QEMU does not model caches: there, data integrity only shows that the
 * operations do not fault or corrupt memory; on hardware the same tests
 * check real write-back and invalidation. Line coverage is checked two
 * ways: by translation faults at the edge of an unmapped guard page (on
 * hardware; QEMU's DC by VA does not translate) and by counting retired
 * instructions, which pins the number of lines the unrolled loop ran (PMU
 * event INST_RETIRED; under QEMU TCG only with -icount).
 */
#include <arch/cache.h>
#include <arch/pmu.h>
#include <arch/sysreg.h>
#include <bits.h>
#include <compiler.h>
#include <console.h>
#include <exception.h>
#include <mm/dma_cache.h>
#include <selftest.h>
#include <string.h>


/* ISS of a data abort (D23.2.41): CM, the fault came from a cache maintenance instruction. */
#define ESR_ISS_DABT_CM BIT(8)

extern char __stack_guard[], __stack_bottom[];

/* 64 KiB for the benchmark; page aligned so edges are known. */
#define BUF_SIZE (64 * 1024)
static u8 buf[BUF_SIZE] __aligned(4096);

/* An address the compiler cannot reason about (see OPTIMIZER_HIDE_VAR). */
static uintptr_t opaque(uintptr_t a)
{
	OPTIMIZER_HIDE_VAR(a);
	return a;
}

static u8 pattern(size_t i, unsigned int seed)
{
	return (u8)(i * 131 + seed * 7 + (i >> 8));
}

static void fill(unsigned int seed)
{
	size_t i;

	for (i = 0; i < BUF_SIZE; i++)
		buf[i] = pattern(i, seed);
}

/* What the CPU writes next to a DMA range, distinct from the pattern. */
static u8 neighbour(size_t i)
{
	return pattern(i, 4) ^ 0xff;
}

/* Index of the first byte that differs from the pattern, or BUF_SIZE. */
static size_t first_bad(unsigned int seed)
{
	size_t i;

	for (i = 0; i < BUF_SIZE; i++)
		if (buf[i] != pattern(i, seed))
			return i;
	return BUF_SIZE;
}

SELFTEST(cache, dline_size)
{
	u64 ctr = read_sysreg(ctr_el0);
	size_t want = (size_t)4 << FIELD_GET(CTR_EL0_DMINLINE, ctr);
	size_t l = cache_dline_size();

	ST_ASSERT(l >= 16 && l <= 2048 && (l & (l - 1)) == 0, "line size %zu", l);
	ST_ASSERT(l == want, "cache_dline_size() %zu, CTR_EL0 0x%llx says %zu", l,
		  (unsigned long long)ctr, want);
	ST_ASSERT(cache_op_stride() == l, "range ops step by %zu, line is %zu: cache_init() not run at boot",
		  cache_op_stride(), l);
	return ST_PASS;
}

SELFTEST(cache, data_survives)
{
	uintptr_t b = opaque((uintptr_t)buf);
	size_t l = cache_dline_size(), bad;

	fill(1);
	dcache_clean_poc(b, b + BUF_SIZE);
	dma_barrier_complete(); /* the cleans are done before we read back */
	bad = first_bad(1);
	ST_ASSERT(bad == BUF_SIZE, "after clean: byte %zu", bad);

	fill(2);
	dcache_clean_inval_poc(b + 3, b + BUF_SIZE - 5);
	dma_barrier_complete(); /* as above */
	bad = first_bad(2);
	ST_ASSERT(bad == BUF_SIZE, "after clean+invalidate: byte %zu", bad);

	/* Invalidate loses nothing once the data has reached PoC. */
	fill(3);
	dcache_clean_poc(b, b + BUF_SIZE);
	dma_barrier_complete(); /* at PoC before the invalidate */
	dcache_inval_poc(b + l, b + BUF_SIZE - l);
	dma_barrier_complete(); /* invalidated before we read back */
	bad = first_bad(3);
	ST_ASSERT(bad == BUF_SIZE, "after clean, then invalidate: byte %zu", bad);
	return ST_PASS;
}

/*
 * An unmap of an unaligned FROM_DEVICE range keeps what the CPU wrote to
 * the rest of the edge lines (they are cleaned+invalidated, not only
 * invalidated). Meaningful on hardware; under QEMU it checks no fault.
 */
SELFTEST(cache, unmap_keeps_edge_neighbours)
{
	uintptr_t b = opaque((uintptr_t)buf);
	size_t l = cache_dline_size(), i;
	size_t off = l + 5, size = 3 * l; /* [off, off + size): partial first and last line */

	fill(4);
	dma_cache_for_device_complete(b + off, size, DMA_FROM_DEVICE);
	/* Neighbours in the edge lines, written while the "device" owns the range. */
	for (i = l; i < off; i++)
		buf[i] = neighbour(i);
	for (i = off + size; i < 5 * l; i++)
		buf[i] = neighbour(i);
	dma_cache_for_cpu_complete(b + off, size, DMA_FROM_DEVICE);
	for (i = l; i < off; i++)
		ST_ASSERT(buf[i] == neighbour(i), "head neighbour byte %zu lost", i);
	for (i = off + size; i < 5 * l; i++)
		ST_ASSERT(buf[i] == neighbour(i), "tail neighbour byte %zu lost", i);
	return ST_PASS;
}

/* Run a clean+invalidate of [start, end) expecting at most one fault. */
static struct fault_record civac_fault(uintptr_t start, uintptr_t end)
{
	fault_expect(EC_DABT_CUR);
	dcache_clean_inval_poc(start, end);
	dma_barrier_complete(); /* nothing outstanding when the expectation ends */
	return fault_expect_end();
}

/*
 * Exact coverage at both ends, for line counts across the 64-line unrolled
 * block and every start alignment: a range ending at the unmapped stack
 * guard page must not touch it, one byte more must fault on the guard's
 * first line; a range starting at the stack above the guard must not touch
 * the guard, one starting inside the guard's last line must fault there.
 * DC CIVAC only: the lines around the guard are live .bss and stack, and
 * are cleaned before they are invalidated.
 */
SELFTEST(cache, coverage_by_fault)
{
	uintptr_t g = opaque((uintptr_t)__stack_guard), s = opaque((uintptr_t)__stack_bottom);
	size_t l = cache_dline_size(), n, o, nmax;
	size_t off[4];
	struct fault_record f;

	f = civac_fault(g, g + 1);
	if (!f.taken)
		ST_SKIP("DC CIVAC on the unmapped guard page did not fault (QEMU does not translate DC by VA)");
	ST_ASSERT((f.esr & ESR_ISS_DABT_CM) && ALIGN_DOWN(f.far, l) == g,
		  "probe: ESR 0x%llx FAR 0x%llx", (unsigned long long)f.esr,
		  (unsigned long long)f.far);

	off[0] = 0;
	off[1] = 1;
	off[2] = l / 2;
	off[3] = l - 1;
	nmax = 130 * l <= 32 * 1024 ? 130 : 32 * 1024 / l; /* stay inside the boot stack */
	for (n = 1; n <= nmax; n++) {
		for (o = 0; o < 4; o++) {
			uintptr_t a = g - n * l + off[o];

			f = civac_fault(a, g);
			ST_ASSERT(!f.taken, "[0x%lx, guard) touched 0x%llx", (unsigned long)a,
				  (unsigned long long)f.far);
			f = civac_fault(a, g + 1);
			ST_ASSERT(f.taken && ALIGN_DOWN(f.far, l) == g,
				  "[0x%lx, guard + 1) missed the guard line", (unsigned long)a);

			f = civac_fault(s + off[o], s + n * l);
			ST_ASSERT(!f.taken, "[stack + %zu, %zu lines) touched 0x%llx", off[o], n,
				  (unsigned long long)f.far);
			f = civac_fault(s - l + off[o], s + n * l);
			ST_ASSERT(f.taken && ALIGN_DOWN(f.far, l) == s - l,
				  "[stack - %zu, %zu lines) missed the guard line", l - off[o], n);
		}
	}
	return ST_PASS;
}

/* --- instruction counts (benchmarks) ------------------------------------ */

#define CALLER_SAVED                                                                     \
	"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", \
		"x13", "x14", "x15", "x16", "x17", "x30", "cc", "memory"

/*
 * Instructions retired by "blr fn(a0, a1, a2)" followed by @tail (a DSB or
 * nothing): the same sequence without the call and @tail is measured and
 * subtracted, so only the call, the function and the tail count.
 */
#define COUNT_CALL(tail)                                                                \
	static u64 count_call_##tail(uintptr_t fn, uintptr_t a0, uintptr_t a1, uintptr_t a2) \
	{                                                                               \
		u64 c0, c1, b0, b1;                                                     \
                                                                                        \
		__asm__ volatile("isb\n\tmrs %0, pmevcntr0_el0\n\t"                     \
				 "mov x0, %2\n\tmov x1, %3\n\tmov x2, %4\n\t"           \
				 "isb\n\tmrs %1, pmevcntr0_el0"                         \
				 : "=&r"(b0), "=&r"(b1)                                 \
				 : "r"(a0), "r"(a1), "r"(a2)                            \
				 : CALLER_SAVED);                                       \
		__asm__ volatile("isb\n\tmrs %0, pmevcntr0_el0\n\t"                     \
				 "mov x0, %2\n\tmov x1, %3\n\tmov x2, %4\n\t"           \
				 "blr %5\n\t" TAIL_##tail                               \
				 "isb\n\tmrs %1, pmevcntr0_el0"                         \
				 : "=&r"(c0), "=&r"(c1)                                 \
				 : "r"(a0), "r"(a1), "r"(a2), "r"(fn)                   \
				 : CALLER_SAVED);                                       \
		return (c1 - c0) - (b1 - b0);                                           \
	}
#define TAIL_dsb "dsb sy\n\t"
#define TAIL_none ""
COUNT_CALL(dsb)
COUNT_CALL(none)

/* Lines of size @l holding a byte of [start, end). */
static u64 lines_in(uintptr_t start, uintptr_t end, size_t l)
{
	return (ALIGN_UP(end, l) - ALIGN_DOWN(start, l)) / l;
}

/*
 * What cache.S executes for n lines, plus the BLR and the DSB: BLR, 8-insn
 * prologue, 2 per line, CMP + B.LO per pass of up to 64 lines, RET, DSB.
 */
static u64 expected_insns(u64 n)
{
	return 1 + 8 + 2 * n + 2 * ((n + 63) / 64) + 1 + 1;
}

/* Within 10% of 2 instructions per line plus one DSB. */
static bool within_target(u64 insns, u64 lines)
{
	return insns * 10 <= 11 * (2 * lines + 1);
}

/*
 * Instruction counts of the range operations: exact against the loop's
 * shape for many sizes and alignments (so the line count is right), and the
 * benchmark lines for 4 KiB and 64 KiB. Deterministic: QEMU -icount or
 * hardware, the counts do not drift.
 */
SELFTEST(cache, bench_clean)
{
	static const size_t sizes[] = { 1, 63, 64, 65, 127, 128, 129, 4095, 4096, 4099, 8192 + 1 };
	uintptr_t b = opaque((uintptr_t)buf);
	size_t l = cache_dline_size(), i, o;
	const char *why = pmu_start();
	u64 n, c;

	if (why)
		ST_SKIP("%s", why);
	c = count_call_dsb((uintptr_t)dcache_clean_poc, b, b + 4096, 0);
	if (c == 0 || c > ((u64)1 << 32)) {
		pmu_stop();
		ST_SKIP("INST_RETIRED did not count (QEMU TCG counts it only with -icount)");
	}

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		for (o = 0; o < 3; o++) {
			uintptr_t a = b + (o == 0 ? 0 : o == 1 ? 1 : l - 1);

			n = lines_in(a, a + sizes[i], l);
			c = count_call_dsb((uintptr_t)dcache_clean_inval_poc, a, a + sizes[i], 0);
			if (c != expected_insns(n)) {
				pmu_stop();
				ST_FAILF("civac [+%zu, %zu bytes): %llu insns, expected %llu (%llu lines)",
					 (size_t)(a - b), sizes[i], (unsigned long long)c,
					 (unsigned long long)expected_insns(n), (unsigned long long)n);
			}
		}
	}

	n = lines_in(b, b + 4096, l);
	c = count_call_dsb((uintptr_t)dcache_clean_poc, b, b + 4096, 0);
	kprintf("bench: cache_clean_4k insns=%llu lines=%llu\n", (unsigned long long)c,
		(unsigned long long)n);
	if (!within_target(c, n) || c != expected_insns(n)) {
		pmu_stop();
		ST_FAILF("4 KiB: %llu insns for %llu lines", (unsigned long long)c,
			 (unsigned long long)n);
	}

	n = lines_in(b, b + BUF_SIZE, l);
	c = count_call_dsb((uintptr_t)dcache_clean_poc, b, b + BUF_SIZE, 0);
	kprintf("bench: cache_clean_64k insns=%llu lines=%llu\n", (unsigned long long)c,
		(unsigned long long)n);
	if (!within_target(c, n) || c != expected_insns(n)) {
		pmu_stop();
		ST_FAILF("64 KiB: %llu insns for %llu lines", (unsigned long long)c,
			 (unsigned long long)n);
	}

	/* The cost of reading CTR_EL0 on each call instead of the cached stride. */
	c = count_call_none((uintptr_t)cache_dline_size, 0, 0, 0);
	kprintf("bench: cache_dline_size insns=%llu\n", (unsigned long long)c);

	/* The policy: an unaligned 4 KiB FROM_DEVICE unmap, edges included, with its DSB. */
	n = lines_in(b + 8, b + 8 + 4096, l);
	c = count_call_none((uintptr_t)dma_cache_for_cpu_complete, b + 8, 4096, DMA_FROM_DEVICE);
	kprintf("bench: dma_unmap_4k_unaligned insns=%llu lines=%llu\n", (unsigned long long)c,
		(unsigned long long)n);

	pmu_stop();
	return ST_PASS;
}
