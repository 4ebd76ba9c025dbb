/*
 * NVM Express driver (see <drivers/nvme.h>): PCIe controllers, one I/O
 * queue pair each, every active namespace (up to NVME_MAX_NS per
 * controller) a block device.
 *
 * Bring-up follows NVMe 1.4 7.6.1 ("Initialization"): disable (CC.EN = 0,
 * wait CSTS.RDY = 0 within CAP.TO), admin queue (AQA, ASQ, ACQ), CC
 * (page size, entry sizes, command set) with EN = 1, wait CSTS.RDY = 1
 * within CAP.TO, Identify Controller, Set Features (Number of Queues),
 * Create I/O Completion Queue, then Create I/O Submission Queue (a CQ must
 * exist before an SQ names it, 5.4), then the namespaces: the Active
 * Namespace ID list (Identify CNS 02h, NVMe 1.1 on), else NSIDs 1..NN one
 * by one, each with Identify Namespace (the way Linux scans).
 *
 * A command: the entry is copied to the SQ slot at the tail, the tail
 * doorbell written (mmio_write32's DMB OSHST makes the entry, the PRP list
 * and the data visible to the device first), then the CQ is watched for an
 * entry whose phase tag matches (NVMe 1.4 4.6). Completions are reaped by
 * the INTx handler, or by the waiter itself when completion is polled; the
 * CQ head doorbell then releases the slots, which drops INTx.
 *
 * Requests whose mapped segments break the PRP rule (<drivers/nvme_lib.h>)
 * are bounced, not split: PRPs cannot describe a block whose bytes sit in
 * two pieces that do not meet at a page boundary, so splitting alone fails
 * for a segment of, say, 700 bytes; a copy through one coherent buffer
 * handles every shape with a single, simple path. It is the rare path
 * (buffers from page_alloc or the block layer's own are page aligned), so
 * the copy costs little; conforming requests go to the device unchanged.
 *
 * A command that does not complete in time is reported and the controller
 * is reset (CC.EN = 0 stops all command processing, NVMe 1.4 7.3.2) and
 * brought back with new queues: only then are the request's buffers
 * unmapped, because a controller that has not stopped may still write
 * them. A controller that does not stop, or does not come back, is marked
 * unusable (requests fail at once with -ENODEV) and its bus mastering
 * turned off, which stops its DMA even if CC.EN did not: the buffers are
 * unmapped and nothing stays allocated for the request. Only a function
 * that ignores Bus Master Enable too keeps its DMA memory for good.
 * nvme_ctrl_reset() brings an unusable controller back.
 */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/mmio.h>
#include <arch/timer.h>
#include <console.h>
#include <dma.h>
#include <drivers/irq.h>
#include <drivers/nvme.h>
#include <drivers/pci.h>
#include <drivers/smmu_v3.h>
#include <errno.h>
#include <fmt.h>
#include <string.h>

#include "nvme_internal.h"

static struct nvme_ctrl ctrls[NVME_MAX_CTRLS];
static unsigned int nr_ctrls;

unsigned int nvme_ctrl_count(void)
{
	return nr_ctrls;
}

struct nvme_ctrl *nvme_ctrl_get(unsigned int i)
{
	return i < nr_ctrls ? &ctrls[i] : NULL;
}

static u32 rd32(const struct nvme_ctrl *c, unsigned int off)
{
	return mmio_read32(c->regs + off);
}

static void wr32(const struct nvme_ctrl *c, unsigned int off, u32 v)
{
	mmio_write32(c->regs + off, v);
}

/* Completion entries are written by the device: load each word exactly once. */
static u32 cqe_word(const struct nvme_cqe *e, unsigned int w)
{
	return __atomic_load_n(&e->dw[w], __ATOMIC_RELAXED);
}

/*
 * Wait until CSTS.RDY equals @ready, within CAP.TO (NVMe 1.4 3.1.1: the
 * worst-case time for RDY to follow a change of CC.EN). CSTS.CFS or an
 * all-ones read (the function is gone) end the wait early. An armed
 * c->test_reset_fault for this direction makes RDY read stuck (once).
 */
static int wait_ready(struct nvme_ctrl *c, bool ready)
{
	u64 deadline = timer_deadline((u64)c->ready_timeout_ms * 1000);
	bool stuck = false;
	u32 csts;

	if (unlikely(c->test_reset_fault) &&
	    c->test_reset_fault == (ready ? NVME_RESET_FAULT_NOT_READY : NVME_RESET_FAULT_NO_STOP)) {
		c->test_reset_fault = NVME_RESET_FAULT_NONE;
		stuck = true;
		kprintf("%s: self-test: CSTS.RDY is made to read %u during this wait\n", c->name,
			ready ? 0U : 1U);
	}
	for (;;) {
		csts = rd32(c, NVME_REG_CSTS);
		if (csts == ~0U) {
			pr_err("%s: CSTS reads all-ones: the controller does not respond\n", c->name);
			return -ENODEV;
		}
		if (stuck)
			csts = ready ? csts & ~(u32)NVME_CSTS_RDY : csts | NVME_CSTS_RDY;
		if (ready && (csts & NVME_CSTS_CFS)) {
			pr_err("%s: controller fatal status (CSTS 0x%08x, CFS set) while enabling\n",
			       c->name, csts);
			return -EIO;
		}
		if (!!(csts & NVME_CSTS_RDY) == ready)
			return 0;
		if (timer_expired(deadline))
			break;
		cpu_relax();
	}
	pr_err("%s: controller %s: CSTS.RDY still %u %u ms after CC.EN was set to %u (CSTS "
	       "0x%08x%s)\n", c->name, ready ? "not ready" : "did not stop", ready ? 0U : 1U,
	       c->ready_timeout_ms, ready ? 1U : 0U, csts,
	       (csts & NVME_CSTS_CFS) ? ", fatal status" : "");
	return -ETIMEDOUT;
}

/* CC.EN = 0 and wait for CSTS.RDY = 0: the controller stops processing commands. */
static int ctrl_disable(struct nvme_ctrl *c)
{
	u32 cc = rd32(c, NVME_REG_CC);

	if (cc & NVME_CC_EN)
		wr32(c, NVME_REG_CC, cc & ~(u32)NVME_CC_EN);
	/* Also when EN was already 0: RDY may still be 1 from an enable in progress (3.1.6). */
	return wait_ready(c, false);
}

static void queue_reset(struct nvme_queue *q)
{
	/* Zeroed entries carry phase 0, so none looks new to a host expecting 1. */
	memset(q->sq, 0, (size_t)q->depth * sizeof(*q->sq));
	memset(q->cq, 0, (size_t)q->depth * sizeof(*q->cq));
	q->sq_tail = 0;
	q->sq_head = 0;
	q->cqp.head = 0;
	q->cqp.depth = q->depth;
	q->cqp.phase = 1;
	q->live = false;
	q->waiting = false;
	q->done = false;
}

static int queue_alloc(struct nvme_ctrl *c, struct nvme_queue *q, u16 qid, u16 depth)
{
	q->qid = qid;
	q->depth = depth;
	q->sq = dma_alloc_coherent(c->dev, (size_t)depth * sizeof(*q->sq), &q->sq_dma, GFP_KERNEL);
	q->cq = dma_alloc_coherent(c->dev, (size_t)depth * sizeof(*q->cq), &q->cq_dma, GFP_KERNEL);
	if (!q->sq || !q->cq) {
		pr_err("%s: no coherent DMA memory for queue %u (%u entries)\n", c->name, qid, depth);
		return -ENOMEM;
	}
	q->sq_db = c->regs + nvme_db_offset(qid, false, c->dstrd);
	q->cq_db = c->regs + nvme_db_offset(qid, true, c->dstrd);
	queue_reset(q);
	return 0;
}

/*
 * Take every new completion of @q (IRQ handler, or the waiter with IRQs
 * masked): record the awaited one, count strays, then free the slots with
 * one CQ head doorbell write. At most one queue's worth per call, so a
 * controller writing nonsense cannot keep the CPU here. Return: entries taken.
 */
static unsigned int reap(struct nvme_ctrl *c, struct nvme_queue *q)
{
	unsigned int n = 0;

	if (!q->live)
		return 0;
	while (n < q->depth) {
		const struct nvme_cqe *e = &q->cq[q->cqp.head];
		u32 dw3 = cqe_word(e, 3), dw0, dw2;
		u16 cid;

		if (!nvme_cqe_is_new(dw3, &q->cqp))
			break;
		dmb(oshld); /* the rest of the entry is read after its phase tag */
		dw0 = cqe_word(e, 0);
		dw2 = cqe_word(e, 2);
		cid = FIELD_GET(NVME_CQE3_CID, dw3);
		q->sq_head = FIELD_GET(NVME_CQE2_SQHD, dw2);
		if (q->waiting && !q->done && cid == q->wait_cid) {
			q->res_dw0 = dw0;
			q->res_dw3 = dw3;
			q->done = true;
		} else if (++q->stray <= NVME_STRAY_REPORTS) {
			pr_warn("%s: queue %u: completion for command %u, which is not in flight "
				"(ignored%s)\n", c->name, q->qid, cid,
				q->stray == NVME_STRAY_REPORTS ? "; further ones are only counted" : "");
		}
		q->completed++;
		nvme_cq_advance(&q->cqp);
		n++;
	}
	if (n) {
		dmb(osh); /* the entries are read before the doorbell lets the device reuse them */
		mmio_write32_relaxed(q->cq_db, q->cqp.head);
	}
	return n;
}

/*
 * Mask or unmask the controller's INTx (INTMS/INTMC for vector 0, and the
 * function's Interrupt Disable bit). Completion is polled while masked.
 */
static void mask_intx(struct nvme_ctrl *c, bool mask)
{
	c->irq_live = !mask;
	wr32(c, mask ? NVME_REG_INTMS : NVME_REG_INTMC, NVME_INTM_VECTOR0);
	pci_set_intx(c->pdev, !mask);
}

/* From now on completion is polled: the device's INTx masked, the line handed back. */
static void give_up_irq(struct nvme_ctrl *c)
{
	u32 intid = c->intid;

	if (!intid)
		return;
	c->intid = 0;
	c->irq_lost = true;
	mask_intx(c, true);
	irq_release(intid);
}

/*
 * INTx handler. The line may be shared (PCI swizzle), and INTx says only
 * "some function wants attention": a completion of ours is the claim. The
 * CQ head doorbell reap() writes is what drops our INTx (the level source
 * is quiet before returning). A line that keeps firing with nothing of ours
 * is another function's, which cannot be served here (one handler per
 * INTID): the line is released and completion polled, rather than a storm.
 */
static void nvme_irq(void *ctx)
{
	struct nvme_ctrl *c = ctx;
	u64 strays = c->ioq.stray + c->adminq.stray;
	unsigned int n = reap(c, &c->ioq) + reap(c, &c->adminq);

	if (n) {
		c->stats.irqs++;
		/* Only completions nobody waits for: no progress, as good as not ours. */
		if (n > c->ioq.stray + c->adminq.stray - strays) {
			c->irq_not_ours_run = 0;
			return;
		}
	} else {
		c->stats.irq_not_ours++;
	}
	if (++c->irq_not_ours_run >= NVME_IRQ_NOT_OURS_LIMIT) {
		pr_err("%s: INTID %u fired %u times in a row with no awaited completion (another "
		       "device on the line?): released it, completion is polled\n", c->name,
		       c->intid, NVME_IRQ_NOT_OURS_LIMIT);
		give_up_irq(c);
	}
}

static const char *opcode_name(const struct nvme_queue *q, u8 opc)
{
	if (q->qid) {
		switch (opc) {
		case NVME_CMD_FLUSH:
			return "Flush";
		case NVME_CMD_WRITE:
			return "Write";
		case NVME_CMD_READ:
			return "Read";
		}
		return "I/O command";
	}
	switch (opc) {
	case NVME_ADMIN_CREATE_SQ:
		return "Create I/O Submission Queue";
	case NVME_ADMIN_CREATE_CQ:
		return "Create I/O Completion Queue";
	case NVME_ADMIN_IDENTIFY:
		return "Identify";
	case NVME_ADMIN_SET_FEATURES:
		return "Set Features";
	}
	return "admin command";
}

/* After a failure: a fault the SMMU recorded for the function since @seq, if any. */
static void report_smmu_fault(struct nvme_ctrl *c, unsigned long seq)
{
	struct smmu_fault f;
	u32 sid;

	if (smmu_stream_of(c->dev, &sid))
		return;
	smmu_poll_events();
	if (smmu_fault_find(seq, sid, &f))
		pr_err("%s: the SMMU recorded %s for stream 0x%x at IOVA 0x%llx (%s) during the "
		       "command\n", c->name, smmu_event_name(f.ev.id), sid,
		       (unsigned long long)f.ev.addr, f.ev.read ? "read" : "write");
}

static int ctrl_restart(struct nvme_ctrl *c);

/*
 * Issue @cmd on @q and wait up to @timeout_us for its completion.
 * @what describes it for messages ("read of blocks 16..23").
 * Return: 0 with *@dw0 (if not NULL) the completion's dword 0; the status
 * as -errno (nvme_status_errno) after a report; -ETIMEDOUT after a report
 * and a controller reset (none during set-up: the caller stops the
 * controller); -ENODEV when the controller is unusable.
 */
static int submit(struct nvme_ctrl *c, struct nvme_queue *q, struct nvme_sqe *cmd,
		  u64 timeout_us, const char *what, u32 *dw0)
{
	unsigned long seq = smmu_fault_seq();
	unsigned long flags;
	char st[96];
	u64 deadline;
	bool ring;
	u16 cid;
	int ret;

	if (c->dead) {
		pr_err("%s: %s refused: the controller is unusable (reported earlier)\n", c->name,
		       what);
		return -ENODEV;
	}
	if (!q->live || nvme_sq_full(q->sq_tail, q->sq_head, q->depth)) {
		pr_err("%s: %s: queue %u is %s\n", c->name, what, q->qid,
		       q->live ? "full" : "not set up");
		return -EBUSY;
	}
	flags = local_irq_save();
	cid = q->next_cid++;
	cmd->dw[0] = (cmd->dw[0] & ~(u32)NVME_SQE0_CID) | (u32)FIELD_PREP(NVME_SQE0_CID, cid);
	memcpy(&q->sq[q->sq_tail], cmd, sizeof(*cmd));
	q->sq_tail = nvme_q_next(q->sq_tail, q->depth);
	q->wait_cid = cid;
	q->done = false;
	q->waiting = true;
	q->submitted++;
	local_irq_restore(flags);

	ring = !c->test_drop_doorbells;
	if (!ring)
		c->test_drop_doorbells--;
	if (ring)
		mmio_write32(q->sq_db, q->sq_tail); /* DMB OSHST: entry, PRPs, data before it */

	deadline = timer_deadline(timeout_us);
	for (;;) {
		if (!c->irq_live) {
			flags = local_irq_save();
			reap(c, q);
			local_irq_restore(flags);
		}
		if (q->done)
			break;
		if (timer_expired(deadline)) {
			/* A last look: a completion whose interrupt never came. */
			flags = local_irq_save();
			reap(c, q);
			local_irq_restore(flags);
			if (q->done && c->irq_live) {
				c->stats.lost_irqs++;
				pr_err("%s: %s completed but INTID %u never came: completion is "
				       "polled from now on\n", c->name, what, c->intid);
				give_up_irq(c);
			}
			break;
		}
		cpu_relax();
	}
	flags = local_irq_save();
	q->waiting = false;
	local_irq_restore(flags);

	if (!q->done) {
		u32 csts = rd32(c, NVME_REG_CSTS);

		c->stats.timeouts++;
		pr_err("%s: %s (%s, command %u on queue %u) not complete after %llu ms (CSTS 0x%08x%s)"
		       "; resetting the controller\n", c->name, what,
		       opcode_name(q, FIELD_GET(NVME_SQE0_OPC, cmd->dw[0])), cid, q->qid,
		       (unsigned long long)(timeout_us / 1000), csts,
		       (csts & NVME_CSTS_CFS) ? ", fatal status" : "");
		report_smmu_fault(c, seq);
		if (!c->in_setup)
			ctrl_restart(c);
		return -ETIMEDOUT;
	}
	c->stats.cmds++;
	if (dw0)
		*dw0 = q->res_dw0;
	ret = nvme_status_errno(q->res_dw3);
	if (ret) {
		c->stats.errors++;
		c->last_error_dw3 = q->res_dw3;
		pr_err("%s: %s failed: %s\n", c->name, what, nvme_status_format(st, sizeof(st),
										q->res_dw3));
		report_smmu_fault(c, seq);
	}
	return ret;
}

static void sqe_init(struct nvme_sqe *cmd, u8 opc, u32 nsid)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->dw[0] = FIELD_PREP(NVME_SQE0_OPC, opc);
	cmd->dw[NVME_SQE_NSID] = nsid;
}

static void sqe_set_u64(struct nvme_sqe *cmd, unsigned int dw, u64 v)
{
	cmd->dw[dw] = (u32)v;
	cmd->dw[dw + 1] = (u32)(v >> 32);
}

int nvme_identify(struct nvme_ctrl *c, u8 cns, u32 nsid)
{
	struct nvme_sqe cmd;
	char what[48];

	sqe_init(&cmd, NVME_ADMIN_IDENTIFY, nsid);
	sqe_set_u64(&cmd, NVME_SQE_PRP1, c->idbuf_dma);	/* one page, page aligned */
	cmd.dw[NVME_SQE_CDW10] = FIELD_PREP(NVME_IDENTIFY10_CNS, cns);
	fmt_snprintf(what, sizeof(what), "Identify (CNS 0x%02x, NSID %u)", cns, nsid);
	return submit(c, &c->adminq, &cmd, c->admin_timeout_us, what, NULL);
}

/* AQA/ASQ/ACQ, CC, wait for RDY: the admin queue is live afterwards. */
static int ctrl_enable(struct nvme_ctrl *c)
{
	struct nvme_queue *aq = &c->adminq;
	u32 cc;
	int ret;

	queue_reset(aq);
	wr32(c, NVME_REG_AQA, (u32)(FIELD_PREP(NVME_AQA_ASQS, aq->depth - 1) |
				    FIELD_PREP(NVME_AQA_ACQS, aq->depth - 1)));
	mmio_write64(c->regs + NVME_REG_ASQ, aq->sq_dma);
	mmio_write64(c->regs + NVME_REG_ACQ, aq->cq_dma);
	cc = (u32)(FIELD_PREP(NVME_CC_CSS, NVME_CC_CSS_NVM) | FIELD_PREP(NVME_CC_MPS, NVME_CC_MPS_4K) |
		   FIELD_PREP(NVME_CC_AMS, NVME_CC_AMS_RR) |
		   FIELD_PREP(NVME_CC_IOSQES, NVME_SQE_SIZE_LOG2) |
		   FIELD_PREP(NVME_CC_IOCQES, NVME_CQE_SIZE_LOG2));
	/* Settings first, then EN: fields must not change while EN is set (3.1.5). */
	wr32(c, NVME_REG_CC, cc);
	wr32(c, NVME_REG_CC, cc | NVME_CC_EN);
	ret = wait_ready(c, true);
	if (ret)
		return ret;
	/* Completion is polled until the I/O queues exist and the handler is in place. */
	mask_intx(c, true);
	aq->live = true;
	return 0;
}

/* Set Features (Number of Queues), Create I/O CQ, Create I/O SQ: one pair, qid 1. */
static int create_io_queues(struct nvme_ctrl *c)
{
	struct nvme_queue *q = &c->ioq;
	struct nvme_sqe cmd;
	int ret;

	queue_reset(q);
	/* Requested counts are 0's based: 0 asks for one SQ and one CQ (5.21.1.7). */
	sqe_init(&cmd, NVME_ADMIN_SET_FEATURES, 0);
	cmd.dw[NVME_SQE_CDW10] = FIELD_PREP(NVME_FEAT10_FID, NVME_FEAT_NUM_QUEUES);
	cmd.dw[NVME_SQE_CDW11] = (u32)(FIELD_PREP(NVME_NUMQ_NSQ, 0) | FIELD_PREP(NVME_NUMQ_NCQ, 0));
	ret = submit(c, &c->adminq, &cmd, c->admin_timeout_us, "Set Features (Number of Queues)",
		     NULL);
	if (ret)
		return ret;

	sqe_init(&cmd, NVME_ADMIN_CREATE_CQ, 0);
	sqe_set_u64(&cmd, NVME_SQE_PRP1, q->cq_dma);
	cmd.dw[NVME_SQE_CDW10] = (u32)(FIELD_PREP(NVME_CREATE_CQ10_QID, q->qid) |
				       FIELD_PREP(NVME_CREATE_CQ10_QSIZE, q->depth - 1));
	/* Interrupts on, vector 0 (INTx has only one), physically contiguous. */
	cmd.dw[NVME_SQE_CDW11] = (u32)(NVME_CREATE_CQ11_PC | NVME_CREATE_CQ11_IEN |
				       FIELD_PREP(NVME_CREATE_CQ11_IV, 0));
	ret = submit(c, &c->adminq, &cmd, c->admin_timeout_us, "Create I/O Completion Queue 1",
		     NULL);
	if (ret)
		return ret;
	/* The CQ exists: its completions may be reaped from here on. */
	q->live = true;

	sqe_init(&cmd, NVME_ADMIN_CREATE_SQ, 0);
	sqe_set_u64(&cmd, NVME_SQE_PRP1, q->sq_dma);
	cmd.dw[NVME_SQE_CDW10] = (u32)(FIELD_PREP(NVME_CREATE_SQ10_QID, q->qid) |
				       FIELD_PREP(NVME_CREATE_SQ10_QSIZE, q->depth - 1));
	cmd.dw[NVME_SQE_CDW11] = (u32)(NVME_CREATE_SQ11_PC |
				       FIELD_PREP(NVME_CREATE_SQ11_CQID, q->qid));
	ret = submit(c, &c->adminq, &cmd, c->admin_timeout_us, "Create I/O Submission Queue 1",
		     NULL);
	if (ret)
		q->live = false;
	return ret;
}

/* Enable, then the I/O queues, then interrupts if the controller has a line. */
static int ctrl_start(struct nvme_ctrl *c)
{
	int ret = ctrl_enable(c);

	if (!ret)
		ret = create_io_queues(c);
	if (!ret && c->intid)
		mask_intx(c, false);
	return ret;
}

/*
 * Mark @c unusable (requests fail with -ENODEV) and stop its DMA by
 * clearing Bus Master Enable: then the buffers of the request that failed
 * may be unmapped and reused even if the controller did not stop. Only if
 * it neither stopped (@stopped: CSTS.RDY read 0) nor lets go of bus
 * mastering is its memory kept (c->dma_unsafe).
 */
static void ctrl_give_up(struct nvme_ctrl *c, bool stopped)
{
	c->dead = true;
	if (pci_stop_dma(c->pdev) && !stopped)
		c->dma_unsafe = true;
}

/*
 * Stop the controller (CC.EN = 0 ends all command processing, NVMe 1.4
 * 7.3.2), then bring it back with fresh queues: after a timeout, and for
 * nvme_ctrl_reset(). Return: 0 (usable again), else -errno with the
 * controller given up (ctrl_give_up()).
 */
static int ctrl_restart(struct nvme_ctrl *c)
{
	unsigned long flags;
	int ret;

	c->stats.resets++;
	c->in_setup = true;
	flags = local_irq_save();
	c->adminq.live = false;
	c->ioq.live = false;
	local_irq_restore(flags);
	mask_intx(c, true);
	ret = ctrl_disable(c);
	if (ret) {
		ctrl_give_up(c, false);
		c->in_setup = false;
		pr_err("%s: the controller did not stop (error %d): marked unusable; %s\n", c->name,
		       ret, c->dma_unsafe ? "its DMA could not be stopped either: the memory it was "
		       "given stays mapped" : "bus mastering is off, so its DMA has stopped");
		return ret;
	}
	/* Stopped: bus mastering back on (off if it was given up), commands allowed again. */
	pci_set_master(c->pdev, true);
	c->dead = false;
	ret = ctrl_start(c);
	c->in_setup = false;
	if (ret) {
		ctrl_give_up(c, ctrl_disable(c) == 0);
		pr_err("%s: the controller did not come back after the reset (error %d): marked "
		       "unusable\n", c->name, ret);
		return ret;
	}
	kprintf("%s: controller reset; usable again\n", c->name);
	return 0;
}

int nvme_ctrl_reset(struct nvme_ctrl *c)
{
	if (c->dma_unsafe) {
		pr_err("%s: not reset: its DMA could not be stopped earlier, so the memory it was "
		       "given is kept and the controller is not used again\n", c->name);
		return -EBUSY;
	}
	return ctrl_restart(c);
}

/* For a command's description: which namespace, once the controller has several. */
static const char *ns_suffix(const struct nvme_ns *ns)
{
	return ns->ctrl->nr_ns > 1 ? ns->tag : "";
}

/* Read or write @len bytes (whole blocks) of mapped segments, one command per chunk. */
static int rw_cmds(struct nvme_ns *ns, bool write, u64 lba, const struct nvme_dma_seg *ds,
		   unsigned int n, u64 len)
{
	struct nvme_ctrl *c = ns->ctrl;
	u32 bs = ns->fmt.block_size;
	u64 pos = 0;

	while (pos < len) {
		u64 chunk = nvme_prp_chunk(ds, n, pos, len - pos, NVME_PAGE_SIZE,
					   NVME_PRP_LIST_ENTRIES + 1, ns->max_xfer, bs);
		u64 slba = lba + pos / bs, prp1 = 0, prp2 = 0;
		struct nvme_sqe cmd;
		char what[96];
		int pages, ret;

		pages = chunk ? nvme_prp_build(ds, n, pos, chunk, NVME_PAGE_SIZE, c->prp_list,
					       NVME_PRP_LIST_ENTRIES, c->prp_list_dma, &prp1, &prp2)
			      : -EINVAL;
		if (pages < 0) {
			/* The caller checked the rule: this is the driver's own bug. */
			pr_err("%s: no PRPs for %llu bytes at +%llu of the request (error %d)\n",
			       c->name, (unsigned long long)chunk, (unsigned long long)pos, pages);
			return -EINVAL;
		}
		if (pages > 2)
			c->stats.prp_lists++;
		sqe_init(&cmd, write ? NVME_CMD_WRITE : NVME_CMD_READ, ns->nsid);
		sqe_set_u64(&cmd, NVME_SQE_PRP1, prp1);
		sqe_set_u64(&cmd, NVME_SQE_PRP2, prp2);
		sqe_set_u64(&cmd, NVME_SQE_CDW10, slba);
		cmd.dw[NVME_SQE_CDW12] = (u32)FIELD_PREP(NVME_RW12_NLB, chunk / bs - 1);
		fmt_snprintf(what, sizeof(what), "%s of blocks %llu..%llu%s",
			     write ? "write" : "read", (unsigned long long)slba,
			     (unsigned long long)(slba + chunk / bs - 1), ns_suffix(ns));
		ret = submit(c, &c->ioq, &cmd, c->io_timeout_us, what, NULL);
		if (ret)
			return ret;
		pos += chunk;
	}
	return 0;
}

/* Copy between the segments (from byte @pos of the request) and @buf. */
static void seg_copy(const struct blk_seg *segs, unsigned int nsegs, u64 pos, u8 *buf, u64 len,
		     bool to_buf)
{
	unsigned int i;

	for (i = 0; i < nsegs && len; i++) {
		u64 l;

		if (pos >= segs[i].len) {
			pos -= segs[i].len;
			continue;
		}
		l = segs[i].len - pos;
		if (l > len)
			l = len;
		if (to_buf)
			memcpy(buf, (u8 *)segs[i].buf + pos, l);
		else
			memcpy((u8 *)segs[i].buf + pos, buf, l);
		buf += l;
		len -= l;
		pos = 0;
	}
}

/* The request through the coherent bounce buffer, NVME_BOUNCE_SIZE at a time. */
static int rw_bounce(struct nvme_ns *ns, bool write, u64 lba, const struct blk_seg *segs,
		     unsigned int nsegs, u64 total)
{
	struct nvme_ctrl *c = ns->ctrl;
	u32 bs = ns->fmt.block_size;
	u64 pos = 0;

	c->stats.bounced++;
	while (pos < total) {
		u64 chunk = total - pos;
		struct nvme_dma_seg one;
		int ret;

		if (chunk > NVME_BOUNCE_SIZE)
			chunk = NVME_BOUNCE_SIZE;
		if (chunk > ns->max_xfer)
			chunk = ns->max_xfer;
		chunk -= chunk % bs;
		if (write)
			seg_copy(segs, nsegs, pos, c->bounce, chunk, true);
		one.addr = c->bounce_dma;
		one.len = (u32)chunk;
		ret = rw_cmds(ns, write, lba + pos / bs, &one, 1, chunk);
		if (ret)
			return ret;
		if (!write)
			seg_copy(segs, nsegs, pos, c->bounce, chunk, false);
		pos += chunk;
	}
	return 0;
}

static int nvme_bd_rw(struct blockdev *bd, bool write, u64 lba, const struct blk_seg *segs,
		      unsigned int nsegs)
{
	enum dma_data_direction dir = write ? DMA_TO_DEVICE : DMA_FROM_DEVICE;
	struct nvme_ns *ns = nvme_bd_ns(bd);
	struct nvme_ctrl *c = ns->ctrl;
	struct scatterlist sg[BLK_MAX_SEGS];
	struct nvme_dma_seg ds[BLK_MAX_SEGS];
	u64 total = 0;
	unsigned int i;
	int ret;

	if (!nsegs || nsegs > BLK_MAX_SEGS) {
		pr_err("%s: request of %u segments: 1..%u allowed\n", bd->name, nsegs, BLK_MAX_SEGS);
		return -EINVAL;
	}
	for (i = 0; i < nsegs; i++) {
		ds[i].addr = (uintptr_t)segs[i].buf; /* the linear map: VA == PA */
		ds[i].len = segs[i].len;
		total += segs[i].len;
	}
	if (!total || total % bd->block_size) {
		pr_err("%s: request of %llu bytes is not whole %u-byte blocks\n", bd->name,
		       (unsigned long long)total, bd->block_size);
		return -EINVAL;
	}
	/* The IOMMU and direct mappings keep page offsets: decide on the CPU's addresses. */
	if (nvme_prp_violation(ds, nsegs, NVME_PAGE_SIZE) >= 0) {
		ret = rw_bounce(ns, write, lba, segs, nsegs, total);
	} else {
		for (i = 0; i < nsegs; i++)
			sg_set_buf(&sg[i], segs[i].buf, segs[i].len);
		if (!dma_map_sg(c->dev, sg, (int)nsegs, dir)) {
			pr_err("%s: cannot map the %u buffers of a %llu-byte %s for DMA\n", bd->name,
			       nsegs, (unsigned long long)total, write ? "write" : "read");
			return -ENOMEM;
		}
		for (i = 0; i < nsegs; i++) {
			ds[i].addr = sg[i].dma_address;
			ds[i].len = sg[i].dma_length;
		}
		/* A bounce back end (swiotlb) may not keep the offsets: check what the device sees. */
		if (nvme_prp_violation(ds, nsegs, NVME_PAGE_SIZE) >= 0) {
			dma_unmap_sg(c->dev, sg, (int)nsegs, dir);
			ret = rw_bounce(ns, write, lba, segs, nsegs, total);
		} else {
			ret = rw_cmds(ns, write, lba, ds, nsegs, total);
			if (!c->dma_unsafe)
				dma_unmap_sg(c->dev, sg, (int)nsegs, dir);
		}
	}
	if (!ret) {
		if (write)
			c->stats.writes++;
		else
			c->stats.reads++;
	}
	return ret;
}

static int nvme_bd_flush(struct blockdev *bd)
{
	struct nvme_ns *ns = nvme_bd_ns(bd);
	struct nvme_ctrl *c = ns->ctrl;
	struct nvme_sqe cmd;
	char what[32];
	int ret;

	sqe_init(&cmd, NVME_CMD_FLUSH, ns->nsid);
	fmt_snprintf(what, sizeof(what), "flush%s", ns_suffix(ns));
	ret = submit(c, &c->ioq, &cmd, c->io_timeout_us, what, NULL);
	if (!ret)
		c->stats.flushes++;
	return ret;
}

static int nvme_bd_reset(struct blockdev *bd)
{
	return nvme_ctrl_reset(bd->priv);
}

static const struct blockdev_ops nvme_bd_ops = {
	.rw = nvme_bd_rw,
	.flush = nvme_bd_flush,
	.reset = nvme_bd_reset,
};

/* CAP and BAR0 checks: what this driver needs of the controller. */
static int check_cap(struct nvme_ctrl *c)
{
	struct pci_dev *p = c->pdev;
	u64 cap = c->cap;
	u32 need;

	if (cap == ~0ULL) {
		pr_err("%s: %s: CAP reads all-ones: the controller does not respond\n", c->name,
		       p->bdf);
		return -ENODEV;
	}
	if (!(cap & NVME_CAP_CSS_NVM)) {
		pr_err("%s: %s: CAP 0x%016llx: CAP.CSS lacks the NVM command set: not used\n",
		       c->name, p->bdf, (unsigned long long)cap);
		return -ENODEV;
	}
	if (FIELD_GET(NVME_CAP_MPSMIN, cap) > NVME_CC_MPS_4K) {
		pr_err("%s: %s: CAP.MPSMIN %u: the controller's pages are larger than 4 KiB: not "
		       "used\n", c->name, p->bdf, (unsigned int)FIELD_GET(NVME_CAP_MPSMIN, cap));
		return -ENODEV;
	}
	if (FIELD_GET(NVME_CAP_MQES, cap) < 1) {
		pr_err("%s: %s: CAP.MQES 0 (queues of one entry) is invalid\n", c->name, p->bdf);
		return -ENODEV;
	}
	need = nvme_db_offset(1, true, c->dstrd) + 4;
	if (p->bar[0].size < need) {
		pr_err("%s: %s: BAR0 is %llu bytes, the doorbells of queue 1 need %u\n", c->name,
		       p->bdf, (unsigned long long)p->bar[0].size, need);
		return -ENODEV;
	}
	return 0;
}

static u16 queue_depth(const struct nvme_ctrl *c, u16 want)
{
	u64 mqes = FIELD_GET(NVME_CAP_MQES, c->cap) + 1;

	return (u16)(mqes < want ? mqes : want);
}

static int identify_ctrl(struct nvme_ctrl *c)
{
	const u8 *id = c->idbuf;
	u8 sqes, cqes;
	int ret = nvme_identify(c, NVME_CNS_CTRL, 0);

	if (ret)
		return ret;
	c->vid = nvme_get_le16(id + NVME_ID_CTRL_VID);
	nvme_id_string(c->sn, id + NVME_ID_CTRL_SN, NVME_ID_CTRL_SN_LEN);
	nvme_id_string(c->mn, id + NVME_ID_CTRL_MN, NVME_ID_CTRL_MN_LEN);
	nvme_id_string(c->fr, id + NVME_ID_CTRL_FR, NVME_ID_CTRL_FR_LEN);
	c->mdts = id[NVME_ID_CTRL_MDTS];
	c->cntlid = nvme_get_le16(id + NVME_ID_CTRL_CNTLID);
	c->nn = nvme_get_le32(id + NVME_ID_CTRL_NN);
	c->vwc = id[NVME_ID_CTRL_VWC] & NVME_ID_CTRL_VWC_PRESENT;
	sqes = id[NVME_ID_CTRL_SQES];
	cqes = id[NVME_ID_CTRL_CQES];
	/* SQES/CQES give the required (3:0) and largest (7:4) entry sizes (NVMe 1.4 Figure 247). */
	if (FIELD_GET(NVME_ID_QES_MIN, sqes) > NVME_SQE_SIZE_LOG2 ||
	    FIELD_GET(NVME_ID_QES_MAX, sqes) < NVME_SQE_SIZE_LOG2 ||
	    FIELD_GET(NVME_ID_QES_MIN, cqes) > NVME_CQE_SIZE_LOG2 ||
	    FIELD_GET(NVME_ID_QES_MAX, cqes) < NVME_CQE_SIZE_LOG2) {
		pr_err("%s: Identify Controller: SQES 0x%02x / CQES 0x%02x do not allow 64/16-byte "
		       "entries\n", c->name, sqes, cqes);
		return -ENODEV;
	}
	return 0;
}

/*
 * Identify namespace @nsid into @ns (not registered). Return: 0 usable; 1
 * inactive (NSZE 0); -EOPNOTSUPP skipped, reported (a format the driver
 * cannot use, or the Identify refused); -ETIMEDOUT or -ENODEV when the
 * controller stopped answering.
 */
static int ns_identify(struct nvme_ctrl *c, u32 nsid, struct nvme_ns *ns)
{
	u64 max_nlb;
	char why[80];
	int ret = nvme_identify(c, NVME_CNS_NS, nsid);

	if (ret) {
		if (ret == -ETIMEDOUT || c->dead)
			return ret;
		pr_warn("%sn%u: namespace %u skipped: Identify Namespace failed (error %d)\n",
			c->name, nsid, nsid, ret);
		return -EOPNOTSUPP;
	}
	memset(ns, 0, sizeof(*ns));
	ret = nvme_ns_parse(c->idbuf, &ns->fmt);
	if (ret == -ENODEV)
		return 1;
	if (ret) {
		pr_warn("%sn%u: namespace %u skipped: FLBAS 0x%02x / NLBAF %u name no usable LBA "
			"format\n", c->name, nsid, nsid, c->idbuf[NVME_ID_NS_FLBAS],
			c->idbuf[NVME_ID_NS_NLBAF]);
		return -EOPNOTSUPP;
	}
	/* PRP entries hold whole blocks only when a block fits a page (nvme_prp_chunk()). */
	if (nvme_ns_unusable(&ns->fmt, NVME_PAGE_SIZE, why, sizeof(why))) {
		pr_warn("%sn%u: namespace %u skipped: %s: not supported\n", c->name, nsid, nsid,
			why);
		return -EOPNOTSUPP;
	}
	ns->ctrl = c;
	ns->nsid = nsid;
	/* NLB is 16 bits: at most 65536 blocks per command, within the controller's MDTS. */
	max_nlb = (u64)NVME_RW_MAX_BLOCKS * ns->fmt.block_size;
	ns->max_xfer = c->max_xfer && c->max_xfer < max_nlb ? c->max_xfer : max_nlb;
	fmt_snprintf(ns->tag, sizeof(ns->tag), " in namespace %u", nsid);
	fmt_snprintf(ns->bd.name, sizeof(ns->bd.name), "%sn%u", c->name, nsid);
	ns->bd.block_size = ns->fmt.block_size;
	ns->bd.blocks = ns->fmt.blocks;
	ns->bd.dev = c->dev;
	ns->bd.ops = &nvme_bd_ops;
	ns->bd.priv = c;
	return 0;
}

/*
 * Namespace @nsid into @ns[*@n] if active, usable and within @cap.
 * Return: 0 (go on); 1 (@cap reached: stop, reported); -errno (the
 * controller stopped answering).
 */
static int scan_one(struct nvme_ctrl *c, u32 nsid, struct nvme_ns *ns, unsigned int cap,
		    unsigned int *n)
{
	struct nvme_ns cand;
	int ret = ns_identify(c, nsid, &cand);

	if (ret == 1 || ret == -EOPNOTSUPP)
		return 0;
	if (ret)
		return ret;
	if (*n == cap) {
		pr_warn("%s: namespace %u and any later ones not registered: at most %u block "
			"device(s) per controller\n", c->name, nsid, cap);
		return 1;
	}
	ns[(*n)++] = cand;
	return 0;
}

/*
 * The Active Namespace ID list (Identify CNS 02h), a batch at a time: each
 * Identify lists the active NSIDs above the one given (NVMe 1.4 Figure
 * 243), so the next asks for those above the last one taken.
 * Return: 0; 1 if the first list was refused (scan one by one instead);
 * -errno when the controller stopped answering.
 */
static int scan_list(struct nvme_ctrl *c, struct nvme_ns *ns, unsigned int cap, unsigned int *n)
{
	u32 after = 0, ids[NVME_MAX_NS];
	unsigned int total, i;
	int got, ret;

	for (;;) {
		ret = nvme_identify(c, NVME_CNS_NS_ACTIVE_LIST, after);
		if (ret == -ETIMEDOUT || c->dead)
			return ret;
		if (ret && !after)
			return 1;
		if (ret) {
			pr_warn("%s: namespaces above %u not scanned: the active namespace list "
				"was refused (error %d)\n", c->name, after, ret);
			return 0;
		}
		got = nvme_ns_list_parse(c->idbuf, after, ids, ARRAY_SIZE(ids), &total);
		if (got < 0) {
			pr_warn("%s: active namespace list above NSID %u: entry %u (NSID %u) is "
				"not above the one before it: later namespaces not scanned\n",
				c->name, after, total, nvme_get_le32(c->idbuf + 4 * total));
			return 0;
		}
		for (i = 0; i < (unsigned int)got; i++) {
			ret = scan_one(c, ids[i], ns, cap, n);
			if (ret)
				return ret < 0 ? ret : 0;
		}
		/* Done when this batch took the whole list and the list was not full. */
		if (!got || (total == (unsigned int)got && total < NVME_NS_LIST_ENTRIES))
			return 0;
		after = ids[got - 1];
	}
}

/* NSIDs 1..NN one by one (NVMe 1.0 has no namespace list). Return: 0 or -errno. */
static int scan_sequential(struct nvme_ctrl *c, struct nvme_ns *ns, unsigned int cap,
			   unsigned int *n)
{
	u32 nsid, last = c->nn < NVME_SEQ_SCAN_MAX_NSID ? c->nn : NVME_SEQ_SCAN_MAX_NSID;
	int ret;

	if (c->nn > last)
		pr_warn("%s: NN %u: only namespaces 1..%u are tried\n", c->name, c->nn, last);
	for (nsid = 1; nsid <= last; nsid++) {
		ret = scan_one(c, nsid, ns, cap, n);
		if (ret)
			return ret < 0 ? ret : 0;
	}
	return 0;
}

int nvme_scan_namespaces(struct nvme_ctrl *c, bool sequential, struct nvme_ns *ns,
			 unsigned int cap)
{
	unsigned int n = 0;
	int ret = 1;

	if (!c->nn) {
		pr_err("%s: the controller has no namespaces (Identify Controller NN 0)\n",
		       c->name);
		return 0;
	}
	/* CNS 02h is NVMe 1.1's; Linux asks for it from VS 1.1 on and falls back the same way. */
	if (!sequential && c->vs >= NVME_VS_VALUE(1, 1)) {
		ret = scan_list(c, ns, cap, &n);
		if (ret > 0)
			kprintf("%s: no active namespace list: trying namespaces 1..%u one by "
				"one\n", c->name, c->nn);
	}
	if (ret > 0)
		ret = scan_sequential(c, ns, cap, &n);
	return ret < 0 ? ret : (int)n;
}

static void take_irq(struct nvme_ctrl *c)
{
	struct irq_spec spec;
	int ret;

	c->intid = 0;
	if (!c->pdev->has_intx || irq_translate(&c->pdev->intx, &spec)) {
		kprintf("%s: no usable INTx: completion is polled\n", c->name);
		return;
	}
	ret = irq_request(&spec, nvme_irq, c, "nvme");
	if (ret) {
		/* One handler per INTID: a line another driver took cannot be shared. */
		kprintf("%s: INTID %u unavailable (error %d): completion is polled\n", c->name,
			spec.intid, ret);
		return;
	}
	c->intid = spec.intid;
}

static int alloc_buffers(struct nvme_ctrl *c)
{
	int ret = queue_alloc(c, &c->adminq, 0, queue_depth(c, NVME_AQ_DEPTH));

	if (!ret)
		ret = queue_alloc(c, &c->ioq, 1, queue_depth(c, NVME_IOQ_DEPTH));
	if (ret)
		return ret;
	c->idbuf = dma_alloc_coherent(c->dev, NVME_IDENTIFY_SIZE, &c->idbuf_dma, GFP_KERNEL);
	c->prp_list = dma_alloc_coherent(c->dev, NVME_PAGE_SIZE, &c->prp_list_dma, GFP_KERNEL);
	c->bounce = dma_alloc_coherent(c->dev, NVME_BOUNCE_SIZE, &c->bounce_dma, GFP_KERNEL);
	if (!c->idbuf || !c->prp_list || !c->bounce) {
		pr_err("%s: no coherent DMA memory for Identify data, PRP list or bounce buffer\n",
		       c->name);
		return -ENOMEM;
	}
	return 0;
}

static void free_buffers(struct nvme_ctrl *c)
{
	struct nvme_queue *qs[] = { &c->adminq, &c->ioq };
	unsigned int i;

	if (c->dma_unsafe)
		return;
	for (i = 0; i < ARRAY_SIZE(qs); i++) {
		if (qs[i]->sq)
			dma_free_coherent(c->dev, (size_t)qs[i]->depth * sizeof(struct nvme_sqe),
					  qs[i]->sq, qs[i]->sq_dma);
		if (qs[i]->cq)
			dma_free_coherent(c->dev, (size_t)qs[i]->depth * sizeof(struct nvme_cqe),
					  qs[i]->cq, qs[i]->cq_dma);
	}
	if (c->idbuf)
		dma_free_coherent(c->dev, NVME_IDENTIFY_SIZE, c->idbuf, c->idbuf_dma);
	if (c->prp_list)
		dma_free_coherent(c->dev, NVME_PAGE_SIZE, c->prp_list, c->prp_list_dma);
	if (c->bounce)
		dma_free_coherent(c->dev, NVME_BOUNCE_SIZE, c->bounce, c->bounce_dma);
}

static int ctrl_probe(struct nvme_ctrl *c)
{
	struct pci_dev *p = c->pdev;
	char mdts[24], irq[40];
	unsigned int i;
	u32 sid;
	int ret;

	c->cap = mmio_read64(c->regs + NVME_REG_CAP);
	c->dstrd = (u32)FIELD_GET(NVME_CAP_DSTRD, c->cap);
	c->ready_timeout_ms = nvme_cap_timeout_ms(c->cap);
	c->vs = rd32(c, NVME_REG_VS);
	c->io_timeout_us = NVME_IO_TIMEOUT_US;
	c->admin_timeout_us = NVME_ADMIN_TIMEOUT_US;
	c->in_setup = true;
	ret = check_cap(c);
	if (ret)
		return ret;
	/*
	 * NVMe addresses are 64-bit (PRP entries): DMA_BIT_MASK(64), written
	 * out; the SMMU's IOVA space is what limits.
	 */
	if (dma_set_mask_and_coherent(c->dev, ~0ULL)) {
		pr_err("%s: %s: 64-bit DMA mask refused\n", c->name, p->bdf);
		return -EIO;
	}
	/* Reset before anything is allocated for it: a loader may have left it running. */
	ret = ctrl_disable(c);
	if (ret)
		return ret;
	ret = alloc_buffers(c);
	if (ret)
		return ret;
	pci_set_master(p, true);
	ret = ctrl_enable(c);
	if (!ret)
		ret = identify_ctrl(c);
	if (ret)
		return ret;
	c->max_xfer = nvme_mdts_bytes(c->mdts, c->cap);
	ret = create_io_queues(c);
	if (!ret)
		ret = nvme_scan_namespaces(c, false, c->ns, NVME_MAX_NS);
	if (ret < 0)
		return ret;
	if (!ret) {
		pr_err("%s: no namespace the driver can use\n", c->name);
		return -ENODEV;
	}
	c->nr_ns = (unsigned int)ret;
	take_irq(c);
	if (c->intid)
		mask_intx(c, false);
	else
		mask_intx(c, true);
	c->in_setup = false;

	if (c->mdts)
		fmt_snprintf(mdts, sizeof(mdts), "%llu KiB",
			     (unsigned long long)(nvme_mdts_bytes(c->mdts, c->cap) >> 10));
	else
		fmt_snprintf(mdts, sizeof(mdts), "none");
	if (c->intid)
		fmt_snprintf(irq, sizeof(irq), "completion interrupt INTID %u", c->intid);
	else
		fmt_snprintf(irq, sizeof(irq), "completion polled");
	kprintf("%s: %s %04x:%04x NVMe %u.%u, \"%s\" serial %s firmware %s, %u namespace(s) "
		"used (NN %u), MDTS %s, CAP.TO %u ms, doorbell stride %u, %s, %s\n", c->name,
		p->bdf, p->vendor_id, p->device_id, (unsigned int)FIELD_GET(NVME_VS_MJR, c->vs),
		(unsigned int)FIELD_GET(NVME_VS_MNR, c->vs), c->mn, c->sn, c->fr, c->nr_ns, c->nn,
		mdts, c->ready_timeout_ms, 4U << c->dstrd, irq,
		!smmu_stream_of(c->dev, &sid) ? "behind the SMMU" : "direct DMA");
	for (i = 0; i < c->nr_ns; i++) {
		struct nvme_ns *ns = &c->ns[i];

		kprintf("%s: namespace %u, LBA format %u: %llu blocks of %u bytes, I/O queue of %u "
			"entries, %s\n", ns->bd.name, ns->nsid, ns->fmt.index,
			(unsigned long long)ns->fmt.blocks, ns->fmt.block_size, c->ioq.depth,
			c->vwc ? "volatile write cache" : "no write cache");
		ret = blockdev_register(&ns->bd);
		if (ret && !i)
			return ret;
		if (ret) {
			/* Those registered stay (block devices are not unregistered): keep them. */
			pr_err("%s: not registered (error %d); neither are later namespaces\n",
			       ns->bd.name, ret);
			c->nr_ns = i;
			break;
		}
	}
	return 0;
}

unsigned int nvme_init(void)
{
	unsigned int i, registered = 0;

	for (i = 0; i < pci_dev_count() && nr_ctrls < NVME_MAX_CTRLS; i++) {
		struct pci_dev *p = pci_dev_get(i);
		struct nvme_ctrl *c = &ctrls[nr_ctrls];
		int ret;

		if (p->class_code != NVME_PCI_CLASS)
			continue;
		memset(c, 0, sizeof(*c));
		fmt_snprintf(c->name, sizeof(c->name), "nvme%u", nr_ctrls);
		if (!p->enabled || p->bar[0].io || p->bar[0].size == 0 || p->dma_blocked) {
			pr_err("%s: %s: BAR0 not assigned as memory, or no DMA: not used\n", c->name,
			       p->bdf);
			continue;
		}
		c->pdev = p;
		c->dev = &p->dev;
		c->regs = p->bar[0].base;
		ret = ctrl_probe(c);
		if (ret) {
			pr_err("%s: %s: not used (error %d)\n", c->name, p->bdf, ret);
			if (c->intid)
				give_up_irq(c);
			/* Stopped before its memory goes back; kept if it will not stop. */
			if (c->adminq.sq && !c->dma_unsafe && ctrl_disable(c))
				c->dma_unsafe = pci_stop_dma(p) != 0;
			c->adminq.live = c->ioq.live = false;
			pci_set_master(p, false);
			free_buffers(c);
			continue;
		}
		nr_ctrls++;
		registered++;
	}
	return registered;
}
