/*
 * SMMUv3 in-memory structures built and decoded as data: stream table
 * entries, context descriptors, commands, event records, and the plan for
 * range invalidations. No MMIO: host-tested (tests/host/test_smmu_desc.c).
 * Layouts are in <drivers/smmu_v3_regs.h>.
 */
#ifndef DRIVERS_SMMU_V3_DESC_H
#define DRIVERS_SMMU_V3_DESC_H

#include <drivers/smmu_v3_regs.h>
#include <types.h>

/* An STE that aborts every transaction of its stream (V=1, Config=abort). */
void smmu_ste_abort(u64 ste[SMMU_STE_DWORDS]);

/*
 * smmu_ste_s1() - stage-1 translation with one context descriptor at @cd
 * (S1CDMAX 0: no substreams). @coherent: the SMMU fetches the CD through
 * inner-shareable write-back attributes, else non-cacheable.
 */
void smmu_ste_s1(u64 ste[SMMU_STE_DWORDS], phys_addr_t cd, bool coherent);

/*
 * smmu_ste_write() - copy @src into the live entry @dst in the order the
 * SMMU must see it (3.21.3, "Configuration structure update procedure"):
 * double words 1..7 first, then double word 0, which holds V and Config,
 * with @publish (a DSB so the SMMU can observe the stores) between the two
 * steps and after the last. The caller then issues CFGI_STE + CMD_SYNC.
 * Valid only when the old entry is invalid or aborts, so that the SMMU
 * ignores words 1..7 while they change. Going back to abort is
 * smmu_ste_block().
 */
void smmu_ste_write(u64 *dst, const u64 src[SMMU_STE_DWORDS], void (*publish)(void *ctx),
		    void *ctx);

/*
 * smmu_ste_block() - make the live entry @dst abort: one 64-bit store of
 * smmu_ste_abort()'s word 0 (V = 1, Config = abort), then @publish. A
 * single store, so the SMMU fetches either the old entry or the aborting
 * one (3.21.3); words 1..7 are left as they are, IGNORED under
 * Config = abort. The caller then issues CFGI_STE + CMD_SYNC.
 */
void smmu_ste_block(u64 *dst, void (*publish)(void *ctx), void *ctx);

struct smmu_cd_cfg {
	u16 asid;
	phys_addr_t ttb;	/* stage-1 table root */
	unsigned int va_bits;	/* input address size: T0SZ = 64 - va_bits */
	unsigned int ips;	/* output size, IDR5.OAS encoding */
	u64 mair;		/* attribute encodings the PTEs' AttrIndx select */
	bool coherent;		/* table walks cacheable inner shareable */
};

/* smmu_cd_s1() - a valid AArch64 CD, 4 KiB granule, faults recorded and aborted. */
void smmu_cd_s1(u64 cd[SMMU_CD_DWORDS], const struct smmu_cd_cfg *c);

/* Level-1 stream table descriptor pointing at 2^@log2_ste STEs at @l2. */
u64 smmu_l1std(phys_addr_t l2, unsigned int log2_ste);

void smmu_cmd_cfgi_ste(u64 cmd[SMMU_CMD_DWORDS], u32 sid);
void smmu_cmd_cfgi_cd(u64 cmd[SMMU_CMD_DWORDS], u32 sid);
void smmu_cmd_cfgi_all(u64 cmd[SMMU_CMD_DWORDS]);
void smmu_cmd_tlbi_asid(u64 cmd[SMMU_CMD_DWORDS], u16 asid);
/* Leaf invalidation of the one entry (page or block) translating @iova. */
void smmu_cmd_tlbi_va(u64 cmd[SMMU_CMD_DWORDS], u16 asid, u64 iova);
/* Range invalidation (IDR3.RIL): (num + 1) << scale 4 KiB pages from @iova. */
void smmu_cmd_tlbi_range(u64 cmd[SMMU_CMD_DWORDS], u16 asid, u64 iova, unsigned int scale,
			 unsigned int num);
void smmu_cmd_tlbi_nsnh_all(u64 cmd[SMMU_CMD_DWORDS]);
void smmu_cmd_tlbi_el2_all(u64 cmd[SMMU_CMD_DWORDS]);
/* CMD_SYNC completing by CONS passing it (CS = SIG_NONE). */
void smmu_cmd_sync(u64 cmd[SMMU_CMD_DWORDS]);
const char *smmu_cmd_name(u8 opcode);

struct smmu_range {
	u64 iova;
	u8 scale;
	u8 num;	/* the command's NUM field: pages = (num + 1) << scale */
};

/*
 * smmu_range_plan() - cover @pages 4 KiB pages from @iova with range
 * invalidations: one command per power-of-two run in the page count (at
 * most one per set bit, fewer where runs fit one command's NUM).
 * Return: commands written to @out (at most @max), 0 if @max is too small.
 */
unsigned int smmu_range_plan(u64 iova, u64 pages, struct smmu_range *out, unsigned int max);

struct smmu_event {
	u8 id;
	u32 sid;
	u64 addr;	/* input address (IOVA) for translation-related faults */
	bool read;	/* RnW */
	bool instr;	/* InD */
	bool priv;	/* PnU */
	bool stage2;
	u8 class;	/* 0 CD fetch, 1 TT walk, 2 input address */
};

void smmu_event_decode(const u64 evt[SMMU_EVT_DWORDS], struct smmu_event *e);
/* Name of an event ID ("F_TRANSLATION"), never NULL. */
const char *smmu_event_name(u8 id);
/* Whether the record's address and direction fields are meaningful. */
bool smmu_event_has_addr(u8 id);

/* Output address bits of IDR5.OAS encoding @oas, 0 if reserved. */
unsigned int smmu_oas_bits(unsigned int oas);

#endif /* DRIVERS_SMMU_V3_DESC_H */
