# The processor manager's user mode without a memory node: the user_*
# self-tests run hand-made programs that make syscalls and fault, and one
# that this node execs as its own (fake) memory node over FIT's loopback
# transport, through the pcache (Documentation/processor.md, "Self-tests").

# proc_user_checks LOG: both tests passed, with the lines they cause.
proc_user_checks() {
	local log=$1
	expect_log "$log" 'selftest: user_syscalls \.\.\. ok' || return 1
	expect_log "$log" 'selftest: user_faults \.\.\. ok' || return 1
	expect_log "$log" 'selftest: user_exec_loopback \.\.\. ok' || return 1
	expect_log "$log" 'selftest: summary: 3 passed, 0 failed' || return 1
	# exec'd from the fake memory node: argv[1], then a file it served.
	expect_log "$log" '^argv-one' || return 1
	expect_log "$log" '^hello from M' || return 1
	expect_log "$log" 'exec\[[0-9]+\]: segfault at 0x10001000 ip 0x[0-9a-f]+ error 4' || return 1
	expect_log "$log" 'down\[[0-9]+\]: memory node [0-9]+ unreachable \(-112\), killed' || return 1
	expect_log "$log" 'processor: /test/down\[[0-9]+\] killed by SIGKILL' || return 1
	# The program's write, raw on the console: no timestamp.
	expect_log "$log" '^user: hello!' || return 1
	expect_log "$log" 'syscall: unimplemented: unknown \(1000\)' || return 1
	expect_log "$log" 'processor: /test/syscalls\[[0-9]+\] exited with status 42' || return 1
	expect_log "$log" 'segv\[[0-9]+\]: segfault at 0x10 ip 0x400000 error 4[[:space:]]*$' || return 1
	expect_log "$log" 'processor: /test/segv\[[0-9]+\] killed by SIGSEGV' || return 1
	expect_log "$log" 'ud2\[[0-9]+\]: trap invalid opcode ip 0x400000' || return 1
	expect_log "$log" 'processor: /test/ud2\[[0-9]+\] killed by SIGILL' || return 1
	expect_log "$log" 'gp\[[0-9]+\]: general protection fault ip 0x400000' || return 1
	expect_log "$log" 'div\[[0-9]+\]: trap divide error ip 0x400002' || return 1
	expect_log "$log" 'processor: /test/div\[[0-9]+\] killed by SIGFPE' || return 1
	expect_log "$log" 'write_ro\[[0-9]+\]: segfault at 0x400000 ip 0x400000 error 7[[:space:]]*$' || return 1
	expect_no_log "$log" 'BUG:|Oops|WARNING:|Kernel panic' || return 1
}

test_proc_user_selftests() {
	local log=$LOGDIR/proc-user.log
	build processor || return 1
	boot proc-user 0 --kernel out/processor/tessera.elf \
		--cmdline "selftest=user_*" --timeout 120 || return 1
	expect_log "$log" 'processor: no fabric, so no memory node: not starting init' || return 1
	proc_user_checks "$log" || return 1
}

# Two CPUs: user tasks are created, preempted and exit on either one.
test_proc_user_selftests_smp2() {
	local log=$LOGDIR/proc-user-smp2.log
	build processor || return 1
	boot proc-user-smp2 0 --kernel out/processor/tessera.elf --smp 2 \
		--cmdline "selftest=user_*" --timeout 180 || return 1
	proc_user_checks "$log" || return 1
}
