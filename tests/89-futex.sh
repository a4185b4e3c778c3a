# futex(2) (Documentation/processor.md, "Futexes"): usr/futextest on a
# 1P-1M cluster, glibc and musl builds, in one process without threads:
# values, timeouts (relative, absolute monotonic and realtime, never
# early), argument errors, wakes and requeues without waiters, every
# FUTEX_WAKE_OP operation, waits interrupted by signals and restarted,
# set_robust_list/get_robust_list.  Its lines must be the very lines the
# same build prints on the host's Linux.  Waits that real waiters end
# (wake, requeue, robust death) need threads: the workloads' stress
# program tests them.  Uses user_cluster, user_images and
# user_clean_logs from 80-user.sh.

# futextest_host LIBC [ARGS]: the lines the host's Linux gives for the LIBC build.
futextest_host() {
	local libc=$1
	shift
	"out/processor/usr/$libc/futextest" "$@" | grep '^futextest: '
}

# futextest_run NAME ARGS: futextest ARGS on a cluster for both builds,
# the host's lines expected.
futextest_run() {
	local base=$1 dir libc name want
	shift
	user_images || return 1
	for dir in /bin /musl/bin; do
		libc=glibc
		[ "$dir" = /musl/bin ] && libc=musl
		name=$base-$libc
		want=$(futextest_host $libc "$@") ||
			fail "futextest $* ($libc) fails on the host" || return 1
		user_cluster "$name" 0 --init "$dir/futextest $*" || return 1
		expect_log "$ulog" '^futextest: OK \([0-9]+ checks\)' || return 1
		diff -u <(printf '%s\n' "$want") <(grep -a '^futextest: ' "$ulog") \
			> "$LOGDIR/$name.diff" ||
			fail "futextest $* ($libc) differs from the host's: $LOGDIR/$name.diff" ||
			return 1
		expect_no_log "$ulog" 'segfault at|killed by|unimplemented: (futex|get_robust_list)' || return 1
		user_clean_logs "$name" || return 1
	done
}

test_futex_futextest() {
	futextest_run futex-futextest
}

# A dying vfork child's robust list marks the locks it held
# FUTEX_OWNER_DIED in the memory it shares with its parent.  Needs vfork
# to share the address space (CLONE_VM), as Linux's does.
test_futex_robust() {
	futextest_run futex-robust robust
}
