# The verbs (include/rdma/ib_verbs.h) on the emulated HCA: one node on its
# own region (loopback), and clusters where a processor's self-tests talk
# to a memory node's responder.

# One memory node alone on a fresh region: the self-tests that need no
# peer (argument checks, a QP connected to itself).
test_verbs_loopback() {
	local shm=/dev/shm/tessera-test-verbs.$$ log=$LOGDIR/verbs-loopback.log
	build memory || return 1
	rm -f "$shm"
	truncate -s 64M "$shm" || return 1
	boot verbs-loopback 0 --kernel out/memory/tessera.elf --timeout 60 \
		--cmdline "selftest=verbs_api,verbs_loopback_*,verbs_dereg_*" -- \
		-object "memory-backend-file,id=shm0,share=on,mem-path=$shm,size=64M" \
		-device ivshmem-plain,memdev=shm0
	local rc=$?
	rm -f "$shm"
	[ $rc = 0 ] || return 1
	expect_log "$log" 'verbs: registered shm0: node 0' || return 1
	expect_log "$log" 'selftest: verbs_loopback_send \.\.\. ok' || return 1
	expect_log "$log" 'selftest: verbs_loopback_rdma \.\.\. ok' || return 1
	expect_log "$log" 'selftest: summary: 9 passed, 0 failed' || return 1
	expect_no_log "$log" 'FAIL|WARNING|BUG' || return 1
}
