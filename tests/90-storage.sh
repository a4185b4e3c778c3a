# The storage node's tree as P's root on 1P-1M-1S: usr/fstest through M's
# page cache and S's ext2 on a virtio or NVMe disk, with the same lines as
# on the host's Linux; after the power-off the host checks the image with
# e2fsck -fn and reads the files fstest kept with debugfs.  And S killed
# mid-run: file calls fail with EIO, the program goes on.

STORAGE_TIMEOUT=900
# fstest's big file is larger than P's pcache and M's page cache here.
STORAGE_BIG_KIB=12288
STORAGE_CMDLINE=(--cmdline "P0=pcache=8M" --cmdline "M0=pagecache=8M")

storage_images() {
	build processor && build memory && build storage || return 1
	make -s O=out/processor usr > "$LOGDIR/storage-usr.log" 2>&1 ||
		fail "make usr failed: see $LOGDIR/storage-usr.log" || return 1
	"$srctree/scripts/mkrootfs" --out "$OUT/storage-test-base.img" --size 160M \
		> "$LOGDIR/storage-mkrootfs.log" 2>&1 ||
		fail "mkrootfs failed: see $LOGDIR/storage-mkrootfs.log"
}

# storage_cluster NAME WANT IMG [cluster args...]: 1P-1M-1S on a copy of
# the base image at IMG; P0's log in $slog.
storage_cluster() {
	local name=$1 want=$2 img=$3 st
	shift 3
	rm -rf "${LOGDIR:?}/$name"
	cp "$OUT/storage-test-base.img" "$img" || return 1
	"$srctree/scripts/cluster" 1P-1M-1S --out "$LOGDIR/$name" --no-build \
		--disk "$img" --timeout $STORAGE_TIMEOUT --cmdline-all "fabric.wait=30" \
		"$@" > "$LOGDIR/$name.cluster" 2>&1
	st=$?
	slog=$LOGDIR/$name/P0.txt
	tr -d '\r' < "$LOGDIR/$name/P0.log" > "$slog" 2>/dev/null
	[ "$st" = "$want" ] ||
		fail "cluster $name: status $st, expected $want (see $LOGDIR/$name.cluster, $LOGDIR/$name/)"
}

storage_clean_logs() {
	local d=$LOGDIR/$1 n
	for n in P0 M0 S0; do
		[ -f "$d/$n.log" ] || continue
		expect_no_log "$d/$n.log" 'BUG:|Oops|WARNING:|Kernel panic' || return 1
	done
}

# fstest's lines on the host's Linux, with the same arguments.
storage_host_lines() {
	local d
	d=$(mktemp -d) || return 1
	"$srctree/out/processor/usr/glibc/fstest" "$d/fst" $STORAGE_BIG_KIB \
		> "$LOGDIR/storage-fstest-host.txt" 2>&1
	cp "$d/fst/keep/data.bin" "$LOGDIR/storage-data.bin" 2>/dev/null
	rm -rf "$d"
	expect_log "$LOGDIR/storage-fstest-host.txt" '^fstest: OK' \
		"fstest fails on the host: see $LOGDIR/storage-fstest-host.txt"
}

# storage_fstest TYPE: both libcs' fstest on a TYPE disk, then the image.
storage_fstest() {
	local type=$1 name=storage-fstest-$1 img dir
	storage_images || return 1
	storage_host_lines || return 1
	img=$OUT/$name.img
	storage_cluster $name 0 "$img" --disk-type "$type" "${STORAGE_CMDLINE[@]}" \
		--init "/bin/fstest /tmp/fst $STORAGE_BIG_KIB; /musl/bin/fstest /tmp/fstm $STORAGE_BIG_KIB" ||
		return 1
	expect_log "$LOGDIR/$name/P0.log" 'root file system on the storage node' || return 1
	# Both runs' lines, in order, each as on the host.
	grep -a '^fstest: ' "$slog" > "$LOGDIR/$name.lines"
	cat "$LOGDIR/storage-fstest-host.txt" "$LOGDIR/storage-fstest-host.txt" \
		> "$LOGDIR/$name.want"
	diff -u "$LOGDIR/$name.want" "$LOGDIR/$name.lines" > "$LOGDIR/$name.diff" ||
		fail "fstest on Tessera ($type) differs from Linux: see $LOGDIR/$name.diff" ||
		return 1
	storage_clean_logs $name || return 1
	e2fsck -fn "$img" > "$LOGDIR/$name.e2fsck" 2>&1 ||
		fail "e2fsck -fn finds errors after the power-off: see $LOGDIR/$name.e2fsck" ||
		return 1
	for dir in fst fstm; do
		[ "$(debugfs -R "cat /tmp/$dir/keep/hello.txt" "$img" 2>/dev/null)" = "hello from fstest" ] ||
			fail "debugfs does not read /tmp/$dir/keep/hello.txt back" || return 1
		debugfs -R "cat /tmp/$dir/keep/data.bin" "$img" 2>/dev/null > "$LOGDIR/$name-$dir.bin"
		cmp -s "$LOGDIR/$name-$dir.bin" "$LOGDIR/storage-data.bin" ||
			fail "/tmp/$dir/keep/data.bin on the image differs from the host's" || return 1
	done
	rm -f "$img"
}

test_storage_fstest_virtio() {
	storage_fstest virtio
}

# Fails (not skipped) until the NVMe driver is in.
test_storage_fstest_nvme() {
	storage_fstest nvme
}

# S killed 40 s after its start: fstest -k sees EIO and exits cleanly.
test_storage_kill() {
	local name=storage-kill
	storage_images || return 1
	# The default pcache keeps fstest's pages once it touched them.
	storage_cluster $name 0 "$OUT/$name.img" --kill S0@40 \
		--init "/bin/fstest -k /tmp/k 600" || return 1
	expect_log "$slog" '^fstest: kill: a file call failed with EIO$' || return 1
	expect_log "$slog" '^fstest: kill: anonymous memory works' || return 1
	expect_log "$slog" '^fstest: OK' || return 1
	expect_no_log "$LOGDIR/$name/M0.log" 'BUG:|Oops|WARNING:|Kernel panic' || return 1
	expect_no_log "$LOGDIR/$name/P0.log" 'BUG:|Oops|WARNING:|Kernel panic' || return 1
	# The disk after the crash: repaired, then served again by a storage
	# node booted on it, with what fstest fsynced before the kill intact.
	e2fsck -fy "$OUT/$name.img" > "$LOGDIR/$name.fsck" 2>&1
	[ $? -le 1 ] || fail "e2fsck -fy could not repair the image: see $LOGDIR/$name.fsck" || return 1
	rm -rf "${LOGDIR:?}/$name-reboot"
	"$srctree/scripts/cluster" 1P-1M-1S --out "$LOGDIR/$name-reboot" --no-build \
		--disk "$OUT/$name.img" --timeout $STORAGE_TIMEOUT --cmdline-all "fabric.wait=30" \
		--init "/bin/fstest -c /tmp/k" > "$LOGDIR/$name-reboot.cluster" 2>&1 ||
		fail "the reboot on the same disk failed: see $LOGDIR/$name-reboot.cluster" || return 1
	expect_log "$LOGDIR/$name-reboot/P0.log" '^fstest: kept: intact' || return 1
	e2fsck -fn "$OUT/$name.img" > "$LOGDIR/$name.fsck2" 2>&1 ||
		fail "e2fsck -fn after the clean reboot: see $LOGDIR/$name.fsck2" || return 1
	rm -f "$OUT/$name.img"
}

# Without a storage node the archive stays, read-only: -EROFS for the
# calls that would change it, -ENOENT first for a name that is not there.
test_storage_archive_erofs() {
	local name=storage-archive-erofs log
	build processor && build memory || return 1
	rm -rf "${LOGDIR:?}/$name"
	"$srctree/scripts/cluster" 1P-1M --out "$LOGDIR/$name" --no-build --timeout 300 \
		--cmdline-all "fabric.wait=20" \
		--init "/bin/sh -c 'mkdir /x; rm -f /bin/hello; mv /bin/hello /bin/h2; touch /newfile; rm /nothere; echo done'" \
		> "$LOGDIR/$name.cluster" 2>&1 ||
		fail "cluster $name failed: see $LOGDIR/$name.cluster" || return 1
	log=$LOGDIR/$name/P0.log
	expect_log "$log" "mkdir: can't create directory '/x': Read-only file system" || return 1
	expect_log "$log" "rm: can't remove '/bin/hello': Read-only file system" || return 1
	expect_log "$log" "can't rename '/bin/hello': Read-only file system" || return 1
	expect_log "$log" "touch: /newfile: Read-only file system" || return 1
	expect_log "$log" "rm: can't remove '/nothere': No such file or directory" || return 1
	expect_log "$log" '^done' || return 1
}
