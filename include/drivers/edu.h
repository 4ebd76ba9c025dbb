/*
 * QEMU's `edu` PCI device (1234:11e8, QEMU docs/specs/edu.rst): a DMA engine
 * between memory and a 4 KiB buffer inside the device, with a completion
 * interrupt. The firmware's proof that DMA really happens through the
 * DMA API, the SMMU and the interrupt controller.
 *
 * Its registers (BAR0):
 *   0x00 identification 0xRRrr00ed      0x04 liveness: reads ~written
 *   0x24 interrupt status               0x64 interrupt acknowledge
 *   0x80 DMA source  0x88 DMA destination  0x90 DMA count  (64-bit)
 *   0x98 DMA command: bit 0 start, bit 1 direction (1: device -> memory),
 *        bit 2 raise interrupt 0x100 when done
 * The device buffer sits at device address 0x40000. The device truncates
 * DMA addresses to its dma_mask property (28 bits unless QEMU is told
 * otherwise), so the driver refuses any address beyond it.
 */
#ifndef DRIVERS_EDU_H
#define DRIVERS_EDU_H

#include <bits.h>
#include <types.h>

#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8

#define EDU_REG_IDENT 0x00
#define EDU_IDENT_MAGIC GENMASK(7, 0)
#define EDU_IDENT_MAGIC_VALUE 0xed
#define EDU_REG_LIVENESS 0x04
#define EDU_REG_IRQ_STATUS 0x24
#define EDU_REG_IRQ_ACK 0x64
#define EDU_IRQ_DMA BIT(8)
#define EDU_REG_DMA_SRC 0x80
#define EDU_REG_DMA_DST 0x88
#define EDU_REG_DMA_COUNT 0x90
#define EDU_REG_DMA_CMD 0x98
#define EDU_DMA_CMD_START BIT(0)
#define EDU_DMA_CMD_TO_RAM BIT(1)
#define EDU_DMA_CMD_IRQ BIT(2)
#define EDU_BAR_SIZE_MIN 0x100

#define EDU_BUF_ADDR 0x40000
#define EDU_BUF_SIZE 4096
/* Largest transfer the driver accepts (the contract: 1..4095 bytes). */
#define EDU_MAX_XFER 4095
/* Default DMA reach of QEMU's edu (its dma_mask property). */
#define EDU_DEFAULT_DMA_BITS 28

struct pci_dev;
struct device;

struct edu {
	struct pci_dev *pdev;
	struct device *dev;		/* &pdev->dev: what the DMA API is called with */
	uintptr_t regs;
	u32 intid;			/* 0: completion polled */
	volatile bool done;
	unsigned long irqs;		/* completion interrupts taken */
	unsigned long transfers, errors;
};

/*
 * edu_init() - bind every edu function pci_init() found: check its
 * identification, set the DMA mask (edu.dma_bits=N on the command line
 * when QEMU runs it with a dma_mask other than 28 bits), take its INTx.
 * Return: number of devices bound.
 */
unsigned int edu_init(const char *bootargs);
unsigned int edu_count(void);
struct edu *edu_get(unsigned int i);

/*
 * edu_dma() - move @len bytes between DMA address @dma (as the device sees
 * it: an IOVA behind the SMMU) and the device buffer at offset @off, and
 * wait for the completion interrupt (polled if there is none), time-bounded.
 * @to_device: memory -> device buffer; else device buffer -> memory.
 * Return: 0; -EINVAL (len 0 or above EDU_MAX_XFER, off + len beyond the
 * buffer, or an address the device would truncate: nothing is started);
 * -ETIMEDOUT; -EIO if the SMMU recorded a fault for the device's stream
 * during the transfer (reported; the data did not move).
 */
int edu_dma(struct edu *e, dma_addr_t dma, unsigned int off, size_t len, bool to_device);

/*
 * edu_dma_buf() - edu_dma() of @len bytes between CPU buffer @buf and the
 * start of the device buffer through a streaming mapping made for it and
 * unmapped afterwards (DMA_TO_DEVICE when @to_device, else DMA_FROM_DEVICE).
 * @dma_out, if not NULL, receives the DMA address used (no longer mapped).
 * Return: edu_dma()'s result, or -ENOMEM if the mapping failed (dma-debug
 * holds the reason; edu_dma() itself never returns -ENOMEM).
 */
int edu_dma_buf(struct edu *e, void *buf, size_t len, bool to_device, dma_addr_t *dma_out);

#endif /* DRIVERS_EDU_H */
