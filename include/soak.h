/*
 * The soak (lib/soak.c): a long, seeded, replayable random sequence of DMA
 * work over every DMA-capable device the firmware found, through the
 * public DMA API (<dma.h>) and the driver APIs (<drivers/edu.h>,
 * <drivers/blockdev.h>) only, with every byte checked:
 *
 *   dma_alloc_coherent/free    zeroed at allocation, pattern kept until free
 *   dma_map_single/unmap       pattern and guard bytes intact after unmap
 *   dma_map_sg/unmap_sg        the same per segment
 *   dma_sync_*_for_cpu/device  the synced range still holds the pattern
 *   dma_pool_create/alloc/     alignment and boundary of every block,
 *     free/destroy             pattern until freed
 *   edu                        real DMA out of a live object into the device
 *                              and back into a fresh buffer, or into a live
 *                              object, 1..4095 bytes, checked byte by byte
 *   blk read / write           reads of the runner's pattern disks checked
 *                              byte by byte; writes of a scratch region read
 *                              back; the region's pattern restored at the end
 *
 * Every object's bytes come from (seed, object id), so a corruption names
 * the object, the operation and the seed. At the end every object is
 * freed and the DMA layer must be back where it started: live dma-debug
 * records, coherent pools and page allocator, bounce slots, IOVA pages
 * (less any SMMU table pages the run added), no dma-debug report, no SMMU
 * fault. The same seed and count replay the same sequence on the same
 * devices (boot arguments soak.seed=N soak.ops=N, or `soak OPS SEED`).
 */
#ifndef SOAK_H
#define SOAK_H

#include <types.h>

/* What the boot self-test runs without soak.ops=N. */
#define SOAK_DEFAULT_OPS 2000

enum soak_op {
	SOAK_ALLOC,
	SOAK_FREE,
	SOAK_MAP,
	SOAK_UNMAP,
	SOAK_MAP_SG,
	SOAK_UNMAP_SG,
	SOAK_SYNC,
	SOAK_POOL_CREATE,
	SOAK_POOL_ALLOC,
	SOAK_POOL_FREE,
	SOAK_POOL_DESTROY,
	SOAK_EDU,
	SOAK_BLK_READ,
	SOAK_BLK_WRITE,
	SOAK_NR_OPS
};

struct soak_result {
	u64 seed, ops;			/* as asked */
	u64 done;			/* operations performed (== ops on success) */
	u64 count[SOAK_NR_OPS];		/* per kind; they add up to done */
	unsigned int devices, edus, disks;
	unsigned int max_live;		/* most objects live at once */
	unsigned int leaks, corruptions, errors;
	u64 usec;			/* wall time of the sequence and the checks */
	char why[160];			/* the first failure, for a self-test's reason */
};

/*
 * soak_default_seed() - a seed for when none is given: the generic timer's
 * counter mixed with RNDR where the CPU has it.
 */
u64 soak_default_seed(void);

/*
 * soak_run() - run @ops random operations from @seed, free everything,
 * check for leaks, and print the result lines ("soak: seed 0x...",
 * "soak: N operations (...), L leaks, C corruptions, seed 0x...", a
 * "replay:" hint). A failure stops the sequence at once, is printed as
 * "soak: CORRUPTION ..." or "soak: FAIL ..." naming the operation, the
 * object and the seed, and what is live is still freed. Not reentrant.
 * Return: 0; -ENODEV if there is no device to work with (nothing done);
 * -EINVAL for @ops 0; -EIO on any corruption, leak or failed call
 * (@res->why says which first).
 */
int soak_run(u64 ops, u64 seed, struct soak_result *res);

#endif /* SOAK_H */
