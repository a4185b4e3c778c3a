# Busybox sh scripts as P's init on a 1P-1M cluster (the archive's
# /bin/sh is Debian's static busybox, scripts/cluster).  Each script of
# tests/busybox/ goes into the archive as /t/NAME.sh with the rest of that
# directory; its output must be tests/busybox/NAME.out line for line, and
# the run's status the script's exit status.
#
# The .out files are what the host's busybox prints running the script the
# same way: as pid 1 (a new pid namespace), chrooted into the archive's
# tree (scripts/cluster --archive-only), with init's environment
# (HOME=/ PATH=/bin TERM=linux PS1='# '); test_busybox_host checks that they still
# are.  After changing a script, regenerate them with
#     BB_UPDATE=1 scripts/run-tests busybox_host
#
# What it needs from the kernel (issue 9): fork, execve (busybox runs
# applets through /proc/self/exe), wait4, pipes, dup2, fcntl, signals
# (trap, kill, kill -0, SIGTERM/SIGKILL/SIGINT statuses, an ignored
# signal), nanosleep, getcwd/chdir, getppid, /dev/null, archive reads
# and symlinks.  The archive is read-only: redirections write /dev/null.

BB_DIR=tests/busybox
# NAME:STATUS of each script
BB_SCRIPTS="basic:5 jobs:0"

# bb_tree DIR: the archive's tree with tests/busybox as /t, in DIR/archive,
# plus /dev/null.
bb_tree() {
	rm -rf "${1:?}"
	scripts/cluster 1P-1M --no-build --archive-only --out "$1" \
		--add-file "$BB_DIR:/t" > "$1.log" 2>&1 ||
		fail "scripts/cluster --archive-only failed: see $1.log" || return 1
	mkdir -p "$1/archive/dev" && mknod -m 666 "$1/archive/dev/null" c 1 3
}

# bb_host NAME: run /t/NAME.sh with the host's busybox as pid 1 in the
# tree; output (stdout and stderr) in $bb_out, status in $bb_status.
bb_host() {
	local tree=$LOGDIR/bb-tree unshare chroot
	bb_out=$LOGDIR/bb-host-$1.out
	[ "$(id -u)" = 0 ] || fail "the host runs need root (unshare, chroot)" || return 1
	unshare=$(command -v unshare) && chroot=$(command -v chroot) ||
		fail "no unshare or chroot on the host" || return 1
	[ -e "$tree/archive/t/$1.sh" ] || bb_tree "$tree" || return 1
	(cd / && env -i HOME=/ PATH=/bin TERM=linux 'PS1=# ' "$unshare" --pid --fork \
		"$chroot" "$tree/archive" /bin/sh "/t/$1.sh") > "$bb_out" 2>&1
	bb_status=$?
}

# bb_console FILE: P's console without the kernel's lines.
bb_console() {
	grep -avE '^\[ *[0-9]+\.[0-9]+\] ' "$1"
}

test_busybox_host() {
	local s name want
	usr_build || return 1
	rm -rf "$LOGDIR/bb-tree"
	for s in $BB_SCRIPTS; do
		name=${s%%:*}
		want=${s#*:}
		bb_host "$name" || return 1
		[ "$bb_status" = "$want" ] ||
			fail "host busybox: $name.sh exited $bb_status, expected $want (see $bb_out)" || return 1
		if [ -n "${BB_UPDATE:-}" ]; then
			cp "$bb_out" "$BB_DIR/$name.out"
		fi
		diff -u "$BB_DIR/$name.out" "$bb_out" > "$LOGDIR/bb-host-$name.diff" ||
			fail "host busybox: $name.sh printed something else: $LOGDIR/bb-host-$name.diff" ||
			return 1
	done
}

# bb_cluster NAME: /t/NAME.sh as init; status and lines as on the host.
bb_cluster() {
	local name=$1 want s
	for s in $BB_SCRIPTS; do
		[ "${s%%:*}" = "$name" ] && want=${s#*:}
	done
	# (compare_cluster: tests/85-fork.sh)
	compare_cluster "busybox-$name" "$want" "$BB_DIR/$name.out" bb_console \
		--add-file "$BB_DIR:/t" --init "/bin/sh /t/$name.sh"
}

# Applets, pipelines, redirections, $(...), subshells, cd, test, arithmetic;
# "exit 5" is the cluster's status.
test_busybox_basic() {
	user_images || return 1
	bb_cluster basic || return 1
}

# &, wait, kill, trap on EXIT and on signals, 200 forks.
test_busybox_jobs() {
	user_images || return 1
	bb_cluster jobs || return 1
}

# The acceptance check as the issue states it: a script at /S.sh run by
# /bin/sh as init gives the cluster its status.
test_busybox_status() {
	local s=$LOGDIR/busybox-S.sh
	user_images || return 1
	# shellcheck disable=SC2016  # the guest's shell expands it
	printf '%s\n' 'echo "S: $(seq 1 10 | grep -c 1) lines with a 1"' 'exit 12' > "$s"
	user_cluster busybox-status 12 --add-file "$s:/S.sh" --init "/bin/sh /S.sh" || return 1
	expect_log "$ulog" '^S: 2 lines with a 1$' || return 1
	# And one given with -c, quoted on the kernel command line.
	user_cluster busybox-status-c 3 --init "/bin/sh -c 'echo c-ok; exit 3'" || return 1
	expect_log "$ulog" '^c-ok$' || return 1
}
