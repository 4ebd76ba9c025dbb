/*
 * Stack protector support for -fstack-protector-strong (the firmware) and
 * for Debian's libfdt.a, which references __stack_chk_guard.
 *
 * The guard is a fixed, non-zero pattern with a zero byte in it (stops
 * string overflows); seeding it from entropy is left to the boot code.
 */
#include <compiler.h>
#include <console.h>
#include <platform.h>

unsigned long __stack_chk_guard = 0x00c0ffee5eed5a5aUL;

void __stack_chk_fail(void) __noreturn;

void __stack_chk_fail(void)
{
	kprintf("\n*** CRASH: stack smashing detected (caller %p)\n",
		__builtin_return_address(0));
	kprintf("selftest: FAIL crash: stack smashing\n");
	platform_crash_stop();
}
