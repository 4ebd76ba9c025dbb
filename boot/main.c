/*
 * boot_main(): from head.S to the self-test verdict.
 *
 *   MMU on (image + DTB window) -> choose the DT (x0 or built-in fallback)
 *   -> console from /chosen/stdout-path -> banner -> RAM mapped from /memory
 *   -> self-tests -> exit with the verdict (selftest.exit) or the console
 */
#include <arch/cache.h>
#include <boot.h>
#include <dma.h>
#include <cmdline.h>
#include <console.h>
#include <drivers/edu.h>
#include <drivers/irq.h>
#include <drivers/nvme.h>
#include <drivers/pci.h>
#include <drivers/smmu_v3.h>
#include <drivers/virtio_blk.h>
#include <dt.h>
#include <errno.h>
#include <layout.h>
#include <libfdt.h>
#include <mm/mmu.h>
#include <platform.h>
#include <selftest.h>
#include <stack_protector.h>
#include <string.h>

#ifndef FW_VERSION
#define FW_VERSION "unknown"
#endif

#define MAX_MEM_RANGES 16

extern char __image_start[], __image_end[];
extern const char __builtin_dtb_start[], __builtin_dtb_end[];

struct boot_info boot_info;

/* Why the loader's DTB cannot be used, or NULL if it can. */
static const char *loader_dtb_problem(const void *fdt, bool mapped, int *err)
{
	struct dt_mem_range mem[MAX_MEM_RANGES];
	int node, count, ret;

	*err = 0;
	if (!fdt)
		return "x0 is 0: no DTB passed";
	if (!mapped)
		return "x0 does not point at a DTB header (bad magic or size)";
	ret = dt_check(fdt, DTB_MAX_SIZE);
	if (ret) {
		*err = ret;
		return "corrupt or truncated DTB";
	}
	if (dt_stdout_node(fdt, &node))
		return "DTB has no usable /chosen/stdout-path";
	ret = dt_memory(fdt, mem, MAX_MEM_RANGES, &count, NULL);
	if (ret && ret != -ENOSPC)
		return "DTB has no usable /memory node";
	return NULL;
}

static void banner(void)
{
	struct dt_mem_range mem[MAX_MEM_RANGES];
	const char *model = dt_model(boot_info.fdt);
	int i, count = 0;

	kprintf("\nfw %s (%s image), entered at EL%u, running at EL1\n", FW_VERSION,
		platform_is_qemu() ? "qemu" : "board", boot_info.entry_el);
	kprintf("image: %p..%p\n", (void *)__image_start, (void *)__image_end);
	kprintf("dtb: %p (%s), model \"%s\"\n", boot_info.fdt,
		boot_info.dtb_builtin ? "built-in fallback" : "from loader, x0",
		model ? model : "(none)");
	dt_memory(boot_info.fdt, mem, MAX_MEM_RANGES, &count, NULL);
	for (i = 0; i < count && i < MAX_MEM_RANGES; i++)
		kprintf("ram: 0x%010llx..0x%010llx (%llu MiB)\n", (unsigned long long)mem[i].base,
			(unsigned long long)(mem[i].base + mem[i].size - 1),
			(unsigned long long)(mem[i].size >> 20));
}

static void __noreturn finish(void)
{
	const char *args = boot_info.bootargs;
	const char *only = NULL;
	char filter[64] = "";
	struct selftest_totals tot;
	size_t len = 0;

	if (cmdline_get(args, "selftest.only", &only, &len) && len < sizeof(filter)) {
		memcpy(filter, only, len);
		filter[len] = '\0';
	}
	tot = selftest_run(filter[0] ? filter : NULL);
	kprintf("verdict: %s\n", tot.failed ? "FAIL" : "PASS");

	/* Board images too: a board user drives the console (README). */
	if (cmdline_has(args, "selftest.exit"))
		platform_exit(tot.failed ? 1 : 0);
	shell_run();
}

void boot_main(phys_addr_t dtb, unsigned int entry_el);

/*
 * Never returns, and built without the stack protector: the guard changes
 * under it (stack_protector_init()), so its own check would always fail.
 */
__attribute__((no_stack_protector)) void boot_main(phys_addr_t dtb, unsigned int entry_el)
{
	bool mapped = mmu_early_init(dtb);
	const void *loader_fdt = (const void *)(uintptr_t)dtb;
	const char *problem, *why = NULL;
	int err, len, ret;

	boot_info.entry_el = entry_el;
	boot_info.loader_dtb = dtb;
	problem = loader_dtb_problem(dtb ? loader_fdt : NULL, mapped, &err);
	if (!problem) {
		boot_info.fdt = loader_fdt;
	} else {
		boot_info.fdt = __builtin_dtb_start;
		boot_info.dtb_builtin = true;
	}

	ret = console_init(boot_info.fdt, &why);
	if (ret && !boot_info.dtb_builtin) {
		/* The loader's DT names a console we cannot drive: fall back. */
		problem = why;
		boot_info.fdt = __builtin_dtb_start;
		boot_info.dtb_builtin = true;
		ret = console_init(boot_info.fdt, &why);
	}
	if (ret)
		platform_crash_stop(); /* no console anywhere: nothing can be said */

	psci_init(boot_info.fdt);
	boot_info.bootargs = fdt_getprop(boot_info.fdt, fdt_path_offset(boot_info.fdt, "/chosen"),
					 "bootargs", &len);
	if (boot_info.bootargs && (len < 1 || boot_info.bootargs[len - 1]))
		boot_info.bootargs = NULL;

	banner();
	/* Seeded once the DT is chosen and the console up; nothing protected is live. */
	stack_protector_init(boot_info.fdt);
	if (problem) {
		kprintf("dtb: loader's DTB at 0x%llx not used: %s%s%s; using the built-in DTB\n",
			(unsigned long long)dtb, problem, err ? ": " : "",
			err ? fdt_strerror(err) : "");
		/* Running without the loader's DT is never a passing boot, except x0 == 0. */
		if (dtb)
			selftest_boot_error("loader's DTB unusable: %s", problem);
	}
	cache_init();
	if (dma_init(boot_info.fdt))
		selftest_boot_error("DMA memory set-up failed: no pools (RAM is mapped)");
	/* A DT without an interrupt controller is not an error; a GIC that fails is. */
	ret = irq_init(boot_info.fdt);
	if (ret && ret != -ENODEV)
		selftest_boot_error("interrupt controller set-up failed (error %d, reported above)",
				    ret);
	/* A DT without a PCIe host is not an error; a broken one is. */
	ret = pci_init(boot_info.fdt);
	if (ret && ret != -ENODEV)
		selftest_boot_error("PCIe host set-up failed (error %d, reported above)", ret);
	/* After PCI: the SMMU attaches the functions whose streams it owns. */
	if (smmu_init(boot_info.fdt, boot_info.bootargs))
		selftest_boot_error("SMMU set-up failed (reported above)");
	edu_init(boot_info.bootargs);
	virtio_blk_init();
	nvme_init();
	finish();
}
