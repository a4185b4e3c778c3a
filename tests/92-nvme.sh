# The NVMe driver on QEMU's -device nvme, one storage node booted alone.

# nvme_scratch IMG: a 16 MiB image of random bytes; prints its checksum.
nvme_scratch() {
	head -c $((16 << 20)) /dev/urandom > "$1" && sha256sum < "$1"
}

# nvme_selftest NAME DEVICE-OPTIONS: nvme_rw on a scratch disk, which must
# come back byte for byte (the test saves and restores what it overwrites,
# so the host sees what the driver read and wrote).
nvme_selftest() {
	local name=$1 opts=$2 log=$LOGDIR/$1.log img=$LOGDIR/$1.img sum
	build storage || return 1
	sum=$(nvme_scratch "$img") || fail "cannot make $img" || return 1
	boot "$name" 0 --kernel out/storage/tessera.elf --timeout 180 \
		--cmdline "selftest=nvme_rw" -- \
		-drive "file=$img,if=none,id=d0,format=raw" \
		-device "nvme,serial=tessera0,drive=d0$opts" || return 1
	expect_log "$log" 'nvme nvme0: QEMU NVMe Ctrl, serial tessera0' || return 1
	expect_log "$log" 'MSI-X with 2 vector' || return 1
	expect_log "$log" 'blk: nvme0n1: QEMU NVMe Ctrl, 16 MiB' || return 1
	expect_log "$log" 'failed: status 0x80 \(LBA Out of Range\)' || return 1
	expect_log "$log" 'selftest: nvme_rw \.\.\. ok' || return 1
	[ "$(sha256sum < "$img")" = "$sum" ] ||
		fail "the image changed: the test area was not restored" || return 1
	rm -f "$img"
}

test_nvme_rw_512() {
	nvme_selftest nvme-512 "" || return 1
	expect_log "$LOGDIR/nvme-512.log" 'test: 512-byte blocks, 512 KiB per command'
}

# 4 KiB blocks, and mdts=1 (8 KiB per command) so requests are split.
test_nvme_rw_4k_split() {
	nvme_selftest nvme-4k ",logical_block_size=4096,physical_block_size=4096,mdts=1" ||
		return 1
	expect_log "$LOGDIR/nvme-4k.log" 'test: 4096-byte blocks, 8 KiB per command'
}

# A controller without a namespace 1 is reported and left alone.
test_nvme_no_namespace() {
	local log=$LOGDIR/nvme-nons.log
	build storage || return 1
	boot nvme-nons 0 --kernel out/storage/tessera.elf \
		--cmdline "selftest=pci_enumeration" -- \
		-device nvme,serial=tessera0 || return 1
	expect_log "$log" 'nvme nvme0: namespace 1 is not active' || return 1
	expect_log "$log" 'nvme nvme0: 0000:00:[0-9a-f.]+: not brought up \(-19\); left alone' || return 1
	expect_log "$log" 'storage: no disk' || return 1
	expect_log "$log" 'selftest: pci_enumeration \.\.\. ok' || return 1
}

# The controller given up with I/O in flight: every request ends (-EIO),
# later ones fail at once, nothing hangs and QEMU stays up.
test_nvme_dead() {
	local log=$LOGDIR/nvme-dead.log img=$LOGDIR/nvme-dead.img
	build storage || return 1
	nvme_scratch "$img" > /dev/null || fail "cannot make $img" || return 1
	boot nvme-dead 0 --kernel out/storage/tessera.elf --timeout 180 \
		--cmdline "selftest=nvme_dead" --disk "$img" --disk-type nvme || return 1
	expect_log "$log" 'nvme nvme0: killed by the nvme_dead self-test; controller disabled' || return 1
	expect_log "$log" 'test: [1-9][0-9]* of [0-9]+ requests failed with -EIO' || return 1
	expect_log "$log" 'selftest: nvme_dead \.\.\. ok' || return 1
	rm -f "$img"
}

# cluster --disk-type nvme: S0 brings the disk up next to P and M.
test_nvme_cluster() {
	local d=$LOGDIR/nvme-cluster img=$LOGDIR/nvme-cluster.img
	build processor && build memory && build storage || return 1
	rm -rf "$d" "$d.root" "$img"
	# P's root is S's disk: a file system with the program on it.
	mkdir -p "$d.root/bin" && cp out/processor/usr/glibc/hello "$d.root/bin/" &&
		mke2fs -q -t ext2 -d "$d.root" "$img" 16M ||
		fail "cannot create $img" || return 1
	scripts/cluster 1P-1M-1S --no-build --out "$d" --timeout 300 --disk "$img" \
		--disk-type nvme --init "/bin/hello" > "$d.out" 2>&1 ||
		fail "cluster run failed: see $d.out" || return 1
	expect_log "$d/S0.log" 'blk: nvme0n1: QEMU NVMe Ctrl, 16 MiB' || return 1
	expect_log "$d/P0.log" '^hello, world' || return 1
	expect_no_log "$d/P0.log" 'nvme' || return 1
	expect_log "$d.out" "S0: disk .*nvme-cluster.img \\(nvme\\)" || return 1
	e2fsck -fn "$img" > "$d.fsck" 2>&1 || fail "e2fsck -fn: see $d.fsck" || return 1
	rm -rf "$img" "$d.root"
}

# Device errors (QEMU's blkdebug fails sector 4096): block_ioerr sees -EIO
# and each failed command is logged with its NVMe status.  QEMU's nvme
# reports each injected error on stderr ("aio failed"), which qemu-node
# counts as a QEMU failure (126): that status, with nothing else on
# stderr, is the expected one.
test_nvme_ioerr() {
	local img=$LOGDIR/nvme-ioerr.img cfg=$LOGDIR/nvme-ioerr.cfg log=$LOGDIR/nvme-ioerr.log
	local err=$LOGDIR/nvme-ioerr.qemu-node.err
	build storage || return 1
	rm -f "$img" "$err"
	truncate -s 16M "$img" || return 1
	printf '[inject-error]\nevent = "%s"\nerrno = "5"\nsector = "4096"\n\n' \
		read_aio write_aio > "$cfg"
	boot nvme-ioerr 126 --role storage --cmdline "selftest=block_ioerr fabric=off" -- \
		-drive "file=blkdebug:$cfg:$img,if=none,id=d0,format=raw" \
		-device nvme,serial=tessera0,drive=d0 || return 1
	expect_log "$err" 'guest status 126 \(qemu status 1\)' || return 1
	grep -a '^qemu-system' "$err" | grep -av 'aio failed: Input/output error$' > "$err.other"
	[ ! -s "$err.other" ] || fail "QEMU said: $(cat "$err.other")" || return 1
	expect_log "$log" 'nvme nvme0: read of 1 blocks at LBA 4096 failed: status 0x281 \(Unrecovered Read Error\)' ||
		return 1
	expect_log "$log" 'nvme nvme0: write of 1 blocks at LBA 4096 failed: status 0x280 \(Write Fault\)' ||
		return 1
	expect_log "$log" 'selftest: block_ioerr \.\.\. ok' || return 1
	expect_log "$log" 'selftest: summary: 1 passed, 0 failed' || return 1
	rm -f "$img"
}
