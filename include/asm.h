/* Assembly helpers shared by the .S files. */
#ifndef ASM_H
#define ASM_H

#ifdef __ASSEMBLER__

/* Load a 64-bit constant, whatever its value. */
.macro mov_imm reg, val
	movz	\reg, #((\val) & 0xffff)
	movk	\reg, #(((\val) >> 16) & 0xffff), lsl #16
	movk	\reg, #(((\val) >> 32) & 0xffff), lsl #32
	movk	\reg, #(((\val) >> 48) & 0xffff), lsl #48
.endm

/* PC-relative address of a symbol anywhere within +/- 4 GiB. */
.macro adr_l reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
.endm

#endif /* __ASSEMBLER__ */
#endif /* ASM_H */
