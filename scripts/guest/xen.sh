# Helpers for the Xen tests (sourced after lib.sh).  scripts/vm --xen boots
# Xen with the guest kernel as its PV dom0, where every device maps through
# swiotlb-xen and a DMA address is a machine address.

# xen_require: the test runs in a Xen PV dom0, or is skipped; where the
# runner booted Xen on purpose (SGBLK_XEN=1, run-tests' Xen boots) a guest
# that is no dom0 fails the test instead.
xen_require() {
	if [ "$(cat /sys/hypervisor/type 2>/dev/null)" = xen ] &&
		[ "$(cat /sys/hypervisor/guest_type 2>/dev/null)" = PV ] &&
		[ -d /sys/devices/system/xen_memory/xen_memory0 ]; then
		[ -r /sys/kernel/debug/swiotlb/io_tlb_used ] ||
			fail "no /sys/kernel/debug/swiotlb/io_tlb_used: swiotlb-xen's slots cannot be counted"
		return 0
	fi
	[ "${SGBLK_XEN:-0}" = 1 ] && fail "booted for Xen, but this is no Xen PV dom0"
	skip "not a Xen PV dom0 (boot with scripts/vm --xen)"
}

# swiotlb_used: the slots swiotlb (swiotlb-xen's bounce buffer) holds now;
# xen_require checked that the kernel shows them (no stand-in value that
# would make every comparison pass).
swiotlb_used() {
	cat /sys/kernel/debug/swiotlb/io_tlb_used
}

# xen_sample: the engine's first translation, "DMA -> machine M -> P".
xen_sample() {
	sed -n 's/^sample: //p' "$DBG/${1:-sgblk0}/dma"
}

# expect_xen_translation [DISK]: the disk maps through swiotlb-xen and the
# engine's sample went DMA -> machine -> physical, with the machine frame
# not the physical one (pfn != mfn: a translation that is the identity
# would not be seen to work).
expect_xen_translation() {
	_xb=$(dma_backend "$1")
	[ "$_xb" = xen-swiotlb ] || fail "backend '$_xb', expected xen-swiotlb"
	_xs=$(xen_sample "$1")
	# shellcheck disable=SC2086 # the sample's words
	set -- $_xs
	if [ "$2" != "->" ] || [ "$3" != machine ] || [ "$5" != "->" ]; then
		fail "sample '$_xs' is not 'DMA -> machine M -> P'"
	fi
	[ "$(( $4 >> 12 ))" != "$(( $6 >> 12 ))" ] ||
		fail "sample '$_xs': machine frame = physical frame, the p2m is the identity here"
}

# balloon_kb: dom0's balloon target in KiB.
balloon_kb() {
	cat /sys/devices/system/xen_memory/xen_memory0/target_kb
}

# balloon_to KB: set dom0's balloon target and wait (20 s at most) until
# the balloon driver got there.
balloon_to() {
	echo "$1" >/sys/devices/system/xen_memory/xen_memory0/target_kb ||
		fail "cannot set the balloon target to $1 KiB"
	_bw=0
	while [ "$(( $(cat /sys/devices/system/xen_memory/xen_memory0/info/current_kb) ))" != "$1" ]; do
		[ $_bw -lt 200 ] || fail "the balloon did not reach $1 KiB in 20 s ($(cat /sys/devices/system/xen_memory/xen_memory0/info/current_kb) KiB)"
		sleep 0.1
		_bw=$((_bw + 1))
	done
}
