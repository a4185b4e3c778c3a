# File descriptors on a 1P-1M cluster: usr/fdtest (pipes, dup, fcntl,
# poll/select, the working directory, getdents64 of M's archive, access,
# /dev), glibc and musl builds.  Its lines must be those of the host's
# Linux run of the same program (user_cluster and friends: 80-user.sh).

# fdtest's lines from a host run of the glibc build, by an absolute path.
files_host_lines() {
	"$srctree/out/processor/usr/glibc/fdtest" > "$LOGDIR/files-fdtest-host.txt" 2>&1 ||
		fail "fdtest fails on the host: see $LOGDIR/files-fdtest-host.txt"
}

test_files_fdtest() {
	local dir name
	user_images || return 1
	files_host_lines || return 1
	expect_log "$LOGDIR/files-fdtest-host.txt" '^fdtest: OK' || return 1
	for dir in /bin /musl/bin; do
		name=files-fdtest${dir//\//-}
		user_cluster $name 0 --init "$dir/fdtest" || return 1
		expect_log "$ulog" '^fdtest: pipe: capacity 65536$' || return 1
		expect_log "$ulog" '^fdtest: getdents64: ".", ".." and fdtest listed' || return 1
		expect_log "$ulog" '^fdtest: OK' || return 1
		grep -a '^fdtest: ' "$ulog" > "$LOGDIR/$name.lines"
		diff -u "$LOGDIR/files-fdtest-host.txt" "$LOGDIR/$name.lines" \
			> "$LOGDIR/$name.diff" ||
			fail "fdtest on Tessera ($dir) differs from Linux: see $LOGDIR/$name.diff" ||
			return 1
		user_clean_logs $name || return 1
	done
}
