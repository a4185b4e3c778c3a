# FIT, the RPC layer: self-tests over the loopback transport, on each
# role and on two CPUs; the configurations without the loopback transport
# and without FIT.  Clusters: tests/65-fit-cluster.sh.

FIT_TESTS="fit_echo_sizes fit_errors fit_stats_dump fit_oneway fit_concurrent_calls
fit_outstanding_calls fit_callers_sleep fit_slots_exhausted
fit_peer_restart fit_timeout_late_reply fit_malformed fit_peer_down
fit_peer_silent fit_peer_notifier fit_flow_control"

# fit_selftests LOG: every FIT self-test passed, and nothing else ran.
fit_selftests_passed() {
	local log=$1 t n=0
	for t in $FIT_TESTS; do
		expect_log "$log" "selftest: $t \.\.\. ok" || return 1
		n=$((n + 1))
	done
	expect_log "$log" "selftest: summary: $n passed, 0 failed" || return 1
	expect_no_log "$log" 'WARNING:|BUG:|Oops' || return 1
}

# Two CPUs: 10 000 calls from 8 threads, 300 outstanding, failures.
test_fit_smp2() {
	local log=$LOGDIR/fit-smp2.log
	build processor || return 1
	boot fit-smp2 0 --kernel out/processor/tessera.elf --smp 2 \
		--cmdline "selftest=fit_*" --timeout 120 || return 1
	expect_log "$log" 'fit: node 0, epoch 0x[0-9a-f]+: 1024 call slots, 4 workers, payloads up to 1048576 bytes' || return 1
	expect_log "$log" 'fit: node 0 \(self\) up via loopback, 512 credits' || return 1
	fit_selftests_passed "$log" || return 1
	expect_log "$log" 'selftest: fit_concurrent_calls: 10000 calls from 8 threads on 2 CPUs' || return 1
	expect_log "$log" 'fit: node 0 is down \(no heartbeat\); 20 calls in flight failed' || return 1
}

# The memory and storage images serve calls the same way (one CPU).
test_fit_roles() {
	local role log
	for role in memory storage; do
		log=$LOGDIR/fit-$role.log
		build "$role" || return 1
		boot "fit-$role" 0 --kernel "out/$role/tessera.elf" \
			--cmdline "selftest=fit_*" --timeout 120 || return 1
		fit_selftests_passed "$log" || return 1
	done
}

# FIT builds without its loopback transport, and the kernel without FIT.
test_fit_kconfig() {
	local o
	for o in fit-noloopback:FIT_LOOPBACK fit-off:FIT; do
		local dir=out/${o%%:*} sym=${o#*:}
		rm -rf "$dir"
		mkdir -p "$dir"
		{ make -s O="$dir" processor_defconfig &&
		  echo "# CONFIG_$sym is not set" >> "$dir/.config" &&
		  make -s O="$dir" olddefconfig &&
		  make O="$dir" all; } > "$LOGDIR/build-${o%%:*}.log" 2>&1 ||
			fail "build with CONFIG_$sym=n failed: see $LOGDIR/build-${o%%:*}.log" || return 1
		grep -q "^# CONFIG_$sym is not set" "$dir/.config" ||
			fail "CONFIG_$sym=n did not stick" || return 1
	done
	boot fit-noloopback 0 --kernel out/fit-noloopback/tessera.elf \
		--cmdline "selftest=ratelimit_burst" || return 1
	expect_log "$LOGDIR/fit-noloopback.log" 'fit: node 0, epoch' || return 1
	expect_no_log "$LOGDIR/fit-noloopback.log" 'loopback' || return 1
	boot fit-off 0 --kernel out/fit-off/tessera.elf \
		--cmdline "selftest=ratelimit_burst" || return 1
	expect_no_log "$LOGDIR/fit-off.log" 'fit:' || return 1
}

# scripts/bench-fit runs and prints every figure (a tenth of the calls).
test_fit_bench_script() {
	local out=$LOGDIR/fit-bench.out
	build processor || return 1
	scripts/bench-fit --no-build --quick --log "$LOGDIR/fit-bench.log" > "$out" 2>&1 ||
		fail "bench-fit failed: see $out" || return 1
	fit_bench_figures "$out"
}

# fit_bench_figures OUT: bench-fit --quick printed every figure.
fit_bench_figures() {
	local out=$1
	expect_log "$out" '^fit-bench: rtt 64 B: [0-9]+\.[0-9] us \(median [0-9.]+ us, p99 [0-9.]+ us; 500 calls\)$' || return 1
	expect_log "$out" '^fit-bench: rtt 4096 B: [0-9]+\.[0-9] us' || return 1
	expect_log "$out" '^fit-bench: rtt 65536 B: [0-9]+\.[0-9] us' || return 1
	expect_log "$out" '^fit-bench: rate 64 B, 1 caller: [0-9]+ calls/s' || return 1
	expect_log "$out" '^fit-bench: rate 64 B, 4 callers: [0-9]+ calls/s' || return 1
	expect_log "$out" '^fit-bench: done$' || return 1
}
