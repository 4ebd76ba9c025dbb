/*
 * Fault injection at allocation sites, for tests that prove every failure
 * path recovers (Linux's fail_nth idea): arm a set of sites with N, and the
 * N-th allocation counted at those sites fails, once; every other one goes
 * through. Armed with N = 0, the sites only count, which tells a test how
 * many injection points a scenario reaches.
 *
 *   site                      where                                  fails as
 *   FAULT_INJECT_COHERENT     dma_mem_alloc() (coherent pools),      -ENOMEM / NULL
 *                             page_alloc() (firmware RAM)
 *   FAULT_INJECT_IOVA         the IOMMU back end's IOVA allocation   -ENOMEM
 *   FAULT_INJECT_PGTABLE      an SMMU domain's page-table page       NULL (pgtable_map: -ENOMEM)
 *   FAULT_INJECT_BOUNCE       swiotlb_alloc() (bounce slots)         -ENOMEM
 *
 * Compiled in always; unarmed, fault_inject_hit() is one load and a branch.
 * Not thread safe (nothing in the firmware is): arm, run, disarm.
 */
#ifndef FAULT_INJECT_H
#define FAULT_INJECT_H

#include <bits.h>
#include <compiler.h>
#include <types.h>

enum fault_site {
	FAULT_INJECT_COHERENT,
	FAULT_INJECT_IOVA,
	FAULT_INJECT_PGTABLE,
	FAULT_INJECT_BOUNCE,
	FAULT_INJECT_NR_SITES
};

#define FAULT_INJECT_MASK(site) BIT(site)
#define FAULT_INJECT_ALL (BIT(FAULT_INJECT_NR_SITES) - 1)

/* True while armed (counting or failing); read by the inline fast path. */
extern bool fault_inject_active;

bool fault_inject_hit_slow(enum fault_site site);

/*
 * fault_inject_hit() - an allocation at @site is about to happen.
 * Return: true if it must fail (the caller then fails as the table says,
 * without allocating); false otherwise, always when unarmed.
 */
static inline bool fault_inject_hit(enum fault_site site)
{
	return unlikely(fault_inject_active) && fault_inject_hit_slow(site);
}

/*
 * fault_inject_arm() - count hits at every site from zero; the @nth hit
 * (1-based) at a site in @site_mask fails, and is reported on the console
 * ("fault-inject: failing ..."). @nth 0: count only, nothing fails.
 */
void fault_inject_arm(unsigned int site_mask, unsigned int nth);

/* Stop counting and failing; the counts stay readable. */
void fault_inject_disarm(void);

/* Hits at @site since the last fault_inject_arm(). */
unsigned int fault_inject_hits(enum fault_site site);

/* Whether the armed N-th hit happened (and failed); *site says where (may be NULL). */
bool fault_inject_fired(enum fault_site *site);

/* "coherent", "iova", "pgtable", "bounce". */
const char *fault_inject_site_name(enum fault_site site);

#endif /* FAULT_INJECT_H */
