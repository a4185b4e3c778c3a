# The fabric: QEMU clusters sharing one ivshmem region (scripts/cluster),
# discovery, heartbeats and liveness, and the host tool (fabric-tool).

FABRIC_TOOL=out/processor/scripts/fabric-tool

# cluster NAME STATUS LAYOUT [options...]: run scripts/cluster with its
# logs in $LOGDIR/NAME/ and its output in $LOGDIR/NAME.cluster; check the
# status it returns.  A broken fabric fails within 20 s, not 60.
cluster() {
	local name=$1 want=$2 st
	shift 2
	rm -rf "${LOGDIR:?}/$name"
	"$srctree/scripts/cluster" --out "$LOGDIR/$name" --no-build --timeout 60 \
		--cmdline-all "fabric.wait=20" "$@" > "$LOGDIR/$name.cluster" 2>&1
	st=$?
	[ "$st" = "$want" ] ||
		fail "cluster $name: status $st, expected $want (see $LOGDIR/$name.cluster, $LOGDIR/$name/)"
}

build_cluster_images() {
	build processor && build memory && build storage
}

# node_id LOG: the id the node took ("fabric: node N (role) up").
node_id() {
	sed -nE 's/.*fabric: node ([0-9]+) \((processor|memory|storage)\) up,.*/\1/p' "$1" | head -n1
}

# kept_shm NAME: the shared file a --keep-shm run left.
kept_shm() {
	sed -nE 's/.*shared region kept: ([^ ]+) .*/\1/p' "$LOGDIR/$1.cluster"
}

# 1P-1M: the nodes find each other; P's self-test sees a live memory node
# (and comes back from a false declaration of its death).
test_fabric_1p1m_discovery() {
	local d=$LOGDIR/fabric-1p1m
	build_cluster_images || return 1
	cluster fabric-1p1m 0 1P-1M --cmdline P="selftest=fabric_*,fabric_false_death" || return 1
	expect_log "$d/P0.log" 'fabric: node [0-9]+ \(processor\) up, 1 CPU, [0-9]+ MiB' || return 1
	expect_log "$d/M0.log" 'fabric: node [0-9]+ \(memory\) up, 1 CPU, [0-9]+ MiB' || return 1
	expect_log "$d/P0.log" 'fabric: waiting for a memory node \(up to 20 s\)|fabric:   node [0-9]+: memory' || return 1
	expect_log "$d/P0.log" 'selftest: fabric_discovery: node [0-9]+ sees 1P 1M 0S' || return 1
	expect_log "$d/P0.log" 'selftest: fabric_layout \.\.\. ok' || return 1
	expect_log "$d/P0.log" 'selftest: summary: 3 passed, 0 failed' || return 1
	# A false death declaration: the next beat rejoins as a new generation.
	expect_log "$d/P0.log" 'fabric: node [0-9]+ was declared dead by node [0-9]+; rejoining as generation 2' || return 1
	[ "$(node_id "$d/P0.log")" != "$(node_id "$d/M0.log")" ] ||
		fail "P0 and M0 took the same node id" || return 1
	expect_log "$LOGDIR/fabric-1p1m.cluster" 'cluster: M0 +memory +stopped at the end' || return 1
}

# 1P-2M-1S started in random order: exactly one node formats, every node
# gets its own id, P sees 2 memory and 1 storage node.
test_fabric_1p2m1s_shuffle() {
	local d=$LOGDIR/fabric-1p2m1s n ids="" formatted=0
	build_cluster_images || return 1
	cluster fabric-1p2m1s 0 1P-2M-1S --shuffle \
		--cmdline P="selftest=fabric_discovery fabric.expect=1P2M1S" || return 1
	expect_log "$LOGDIR/fabric-1p2m1s.cluster" 'cluster: starting [PMS0-9 ]+' || return 1
	expect_log "$d/P0.log" 'Command line: cluster=1P-2M-1S' || return 1
	expect_log "$d/P0.log" 'selftest: fabric_discovery: node [0-9]+ sees 1P 2M 1S' || return 1
	expect_log "$d/P0.log" 'selftest: fabric_discovery \.\.\. ok' || return 1
	for n in P0 M0 M1 S0; do
		[ -n "$(node_id "$d/$n.log")" ] || fail "$n did not come up" || return 1
		ids="$ids $(node_id "$d/$n.log")"
		grep -aq 'fabric: formatted the region' "$d/$n.log" && formatted=$((formatted + 1))
		grep -aq 'fabric: formatted the region\|fabric: joined the region' "$d/$n.log" ||
			fail "$n neither formatted nor joined the region" || return 1
	done
	# shellcheck disable=SC2086  # split the ids, one per line
	[ "$(printf '%s\n' $ids | sort -u | wc -l)" = 4 ] ||
		fail "node ids not unique:$ids" || return 1
	[ $formatted = 1 ] || fail "$formatted nodes formatted the region, expected 1" || return 1
}

# node= conflict: two memory nodes ask for node=5; one gets it, the other
# says so and takes no slot (P's self-test checks the directory).
test_fabric_node_conflict() {
	local d=$LOGDIR/fabric-conflict up=0 refused=0 n
	build_cluster_images || return 1
	cluster fabric-conflict 0 1P-2M --no-hint --cmdline M="node=5" \
		--cmdline P="selftest=fabric_conflict" || return 1
	for n in M0 M1; do
		grep -aq 'fabric: node 5 (memory) up' "$d/$n.log" && up=$((up + 1))
		grep -aq 'fabric: node=5 is held by a live memory node (generation 1); not joining the fabric' \
			"$d/$n.log" && refused=$((refused + 1))
	done
	[ $up = 1 ] && [ $refused = 1 ] ||
		fail "expected one memory node up as node 5 and one refused, got $up up, $refused refused" || return 1
	expect_log "$d/P0.log" 'selftest: fabric_conflict \.\.\. ok' || return 1
}

# A memory node killed mid-run (at 6 s: M loads an archive of ~18 MiB
# first): P declares it dead within the bound.
test_fabric_peer_death() {
	local d=$LOGDIR/fabric-death
	build_cluster_images || return 1
	cluster fabric-death 0 1P-1M --kill M0@6 \
		--cmdline P="selftest=fabric_peer_death" || return 1
	expect_log "$LOGDIR/fabric-death.cluster" 'cluster: M0 +memory +killed at 6 s' || return 1
	expect_log "$d/P0.log" 'fabric: node [0-9]+ \(memory\) is dead: no heartbeat for [0-9]+ ms' || return 1
	expect_log "$d/P0.log" 'selftest: fabric_peer_death: node [0-9]+ declared dead [0-9]+ ms after its last heartbeat \(bound 3000 ms\)' || return 1
	expect_log "$d/P0.log" 'selftest: fabric_peer_death \.\.\. ok' || return 1
}

# A processor alone waits for a memory node, then fails clearly.
test_fabric_wait_timeout() {
	local d=$LOGDIR/fabric-alone
	build_cluster_images || return 1
	cluster fabric-alone 1 1P --cmdline P="fabric.wait=2" || return 1
	expect_log "$d/P0.log" 'fabric: waiting for a memory node \(up to 2 s\)' || return 1
	expect_log "$d/P0.log" 'fabric: gave up waiting for a memory node after 2 s \(found 0\)' || return 1
	expect_log "$d/P0.log" 'Kernel panic - not syncing: processor: no memory node in the fabric' || return 1
	# A failed run shows the fabric state.
	expect_log "$LOGDIR/fabric-alone.cluster" 'node state +gen role' || return 1
}

# An idle 3-node cluster keeps beating (nobody is declared dead) and
# leaves the 2-core host mostly idle: the QEMU processes' CPU time over
# 10 s after boot is under a third of one core, all three together.
test_fabric_idle_cluster() {
	local d=$LOGDIR/fabric-idle cpid pids t0 t1 i used
	build_cluster_images || return 1
	rm -rf "$d"
	"$srctree/scripts/cluster" --out "$d" --no-build --timeout 60 1P-1M-1S \
		--cmdline P="init=none" > "$LOGDIR/fabric-idle.cluster" 2>&1 &
	cpid=$!
	for i in $(seq 150); do
		[ "$(grep -al 'Boot complete' "$d"/*.log 2>/dev/null | wc -l)" = 3 ] && break
		sleep 0.2
	done
	pids=$(pgrep -f "qemu-system.*$d/")
	t0=$(qemu_ticks $pids)
	sleep 10
	t1=$(qemu_ticks $pids)
	kill "$cpid" 2>/dev/null
	wait "$cpid" 2>/dev/null
	[ "$(echo $pids | wc -w)" = 3 ] ||
		fail "expected 3 QEMU processes after boot, found: $pids" || return 1
	used=$(( (t1 - t0) * 100 / $(getconf CLK_TCK) / 10 ))
	echo "idle 3-node cluster: ${used}% of one host core over 10 s"
	[ "$used" -lt 33 ] || fail "idle cluster used ${used}% of a core" || return 1
	for i in "$d"/*.log; do
		expect_no_log "$i" 'is dead' || return 1
	done
}

# fabric-tool status on the region a run left: header, both nodes.
test_fabric_tool_status() {
	local shm st=$LOGDIR/fabric-status.txt
	build_cluster_images || return 1
	cluster fabric-keep 0 1P-1M --ids --format host --keep-shm \
		--cmdline P="selftest=fabric_discovery" || return 1
	shm=$(kept_shm fabric-keep)
	[ -f "$shm" ] || fail "no kept shared file in $LOGDIR/fabric-keep.cluster" || return 1
	"$FABRIC_TOOL" "$shm" status --sample 100 > "$st" 2>&1
	local rc=$?
	rm -f "$shm"
	[ $rc = 0 ] || fail "fabric-tool status failed: see $st" || return 1
	expect_log "$st" 'region .*: 64M, layout v1, ready, formatted by the host' || return 1
	expect_log "$st" '^ +0 up +1 processor +1 +511M +#[0-9]+ silent >= 100ms +1@1 ' || return 1
	expect_log "$st" '^ +1 up +1 memory +1 +511M +#[0-9]+ silent' || return 1
	# FIT's verbs transport leaves up to 2 QPs per direction connected.
	expect_log "$st" 'ring occupancy: 0 elements queued in [0-4] of 1024 QPs' || return 1
}

# fabric-tool inject: a malformed message lands in a receive ring; status
# shows the occupancy change.
test_fabric_tool_inject() {
	local shm=/dev/shm/tessera-test-inject.$$ st=$LOGDIR/fabric-inject.txt
	build_cluster_images || return 1
	cluster fabric-inject 0 1P-1M --ids --shm "$shm" \
		--cmdline P="selftest=fabric_discovery" || { rm -f "$shm"; return 1; }
	{
		"$FABRIC_TOOL" "$shm" status --sample 0 &&
		"$FABRIC_TOOL" "$shm" inject 1 bad-opcode &&
		"$FABRIC_TOOL" "$shm" inject 1 truncated --qp 1 &&
		"$FABRIC_TOOL" "$shm" inject 1 bad-length --qp 1 &&
		"$FABRIC_TOOL" "$shm" status --sample 0
	} > "$st" 2>&1
	local rc=$?
	rm -f "$shm"
	[ $rc = 0 ] || fail "fabric-tool failed: see $st" || return 1
	expect_log "$st" 'ring occupancy: 0 elements queued in [0-4] of 1024 QPs' || return 1
	expect_log "$st" 'injected a bad-opcode message \(2 elements\) into qp 0->1/0: req 2/128 used' || return 1
	expect_log "$st" 'injected a bad-length message \(2 elements\) into qp 0->1/1: req 4/128 used' || return 1
	expect_log "$st" 'qp 0->1/0 qpn 0x104 reset req 2/128 used \(head 2 tail 0\)' || return 1
	expect_log "$st" 'qp 0->1/1 qpn 0x105 reset req 4/128 used' || return 1
	expect_log "$st" 'ring occupancy: 6 elements queued in [2-6] of 1024 QPs' || return 1
}

# A cluster rebooted on the region its previous run left: each node finds
# its slot held by a silent node, takes it over (generation 2) and the
# nodes find each other again.
test_fabric_rejoin() {
	local shm=/dev/shm/tessera-test-rejoin.$$ d=$LOGDIR/fabric-rejoin2 st=$LOGDIR/fabric-rejoin.txt
	build_cluster_images || return 1
	cluster fabric-rejoin1 0 1P-1M --ids --shm "$shm" \
		--cmdline P="selftest=fabric_discovery" || { rm -f "$shm"; return 1; }
	cluster fabric-rejoin2 0 1P-1M --ids --shm "$shm" \
		--cmdline P="selftest=fabric_discovery" || { rm -f "$shm"; return 1; }
	"$FABRIC_TOOL" "$shm" status --sample 0 > "$st" 2>&1
	rm -f "$shm"
	expect_log "$d/P0.log" 'fabric: joined the region \(layout v1, formatted by node [01]\)' || return 1
	expect_log "$d/P0.log" 'fabric: node 0 \(generation 1\) does not heartbeat; taking its slot over' || return 1
	expect_log "$d/M0.log" 'fabric: node 1 \(generation 1\) does not heartbeat; taking its slot over' || return 1
	expect_log "$d/P0.log" 'selftest: fabric_discovery \.\.\. ok' || return 1
	expect_log "$st" '^ +0 up +2 processor' || return 1
	expect_log "$st" '^ +1 up +2 memory' || return 1
}

# The kernel refuses a region it cannot use, with a clear reason.
mismatch_boot() {
	local name=$1 shm=$2
	boot "$name" 1 --kernel out/processor/tessera.elf --timeout 30 -- \
		-object "memory-backend-file,id=shm0,share=on,mem-path=$shm,size=64M" \
		-device ivshmem-plain,memdev=shm0
}

test_fabric_region_mismatch() {
	local shm=/dev/shm/tessera-test-mismatch.$$
	build processor || return 1
	# Another layout version (the version word is at offset 8 in every version).
	"$FABRIC_TOOL" "$shm" format --size 64M > /dev/null || return 1
	printf '\143\000\000\000' | dd of="$shm" bs=1 seek=8 conv=notrunc status=none
	mismatch_boot fabric-badversion "$shm" || { rm -f "$shm"; return 1; }
	# Formatted for 32 MiB, mapped as 64 MiB.
	"$FABRIC_TOOL" "$shm" format --size 32M > /dev/null || return 1
	truncate -s 64M "$shm"
	mismatch_boot fabric-badsize "$shm" || { rm -f "$shm"; return 1; }
	# Not a fabric at all.
	head -c 64M /dev/urandom > "$shm"
	mismatch_boot fabric-garbage "$shm" || { rm -f "$shm"; return 1; }
	rm -f "$shm"
	expect_log "$LOGDIR/fabric-badversion.log" 'fabric: the shared region has layout version 99, this kernel speaks version 1; not joining' || return 1
	expect_log "$LOGDIR/fabric-badsize.log" 'fabric: the shared region was formatted for 32 MiB, the device has 64 MiB; not joining' || return 1
	expect_log "$LOGDIR/fabric-garbage.log" 'fabric: the shared region is (in state [0-9]+ \(magic 0x[0-9a-f]+\), )?not a Tessera fabric' || return 1
	expect_log "$LOGDIR/fabric-badsize.log" 'Kernel panic - not syncing: processor: no memory node in the fabric' || return 1
}
