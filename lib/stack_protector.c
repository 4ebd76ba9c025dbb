/*
 * Stack protector support for -fstack-protector-strong (the firmware) and
 * for Debian's libfdt.a, which references __stack_chk_guard.
 *
 * The guard starts as a fixed pattern (include/stack_protector.h) so that
 * every function is protected from the first C call on; boot_main() then
 * seeds it once from the DT's /chosen/rng-seed and /chosen/kaslr-seed (the
 * loader's entropy, as Linux takes it) and the CPU's RNDR, mixed, with the
 * lowest byte zero: in memory that is the first byte, so an overflow by a
 * string function stops at it (glibc does the same).
 */
#include <arch/rng.h>
#include <compiler.h>
#include <console.h>
#include <libfdt.h>
#include <platform.h>
#include <selftest.h>
#include <stack_protector.h>

/* -fpie: reached through the GOT, which head.S relocates before any C runs. */
unsigned long __stack_chk_guard = STACK_GUARD_FALLBACK;

static unsigned int sources;

#define RNDR_TRIES 16

/* One round of SplitMix64's finaliser over the running state and a new word. */
static u64 mix(u64 h, u64 w)
{
	h ^= w;
	h *= 0x9e3779b97f4a7c15ULL;
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

/* Fold the bytes of /chosen/@name into *h. Return: bytes used (0: absent or empty). */
static int mix_prop(const void *fdt, int chosen, const char *name, u64 *h)
{
	const u8 *p;
	int len, i;
	u64 w = 0;

	p = chosen >= 0 ? fdt_getprop(fdt, chosen, name, &len) : NULL;
	if (!p || len <= 0)
		return 0;
	for (i = 0; i < len; i++) {
		w = w << 8 | p[i];
		if (i % 8 == 7 || i == len - 1) {
			*h = mix(*h, w);
			w = 0;
		}
	}
	return len;
}

/*
 * Gather entropy into *out. Return: the STACK_GUARD_SRC_* bits used.
 * Separate from stack_protector_init() so that every protected frame it
 * needs (libfdt's included) has returned before the guard changes.
 */
static unsigned int gather(const void *fdt, u64 *out, int *seed_len, bool *rndr_failed)
{
	int chosen = fdt ? fdt_path_offset(fdt, "/chosen") : -1;
	unsigned int src = 0, i;
	u64 h = 0, v;

	*seed_len = mix_prop(fdt, chosen, "rng-seed", &h);
	if (*seed_len)
		src |= STACK_GUARD_SRC_RNG_SEED;
	if (mix_prop(fdt, chosen, "kaslr-seed", &h))
		src |= STACK_GUARD_SRC_KASLR_SEED;
	*rndr_failed = false;
	if (arch_has_rndr()) {
		for (i = 0; i < RNDR_TRIES && !arch_rndr(&v); i++)
			;
		if (i < RNDR_TRIES) {
			h = mix(h, v);
			src |= STACK_GUARD_SRC_RNDR;
		} else {
			*rndr_failed = true;
		}
	}
	*out = h;
	return src;
}

/*
 * Built without the protector: the guard changes while this frame is live
 * (the caller, boot_main(), never returns either).
 */
__attribute__((no_stack_protector)) void stack_protector_init(const void *fdt)
{
	bool rndr_failed;
	int seed_len;
	u64 h;
	unsigned int src = gather(fdt, &h, &seed_len, &rndr_failed);

	if (src) {
		h &= ~0xffULL; /* the first byte in memory is zero */
		if (!h || h == STACK_GUARD_FALLBACK)
			h ^= 0x5a00ULL << 48; /* never the fallback nor 0, by the rarest of chances */
		__stack_chk_guard = h;
		sources = src;
	}
	if (rndr_failed)
		kprintf("stack-protector: warning: RNDR returned no number %u times; not used\n",
			RNDR_TRIES);
	if (!src) {
		kprintf("stack-protector: warning: no entropy (no /chosen/rng-seed or kaslr-seed, "
			"no RNDR): the guard stays the fixed 0x%016lx\n", __stack_chk_guard);
		return;
	}
	kprintf("stack-protector: guard seeded from");
	if (src & STACK_GUARD_SRC_RNG_SEED)
		kprintf(" /chosen/rng-seed (%d bytes)%s", seed_len,
			src & ~STACK_GUARD_SRC_RNG_SEED ? "," : "");
	if (src & STACK_GUARD_SRC_KASLR_SEED)
		kprintf(" /chosen/kaslr-seed%s", src & STACK_GUARD_SRC_RNDR ? "," : "");
	if (src & STACK_GUARD_SRC_RNDR)
		kprintf(" RNDR");
	kprintf("\n");
}

unsigned int stack_protector_sources(void)
{
	return sources;
}

void __stack_chk_fail(void) __noreturn;

/* A protected frame's guard changed: the stack is not to be trusted, stop. */
__attribute__((no_stack_protector)) void __stack_chk_fail(void)
{
	kprintf("\n*** CRASH: stack smashing detected (caller %p)\n", __builtin_return_address(0));
	selftest_crash_verdict();
	platform_crash_stop();
}
