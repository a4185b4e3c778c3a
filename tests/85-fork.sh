# fork, copy-on-write, exec, wait and process groups: usr/forktest (and
# usr/fdcheck, which it execs), first on the host's Linux, then on a 1P-1M
# cluster, where its lines must be the host's, line for line.
#
# What it expects from the kernel side (issue 9): fork/vfork with COW on
# M, execve with "#!" scripts and close-on-exec, exit/wait4/waitid
# (WNOHANG, WNOWAIT, P_PID/P_ALL/P_PGID, ECHILD, EINVAL, EFAULT),
# kill(SIGKILL), abort() (rt_sigprocmask, tgkill), SIGSEGV reported as a
# wait status, orphans re-parented to init (forktest runs as pid 1),
# getppid, setpgid/getpgid/getpgrp, setsid/getsid, dup2, fcntl
# F_GETFD/F_DUPFD_CLOEXEC, O_CLOEXEC, /dev/null, setrlimit(RLIMIT_NPROC)
# enforced with EAGAIN (for root too: Tessera has no other user, while
# Linux exempts root, so the host runs forktest as nobody), and the
# archive keeping the files' mode bits (/t/noexec has no x bit).
#
# The fixtures of tests/forktest/ go into the archive as /t.

FORKTEST_FIXTURES=tests/forktest

# forktest_host FLAVOUR MIB ROUNDS: run FLAVOUR's forktest on the host as
# Tessera runs it: pid 1 (a new pid namespace), chrooted into a tree like
# the archive (/bin/forktest of FLAVOUR, the glibc /bin/fdcheck and
# /bin/args, /t, /dev/null), as nobody.  Output in $fhost_out, status in
# $fhost_status.
forktest_host() {
	local flavour=$1 root=$LOGDIR/forktest-root-$1
	fhost_out=$LOGDIR/forktest-host-$flavour.out
	[ "$(id -u)" = 0 ] ||
		fail "running forktest on the host needs root (unshare, chroot)" || return 1
	rm -rf "${root:?}"
	mkdir -p "$root/bin" "$root/dev" || return 1
	cp out/processor/usr/"$flavour"/forktest out/processor/usr/glibc/fdcheck \
		out/processor/usr/glibc/args "$root/bin/" || return 1
	cp -RL "$FORKTEST_FIXTURES" "$root/t" || return 1
	mknod -m 666 "$root/dev/null" c 1 3 || return 1
	chmod 755 "$root"
	unshare --pid --fork chroot --userspec=65534:65534 "$root" \
		/bin/forktest "$2" "$3" > "$fhost_out" 2>&1
	fhost_status=$?
	rm -rf "${root:?}"
}

# The program's own lines (the kernel's "killed by" lines are not Linux's).
forktest_lines() {
	grep -aE '^(forktest|fdcheck): ' "$1"
}

test_forktest_host() {
	local f
	usr_build || return 1
	for f in glibc musl; do
		forktest_host $f 8 3 || return 1
		[ "$fhost_status" = 0 ] ||
			fail "forktest ($f) on the host: status $fhost_status (see $fhost_out)" || return 1
		expect_log "$fhost_out" '^forktest: OK \([0-9]+ checks\)$' || return 1
		expect_no_log "$fhost_out" 'FAIL' || return 1
	done
	diff <(forktest_lines "$LOGDIR/forktest-host-glibc.out") \
		<(forktest_lines "$LOGDIR/forktest-host-musl.out") > "$LOGDIR/forktest-host.diff" ||
		fail "forktest's glibc and musl builds differ on the host: $LOGDIR/forktest-host.diff" ||
		return 1
}

# compare_cluster NAME WANT EXPECTED FILTER [cluster args...]: user_cluster
# NAME WANT, then FILTER (a function taking a file) applied to P's console
# must print the file EXPECTED.  The diff, in $LOGDIR/NAME.diff, is worth
# having even when the status is already wrong.
compare_cluster() {
	local name=$1 want=$2 expected=$3 filter=$4 ok=0
	shift 4
	user_cluster "$name" "$want" "$@" || ok=1
	diff -u "$expected" <("$filter" "$ulog") > "$LOGDIR/$name.diff" ||
		fail "P's console differs from Linux: $LOGDIR/$name.diff (- Linux, + Tessera)" || ok=1
	user_clean_logs "$name" || ok=1
	return $ok
}

# forktest_cluster NAME FLAVOUR DIR MIB ROUNDS [cluster args...]: run it as
# init and compare its lines with the host's.
forktest_cluster() {
	local name=$1 flavour=$2 dir=$3 mib=$4 rounds=$5
	shift 5
	forktest_host "$flavour" "$mib" "$rounds" || return 1
	[ "$fhost_status" = 0 ] ||
		fail "forktest ($flavour) fails on the host: see $fhost_out" || return 1
	forktest_lines "$fhost_out" > "$LOGDIR/$name.expected"
	compare_cluster "$name" 0 "$LOGDIR/$name.expected" forktest_lines \
		--add-file "$FORKTEST_FIXTURES:/t" --init "$dir/forktest $mib $rounds" "$@"
}

# 32 MiB, 4 times an 8 MiB, 8-way pcache: COW pages evicted and refilled
# while parent and child write.  Each round touches about 7 times the
# region, at a few MiB/s under a loaded TCG: a longer timeout.
FORKTEST_TINY_TIMEOUT=600
test_forktest_tiny_pcache() {
	user_images || return 1
	forktest_cluster forktest-tiny glibc /bin 32 2 --timeout $FORKTEST_TINY_TIMEOUT \
		--cmdline P="pcache=8M pcache.ways=8 pcache.stats=1" || return 1
	expect_log "$ulog" 'nr_pcache_eviction_succeed[^0-9]*[1-9]' || return 1
	expect_log "$ulog" 'nr_pcache_fill_from_memory[^0-9]*[1-9]' || return 1
	# Every process's memory went back to M.
	expect_log "$LOGDIR/forktest-tiny/M0.log" '0 processes, 0 backing pages left' || return 1
}

test_forktest_musl() {
	user_images || return 1
	forktest_cluster forktest-musl musl /musl/bin 8 2 || return 1
}
