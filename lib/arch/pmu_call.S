/*
 * One call's instruction count (contract: include/arch/pmu.h).
 *
 * C cannot keep its own instructions out of a window between two counter
 * reads: the compiler schedules argument loads and moves anywhere around
 * them. Here the window is fixed:
 *
 *	isb; mrs x20, PMEVCNTR0_EL0; blr x16; <callee, up to its ret>;
 *	isb; mrs x9, PMEVCNTR0_EL0
 *
 * and the lone RET of pmu_count_ret calibrates it (pmu_start()): the
 * window around it is the fixed part plus that RET, so count(fn) minus
 * (count(pmu_count_ret) - 1) is fn's instructions from its first to its
 * RET inclusive, the BLR excluded: what callgrind counts as a function's
 * inclusive cost on the host (make bench compares the two).
 *
 * Each ISB keeps its counter read from happening before the instructions
 * ahead of it, as in pmu_read().
 */

	.section .text.pmu_call, "ax"

/* u64 pmu_count_call(void (*fn)(void), u64 a0, u64 a1, u64 a2, u64 a3, u64 *raw) */
	.globl	pmu_count_call
	.type	pmu_count_call, %function
pmu_count_call:
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	mov	x19, x5				/* raw: callee-saved across the call */
	mov	x16, x0
	mov	x0, x1
	mov	x1, x2
	mov	x2, x3
	mov	x3, x4
	isb
	mrs	x20, pmevcntr0_el0
	blr	x16				/* fn's result stays in x0 */
	isb
	mrs	x9, pmevcntr0_el0
	sub	x9, x9, x20
	str	x9, [x19]
	ldp	x19, x20, [sp, #16]
	ldp	x29, x30, [sp], #32
	ret
	.size	pmu_count_call, . - pmu_count_call

/* void pmu_count_ret(void): the calibration callee, one instruction. */
	.globl	pmu_count_ret
	.type	pmu_count_ret, %function
pmu_count_ret:
	ret
	.size	pmu_count_ret, . - pmu_count_ret
