# The pcache (managers/processor/pcache): its self-tests over FIT's
# loopback transport to a fake memory node in the test, on two and on
# four CPUs, in processor_debug_defconfig's image: its
# CONFIG_DEBUG_PCACHE_LOCKS checks the lock order all along.  Then the
# boot parameters that shape the cache.

PCACHE_TESTS="pcache_geometry pcache_fill pcache_writeback pcache_lru_promote
pcache_permissions pcache_zap_flush_exit pcache_writeback_failure pcache_smp
pcache_smp_ranges pcache_range_race pcache_drop pcache_smp_tlb pcache_smp_set
pcache_smp_storm pcache_lockcheck pcache_stats"

test_pcache_selftests() {
	local log=$LOGDIR/pcache-smp2.log t n=0
	build processor_debug || return 1
	boot pcache-smp2 0 --kernel out/processor_debug/tessera.elf --smp 2 \
		--cmdline "selftest=pcache_*" --timeout 240 || return 1
	expect_log "$log" 'pcache: 64 MiB at 0x[0-9a-f]+: 16384 lines, 256 sets x 64 ways, policy lru' || return 1
	for t in $PCACHE_TESTS; do
		expect_log "$log" "selftest: $t \.\.\. ok" || return 1
		n=$((n + 1))
	done
	expect_log "$log" "selftest: summary: $n passed, 0 failed" || return 1
	expect_log "$log" 'selftest: pcache_writeback: 128 pages over 32 lines: [0-9]+ evictions, 64 write-backs' || return 1
	expect_log "$log" 'selftest: pcache_smp: [0-9]+ faults on 2 CPUs' || return 1
	expect_log "$log" 'selftest: pcache_smp_ranges: [0-9]+ zaps and flushes during' || return 1
	expect_log "$log" 'selftest: pcache_smp_set: 2 CPUs in one set of 4 ways' || return 1
	# The one lock-order WARN is pcache_lockcheck's own.
	expect_log "$log" 'pcache: lock order: taking set->lock .* while holding mm->pt_lock' || return 1
	[ "$(grep -c 'WARNING:' "$log")" = 1 ] ||
		fail "pcache-smp2: a WARNING besides pcache_lockcheck's" || return 1
	expect_no_log "$log" 'BUG:|Oops' || return 1
}

# The SMP tests again with four CPUs faulting, evicting and shooting
# down at once (pcache_smp_ranges uses two CPUs: not again).
test_pcache_smp4() {
	local log=$LOGDIR/pcache-smp4.log
	build processor_debug || return 1
	boot pcache-smp4 0 --kernel out/processor_debug/tessera.elf --smp 4 \
		--cmdline "selftest=pcache_smp,pcache_smp_tlb,pcache_smp_set,pcache_smp_storm" \
		--timeout 400 || return 1
	expect_log "$log" 'selftest: pcache_smp: [0-9]+ faults on 4 CPUs' || return 1
	expect_log "$log" 'selftest: pcache_smp_set: 4 CPUs in one set of 4 ways' || return 1
	expect_log "$log" 'selftest: pcache_smp_storm: [0-9]+ range ops on 4 CPUs' || return 1
	expect_log "$log" 'selftest: summary: 4 passed, 0 failed' || return 1
	expect_no_log "$log" 'WARNING:|BUG:|Oops' || return 1
}

# pcache=, pcache.ways=, pcache.policy=: a size that is no power of two
# and a way count that does not divide it still use every line.
test_pcache_params() {
	local log=$LOGDIR/pcache-params.log
	build processor || return 1
	boot pcache-params 0 --kernel out/processor/tessera.elf \
		--cmdline "pcache=1000K pcache.ways=64 pcache.policy=fifo selftest=pcache_geometry,pcache_fill" \
		--timeout 120 || return 1
	expect_log "$log" 'pcache: 1000 KiB at 0x[0-9a-f]+: 250 lines, 3 sets x 83 ways \(one more way in 1\), policy fifo' || return 1
	expect_log "$log" 'selftest: summary: 2 passed, 0 failed' || return 1
	boot pcache-params-8m 0 --kernel out/processor/tessera.elf \
		--cmdline "pcache=8M pcache.ways=8 pcache.policy=random selftest=pcache_writeback" \
		--timeout 120 || return 1
	expect_log "$LOGDIR/pcache-params-8m.log" 'pcache: 8 MiB at 0x[0-9a-f]+: 2048 lines, 256 sets x 8 ways, policy random' || return 1
	expect_log "$LOGDIR/pcache-params-8m.log" 'selftest: pcache_writeback \.\.\. ok' || return 1
	# More than the RAM: halved until it fits; a bad way count is refused.
	log=$LOGDIR/pcache-params-big.log
	boot pcache-params-big 0 --kernel out/processor/tessera.elf \
		--cmdline "pcache=3G pcache.ways=0 pcache.stats=1 selftest=pcache_geometry" \
		--timeout 120 || return 1
	expect_log "$log" 'Malformed kernel command line parameter: pcache.ways=0' || return 1
	expect_log "$log" 'pcache: 3145728 KiB do not fit, reserved 393216 KiB' || return 1
	expect_log "$log" 'pcache: 384 MiB at 0x[0-9a-f]+: 98304 lines, 1536 sets x 64 ways, policy lru' || return 1
	expect_no_log "$log" '(Unknown|Malformed).*pcache\.stats' || return 1
	expect_log "$log" 'selftest: pcache_geometry \.\.\. ok' || return 1
}
