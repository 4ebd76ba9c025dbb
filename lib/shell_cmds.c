/*
 * The console loop and the built-in commands. Commands of a driver live in
 * the driver's own file (SHELL_CMD(), include/shell.h); these are the ones
 * about the firmware itself: self-tests, the memory map, pools, live DMA,
 * the device tree, power.
 */
#include <arch/cpu.h>
#include <boot.h>
#include <console.h>
#include <dma.h>
#include <dt.h>
#include <errno.h>
#include <fmt.h>
#include <layout.h>
#include <libfdt.h>
#include <mm/dma_internal.h>
#include <mm/memmap.h>
#include <mm/mmu.h>
#include <mm/page_alloc.h>
#include <mm/reclaim.h>
#include <platform.h>
#include <selftest.h>
#include <shell.h>
#include <string.h>

extern const struct shell_cmd __shell_cmds_start[], __shell_cmds_end[];
extern const struct selftest __selftests_start[], __selftests_end[];
extern char __image_start[], __image_end[];

const struct shell_cmd *shell_cmds(size_t *count)
{
	*count = (size_t)(__shell_cmds_end - __shell_cmds_start);
	return __shell_cmds_start;
}

void shell_run(void)
{
	static struct shell_line line; /* 4 KiB of history: not on the boot stack */
	const struct shell_cmd *cmds;
	size_t count;

	cmds = shell_cmds(&count);
	shell_line_init(&line);
	kprintf("console ready; type 'help'\n");
	for (;;) {
		enum shell_line_result r = SHELL_LINE_MORE;

		kprintf("fw> ");
		while (r == SHELL_LINE_MORE) {
			int c = console_getc();

			if (c < 0) {
				cpu_relax(); /* waiting for a person: no time bound */
				continue;
			}
			r = shell_line_feed(&line, c);
		}
		if (r == SHELL_LINE_DONE)
			shell_exec(cmds, count, line.buf);
	}
}

/* ---- help, selftest, bench, reset, poweroff ----------------------------- */

static int cmd_help(int argc, char **argv)
{
	const struct shell_cmd *cmds;
	size_t count;

	(void)argv;
	if (argc != 1)
		return -EINVAL;
	cmds = shell_cmds(&count);
	shell_help(cmds, count);
	return 0;
}
SHELL_CMD(help, "help", "list commands", cmd_help);

/* Whether @item ("suite" or "suite.name") names at least one registered test. */
static bool test_exists(const char *item, size_t len)
{
	const struct selftest *t;

	for (t = __selftests_start; t < __selftests_end; t++) {
		size_t sl = strlen(t->suite);

		if (len == sl && !strncmp(item, t->suite, sl))
			return true;
		if (len > sl && !strncmp(item, t->suite, sl) && item[sl] == '.' &&
		    strlen(t->name) == len - sl - 1 && !strncmp(item + sl + 1, t->name, len - sl - 1))
			return true;
	}
	return false;
}

static void list_suites(void)
{
	const struct selftest *t, *u;

	kprintf("suites:");
	for (t = __selftests_start; t < __selftests_end; t++) {
		for (u = __selftests_start; u < t; u++)
			if (!strcmp(u->suite, t->suite))
				break;
		if (u == t)
			kprintf(" %s", t->suite);
	}
	kprintf("\n");
}

static int cmd_selftest(int argc, char **argv)
{
	const char *f;

	if (argc > 2)
		return -EINVAL;
	if (argc == 1 || !strcmp(argv[1], "all")) {
		selftest_run(NULL);
		return 0;
	}
	/* Every comma-separated item must name something. */
	for (f = argv[1]; *f;) {
		const char *comma = strchr(f, ',');
		size_t len = comma ? (size_t)(comma - f) : strlen(f);

		if (!len || !test_exists(f, len)) {
			kprintf("selftest: no suite or test named '%.*s'; ", (int)len, f);
			list_suites();
			return -ENOENT;
		}
		f += len + (comma ? 1 : 0);
	}
	selftest_run(argv[1]);
	return 0;
}
SHELL_CMD(selftest, "selftest [suite|suite.name|all]", "run self-tests (all by default)",
	  cmd_selftest);

#define BENCH_PREFIX "bench_"

static int cmd_bench(int argc, char **argv)
{
	static char filter[512];
	const struct selftest *t;
	size_t n = 0;

	(void)argv;
	if (argc != 1)
		return -EINVAL;
	filter[0] = '\0';
	for (t = __selftests_start; t < __selftests_end; t++) {
		if (strncmp(t->name, BENCH_PREFIX, strlen(BENCH_PREFIX)))
			continue;
		n += (size_t)fmt_snprintf(filter + n, sizeof(filter) - n, "%s%s.%s", n ? "," : "",
					  t->suite, t->name);
		if (n >= sizeof(filter)) {
			kprintf("bench: too many benchmarks for the filter buffer\n");
			return -ENOSPC;
		}
	}
	if (!n) {
		kprintf("bench: no self-test is named " BENCH_PREFIX "*\n");
		return -ENOENT;
	}
	kprintf("bench: %s (instruction counts need QEMU -icount; make bench runs them so)\n",
		filter);
	selftest_run(filter);
	return 0;
}
SHELL_CMD(bench, "bench", "run the benchmark self-tests (*.bench_*)", cmd_bench);

/* poweroff, reset: @call returns only when PSCI refused it or the DT has no /psci. */
static int psci_cmd(int argc, const char *cmd, const char *fn, void (*call)(void))
{
	if (argc != 1)
		return -EINVAL;
	call();
	kprintf("%s: PSCI %s %s\n", cmd, fn,
		psci_available() ? "returned (refused)" : "unavailable: the DT has no /psci");
	return -ENODEV;
}

static int cmd_poweroff(int argc, char **argv)
{
	(void)argv;
	return psci_cmd(argc, "poweroff", "SYSTEM_OFF", psci_system_off);
}
SHELL_CMD(poweroff, "poweroff", "power off through PSCI SYSTEM_OFF (QEMU exits)", cmd_poweroff);

static int cmd_reset(int argc, char **argv)
{
	(void)argv;
	return psci_cmd(argc, "reset", "SYSTEM_RESET", psci_system_reset);
}
SHELL_CMD(reset, "reset", "reset the system through PSCI SYSTEM_RESET", cmd_reset);

/* ---- mem: the physical memory map --------------------------------------- */

#define MEM_BAR_WIDTH 64
#define USE_BAR_WIDTH 10
#define MEM_MAX_REGIONS (MEMMAP_MAX_RMEM + MEMMAP_MAX_RSV + 8)
#define MEM_KIND_MAX 40

struct mem_region {
	u64 base, size;
	const char *name;
	char kind[MEM_KIND_MAX];
	u64 used, total; /* total 0: no usage to show */
	char key;
};

static struct mem_region regions[MEM_MAX_REGIONS];
static unsigned int nr_regions;

static struct mem_region *add_region(u64 base, u64 size, const char *name, char key)
{
	struct mem_region *r;
	unsigned int i;

	if (!size || nr_regions == MEM_MAX_REGIONS)
		return NULL;
	/* Sorted by base. */
	for (i = nr_regions; i > 0 && regions[i - 1].base > base; i--)
		regions[i] = regions[i - 1];
	r = &regions[i];
	memset(r, 0, sizeof(*r));
	r->base = base;
	r->size = size;
	r->name = name;
	r->key = key;
	nr_regions++;
	return r;
}

/* Append @word to the space-separated list @kind (MEM_KIND_MAX bytes). */
static void kind_append(char *kind, const char *word)
{
	size_t n = strlen(kind);

	fmt_snprintf(kind + n, MEM_KIND_MAX - n, "%s%s", n ? " " : "", word);
}

static void rmem_flags(char *kind, u32 flags, enum rmem_kind rk)
{
	if (flags & RMEM_SHARED_DMA_POOL)
		kind_append(kind, "pool");
	if (flags & RMEM_RESTRICTED_DMA_POOL)
		kind_append(kind, "restricted");
	if (flags & RMEM_NO_MAP)
		kind_append(kind, "no-map");
	if (flags & RMEM_REUSABLE)
		kind_append(kind, "reusable");
	if (flags & RMEM_DMA_DEFAULT)
		kind_append(kind, "default");
	if (flags & RMEM_CMA_DEFAULT)
		kind_append(kind, "cma");
	if (!(flags & (RMEM_SHARED_DMA_POOL | RMEM_RESTRICTED_DMA_POOL)))
		kind_append(kind, "reserved");
	kind_append(kind, rk == RMEM_DYNAMIC ? "(dynamic)" : "(static)");
}

/* The coherent pool starting at @base, if there is one. */
static const struct dma_mem *pool_at(phys_addr_t base)
{
	const struct dma_mem *m = dma_mem_of(base);

	return m && m->base == base ? m : NULL;
}

static void set_pool_use(struct mem_region *r, const struct dma_mem *m, const struct swiotlb *s)
{
	if (!r)
		return;
	if (m) {
		r->total = m->size;
		r->used = m->size - buddy_free_bytes(&m->buddy);
	} else if (s) {
		r->total = s->size;
		r->used = (u64)s->used_slabs * IO_TLB_SIZE;
	}
}

static const char rmem_keys[] = "0123456789abcdefghijklmnopqrstuvwxyz";

static void collect_regions(void)
{
	const struct memmap *mm = dma_memmap();
	phys_addr_t fw_base;
	u64 fw_size;
	struct mem_region *r;
	int i;

	nr_regions = 0;
	r = add_region((uintptr_t)__image_start, (uintptr_t)__image_end - (uintptr_t)__image_start,
		       "firmware image", 'I');
	if (r)
		kind_append(r->kind, "code data stacks");
	r = add_region((uintptr_t)boot_info.fdt, fdt_totalsize(boot_info.fdt), "dtb", 'D');
	if (r)
		kind_append(r->kind, boot_info.dtb_builtin ? "built-in" : "from loader");
	for (i = 0; i < mm->nr_rsv; i++) {
		r = add_region(mm->rsv[i].base, mm->rsv[i].size, "/memreserve/", 'R');
		if (r)
			kind_append(r->kind, "reserved");
	}
	for (i = 0; i < mm->nr_rmem && i < (int)sizeof(rmem_keys) - 1; i++) {
		/* i < nr_rmem <= MEMMAP_MAX_RMEM; cppcheck sees only the keys' bound */
		/* cppcheck-suppress arrayIndexOutOfBounds */
		const struct rmem *rm = &mm->rmem[i];

		r = add_region(rm->base, rm->size, rm->name, rmem_keys[i]);
		if (!r)
			continue;
		rmem_flags(r->kind, rm->flags, rm->kind);
		set_pool_use(r, pool_at(rm->base), dma_swiotlb_by_rmem(i));
	}
	if (dma_nc_mem) {
		r = add_region(dma_nc_mem->base, dma_nc_mem->size, dma_nc_mem->name, 'N');
		if (r)
			kind_append(r->kind, "pool firmware normal-nc");
		set_pool_use(r, dma_nc_mem, NULL);
	}
	if (dma_default_swiotlb) {
		r = add_region(dma_default_swiotlb->base, dma_default_swiotlb->size, "swiotlb", 'S');
		if (r)
			kind_append(r->kind, "bounce buffer");
		set_pool_use(r, NULL, dma_default_swiotlb);
	}
	dma_fw_range(&fw_base, &fw_size);
	r = add_region(fw_base, fw_size, "firmware RAM", 'H');
	if (r) {
		kind_append(r->kind, "page allocator");
		r->total = fw_size;
		r->used = fw_size - page_free_bytes();
	}
}

/* Bytes of [base, base + size) that no collected region covers. */
static u64 unclaimed(u64 base, u64 size)
{
	u64 pos = base, end = base + size, free = 0;
	unsigned int i;

	for (i = 0; i < nr_regions && pos < end; i++) {
		u64 rb = regions[i].base, re = regions[i].base + regions[i].size;

		if (re <= pos || rb >= end)
			continue;
		if (rb > pos)
			free += rb - pos;
		pos = re;
	}
	return pos < end ? free + (end - pos) : free;
}

static void print_region(const struct mem_region *r)
{
	char sz[24], bar[USE_BAR_WIDTH + 3], used[24], total[24];

	kprintf(" %c  %-26s 0x%010llx  %-9s %-*s", r->key, r->name, (unsigned long long)r->base,
		shell_size(sz, sizeof(sz), r->size), r->total ? 32 : 0, r->kind);
	if (r->total) {
		shell_usage_bar(bar, USE_BAR_WIDTH, r->used, r->total);
		kprintf(" %s %3u%% used %s of %s", bar,
			(unsigned int)((unsigned __int128)r->used * 100 / r->total),
			shell_size(used, sizeof(used), r->used),
			shell_size(total, sizeof(total), r->total));
	}
	kprintf("\n");
}

static int cmd_mem(int argc, char **argv)
{
	static struct shell_bar_seg segs[MEM_MAX_REGIONS];
	const struct memmap *mm = dma_memmap();
	const struct mmu_region *mr;
	char bar[MEM_BAR_WIDTH + 1], sz[24], col[24], fr[24];
	unsigned int i, n, shown = 0;
	int b;

	(void)argv;
	if (argc != 1)
		return -EINVAL;
	collect_regions();
	for (i = 0; i < nr_regions; i++)
		segs[i] = (struct shell_bar_seg){ regions[i].base, regions[i].size, regions[i].key };
	if (!mm->nr_ram)
		kprintf("mem: no RAM in the memory map (see the boot log)\n");
	for (b = 0; b < mm->nr_ram; b++) {
		const struct dt_mem_range *ram = &mm->ram[b];

		kprintf("RAM 0x%010llx..0x%010llx %s, one column = %s, '.' = RAM nothing claims "
			"(%s)\n",
			(unsigned long long)ram->base,
			(unsigned long long)(ram->base + ram->size - 1),
			shell_size(sz, sizeof(sz), ram->size),
			shell_size(col, sizeof(col), ram->size / MEM_BAR_WIDTH),
			shell_size(fr, sizeof(fr), unclaimed(ram->base, ram->size)));
		shell_bar(bar, MEM_BAR_WIDTH, ram->base, ram->size, segs, nr_regions, '.');
		kprintf("  |%s|\n", bar);
	}
	kprintf("key region                     base          size      kind\n");
	for (i = 0; i < nr_regions; i++)
		print_region(&regions[i]);
	mr = mmu_regions(&n);
	for (i = 0; i < n; i++) {
		if (mr[i].type != MMU_DEVICE && mr[i].type != MMU_HOLE)
			continue;
		if (!shown++)
			kprintf("MMIO and holes (CPU map):\n");
		kprintf("    %-26s 0x%010llx  %-9s %s\n", mr[i].name, (unsigned long long)mr[i].base,
			shell_size(sz, sizeof(sz), mr[i].size),
			mr[i].type == MMU_DEVICE ? "mmio device-nGnRE" : "hole (never mapped)");
	}
	return 0;
}
SHELL_CMD(mem, "mem", "physical memory map: RAM, image, DTB, pools, MMIO, with use", cmd_mem);

/* ---- pools ---------------------------------------------------------------- */

/* Print the paths of the nodes whose memory-region names @phandle. */
static unsigned int print_users(u32 phandle)
{
	const void *fdt = boot_info.fdt;
	unsigned int n = 0;
	int node, depth = 0;

	if (!phandle)
		return 0;
	for (node = fdt_next_node(fdt, -1, &depth); node >= 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		const fdt32_t *p;
		int len, i;

		p = fdt_getprop(fdt, node, "memory-region", &len);
		if (!p || len < 4)
			continue;
		for (i = 0; i < len / 4; i++) {
			if (fdt32_ld(&p[i]) == phandle) {
				char path[MEMMAP_PATH_MAX];

				dt_path(fdt, node, path, sizeof(path));
				kprintf("%s %s", n++ ? "," : "    devices:", path);
				break;
			}
		}
	}
	if (n)
		kprintf("\n");
	return n;
}

static void print_pool(const char *name, phys_addr_t base, u64 size, const char *flags,
		       u64 used, u64 largest)
{
	char s1[24], s2[24], s3[24], s4[24], bar[USE_BAR_WIDTH + 3];

	shell_usage_bar(bar, USE_BAR_WIDTH, used, size);
	kprintf("%s: 0x%010llx..0x%010llx %s, %s\n", name, (unsigned long long)base,
		(unsigned long long)(base + size - 1), shell_size(s1, sizeof(s1), size), flags);
	kprintf("    %s used %s, free %s", bar, shell_size(s2, sizeof(s2), used),
		shell_size(s3, sizeof(s3), size - used));
	if (largest != ~0ULL)
		kprintf(", largest free block %s", shell_size(s4, sizeof(s4), largest));
	kprintf("\n");
}

static int cmd_pools(int argc, char **argv)
{
	const struct memmap *mm = dma_memmap();
	int order[MEMMAP_MAX_RMEM];
	unsigned int pools = 0;
	int i, j, k, n = mm->nr_rmem;

	(void)argv;
	if (argc != 1)
		return -EINVAL;
	/* In address order (mm->rmem[] is in DT order); order[0..n) is filled below. */
	for (i = 0; i < n; i++) {
		for (j = i; j > 0 && mm->rmem[order[j - 1]].base > mm->rmem[i].base; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	for (k = 0; k < n; k++) {
		const struct rmem *rm = &mm->rmem[order[k]];
		const struct dma_mem *m = pool_at(rm->base);
		const struct swiotlb *s = dma_swiotlb_by_rmem(order[k]);
		char flags[MEM_KIND_MAX] = "";

		if (!(rm->flags & (RMEM_SHARED_DMA_POOL | RMEM_RESTRICTED_DMA_POOL)))
			continue;
		rmem_flags(flags, rm->flags, rm->kind);
		pools++;
		if (m)
			print_pool(rm->name, m->base, m->size, flags,
				   m->size - buddy_free_bytes(&m->buddy), buddy_largest_free(&m->buddy));
		else if (s)
			print_pool(rm->name, s->base, s->size, flags,
				   (u64)s->used_slabs * IO_TLB_SIZE, ~0ULL);
		else
			kprintf("%s: 0x%010llx, %s: not in use (see the boot log)\n", rm->name,
				(unsigned long long)rm->base, flags);
		if (!print_users(rm->phandle))
			kprintf("    devices: none (pool for devices without memory-region)\n");
	}
	if (dma_nc_mem) {
		pools++;
		print_pool(dma_nc_mem->name, dma_nc_mem->base, dma_nc_mem->size,
			   "firmware normal-nc (coherent memory of non-coherent devices)",
			   dma_nc_mem->size - buddy_free_bytes(&dma_nc_mem->buddy),
			   buddy_largest_free(&dma_nc_mem->buddy));
	}
	if (dma_default_swiotlb) {
		pools++;
		print_pool("swiotlb", dma_default_swiotlb->base, dma_default_swiotlb->size,
			   "default bounce buffer",
			   (u64)dma_default_swiotlb->used_slabs * IO_TLB_SIZE, ~0ULL);
	}
	kprintf("%u pools; %u firmware blocks borrowed from reusable pools\n", pools,
		reclaimable_lent());
	return 0;
}
SHELL_CMD(pools, "pools", "DMA pools: flags, use, devices bound", cmd_pools);

/* ---- dma: live mappings and allocations (dma-debug's records) ------------ */

#define DMA_MAX_LISTED_DEVS 32

static const char *const dbg_type_names[] = {
	[DBG_SINGLE] = "single", [DBG_PAGE] = "page", [DBG_SG] = "sg", [DBG_COHERENT] = "coherent",
};

static const char *const dir_names[] = {
	[DMA_BIDIRECTIONAL] = "bidirectional", [DMA_TO_DEVICE] = "to-device",
	[DMA_FROM_DEVICE] = "from-device", [DMA_NONE] = "none",
};

/*
 * Walk the live records, grouped by device, printing them if @print.
 * Return: the number of records of @only (every device if NULL).
 */
static unsigned int dma_list(const struct device *only, bool print)
{
	const struct device *devs[DMA_MAX_LISTED_DEVS];
	const struct dbg_entry *e;
	unsigned int ndevs = 0, total = 0, d, pos;

	pos = 0;
	while ((e = dma_debug_next(&pos))) {
		if (only && e->dev != only)
			continue;
		total++;
		for (d = 0; d < ndevs && devs[d] != e->dev; d++)
			;
		if (d == ndevs && ndevs < DMA_MAX_LISTED_DEVS)
			devs[ndevs++] = e->dev;
	}
	if (!print)
		return total;
	for (d = 0; d < ndevs; d++) {
		const struct device *dev = devs[d];

		kprintf("%s (%s, mask %d bits%s%s%s):\n", dev->name,
			dev->dma_coherent ? "coherent" : "non-coherent",
			64 - __builtin_clzll(dev->dma_mask | 1), dev->mem ? ", pool " : "",
			dev->mem ? dev->mem->name : "", dev->force_bounce ? ", always bounces" : "");
		pos = 0;
		while ((e = dma_debug_next(&pos))) {
			if (e->dev != dev)
				continue;
			kprintf("  %-8s dma 0x%010llx  phys 0x%010llx  %llu bytes",
				dbg_type_names[e->type], (unsigned long long)e->dma,
				(unsigned long long)e->phys, (unsigned long long)e->size);
			if (e->type != DBG_COHERENT)
				kprintf(" %s%s", dir_names[e->dir & 3],
					e->checked ? "" : " (mapping error not checked)");
			kprintf("\n");
		}
	}
	if (ndevs == DMA_MAX_LISTED_DEVS)
		kprintf("(only the first %d devices listed)\n", DMA_MAX_LISTED_DEVS);
	return total;
}

static int cmd_dma(int argc, char **argv)
{
	unsigned int n;

	(void)argv;
	if (argc != 1)
		return -EINVAL;
	if (!dma_debug_enabled) {
		kprintf("dma: dma-debug is off, so nothing is tracked\n");
		return 0;
	}
	n = dma_list(NULL, true);
	kprintf("%u live DMA mapping%s and coherent allocation%s (dma-debug), %u reports so far\n",
		n, n == 1 ? "" : "s", n == 1 ? "" : "s", dma_debug_errors());
	return 0;
}
SHELL_CMD(dma, "dma", "live coherent allocations and streaming mappings per device", cmd_dma);

/* The listing sees what is live, and only that (pools overlay). */
SELFTEST(shell, dma_lists_live)
{
	static u8 buf[4096] __aligned(64);
	struct device *dev = device_get_dt("/dma-test/coherent-nomap-pool");
	const struct dbg_entry *e;
	unsigned int pos = 0, seen = 0;
	dma_addr_t coh, map;
	void *cpu;

	if (!dev)
		ST_SKIP("no /dma-test/coherent-nomap-pool in this DT (boot with the pools overlay)");
	ST_ASSERT(dma_debug_enabled, "dma-debug is off");
	ST_ASSERT(dma_list(dev, false) == 0, "%u records before the test", dma_list(dev, false));
	cpu = dma_alloc_coherent(dev, 8192, &coh, GFP_KERNEL);
	ST_ASSERT(cpu, "coherent allocation failed");
	map = dma_map_single(dev, buf, 3000, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, map)) {
		dma_free_coherent(dev, 8192, cpu, coh);
		ST_FAILF("dma_map_single failed");
	}
	while ((e = dma_debug_next(&pos)))
		if (e->dev == dev &&
		    ((e->type == DBG_COHERENT && e->dma == coh && e->size == 8192) ||
		     (e->type == DBG_SINGLE && e->dma == map && e->size == 3000)))
			seen++;
	kprintf("shell: the dma listing with two live records:\n");
	dma_list(dev, true);
	dma_unmap_single(dev, map, 3000, DMA_TO_DEVICE);
	dma_free_coherent(dev, 8192, cpu, coh);
	ST_ASSERT(seen == 2, "iterator found %u of the 2 records", seen);
	ST_ASSERT(dma_list(dev, false) == 0, "%u records after unmap/free", dma_list(dev, false));
	return ST_PASS;
}

/* ---- dtb ------------------------------------------------------------------ */

static int cmd_dtb(int argc, char **argv)
{
	const void *fdt = boot_info.fdt;
	const char *path = argc > 1 ? argv[1] : "/";
	char full[MEMMAP_PATH_MAX];
	int node, prop, child;

	if (argc > 2)
		return -EINVAL;
	node = fdt_path_offset(fdt, path);
	if (node < 0) {
		kprintf("dtb: no node '%s' (%s); a path starts with '/', or is an alias\n", path,
			fdt_strerror(node));
		return -ENOENT;
	}
	dt_path(fdt, node, full, sizeof(full));
	kprintf("%s {\n", full);
	fdt_for_each_property_offset(prop, fdt, node) {
		const char *name;
		const void *val;
		int len;

		val = fdt_getprop_by_offset(fdt, prop, &name, &len);
		if (val)
			shell_print_prop("\t", name, val, len);
	}
	fdt_for_each_subnode(child, fdt, node) {
		kprintf("\t%s { ... };\n", fdt_get_name(fdt, child, NULL));
	}
	kprintf("};\n");
	return 0;
}
SHELL_CMD(dtb, "dtb [path|alias]", "print a device-tree node (default /)", cmd_dtb);

/* ---- the registry itself --------------------------------------------------- */

SELFTEST(shell, registry)
{
	size_t count, i;
	const struct shell_cmd *c = shell_cmds(&count);

	ST_ASSERT(count >= 9, "only %zu commands registered", count);
	for (i = 0; i < count; i++) {
		size_t nl = strlen(c[i].name);

		ST_ASSERT(c[i].fn && c[i].help && c[i].usage, "command %s incomplete", c[i].name);
		ST_ASSERT(!strncmp(c[i].usage, c[i].name, nl) &&
				  (c[i].usage[nl] == '\0' || c[i].usage[nl] == ' '),
			  "usage of %s does not start with its name: '%s'", c[i].name, c[i].usage);
		if (i)
			ST_ASSERT(strcmp(c[i - 1].name, c[i].name) < 0,
				  "not sorted or duplicate: '%s' then '%s'", c[i - 1].name,
				  c[i].name);
	}
	return ST_PASS;
}
