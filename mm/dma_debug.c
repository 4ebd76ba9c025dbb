/*
 * DMA-API debugging, after Linux's kernel/dma/debug.c: every mapping and
 * coherent allocation is recorded, every unmap/free/sync checked against
 * the record, every misuse reported with the device and the handle.
 */
#include <console.h>
#include <fmt.h>
#include <layout.h>
#include <mm/dma_internal.h>
#include <string.h>

#define DBG_ENTRIES 4096
#define DBG_BUCKETS 1024
#define DBG_NIL 0xffffffffU

bool dma_debug_enabled = true;

bool dma_debug_set(bool on)
{
	bool was = dma_debug_enabled;

	dma_debug_enabled = on;
	return was;
}

static struct dbg_entry entries[DBG_ENTRIES];
static u32 buckets[DBG_BUCKETS];
static u32 free_head = DBG_NIL;
static bool inited;
static unsigned int errors;
static char last[192];

extern char __image_start[], __rodata_end[];
extern char __stack_guard[], __exc_stack_top[];

static const char *const type_names[] = {
	[DBG_SINGLE] = "single", [DBG_PAGE] = "page", [DBG_SG] = "scatter-gather",
	[DBG_COHERENT] = "coherent",
};

static const char *const dir_names[] = {
	[DMA_BIDIRECTIONAL] = "DMA_BIDIRECTIONAL", [DMA_TO_DEVICE] = "DMA_TO_DEVICE",
	[DMA_FROM_DEVICE] = "DMA_FROM_DEVICE", [DMA_NONE] = "DMA_NONE",
};

static const char *dir_name(enum dma_data_direction d)
{
	return (unsigned int)d < 4 ? dir_names[d] : "invalid direction";
}

static void init(void)
{
	u32 i;

	for (i = 0; i < DBG_BUCKETS; i++)
		buckets[i] = DBG_NIL;
	for (i = 0; i < DBG_ENTRIES; i++)
		entries[i].next = i + 1 < DBG_ENTRIES ? i + 1 : DBG_NIL;
	free_head = 0;
	inited = true;
}

static u32 bucket_of(dma_addr_t dma)
{
	return (dma >> PAGE_SHIFT) % DBG_BUCKETS;
}

void dma_debug_report(const struct device *dev, const char *fmt, ...)
{
	size_t n = fmt_snprintf(last, sizeof(last), "%s: ", dev ? dev->name : "(no device)");
	va_list ap;

	if (n < sizeof(last)) {
		va_start(ap, fmt);
		fmt_vsnprintf(last + n, sizeof(last) - n, fmt, ap);
		va_end(ap);
	}
	errors++;
	kprintf("dma-debug: %s\n", last);
}

unsigned int dma_debug_errors(void)
{
	return errors;
}

const char *dma_debug_last(void)
{
	return last;
}

bool dma_debug_add(const struct device *dev, enum dbg_type type, dma_addr_t dma, u64 size,
		   phys_addr_t phys, enum dma_data_direction dir)
{
	struct dbg_entry *e;
	u32 i, b;

	if (!dma_debug_enabled)
		return true;
	if (!inited)
		init();
	if (free_head == DBG_NIL) {
		dma_debug_report(dev, "dma-debug table full (%d entries): handle 0x%llx not tracked",
				 DBG_ENTRIES, (unsigned long long)dma);
		return false;
	}
	i = free_head;
	e = &entries[i];
	free_head = e->next;
	*e = (struct dbg_entry){ dev, dma, size, phys, dir, type, false, DBG_NIL };
	b = bucket_of(dma);
	e->next = buckets[b];
	buckets[b] = i;
	return true;
}

/* Find the record of @dev starting at @dma; *link gets the chain slot pointing to it. */
static struct dbg_entry *find(const struct device *dev, dma_addr_t dma, u32 **link)
{
	u32 *l = &buckets[bucket_of(dma)];

	while (*l != DBG_NIL) {
		struct dbg_entry *e = &entries[*l];

		if (e->dev == dev && e->dma == dma) {
			if (link)
				*link = l;
			return e;
		}
		l = &e->next;
	}
	return NULL;
}

bool dma_debug_remove(const struct device *dev, enum dbg_type type, dma_addr_t dma, u64 size,
		      enum dma_data_direction dir, const char *what)
{
	struct dbg_entry *e;
	u32 *link, i;

	if (!dma_debug_enabled)
		return true;
	if (!inited)
		init();
	e = find(dev, dma, &link);
	if (!e) {
		dma_debug_report(dev, "%s of unknown handle 0x%llx (size %llu)", what,
				 (unsigned long long)dma, (unsigned long long)size);
		return false;
	}
	if (e->type != type)
		dma_debug_report(dev, "%s of a %s mapping as %s (handle 0x%llx)", what,
				 type_names[e->type], type_names[type], (unsigned long long)dma);
	if (e->size != size)
		dma_debug_report(dev, "%s with wrong size: %llu, mapped %llu (handle 0x%llx)", what,
				 (unsigned long long)size, (unsigned long long)e->size,
				 (unsigned long long)dma);
	if (type != DBG_COHERENT && e->dir != dir)
		dma_debug_report(dev, "%s with wrong direction: %s, mapped %s (handle 0x%llx)",
				 what, dir_name(dir), dir_name(e->dir), (unsigned long long)dma);
	if ((e->type == DBG_SINGLE || e->type == DBG_PAGE) && !e->checked)
		dma_debug_report(dev, "driver did not check dma_mapping_error() (handle 0x%llx)",
				 (unsigned long long)dma);
	i = *link;
	*link = e->next;
	e->next = free_head;
	e->dev = NULL;
	free_head = i;
	return true;
}

bool dma_debug_check_sync(const struct device *dev, dma_addr_t dma, u64 size,
			  enum dma_data_direction dir, const char *what)
{
	u32 i;

	if (!dma_debug_enabled)
		return true;
	if (!inited)
		init();
	/* Syncs may start inside a mapping: search all records of the device. */
	for (i = 0; i < DBG_ENTRIES; i++) {
		const struct dbg_entry *e = &entries[i];

		if (e->dev != dev || e->type == DBG_COHERENT || dma < e->dma ||
		    dma + size > e->dma + e->size)
			continue;
		if (e->dir != dir && e->dir != DMA_BIDIRECTIONAL)
			dma_debug_report(dev, "%s with direction %s on a %s mapping (handle 0x%llx)",
					 what, dir_name(dir), dir_name(e->dir),
					 (unsigned long long)e->dma);
		return true;
	}
	dma_debug_report(dev, "%s of 0x%llx+%llu outside any mapping", what,
			 (unsigned long long)dma, (unsigned long long)size);
	return false;
}

void dma_debug_mark_checked(const struct device *dev, dma_addr_t dma)
{
	struct dbg_entry *e;

	if (!dma_debug_enabled || !inited)
		return;
	e = find(dev, dma, NULL);
	if (e)
		e->checked = true;
}

unsigned int dma_debug_live(const struct device *dev)
{
	unsigned int i, n = 0;

	if (!inited)
		return 0;
	for (i = 0; i < DBG_ENTRIES; i++)
		if (entries[i].dev && (!dev || entries[i].dev == dev))
			n++;
	return n;
}

const struct dbg_entry *dma_debug_next(unsigned int *pos)
{
	if (!inited)
		return NULL;
	for (; *pos < DBG_ENTRIES; (*pos)++)
		if (entries[*pos].dev)
			return &entries[(*pos)++];
	return NULL;
}

unsigned int dma_debug_release(const struct device *dev)
{
	unsigned int i, n = 0;

	if (!inited)
		return 0;
	for (i = 0; i < DBG_ENTRIES; i++) {
		struct dbg_entry *e = &entries[i];

		if (e->dev != dev)
			continue;
		u32 *link;

		dma_debug_report(dev, "leaked %s %s of %llu bytes at release (handle 0x%llx)",
				 type_names[e->type], e->type == DBG_COHERENT ? "allocation" : "mapping",
				 (unsigned long long)e->size, (unsigned long long)e->dma);
		if (find(dev, e->dma, &link) == e) {
			*link = e->next;
			e->next = free_head;
			free_head = i;
		}
		e->dev = NULL;
		n++;
	}
	return n;
}

bool dma_debug_illegal_area(const struct device *dev, phys_addr_t pa, u64 size, const char *what)
{
	uintptr_t ro_start = (uintptr_t)__image_start, ro_end = (uintptr_t)__rodata_end;
	uintptr_t st_start = (uintptr_t)__stack_guard, st_end = (uintptr_t)__exc_stack_top;

	if (pa < ro_end && pa + size > ro_start) {
		dma_debug_report(dev, "%s of read-only firmware image memory 0x%llx+%llu", what,
				 (unsigned long long)pa, (unsigned long long)size);
		return true;
	}
	if (pa < st_end && pa + size > st_start) {
		dma_debug_report(dev, "%s of stack memory 0x%llx+%llu", what,
				 (unsigned long long)pa, (unsigned long long)size);
		return true;
	}
	return false;
}
