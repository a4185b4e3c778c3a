# Signals (Documentation/processor.md, "Signals"): usr/sigtest on a 1P-1M
# cluster, glibc and musl builds.  Its lines must be the very lines the
# same build prints on the host's Linux; the deaths (abort(), a broken
# rt_sigreturn frame) must kill the process and leave the kernel fine.
# Uses user_cluster, user_images and user_clean_logs from 80-user.sh.

# sigtest_host LIBC: the lines the host's Linux gives for the LIBC build.
sigtest_host() {
	"out/processor/usr/$1/sigtest" | grep '^sigtest: '
}

test_signals_sigtest() {
	local dir libc name want
	user_images || return 1
	for dir in /bin /musl/bin; do
		libc=glibc
		[ "$dir" = /musl/bin ] && libc=musl
		name=signals-sigtest-$libc
		want=$(sigtest_host $libc) ||
			fail "sigtest ($libc) fails on the host" || return 1
		user_cluster "$name" 0 --init "$dir/sigtest" || return 1
		expect_log "$ulog" '^sigtest: OK \([0-9]+ checks\)' || return 1
		diff -u <(printf '%s\n' "$want") <(grep -a '^sigtest: ' "$ulog") \
			> "$LOGDIR/$name.diff" ||
			fail "sigtest ($libc) differs from the host's: $LOGDIR/$name.diff" ||
			return 1
		expect_no_log "$ulog" 'segfault at|killed by' || return 1
		user_clean_logs "$name" || return 1
	done
}

# abort() dies of SIGABRT with the core flag (status 32 + 6 for the
# first program); a handler that breaks the CS of its frame, or points
# its fpstate at nothing, makes rt_sigreturn kill with SIGSEGV.  Every
# program runs to its end and the next one starts.
test_signals_deaths() {
	local name=signals-deaths
	user_images || return 1
	user_cluster $name 38 --init "/musl/bin/sigtest abort" \
		--init "/bin/sigtest badframe" --init "/musl/bin/sigtest badfp" \
		--init "/bin/hello" || return 1
	expect_log "$ulog" '^sigtest: abort\(\)' || return 1
	expect_log "$ulog" 'processor: /musl/bin/sigtest\[[0-9]+\] killed by SIGABRT \(core dumped\)' || return 1
	expect_log "$ulog" 'sigtest\[[0-9]+\]: bad frame in rt_sigreturn \(segment\)' || return 1
	expect_log "$ulog" 'processor: /bin/sigtest\[[0-9]+\] killed by SIGSEGV \(core dumped\)' || return 1
	expect_log "$ulog" 'sigtest\[[0-9]+\]: bad frame in rt_sigreturn \(fpstate\)' || return 1
	expect_log "$ulog" 'processor: /musl/bin/sigtest\[[0-9]+\] killed by SIGSEGV \(core dumped\)' || return 1
	expect_no_log "$ulog" 'NOT KILLED' || return 1
	expect_log "$ulog" '^hello, world' || return 1
	user_clean_logs $name || return 1
}
