# The verbs (include/rdma/ib_verbs.h) on the emulated HCA: one node on its
# own region (loopback), and clusters where a processor's self-tests talk
# to a memory node's responder.

# One memory node alone on a fresh region: the self-tests that need no
# peer (argument checks, a QP connected to itself).
test_verbs_loopback() {
	local shm=/dev/shm/tessera-test-verbs.$$ log=$LOGDIR/verbs-loopback.log
	build memory || return 1
	rm -f "$shm"
	truncate -s 64M "$shm" || return 1
	boot verbs-loopback 0 --kernel out/memory/tessera.elf --timeout 60 \
		--cmdline "selftest=verbs_api,verbs_loopback_*,verbs_dereg_*" -- \
		-object "memory-backend-file,id=shm0,share=on,mem-path=$shm,size=64M" \
		-device ivshmem-plain,memdev=shm0
	local rc=$?
	rm -f "$shm"
	[ $rc = 0 ] || return 1
	expect_log "$log" 'verbs: registered shm0: node 0' || return 1
	expect_log "$log" 'selftest: verbs_loopback_send \.\.\. ok' || return 1
	expect_log "$log" 'selftest: verbs_loopback_rdma \.\.\. ok' || return 1
	expect_log "$log" 'selftest: summary: 10 passed, 0 failed' || return 1
	expect_no_log "$log" 'FAIL|WARNING|BUG' || return 1
}

FABRIC_TOOL=out/processor/scripts/fabric-tool

# verbs_cluster NAME STATUS LAYOUT [options...]: scripts/cluster with its
# logs in $LOGDIR/NAME/ and its output in $LOGDIR/NAME.cluster; the
# memory node(s) run the responder.
verbs_cluster() {
	local name=$1 want=$2 st
	shift 2
	rm -rf "${LOGDIR:?}/$name"
	"$srctree/scripts/cluster" --out "$LOGDIR/$name" --no-build --timeout 60 --ids \
		--cmdline-all "fabric.wait=20" --cmdline M="selftest=verbs_responder" \
		"$@" > "$LOGDIR/$name.cluster" 2>&1
	st=$?
	[ "$st" = "$want" ] ||
		fail "cluster $name: status $st, expected $want (see $LOGDIR/$name.cluster, $LOGDIR/$name/)"
}

# wait_log FILE REGEX SECONDS: until FILE has a line matching REGEX.
wait_log() {
	local i
	for i in $(seq $(($3 * 10))); do
		grep -aEq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "no line matching /$2/ in $1 within $3 s"
}

# 1P-1M: every verbs self-test on the processor (the loopback ones, and
# SEND/RECV, RDMA, WRITE_WITH_IMM and protection against the memory
# node's responder); the figures go to the test's output.
test_verbs_1p1m() {
	local d=$LOGDIR/verbs-1p1m
	build processor && build memory || return 1
	verbs_cluster verbs-1p1m 0 1P-1M --cmdline P="selftest=verbs_*" || return 1
	expect_log "$d/P0.log" 'selftest: summary: 14 passed, 0 failed' || return 1
	for t in send rdma imm protection; do
		expect_log "$d/P0.log" "selftest: verbs_remote_$t \.\.\. ok" || return 1
	done
	expect_log "$d/P0.log" 'verbs_remote_protection: 12 accesses refused, node [0-9]+ counts 4 rkey errors and 8 access errors' || return 1
	expect_log "$d/M0.log" 'selftest: verbs_responder: serving processor node' || return 1
	expect_log "$d/M0.log" 'selftest: verbs_responder: canaries intact' || return 1
	expect_no_log "$d/M0.log" 'DAMAGED|WARNING|BUG' || return 1
	grep -aoE 'verbs_remote_(send|rdma): .*' "$d/P0.log"
}

# Malformed messages injected by the host into the responder's request
# ring from P, on a connected QP: dropped, counted (fabric-tool status
# shows the counters), and the connection keeps working.
test_verbs_malformed() {
	local shm=/dev/shm/tessera-test-verbs-inject.$$ d=$LOGDIR/verbs-malformed
	local st=$LOGDIR/verbs-malformed.txt cpid rc=0 k
	build processor && build memory || return 1
	rm -rf "$d" "$shm"
	"$srctree/scripts/cluster" --out "$d" --no-build --timeout 60 --ids --shm "$shm" \
		--cmdline-all "fabric.wait=20" --cmdline M="selftest=verbs_responder" \
		--cmdline P="selftest=verbs_remote_malformed" 1P-1M \
		> "$LOGDIR/verbs-malformed.cluster" 2>&1 &
	cpid=$!
	if wait_log "$d/P0.log" 'verbs_remote_malformed: ready for messages in qp 0->1/0' 30; then
		for k in bad-length bad-opcode truncated; do
			"$FABRIC_TOOL" "$shm" inject 1 $k --from 0 --qp 0 >> "$st" 2>&1 || rc=1
			sleep 0.2
		done
	else
		rc=1
	fi
	wait "$cpid" || rc=1
	"$FABRIC_TOOL" "$shm" status --sample 0 >> "$st" 2>&1
	rm -f "$shm"
	[ $rc = 0 ] || fail "the cluster or fabric-tool failed: see $LOGDIR/verbs-malformed.cluster, $st" || return 1
	expect_log "$d/P0.log" 'verbs_remote_malformed: node 1 dropped 3 messages \(truncated 1, bad length 1, bad opcode 1\); the QP still works' || return 1
	expect_log "$d/P0.log" 'selftest: verbs_remote_malformed \.\.\. ok' || return 1
	expect_log "$d/M0.log" 'verbs: QP 0x140: dropped a message on the request ring from node 0: length does not match' || return 1
	expect_log "$d/M0.log" 'verbs: QP 0x140: dropped a message on the request ring from node 0: unknown opcode \(opcode 0x55' || return 1
	expect_log "$d/M0.log" 'verbs: QP 0x140: dropped a message on the request ring from node 0: truncated header' || return 1
	expect_log "$st" 'node  1: rx_truncated 1, rx_bad_length 1, rx_bad_opcode 1' || return 1
	expect_no_log "$d/M0.log" 'WARNING|BUG|Oops' || return 1
}

# The responder is killed while SENDs wait on it: they fail with "retry
# exceeded" within the liveness bound, the rest is flushed.
test_verbs_peer_death() {
	local d=$LOGDIR/verbs-death
	build processor && build memory || return 1
	verbs_cluster verbs-death 0 1P-1M --kill M0@6 \
		--cmdline P="selftest=verbs_remote_death" || return 1
	expect_log "$LOGDIR/verbs-death.cluster" 'cluster: M0 +memory +killed at 6 s' || return 1
	expect_log "$d/P0.log" 'verbs: QP 0x104 to node 1 lost: the node is dead' || return 1
	expect_log "$d/P0.log" 'verbs_remote_death: pending SEND failed [0-9]+ ms after node 1.s last heartbeat \(bound 3000 ms\)' || return 1
	expect_log "$d/P0.log" 'selftest: verbs_remote_death \.\.\. ok' || return 1
	grep -aoE 'pending SEND failed [0-9]+ ms after' "$d/P0.log"
}

# Two nodes with connected, idle QPs (the pollers back off to sleeping)
# leave the 2-core host mostly idle: the QEMU processes' CPU time over
# 10 s is under a third of one core, both together.
test_verbs_idle_connected() {
	local d=$LOGDIR/verbs-idle cpid pids t0 t1 used
	build processor && build memory || return 1
	rm -rf "$d"
	"$srctree/scripts/cluster" --out "$d" --no-build --timeout 60 --ids \
		--cmdline-all "fabric.wait=20" --cmdline M="selftest=verbs_responder" \
		--cmdline P="selftest=verbs_remote_idle" 1P-1M \
		> "$LOGDIR/verbs-idle.cluster" 2>&1 &
	cpid=$!
	wait_log "$d/P0.log" 'verbs_remote_idle: connected to node 1; idle for 12 s' 30 || {
		kill "$cpid" 2>/dev/null
		wait "$cpid" 2>/dev/null
		return 1
	}
	sleep 0.5
	pids=$(pgrep -f "qemu-system.*$d/")
	t0=$(qemu_ticks $pids)
	sleep 10
	t1=$(qemu_ticks $pids)
	wait "$cpid"
	local rc=$?
	[ "$(echo $pids | wc -w)" = 2 ] ||
		fail "expected 2 QEMU processes, found: $pids" || return 1
	used=$(( (t1 - t0) * 100 / $(getconf CLK_TCK) / 10 ))
	echo "idle 2-node cluster with connected QPs: ${used}% of one host core over 10 s"
	[ $rc = 0 ] || fail "cluster status $rc (see $LOGDIR/verbs-idle.cluster)" || return 1
	expect_log "$d/P0.log" 'selftest: verbs_remote_idle \.\.\. ok' || return 1
	[ "$used" -lt 33 ] || fail "idle cluster used ${used}% of a core" || return 1
}

# 1P-2M: the processor talks to both responders at once.
test_verbs_1p2m() {
	local d=$LOGDIR/verbs-1p2m
	build processor && build memory || return 1
	verbs_cluster verbs-1p2m 0 1P-2M --cmdline P="selftest=verbs_remote_multi" || return 1
	expect_log "$d/P0.log" 'verbs_remote_multi: echoes and RDMA with 2 memory nodes at once' || return 1
	expect_log "$d/P0.log" 'selftest: verbs_remote_multi \.\.\. ok' || return 1
	expect_log "$d/M0.log" 'selftest: verbs_responder: serving processor node 0' || return 1
	expect_log "$d/M1.log" 'selftest: verbs_responder: serving processor node 0' || return 1
}
