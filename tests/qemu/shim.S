/*
 * Test-only loader shim: stands in for a boot loader that hands the
 * firmware a chosen x0 and load address. QEMU's generic loader puts this at
 * SHIM_BASE, writes the two parameters below with data= options, loads the
 * Image and the DTB, and starts the CPU here (tests/qemu/run.py).
 *
 *   SHIM_BASE + 0x000: code
 *   SHIM_BASE + 0x100: x0 to pass (DTB address, or anything)
 *   SHIM_BASE + 0x108: Image load address to jump to
 *
 * The parameters sit beyond the code so loading this file does not
 * overwrite them.
 */
#define PARAMS_OFFSET 0x100
	.text
	.globl	_start
_start:
	adr	x9, _start
	add	x9, x9, #PARAMS_OFFSET
	ldp	x0, x10, [x9]
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	br	x10
