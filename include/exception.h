/*
 * Exceptions taken at EL1: the saved frame, the decoder behind the crash
 * report, and expected faults for negative self-tests.
 */
#ifndef EXCEPTION_H
#define EXCEPTION_H

#include <bits.h>
#include <types.h>

/* Layout shared with boot/vectors.S (EXC_FRAME_SIZE in layout.h). */
struct exc_frame {
	u64 x[31];
	u64 sp;
	u64 elr;
	u64 spsr;
	u64 esr;
	u64 far;
};

/* ESR_ELx (Arm ARM D23.2.41). */
#define ESR_EC GENMASK(31, 26)
#define ESR_IL BIT(25)
#define ESR_ISS GENMASK(24, 0)
/* ISS of data and instruction aborts (D23.2.41, "ISS encoding for ... Abort"). */
#define ESR_ISS_DABT_WNR BIT(6)
#define ESR_ISS_FAR_NOT_VALID BIT(10)
#define ESR_ISS_xFSC GENMASK(5, 0)

/* Exception classes used by name in code. */
#define EC_UNKNOWN 0x00
#define EC_SVC64 0x15
#define EC_IABT_LOW 0x20
#define EC_IABT_CUR 0x21
#define EC_PC_ALIGN 0x22
#define EC_DABT_LOW 0x24
#define EC_DABT_CUR 0x25
#define EC_SP_ALIGN 0x26
#define EC_SERROR 0x2f
#define EC_BRK64 0x3c

/* Vector kinds, as passed by vectors.S: group * 4 + type. */
#define EXC_KIND_SYNC 0
#define EXC_KIND_IRQ 1
#define EXC_KIND_FIQ 2
#define EXC_KIND_SERROR 3

/* Name of an exception class ("data abort, same EL", ...); never NULL. */
const char *esr_class_name(unsigned int ec);

/*
 * esr_describe() - one line decoding @esr: class, and for aborts the fault
 * status (type and level) and read/write. Writes at most @len bytes.
 * Return: the length fmt_snprintf() reports.
 */
int esr_describe(u64 esr, char *buf, size_t len);

/* Fault status code name ("translation fault, level 3"), or NULL. */
const char *esr_fsc_name(unsigned int fsc, int *level);

/* Called from vectors.S only. */
void exception_entry(u64 kind, struct exc_frame *f);

/*
 * Expected faults. fault_expect(ec) arms the handler: the next synchronous
 * exception of class @ec is recorded instead of being a crash, and execution
 * resumes after the faulting instruction (for an instruction abort, at the
 * caller's return address x30, as the target of a BLR cannot be skipped).
 * fault_expect_end() disarms and reports what was caught.
 */
struct fault_record {
	bool taken;
	u64 esr;
	u64 far;
	u64 elr;
};

void fault_expect(unsigned int ec);
struct fault_record fault_expect_end(void);

#endif /* EXCEPTION_H */
