/*
 * Fixed-width types and the address types that must not be confused.
 *
 *   CPU virtual  -- a pointer
 *   phys_addr_t  -- what the CPU's MMU outputs (and what the DT's /memory says)
 *   dma_addr_t   -- what a device puts on the bus (after dma-ranges / SMMU)
 */
#ifndef TYPES_H
#define TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

typedef u64 phys_addr_t;
typedef u64 dma_addr_t;

#endif /* TYPES_H */
