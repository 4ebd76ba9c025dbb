/*
 * dtbcheck - print the physical memory map and device DMA setup the
 * firmware would derive from a DTB, and every problem it would report.
 *
 *   dtbcheck [--image BASE,SIZE] FILE.dtb
 *
 * Device DMA is printed for every node with memory-region, dma-ranges,
 * dma-coherent or dma-noncoherent.
 *
 * Runs the firmware's own mm/memmap.c and mm/dt_dma.c on the host, so what
 * it prints is what the image would do. --image marks a range the
 * firmware occupies (no reserved region may overlap it).
 *
 * Exit status: 0 no problem, 1 at least one problem (including a blob
 * that fails dt_check()), 2 usage or I/O error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <dt.h>
#include <mm/dt_dma.h>
#include <mm/memmap.h>

#define PATH_MAX_LEN MEMMAP_PATH_MAX

struct strlist {
	int n, cap;
	char **s;
};

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fprintf(stderr, "dtbcheck: out of memory\n");
		exit(2);
	}
	return p;
}

static bool strlist_has(const struct strlist *l, const char *s)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->s[i], s))
			return true;
	return false;
}

static void strlist_add(struct strlist *l, const char *s)
{
	size_t len = strlen(s) + 1;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->s = xrealloc(l->s, (size_t)l->cap * sizeof(*l->s));
	}
	l->s[l->n] = xrealloc(NULL, len);
	memcpy(l->s[l->n], s, len);
	l->n++;
}

/*
 * The report callback: "path: message". A malformed bus dma-ranges is
 * reported once per child configured; print it once.
 */
static void collect(void *ctx, const char *path, const char *msg)
{
	struct strlist *problems = ctx;
	char line[PATH_MAX_LEN + 512];

	if (path[0])
		snprintf(line, sizeof(line), "%s: %s", path, msg);
	else
		snprintf(line, sizeof(line), "%s", msg);
	if (!strlist_has(problems, line))
		strlist_add(problems, line);
}

static void *read_file(const char *name, size_t *size)
{
	FILE *f = fopen(name, "rb");
	void *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		goto fail;
	/* malloc's alignment meets libfdt's 8-byte rule */
	buf = xrealloc(NULL, n ? (size_t)n : 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		goto fail;
	fclose(f);
	*size = (size_t)n;
	return buf;
fail:
	free(buf);
	fclose(f);
	return NULL;
}

static const char *size_str(u64 size, char *buf, size_t len)
{
	if (size && !(size % (1ULL << 30)))
		snprintf(buf, len, "%" PRIu64 " GiB", size >> 30);
	else if (size && !(size % (1ULL << 20)))
		snprintf(buf, len, "%" PRIu64 " MiB", size >> 20);
	else if (size && !(size % (1ULL << 10)))
		snprintf(buf, len, "%" PRIu64 " KiB", size >> 10);
	else
		snprintf(buf, len, "%#" PRIx64 " B", size);
	return buf;
}

static void print_range(u64 base, u64 size)
{
	char s[32];
	u64 end = base + (size - 1) < base ? ~0ULL : base + (size - 1);

	printf("  0x%016" PRIx64 "-0x%016" PRIx64 "  %9s", base, end,
	       size_str(size, s, sizeof(s)));
}

static const char *flags_str(u32 f, char *buf, size_t len)
{
	static const struct {
		u32 flag;
		const char *name;
	} names[] = {
		{ RMEM_NO_MAP, "no-map" },
		{ RMEM_REUSABLE, "reusable" },
		{ RMEM_SHARED_DMA_POOL, "shared-dma-pool" },
		{ RMEM_RESTRICTED_DMA_POOL, "restricted-dma-pool" },
		{ RMEM_CMA_DEFAULT, "cma-default" },
		{ RMEM_DMA_DEFAULT, "dma-default" },
	};
	size_t i, at = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(f & names[i].flag))
			continue;
		at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? "," : "",
				       names[i].name);
		if (at >= len)
			break;
	}
	if (!buf[0])
		snprintf(buf, len, "-");
	return buf;
}

static const char *kind_str(enum rmem_kind k)
{
	switch (k) {
	case RMEM_STATIC:
		return "static";
	case RMEM_DYNAMIC:
		return "dynamic";
	case RMEM_MEMRESERVE:
		return "memreserve";
	}
	return "?";
}

static void path_of(const void *fdt, int node, char *buf)
{
	dt_path(fdt, node, buf, PATH_MAX_LEN);
}

/* Device nodes naming each kept region in their memory-region. */
static void find_users(const void *fdt, const struct memmap *mm,
		       struct strlist *users)
{
	char path[PATH_MAX_LEN];
	const fdt32_t *ph;
	int node = -1, len, i, idx;

	for (;;) {
		node = fdt_next_node(fdt, node, NULL);
		if (node < 0)
			break;
		ph = fdt_getprop(fdt, node, "memory-region", &len);
		if (!ph || len <= 0 || len % 4)
			continue;
		for (i = 0; i < len / 4; i++) {
			idx = memmap_rmem_index_by_phandle(mm, fdt32_ld(ph + i));
			if (idx < 0)
				continue;
			path_of(fdt, node, path);
			if (!strlist_has(&users[idx], path))
				strlist_add(&users[idx], path);
		}
	}
}

static int by_base(const void *a, const void *b)
{
	const struct rmem *x = *(const struct rmem *const *)a;
	const struct rmem *y = *(const struct rmem *const *)b;

	return x->base < y->base ? -1 : x->base > y->base;
}

static void print_memmap(const void *fdt, const struct memmap *mm,
			 const struct memmap_excl *excl)
{
	struct strlist users[MEMMAP_MAX_RMEM] = { { 0 } };
	const struct rmem *sorted[MEMMAP_MAX_RMEM];
	char path[PATH_MAX_LEN], flags[128];
	int i, j, idx;

	printf("RAM (%d bank%s):\n", mm->nr_ram, mm->nr_ram == 1 ? "" : "s");
	for (i = 0; i < mm->nr_ram; i++) {
		print_range(mm->ram[i].base, mm->ram[i].size);
		printf("\n");
	}
	if (!mm->nr_ram)
		printf("  (none)\n");

	printf("\n/memreserve/ (%d):\n", mm->nr_rsv);
	for (i = 0; i < mm->nr_rsv; i++) {
		print_range(mm->rsv[i].base, mm->rsv[i].size);
		printf("\n");
	}
	if (!mm->nr_rsv)
		printf("  (none)\n");

	if (excl && excl->count) {
		printf("\nFirmware ranges (excluded):\n");
		for (i = 0; i < excl->count; i++) {
			print_range(excl->range[i].base, excl->range[i].size);
			printf("  %s\n", excl->range[i].what);
		}
	}

	find_users(fdt, mm, users);
	for (i = 0; i < mm->nr_rmem; i++)
		sorted[i] = &mm->rmem[i];
	qsort(sorted, (size_t)mm->nr_rmem, sizeof(sorted[0]), by_base);

	printf("\nReserved memory (%d region%s, by base):\n", mm->nr_rmem,
	       mm->nr_rmem == 1 ? "" : "s");
	if (mm->nr_rmem)
		printf("  %-37s  %9s  %-8s %-36s %s\n", "range", "size", "kind",
		       "flags", "node");
	for (i = 0; i < mm->nr_rmem; i++) {
		const struct rmem *r = sorted[i];

		idx = (int)(r - mm->rmem);
		path_of(fdt, r->node, path);
		print_range(r->base, r->size);
		printf("  %-8s %-36s %s\n", kind_str(r->kind),
		       flags_str(r->flags, flags, sizeof(flags)), path);
		if (r->kind == RMEM_DYNAMIC)
			printf("  %48s  placed top-down, alignment %#" PRIx64 "\n", "",
			       r->align);
		for (j = 0; j < users[idx].n; j++)
			printf("  %48s  used by %s\n", "", users[idx].s[j]);
		if (!users[idx].n)
			printf("  %48s  used by (no device)\n", "");
	}
	if (!mm->nr_rmem)
		printf("  (none)\n");
	for (i = 0; i < MEMMAP_MAX_RMEM; i++) {
		for (j = 0; j < users[i].n; j++)
			free(users[i].s[j]);
		free(users[i].s);
	}
}

static bool wants_dma(const void *fdt, int node)
{
	return fdt_getprop(fdt, node, "memory-region", NULL) ||
	       fdt_getprop(fdt, node, "dma-ranges", NULL) ||
	       fdt_getprop(fdt, node, "dma-coherent", NULL) ||
	       fdt_getprop(fdt, node, "dma-noncoherent", NULL);
}

static void print_dma(const void *fdt, const struct memmap *mm,
		      struct strlist *problems)
{
	char path[PATH_MAX_LEN], rpath[PATH_MAX_LEN], s[32];
	struct dt_dma_info info;
	int node = -1, count = 0, i;

	printf("\nDevice DMA (nodes with memory-region, dma-ranges, dma-coherent or dma-noncoherent):\n");
	for (;;) {
		node = fdt_next_node(fdt, node, NULL);
		if (node < 0)
			break;
		if (!wants_dma(fdt, node))
			continue;
		count++;
		dt_dma_configure(fdt, node, mm, &info, collect, problems);
		path_of(fdt, node, path);
		printf("  %-44s %-13s", path,
		       info.coherent ? "coherent" : "non-coherent");
		if (!info.nr_ranges)
			printf(" 1:1, no limit");
		else
			printf(" limit 0x%" PRIx64, info.bus_dma_limit);
		printf(", mask %#" PRIx64 "\n", info.dma_mask);
		for (i = 0; i < info.nr_ranges; i++)
			printf("  %44s dma 0x%" PRIx64 " -> cpu 0x%" PRIx64 " (%s)\n",
			       "", info.range[i].dma_start, info.range[i].cpu_start,
			       size_str(info.range[i].size, s, sizeof(s)));
		for (i = 0; i < info.nr_regions; i++) {
			const struct dt_dma_region *r = &info.region[i];

			if (r->rmem < 0) {
				snprintf(rpath, sizeof(rpath), "(unresolved)");
			} else {
				path_of(fdt, mm->rmem[r->rmem].node, rpath);
			}
			printf("  %44s memory-region[%d]%s%s%s -> %s%s\n", "", i,
			       r->name[0] ? " \"" : "", r->name,
			       r->name[0] ? "\"" : "", rpath,
			       info.restricted == i ? " (restricted: bounce)" : "");
		}
	}
	if (!count)
		printf("  (none)\n");
}

static int usage(void)
{
	fprintf(stderr, "usage: dtbcheck [--image BASE,SIZE] FILE.dtb\n");
	return 2;
}

static bool parse_image(const char *arg, struct memmap_excl *excl)
{
	char *end;
	u64 base, size;

	errno = 0;
	base = strtoull(arg, &end, 0);
	if (errno || end == arg || *end != ',')
		return false;
	arg = end + 1;
	size = strtoull(arg, &end, 0);
	if (errno || end == arg || *end || !size)
		return false;
	excl->range[excl->count].base = base;
	excl->range[excl->count].size = size;
	excl->range[excl->count].what = "firmware image";
	excl->count++;
	return true;
}

int main(int argc, char **argv)
{
	struct memmap_excl excl = { .count = 0 };
	struct strlist problems = { 0 };
	static struct memmap mm;
	const char *file = NULL, *model;
	size_t size;
	void *fdt;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--image")) {
			if (++i >= argc || excl.count ||
			    !parse_image(argv[i], &excl))
				return usage();
		} else if (!strncmp(argv[i], "--image=", 8)) {
			if (excl.count || !parse_image(argv[i] + 8, &excl))
				return usage();
		} else if (argv[i][0] == '-' || file) {
			return usage();
		} else {
			file = argv[i];
		}
	}
	if (!file)
		return usage();

	fdt = read_file(file, &size);
	if (!fdt) {
		fprintf(stderr, "dtbcheck: %s: %s\n", file, strerror(errno ? errno : EIO));
		return 2;
	}
	ret = dt_check(fdt, size);
	if (ret) {
		printf("%s: not a usable DTB: %s\n\nProblems: 1\n", file,
		       fdt_strerror(ret));
		free(fdt);
		return 1;
	}

	model = dt_model(fdt);
	printf("DTB %s (%zu bytes, model \"%s\")\n\n", file, size,
	       model ? model : "?");
	memmap_parse(fdt, &excl, &mm, collect, &problems);
	print_memmap(fdt, &mm, &excl);
	print_dma(fdt, &mm, &problems);

	printf("\nProblems: %d\n", problems.n);
	for (i = 0; i < problems.n; i++) {
		printf("  %s\n", problems.s[i]);
		free(problems.s[i]);
	}
	free(problems.s);
	free(fdt);
	return problems.n ? 1 : 0;
}
