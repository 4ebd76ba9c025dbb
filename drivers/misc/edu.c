/*
 * QEMU edu driver (see <drivers/edu.h>).
 *
 * A transfer: program source, destination, count, then the command with
 * "interrupt when done"; the device moves the data (through the SMMU when
 * it is behind one) and raises INTx; the handler acknowledges the device
 * and marks the transfer done. INTx lines are shared between functions
 * (PCI swizzle), so one handler per line serves every edu on it.
 */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/mmio.h>
#include <arch/timer.h>
#include <cmdline.h>
#include <console.h>
#include <dma.h>
#include <drivers/edu.h>
#include <drivers/irq.h>
#include <drivers/pci.h>
#include <drivers/smmu_v3.h>
#include <errno.h>
#include <stdlib.h>

#define EDU_MAX 4
/* The model completes a transfer 100 ms (virtual clock) after the command. */
#define EDU_TIMEOUT_US 2000000

static struct edu edus[EDU_MAX];
static unsigned int nr_edus;

/* Acknowledge every edu on this line that has its interrupt raised (level). */
static void edu_irq(void *ctx)
{
	u32 intid = (u32)(uintptr_t)ctx;
	unsigned int i;

	for (i = 0; i < nr_edus; i++) {
		struct edu *e = &edus[i];
		u32 st;

		if (e->intid != intid)
			continue;
		st = mmio_read32(e->regs + EDU_REG_IRQ_STATUS);
		if (!st)
			continue;
		mmio_write32(e->regs + EDU_REG_IRQ_ACK, st);
		e->irqs++;
		if (st & EDU_IRQ_DMA)
			e->done = true;
	}
}

static bool line_taken(u32 intid, unsigned int upto)
{
	unsigned int i;

	for (i = 0; i < upto; i++)
		if (edus[i].intid == intid)
			return true;
	return false;
}

static void edu_take_irq(struct edu *e)
{
	struct irq_spec spec;
	int ret;

	e->intid = 0;
	if (!e->pdev->has_intx || irq_translate(&e->pdev->intx, &spec)) {
		pr_warn("edu: %s: no usable INTx: completion is polled\n", e->pdev->bdf);
		return;
	}
	if (!line_taken(spec.intid, (unsigned int)(e - edus))) {
		ret = irq_request(&spec, edu_irq, (void *)(uintptr_t)spec.intid, "edu");
		if (ret) {
			pr_warn("edu: %s: interrupt %u unavailable (%d): completion is polled\n",
				e->pdev->bdf, spec.intid, ret);
			return;
		}
	}
	e->intid = spec.intid;
}

unsigned int edu_init(const char *bootargs)
{
	unsigned long bits = EDU_DEFAULT_DMA_BITS;
	struct pci_dev *p = NULL;
	const char *val;
	size_t len;

	if (cmdline_get(bootargs, "edu.dma_bits", &val, &len)) {
		bits = strtoul(val, NULL, 10);
		if (bits < 12 || bits > 64) {
			pr_err("edu: edu.dma_bits=%lu is not 12..64: using %u\n", bits,
			       EDU_DEFAULT_DMA_BITS);
			bits = EDU_DEFAULT_DMA_BITS;
		}
	}
	while ((p = pci_find(EDU_VENDOR, EDU_DEVICE, p)) && nr_edus < EDU_MAX) {
		struct edu *e = &edus[nr_edus];
		const char *how;
		u32 ident, sid;

		if (!p->enabled || p->bar[0].size < EDU_BAR_SIZE_MIN || p->bar[0].io) {
			pr_err("edu: %s: BAR0 not assigned as memory: not used\n", p->bdf);
			continue;
		}
		e->pdev = p;
		e->dev = &p->dev;
		e->regs = p->bar[0].base;
		ident = mmio_read32(e->regs + EDU_REG_IDENT);
		if (FIELD_GET(EDU_IDENT_MAGIC, ident) != EDU_IDENT_MAGIC_VALUE) {
			pr_err("edu: %s: identification 0x%08x is not an edu's: not used\n", p->bdf,
			       ident);
			continue;
		}
		if (dma_set_mask_and_coherent(e->dev, DMA_BIT_MASK(bits))) {
			pr_err("edu: %s: DMA mask of %lu bits refused\n", p->bdf, bits);
			continue;
		}
		edu_take_irq(e);
		pci_set_master(p, true);
		nr_edus++;
		how = !smmu_stream_of(e->dev, &sid) ? "behind the SMMU" :
		      e->dev->iommu ? "DMA blocked by the IOMMU (not attached)" : "direct DMA";
		if (e->intid)
			kprintf("edu: %s v%u.%u, %lu-bit DMA mask, completion interrupt INTID %u, "
				"%s\n", p->bdf, ident >> 24, (ident >> 16) & 0xff, bits, e->intid, how);
		else
			kprintf("edu: %s v%u.%u, %lu-bit DMA mask, completion polled, %s\n", p->bdf,
				ident >> 24, (ident >> 16) & 0xff, bits, how);
	}
	return nr_edus;
}

unsigned int edu_count(void)
{
	return nr_edus;
}

struct edu *edu_get(unsigned int i)
{
	return i < nr_edus ? &edus[i] : NULL;
}

static bool dma_busy(const struct edu *e)
{
	return mmio_read32(e->regs + EDU_REG_DMA_CMD) & EDU_DMA_CMD_START;
}

int edu_dma(struct edu *e, dma_addr_t dma, unsigned int off, size_t len, bool to_device)
{
	unsigned long seq = smmu_fault_seq();
	struct smmu_fault f;
	u64 deadline;
	u32 sid;

	if (!len || len > EDU_MAX_XFER || off >= EDU_BUF_SIZE || len > EDU_BUF_SIZE - off) {
		pr_err("edu: %s: cannot move %zu bytes at buffer offset %u (1..%u bytes within "
		       "the %u-byte buffer)\n", e->pdev->bdf, len, off, EDU_MAX_XFER, EDU_BUF_SIZE);
		return -EINVAL;
	}
	/* The device would silently drop address bits above its mask: never let it. */
	if (dma + len - 1 < dma || dma + len - 1 > e->dev->dma_mask) {
		pr_err("edu: %s: DMA address 0x%llx+%zu is beyond the device's mask 0x%llx: "
		       "refused\n", e->pdev->bdf, (unsigned long long)dma, len,
		       (unsigned long long)e->dev->dma_mask);
		return -EINVAL;
	}
	if (dma_busy(e)) {
		pr_err("edu: %s: a transfer is still running\n", e->pdev->bdf);
		return -EBUSY;
	}
	e->done = false;
	if (to_device) {
		mmio_write64(e->regs + EDU_REG_DMA_SRC, dma);
		mmio_write64(e->regs + EDU_REG_DMA_DST, EDU_BUF_ADDR + off);
	} else {
		mmio_write64(e->regs + EDU_REG_DMA_SRC, EDU_BUF_ADDR + off);
		mmio_write64(e->regs + EDU_REG_DMA_DST, dma);
	}
	mmio_write64(e->regs + EDU_REG_DMA_COUNT, len);
	/* mmio_write's DMB OSHST: the buffer's contents before the device starts. */
	mmio_write64(e->regs + EDU_REG_DMA_CMD, EDU_DMA_CMD_START | EDU_DMA_CMD_IRQ |
							(to_device ? 0 : EDU_DMA_CMD_TO_RAM));
	e->transfers++;
	deadline = timer_deadline(EDU_TIMEOUT_US);
	while (e->intid ? !e->done : dma_busy(e)) {
		if (timer_expired(deadline)) {
			e->errors++;
			pr_err("edu: %s: transfer of %zu bytes not complete after %u ms\n",
			       e->pdev->bdf, len, EDU_TIMEOUT_US / 1000);
			return -ETIMEDOUT;
		}
		cpu_relax();
	}
	if (!e->intid) {
		u32 st = mmio_read32(e->regs + EDU_REG_IRQ_STATUS);

		mmio_write32(e->regs + EDU_REG_IRQ_ACK, st);
	}
	/* The edu cannot report a failed access: the SMMU's event queue does. */
	if (!smmu_stream_of(e->dev, &sid)) {
		smmu_poll_events();
		if (smmu_fault_find(seq, sid, &f)) {
			e->errors++;
			pr_err("edu: %s: DMA %s 0x%llx faulted in the SMMU (%s): transfer failed\n",
			       e->pdev->bdf, to_device ? "from" : "to", (unsigned long long)dma,
			       smmu_event_name(f.ev.id));
			return -EIO;
		}
	}
	return 0;
}

int edu_dma_buf(struct edu *e, void *buf, size_t len, bool to_device, dma_addr_t *dma_out)
{
	enum dma_data_direction dir = to_device ? DMA_TO_DEVICE : DMA_FROM_DEVICE;
	dma_addr_t d = dma_map_single(e->dev, buf, len, dir);
	int ret;

	if (dma_mapping_error(e->dev, d))
		return -ENOMEM;
	ret = edu_dma(e, d, 0, len, to_device);
	dma_unmap_single(e->dev, d, len, dir);
	if (dma_out)
		*dma_out = d;
	return ret;
}
