/*
 * Self-tests of the boot foundation: relocation, the MMU's permissions,
 * expected faults, the timer, and (on request) a deliberate crash.
 */
#include <arch/sysreg.h>
#include <arch/timer.h>
#include <boot.h>
#include <cmdline.h>
#include <compiler.h>
#include <dt.h>
#include <errno.h>
#include <exception.h>
#include <fmt.h>
#include <layout.h>
#include <mm/mmu.h>
#include <selftest.h>
#include <string.h>

extern char __image_start[], __text_end[], __stack_guard[], __stack_bottom[];

/* An address the compiler cannot reason about (see OPTIMIZER_HIDE_VAR). */
static uintptr_t opaque(uintptr_t a)
{
	OPTIMIZER_HIDE_VAR(a);
	return a;
}

static int reloc_probe(void)
{
	return 42;
}

/* A function pointer in .data: the linker leaves 0-based, head.S relocates. */
static int (*volatile reloc_ptr)(void) = reloc_probe;

SELFTEST(boot, relocated)
{
	/* &reloc_probe here is PC-relative (adrp), so it is the real address. */
	ST_ASSERT(reloc_ptr == reloc_probe, "data pointer %p, code at %p", (void *)reloc_ptr,
		  (void *)reloc_probe);
	ST_ASSERT(IS_ALIGNED((uintptr_t)__image_start, IMAGE_ALIGN), "loaded at %p",
		  (void *)__image_start);
	ST_ASSERT(reloc_ptr() == 42);
	return ST_PASS;
}

SELFTEST(boot, mmu_on)
{
	u64 sctlr = read_sysreg(sctlr_el1);

	ST_ASSERT(sctlr & SCTLR_EL1_M, "SCTLR_EL1 0x%llx", (unsigned long long)sctlr);
	ST_ASSERT(sctlr & SCTLR_EL1_C, "D-cache off");
	ST_ASSERT(sctlr & SCTLR_EL1_I, "I-cache off");
	ST_ASSERT(sctlr & SCTLR_EL1_WXN, "WXN off");
	ST_ASSERT(current_el() == 1, "running at EL%u", current_el());
	return ST_PASS;
}

/* An unaligned 8-byte load: only legal once RAM is Normal memory. */
SELFTEST(boot, unaligned_normal)
{
	static u8 buf[16] __aligned(8) = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	u64 v;

	__asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(buf + 3));
	ST_ASSERT(v == 0x0b0a090807060504ULL, "read 0x%llx", (unsigned long long)v);
	return ST_PASS;
}

/* The guard page below the stack is unmapped: touching it faults, expectedly. */
SELFTEST(boot, stack_guard_faults)
{
	volatile u64 *guard = (volatile u64 *)opaque((uintptr_t)__stack_bottom - 8);
	struct fault_record f;
	int level;

	fault_expect(EC_DABT_CUR);
	(void)*guard;
	f = fault_expect_end();
	ST_ASSERT(f.taken, "reading the stack guard page did not fault");
	ST_ASSERT(f.far == (uintptr_t)guard, "FAR 0x%llx", (unsigned long long)f.far);
	ST_ASSERT(esr_fsc_name(FIELD_GET(ESR_ISS_xFSC, f.esr), &level) &&
			  (FIELD_GET(ESR_ISS_xFSC, f.esr) & 0x3c) == 0x04 && level == 3,
		  "ESR 0x%llx is not a level-3 translation fault", (unsigned long long)f.esr);
	ST_ASSERT(!(f.esr & ESR_ISS_DABT_WNR), "reported as a write");
	return ST_PASS;
}

/* Image text is read-only: a write faults with a permission fault and changes nothing. */
SELFTEST(boot, text_readonly)
{
	volatile u32 *insn = (volatile u32 *)opaque((uintptr_t)reloc_probe);
	u32 before = *insn;
	struct fault_record f;

	fault_expect(EC_DABT_CUR);
	*insn = 0;
	f = fault_expect_end();
	ST_ASSERT(f.taken, "writing .text did not fault");
	ST_ASSERT(!(f.esr & ESR_ISS_FAR_NOT_VALID) && f.far == (uintptr_t)insn,
		  "FAR 0x%llx, wrote 0x%lx", (unsigned long long)f.far, (uintptr_t)insn);
	/*
	 * Level 3: .text (smaller than a 2 MiB block, checked) is mapped with
	 * pages from the 2 MiB aligned load address.
	 */
	ST_ASSERT(__text_end - __image_start < (2L << 20), ".text is %ld bytes",
		  (long)(__text_end - __image_start));
	ST_ASSERT(FIELD_GET(ESR_ISS_xFSC, f.esr) == 0x0f,
		  "ESR 0x%llx: not a level-3 permission fault", (unsigned long long)f.esr);
	ST_ASSERT(f.esr & ESR_ISS_DABT_WNR, "not reported as a write");
	ST_ASSERT(*insn == before, "text changed");
	return ST_PASS;
}

/* The generic timer runs, and a bounded wait lasts at least its bound. */
SELFTEST(boot, timer)
{
	u64 freq = timer_freq(), t0, t1;

	ST_ASSERT(freq >= 1000000 && freq <= 10000000000ULL, "CNTFRQ_EL0 %llu Hz",
		  (unsigned long long)freq);
	t0 = timer_count();
	udelay(1000);
	t1 = timer_count();
	ST_ASSERT(t1 - t0 >= freq / 1000, "1 ms delay took %llu ticks at %llu Hz",
		  (unsigned long long)(t1 - t0), (unsigned long long)freq);
	return ST_PASS;
}

/* The formatter gives the same text on the target as on the host tests. */
SELFTEST(boot, fmt_target)
{
	char buf[64];
	int n = fmt_snprintf(buf, sizeof(buf), "%#llx|%-5d|%05u|%s|%c", 0xfedcba9876543210ULL,
			     -42, 7u, "dma", 'x');

	ST_ASSERT(!strcmp(buf, "0xfedcba9876543210|-42  |00007|dma|x"), "got \"%s\"", buf);
	ST_ASSERT(n == (int)strlen(buf));
	return ST_PASS;
}

/* RAM from the DT is mapped: the last byte of every range is readable. */
SELFTEST(boot, ram_mapped)
{
	struct dt_mem_range mem[8];
	int i, count = 0;

	ST_ASSERT(!dt_memory(boot_info.fdt, mem, 8, &count, NULL) || count > 8);
	for (i = 0; i < count && i < 8; i++) {
		volatile u8 *last = (volatile u8 *)(uintptr_t)(mem[i].base + mem[i].size - 1);
		struct fault_record f;

		fault_expect(EC_DABT_CUR);
		(void)*last;
		f = fault_expect_end();
		ST_ASSERT(!f.taken, "RAM byte %p not mapped", (void *)last);
	}
	return ST_PASS;
}

/*
 * Only with bootargs selftest.crash: an unexpected fault (a write near
 * address 0) must give the crash report and a failing verdict, not a hang.
 */
SELFTEST(boot, deliberate_crash)
{
	if (!cmdline_has(boot_info.bootargs, "selftest.crash"))
		ST_SKIP("enable with bootargs selftest.crash");
	*(volatile u64 *)opaque(8) = 1;
	ST_FAILF("the write to address 8 did not fault");
}

/*
 * mmu_map() checks every overlap before mapping anything: RAM requested
 * over [free page][hole][device page] is refused, and the free page in
 * front, which a map-as-you-go loop would already have mapped, stays
 * unmapped. The three pages sit at the top of the input range, where no
 * board has anything; only the records stay behind.
 */
SELFTEST(boot, mmu_map_conflict_maps_nothing)
{
	phys_addr_t top = (1ULL << mmu_va_bits()) - 16 * PAGE_SIZE;
	struct fault_record f;

	ST_ASSERT(!mmu_hole(top + PAGE_SIZE, PAGE_SIZE, "st-hole"));
	ST_ASSERT(!mmu_map(top + 2 * PAGE_SIZE, PAGE_SIZE, MMU_DEVICE, "st-device"));
	ST_ASSERT(mmu_map(top, 3 * PAGE_SIZE, MMU_DATA, "st-conflict") == -EEXIST);
	fault_expect(EC_DABT_CUR);
	(void)*(volatile u32 *)opaque(top);
	f = fault_expect_end();
	/* Mapped, it would fault too (nothing is there), but not in translation. */
	ST_ASSERT(f.taken && (FIELD_GET(ESR_ISS_xFSC, f.esr) & 0x3c) == 0x04,
		  "page 0x%llx in front of the conflict got mapped (ESR 0x%llx)",
		  (unsigned long long)top, (unsigned long long)f.esr);
	return ST_PASS;
}
