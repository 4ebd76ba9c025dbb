/*
 * The soak engine (include/soak.h): a seeded random sequence of DMA work
 * over live objects, every byte checked, then a leak check against the
 * state before the run. Entry points: the self-test soak.random_ops (boot
 * arguments soak.ops=N, soak.seed=N) and the console command `soak`.
 *
 * Objects and their bytes:
 *
 *   byte i of object #id = pat(key, i), key = mix(seed, id)
 *
 * A streaming buffer sits in its own page_alloc() region with SOAK_GUARD
 * bytes of SOAK_GUARD_BYTE before and after it (before and after every
 * segment of a list), so a copy-back or a device write past the end is
 * seen too. Blocks written to a disk's scratch region carry pat(key, disk
 * offset) with the key of the write, remembered per block.
 *
 * The generator is xorshift64* seeded through splitmix64's finaliser: the
 * same seed gives the same sequence on the same set of devices.
 */
#include <arch/rng.h>
#include <arch/timer.h>
#include <boot.h>
#include <cmdline.h>
#include <console.h>
#include <dma.h>
#include <drivers/blockdev.h>
#include <drivers/edu.h>
#include <drivers/smmu_v3.h>
#include <dt.h>
#include <errno.h>
#include <fmt.h>
#include <iommu.h>
#include <layout.h>
#include <libfdt.h>
#include <mm/dma_internal.h>
#include <mm/page_alloc.h>
#include <selftest.h>
#include <shell.h>
#include <soak.h>
#include <stdarg.h>
#include <string.h>
#include <xorshift.h>

#define SOAK_MAX_OBJS 32
#define SOAK_MAX_DEVS 16
#define SOAK_MAX_DISKS 4
#define SOAK_MAX_SEGS 4
#define SOAK_POOL_BLOCKS 8
#define SOAK_COHERENT_MAX (UL(32) << 10)	/* 1 allocation in 16 */
#define SOAK_COHERENT_SMALL 8192		/* the others */
#define SOAK_SINGLE_MAX 8192
#define SOAK_SEG_MAX 2048
#define SOAK_POOL_BLOCK_MAX 1024
#define SOAK_GUARD 64
#define SOAK_GUARD_BYTE 0xe5
#define SOAK_DMA_TEST_COMPAT "fw,dma-test"
/*
 * QEMU's edu completes a DMA 100 ms (virtual clock) after it is started
 * (hw/misc/edu.c, edu_dma_timer), and an edu operation makes two: they are
 * rare, or 100000 operations would take hours.
 */
#define SOAK_EDU_PER_MILLE 1

/* Scratch arenas: the edu's source and destination, and two for block requests. */
#define SOAK_ARENA_ORDER 2
#define SOAK_ARENA (PAGE_SIZE << SOAK_ARENA_ORDER)
/* A streaming list lives in one region of this order. */
#define SOAK_SG_ORDER 2

/*
 * Disks: reads anywhere in the first MiB; writes only in the scratch
 * region, clear of the block self-tests' [BLK_TEST_WRITE_OFF, +LEN).
 * The runner's disks are at least 1 MiB.
 */
#define SOAK_BLK_SPAN (UL(1) << 20)
#define SOAK_BLK_OFF 0x40000
#define SOAK_BLK_LEN 0x10000
#define SOAK_BLK_MAX_BYTES 4096		/* per request */
#define SOAK_BLK_MIN_BLOCK 512

/* dma-debug records live before the run, remembered to name new ones after it. */
#define SOAK_BASE_RECORDS 512

enum obj_type { OBJ_COHERENT, OBJ_SINGLE, OBJ_SG, OBJ_POOL };

static const char *const obj_names[] = { "coherent", "single", "sg", "dma_pool block" };
static const char *const dir_names[] = { "bidirectional", "to-device", "from-device", "none" };
static const char *const op_names[SOAK_NR_OPS] = {
	"alloc", "free", "map", "unmap", "map_sg", "unmap_sg", "sync", "pool_create",
	"pool_alloc", "pool_free", "pool_destroy", "edu", "blk_read", "blk_write",
};

struct soak_dev {
	struct device *dev;
	struct edu *edu;	/* an edu on this device that reaches firmware RAM, or NULL */
};

struct soak_disk {
	struct blockdev *bd;
	bool scratch;		/* the scratch region fits: writes allowed */
	bool dirty;		/* some scratch block holds a soak pattern */
	u64 key[SOAK_BLK_LEN / SOAK_BLK_MIN_BLOCK]; /* per scratch block, 0: the disk's own */
};

struct pool_block {
	u8 *cpu;
	dma_addr_t dma;
	u32 id;
	u64 key, born;
};

struct soak_obj {
	enum obj_type type;
	u32 id;
	u64 born;		/* operation that made it */
	struct soak_dev *sd;
	u64 key;
	size_t size;		/* coherent, single: bytes; pool: block size */
	u8 *region;		/* single, sg: the page_alloc() region */
	unsigned int order;	/* its order */
	u8 *cpu;		/* coherent: CPU address; single: the buffer */
	dma_addr_t dma;
	enum dma_data_direction dir;
	int nents;
	struct scatterlist sg[SOAK_MAX_SEGS];
	struct dma_pool *pool;
	size_t align, boundary;
	unsigned int nblk;
	struct pool_block blk[SOAK_POOL_BLOCKS];
};

struct base_rec {
	const struct device *dev;
	dma_addr_t dma;
};

/* What must come back after the run. */
struct soak_usage {
	unsigned int live, reports;
	u64 free_bytes;		/* coherent pools + page allocator */
	u64 bounce_slabs;
	u64 iova_pages;
	long tables;		/* SMMU table pages of the devices' domains */
	unsigned long faults;
};

struct soak {
	struct soak_result *res;
	u64 seed, rng, op;
	u32 next_id;
	bool stop;
	unsigned int reports;	/* dma_debug_errors() before the current operation */
	struct soak_dev devs[SOAK_MAX_DEVS];
	unsigned int ndevs;
	struct soak_disk disks[SOAK_MAX_DISKS];
	unsigned int ndisks;
	struct soak_obj obj[SOAK_MAX_OBJS];
	unsigned int nobj;
	u8 *edu_src, *edu_dst, *blk_a, *blk_b;
	struct base_rec base[SOAK_BASE_RECORDS];
	unsigned int nbase;
};

static struct soak soak_state;

/* --- numbers ------------------------------------------------------------------ */

/* splitmix64's finaliser: a bijection that spreads every input bit. */
static u64 mix64(u64 x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static u64 next64(struct soak *s)
{
	return xorshift64star(&s->rng);
}

/* Uniform in [0, n), n > 0 (Lemire's multiply-shift; the bias is below 2^-32). */
static u32 rnd(struct soak *s, u32 n)
{
	return (u32)(((next64(s) >> 32) * n) >> 32);
}

/* 1..max, log-uniform: small sizes as often as large ones. @max a power of two. */
static size_t rnd_size(struct soak *s, size_t max)
{
	u32 bits = rnd(s, (u32)__builtin_ctzl(max) + 1);
	size_t n = 1 + rnd(s, 1U << bits);

	return n < max ? n : max;
}

static u64 key_of(const struct soak *s, u32 id)
{
	return mix64(s->seed ^ mix64((u64)id + 1));
}

static inline u8 pat(u64 key, u64 i)
{
	return (u8)((key >> ((i & 7) * 8)) + (i >> 3));
}

static void fill(u8 *p, size_t n, u64 key, u64 base)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = pat(key, base + i);
}

/* First byte of @p[0..n) that is not pat(key, base + i), or -1. */
static s64 bad_byte(const u8 *p, size_t n, u64 key, u64 base)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != pat(key, base + i))
			return (s64)i;
	return -1;
}

static s64 not_byte(const u8 *p, size_t n, u8 v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != v)
			return (s64)i;
	return -1;
}

/* --- failures ------------------------------------------------------------------ */

/* A failure of @kind, counted in *@count, printed and kept as the run's reason. */
static void __printf(4, 5) fail(struct soak *s, unsigned int *count, const char *kind,
				const char *fmt, ...)
{
	char msg[240];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	(*count)++;
	kprintf("soak: %s at op %llu: %s; seed 0x%llx\n", kind, (unsigned long long)s->op, msg,
		(unsigned long long)s->seed);
	if (!s->res->why[0])
		fmt_snprintf(s->res->why, sizeof(s->res->why), "%s at op %llu (seed 0x%llx): %s",
			     kind, (unsigned long long)s->op, (unsigned long long)s->seed, msg);
	s->stop = true;
}

/* A call that should have worked did not (or the API broke a promise). */
#define error(s, ...) fail((s), &(s)->res->errors, "FAIL", __VA_ARGS__)

/* @kind ("CORRUPTION", "LEAK") of object @o (or of its block @id): the object named. */
static void __printf(5, 6) fail_obj(struct soak *s, const char *kind, const struct soak_obj *o,
				    u32 id, const char *fmt, ...)
{
	char what[128];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	kprintf("soak: %s at op %llu: object #%u (%s %zu bytes%s%s on %s, made at op %llu): %s; "
		"seed 0x%llx\n", kind, (unsigned long long)s->op, id, obj_names[o->type], o->size,
		o->type == OBJ_SINGLE || o->type == OBJ_SG ? " " : "",
		o->type == OBJ_SINGLE || o->type == OBJ_SG ? dir_names[o->dir] : "", o->sd->dev->name,
		(unsigned long long)o->born, what, (unsigned long long)s->seed);
	if (!s->res->why[0])
		fmt_snprintf(s->res->why, sizeof(s->res->why), "%s at op %llu (seed 0x%llx): object "
			     "#%u: %s", kind, (unsigned long long)s->op, (unsigned long long)s->seed, id,
			     what);
	s->stop = true;
}

/* A byte of @o (what @where says) differs from what it must hold. */
static void corrupt(struct soak *s, const struct soak_obj *o, u32 id, const char *where,
		    s64 at, u8 got, u8 want)
{
	s->res->corruptions++;
	fail_obj(s, "CORRUPTION", o, id, "%s: byte +%lld is 0x%02x, expected 0x%02x", where,
		 (long long)at, got, want);
}

/* Check @n bytes of @o at @p against its pattern from index @base. */
static bool check(struct soak *s, const struct soak_obj *o, const char *where, const u8 *p,
		  size_t n, u64 key, u64 base, u32 id)
{
	s64 at = bad_byte(p, n, key, base);

	if (at < 0)
		return true;
	corrupt(s, o, id, where, (s64)base + at, p[at], pat(key, base + (u64)at));
	return false;
}

static bool check_guard(struct soak *s, const struct soak_obj *o, const char *where,
			const u8 *p, size_t n)
{
	s64 at = not_byte(p, n, SOAK_GUARD_BYTE);

	if (at < 0)
		return true;
	corrupt(s, o, o->id, where, at, p[at], SOAK_GUARD_BYTE);
	return false;
}

/* What dma-debug said about the failed call, if it said anything. */
static const char *last_report(const struct soak *s)
{
	return dma_debug_errors() != s->reports ? dma_debug_last() : "no dma-debug report";
}

/* --- objects ------------------------------------------------------------------- */

static struct soak_obj *obj_new(struct soak *s, enum obj_type type, struct soak_dev *sd)
{
	struct soak_obj *o = &s->obj[s->nobj++];

	memset(o, 0, sizeof(*o));
	o->type = type;
	o->sd = sd;
	o->id = s->next_id++;
	o->key = key_of(s, o->id);
	o->born = s->op;
	if (s->nobj > s->res->max_live)
		s->res->max_live = s->nobj;
	return o;
}

static void obj_drop(struct soak *s, struct soak_obj *o)
{
	*o = s->obj[--s->nobj];
}

/* A live object of a type in @types (bitmask) that @ok accepts, or NULL. */
static struct soak_obj *pick(struct soak *s, unsigned int types,
			     bool (*ok)(const struct soak_obj *, const void *), const void *arg)
{
	unsigned int i, n = 0, k;

	for (i = 0; i < s->nobj; i++)
		n += (types & BIT(s->obj[i].type)) && (!ok || ok(&s->obj[i], arg));
	if (!n)
		return NULL;
	k = rnd(s, n);
	for (i = 0; i < s->nobj; i++)
		if ((types & BIT(s->obj[i].type)) && (!ok || ok(&s->obj[i], arg)) && !k--)
			return &s->obj[i];
	return NULL;
}

static struct soak_dev *pick_dev(struct soak *s)
{
	return &s->devs[rnd(s, s->ndevs)];
}

static enum dma_data_direction pick_dir(struct soak *s)
{
	static const enum dma_data_direction dirs[] = { DMA_BIDIRECTIONAL, DMA_TO_DEVICE,
							DMA_FROM_DEVICE };

	return dirs[rnd(s, ARRAY_SIZE(dirs))];
}

/* --- coherent ------------------------------------------------------------------ */

static void op_alloc(struct soak *s)
{
	struct soak_dev *sd = pick_dev(s);
	size_t size = rnd(s, 16) ? rnd_size(s, SOAK_COHERENT_SMALL) : rnd_size(s, SOAK_COHERENT_MAX);
	struct soak_obj *o;
	dma_addr_t dma;
	u8 *cpu;
	s64 at;

	cpu = dma_alloc_coherent(sd->dev, size, &dma, GFP_KERNEL);
	if (!cpu) {
		error(s, "dma_alloc_coherent(%s, %zu bytes) failed: %s", sd->dev->name, size,
		      last_report(s));
		return;
	}
	o = obj_new(s, OBJ_COHERENT, sd);
	o->cpu = cpu;
	o->dma = dma;
	o->size = size;
	at = not_byte(cpu, size, 0);
	if (at >= 0) {
		corrupt(s, o, o->id, "not zeroed at allocation", at, cpu[at], 0);
		return;
	}
	fill(cpu, size, o->key, 0);
}

static void free_coherent(struct soak *s, struct soak_obj *o, bool verify)
{
	if (verify)
		check(s, o, "before dma_free_coherent", o->cpu, o->size, o->key, 0, o->id);
	dma_free_coherent(o->sd->dev, o->size, o->cpu, o->dma);
}

/* --- streaming, single ------------------------------------------------------------- */

/* A region of 2^order pages, guard bytes everywhere. */
static u8 *region_alloc(struct soak *s, size_t bytes, unsigned int *order)
{
	u8 *r;

	*order = buddy_order_of(bytes);
	r = page_alloc(*order);
	if (!r) {
		error(s, "page_alloc(order %u) failed", *order);
		return NULL;
	}
	memset(r, SOAK_GUARD_BYTE, PAGE_SIZE << *order);
	return r;
}

static void op_map(struct soak *s)
{
	struct soak_dev *sd = pick_dev(s);
	size_t size = rnd_size(s, SOAK_SINGLE_MAX), off = SOAK_GUARD + rnd(s, PAGE_SIZE);
	enum dma_data_direction dir = pick_dir(s);
	struct soak_obj *o;
	unsigned int order;
	u8 *r = region_alloc(s, off + size + SOAK_GUARD, &order);
	dma_addr_t dma;

	if (!r)
		return;
	o = obj_new(s, OBJ_SINGLE, sd);
	o->region = r;
	o->order = order;
	o->cpu = r + off;
	o->size = size;
	o->dir = dir;
	fill(o->cpu, size, o->key, 0);
	dma = dma_map_single(sd->dev, o->cpu, size, dir);
	if (dma_mapping_error(sd->dev, dma)) {
		page_free(r);
		obj_drop(s, o);
		error(s, "dma_map_single(%s, %zu bytes, %s) failed: %s", sd->dev->name, size,
		      dir_names[dir], last_report(s));
		return;
	}
	o->dma = dma;
}

static void unmap_single(struct soak *s, struct soak_obj *o, bool verify)
{
	dma_unmap_single(o->sd->dev, o->dma, o->size, o->dir);
	if (verify && check(s, o, "after dma_unmap_single", o->cpu, o->size, o->key, 0, o->id) &&
	    check_guard(s, o, "guard before the buffer", o->cpu - SOAK_GUARD, SOAK_GUARD))
		check_guard(s, o, "guard after the buffer", o->cpu + o->size, SOAK_GUARD);
	page_free(o->region);
}

/* --- streaming, scatter-gather ----------------------------------------------------- */

static void op_map_sg(struct soak *s)
{
	struct soak_dev *sd = pick_dev(s);
	int nents = 1 + (int)rnd(s, SOAK_MAX_SEGS), i, n;
	enum dma_data_direction dir = pick_dir(s);
	unsigned int order;
	u8 *r = region_alloc(s, PAGE_SIZE << SOAK_SG_ORDER, &order);
	size_t at = SOAK_GUARD + rnd(s, 256), base = 0;
	struct soak_obj *o;

	if (!r)
		return;
	o = obj_new(s, OBJ_SG, sd);
	o->region = r;
	o->order = order;
	o->dir = dir;
	o->nents = nents;
	for (i = 0; i < nents; i++) {
		size_t len = rnd_size(s, SOAK_SEG_MAX);

		sg_set_buf(&o->sg[i], r + at, (unsigned int)len);
		fill(r + at, len, o->key, base);
		base += len;
		at += len + SOAK_GUARD + rnd(s, 256);
	}
	o->size = base;
	n = dma_map_sg(sd->dev, o->sg, nents, dir);
	if (n != nents) {
		page_free(r);
		obj_drop(s, o);
		error(s, "dma_map_sg(%s, %d entries, %s) returned %d: %s", sd->dev->name, nents,
		      dir_names[dir], n, last_report(s));
	}
}

static bool check_sg(struct soak *s, const struct soak_obj *o, const char *where)
{
	u64 base = 0;
	int i;

	for (i = 0; i < o->nents; i++) {
		const u8 *p = (const u8 *)(uintptr_t)o->sg[i].phys;

		if (!check(s, o, where, p, o->sg[i].length, o->key, base, o->id) ||
		    !check_guard(s, o, "guard before a segment", p - SOAK_GUARD, SOAK_GUARD) ||
		    !check_guard(s, o, "guard after a segment", p + o->sg[i].length, SOAK_GUARD))
			return false;
		base += o->sg[i].length;
	}
	return true;
}

static void unmap_sg(struct soak *s, struct soak_obj *o, bool verify)
{
	dma_unmap_sg(o->sd->dev, o->sg, o->nents, o->dir);
	if (verify)
		check_sg(s, o, "after dma_unmap_sg");
	page_free(o->region);
}

/* --- sync -------------------------------------------------------------------------- */

static void op_sync(struct soak *s, struct soak_obj *o)
{
	struct device *dev = o->sd->dev;

	if (o->type == OBJ_SG) {
		dma_sync_sg_for_cpu(dev, o->sg, o->nents, o->dir);
		check_sg(s, o, "after dma_sync_sg_for_cpu");
		dma_sync_sg_for_device(dev, o->sg, o->nents, o->dir);
	} else {
		size_t off = rnd(s, (u32)o->size), len = 1 + rnd(s, (u32)(o->size - off));

		dma_sync_single_for_cpu(dev, o->dma + off, len, o->dir);
		check(s, o, "after dma_sync_single_for_cpu", o->cpu + off, len, o->key, off, o->id);
		dma_sync_single_for_device(dev, o->dma + off, len, o->dir);
	}
}

/* --- dma_pool ------------------------------------------------------------------------ */

static void op_pool_create(struct soak *s)
{
	static const size_t aligns[] = { 0, 8, 16, 64, 256 };
	struct soak_dev *sd = pick_dev(s);
	size_t size = rnd_size(s, SOAK_POOL_BLOCK_MAX), align = aligns[rnd(s, ARRAY_SIZE(aligns))];
	size_t boundary = rnd(s, 2) ? 0 : PAGE_SIZE;
	struct dma_pool *pool = dma_pool_create("soak", sd->dev, size, align, boundary);
	struct soak_obj *o;

	if (!pool) {
		error(s, "dma_pool_create(%s, size %zu, align %zu, boundary %zu) failed: %s",
		      sd->dev->name, size, align, boundary, last_report(s));
		return;
	}
	o = obj_new(s, OBJ_POOL, sd);
	o->pool = pool;
	o->size = size;
	o->align = align ? align : 1;
	o->boundary = boundary;
}

static bool pool_has_room(const struct soak_obj *o, const void *arg)
{
	(void)arg;
	return o->nblk < SOAK_POOL_BLOCKS;
}

static bool pool_has_blocks(const struct soak_obj *o, const void *arg)
{
	(void)arg;
	return o->nblk > 0;
}

static void op_pool_alloc(struct soak *s, struct soak_obj *o)
{
	struct pool_block *b = &o->blk[o->nblk];
	dma_addr_t dma;
	u8 *cpu = dma_pool_alloc(o->pool, GFP_KERNEL, &dma);
	u64 rounded = (o->size + o->align - 1) & ~(u64)(o->align - 1);

	if (!cpu) {
		error(s, "dma_pool_alloc(pool #%u on %s, %zu bytes) failed: %s", o->id,
		      o->sd->dev->name, o->size, last_report(s));
		return;
	}
	if (!IS_ALIGNED(dma, o->align) || !IS_ALIGNED((uintptr_t)cpu, o->align) ||
	    (o->boundary && dma / o->boundary != (dma + rounded - 1) / o->boundary)) {
		error(s, "dma_pool_alloc(pool #%u on %s, size %zu, align %zu, boundary %zu) gave dma "
		      "0x%llx, cpu %p", o->id, o->sd->dev->name, o->size, o->align, o->boundary,
		      (unsigned long long)dma, cpu);
		dma_pool_free(o->pool, cpu, dma);
		return;
	}
	b->cpu = cpu;
	b->dma = dma;
	b->id = s->next_id++;
	b->key = key_of(s, b->id);
	b->born = s->op;
	o->nblk++;
	fill(cpu, o->size, b->key, 0);
}

static void pool_free_block(struct soak *s, struct soak_obj *o, unsigned int i, bool verify)
{
	struct pool_block *b = &o->blk[i];

	if (verify && bad_byte(b->cpu, o->size, b->key, 0) >= 0) {
		struct soak_obj blk = *o; /* named with the block's own birth */

		blk.born = b->born;
		check(s, &blk, "before dma_pool_free", b->cpu, o->size, b->key, 0, b->id);
	}
	dma_pool_free(o->pool, b->cpu, b->dma);
	*b = o->blk[--o->nblk];
}

static void pool_destroy(struct soak *s, struct soak_obj *o, bool verify)
{
	while (o->nblk)
		pool_free_block(s, o, o->nblk - 1, verify && !s->stop);
	dma_pool_destroy(o->pool);
}

/* --- edu ------------------------------------------------------------------------------- */

/* What edu_target() looks for: objects of @sd the device may write (or read). */
struct edu_want {
	const struct soak_dev *sd;
	bool write;
};

static bool edu_target(const struct soak_obj *o, const void *arg)
{
	const struct edu_want *w = arg;

	if (o->sd != w->sd)
		return false;
	if (o->type == OBJ_COHERENT)
		return true;
	return o->type == OBJ_SINGLE && o->dir != (w->write ? DMA_TO_DEVICE : DMA_FROM_DEVICE);
}

static bool edu_xfer(struct soak *s, struct edu *e, dma_addr_t dma, unsigned int off, size_t len,
		     bool to_device)
{
	int ret = edu_dma(e, dma, off, len, to_device);

	if (ret)
		error(s, "edu_dma(%s, dma 0x%llx, device +%u, %zu bytes, %s) returned %d",
		      e->dev->name, (unsigned long long)dma, off, len,
		      to_device ? "to the device" : "to memory", ret);
	return !ret;
}

/* Load the edu's buffer at @devoff with @len bytes of pat(key, base..) from a fresh mapping. */
static bool edu_load(struct soak *s, struct edu *e, unsigned int devoff, size_t len, u64 key,
		     u64 base)
{
	dma_addr_t d;
	bool ok;

	fill(s->edu_src, len, key, base);
	d = dma_map_single(e->dev, s->edu_src, len, DMA_TO_DEVICE);
	if (dma_mapping_error(e->dev, d)) {
		error(s, "dma_map_single(%s, %zu bytes, to-device) failed: %s", e->dev->name, len,
		      last_report(s));
		return false;
	}
	ok = edu_xfer(s, e, d, devoff, len, true);
	dma_unmap_single(e->dev, d, len, DMA_TO_DEVICE);
	return ok;
}

/*
 * The device reads @len bytes of a live object (or of a fresh buffer when
 * none is mapped for it to read), then writes them to a fresh buffer, which
 * must then hold exactly them with its guard bytes unchanged.
 */
static void edu_read_object(struct soak *s, struct soak_dev *sd, struct soak_obj *o)
{
	struct edu *e = sd->edu;
	size_t len = 1 + rnd(s, o ? (u32)(o->size < EDU_MAX_XFER ? o->size : EDU_MAX_XFER)
				 : EDU_MAX_XFER);
	size_t at = o ? rnd(s, (u32)(o->size - len + 1)) : 0;
	unsigned int devoff = rnd(s, EDU_BUF_SIZE - (u32)len + 1);
	size_t doff = rnd(s, PAGE_SIZE);
	u32 id = o ? o->id : s->next_id++;
	u64 key = o ? o->key : key_of(s, id);
	struct soak_obj fresh = { .type = OBJ_SINGLE, .id = id, .born = s->op, .sd = sd,
				  .size = len, .dir = DMA_TO_DEVICE };
	dma_addr_t d;
	bool ok;

	if (o) {
		if (!edu_xfer(s, e, o->dma + at, devoff, len, true))
			return;
	} else if (!edu_load(s, e, devoff, len, key, 0)) {
		return;
	}
	memset(s->edu_dst, SOAK_GUARD_BYTE, 2 * PAGE_SIZE);
	d = dma_map_single(e->dev, s->edu_dst + doff, len, DMA_FROM_DEVICE);
	if (dma_mapping_error(e->dev, d)) {
		error(s, "dma_map_single(%s, %zu bytes, from-device) failed: %s", e->dev->name, len,
		      last_report(s));
		return;
	}
	ok = edu_xfer(s, e, d, devoff, len, false);
	dma_unmap_single(e->dev, d, len, DMA_FROM_DEVICE);
	if (!ok)
		return;
	if (!o)
		o = &fresh;
	check(s, o, o == &fresh ? "edu round trip" : "read by the edu and written back",
	      s->edu_dst + doff, len, key, at, id);
	if (!s->stop && check_guard(s, o, "edu destination, before", s->edu_dst, doff))
		check_guard(s, o, "edu destination, after", s->edu_dst + doff + len,
			    2 * PAGE_SIZE - doff - len);
}

/*
 * The device writes @len bytes of a live object's own pattern over a range
 * the CPU first spoiled: the whole object must then hold its pattern.
 */
static void edu_write_object(struct soak *s, struct soak_dev *sd, struct soak_obj *o)
{
	struct edu *e = sd->edu;
	size_t len = 1 + rnd(s, (u32)(o->size < EDU_MAX_XFER ? o->size : EDU_MAX_XFER));
	size_t at = rnd(s, (u32)(o->size - len + 1)), i;
	unsigned int devoff = rnd(s, EDU_BUF_SIZE - (u32)len + 1);
	struct device *dev = sd->dev;

	if (!edu_load(s, e, devoff, len, o->key, at))
		return;
	if (o->type == OBJ_SINGLE)
		dma_sync_single_for_cpu(dev, o->dma + at, len, o->dir);
	for (i = 0; i < len; i++)
		o->cpu[at + i] = (u8)~pat(o->key, at + i);
	if (o->type == OBJ_SINGLE)
		dma_sync_single_for_device(dev, o->dma + at, len, o->dir);
	if (!edu_xfer(s, e, o->dma + at, devoff, len, false))
		return;
	if (o->type == OBJ_SINGLE)
		dma_sync_single_for_cpu(dev, o->dma + at, len, o->dir);
	check(s, o, "written by the edu", o->cpu, o->size, o->key, 0, o->id);
	if (o->type == OBJ_SINGLE)
		dma_sync_single_for_device(dev, o->dma + at, len, o->dir);
}

static bool has_edu(const struct soak_dev *sd)
{
	return sd->edu != NULL;
}

/* Return: false if no edu is usable (nothing done). */
static bool op_edu(struct soak *s)
{
	struct edu_want w = { NULL, false };
	unsigned int i, n = 0, k;
	struct soak_obj *o;

	for (i = 0; i < s->ndevs; i++)
		n += has_edu(&s->devs[i]);
	if (!n)
		return false;
	w.write = rnd(s, 2) != 0; /* write into an object, or read one */
	k = rnd(s, n);
	for (i = 0; i < s->ndevs && !w.sd; i++)
		if (has_edu(&s->devs[i]) && !k--)
			w.sd = &s->devs[i];
	if (!w.sd)
		return false;
	o = pick(s, BIT(OBJ_COHERENT) | BIT(OBJ_SINGLE), edu_target, &w);
	if (w.write && o)
		edu_write_object(s, &s->devs[w.sd - s->devs], o);
	else
		edu_read_object(s, &s->devs[w.sd - s->devs], w.write ? NULL : o);
	return true;
}

/* --- block devices -------------------------------------------------------------------- */

/* What byte @off of @d must read as. Sets *either for the self-tests' region. */
static u8 disk_byte(const struct soak_disk *d, u64 off, bool *either)
{
	u32 bs = d->bd->block_size;

	*either = off >= BLK_TEST_WRITE_OFF && off < BLK_TEST_WRITE_OFF + BLK_TEST_WRITE_LEN;
	if (d->scratch && off >= SOAK_BLK_OFF && off < SOAK_BLK_OFF + SOAK_BLK_LEN) {
		u64 key = d->key[(off - SOAK_BLK_OFF) / bs];

		if (key)
			return pat(key, off);
	}
	return blk_pattern_before(off);
}

/*
 * Split @bytes into 1..3 segments at odd places in @arena (guard bytes
 * around each). Return: the number of segments.
 */
static unsigned int carve(struct soak *s, u8 *arena, u32 bytes, struct blk_seg *segs)
{
	unsigned int n = 1 + rnd(s, 3), i;
	u32 at = SOAK_GUARD + rnd(s, 64), left = bytes;

	if (n > bytes)
		n = bytes;
	memset(arena, SOAK_GUARD_BYTE, SOAK_ARENA);
	for (i = 0; i < n; i++) {
		u32 len = i + 1 == n ? left : 1 + rnd(s, left - (n - 1 - i));

		segs[i] = (struct blk_seg){ arena + at, len };
		left -= len;
		at += len + SOAK_GUARD + rnd(s, 64);
	}
	return n;
}

/* The arena outside @segs still holds the guard: the request wrote nowhere else. */
static bool arena_intact(const u8 *arena, const struct blk_seg *segs, unsigned int n, u32 *bad)
{
	u32 i = 0, k;

	for (k = 0; k <= n; k++) {
		u32 end = k < n ? (u32)((const u8 *)segs[k].buf - arena) : SOAK_ARENA;

		for (; i < end; i++)
			if (arena[i] != SOAK_GUARD_BYTE) {
				*bad = i;
				return false;
			}
		if (k < n)
			i = end + segs[k].len;
	}
	return true;
}

/* A request of @nblocks at @lba read into odd segments and checked byte by byte. */
static void blk_read_check(struct soak *s, struct soak_disk *d, u64 lba, u32 nblocks,
			   const char *what)
{
	struct blockdev *bd = d->bd;
	u32 bytes = nblocks * bd->block_size, i, bad;
	struct blk_seg segs[3];
	unsigned int n = carve(s, s->blk_b, bytes, segs), k;
	u64 off = lba * bd->block_size;
	int ret = blockdev_rw(bd, false, lba, segs, n);

	if (ret) {
		error(s, "%s: %s: read of %u blocks at %llu in %u segments returned %d", bd->name,
		      what, nblocks, (unsigned long long)lba, n, ret);
		return;
	}
	for (k = 0; k < n; k++) {
		const u8 *p = segs[k].buf;

		for (i = 0; i < segs[k].len; i++, off++) {
			bool either;
			u8 want = disk_byte(d, off, &either);

			if (p[i] != want && !(either && p[i] == blk_pattern_after(off))) {
				fail(s, &s->res->corruptions, "CORRUPTION", "%s: %s: disk byte 0x%llx "
				     "(block %llu, segment %u +%u) is 0x%02x, expected 0x%02x", bd->name,
				     what, (unsigned long long)off,
				     (unsigned long long)(off / bd->block_size), k, i, p[i], want);
				return;
			}
		}
	}
	if (!arena_intact(s->blk_b, segs, n, &bad))
		error(s, "%s: %s: the read wrote outside its segments (arena +%u is 0x%02x)",
		      bd->name, what, bad, s->blk_b[bad]);
}

static void op_blk_read(struct soak *s)
{
	struct soak_disk *d = &s->disks[rnd(s, s->ndisks)];
	u32 bs = d->bd->block_size, max = SOAK_BLK_MAX_BYTES / bs;
	u64 span = d->bd->blocks * bs < SOAK_BLK_SPAN ? d->bd->blocks : SOAK_BLK_SPAN / bs;
	u32 nblocks = 1 + rnd(s, max);

	if (nblocks > span)
		nblocks = (u32)span;
	blk_read_check(s, d, rnd(s, (u32)(span - nblocks + 1)), nblocks, "read");
}

/* Write @nblocks at @lba: pat(key, disk offset), or the disk's own pattern for key 0. */
static bool blk_write(struct soak *s, struct soak_disk *d, u64 lba, u32 nblocks, u64 key)
{
	struct blockdev *bd = d->bd;
	u32 bs = bd->block_size, bytes = nblocks * bs, i;
	struct blk_seg segs[3];
	unsigned int n = carve(s, s->blk_a, bytes, segs), k;
	u64 off = lba * bs;
	int ret;

	for (k = 0; k < n; k++)
		for (i = 0; i < segs[k].len; i++, off++)
			((u8 *)segs[k].buf)[i] = key ? pat(key, off) : blk_pattern_before(off);
	ret = blockdev_rw(bd, true, lba, segs, n);
	if (ret) {
		error(s, "%s: write of %u blocks at %llu in %u segments returned %d", bd->name,
		      nblocks, (unsigned long long)lba, n, ret);
		return false;
	}
	for (i = 0; i < nblocks; i++)
		d->key[lba + i - SOAK_BLK_OFF / bs] = key;
	d->dirty |= key != 0;
	return true;
}

/* Return: false if no disk has a scratch region (nothing done). */
static bool op_blk_write(struct soak *s)
{
	struct soak_disk *d = NULL;
	unsigned int i, n = 0, k;
	u32 bs, nblocks;
	u64 lba;

	for (i = 0; i < s->ndisks; i++)
		n += s->disks[i].scratch;
	if (!n)
		return false;
	k = rnd(s, n);
	for (i = 0; i < s->ndisks && !d; i++)
		if (s->disks[i].scratch && !k--)
			d = &s->disks[i];
	if (!d)
		return false;
	bs = d->bd->block_size;
	nblocks = 1 + rnd(s, SOAK_BLK_MAX_BYTES / bs);
	lba = SOAK_BLK_OFF / bs + rnd(s, SOAK_BLK_LEN / bs - nblocks + 1);
	if (blk_write(s, d, lba, nblocks, key_of(s, s->next_id++)))
		blk_read_check(s, d, lba, nblocks, "read-back of a write");
	return true;
}

/*
 * Put the disk's own pattern back over the scratch region, read back
 * unless the run already failed (then only the writes, as far as they go).
 */
static void blk_restore(struct soak *s, struct soak_disk *d)
{
	u32 bs = d->bd->block_size, step = SOAK_BLK_MAX_BYTES / bs, i;
	u64 first = SOAK_BLK_OFF / bs;
	int ret;

	if (!d->dirty)
		return;
	for (i = 0; i < SOAK_BLK_LEN / bs; i += step) {
		if (!blk_write(s, d, first + i, step, 0))
			break;
		if (!s->stop)
			blk_read_check(s, d, first + i, step, "read-back of the restored region");
	}
	ret = blockdev_flush(d->bd);
	if (ret)
		error(s, "%s: flush after restoring the scratch region returned %d", d->bd->name,
		      ret);
	d->dirty = false;
}

/* --- the sequence ----------------------------------------------------------------------- */

/*
 * Out of a weight table (per mille): what the next operation is meant to
 * be. The mix keeps each kind's creation and removal about equally likely,
 * so the number of live objects wanders between none and SOAK_MAX_OBJS.
 */
static enum soak_op pick_op(struct soak *s)
{
	static const u16 weight[SOAK_NR_OPS] = {
		[SOAK_ALLOC] = 125, [SOAK_FREE] = 125, [SOAK_MAP] = 105, [SOAK_UNMAP] = 105,
		[SOAK_MAP_SG] = 75, [SOAK_UNMAP_SG] = 75, [SOAK_SYNC] = 159, [SOAK_POOL_CREATE] = 20,
		[SOAK_POOL_ALLOC] = 75, [SOAK_POOL_FREE] = 65, [SOAK_POOL_DESTROY] = 20,
		[SOAK_EDU] = SOAK_EDU_PER_MILLE, [SOAK_BLK_READ] = 30, [SOAK_BLK_WRITE] = 20,
	};
	u32 r = rnd(s, 1000);
	unsigned int k;

	for (k = 0; k < SOAK_NR_OPS - 1 && r >= weight[k]; k++)
		r -= weight[k];
	return (enum soak_op)k;
}

/*
 * Free, unmap or destroy @o (its bytes checked first when @verify). The
 * device's dma-debug records must drop by the object's (a pool's chunks
 * are left to the check at the end). Return: the kind of operation it was.
 */
static enum soak_op remove_obj(struct soak *s, struct soak_obj *o, bool verify)
{
	const struct device *dev = o->sd->dev;
	unsigned int live = o->type == OBJ_POOL ? 0 : dma_debug_live(dev), records = 1, now;
	enum soak_op op = SOAK_FREE;
	const char *call = "dma_free_coherent";

	switch (o->type) {
	case OBJ_COHERENT:
		free_coherent(s, o, verify);
		break;
	case OBJ_SINGLE:
		unmap_single(s, o, verify);
		op = SOAK_UNMAP;
		call = "dma_unmap_single";
		break;
	case OBJ_SG:
		unmap_sg(s, o, verify);
		op = SOAK_UNMAP_SG;
		call = "dma_unmap_sg";
		records = (unsigned int)o->nents;
		break;
	case OBJ_POOL:
		pool_destroy(s, o, verify);
		op = SOAK_POOL_DESTROY;
		break;
	}
	if (o->type != OBJ_POOL && (now = dma_debug_live(dev)) != live - records) {
		s->res->leaks++;
		fail_obj(s, "LEAK", o, o->id, "%u dma-debug records of the device after %s, %u "
			 "before it", now, call, live);
	}
	obj_drop(s, o);
	return op;
}

/*
 * A creation (alloc, map, map_sg, pool_create) or a removal of that kind;
 * a full table turns a creation into its removal, an empty kind a removal
 * into its creation, and a full table of other kinds removes any object.
 */
static enum soak_op create_or_remove(struct soak *s, enum soak_op want, bool full)
{
	static const struct {
		enum soak_op create, remove;
		enum obj_type type;
	} kinds[] = {
		{ SOAK_ALLOC, SOAK_FREE, OBJ_COHERENT },
		{ SOAK_MAP, SOAK_UNMAP, OBJ_SINGLE },
		{ SOAK_MAP_SG, SOAK_UNMAP_SG, OBJ_SG },
		{ SOAK_POOL_CREATE, SOAK_POOL_DESTROY, OBJ_POOL },
	};
	unsigned int k;
	struct soak_obj *o;

	for (k = 0; k < ARRAY_SIZE(kinds) - 1; k++)
		if (want == kinds[k].create || want == kinds[k].remove)
			break;
	if (want == kinds[k].create && !full) {
		if (want == SOAK_ALLOC)
			op_alloc(s);
		else if (want == SOAK_MAP)
			op_map(s);
		else if (want == SOAK_MAP_SG)
			op_map_sg(s);
		else
			op_pool_create(s);
		return want;
	}
	o = pick(s, BIT(kinds[k].type), NULL, NULL);
	if (!o && !full)
		return create_or_remove(s, kinds[k].create, false);
	if (!o)
		o = &s->obj[rnd(s, s->nobj)];
	return remove_obj(s, o, true);
}

/*
 * One operation: @want if it can be done now, else its counterpart (a
 * creation when nothing of the kind is live, a removal when the table is
 * full), else an allocation or a free. Return: what was done.
 */
static enum soak_op step(struct soak *s, enum soak_op want)
{
	bool full = s->nobj == SOAK_MAX_OBJS;
	struct soak_obj *o;

	switch (want) {
	case SOAK_EDU:
		return op_edu(s) ? SOAK_EDU : step(s, SOAK_SYNC);
	case SOAK_BLK_READ:
		if (!s->ndisks)
			return step(s, SOAK_SYNC);
		op_blk_read(s);
		return SOAK_BLK_READ;
	case SOAK_BLK_WRITE:
		return op_blk_write(s) ? SOAK_BLK_WRITE : step(s, SOAK_BLK_READ);
	case SOAK_SYNC:
		o = pick(s, BIT(OBJ_SINGLE) | BIT(OBJ_SG), NULL, NULL);
		if (!o)
			return step(s, full ? SOAK_FREE : SOAK_MAP);
		op_sync(s, o);
		return SOAK_SYNC;
	case SOAK_POOL_ALLOC:
		o = pick(s, BIT(OBJ_POOL), pool_has_room, NULL);
		if (!o)
			return step(s, SOAK_POOL_CREATE);
		op_pool_alloc(s, o);
		return SOAK_POOL_ALLOC;
	case SOAK_POOL_FREE: {
		o = pick(s, BIT(OBJ_POOL), pool_has_blocks, NULL);
		if (!o)
			return step(s, SOAK_POOL_ALLOC);
		pool_free_block(s, o, rnd(s, o->nblk), true);
		return SOAK_POOL_FREE;
	}
	default:
		break;
	}
	return create_or_remove(s, want, full);
}

/* Free every live object, checking each while nothing has failed yet. */
static void free_all(struct soak *s)
{
	while (s->nobj)
		remove_obj(s, &s->obj[s->nobj - 1], !s->stop);
}

/* --- devices ------------------------------------------------------------------------ */

/* @dev in the table (once), unless the IOMMU blocks it. Return: its entry, or NULL. */
static struct soak_dev *add_dev(struct soak *s, struct device *dev)
{
	unsigned int i;

	if (dev->iommu && dev->iommu->blocked)
		return NULL; /* every mapping is refused: nothing to soak */
	for (i = 0; i < s->ndevs; i++)
		if (s->devs[i].dev == dev)
			return &s->devs[i];
	if (s->ndevs == SOAK_MAX_DEVS)
		return NULL;
	s->devs[s->ndevs] = (struct soak_dev){ dev, NULL };
	return &s->devs[s->ndevs++];
}

/* Whether @e reaches every buffer it may be given (behind the SMMU, or a wide enough mask). */
static bool edu_usable(struct edu *e)
{
	phys_addr_t base;
	u32 sid;
	u64 size;

	if (!smmu_stream_of(e->dev, &sid))
		return true;
	dma_fw_range(&base, &size);
	return size && base + size - 1 <= e->dev->dma_mask &&
	       base + size - 1 <= e->dev->coherent_dma_mask;
}

/*
 * Every edu that reaches firmware RAM, every block device, every
 * "fw,dma-test" node of the DT (the pools overlays' devices).
 */
static void find_devices(struct soak *s)
{
	const void *fdt = boot_info.fdt;
	unsigned int i;
	int node;

	for (i = 0; i < edu_count(); i++) {
		struct edu *e = edu_get(i);
		struct soak_dev *sd;

		if (!edu_usable(e))
			continue;
		sd = add_dev(s, e->dev);
		if (sd)
			sd->edu = e;
	}
	for (i = 0; i < blockdev_count() && s->ndisks < SOAK_MAX_DISKS; i++) {
		struct blockdev *bd = blockdev_get(i);
		struct soak_disk *d = &s->disks[s->ndisks];
		u64 bytes = bd->blocks * bd->block_size;

		if (bd->block_size > SOAK_BLK_MAX_BYTES || !add_dev(s, bd->dev))
			continue;
		memset(d, 0, sizeof(*d));
		d->bd = bd;
		d->scratch = bd->block_size >= SOAK_BLK_MIN_BLOCK && !(SOAK_BLK_OFF % bd->block_size) &&
			     bytes >= SOAK_BLK_OFF + SOAK_BLK_LEN;
		s->ndisks++;
	}
	if (!fdt)
		return;
	for (node = fdt_node_offset_by_compatible(fdt, -1, SOAK_DMA_TEST_COMPAT); node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, SOAK_DMA_TEST_COMPAT)) {
		char path[96];
		struct device *dev;

		if (!dt_is_available(fdt, node) || dt_path(fdt, node, path, sizeof(path)))
			continue;
		dev = device_get_dt(path);
		if (dev)
			add_dev(s, dev);
	}
}

/* --- leak check ----------------------------------------------------------------------- */

/* The domain of devs[i], unless an earlier device shares it. */
static struct iommu_domain *own_domain(const struct soak *s, unsigned int i)
{
	struct iommu_domain *d = s->devs[i].dev->iommu;
	unsigned int j;

	for (j = 0; j < i && d; j++)
		if (s->devs[j].dev->iommu == d)
			return NULL;
	return d;
}

static void usage_take(const struct soak *s, struct soak_usage *u)
{
	unsigned int i, j;

	memset(u, 0, sizeof(*u));
	u->live = dma_debug_live(NULL);
	u->reports = dma_debug_errors();
	u->free_bytes = page_free_bytes();
	for (i = 0; i < dma_nr_mems; i++)
		u->free_bytes += buddy_free_bytes(&dma_mems[i].buddy);
	u->bounce_slabs = dma_default_swiotlb ? dma_default_swiotlb->used_slabs : 0;
	for (i = 0; i < s->ndevs; i++) {
		const struct swiotlb *b = s->devs[i].dev->bounce;
		const struct iommu_domain *d = own_domain(s, i);
		bool seen = b == dma_default_swiotlb;

		for (j = 0; j < i && !seen; j++)
			seen = s->devs[j].dev->bounce == b;
		if (b && !seen)
			u->bounce_slabs += b->used_slabs;
		if (d && d->iova_ready) {
			struct iova_stats st;

			iova_get_stats(&d->iova, &st);
			u->iova_pages += st.pages_in_use;
		}
		if (d)
			u->tables += (long)d->pgt.tables;
	}
	u->faults = smmu_fault_seq();
}

static bool in_base(const struct soak *s, const struct dbg_entry *e)
{
	unsigned int i;

	for (i = 0; i < s->nbase; i++)
		if (s->base[i].dev == e->dev && s->base[i].dma == e->dma)
			return true;
	return false;
}

/* Name every dma-debug record of a soak device that was not live before the run. */
static void name_new_records(struct soak *s)
{
	const struct dbg_entry *e;
	unsigned int pos = 0, i;

	while ((e = dma_debug_next(&pos))) {
		bool ours = false;

		for (i = 0; i < s->ndevs && !ours; i++)
			ours = s->devs[i].dev == e->dev;
		if (ours && !in_base(s, e))
			kprintf("soak: LEAK: %s: a record the run did not start with: dma 0x%llx, %llu "
				"bytes; seed 0x%llx\n", e->dev->name, (unsigned long long)e->dma,
				(unsigned long long)e->size, (unsigned long long)s->seed);
	}
}

static void leak(struct soak *s, const char *fmt, ...) __printf(2, 3);
static void leak(struct soak *s, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->res->leaks++;
	kprintf("soak: LEAK after %llu ops: %s; seed 0x%llx\n", (unsigned long long)s->op, msg,
		(unsigned long long)s->seed);
	if (!s->res->why[0])
		fmt_snprintf(s->res->why, sizeof(s->res->why), "leak after %llu ops (seed 0x%llx): %s",
			     (unsigned long long)s->op, (unsigned long long)s->seed, msg);
}

/* Compare with the state before the run; new SMMU table pages are the only growth allowed. */
static void leak_check(struct soak *s, const struct soak_usage *a)
{
	struct soak_usage b;
	long t;

	usage_take(s, &b);
	t = b.tables - a->tables;
	if ((long)b.live != (long)a->live + t) {
		leak(s, "%u live dma-debug records, %u before the run (+ %ld SMMU table pages)", b.live,
		     a->live, t);
		name_new_records(s);
	}
	if ((s64)b.free_bytes + t * (s64)PAGE_SIZE != (s64)a->free_bytes)
		leak(s, "coherent pools and page allocator: %lld bytes not back (beyond %ld SMMU table "
		     "pages)", (long long)a->free_bytes - (long long)b.free_bytes - t * (long)PAGE_SIZE,
		     t);
	if (b.bounce_slabs != a->bounce_slabs)
		leak(s, "%llu bounce slots in use, %llu before the run",
		     (unsigned long long)b.bounce_slabs, (unsigned long long)a->bounce_slabs);
	if (b.iova_pages != a->iova_pages)
		leak(s, "%llu IOVA pages in use, %llu before the run",
		     (unsigned long long)b.iova_pages, (unsigned long long)a->iova_pages);
	if (b.reports != a->reports)
		leak(s, "%u dma-debug reports during the run, the last: %s", b.reports - a->reports,
		     dma_debug_last());
	if (b.faults != a->faults)
		leak(s, "%lu SMMU faults recorded during the run", b.faults - a->faults);
}

/* --- the run ---------------------------------------------------------------------------- */

u64 soak_default_seed(void)
{
	u64 r = 0;

	if (arch_has_rndr() && !arch_rndr(&r))
		r = 0;
	return mix64(timer_count() ^ r);
}

/*
 * Scratch arenas, then one mapping per device behind an SMMU, so that the
 * IOVA allocator's metadata (made at a domain's first mapping, kept) is
 * in place before the baseline is taken.
 */
static int setup(struct soak *s)
{
	unsigned int i;

	s->edu_src = page_alloc(SOAK_ARENA_ORDER);
	s->edu_dst = page_alloc(SOAK_ARENA_ORDER);
	s->blk_a = page_alloc(SOAK_ARENA_ORDER);
	s->blk_b = page_alloc(SOAK_ARENA_ORDER);
	if (!s->edu_src || !s->edu_dst || !s->blk_a || !s->blk_b) {
		error(s, "no memory for the scratch arenas");
		return -ENOMEM;
	}
	s->reports = dma_debug_errors();
	for (i = 0; i < s->ndevs; i++) {
		struct device *dev = s->devs[i].dev;
		dma_addr_t d;

		if (!dev->iommu || dev->iommu->iova_ready)
			continue;
		d = dma_map_single(dev, s->edu_src, 1, DMA_TO_DEVICE);
		if (dma_mapping_error(dev, d)) {
			error(s, "first mapping for %s failed: %s", dev->name, last_report(s));
			return -EIO;
		}
		dma_unmap_single(dev, d, 1, DMA_TO_DEVICE);
	}
	return 0;
}

static void teardown(struct soak *s)
{
	u8 *arenas[] = { s->edu_src, s->edu_dst, s->blk_a, s->blk_b };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(arenas); i++)
		if (arenas[i])
			page_free(arenas[i]);
}

static void base_take(struct soak *s)
{
	const struct dbg_entry *e;
	unsigned int pos = 0;

	s->nbase = 0;
	while ((e = dma_debug_next(&pos)) && s->nbase < SOAK_BASE_RECORDS)
		s->base[s->nbase++] = (struct base_rec){ e->dev, e->dma };
}

static void print_result(const struct soak *s, const struct soak_result *r)
{
	char counts[320];
	size_t at = 0;
	unsigned int k;

	for (k = 0; k < SOAK_NR_OPS && at < sizeof(counts); k++)
		at += (size_t)fmt_snprintf(counts + at, sizeof(counts) - at, "%s%s %llu", k ? ", " : "",
					   op_names[k], (unsigned long long)r->count[k]);
	kprintf("soak: %llu operations (%s), %u leaks, %u corruptions, seed 0x%llx\n",
		(unsigned long long)r->done, counts, r->leaks, r->corruptions,
		(unsigned long long)r->seed);
	kprintf("soak: %u devices (%u edu, %u disks), at most %u objects live, %llu.%03llu s\n",
		r->devices, r->edus, r->disks, r->max_live, (unsigned long long)(r->usec / 1000000),
		(unsigned long long)(r->usec / 1000 % 1000));
	kprintf("replay: bootargs soak.seed=0x%llx soak.ops=%llu (console: soak %llu 0x%llx)\n",
		(unsigned long long)s->seed, (unsigned long long)r->ops, (unsigned long long)r->ops,
		(unsigned long long)s->seed);
}

int soak_run(u64 ops, u64 seed, struct soak_result *res)
{
	struct soak *s = &soak_state;
	struct soak_usage before;
	u64 t0, progress;
	unsigned int i;

	memset(res, 0, sizeof(*res));
	res->seed = seed;
	res->ops = ops;
	if (!ops)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	s->res = res;
	s->seed = seed;
	s->rng = mix64(seed) | 1; /* xorshift's state must not be 0 */
	find_devices(s);
	for (i = 0; i < s->ndevs; i++)
		res->edus += has_edu(&s->devs[i]);
	res->devices = s->ndevs;
	res->disks = s->ndisks;
	if (!s->ndevs)
		return -ENODEV;
	kprintf("soak: seed 0x%llx, %llu operations over %u devices (%u edu, %u disks)\n",
		(unsigned long long)seed, (unsigned long long)ops, res->devices, res->edus,
		res->disks);
	t0 = timer_count();
	if (!setup(s)) {
		usage_take(s, &before);
		base_take(s);
		progress = ops >= 20000 ? ops / 10 : 0;
		for (s->op = 1; s->op <= ops && !s->stop; s->op++) {
			s->reports = dma_debug_errors();
			res->count[step(s, pick_op(s))]++;
			res->done++;
			if (progress && !(s->op % progress) && s->op < ops)
				kprintf("soak: %llu/%llu operations, %u objects live\n",
					(unsigned long long)s->op, (unsigned long long)ops, s->nobj);
		}
		s->op = res->done;
		free_all(s);
		for (i = 0; i < s->ndisks; i++)
			blk_restore(s, &s->disks[i]);
		leak_check(s, &before); /* the arenas were there at the baseline too */
		teardown(s);
	} else {
		teardown(s);
	}
	res->usec = (timer_count() - t0) * 1000000 / timer_freq();
	print_result(s, res);
	return res->leaks || res->corruptions || res->errors ? -EIO : 0;
}

/* --- entry points ------------------------------------------------------------------------ */

/* Boot argument @key as a number into *@v. Return: 0, -ENOENT if absent, -EINVAL. */
static int bootarg_u64(const char *key, u64 *v)
{
	const char *val;
	char buf[24];
	size_t len;

	if (!cmdline_get(boot_info.bootargs, key, &val, &len))
		return -ENOENT;
	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, val, len);
	buf[len] = '\0';
	return shell_parse_u64(buf, v);
}

/*
 * SOAK_DEFAULT_OPS operations in every boot that runs the self-tests, on
 * whatever devices the run has; soak.ops=N soak.seed=N for a long or a
 * replayed one.
 */
SELFTEST(soak, random_ops)
{
	struct soak_result res;
	u64 ops = SOAK_DEFAULT_OPS, seed;
	int ret;

	ret = bootarg_u64("soak.ops", &ops);
	if (ret == -EINVAL || (!ret && !ops))
		ST_FAILF("boot argument soak.ops: not a number of operations above 0");
	ret = bootarg_u64("soak.seed", &seed);
	if (ret == -EINVAL)
		ST_FAILF("boot argument soak.seed: not a number (decimal, or hex with 0x)");
	if (ret)
		seed = soak_default_seed();
	ret = soak_run(ops, seed, &res);
	if (ret == -ENODEV)
		ST_SKIP("no device to soak (no edu within reach, no disk, no /dma-test)");
	if (ret)
		ST_FAILF("%s", res.why);
	return ST_PASS;
}

/* soak [ops] [seed]: a run at the console, e.g. to replay a failure. */
static int cmd_soak(int argc, char **argv)
{
	struct soak_result res;
	u64 ops = SOAK_DEFAULT_OPS, seed;
	int ret;

	if (argc > 3)
		return -EINVAL;
	if (argc > 1 && (shell_parse_u64(argv[1], &ops) || !ops)) {
		kprintf("soak: '%s' is not a number of operations above 0\n", argv[1]);
		return -EINVAL;
	}
	if (argc > 2 && shell_parse_u64(argv[2], &seed)) {
		kprintf("soak: '%s' is not a seed (decimal, or hex with 0x)\n", argv[2]);
		return -EINVAL;
	}
	if (argc <= 2)
		seed = soak_default_seed();
	ret = soak_run(ops, seed, &res);
	if (ret == -ENODEV)
		kprintf("soak: no device to soak (no edu within reach, no disk, no /dma-test)\n");
	return ret;
}
SHELL_CMD(soak, "soak [ops] [seed]",
	  "random DMA work with every byte checked, then a leak check (default 2000 ops)", cmd_soak);
