/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_CPU_H
#define _ASM_X86_CPU_H

#include <tessera/types.h>

struct cpuinfo_x86 {
	char vendor_id[16];
	char model_id[64];
	u32 cpuid_level;
	u32 family, model, stepping;
	u32 features_ecx, features_edx;	/* CPUID.1 */
	u32 features7_ebx;		/* CPUID.(7,0) */
	u32 ext_features_edx;		/* CPUID.80000001 */
};

extern struct cpuinfo_x86 boot_cpu_data;

void cpu_identify(struct cpuinfo_x86 *c);

#endif /* _ASM_X86_CPU_H */
