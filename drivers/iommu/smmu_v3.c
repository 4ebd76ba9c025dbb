/*
 * Arm SMMUv3 (IHI 0070): stage-1 translation of PCI functions.
 *
 *   stream ID --stream table--> STE (Config: abort | S1 translate)
 *                                  |
 *                                  v  S1ContextPtr
 *                                 CD (ASID, TTB0 = domain->pgt.root, MAIR)
 *
 * Memory the SMMU reads or writes (stream table, CDs, queues, domain page
 * tables) comes from dma_alloc_coherent() on the SMMU's own struct device,
 * so a non-coherent SMMU gets Normal Non-cacheable memory and nothing here
 * needs cache maintenance. Commands complete by CMD_SYNC with CONS polled
 * on the generic timer; a command error (CERROR) is reported, the command
 * replaced by a CMD_SYNC and the queue restarted (7.1, "Command queue
 * errors"). Events are drained on the event-queue interrupt and decoded;
 * lost events (queue overflow, 7.4, or an aborted queue write, 7.2.2) are
 * reported once per occurrence and acknowledged so that recording resumes.
 *
 * A stream is translating (STE Config = S1 translate, the device attached
 * to its domain) or blocked (Config = abort: unused streams, a device the
 * driver could not attach, one detached by smmu_detach()). A blocked
 * device points at the DMA layer's blocked domain, which refuses mappings.
 *
 * Single CPU, no locking: command submission runs in thread context only,
 * and event draining masks IRQs.
 */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/mmio.h>
#include <arch/timer.h>
#include <cmdline.h>
#include <console.h>
#include <dma.h>
#include <drivers/irq.h>
#include <drivers/pci.h>
#include <drivers/smmu_v3.h>
#include <dt.h>
#include <errno.h>
#include <fault_inject.h>
#include <fmt.h>
#include <iommu.h>
#include <libfdt.h>
#include <mm/buddy.h>
#include <mm/mmu.h>
#include <mm/page_alloc.h>
#include <string.h>

#define SMMU_MAX 2
#define SMMU_MAX_MASTERS 32
#define SMMU_POLL_US 100000		/* command completion, CR0ACK: 100 ms */
#define SMMU_CMDQ_LOG2_MAX 8		/* 256 commands (4 KiB) */
#define SMMU_EVTQ_LOG2_MAX 7		/* 128 events (4 KiB) */
#define SMMU_SPLIT 8			/* 2-level: 256 STEs (16 KiB) per level-2 table */
#define SMMU_L1_LOG2_MAX 12		/* at most 4096 level-1 descriptors (32 KiB) */
#define SMMU_LINEAR_LOG2_MAX 16		/* a linear table of at most 4 MiB */
#define SMMU_DOMAIN_VA_BITS 32		/* IOVA input size of every domain (T0SZ 32) */
#define SMMU_FAULT_RING 32

struct smmu_queue {
	u64 *ent;
	unsigned int log2;
	unsigned int dwords;		/* per entry */
	u32 prod, cons;			/* wrap bit + index, shadowed */
};

struct smmu_master {
	struct device *dev;
	u32 sid;
	struct iommu_domain *dom;	/* kept while blocked, for smmu_attach() */
	phys_addr_t cd;			/* the domain's context descriptor */
	bool blocked;			/* smmu_detach(): the STE aborts */
};

struct smmu {
	char name[64];
	int node;
	uintptr_t base;
	struct device dev;		/* the SMMU's own DMA view: tables and queues */
	u32 idr[6];
	unsigned int sid_bits;		/* usable stream ID bits */
	unsigned int oas;		/* IDR5.OAS encoding */
	bool two_level, ril, coherent, hyp;
	u64 *strtab;			/* linear table, or the level-1 descriptors */
	u64 **l2;			/* 2-level: level-2 tables by level-1 index */
	struct smmu_queue cmdq, evtq;
	u32 evtq_ovack;
	/* Console reports: a burst of like events (same stream, kind, page) is one line. */
	struct smmu_event last_ev;
	unsigned long last_repeats;
	struct irq_spec evtq_irq, gerror_irq;
	bool have_evtq_irq, have_gerror_irq;
	u16 next_asid;
	unsigned int asid_bits;
	struct smmu_master masters[SMMU_MAX_MASTERS];
	unsigned int nr_masters;
	struct smmu_counters cnt;
};

static struct smmu smmus[SMMU_MAX];
static unsigned int nr_smmus;
static struct smmu_fault faults[SMMU_FAULT_RING];
static unsigned long fault_seq;

/* --- register access ------------------------------------------------------ */

static u32 rd(const struct smmu *s, unsigned int off)
{
	return mmio_read32(s->base + off);
}

static void wr(const struct smmu *s, unsigned int off, u32 v)
{
	mmio_write32(s->base + off, v);
}

static void wr64(const struct smmu *s, unsigned int off, u64 v)
{
	mmio_write64(s->base + off, v);
}

/* Write CR0 and wait for CR0ACK to reflect it (6.3.10). */
static int write_cr0(struct smmu *s, u32 val)
{
	u32 last;

	wr(s, SMMU_CR0, val);
	if (mmio_poll32(s->base + SMMU_CR0ACK, ~0U, val, SMMU_POLL_US, &last)) {
		pr_err("smmu: %s: CR0ACK stuck at 0x%x after writing CR0 = 0x%x\n", s->name, last,
		       val);
		return -ETIMEDOUT;
	}
	return 0;
}

static int write_irq_ctrl(struct smmu *s, u32 val)
{
	u32 last;

	wr(s, SMMU_IRQ_CTRL, val);
	if (mmio_poll32(s->base + SMMU_IRQ_CTRLACK, ~0U, val, SMMU_POLL_US, &last)) {
		pr_err("smmu: %s: IRQ_CTRLACK stuck at 0x%x\n", s->name, last);
		return -ETIMEDOUT;
	}
	return 0;
}

/* --- queues (3.5) ------------------------------------------------------------ */

static u32 q_mask(const struct smmu_queue *q)
{
	return (2U << q->log2) - 1; /* wrap bit and index */
}

static u32 q_idx(const struct smmu_queue *q, u32 p)
{
	return p & ((1U << q->log2) - 1);
}

static u32 q_inc(const struct smmu_queue *q, u32 p)
{
	return (p + 1) & q_mask(q);
}

static u64 *q_slot(const struct smmu_queue *q, u32 p)
{
	return q->ent + (size_t)q_idx(q, p) * q->dwords;
}

static void *smmu_alloc(struct smmu *s, size_t size, phys_addr_t *pa)
{
	dma_addr_t dma;
	void *p = dma_alloc_coherent(&s->dev, size, &dma, GFP_KERNEL);

	/*
	 * The SMMU has no dma-ranges of its own, and its tables are walked by
	 * pgtable.c through their physical addresses: the memory must be seen
	 * by the CPU at dma == pa. A non-coherent SMMU given a cacheable pool
	 * gets a Normal-NC window alias (mm/remap.c) instead: refused too.
	 */
	if (p && mmu_in_remap_window(p)) {
		pr_err("smmu: %s: table memory 0x%llx came from a cacheable pool through a "
		       "Normal-NC alias; a non-coherent SMMU needs a no-map shared-dma-pool (or the "
		       "firmware's NC pool) for its tables\n", s->name, (unsigned long long)dma);
		dma_free_coherent(&s->dev, size, p, dma);
		return NULL;
	}
	if (p && dma != (uintptr_t)p) {
		pr_err("smmu: %s: table memory at 0x%llx seen at 0x%llx by the SMMU: "
		       "dma-ranges on an SMMU are not supported\n", s->name,
		       (unsigned long long)(uintptr_t)p, (unsigned long long)dma);
		dma_free_coherent(&s->dev, size, p, dma);
		return NULL;
	}
	if (p)
		*pa = dma;
	return p;
}

static int queue_init(struct smmu *s, struct smmu_queue *q, unsigned int log2_max,
		      unsigned int hw_log2, unsigned int dwords, unsigned int base_reg,
		      const char *what)
{
	phys_addr_t pa;

	q->log2 = hw_log2 < log2_max ? hw_log2 : log2_max;
	q->dwords = dwords;
	q->prod = q->cons = 0;
	/* Page-aligned memory satisfies the queue's size alignment (3.5.1). */
	q->ent = smmu_alloc(s, ((size_t)dwords * 8) << q->log2, &pa);
	if (!q->ent) {
		pr_err("smmu: %s: no memory for the %s\n", s->name, what);
		return -ENOMEM;
	}
	wr64(s, base_reg, SMMU_Q_BASE_RA | (pa & SMMU_Q_BASE_ADDR) |
				  FIELD_PREP(SMMU_Q_BASE_LOG2SIZE, q->log2));
	return 0;
}

/* --- command queue --------------------------------------------------------- */

static const char *cerror_name(unsigned int err)
{
	switch (err) {
	case SMMU_CERROR_ILL: return "CERROR_ILL (illegal command)";
	case SMMU_CERROR_ABT: return "CERROR_ABT (abort reading the command)";
	case SMMU_CERROR_ATC_INV_SYNC: return "CERROR_ATC_INV_SYNC";
	default: return "unknown CERROR";
	}
}

/*
 * The SMMU stopped at the command CONS points at (7.1): report it, turn it
 * into a CMD_SYNC (always legal) and acknowledge GERROR.CMDQ_ERR, which
 * restarts consumption from that entry.
 */
static void cmdq_recover(struct smmu *s, u32 cons)
{
	u64 *slot = q_slot(&s->cmdq, cons);
	unsigned int err = FIELD_GET(SMMU_CMDQ_CONS_ERR, cons);
	u32 gerror = rd(s, SMMU_GERROR), gerrorn = rd(s, SMMU_GERRORN);

	pr_err("smmu: %s: %s at command queue entry %u: %s (0x%016llx 0x%016llx); "
	       "skipped, queue restarted\n", s->name, cerror_name(err), q_idx(&s->cmdq, cons),
	       smmu_cmd_name(FIELD_GET(SMMU_CMD0_OP, slot[0])), (unsigned long long)slot[0],
	       (unsigned long long)slot[1]);
	smmu_cmd_sync(slot);
	s->cnt.cerrors++;
	/* GERRORN's bit made equal to GERROR's acknowledges the error (7.5). */
	wr(s, SMMU_GERRORN, (gerrorn & ~SMMU_GERROR_CMDQ_ERR) | (gerror & SMMU_GERROR_CMDQ_ERR));
}

/* Wait until the SMMU has consumed everything up to s->cmdq.prod. */
static int cmdq_wait(struct smmu *s)
{
	u64 deadline = timer_deadline(SMMU_POLL_US);
	int ret = 0;
	u32 cons;

	for (;;) {
		cons = rd(s, SMMU_CMDQ_CONS);
		if ((rd(s, SMMU_GERROR) ^ rd(s, SMMU_GERRORN)) & SMMU_GERROR_CMDQ_ERR) {
			/* Bounded too: an SMMU that keeps flagging errors must not hang us. */
			cmdq_recover(s, cons);
			ret = -EIO;
		} else if ((cons & q_mask(&s->cmdq)) == s->cmdq.prod) {
			break;
		}
		if (timer_expired(deadline)) {
			pr_err("smmu: %s: CMD_SYNC not reached in %u us (PROD 0x%x, CONS 0x%x)\n",
			       s->name, SMMU_POLL_US, s->cmdq.prod, cons);
			return -ETIMEDOUT;
		}
		cpu_relax();
	}
	s->cmdq.cons = cons & q_mask(&s->cmdq);
	return ret;
}

/*
 * Issue @n commands and a CMD_SYNC, waiting for completion. The queue is
 * empty on entry (every batch is waited for), so a batch that fits the
 * queue goes in with one PROD write.
 */
static int cmdq_issue(struct smmu *s, const u64 (*cmds)[SMMU_CMD_DWORDS], unsigned int n)
{
	unsigned int room = (1U << s->cmdq.log2) - 1, i = 0;
	int ret = 0;

	do {
		unsigned int chunk = n - i < room ? n - i : room;
		unsigned int k;
		int r;

		for (k = 0; k < chunk; k++, i++) {
			u64 *slot = q_slot(&s->cmdq, s->cmdq.prod);

			slot[0] = cmds[i][0];
			slot[1] = cmds[i][1];
			s->cmdq.prod = q_inc(&s->cmdq, s->cmdq.prod);
		}
		smmu_cmd_sync(q_slot(&s->cmdq, s->cmdq.prod));
		s->cmdq.prod = q_inc(&s->cmdq, s->cmdq.prod);
		s->cnt.cmds += chunk + 1;
		s->cnt.syncs++;
		/* mmio_write32's DMB OSHST: the entries are visible before PROD moves. */
		wr(s, SMMU_CMDQ_PROD, s->cmdq.prod);
		r = cmdq_wait(s);
		if (r && !ret)
			ret = r;
		if (r == -ETIMEDOUT)
			return r;
	} while (i < n);
	return ret;
}

/* --- events (7.3) ------------------------------------------------------------ */

static const char *master_name(const struct smmu *s, u32 sid)
{
	unsigned int i;

	for (i = 0; i < s->nr_masters; i++)
		if (s->masters[i].sid == sid)
			return s->masters[i].dev->name;
	return "no device attached";
}

static bool same_burst(const struct smmu_event *a, const struct smmu_event *b)
{
	return a->id == b->id && a->sid == b->sid && a->read == b->read &&
	       (a->addr >> PAGE_SHIFT) == (b->addr >> PAGE_SHIFT);
}

static void flush_burst(struct smmu *s)
{
	if (s->last_repeats)
		pr_err("smmu: %s: ... and %lu more %s faults of stream 0x%x in that page\n",
		       s->name, s->last_repeats, s->last_ev.read ? "read" : "write", s->last_ev.sid);
	s->last_repeats = 0;
}

/* Record every event; print the first of a burst (a device faults per access). */
static void report_event(struct smmu *s, const u64 *rec)
{
	struct smmu_fault *f = &faults[fault_seq % SMMU_FAULT_RING];

	f->seq = ++fault_seq;
	smmu_event_decode(rec, &f->ev);
	s->cnt.events++;
	if (fault_seq > 1 && same_burst(&f->ev, &s->last_ev)) {
		s->last_repeats++;
		return;
	}
	flush_burst(s);
	s->last_ev = f->ev;
	if (smmu_event_has_addr(f->ev.id))
		pr_err("smmu: %s: %s: stream 0x%x (%s), IOVA 0x%llx, %s%s\n", s->name,
		       smmu_event_name(f->ev.id), f->ev.sid, master_name(s, f->ev.sid),
		       (unsigned long long)f->ev.addr, f->ev.read ? "read" : "write",
		       f->ev.instr ? ", instruction fetch" : "");
	else
		pr_err("smmu: %s: %s: stream 0x%x (%s)\n", s->name, smmu_event_name(f->ev.id),
		       f->ev.sid, master_name(s, f->ev.sid));
}

static void events_lost(struct smmu *s, const char *signal)
{
	s->cnt.overflows++;
	pr_err("smmu: %s: event queue overflow: events lost (%s; %llu recorded so far)\n",
	       s->name, signal, (unsigned long long)s->cnt.events);
}

/*
 * Consume every record up to PROD, then acknowledge what says records were
 * lost: EVENTQ_PROD.OVFLG != EVENTQ_CONS.OVACKFLG (7.4: the queue was full
 * and a record was discarded; OVFLG toggles once and not again until
 * OVACKFLG is written to match it) and GERROR.EVENTQ_ABT_ERR (7.2.2: a
 * queue write aborted; 7.2.1: the queue is not writable until GERRORN
 * acknowledges it, so events stop until then). Both are acknowledged after
 * the records are consumed, so that recording resumes into an empty queue.
 */
static void evtq_drain(struct smmu *s)
{
	unsigned long flags = local_irq_save();
	struct smmu_queue *q = &s->evtq;
	u32 prod = rd(s, SMMU_EVTQ_PROD), gerror, gerrorn;

	while ((prod & q_mask(q)) != q->cons) {
		report_event(s, q_slot(q, q->cons));
		q->cons = q_inc(q, q->cons);
	}
	flush_burst(s);
	if ((prod ^ s->evtq_ovack) & SMMU_Q_OVF) {
		s->evtq_ovack = prod & SMMU_Q_OVF;
		events_lost(s, "EVENTQ_PROD.OVFLG: queue full");
	}
	/*
	 * A slot is the SMMU's again once CONS passes it (3.5): the record
	 * loads complete before the CONS store (a DMB ST would order stores only).
	 */
	dmb(osh);
	wr(s, SMMU_EVTQ_CONS, q->cons | s->evtq_ovack);
	gerror = rd(s, SMMU_GERROR);
	gerrorn = rd(s, SMMU_GERRORN);
	if ((gerror ^ gerrorn) & SMMU_GERROR_EVTQ_ABT) {
		s->cnt.gerrors++;
		events_lost(s, "GERROR.EVENTQ_ABT_ERR: queue write aborted");
		/* GERRORN's bit made equal to GERROR's acknowledges the error (7.5). */
		wr(s, SMMU_GERRORN, gerrorn ^ SMMU_GERROR_EVTQ_ABT);
	}
	local_irq_restore(flags);
}

static void evtq_irq(void *ctx)
{
	struct smmu *s = ctx;

	s->cnt.evtq_irqs++;
	evtq_drain(s);
}

static void gerror_irq(void *ctx)
{
	struct smmu *s = ctx;
	u32 gerror, gerrorn, active;

	/* EVENTQ_ABT_ERR belongs to evtq_drain(), which consumes the queue first. */
	if ((rd(s, SMMU_GERROR) ^ rd(s, SMMU_GERRORN)) & SMMU_GERROR_EVTQ_ABT)
		evtq_drain(s);
	/* CMDQ_ERR belongs to cmdq_wait(), which is polling for it. */
	gerror = rd(s, SMMU_GERROR);
	gerrorn = rd(s, SMMU_GERRORN);
	active = (gerror ^ gerrorn) & SMMU_GERROR_ALL &
		 ~(SMMU_GERROR_CMDQ_ERR | SMMU_GERROR_EVTQ_ABT);
	if (!active)
		return;
	s->cnt.gerrors++;
	pr_err("smmu: %s: global error 0x%x%s%s\n", s->name, active,
	       active & SMMU_GERROR_SFM_ERR ? " (service failure mode: SMMU stopped)" : "",
	       active & (SMMU_GERROR_MSI_CMDQ_ABT | SMMU_GERROR_MSI_EVTQ_ABT |
			 SMMU_GERROR_MSI_GERROR_ABT) ? " (MSI write aborted)" : "");
	wr(s, SMMU_GERRORN, gerrorn ^ active);
}

void smmu_poll_events(void)
{
	unsigned int i;

	for (i = 0; i < nr_smmus; i++)
		evtq_drain(&smmus[i]);
}

unsigned long smmu_fault_seq(void)
{
	return fault_seq;
}

bool smmu_fault_find(unsigned long after, u32 sid, struct smmu_fault *out)
{
	unsigned long seq;

	for (seq = after + 1; seq <= fault_seq; seq++) {
		const struct smmu_fault *f = &faults[(seq - 1) % SMMU_FAULT_RING];

		if (f->seq == seq && f->ev.sid == sid) {
			*out = *f;
			return true;
		}
	}
	return false;
}

/* --- stream table (5.2) ---------------------------------------------------- */

static u64 *ste_of(struct smmu *s, u32 sid)
{
	if (!s->two_level)
		return s->strtab + (size_t)sid * SMMU_STE_DWORDS;
	if (!s->l2[sid >> SMMU_SPLIT])
		return NULL;
	return s->l2[sid >> SMMU_SPLIT] + (size_t)(sid & ((1U << SMMU_SPLIT) - 1)) * SMMU_STE_DWORDS;
}

static void publish(void *ctx)
{
	(void)ctx;
	dsb(ishst); /* table stores observable by the SMMU before the next step */
}

/* Make the level-2 table for @sid exist (all streams in it aborting). */
static int l2_populate(struct smmu *s, u32 sid)
{
	unsigned int l1 = sid >> SMMU_SPLIT, i;
	u64 cmd[1][SMMU_CMD_DWORDS];
	phys_addr_t pa;
	u64 *l2;

	if (s->l2[l1])
		return 0;
	l2 = smmu_alloc(s, (SMMU_STE_DWORDS * 8) << SMMU_SPLIT, &pa);
	if (!l2)
		return -ENOMEM;
	for (i = 0; i < 1U << SMMU_SPLIT; i++)
		smmu_ste_abort(l2 + i * SMMU_STE_DWORDS);
	publish(NULL); /* the STEs before the descriptor that makes them reachable */
	s->strtab[l1] = smmu_l1std(pa, SMMU_SPLIT);
	s->l2[l1] = l2;
	/* An invalid level-1 descriptor may be cached too: non-leaf CFGI_STE. */
	smmu_cmd_cfgi_ste(cmd[0], sid);
	cmd[0][1] &= ~SMMU_CMD1_LEAF;
	return cmdq_issue(s, cmd, 1);
}

/* Install @ste for @sid: words 1..7, then word 0, then CFGI_STE + SYNC (3.21.3). */
static int ste_install(struct smmu *s, u32 sid, const u64 *ste)
{
	u64 cmd[1][SMMU_CMD_DWORDS];
	u64 *live = ste_of(s, sid);

	smmu_ste_write(live, ste, publish, NULL);
	smmu_cmd_cfgi_ste(cmd[0], sid);
	return cmdq_issue(s, cmd, 1);
}

/*
 * Make stream @sid abort. STE.Config = abort: "Report abort to device, no
 * event recorded" (5.2). One store of word 0, which holds V and Config, so
 * the SMMU reads the old entry or the aborting one, never a mix (3.21.3),
 * made observable by a DSB; CFGI_STE + CMD_SYNC so that no cached copy of
 * the translating entry is used after it; only then TLBI of @asid + SYNC,
 * since a transaction through the old entry could refill the TLB until
 * the CFGI completed. Words 1..7 keep the stage-1 fields, IGNORED while
 * Config = abort, rewritten by ste_install() before word 0 translates again.
 */
static int stream_block(struct smmu *s, u32 sid, u16 asid)
{
	u64 cmd[1][SMMU_CMD_DWORDS];
	int ret;

	smmu_ste_block(ste_of(s, sid), publish, NULL);
	smmu_cmd_cfgi_ste(cmd[0], sid);
	ret = cmdq_issue(s, cmd, 1);
	if (ret)
		return ret;
	smmu_cmd_tlbi_asid(cmd[0], asid);
	return cmdq_issue(s, cmd, 1);
}

static int strtab_init(struct smmu *s, bool force_linear)
{
	unsigned int log2, i;
	phys_addr_t pa;
	u32 cfg;

	s->two_level = !force_linear &&
		       FIELD_GET(SMMU_IDR0_ST_LEVEL, s->idr[0]) == SMMU_IDR0_ST_LEVEL_2LVL &&
		       s->sid_bits > SMMU_SPLIT;
	if (s->two_level) {
		log2 = s->sid_bits - SMMU_SPLIT;
		if (log2 > SMMU_L1_LOG2_MAX) {
			pr_warn("smmu: %s: using stream IDs below 2^%u of 2^%u\n", s->name,
				SMMU_L1_LOG2_MAX + SMMU_SPLIT, s->sid_bits);
			log2 = SMMU_L1_LOG2_MAX;
			s->sid_bits = log2 + SMMU_SPLIT;
		}
		s->strtab = smmu_alloc(s, sizeof(u64) << log2, &pa);
		s->l2 = boot_zalloc(sizeof(u64 *) << log2);
		if (!s->strtab || !s->l2)
			return -ENOMEM;
		/* Level-1 descriptors start at SPAN 0: their streams are invalid and abort. */
		cfg = FIELD_PREP(SMMU_STRTAB_BASE_CFG_FMT, SMMU_STRTAB_FMT_2LVL) |
		      FIELD_PREP(SMMU_STRTAB_BASE_CFG_SPLIT, SMMU_SPLIT) |
		      FIELD_PREP(SMMU_STRTAB_BASE_CFG_LOG2SIZE, s->sid_bits);
	} else {
		if (s->sid_bits > SMMU_LINEAR_LOG2_MAX) {
			pr_warn("smmu: %s: linear stream table: using stream IDs below 2^%u of "
				"2^%u\n", s->name, SMMU_LINEAR_LOG2_MAX, s->sid_bits);
			s->sid_bits = SMMU_LINEAR_LOG2_MAX;
		}
		s->strtab = smmu_alloc(s, (SMMU_STE_DWORDS * 8) << s->sid_bits, &pa);
		if (!s->strtab)
			return -ENOMEM;
		for (i = 0; i < 1U << s->sid_bits; i++)
			smmu_ste_abort(s->strtab + (size_t)i * SMMU_STE_DWORDS);
		cfg = FIELD_PREP(SMMU_STRTAB_BASE_CFG_FMT, SMMU_STRTAB_FMT_LINEAR) |
		      FIELD_PREP(SMMU_STRTAB_BASE_CFG_LOG2SIZE, s->sid_bits);
	}
	publish(NULL);
	wr64(s, SMMU_STRTAB_BASE, SMMU_STRTAB_BASE_RA | (pa & SMMU_STRTAB_BASE_ADDR));
	wr(s, SMMU_STRTAB_BASE_CFG, cfg);
	return 0;
}

/* --- domains ------------------------------------------------------------------ */

static void *pt_alloc(void *ctx)
{
	phys_addr_t pa;

	if (fault_inject_hit(FAULT_INJECT_PGTABLE))
		return NULL; /* pgtable_map() then gives back what it reserved: -ENOMEM */
	return smmu_alloc(ctx, PAGE_SIZE, &pa);
}

static void pt_free(void *ctx, void *page)
{
	struct smmu *s = ctx;

	dma_free_coherent(&s->dev, PAGE_SIZE, page, (uintptr_t)page);
}

/*
 * Invalidate what an unmap cleared, then one CMD_SYNC (4.6.3: completes the
 * TLBIs before it). With range invalidation one TLBI_NH_VA per power-of-two
 * run of pages; without, one per cleared leaf (a 2 MiB block is one); if
 * the leaves were too many to list, the whole ASID.
 */
#define FLUSH_MAX_CMDS 16

static int domain_flush(struct iommu_domain *d, u64 iova, u64 size,
			const struct iommu_leaf *leaves, unsigned int n)
{
	struct smmu *s = d->priv;
	u64 cmds[FLUSH_MAX_CMDS][SMMU_CMD_DWORDS];
	struct smmu_range r[FLUSH_MAX_CMDS];
	unsigned int nc = 0, i;
	u64 cmds_before = s->cnt.cmds, syncs_before = s->cnt.syncs;
	int ret;

	if (s->ril)
		nc = smmu_range_plan(iova, size >> PAGE_SHIFT, r, FLUSH_MAX_CMDS);
	if (nc) {
		for (i = 0; i < nc; i++)
			smmu_cmd_tlbi_range(cmds[i], d->asid, r[i].iova, r[i].scale, r[i].num);
	} else if (n && n <= FLUSH_MAX_CMDS) {
		for (i = 0; i < n; i++)
			smmu_cmd_tlbi_va(cmds[i], d->asid, leaves[i].iova);
		nc = n;
	} else {
		smmu_cmd_tlbi_asid(cmds[0], d->asid);
		nc = 1;
	}
	ret = cmdq_issue(s, cmds, nc);
	d->stats.tlbi += nc;
	d->stats.syncs += s->cnt.syncs - syncs_before;
	d->stats.cmds += s->cnt.cmds - cmds_before;
	return ret;
}

static const struct iommu_ops smmu_domain_ops = {
	.flush = domain_flush,
};

/*
 * Point stream @sid at @d's context descriptor @cd: nothing of the ASID may
 * linger from before (TLBI) nor a cached copy of the CD (CFGI_CD), then the
 * STE (ste_install(): the old entry aborts, so words 1..7 may change).
 */
static int stream_translate(struct smmu *s, u32 sid, const struct iommu_domain *d, phys_addr_t cd)
{
	u64 cmds[2][SMMU_CMD_DWORDS], ste[SMMU_STE_DWORDS];

	smmu_ste_s1(ste, cd, s->coherent);
	smmu_cmd_tlbi_asid(cmds[0], d->asid);
	smmu_cmd_cfgi_cd(cmds[1], sid);
	if (cmdq_issue(s, cmds, 2) || ste_install(s, sid, ste)) {
		pr_err("smmu: %s: could not install the STE of stream 0x%x\n", s->name, sid);
		return -EIO;
	}
	return 0;
}

static struct iommu_domain *domain_create(struct smmu *s, u32 sid, const struct device *dev,
					  phys_addr_t *cd_pa)
{
	struct pgtable_pages pages = { pt_alloc, pt_free, s };
	u64 cd[SMMU_CD_DWORDS];
	struct smmu_cd_cfg cfg;
	struct iommu_domain *d;
	u64 *live_cd;
	bool coherent_walk = s->coherent;

	if (s->next_asid >= (1U << s->asid_bits)) {
		pr_err("smmu: %s: out of ASIDs for %s\n", s->name, dev->name);
		return NULL;
	}
	d = boot_zalloc(sizeof(*d));
	live_cd = smmu_alloc(s, SMMU_CD_DWORDS * 8, cd_pa);
	if (!d || !live_cd || pgtable_init(&d->pgt, SMMU_DOMAIN_VA_BITS, &pages)) {
		pr_err("smmu: %s: no memory for the domain of %s\n", s->name, dev->name);
		return NULL;
	}
	d->asid = s->next_asid++;
	d->sid = sid;
	d->ops = &smmu_domain_ops;
	d->priv = s;
	fmt_snprintf(d->name, sizeof(d->name), "sid 0x%x asid %u", sid, d->asid);
	/*
	 * Device accesses are unprivileged (AP[1] = 1 grants them, D8.4), never
	 * instruction fetches (XN); nG so that the ASID tags every TLB entry
	 * (a global entry would match any domain); write-back attributes only
	 * where the device snoops the CPU's caches.
	 */
	d->prot = PTE_AF | PTE_NG | PTE_AP_EL0 | PTE_UXN | PTE_PXN |
		  FIELD_PREP(PTE_SH, PTE_SH_INNER) |
		  FIELD_PREP(PTE_ATTRINDX, dev->dma_coherent ? MAIR_IDX_NORMAL : MAIR_IDX_NORMAL_NC);

	cfg = (struct smmu_cd_cfg){
		.asid = d->asid, .ttb = (uintptr_t)d->pgt.root, .va_bits = SMMU_DOMAIN_VA_BITS,
		.ips = s->oas, .mair = MAIR_VALUE, .coherent = coherent_walk,
	};
	smmu_cd_s1(cd, &cfg);
	memcpy(live_cd, cd, sizeof(cd));
	publish(NULL); /* the CD before the STE that points at it */
	return stream_translate(s, sid, d, *cd_pa) ? NULL : d;
}

static int attach(struct smmu *s, struct device *dev, u32 sid)
{
	struct smmu_master *m;
	struct iommu_domain *d = NULL;
	phys_addr_t cd = 0;
	unsigned int i;

	if (sid >> s->sid_bits) {
		pr_err("smmu: %s: %s: stream 0x%x is beyond the %u stream ID bits in use: "
		       "its DMA stays blocked\n", s->name, dev->name, sid, s->sid_bits);
		return -ERANGE;
	}
	if (s->nr_masters == SMMU_MAX_MASTERS) {
		pr_err("smmu: %s: more than %u devices: %s not attached\n", s->name,
		       SMMU_MAX_MASTERS, dev->name);
		return -ENOSPC;
	}
	/* Devices the DT puts on one stream share its STE, hence its domain. */
	for (i = 0; i < s->nr_masters; i++)
		if (s->masters[i].sid == sid) {
			d = s->masters[i].dom;
			cd = s->masters[i].cd;
		}
	if (!d) {
		if (s->two_level && l2_populate(s, sid))
			return -ENOMEM;
		d = domain_create(s, sid, dev, &cd);
		if (!d)
			return -ENOMEM;
	}
	m = &s->masters[s->nr_masters++];
	m->dev = dev;
	m->sid = sid;
	m->dom = d;
	m->cd = cd;
	m->blocked = false;
	d->devices++;
	iommu_attach_device(dev, d);
	kprintf("smmu: %s -> stream 0x%x, translated (domain asid %u%s)\n", dev->name, sid,
		d->asid, d->devices > 1 ? ", shared" : "");
	return 0;
}

static struct smmu_master *master_of(const struct device *dev, struct smmu **sp)
{
	unsigned int i, j;

	for (i = 0; i < nr_smmus; i++)
		for (j = 0; j < smmus[i].nr_masters; j++)
			if (smmus[i].masters[j].dev == dev) {
				*sp = &smmus[i];
				return &smmus[i].masters[j];
			}
	return NULL;
}

int smmu_stream_of(const struct device *dev, u32 *sid)
{
	struct smmu *s;
	const struct smmu_master *m = master_of(dev, &s);

	if (!m)
		return -ENODEV;
	*sid = m->sid;
	return 0;
}

int smmu_detach(struct device *dev)
{
	struct smmu *s;
	struct smmu_master *m = master_of(dev, &s);
	struct iova_stats st = { 0 };
	unsigned int i;
	int ret;

	if (!m) {
		pr_err("smmu: %s: not attached to an SMMU: nothing to detach\n", dev->name);
		return -ENODEV;
	}
	if (m->blocked)
		return -EALREADY;
	for (i = 0; i < s->nr_masters; i++)
		if (&s->masters[i] != m && s->masters[i].sid == m->sid) {
			pr_err("smmu: %s: %s: stream 0x%x is shared with %s: not detached (both "
			       "would be blocked)\n", s->name, dev->name, m->sid,
			       s->masters[i].dev->name);
			return -EBUSY;
		}
	if (m->dom->iova_ready)
		iova_get_stats(&m->dom->iova, &st);
	if (st.pages_in_use) {
		pr_err("smmu: %s: %s: %llu pages of IOVA still mapped (or retired after a failed "
		       "invalidation): not detached\n", s->name, dev->name,
		       (unsigned long long)st.pages_in_use);
		return -EBUSY;
	}
	ret = stream_block(s, m->sid, m->dom->asid);
	/* Word 0 aborts whatever the commands did: the device counts as blocked. */
	m->blocked = true;
	m->dom->devices--;
	iommu_detach_device(dev);
	if (ret)
		pr_err("smmu: %s: %s: stream 0x%x aborts, but invalidating what the SMMU cached "
		       "failed (%d)\n", s->name, dev->name, m->sid, ret);
	else
		kprintf("smmu: %s -> stream 0x%x, blocked (detached: STE aborts)\n", dev->name,
			m->sid);
	return ret;
}

int smmu_attach(struct device *dev)
{
	struct smmu *s;
	struct smmu_master *m = master_of(dev, &s);
	int ret;

	if (!m) {
		pr_err("smmu: %s: the SMMU never had it: nothing to re-attach\n", dev->name);
		return -ENODEV;
	}
	if (!m->blocked)
		return -EALREADY;
	ret = stream_translate(s, m->sid, m->dom, m->cd);
	if (ret)
		return ret; /* the DMA layer keeps refusing: the safe side */
	m->blocked = false;
	m->dom->devices++;
	iommu_attach_device(dev, m->dom);
	kprintf("smmu: %s -> stream 0x%x, translated again (domain asid %u)\n", dev->name,
		m->sid, m->dom->asid);
	return 0;
}

int smmu_ste_read(unsigned int idx, u32 sid, u64 ste[SMMU_STE_DWORDS])
{
	struct smmu *s;
	const u64 *live;

	if (idx >= nr_smmus)
		return -ENODEV;
	s = &smmus[idx];
	if (sid >> s->sid_bits)
		return -ERANGE;
	live = ste_of(s, sid);
	if (!live)
		return -ENOENT;
	memcpy(ste, live, SMMU_STE_DWORDS * sizeof(u64));
	return 0;
}

/* --- probe -------------------------------------------------------------------- */

/* Refuse, with the reason, what this driver cannot drive (IDR0, IDR1, IDR5). */
static int check_features(const struct smmu *s)
{
	u32 idr0 = s->idr[0], idr5 = s->idr[5];
	unsigned int ttf = FIELD_GET(SMMU_IDR0_TTF, idr0);
	unsigned int endian = FIELD_GET(SMMU_IDR0_TTENDIAN, idr0);
	const char *why = NULL;

	if (!(idr0 & SMMU_IDR0_S1P))
		why = "IDR0.S1P = 0: no stage-1 translation";
	else if (ttf != SMMU_IDR0_TTF_AARCH64 && ttf != SMMU_IDR0_TTF_BOTH)
		why = "IDR0.TTF: no AArch64 translation tables";
	else if (endian != SMMU_IDR0_TTENDIAN_MIXED && endian != SMMU_IDR0_TTENDIAN_LE)
		why = "IDR0.TTENDIAN: no little-endian table walks";
	else if (!(idr5 & SMMU_IDR5_GRAN4K))
		why = "IDR5.GRAN4K = 0: no 4 KiB translation granule";
	else if (!smmu_oas_bits(FIELD_GET(SMMU_IDR5_OAS, idr5)))
		why = "IDR5.OAS holds a reserved value";
	else if (s->idr[1] & (SMMU_IDR1_TABLES_PRESET | SMMU_IDR1_QUEUES_PRESET))
		why = "IDR1: fixed (preset) table or queue addresses are not supported";
	else if (FIELD_GET(SMMU_IDR0_STALL_MODEL, idr0) == SMMU_IDR0_STALL_FORCED)
		why = "IDR0.STALL_MODEL: stalling faults forced, not supported";
	if (!why)
		return 0;
	pr_err("smmu: %s: not used: %s (IDR0 0x%08x IDR1 0x%08x IDR5 0x%08x)\n", s->name, why,
	       idr0, s->idr[1], idr5);
	return -ENODEV;
}

static void request_irq(const void *fdt, struct smmu *s, const char *irq_name,
			irq_handler_fn fn, struct irq_spec *spec, bool *have)
{
	struct irq_dt_spec dt;
	int idx = fdt_stringlist_search(fdt, s->node, "interrupt-names", irq_name);

	*have = false;
	if (idx < 0 || irq_dt_get(fdt, s->node, idx, &dt) || irq_translate(&dt, spec)) {
		pr_warn("smmu: %s: no usable \"%s\" interrupt: %s polled only\n", s->name,
			irq_name, irq_name);
		return;
	}
	if (irq_request(spec, fn, s, irq_name)) {
		pr_warn("smmu: %s: interrupt %u (%s) unavailable\n", s->name, spec->intid, irq_name);
		return;
	}
	*have = true;
}

/* Reset and enable (6.3.9 ordering: tables and queues before their enables). */
static int smmu_enable(const void *fdt, struct smmu *s, bool force_linear)
{
	u64 cmds[3][SMMU_CMD_DWORDS];
	unsigned int n = 0;
	u32 cr1, irqen = 0;
	int ret;

	if (rd(s, SMMU_CR0) & SMMU_CR0_SMMUEN)
		pr_warn("smmu: %s: was enabled by an earlier stage; resetting it\n", s->name);
	ret = write_cr0(s, 0);
	if (ret)
		return ret;
	cr1 = s->coherent ? FIELD_PREP(SMMU_CR1_TABLE_SH, SMMU_SH_ISH) |
				    FIELD_PREP(SMMU_CR1_TABLE_OC, SMMU_CACHE_WBRA) |
				    FIELD_PREP(SMMU_CR1_TABLE_IC, SMMU_CACHE_WBRA) |
				    FIELD_PREP(SMMU_CR1_QUEUE_SH, SMMU_SH_ISH) |
				    FIELD_PREP(SMMU_CR1_QUEUE_OC, SMMU_CACHE_WBRA) |
				    FIELD_PREP(SMMU_CR1_QUEUE_IC, SMMU_CACHE_WBRA) :
			    FIELD_PREP(SMMU_CR1_TABLE_SH, SMMU_SH_OSH) |
				    FIELD_PREP(SMMU_CR1_QUEUE_SH, SMMU_SH_OSH);
	wr(s, SMMU_CR1, cr1);
	/* Private TLB maintenance (no broadcast TLBI), record bad stream IDs. */
	wr(s, SMMU_CR2, SMMU_CR2_PTM | SMMU_CR2_RECINVSID);

	ret = strtab_init(s, force_linear);
	if (!ret)
		ret = queue_init(s, &s->cmdq, SMMU_CMDQ_LOG2_MAX,
				 FIELD_GET(SMMU_IDR1_CMDQS, s->idr[1]), SMMU_CMD_DWORDS,
				 SMMU_CMDQ_BASE, "command queue");
	if (!ret)
		ret = queue_init(s, &s->evtq, SMMU_EVTQ_LOG2_MAX,
				 FIELD_GET(SMMU_IDR1_EVTQS, s->idr[1]), SMMU_EVT_DWORDS,
				 SMMU_EVTQ_BASE, "event queue");
	if (ret)
		return ret;
	wr(s, SMMU_CMDQ_PROD, 0);
	wr(s, SMMU_CMDQ_CONS, 0);
	wr(s, SMMU_EVTQ_PROD, 0);
	wr(s, SMMU_EVTQ_CONS, 0);
	s->evtq_ovack = 0;

	ret = write_cr0(s, SMMU_CR0_CMDQEN);
	if (ret)
		return ret;
	/* Forget any configuration and translation cached before us (6.3.9.6). */
	smmu_cmd_cfgi_all(cmds[n++]);
	smmu_cmd_tlbi_nsnh_all(cmds[n++]);
	if (s->hyp)
		smmu_cmd_tlbi_el2_all(cmds[n++]);
	ret = cmdq_issue(s, cmds, n);
	if (ret)
		return ret;
	ret = write_cr0(s, SMMU_CR0_CMDQEN | SMMU_CR0_EVTQEN);
	if (ret)
		return ret;

	ret = write_irq_ctrl(s, 0);
	if (ret)
		return ret;
	request_irq(fdt, s, "eventq", evtq_irq, &s->evtq_irq, &s->have_evtq_irq);
	request_irq(fdt, s, "gerror", gerror_irq, &s->gerror_irq, &s->have_gerror_irq);
	if (s->have_evtq_irq)
		irqen |= SMMU_IRQ_CTRL_EVTQ_IRQEN;
	s->cnt.evtq_irq = s->have_evtq_irq;
	if (s->have_gerror_irq)
		irqen |= SMMU_IRQ_CTRL_GERROR_IRQEN;
	ret = write_irq_ctrl(s, irqen);
	if (ret)
		return ret;
	return write_cr0(s, SMMU_CR0_CMDQEN | SMMU_CR0_EVTQEN | SMMU_CR0_SMMUEN);
}

static int smmu_probe(const void *fdt, int node, bool force_linear, bool no_ril)
{
	struct smmu *s = &smmus[nr_smmus];
	phys_addr_t base;
	u64 size;
	unsigned int i;
	bool dt_coherent;
	int ret;

	memset(s, 0, sizeof(*s));
	s->node = node;
	if (dt_path(fdt, node, s->name, sizeof(s->name)) < 0)
		fmt_snprintf(s->name, sizeof(s->name), "smmu@node%d", node);
	ret = dt_reg_phys(fdt, node, 0, &base, &size);
	if (ret || size < SMMU_REG_SIZE) {
		pr_err("smmu: %s: reg must give the 128 KiB register frame (error %d, size 0x%llx)\n",
		       s->name, ret, (unsigned long long)size);
		return -EINVAL;
	}
	ret = mmu_map(base, SMMU_REG_SIZE, MMU_DEVICE, "smmu");
	if (ret) {
		pr_err("smmu: %s: cannot map registers at 0x%llx (error %d)\n", s->name,
		       (unsigned long long)base, ret);
		return ret;
	}
	s->base = base;
	for (i = 0; i < 6; i++)
		s->idr[i] = rd(s, SMMU_IDR0 + 4 * i);
	ret = check_features(s);
	if (ret)
		return ret;
	ret = device_init_dt(&s->dev, node);
	if (ret)
		return ret;
	fmt_snprintf(s->dev.name, sizeof(s->dev.name), "%s", s->name);
	dt_coherent = s->dev.dma_coherent;
	s->coherent = dt_coherent && (s->idr[0] & SMMU_IDR0_COHACC);
	if (dt_coherent && !s->coherent) {
		pr_warn("smmu: %s: DT says dma-coherent but IDR0.COHACC = 0: treated as "
			"non-coherent\n", s->name);
		s->dev.dma_coherent = false;
	}
	s->oas = FIELD_GET(SMMU_IDR5_OAS, s->idr[5]);
	if (smmu_oas_bits(s->oas) > PGTABLE_MAX_VA_BITS)
		s->oas = 5; /* 48 bits: all the page tables here can express */
	dma_set_mask_and_coherent(&s->dev, DMA_BIT_MASK(smmu_oas_bits(s->oas)));
	s->sid_bits = FIELD_GET(SMMU_IDR1_SIDSIZE, s->idr[1]);
	s->ril = (s->idr[3] & SMMU_IDR3_RIL) && !no_ril;
	s->hyp = s->idr[0] & SMMU_IDR0_HYP;
	s->asid_bits = s->idr[0] & SMMU_IDR0_ASID16 ? 16 : 8;
	s->next_asid = 1; /* ASID 0 is never used: a zeroed CD cannot alias a domain */

	ret = smmu_enable(fdt, s, force_linear);
	if (ret) {
		pr_err("smmu: %s: not enabled (error %d)\n", s->name, ret);
		return ret;
	}
	nr_smmus++;
	kprintf("smmu: %s: SMMUv3.%lu at 0x%llx, %u-bit stream IDs, %s stream table, "
		"%u-bit ASIDs, OAS %u bits, %s%s, %s\n", s->name,
		(unsigned long)FIELD_GET(SMMU_AIDR_MINOR, rd(s, SMMU_AIDR)),
		(unsigned long long)base, s->sid_bits, s->two_level ? "2-level" : "linear",
		s->asid_bits, smmu_oas_bits(s->oas), s->coherent ? "coherent" : "non-coherent",
		s->ril ? ", range invalidation" : "",
		s->have_evtq_irq ? "event interrupt" : "events polled");
	return 0;
}

/* Give each PCI function behind @s its stream. */
static void attach_pci(struct smmu *s)
{
	unsigned int i;
	bool stopped;

	for (i = 0; i < pci_dev_count(); i++) {
		struct pci_dev *p = pci_dev_get(i);

		if (!p->has_iommu || p->iommu_node != s->node)
			continue;
		if (attach(s, &p->dev, p->stream_id)) {
			iommu_detach_device(&p->dev);
			/*
			 * Defence in depth: with Bus Master Enable clear the function
			 * issues no DMA at all (PCIe Base 4.0 7.5.1.1.3), so a wrong
			 * STE could not let it through; pci_set_master() keeps it
			 * clear while the device is blocked. pci_stop_dma() reports
			 * a function that ignores the bit.
			 */
			stopped = pci_stop_dma(p) == 0;
			pr_err("smmu: %s: %s not attached: the SMMU aborts its stream and the DMA "
			       "layer refuses its mappings%s\n", s->name, p->dev.name,
			       stopped ? "; bus mastering off" : "");
		}
	}
}

int smmu_init(const void *fdt, const char *bootargs)
{
	bool force_linear = false, no_ril = false;
	const char *val;
	size_t len;
	int node, err = 0;

	if (cmdline_get(bootargs, "smmu.strtab", &val, &len))
		force_linear = len == 6 && !memcmp(val, "linear", 6);
	if (cmdline_get(bootargs, "smmu.ril", &val, &len))
		no_ril = len == 3 && !memcmp(val, "off", 3);
	for (node = fdt_node_offset_by_compatible(fdt, -1, "arm,smmu-v3"); node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, "arm,smmu-v3")) {
		if (!dt_is_available(fdt, node))
			continue;
		if (nr_smmus == SMMU_MAX) {
			pr_err("smmu: more than %u SMMUs in the DT: the rest are not used\n",
			       SMMU_MAX);
			break;
		}
		if (smmu_probe(fdt, node, force_linear, no_ril))
			err = -ENODEV;
		else
			attach_pci(&smmus[nr_smmus - 1]);
	}
	return err;
}

unsigned int smmu_count(void)
{
	return nr_smmus;
}

int smmu_issue(unsigned int idx, const u64 (*cmds)[SMMU_CMD_DWORDS], unsigned int n)
{
	if (idx >= nr_smmus)
		return -ENODEV;
	return cmdq_issue(&smmus[idx], cmds, n);
}

int smmu_get_counters(unsigned int idx, struct smmu_counters *c)
{
	if (idx >= nr_smmus)
		return -ENODEV;
	*c = smmus[idx].cnt;
	return 0;
}

int smmu_show(unsigned int idx, u32 sid)
{
	struct smmu *s;
	unsigned int i;

	if (idx >= nr_smmus)
		return -ENODEV;
	s = &smmus[idx];
	kprintf("%s: base 0x%llx, CR0 0x%x, GERROR 0x%x/0x%x, %s stream table (%u bits), "
		"%s, %s\n", s->name, (unsigned long long)s->base, rd(s, SMMU_CR0),
		rd(s, SMMU_GERROR), rd(s, SMMU_GERRORN), s->two_level ? "2-level" : "linear",
		s->sid_bits, s->coherent ? "coherent" : "non-coherent",
		s->ril ? "range invalidation" : "per-leaf invalidation");
	kprintf("  cmdq: %u entries, PROD 0x%x CONS 0x%x; evtq: %u entries, PROD 0x%x CONS 0x%x\n",
		1U << s->cmdq.log2, rd(s, SMMU_CMDQ_PROD), rd(s, SMMU_CMDQ_CONS),
		1U << s->evtq.log2, rd(s, SMMU_EVTQ_PROD), rd(s, SMMU_EVTQ_CONS));
	kprintf("  commands %llu, syncs %llu, command errors %llu, events %llu, overflows %llu, "
		"global errors %llu\n", (unsigned long long)s->cnt.cmds,
		(unsigned long long)s->cnt.syncs, (unsigned long long)s->cnt.cerrors,
		(unsigned long long)s->cnt.events, (unsigned long long)s->cnt.overflows,
		(unsigned long long)s->cnt.gerrors);
	for (i = 0; i < s->nr_masters; i++) {
		const struct iommu_domain *d = s->masters[i].dom;

		kprintf("  stream 0x%04x %-24s asid %u, %llu maps, %llu unmaps, %llu TLBI, "
			"%llu syncs%s\n", s->masters[i].sid, s->masters[i].dev->name, d->asid,
			(unsigned long long)d->stats.maps, (unsigned long long)d->stats.unmaps,
			(unsigned long long)d->stats.tlbi, (unsigned long long)d->stats.syncs,
			s->masters[i].blocked ? ", BLOCKED (detached)" : "");
	}
	if (sid != ~0U) {
		u64 ste[SMMU_STE_DWORDS];
		int ret = smmu_ste_read(idx, sid, ste);

		if (ret) {
			kprintf("  stream 0x%x: no STE (%s): aborts\n", sid,
				ret == -ERANGE ? "beyond the stream table" :
						 "level-1 descriptor invalid");
			return 0;
		}
		kprintf("  STE 0x%x: V %llu, Config %llu (%s), S1ContextPtr 0x%llx\n", sid,
			(unsigned long long)(ste[0] & SMMU_STE0_V),
			(unsigned long long)FIELD_GET(SMMU_STE0_CFG, ste[0]),
			FIELD_GET(SMMU_STE0_CFG, ste[0]) == SMMU_STE_CFG_S1_TRANS ? "stage 1" :
			FIELD_GET(SMMU_STE0_CFG, ste[0]) == SMMU_STE_CFG_ABORT ? "abort" : "other",
			(unsigned long long)(ste[0] & SMMU_STE0_S1CTXPTR));
		for (i = 0; i < SMMU_STE_DWORDS; i += 4)
			kprintf("    %016llx %016llx %016llx %016llx\n",
				(unsigned long long)ste[i], (unsigned long long)ste[i + 1],
				(unsigned long long)ste[i + 2], (unsigned long long)ste[i + 3]);
	}
	return 0;
}

void smmu_show_faults(void)
{
	unsigned long seq = fault_seq > SMMU_FAULT_RING ? fault_seq - SMMU_FAULT_RING : 0;

	if (!fault_seq)
		kprintf("no SMMU faults recorded\n");
	for (seq++; seq <= fault_seq; seq++) {
		const struct smmu_fault *f = &faults[(seq - 1) % SMMU_FAULT_RING];

		kprintf("  #%lu %s stream 0x%x IOVA 0x%llx %s\n", f->seq, smmu_event_name(f->ev.id),
			f->ev.sid, (unsigned long long)f->ev.addr, f->ev.read ? "read" : "write");
	}
}
