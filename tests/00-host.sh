# Host-side unit tests: kernel library code compiled for the host.

host_unit() {
	local name=$1 bin
	make -s -C tests/host O="$OUT/host-tests" all > "$LOGDIR/host-build.log" 2>&1 ||
		fail "host test build failed: see $LOGDIR/host-build.log" || return 1
	bin=$OUT/host-tests/test_$name
	[ -x "$bin" ] || fail "no binary $bin" || return 1
	"$bin" || fail "$bin reported failures"
}

test_host_string() { host_unit string; }
test_host_vsprintf() { host_unit vsprintf; }
test_host_kstrtox() { host_unit kstrtox; }
test_host_glob() { host_unit glob; }
test_host_rbtree() { host_unit rbtree; }
test_host_fabric_tool() { host_unit fabric_tool; }
test_host_crc32c() { host_unit crc32c; }
test_host_fit_wire() { host_unit fit_wire; }
test_host_cpio() { host_unit cpio; }
test_host_elf() { host_unit elf; }
test_host_n_tty() { host_unit n_tty; }
# fs/ext2/ against mke2fs images, e2fsck and debugfs; then fuzzed images.
test_host_ext2() { host_unit ext2; }
test_host_ext2_tinycache() { host_unit ext2_tinycache; }
test_host_ext2_fuzz() { host_unit ext2_fuzz; }
