/*
 * Reclaimable firmware allocations: how `reusable` reserved memory is lent
 * out while no device needs it (Linux's CMA idea, without page migration).
 *
 * A reclaimable allocation prefers free pages of reusable pools. When a
 * device's dma_alloc_coherent() needs that memory, the DMA layer calls the
 * owner's release() for each lent block of the pool: the owner must stop
 * using the memory before release() returns (drop a cache, say). The block
 * then goes back to the pool and the device allocation is retried.
 */
#ifndef MM_RECLAIM_H
#define MM_RECLAIM_H

#include <types.h>

typedef void (*reclaim_release_fn)(void *ctx, void *block);

/*
 * reclaimable_alloc() - 2^order pages, zeroed, from a reusable pool if one
 * has room (else from firmware RAM, then never reclaimed).
 * Return: the block or NULL.
 */
void *reclaimable_alloc(unsigned int order, reclaim_release_fn release, void *ctx);

/* Give a block back early. Return: 0, -EINVAL if not from reclaimable_alloc(). */
int reclaimable_free(void *block);

/* Blocks currently lent from reusable pools. */
unsigned int reclaimable_lent(void);

#endif /* MM_RECLAIM_H */
