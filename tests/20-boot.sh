# Booting the images through GRUB in QEMU (TCG).

boot_selftests() {
	local role=$1 fw=$2 log=$LOGDIR/boot-$1-$2.log
	build "$role" || return 1
	boot "boot-$role-$fw" 0 --kernel "out/$role/tessera.elf" \
		--firmware "$fw" --cmdline "selftest=all" --timeout 120 || return 1
	expect_log "$log" "Tessera version .* $role image" || return 1
	expect_log "$log" "Role: $role manager" || return 1
	expect_log "$log" "CPU: " || return 1
	expect_log "$log" "Command line: selftest=all" || return 1
	expect_log "$log" "Boot loader: GRUB .*\\($(echo "$fw" | tr a-z A-Z)\\)" || return 1
	expect_log "$log" '^\[ *[0-9]+\.[0-9]{6}\] ' "no dmesg-style timestamps" || return 1
	expect_log "$log" 'selftest: summary: [1-9][0-9]* passed, 0 failed' || return 1
	expect_no_log "$log" 'FAIL' || return 1
}

test_boot_processor_bios() { boot_selftests processor bios; }
test_boot_memory_bios() { boot_selftests memory bios; }
test_boot_storage_bios() { boot_selftests storage bios; }
test_boot_processor_uefi() { boot_selftests processor uefi; }
test_boot_memory_uefi() { boot_selftests memory uefi; }
test_boot_storage_uefi() { boot_selftests storage uefi; }

# selftest=oops: an oops whose trace names the faulting function, then a
# panic that makes QEMU exit with status 3 (guest status 1).
test_boot_oops() {
	local log=$LOGDIR/boot-oops.log
	build processor || return 1
	boot boot-oops 1 --kernel out/processor/tessera.elf --cmdline "selftest=oops" || return 1
	expect_log "$log" 'BUG: kernel NULL pointer dereference, address: 0000000000000010' || return 1
	expect_log "$log" 'RIP: 0010:selftest_oops_victim\+0x[0-9a-f]+/0x[0-9a-f]+' || return 1
	expect_log "$log" 'CR2: 0000000000000010' || return 1
	sed -n '/Call Trace:/,/end trace/p' "$log" > "$LOGDIR/boot-oops.trace"
	expect_log "$LOGDIR/boot-oops.trace" '\] selftest_oops_victim\+' \
		"the call trace does not name the faulting function" || return 1
	expect_log "$LOGDIR/boot-oops.trace" '\] (\? )?__selftest_fn_oops\+' || return 1
	expect_log "$LOGDIR/boot-oops.trace" '\] kernel_init\+' || return 1
	expect_log "$log" 'Kernel panic - not syncing: Fatal exception' || return 1
}

# A failing self-test ends the run with guest status 1 (QEMU status 3).
test_boot_failing_selftest() {
	local log=$LOGDIR/boot-fail.log
	build processor || return 1
	boot boot-fail 1 --kernel out/processor/tessera.elf \
		--cmdline "selftest=deliberate_fail" || return 1
	grep -q 'qemu status 3' "$LOGDIR/boot-fail.qemu-node.err" ||
		fail "QEMU did not exit with status 3" || return 1
	expect_log "$log" 'selftest: deliberate_fail \.\.\. FAIL: deliberate failure' || return 1
	expect_log "$log" 'selftest: summary: 0 passed, 1 failed' || return 1
}

# A pattern that matches nothing is a failure, not a silent pass.
test_boot_selftest_no_match() {
	build processor || return 1
	boot boot-nomatch 1 --kernel out/processor/tessera.elf \
		--cmdline "selftest=no_such_test*" || return 1
	expect_log "$LOGDIR/boot-nomatch.log" "selftest: no test matches" || return 1
}

# Unknown parameters are reported; quoted values survive GRUB; a glob
# selects a subset of the tests.
test_boot_params() {
	local log=$LOGDIR/boot-params.log
	build processor || return 1
	boot boot-params 0 --kernel out/processor/tessera.elf \
		--cmdline 'selftest=params_* frobnicate=7 greeting="/bin/echo a  b" loglevel=bogus' || return 1
	expect_log "$log" 'Command line: selftest=params_\* frobnicate=7 greeting="/bin/echo a  b" loglevel=bogus' || return 1
	expect_log "$log" 'Unknown kernel command line parameters "frobnicate=7 greeting=/bin/echo a  b", ignored' || return 1
	expect_log "$log" 'Malformed kernel command line parameter: loglevel=bogus' || return 1
	expect_log "$log" 'selftest: running 2 of [0-9]+ tests' || return 1
	expect_log "$log" 'selftest: params_next_arg \.\.\. ok' || return 1
}

# console=ttyS1,57600 moves the console to the second port.
test_boot_console_ttyS1() {
	local log=$LOGDIR/boot-ttyS1.log s1=$LOGDIR/boot-ttyS1.ttyS1.log
	build processor || return 1
	boot boot-ttyS1 0 --kernel out/processor/tessera.elf --serial1 "$s1" \
		--cmdline "console=ttyS1,57600 selftest=kallsyms_*" || return 1
	expect_log "$s1" 'console \[ttyS1\] enabled at I/O 0x2f8, 57600 baud' || return 1
	expect_log "$s1" 'Tessera version' || return 1
	expect_log "$s1" 'selftest: summary: 1 passed, 0 failed' || return 1
	expect_no_log "$log" 'Tessera version' "the banner also went to ttyS0" || return 1
}

# An unusable console= falls back to the default port and says why.
test_boot_console_invalid() {
	local log=$LOGDIR/boot-badcon.log
	build processor || return 1
	boot boot-badcon 0 --kernel out/processor/tessera.elf \
		--cmdline "console=ttyS7 selftest=kallsyms_*" || return 1
	expect_log "$log" 'console: unsupported console=ttyS7' || return 1
	expect_log "$log" 'selftest: summary: 1 passed, 0 failed' || return 1
}

# quiet (console log level 4) hides informational lines from the console.
test_boot_quiet() {
	local log=$LOGDIR/boot-quiet.log
	build processor || return 1
	boot boot-quiet 0 --kernel out/processor/tessera.elf \
		--cmdline "quiet selftest=printk_*" || return 1
	expect_no_log "$log" 'CPU: |selftest: summary' "info lines reached a quiet console" || return 1
	boot boot-loglevel 0 --kernel out/processor/tessera.elf \
		--cmdline "loglevel=8 selftest=printk_*" || return 1
	expect_log "$LOGDIR/boot-loglevel.log" 'selftest: summary: 1 passed' || return 1
}

# make iso produces an image that boots with the configured command line.
test_boot_iso() {
	local d=out/test-iso
	rm -rf "$d"
	make -s O=$d processor_defconfig > "$LOGDIR/build-iso.log" 2>&1 || return 1
	sed -i 's/^CONFIG_DEFAULT_CMDLINE=.*/CONFIG_DEFAULT_CMDLINE="selftest=kallsyms_*"/' $d/.config
	make O=$d iso >> "$LOGDIR/build-iso.log" 2>&1 || fail "make iso failed" || return 1
	[ -f $d/tessera.iso ] || fail "no $d/tessera.iso" || return 1
	boot boot-iso 0 --iso $d/tessera.iso || return 1
	expect_log "$LOGDIR/boot-iso.log" 'selftest: summary: 1 passed, 0 failed' || return 1
	rm -rf "$d"
}

# BUG_ON and an invalid opcode each end in an oops-style report and a panic.
test_boot_bug_and_ud2() {
	build processor || return 1
	boot boot-bug 1 --kernel out/processor/tessera.elf --cmdline "selftest=bug" || return 1
	expect_log "$LOGDIR/boot-bug.log" 'kernel BUG at kernel/selftest\.c:[0-9]+ in __selftest_fn_bug\(\)!' || return 1
	expect_log "$LOGDIR/boot-bug.log" 'Kernel panic - not syncing: BUG in __selftest_fn_bug\(\)' || return 1
	boot boot-ud2 1 --kernel out/processor/tessera.elf --cmdline "selftest=invalid_opcode" || return 1
	expect_log "$LOGDIR/boot-ud2.log" 'traps: invalid opcode' || return 1
	expect_log "$LOGDIR/boot-ud2.log" 'RIP: 0010:__selftest_fn_invalid_opcode\+' || return 1
	expect_log "$LOGDIR/boot-ud2.log" 'Kernel panic - not syncing: Fatal exception' || return 1
}
