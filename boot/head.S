/*
 * Entry point: the arm64 Linux Image header, then the start-up code that
 * takes the CPU from whatever the loader left to a C environment.
 *
 * Boot protocol (Linux Documentation/arch/arm64/booting.rst): MMU off,
 * D-cache off for the image (cleaned to PoC by the loader), x0 = physical
 * address of the DTB, x1..x3 = 0, entered at EL2 or EL1.
 *
 * The image is linked at 0 and may be loaded at any 2 MiB aligned address;
 * everything here is PC-relative until relocate has fixed up .rela.dyn.
 */
#include <arch/sysreg.h>
#include <asm.h>
#include <layout.h>

#define R_AARCH64_RELATIVE 1027

	.section .head.text, "ax"
	.globl _start
_start:
	/* code0/code1: branch over the header (booting.rst "Image header"). */
	b	primary_entry
	.long	0
	.quad	0				/* text_offset: load at the 2 MiB base */
	.quad	__image_size			/* image_size, incl. BSS and stack */
	/*
	 * flags: bit 0 = 0 little endian; bits 2:1 = 1, 4 KiB pages; bit 3 = 1,
	 * the 2 MiB aligned base may be anywhere in physical memory.
	 */
	.quad	(1 << 1) | (1 << 3)
	.quad	0
	.quad	0
	.quad	0
	.ascii	"ARM\x64"			/* magic */
	.long	0

	.section .text.boot, "ax"
primary_entry:
	mov	x19, x0				/* DTB pointer, kept for C */
	mrs	x20, CurrentEL
	ubfx	x20, x20, #2, #2		/* entry EL, kept for the banner */
	cmp	x20, #2
	b.eq	init_el2
	cmp	x20, #1
	b.eq	el1_setup
	/* EL3 (or EL0): unsupported. Nothing is known of the console yet. */
1:	wfe
	b	1b

/*
 * Configure EL2 so EL1 runs unhindered, then drop to EL1h with DAIF masked.
 * No hypervisor stays resident: EL2 keeps no vectors of ours.
 */
init_el2:
	mov_imm	x9, HCR_EL2_RW
	msr	hcr_el2, x9
	mov	x9, #(CNTHCTL_EL2_EL1PCTEN | CNTHCTL_EL2_EL1PCEN)
	msr	cnthctl_el2, x9
	msr	cntvoff_el2, xzr
	mov_imm	x9, CPTR_EL2_RES1
	msr	cptr_el2, x9
	msr	hstr_el2, xzr
	msr	vttbr_el2, xzr

	/* Let EL1 use every PMU event counter (benchmarks read them). */
	mrs	x9, pmcr_el0
	ubfx	x9, x9, #11, #5			/* PMCR_EL0.N */
	msr	mdcr_el2, x9			/* HPMN = N, no traps */

	/*
	 * GICv3 CPU interface through system registers: EL1 may only use
	 * ICC_*_EL1 if ICC_SRE_EL2.Enable and .SRE are set (GICv3 spec 12.2.10).
	 */
	mrs	x9, id_aa64pfr0_el1
	ubfx	x9, x9, #24, #4			/* ID_AA64PFR0_EL1.GIC */
	cbz	x9, 2f
	mrs	x9, S3_4_C12_C9_5		/* ICC_SRE_EL2 */
	mov	x10, #(ICC_SRE_EL2_SRE | ICC_SRE_EL2_ENABLE)
	orr	x9, x9, x10
	msr	S3_4_C12_C9_5, x9
	isb
	msr	S3_4_C12_C11_0, xzr		/* ICH_HCR_EL2: no virtual GIC */
2:
	mov_imm	x9, SCTLR_EL1_RES1
	msr	sctlr_el1, x9
	mov	x9, #SPSR_EL1H_DAIF
	msr	spsr_el2, x9
	adr	x9, el1_setup
	msr	elr_el2, x9
	eret

el1_setup:
	msr	daifset, #0xf
	mov_imm	x9, SCTLR_EL1_RES1		/* MMU and caches off, little endian */
	msr	sctlr_el1, x9
	isb

	/*
	 * FP/SIMD policy: enabled (Debian's libfdt.a may use SIMD registers);
	 * the firmware's own C is built -mgeneral-regs-only so exception
	 * handlers never clobber that state.
	 */
	mov	x9, #CPACR_EL1_FPEN
	msr	cpacr_el1, x9
	isb

	adr_l	x9, vectors
	msr	vbar_el1, x9

	/* Exceptions on SP_EL1, everything else on SP_EL0 (see vectors.S). */
	msr	spsel, #1
	adr_l	x9, __exc_stack_top
	mov	sp, x9
	msr	spsel, #0
	adr_l	x9, __stack_top
	mov	sp, x9

relocate:
	/* Apply every R_AARCH64_RELATIVE: *(base + off) = base + addend. */
	adr	x9, __image_start
	adr_l	x10, __rela_start
	adr_l	x11, __rela_end
4:	cmp	x10, x11
	b.hs	5f
	ldp	x12, x13, [x10], #16
	ldr	x14, [x10], #8
	cmp	w13, #R_AARCH64_RELATIVE
	b.ne	4b				/* -pie emits nothing else; see linker.ld */
	add	x14, x14, x9
	str	x14, [x12, x9]
	b	4b
5:
	/* Clear BSS (16-byte aligned at both ends, see linker.ld). */
	adr_l	x10, __bss_start
	adr_l	x11, __bss_end
6:	cmp	x10, x11
	b.hs	7f
	stp	xzr, xzr, [x10], #16
	b	6b
7:
	/*
	 * Data written with the MMU off went straight to memory; drop any line
	 * the loader may have left in the caches for this range, so it cannot
	 * shadow those writes once the MMU and caches are on.
	 */
	adr	x0, __image_start
	adr_l	x1, __image_end
	bl	dcache_inval_poc_early

	mov	x0, x19				/* DTB */
	mov	x1, x20				/* entry EL */
	bl	boot_main
8:	wfe					/* boot_main does not return */
	b	8b

/*
 * dcache_inval_poc_early(start, end): DC IVAC by line over [start, end).
 * Only for start-up with the MMU off (no dirty lines of ours can exist).
 */
dcache_inval_poc_early:
	mrs	x3, ctr_el0
	ubfx	x3, x3, #16, #4			/* CTR_EL0.DminLine: log2 words */
	mov	x2, #4
	lsl	x2, x2, x3			/* line size in bytes */
	sub	x3, x2, #1
	bic	x0, x0, x3
9:	dc	ivac, x0
	add	x0, x0, x2
	cmp	x0, x1
	b.lo	9b
	dsb	sy				/* invalidation done before any access */
	ret
