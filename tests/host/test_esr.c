/*
 * Host tests for boot/esr.c.
 *
 * ESR values are assembled here from the ESR_ELx layout in the Arm ARM
 * (D23.2.41): EC in bits 31:26, IL bit 25, ISS bits 24:0; for aborts,
 * WnR is ISS bit 6 and the fault status code ISS bits 5:0. Expected
 * strings are spelled out in full.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <exception.h>

#define CANARY 0x5a

static u64 esr_of(unsigned int ec, u32 iss)
{
	return ((u64)ec << 26) | (1ULL << 25) | iss;
}

#define WNR (1U << 6)

static void expect(u64 esr, const char *want)
{
	char buf[160];
	int ret;

	memset(buf, CANARY, sizeof(buf));
	ret = esr_describe(esr, buf, sizeof(buf));
	assert_string_equal(buf, want);
	assert_int_equal(ret, (int)strlen(want));
}

static void test_dabt_translation_l3_write(void **state)
{
	(void)state;
	expect(esr_of(0x25, WNR | 0x07),
	       "EC 0x25: data abort, same EL: translation fault, level 3 (write)");
	/* The same as a raw value, as QEMU would report it. */
	expect(0x96000047ULL,
	       "EC 0x25: data abort, same EL: translation fault, level 3 (write)");
}

static void test_dabt_permission_l2_read(void **state)
{
	(void)state;
	expect(esr_of(0x25, 0x0e),
	       "EC 0x25: data abort, same EL: permission fault, level 2 (read)");
	expect(esr_of(0x24, WNR | 0x0d),
	       "EC 0x24: data abort, lower EL: permission fault, level 1 (write)");
}

static void test_dabt_other_levels(void **state)
{
	(void)state;
	expect(esr_of(0x25, 0x00),
	       "EC 0x25: data abort, same EL: address size fault, level 0 (read)");
	expect(esr_of(0x25, 0x04),
	       "EC 0x25: data abort, same EL: translation fault, level 0 (read)");
	expect(esr_of(0x24, 0x0b),
	       "EC 0x24: data abort, lower EL: access flag fault, level 3 (read)");
	expect(esr_of(0x25, WNR | 0x15),
	       "EC 0x25: data abort, same EL: synchronous external abort on table walk, "
	       "level 1 (write)");
}

static void test_dabt_no_level(void **state)
{
	(void)state;
	expect(esr_of(0x25, WNR | 0x21), "EC 0x25: data abort, same EL: alignment fault (write)");
	expect(esr_of(0x25, 0x10),
	       "EC 0x25: data abort, same EL: synchronous external abort (read)");
	expect(esr_of(0x24, 0x11),
	       "EC 0x24: data abort, lower EL: synchronous tag check fault (read)");
	expect(esr_of(0x25, 0x30), "EC 0x25: data abort, same EL: TLB conflict abort (read)");
	expect(esr_of(0x25, WNR | 0x31),
	       "EC 0x25: data abort, same EL: unsupported atomic hardware update (write)");
}

/* Other ISS bits (FnV, S1PTW, ISV...) and ISS2 in bits 63:32 do not disturb the decode. */
static void test_dabt_other_bits(void **state)
{
	(void)state;
	expect(esr_of(0x25, (1U << 24) | (1U << 10) | (1U << 7) | 0x06) | (0xffULL << 32),
	       "EC 0x25: data abort, same EL: translation fault, level 2 (read)");
	/* IL clear (16-bit instruction) changes nothing either. */
	expect(esr_of(0x25, WNR | 0x07) & ~(1ULL << 25),
	       "EC 0x25: data abort, same EL: translation fault, level 3 (write)");
}

static void test_iabt(void **state)
{
	(void)state;
	/* No read/write for instruction aborts, even with ISS bit 6 set. */
	expect(esr_of(0x20, 0x05), "EC 0x20: instruction abort, lower EL: translation fault, level 1");
	expect(esr_of(0x20, WNR | 0x05),
	       "EC 0x20: instruction abort, lower EL: translation fault, level 1");
	expect(esr_of(0x21, 0x0f), "EC 0x21: instruction abort, same EL: permission fault, level 3");
	expect(esr_of(0x21, 0x10),
	       "EC 0x21: instruction abort, same EL: synchronous external abort");
}

static void test_reserved_fsc(void **state)
{
	(void)state;
	expect(esr_of(0x25, WNR | 0x3f), "EC 0x25: data abort, same EL: reserved fault status (write)");
	expect(esr_of(0x21, 0x3f), "EC 0x21: instruction abort, same EL: reserved fault status");
}

static void test_non_abort_classes(void **state)
{
	(void)state;
	expect(esr_of(0x00, 0), "EC 0x00: unknown reason (undefined instruction), ISS 0x0000000");
	expect(esr_of(0x3c, 0x1234), "EC 0x3c: BRK instruction, ISS 0x0001234");
	expect(esr_of(0x15, 0x42), "EC 0x15: SVC from AArch64, ISS 0x0000042");
	expect(esr_of(0x22, 0), "EC 0x22: PC alignment fault, ISS 0x0000000");
	expect(esr_of(0x26, 0), "EC 0x26: SP alignment fault, ISS 0x0000000");
	expect(esr_of(0x2f, 0x1000000), "EC 0x2f: SError interrupt, ISS 0x1000000");
	expect(esr_of(0x31, 0x22), "EC 0x31: breakpoint, same EL, ISS 0x0000022");
	/* A reserved class; the full 25-bit ISS, with IL not leaking into it. */
	expect(esr_of(0x3f, 0x1ffffff), "EC 0x3f: reserved or unhandled class, ISS 0x1ffffff");
	expect(esr_of(0x02, 0x3), "EC 0x02: reserved or unhandled class, ISS 0x0000003");
}

static void test_class_name(void **state)
{
	(void)state;
	assert_string_equal(esr_class_name(0x25), "data abort, same EL");
	assert_string_equal(esr_class_name(0x24), "data abort, lower EL");
	assert_string_equal(esr_class_name(0x3c), "BRK instruction");
	assert_string_equal(esr_class_name(0x3d), "reserved or unhandled class");
	assert_string_equal(esr_class_name(64), "reserved or unhandled class");
	assert_string_equal(esr_class_name(~0U), "reserved or unhandled class");
}

static void test_fsc_name(void **state)
{
	static const char *const kinds[4] = {
		"address size fault", "translation fault", "access flag fault", "permission fault",
	};
	unsigned int fsc;
	int level;

	(void)state;
	/* 0b00ttLL: type tt, level LL. */
	for (fsc = 0; fsc < 16; fsc++) {
		level = 99;
		assert_string_equal(esr_fsc_name(fsc, &level), kinds[fsc >> 2]);
		assert_int_equal(level, (int)(fsc & 3));
	}
	/* 0b0101LL: external abort on walk, level LL. */
	for (fsc = 0x14; fsc < 0x18; fsc++) {
		level = 99;
		assert_string_equal(esr_fsc_name(fsc, &level),
				    "synchronous external abort on table walk");
		assert_int_equal(level, (int)(fsc & 3));
	}
	level = 99;
	assert_string_equal(esr_fsc_name(0x21, &level), "alignment fault");
	assert_int_equal(level, -1);
	level = 99;
	assert_string_equal(esr_fsc_name(0x10, &level), "synchronous external abort");
	assert_int_equal(level, -1);
	level = 99;
	assert_null(esr_fsc_name(0x3f, &level));
	assert_int_equal(level, -1);
}

/* snprintf semantics: full length returned, output cut and terminated. */
static void test_truncation(void **state)
{
	static const char full[] =
		"EC 0x25: data abort, same EL: translation fault, level 3 (write)";
	const u64 esr = esr_of(0x25, WNR | 0x07);
	char buf[sizeof(full) + 8];
	size_t len;

	(void)state;
	for (len = 0; len <= sizeof(full) + 1; len++) {
		size_t i;

		memset(buf, CANARY, sizeof(buf));
		assert_int_equal(esr_describe(esr, buf, len), (int)strlen(full));
		if (len) {
			assert_memory_equal(buf, full, len - 1);
			assert_int_equal(buf[len - 1 < strlen(full) ? len - 1 : strlen(full)], '\0');
		}
		/* Nothing past @len is touched. */
		for (i = len; i < sizeof(buf); i++)
			assert_int_equal((unsigned char)buf[i], CANARY);
	}

	memset(buf, CANARY, sizeof(buf));
	assert_int_equal(esr_describe(esr, buf, 16), (int)strlen(full));
	assert_string_equal(buf, "EC 0x25: data a");
	assert_int_equal(esr_describe(esr, NULL, 0), (int)strlen(full));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dabt_translation_l3_write),
		cmocka_unit_test(test_dabt_permission_l2_read),
		cmocka_unit_test(test_dabt_other_levels),
		cmocka_unit_test(test_dabt_no_level),
		cmocka_unit_test(test_dabt_other_bits),
		cmocka_unit_test(test_iabt),
		cmocka_unit_test(test_reserved_fsc),
		cmocka_unit_test(test_non_abort_classes),
		cmocka_unit_test(test_class_name),
		cmocka_unit_test(test_fsc_name),
		cmocka_unit_test(test_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
