/* The fallback DTB from dts/, compiled by dtc and embedded here (see main.c). */
	.section .builtin_dtb, "a"
	.balign	8
	.incbin	BUILTIN_DTB
