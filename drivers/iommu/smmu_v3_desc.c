/*
 * SMMUv3 structures as data (see <drivers/smmu_v3_desc.h>).
 */
#include <drivers/smmu_v3_desc.h>
#include <layout.h>
#include <string.h>

void smmu_ste_abort(u64 ste[SMMU_STE_DWORDS])
{
	memset(ste, 0, SMMU_STE_DWORDS * sizeof(u64));
	ste[0] = SMMU_STE0_V | FIELD_PREP(SMMU_STE0_CFG, SMMU_STE_CFG_ABORT);
}

void smmu_ste_s1(u64 ste[SMMU_STE_DWORDS], phys_addr_t cd, bool coherent)
{
	unsigned int cache = coherent ? SMMU_CACHE_WBRA : SMMU_CACHE_NC;
	unsigned int sh = coherent ? SMMU_SH_ISH : SMMU_SH_OSH;

	memset(ste, 0, SMMU_STE_DWORDS * sizeof(u64));
	ste[0] = SMMU_STE0_V | FIELD_PREP(SMMU_STE0_CFG, SMMU_STE_CFG_S1_TRANS) |
		 (cd & SMMU_STE0_S1CTXPTR);
	/*
	 * CD fetch attributes; EL1 stream world (translations tagged with the
	 * CD's ASID); no ATS; stall disabled (faults abort, 5.2 S1STALLD).
	 */
	ste[1] = FIELD_PREP(SMMU_STE1_S1CIR, cache) | FIELD_PREP(SMMU_STE1_S1COR, cache) |
		 FIELD_PREP(SMMU_STE1_S1CSH, sh) |
		 FIELD_PREP(SMMU_STE1_STRW, SMMU_STE_STRW_NSEL1) |
		 FIELD_PREP(SMMU_STE1_SHCFG, SMMU_STE_SHCFG_INCOMING);
}

void smmu_ste_write(u64 *dst, const u64 src[SMMU_STE_DWORDS], void (*publish)(void *ctx),
		    void *ctx)
{
	volatile u64 *d = dst;
	unsigned int i;

	for (i = 1; i < SMMU_STE_DWORDS; i++)
		d[i] = src[i];
	publish(ctx); /* words 1..7 observable before V/Config can make them used */
	d[0] = src[0];
	publish(ctx);
}

void smmu_ste_block(u64 *dst, void (*publish)(void *ctx), void *ctx)
{
	u64 abort[SMMU_STE_DWORDS];

	smmu_ste_abort(abort);
	*(volatile u64 *)dst = abort[0];
	publish(ctx); /* the abort observable before the caller's CFGI_STE */
}

void smmu_cd_s1(u64 cd[SMMU_CD_DWORDS], const struct smmu_cd_cfg *c)
{
	unsigned int cache = c->coherent ? SMMU_CACHE_WBRA : SMMU_CACHE_NC;
	unsigned int sh = c->coherent ? SMMU_SH_ISH : SMMU_SH_OSH;

	memset(cd, 0, SMMU_CD_DWORDS * sizeof(u64));
	/*
	 * TTB1 unused (EPD1); R: record faults in the event queue (QEMU's model
	 * records none without it); A: terminate faulting transactions with an
	 * abort; ASET: the ASID is not shared with the CPU, so its broadcast
	 * TLBIs need not apply (5.4).
	 */
	cd[0] = FIELD_PREP(SMMU_CD0_T0SZ, 64 - c->va_bits) |
		FIELD_PREP(SMMU_CD0_TG0, SMMU_CD_TG0_4K) | FIELD_PREP(SMMU_CD0_IR0, cache) |
		FIELD_PREP(SMMU_CD0_OR0, cache) | FIELD_PREP(SMMU_CD0_SH0, sh) |
		SMMU_CD0_EPD1 | SMMU_CD0_V | FIELD_PREP(SMMU_CD0_IPS, c->ips) | SMMU_CD0_AA64 |
		SMMU_CD0_R | SMMU_CD0_A | SMMU_CD0_ASET | FIELD_PREP(SMMU_CD0_ASID, c->asid);
	cd[1] = c->ttb & SMMU_CD1_TTB0;
	cd[SMMU_CD3_MAIR] = c->mair;
}

u64 smmu_l1std(phys_addr_t l2, unsigned int log2_ste)
{
	return FIELD_PREP(SMMU_L1STD_SPAN, log2_ste + 1) | (l2 & SMMU_L1STD_L2PTR);
}

static void cmd_op(u64 cmd[SMMU_CMD_DWORDS], u8 op)
{
	cmd[0] = FIELD_PREP(SMMU_CMD0_OP, op);
	cmd[1] = 0;
}

void smmu_cmd_cfgi_ste(u64 cmd[SMMU_CMD_DWORDS], u32 sid)
{
	cmd_op(cmd, SMMU_OP_CFGI_STE);
	cmd[0] |= FIELD_PREP(SMMU_CMD0_SID, sid);
	cmd[1] = SMMU_CMD1_LEAF; /* a level-1 descriptor did not change */
}

void smmu_cmd_cfgi_cd(u64 cmd[SMMU_CMD_DWORDS], u32 sid)
{
	cmd_op(cmd, SMMU_OP_CFGI_CD);
	cmd[0] |= FIELD_PREP(SMMU_CMD0_SID, sid); /* SSID 0 */
	cmd[1] = SMMU_CMD1_LEAF;
}

void smmu_cmd_cfgi_all(u64 cmd[SMMU_CMD_DWORDS])
{
	cmd_op(cmd, SMMU_OP_CFGI_ALL);
	cmd[1] = FIELD_PREP(SMMU_CMD1_RANGE, 31); /* every stream (4.3.3) */
}

void smmu_cmd_tlbi_asid(u64 cmd[SMMU_CMD_DWORDS], u16 asid)
{
	cmd_op(cmd, SMMU_OP_TLBI_NH_ASID);
	cmd[0] |= FIELD_PREP(SMMU_CMD0_ASID, asid);
}

void smmu_cmd_tlbi_va(u64 cmd[SMMU_CMD_DWORDS], u16 asid, u64 iova)
{
	cmd_op(cmd, SMMU_OP_TLBI_NH_VA);
	cmd[0] |= FIELD_PREP(SMMU_CMD0_ASID, asid);
	cmd[1] = SMMU_CMD1_LEAF | (iova & SMMU_CMD1_ADDR);
}

void smmu_cmd_tlbi_range(u64 cmd[SMMU_CMD_DWORDS], u16 asid, u64 iova, unsigned int scale,
			 unsigned int num)
{
	cmd_op(cmd, SMMU_OP_TLBI_NH_VA);
	cmd[0] |= FIELD_PREP(SMMU_CMD0_ASID, asid) | FIELD_PREP(SMMU_CMD0_SCALE, scale) |
		  FIELD_PREP(SMMU_CMD0_NUM, num);
	/* TG != 0 makes NUM/SCALE a range; TTL 0: leaves of any level (4.4.1). */
	cmd[1] = SMMU_CMD1_LEAF | FIELD_PREP(SMMU_CMD1_TG, SMMU_CMD_TG_4K) |
		 (iova & SMMU_CMD1_ADDR);
}

void smmu_cmd_tlbi_nsnh_all(u64 cmd[SMMU_CMD_DWORDS])
{
	cmd_op(cmd, SMMU_OP_TLBI_NSNH_ALL);
}

void smmu_cmd_tlbi_el2_all(u64 cmd[SMMU_CMD_DWORDS])
{
	cmd_op(cmd, SMMU_OP_TLBI_EL2_ALL);
}

void smmu_cmd_sync(u64 cmd[SMMU_CMD_DWORDS])
{
	cmd_op(cmd, SMMU_OP_SYNC);
	cmd[0] |= FIELD_PREP(SMMU_CMD0_SYNC_CS, SMMU_SYNC_CS_NONE);
}

const char *smmu_cmd_name(u8 opcode)
{
	switch (opcode) {
	case SMMU_OP_CFGI_STE: return "CFGI_STE";
	case SMMU_OP_CFGI_ALL: return "CFGI_ALL";
	case SMMU_OP_CFGI_CD: return "CFGI_CD";
	case SMMU_OP_CFGI_CD_ALL: return "CFGI_CD_ALL";
	case SMMU_OP_TLBI_NH_ALL: return "TLBI_NH_ALL";
	case SMMU_OP_TLBI_NH_ASID: return "TLBI_NH_ASID";
	case SMMU_OP_TLBI_NH_VA: return "TLBI_NH_VA";
	case SMMU_OP_TLBI_EL2_ALL: return "TLBI_EL2_ALL";
	case SMMU_OP_TLBI_NSNH_ALL: return "TLBI_NSNH_ALL";
	case SMMU_OP_SYNC: return "CMD_SYNC";
	default: return "unknown command";
	}
}

#define RANGE_NUM_MAX 31	/* NUM is 5 bits: up to 32 << SCALE pages */
#define RANGE_SCALE_MAX 31

unsigned int smmu_range_plan(u64 iova, u64 pages, struct smmu_range *out, unsigned int max)
{
	unsigned int n = 0;

	/*
	 * The lowest set bit of what is left picks SCALE; NUM takes the five
	 * bits from there, so each command clears up to five set bits of the
	 * count and a power-of-two count is exactly one command.
	 */
	while (pages) {
		unsigned int scale = __builtin_ctzll(pages);
		u64 chunks;

		if (scale > RANGE_SCALE_MAX)
			scale = RANGE_SCALE_MAX;
		chunks = (pages >> scale) & RANGE_NUM_MAX;
		if (!chunks) /* only when SCALE was capped: take the largest command */
			chunks = RANGE_NUM_MAX + 1;
		if (n == max)
			return 0;
		out[n].iova = iova;
		out[n].scale = scale;
		out[n].num = chunks - 1;
		n++;
		iova += (chunks << scale) << PAGE_SHIFT;
		pages -= chunks << scale;
	}
	return n;
}

void smmu_event_decode(const u64 evt[SMMU_EVT_DWORDS], struct smmu_event *e)
{
	e->id = FIELD_GET(SMMU_EVT0_ID, evt[0]);
	e->sid = FIELD_GET(SMMU_EVT0_SID, evt[0]);
	e->addr = evt[2];
	e->read = evt[1] & SMMU_EVT1_RNW;
	e->instr = evt[1] & SMMU_EVT1_IND;
	e->priv = evt[1] & SMMU_EVT1_PNU;
	e->stage2 = evt[1] & SMMU_EVT1_S2;
	e->class = FIELD_GET(SMMU_EVT1_CLASS, evt[1]);
}

const char *smmu_event_name(u8 id)
{
	switch (id) {
	case SMMU_EVT_F_UUT: return "F_UUT (unsupported upstream transaction)";
	case SMMU_EVT_C_BAD_STREAMID: return "C_BAD_STREAMID (stream ID out of range)";
	case SMMU_EVT_F_STE_FETCH: return "F_STE_FETCH (STE fetch aborted)";
	case SMMU_EVT_C_BAD_STE: return "C_BAD_STE (invalid STE)";
	case SMMU_EVT_F_STREAM_DISABLED: return "F_STREAM_DISABLED";
	case SMMU_EVT_F_TRANSL_FORBIDDEN: return "F_TRANSL_FORBIDDEN";
	case SMMU_EVT_C_BAD_SUBSTREAMID: return "C_BAD_SUBSTREAMID";
	case SMMU_EVT_F_CD_FETCH: return "F_CD_FETCH (CD fetch aborted)";
	case SMMU_EVT_C_BAD_CD: return "C_BAD_CD (invalid CD)";
	case SMMU_EVT_F_WALK_EABT: return "F_WALK_EABT (table walk aborted)";
	case SMMU_EVT_F_TRANSLATION: return "F_TRANSLATION (no mapping)";
	case SMMU_EVT_F_ADDR_SIZE: return "F_ADDR_SIZE (address out of range)";
	case SMMU_EVT_F_ACCESS: return "F_ACCESS (access flag)";
	case SMMU_EVT_F_PERMISSION: return "F_PERMISSION (mapping forbids the access)";
	case SMMU_EVT_F_TLB_CONFLICT: return "F_TLB_CONFLICT";
	case SMMU_EVT_F_CFG_CONFLICT: return "F_CFG_CONFLICT";
	default: return "unknown event";
	}
}

bool smmu_event_has_addr(u8 id)
{
	return id == SMMU_EVT_F_TRANSLATION || id == SMMU_EVT_F_ADDR_SIZE ||
	       id == SMMU_EVT_F_ACCESS || id == SMMU_EVT_F_PERMISSION ||
	       id == SMMU_EVT_F_WALK_EABT || id == SMMU_EVT_F_TRANSL_FORBIDDEN ||
	       id == SMMU_EVT_F_UUT || id == SMMU_EVT_F_TLB_CONFLICT;
}

unsigned int smmu_oas_bits(unsigned int oas)
{
	static const u8 bits[] = { 32, 36, 40, 42, 44, 48, 52 };

	return oas < ARRAY_SIZE(bits) ? bits[oas] : 0;
}
