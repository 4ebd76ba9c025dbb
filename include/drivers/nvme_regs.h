/*
 * NVM Express over PCIe: controller registers, queue entry layouts, opcodes
 * and status codes the firmware's driver uses (drivers/nvme/).
 *
 * Section numbers are those of the NVM Express Base Specification 1.4c
 * ("NVMe 1.4"), which QEMU's model (hw/nvme) and current drives follow.
 * Bit numbers are the specification's: fields of a 64-bit register use
 * GENMASK_ULL with the register's own bit positions; fields of a queue
 * entry name the dword they sit in (NVME_SQE0_CID is in command dword 0,
 * NVME_CQE3_P in completion dword 3).
 *
 * BAR0 (MLBAR/MUBAR, a 64-bit memory BAR), NVMe 1.4 3.1:
 *
 *   0x00 CAP    capabilities (64)        0x1c CSTS  controller status
 *   0x08 VS     version                  0x20 NSSR  subsystem reset
 *   0x0c INTMS  interrupt mask set       0x24 AQA   admin queue attributes
 *   0x10 INTMC  interrupt mask clear     0x28 ASQ   admin SQ base (64)
 *   0x14 CC     controller configuration 0x30 ACQ   admin CQ base (64)
 *   0x1000 + (2y)     * (4 << CAP.DSTRD)  SQyTDBL  submission queue y tail
 *   0x1000 + (2y + 1) * (4 << CAP.DSTRD)  CQyHDBL  completion queue y head
 */
#ifndef DRIVERS_NVME_REGS_H
#define DRIVERS_NVME_REGS_H

#include <bits.h>

/* PCI class code of an NVMe controller: mass storage, NVM, NVM Express (NVMe 1.4 2.1.5). */
#define NVME_PCI_CLASS 0x010802

/* --- Controller registers (NVMe 1.4 3.1) ------------------------------------ */

#define NVME_REG_CAP 0x00
#define NVME_CAP_MQES GENMASK_ULL(15, 0)	/* max queue entries, 0's based */
#define NVME_CAP_CQR BIT_ULL(16)		/* contiguous queues required */
#define NVME_CAP_AMS GENMASK_ULL(18, 17)
#define NVME_CAP_TO GENMASK_ULL(31, 24)		/* worst-case RDY change, 500 ms units */
#define NVME_CAP_DSTRD GENMASK_ULL(35, 32)	/* doorbell stride: 4 << DSTRD bytes */
#define NVME_CAP_NSSRS BIT_ULL(36)
#define NVME_CAP_CSS GENMASK_ULL(44, 37)	/* command sets supported */
#define NVME_CAP_CSS_NVM BIT_ULL(37)		/* CSS bit 0: the NVM command set */
#define NVME_CAP_BPS BIT_ULL(45)
#define NVME_CAP_MPSMIN GENMASK_ULL(51, 48)	/* min page size 2^(12 + MPSMIN) */
#define NVME_CAP_MPSMAX GENMASK_ULL(55, 52)
#define NVME_CAP_PMRS BIT_ULL(56)
#define NVME_CAP_CMBS BIT_ULL(57)
#define NVME_CAP_TO_UNIT_MS 500

#define NVME_REG_VS 0x08
#define NVME_VS_MJR GENMASK(31, 16)
#define NVME_VS_MNR GENMASK(15, 8)
#define NVME_VS_TER GENMASK(7, 0)
/* A version as VS encodes it, for comparisons: NVME_VS_VALUE(1, 1) is 1.1.0. */
#define NVME_VS_VALUE(mjr, mnr) (FIELD_PREP(NVME_VS_MJR, (mjr)) | FIELD_PREP(NVME_VS_MNR, (mnr)))

/*
 * Pin-based (INTx) and single-MSI masking, one bit per interrupt vector
 * (NVMe 1.4 3.1.3, 3.1.4): writing 1 to INTMS masks, to INTMC unmasks.
 * Undefined while MSI-X is enabled (the driver never enables it).
 */
#define NVME_REG_INTMS 0x0c
#define NVME_REG_INTMC 0x10
#define NVME_INTM_VECTOR0 BIT(0)

#define NVME_REG_CC 0x14
#define NVME_CC_EN BIT(0)
#define NVME_CC_CSS GENMASK(6, 4)		/* I/O command set selected */
#define NVME_CC_MPS GENMASK(10, 7)		/* memory page size 2^(12 + MPS) */
#define NVME_CC_AMS GENMASK(13, 11)		/* arbitration mechanism */
#define NVME_CC_SHN GENMASK(15, 14)		/* shutdown notification */
#define NVME_CC_IOSQES GENMASK(19, 16)		/* I/O SQ entry size 2^n */
#define NVME_CC_IOCQES GENMASK(23, 20)		/* I/O CQ entry size 2^n */
#define NVME_CC_CSS_NVM 0
#define NVME_CC_AMS_RR 0
#define NVME_CC_MPS_4K 0

#define NVME_REG_CSTS 0x1c
#define NVME_CSTS_RDY BIT(0)
#define NVME_CSTS_CFS BIT(1)			/* controller fatal status */
#define NVME_CSTS_SHST GENMASK(3, 2)
#define NVME_CSTS_NSSRO BIT(4)
#define NVME_CSTS_PP BIT(5)

#define NVME_REG_AQA 0x24
#define NVME_AQA_ASQS GENMASK(11, 0)		/* admin SQ size, 0's based */
#define NVME_AQA_ACQS GENMASK(27, 16)		/* admin CQ size, 0's based */
/* AQA.ASQS/ACQS are 12 bits: at most 4096 entries (NVMe 1.4 3.1.8). */
#define NVME_AQ_MAX_ENTRIES 4096

#define NVME_REG_ASQ 0x28			/* 64 bits, bits 11:0 reserved (page aligned) */
#define NVME_REG_ACQ 0x30

#define NVME_REG_DBS 0x1000			/* first doorbell (SQ0TDBL) */
#define NVME_DB_SQ_HEAD_MASK GENMASK(15, 0)

/* --- Queue entries (NVMe 1.4 4.2, 4.6) -------------------------------------- */

/* Entry sizes as CC.IOSQES/IOCQES and Identify SQES/CQES encode them (2^n bytes). */
#define NVME_SQE_SIZE_LOG2 6			/* 64-byte submission entries */
#define NVME_CQE_SIZE_LOG2 4			/* 16-byte completion entries */

/*
 * Submission queue entry, 16 dwords (NVMe 1.4 4.2, Figure 105..106):
 *
 *   DW0      CID[31:16] PSDT[15:14] FUSE[9:8] OPC[7:0]
 *   DW1      NSID
 *   DW2..3   reserved (command specific for some)
 *   DW4..5   MPTR (metadata pointer)
 *   DW6..7   PRP1 (DPTR, first half)
 *   DW8..9   PRP2 (DPTR, second half)
 *   DW10..15 command specific (CDW10..CDW15)
 */
#define NVME_SQE_DWORDS 16
#define NVME_SQE0_OPC GENMASK(7, 0)
#define NVME_SQE0_FUSE GENMASK(9, 8)
#define NVME_SQE0_PSDT GENMASK(15, 14)		/* 0: PRPs (the only kind used) */
#define NVME_SQE0_CID GENMASK(31, 16)
#define NVME_SQE_NSID 1				/* dword index */
#define NVME_SQE_PRP1 6				/* dword index of PRP1 (low half) */
#define NVME_SQE_PRP2 8				/* dword index of PRP2 (low half) */
#define NVME_SQE_CDW10 10
#define NVME_SQE_CDW11 11
#define NVME_SQE_CDW12 12

/*
 * Completion queue entry, 4 dwords (NVMe 1.4 4.6, Figure 124..126):
 *
 *   DW0  command specific           DW1  reserved
 *   DW2  SQID[31:16] SQHD[15:0]     DW3  status[31:17] P[16] CID[15:0]
 *
 * Status field: DNR[31] M[30] CRD[29:28] SCT[27:25] SC[24:17].
 * P (phase tag) inverts each time the controller wraps the queue: an entry
 * is new when P equals the phase the host expects, which starts at 1 for a
 * queue whose memory was zeroed (NVMe 1.4 4.6, "Phase Tag").
 */
#define NVME_CQE_DWORDS 4
#define NVME_CQE2_SQHD GENMASK(15, 0)
#define NVME_CQE2_SQID GENMASK(31, 16)
#define NVME_CQE3_CID GENMASK(15, 0)
#define NVME_CQE3_P BIT(16)
#define NVME_CQE3_SC GENMASK(24, 17)
#define NVME_CQE3_SCT GENMASK(27, 25)
#define NVME_CQE3_CRD GENMASK(29, 28)
#define NVME_CQE3_M BIT(30)
#define NVME_CQE3_DNR BIT(31)
#define NVME_CQE3_STATUS GENMASK(31, 17)

/* Status code types (NVMe 1.4 4.6.1.1, Figure 127). */
#define NVME_SCT_GENERIC 0x0
#define NVME_SCT_CMD_SPECIFIC 0x1
#define NVME_SCT_MEDIA 0x2
#define NVME_SCT_PATH 0x3
#define NVME_SCT_VENDOR 0x7

/* Generic command status (NVMe 1.4 4.6.1.2.1, Figures 128 and 129). */
#define NVME_SC_SUCCESS 0x00
#define NVME_SC_INVALID_OPCODE 0x01
#define NVME_SC_INVALID_FIELD 0x02
#define NVME_SC_CID_CONFLICT 0x03
#define NVME_SC_DATA_XFER_ERROR 0x04
#define NVME_SC_POWER_LOSS 0x05
#define NVME_SC_INTERNAL 0x06
#define NVME_SC_ABORT_REQ 0x07
#define NVME_SC_ABORT_SQ_DELETED 0x08
#define NVME_SC_FUSED_FAIL 0x09
#define NVME_SC_FUSED_MISSING 0x0a
#define NVME_SC_INVALID_NS 0x0b
#define NVME_SC_CMD_SEQ_ERROR 0x0c
#define NVME_SC_SGL_INVALID_LAST 0x0d
#define NVME_SC_SGL_INVALID_COUNT 0x0e
#define NVME_SC_SGL_INVALID_DATA 0x0f
#define NVME_SC_SGL_INVALID_METADATA 0x10
#define NVME_SC_SGL_INVALID_TYPE 0x11
#define NVME_SC_CMB_INVALID_USE 0x12
#define NVME_SC_PRP_INVALID_OFFSET 0x13
#define NVME_SC_ATOMIC_WU_EXCEEDED 0x14
#define NVME_SC_OP_DENIED 0x15
#define NVME_SC_SGL_INVALID_OFFSET 0x16
#define NVME_SC_HOST_ID_INCONSISTENT 0x18
#define NVME_SC_KA_EXPIRED 0x19
#define NVME_SC_KA_INVALID 0x1a
#define NVME_SC_ABORT_PREEMPT 0x1b
#define NVME_SC_SANITIZE_FAILED 0x1c
#define NVME_SC_SANITIZE_IN_PROGRESS 0x1d
#define NVME_SC_NS_WRITE_PROTECTED 0x20
#define NVME_SC_CMD_INTERRUPTED 0x21
#define NVME_SC_TRANSIENT_TRANSPORT 0x22
#define NVME_SC_LBA_RANGE 0x80
#define NVME_SC_CAP_EXCEEDED 0x81
#define NVME_SC_NS_NOT_READY 0x82
#define NVME_SC_RESERVATION_CONFLICT 0x83
#define NVME_SC_FORMAT_IN_PROGRESS 0x84

/* Command specific status (NVMe 1.4 4.6.1.2.2, Figure 130; NVM set: Figure 131). */
#define NVME_SC_CQ_INVALID 0x00
#define NVME_SC_QID_INVALID 0x01
#define NVME_SC_QUEUE_SIZE 0x02
#define NVME_SC_ABORT_LIMIT 0x03
#define NVME_SC_AER_LIMIT 0x05
#define NVME_SC_INVALID_VECTOR 0x08
#define NVME_SC_INVALID_LOG_PAGE 0x09
#define NVME_SC_INVALID_FORMAT 0x0a
#define NVME_SC_INVALID_QUEUE_DELETION 0x0c
#define NVME_SC_FEATURE_NOT_SAVEABLE 0x0d
#define NVME_SC_FEATURE_NOT_CHANGEABLE 0x0e
#define NVME_SC_FEATURE_NOT_PER_NS 0x0f
#define NVME_SC_NS_INSUFFICIENT_CAP 0x15
#define NVME_SC_NS_ID_UNAVAILABLE 0x16
#define NVME_SC_NS_ALREADY_ATTACHED 0x18
#define NVME_SC_NS_IS_PRIVATE 0x19
#define NVME_SC_NS_NOT_ATTACHED 0x1a
#define NVME_SC_BAD_ATTRIBUTES 0x80
#define NVME_SC_INVALID_PI 0x81
#define NVME_SC_READ_ONLY 0x82

/* Media and data integrity errors (NVMe 1.4 4.6.1.2.3, Figure 132). */
#define NVME_SC_WRITE_FAULT 0x80
#define NVME_SC_READ_ERROR 0x81
#define NVME_SC_GUARD_CHECK 0x82
#define NVME_SC_APPTAG_CHECK 0x83
#define NVME_SC_REFTAG_CHECK 0x84
#define NVME_SC_COMPARE_FAILED 0x85
#define NVME_SC_ACCESS_DENIED 0x86
#define NVME_SC_UNWRITTEN_BLOCK 0x87

/* Path related status (NVMe 1.4 4.6.1.2.4, Figure 133). */
#define NVME_SC_INTERNAL_PATH_ERROR 0x00
#define NVME_SC_ANA_PERSISTENT_LOSS 0x01
#define NVME_SC_ANA_INACCESSIBLE 0x02
#define NVME_SC_ANA_TRANSITION 0x03
#define NVME_SC_CTRL_PATH_ERROR 0x60
#define NVME_SC_HOST_PATH_ERROR 0x70
#define NVME_SC_HOST_ABORTED 0x71

/* --- Admin commands (NVMe 1.4 5) -------------------------------------------- */

#define NVME_ADMIN_DELETE_SQ 0x00
#define NVME_ADMIN_CREATE_SQ 0x01
#define NVME_ADMIN_DELETE_CQ 0x04
#define NVME_ADMIN_CREATE_CQ 0x05
#define NVME_ADMIN_IDENTIFY 0x06
#define NVME_ADMIN_ABORT 0x08
#define NVME_ADMIN_SET_FEATURES 0x09
#define NVME_ADMIN_GET_FEATURES 0x0a

/* Create I/O Completion Queue (NVMe 1.4 5.3, Figures 149..150). */
#define NVME_CREATE_CQ10_QID GENMASK(15, 0)
#define NVME_CREATE_CQ10_QSIZE GENMASK(31, 16)	/* 0's based */
#define NVME_CREATE_CQ11_PC BIT(0)		/* physically contiguous */
#define NVME_CREATE_CQ11_IEN BIT(1)		/* interrupts enabled */
#define NVME_CREATE_CQ11_IV GENMASK(31, 16)	/* interrupt vector */

/* Create I/O Submission Queue (NVMe 1.4 5.4, Figures 153..154). */
#define NVME_CREATE_SQ10_QID GENMASK(15, 0)
#define NVME_CREATE_SQ10_QSIZE GENMASK(31, 16)
#define NVME_CREATE_SQ11_PC BIT(0)
#define NVME_CREATE_SQ11_QPRIO GENMASK(2, 1)
#define NVME_CREATE_SQ11_CQID GENMASK(31, 16)

/* Identify (NVMe 1.4 5.15, Figure 243: CNS values). */
#define NVME_IDENTIFY10_CNS GENMASK(7, 0)
#define NVME_IDENTIFY10_CNTID GENMASK(31, 16)
#define NVME_CNS_NS 0x00			/* Identify Namespace, NSID */
#define NVME_CNS_CTRL 0x01			/* Identify Controller */
#define NVME_CNS_NS_ACTIVE_LIST 0x02		/* active NSIDs above NSID, ascending */
#define NVME_IDENTIFY_SIZE 4096
#define NVME_NS_LIST_ENTRIES 1024		/* NSIDs in a CNS 02h list (4 bytes each) */
/* NSID FFFFFFFFh: every namespace (the broadcast value, NVMe 1.4 6.1), never one's own ID. */
#define NVME_NSID_ALL 0xffffffffU

/* Identify Controller data structure, byte offsets (NVMe 1.4 Figure 247). */
#define NVME_ID_CTRL_VID 0			/* 2 bytes, PCI vendor ID */
#define NVME_ID_CTRL_SSVID 2
#define NVME_ID_CTRL_SN 4			/* 20 bytes ASCII, space padded */
#define NVME_ID_CTRL_SN_LEN 20
#define NVME_ID_CTRL_MN 24			/* 40 bytes ASCII */
#define NVME_ID_CTRL_MN_LEN 40
#define NVME_ID_CTRL_FR 64			/* 8 bytes ASCII */
#define NVME_ID_CTRL_FR_LEN 8
#define NVME_ID_CTRL_MDTS 77			/* max transfer 2^MDTS min pages, 0: none */
#define NVME_ID_CTRL_CNTLID 78			/* 2 bytes */
#define NVME_ID_CTRL_VER 80			/* 4 bytes, as VS */
#define NVME_ID_CTRL_SQES 512			/* [3:0] required, [7:4] max, log2 bytes */
#define NVME_ID_CTRL_CQES 513
#define NVME_ID_CTRL_NN 516			/* 4 bytes, number of namespaces */
#define NVME_ID_CTRL_ONCS 520			/* 2 bytes */
#define NVME_ID_CTRL_VWC 525
#define NVME_ID_CTRL_VWC_PRESENT BIT(0)		/* a volatile write cache (Flush matters) */
#define NVME_ID_QES_MIN GENMASK(3, 0)
#define NVME_ID_QES_MAX GENMASK(7, 4)

/* Identify Namespace data structure (NVMe 1.4 Figure 245; NVM set). */
#define NVME_ID_NS_NSZE 0			/* 8 bytes, size in logical blocks */
#define NVME_ID_NS_NCAP 8
#define NVME_ID_NS_NUSE 16
#define NVME_ID_NS_NLBAF 25			/* number of LBA formats, 0's based */
#define NVME_ID_NS_FLBAS 26			/* formatted LBA size */
#define NVME_ID_NS_LBAF 128			/* LBA format 0; format n at + 4 * n */
#define NVME_ID_NS_LBAF_MAX 64			/* NLBAF is 0..63 (NVMe 2.0: FLBAS 6:5) */
#define NVME_FLBAS_LOW GENMASK(3, 0)		/* format index, bits 3:0 */
#define NVME_FLBAS_EXT BIT(4)			/* metadata at the end of each block */
#define NVME_FLBAS_HIGH GENMASK(6, 5)		/* format index, bits 5:4 (NLBAF > 16) */
#define NVME_LBAF_MS GENMASK(15, 0)		/* metadata bytes per block */
#define NVME_LBAF_LBADS GENMASK(23, 16)		/* data size 2^LBADS, >= 9 */
#define NVME_LBAF_RP GENMASK(25, 24)		/* relative performance */

/* Set/Get Features (NVMe 1.4 5.21): FID in CDW10; Number of Queues (5.21.1.7). */
#define NVME_FEAT10_FID GENMASK(7, 0)
#define NVME_FEAT10_SV BIT(31)
#define NVME_FEAT_NUM_QUEUES 0x07
#define NVME_NUMQ_NSQ GENMASK(15, 0)		/* CDW11 and result DW0, 0's based */
#define NVME_NUMQ_NCQ GENMASK(31, 16)

/* Abort (NVMe 1.4 5.1). */
#define NVME_ABORT10_SQID GENMASK(15, 0)
#define NVME_ABORT10_CID GENMASK(31, 16)

/* --- NVM command set (NVMe 1.4 6) ------------------------------------------- */

#define NVME_CMD_FLUSH 0x00
#define NVME_CMD_WRITE 0x01
#define NVME_CMD_READ 0x02

/* Read / Write (NVMe 1.4 6.9, 6.15): SLBA in CDW10 (low) and CDW11 (high). */
#define NVME_RW12_NLB GENMASK(15, 0)		/* blocks, 0's based */
#define NVME_RW12_PRINFO GENMASK(29, 26)
#define NVME_RW12_FUA BIT(30)
#define NVME_RW12_LR BIT(31)
#define NVME_RW_MAX_BLOCKS 65536

#endif /* DRIVERS_NVME_REGS_H */
