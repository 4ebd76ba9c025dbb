/*
 * MMIO accessors. The plain forms order like Linux's readl/writel: a write
 * is preceded by dmb(oshst), so normal-memory writes (e.g. a DMA descriptor)
 * are visible to the device before the doorbell; a read is followed by
 * dmb(oshld), so data the device wrote is read only after its status. The
 * _relaxed forms give no ordering against normal memory.
 *
 * Device registers are only ever accessed through these (no raw volatile
 * dereference in drivers/).
 */
#ifndef ARCH_MMIO_H
#define ARCH_MMIO_H

#include <arch/barrier.h>
#include <types.h>

static inline u32 mmio_read32_relaxed(uintptr_t addr)
{
	u32 v;

	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr));
	return v;
}

static inline void mmio_write32_relaxed(uintptr_t addr, u32 v)
{
	__asm__ volatile("str %w0, [%1]" : : "rZ"(v), "r"(addr));
}

static inline u64 mmio_read64_relaxed(uintptr_t addr)
{
	u64 v;

	__asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(addr));
	return v;
}

static inline void mmio_write64_relaxed(uintptr_t addr, u64 v)
{
	__asm__ volatile("str %x0, [%1]" : : "rZ"(v), "r"(addr));
}

static inline u8 mmio_read8_relaxed(uintptr_t addr)
{
	u8 v;

	__asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(addr));
	return v;
}

static inline void mmio_write8_relaxed(uintptr_t addr, u8 v)
{
	__asm__ volatile("strb %w0, [%1]" : : "rZ"(v), "r"(addr));
}

static inline u16 mmio_read16_relaxed(uintptr_t addr)
{
	u16 v;

	__asm__ volatile("ldrh %w0, [%1]" : "=r"(v) : "r"(addr));
	return v;
}

static inline void mmio_write16_relaxed(uintptr_t addr, u16 v)
{
	__asm__ volatile("strh %w0, [%1]" : : "rZ"(v), "r"(addr));
}

/*
 * mmio_read{8,16,32,64}() and mmio_write{8,16,32,64}(): each is its
 * _relaxed form with the barrier of the file comment, dmb(oshld) after a
 * read (later normal-memory reads after the device's status) and
 * dmb(oshst) before a write (earlier normal-memory writes before the
 * device sees this one).
 */
#define MMIO_ORDERED_ACCESSORS(bits)                                              \
	static inline u##bits mmio_read##bits(uintptr_t addr)                     \
	{                                                                         \
		u##bits v = mmio_read##bits##_relaxed(addr);                      \
                                                                                  \
		dmb(oshld);                                                       \
		return v;                                                         \
	}                                                                         \
                                                                                  \
	static inline void mmio_write##bits(uintptr_t addr, u##bits v)            \
	{                                                                         \
		dmb(oshst);                                                       \
		mmio_write##bits##_relaxed(addr, v);                              \
	}

MMIO_ORDERED_ACCESSORS(8)
MMIO_ORDERED_ACCESSORS(16)
MMIO_ORDERED_ACCESSORS(32)
MMIO_ORDERED_ACCESSORS(64)

#undef MMIO_ORDERED_ACCESSORS

/*
 * mmio_poll32() - wait until (read32(addr) & mask) == want.
 * @timeout_us: bound measured on the generic timer, never a loop count.
 * Return: 0, or -ETIMEDOUT with the register left as last read in *last
 * (when last is not NULL).
 */
int mmio_poll32(uintptr_t addr, u32 mask, u32 want, u64 timeout_us, u32 *last);

#endif /* ARCH_MMIO_H */
