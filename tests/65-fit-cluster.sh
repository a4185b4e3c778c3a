# FIT over the verbs transport in clusters: echoes of 1 B to 1 MiB to
# every other node, 10 000 concurrent calls, a node killed mid-run,
# malformed FIT messages injected by the host, the cluster benchmark.
# The self-tests are in net/fit/test_cluster.c; they call the echo
# service (net/fit/echo.c) of the other nodes.

# fit_cluster NAME STATUS [scripts/cluster options...]: logs in
# $LOGDIR/NAME/, the script's output in $LOGDIR/NAME.cluster.
fit_cluster() {
	local name=$1 want=$2 st
	shift 2
	rm -rf "${LOGDIR:?}/$name"
	"$srctree/scripts/cluster" --out "$LOGDIR/$name" --no-build --timeout 120 --ids \
		--cmdline-all "fabric.wait=20" "$@" > "$LOGDIR/$name.cluster" 2>&1
	st=$?
	[ "$st" = "$want" ] ||
		fail "cluster $name: status $st, expected $want (see $LOGDIR/$name.cluster, $LOGDIR/$name/)"
}

# fit_cluster_clean LOG...: no warning, bug or transport drop on any node.
fit_cluster_clean() {
	local log
	for log in "$@"; do
		expect_no_log "$log" 'WARNING|BUG|Oops|fit: verbs: dropped' || return 1
	done
}

# 1P-1M: echoes of every size to the memory node; the connection breaks
# under held calls, which fail, and comes back.
test_fit_cluster_1p1m() {
	local d=$LOGDIR/fit-cluster-1p1m
	build_cluster_images || return 1
	fit_cluster fit-cluster-1p1m 0 1P-1M \
		--cmdline P="selftest=fit_cluster_echo,fit_cluster_reconnect" || return 1
	expect_log "$d/P0.log" 'fit: verbs: shm0: 2 QPs per peer \(connections 2-3\), 64 credits' || return 1
	expect_log "$d/P0.log" 'fit: node 1 up via verbs, 64 credits' || return 1
	expect_log "$d/M0.log" 'fit: node 0 up via verbs, 64 credits' || return 1
	expect_log "$d/P0.log" 'selftest: fit_cluster_echo: node 1: 12 sizes from 1 to 1048576 bytes, every reply checked' || return 1
	expect_log "$d/P0.log" 'fit_cluster_reconnect: held calls failed [0-9]+ ms after the break' || return 1
	expect_log "$d/P0.log" 'fit_cluster_reconnect: node 1 reachable again after [0-9]+ ms' || return 1
	expect_log "$d/M0.log" 'fit: verbs: node 0: connection closed \(connection lost\)' || return 1
	expect_log "$d/P0.log" 'selftest: summary: 2 passed, 0 failed' || return 1
	fit_cluster_clean "$d/P0.log" "$d/M0.log"
}

# 1P-2M, two vCPUs on P: echoes to both memory nodes, then 10 000 calls
# from 4 threads spread over them, each seen exactly once.
test_fit_cluster_1p2m() {
	local d=$LOGDIR/fit-cluster-1p2m
	build_cluster_images || return 1
	fit_cluster fit-cluster-1p2m 0 1P-2M --smp P=2 \
		--cmdline P="selftest=fit_cluster_echo,fit_cluster_calls" || return 1
	expect_log "$d/M0.log" 'fit: node 2 up via verbs' || return 1
	expect_log "$d/M1.log" 'fit: node 1 up via verbs' || return 1
	expect_log "$d/P0.log" 'fit_cluster_echo: node 1: 12 sizes from 1 to 1048576 bytes, every reply checked' || return 1
	expect_log "$d/P0.log" 'fit_cluster_echo: node 2: 12 sizes from 1 to 1048576 bytes, every reply checked' || return 1
	expect_log "$d/P0.log" 'fit_cluster_calls: 10000 calls from 4 threads on 2 CPUs to 2 nodes' || return 1
	expect_log "$d/P0.log" 'fit_cluster_calls: node 1 served 5000 calls, none lost, none duplicated' || return 1
	expect_log "$d/P0.log" 'fit_cluster_calls: node 2 served 5000 calls, none lost, none duplicated' || return 1
	expect_log "$d/P0.log" 'selftest: summary: 2 passed, 0 failed' || return 1
	fit_cluster_clean "$d/P0.log" "$d/M0.log" "$d/M1.log"
	grep -aoE 'fit_cluster_calls: 10000 calls .*' "$d/P0.log" | tr -d '\r'
}

# 1P-2M, M0 killed at 8 s while P holds calls on it and pings it: they
# fail with -EHOSTDOWN within 10 s of its last reply, M1 keeps serving.
test_fit_cluster_death() {
	local d=$LOGDIR/fit-cluster-death
	build_cluster_images || return 1
	fit_cluster fit-cluster-death 0 1P-2M --kill M0@8 \
		--cmdline P="selftest=fit_cluster_death" || return 1
	expect_log "$LOGDIR/fit-cluster-death.cluster" 'cluster: M0 +memory +killed at 8 s' || return 1
	expect_log "$d/P0.log" 'fit_cluster_death: 5 calls held by node 1, pinging it' || return 1
	expect_log "$d/P0.log" 'fit: node 1 is down \(.*\); [0-9]+ calls in flight failed' || return 1
	expect_log "$d/P0.log" 'fit_cluster_death: node 1: the held calls and the ping failed with -EHOSTDOWN [0-9]+ ms after its last reply \(bound 10000 ms\)' || return 1
	expect_log "$d/P0.log" 'fit_cluster_death: node 2 still answers' || return 1
	expect_log "$d/M1.log" 'fit: node 1 is down|fit: verbs: node 1: connection closed' || return 1
	expect_log "$d/P0.log" 'selftest: fit_cluster_death \.\.\. ok' || return 1
	grep -aoE 'failed with -EHOSTDOWN [0-9]+ ms after its last reply' "$d/P0.log"
}

# The host injects a truncated FIT message, one with a bad payload
# length and one with an unknown opcode into M's receive queue of P's
# second FIT connection (which P, on one CPU, does not send on): M drops
# and counts each, and the next call works.
test_fit_cluster_malformed() {
	local shm=/dev/shm/tessera-test-fit-inject.$$ d=$LOGDIR/fit-cluster-malformed
	local out=$LOGDIR/fit-cluster-malformed.txt cpid rc=0 epoch conn line
	build_cluster_images || return 1
	rm -rf "$d" "$shm"
	: > "$out"
	"$srctree/scripts/cluster" --out "$d" --no-build --timeout 90 --ids --shm "$shm" \
		--cmdline-all "fabric.wait=20" --cmdline P="selftest=fit_cluster_malformed" \
		1P-1M > "$LOGDIR/fit-cluster-malformed.cluster" 2>&1 &
	cpid=$!
	if wait_log "$d/P0.log" 'fit_cluster_malformed: ready for messages' 40; then
		line=$(grep -a 'fit_cluster_malformed: ready for messages' "$d/P0.log" | tr -d '\r')
		conn=$(sed -nE 's/.* in connection ([0-9]+),.*/\1/p' <<< "$line")
		epoch=$(sed -nE 's/.* epoch (0x[0-9a-f]+)$/\1/p' <<< "$line")
		# All three at once: M's first pass reads them all, before its
		# acknowledgements break the connection.
		"$FABRIC_TOOL" "$shm" inject 1 fit-truncated,fit-bad-length,fit-unknown-opcode \
			--from 0 --qp "$conn" --epoch "$epoch" >> "$out" 2>&1 || rc=1
	else
		rc=1
	fi
	wait "$cpid" || rc=1
	rm -f "$shm"
	[ $rc = 0 ] || fail "the cluster or fabric-tool failed: see $LOGDIR/fit-cluster-malformed.cluster, $out" || return 1
	expect_log "$d/M0.log" 'fit: dropped a message from node 0: truncated' || return 1
	expect_log "$d/M0.log" 'fit: dropped a message from node 0: bad_length' || return 1
	expect_log "$d/M0.log" 'fit: dropped a message from node 0: unknown_opcode' || return 1
	expect_log "$d/P0.log" 'fit_cluster_malformed: node 1 dropped 3 messages \(truncated 1, bad_length 1, unknown_opcode 1\); the next call works' || return 1
	expect_log "$d/P0.log" 'fit: verbs: 1 peers connected, staging 0/576 units in use; dropped: none' || return 1
	expect_log "$d/P0.log" 'selftest: fit_cluster_malformed \.\.\. ok' || return 1
	expect_no_log "$d/M0.log" 'WARNING|BUG|Oops|restarted' || return 1
}

# scripts/bench-fit --cluster runs over the verbs transport and prints
# every figure (a tenth of the calls).
test_fit_bench_cluster() {
	local out=$LOGDIR/fit-bench-cluster.out
	build_cluster_images || return 1
	scripts/bench-fit --no-build --cluster --quick --log "$LOGDIR/fit-bench-cluster.log" > "$out" 2>&1 ||
		fail "bench-fit --cluster failed: see $out" || return 1
	expect_log "$out" '^fit-bench: verbs transport to node [0-9]+ \(memory\), 1 CPU' || return 1
	fit_bench_figures "$out"
}
