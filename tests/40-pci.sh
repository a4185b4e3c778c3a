# PCI enumeration with an ivshmem-plain device of known BAR sizes.

test_pci_ivshmem_bars() {
	local log=$LOGDIR/pci-ivshmem.log shm=/dev/shm/tessera-test-pci.$$
	build processor || return 1
	boot pci-ivshmem 0 --kernel out/processor/tessera.elf \
		--cmdline "selftest=pci_* fabric=off" -- \
		-object memory-backend-file,id=shm0,share=on,mem-path=$shm,size=8M \
		-device ivshmem-plain,memdev=shm0
	local st=$?
	rm -f "$shm"
	[ $st = 0 ] || return 1
	expect_log "$log" 'pci 0000:00:00\.0: \[8086:29c0\] class 060000' || return 1
	# ivshmem-plain: BAR0 256 bytes of registers, BAR2 the shared memory.
	expect_log "$log" 'pci 0000:00:[0-9a-f]{2}\.0: \[1af4:1110\] class 050000' || return 1
	expect_log "$log" 'BAR0 \[mem 0x[0-9a-f]+00-0x[0-9a-f]+ff\]' || return 1
	grep -aA3 '1af4:1110' "$log" | grep -aE 'BAR2 \[mem 0x([0-9a-f]+)-0x([0-9a-f]+) 64bit pref\]' > "$LOGDIR/pci-bar2" ||
		fail "no 64-bit prefetchable BAR2 on the ivshmem device" || return 1
	local a b
	a=$(sed -E 's/.*mem 0x([0-9a-f]+)-0x([0-9a-f]+).*/\1/' "$LOGDIR/pci-bar2")
	b=$(sed -E 's/.*mem 0x([0-9a-f]+)-0x([0-9a-f]+).*/\2/' "$LOGDIR/pci-bar2")
	[ $((0x$b - 0x$a + 1)) = $((8 << 20)) ] ||
		fail "BAR2 is $((0x$b - 0x$a + 1)) bytes, expected 8 MiB" || return 1
	expect_log "$log" 'selftest: pci_enumeration \.\.\. ok' || return 1
}

# MSI delivery and DMA with QEMU's edu device; MSI-X table programming on
# a virtio device; ECAM and configuration ports agree.
test_pci_msi_dma() {
	local log=$LOGDIR/pci-msi.log
	build processor || return 1
	boot pci-msi 0 --kernel out/processor/tessera.elf \
		--cmdline "selftest=pci_*,pci_edu,pci_msix" -- \
		-device edu -device virtio-rng-pci || return 1
	for t in pci_edu pci_msix pci_ecam_matches_conf1 pci_enumeration; do
		expect_log "$log" "selftest: $t \\.\\.\\. ok" || return 1
	done
}

# pci=conf1: enumeration through the configuration ports alone.
test_pci_conf1() {
	local log=$LOGDIR/pci-conf1.log
	build processor || return 1
	boot pci-conf1 0 --kernel out/processor/tessera.elf \
		--cmdline "pci=conf1 selftest=pci_*" || return 1
	expect_log "$log" 'pci: [0-9]+ functions found \(configuration ports\)' || return 1
	expect_log "$log" 'selftest: pci_enumeration \.\.\. ok' || return 1
}

# QEMU's i440fx machine has no MCFG table: the self-tests that need ECAM
# say "skipped", the run still passes, and the skips are counted.
test_pci_i440fx() {
	local log=$LOGDIR/pci-i440fx.log
	build processor || return 1
	boot pci-i440fx 0 --kernel out/processor/tessera.elf \
		--cmdline "selftest=acpi_*,pci_* fabric=off" -- -machine pc || return 1
	expect_log "$log" 'pci: [0-9]+ functions found \(configuration ports\)' || return 1
	expect_log "$log" 'selftest: pci_ecam_matches_conf1 \.\.\. skipped: no ECAM' || return 1
	expect_log "$log" 'selftest: acpi_hpet_mcfg \.\.\. skipped: no MCFG' || return 1
	expect_log "$log" 'selftest: pci_enumeration \.\.\. ok' || return 1
	expect_log "$log" 'selftest: acpi_tables \.\.\. ok' || return 1
	expect_log "$log" 'selftest: summary: [1-9][0-9]* passed, 0 failed, 2 skipped' || return 1
}
