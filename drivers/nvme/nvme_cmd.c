/*
 * Console command `nvme`: each controller's identity, capabilities, queues,
 * interrupt, namespaces and counters.
 */
#include <arch/mmio.h>
#include <console.h>
#include <drivers/irq.h>
#include <drivers/pci.h>
#include <errno.h>
#include <shell.h>

#include "nvme_internal.h"

static void show_queue(const char *what, const struct nvme_queue *q)
{
	kprintf("  %s %u: %u entries, SQ 0x%llx tail %u head %u, CQ 0x%llx head %u phase %u, "
		"%llu submitted, %llu completed, %llu stray%s\n", what, q->qid, q->depth,
		(unsigned long long)q->sq_dma, q->sq_tail, q->sq_head, (unsigned long long)q->cq_dma,
		q->cqp.head, q->cqp.phase, (unsigned long long)q->submitted,
		(unsigned long long)q->completed, (unsigned long long)q->stray,
		q->live ? "" : " (not live)");
}

static void show_ctrl(const struct nvme_ctrl *c)
{
	const struct nvme_stats *s = &c->stats;
	char size[24], xfer[24];
	unsigned int i;
	u64 cap = c->cap;

	kprintf("%s: %s %04x:%04x \"%s\" serial %s firmware %s, NVMe %u.%u, controller ID %u%s\n",
		c->name, c->pdev->bdf, c->pdev->vendor_id, c->pdev->device_id, c->mn, c->sn, c->fr,
		(unsigned int)FIELD_GET(NVME_VS_MJR, c->vs), (unsigned int)FIELD_GET(NVME_VS_MNR, c->vs),
		c->cntlid, c->dead ? ", UNUSABLE" : "");
	kprintf("  CAP 0x%016llx: MQES %u, CQR %u, DSTRD %u (%u-byte stride), TO %u ms, pages "
		"%u..%u KiB; CC 0x%08x CSTS 0x%08x; max transfer %s\n", (unsigned long long)cap,
		(unsigned int)FIELD_GET(NVME_CAP_MQES, cap) + 1, (unsigned int)!!(cap & NVME_CAP_CQR),
		c->dstrd, 4U << c->dstrd, c->ready_timeout_ms,
		4U << FIELD_GET(NVME_CAP_MPSMIN, cap), 4U << FIELD_GET(NVME_CAP_MPSMAX, cap),
		mmio_read32(c->regs + NVME_REG_CC), mmio_read32(c->regs + NVME_REG_CSTS),
		c->max_xfer ? shell_size(xfer, sizeof(xfer), c->max_xfer) : "not limited (MDTS 0)");
	if (c->intid)
		kprintf("  interrupt: INTx, INTID %u: %lu taken, %llu with completions, %llu not ours\n",
			c->intid, irq_count(c->intid), (unsigned long long)s->irqs,
			(unsigned long long)s->irq_not_ours);
	else
		kprintf("  interrupt: none, completion polled\n");
	show_queue("admin queue", &c->adminq);
	show_queue("I/O queue", &c->ioq);
	for (i = 0; i < c->nr_ns; i++) {
		const struct nvme_ns *ns = &c->ns[i];

		kprintf("  %s: namespace %u, LBA format %u, %llu blocks of %u bytes (%s)\n",
			ns->bd.name, ns->nsid, ns->fmt.index, (unsigned long long)ns->fmt.blocks,
			ns->fmt.block_size,
			shell_size(size, sizeof(size), ns->fmt.blocks * ns->fmt.block_size));
	}
	kprintf("  commands %llu, reads %llu, writes %llu, flushes %llu, bounced %llu, PRP lists "
		"%llu, errors %llu, timeouts %llu, resets %llu, lost interrupts %llu\n",
		(unsigned long long)s->cmds, (unsigned long long)s->reads,
		(unsigned long long)s->writes, (unsigned long long)s->flushes,
		(unsigned long long)s->bounced, (unsigned long long)s->prp_lists,
		(unsigned long long)s->errors, (unsigned long long)s->timeouts,
		(unsigned long long)s->resets, (unsigned long long)s->lost_irqs);
}

/* nvme: every controller the driver bound */
static int cmd_nvme(int argc, char **argv)
{
	unsigned int i;

	(void)argv;
	if (argc > 1)
		return -EINVAL;
	if (!nvme_ctrl_count()) {
		kprintf("nvme: no NVMe controller in use\n");
		return 0;
	}
	for (i = 0; i < nvme_ctrl_count(); i++)
		show_ctrl(nvme_ctrl_get(i));
	return 0;
}
SHELL_CMD(nvme, "nvme", "NVMe controllers: identity, capabilities, queues, interrupt, counters",
	  cmd_nvme);
