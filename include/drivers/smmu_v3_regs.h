/*
 * Arm SMMUv3: registers and in-memory structures (Arm IHI 0070, "SMMU
 * architecture version 3"; section numbers below are that document's).
 *
 * Register page 0 holds everything but the event and PRI queue indexes,
 * which live in page 1 at +64 KiB (6.2, "Register layout").
 *
 * Queues (3.5): 2^LOG2SIZE entries; a PROD/CONS index is the entry number
 * in bits [LOG2SIZE-1:0] with a wrap bit just above it:
 *
 *      31  30     24  LOG2SIZE  LOG2SIZE-1       0
 *     +---+---------+---------+------------------+
 *     |OVF| ERR(CONS)|  WRAP   |      index       |
 *     +---+---------+---------+------------------+
 *
 * The queue is empty when PROD == CONS, full when the indexes match and the
 * wrap bits differ.
 */
#ifndef DRIVERS_SMMU_V3_REGS_H
#define DRIVERS_SMMU_V3_REGS_H

#include <bits.h>

/* --- registers (6.3) ---------------------------------------------------- */
#define SMMU_IDR0 0x00
#define SMMU_IDR0_ST_LEVEL GENMASK(28, 27)
#define SMMU_IDR0_ST_LEVEL_LINEAR 0
#define SMMU_IDR0_ST_LEVEL_2LVL 1
#define SMMU_IDR0_TERM_MODEL BIT(26)
#define SMMU_IDR0_STALL_MODEL GENMASK(25, 24)
#define SMMU_IDR0_STALL_FORCED 2
#define SMMU_IDR0_TTENDIAN GENMASK(22, 21)
#define SMMU_IDR0_TTENDIAN_MIXED 0
#define SMMU_IDR0_TTENDIAN_LE 2
#define SMMU_IDR0_CD2L BIT(19)
#define SMMU_IDR0_VMID16 BIT(18)
#define SMMU_IDR0_PRI BIT(16)
#define SMMU_IDR0_SEV BIT(14)
#define SMMU_IDR0_MSI BIT(13)
#define SMMU_IDR0_ASID16 BIT(12)
#define SMMU_IDR0_ATS BIT(10)
#define SMMU_IDR0_HYP BIT(9)
#define SMMU_IDR0_COHACC BIT(4)
#define SMMU_IDR0_TTF GENMASK(3, 2)
#define SMMU_IDR0_TTF_AARCH64 2
#define SMMU_IDR0_TTF_BOTH 3
#define SMMU_IDR0_S1P BIT(1)
#define SMMU_IDR0_S2P BIT(0)

#define SMMU_IDR1 0x04
#define SMMU_IDR1_TABLES_PRESET BIT(30)
#define SMMU_IDR1_QUEUES_PRESET BIT(29)
#define SMMU_IDR1_REL BIT(28)
#define SMMU_IDR1_CMDQS GENMASK(25, 21)
#define SMMU_IDR1_EVTQS GENMASK(20, 16)
#define SMMU_IDR1_PRIQS GENMASK(15, 11)
#define SMMU_IDR1_SSIDSIZE GENMASK(10, 6)
#define SMMU_IDR1_SIDSIZE GENMASK(5, 0)

#define SMMU_IDR2 0x08
#define SMMU_IDR3 0x0c
#define SMMU_IDR3_RIL BIT(10) /* range invalidation (SMMUv3.2) */
#define SMMU_IDR4 0x10
#define SMMU_IDR5 0x14
#define SMMU_IDR5_STALL_MAX GENMASK(31, 16)
#define SMMU_IDR5_VAX GENMASK(11, 10)
#define SMMU_IDR5_GRAN64K BIT(6)
#define SMMU_IDR5_GRAN16K BIT(5)
#define SMMU_IDR5_GRAN4K BIT(4)
#define SMMU_IDR5_OAS GENMASK(2, 0) /* 0:32 1:36 2:40 3:42 4:44 5:48 6:52 bits */

#define SMMU_IIDR 0x18
#define SMMU_AIDR 0x1c
#define SMMU_AIDR_MINOR GENMASK(3, 0) /* SMMUv3.<minor> */

#define SMMU_CR0 0x20
#define SMMU_CR0_ATSCHK BIT(4)
#define SMMU_CR0_CMDQEN BIT(3)
#define SMMU_CR0_EVTQEN BIT(2)
#define SMMU_CR0_PRIQEN BIT(1)
#define SMMU_CR0_SMMUEN BIT(0)
#define SMMU_CR0ACK 0x24

#define SMMU_CR1 0x28
#define SMMU_CR1_TABLE_SH GENMASK(11, 10)
#define SMMU_CR1_TABLE_OC GENMASK(9, 8)
#define SMMU_CR1_TABLE_IC GENMASK(7, 6)
#define SMMU_CR1_QUEUE_SH GENMASK(5, 4)
#define SMMU_CR1_QUEUE_OC GENMASK(3, 2)
#define SMMU_CR1_QUEUE_IC GENMASK(1, 0)
/* Cacheability and shareability values of CR1, STE and CD fields. */
#define SMMU_CACHE_NC 0
#define SMMU_CACHE_WBRA 1
#define SMMU_SH_NSH 0
#define SMMU_SH_OSH 2
#define SMMU_SH_ISH 3

#define SMMU_CR2 0x2c
#define SMMU_CR2_PTM BIT(2)	  /* private TLB maintenance: no broadcast TLBI */
#define SMMU_CR2_RECINVSID BIT(1) /* record C_BAD_STREAMID events */
#define SMMU_CR2_E2H BIT(0)

#define SMMU_STATUSR 0x40
#define SMMU_GBPA 0x44
#define SMMU_GBPA_UPDATE BIT(31)
#define SMMU_GBPA_ABORT BIT(20)

#define SMMU_IRQ_CTRL 0x50
#define SMMU_IRQ_CTRL_EVTQ_IRQEN BIT(2)
#define SMMU_IRQ_CTRL_PRIQ_IRQEN BIT(1)
#define SMMU_IRQ_CTRL_GERROR_IRQEN BIT(0)
#define SMMU_IRQ_CTRLACK 0x54

/* GERROR/GERRORN: an error is active while the two bits differ (7.5). */
#define SMMU_GERROR 0x60
#define SMMU_GERRORN 0x64
#define SMMU_GERROR_SFM_ERR BIT(8)
#define SMMU_GERROR_MSI_GERROR_ABT BIT(7)
#define SMMU_GERROR_MSI_PRIQ_ABT BIT(6)
#define SMMU_GERROR_MSI_EVTQ_ABT BIT(5)
#define SMMU_GERROR_MSI_CMDQ_ABT BIT(4)
#define SMMU_GERROR_PRIQ_ABT BIT(3)
#define SMMU_GERROR_EVTQ_ABT BIT(2)
#define SMMU_GERROR_CMDQ_ERR BIT(0)
#define SMMU_GERROR_ALL GENMASK(8, 0)

#define SMMU_STRTAB_BASE 0x80
#define SMMU_STRTAB_BASE_RA BIT_ULL(62)
#define SMMU_STRTAB_BASE_ADDR GENMASK_ULL(51, 6)
#define SMMU_STRTAB_BASE_CFG 0x88
#define SMMU_STRTAB_BASE_CFG_FMT GENMASK(17, 16)
#define SMMU_STRTAB_FMT_LINEAR 0
#define SMMU_STRTAB_FMT_2LVL 1
#define SMMU_STRTAB_BASE_CFG_SPLIT GENMASK(10, 6)
#define SMMU_STRTAB_BASE_CFG_LOG2SIZE GENMASK(5, 0)

#define SMMU_CMDQ_BASE 0x90
#define SMMU_EVTQ_BASE 0xa0
#define SMMU_Q_BASE_RA BIT_ULL(62)
#define SMMU_Q_BASE_ADDR GENMASK_ULL(51, 5)
#define SMMU_Q_BASE_LOG2SIZE GENMASK_ULL(4, 0)
#define SMMU_CMDQ_PROD 0x98
#define SMMU_CMDQ_CONS 0x9c
#define SMMU_CMDQ_CONS_ERR GENMASK(30, 24)
#define SMMU_CERROR_NONE 0
#define SMMU_CERROR_ILL 1
#define SMMU_CERROR_ABT 2
#define SMMU_CERROR_ATC_INV_SYNC 3
#define SMMU_EVTQ_PROD 0x100a8 /* page 1 */
#define SMMU_EVTQ_CONS 0x100ac /* page 1 */
#define SMMU_Q_OVF BIT(31)     /* EVTQ_PROD.OVFLG / EVTQ_CONS.OVACKFLG */

/* Register frame: page 0 and page 1, 64 KiB each. */
#define SMMU_REG_SIZE 0x20000

/* --- stream table (5.2) ---------------------------------------------------
 * Level-1 descriptor of a 2-level table: SPAN = log2(STEs in the level-2
 * table) + 1, 0 meaning "no level-2 table" (the stream is invalid).
 */
#define SMMU_L1STD_SPAN GENMASK_ULL(4, 0)
#define SMMU_L1STD_L2PTR GENMASK_ULL(51, 6)

/* Stream table entry: 8 double words (64 bytes, 5.2). */
#define SMMU_STE_DWORDS 8
#define SMMU_STE0_V BIT_ULL(0)
#define SMMU_STE0_CFG GENMASK_ULL(3, 1)
#define SMMU_STE_CFG_ABORT 0
#define SMMU_STE_CFG_BYPASS 4
#define SMMU_STE_CFG_S1_TRANS 5
#define SMMU_STE0_S1FMT GENMASK_ULL(5, 4)
#define SMMU_STE0_S1CTXPTR GENMASK_ULL(51, 6)
#define SMMU_STE0_S1CDMAX GENMASK_ULL(63, 59)
#define SMMU_STE1_S1DSS GENMASK_ULL(1, 0)
#define SMMU_STE1_S1CIR GENMASK_ULL(3, 2)
#define SMMU_STE1_S1COR GENMASK_ULL(5, 4)
#define SMMU_STE1_S1CSH GENMASK_ULL(7, 6)
#define SMMU_STE1_S1STALLD BIT_ULL(27)
#define SMMU_STE1_EATS GENMASK_ULL(29, 28)
#define SMMU_STE1_STRW GENMASK_ULL(31, 30)
#define SMMU_STE_STRW_NSEL1 0
#define SMMU_STE1_SHCFG GENMASK_ULL(45, 44)
#define SMMU_STE_SHCFG_INCOMING 1

/* Context descriptor: 8 double words (64 bytes, 5.4). */
#define SMMU_CD_DWORDS 8
#define SMMU_CD0_T0SZ GENMASK_ULL(5, 0)
#define SMMU_CD0_TG0 GENMASK_ULL(7, 6)
#define SMMU_CD_TG0_4K 0
#define SMMU_CD0_IR0 GENMASK_ULL(9, 8)
#define SMMU_CD0_OR0 GENMASK_ULL(11, 10)
#define SMMU_CD0_SH0 GENMASK_ULL(13, 12)
#define SMMU_CD0_EPD0 BIT_ULL(14)
#define SMMU_CD0_ENDI BIT_ULL(15)
#define SMMU_CD0_EPD1 BIT_ULL(30)
#define SMMU_CD0_V BIT_ULL(31)
#define SMMU_CD0_IPS GENMASK_ULL(34, 32)
#define SMMU_CD0_TBI0 BIT_ULL(38)
#define SMMU_CD0_AA64 BIT_ULL(41)
#define SMMU_CD0_HD BIT_ULL(42)
#define SMMU_CD0_HA BIT_ULL(43)
#define SMMU_CD0_S BIT_ULL(44)
#define SMMU_CD0_R BIT_ULL(45)	/* record faults in the event queue */
#define SMMU_CD0_A BIT_ULL(46)	/* abort (not stall) faulting transactions */
#define SMMU_CD0_ASET BIT_ULL(47) /* ASID not shared with the PE's TLBs */
#define SMMU_CD0_ASID GENMASK_ULL(63, 48)
#define SMMU_CD1_TTB0 GENMASK_ULL(51, 4)
#define SMMU_CD3_MAIR 3 /* double word 3 holds MAIR, as MAIR_EL1 */

/* --- commands (4.1): 2 double words ---------------------------------------- */
#define SMMU_CMD_DWORDS 2
#define SMMU_CMD0_OP GENMASK_ULL(7, 0)
#define SMMU_OP_CFGI_STE 0x03
#define SMMU_OP_CFGI_ALL 0x04 /* CFGI_STE_RANGE with Range 31 */
#define SMMU_OP_CFGI_CD 0x05
#define SMMU_OP_CFGI_CD_ALL 0x06
#define SMMU_OP_TLBI_NH_ALL 0x10
#define SMMU_OP_TLBI_NH_ASID 0x11
#define SMMU_OP_TLBI_NH_VA 0x12
#define SMMU_OP_TLBI_EL2_ALL 0x20
#define SMMU_OP_TLBI_NSNH_ALL 0x30
#define SMMU_OP_SYNC 0x46
#define SMMU_CMD0_SID GENMASK_ULL(63, 32)
#define SMMU_CMD0_SSID GENMASK_ULL(31, 12)
#define SMMU_CMD1_LEAF BIT_ULL(0)
#define SMMU_CMD1_RANGE GENMASK_ULL(4, 0)
#define SMMU_CMD0_NUM GENMASK_ULL(16, 12)   /* TLBI range: (NUM + 1) << SCALE granules */
#define SMMU_CMD0_SCALE GENMASK_ULL(24, 20)
#define SMMU_CMD0_VMID GENMASK_ULL(47, 32)
#define SMMU_CMD0_ASID GENMASK_ULL(63, 48)
#define SMMU_CMD1_TTL GENMASK_ULL(9, 8) /* level of the leaf, 0: unknown */
#define SMMU_CMD1_TG GENMASK_ULL(11, 10) /* granule; non-zero makes it a range command */
#define SMMU_CMD_TG_4K 1
#define SMMU_CMD1_ADDR GENMASK_ULL(63, 12)
#define SMMU_CMD0_SYNC_CS GENMASK_ULL(13, 12)
#define SMMU_SYNC_CS_NONE 0

/* --- event records (7.3): 4 double words ---------------------------------- */
#define SMMU_EVT_DWORDS 4
#define SMMU_EVT0_ID GENMASK_ULL(7, 0)
#define SMMU_EVT0_SSV BIT_ULL(11)
#define SMMU_EVT0_SID GENMASK_ULL(63, 32)
#define SMMU_EVT1_STALL BIT_ULL(31)
#define SMMU_EVT1_PNU BIT_ULL(33)
#define SMMU_EVT1_IND BIT_ULL(34)
#define SMMU_EVT1_RNW BIT_ULL(35) /* 1: read */
#define SMMU_EVT1_S2 BIT_ULL(39)
#define SMMU_EVT1_CLASS GENMASK_ULL(41, 40)

#define SMMU_EVT_F_UUT 0x01
#define SMMU_EVT_C_BAD_STREAMID 0x02
#define SMMU_EVT_F_STE_FETCH 0x03
#define SMMU_EVT_C_BAD_STE 0x04
#define SMMU_EVT_F_STREAM_DISABLED 0x06
#define SMMU_EVT_F_TRANSL_FORBIDDEN 0x07
#define SMMU_EVT_C_BAD_SUBSTREAMID 0x08
#define SMMU_EVT_F_CD_FETCH 0x09
#define SMMU_EVT_C_BAD_CD 0x0a
#define SMMU_EVT_F_WALK_EABT 0x0b
#define SMMU_EVT_F_TRANSLATION 0x10
#define SMMU_EVT_F_ADDR_SIZE 0x11
#define SMMU_EVT_F_ACCESS 0x12
#define SMMU_EVT_F_PERMISSION 0x13
#define SMMU_EVT_F_TLB_CONFLICT 0x20
#define SMMU_EVT_F_CFG_CONFLICT 0x21

#endif /* DRIVERS_SMMU_V3_REGS_H */
