/*
 * Arm SMMUv3 driver (drivers/iommu/smmu_v3.c): stage-1 translation for
 * every PCI function the DT's iommu-map puts behind an `arm,smmu-v3` node,
 * one domain (ASID + page table) per stream; every other stream aborts.
 */
#ifndef DRIVERS_SMMU_V3_H
#define DRIVERS_SMMU_V3_H

#include <drivers/smmu_v3_desc.h>
#include <types.h>

struct device;

/*
 * smmu_init() - probe every `arm,smmu-v3` node with status okay: check the
 * ID registers (refusing, with the reason, an SMMU without AArch64 stage-1
 * tables, 4 KiB granule or little-endian walks), build the stream table
 * (linear or 2-level, from IDR1.SIDSIZE; boot argument smmu.strtab=linear
 * forces linear; smmu.ril=off invalidates per leaf even with IDR3.RIL), the command and event queues, take the event-queue and
 * global-error interrupts, enable translation (unknown streams abort), and
 * attach each PCI function whose stream it owns to its own domain (functions
 * sharing a stream ID share the domain). One line per device says which
 * stream it uses.
 * Return: 0 (also when the DT has no SMMU), or -errno if one failed to
 * probe (reported; its devices keep no DMA: their streams stay aborting).
 */
int smmu_init(const void *fdt, const char *bootargs);

/* SMMUs probed. */
unsigned int smmu_count(void);

/* A fault the event queue reported, in arrival order. */
struct smmu_fault {
	unsigned long seq;	/* 1, 2, ... across all SMMUs */
	struct smmu_event ev;
};

/*
 * smmu_poll_events() - drain every event queue now (the interrupt does it
 * too): for tests that must see a fault before they look.
 */
void smmu_poll_events(void);

/* Sequence number of the last fault recorded (0: none yet). */
unsigned long smmu_fault_seq(void);

/*
 * smmu_fault_find() - the first fault after sequence @after for stream @sid.
 * Return: true with *out filled, false if there is none (still in the ring).
 */
bool smmu_fault_find(unsigned long after, u32 sid, struct smmu_fault *out);

/*
 * smmu_issue() - put @n raw commands on SMMU @idx's queue followed by a
 * CMD_SYNC and wait. For self-tests and the console.
 * Return: 0; -EIO if the SMMU rejected a command (reported, skipped, the
 * queue recovered); -ETIMEDOUT; -ENODEV.
 */
int smmu_issue(unsigned int idx, const u64 (*cmds)[SMMU_CMD_DWORDS], unsigned int n);

struct smmu_counters {
	u64 cmds, syncs;
	u64 cerrors;		/* command errors recovered (GERROR.CMDQ_ERR) */
	u64 events;		/* event records consumed */
	/*
	 * Times events were lost, each reported once: EVENTQ_PROD.OVFLG
	 * toggled (7.4) or GERROR.EVENTQ_ABT_ERR raised (7.2.2), both
	 * acknowledged so that recording resumes.
	 */
	u64 overflows;
	u64 gerrors;		/* global errors acknowledged, CMDQ_ERR aside */
	u64 evtq_irqs;		/* event-queue interrupts taken */
	bool evtq_irq;		/* events arrive by interrupt (else polled only) */
};
int smmu_get_counters(unsigned int idx, struct smmu_counters *c);

/*
 * smmu_show() - print the state of SMMU @idx (features, tables, queues,
 * counters, attached devices), and the STE of @sid if @sid is not ~0U.
 * Return: 0, -ENODEV.
 */
int smmu_show(unsigned int idx, u32 sid);

/* Print the last faults (most recent last). */
void smmu_show_faults(void);

/*
 * smmu_stream_of() - the stream ID of @dev on the SMMU that owns it,
 * translated or blocked by smmu_detach().
 * Return: 0, or -ENODEV (no stream attached at boot: direct DMA, or an
 * attach that failed, which leaves the device blocked).
 */
int smmu_stream_of(const struct device *dev, u32 *sid);

/*
 * smmu_detach() - block @dev: its STE aborts every transaction ("no event
 * recorded", 5.2), what the SMMU cached of the stream's configuration and
 * of its domain's ASID is invalidated (CFGI_STE + SYNC, then TLBI + SYNC),
 * and the DMA layer refuses its mappings (iommu_detach_device()). The
 * domain (table, IOVA space, ASID) is kept for smmu_attach().
 * The device must have no live mappings and its stream no other device.
 * Return: 0; -ENODEV (not an SMMU's device); -EALREADY (blocked already);
 * -EBUSY (IOVA still mapped, or a shared stream: reported, nothing
 * changed); -EIO/-ETIMEDOUT (a command failed: reported; the STE aborts
 * and the device counts as blocked).
 */
int smmu_detach(struct device *dev);

/*
 * smmu_attach() - undo smmu_detach(): the STE translates through the
 * device's domain again (TLBI of its ASID and CFGI_CD first).
 * Return: 0; -ENODEV; -EALREADY (not blocked); -EIO (the device stays
 * blocked as far as the DMA layer is concerned).
 */
int smmu_attach(struct device *dev);

/*
 * smmu_ste_read() - copy the STE stream @sid of SMMU @idx selects.
 * Return: 0; -ENODEV; -ERANGE (beyond the stream table: C_BAD_STREAMID);
 * -ENOENT (2-level table whose level-1 descriptor for @sid is invalid,
 * SPAN 0: the stream aborts).
 */
int smmu_ste_read(unsigned int idx, u32 sid, u64 ste[SMMU_STE_DWORDS]);

#endif /* DRIVERS_SMMU_V3_H */
