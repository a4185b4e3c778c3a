# The processor manager's user mode without a memory node: the user_*
# self-tests run hand-made programs that make syscalls and fault, and one
# that this node execs as its own (fake) memory node over FIT's loopback
# transport, through the pcache (Documentation/processor.md, "Self-tests").

# proc_user_checks LOG: both tests passed, with the lines they cause.
proc_user_checks() {
	local log=$1
	expect_log "$log" 'selftest: user_syscalls \.\.\. ok' || return 1
	expect_log "$log" 'selftest: user_faults \.\.\. ok' || return 1
	expect_log "$log" 'selftest: user_pipe \.\.\. ok' || return 1
	expect_log "$log" 'selftest: user_exec_loopback \.\.\. ok' || return 1
	expect_log "$log" 'selftest: summary: 4 passed, 0 failed' || return 1
	# exec'd from the fake memory node: argv[1], then a file it served.
	expect_log "$log" '^argv-one' || return 1
	expect_log "$log" '^hello from M' || return 1
	expect_log "$log" '^pcache_lines [1-9][0-9]*' || return 1
	expect_log "$log" 'exec\[[0-9]+\]: segfault at 0x10001000 ip 0x[0-9a-f]+ error 4' || return 1
	expect_log "$log" 'down\[[0-9]+\]: memory node [0-9]+ unreachable \(-112\), killed' || return 1
	expect_log "$log" 'processor: /test/down\[[0-9]+\] killed by SIGKILL' || return 1
	# The program's write, raw on the console: no timestamp.
	expect_log "$log" '^user: hello!' || return 1
	expect_log "$log" 'syscall: unimplemented: unknown \(1000\)' || return 1
	expect_log "$log" 'processor: /test/syscalls\[[0-9]+\] exited with status 42' || return 1
	expect_log "$log" 'segv\[[0-9]+\]: segfault at 0x10 ip 0x400000 error 4[[:space:]]*$' || return 1
	expect_log "$log" 'processor: /test/segv\[[0-9]+\] killed by SIGSEGV' || return 1
	expect_log "$log" 'ud2\[[0-9]+\]: trap invalid opcode ip 0x400000' || return 1
	expect_log "$log" 'processor: /test/ud2\[[0-9]+\] killed by SIGILL' || return 1
	expect_log "$log" 'gp\[[0-9]+\]: general protection fault ip 0x400000' || return 1
	expect_log "$log" 'div\[[0-9]+\]: trap divide error ip 0x400002' || return 1
	expect_log "$log" 'processor: /test/div\[[0-9]+\] killed by SIGFPE' || return 1
	expect_log "$log" 'write_ro\[[0-9]+\]: segfault at 0x400000 ip 0x400000 error 7[[:space:]]*$' || return 1
	expect_no_log "$log" 'BUG:|Oops|WARNING:|Kernel panic' || return 1
}

test_proc_user_selftests() {
	local log=$LOGDIR/proc-user.log
	build processor || return 1
	boot proc-user 0 --kernel out/processor/tessera.elf \
		--cmdline "selftest=user_*" --timeout 120 || return 1
	expect_log "$log" 'processor: no fabric, so no memory node: not starting init' || return 1
	proc_user_checks "$log" || return 1
}

# Two CPUs: user tasks are created, preempted and exit on either one.
test_proc_user_selftests_smp2() {
	local log=$LOGDIR/proc-user-smp2.log
	build processor || return 1
	boot proc-user-smp2 0 --kernel out/processor/tessera.elf --smp 2 \
		--cmdline "selftest=user_*" --timeout 180 || return 1
	proc_user_checks "$log" || return 1
}

# --------------------------------------------------------------------------
# Real programs on one node: the processor_local image serves its own
# memory over loopback (CONFIG_PROCESSOR_LOCAL_MEMORY), from an archive of
# the usr/ programs given as a GRUB module.

# proc_local NAME WANT CMDLINE: boot it; the node's status must be WANT.
proc_local() {
	local name=$1 want=$2 cmdline=$3 root=$LOGDIR/proc-local-archive
	build processor_local || return 1
	if [ ! -e "$LOGDIR/proc-local.cpio" ]; then
		rm -rf "$root" && mkdir -p "$root/bin" "$root/musl/bin" &&
		cp out/processor_local/usr/glibc/* "$root/bin/" &&
		cp out/processor_local/usr/musl/* "$root/musl/bin/" &&
		(cd "$root" && find bin musl | cpio -o -H newc -R 0:0 --quiet) \
			> "$LOGDIR/proc-local.cpio" ||
			fail "cannot build the archive" || return 1
	fi
	boot "$name" "$want" --kernel out/processor_local/tessera.elf \
		--module "$LOGDIR/proc-local.cpio:initrd" --cmdline "$cmdline" \
		--timeout 300 || return 1
	expect_no_log "$LOGDIR/$name.log" 'BUG:|Oops|WARNING:|Kernel panic' || return 1
}

test_proc_local_hello() {
	local d log
	for d in bin musl/bin; do
		log=$LOGDIR/proc-local-hello-${d%%/*}.log
		proc_local "proc-local-hello-${d%%/*}" 0 "init=/$d/hello" || return 1
		expect_log "$log" '^hello, world' || return 1
		expect_log "$log" "processor: /$d/hello\\[1\\] exited with status 0" || return 1
		expect_log "$log" 'processor: init done, powering off with status 0' || return 1
	done
}

test_proc_local_args_mmtest() {
	local d log
	for d in bin musl/bin; do
		log=$LOGDIR/proc-local-mm-${d%%/*}.log
		proc_local "proc-local-mm-${d%%/*}" 0 \
			"init=\"/$d/args one 'two words'; /$d/mmtest\"" || return 1
		expect_log "$log" '^args: argc = 3' || return 1
		expect_log "$log" '^args: argv\[2\] = "two words"' || return 1
		expect_log "$log" '^args: envp\[0\] = "HOME=/"' || return 1
		expect_log "$log" '^args: OK' || return 1
		expect_log "$log" "^mmtest: /proc/self/exe -> /$d/mmtest" || return 1
		expect_log "$log" '^mmtest: OK' || return 1
	done
}

# A segfault kills one program; the next runs; the node's status is 32 + 11.
test_proc_local_segv() {
	local log=$LOGDIR/proc-local-segv.log
	proc_local proc-local-segv 43 "init=/bin/segv init=/musl/bin/hello" || return 1
	expect_log "$log" 'segv\[1\]: segfault at 0x[0-9a-f]+ ip 0x[0-9a-f]+ error 4' || return 1
	expect_log "$log" 'processor: /bin/segv\[1\] killed by SIGSEGV' || return 1
	sed -n '/segv\[1\]: segfault at/,$p' "$log" | grep -q '^hello, world' ||
		fail "no 'hello, world' after the segfault in $log" || return 1
	expect_log "$log" 'processor: init done, powering off with status 43' || return 1
}

# Exit statuses: the program's (2), and 32 for a program that is not there.
test_proc_local_exit_status() {
	proc_local proc-local-exit2 2 "init=\"/bin/memstress bogus\"" || return 1
	expect_log "$LOGDIR/proc-local-exit2.log" '^memstress: usage' || return 1
	proc_local proc-local-enoent 32 "init=/bin/nope" || return 1
	expect_log "$LOGDIR/proc-local-enoent.log" 'processor: cannot run /bin/nope: error -2' || return 1
}

# A tiny pcache under 4x its size of data: evictions, write-backs and
# refills; the checksum is the host's.
test_proc_local_memstress_tiny_pcache() {
	local d log sum
	build processor_local || return 1
	sum=$(out/processor_local/usr/glibc/memstress 32 | sed -n 's/^memstress: checksum //p')
	for d in bin musl/bin; do
		log=$LOGDIR/proc-local-tiny-${d%%/*}.log
		proc_local "proc-local-tiny-${d%%/*}" 0 \
			"pcache=8M pcache.ways=8 pcache.stats=1 init=\"/$d/memstress 32\"" || return 1
		expect_log "$log" "^memstress: checksum $sum" || return 1
		expect_log "$log" '^memstress: OK' || return 1
		expect_log "$log" 'nr_pcache_eviction_succeed [1-9]' || return 1
		expect_log "$log" 'nr_pcache_fill_from_memory [1-9]' || return 1
	done
}

# --------------------------------------------------------------------------
# 1P-1M clusters over the verbs transport (cluster() is tests/50-fabric.sh's).

# A killed program sets the status (32 + SIGSEGV); the next one runs; the
# memory node frees both address spaces.
test_proc_cluster_segv_next() {
	local d=$LOGDIR/proc-cl-segv
	build processor && build memory || return 1
	cluster proc-cl-segv 43 1P-1M --init /musl/bin/segv --init /bin/hello || return 1
	expect_log "$d/P0.log" 'segv\[1\]: segfault at 0x[0-9a-f]+ ip 0x[0-9a-f]+ error 4' || return 1
	expect_log "$d/P0.log" 'processor: /musl/bin/segv\[1\] killed by SIGSEGV' || return 1
	tr -d '\r' < "$d/P0.log" | sed -n '/segv\[1\]: segfault at/,$p' | grep -q '^hello, world$' ||
		fail "no 'hello, world' after the segfault in $d/P0.log" || return 1
	expect_log "$d/P0.log" 'processor: /bin/hello\[2\] exited with status 0' || return 1
	expect_log "$d/M0.log" 'process [0-9]+:1 exited' || return 1
	expect_log "$d/M0.log" 'process [0-9]+:2 exited' || return 1
	expect_no_log "$d/P0.log" 'BUG:|Oops|WARNING:|Kernel panic' || return 1
}

# The memory node dies under a running program: the process is killed
# with a clear line, the processor does not crash, the next program cannot
# start, and the status is 32 + SIGKILL.
test_proc_cluster_memory_dies() {
	local d=$LOGDIR/proc-cl-mdies
	build processor && build memory || return 1
	cluster proc-cl-mdies 41 1P-1M --kill M0@6 --cmdline P="pcache=8M pcache.ways=8" \
		--init "/bin/memstress 256" --init /bin/hello || return 1
	expect_log "$d/P0.log" 'memstress\[1\]: page fault at 0x[0-9a-f]+ ip 0x[0-9a-f]+ error [0-9a-f]+ could not be served \(-112\)' || return 1
	expect_log "$d/P0.log" 'processor: /bin/memstress\[1\] killed by SIGKILL' || return 1
	expect_log "$d/P0.log" 'processor: cannot run /bin/hello: error -112' || return 1
	expect_log "$d/P0.log" 'processor: init done, powering off with status 41' || return 1
	expect_no_log "$d/P0.log" 'BUG:|Oops|WARNING:|Kernel panic' || return 1
}
