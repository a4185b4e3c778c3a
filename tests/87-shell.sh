# An interactive busybox sh on P's console, driven from the test like
# expect does: write a line, wait for a regular expression in the output.
#
# P0's serial is reached through scripts/cluster --interactive with stdin
# a FIFO (the cluster holds piped input back until P0 has booted, and
# passes stdin=serial to P0) and stdout a file.  The same dialogue runs
# first against the host's busybox on a pseudo-terminal (script(1)), so
# that the driver and the expectations are known good.
#
# What it needs from the kernel (issue 9): everything busybox sh does
# interactively (workloads-abi.md): the console as a terminal (TCGETS,
# TCSETS, TIOCGPGRP/TIOCSPGRP, /dev/tty, poll), fork/exec/wait, ^C
# (byte 0x03) sending SIGINT to the foreground process group, and exit N
# ending the cluster with status N.

SHELL_TIMEOUT=300
SHELL_WAIT=60	# seconds for one expectation (the prompt needs a boot)

# sh_start NAME CMD...: start CMD with stdin a FIFO we write and stdout
# (and stderr) $sh_out.
sh_start() {
	local dir=$LOGDIR/$1
	shift
	rm -rf "$dir"
	mkdir -p "$dir" && mkfifo "$dir/in" || fail "cannot create $dir/in" || return 1
	sh_out=$dir/console
	: > "$sh_out"
	"$@" < "$dir/in" > "$sh_out" 2>&1 &
	sh_pid=$!
	exec {sh_in}> "$dir/in"
	sh_mark=0
}

# sh_send STRING: write STRING (printf %b escapes: \n, \003) to the input.
sh_send() {
	# shellcheck disable=SC2059
	printf "$1" >&"$sh_in"
}

# sh_expect REGEX [SECONDS]: wait until a line of the output not matched
# before matches REGEX (ERE; carriage returns and terminal escapes such
# as busybox's cursor query dropped); what comes before it, and the line
# itself, are then consumed.
sh_expect() {
	local re=$1 secs=${2:-$SHELL_WAIT} end n
	end=$(($(date +%s) + secs))
	while :; do
		n=$(tail -c +$((sh_mark + 1)) "$sh_out" | tr -d '\r' |
			sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' | grep -anE -- "$re" | head -n 1)
		if [ -n "$n" ]; then
			n=${n%%:*}
			sh_mark=$((sh_mark + $(tail -c +$((sh_mark + 1)) "$sh_out" | head -n "$n" | wc -c)))
			return 0
		fi
		if [ "$(date +%s)" -ge "$end" ] || ! kill -0 "$sh_pid" 2>/dev/null; then
			fail "no output matching /$re/ within $secs s (see $sh_out from byte $sh_mark)"
			return 1
		fi
		sleep 0.2
	done
}

# sh_finish WANT: close the input, wait for the session to end with
# status WANT.
sh_finish() {
	local st
	exec {sh_in}>&-
	wait "$sh_pid"
	st=$?
	[ "$st" = "$1" ] || fail "session ended with status $st, expected $1 (see $sh_out)"
}

# sh_abort: stop a session that failed.
sh_abort() {
	exec {sh_in}>&- 2>/dev/null
	kill -TERM "$sh_pid" 2>/dev/null
	wait "$sh_pid" 2>/dev/null
	return 1
}

# The prompt: "# " at the end of a line (init's environment has PS1).
SH_PROMPT='# $'

# sh_dialogue: the session, once a shell is starting; it must end with
# status 3.
# shellcheck disable=SC2016  # the guest's shell expands the commands
sh_dialogue() {
	sh_expect "$SH_PROMPT" || return 1
	sh_send 'echo $((6*7))\n'
	sh_expect '^42$' 20 || return 1
	sh_expect "$SH_PROMPT" 20 || return 1
	sh_send 'echo "cwd $(pwd)"; cd /bin && echo "now $PWD"\n'
	sh_expect '^cwd /' 20 && sh_expect '^now /bin$' 20 || return 1
	sh_expect "$SH_PROMPT" 20 || return 1
	sh_send 'seq 1 100 | grep 9 | wc -l\n'
	sh_expect '^19$' 30 || return 1
	sh_expect "$SH_PROMPT" 20 || return 1
	# ^C kills the foreground job, not the shell.
	sh_send 'sleep 100\n'
	sh_expect 'sleep 100' 20 || return 1
	sleep 2
	sh_send '\003'
	sh_expect "$SH_PROMPT" 20 || return 1
	sh_send 'echo "status $?"\n'
	sh_expect '^status 130$' 20 || return 1
	sh_expect "$SH_PROMPT" 20 || return 1
	sh_send 'exit 3\n'
}

# The driver and the dialogue against the host's busybox on a pty.
test_shell_host() {
	command -v script > /dev/null || fail "no script(1) on the host (bsdutils)" || return 1
	# (A background job of a script ignores SIGINT, and so would the shell's.)
	sh_start shell-host env --default-signal=INT,QUIT -i HOME=/ PATH=/bin:/usr/bin TERM=linux 'PS1=# ' \
		script -qfec "busybox sh -i" /dev/null || return 1
	sh_dialogue || sh_abort || return 1
	sh_finish 3 || return 1
}

test_shell_interactive() {
	local n
	user_images || return 1
	sh_start shell-tessera "$srctree/scripts/cluster" 1P-1M --no-build \
		--out "$LOGDIR/shell-tessera/cluster" --timeout $SHELL_TIMEOUT \
		--cmdline-all "fabric.wait=20" --interactive --init /bin/sh || return 1
	sh_dialogue || sh_abort || return 1
	sh_finish 3 || return 1
	for n in P0 M0; do
		expect_no_log "$LOGDIR/shell-tessera/cluster/$n.log" 'BUG:|Oops|WARNING:|Kernel panic' || return 1
	done
	expect_log "$sh_out" 'cluster: M0 +memory +stopped at the end' || return 1
}

# Commands from a pipe: the cluster holds them until P0 has booted.
test_shell_piped() {
	local log=$LOGDIR/shell-piped.out st
	user_images || return 1
	printf 'echo hi\nexit 3\n' | "$srctree/scripts/cluster" 1P-1M --no-build \
		--out "$LOGDIR/shell-piped" --timeout $SHELL_TIMEOUT \
		--cmdline-all "fabric.wait=20" --interactive --init /bin/sh > "$log" 2>&1
	st=$?
	[ "$st" = 3 ] || fail "piped session: status $st, expected 3 (see $log)" || return 1
	tr -d '\r' < "$log" | grep -q '^hi$' || fail "no line 'hi' in $log" || return 1
	expect_log "$LOGDIR/shell-piped/P0.log" 'Command line: .*init="/bin/sh" .*stdin=serial' || return 1
}
