/*
 * Data-cache maintenance by VA range to PoC (contract: include/arch/cache.h).
 *
 * Each range operation is a prologue that jumps into a 64-line unrolled
 * block (Duff's device), so a line costs exactly its DC and one ADD, and
 * the loop test runs once per 64 lines:
 *
 *	x4 = -L, x3 = log2(L)            two PC-relative literal loads
 *	x0 = start & -L                  first line
 *	k  = ((x0 - end) >> log2 L) & 63 = (-n) mod 64, n = lines in the range
 *	jump to block + 8 * k            the block is 512-byte aligned, so
 *	                                 the entry is a BFI into its address
 *   block:
 *	64 x { dc <op>, x0 ; sub x0, x0, x4 }
 *	cmp x0, x1 ; b.lo block ; ret
 *
 * The first pass runs n mod 64 lines (64 if that is 0); every later pass 64.
 * After the first pass x0 < end exactly when lines remain, because
 * x0 + (n - 1) * L < end <= x0 + n * L. Requires start < end (an empty range
 * would still touch one line); cache.h's users check the size.
 *
 * Registers: x0-x6 only, no stack, no FP/SIMD. The geometry lives in .data
 * and is reached with LDR (literal), which reaches +/- 1 MiB: if .text and
 * .rodata ever grow past that, the link fails with "relocation truncated"
 * and these become ADRP + LDR (one instruction more per call).
 */
#include <asm.h>

/* CTR_EL0.DminLine, bits [19:16] (CTR_EL0_DMINLINE in arch/sysreg.h). */
#define CTR_EL0_DMINLINE_SHIFT 16
#define CTR_EL0_DMINLINE_WIDTH 4
/* Bytes per word: DminLine counts 4-byte words. */
#define LOG2_WORD 2
/* Lines per unrolled block (log2), and bytes per line in the block (dc + sub). */
#define UNROLL_SHIFT 6
#define BLOCK_INSN_SHIFT 3

	.section .data.cache, "aw"
	.balign	8
/*
 * Stride of the range operations: -L and log2(L). Until cache_init() runs
 * it is the smallest line CTR_EL0 can describe (4 bytes), which covers
 * every real line.
 */
cache_line_neg:
	.quad	-(1 << LOG2_WORD)
cache_line_shift:
	.quad	LOG2_WORD

	.section .text.cache, "ax"

/*
 * One range operation: void \name(uintptr_t start, uintptr_t end), doing
 * "dc \op" on every line of [start, end), with no barrier.
 */
.macro dcache_range name, op
	.balign	(1 << (UNROLL_SHIFT + BLOCK_INSN_SHIFT))
\name\()_block:
	.rept	(1 << UNROLL_SHIFT)
	dc	\op, x0
	sub	x0, x0, x4			/* next line: x0 += L */
	.endr
	cmp	x0, x1
	b.lo	\name\()_block
	ret

	.globl	\name
	.type	\name, %function
\name:
	ldr	x4, cache_line_neg
	ldr	x3, cache_line_shift
	and	x0, x0, x4			/* first line */
	sub	x5, x0, x1			/* -(bytes from first line to end) */
	lsr	x5, x5, x3			/* low bits: (-n) mod 64 */
	adr	x6, \name\()_block
	bfi	x6, x5, #BLOCK_INSN_SHIFT, #UNROLL_SHIFT
	br	x6
	.size	\name, . - \name
.endm

	dcache_range dcache_clean_poc, cvac
	dcache_range dcache_inval_poc, ivac
	dcache_range dcache_clean_inval_poc, civac

/* The helpers go last: the blocks above are aligned, these need not be. */
/* void cache_init(void) */
	.globl	cache_init
	.type	cache_init, %function
cache_init:
	mrs	x0, ctr_el0
	ubfx	x0, x0, #CTR_EL0_DMINLINE_SHIFT, #CTR_EL0_DMINLINE_WIDTH
	add	x0, x0, #LOG2_WORD		/* log2(L) */
	mov	x1, #-1
	lsl	x1, x1, x0			/* -L */
	adr_l	x2, cache_line_neg
	str	x1, [x2]
	str	x0, [x2, #(cache_line_shift - cache_line_neg)]
	ret
	.size	cache_init, . - cache_init

/* size_t cache_dline_size(void) */
	.globl	cache_dline_size
	.type	cache_dline_size, %function
cache_dline_size:
	mrs	x1, ctr_el0
	ubfx	x1, x1, #CTR_EL0_DMINLINE_SHIFT, #CTR_EL0_DMINLINE_WIDTH
	mov	x0, #(1 << LOG2_WORD)
	lsl	x0, x0, x1
	ret
	.size	cache_dline_size, . - cache_dline_size

/* size_t cache_op_stride(void) */
	.globl	cache_op_stride
	.type	cache_op_stride, %function
cache_op_stride:
	ldr	x0, cache_line_neg
	neg	x0, x0
	ret
	.size	cache_op_stride, . - cache_op_stride
