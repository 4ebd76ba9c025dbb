/*
 * The firmware's whole DT path, from the bytes a loader hands over to the
 * pools and devices it derives, as one host function: what the fuzzer
 * (tools/fuzz/fuzz_dtb.c) drives and what tests/host/test_fuzz_dtb.c runs
 * on the inputs the fuzzer once crashed on (tests/fixtures/fuzz/).
 *
 * It calls the firmware's own code, unchanged:
 *   lib/dt.c            dt_check(), dt_model(), dt_stdout_node(),
 *                       dt_reg_phys(), dt_memory() (through memmap_parse())
 *   mm/memmap.c         /memory, /memreserve/, /reserved-memory -> pools
 *   mm/dt_dma.c         dma-coherent, dma-ranges, memory-region of every node
 *   drivers/irq/irq_dt.c  the GIC, every node's interrupts, the GIC binding
 *   drivers/pci/pci_dt.c  every pci-host-ecam-generic node: reg, bus-range,
 *                       ranges, interrupt-map (INTx lookups), iommu-map
 *                       (RID -> stream ID lookups)
 * and checks what the results promise (regions inside RAM and clear of
 * each other, lookups that stay inside the tables, strings terminated),
 * calling abort() with a message when a promise is broken, so that the
 * fuzzer counts it as a crash.
 */
#ifndef TOOLS_FUZZ_DTB_PATH_H
#define TOOLS_FUZZ_DTB_PATH_H

#include <stddef.h>

/* What one run found, for tests and statistics. */
struct dtb_path_result {
	int check;	/* dt_check(): 0 usable, else a negative libfdt code */
	int problems;	/* reports through memmap_report_fn (memmap, dt_dma, pci_dt) */
	int logged;	/* kprintf() lines (irq_dt) */
	int nr_ram;
	int nr_rmem;
	int nodes;	/* nodes dt_dma_configure() ran on */
	int pci_hosts;	/* pci_dt_parse_host() == 0 */
	int irqs;	/* specifiers irq_dt_get() returned */
	int irqs_gic;	/* of those, translated by irq_dt_translate_gic() */
};

/*
 * dtb_path_run() - run @size bytes at @data through the whole path.
 * @data: need not be aligned; copied into a buffer of exactly @size bytes,
 *        so ASan sees any read past the blob.
 * @res: filled in (may be NULL).
 *
 * Return: 0 if the blob passed dt_check() and was parsed, else dt_check()'s
 * negative libfdt code (the firmware would fall back to its built-in DTB).
 * A broken promise aborts.
 */
int dtb_path_run(const void *data, size_t size, struct dtb_path_result *res);

#endif /* TOOLS_FUZZ_DTB_PATH_H */
