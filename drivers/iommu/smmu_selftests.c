/*
 * SMMUv3 self-tests on the SMMU the DT describes (skipped without one).
 * Translation faults, permissions and isolation are proven with real DMA
 * in drivers/misc/edu_selftests.c.
 */
#include <arch/pmu.h>
#include <console.h>
#include <dma.h>
#include <drivers/edu.h>
#include <drivers/pci.h>
#include <drivers/pci_regs.h>
#include <drivers/smmu_v3.h>
#include <errno.h>
#include <fmt.h>
#include <iommu.h>
#include <mm/page_alloc.h>
#include <selftest.h>
#include <string.h>

/* A command batch completes: CONS reaches the CMD_SYNC behind it. */
SELFTEST(smmu, cmd_sync_completes)
{
	u64 cmd[1][SMMU_CMD_DWORDS];
	struct smmu_counters before, after;
	int ret;

	if (!smmu_count())
		ST_SKIP("no SMMU in this DT (run with -M virt,iommu=smmuv3)");
	smmu_get_counters(0, &before);
	smmu_cmd_tlbi_nsnh_all(cmd[0]);
	ret = smmu_issue(0, cmd, 1);
	smmu_get_counters(0, &after);
	ST_ASSERT(ret == 0, "smmu_issue returned %d", ret);
	ST_ASSERT(after.syncs == before.syncs + 1 && after.cmds == before.cmds + 2,
		  "syncs %llu -> %llu, cmds %llu -> %llu", (unsigned long long)before.syncs,
		  (unsigned long long)after.syncs, (unsigned long long)before.cmds,
		  (unsigned long long)after.cmds);
	ST_ASSERT(after.cerrors == before.cerrors, "a valid command was rejected");
	return ST_PASS;
}

/*
 * An illegal command stops the queue with CERROR_ILL (7.1): the driver
 * reports it, skips it, and the commands behind it still run.
 */
SELFTEST(smmu, command_error_recovers)
{
	u64 cmds[3][SMMU_CMD_DWORDS];
	struct smmu_counters before, after;
	int ret;

	if (!smmu_count())
		ST_SKIP("no SMMU in this DT");
	smmu_get_counters(0, &before);
	cmds[0][0] = FIELD_PREP(SMMU_CMD0_OP, 0x7f); /* no such opcode */
	cmds[0][1] = 0;
	smmu_cmd_tlbi_nsnh_all(cmds[1]);
	smmu_cmd_cfgi_all(cmds[2]);
	ret = smmu_issue(0, cmds, 3);
	smmu_get_counters(0, &after);
	ST_ASSERT(ret == -EIO, "an illegal command gave %d, expected -EIO", ret);
	ST_ASSERT(after.cerrors == before.cerrors + 1, "command errors %llu -> %llu",
		  (unsigned long long)before.cerrors, (unsigned long long)after.cerrors);
	/* The queue works again. */
	ret = smmu_issue(0, cmds + 1, 1);
	ST_ASSERT(ret == 0, "queue not recovered: %d", ret);
	return ST_PASS;
}

/* IOVAs no test maps: the allocator fills the edu's 28-bit space from below. */
#define OVF_IOVA 0x0fe00000ULL
#define OVF_LEN 4000			/* one page: a single burst of like faults */
#define ONE_FAULT_IOVA 0x0fd00040ULL

static bool edu_translated(struct edu **e, u32 *sid)
{
	*e = edu_get(0);
	return *e && !smmu_stream_of((*e)->dev, sid) && !(*e)->dev->iommu->blocked;
}

/* Memory -> device buffer -> memory through fresh mappings: the data survives. */
static enum st_result data_moves(struct selftest_ctx *ctx, struct edu *e, size_t len)
{
	u8 *src = page_alloc(0), *dst = page_alloc(0);
	size_t i;
	int r1, r2;

	ST_ASSERT(src && dst, "no memory");
	for (i = 0; i < len; i++)
		src[i] = (u8)(i * 7 + 3);
	memset(dst, 0, PAGE_SIZE);
	r1 = edu_dma_buf(e, src, len, true, NULL);
	ST_ASSERT(r1 != -ENOMEM, "map for the device failed: %s", dma_debug_last());
	r2 = edu_dma_buf(e, dst, len, false, NULL);
	ST_ASSERT(r2 != -ENOMEM, "map from the device failed: %s", dma_debug_last());
	ST_ASSERT(r1 == 0 && r2 == 0, "mapped DMA of %zu bytes: %d, %d", len, r1, r2);
	ST_ASSERT(!memcmp(src, dst, len), "%zu bytes came back different", len);
	page_free(src);
	page_free(dst);
	return ST_PASS;
}

/*
 * Event-queue overflow, provoked and recovered from. QEMU's edu moves its
 * buffer with one DMA call, which QEMU's SMMUv3 translates per 4-byte
 * access, recording one F_TRANSLATION per access: 4000 bytes to an
 * unmapped IOVA are 1000 events, while the guest cannot drain the 128-entry
 * queue until the device model returns. A full queue in QEMU 10
 * (hw/arm/smmuv3.c, smmuv3_write_eventq()) discards the record and raises
 * GERROR.EVENTQ_ABT_ERR, once until acknowledged; it never toggles
 * EVENTQ_PROD.OVFLG as 7.4 describes. The driver reports either as events
 * lost. Two rounds: the second overflow is flagged only if the first was
 * acknowledged (7.5). Then recording works (one access, one event, decoded
 * right) and so does mapped DMA.
 */
SELFTEST(smmu, event_queue_overflow_recovers)
{
	struct smmu_counters c0, c1;
	struct smmu_fault f;
	unsigned long seq;
	unsigned int round;
	struct edu *e;
	phys_addr_t pa;
	u32 sid;
	int ret;

	if (!edu_translated(&e, &sid))
		ST_SKIP("needs an edu behind the SMMU");
	ST_ASSERT(iommu_iova_to_phys(e->dev->iommu, OVF_IOVA, &pa) &&
			  iommu_iova_to_phys(e->dev->iommu, ONE_FAULT_IOVA, &pa),
		  "a test IOVA is mapped");
	for (round = 1; round <= 2; round++) {
		smmu_get_counters(0, &c0);
		ret = edu_dma(e, OVF_IOVA, 0, OVF_LEN, false);
		smmu_poll_events();
		smmu_get_counters(0, &c1);
		kprintf("smmu: overflow round %u: %u-byte write = %u faulting accesses, %llu events "
			"recorded, %llu lost, %llu overflow reports, %llu global errors\n", round,
			OVF_LEN, OVF_LEN / 4, (unsigned long long)(c1.events - c0.events),
			(unsigned long long)(OVF_LEN / 4 - (c1.events - c0.events)),
			(unsigned long long)(c1.overflows - c0.overflows),
			(unsigned long long)(c1.gerrors - c0.gerrors));
		ST_ASSERT(ret == -EIO, "round %u: transfer returned %d, expected -EIO", round, ret);
		ST_ASSERT(c1.events - c0.events < OVF_LEN / 4, "round %u: every event recorded: the "
			  "queue did not overflow", round);
		ST_ASSERT(c1.overflows > c0.overflows, "round %u: events lost but no overflow "
			  "reported (the last one not acknowledged?)", round);
	}
	smmu_get_counters(0, &c0);
	seq = smmu_fault_seq();
	ret = edu_dma(e, ONE_FAULT_IOVA, 0, 4, false);
	smmu_poll_events();
	smmu_get_counters(0, &c1);
	ST_ASSERT(ret == -EIO, "single faulting access returned %d", ret);
	ST_ASSERT(c1.events == c0.events + 1 && c1.overflows == c0.overflows,
		  "one access gave %llu events, %llu overflow reports",
		  (unsigned long long)(c1.events - c0.events),
		  (unsigned long long)(c1.overflows - c0.overflows));
	ST_ASSERT(smmu_fault_find(seq, sid, &f), "no fault recorded for stream 0x%x", sid);
	ST_ASSERT(f.ev.id == SMMU_EVT_F_TRANSLATION && f.ev.addr == ONE_FAULT_IOVA && !f.ev.read,
		  "recorded %s at 0x%llx (%s), expected F_TRANSLATION write at 0x%llx",
		  smmu_event_name(f.ev.id), (unsigned long long)f.ev.addr,
		  f.ev.read ? "read" : "write", ONE_FAULT_IOVA);
	return data_moves(ctx, e, OVF_LEN);
}

/*
 * A detached device is blocked: its STE aborts (Config = 0b000, "Report
 * abort to device, no event recorded", 5.2), so a DMA to an IOVA that was
 * valid while attached leaves memory unchanged and records nothing (a
 * translating STE would record F_TRANSLATION for the now-unmapped IOVA),
 * and the DMA layer refuses its mappings. Re-attaching restores translation.
 */
SELFTEST(smmu, detached_device_is_blocked)
{
	struct smmu_counters c0, c1;
	u64 ste[SMMU_STE_DWORDS];
	enum st_result r;
	dma_addr_t d, h;
	struct edu *e;
	u8 *buf, *ref;
	void *cpu;
	u32 sid;
	int ret;

	if (!edu_translated(&e, &sid))
		ST_SKIP("needs an edu behind the SMMU");
	buf = page_alloc(0);
	ref = page_alloc(0);
	ST_ASSERT(buf && ref, "no memory");
	r = data_moves(ctx, e, 256); /* attached: works, and loads the device buffer */
	if (r != ST_PASS)
		return r;
	d = dma_map_single(e->dev, buf, 256, DMA_FROM_DEVICE);
	ST_ASSERT(!dma_mapping_error(e->dev, d), "map failed");
	ret = smmu_detach(e->dev);
	dma_unmap_single(e->dev, d, 256, DMA_FROM_DEVICE);
	ST_ASSERT(ret == -EBUSY, "detach with a live mapping returned %d, expected -EBUSY", ret);

	ret = smmu_detach(e->dev);
	ST_ASSERT(ret == 0, "detach returned %d", ret);
	ST_ASSERT(smmu_ste_read(0, sid, ste) == 0 && (ste[0] & SMMU_STE0_V) &&
			  FIELD_GET(SMMU_STE0_CFG, ste[0]) == SMMU_STE_CFG_ABORT,
		  "STE 0x%x word 0 is 0x%llx, expected V=1 Config=abort", sid,
		  (unsigned long long)ste[0]);
	memset(buf, 0x77, PAGE_SIZE);
	memcpy(ref, buf, PAGE_SIZE);
	smmu_get_counters(0, &c0);
	ret = edu_dma(e, d, 0, 256, false);
	smmu_poll_events();
	smmu_get_counters(0, &c1);
	kprintf("smmu: blocked stream 0x%x: DMA to IOVA 0x%llx: edu says %d, %llu events\n", sid,
		(unsigned long long)d, ret, (unsigned long long)(c1.events - c0.events));
	ST_ASSERT(!memcmp(buf, ref, PAGE_SIZE), "the blocked device wrote memory");
	ST_ASSERT(c1.events == c0.events, "%llu events recorded: the STE still translates",
		  (unsigned long long)(c1.events - c0.events));

	h = dma_map_single(e->dev, buf, 64, DMA_FROM_DEVICE);
	ST_ASSERT(dma_mapping_error(e->dev, h), "mapped for a blocked device at 0x%llx",
		  (unsigned long long)h);
	ST_ASSERT(!strncmp(dma_debug_last() + strlen(e->dev->name) + 2, "DMA refused", 11),
		  "refused without the reason: %s", dma_debug_last());
	cpu = dma_alloc_coherent(e->dev, PAGE_SIZE, &h, GFP_KERNEL);
	ST_ASSERT(!cpu, "coherent memory for a blocked device at 0x%llx", (unsigned long long)h);
	ST_ASSERT(smmu_detach(e->dev) == -EALREADY, "second detach not refused");

	ret = smmu_attach(e->dev);
	ST_ASSERT(ret == 0, "re-attach returned %d", ret);
	ST_ASSERT(smmu_ste_read(0, sid, ste) == 0 &&
			  FIELD_GET(SMMU_STE0_CFG, ste[0]) == SMMU_STE_CFG_S1_TRANS,
		  "STE word 0 is 0x%llx after re-attach", (unsigned long long)ste[0]);
	ST_ASSERT(smmu_attach(e->dev) == -EALREADY, "second attach not refused");
	page_free(buf);
	page_free(ref);
	return data_moves(ctx, e, 256);
}

/*
 * Streams no device was attached to abort: every STE of a linear table and
 * of a populated level-2 table starts as V=1, Config=abort (5.2: no traffic,
 * no event), and a level-1 descriptor with SPAN 0 makes its streams invalid
 * (5.1.1: aborted, C_BAD_STREAMID recorded as CR2.RECINVSID asks). SMMU_GBPA
 * plays no part: it governs traffic only while SMMUEN = 0.
 */
SELFTEST(smmu, unused_streams_abort)
{
	u64 ste[SMMU_STE_DWORDS] = { 0 };
	struct edu *e;
	u32 sid, far = 0xfe00; /* bus 0xfe: nothing there in any run */
	int ret;

	if (!edu_translated(&e, &sid))
		ST_SKIP("needs an edu behind the SMMU");
	/* Function 1 of the edu's slot: edu is single-function. */
	ret = smmu_ste_read(0, sid + 1, ste);
	ST_ASSERT(ret == 0, "STE 0x%x next to an attached one: %d", sid + 1, ret);
	ST_ASSERT((ste[0] & SMMU_STE0_V) && FIELD_GET(SMMU_STE0_CFG, ste[0]) == SMMU_STE_CFG_ABORT,
		  "unused STE 0x%x word 0 is 0x%llx, expected V=1 Config=abort", sid + 1,
		  (unsigned long long)ste[0]);
	ret = smmu_ste_read(0, far, ste);
	ST_ASSERT(ret == -ENOENT || (ret == 0 && (ste[0] & SMMU_STE0_V) &&
				     FIELD_GET(SMMU_STE0_CFG, ste[0]) == SMMU_STE_CFG_ABORT),
		  "stream 0x%x: %d, word 0 0x%llx: neither aborting nor without a level-2 table",
		  far, ret, (unsigned long long)ste[0]);
	ST_ASSERT(smmu_ste_read(0, 1U << 24, ste) == -ERANGE, "stream 2^24 inside the table");
	return ST_PASS;
}

/*
 * A function iommu-map puts behind the SMMU on a stream the SMMU cannot
 * have (beyond IDR1.SIDSIZE, as the smmu-sid-range run's DT says) is not
 * attached: the DMA layer refuses its mappings with the reason, and what it
 * reaches for anyway is aborted. QEMU derives the stream from the requester
 * ID whatever the DT says; that STE is an unused one: V=1, Config=abort.
 * Its Bus Master Enable is clear as well (attach_pci()), and stays clear
 * through the driver's probe and another pci_set_master(on).
 */
SELFTEST(smmu, unattached_function_refused)
{
	struct smmu_counters c0, c1;
	struct edu *e = NULL;
	unsigned int i;
	dma_addr_t d;
	u8 *buf, *ref;
	u32 sid;
	u16 cmd;
	int ret;

	for (i = 0; i < edu_count() && !e; i++)
		if (edu_get(i)->pdev->has_iommu && smmu_stream_of(edu_get(i)->dev, &sid))
			e = edu_get(i);
	if (!e)
		ST_SKIP("every edu behind the SMMU is attached (smmu-sid-range has one that is not)");
	ST_ASSERT(e->dev->iommu && e->dev->iommu->blocked, "%s is not blocked in the DMA layer",
		  e->pdev->bdf);
	/* Bus Master Enable: cleared at attach, kept clear through edu's probe and a retry. */
	cmd = pci_read_config16(e->pdev, PCI_COMMAND);
	ST_ASSERT(!(cmd & PCI_COMMAND_MASTER), "%s: COMMAND 0x%04x after probe: bus mastering on",
		  e->pdev->bdf, cmd);
	pci_set_master(e->pdev, true);
	cmd = pci_read_config16(e->pdev, PCI_COMMAND);
	ST_ASSERT(!(cmd & PCI_COMMAND_MASTER), "%s: COMMAND 0x%04x: pci_set_master() turned bus "
		  "mastering on", e->pdev->bdf, cmd);
	kprintf("smmu: unattached %s: Bus Master Enable clear (COMMAND 0x%04x), set refused\n",
		e->pdev->bdf, cmd);
	buf = page_alloc(0);
	ref = page_alloc(0);
	ST_ASSERT(buf && ref, "no memory");
	d = dma_map_single(e->dev, buf, 64, DMA_FROM_DEVICE);
	ST_ASSERT(dma_mapping_error(e->dev, d), "mapped at 0x%llx", (unsigned long long)d);
	ST_ASSERT(!strncmp(dma_debug_last() + strlen(e->dev->name) + 2, "DMA refused", 11),
		  "refused without the reason: %s", dma_debug_last());
	if ((uintptr_t)buf + PAGE_SIZE - 1 <= e->dev->dma_mask) {
		/* As a rogue driver would: the buffer's physical address, no mapping. */
		memset(buf, 0x5c, PAGE_SIZE);
		memcpy(ref, buf, PAGE_SIZE);
		smmu_get_counters(0, &c0);
		ret = edu_dma(e, (uintptr_t)buf, 0, 256, false);
		smmu_poll_events();
		smmu_get_counters(0, &c1);
		kprintf("smmu: unattached %s: DMA to 0x%llx: edu says %d, %llu events\n",
			e->pdev->bdf, (unsigned long long)(uintptr_t)buf, ret,
			(unsigned long long)(c1.events - c0.events));
		ST_ASSERT(!memcmp(buf, ref, PAGE_SIZE), "the unattached function wrote memory");
	}
	page_free(buf);
	page_free(ref);
	return ST_PASS;
}

struct bench_row {
	u64 map, unmap;			/* instructions */
	u64 map_cmds, unmap_cmds, unmap_syncs, unmap_tlbi;
};

static void bench_report(const char *what, u64 pages, const struct bench_row *r)
{
	kprintf("bench: smmu_map_unmap %s pages=%llu map=%llu unmap=%llu map_cmds=%llu "
		"unmap_cmds=%llu unmap_syncs=%llu unmap_tlbi=%llu\n", what,
		(unsigned long long)pages, (unsigned long long)r->map, (unsigned long long)r->unmap,
		(unsigned long long)r->map_cmds, (unsigned long long)r->unmap_cmds,
		(unsigned long long)r->unmap_syncs, (unsigned long long)r->unmap_tlbi);
}

/* The issue's targets for one unmap of @pages pages. */
static bool bench_ok(const struct bench_row *r, u64 pages, bool ril)
{
	return r->map_cmds == 0 && r->unmap_syncs == 1 &&
	       (!ril || r->unmap_tlbi <= (u64)__builtin_popcountll(pages));
}

/*
 * Instructions for map + unmap through the SMMU (4 KiB, 64 KiB, 2 MiB, a
 * 16-segment list) and the commands each issues: no TLBI on map; per unmap
 * one CMD_SYNC and, with range invalidation, at most one TLBI per
 * power-of-two run of pages. dma-debug off: its bookkeeping is not the
 * path a driver pays for. Needs INST_RETIRED (make bench's -icount run).
 */
SELFTEST(smmu, bench_map)
{
	static const size_t sizes[] = { 4096, 65536, 2 << 20 };
	struct pci_dev *p = pci_find(EDU_VENDOR, EDU_DEVICE, NULL);
	struct scatterlist sg[16];
	struct iommu_domain *d;
	const char *why;
	struct bench_row r;
	bool ok = true, dbg;
	u8 *buf, *pages[16];
	unsigned int s, i, rep;
	u64 ovh, c0, c1, c2, cmds, syncs, tlbi;
	char what[24];
	dma_addr_t dma = 0;

	if (!p || !p->dev.iommu)
		ST_SKIP("needs an edu behind the SMMU");
	why = pmu_start();
	if (why)
		ST_SKIP("%s", why);
	d = p->dev.iommu;
	buf = page_alloc(9); /* 2 MiB aligned: the 2 MiB map can be one block */
	for (i = 0; i < 16; i++)
		pages[i] = page_alloc(0);
	ST_ASSERT(buf && pages[15], "no memory");
	ovh = pmu_read();
	ovh = pmu_read() - ovh;
	dbg = dma_debug_set(false);
	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		for (rep = 0; rep < 2; rep++) { /* the second run is the steady state */
			cmds = d->stats.cmds;
			c0 = pmu_read();
			dma = dma_map_single(&p->dev, buf, sizes[s], DMA_BIDIRECTIONAL);
			c1 = pmu_read();
			r.map_cmds = d->stats.cmds - cmds;
			cmds = d->stats.cmds;
			syncs = d->stats.syncs;
			tlbi = d->stats.tlbi;
			dma_unmap_single(&p->dev, dma, sizes[s], DMA_BIDIRECTIONAL);
			c2 = pmu_read();
		}
		r.map = c1 - c0 - ovh;
		r.unmap = c2 - c1 - ovh;
		r.unmap_cmds = d->stats.cmds - cmds;
		r.unmap_syncs = d->stats.syncs - syncs;
		r.unmap_tlbi = d->stats.tlbi - tlbi;
		fmt_snprintf(what, sizeof(what), "size=%zu", sizes[s]);
		bench_report(what, sizes[s] >> PAGE_SHIFT, &r);
		ok &= bench_ok(&r, sizes[s] >> PAGE_SHIFT, true) && dma != DMA_MAPPING_ERROR;
	}
	for (rep = 0; rep < 2; rep++) {
		for (i = 0; i < 16; i++)
			sg_set_buf(&sg[i], pages[i], PAGE_SIZE);
		cmds = d->stats.cmds;
		c0 = pmu_read();
		ok &= dma_map_sg(&p->dev, sg, 16, DMA_TO_DEVICE) == 16;
		c1 = pmu_read();
		r.map_cmds = d->stats.cmds - cmds;
		cmds = d->stats.cmds;
		syncs = d->stats.syncs;
		tlbi = d->stats.tlbi;
		dma_unmap_sg(&p->dev, sg, 16, DMA_TO_DEVICE);
		c2 = pmu_read();
	}
	r.map = c1 - c0 - ovh;
	r.unmap = c2 - c1 - ovh;
	r.unmap_cmds = d->stats.cmds - cmds;
	r.unmap_syncs = d->stats.syncs - syncs;
	r.unmap_tlbi = d->stats.tlbi - tlbi;
	bench_report("sg=16x4096", 16, &r);
	ok &= bench_ok(&r, 16, true);
	dma_debug_set(dbg);
	pmu_stop();
	page_free(buf);
	for (i = 0; i < 16; i++)
		page_free(pages[i]);
	ST_ASSERT(ok, "a map issued commands, or an unmap needed more than one CMD_SYNC or more "
		      "than one range TLBI per power-of-two run (see the bench: lines)");
	return ST_PASS;
}
