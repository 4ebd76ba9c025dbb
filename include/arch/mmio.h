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

static inline u8 mmio_read8(uintptr_t addr)
{
	u8 v = mmio_read8_relaxed(addr);

	dmb(oshld); /* as mmio_read32 */
	return v;
}

static inline void mmio_write8(uintptr_t addr, u8 v)
{
	dmb(oshst); /* as mmio_write32 */
	mmio_write8_relaxed(addr, v);
}

static inline u16 mmio_read16(uintptr_t addr)
{
	u16 v = mmio_read16_relaxed(addr);

	dmb(oshld); /* as mmio_read32 */
	return v;
}

static inline void mmio_write16(uintptr_t addr, u16 v)
{
	dmb(oshst); /* as mmio_write32 */
	mmio_write16_relaxed(addr, v);
}

static inline u32 mmio_read32(uintptr_t addr)
{
	u32 v = mmio_read32_relaxed(addr);

	dmb(oshld); /* later normal-memory reads after the device's status */
	return v;
}

static inline void mmio_write32(uintptr_t addr, u32 v)
{
	dmb(oshst); /* earlier normal-memory writes before the device sees this */
	mmio_write32_relaxed(addr, v);
}

static inline u64 mmio_read64(uintptr_t addr)
{
	u64 v = mmio_read64_relaxed(addr);

	dmb(oshld); /* as mmio_read32 */
	return v;
}

static inline void mmio_write64(uintptr_t addr, u64 v)
{
	dmb(oshst); /* as mmio_write32 */
	mmio_write64_relaxed(addr, v);
}

/*
 * mmio_poll32() - wait until (read32(addr) & mask) == want.
 * @timeout_us: bound measured on the generic timer, never a loop count.
 * Return: 0, or -ETIMEDOUT with the register left as last read in *last
 * (when last is not NULL).
 */
int mmio_poll32(uintptr_t addr, u32 mask, u32 want, u64 timeout_us, u32 *last);

#endif /* ARCH_MMIO_H */
