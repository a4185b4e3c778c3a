/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_IO_H
#define _ASM_X86_IO_H

#include <tessera/types.h>
#include <tessera/compiler.h>

static inline void outb(u8 v, u16 port)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(u16 v, u16 port)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(u32 v, u16 port)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u16 inw(u16 port)
{
	u16 v;

	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u32 inl(u16 port)
{
	u32 v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* A write to an unused port: ~1 us of delay on PC hardware. */
static inline void io_delay(void)
{
	outb(0, 0x80);
}

/*
 * Memory-mapped I/O.  One volatile access of exactly the given width, and
 * a compiler barrier on each side so that accesses to normal memory are
 * not moved across it (x86 keeps uncached accesses in program order).
 */
#define build_mmio_read(name, type)					\
static inline type name(const volatile void __iomem *addr)		\
{									\
	type v;								\
									\
	barrier();							\
	v = *(const volatile type *)addr;				\
	barrier();							\
	return v;							\
}

#define build_mmio_write(name, type)					\
static inline void name(type v, volatile void __iomem *addr)		\
{									\
	barrier();							\
	*(volatile type *)addr = v;					\
	barrier();							\
}

build_mmio_read(readb, u8)
build_mmio_read(readw, u16)
build_mmio_read(readl, u32)
build_mmio_read(readq, u64)
build_mmio_write(writeb, u8)
build_mmio_write(writew, u16)
build_mmio_write(writel, u32)
build_mmio_write(writeq, u64)
#undef build_mmio_read
#undef build_mmio_write

/*
 * ioremap - map device memory into the kernel's address space.
 * @phys: physical address (need not be page aligned)
 * @size: bytes to map
 *
 * Uncached (PCD|PWT) and not executable.  Returns NULL when out of
 * virtual space or page-table pages.  ioremap_cache() maps write-back,
 * for firmware tables in RAM.  iounmap() takes the returned pointer.
 */
void __iomem *ioremap(phys_addr_t phys, size_t size);
void __iomem *ioremap_cache(phys_addr_t phys, size_t size);
void iounmap(volatile void __iomem *addr);

#endif /* _ASM_X86_IO_H */
