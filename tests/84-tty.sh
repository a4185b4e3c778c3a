# The console terminal (Documentation/processor.md, "Terminal"): P's serial
# console is a tty with the N_TTY line discipline.  The tests type into
# P0's console through scripts/cluster --serial-socket and
# scripts/serial-expect (python3), and read what usr/ttytest saw.
#
# What they expect from the kernel side:
#   - termios defaults as Linux gives a serial tty, TCGETS/TCSETS*,
#     TIOCGWINSZ/TIOCSWINSZ, TIOCGPGRP/TIOCSPGRP/TIOCGSID/TIOCSCTTY,
#     FIONREAD, TIOCOUTQ, TCFLSH, TCXONC, TCSBRK; -ENOTTY otherwise;
#   - the first process of init= owns the console as controlling tty;
#   - with stdin=serial, canonical line editing (ERASE, WERASE, KILL,
#     LNEXT, EOF), echo (ECHOE rubs out with "\b \b", ECHOCTL shows ^C),
#     raw reads with VMIN/VTIME, OPOST/ONLCR on output;
#   - ^C sends SIGINT to the foreground process group.

# tty_cluster NAME WANT "PROMPT=INPUT"... -- CLUSTER ARGS...: a 1P-1M
# cluster with stdin=serial whose console gets INPUT after each PROMPT.
# The bytes P0's console sent end up in $wire.
tty_cluster() {
	local name=$1 want=$2 sock pairs=() epid est
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		pairs+=("$1")
		shift
	done
	shift
	command -v python3 > /dev/null ||
		fail "python3 is needed to type into the console" || return 1
	sock=$(mktemp -u /tmp/tessera-tty.XXXXXX)
	wire=$LOGDIR/$name.wire
	"$srctree/scripts/serial-expect" "$sock" --timeout "$USER_TIMEOUT" \
		--transcript "$wire" "${pairs[@]}" > "$LOGDIR/$name.expect" 2>&1 &
	epid=$!
	user_cluster "$name" "$want" --serial-socket "$sock" \
		--cmdline P=stdin=serial "$@"
	st=$?
	wait $epid
	est=$?
	rm -f "$sock"
	[ $st = 0 ] || return 1
	[ $est = 0 ] ||
		fail "serial-expect: $(cat "$LOGDIR/$name.expect") (see $wire)"
}

# wire_has TEXT WHAT: the console sent TEXT (printf escapes; NL shows
# as ~ and CR as ^, so TEXT may span lines).
wire_has() {
	local text
	text=$(printf '%b' "$1" | tr '\n\r' '~^')
	tr '\n\r' '~^' < "$wire" | grep -qaF -- "$text" ||
		fail "the console did not send $2 ($1; see $wire)"
}

test_tty_ioctls() {
	user_images || return 1
	user_cluster tty-ioctls 0 --init /bin/ttytest --init /musl/bin/ttytest ||
		return 1
	[ "$(grep -c '^ttytest: OK' "$ulog")" = 2 ] ||
		fail "ttytest did not pass twice (see $ulog)" || return 1
	user_clean_logs tty-ioctls
}

test_tty_input() {
	# What ttytest input reads after each prompt, for glibc and musl.
	local pairs=('ttytest: line?=helxo\x7f\x7flo wrold\x17world\r'
		'ttytest: kill?=garbage\x15line two\r'
		'ttytest: eof?=partial\x04'
		'ttytest: eof2?=\x04'
		'ttytest: short?=abcdefgh\n'
		'ttytest: lnext?=a\x16\x7fb\r'
		'ttytest: bs?=abX\x08c\r'
		'ttytest: raw?=x\ry'
		'ttytest: ctl?=\x03'
		'ttytest: inter?=pq')

	user_images || return 1
	pairs+=("${pairs[@]}")
	tty_cluster tty-input 0 "${pairs[@]}" -- \
		--init "/bin/ttytest input" --init "/musl/bin/ttytest input" ||
		return 1
	[ "$(grep -c '^ttytest: OK' "$ulog")" = 2 ] ||
		fail "ttytest input did not pass twice (see $ulog)" || return 1
	# Echo: ERASE and WERASE rub out, KILL (ECHOKE) rubs out the line.
	wire_has 'helxo\b \b\b \blo wrold\b \b\b \b\b \b\b \b\b \bworld\r\n' \
		"the erase echo" || return 1
	wire_has 'garbage\b \b\b \b\b \b\b \b\b \b\b \b\b \bline two\r\n' \
		"the kill echo" || return 1
	# LNEXT shows "^" until the quoted byte replaces it.
	wire_has 'a^\b^?b\r\n' "the LNEXT echo" || return 1
	wire_has 'abX\b \bc\r\n' "the ^H erase echo" || return 1
	# ONLCR on, then off.
	wire_has 'opost on three\r\nfour\r\n' "NL as CR NL with OPOST" || return 1
	wire_has 'opost off one\ntwo\n' "NL alone without OPOST" || return 1
	user_clean_logs tty-input
}

test_tty_intr() {
	user_images || return 1
	tty_cluster tty-intr nz 'ttytest: intr?=abc\x03' -- \
		--init "/bin/ttytest intr" || return 1
	wire_has 'abc^C' "the ^C echo" || return 1
	expect_log "$ulog" 'ttytest\[1\] killed by SIGINT' \
		"^C did not kill the reader with SIGINT (see $ulog)" || return 1
	user_clean_logs tty-intr
}

# A reader waiting for the terminal sleeps: no polling of the UART.
test_tty_idle_reader() {
	local d=$LOGDIR/tty-idle cpid pid t0 t1 used
	user_images || return 1
	rm -rf "$d"
	"$srctree/scripts/cluster" 1P-1M --out "$d" --no-build --timeout 120 \
		--cmdline-all "fabric.wait=20" --cmdline P=stdin=serial \
		--init "/bin/ttytest intr" > "$LOGDIR/tty-idle.cluster" 2>&1 &
	cpid=$!
	for _ in $(seq 300); do
		grep -aq 'ttytest: intr?' "$d/P0.log" 2>/dev/null && break
		sleep 0.2
	done
	sleep 1
	pid=$(pgrep -f "qemu-system.*$d/P0.log")
	t0=$(qemu_ticks "$pid")
	sleep 10
	t1=$(qemu_ticks "$pid")
	kill "$cpid" 2>/dev/null
	wait "$cpid" 2>/dev/null
	[ -n "$pid" ] && grep -aq 'ttytest: intr?' "$d/P0.log" ||
		fail "ttytest did not reach its read (see $d/P0.log)" || return 1
	used=$(( (t1 - t0) * 100 / $(getconf CLK_TCK) / 10 ))
	echo "P0 with a reader waiting: ${used}% of one host core over 10 s"
	[ "$used" -lt 20 ] || fail "P0 used ${used}% of a core while its reader waited"
}
