/*
 * libFuzzer harness: raw DTB bytes through the firmware's whole DT path
 * (tools/fuzz/dtb_path.c: dt_check, memmap, dt_dma for every node, the
 * GIC and every node's interrupts, every PCI host's ranges, interrupt-map
 * and iommu-map).
 *
 *   make fuzz [FUZZ_TIME=300]     grow build/fuzz/corpus for that long
 *   make test                     a fixed number of runs from the seeds
 *
 * Built with Debian's clang: -fsanitize=fuzzer,address,undefined.
 *
 * Byte-level mutations almost never keep a blob that passes dt_check()
 * (fdt_check_full() walks every tag), so most of the mutations here are
 * structural and go through libfdt's read-write API: change the value of
 * a property (bytes, or single cells to boundary values and phandles),
 * set a property the firmware reads to a generated value, copy a value
 * under another name or to another node, delete a property or a node, add
 * a node, add or delete a /memreserve/ entry. One mutation in eight stays
 * with libFuzzer's own byte mutations, so the header and block checks are
 * fuzzed too. Every choice comes from the seed libFuzzer passes, so a run
 * with -seed and -runs is repeatable.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include <dt.h>
#include <xorshift.h>

#include "dtb_path.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
				 size_t size2, uint8_t *out, size_t max_out_size,
				 unsigned int seed);

#define FUZZ_WORK_MAX (256 * 1024)	/* largest blob the mutator edits */
#define FUZZ_VALUE_MAX 512		/* largest property value it writes */
#define FUZZ_NAME_MAX 64
#define FUZZ_MAX_WALK 4096		/* nodes counted when picking one */

static uint8_t work[FUZZ_WORK_MAX] __attribute__((aligned(8)));
static uint8_t other[FUZZ_WORK_MAX] __attribute__((aligned(8)));

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dtb_path_run(data, size, NULL);
	return 0;
}

/* ---- deterministic choices ---------------------------------------------- */

struct rng {
	uint64_t s;
};

static uint32_t rnd(struct rng *r)
{
	return (uint32_t)(xorshift64star(&r->s) >> 32);
}

static uint32_t below(struct rng *r, uint32_t n)
{
	return n ? rnd(r) % n : 0;
}

#define PICK(r, a) ((a)[below((r), sizeof(a) / sizeof((a)[0]))])

/* Properties the firmware reads, by the shape of their value. */
static const char *const cell_props[] = {
	"reg", "ranges", "dma-ranges", "#address-cells", "#size-cells", "size", "alignment",
	"alloc-ranges", "memory-region", "interrupts", "interrupts-extended",
	"interrupt-parent", "#interrupt-cells", "interrupt-map", "interrupt-map-mask",
	"iommu-map", "iommu-map-mask", "#iommu-cells", "bus-range", "linux,pci-domain",
	"phandle", "#redistributor-regions", "iommus", "msi-parent",
};
static const char *const flag_props[] = {
	"no-map", "reusable", "linux,cma-default", "linux,dma-default", "dma-coherent",
	"dma-noncoherent", "interrupt-controller", "ranges", "dma-ranges",
};
static const char *const compats[] = {
	"shared-dma-pool", "restricted-dma-pool", "pci-host-ecam-generic", "arm,gic-v3",
	"arm,gic-400", "arm,cortex-a15-gic", "arm,smmu-v3", "ns16550a", "arm,pl011",
	"simple-bus",
};
static const char *const statuses[] = { "okay", "ok", "disabled", "fail", "" };
static const char *const node_names[] = {
	"reserved-memory", "memory@40000000", "memory", "pool@50000000", "linux,cma",
	"bus@0", "pcie@10000000", "intc@8000000", "chosen", "aliases", "dev@0", "n",
};
/* Boundaries (the top of the 32- and 64-bit spaces twice as likely), RAM and
 * MMIO addresses of QEMU virt, PCI phys.hi space codes. */
static const uint32_t interesting[] = {
	0, 1, 2, 3, 4, 0x1000, 0x100000, 0x200000, 0x10000000, 0x40000000, 0x48000000,
	0x50000000, 0x7fffffff, 0x80000000, 0xfffff000, 0xffffffff, 0x02000000, 0x03000000,
	0x42000000, 0x43000000, 0x01000000, 0x800, 0xffff, 0xffffffff, 0xfffffffe,
	0xfff00000, 0xf0000000, 0xffffffff,
};

/* Offset of the @i-th node in document order (0 = root), or < 0. */
static int nth_node(const void *fdt, int i)
{
	int node = 0;

	while (i-- > 0 && node >= 0)
		node = fdt_next_node(fdt, node, NULL);
	return node;
}

static int count_nodes(const void *fdt)
{
	int node = 0, n = 0;

	while (node >= 0 && n < FUZZ_MAX_WALK) {
		n++;
		node = fdt_next_node(fdt, node, NULL);
	}
	return n;
}

static int random_node(struct rng *r, const void *fdt)
{
	return nth_node(fdt, (int)below(r, (uint32_t)count_nodes(fdt)));
}

/* A random property of @node: its offset, or < 0 if it has none. */
static int random_prop(struct rng *r, const void *fdt, int node)
{
	int off, n = 0, pick;

	fdt_for_each_property_offset(off, fdt, node)
		n++;
	if (!n)
		return -FDT_ERR_NOTFOUND;
	pick = (int)below(r, (uint32_t)n);
	fdt_for_each_property_offset(off, fdt, node)
		if (!pick--)
			return off;
	return -FDT_ERR_NOTFOUND;
}

static int is_cell_prop(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(cell_props) / sizeof(cell_props[0]); i++)
		if (!strcmp(name, cell_props[i]))
			return 1;
	return 0;
}

/*
 * A random property of a random node, preferring (a few tries) one the
 * firmware decodes as cells: reg, ranges, dma-ranges, interrupt-map...
 */
static int random_cell_prop(struct rng *r, const void *fdt, int *node)
{
	const char *name;
	int poff = -FDT_ERR_NOTFOUND, tries;

	for (tries = 0; tries < 8; tries++) {
		*node = random_node(r, fdt);
		poff = random_prop(r, fdt, *node);
		if (poff >= 0 && fdt_getprop_by_offset(fdt, poff, &name, NULL) && name &&
		    is_cell_prop(name))
			break;
	}
	return poff;
}

/* Name and value of a property, copied out (edits move the blob). */
static int read_prop(const void *fdt, int poff, char *name, uint8_t *val, int *len)
{
	const char *n;
	const void *v;

	v = fdt_getprop_by_offset(fdt, poff, &n, len);
	if (!v || !n || *len < 0 || *len > FUZZ_VALUE_MAX || strlen(n) >= FUZZ_NAME_MAX)
		return -1;
	strcpy(name, n);
	memcpy(val, v, (size_t)*len);
	return 0;
}

/* The phandle of a random node, giving it one if it has none. */
static uint32_t random_phandle(struct rng *r, void *fdt)
{
	int node = random_node(r, fdt);
	uint32_t ph;

	if (node < 0)
		return 0;
	ph = fdt_get_phandle(fdt, node);
	if (ph)
		return ph;
	if (fdt_generate_phandle(fdt, &ph) || fdt_setprop_u32(fdt, node, "phandle", ph))
		return 0;
	return ph;
}

static uint32_t random_cell(struct rng *r, void *fdt)
{
	switch (below(r, 4)) {
	case 0:
		return below(r, 5);
	case 1:
		return PICK(r, interesting);
	case 2:
		return random_phandle(r, fdt);
	default:
		return rnd(r);
	}
}

/* @n cells of generated values, big-endian, into @val. */
static int gen_cells(struct rng *r, void *fdt, uint8_t *val, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		fdt32_t c = cpu_to_fdt32(random_cell(r, fdt));

		memcpy(val + 4 * i, &c, 4);
	}
	return 4 * n;
}

static void put_cell(uint8_t *at, uint32_t v)
{
	fdt32_t c = cpu_to_fdt32(v);

	memcpy(at, &c, 4);
}

/* A PCI host's `ranges` for a parent of @na address cells: 1 or 2 windows. */
static int gen_pci_ranges(struct rng *r, void *fdt, uint8_t *val, uint32_t na)
{
	static const uint32_t spaces[] = { 0x01000000, 0x02000000, 0x42000000, 0x03000000,
					   0x43000000, 0x00000000 };
	int n = 1 + (int)below(r, 2), i, len = 0;

	for (i = 0; i < n; i++) {
		put_cell(val + len, PICK(r, spaces));
		len += 4;
		len += gen_cells(r, fdt, val + len, 2 + (int)na + 2);
	}
	return len;
}

/*
 * A new bus under a random node, with generated #address-cells,
 * #size-cells, ranges and dma-ranges, and one device on it that asks for
 * DMA or an interrupt, or is a PCI host (its windows then go through the
 * bus's ranges): nesting that byte-level edits of the seeds rarely build.
 * Every value (and any phandle it needs) is made before the first node is
 * added, so no offset moves under the code that uses it.
 */
static void add_bus(struct rng *r, void *fdt)
{
	uint8_t ranges[16 * 4], dma[16 * 4], reg[4 * 4], ext[4 * 4], pci[16 * 4];
	uint32_t na = 1 + below(r, 2), ns = 1 + below(r, 2), what = below(r, 4);
	int entry = (int)(na + 2 + ns), nr, nd, nreg, next, npci, parent, bus, dev;
	char name[24];

	nr = below(r, 2) ? 0 : gen_cells(r, fdt, ranges, entry);
	nd = below(r, 4) ? gen_cells(r, fdt, dma, entry * (int)below(r, 3)) : -1;
	nreg = gen_cells(r, fdt, reg, (int)(na + ns));
	next = gen_cells(r, fdt, ext, 4);
	npci = gen_pci_ranges(r, fdt, pci, na);
	snprintf(name, sizeof(name), "bus@%x", rnd(r) & 0xffff);

	parent = random_node(r, fdt);
	if (parent < 0)
		return;
	bus = fdt_add_subnode(fdt, parent, name);
	if (bus < 0 || fdt_setprop_u32(fdt, bus, "#address-cells", na) ||
	    fdt_setprop_u32(fdt, bus, "#size-cells", ns) ||
	    fdt_setprop(fdt, bus, "ranges", ranges, nr) ||
	    (nd >= 0 && fdt_setprop(fdt, bus, "dma-ranges", dma, nd)))
		return;
	dev = fdt_add_subnode(fdt, bus, "dev@0");
	if (dev < 0)
		return;
	if (what == 3) {
		/* ECAM of 16 buses at the generated address */
		put_cell(reg + 4 * (na + ns) - 4, 0x1000000);
		if (ns == 2)
			put_cell(reg + 4 * na, 0);
	}
	if (fdt_setprop(fdt, dev, "reg", reg, nreg))
		return;
	switch (what) {
	case 0:
		fdt_setprop(fdt, dev, "dma-coherent", NULL, 0);
		return;
	case 1:
		fdt_setprop(fdt, dev, "memory-region", ext, 4);
		return;
	case 2:
		fdt_setprop(fdt, dev, "interrupts-extended", ext, next);
		return;
	default:
		if (fdt_setprop_u32(fdt, dev, "#address-cells", 3) ||
		    fdt_setprop_u32(fdt, dev, "#size-cells", 2) ||
		    fdt_setprop(fdt, dev, "ranges", pci, npci))
			return;
		fdt_setprop_string(fdt, dev, "compatible", "pci-host-ecam-generic");
		return;
	}
}

/* ---- one structural mutation -------------------------------------------- */

enum mutation {
	MUT_VALUE_BYTES,	/* libFuzzer's byte mutations on one value */
	MUT_VALUE_CELL,		/* one cell of a value to a boundary or a phandle */
	MUT_SET_CELLS,		/* a cell property the firmware reads, generated */
	MUT_SET_FLAG,		/* an empty property */
	MUT_SET_STRING,		/* compatible, status, device_type, stdout-path */
	MUT_GRAFT,		/* a value under another name, on another node */
	MUT_DEL_PROP,
	MUT_DEL_NODE,
	MUT_ADD_NODE,
	MUT_MEMRSV,
	MUT_ADD_BUS,		/* add_bus() */
	MUT_NR
};

static void mutate_once(struct rng *r, void *fdt)
{
	char name[FUZZ_NAME_MAX], str[FUZZ_VALUE_MAX];
	uint8_t val[FUZZ_VALUE_MAX];
	int node, poff, len, i, n;
	const char *pname;

	switch ((enum mutation)below(r, MUT_NR)) {
	case MUT_VALUE_BYTES:
		node = random_node(r, fdt);
		poff = random_prop(r, fdt, node);
		if (poff < 0 || read_prop(fdt, poff, name, val, &len))
			return;
		len = (int)LLVMFuzzerMutate(val, (size_t)len, sizeof(val));
		fdt_setprop(fdt, node, name, val, len);
		return;
	case MUT_VALUE_CELL: {
		/* First: random_cell() may add a phandle, which moves offsets. */
		fdt32_t c = cpu_to_fdt32(random_cell(r, fdt));

		poff = random_cell_prop(r, fdt, &node);
		if (poff < 0 || read_prop(fdt, poff, name, val, &len) || len < 4)
			return;
		i = (int)below(r, (uint32_t)len / 4);
		memcpy(val + 4 * i, &c, 4);
		fdt_setprop(fdt, node, name, val, len);
		return;
	}
	case MUT_SET_CELLS:
		pname = PICK(r, cell_props);
		n = (int)below(r, 13);
		len = gen_cells(r, fdt, val, n);
		node = random_node(r, fdt);
		if (node >= 0)
			fdt_setprop(fdt, node, pname, val, len);
		return;
	case MUT_SET_FLAG:
		node = random_node(r, fdt);
		if (node >= 0)
			fdt_setprop(fdt, node, PICK(r, flag_props), NULL, 0);
		return;
	case MUT_SET_STRING:
		node = random_node(r, fdt);
		if (node < 0)
			return;
		/* fdt_setprop_string() evaluates its value twice: pick it first. */
		switch (below(r, 4)) {
		case 0:
			pname = PICK(r, compats);
			fdt_setprop_string(fdt, node, "compatible", pname);
			return;
		case 1:
			pname = PICK(r, statuses);
			fdt_setprop_string(fdt, node, "status", pname);
			return;
		case 2:
			pname = below(r, 2) ? "memory" : "pci";
			fdt_setprop_string(fdt, node, "device_type", pname);
			return;
		default:
			/* /chosen/stdout-path naming a random node, options or not */
			i = fdt_path_offset(fdt, "/chosen");
			if (i < 0 || fdt_get_path(fdt, node, str, (int)sizeof(str) - 8))
				return;
			if (below(r, 2))
				strcat(str, ":115200");
			fdt_setprop_string(fdt, i, "stdout-path", str);
			return;
		}
	case MUT_GRAFT:
		node = random_node(r, fdt);
		poff = random_prop(r, fdt, node);
		if (poff < 0 || read_prop(fdt, poff, name, val, &len))
			return;
		pname = below(r, 2) ? PICK(r, cell_props) : name;
		node = random_node(r, fdt);
		if (node >= 0)
			fdt_setprop(fdt, node, pname, val, len);
		return;
	case MUT_DEL_PROP:
		node = random_node(r, fdt);
		poff = random_prop(r, fdt, node);
		if (poff < 0 || read_prop(fdt, poff, name, val, &len))
			return;
		fdt_delprop(fdt, node, name);
		return;
	case MUT_DEL_NODE:
		node = random_node(r, fdt);
		if (node > 0)
			fdt_del_node(fdt, node);
		return;
	case MUT_ADD_NODE:
		node = random_node(r, fdt);
		if (node >= 0)
			fdt_add_subnode(fdt, node, PICK(r, node_names));
		return;
	case MUT_MEMRSV:
		n = fdt_num_mem_rsv(fdt);
		if (n > 0 && below(r, 2))
			fdt_del_mem_rsv(fdt, (int)below(r, (uint32_t)n));
		else
			fdt_add_mem_rsv(fdt,
					(uint64_t)random_cell(r, fdt) << (below(r, 2) ? 32 : 0) |
						random_cell(r, fdt),
					random_cell(r, fdt));
		return;
	case MUT_ADD_BUS:
		add_bus(r, fdt);
		return;
	case MUT_NR:
		return;
	}
}

/* A blob that passes dt_check(), opened into @buf with room to grow. */
static int open_blob(const uint8_t *data, size_t size, uint8_t *buf, size_t cap)
{
	if (size > cap)
		return -1;
	memcpy(buf, data, size);
	if (dt_check(buf, size))
		return -1;
	/* fdt_open_into() moves the blob within @buf: safe in place. */
	return fdt_open_into(buf, buf, (int)cap) ? -1 : 0;
}

/* Pack @fdt and copy it to @out if it fits: its size, or 0. */
static size_t emit(void *fdt, uint8_t *out, size_t max)
{
	size_t n;

	if (fdt_pack(fdt) || dt_check(fdt, fdt_totalsize(fdt)))
		return 0;
	n = fdt_totalsize(fdt);
	if (n > max)
		return 0;
	memcpy(out, fdt, n);
	return n;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	struct rng r = { .s = 0x9E3779B97F4A7C15ULL * ((uint64_t)seed + 1) };
	size_t cap = max_size < FUZZ_WORK_MAX ? max_size : FUZZ_WORK_MAX, n;
	int k, rounds;

	if (!below(&r, 8) || open_blob(data, size, work, cap))
		return LLVMFuzzerMutate(data, size, max_size);
	rounds = 1 + (int)below(&r, 3);
	for (k = 0; k < rounds; k++)
		mutate_once(&r, work);
	n = emit(work, data, max_size);
	return n ? n : LLVMFuzzerMutate(data, size, max_size);
}

/* Crossover: a property of the second blob set on a node of the first. */
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
				 size_t size2, uint8_t *out, size_t max_out_size,
				 unsigned int seed)
{
	struct rng r = { .s = 0xD1B54A32D192ED03ULL * ((uint64_t)seed + 1) };
	size_t cap = max_out_size < FUZZ_WORK_MAX ? max_out_size : FUZZ_WORK_MAX;
	char name[FUZZ_NAME_MAX];
	uint8_t val[FUZZ_VALUE_MAX];
	int node, poff, len;

	if (open_blob(data1, size1, work, cap) || open_blob(data2, size2, other, FUZZ_WORK_MAX))
		return 0;
	node = random_node(&r, other);
	poff = random_prop(&r, other, node);
	if (poff < 0 || read_prop(other, poff, name, val, &len))
		return 0;
	node = random_node(&r, work);
	if (node < 0 || fdt_setprop(work, node, name, val, len))
		return 0;
	return emit(work, out, max_out_size);
}
