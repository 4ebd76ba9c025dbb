/* Bounce-buffer slot allocator (include/mm/swiotlb.h). */
#include <bits.h>
#include <errno.h>
#include <fault_inject.h>
#include <mm/page_alloc.h>
#include <mm/swiotlb.h>

int swiotlb_init(struct swiotlb *s, const char *name, phys_addr_t base, u64 size)
{
	u32 n = size >> IO_TLB_SHIFT;

	if (!IS_ALIGNED(base, IO_TLB_SIZE) || !n || (u64)n << IO_TLB_SHIFT != size)
		return -EINVAL;
	s->name = name;
	s->base = base;
	s->size = size;
	s->nslabs = n;
	s->used_slabs = 0;
	s->hint = 0;
	s->span = boot_zalloc(n * sizeof(*s->span));
	s->busy = boot_zalloc(n);
	s->orig = boot_zalloc(n * sizeof(*s->orig));
	s->mapped = boot_zalloc(n * sizeof(*s->mapped));
	if (!s->span || !s->busy || !s->orig || !s->mapped)
		return -ENOMEM;
	return 0;
}

/* First fit from the hint, wrapping once; the slot run must be aligned. */
int swiotlb_alloc(struct swiotlb *s, u64 size, u64 align, phys_addr_t orig, phys_addr_t *tlb)
{
	u32 need, stride, i, tried;

	if (!size || size > s->size || (align & (align - 1)))
		return -EINVAL;
	need = ALIGN_UP(size, IO_TLB_SIZE) >> IO_TLB_SHIFT;
	stride = align > IO_TLB_SIZE ? align >> IO_TLB_SHIFT : 1;
	if (need > s->nslabs - s->used_slabs || fault_inject_hit(FAULT_INJECT_BOUNCE))
		return -ENOMEM;
	i = ALIGN_UP(s->hint, stride);
	for (tried = 0; tried < s->nslabs; tried += stride, i += stride) {
		u32 j;

		if (i + need > s->nslabs) {
			i = 0;
			if (need > s->nslabs)
				break;
		}
		/* Alignment is of the physical address: the base is IO_TLB_SIZE aligned only. */
		if (!IS_ALIGNED(s->base + ((u64)i << IO_TLB_SHIFT), align ? align : 1))
			continue;
		for (j = 0; j < need && !s->busy[i + j]; j++)
			;
		if (j < need)
			continue;
		for (j = 0; j < need; j++)
			s->busy[i + j] = 1;
		s->span[i] = need;
		s->orig[i] = orig;
		s->mapped[i] = size;
		s->used_slabs += need;
		s->hint = i + need == s->nslabs ? 0 : i + need;
		*tlb = s->base + ((u64)i << IO_TLB_SHIFT);
		return 0;
	}
	return -ENOMEM;
}

int swiotlb_release(struct swiotlb *s, phys_addr_t tlb, phys_addr_t *orig, u64 *size)
{
	u32 i, j;

	if (!swiotlb_owns(s, tlb) || !IS_ALIGNED(tlb - s->base, IO_TLB_SIZE))
		return -EINVAL;
	i = (tlb - s->base) >> IO_TLB_SHIFT;
	if (!s->span[i])
		return -EINVAL;
	if (orig)
		*orig = s->orig[i];
	if (size)
		*size = s->mapped[i];
	for (j = 0; j < s->span[i]; j++)
		s->busy[i + j] = 0;
	s->used_slabs -= s->span[i];
	s->span[i] = 0;
	return 0;
}

int swiotlb_find(const struct swiotlb *s, phys_addr_t tlb, phys_addr_t *start, phys_addr_t *orig,
		 u64 *size)
{
	u32 i;

	if (!swiotlb_owns(s, tlb))
		return -ENOENT;
	i = (tlb - s->base) >> IO_TLB_SHIFT;
	if (!s->busy[i])
		return -ENOENT;
	/* Walk back to the allocation's first slab (bounded by the slab count). */
	while (!s->span[i] && i > 0)
		i--;
	if (!s->span[i] || tlb >= s->base + ((u64)(i + s->span[i]) << IO_TLB_SHIFT))
		return -ENOENT;
	*start = s->base + ((u64)i << IO_TLB_SHIFT);
	*orig = s->orig[i];
	*size = s->mapped[i];
	return 0;
}
