# shellcheck shell=bash
# The storage server (managers/storage/): the file protocol served from
# ext2 on a virtio-blk disk, driven by its self-tests through FIT's
# loopback transport (managers/storage/selftest.c); the image checked on
# the host with e2fsck and debugfs afterwards.  Also scripts/mkrootfs and
# the disks scripts/cluster gives storage nodes.

STORAGE_TESTS="storage_server_lookup storage_server_read storage_server_create_write
storage_server_readdir storage_server_rename_unlink storage_server_malformed
storage_server_shutdown"

# storage_image_build DIR: DIR/disk.img, the image the self-tests expect.
storage_image_build() {
	local d=$1 root=$1/root i
	rm -rf "$d"
	mkdir -p "$root/dir/sub" "$root/many" || return 1
	: > "$root/storage-selftest"
	printf 'hello from the disk\n' > "$root/hello.txt"
	printf 'a\n' > "$root/dir/a.txt"
	chmod 644 "$root/hello.txt" "$root/dir/a.txt"
	ln -s hello.txt "$root/link"
	ln -s dir "$root/dirlink"
	ln -s loop2 "$root/loop1"
	ln -s loop1 "$root/loop2"
	for ((i = 0; i < 100; i++)); do
		: > "$root/many/file-$i"
	done
	# The pattern managers/storage/selftest.c checks: byte i is
	# i * 7 + i / 1024 + 3 (mod 256).
	python3 -c '
import sys
n = 100 * 1024 + 123
sys.stdout.buffer.write(bytes((i * 7 + (i >> 10) + 3) & 0xff for i in range(n)))' > "$root/big" || return 1
	truncate -s 16M "$d/disk.img" &&
	mke2fs -q -F -t ext2 -b 1024 -E root_owner=0:0 -d "$root" "$d/disk.img"
}

test_storage_server_selftests() {
	local d=$OUT/storage-image log=$LOGDIR/storage.log t n=0 img
	build storage || return 1
	storage_image_build "$d" > "$LOGDIR/storage-image.log" 2>&1 ||
		fail "building the test image failed: see $LOGDIR/storage-image.log" || return 1
	img=$d/disk.img
	boot storage 0 --kernel out/storage/tessera.elf --disk "$img" \
		--cmdline "selftest=storage_server_*" --timeout 300 || return 1
	for t in $STORAGE_TESTS; do
		expect_log "$log" "selftest: $t \.\.\. ok" || return 1
		n=$((n + 1))
	done
	expect_log "$log" "selftest: summary: $n passed, 0 failed" || return 1
	expect_log "$log" 'storage: vda: ext2, 1024-byte blocks, 1[45] MiB, [0-9]+ MiB free, [0-9]+ of [0-9]+ inodes free' || return 1
	expect_log "$log" 'storage: serving the file protocol v1[[:space:]]*$' || return 1
	expect_log "$log" 'storage: malformed lookup request from node 0: NUL in path' || return 1
	expect_log "$log" 'storage: shutdown from node 0: file system synced and clean' || return 1
	expect_log "$log" 'storage: requests [0-9]+, errors [0-9]+, malformed [0-9]+; per op \(requests/errors\): lookup [0-9]+/[0-9]+' || return 1
	expect_no_log "$log" 'WARNING:|BUG:|Oops|skipped' || return 1
	# What the tests left on the disk, as Linux's tools see it.
	e2fsck -fn "$img" > "$LOGDIR/storage-e2fsck.log" 2>&1 ||
		fail "e2fsck -fn finds errors: see $LOGDIR/storage-e2fsck.log" || return 1
	[ "$(debugfs -R 'cat /dir/new.txt' "$img" 2>/dev/null)" = abCDEF ] ||
		fail "/dir/new.txt on the disk is not abCDEF" || return 1
	debugfs -R 'ls -l /newdir' "$img" 2>/dev/null | grep -q ' sym$' &&
	debugfs -R 'stat /newdir/fifo' "$img" 2>/dev/null | grep -q 'Type: FIFO' &&
	debugfs -R 'stat /dir/new.txt' "$img" 2>/dev/null | grep -q 'Mode:  0604' ||
		fail "/newdir/sym, /newdir/fifo or /dir/new.txt's mode missing on the disk" || return 1
	! debugfs -R 'stat /r5' "$img" 2>&1 | grep -q '^Inode:' ||
		fail "/r5 is still on the disk" || return 1
}

# Without a disk every request is -ENODEV and the tests say why they skip.
test_storage_no_disk() {
	local log=$LOGDIR/storage-nodisk.log
	build storage || return 1
	boot storage-nodisk 0 --kernel out/storage/tessera.elf \
		--cmdline "selftest=storage_server_*" --timeout 120 || return 1
	expect_log "$log" 'storage: no disk: file requests get -ENODEV' || return 1
	expect_log "$log" 'selftest: storage_server_lookup \.\.\. skipped: no file system' || return 1
	expect_log "$log" 'selftest: summary: 0 passed, 0 failed, 7 skipped' || return 1
}

# A disk without ext2 on it: refused with a reason, served as -EIO.
test_storage_bad_fs() {
	local log=$LOGDIR/storage-badfs.log img=$OUT/storage-image/bad.img
	build storage || return 1
	mkdir -p "$OUT/storage-image" && head -c 4M /dev/urandom > "$img" || return 1
	boot storage-badfs 0 --kernel out/storage/tessera.elf --disk "$img" \
		--cmdline "selftest=storage_server_lookup" --timeout 120 || return 1
	expect_log "$log" 'ext2: no ext2 superblock' || return 1
	expect_log "$log" 'storage: vda: no ext2 file system to mount \(error -[0-9]+\): file requests get -EIO' || return 1
	expect_log "$log" 'storage: serving the file protocol v1 \(-EIO: no file system\)' || return 1
	expect_no_log "$log" 'WARNING:|BUG:|Oops' || return 1
}

# mkrootfs: the tree, e2fsck-clean, rebuilt only when an input changes.
test_mkrootfs() {
	local img=$OUT/tests/rootfs-test.img log=$LOGDIR/mkrootfs.log f
	printf 'added\n' > "$OUT/tests/mkrootfs-added.txt"
	rm -f "$img" "$img.inputs"
	scripts/mkrootfs --out "$img" --add "$OUT/tests/mkrootfs-added.txt:/etc/added" > "$log" 2>&1 ||
		fail "mkrootfs failed: see $log" || return 1
	e2fsck -fn "$img" >> "$log" 2>&1 || fail "e2fsck -fn finds errors in $img" || return 1
	for f in /bin/busybox /bin/sh /bin/ls /musl/bin /usr/bin/python3 /usr/bin/python3.11 \
		/usr/bin/ls /usr/bin/sha256sum /usr/bin/grep /lib64/ld-linux-x86-64.so.2 \
		/lib/x86_64-linux-gnu/libc.so.6 /usr/lib/python3.11/os.py /etc/passwd \
		/etc/group /etc/hostname /dev /proc; do
		debugfs -R "stat $f" "$img" 2>/dev/null | grep -q '^Inode:' ||
			fail "no $f in the image" || return 1
	done
	debugfs -R 'stat /tmp' "$img" 2>/dev/null | grep -q 'Mode:  01777' ||
		fail "/tmp is not 1777" || return 1
	debugfs -R 'stat /usr/lib/python3.11/test' "$img" 2>&1 | grep -q 'File not found' ||
		fail "python's test/ is in the image" || return 1
	[ "$(debugfs -R 'cat /etc/added' "$img" 2>/dev/null)" = added ] ||
		fail "--add did not put /etc/added into the image" || return 1
	expect_log "$log" 'mkrootfs: .*: [0-9]+ MiB, 1024-byte blocks, [0-9]+ files; (2[89]|3[0-9])% of the blocks free' || return 1
	scripts/mkrootfs --out "$img" --add "$OUT/tests/mkrootfs-added.txt:/etc/added" > "$log.2" 2>&1 &&
		grep -q 'is up to date' "$log.2" || fail "mkrootfs rebuilt an unchanged image" || return 1
	touch "$OUT/tests/mkrootfs-added.txt"
	scripts/mkrootfs --out "$img" --add "$OUT/tests/mkrootfs-added.txt:/etc/added" > "$log.3" 2>&1 &&
		! grep -q 'is up to date' "$log.3" || fail "mkrootfs did not rebuild after an input changed" || return 1
	rm -f "$img" "$img.inputs"
}

# A cluster with S: its disk is a copy of the default image with the
# --add-file files in it, or the user's image itself with --disk.
test_cluster_storage_disk() {
	local out=$OUT/c-storage-disk log=$LOGDIR/cluster-storage-disk.log user=$OUT/tests/user-disk.img
	printf 'user file\n' > "$OUT/tests/user-file.txt"
	scripts/cluster 1P-1M-1S --out "$out" --add-file "$OUT/tests/user-file.txt:/opt/u/file.txt" \
		--init "/bin/true" --timeout 300 > "$log" 2>&1 ||
		fail "the cluster failed: see $log" || return 1
	expect_log "$out/S0.log" 'storage: vda: ext2, 1024-byte blocks' || return 1
	[ "$(debugfs -R 'cat /opt/u/file.txt' "$out/S0.img" 2>/dev/null)" = 'user file' ] ||
		fail "--add-file did not reach S0's disk" || return 1
	e2fsck -fn "$out/S0.img" >> "$log" 2>&1 || fail "e2fsck -fn finds errors in S0.img" || return 1
	# The cached default image is never the one S writes.
	cmp -s "$out/S0.img" out/rootfs.img && fail "S0.img is the default image unchanged" && return 1
	# --disk: the user's image, as it is: a script run from it writes
	# into it, and that persists.
	rm -rf "$OUT/tests/user-root" && mkdir -p "$OUT/tests/user-root/bin" &&
	cp /usr/bin/busybox "$OUT/tests/user-root/bin/sh" &&
	printf 'echo from-the-script > /out.txt\n' > "$OUT/tests/user-root/run.sh" &&
	truncate -s 16M "$user" && mke2fs -q -F -t ext2 -E root_owner=0:0 -d "$OUT/tests/user-root" "$user" &&
	rm -f "$out/S0.img" || return 1
	scripts/cluster 1P-1M-1S --out "$out" --disk "$user" --add-file "$OUT/tests/user-file.txt:/f" \
		--init "/bin/sh /run.sh" --timeout 300 >> "$log" 2>&1 ||
		fail "the cluster with --disk failed: see $log" || return 1
	[ ! -e "$out/S0.img" ] || fail "--disk still made a copy" || return 1
	[ "$(debugfs -R 'cat /f' "$user" 2>/dev/null)" = 'user file' ] ||
		fail "--add-file did not reach the --disk image" || return 1
	[ "$(debugfs -R 'cat /out.txt' "$user" 2>/dev/null)" = from-the-script ] ||
		fail "what the script wrote is not in the --disk image" || return 1
	e2fsck -fn "$user" >> "$log" 2>&1 || fail "e2fsck -fn finds errors in the --disk image" || return 1
	expect_log "$out/S0.log" 'storage: vda: ext2' || return 1
}
