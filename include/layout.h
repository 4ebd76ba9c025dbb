/*
 * Image layout constants shared by C, assembly and linker.ld.
 *
 * The image is linked at address 0 and relocates itself (R_AARCH64_RELATIVE)
 * to wherever the loader put it, so nothing here is an absolute address.
 *
 *   +------------------------+ <- load address (2 MiB aligned), Image header
 *   | .text  (RX)            |
 *   | .rodata (R)            |
 *   | .rela.dyn (R after relocation)
 *   | .data  (RW, XN)        |
 *   | .bss   (RW, XN)        |
 *   | guard page (unmapped)  |
 *   | boot stack (RW, XN)    |   SP_EL0: all firmware code
 *   | guard page (unmapped)  |
 *   | exception stack        |   SP_EL1: exception handlers
 *   +------------------------+ <- image_size from the header
 */
#ifndef LAYOUT_H
#define LAYOUT_H

#include <bits.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (UL(1) << PAGE_SHIFT)

/* booti places the image at a 2 MiB aligned base (Linux booting.rst). */
#define IMAGE_ALIGN (UL(2) << 20)

#define BOOT_STACK_SIZE (UL(16) * PAGE_SIZE)
#define EXC_STACK_SIZE (UL(8) * PAGE_SIZE)
#define STACK_GUARD_SIZE PAGE_SIZE

/* Largest DTB accepted from the loader (Linux's limit for arm64 too). */
#define DTB_MAX_SIZE (UL(2) << 20)

/*
 * Virtual address space (stage 1, EL1&0). The identity map (VA == PA: the
 * image, RAM, MMIO) is in the lower range, TTBR0_EL1. The remap window is
 * in the upper range, TTBR1_EL1, with T1SZ = 64 - REMAP_VA_BITS, so no
 * identity-mapped physical address can ever fall in it. VA[55] selects the
 * range; with TCR_EL1.TBI1 = 1 the top byte of an upper-range address is
 * ignored (Arm ARM D8.2, "Address tagging" and "Translation table base
 * address register selection"), which lets window pointers keep bit 63
 * clear: below BLOCKPOOL_TAG, the link tag of the dma_pool allocator
 * (include/mm/blockpool.h), so dma_pool chunks can live in the window.
 *
 *   0x0000_0000_0000_0000  +-------------------------+  TTBR0: VA == PA
 *                          | image, RAM, MMIO        |
 *   2^va_bits - 1          +-------------------------+
 *                          |  (faults)               |
 *   REMAP_WINDOW_BASE      +-------------------------+  TTBR1 (VA[55] = 1,
 *   0x00ff_ff80_0000_0000  | Normal-NC aliases of    |  VA[54:39] all ones,
 *                          | coherent DMA buffers    |  top byte ignored);
 *   + REMAP_WINDOW_SIZE    +-------------------------+  mm/remap.c hands
 *                          |  (unmapped)             |  out its VAs
 *   0x00ff_ffff_ffff_ffff  +-------------------------+
 */
#define REMAP_VA_BITS 39
#define REMAP_WINDOW_BASE UL(0x00ffff8000000000) /* bits 55:39 set, 63:56 clear */
#define REMAP_WINDOW_SIZE (UL(256) << 20)

/* Size of the exception frame pushed by boot/vectors.S (see struct exc_frame). */
#define EXC_FRAME_SIZE (36 * 8)

#endif /* LAYOUT_H */
