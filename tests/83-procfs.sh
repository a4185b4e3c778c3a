# The pseudo files of /proc and /sys and the usage calls (getrusage,
# times, sysinfo, prctl) on a 1P-1M cluster: usr/proctest, glibc and musl,
# must print what it prints on the host's Linux (it prints no figure that
# differs between machines), and busybox's ps, free and uptime read true
# figures (Documentation/processor.md, "Pseudo files").

# procfs_lines FILE: proctest's lines, without the check count (which
# depends on the number of CPUs).
procfs_lines() {
	grep -a '^proctest: ' "$1" | sed 's/: OK (.*/: OK/'
}

test_procfs_proctest() {
	local dir flavour host
	user_images || return 1
	for flavour in glibc musl; do
		host=$LOGDIR/procfs-host-$flavour.out
		"out/processor/usr/$flavour/proctest" one two > "$host" 2>&1 ||
			fail "proctest ($flavour) fails on the host: see $host" || return 1
		dir=/bin
		[ $flavour = musl ] && dir=/musl/bin
		user_cluster procfs-$flavour 0 --init "$dir/proctest one two" || return 1
		expect_log "$ulog" '^proctest: OK' || return 1
		diff <(procfs_lines "$host") <(procfs_lines "$ulog") \
			> "$LOGDIR/procfs-$flavour.diff" ||
			fail "proctest ($flavour) prints otherwise than on Linux: $LOGDIR/procfs-$flavour.diff" ||
			return 1
		user_clean_logs procfs-$flavour || return 1
	done
}

# /proc seen from four threads (usr/threadproc, glibc and musl) on a P of
# two vCPUs: /proc/self/task, task/TID/{stat,status,comm}, /proc/TID,
# /proc/thread-self, per-thread names, CPUs and signal sets; it must print
# what it prints on the host's Linux.
test_procfs_threads() {
	local flavour host dir
	user_images || return 1
	for flavour in glibc musl; do
		host=$LOGDIR/procfs-threads-host-$flavour.out
		"out/processor/usr/$flavour/threadproc" > "$host" 2>&1 ||
			fail "threadproc ($flavour) fails on the host: see $host" || return 1
		dir=/bin
		[ $flavour = musl ] && dir=/musl/bin
		user_cluster procfs-threads-$flavour 0 --smp P=2 \
			--init "$dir/threadproc" || return 1
		expect_log "$ulog" '^threadproc: OK' || return 1
		diff <(grep -a '^threadproc: ' "$host") <(grep -a '^threadproc: ' "$ulog") \
			> "$LOGDIR/procfs-threads-$flavour.diff" ||
			fail "threadproc ($flavour) prints otherwise than on Linux: $LOGDIR/procfs-threads-$flavour.diff" ||
			return 1
		user_clean_logs procfs-threads-$flavour || return 1
	done
}

# busybox from the host, when it has a static one: ps, free and uptime
# read /proc; their figures must be those of the cluster.
test_procfs_busybox() {
	local bb=/usr/bin/busybox total
	user_images || return 1
	if ! file -L "$bb" 2>/dev/null | grep -q 'statically linked'; then
		echo "no static $bb on the host: nothing to run"
		return 0
	fi
	user_cluster procfs-busybox 0 --add-file "$bb:/bin/busybox" \
		--init "/bin/busybox cat /proc/meminfo" \
		--init "/bin/busybox free" --init "/bin/busybox uptime" \
		--init "/bin/busybox ps" \
		--init "/bin/busybox cat /proc/self/maps" || return 1
	total=$(sed -n 's/^MemTotal: *\([0-9]*\) kB$/\1/p' "$ulog")
	[ -n "$total" ] && [ "$total" -gt 0 ] || fail "no MemTotal in $ulog" || return 1
	# free's total is MemTotal, and the memory node's: ~512 MiB here.
	expect_log "$ulog" "^Mem: +$total +[0-9]+ +[0-9]+ " || return 1
	[ "$total" -gt 400000 ] && [ "$total" -lt 524288 ] ||
		fail "MemTotal $total kB is not the memory node's 512 MiB" || return 1
	expect_log "$ulog" 'up +[0-9]+ min, +[0-9]+ users?, +load average: [0-9]+\.[0-9]{2}, [0-9]+\.[0-9]{2}, [0-9]+\.[0-9]{2}' || return 1
	expect_log "$ulog" '^PID +USER +(TIME +)?COMMAND' || return 1
	expect_log "$ulog" '^ +[0-9]+ +[0-9a-z]+ +([0-9:]+ +)?/bin/busybox ps$' || return 1
	expect_log "$ulog" '^[0-9a-f]{8,}-[0-9a-f]{8,} rw-p 00000000 00:00 0 +\[stack\]$' || return 1
	expect_log "$ulog" '^[0-9a-f]{8,}-[0-9a-f]{8,} r-xp ' || return 1
	user_clean_logs procfs-busybox || return 1
}
