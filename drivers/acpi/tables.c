// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI static tables: find the RSDP, walk the XSDT (or RSDT), keep every
 * table whose checksum is right, and read what the core kernel needs from
 * the MADT (CPUs, IOAPICs, interrupt overrides), the HPET table, the MCFG
 * and the FADT.  No AML: the DSDT is only listed.
 *
 * Tables live in firmware memory ("ACPI data" or "reserved" in the e820
 * map, possibly outside the direct map), so they are mapped with
 * ioremap_cache() and the mappings are kept.
 */
#define pr_fmt(fmt) "ACPI: " fmt

#include <tessera/kernel.h>
#include <tessera/acpi.h>
#include <tessera/bootinfo.h>
#include <tessera/errno.h>
#include <tessera/init.h>
#include <tessera/printk.h>
#include <tessera/selftest.h>
#include <tessera/string.h>
#include <asm/io.h>
#include <asm/page.h>

#define ACPI_MAX_TABLES		32
#define ACPI_HDR_SIZE		sizeof(struct acpi_table_header)

struct acpi_table_desc {
	phys_addr_t phys;
	struct acpi_table_header *table;
};

static struct acpi_table_desc acpi_tables[ACPI_MAX_TABLES];
static unsigned int acpi_nr_tables;
static struct acpi_table_rsdp acpi_rsdp;
static phys_addr_t acpi_rsdp_phys;	/* 0: the boot loader's copy */

struct acpi_madt_info acpi_madt;
struct acpi_mcfg_region acpi_mcfg_regions[ACPI_MAX_MCFG];
unsigned int acpi_nr_mcfg_regions;
phys_addr_t acpi_hpet_address;
u8 acpi_fadt_century;
bool acpi_fadt_no_cmos_rtc;

u8 acpi_checksum(const void *p, size_t len)
{
	const u8 *b = p;
	u8 sum = 0;

	while (len--)
		sum += *b++;
	return sum;
}

static bool rsdp_valid(const struct acpi_table_rsdp *r, size_t avail)
{
	if (avail < ACPI_RSDP_V1_SIZE || memcmp(r->signature, "RSD PTR ", 8) ||
	    acpi_checksum(r, ACPI_RSDP_V1_SIZE))
		return false;
	if (r->revision < 2)
		return true;
	return avail >= ACPI_RSDP_V2_SIZE && r->length >= ACPI_RSDP_V2_SIZE &&
	       r->length <= avail && !acpi_checksum(r, r->length);
}

/*
 * The BIOS data and ROM areas (below 1 MiB) are not RAM the direct map
 * covers: map them once, cached, for the legacy RSDP search.
 */
static const void *bios_va(phys_addr_t p)
{
	static const u8 __iomem *bios_area;

	if (!bios_area)
		bios_area = ioremap_cache(0, 0x100000);
	return bios_area ? bios_area + p : NULL;
}

static phys_addr_t scan_rsdp_range(phys_addr_t start, size_t len)
{
	phys_addr_t p;

	for (p = start; p + ACPI_RSDP_V1_SIZE <= start + len; p += 16) {
		const struct acpi_table_rsdp *r = bios_va(p);

		/* A v2 RSDP may end past the scanned range; allow that. */
		if (rsdp_valid(r, ACPI_RSDP_V2_SIZE))
			return p;
	}
	return 0;
}

phys_addr_t acpi_scan_rsdp(void)
{
	const u16 *ebda_ptr = bios_va(0x40e);
	phys_addr_t ebda, p = 0;

	if (!ebda_ptr)
		return 0;
	ebda = (phys_addr_t)*ebda_ptr << 4;
	if (ebda >= 0x80000 && ebda < 0xa0000)
		p = scan_rsdp_range(ebda, 1024);
	if (!p)
		p = scan_rsdp_range(0xe0000, 0x20000);
	return p;
}

static void print_table(const char *sig, phys_addr_t phys,
			const struct acpi_table_header *h)
{
	pr_info("%-4.4s 0x%016llX %06X (v%02d %-6.6s %-8.8s %08X %-4.4s %08X)\n",
		sig, phys, h->length, h->revision, h->oem_id, h->oem_table_id,
		h->oem_revision, h->asl_compiler_id, h->asl_compiler_revision);
}

/*
 * Map a whole table and check it.  Returns the mapping (kept for good) or
 * NULL, after a message, when it is unusable.
 */
static struct acpi_table_header *map_table(phys_addr_t phys, const char *want)
{
	struct acpi_table_header *h;
	u32 len;

	h = ioremap_cache(phys, ACPI_HDR_SIZE);
	if (!h)
		return NULL;
	len = h->length;
	iounmap(h);
	if (len < ACPI_HDR_SIZE || len > (16U << 20)) {
		pr_warn("table at 0x%016llX has a bad length %u, ignored\n",
			phys, len);
		return NULL;
	}
	h = ioremap_cache(phys, len);
	if (!h)
		return NULL;
	if (want && memcmp(h->signature, want, 4)) {
		pr_warn("expected %.4s at 0x%016llX, found %.4s, ignored\n",
			want, phys, h->signature);
		goto bad;
	}
	print_table(h->signature, phys, h);
	if (acpi_checksum(h, len)) {
		pr_warn("%.4s at 0x%016llX has a bad checksum, ignored\n",
			h->signature, phys);
		goto bad;
	}
	return h;
bad:
	iounmap(h);
	return NULL;
}

static void add_table(phys_addr_t phys, const char *want)
{
	struct acpi_table_header *h;

	if (!phys)
		return;
	if (acpi_nr_tables == ACPI_MAX_TABLES) {
		pr_warn("more than %d tables, ignoring 0x%016llX\n",
			ACPI_MAX_TABLES, phys);
		return;
	}
	h = map_table(phys, want);
	if (!h)
		return;
	acpi_tables[acpi_nr_tables].phys = phys;
	acpi_tables[acpi_nr_tables].table = h;
	acpi_nr_tables++;
}

struct acpi_table_header *acpi_find_table(const char *sig, unsigned int index)
{
	unsigned int i;

	for (i = 0; i < acpi_nr_tables; i++)
		if (!memcmp(acpi_tables[i].table->signature, sig, 4) && !index--)
			return acpi_tables[i].table;
	return NULL;
}

/* Byte/word/dword fields at fixed offsets of the FADT, if it is long enough. */
static u64 fadt_field(const struct acpi_table_header *f, u32 off, u32 size)
{
	u64 v = 0;

	if (off + size <= f->length)
		memcpy(&v, (const u8 *)f + off, size);
	return v;
}

#define FADT_FIRMWARE_CTRL	36
#define FADT_DSDT		40
#define FADT_CENTURY		108
#define FADT_BOOT_ARCH		109
#define FADT_X_FIRMWARE_CTRL	132
#define FADT_X_DSDT		140
#define ACPI_FADT_NO_CMOS_RTC	(1 << 5)

static void parse_fadt(void)
{
	struct acpi_table_header *f = acpi_find_table("FACP", 0);
	phys_addr_t dsdt, facs;
	u32 *facs_len;

	if (!f)
		return;
	acpi_fadt_century = fadt_field(f, FADT_CENTURY, 1);
	/* IAPC_BOOT_ARCH came with FADT revision 2 (ACPI 2.0). */
	if (f->revision >= 2)
		acpi_fadt_no_cmos_rtc = fadt_field(f, FADT_BOOT_ARCH, 2) &
					ACPI_FADT_NO_CMOS_RTC;
	facs = fadt_field(f, FADT_X_FIRMWARE_CTRL, 8) ?:
	       fadt_field(f, FADT_FIRMWARE_CTRL, 4);
	if (facs) {
		/* The FACS has a signature and length but no checksum. */
		facs_len = ioremap_cache(facs + 4, 4);
		if (facs_len) {
			pr_info("FACS 0x%016llX %06X\n", facs, *facs_len);
			iounmap(facs_len);
		}
	}
	dsdt = fadt_field(f, FADT_X_DSDT, 8) ?: fadt_field(f, FADT_DSDT, 4);
	add_table(dsdt, "DSDT");
}

/* MADT entry types */
#define MADT_LAPIC		0
#define MADT_IOAPIC		1
#define MADT_OVERRIDE		2
#define MADT_NMI_SOURCE		3
#define MADT_LAPIC_NMI		4
#define MADT_LAPIC_OVERRIDE	5
#define MADT_X2APIC		9
#define MADT_X2APIC_NMI		10

#define MADT_ENABLED		0x1
#define MADT_ONLINE_CAPABLE	0x2

static void madt_add_cpu(u32 apic_id, u32 acpi_id, u32 flags)
{
	struct acpi_madt_cpu *c;
	unsigned int i;

	if (!(flags & (MADT_ENABLED | MADT_ONLINE_CAPABLE)))
		return;		/* not present at all */
	for (i = 0; i < acpi_madt.nr_cpus; i++)
		if (acpi_madt.cpus[i].apic_id == apic_id)
			return;	/* listed as both LAPIC and x2APIC */
	if (acpi_madt.nr_cpus == ACPI_MAX_MADT_CPUS) {
		pr_warn("CPU with APIC id %u ignored: NR_CPUS is %d\n",
			apic_id, ACPI_MAX_MADT_CPUS);
		return;
	}
	c = &acpi_madt.cpus[acpi_madt.nr_cpus++];
	c->apic_id = apic_id;
	c->acpi_id = acpi_id;
	c->enabled = flags & MADT_ENABLED;
	c->online_capable = !c->enabled;
	acpi_madt.nr_enabled_cpus += c->enabled;
}

static void madt_add_ioapic(const u8 *e)
{
	struct acpi_madt_ioapic *io;

	if (acpi_madt.nr_ioapics == ACPI_MAX_IOAPICS) {
		pr_warn("IOAPIC %u ignored: at most %d\n", e[2],
			ACPI_MAX_IOAPICS);
		return;
	}
	io = &acpi_madt.ioapics[acpi_madt.nr_ioapics++];
	io->id = e[2];
	memcpy(&io->address, e + 4, 4);
	memcpy(&io->gsi_base, e + 8, 4);
	pr_info("IOAPIC (id[0x%02x] address[0x%08x] gsi_base[%u])\n",
		io->id, io->address, io->gsi_base);
}

static const char *const polarity_names[] = {
	"dfl", "high", "res", "low"
};
static const char *const trigger_names[] = {
	"dfl", "edge", "res", "level"
};

static void madt_add_override(const u8 *e)
{
	struct acpi_irq_override *o;

	if (acpi_madt.nr_overrides == ACPI_MAX_OVERRIDES) {
		pr_warn("interrupt override for IRQ %u ignored\n", e[3]);
		return;
	}
	o = &acpi_madt.overrides[acpi_madt.nr_overrides++];
	o->bus = e[2];
	o->source = e[3];
	memcpy(&o->gsi, e + 4, 4);
	memcpy(&o->flags, e + 8, 2);
	pr_info("INT_SRC_OVR (bus %u bus_irq %u global_irq %u %s %s)\n",
		o->bus, o->source, o->gsi,
		polarity_names[o->flags & ACPI_MADT_POLARITY_MASK],
		trigger_names[(o->flags & ACPI_MADT_TRIGGER_MASK) >> 2]);
}

/* acpi_id 0xffffffff (0xff in the legacy entry) means every processor. */
static void madt_add_lapic_nmi(u32 acpi_id, u16 flags, u8 lint)
{
	struct acpi_lapic_nmi *n;

	pr_info("LAPIC_NMI (acpi_id[%#x] %s %s lint[0x%x])\n", acpi_id,
		polarity_names[flags & ACPI_MADT_POLARITY_MASK],
		trigger_names[(flags & ACPI_MADT_TRIGGER_MASK) >> 2], lint);
	if (acpi_madt.nr_lapic_nmis == ACPI_MAX_LAPIC_NMIS)
		return;
	n = &acpi_madt.lapic_nmis[acpi_madt.nr_lapic_nmis++];
	n->acpi_id = acpi_id;
	n->flags = flags;
	n->lint = lint;
}

static void madt_entry(const u8 *e)
{
	u32 a, b, c;
	u16 flags;
	u64 addr;

	switch (e[0]) {
	case MADT_LAPIC:
		memcpy(&a, e + 4, 4);
		madt_add_cpu(e[3], e[2], a);
		break;
	case MADT_X2APIC:
		memcpy(&a, e + 4, 4);
		memcpy(&b, e + 8, 4);
		memcpy(&c, e + 12, 4);
		madt_add_cpu(a, c, b);
		break;
	case MADT_IOAPIC:
		madt_add_ioapic(e);
		break;
	case MADT_OVERRIDE:
		madt_add_override(e);
		break;
	case MADT_NMI_SOURCE:
		memcpy(&flags, e + 2, 2);
		memcpy(&a, e + 4, 4);
		pr_info("NMI_SRC (%s %s global_irq %u)\n",
			polarity_names[flags & ACPI_MADT_POLARITY_MASK],
			trigger_names[(flags & ACPI_MADT_TRIGGER_MASK) >> 2], a);
		break;
	case MADT_LAPIC_NMI:
		memcpy(&flags, e + 3, 2);
		madt_add_lapic_nmi(e[2] == 0xff ? 0xffffffff : e[2], flags,
				   e[5]);
		break;
	case MADT_X2APIC_NMI:
		memcpy(&flags, e + 2, 2);
		memcpy(&a, e + 4, 4);
		madt_add_lapic_nmi(a, flags, e[8]);
		break;
	case MADT_LAPIC_OVERRIDE:
		memcpy(&addr, e + 4, 8);
		acpi_madt.lapic_address = addr;
		pr_info("LAPIC_ADDR_OVR (address[0x%016llx])\n", addr);
		break;
	}
}

/* Minimum entry lengths, so a short entry cannot make us read past it. */
static u8 madt_entry_min_len(u8 type)
{
	static const u8 len[] = {
		[MADT_LAPIC] = 8, [MADT_IOAPIC] = 12, [MADT_OVERRIDE] = 10,
		[MADT_NMI_SOURCE] = 8, [MADT_LAPIC_NMI] = 6,
		[MADT_LAPIC_OVERRIDE] = 12, [MADT_X2APIC] = 16,
		[MADT_X2APIC_NMI] = 12,
	};

	return type < ARRAY_SIZE(len) && len[type] ? len[type] : 2;
}

static void parse_madt(void)
{
	struct acpi_table_header *m = acpi_find_table("APIC", 0);
	const u8 *p, *end;
	u32 v;

	if (!m || m->length < ACPI_HDR_SIZE + 8) {
		pr_warn("no MADT: one CPU, default APIC addresses\n");
		acpi_madt.lapic_address = 0xfee00000;
		return;
	}
	memcpy(&v, (u8 *)m + ACPI_HDR_SIZE, 4);
	acpi_madt.lapic_address = v;
	memcpy(&v, (u8 *)m + ACPI_HDR_SIZE + 4, 4);
	acpi_madt.pcat_compat = v & 1;
	p = (const u8 *)m + ACPI_HDR_SIZE + 8;
	end = (const u8 *)m + m->length;
	while (p + 2 <= end) {
		if (p[1] < madt_entry_min_len(p[0]) || p + p[1] > end) {
			pr_warn("MADT entry of type %u has a bad length %u\n",
				p[0], p[1]);
			break;
		}
		madt_entry(p);
		p += p[1];
	}
	pr_info("%u CPUs in MADT", acpi_madt.nr_enabled_cpus);
	if (acpi_madt.nr_cpus > acpi_madt.nr_enabled_cpus)
		pr_cont(" (and %u hot-pluggable)",
			acpi_madt.nr_cpus - acpi_madt.nr_enabled_cpus);
	pr_cont(", %u IOAPIC(s), local APIC at 0x%08llx\n",
		acpi_madt.nr_ioapics, acpi_madt.lapic_address);
}

static void parse_hpet(void)
{
	struct acpi_table_hpet *h = (void *)acpi_find_table("HPET", 0);

	if (!h || h->header.length < sizeof(*h))
		return;
	if (h->address.space_id != 0) {
		pr_warn("HPET not in memory space, ignored\n");
		return;
	}
	acpi_hpet_address = h->address.address;
	pr_info("HPET id: %#x base: %#llx\n", h->id, acpi_hpet_address);
}

static void parse_mcfg(void)
{
	struct acpi_table_header *m = acpi_find_table("MCFG", 0);
	const u8 *p;
	unsigned int n, i;

	if (!m)
		return;
	/* Header, 8 reserved bytes, then 16-byte allocation entries. */
	n = m->length > ACPI_HDR_SIZE + 8 ? (m->length - ACPI_HDR_SIZE - 8) / 16 : 0;
	p = (const u8 *)m + ACPI_HDR_SIZE + 8;
	for (i = 0; i < n; i++, p += 16) {
		struct acpi_mcfg_region *r;

		if (acpi_nr_mcfg_regions == ACPI_MAX_MCFG) {
			pr_warn("MCFG: more than %d regions\n", ACPI_MAX_MCFG);
			break;
		}
		r = &acpi_mcfg_regions[acpi_nr_mcfg_regions++];
		memcpy(&r->address, p, 8);
		memcpy(&r->segment, p + 8, 2);
		r->start_bus = p[10];
		r->end_bus = p[11];
		pr_info("MCFG: ECAM at 0x%llx for domain %04x [bus %02x-%02x]\n",
			r->address, r->segment, r->start_bus, r->end_bus);
	}
}

static bool find_rsdp(void)
{
	phys_addr_t p;

	if (boot_info.rsdp_len) {
		memcpy(&acpi_rsdp, boot_info.rsdp,
		       min((size_t)boot_info.rsdp_len, sizeof(acpi_rsdp)));
		if (rsdp_valid(&acpi_rsdp, boot_info.rsdp_len))
			return true;
		pr_warn("the boot loader's RSDP is invalid\n");
	}
	p = boot_info.efi ? 0 : acpi_scan_rsdp();
	if (!p)
		return false;
	memcpy(&acpi_rsdp, bios_va(p), sizeof(acpi_rsdp));
	if (acpi_rsdp.revision < 2)
		memset(&acpi_rsdp.length, 0, sizeof(acpi_rsdp) - ACPI_RSDP_V1_SIZE);
	acpi_rsdp_phys = p;
	return true;
}

static void parse_root_table(void)
{
	bool xsdt = acpi_rsdp.revision >= 2 && acpi_rsdp.xsdt_address;
	phys_addr_t phys = xsdt ? acpi_rsdp.xsdt_address : acpi_rsdp.rsdt_address;
	unsigned int entry = xsdt ? 8 : 4, n, i;
	struct acpi_table_header *root;

	root = map_table(phys, xsdt ? "XSDT" : "RSDT");
	if (!root)
		return;
	n = (root->length - ACPI_HDR_SIZE) / entry;
	for (i = 0; i < n; i++) {
		u64 addr = 0;

		memcpy(&addr, (u8 *)root + ACPI_HDR_SIZE + i * entry, entry);
		add_table(addr, NULL);
	}
	iounmap(root);
}

void acpi_table_init(void)
{
	if (!find_rsdp()) {
		pr_err("no RSDP: no ACPI tables\n");
	} else {
		if (acpi_rsdp_phys)
			pr_info("RSDP 0x%016llX %06X (v%02d %-6.6s)\n",
				acpi_rsdp_phys, acpi_rsdp.revision >= 2 ?
				acpi_rsdp.length : ACPI_RSDP_V1_SIZE,
				acpi_rsdp.revision, acpi_rsdp.oem_id);
		else
			pr_info("RSDP (boot loader copy) %06X (v%02d %-6.6s)\n",
				acpi_rsdp.revision >= 2 ? acpi_rsdp.length :
				ACPI_RSDP_V1_SIZE, acpi_rsdp.revision,
				acpi_rsdp.oem_id);
		parse_root_table();
		parse_fadt();
	}
	parse_madt();
	parse_hpet();
	parse_mcfg();
}

#ifdef CONFIG_SELFTEST
/* expect_cpus=N: the number of CPUs QEMU was started with (-smp N). */
static unsigned int expect_cpus;

static int parse_expect_cpus(char *val)
{
	return val ? kstrtouint(val, 10, &expect_cpus) : -EINVAL;
}
__setup("expect_cpus", parse_expect_cpus);

SELFTEST(acpi_rsdp)
{
	struct acpi_table_rsdp bad = acpi_rsdp;

	ST_ASSERT(rsdp_valid(&acpi_rsdp, sizeof(acpi_rsdp)));
	ST_ASSERT(acpi_find_table("FACP", 0));
	bad.checksum++;
	ST_ASSERT(!rsdp_valid(&bad, sizeof(bad)));
	bad = acpi_rsdp;
	bad.signature[0] = 'X';
	ST_ASSERT(!rsdp_valid(&bad, sizeof(bad)));
	if (acpi_rsdp.revision >= 2) {
		bad = acpi_rsdp;
		bad.extended_checksum++;
		ST_ASSERT(!rsdp_valid(&bad, sizeof(bad)));
	}
	return 0;
}

/* Under BIOS the legacy scan finds the same RSDP the boot loader passed. */
SELFTEST(acpi_rsdp_scan)
{
	phys_addr_t p;

	if (boot_info.efi)
		return 0;
	p = acpi_scan_rsdp();
	ST_ASSERT(p >= 0x80000 && p < 0x100000);
	ST_ASSERT(!memcmp(bios_va(p), &acpi_rsdp, ACPI_RSDP_V1_SIZE));
	return 0;
}

SELFTEST(acpi_tables)
{
	static const char *const sigs[] = { "FACP", "APIC", "HPET", "DSDT" };
	struct acpi_table_header *h;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sigs); i++) {
		h = acpi_find_table(sigs[i], 0);
		if (!h)
			return selftest_fail("no %s table", sigs[i]);
		ST_EQ(acpi_checksum(h, h->length), 0);
	}
	/* MCFG only on PCIe machines (q35, not i440fx). */
	h = acpi_find_table("MCFG", 0);
	if (h)
		ST_EQ(acpi_checksum(h, h->length), 0);
	ST_ASSERT(!acpi_find_table("APIC", 1));
	ST_ASSERT(!acpi_find_table("XYZW", 0));
	return 0;
}

SELFTEST(acpi_madt)
{
	bool irq0 = false;
	unsigned int i;

	ST_ASSERT(acpi_madt.nr_enabled_cpus >= 1);
	if (expect_cpus)
		ST_EQ(acpi_madt.nr_enabled_cpus, expect_cpus);
	ST_EQ(acpi_madt.lapic_address, 0xfee00000);
	ST_ASSERT(acpi_madt.nr_ioapics >= 1);
	ST_EQ(acpi_madt.ioapics[0].address, 0xfec00000);
	ST_EQ(acpi_madt.ioapics[0].gsi_base, 0);
	/* QEMU, like most PCs, wires the PIT (ISA IRQ 0) to GSI 2. */
	for (i = 0; i < acpi_madt.nr_overrides; i++)
		if (acpi_madt.overrides[i].bus == 0 &&
		    acpi_madt.overrides[i].source == 0)
			irq0 = acpi_madt.overrides[i].gsi == 2;
	ST_ASSERT(irq0);
	return 0;
}

SELFTEST(acpi_hpet_mcfg)
{
	ST_EQ(acpi_hpet_address, 0xfed00000);
	if (!acpi_find_table("MCFG", 0)) {
		ST_EQ(acpi_nr_mcfg_regions, 0);
		return selftest_skip("no MCFG table (no ECAM on this machine); the HPET checked");
	}
	/* q35: one ECAM window for segment 0. */
	ST_EQ(acpi_nr_mcfg_regions, 1);
	ST_EQ(acpi_mcfg_regions[0].segment, 0);
	ST_EQ(acpi_mcfg_regions[0].start_bus, 0);
	ST_ASSERT(acpi_mcfg_regions[0].end_bus > 0);
	ST_ASSERT(acpi_mcfg_regions[0].address &&
		  !(acpi_mcfg_regions[0].address & 0xfffff));
	return 0;
}
#endif
