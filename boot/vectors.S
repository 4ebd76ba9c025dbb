/*
 * EL1 exception vectors (Arm ARM D1.3.1, "Exception vectors"): 16 entries
 * of 0x80 bytes, table aligned to 2 KiB.
 *
 * Firmware code runs on SP_EL0 (the boot stack); exceptions are taken on
 * SP_EL1, a separate exception stack. A thread stack overflow into its guard
 * page therefore still gets a crash report instead of a recursive fault.
 *
 * Every entry builds a struct exc_frame (include/exception.h) and calls
 * exception_entry(kind, frame); if that returns, the (possibly updated) ELR
 * and SPSR are restored and the exception returns.
 */
#include <asm.h>
#include <layout.h>

#define FRAME_X30	(30 * 8)
#define FRAME_SP	(31 * 8)
#define FRAME_ELR	(32 * 8)
#define FRAME_SPSR	(33 * 8)
#define FRAME_ESR	(34 * 8)
#define FRAME_FAR	(35 * 8)

.macro ventry kind
	.balign	0x80
	sub	sp, sp, #EXC_FRAME_SIZE
	stp	x0, x1, [sp]
	mov	x0, #\kind
	b	exc_common
.endm

	.section .text, "ax"
	.balign	0x800
	.globl	vectors
vectors:
	ventry	0	/* current EL, SP_EL0: sync */
	ventry	1	/* irq */
	ventry	2	/* fiq */
	ventry	3	/* serror */
	ventry	4	/* current EL, SP_ELx: sync */
	ventry	5
	ventry	6
	ventry	7
	ventry	8	/* lower EL, AArch64 */
	ventry	9
	ventry	10
	ventry	11
	ventry	12	/* lower EL, AArch32 */
	ventry	13
	ventry	14
	ventry	15

exc_common:
	stp	x2, x3, [sp, #(2 * 8)]
	stp	x4, x5, [sp, #(4 * 8)]
	stp	x6, x7, [sp, #(6 * 8)]
	stp	x8, x9, [sp, #(8 * 8)]
	stp	x10, x11, [sp, #(10 * 8)]
	stp	x12, x13, [sp, #(12 * 8)]
	stp	x14, x15, [sp, #(14 * 8)]
	stp	x16, x17, [sp, #(16 * 8)]
	stp	x18, x19, [sp, #(18 * 8)]
	stp	x20, x21, [sp, #(20 * 8)]
	stp	x22, x23, [sp, #(22 * 8)]
	stp	x24, x25, [sp, #(24 * 8)]
	stp	x26, x27, [sp, #(26 * 8)]
	stp	x28, x29, [sp, #(28 * 8)]

	/* The interrupted stack: SP_EL0 for kinds 0..3, else this one. */
	mrs	x9, sp_el0
	add	x10, sp, #EXC_FRAME_SIZE
	cmp	x0, #4
	csel	x9, x9, x10, lo
	stp	x30, x9, [sp, #FRAME_X30]
	mrs	x9, elr_el1
	mrs	x10, spsr_el1
	stp	x9, x10, [sp, #FRAME_ELR]
	mrs	x9, esr_el1
	mrs	x10, far_el1
	stp	x9, x10, [sp, #FRAME_ESR]

	mov	x1, sp
	bl	exception_entry

	/* Resume: the handler may have moved ELR past an expected fault. */
	ldp	x9, x10, [sp, #FRAME_ELR]
	msr	elr_el1, x9
	msr	spsr_el1, x10
	ldp	x0, x1, [sp]
	ldp	x2, x3, [sp, #(2 * 8)]
	ldp	x4, x5, [sp, #(4 * 8)]
	ldp	x6, x7, [sp, #(6 * 8)]
	ldp	x8, x9, [sp, #(8 * 8)]
	ldp	x10, x11, [sp, #(10 * 8)]
	ldp	x12, x13, [sp, #(12 * 8)]
	ldp	x14, x15, [sp, #(14 * 8)]
	ldp	x16, x17, [sp, #(16 * 8)]
	ldp	x18, x19, [sp, #(18 * 8)]
	ldp	x20, x21, [sp, #(20 * 8)]
	ldp	x22, x23, [sp, #(22 * 8)]
	ldp	x24, x25, [sp, #(24 * 8)]
	ldp	x26, x27, [sp, #(26 * 8)]
	ldp	x28, x29, [sp, #(28 * 8)]
	ldr	x30, [sp, #FRAME_X30]
	add	sp, sp, #EXC_FRAME_SIZE
	eret
