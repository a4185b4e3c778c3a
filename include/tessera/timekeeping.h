/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_TIMEKEEPING_H
#define _TESSERA_TIMEKEEPING_H

#include <tessera/types.h>
#include <tessera/time.h>

/* Monotonic nanoseconds since boot (the TSC, calibrated against the HPET). */
u64 ktime_get_ns(void);
/* Wall clock: nanoseconds since 1970-01-01 UTC (boot RTC time + monotonic). */
u64 ktime_get_real_ns(void);
u64 ktime_get_real_seconds(void);
/* Set the wall clock to now_ns (UTC) from here on. */
void timekeeping_set_real_ns(u64 now_ns);

/* The tick: set up the local APIC timer on the boot CPU at HZ. */
void tick_init(void);
bool tick_running(void);
/* Called by every tick on every CPU; the scheduler overrides this. */
void scheduler_tick(void);

#endif /* _TESSERA_TIMEKEEPING_H */
