# Scheduler behaviour that needs a whole boot.

# Once booted with nothing to do, the kernel halts the CPU between ticks
# (sti; hlt in the idle task) instead of spinning, so QEMU uses a small
# part of a host CPU: an idle node must not eat a core of a 2-core host.
# Boot without self-tests, let the guest idle until the timeout, and
# compare QEMU's CPU time with the wall-clock time.
test_sched_idle_halts() {
	local log=$LOGDIR/sched-idle.log tf=$LOGDIR/sched-idle.time
	local wall user sys
	build processor || return 1
	TIMEFORMAT='%R %U %S'
	{ time boot sched-idle 124 --kernel out/processor/tessera.elf \
		--timeout 8; } 2> "$tf" || return 1
	expect_log "$log" 'Boot complete in [0-9]+ ms' || return 1
	expect_no_log "$log" 'WARNING|BUG|Oops|panic' || return 1
	read -r wall user sys < "$tf"
	# Spinning would keep QEMU busy the whole time; the boot itself
	# (firmware, GRUB, kernel) takes about half a second.
	awk -v w="$wall" -v u="$user" -v s="$sys" \
		'BEGIN { exit !(u + s < w / 4) }' ||
		fail "QEMU used ${user}s user + ${sys}s system CPU in ${wall}s while the guest idled"
}

# A task that overflows its kernel stack (here: overwrites the guard word
# at the bottom) is caught at its next schedule(), with a panic naming it.
test_sched_stack_overflow_panics() {
	local log=$LOGDIR/sched-overflow.log
	build processor || return 1
	boot sched-overflow 1 --kernel out/processor/tessera.elf \
		--cmdline "selftest=sched_stack_overflow" || return 1
	expect_log "$log" 'Kernel panic - not syncing: kernel stack overflow in init/1' || return 1
}
