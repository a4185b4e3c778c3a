# User programs on a 1P-1M cluster: every usr/ program, glibc (/bin) and
# musl (/musl/bin) builds, run by P as init= from M's archive.
#
# What it expects from the kernel side (Documentation/processor.md):
#   - P runs each init="PROG ARGS" parameter in order (scripts/cluster
#     --init, repeatable); the program's stdout/stderr is P's console.
#   - When the last program has exited, P ends the run through
#     isa-debug-exit with the first non-zero status of its programs:
#     exit(0) -> cluster status 0, exit(2) -> 2.  A program killed by a
#     fault gives a nonzero status below 124.
#   - A fault kills only the process, with the line
#       NAME[PID]: segfault at 0xADDR ip 0xADDR error N
#     and P goes on with the next init=.
#   - pcache=SIZE and pcache.ways=N size the pcache; with pcache.stats=1
#     P prints its counters (nr_pcache_eviction_succeed, ...) as
#     "NAME VALUE" when a program exits.

USER_TIMEOUT=300

# user_cluster NAME WANT ARGS...: a 1P-1M cluster with logs in
# $LOGDIR/NAME/; the cluster's status must be WANT ("nz": any status from 1
# to 123).  P's console, without carriage returns, ends up in $ulog.
user_cluster() {
	local name=$1 want=$2 st
	shift 2
	rm -rf "${LOGDIR:?}/$name"
	"$srctree/scripts/cluster" 1P-1M --out "$LOGDIR/$name" --no-build \
		--timeout $USER_TIMEOUT --cmdline-all "fabric.wait=20" "$@" \
		> "$LOGDIR/$name.cluster" 2>&1
	st=$?
	ulog=$LOGDIR/$name/P0.txt
	tr -d '\r' < "$LOGDIR/$name/P0.log" > "$ulog" 2>/dev/null
	if [ "$want" = nz ]; then
		[ "$st" -ge 1 ] && [ "$st" -le 123 ] ||
			fail "cluster $name: status $st, expected 1..123 (see $LOGDIR/$name.cluster, $LOGDIR/$name/)"
	else
		[ "$st" = "$want" ] ||
			fail "cluster $name: status $st, expected $want (see $LOGDIR/$name.cluster, $LOGDIR/$name/)"
	fi
}

user_images() {
	build processor && build memory
}

# No oops, panic or warning on either node.
user_clean_logs() {
	local d=$LOGDIR/$1 n
	for n in P0 M0; do
		expect_no_log "$d/$n.log" 'BUG:|Oops|WARNING:|Kernel panic' || return 1
	done
	expect_log "$LOGDIR/$1.cluster" 'cluster: M0 +memory +stopped at the end' \
		"M0 did not keep running to the end of $1" || return 1
}

# host_checksum MB: memstress's checksum for MB MiB, from a host run.
host_checksum() {
	"out/processor/usr/glibc/memstress" "$1" | sed -n 's/^memstress: checksum //p'
}

test_user_hello() {
	local dir
	user_images || return 1
	for dir in /bin /musl/bin; do
		user_cluster user-hello${dir//\//-} 0 --init "$dir/hello" || return 1
		expect_log "$ulog" '^hello, world' || return 1
		user_clean_logs user-hello${dir//\//-} || return 1
	done
}

test_user_args() {
	local dir
	user_images || return 1
	for dir in /bin /musl/bin; do
		user_cluster user-args${dir//\//-} 0 --init "$dir/args one two" || return 1
		expect_log "$ulog" '^args: argc = 3' || return 1
		expect_log "$ulog" "^args: argv\\[0\\] = \"$dir/args\"" || return 1
		expect_log "$ulog" '^args: argv\[1\] = "one"' || return 1
		expect_log "$ulog" '^args: argv\[2\] = "two"' || return 1
		expect_log "$ulog" '^args: auxv AT_PAGESZ = 0x1000' || return 1
		expect_log "$ulog" '^args: AT_RANDOM bytes [0-9a-f]{32}' || return 1
		expect_log "$ulog" '^args: OK' || return 1
	done
}

test_user_mmtest() {
	local dir
	user_images || return 1
	for dir in /bin /musl/bin; do
		user_cluster user-mmtest${dir//\//-} 0 --init "$dir/mmtest" || return 1
		expect_log "$ulog" '^mmtest: /proc/self/exe -> '"$dir"'/mmtest' || return 1
		expect_log "$ulog" '^mmtest: private file mapping of [0-9]+ bytes: done' || return 1
		expect_log "$ulog" '^mmtest: OK' || return 1
		user_clean_logs user-mmtest${dir//\//-} || return 1
	done
}

# memstress with the default pcache; the checksum is the host's.
test_user_memstress() {
	local dir sum
	user_images || return 1
	sum=$(host_checksum 16)
	for dir in /bin /musl/bin; do
		user_cluster user-memstress${dir//\//-} 0 --init "$dir/memstress 16" || return 1
		expect_log "$ulog" "^memstress: checksum $sum" || return 1
		expect_log "$ulog" '^memstress: OK' || return 1
	done
}

# An 8 MiB, 8-way pcache and 4x that of data: evictions, write-backs and
# refills on every pass.
test_user_memstress_tiny_pcache() {
	local dir sum
	user_images || return 1
	sum=$(host_checksum 32)
	for dir in /bin /musl/bin; do
		user_cluster user-memstress-tiny${dir//\//-} 0 \
			--cmdline P="pcache=8M pcache.ways=8 pcache.stats=1" \
			--init "$dir/memstress 32" || return 1
		expect_log "$ulog" "^memstress: checksum $sum" || return 1
		expect_log "$ulog" '^memstress: OK' || return 1
		expect_log "$ulog" 'nr_pcache_eviction_succeed[^0-9]*[1-9]' || return 1
		expect_log "$ulog" 'nr_pcache_fill_from_memory[^0-9]*[1-9]' || return 1
		# M freed everything the process had.
		expect_log "$LOGDIR/user-memstress-tiny${dir//\//-}/M0.log" \
			'exited, [1-9][0-9]* pages freed; 0 processes, 0 backing pages left' || return 1
		user_clean_logs user-memstress-tiny${dir//\//-} || return 1
	done
}

# segv is killed with the segfault line; the next program still runs.
test_user_segv() {
	local dir
	user_images || return 1
	for dir in /bin /musl/bin; do
		user_cluster user-segv${dir//\//-} nz --init "$dir/segv" --init "$dir/hello" || return 1
		expect_log "$ulog" '^segv: touching the PROT_NONE page at 0x[0-9a-f]+' || return 1
		expect_log "$ulog" 'segv\[[0-9]+\]: segfault at 0x[0-9a-f]+ ip 0x[0-9a-f]+ error [0-9]+' || return 1
		expect_no_log "$ulog" 'NOT KILLED' || return 1
		# hello comes after the segfault line.
		sed -n '/segv\[[0-9]*\]: segfault at/,$p' "$ulog" | grep -q '^hello, world' ||
			fail "no 'hello, world' after segv's segfault line in $ulog" || return 1
		user_clean_logs user-segv${dir//\//-} || return 1
	done
	# Alone, the killed program's status is the run's: nonzero.
	user_cluster user-segv-alone nz --init /bin/segv || return 1
	expect_no_log "$ulog" 'NOT KILLED' || return 1
}

# The program's exit status is the cluster's; a file from --add-file runs.
test_user_exit_status_add_file() {
	user_images || return 1
	user_cluster user-exit2 2 --init "/bin/memstress bogus" || return 1
	expect_log "$ulog" '^memstress: usage: memstress' || return 1
	user_cluster user-add-file 0 --add-file out/processor/usr/musl/hello:/opt/x/hi \
		--init /opt/x/hi || return 1
	expect_log "$ulog" '^hello, world' || return 1
}

# The benchmark runs and prints its figures (scripts/bench-pcache is the
# real measurement).
test_user_bench() {
	local l
	user_images || return 1
	user_cluster user-bench 0 --cmdline P="pcache=8M pcache.ways=8" \
		--init "/bin/bench 32 2" || return 1
	for l in 'hit cost' 'zero-fill latency' 'miss latency' 'write-back cost'; do
		expect_log "$ulog" "^bench: $l: [0-9.]+ us \\([0-9]+ cycles\\)" || return 1
	done
	expect_log "$ulog" '^bench: done' || return 1
}

# P0 dies under memstress (--kill: its VM is stopped with SIGTERM, so
# scripts/cluster returns qemu-node's 143 as P0's status).  M hears it
# from FIT (a peer-down notifier) and frees the process and its pages;
# --linger keeps M running after P0 long enough to notice (the fabric
# declares a node dead 3 s after its last heartbeat) and to be seen
# still alive at the end.
USER_KILL_AT=4
test_user_processor_dies() {
	local name=user-processor-dies m
	user_images || return 1
	user_cluster $name 143 --cmdline P="pcache=8M pcache.ways=8" \
		--init "/bin/memstress 64" --kill P0@$USER_KILL_AT --linger 10 || return 1
	m=$LOGDIR/$name/M0.log
	expect_log "$ulog" '^memstress: 64 MiB' \
		"memstress had not started when P0 was killed at $USER_KILL_AT s (see $ulog)" || return 1
	expect_no_log "$ulog" '^memstress: (OK|FAIL)' \
		"memstress ended before P0 was killed at $USER_KILL_AT s (see $ulog)" || return 1
	expect_log "$LOGDIR/$name.cluster" "cluster: P0 +processor +killed at $USER_KILL_AT s" || return 1
	expect_log "$m" 'fit: node [0-9]+ is down' || return 1
	expect_log "$m" 'memory: node [0-9]+ is gone: 1 process, [1-9][0-9]* pages and [0-9]+ handles? freed; 0 processes, 0 backing pages left' \
		"M0 did not free the dead processor's process (see $m)" || return 1
	user_clean_logs $name || return 1
}
