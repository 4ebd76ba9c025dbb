/*
 * Direction of a DMA transfer, as the driver states it when mapping. The
 * values are Linux's (include/linux/dma-direction.h), so ported drivers and
 * traces read the same.
 */
#ifndef DMA_DIRECTION_H
#define DMA_DIRECTION_H

enum dma_data_direction {
	DMA_BIDIRECTIONAL = 0, /* device reads and writes the buffer */
	DMA_TO_DEVICE = 1,     /* device only reads it */
	DMA_FROM_DEVICE = 2,   /* device only writes it */
	DMA_NONE = 3,          /* never valid for a mapping; debugging only */
};

/* A direction a buffer may be mapped with (DMA_NONE is not one). */
static inline int dma_direction_valid(enum dma_data_direction dir)
{
	return dir == DMA_BIDIRECTIONAL || dir == DMA_TO_DEVICE || dir == DMA_FROM_DEVICE;
}

#endif /* DMA_DIRECTION_H */
