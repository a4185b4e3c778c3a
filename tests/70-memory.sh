# The memory manager: files from a cpio archive module, the ELF loader
# and the address spaces, driven by its self-tests through FIT's
# loopback transport (managers/memory/selftest.c).

MEMORY_TESTS="memory_archive memory_open_pread memory_stat memory_getdents memory_exec_tiny
memory_exec_pie memory_exec_busybox memory_exec_errors memory_exec_replace
memory_miss_writeback memory_fork memory_piggyback memory_mmap memory_mmap_file
memory_munmap memory_mprotect memory_brk memory_mremap memory_madvise
memory_malformed memory_exit_frees memory_forget_node memory_concurrent
memory_pagecache_io memory_pagecache_evict memory_pagecache_exec memory_pagecache_mmap"

# memory_archive_build DIR: the archive the self-tests expect, in DIR.
memory_archive_build() {
	local d=$1 root=$1/root
	rm -rf "$d"
	mkdir -p "$root/bin" "$root/etc" "$root/usr/lib" || return 1
	cat > "$d/tiny.c" <<'C'
static const char msg[] = "tiny\n";
int counter = 7;
char bss[10000];
void _start(void)
{
	asm volatile("syscall" :: "a"(1), "D"(1), "S"(msg), "d"(5) : "rcx", "r11", "memory");
	asm volatile("syscall" :: "a"(60), "D"(counter + bss[0]));
	for (;;)
		;
}
C
	gcc -static -nostdlib -O2 -fno-pie -no-pie -o "$root/bin/tiny" "$d/tiny.c" &&
	gcc -static-pie -nostdlib -O2 -fpie -o "$root/bin/tinypie" "$d/tiny.c" ||
		return 1
	cp /bin/busybox "$root/bin/busybox" || return 1
	ln -s busybox "$root/bin/sh"
	ln -s /bin/loop2 "$root/bin/loop1"
	ln -s /bin/loop1 "$root/bin/loop2"
	ln -s usr/lib "$root/lib"
	cp "$(readlink -f /bin/true)" "$root/bin/dyn"
	printf 'hello from the archive\n' > "$root/etc/hello.txt"
	printf 'lib data\n' > "$root/usr/lib/data.txt"
	: > "$root/etc/memory-selftest"
	printf 'late\n' > "$root/etc/over.txt"
	# An earlier archive whose /etc/over.txt the main one replaces.
	mkdir -p "$d/early/etc" && printf 'early\n' > "$d/early/etc/over.txt" &&
	(cd "$d/early" && find . | cpio -o -H newc --quiet) > "$d/early.cpio" || return 1
	cp "$root/bin/tiny" "$root/etc/noexec" && chmod 644 "$root/etc/noexec"
	head -c 5000 /dev/urandom > "$root/bin/garbage" && chmod 755 "$root/bin/garbage"
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$d/initrd.cpio" || return 1
	# A corrupt archive and a truncated one: logged and ignored.
	head -c 3000 /dev/urandom > "$d/bad.cpio"
	head -c 1000 "$d/initrd.cpio" > "$d/short.cpio"
}

test_memory_selftests() {
	local d=$OUT/memory-archive log=$LOGDIR/memory.log t n=0
	build memory || return 1
	memory_archive_build "$d" > "$LOGDIR/memory-archive.log" 2>&1 ||
		fail "building the test archive failed: see $LOGDIR/memory-archive.log" || return 1
	boot memory 0 --kernel out/memory/tessera.elf --mem 256M \
		--module "$d/early.cpio:early.cpio" --module "$d/bad.cpio:bad.cpio" \
		--module "$d/initrd.cpio:initrd.cpio" \
		--module "$d/short.cpio:short.cpio" \
		--cmdline "selftest=memory_*" --timeout 300 || return 1
	for t in $MEMORY_TESTS; do
		expect_log "$log" "selftest: $t \.\.\. ok" || return 1
		n=$((n + 1))
	done
	expect_log "$log" "selftest: summary: $n passed, 0 failed" || return 1
	expect_log "$log" 'memory: archive: 10 files, [0-9.]+ MiB from module "initrd.cpio"' || return 1
	expect_log "$log" 'memory: archive: 1 file, 0.0 MiB from module "early.cpio"' || return 1
	expect_log "$log" 'memory: archive: module "bad.cpio" ignored: bad magic at offset 0' || return 1
	expect_log "$log" 'memory: archive: module "short.cpio" ignored: truncated' || return 1
	expect_log "$log" 'memory: exec /bin/tiny for 0:[0-9]+: 6 VMAs, entry 0x401000' || return 1
	expect_log "$log" 'memory: process 0:[0-9]+ exited, [0-9]+ pages freed' || return 1
	expect_log "$log" 'memory: exec /bin/dyn for 0:[0-9]+: dynamic executable' || return 1
	expect_log "$log" 'memory: miss request from node 0 rejected: bad payload size' || return 1
	expect_no_log "$log" 'skipped: no test archive' || return 1
	expect_no_log "$log" 'WARNING:|BUG:|Oops' || return 1
}

# Two CPUs: the handlers really run at once (memory_concurrent).
test_memory_smp2() {
	local d=$OUT/memory-archive log=$LOGDIR/memory-smp2.log
	build memory || return 1
	memory_archive_build "$d" > "$LOGDIR/memory-archive.log" 2>&1 ||
		fail "building the test archive failed: see $LOGDIR/memory-archive.log" || return 1
	boot memory-smp2 0 --kernel out/memory/tessera.elf --mem 256M --smp 2 \
		--module "$d/initrd.cpio:initrd.cpio" \
		--cmdline "selftest=memory_concurrent,memory_exit_frees" --timeout 300 || return 1
	expect_log "$log" 'selftest: memory_concurrent \.\.\. ok' || return 1
	expect_log "$log" 'selftest: summary: 2 passed, 0 failed' || return 1
	expect_no_log "$log" 'WARNING:|BUG:|Oops' || return 1
}

# Without any module the memory image boots, serves nothing, and its
# self-tests (as in selftest=all) say they have nothing to run on.
test_memory_no_archive() {
	local log=$LOGDIR/memory-none.log
	build memory || return 1
	boot memory-none 0 --kernel out/memory/tessera.elf \
		--cmdline "selftest=memory_*" --timeout 120 || return 1
	expect_log "$log" 'memory: archive: no module: no files to serve' || return 1
	expect_log "$log" 'memory: serving 1 archive entries to processors \(memproto v1\)' || return 1
	expect_log "$log" 'selftest: memory_exec_tiny: skipped: no test archive' || return 1
	# shellcheck disable=SC2086  # one word per test
	set -- $MEMORY_TESTS
	expect_log "$log" "selftest: summary: $# passed, 0 failed" || return 1
}
