/*
 * PCI configuration space, ECAM addressing and the DT's PCI address
 * encoding.
 *
 * References:
 *   PCI Local Bus Specification 3.0, 6.1-6.2 (type 0 header), 6.2.5 (BARs),
 *   6.7 (capability list); PCI-to-PCI Bridge Architecture Specification 1.2,
 *   3.2 (type 1 header); PCI Express Base Specification 4.0, 7.2.2 (ECAM);
 *   IEEE Std 1275-1994 PCI Bus Binding 2.1, 2.2.1.1 (phys.hi cell).
 */
#ifndef DRIVERS_PCI_REGS_H
#define DRIVERS_PCI_REGS_H

#include <bits.h>

/* --- ECAM (PCIe Base 4.0, 7.2.2, table 7-1): offset from the window base --- */
#define PCI_ECAM_BUS GENMASK(27, 20)
#define PCI_ECAM_DEV GENMASK(19, 15)
#define PCI_ECAM_FN GENMASK(14, 12)
#define PCI_ECAM_REG GENMASK(11, 0)
#define PCI_ECAM_BUS_SIZE BIT(20)	/* config space of one bus */
#define PCI_CFG_SIZE 4096		/* config space of one function */

#define PCI_MAX_BUS 255
#define PCI_MAX_DEV 31
#define PCI_MAX_FN 7

/* Requester ID / devfn (PCIe Base 4.0, 2.2.6.2). */
#define PCI_RID_BUS GENMASK(15, 8)
#define PCI_RID_DEVFN GENMASK(7, 0)
#define PCI_DEVFN_DEV GENMASK(7, 3)
#define PCI_DEVFN_FN GENMASK(2, 0)

/* --- header common to types 0 and 1 --- */
#define PCI_VENDOR_ID 0x00		/* 16 bits */
#define PCI_VENDOR_ID_NONE 0xffff	/* absent function: reads all-ones */
#define PCI_DEVICE_ID 0x02		/* 16 bits */

#define PCI_COMMAND 0x04		/* 16 bits */
#define PCI_COMMAND_IO BIT(0)
#define PCI_COMMAND_MEMORY BIT(1)
#define PCI_COMMAND_MASTER BIT(2)
#define PCI_COMMAND_SERR BIT(8)
#define PCI_COMMAND_INTX_DISABLE BIT(10)

#define PCI_STATUS 0x06			/* 16 bits */
#define PCI_STATUS_CAP_LIST BIT(4)

#define PCI_CLASS_REVISION 0x08		/* 32 bits */
#define PCI_CLASS_REVISION_ID GENMASK(7, 0)
#define PCI_CLASS_REVISION_CLASS GENMASK(31, 8) /* base class, subclass, prog-if */

#define PCI_HEADER_TYPE 0x0e		/* 8 bits */
#define PCI_HEADER_TYPE_LAYOUT GENMASK(6, 0)
#define PCI_HEADER_TYPE_MFD BIT(7)	/* multi-function device */
#define PCI_HEADER_TYPE_NORMAL 0
#define PCI_HEADER_TYPE_BRIDGE 1

/* BARs: 6 in a type 0 header, 2 in a type 1 header (Local Bus 3.0, 6.2.5.1). */
#define PCI_BASE_ADDRESS_0 0x10
#define PCI_BASE_ADDRESS(n) (PCI_BASE_ADDRESS_0 + 4 * (n))
#define PCI_TYPE0_NUM_BARS 6
#define PCI_TYPE1_NUM_BARS 2
#define PCI_BASE_ADDRESS_SPACE_IO BIT(0)
#define PCI_BASE_ADDRESS_MEM_TYPE GENMASK(2, 1)
#define PCI_BASE_ADDRESS_MEM_TYPE_32 0
#define PCI_BASE_ADDRESS_MEM_TYPE_1M 1	/* reserved since PCI 2.2 */
#define PCI_BASE_ADDRESS_MEM_TYPE_64 2
#define PCI_BASE_ADDRESS_MEM_PREFETCH BIT(3)
#define PCI_BASE_ADDRESS_MEM_MASK GENMASK(31, 4)
#define PCI_BASE_ADDRESS_IO_MASK GENMASK(31, 2)

#define PCI_CAPABILITY_LIST 0x34	/* 8 bits, type 0 and type 1 */
#define PCI_CAPABILITY_LIST_MASK GENMASK(7, 2) /* low 2 bits reserved */

#define PCI_INTERRUPT_LINE 0x3c		/* 8 bits */
#define PCI_INTERRUPT_PIN 0x3d		/* 8 bits: 0 none, 1..4 INTA..INTD */
#define PCI_INTERRUPT_PIN_MAX 4

/* --- type 1 (PCI-to-PCI bridge) header (Bridge Spec 1.2, 3.2) --- */
#define PCI_PRIMARY_BUS 0x18		/* 8 bits */
#define PCI_SECONDARY_BUS 0x19		/* 8 bits */
#define PCI_SUBORDINATE_BUS 0x1a	/* 8 bits */

/*
 * I/O window: base and limit hold address bits 15:12 in bits 7:4; bits 3:0
 * (read-only) say whether the upper 16 bits exist (3.2.5.6).
 */
#define PCI_IO_BASE 0x1c		/* 8 bits */
#define PCI_IO_LIMIT 0x1d		/* 8 bits */
#define PCI_IO_RANGE_TYPE GENMASK(3, 0)
#define PCI_IO_RANGE_TYPE_16 0
#define PCI_IO_RANGE_TYPE_32 1
#define PCI_IO_RANGE_ADDR GENMASK(7, 4)	/* address bits 15:12 */
#define PCI_IO_BASE_UPPER16 0x30	/* 16 bits: address bits 31:16 */
#define PCI_IO_LIMIT_UPPER16 0x32
#define PCI_IO_WINDOW_ALIGN 0x1000	/* 4 KiB granule */
#define PCI_IO_WINDOW_ADDR_LO GENMASK(15, 12)	/* of an I/O address: in PCI_IO_RANGE_ADDR */
#define PCI_IO_WINDOW_ADDR_HI GENMASK(31, 16)	/* of an I/O address: in the UPPER16 registers */
#define PCI_IO_16BIT_END 0x10000	/* a 16-bit I/O decoder forwards below this */

/* Memory window: bits 15:4 hold address bits 31:20 (3.2.5.8). */
#define PCI_MEMORY_BASE 0x20		/* 16 bits */
#define PCI_MEMORY_LIMIT 0x22		/* 16 bits */
#define PCI_MEMORY_RANGE_ADDR GENMASK(15, 4) /* address bits 31:20 */
#define PCI_MEMORY_WINDOW_ADDR GENMASK(31, 20)	/* of a memory address: in PCI_MEMORY_RANGE_ADDR */
#define PCI_MEMORY_WINDOW_ALIGN 0x100000 /* 1 MiB granule */

/* Prefetchable window: as memory, bits 3:0 say whether it is 64-bit (3.2.5.9). */
#define PCI_PREF_MEMORY_BASE 0x24	/* 16 bits */
#define PCI_PREF_MEMORY_LIMIT 0x26	/* 16 bits */
#define PCI_PREF_RANGE_TYPE GENMASK(3, 0)
#define PCI_PREF_RANGE_TYPE_32 0
#define PCI_PREF_RANGE_TYPE_64 1
#define PCI_PREF_BASE_UPPER32 0x28	/* 32 bits: address bits 63:32 */
#define PCI_PREF_LIMIT_UPPER32 0x2c
#define PCI_PREF_WINDOW_ADDR_HI GENMASK_ULL(63, 32) /* of an address: in the UPPER32 registers */

#define PCI_BRIDGE_CONTROL 0x3e		/* 16 bits */

/* --- capability list (Local Bus 3.0, 6.7) --- */
#define PCI_CAP_LIST_ID 0		/* 8 bits: capability ID */
#define PCI_CAP_LIST_NEXT 1		/* 8 bits: next pointer, 0 ends */
#define PCI_CAP_ID_PM 0x01
#define PCI_CAP_ID_MSI 0x05
#define PCI_CAP_ID_VNDR 0x09
#define PCI_CAP_ID_EXP 0x10
#define PCI_CAP_ID_MSIX 0x11

/* PCI Express capability (PCIe Base spec 7.5.3.2): Device/Port Type. */
#define PCI_EXP_FLAGS 2			/* 16 bits, from the capability */
#define PCI_EXP_FLAGS_TYPE GENMASK(7, 4)
#define PCI_EXP_TYPE_PCI_BRIDGE 0x7	/* PCIe to PCI/PCI-X bridge */
#define PCI_EXP_TYPE_PCIE_BRIDGE 0x8	/* PCI/PCI-X to PCIe bridge */
#define PCI_STD_HEADER_SIZE 0x40	/* capabilities live above the header */
/* At most (256 - 64) / 4 capabilities fit in the legacy space: a longer walk loops. */
#define PCI_CAP_MAX_WALK 48

/*
 * --- DT PCI addresses (IEEE 1275 PCI binding, 2.2.1.1) ---
 *
 *   phys.hi  npt000ss bbbbbbbb dddddfff rrrrrrrr
 *   phys.mid / phys.lo: 64-bit address (hi word first)
 *
 * n: not relocatable, p: prefetchable, t: aliased, ss: space code.
 */
#define PCI_DT_ADDR_CELLS 3
#define PCI_DT_HI_RELOC_N BIT(31)
#define PCI_DT_HI_PREFETCH BIT(30)
#define PCI_DT_HI_ALIASED BIT(29)
#define PCI_DT_HI_SPACE GENMASK(25, 24)
#define PCI_DT_HI_BUS GENMASK(23, 16)
#define PCI_DT_HI_DEVFN GENMASK(15, 8)
#define PCI_DT_HI_REG GENMASK(7, 0)
#define PCI_DT_SPACE_CONFIG 0
#define PCI_DT_SPACE_IO 1
#define PCI_DT_SPACE_MEM32 2
#define PCI_DT_SPACE_MEM64 3

#endif /* DRIVERS_PCI_REGS_H */
