# scripts/cluster's archive for memory nodes and its --init/--add-file
# options (the programs themselves run in tests/pending/70-user.sh).

# Usage errors come before anything is built or booted.
test_cluster_archive_usage() {
	local a st
	for a in "--init bin/hello" '--init /bin/a"b' "--add-file nocolon" \
		"--add-file /nonexistent:/x" "--add-file Makefile:relative"; do
		# shellcheck disable=SC2086  # split the option from its value
		scripts/cluster 1P-1M --no-build ${a%% *} "${a#* }" > "$LOGDIR/cluster-usage.out" 2>&1
		st=$?
		[ $st = 2 ] || fail "scripts/cluster $a: status $st, expected 2" || return 1
	done
}

# The archive: newc, owner root, /bin (glibc), /musl/bin (musl), the
# --add-file entries; init= reaches P, the module reaches M (the memory
# manager lists its archive).
test_cluster_archive() {
	local d=$LOGDIR/cluster-archive list
	build processor && build memory || return 1
	rm -rf "$d"
	scripts/cluster 1P-1M --no-build --out "$d" --timeout 60 \
		--cmdline-all "fabric.wait=20" --cmdline P="selftest=fabric_discovery" \
		--init "/bin/args one  two" --add-file Makefile:/etc/a/Makefile \
		--add-file usr:/src/usr > "$LOGDIR/cluster-archive.cluster" 2>&1 ||
		fail "cluster run failed: see $LOGDIR/cluster-archive.cluster" || return 1
	list=$(cpio -tv --quiet < "$d/archive.cpio") || fail "archive.cpio is not a cpio archive" || return 1
	[ "$(head -c 6 "$d/archive.cpio")" = 070701 ] || fail "archive.cpio is not newc" || return 1
	for f in bin/hello bin/args bin/memstress bin/mmtest bin/segv bin/bench \
		musl/bin/hello musl/bin/bench etc/a/Makefile src/usr/hello.c; do
		printf '%s\n' "$list" | grep -q " $f\$" || fail "no $f in the archive" || return 1
	done
	printf '%s\n' "$list" | grep -q '^d.* musl/bin$' || fail "no musl/bin directory entry" || return 1
	! printf '%s\n' "$list" | grep -v ' root *root ' | grep -q . ||
		fail "archive entries not owned by root" || return 1
	cmp -s "$d/archive/etc/a/Makefile" Makefile || fail "--add-file copy differs" || return 1
	printf '%s\n' "$list" | grep -q '^l.* bin/sh -> busybox$' || fail "no /bin/sh -> busybox" || return 1
	printf '%s\n' "$list" | grep -q '^-.* bin/busybox$' || fail "no /bin/busybox" || return 1
	expect_log "$d/P0.log" 'Command line: cluster=1P-1M init="/bin/args one  two" fabric.wait=20' || return 1
	expect_no_log "$d/M0.log" 'init=' || return 1
	expect_log "$LOGDIR/cluster-archive.cluster" "cluster: archive .*archive.cpio: [0-9]+ entries" || return 1
}

# Busybox's applets become symlinks in /bin, except where a usr/ program
# has the name (a stand-in busybox whose list has "hello").
test_cluster_archive_busybox() {
	local d=$LOGDIR/cluster-archive-bb fake=$LOGDIR/fake-busybox list
	usr_build || return 1
	printf '#!/bin/sh\nprintf "sh\\nhello\\n[\\nls\\n"\n' > "$fake"
	chmod 755 "$fake"
	BUSYBOX=$fake scripts/cluster 1P-1M --no-build --archive-only --out "$d" \
		> "$d.out" 2>&1 || fail "scripts/cluster --archive-only failed: see $d.out" || return 1
	list=$(cpio -tv --quiet < "$d/archive.cpio") || return 1
	for f in sh ls '\['; do
		printf '%s\n' "$list" | grep -q "^l.* bin/$f -> busybox\$" ||
			fail "no symlink bin/$f -> busybox" || return 1
	done
	cmp -s "$d/archive/bin/hello" out/processor/usr/glibc/hello ||
		fail "the applet hello replaced the usr/ program" || return 1
	cmp -s "$d/archive/bin/busybox" "$fake" || fail "bin/busybox is not \$BUSYBOX" || return 1
	expect_log "$d.out" 'busybox applets left out for the usr/ programs of the same name: hello$' || return 1
}
