/*
 * Host tests for drivers/iommu/smmu_v3_desc.c: STEs, CDs, commands, event
 * records and range-invalidation plans, against bit positions written out
 * here from the SMMUv3 specification (IHI 0070: 5.2 STE, 5.4 CD, 4.x
 * commands, 7.3 event records), not taken from the header under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <drivers/smmu_v3_desc.h>

static void test_ste_abort(void **state)
{
	u64 ste[8];

	(void)state;
	memset(ste, 0xff, sizeof(ste));
	smmu_ste_abort(ste);
	/* V (bit 0) = 1, Config (bits 3:1) = 0b000: abort; nothing else. */
	assert_int_equal(ste[0], 0x1);
	for (int i = 1; i < 8; i++)
		assert_int_equal(ste[i], 0);
}

static void test_ste_s1(void **state)
{
	u64 ste[8];

	(void)state;
	smmu_ste_s1(ste, 0x12345678c0ULL, true);
	/* V=1, Config=0b101 (bits 3:1), S1Fmt=0, S1ContextPtr bits 51:6, S1CDMax=0. */
	assert_int_equal(ste[0], 0x12345678c0ULL | (5ULL << 1) | 1);
	/* S1CIR=WBRA(1) bits 3:2, S1COR=1 bits 5:4, S1CSH=ISH(3) bits 7:6, STRW=0, SHCFG=1 bits 45:44. */
	assert_int_equal(ste[1], (1ULL << 2) | (1ULL << 4) | (3ULL << 6) | (1ULL << 44));
	for (int i = 2; i < 8; i++)
		assert_int_equal(ste[i], 0);
	/* Non-coherent: non-cacheable CD fetch, outer shareable. */
	smmu_ste_s1(ste, 0x1000, false);
	assert_int_equal(ste[1], (2ULL << 6) | (1ULL << 44));
}

static void test_cd_s1(void **state)
{
	struct smmu_cd_cfg c = {
		.asid = 0xbeef, .ttb = 0x80123000, .va_bits = 32, .ips = 4,
		.mair = 0x0044ff04, .coherent = true,
	};
	u64 cd[8];

	(void)state;
	smmu_cd_s1(cd, &c);
	assert_int_equal(cd[0] & 0x3f, 32);			/* T0SZ = 64 - 32 */
	assert_int_equal((cd[0] >> 6) & 3, 0);			/* TG0 4 KiB */
	assert_int_equal((cd[0] >> 8) & 3, 1);			/* IRGN0 WBRA */
	assert_int_equal((cd[0] >> 10) & 3, 1);			/* ORGN0 WBRA */
	assert_int_equal((cd[0] >> 12) & 3, 3);			/* SH0 inner */
	assert_false(cd[0] & (1ULL << 14));			/* EPD0: TTB0 walks on */
	assert_false(cd[0] & (1ULL << 15));			/* ENDI: little-endian */
	assert_true(cd[0] & (1ULL << 30));			/* EPD1 */
	assert_true(cd[0] & (1ULL << 31));			/* V */
	assert_int_equal((cd[0] >> 32) & 7, 4);			/* IPS */
	assert_true(cd[0] & (1ULL << 41));			/* AA64 */
	assert_false(cd[0] & (3ULL << 42));			/* HA/HD off: AF set by software */
	assert_false(cd[0] & (1ULL << 44));			/* S: no stalls */
	assert_true(cd[0] & (1ULL << 45));			/* R: record faults */
	assert_true(cd[0] & (1ULL << 46));			/* A: abort */
	assert_true(cd[0] & (1ULL << 47));			/* ASET */
	assert_int_equal(cd[0] >> 48, 0xbeef);			/* ASID */
	assert_int_equal(cd[1], 0x80123000);			/* TTB0, bits 51:4 */
	assert_int_equal(cd[2], 0);
	assert_int_equal(cd[3], 0x0044ff04);			/* MAIR */
}

static void test_l1std(void **state)
{
	(void)state;
	/* SPAN = log2(STEs) + 1 in bits 4:0, L2Ptr bits 51:6. */
	assert_int_equal(smmu_l1std(0x4567000, 8), 0x4567000 | 9);
}

static void test_commands(void **state)
{
	u64 c[2];

	(void)state;
	smmu_cmd_cfgi_ste(c, 0x1234);
	assert_int_equal(c[0], 0x03 | (0x1234ULL << 32));
	assert_int_equal(c[1], 1);				/* Leaf */
	smmu_cmd_cfgi_cd(c, 0x10);
	assert_int_equal(c[0], 0x05 | (0x10ULL << 32));		/* SSID 0 */
	assert_int_equal(c[1], 1);
	smmu_cmd_cfgi_all(c);
	assert_int_equal(c[0], 0x04);
	assert_int_equal(c[1], 31);				/* Range 31: all */
	smmu_cmd_tlbi_asid(c, 7);
	assert_int_equal(c[0], 0x11 | (7ULL << 48));
	assert_int_equal(c[1], 0);
	smmu_cmd_tlbi_va(c, 7, 0x12345678);
	assert_int_equal(c[0], 0x12 | (7ULL << 48));
	assert_int_equal(c[1], 0x12345000 | 1);			/* ADDR 63:12, Leaf */
	smmu_cmd_tlbi_range(c, 3, 0x200000, 9, 0);
	/* NUM bits 16:12, SCALE bits 24:20, TG bits 11:10 = 1 (4 KiB), TTL 0. */
	assert_int_equal(c[0], 0x12 | (9ULL << 20) | (3ULL << 48));
	assert_int_equal(c[1], 0x200000 | (1ULL << 10) | 1);
	smmu_cmd_tlbi_range(c, 3, 0x5000, 0, 30);
	assert_int_equal(c[0], 0x12 | (30ULL << 12) | (3ULL << 48));
	smmu_cmd_sync(c);
	assert_int_equal(c[0], 0x46);				/* CS = SIG_NONE */
	assert_int_equal(c[1], 0);
	smmu_cmd_tlbi_nsnh_all(c);
	assert_int_equal(c[0], 0x30);
	smmu_cmd_tlbi_el2_all(c);
	assert_int_equal(c[0], 0x20);
	assert_string_equal(smmu_cmd_name(0x46), "CMD_SYNC");
	assert_string_equal(smmu_cmd_name(0x7f), "unknown command");
}

/* Pages a plan covers, checked contiguous from @iova. */
static u64 plan_pages(const struct smmu_range *r, unsigned int n, u64 iova)
{
	u64 pages = 0;

	for (unsigned int i = 0; i < n; i++) {
		assert_int_equal(r[i].iova, iova + (pages << 12));
		assert_true(r[i].num <= 31 && r[i].scale <= 31);
		pages += (u64)(r[i].num + 1) << r[i].scale;
	}
	return pages;
}

static void test_range_plan(void **state)
{
	struct smmu_range r[16];
	unsigned int n;

	(void)state;
	/* Powers of two: one command each. */
	for (unsigned int k = 0; k < 20; k++) {
		n = smmu_range_plan(0x40000000, 1ULL << k, r, 16);
		assert_int_equal(n, 1);
		assert_int_equal(r[0].scale, k);
		assert_int_equal(r[0].num, 0);
	}
	/* 16 pages (64 KiB): one; 512 (2 MiB): one. */
	assert_int_equal(smmu_range_plan(0x10000, 16, r, 16), 1);
	/* Five set bits in a row fit one command's NUM. */
	n = smmu_range_plan(0x1000, 31, r, 16);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].num, 30);
	assert_int_equal(r[0].scale, 0);
	/* Never more commands than set bits, always exactly the pages asked. */
	for (u64 pages = 1; pages < 5000; pages++) {
		n = smmu_range_plan(0x100000, pages, r, 16);
		assert_true(n >= 1 && n <= (unsigned int)__builtin_popcountll(pages));
		assert_int_equal(plan_pages(r, n, 0x100000), pages);
	}
	/* Too small an output: 0, not a partial plan. */
	assert_int_equal(smmu_range_plan(0, 0x8421, r, 1), 0);
	assert_int_equal(smmu_range_plan(0, 0, r, 16), 0);
}

static void test_event_decode(void **state)
{
	u64 rec[4] = {
		0x10 | (0x18ULL << 32),		/* F_TRANSLATION, StreamID 0x18 */
		(1ULL << 35) | (1ULL << 40),	/* RnW = read, CLASS = 1 (TT walk) */
		0x0ff00040,			/* input address */
		0,
	};
	struct smmu_event e;

	(void)state;
	smmu_event_decode(rec, &e);
	assert_int_equal(e.id, 0x10);
	assert_int_equal(e.sid, 0x18);
	assert_int_equal(e.addr, 0x0ff00040);
	assert_true(e.read);
	assert_false(e.instr);
	assert_int_equal(e.class, 1);
	assert_true(smmu_event_has_addr(0x13));
	assert_false(smmu_event_has_addr(0x04));
	assert_string_equal(smmu_event_name(0x13), "F_PERMISSION (mapping forbids the access)");
	rec[1] = 1ULL << 34;			/* InD, write */
	smmu_event_decode(rec, &e);
	assert_false(e.read);
	assert_true(e.instr);
	assert_int_equal(smmu_oas_bits(5), 48);
	assert_int_equal(smmu_oas_bits(7), 0);
}

/* smmu_ste_write(): each publish() sees words 1..7 complete before word 0 changes. */
struct order_log {
	u64 *live;
	const u64 *src;
	unsigned int publishes;
	bool ok;
};

static void check_publish(void *ctx)
{
	struct order_log *l = ctx;

	if (l->publishes == 0) {
		/* First barrier: the body is in place, V/Config still the old abort. */
		l->ok = !memcmp(l->live + 1, l->src + 1, 7 * sizeof(u64)) && l->live[0] == 0x1;
	} else {
		l->ok = l->ok && l->live[0] == l->src[0];
	}
	l->publishes++;
}

static void test_ste_write_order(void **state)
{
	u64 live[8], next[8];
	struct order_log log = { live, next, 0, false };

	(void)state;
	smmu_ste_abort(live);
	live[3] = 0xdead; /* junk an aborting STE may hold */
	smmu_ste_s1(next, 0x7000, true);
	smmu_ste_write(live, next, check_publish, &log);
	assert_int_equal(log.publishes, 2);
	assert_true(log.ok);
	assert_memory_equal(live, next, sizeof(live));
}

/* smmu_ste_block(): word 0 aborts before the publish; words 1..7 untouched. */
static void check_block_publish(void *ctx)
{
	struct order_log *l = ctx;

	/* 5.2: V is bit 0, Config bits [3:1] = 0b000 (abort); S1ContextPtr cleared. */
	l->ok = l->live[0] == 0x1 && !memcmp(l->live + 1, l->src + 1, 7 * sizeof(u64));
	l->publishes++;
}

static void test_ste_block(void **state)
{
	u64 live[8], was[8];
	struct order_log log = { live, was, 0, false };

	(void)state;
	smmu_ste_s1(live, 0x7000, true);
	memcpy(was, live, sizeof(live));
	smmu_ste_block(live, check_block_publish, &log);
	assert_int_equal(log.publishes, 1);
	assert_true(log.ok);
	assert_int_equal(live[0], 0x1);
	assert_memory_equal(live + 1, was + 1, 7 * sizeof(u64));
	/* And back: smmu_ste_write() from the blocked entry restores translation. */
	log = (struct order_log){ live, was, 0, false };
	smmu_ste_write(live, was, check_publish, &log);
	assert_true(log.ok);
	assert_memory_equal(live, was, sizeof(live));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ste_abort),
		cmocka_unit_test(test_ste_s1),
		cmocka_unit_test(test_cd_s1),
		cmocka_unit_test(test_l1std),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_range_plan),
		cmocka_unit_test(test_event_decode),
		cmocka_unit_test(test_ste_write_order),
		cmocka_unit_test(test_ste_block),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
