/*
 * Host tests for drivers/nvme/nvme_lib.c: the PRP rule and PRP/PRP-list
 * construction (NVMe 1.4 4.3), completion status decoding (4.6.1), queue
 * index and phase arithmetic (4.1, 4.6), doorbell offsets (3.1), Identify
 * parsing (Figures 245, 247). Expected values are written out from the
 * specification, not taken from the header under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include <drivers/nvme_lib.h>

#define PG 4096U
#define LIST_DMA 0xabc000ULL

static void test_rule_single_segment(void **state)
{
	/* One segment may start anywhere dword aligned and end anywhere. */
	struct nvme_dma_seg s[] = { { 0x10000 + 24, 5000 } };

	(void)state;
	assert_int_equal(nvme_prp_violation(s, 1, PG), -1);
	s[0].addr = 0x10000 + 4;	/* dword aligned is enough, 8 bytes are not needed */
	assert_int_equal(nvme_prp_violation(s, 1, PG), -1);
	s[0].addr = 0x10000 + 6;	/* not dword aligned: PBAO bits 1:0 must be 0 */
	assert_int_equal(nvme_prp_violation(s, 1, PG), 0);
	s[0].addr = 0x10000 + 7;
	assert_int_equal(nvme_prp_violation(s, 1, PG), 0);
}

static void test_rule_multi(void **state)
{
	/* First ends on a page, middle whole pages, last starts on a page: fine. */
	struct nvme_dma_seg ok[] = {
		{ 0x10000 + 0x200, PG - 0x200 }, { 0x50000, 2 * PG }, { 0x30000, 100 },
	};
	struct nvme_dma_seg bad_end[] = { { 0x10000, 1000 }, { 0x50000, PG } };
	struct nvme_dma_seg bad_start[] = { { 0x10000, PG }, { 0x50000 + 8, PG } };
	struct nvme_dma_seg bad_middle[] = { { 0x10000, PG }, { 0x50000, 100 }, { 0x60000, PG } };

	(void)state;
	assert_int_equal(nvme_prp_violation(ok, 3, PG), -1);
	assert_int_equal(nvme_prp_violation(bad_end, 2, PG), 0);
	assert_int_equal(nvme_prp_violation(bad_start, 2, PG), 1);
	assert_int_equal(nvme_prp_violation(bad_middle, 3, PG), 1);
	/* Page size matters: 0x50000 + 0x1000 is 4 KiB aligned, not 8 KiB aligned. */
	bad_start[1].addr = 0x51000;
	assert_int_equal(nvme_prp_violation(bad_start, 2, PG), -1);
	assert_int_equal(nvme_prp_violation(bad_start, 2, 2 * PG), 0);
}

static void test_build_one_page(void **state)
{
	struct nvme_dma_seg s[] = { { 0x10000 + 0x100, 512 } };
	u64 list[4] = { 0 }, p1 = 1, p2 = 1;

	(void)state;
	assert_int_equal(nvme_prp_build(s, 1, 0, 512, PG, list, 4, LIST_DMA, &p1, &p2), 1);
	assert_int_equal(p1, 0x10100);
	assert_int_equal(p2, 0);		/* unused: zero */
	assert_int_equal(list[0], 0);		/* the list is not touched */
}

static void test_build_two_pages(void **state)
{
	/* 4 KiB at offset 0x800: two pages, PRP2 is the second page itself. */
	struct nvme_dma_seg s[] = { { 0x20800, PG } };
	u64 p1, p2;

	(void)state;
	assert_int_equal(nvme_prp_build(s, 1, 0, PG, PG, NULL, 0, LIST_DMA, &p1, &p2), 2);
	assert_int_equal(p1, 0x20800);
	assert_int_equal(p2, 0x21000);
	/* Two page-aligned segments far apart: the same shape. */
	struct nvme_dma_seg t[] = { { 0x7000, PG }, { 0x3000, PG } };
	assert_int_equal(nvme_prp_build(t, 2, 0, 2 * PG, PG, NULL, 0, LIST_DMA, &p1, &p2), 2);
	assert_int_equal(p1, 0x7000);
	assert_int_equal(p2, 0x3000);
}

static void test_build_list(void **state)
{
	/* 64 KiB in 16 separate pages: PRP1 = page 0, PRP2 = list of pages 1..15. */
	struct nvme_dma_seg s[16];
	u64 list[512], p1, p2;
	int i;

	(void)state;
	for (i = 0; i < 16; i++) {
		s[i].addr = 0x100000 + (u64)(30 - 2 * i) * PG;
		s[i].len = PG;
	}
	memset(list, 0xff, sizeof(list));
	assert_int_equal(nvme_prp_build(s, 16, 0, 16 * PG, PG, list, 512, LIST_DMA, &p1, &p2), 16);
	assert_int_equal(p1, s[0].addr);
	assert_int_equal(p2, LIST_DMA);
	for (i = 1; i < 16; i++)
		assert_int_equal(list[i - 1], s[i].addr);
	assert_int_equal(list[15], ~0ULL);	/* nothing written past the last entry */
}

static void test_build_offset_and_pos(void **state)
{
	/* Segment 0 from 0xe00 into its page; start the command 0x400 into the request. */
	struct nvme_dma_seg s[] = { { 0x40e00, 0x200 }, { 0x90000, 3 * PG } };
	u64 list[8], p1, p2;

	(void)state;
	assert_int_equal(nvme_prp_violation(s, 2, PG), -1);
	/* pos 0x400 is 0x200 into segment 1; 2 pages + 0x200 from there: 3 entries. */
	assert_int_equal(nvme_prp_build(s, 2, 0x400, 2 * PG + 0x200, PG, list, 8, LIST_DMA, &p1,
					&p2), 3);
	assert_int_equal(p1, 0x90200);
	assert_int_equal(p2, LIST_DMA);
	assert_int_equal(list[0], 0x91000);
	assert_int_equal(list[1], 0x92000);
	/* A command ending mid-page, next one starting there: PRP1 carries the offset. */
	assert_int_equal(nvme_prp_build(s, 2, 0x200, 0x200, PG, list, 8, LIST_DMA, &p1, &p2), 1);
	assert_int_equal(p1, 0x90000);
}

static void test_build_refuses(void **state)
{
	struct nvme_dma_seg bad[] = { { 0x10000, 1000 }, { 0x50000, PG } };
	struct nvme_dma_seg odd[] = { { 0x10001, 512 } };
	struct nvme_dma_seg big[] = { { 0x100000, 4 * PG } };
	u64 list[2], p1, p2;

	(void)state;
	/* A second entry after a page that was not filled: refused. */
	assert_int_equal(nvme_prp_build(bad, 2, 0, 1000 + PG, PG, list, 2, LIST_DMA, &p1, &p2),
			 -EINVAL);
	assert_int_equal(nvme_prp_build(odd, 1, 0, 512, PG, list, 2, LIST_DMA, &p1, &p2), -EINVAL);
	/* Four pages need three list entries. */
	assert_int_equal(nvme_prp_build(big, 1, 0, 4 * PG, PG, list, 2, LIST_DMA, &p1, &p2),
			 -E2BIG);
	assert_int_equal(nvme_prp_build(big, 1, 0, 3 * PG, PG, list, 2, LIST_DMA, &p1, &p2), 3);
	/* Zero length, past the end. */
	assert_int_equal(nvme_prp_build(big, 1, 0, 0, PG, list, 2, LIST_DMA, &p1, &p2), -EINVAL);
	assert_int_equal(nvme_prp_build(big, 1, 4 * PG, 512, PG, list, 2, LIST_DMA, &p1, &p2),
			 -EINVAL);
	assert_int_equal(nvme_prp_build(big, 1, 3 * PG, 2 * PG, PG, list, 2, LIST_DMA, &p1, &p2),
			 -EINVAL);
}

static void test_chunk(void **state)
{
	struct nvme_dma_seg s[] = { { 0x10000 + 0xc00, 0x400 }, { 0x80000, 16 * PG } };

	(void)state;
	/* Everything fits: all of it. */
	assert_int_equal(nvme_prp_chunk(s, 2, 0, 0x400 + 16 * PG, PG, 513, 0, 512),
			 0x400 + 16 * PG);
	/* Three pages from an offset of 0xc00: 0x400 + 2 pages. */
	assert_int_equal(nvme_prp_chunk(s, 2, 0, 0x400 + 16 * PG, PG, 3, 0, 512), 0x400 + 2 * PG);
	/* MDTS of 8 KiB. */
	assert_int_equal(nvme_prp_chunk(s, 2, 0, 0x400 + 16 * PG, PG, 513, 2 * PG, 512), 2 * PG);
	/* Rounded down to whole 4 KiB blocks. */
	assert_int_equal(nvme_prp_chunk(s, 2, 0, 0x400 + 16 * PG, PG, 3, 0, PG), 2 * PG);
	/* From inside segment 1, limited by what is left. */
	assert_int_equal(nvme_prp_chunk(s, 2, 0x400 + PG, 0x500, PG, 513, 0, 512), 0x400);
	/* Nothing fits, nothing left, past the end. */
	assert_int_equal(nvme_prp_chunk(s, 2, 0, 0x100, PG, 513, 0, 512), 0);
	assert_int_equal(nvme_prp_chunk(s, 2, 0, 0, PG, 513, 0, 512), 0);
	assert_int_equal(nvme_prp_chunk(s, 2, 0x400 + 16 * PG, 512, PG, 513, 0, 512), 0);
}

/* Completion dword 3 with status SCT/SC (bits 27:25, 24:17), M (30), DNR (31). */
static u32 dw3(unsigned int sct, unsigned int sc, bool more, bool dnr)
{
	return (u32)sct << 25 | (u32)sc << 17 | (more ? 1U << 30 : 0) | (dnr ? 1U << 31 : 0) |
	       1U << 16 /* phase */ | 0x1234 /* CID */;
}

static void test_status(void **state)
{
	char buf[96];

	(void)state;
	assert_true(nvme_status_ok(dw3(0, 0, false, false)));
	assert_true(nvme_status_ok(dw3(0, 0, true, true)));
	assert_int_equal(nvme_status_errno(dw3(0, 0, false, false)), 0);
	assert_int_equal(nvme_status_errno(dw3(0, 0x80, false, true)), -ERANGE);
	assert_string_equal(nvme_status_text(dw3(0, 0x80, false, true)), "LBA Out of Range");
	assert_string_equal(nvme_status_format(buf, sizeof(buf), dw3(0, 0x80, false, true)),
			    "LBA Out of Range (SCT 0x0, SC 0x80, DNR)");
	assert_int_equal(nvme_status_errno(dw3(0, 0x02, false, false)), -EINVAL);
	assert_string_equal(nvme_status_text(dw3(0, 0x02, false, false)), "Invalid Field in Command");
	assert_int_equal(nvme_status_errno(dw3(0, 0x01, false, false)), -EOPNOTSUPP);
	assert_int_equal(nvme_status_errno(dw3(0, 0x07, false, false)), -ECANCELED);
	assert_int_equal(nvme_status_errno(dw3(0, 0x04, false, false)), -EIO);
	assert_int_equal(nvme_status_errno(dw3(0, 0x13, false, false)), -EINVAL);
	/* Same SC, other types: the type decides. */
	assert_string_equal(nvme_status_text(dw3(1, 0x01, false, false)), "Invalid Queue Identifier");
	assert_string_equal(nvme_status_text(dw3(2, 0x81, false, false)), "Unrecovered Read Error");
	assert_int_equal(nvme_status_errno(dw3(2, 0x81, false, false)), -EIO);
	assert_int_equal(nvme_status_errno(dw3(1, 0x82, false, false)), -EROFS);
	assert_int_equal(nvme_status_errno(dw3(2, 0x82, false, false)), -EILSEQ);
	/* Unknown and vendor codes are errors, named as such. */
	assert_int_equal(nvme_status_errno(dw3(0, 0x7f, false, false)), -EIO);
	assert_string_equal(nvme_status_text(dw3(0, 0x7f, false, false)), "unknown status");
	assert_string_equal(nvme_status_format(buf, sizeof(buf), dw3(7, 0xc0, true, false)),
			    "vendor specific status (SCT 0x7, SC 0xc0, more)");
	/* Truncation keeps the string terminated. */
	nvme_status_format(buf, 8, dw3(0, 0x80, false, true));
	assert_string_equal(buf, "LBA Out");
}

static void test_queue_arithmetic(void **state)
{
	struct nvme_cq_pos p = { .head = 0, .depth = 3, .phase = 1 };
	int i;

	(void)state;
	assert_int_equal(nvme_q_next(0, 4), 1);
	assert_int_equal(nvme_q_next(3, 4), 0);
	/* Full: tail one behind head (a queue holds depth - 1 commands). */
	assert_true(nvme_sq_full(2, 3, 4));
	assert_true(nvme_sq_full(3, 0, 4));
	assert_false(nvme_sq_full(0, 0, 4));
	assert_false(nvme_sq_full(1, 3, 4));
	/* Phase: new while P matches; the expected phase flips at each wrap. */
	assert_true(nvme_cqe_is_new(1U << 16, &p));
	assert_false(nvme_cqe_is_new(0, &p));
	for (i = 0; i < 3; i++)
		nvme_cq_advance(&p);
	assert_int_equal(p.head, 0);
	assert_int_equal(p.phase, 0);
	assert_true(nvme_cqe_is_new(0x0000ffff, &p));	/* P = 0 now new, other bits irrelevant */
	assert_false(nvme_cqe_is_new(0xffffffff, &p));
	nvme_cq_advance(&p);
	assert_int_equal(p.head, 1);
	assert_int_equal(p.phase, 0);
	for (i = 0; i < 2; i++)
		nvme_cq_advance(&p);
	assert_int_equal(p.phase, 1);
}

static void test_doorbells(void **state)
{
	(void)state;
	/* 0x1000 + (2y) * (4 << DSTRD) for SQ y, + (2y + 1) * ... for CQ y. */
	assert_int_equal(nvme_db_offset(0, false, 0), 0x1000);
	assert_int_equal(nvme_db_offset(0, true, 0), 0x1004);
	assert_int_equal(nvme_db_offset(1, false, 0), 0x1008);
	assert_int_equal(nvme_db_offset(1, true, 0), 0x100c);
	assert_int_equal(nvme_db_offset(1, false, 2), 0x1000 + 2 * 16);
	assert_int_equal(nvme_db_offset(1, true, 2), 0x1000 + 3 * 16);
	assert_int_equal(nvme_db_offset(3, true, 1), 0x1000 + 7 * 8);
}

static void test_cap(void **state)
{
	(void)state;
	/* CAP.TO bits 31:24 in 500 ms units; QEMU: 0x0f. */
	assert_int_equal(nvme_cap_timeout_ms(0x004008200f0107ffULL), 7500);
	assert_int_equal(nvme_cap_timeout_ms(0), 500);
	assert_int_equal(nvme_cap_timeout_ms(0xffULL << 24), 127500);
	/* MDTS 7 with 4 KiB minimum pages: 512 KiB; MPSMIN 1 (bits 51:48): 1 MiB. */
	assert_int_equal(nvme_mdts_bytes(7, 0), 512 * 1024);
	assert_int_equal(nvme_mdts_bytes(7, 1ULL << 48), 1024 * 1024);
	assert_int_equal(nvme_mdts_bytes(0, 0), 0);
	assert_int_equal(nvme_mdts_bytes(40, 0), 0);
}

static void test_id_string(void **state)
{
	char out[21];
	const u8 sn[20] = "fwtest0             ";
	const u8 odd[6] = { 'a', 0x01, 'b', ' ', 0, ' ' };

	(void)state;
	assert_string_equal(nvme_id_string(out, sn, 20), "fwtest0");
	assert_string_equal(nvme_id_string(out, odd, 6), "a?b");
	memset(out, 'x', sizeof(out));
	assert_string_equal(nvme_id_string(out, (const u8 *)"                    ", 20), "");
}

static void put_le32(u8 *p, u32 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
	p[2] = (u8)(v >> 16);
	p[3] = (u8)(v >> 24);
}

static void test_ns_parse(void **state)
{
	static u8 id[4096];
	struct nvme_ns_format f;

	(void)state;
	memset(id, 0, sizeof(id));
	assert_int_equal(nvme_ns_parse(id, &f), -ENODEV);	/* NSZE 0: inactive */
	id[0] = 0x00;
	id[1] = 0x08;					/* NSZE 2048 */
	id[25] = 1;					/* NLBAF: 2 formats */
	put_le32(id + 128, 9U << 16);			/* LBAF0: 512 bytes */
	put_le32(id + 132, 12U << 16 | 8);		/* LBAF1: 4 KiB + 8 bytes of metadata */
	assert_int_equal(nvme_ns_parse(id, &f), 0);
	assert_int_equal(f.blocks, 2048);
	assert_int_equal(f.index, 0);
	assert_int_equal(f.block_size, 512);
	assert_int_equal(f.meta_size, 0);
	id[26] = 0x11;					/* FLBAS: format 1, extended */
	assert_int_equal(nvme_ns_parse(id, &f), 0);
	assert_int_equal(f.block_size, 4096);
	assert_int_equal(f.meta_size, 8);
	assert_true(f.meta_extended);
	id[26] = 0x02;					/* format 2 > NLBAF */
	assert_int_equal(nvme_ns_parse(id, &f), -EINVAL);
	/* FLBAS bits 6:5 count only with more than 16 formats. */
	id[26] = 0x21;
	assert_int_equal(nvme_ns_parse(id, &f), 0);
	assert_int_equal(f.index, 1);
	id[25] = 17;					/* 18 formats: index 0x11 */
	put_le32(id + 128 + 4 * 17, 10U << 16);
	assert_int_equal(nvme_ns_parse(id, &f), 0);
	assert_int_equal(f.index, 17);
	assert_int_equal(f.block_size, 1024);
	id[25] = 1;
	id[26] = 0;
	put_le32(id + 128, 8U << 16);			/* LBADS 8: below 512 bytes */
	assert_int_equal(nvme_ns_parse(id, &f), -EINVAL);
}

static void test_ns_unusable(void **state)
{
	struct nvme_ns_format f = { .index = 1, .block_size = 512, .meta_size = 0, .blocks = 8 };
	char why[80];

	(void)state;
	assert_int_equal(nvme_ns_unusable(&f, 4096, why, sizeof(why)), 0);
	f.block_size = 4096;
	assert_int_equal(nvme_ns_unusable(&f, 4096, why, sizeof(why)), 0);
	f.block_size = 8192;
	assert_int_equal(nvme_ns_unusable(&f, 4096, why, sizeof(why)), -EOPNOTSUPP);
	assert_string_equal(why, "LBA format 1 has 8192-byte blocks, larger than 4096 bytes");
	f.block_size = 512;
	f.meta_size = 8;
	assert_int_equal(nvme_ns_unusable(&f, 4096, why, sizeof(why)), -EOPNOTSUPP);
	assert_string_equal(why, "LBA format 1 carries 8 bytes of metadata per block");
	f.meta_extended = true;
	assert_int_equal(nvme_ns_unusable(&f, 4096, why, sizeof(why)), -EOPNOTSUPP);
	assert_string_equal(why,
			    "LBA format 1 carries 8 bytes of metadata per block (extended LBA)");
}

static void test_ns_list(void **state)
{
	static u8 list[4096];
	unsigned int total, i;
	u32 ids[2];

	(void)state;
	memset(list, 0, sizeof(list));
	assert_int_equal(nvme_ns_list_parse(list, 0, ids, 2, &total), 0);	/* empty */
	assert_int_equal(total, 0);
	put_le32(list, 1);
	put_le32(list + 4, 2);
	put_le32(list + 8, 7);
	assert_int_equal(nvme_ns_list_parse(list, 0, ids, 2, &total), 2);	/* capped */
	assert_int_equal(total, 3);
	assert_int_equal(ids[0], 1);
	assert_int_equal(ids[1], 2);
	assert_int_equal(nvme_ns_list_parse(list, 0, ids, 0, &total), 0);
	assert_int_equal(total, 3);
	/* Not above the NSID asked for, not ascending, the broadcast value: refused. */
	assert_int_equal(nvme_ns_list_parse(list, 1, ids, 2, &total), -EINVAL);
	assert_int_equal(total, 0);
	put_le32(list + 4, 1);
	assert_int_equal(nvme_ns_list_parse(list, 0, ids, 2, &total), -EINVAL);
	assert_int_equal(total, 1);
	put_le32(list + 4, 0xffffffffU);
	assert_int_equal(nvme_ns_list_parse(list, 0, ids, 2, &total), -EINVAL);
	assert_int_equal(total, 1);
	/* A full list: 1024 entries, more may follow. */
	for (i = 0; i < 1024; i++)
		put_le32(list + 4 * i, 100 + i);
	assert_int_equal(nvme_ns_list_parse(list, 99, ids, 2, &total), 2);
	assert_int_equal(total, 1024);
	assert_int_equal(ids[1], 101);
}

static void test_le(void **state)
{
	const u8 b[8] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x88 };

	(void)state;
	assert_int_equal(nvme_get_le16(b), 0x0201);
	assert_int_equal(nvme_get_le32(b + 1), 0x05040302);
	assert_int_equal(nvme_get_le64(b), 0x8807060504030201ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_single_segment),
		cmocka_unit_test(test_rule_multi),
		cmocka_unit_test(test_build_one_page),
		cmocka_unit_test(test_build_two_pages),
		cmocka_unit_test(test_build_list),
		cmocka_unit_test(test_build_offset_and_pos),
		cmocka_unit_test(test_build_refuses),
		cmocka_unit_test(test_chunk),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_queue_arithmetic),
		cmocka_unit_test(test_doorbells),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_id_string),
		cmocka_unit_test(test_ns_parse),
		cmocka_unit_test(test_ns_unusable),
		cmocka_unit_test(test_ns_list),
		cmocka_unit_test(test_le),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
