/*
 * Recording fake of the arch interface (include/arch/cache.h) for host
 * tests. Every cache operation is logged per LINE, in the order issued:
 *
 *	{ FAKE_CLEAN | FAKE_INVAL | FAKE_CLEAN_INVAL, line address }
 *	{ FAKE_BARRIER, 0 }
 *
 * so a test compares the exact list with one it computes itself. The line
 * size is configurable (default 64). Contract violations of cache.h
 * (start >= end, an unaligned dcache_inval_poc() range, a full log) fail
 * through cmocka's mock_assert(), so expect_assert_failure() can test them.
 */
#ifndef FAKE_ARCH_H
#define FAKE_ARCH_H

#include <stddef.h>
#include <stdint.h>

enum fake_cache_op {
	FAKE_CLEAN,       /* DC CVAC */
	FAKE_INVAL,       /* DC IVAC */
	FAKE_CLEAN_INVAL, /* DC CIVAC */
	FAKE_BARRIER,     /* DSB SY (dma_barrier_complete) */
};

struct fake_cache_rec {
	enum fake_cache_op op;
	uintptr_t addr; /* line-aligned; 0 for FAKE_BARRIER */
};

#define FAKE_DEFAULT_DLINE 64
#define FAKE_LOG_MAX (1u << 17)

/* Empty the log; line size back to FAKE_DEFAULT_DLINE. */
void fake_arch_reset(void);
/* Empty the log only (the line size stays). */
void fake_arch_reset_log(void);
/* Line size reported by cache_dline_size() and used to split ranges. */
void fake_arch_set_dline_size(size_t bytes);
/* The log: fake_arch_nrecs() entries. */
size_t fake_arch_nrecs(void);
const struct fake_cache_rec *fake_arch_recs(void);
/* Name of an op, for messages. */
const char *fake_cache_op_name(enum fake_cache_op op);

/*
 * An expected list for a test to build (fake_expect()) and compare with the
 * log: fake_arch_check() fails the cmocka test at the first difference,
 * naming @what, then empties both.
 */
void fake_expect_reset(void);
void fake_expect(enum fake_cache_op op, uintptr_t addr);
size_t fake_expect_count(void);
void fake_arch_check(const char *what);

#endif /* FAKE_ARCH_H */
