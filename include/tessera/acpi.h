/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_ACPI_H
#define _TESSERA_ACPI_H

#include <tessera/types.h>
#include <tessera/compiler.h>

/* Table layouts (ACPI 6.x), as much of them as the kernel reads. */
struct acpi_table_rsdp {
	char signature[8];		/* "RSD PTR " */
	u8 checksum;			/* first 20 bytes */
	char oem_id[6];
	u8 revision;			/* 0: ACPI 1.0 (RSDT only); 2: XSDT */
	u32 rsdt_address;
	u32 length;			/* revision >= 2 from here on */
	u64 xsdt_address;
	u8 extended_checksum;		/* all of length */
	u8 reserved[3];
} __packed;

#define ACPI_RSDP_V1_SIZE	20
#define ACPI_RSDP_V2_SIZE	36

struct acpi_table_header {
	char signature[4];
	u32 length;
	u8 revision;
	u8 checksum;
	char oem_id[6];
	char oem_table_id[8];
	u32 oem_revision;
	char asl_compiler_id[4];
	u32 asl_compiler_revision;
} __packed;

struct acpi_generic_address {
	u8 space_id;			/* 0: system memory, 1: system I/O */
	u8 bit_width;
	u8 bit_offset;
	u8 access_width;
	u64 address;
} __packed;

struct acpi_table_hpet {
	struct acpi_table_header header;
	u32 id;
	struct acpi_generic_address address;
	u8 sequence;
	u16 minimum_tick;
	u8 flags;
} __packed;

/* MADT interrupt source override flags (MPS INTI flags). */
#define ACPI_MADT_POLARITY_MASK		0x3
#define ACPI_MADT_POLARITY_CONFORMS	0x0
#define ACPI_MADT_POLARITY_ACTIVE_HIGH	0x1
#define ACPI_MADT_POLARITY_ACTIVE_LOW	0x3
#define ACPI_MADT_TRIGGER_MASK		0xc
#define ACPI_MADT_TRIGGER_CONFORMS	0x0
#define ACPI_MADT_TRIGGER_EDGE		0x4
#define ACPI_MADT_TRIGGER_LEVEL		0xc

#define ACPI_MAX_MADT_CPUS	CONFIG_NR_CPUS
#define ACPI_MAX_IOAPICS	8
#define ACPI_MAX_OVERRIDES	16
#define ACPI_MAX_LAPIC_NMIS	8
#define ACPI_MAX_MCFG		4

struct acpi_madt_cpu {
	u32 apic_id;
	u32 acpi_id;			/* processor UID */
	bool enabled;			/* usable now */
	bool online_capable;		/* disabled, but may be brought up */
};

struct acpi_madt_ioapic {
	u8 id;
	u32 address;
	u32 gsi_base;
};

struct acpi_irq_override {
	u8 bus;				/* 0: ISA */
	u8 source;			/* the bus IRQ */
	u32 gsi;
	u16 flags;			/* ACPI_MADT_POLARITY_*, _TRIGGER_* */
};

struct acpi_lapic_nmi {
	u32 acpi_id;			/* 0xff / 0xffffffff: all processors */
	u16 flags;
	u8 lint;			/* LINT0 or LINT1 */
};

/* What the MADT says; filled by acpi_table_init(). */
struct acpi_madt_info {
	phys_addr_t lapic_address;	/* with the address override applied */
	bool pcat_compat;		/* dual 8259 PICs present */
	unsigned int nr_cpus;		/* entries kept in cpus[] */
	unsigned int nr_enabled_cpus;
	struct acpi_madt_cpu cpus[ACPI_MAX_MADT_CPUS];
	unsigned int nr_ioapics;
	struct acpi_madt_ioapic ioapics[ACPI_MAX_IOAPICS];
	unsigned int nr_overrides;
	struct acpi_irq_override overrides[ACPI_MAX_OVERRIDES];
	unsigned int nr_lapic_nmis;
	struct acpi_lapic_nmi lapic_nmis[ACPI_MAX_LAPIC_NMIS];
};

/* PCI Express ECAM windows from the MCFG, for the PCI driver. */
struct acpi_mcfg_region {
	u64 address;			/* ECAM base of bus 0 of the segment */
	u16 segment;
	u8 start_bus;
	u8 end_bus;
};

extern struct acpi_madt_info acpi_madt;
extern struct acpi_mcfg_region acpi_mcfg_regions[ACPI_MAX_MCFG];
extern unsigned int acpi_nr_mcfg_regions;
/* HPET register block from the HPET table; 0 if none. */
extern phys_addr_t acpi_hpet_address;
/* FADT: CMOS index of the RTC century register (0: none), no-RTC flag. */
extern u8 acpi_fadt_century;
extern bool acpi_fadt_no_cmos_rtc;

/* Find the tables, check them, parse MADT, HPET, MCFG and FADT. */
void acpi_table_init(void);

/*
 * acpi_find_table - the index'th valid table with signature sig.
 * Returns a mapping that stays valid, or NULL.
 */
struct acpi_table_header *acpi_find_table(const char *sig, unsigned int index);

/* Sum of len bytes; a valid table sums to 0. */
u8 acpi_checksum(const void *p, size_t len);

/*
 * Look for the RSDP the legacy way: the first KiB of the EBDA, then
 * 0xe0000-0xfffff.  Returns its physical address, or 0.
 */
phys_addr_t acpi_scan_rsdp(void);

#endif /* _TESSERA_ACPI_H */
