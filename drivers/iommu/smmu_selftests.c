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
#include <drivers/smmu_v3.h>
#include <errno.h>
#include <fmt.h>
#include <iommu.h>
#include <mm/page_alloc.h>
#include <selftest.h>

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
