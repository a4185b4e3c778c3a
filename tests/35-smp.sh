# SMP bring-up: every CPU of the MADT comes up and takes IPIs.

# The core-kernel acceptance run: -smp 4 -m 2G selftest=all.
test_smp_4cpus() {
	local log=$LOGDIR/smp-4.log
	build processor || return 1
	boot smp-4 0 --kernel out/processor/tessera.elf --smp 4 --mem 2G \
		--cmdline "selftest=all" --timeout 180 || return 1
	expect_log "$log" 'smp: Brought up 4 of 4 CPUs' || return 1
	expect_log "$log" 'Memory: [0-9]+K/[0-9]+K available' || return 1
	expect_log "$log" 'selftest: smp_tlb_shootdown \.\.\. ok' || return 1
	expect_log "$log" 'selftest: summary: [0-9]+ passed, 0 failed' || return 1
}

test_smp_maxcpus() {
	local log=$LOGDIR/smp-maxcpus.log
	build processor || return 1
	boot smp-maxcpus 0 --kernel out/processor/tessera.elf --smp 3 \
		--cmdline "maxcpus=2 selftest=smp_*" || return 1
	expect_log "$log" 'smp: Brought up 2 of 3 CPUs' || return 1
	expect_log "$log" 'selftest: summary: 3 passed, 0 failed' || return 1
}

# The trampoline page must also be usable under UEFI firmware.
test_smp_uefi() {
	local log=$LOGDIR/smp-uefi.log
	build processor || return 1
	boot smp-uefi 0 --kernel out/processor/tessera.elf --smp 2 \
		--firmware uefi --cmdline "selftest=smp_*" || return 1
	expect_log "$log" 'smp: Brought up 2 of 2 CPUs' || return 1
}
