/*
 * Memory protection, proven by faults the tests provoke on purpose: each
 * expects one synchronous exception and checks what the CPU reported
 * against the live stage-1 tables (Arm ARM D23.2.41, ISS of data and
 * instruction aborts):
 *
 *   access                          EC          FSC                 FAR
 *   write .rodata / the DTB window  DABT_CUR    permission, level   the byte written
 *   execute .data, the stack        IABT_CUR    permission, level   the branch target
 *   load/store a stack guard page   DABT_CUR    translation, level  the byte touched
 *   load a no-map region            DABT_CUR    translation, level  the byte read
 *
 * The level must be the one at which a walk of TTBR0_EL1's tables ends
 * (the leaf for a permission fault, the invalid entry for a translation
 * fault): a fault at another level would mean the map is not what
 * mm/mmu.c says it built.
 *
 * Also the stack protector: the guard was seeded from the entropy this
 * machine offers, frames carry it, and (bootargs selftest.smash) a
 * smashed canary stops the firmware with a crash report.
 */
#include <arch/rng.h>
#include <boot.h>
#include <cmdline.h>
#include <compiler.h>
#include <errno.h>
#include <exception.h>
#include <layout.h>
#include <libfdt.h>
#include <mm/dma_internal.h>
#include <mm/memmap.h>
#include <mm/mmu.h>
#include <mm/pgtable.h>
#include <selftest.h>
#include <stack_protector.h>
#include <string.h>

extern char __stack_guard[], __stack_bottom[], __exc_stack_guard[], __exc_stack_bottom[];

/* ESR_ELx.ISS.xFSC: type in bits 5:2, level in bits 1:0 (0b0001LL, 0b0011LL). */
#define FSC_TYPE GENMASK(5, 2)
#define FSC_LEVEL GENMASK(1, 0)
#define FSC_TYPE_TRANSLATION 0x1
#define FSC_TYPE_PERMISSION 0x3

/* A64 encodings: MOVZ W0, #42 and RET (Arm ARM C6.2). */
#define INSN_MOV_W0_42 0x52800540U
#define INSN_RET 0xd65f03c0U

/* An address the compiler cannot reason about (see OPTIMIZER_HIDE_VAR). */
static uintptr_t opaque(uintptr_t a)
{
	OPTIMIZER_HIDE_VAR(a);
	return a;
}

/*
 * Walk the tables the CPU uses (TTBR0_EL1, identity-mapped table pages).
 * Return: 0 with the leaf descriptor and its level, or -ENOENT with the
 * level of the invalid entry that ended the walk.
 */
static int cpu_walk(u64 va, u64 *desc, unsigned int *level)
{
	unsigned int va_bits = mmu_va_bits();
	const u64 *table = (const u64 *)(uintptr_t)(read_sysreg(ttbr0_el1) & PTE_ADDR);
	unsigned int lvl = 3 - (va_bits - PAGE_SHIFT - 1) / 9;

	for (;; lvl++) {
		u64 d = table[(va >> (PAGE_SHIFT + 9 * (3 - lvl))) % PGTABLE_ENTRIES];

		*desc = d;
		*level = lvl;
		if (!(d & PTE_VALID))
			return -ENOENT;
		if (lvl == 3 || !(d & PTE_TABLE))
			return 0;
		table = (const u64 *)(uintptr_t)(d & PTE_ADDR);
	}
}

/*
 * The checks every expected fault gets: taken, FAR valid and exact, the
 * fault type, the level the table walk predicts, and for data aborts
 * whether it was a write.
 */
static enum st_result check_fault(struct selftest_ctx *ctx, const char *what,
				  const struct fault_record *f, unsigned int type, uintptr_t addr,
				  int write)
{
	unsigned int fsc = FIELD_GET(ESR_ISS_xFSC, f->esr), level;
	u64 desc;
	int walk = cpu_walk(addr, &desc, &level);

	ST_ASSERT(f->taken, "%s at 0x%lx did not fault", what, addr);
	ST_ASSERT(!(f->esr & ESR_ISS_FAR_NOT_VALID), "%s: ESR 0x%llx says FAR is not valid", what,
		  (unsigned long long)f->esr);
	ST_ASSERT(f->far == addr, "%s: FAR 0x%llx, touched 0x%lx", what,
		  (unsigned long long)f->far, addr);
	ST_ASSERT(FIELD_GET(FSC_TYPE, fsc) == type, "%s: ESR 0x%llx: FSC 0x%x is not a %s fault", what,
		  (unsigned long long)f->esr, fsc,
		  type == FSC_TYPE_PERMISSION ? "permission" : "translation");
	/* A permission fault ends at a leaf, a translation fault at an invalid entry. */
	ST_ASSERT((walk == 0) == (type == FSC_TYPE_PERMISSION), "%s: the tables %s 0x%lx", what,
		  walk ? "do not map" : "map", addr);
	ST_ASSERT(FIELD_GET(FSC_LEVEL, fsc) == level, "%s: fault at level %u, the walk ends at %u",
		  what, (unsigned int)FIELD_GET(FSC_LEVEL, fsc), level);
	if (write >= 0)
		ST_ASSERT(!!(f->esr & ESR_ISS_DABT_WNR) == write, "%s: reported as a %s", what,
			  f->esr & ESR_ISS_DABT_WNR ? "write" : "read");
	return ST_PASS;
}

/* Store @v to the byte at @addr, expecting a data abort; the record is returned. */
static struct fault_record store8(uintptr_t addr, u8 v)
{
	fault_expect(EC_DABT_CUR);
	*(volatile u8 *)opaque(addr) = v;
	return fault_expect_end();
}

static struct fault_record load8(uintptr_t addr)
{
	fault_expect(EC_DABT_CUR);
	(void)*(volatile u8 *)opaque(addr);
	return fault_expect_end();
}

/*
 * Branch to @addr expecting an instruction abort. exception.c resumes an
 * instruction abort at x30, so the call must be a real BL (not a tail
 * call): the "+ 1" keeps one. What runs there, if anything, returns 42.
 */
static __attribute__((noinline)) int call_at(uintptr_t addr)
{
	int (*fn)(void) = (int (*)(void))addr;

	OPTIMIZER_HIDE_VAR(fn);
	return fn() + 1;
}

static struct fault_record exec_at(uintptr_t addr, int *ret)
{
	fault_expect(EC_IABT_CUR);
	*ret = call_at(addr);
	return fault_expect_end();
}

/* A constant: in .rodata, read-only and execute-never. */
static const u32 rodata_word = 0x600dc0de;

SELFTEST(protect, rodata_not_writable)
{
	uintptr_t a = opaque((uintptr_t)&rodata_word);
	struct fault_record f = store8(a + 1, 0);
	enum st_result r = check_fault(ctx, ".rodata write", &f, FSC_TYPE_PERMISSION, a + 1, 1);

	if (r != ST_PASS)
		return r;
	ST_ASSERT(*(volatile const u32 *)a == 0x600dc0de, ".rodata changed");
	return ST_PASS;
}

/* Writable data is never executable (SCTLR_EL1.WXN, and PXN in its descriptor). */
SELFTEST(protect, exec_from_data_faults)
{
	static u32 code[2] __aligned(8) = { INSN_MOV_W0_42, INSN_RET };
	uintptr_t a = opaque((uintptr_t)code);
	unsigned int level;
	u64 desc;
	int ret = 0;
	struct fault_record f;

	ST_ASSERT(!cpu_walk(a, &desc, &level) && !(desc & PTE_AP_RO),
		  "the code buffer is not in writable data (descriptor 0x%llx)",
		  (unsigned long long)desc);
	f = exec_at(a, &ret);
	if (!f.taken)
		ST_FAILF("executing .data at 0x%lx did not fault (returned %d)", a, ret - 1);
	ST_ASSERT(f.elr == a, "ELR 0x%llx, branched to 0x%lx", (unsigned long long)f.elr, a);
	return check_fault(ctx, "execute .data", &f, FSC_TYPE_PERMISSION, a, -1);
}

SELFTEST(protect, exec_from_stack_faults)
{
	u32 code[4] __aligned(16) = { INSN_MOV_W0_42, INSN_RET };
	uintptr_t a = opaque((uintptr_t)code);
	int ret = 0;
	struct fault_record f;

	ST_ASSERT(a >= (uintptr_t)__stack_bottom && a < (uintptr_t)__exc_stack_guard,
		  "buffer at 0x%lx is not on the boot stack", a);
	barrier(); /* the instructions are in memory before the branch */
	f = exec_at(a, &ret);
	if (!f.taken)
		ST_FAILF("executing the stack at 0x%lx did not fault (returned %d)", a, ret - 1);
	ST_ASSERT(f.elr == a, "ELR 0x%llx, branched to 0x%lx", (unsigned long long)f.elr, a);
	return check_fault(ctx, "execute stack", &f, FSC_TYPE_PERMISSION, a, -1);
}

/*
 * Both guard pages, at both ends, loads and stores, by plain accesses from
 * the thread (SP_EL0): the handler runs on SP_EL1's stack, which a thread
 * access to a guard page does not touch. boot.stack_guard_faults reads
 * the top of the thread stack's guard; this covers the rest.
 */
SELFTEST(protect, stack_guard_pages_fault)
{
	static const struct {
		const char *what;
		char *guard;
	} pages[] = {
		{ "thread stack guard", __stack_guard },
		{ "exception stack guard", __exc_stack_guard },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		uintptr_t g = (uintptr_t)pages[i].guard;
		uintptr_t probes[2] = { g, g + STACK_GUARD_SIZE - 1 };
		unsigned int j;

		ST_ASSERT(g + STACK_GUARD_SIZE ==
				  (uintptr_t)(i ? __exc_stack_bottom : __stack_bottom),
			  "%s is not right below its stack", pages[i].what);
		for (j = 0; j < 2; j++) {
			struct fault_record f = load8(probes[j]);
			enum st_result r = check_fault(ctx, pages[i].what, &f,
						       FSC_TYPE_TRANSLATION, probes[j], 0);

			if (r != ST_PASS)
				return r;
			f = store8(probes[j], 0x5a);
			r = check_fault(ctx, pages[i].what, &f, FSC_TYPE_TRANSLATION, probes[j], 1);
			if (r != ST_PASS)
				return r;
		}
	}
	return ST_PASS;
}

/*
 * The DTB window mm/mmu.c maps over the loader's DT (or the built-in DT in
 * .rodata) is read-only: a write to its first and last byte faults. The
 * bytes written are the ones already there, so a window that is wrongly
 * writable fails this test without corrupting the DT for the others.
 */
SELFTEST(protect, dtb_readonly)
{
	uintptr_t base = (uintptr_t)boot_info.fdt;
	uintptr_t probes[2] = { base, base + fdt_totalsize(boot_info.fdt) - 1 };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct fault_record f = store8(probes[i], *(volatile const u8 *)probes[i]);
		enum st_result r = check_fault(ctx, boot_info.dtb_builtin ? "built-in DTB write" :
									    "DTB window write",
					       &f, FSC_TYPE_PERMISSION, probes[i], 1);

		if (r != ST_PASS)
			return r;
	}
	return ST_PASS;
}

/*
 * A no-map region that is not a DMA pool (firmware of another world, a
 * carveout) is out of the CPU's map altogether: reads at its first and
 * last byte take translation faults.
 */
SELFTEST(protect, nomap_region_unmapped)
{
	const struct memmap *mm = dma_memmap();
	unsigned int tested = 0;
	int i;

	for (i = 0; i < mm->nr_rmem; i++) {
		const struct rmem *r = &mm->rmem[i];
		uintptr_t probes[2] = { r->base, r->base + r->size - 1 };
		unsigned int j;

		if (!(r->flags & RMEM_NO_MAP) || (r->flags & RMEM_SHARED_DMA_POOL))
			continue;
		for (j = 0; j < 2; j++) {
			struct fault_record f = load8(probes[j]);
			enum st_result res = check_fault(ctx, r->name, &f, FSC_TYPE_TRANSLATION,
							 probes[j], 0);

			if (res != ST_PASS)
				return res;
		}
		tested++;
	}
	if (!tested)
		ST_SKIP("no no-map region outside the DMA pools in this DT "
			"(run protect boots with dts/qemu-virt-protect.dtso)");
	return ST_PASS;
}

/*
 * A no-map shared-dma-pool stays out of the cacheable map too: the CPU
 * reaches it only through a Normal Non-cacheable, execute-never mapping
 * (for coherent buffers), never a Normal WB alias.
 */
SELFTEST(protect, nomap_pool_not_cacheable)
{
	const struct memmap *mm = dma_memmap();
	unsigned int tested = 0;
	int i;

	for (i = 0; i < mm->nr_rmem; i++) {
		const struct rmem *r = &mm->rmem[i];
		phys_addr_t a;

		if (!(r->flags & RMEM_NO_MAP) || !(r->flags & RMEM_SHARED_DMA_POOL))
			continue;
		for (a = r->base; a < r->base + r->size; a += PAGE_SIZE) {
			unsigned int level;
			u64 desc;

			ST_ASSERT(!cpu_walk(a, &desc, &level), "%s: 0x%llx not mapped", r->name,
				  (unsigned long long)a);
			ST_ASSERT(FIELD_GET(PTE_ATTRINDX, desc) == MAIR_IDX_NORMAL_NC &&
					  (desc & PTE_PXN),
				  "%s: 0x%llx mapped with descriptor 0x%llx, not Normal NC XN",
				  r->name, (unsigned long long)a, (unsigned long long)desc);
		}
		tested++;
	}
	if (!tested)
		ST_SKIP("no no-map shared-dma-pool in this DT (boot with the pools overlay)");
	return ST_PASS;
}

/* --- stack protector ------------------------------------------------------ */

/*
 * The guard comes from every source this machine has, and is not the
 * fixed fallback when any exists (or is, with none). Availability is
 * checked here independently of lib/stack_protector.c.
 */
SELFTEST(protect, stack_guard_seeded)
{
	int chosen = fdt_path_offset(boot_info.fdt, "/chosen"), len = 0;
	unsigned int want = 0, got = stack_protector_sources();
	unsigned long g = __stack_chk_guard;
	u64 v;

	if (chosen >= 0 && fdt_getprop(boot_info.fdt, chosen, "rng-seed", &len) && len > 0)
		want |= STACK_GUARD_SRC_RNG_SEED;
	if (chosen >= 0 && fdt_getprop(boot_info.fdt, chosen, "kaslr-seed", &len) && len > 0)
		want |= STACK_GUARD_SRC_KASLR_SEED;
	if (arch_has_rndr() && arch_rndr(&v))
		want |= STACK_GUARD_SRC_RNDR;
	ST_ASSERT(got == want, "guard seeded from sources 0x%x, this machine has 0x%x", got, want);
	if (!want) {
		ST_ASSERT(g == STACK_GUARD_FALLBACK, "no entropy, yet the guard is 0x%016lx", g);
		return ST_PASS;
	}
	ST_ASSERT(g != STACK_GUARD_FALLBACK, "the guard is still the fixed fallback 0x%016lx", g);
	ST_ASSERT(!(g & 0xff) && g, "guard 0x%016lx: the first byte must be 0, the rest not", g);
	return ST_PASS;
}

/*
 * A protected function with a 16-byte array; finds its own canary above
 * the array (GCC places it right above the arrays, below the caller's
 * frame) and, if @smash, overwrites exactly those 8 bytes, as an overflow
 * of the array by 8 + the gap would. Only this frame is searched: it ends
 * below the caller's frame record (AAPCS64 frame chain: the saved x29),
 * so a copy of the guard in an older frame does not count.
 * Return: offset of the canary past the array's end, or -1 if none.
 */
static __attribute__((noinline, optimize("stack-protector-all"))) int canary_probe(bool smash)
{
	uintptr_t caller_frame = *(volatile uintptr_t *)__builtin_frame_address(0);
	char buf[16];
	char *p = buf;
	int off;

	OPTIMIZER_HIDE_VAR(p);
	memset(p, 0, sizeof(buf));
	for (off = 0; (uintptr_t)(p + sizeof(buf) + off + 8) <= caller_frame; off += 8) {
		unsigned long *slot = (unsigned long *)(p + sizeof(buf) + off);

		if (*(volatile unsigned long *)slot != __stack_chk_guard)
			continue;
		if (smash)
			*(volatile unsigned long *)slot ^= 0x5a5a5a5a5a5a5a00UL;
		return off;
	}
	return -1;
}

/* The frames carry the current (seeded) guard right above their arrays. */
SELFTEST(protect, canary_in_frame)
{
	int off = canary_probe(false);

	ST_ASSERT(off >= 0, "no copy of the guard 0x%016lx above a local array in its frame",
		  __stack_chk_guard);
	return ST_PASS;
}

/*
 * Only with bootargs selftest.smash: a smashed canary must stop the
 * firmware with "stack smashing detected" and a crash verdict (run
 * smash expects exactly that), never return.
 */
SELFTEST(protect, stack_smash_detected)
{
	int off;

	if (!cmdline_has(boot_info.bootargs, "selftest.smash"))
		ST_SKIP("enable with bootargs selftest.smash");
	off = canary_probe(true);
	if (off < 0)
		ST_FAILF("no canary in the probe's frame to smash");
	ST_FAILF("the canary %d bytes above the array was overwritten and the function returned",
		 off);
}
