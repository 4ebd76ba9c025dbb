/*
 * NVM Express controllers on PCIe (drivers/nvme/): each namespace becomes a
 * block device (<drivers/blockdev.h>) named "nvme<controller>n<nsid>".
 *
 * One admin queue pair and one I/O queue pair per controller, commands
 * issued one at a time and waited for (time-bounded), completion by INTx
 * when the line is free, else polled. Queues, PRP lists and the bounce
 * buffer are coherent DMA memory of the PCI function's struct device; data
 * buffers are mapped per request with dma_map_sg(), so everything goes
 * through the SMMU when the function is behind one.
 */
#ifndef DRIVERS_NVME_H
#define DRIVERS_NVME_H

/*
 * nvme_init() - bind every PCI function with the NVMe class code
 * (01:08:02): reset the controller, set up the admin queue, enable it,
 * identify it and its first active namespace, create the I/O queue pair,
 * take its INTx and register the namespace with blockdev_register().
 * Call once, after pci_init() and smmu_init(). A controller that fails any
 * step is reported (function, register or status) and left disabled; the
 * others are still brought up.
 * Return: the number of namespaces registered.
 */
unsigned int nvme_init(void);

#endif /* DRIVERS_NVME_H */
