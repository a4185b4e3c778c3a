# Block devices on a storage node (Documentation/block.md): the block_rw
# self-test on a scratch image the test makes, the disk's line in the
# log, and on the host the bytes the self-test left in the image.

# The bytes block_rw leaves at 3 MiB (block_rw_host_byte() in
# drivers/block/test_block.c), and its pattern in the disk's last sector.
block_expected_host() {
	perl -e 'print pack("C*", map { ($_ * 7 + 13) & 255 } 0 .. 8191)'
}

block_expected_last() {
	perl -e 'my $o = $ARGV[0]; print pack("C*", map { (($o + $_) * 31 +
		(($o + $_) >> 9) + 2 * 101) & 255 } 0 .. 511)' "$1"
}

# block_rw_boot NAME TYPE DEVICE-REGEX [QEMU ARGS]: 64 MiB scratch image,
# storage node with selftest=block_rw, then the host checks.
block_rw_boot() {
	local name=$1 type=$2 dev=$3 img=$LOGDIR/$1.img log=$LOGDIR/$1.log
	local size=$((64 << 20))
	shift 3
	build storage || return 1
	rm -f "$img"
	truncate -s $size "$img" || fail "cannot create $img" || return 1
	boot "$name" 0 --role storage --disk "$img" --disk-type "$type" \
		--timeout 180 --cmdline "selftest=block_rw fabric=off" -- "$@" || return 1
	expect_log "$log" "blk: $dev: .*, 64 MiB \\(131072 sectors of 512 bytes\\), queue depth [1-9]" ||
		return 1
	expect_log "$log" 'selftest: block_rw: .* up to [0-9]+ in flight' || return 1
	expect_log "$log" 'selftest: block_rw \.\.\. ok' || return 1
	# The image itself: the pattern at 3 MiB, zeros before it, the last sector.
	cmp <(dd if="$img" bs=512 skip=$((3 * 2048)) count=16 status=none) \
		<(block_expected_host) > "$LOGDIR/$name.cmp" 2>&1 ||
		fail "$img: the bytes at 3 MiB are not block_rw's pattern: $(cat "$LOGDIR/$name.cmp")" ||
		return 1
	cmp <(dd if="$img" bs=512 skip=$((3 * 2048 - 1)) count=1 status=none) \
		<(head -c 512 /dev/zero) > /dev/null 2>&1 ||
		fail "$img: the sector before 3 MiB is not zero" || return 1
	cmp <(dd if="$img" bs=512 skip=$((size / 512 - 1)) count=1 status=none) \
		<(block_expected_last $((size - 512))) > /dev/null 2>&1 ||
		fail "$img: the last sector does not hold block_rw's pattern" || return 1
	rm -f "$img"
}

test_block_virtio() {
	block_rw_boot block-virtio virtio vda || return 1
	expect_log "$LOGDIR/block-virtio.log" 'blk: vda: virtio-blk' || return 1
}

# The transport's other paths: the modern-only device (1af4:1042), no
# indirect descriptors (a chain of ring entries per request, a smaller
# queue depth), a serial number in the model.
test_block_virtio_variants() {
	local log=$LOGDIR/block-virtio-variants.log
	block_rw_boot block-virtio-variants virtio vda \
		-global virtio-blk-pci.disable-legacy=on \
		-global virtio-blk-pci.indirect_desc=off \
		-global virtio-blk-pci.serial=TESSERA-SN1 || return 1
	expect_log "$log" '\[1af4:1042\]' || return 1
	expect_log "$log" 'blk: vda: virtio-blk TESSERA-SN1, 64 MiB' || return 1
	# 256 ring entries, 34 per request at most.
	expect_log "$log" 'blk: vda: .*queue depth 7([^0-9]|$)' || return 1
}

# A read-only drive (VIRTIO_BLK_F_RO): block_rw reads the host's bytes,
# every write is -EROFS, and the image is unchanged.
test_block_virtio_ro() {
	local img=$LOGDIR/block-ro.img log=$LOGDIR/block-ro.log sum
	build storage || return 1
	rm -f "$img"
	truncate -s 16M "$img" || return 1
	block_expected_host | dd of="$img" bs=512 seek=$((3 * 2048)) conv=notrunc status=none ||
		return 1
	sum=$(md5sum < "$img")
	boot block-ro 0 --role storage --cmdline "selftest=block_rw fabric=off" -- \
		-drive "file=$img,if=none,id=d0,format=raw,readonly=on" \
		-device virtio-blk-pci,drive=d0 || return 1
	expect_log "$log" 'blk: vda: virtio-blk, 16 MiB .*, read-only' || return 1
	expect_log "$log" 'selftest: block_rw: vda is read-only' || return 1
	expect_log "$log" 'selftest: block_rw \.\.\. ok' || return 1
	[ "$(md5sum < "$img")" = "$sum" ] || fail "the read-only image changed" || return 1
	rm -f "$img"
}

# A device that reports I/O errors: QEMU's blkdebug fails reads and writes
# of sector 4096; each is -EIO with a log line, the rest of the disk works.
test_block_virtio_ioerr() {
	local img=$LOGDIR/block-ioerr.img cfg=$LOGDIR/block-ioerr.cfg log=$LOGDIR/block-ioerr.log
	build storage || return 1
	rm -f "$img"
	truncate -s 16M "$img" || return 1
	printf '[inject-error]\nevent = "%s"\nerrno = "5"\nsector = "4096"\n\n' \
		read_aio write_aio > "$cfg"
	boot block-ioerr 0 --role storage --cmdline "selftest=block_ioerr fabric=off" -- \
		-drive "file=blkdebug:$cfg:$img,if=none,id=d0,format=raw" \
		-device virtio-blk-pci,drive=d0 || return 1
	expect_log "$log" 'virtio_blk: vda: read of 1 sectors at sector 4096 failed: status 1 \(I/O error\)' ||
		return 1
	expect_log "$log" 'virtio_blk: vda: write of 1 sectors at sector 4096 failed' || return 1
	expect_log "$log" 'selftest: block_ioerr \.\.\. ok' || return 1
	rm -f "$img"
}

# Completed by the NVMe driver: until the storage image has one, a skip.
test_block_nvme() {
	build storage || return 1
	grep -q '^CONFIG_NVME=y' out/storage/.config ||
		skip "no NVMe driver in the storage image (CONFIG_NVME)" || return
	block_rw_boot block-nvme nvme 'nvme0n1' || return 1
}

# A storage node without a disk says so; block_rw skips, nothing crashes.
test_block_no_disk() {
	local log=$LOGDIR/block-no-disk.log
	build storage || return 1
	boot block-no-disk 0 --role storage --cmdline "selftest=block_rw fabric=off" || return 1
	expect_log "$log" 'storage: no disk' || return 1
	expect_no_log "$log" 'blk: vd' || return 1
	expect_log "$log" 'selftest: block_rw \.\.\. skipped: no disk' || return 1
	expect_log "$log" 'selftest: summary: 0 passed, 0 failed, 1 skipped' || return 1
}

# cluster --disk: S0 gets the image, P and M none; bad values are usage errors.
test_block_cluster_disk() {
	local d=$LOGDIR/block-cluster img=$LOGDIR/block-cluster.img st
	build processor && build memory && build storage || return 1
	for a in "--disk-type scsi" "--disk /nonexistent.img" "--disk S1=$img"; do
		truncate -s 16M "$img"
		# shellcheck disable=SC2086  # split the option from its value
		scripts/cluster 1P-1M-1S --no-build ${a%% *} "${a#* }" > "$d.usage" 2>&1
		st=$?
		[ $st = 2 ] || fail "scripts/cluster $a: status $st, expected 2" || return 1
	done
	rm -rf "$d"
	scripts/cluster 1P-1M-1S --no-build --out "$d" --timeout 240 --disk "$img" \
		--init "/bin/hello" > "$d.out" 2>&1 ||
		fail "cluster run failed: see $d.out" || return 1
	expect_log "$d/S0.log" 'blk: vda: virtio-blk, 16 MiB' || return 1
	expect_no_log "$d/P0.log" 'blk: vd' || return 1
	expect_no_log "$d/M0.log" 'blk: vd' || return 1
	expect_log "$d.out" "S0's disk: .*block-cluster.img \\(virtio\\)" || return 1
	rm -f "$img"
}
