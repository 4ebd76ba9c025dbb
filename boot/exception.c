/*
 * Synchronous exceptions and the crash report. Nothing here is recoverable
 * except a fault a self-test announced with fault_expect().
 */
#include <compiler.h>
#include <console.h>
#include <drivers/irq.h>
#include <exception.h>
#include <fmt.h>
#include <platform.h>
#include <selftest.h>

extern char __image_start[];

static const char *const kind_names[16] = {
	"synchronous (SP_EL0)", "IRQ (SP_EL0)", "FIQ (SP_EL0)", "SError (SP_EL0)",
	"synchronous (SP_EL1)", "IRQ (SP_EL1)", "FIQ (SP_EL1)", "SError (SP_EL1)",
	"synchronous (lower EL, AArch64)", "IRQ (lower EL, AArch64)",
	"FIQ (lower EL, AArch64)", "SError (lower EL, AArch64)",
	"synchronous (lower EL, AArch32)", "IRQ (lower EL, AArch32)",
	"FIQ (lower EL, AArch32)", "SError (lower EL, AArch32)",
};

static struct {
	bool armed;
	unsigned int ec;
	struct fault_record rec;
} expect;

static unsigned int crash_depth;

void fault_expect(unsigned int ec)
{
	expect.rec = (struct fault_record){ 0 };
	expect.ec = ec;
	barrier(); /* armed last: an earlier fault is not taken for the expected one */
	expect.armed = true;
}

struct fault_record fault_expect_end(void)
{
	expect.armed = false;
	barrier(); /* disarmed before the record is read */
	return expect.rec;
}

static bool take_expected(u64 kind, struct exc_frame *f)
{
	unsigned int ec = FIELD_GET(ESR_EC, f->esr);

	if (!expect.armed || kind % 4 != EXC_KIND_SYNC || ec != expect.ec)
		return false;
	expect.armed = false;
	expect.rec = (struct fault_record){ true, f->esr, f->far, f->elr };
	if (ec == EC_IABT_CUR || ec == EC_IABT_LOW || ec == EC_PC_ALIGN)
		f->elr = f->x[30];	/* the branch target cannot be skipped: return */
	else
		f->elr += 4;		/* A64 instructions are 4 bytes (ESR.IL == 1) */
	return true;
}

static void crash_report(u64 kind, const struct exc_frame *f)
{
	unsigned int ec = FIELD_GET(ESR_EC, f->esr);
	char desc[128];
	unsigned int i;

	esr_describe(f->esr, desc, sizeof(desc));
	kprintf("\n*** CRASH: %s exception at EL1\n", kind < 16 ? kind_names[kind] : "?");
	kprintf("  %s\n", desc);
	kprintf("  ESR  0x%016llx", (unsigned long long)f->esr);
	if ((ec == EC_DABT_CUR || ec == EC_DABT_LOW || ec == EC_IABT_CUR || ec == EC_IABT_LOW) &&
	    (f->esr & ESR_ISS_FAR_NOT_VALID))
		kprintf("  FAR  (not valid)\n");
	else
		kprintf("  FAR  0x%016llx\n", (unsigned long long)f->far);
	kprintf("  ELR  0x%016llx (image +0x%llx)  SPSR 0x%08llx  SP 0x%016llx\n",
		(unsigned long long)f->elr,
		(unsigned long long)(f->elr - (uintptr_t)__image_start),
		(unsigned long long)f->spsr, (unsigned long long)f->sp);
	for (i = 0; i < 31; i++)
		kprintf("  x%-2u 0x%016llx%s", i, (unsigned long long)f->x[i],
			i % 3 == 2 || i == 30 ? "\n" : "");
	kprintf("  (addr2line -e build/firmware.elf 0x%llx)\n",
		(unsigned long long)(f->elr - (uintptr_t)__image_start));
}

void exception_entry(u64 kind, struct exc_frame *f)
{
	/*
	 * An IRQ taken from EL1 (kinds 1 and 5) belongs to the interrupt
	 * controller once there is one; before that nothing unmasks IRQs, so
	 * one is a bug and gets the crash report.
	 */
	if (kind % 4 == EXC_KIND_IRQ && kind < 8 && irq_controller_name()) {
		irq_dispatch();
		return;
	}
	if (take_expected(kind, f))
		return;

	if (crash_depth++) {
		/* A fault while reporting a fault: say the least, then stop. */
		console_puts("\n*** CRASH while handling a crash; stopping\n");
		platform_crash_stop();
	}
	crash_report(kind, f);
	selftest_crash_verdict();
	platform_crash_stop();
}
