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

/* Size of the exception frame pushed by boot/vectors.S (see struct exc_frame). */
#define EXC_FRAME_SIZE (36 * 8)

#endif /* LAYOUT_H */
