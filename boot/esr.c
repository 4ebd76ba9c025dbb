/*
 * Decoding of ESR_EL1 for crash reports and fault tests. Pure data and
 * string formatting, unit-tested on the host.
 * Class and fault-status encodings: Arm ARM D23.2.41 (ESR_ELx).
 */
#include <exception.h>
#include <fmt.h>

static const char *const ec_names[64] = {
	[0x00] = "unknown reason (undefined instruction)",
	[0x01] = "WFI/WFE trapped",
	[0x07] = "SVE/SIMD/FP access trapped",
	[0x0e] = "illegal execution state",
	[0x15] = "SVC from AArch64",
	[0x16] = "HVC from AArch64",
	[0x17] = "SMC from AArch64",
	[0x18] = "MSR/MRS/system instruction trapped",
	[0x19] = "SVE access trapped",
	[0x20] = "instruction abort, lower EL",
	[0x21] = "instruction abort, same EL",
	[0x22] = "PC alignment fault",
	[0x24] = "data abort, lower EL",
	[0x25] = "data abort, same EL",
	[0x26] = "SP alignment fault",
	[0x2c] = "floating-point exception",
	[0x2f] = "SError interrupt",
	[0x30] = "breakpoint, lower EL",
	[0x31] = "breakpoint, same EL",
	[0x32] = "software step, lower EL",
	[0x33] = "software step, same EL",
	[0x34] = "watchpoint, lower EL",
	[0x35] = "watchpoint, same EL",
	[0x3c] = "BRK instruction",
};

const char *esr_class_name(unsigned int ec)
{
	if (ec < 64 && ec_names[ec])
		return ec_names[ec];
	return "reserved or unhandled class";
}

const char *esr_fsc_name(unsigned int fsc, int *level)
{
	*level = -1;
	switch (fsc & 0x3c) {
	case 0x00:
		*level = fsc & 3;
		return "address size fault";
	case 0x04:
		*level = fsc & 3;
		return "translation fault";
	case 0x08:
		*level = fsc & 3;
		return "access flag fault";
	case 0x0c:
		*level = fsc & 3;
		return "permission fault";
	}
	switch (fsc) {
	case 0x10:
		return "synchronous external abort";
	case 0x11:
		return "synchronous tag check fault";
	case 0x21:
		return "alignment fault";
	case 0x30:
		return "TLB conflict abort";
	case 0x31:
		return "unsupported atomic hardware update";
	}
	if ((fsc & 0x3c) == 0x14) {
		*level = fsc & 3;
		return "synchronous external abort on table walk";
	}
	return NULL;
}

int esr_describe(u64 esr, char *buf, size_t len)
{
	unsigned int ec = FIELD_GET(ESR_EC, esr);
	u32 iss = FIELD_GET(ESR_ISS, esr);
	const char *fsc_name, *rw = "";
	int level;

	if (ec != EC_DABT_CUR && ec != EC_DABT_LOW && ec != EC_IABT_CUR && ec != EC_IABT_LOW)
		return fmt_snprintf(buf, len, "EC 0x%02x: %s, ISS 0x%07x", ec, esr_class_name(ec),
				    iss);

	fsc_name = esr_fsc_name(FIELD_GET(ESR_ISS_xFSC, iss), &level);
	if (!fsc_name)
		fsc_name = "reserved fault status";
	if (ec == EC_DABT_CUR || ec == EC_DABT_LOW)
		rw = (iss & ESR_ISS_DABT_WNR) ? " (write)" : " (read)";
	if (level < 0)
		return fmt_snprintf(buf, len, "EC 0x%02x: %s: %s%s", ec, esr_class_name(ec),
				    fsc_name, rw);
	return fmt_snprintf(buf, len, "EC 0x%02x: %s: %s, level %d%s", ec, esr_class_name(ec),
			    fsc_name, level, rw);
}
