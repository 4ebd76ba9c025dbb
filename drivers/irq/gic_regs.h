/*
 * Arm Generic Interrupt Controller registers, with the specifications' names
 * (each register is described in its spec under its own name, which the
 * comments below use as the reference):
 *
 *   GICv3/v4: Arm IHI 0069, "Arm Generic Interrupt Controller Architecture
 *             Specification, GIC architecture version 3 and version 4",
 *             chapter "Programmers' model": GICD_* (distributor), GICR_*
 *             (one redistributor per CPU: frames RD_base and SGI_base of
 *             64 KiB each), ICC_* (CPU interface, system registers).
 *   GICv2:    Arm IHI 0048B, "... Architecture Specification, Architecture
 *             version 2.0", chapter "Programmers' Model": GICD_*
 *             (distributor), GICC_* (memory-mapped CPU interface).
 *
 * The distributor's per-INTID register arrays sit at the same offsets in
 * both (GICD_IGROUPR ... GICD_ICFGR); where a field means different things
 * it is named after the version (GICD_CTLR_V2_*, GICD_CTLR_V3_*).
 *
 * Bit-array registers hold one bit per INTID (register INTID / 32, bit
 * INTID % 32); GICD_IPRIORITYR and GICD_ITARGETSR one byte per INTID;
 * GICD_ICFGR two bits per INTID (register INTID / 16, field INTID % 16).
 */
#ifndef DRIVERS_IRQ_GIC_REGS_H
#define DRIVERS_IRQ_GIC_REGS_H

#include <bits.h>

#define GIC_FRAME_SIZE 0x10000UL /* 64 KiB: GICv3 frames, GICv3 distributor */

/* --- Distributor, common layout (both specs' distributor register maps) -- */
#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IIDR 0x0008
#define GICD_IGROUPR(n) (0x0080 + 4 * (n))
#define GICD_ISENABLER(n) (0x0100 + 4 * (n))
#define GICD_ICENABLER(n) (0x0180 + 4 * (n))
#define GICD_ISPENDR(n) (0x0200 + 4 * (n))
#define GICD_ICPENDR(n) (0x0280 + 4 * (n))
#define GICD_ISACTIVER(n) (0x0300 + 4 * (n))
#define GICD_ICACTIVER(n) (0x0380 + 4 * (n))
#define GICD_IPRIORITYR(n) (0x0400 + 4 * (n))
#define GICD_ICFGR(n) (0x0c00 + 4 * (n))

/* GICD_TYPER, in both specs. */
#define GICD_TYPER_ITLINESNUMBER GENMASK(4, 0) /* INTIDs up to 32 * (N + 1) - 1 */
#define GICD_TYPER_CPUNUMBER GENMASK(7, 5)     /* GICv2: CPU interfaces - 1 */
#define GICD_TYPER_SECURITYEXTN BIT(10)

/* GICD_ICFGR: two bits per INTID, the upper one says edge (1) or level (0). */
#define GICD_ICFGR_EDGE 0x2U
#define GICD_ICFGR_FIELD_BITS 2

/* --- GICv2 distributor (IHI 0048B) ---------------------------------------- */
/*
 * GICD_CTLR. Without the Security Extensions, or a Secure access:
 * bit 0 enables Group 0 forwarding, bit 1 Group 1. A Non-secure access sees
 * only bit 0, which then enables Group 1 (the Non-secure group).
 */
#define GICD_CTLR_V2_ENABLE BIT(0)
#define GICD_ITARGETSR(n) (0x0800 + 4 * (n))
#define GICD_SGIR 0x0f00
#define GICD_CPENDSGIR(n) (0x0f10 + 4 * (n))
/* GICD_SGIR. */
#define GICD_SGIR_TARGETLISTFILTER GENMASK(25, 24)
#define GICD_SGIR_TARGET_SELF 0x2 /* only the CPU that writes GICD_SGIR */
#define GICD_SGIR_SGIINTID GENMASK(3, 0)

/* --- GICv2 CPU interface (IHI 0048B) ------------------------------------- */
#define GICC_CTLR 0x0000
#define GICC_PMR 0x0004
#define GICC_BPR 0x0008
#define GICC_IAR 0x000c
#define GICC_EOIR 0x0010
#define GICC_IIDR 0x00fc
#define GICC_PMR_ALLOW_ALL 0xff /* lowest priority mask: every priority passes */
#define GICC_MIN_SIZE 0x1000 /* the registers used here; GICC_DIR (+0x1000) is not */
/*
 * GICC_CTLR, Secure / no-Security-Extensions layout. A Non-secure
 * access sees bit 0 as EnableGrp1 and bit 9 as EOImodeNS; bits 2, 3 and 10
 * are reserved there, so writing them as 0 is harmless in both views.
 */
#define GICC_CTLR_ENABLE BIT(0) /* EnableGrp0 (Secure), EnableGrp1 (Non-secure) */
#define GICC_CTLR_ACKCTL BIT(2)
#define GICC_CTLR_FIQEN BIT(3) /* 0: Group 0 is signalled as IRQ, not FIQ */
#define GICC_CTLR_EOIMODES BIT(9)
#define GICC_CTLR_EOIMODENS BIT(10)
/* GICC_IAR: the CPUID field is an SGI's source; EOIR takes the whole value. */
#define GICC_IAR_INTID GENMASK(9, 0)

/* --- GICv3 distributor (IHI 0069) ----------------------------------------- */
/*
 * GICD_CTLR has three layouts. This firmware runs Non-secure, or
 * on a GIC with one security state (DS == 1, e.g. QEMU virt without EL3):
 *
 *   bit   Non-secure access, DS == 0     DS == 1
 *   31    RWP                            RWP
 *   6     (RES0)                         DS (reads 1)
 *   4     ARE_NS                         ARE
 *   1     EnableGrp1A                    EnableGrp1
 *   0     (RES0 with ARE_NS)             EnableGrp0
 *
 * so bits 4 and 1 mean "affinity routing" and "forward Non-secure Group 1"
 * in both. (The Secure view has ARE_NS at bit 5 and EnableGrp1NS at bit 1;
 * it is never what this firmware sees.)
 */
#define GICD_CTLR_V3_RWP BIT(31)
#define GICD_CTLR_V3_DS BIT(6)
#define GICD_CTLR_V3_ARE_NS BIT(4)
#define GICD_CTLR_V3_ENABLE_G1A BIT(1)
#define GICD_CTLR_V3_ENABLE_G0 BIT(0)
#define GICD_IGRPMODR(n) (0x0d00 + 4 * (n))
#define GICD_IROUTER(intid) (0x6000 + 8 * (intid)) /* 64-bit, SPIs only */
#define GICD_PIDR2 0xffe8
/* GICD_IROUTER<n>: the target PE's affinity; IRM = 0, that PE only. */
#define GICD_IROUTER_AFF0 GENMASK_ULL(7, 0)
#define GICD_IROUTER_AFF1 GENMASK_ULL(15, 8)
#define GICD_IROUTER_AFF2 GENMASK_ULL(23, 16)
#define GICD_IROUTER_IRM BIT_ULL(31)
#define GICD_IROUTER_AFF3 GENMASK_ULL(39, 32)
/* GICD_PIDR2 / GICR_PIDR2: architecture revision, 3 (GICv3) or 4. */
#define GIC_PIDR2_ARCHREV GENMASK(7, 4)
#define GIC_PIDR2_ARCHREV_V3 0x3
#define GIC_PIDR2_ARCHREV_V4 0x4

/* --- GICv3 redistributor, RD_base frame (IHI 0069) ----------------------- */
#define GICR_CTLR 0x0000
#define GICR_TYPER 0x0008 /* 64-bit */
#define GICR_WAKER 0x0014
#define GICR_PIDR2 0xffe8
/* GICR_CTLR: RWP covers writes to GICR_ICENABLER0. */
#define GICR_CTLR_RWP BIT(3)
/* GICR_TYPER. */
#define GICR_TYPER_PLPIS BIT_ULL(0)
#define GICR_TYPER_VLPIS BIT_ULL(1) /* GICv4: two more frames (VLPI_base, reserved) */
#define GICR_TYPER_LAST BIT_ULL(4)  /* the last redistributor of its region */
#define GICR_TYPER_AFFINITY GENMASK_ULL(63, 32) /* Aff3.Aff2.Aff1.Aff0 */
/* GICR_WAKER. */
#define GICR_WAKER_PROCESSORSLEEP BIT(1)
#define GICR_WAKER_CHILDRENASLEEP BIT(2)
/* Frames per redistributor: RD_base + SGI_base, and with VLPIS two more. */
#define GICR_FRAMES_V3 2
#define GICR_FRAMES_V4 4

/* --- GICv3 redistributor, SGI_base frame = RD_base + 64 KiB (IHI 0069) --- */
#define GICR_SGI_BASE GIC_FRAME_SIZE
#define GICR_IGROUPR0 0x0080
#define GICR_ISENABLER0 0x0100
#define GICR_ICENABLER0 0x0180
#define GICR_ISPENDR0 0x0200
#define GICR_ICPENDR0 0x0280
#define GICR_ISACTIVER0 0x0300
#define GICR_ICACTIVER0 0x0380
#define GICR_IPRIORITYR(n) (0x0400 + 4 * (n))
#define GICR_ICFGR0 0x0c00 /* SGIs: read-only, always edge */
#define GICR_ICFGR1 0x0c04 /* PPIs */
#define GICR_IGRPMODR0 0x0d00

/* --- GICv3 CPU interface system registers (IHI 0069) -------------------- */
/* ICC_SRE_EL1. */
#define ICC_SRE_EL1_SRE BIT(0)
/* ICC_CTLR_EL1. */
#define ICC_CTLR_EL1_CBPR BIT(0)
#define ICC_CTLR_EL1_EOIMODE BIT(1) /* 0: EOIR drops priority and deactivates */
#define ICC_CTLR_EL1_PRIBITS GENMASK(10, 8)
#define ICC_CTLR_EL1_IDBITS GENMASK(13, 11)
#define ICC_CTLR_EL1_RSS BIT(18) /* SGIs can target Aff0 16..255 */
/* ICC_IAR1_EL1 / ICC_EOIR1_EL1. */
#define ICC_IAR1_EL1_INTID GENMASK(23, 0)
/* ICC_IGRPEN1_EL1. */
#define ICC_IGRPEN1_EL1_ENABLE BIT(0)
/* ICC_PMR_EL1: 0xff lets every priority through. */
#define ICC_PMR_EL1_PRIORITY GENMASK(7, 0)
#define ICC_PMR_ALLOW_ALL 0xff
/* ICC_SGI1R_EL1. */
#define ICC_SGI1R_EL1_TARGETLIST GENMASK_ULL(15, 0)
#define ICC_SGI1R_EL1_AFF1 GENMASK_ULL(23, 16)
#define ICC_SGI1R_EL1_INTID GENMASK_ULL(27, 24)
#define ICC_SGI1R_EL1_AFF2 GENMASK_ULL(39, 32)
#define ICC_SGI1R_EL1_IRM BIT_ULL(40)
#define ICC_SGI1R_EL1_RS GENMASK_ULL(47, 44)
#define ICC_SGI1R_EL1_AFF3 GENMASK_ULL(55, 48)

/* --- MPIDR_EL1 affinity fields (Arm ARM, "MPIDR_EL1") --------------------- */
#define MPIDR_AFF0 GENMASK_ULL(7, 0)
#define MPIDR_AFF1 GENMASK_ULL(15, 8)
#define MPIDR_AFF2 GENMASK_ULL(23, 16)
#define MPIDR_AFF3 GENMASK_ULL(39, 32)

#endif /* DRIVERS_IRQ_GIC_REGS_H */
