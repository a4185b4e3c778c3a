# Configuration and build.

build_role() {
	local role=$1 R
	build "$role" || return 1
	R=$(echo "$role" | tr a-z A-Z)
	# Exactly one role in the configuration, and it is ours.
	[ "$(grep -c '^CONFIG_COMP_[A-Z]*=y' "out/$role/.config")" = 1 ] ||
		fail "out/$role/.config selects more or less than one role"
	grep -q "^CONFIG_COMP_$R=y" "out/$role/.config" ||
		fail "out/$role/.config does not select CONFIG_COMP_$R"
	grub-file --is-x86-multiboot2 "out/$role/tessera.elf" ||
		fail "out/$role/tessera.elf is not a Multiboot2 image"
}

test_build_processor() { build_role processor; }
test_build_memory() { build_role memory; }
test_build_storage() { build_role storage; }

# Editing a header rebuilds exactly the objects that include it; a second
# make does nothing.
test_build_incremental() {
	local log=$LOGDIR/build-incremental.log
	build processor || return 1
	touch include/tessera/bootinfo.h
	make O=out/processor all > "$log" 2>&1 || fail "rebuild failed" || return 1
	expect_log "$log" 'CC +arch/x86/boot/multiboot2.o' \
		"multiboot2.o not rebuilt after touching bootinfo.h" || return 1
	expect_no_log "$log" 'CC +lib/glob.o' \
		"glob.o rebuilt although it does not include bootinfo.h" || return 1
	expect_log "$log" 'LD +tessera.elf' "image not relinked" || return 1
	make O=out/processor all > "$log" 2>&1 || return 1
	expect_no_log "$log" '(CC|LD) ' "second make was not a no-op" || return 1
}

# "make O=DIR defconfig all" with -j runs the goals in order; olddefconfig
# restores a removed default.
test_build_config_targets() {
	local d=out/test-config
	rm -rf "$d"
	make O=$d memory_defconfig all > "$LOGDIR/build-config.log" 2>&1 ||
		fail "make memory_defconfig all failed" || return 1
	grep -q '^CONFIG_COMP_MEMORY=y' $d/.config || fail "not a memory config" || return 1
	[ -f $d/tessera.elf ] || fail "no $d/tessera.elf" || return 1
	sed -i '/^CONFIG_LOG_BUF_SHIFT=/d' $d/.config
	make O=$d olddefconfig >> "$LOGDIR/build-config.log" 2>&1 || return 1
	grep -q '^CONFIG_LOG_BUF_SHIFT=17' $d/.config ||
		fail "olddefconfig did not restore CONFIG_LOG_BUF_SHIFT" || return 1
	# The kernel builds without the self-tests too.
	sed -i 's/^CONFIG_SELFTEST=y/# CONFIG_SELFTEST is not set/' $d/.config
	make O=$d olddefconfig all >> "$LOGDIR/build-config.log" 2>&1 ||
		fail "build with CONFIG_SELFTEST=n failed" || return 1
	! nm $d/tessera.elf | grep -q selftest_run_requested ||
		fail "self-tests still built with CONFIG_SELFTEST=n" || return 1
	make O=$d defconfig >> "$LOGDIR/build-config.log" 2>&1 || return 1
	grep -q '^CONFIG_COMP_PROCESSOR=y' $d/.config ||
		fail "defconfig is not the processor configuration" || return 1
	rm -rf "$d"
}

test_build_install() {
	local d=$OUT/test-install
	build storage || return 1
	rm -rf "$d"
	make O=out/storage install INSTALL_PATH="$d" > "$LOGDIR/build-install.log" 2>&1 ||
		fail "make install failed" || return 1
	cmp -s out/storage/tessera.elf "$d/tessera-storage.elf" ||
		fail "image not copied" || return 1
	grep -q "multiboot2 $d/tessera-storage.elf" "$d/tessera-storage.grub.cfg" ||
		fail "no multiboot2 line in the GRUB snippet" || return 1
}
