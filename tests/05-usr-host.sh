# usr/ programs on the host's Linux kernel, both libc flavours: the
# programs themselves are known good before they run on Tessera
# (tests/pending/70-user.sh runs them on a 1P-1M cluster).

USR_FLAVOURS="glibc musl"

# usr_build: make O=out/processor usr (needs no configuration).
usr_build() {
	make -s O=out/processor usr > "$LOGDIR/usr-build.log" 2>&1 ||
		fail "make usr failed: see $LOGDIR/usr-build.log"
}

# usr_run FLAVOUR PROG [ARGS...]: run out/processor/usr/FLAVOUR/PROG with
# an empty environment plus USR_TEST=1; output in $LOGDIR/usr-host-PROG-FLAVOUR.out,
# exit status in $usr_status.
usr_run() {
	local flavour=$1 prog=$2
	shift 2
	usr_out=$LOGDIR/usr-host-$prog-$flavour.out
	env -i USR_TEST=1 "out/processor/usr/$flavour/$prog" "$@" > "$usr_out" 2>&1
	usr_status=$?
}

# usr_run_ok FLAVOUR PROG [ARGS...]: as usr_run, and it must exit 0.
usr_run_ok() {
	usr_run "$@"
	[ "$usr_status" = 0 ] || fail "$2 ($1): exit status $usr_status (see $usr_out)"
}

test_usr_host_build() {
	local f p bin
	usr_build || return 1
	for f in $USR_FLAVOURS; do
		for p in hello args memstress mmtest segv bench fdtest sigtest proctest ttytest forktest fdcheck \
			 futextest textgen wordcount futexstress threadstorm pcstress threadproc fstest; do
			bin=out/processor/usr/$f/$p
			[ -x "$bin" ] || fail "no $bin" || return 1
			LC_ALL=C readelf -h "$bin" | grep -q 'Type: *EXEC' ||
				fail "$bin is not a static ET_EXEC" || return 1
			! LC_ALL=C readelf -l "$bin" | grep -q INTERP ||
				fail "$bin has a program interpreter (not static)" || return 1
		done
	done
}

test_usr_host_hello() {
	local f
	usr_build || return 1
	for f in $USR_FLAVOURS; do
		usr_run_ok $f hello || return 1
		[ "$(cat "$usr_out")" = "hello, world" ] ||
			fail "hello ($f) printed something else: see $usr_out" || return 1
	done
}

test_usr_host_args() {
	local f
	usr_build || return 1
	for f in $USR_FLAVOURS; do
		usr_run_ok $f args one "two words" || return 1
		expect_log "$usr_out" '^args: argc = 3$' || return 1
		expect_log "$usr_out" '^args: argv\[2\] = "two words"$' || return 1
		expect_log "$usr_out" '^args: envp\[0\] = "USR_TEST=1"$' || return 1
		expect_log "$usr_out" '^args: auxv AT_PAGESZ = 0x1000$' || return 1
		expect_log "$usr_out" '^args: auxv AT_ENTRY = 0x[0-9a-f]+$' || return 1
		expect_log "$usr_out" '^args: AT_RANDOM bytes [0-9a-f]{32}$' || return 1
		expect_log "$usr_out" '^args: OK' || return 1
	done
}

test_usr_host_memstress() {
	local f sums=""
	usr_build || return 1
	for f in $USR_FLAVOURS; do
		usr_run_ok $f memstress 16 || return 1
		expect_log "$usr_out" '^memstress: pass verify-strided-2 +4096 pages' || return 1
		expect_log "$usr_out" '^memstress: OK' || return 1
		sums="$sums $(sed -n 's/^memstress: checksum //p' "$usr_out")"
	done
	# The checksum depends only on the size.
	# shellcheck disable=SC2086
	[ "$(printf '%s\n' $sums | sort -u | wc -l)" = 1 ] ||
		fail "memstress checksums differ between flavours:$sums" || return 1
}

test_usr_host_mmtest() {
	local f
	usr_build || return 1
	for f in $USR_FLAVOURS; do
		usr_run_ok $f mmtest || return 1
		expect_log "$usr_out" '^mmtest: private file mapping of [0-9]+ bytes: done$' || return 1
		expect_log "$usr_out" '^mmtest: OK' || return 1
	done
}

# Linux kills it with SIGSEGV: the shell reports 128 + 11.
test_usr_host_segv() {
	local f
	usr_build || return 1
	for f in $USR_FLAVOURS; do
		usr_run $f segv
		[ "$usr_status" = 139 ] ||
			fail "segv ($f): exit status $usr_status, expected 139 (SIGSEGV)" || return 1
		expect_log "$usr_out" '^segv: touching the PROT_NONE page at 0x[0-9a-f]+$' || return 1
		expect_no_log "$usr_out" 'NOT KILLED' || return 1
	done
}

test_usr_host_bench() {
	local f l
	usr_build || return 1
	for f in $USR_FLAVOURS; do
		usr_run_ok $f bench 8 2 || return 1
		for l in 'hit cost' 'zero-fill latency' 'miss latency' 'write-back cost'; do
			expect_log "$usr_out" "^bench: $l: [0-9.]+ us \([0-9]+ cycles\)$" || return 1
		done
		expect_log "$usr_out" '^bench: misses per second: [0-9]+$' || return 1
		expect_log "$usr_out" '^bench: done$' || return 1
	done
}

# The Linux half of scripts/bench-pcache: Debian's kernel in QEMU with a
# busybox initramfs runs bench (about 5 s under TCG).
test_usr_bench_pcache_linux() {
	local log=$LOGDIR/bench-pcache-linux.out
	usr_build || return 1
	scripts/bench-pcache --linux-only --no-build --region 8 --zero 2 \
		--out "$OUT/bench-pcache-smoke" > "$log" 2>&1 ||
		fail "bench-pcache --linux-only failed: see $log" || return 1
	expect_log "$log" '^bench-pcache: miss latency: linux [0-9.]+ us \([0-9]+ cycles\)$' || return 1
	expect_log "$log" '^bench-pcache: misses per second: linux [0-9]+$' || return 1
}

# fdtest wants its absolute path (it lists its own directory); both libcs
# print the same lines.
test_usr_host_fdtest() {
	local f
	usr_build || return 1
	for f in $USR_FLAVOURS; do
		usr_out=$LOGDIR/usr-host-fdtest-$f.out
		env -i USR_TEST=1 "$srctree/out/processor/usr/$f/fdtest" > "$usr_out" 2>&1 ||
			fail "fdtest ($f) failed: see $usr_out" || return 1
		expect_log "$usr_out" '^fdtest: pipe: capacity 65536$' || return 1
		expect_log "$usr_out" '^fdtest: OK' || return 1
	done
	cmp -s "$LOGDIR/usr-host-fdtest-glibc.out" "$LOGDIR/usr-host-fdtest-musl.out" ||
		fail "fdtest prints different lines with glibc and musl (see $LOGDIR/usr-host-fdtest-*.out)"
}

# fstest on the host's file system: both libcs print the same lines, the
# lines tests/90-storage.sh compares Tessera's run with.
test_usr_host_fstest() {
	local f d
	usr_build || return 1
	for f in $USR_FLAVOURS; do
		d=$(mktemp -d) || return 1
		usr_run $f fstest "$d/t" 8192
		rm -rf "$d"
		[ "$usr_status" = 0 ] || fail "fstest ($f): exit status $usr_status (see $usr_out)" || return 1
		expect_log "$usr_out" '^fstest: mmap: write\(\) seen by a mapping' || return 1
		expect_log "$usr_out" '^fstest: OK' || return 1
	done
	cmp -s "$LOGDIR/usr-host-fstest-glibc.out" "$LOGDIR/usr-host-fstest-musl.out" ||
		fail "fstest prints different lines with glibc and musl (see $LOGDIR/usr-host-fstest-*.out)"
}
