# Memory management: the debug allocator build, small and large memory,
# CPUs without SMEP/SMAP/1G pages, and faults that must oops.

# The processor image with CONFIG_DEBUG_KMEMORY=y, in out/mm-debug.
build_mm_debug() {
	local d=out/mm-debug log=$LOGDIR/build-mm-debug.log
	[ -e "$LOGDIR/.built-mm-debug" ] && return 0
	make -s O=$d processor_defconfig > "$log" 2>&1 ||
		fail "make processor_defconfig failed: see $log" || return 1
	sed -i '/CONFIG_DEBUG_KMEMORY[ =]/d' $d/.config
	echo 'CONFIG_DEBUG_KMEMORY=y' >> $d/.config
	make O=$d olddefconfig all >> "$log" 2>&1 ||
		fail "debug build failed: see $log" || return 1
	grep -q '^CONFIG_DEBUG_KMEMORY=y' $d/.config ||
		fail "CONFIG_DEBUG_KMEMORY did not stick in $d/.config" || return 1
	touch "$LOGDIR/.built-mm-debug"
}

# Every self-test, plus the explicit ones that free wrongly on purpose:
# each bad free is reported ("BUG: ..." and a stack trace), skipped, and
# the run carries on to a clean summary.
test_mm_debug_kmemory() {
	local log=$LOGDIR/mm-debug.log hex='[0-9a-f]{16}' n
	build_mm_debug || return 1
	boot mm-debug 0 --kernel out/mm-debug/tessera.elf --timeout 120 \
		--cmdline "selftest=all,slab_double_free,slab_invalid_free,slab_use_after_free,page_double_free,page_use_after_free" || return 1
	expect_log "$log" 'selftest: summary: [1-9][0-9]* passed, 0 failed' || return 1
	for t in slab_double_free slab_invalid_free slab_use_after_free \
		 page_double_free page_use_after_free slab_stress; do
		expect_log "$log" "selftest: $t \\.\\.\\. ok" || return 1
	done
	expect_log "$log" "BUG: double free of $hex \\(kmalloc-64\\) from __selftest_fn_slab_double_free\\+0x[0-9a-f]+/0x[0-9a-f]+" || return 1
	expect_log "$log" "BUG: invalid free of $hex \\(kmalloc-64: not at an object boundary\\) from __selftest_fn_slab_invalid_free\\+" || return 1
	expect_log "$log" "BUG: invalid free of $hex \\(not a heap address\\)" || return 1
	expect_log "$log" "BUG: invalid free of $hex \\(not allocated by kmalloc\\)" || return 1
	expect_log "$log" "BUG: invalid free of $hex \\(page not allocated\\)" || return 1
	expect_log "$log" "BUG: invalid free of $hex \\(kmalloc-large: not at the start\\)" || return 1
	expect_log "$log" "BUG: invalid free of $hex \\(belongs to kmalloc-64, not test-other\\)" || return 1
	expect_log "$log" "BUG: use-after-free write of $hex \\(kmalloc-128, object $hex\\+0x5: 00\\)" || return 1
	expect_log "$log" "BUG: out-of-bounds write past the end of $hex \\(kmalloc-128\\)" || return 1
	expect_log "$log" "BUG: double free of page $hex \\(pfn 0x[0-9a-f]+, order 0\\) from __selftest_fn_page_double_free\\+" || return 1
	expect_log "$log" "BUG: invalid free of page $hex \\(pfn 0x[0-9a-f]+, order 0: reserved\\)" || return 1
	expect_log "$log" "BUG: use-after-free write to freed page $hex \\(pfn 0x[0-9a-f]+\\) at offset 0x64" || return 1
	# Each report comes with a stack trace naming the culprit.
	sed -n '/BUG: double free of .*(kmalloc-64)/,/selftest_run_requested/p' "$log" \
		> "$LOGDIR/mm-debug.trace"
	expect_log "$LOGDIR/mm-debug.trace" '\] __selftest_fn_slab_double_free\+' \
		"no stack trace after the double-free report" || return 1
	# Exactly the memory reports the explicit tests provoke: none from
	# selftest=all (the scheduler's own tests provoke sleep-in-atomic BUGs).
	n=$(grep -a '\] BUG: ' "$log" | grep -acEv 'sleeping function|scheduling while atomic')
	[ "$n" = 14 ] || fail "$n BUG reports, expected 14" || return 1
	expect_no_log "$log" 'FAIL|Oops|Kernel panic|WARNING: at mm/' || return 1
}

# Without CONFIG_DEBUG_KMEMORY, a double free is still caught, by BUG().
test_mm_page_double_free_bug() {
	local log=$LOGDIR/mm-page-bug.log
	build processor || return 1
	boot mm-page-bug 1 --kernel out/processor/tessera.elf \
		--cmdline "selftest=page_double_free" || return 1
	expect_log "$log" 'BUG: double free of page [0-9a-f]{16} \(pfn 0x[0-9a-f]+, order 0\) from __selftest_fn_page_double_free\+' || return 1
	expect_log "$log" 'kernel BUG at mm/page_alloc\.c:[0-9]+' || return 1
	expect_log "$log" 'Kernel panic - not syncing: BUG in' || return 1
}

mem_total_kib() {
	sed -nE 's/.*Memory: [0-9]+K\/([0-9]+)K available.*/\1/p' "$1" | head -n1
}

# boot_mem SIZE MIN_KIB MAX_KIB: all self-tests pass, and the Memory: line
# counts about SIZE of RAM.
boot_mem() {
	local size=$1 min=$2 max=$3 name=mm-mem-$1 log t0 ms total
	log=$LOGDIR/$name.log
	build processor || return 1
	t0=$(date +%s%N)
	boot "$name" 0 --kernel out/processor/tessera.elf --mem "$size" \
		--cmdline "selftest=all" --timeout 120 || return 1
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	echo "boot with --mem $size: $ms ms (QEMU start to exit)"
	expect_log "$log" 'selftest: summary: [1-9][0-9]* passed, 0 failed' || return 1
	expect_no_log "$log" 'FAIL' || return 1
	total=$(mem_total_kib "$log")
	[ -n "$total" ] || fail "no Memory: line in $log" || return 1
	[ "$total" -ge "$min" ] && [ "$total" -le "$max" ] ||
		fail "Memory: total ${total}K, expected $min-${max}K for --mem $size" || return 1
}

test_mm_mem_128M() {
	boot_mem 128M $((120 * 1024)) $((128 * 1024)) || return 1
	expect_log "$LOGDIR/mm-mem-128M.log" 'Zones: DMA [1-9][0-9]*K, DMA32 [1-9][0-9]*K, Normal 0K' || return 1
}

test_mm_mem_8G() {
	boot_mem 8G $((7680 * 1024)) $((8192 * 1024)) || return 1
	expect_log "$LOGDIR/mm-mem-8G.log" 'Zones: DMA [1-9][0-9]*K, DMA32 [1-9][0-9]*K, Normal [1-9][0-9]*K' || return 1
	expect_log "$LOGDIR/mm-mem-8G.log" 'x86/mm: direct map of [0-9]+ MiB: [1-9][0-9]* x 1G' || return 1
}

# qemu64 has NX but neither SMEP, SMAP nor 1 GiB pages: 2 MiB pages only,
# and the tests that need the features skip them.
test_mm_cpu_qemu64() {
	local log=$LOGDIR/mm-qemu64.log
	build processor || return 1
	boot mm-qemu64 0 --kernel out/processor/tessera.elf --cpu qemu64 \
		--mem 2G --cmdline "selftest=all" --timeout 120 || return 1
	expect_log "$log" 'selftest: summary: [1-9][0-9]* passed, 0 failed' || return 1
	expect_log "$log" 'x86/mm: direct map of [0-9]+ MiB: 0 x 1G, [1-9][0-9]* x 2M, .*; NX PGE' || return 1
	expect_no_log "$log" 'x86/mm: .*SM[EA]P' || return 1
}

# Faults nobody expected still oops: executing data and writing rodata.
test_mm_fault_oops() {
	local log
	build processor || return 1
	log=$LOGDIR/mm-exec-oops.log
	boot mm-exec-oops 1 --kernel out/processor/tessera.elf \
		--cmdline "selftest=paging_exec_oops" || return 1
	expect_log "$log" 'BUG: unable to handle page fault for address: ffff888' || return 1
	expect_log "$log" '#PF: supervisor instruction fetch in kernel mode' || return 1
	expect_log "$log" '#PF: error_code\(0x0011\) - permissions violation' || return 1
	expect_log "$log" 'Kernel panic - not syncing: Fatal exception' || return 1
	log=$LOGDIR/mm-rodata-oops.log
	boot mm-rodata-oops 1 --kernel out/processor/tessera.elf \
		--cmdline "selftest=paging_rodata_oops" || return 1
	expect_log "$log" 'BUG: unable to handle page fault for address: ffffffff80' || return 1
	expect_log "$log" '#PF: supervisor write access in kernel mode' || return 1
	expect_log "$log" '#PF: error_code\(0x0003\) - permissions violation' || return 1
	expect_log "$log" 'RIP: 0010:__selftest_fn_paging_rodata_oops\+' || return 1
	expect_log "$log" 'Kernel panic - not syncing: Fatal exception' || return 1
}
