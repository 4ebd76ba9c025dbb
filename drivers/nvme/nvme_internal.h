/*
 * The NVMe driver's state, shared by nvme.c, its self-tests and its console
 * command (drivers/nvme/). Not for other drivers: they use the block
 * device (<drivers/blockdev.h>).
 */
#ifndef DRIVERS_NVME_INTERNAL_H
#define DRIVERS_NVME_INTERNAL_H

#include <drivers/blockdev.h>
#include <drivers/nvme_lib.h>
#include <drivers/nvme_regs.h>
#include <types.h>

#define NVME_MAX_CTRLS 2
/*
 * Block devices per controller: its active namespaces, in NSID order, up
 * to this many (Linux has no such cap; the firmware's table of block
 * devices is small). Later ones are named in a message, not registered.
 */
#define NVME_MAX_NS 16
/* Without the namespace list (NVMe 1.0), NSIDs 1..NN are tried up to this one. */
#define NVME_SEQ_SCAN_MAX_NSID 1024
/* CC.MPS = 0: the controller's memory page, the unit of PRP entries. */
#define NVME_PAGE_SIZE 4096U
#define NVME_AQ_DEPTH 32
#define NVME_IOQ_DEPTH 32
/* One page of PRP list: 512 entries, so a command spans at most 513 pages. */
#define NVME_PRP_LIST_ENTRIES (NVME_PAGE_SIZE / 8)
/* Requests whose segments break the PRP rule are copied through this, in pieces. */
#define NVME_BOUNCE_SIZE (64U * 1024)
/*
 * Command time bounds. The controller gives none for commands; Linux waits
 * 60 s (admin) and 30 s (I/O). The firmware's disks are small and local:
 * 5 s is ample and keeps a dead controller from stalling the boot long.
 */
#define NVME_ADMIN_TIMEOUT_US 5000000ULL
#define NVME_IO_TIMEOUT_US 5000000ULL
/* Interrupts in a row with no awaited completion before the line is given up. */
#define NVME_IRQ_NOT_OURS_LIMIT 1000
/* Completions for commands not in flight that are reported (per queue); later ones are counted. */
#define NVME_STRAY_REPORTS 8

struct pci_dev;
struct device;

/*
 * Self-test hook (c->test_reset_fault): the next wait of a controller
 * reset for CSTS.RDY sees the bit stuck, whatever the controller does, so
 * the driver's handling of a controller that fails to reset can be tested
 * on QEMU, whose controller always resets. The wait still reads CSTS and
 * still ends at its time bound (c->ready_timeout_ms). Used once, then
 * cleared; unarmed it costs one load and a branch per wait.
 */
enum nvme_reset_fault {
	NVME_RESET_FAULT_NONE,
	NVME_RESET_FAULT_NO_STOP,	/* RDY stays 1 after CC.EN = 0: the controller does not stop */
	NVME_RESET_FAULT_NOT_READY,	/* RDY stays 0 after CC.EN = 1: it does not come back */
};

struct nvme_sqe {
	u32 dw[NVME_SQE_DWORDS];
};

struct nvme_cqe {
	u32 dw[NVME_CQE_DWORDS];
};

struct nvme_queue {
	u16 qid, depth;
	struct nvme_sqe *sq;		/* coherent, depth entries */
	dma_addr_t sq_dma;
	struct nvme_cqe *cq;		/* coherent, depth entries */
	dma_addr_t cq_dma;
	uintptr_t sq_db, cq_db;		/* doorbell addresses (CAP.DSTRD stride) */
	u16 sq_tail;
	u16 sq_head;			/* as the controller last reported it (CQE SQHD) */
	struct nvme_cq_pos cqp;
	u16 next_cid;
	bool live;			/* exists on the controller: completions are reaped */
	/* The one command in flight (the driver waits for each): */
	bool waiting;
	u16 wait_cid;
	volatile bool done;		/* set by the reaper (IRQ handler or poller) */
	u32 res_dw0, res_dw3;
	u64 submitted, completed, stray;
};

struct nvme_stats {
	u64 cmds;			/* commands completed (any status) */
	u64 reads, writes, flushes;	/* block requests that succeeded */
	u64 bounced;			/* requests copied through the bounce buffer */
	u64 prp_lists;			/* commands that needed a PRP list */
	u64 errors;			/* commands that completed with an error status */
	u64 timeouts, resets;
	u64 irqs;			/* interrupts that found completions */
	u64 irq_not_ours;		/* interrupts that found none (shared line) */
	u64 lost_irqs;			/* completions found only after the deadline */
};

struct nvme_ctrl;

/*
 * One active namespace as a block device "nvme<C>n<NSID>". bd.priv is the
 * controller (what controller-wide operations such as a reset need);
 * nvme_bd_ns() finds the namespace.
 */
struct nvme_ns {
	struct nvme_ctrl *ctrl;
	u32 nsid;
	struct nvme_ns_format fmt;
	u64 max_xfer;			/* bytes per command: the controller's, and NLB's */
	char tag[24];			/* " in namespace <NSID>", for messages */
	struct blockdev bd;
};

struct nvme_ctrl {
	char name[8];			/* "nvme0" */
	struct pci_dev *pdev;
	struct device *dev;		/* &pdev->dev: the DMA API's device */
	uintptr_t regs;			/* BAR0, CPU address */
	u64 cap;
	u32 vs;
	u32 dstrd;			/* CAP.DSTRD: doorbells 4 << dstrd bytes apart */
	u32 ready_timeout_ms;		/* CAP.TO (a self-test may shorten it) */
	u64 max_xfer;			/* bytes per command: MDTS, NLB, PRP list */
	u64 io_timeout_us, admin_timeout_us;

	struct nvme_queue adminq, ioq;
	u8 *idbuf;			/* coherent page for Identify data */
	dma_addr_t idbuf_dma;
	u64 *prp_list;			/* coherent page */
	dma_addr_t prp_list_dma;
	u8 *bounce;			/* coherent, NVME_BOUNCE_SIZE */
	dma_addr_t bounce_dma;

	u32 intid;			/* INTx handler installed (0: none) */
	bool irq_live;			/* INTx unmasked: completions arrive by interrupt */
	bool irq_lost;			/* had INTx, gave it up (lost or foreign interrupts) */
	u32 irq_not_ours_run;
	/*
	 * Unusable: every request fails with -ENODEV at once, and bus mastering
	 * is off. nvme_ctrl_reset() may bring it back.
	 */
	bool dead;
	bool in_setup;			/* probe or reset: a timeout is not recovered from */
	/*
	 * The controller could not be stopped, neither by CC.EN = 0 nor by
	 * clearing Bus Master Enable: memory it was given may still be
	 * written, so nothing it was given is unmapped or freed again.
	 */
	bool dma_unsafe;
	/* Self-test hooks: the next N submissions are written but not rung; the next reset fails. */
	unsigned int test_drop_doorbells;
	enum nvme_reset_fault test_reset_fault;

	/* Identify Controller */
	u16 vid, cntlid;
	char sn[NVME_ID_CTRL_SN_LEN + 1], mn[NVME_ID_CTRL_MN_LEN + 1], fr[NVME_ID_CTRL_FR_LEN + 1];
	u8 mdts;
	u32 nn;
	bool vwc;

	/* The namespaces registered as block devices, ascending NSID */
	struct nvme_ns ns[NVME_MAX_NS];
	unsigned int nr_ns;

	u32 last_error_dw3;		/* status of the last command that failed */
	struct nvme_stats stats;
};

/* Controllers nvme_init() brought up (each has at least one namespace registered). */
unsigned int nvme_ctrl_count(void);
/* The @i-th of them in PCI order; NULL past the end. */
struct nvme_ctrl *nvme_ctrl_get(unsigned int i);

/* The namespace whose block device is @bd (one of nvme_bd_ops'). */
static inline struct nvme_ns *nvme_bd_ns(struct blockdev *bd)
{
	return (struct nvme_ns *)((char *)bd - offsetof(struct nvme_ns, bd));
}

/*
 * nvme_scan_namespaces() - find @c's active namespaces the driver can use
 * and fill @ns (up to @cap of them, ascending NSID; their block devices
 * named, not registered). The NSIDs come from Identify CNS 02h (the
 * Active Namespace ID list, NVMe 1.1 on) unless @sequential or the
 * controller is older (VS < 1.1) or the list is refused; then NSIDs
 * 1..NN (at most NVME_SEQ_SCAN_MAX_NSID) are each tried with Identify
 * Namespace, NSZE 0 meaning inactive (zero-filled data, NVMe 1.4 Figure
 * 243, CNS 00h). A namespace whose LBA format the driver cannot use is
 * skipped with a message naming it and why; one beyond @cap is named in
 * a message.
 * Overwrites c->idbuf. Return: how many were found (0: none usable), or
 * -errno when the controller stopped answering (timeout, unusable).
 */
int nvme_scan_namespaces(struct nvme_ctrl *c, bool sequential, struct nvme_ns *ns,
			 unsigned int cap);

/*
 * nvme_identify() - Identify with @cns (NVME_CNS_*) for @nsid into the
 * controller's Identify page (c->idbuf, valid until the next Identify).
 * Return: 0, or -errno after a report (status, timeout, unusable controller).
 */
int nvme_identify(struct nvme_ctrl *c, u8 cns, u32 nsid);

/*
 * nvme_ctrl_reset() - reset @c (CC.EN = 0, wait for CSTS.RDY = 0) and bring
 * it back with fresh queues, as the timeout recovery does; also for a
 * controller marked unusable (c->dead), which is usable again on success.
 * No command may be in flight (the driver waits for each).
 * Return: 0; -EBUSY if its DMA could not be stopped earlier (c->dma_unsafe:
 * it is never touched again); else the failing step's -errno (-ETIMEDOUT:
 * CSTS.RDY did not follow CC.EN within c->ready_timeout_ms; -EIO: fatal
 * status; -ENODEV: the controller does not respond), printed, with the
 * controller marked unusable and its DMA stopped.
 */
int nvme_ctrl_reset(struct nvme_ctrl *c);

#endif /* DRIVERS_NVME_INTERNAL_H */
