// SPDX-License-Identifier: GPL-2.0
/*
 * The periodic tick: the local APIC timer at HZ on LOCAL_TIMER_VECTOR.
 *
 * Every CPU that runs apic_timer_setup_this_cpu() gets a tick and calls
 * scheduler_tick(); only the boot CPU advances jiffies and runs the
 * kernel timers, so jiffies counts one CPU's ticks whatever the number
 * of CPUs.
 */
#define pr_fmt(fmt) "tick: " fmt

#include <tessera/kernel.h>
#include <tessera/bug.h>
#include <tessera/interrupt.h>
#include <tessera/jiffies.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/timekeeping.h>
#include <tessera/timer.h>
#include <asm/apic.h>
#include <asm/ptrace.h>

volatile unsigned long jiffies;
static bool tick_started;

void __weak scheduler_tick(void)
{
}

bool tick_running(void)
{
	return READ_ONCE(tick_started);
}

static void tick_interrupt(struct pt_regs *regs)
{
	if (apic_read_id() == boot_cpu_apicid) {
		WRITE_ONCE(jiffies, jiffies + 1);
		run_timers();
		calc_global_load();
	}
	account_process_tick(user_mode(regs));
	scheduler_tick();
}

void tick_init(void)
{
	if (request_vector(LOCAL_TIMER_VECTOR, tick_interrupt, "LOC"))
		panic("tick: local timer vector taken");
	apic_timer_calibrate();
	apic_timer_setup_this_cpu();
	WRITE_ONCE(tick_started, true);
	pr_info("%d Hz, local APIC timer (periodic)\n", HZ);
}
