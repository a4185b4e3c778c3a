# Interrupts and time: ACPI, APICs, HPET, clocks, tick, idle.

# Two CPUs: the MADT lists both, the INIT/SIPI test wakes the second one,
# and every self-test passes.
test_time_smp2() {
	local log=$LOGDIR/time-smp2.log
	build processor || return 1
	boot time-smp2 0 --kernel out/processor/tessera.elf --smp 2 \
		--cmdline "selftest=all expect_cpus=2" --timeout 120 || return 1
	expect_log "$log" 'ACPI: RSDT 0x[0-9A-F]{16} [0-9A-F]{6} \(v01 BOCHS ' || return 1
	expect_log "$log" 'ACPI: 2 CPUs in MADT' || return 1
	expect_log "$log" 'ACPI: HPET id: 0x[0-9a-f]+ base: 0xfed00000' || return 1
	expect_log "$log" 'ACPI: MCFG: ECAM at 0xb0000000' || return 1
	expect_log "$log" 'apic: (x2APIC|xAPIC) mode, boot CPU APIC ID 0' || return 1
	expect_log "$log" 'apic: 2 CPU\(s\) usable' || return 1
	expect_log "$log" 'ioapic: IOAPIC\[0\]: .* GSI 0-23, all masked' || return 1
	expect_log "$log" 'hpet: .*64-bit counter, 100\.000000 MHz' || return 1
	expect_log "$log" 'tsc: refined against the HPET' || return 1
	expect_log "$log" 'rtc: 20[2-9][0-9]-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9] UTC' || return 1
	expect_log "$log" 'tick: 100 Hz, local APIC timer' || return 1
	for t in acpi_madt smp_call_function apic_self_ipi irq_ioapic_pit \
		 rtc_periodic_irq tick_jiffies_rate timer_order delay_accuracy \
		 tsc_hpet_agree; do
		expect_log "$log" "selftest: $t \\.\\.\\. ok" || return 1
	done
	expect_log "$log" 'selftest: summary: [1-9][0-9]* passed, 0 failed' || return 1
	expect_no_log "$log" 'FAIL|unexpected interrupt' || return 1
}

# A wrong CPU count is caught (the check is not vacuous).
test_time_expect_cpus_mismatch() {
	local log=$LOGDIR/time-cpus.log
	build processor || return 1
	boot time-cpus 1 --kernel out/processor/tessera.elf --smp 2 \
		--cmdline "selftest=acpi_madt expect_cpus=3" || return 1
	expect_log "$log" 'selftest: acpi_madt \.\.\. FAIL' || return 1
}

# Without x2APIC in CPUID (and with an older CPU model), the xAPIC MMIO
# path passes the same tests.
test_time_xapic() {
	local log=$LOGDIR/time-xapic.log
	build processor || return 1
	boot time-xapic 0 --kernel out/processor/tessera.elf --cpu max,-x2apic \
		--cmdline "selftest=all" --timeout 120 || return 1
	expect_log "$log" 'apic: xAPIC mode' || return 1
	expect_log "$log" 'selftest: summary: [1-9][0-9]* passed, 0 failed' || return 1
	boot time-qemu64 0 --kernel out/processor/tessera.elf --cpu qemu64 --smp 2 \
		--cmdline "selftest=all nox2apic expect_cpus=2" --timeout 120 || return 1
	log=$LOGDIR/time-qemu64.log
	expect_log "$log" 'apic: xAPIC mode' || return 1
	expect_log "$log" 'smp: Brought up 2 of 2 CPUs' || return 1
	expect_log "$log" 'selftest: summary: [1-9][0-9]* passed, 0 failed' || return 1
}

# An idle node sleeps: after boot, QEMU uses little host CPU although the
# tick keeps running.
test_time_idle() {
	local log=$LOGDIR/time-idle.log pidfile=$LOGDIR/time-idle.pid
	local qn pid i t0 t1 tck secs=8 pct
	build processor || return 1
	rm -f "$pidfile" "$log"
	"$srctree/scripts/qemu-node" --name time-idle --log "$log" \
		--kernel out/processor/tessera.elf --timeout 60 \
		-- -pidfile "$pidfile" 2>> "$LOGDIR/time-idle.qemu-node.err" &
	qn=$!
	for ((i = 0; i < 120; i++)); do
		grep -aq 'Boot complete' "$log" 2>/dev/null && break
		sleep 0.25
	done
	pid=$(cat "$pidfile" 2>/dev/null)
	if [ -z "$pid" ] || ! grep -aq 'Boot complete' "$log"; then
		kill "$qn" 2>/dev/null; wait "$qn" 2>/dev/null
		fail "the idle node did not finish booting (log $log)"
		return 1
	fi
	tck=$(getconf CLK_TCK)
	t0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	sleep "$secs"
	t1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	kill "$qn" 2>/dev/null
	wait "$qn" 2>/dev/null
	pct=$(( (t1 - t0) * 100 / (tck * secs) ))
	echo "idle guest: $((t1 - t0)) ticks of CPU in $secs s = $pct % of one core"
	expect_log "$log" 'tick: 100 Hz' || return 1
	[ "$pct" -lt 30 ] || fail "idle guest used $pct % of a core (limit 30 %)" || return 1
}
