# With swiotlb=force every streaming mapping bounces through swiotlb, so the
# DMA addresses the engine uses are swiotlb slots, and swiotlb, not the
# driver, decides where they lie.  Every DMA profile, with each mapping path
# the kernel has (map=sg, and map=iter on 7.x), must still pass fio
# crc32c verification for every workload of test 10, no mapping may fail,
# and after each profile swiotlb must be back at its baseline (no slot
# leaked by an unmap that does not match its map); the driver counts every
# element swiotlb bounced (dma_bounced_elems = sg_elems on map=sg).
# Skipped unless the guest was booted with swiotlb=force (scripts/run-tests
# does a second boot for it).
. /sgblk/guest/lib.sh

TLB=/sys/kernel/debug/swiotlb
grep -qw 'swiotlb=force' /proc/cmdline || skip "needs a boot with swiotlb=force"
[ -r "$TLB/io_tlb_used" ] || fail "no $TLB/io_tlb_used"
tlb_used() {
	cat "$TLB/io_tlb_used"
}
# expect_tlb_base WHEN: swiotlb holds no more slots than at the start.
expect_tlb_base() {
	u=$(tlb_used)
	[ "$u" -le "$base" ] || fail "$1: swiotlb holds $u slots, $base at the start"
}

# fio_bounded SECS DEV [fio options...]: fio_verify, but a run that never
# finishes (requests requeued forever) fails with the counters and the
# kernel log instead of hanging the guest.
fio_bounded() {
	secs=$1
	shift
	fio_verify "$@" &
	pid=$!
	t=0
	while kill -0 $pid 2>/dev/null; do
		if [ $t -ge $((secs * 5)) ]; then
			note "stuck after ${secs}s: $(grep -E '^(requests|requeues|map_errors|pool_exhausted) ' \
				"$DBG/sgblk0/stats" | tr '\n' ' ')swiotlb used $(tlb_used)"
			dmesg | tail -n 5 | sed 's/^/# /'
			return 124
		fi
		sleep 0.2
		t=$((t + 1))
	done
	wait $pid
}

base=$(tlb_used)
klog=$(dmesg | wc -l)
note "swiotlb: $(cat "$TLB/io_tlb_nslabs") slots, $base used at the start"

# The mapping really goes through swiotlb: a 64 KiB read held in flight by
# a 300 ms modelled latency holds at least 32 slots (2 KiB each).
sgblk_load capacity_mb=64 completion=timer completion_nsec=300000000
fio --name=probe --filename=/dev/sgblk0 --direct=1 --ioengine=psync \
	--rw=read --bs=64k --size=1M >/tmp/probe.out 2>&1 &
pid=$!
peak=0
while kill -0 $pid 2>/dev/null; do
	u=$(tlb_used)
	[ "$u" -gt "$peak" ] && peak=$u
	sleep 0.05
done
wait $pid || { cat /tmp/probe.out; fail "probe read failed"; }
note "swiotlb peak during the probe: $peak slots"
[ $((peak - base)) -ge 32 ] || fail "a 64 KiB read in flight held $((peak - base)) swiotlb slots, expected >= 32"
sgblk_unload
expect_tlb_base "after the probe"

# check_swiotlb MAP PRESET: splits where due, and no swiotlb slot kept.
check_swiotlb() {
	note "$1 $2: swiotlb used $(tlb_used)"
	# Swiotlb slots are 2 KiB aligned; a 4 KiB element still crosses 1 KiB.
	if [ "$2" = boundary-1k ]; then
		expect_stat splits_boundary -gt 0
	fi
	expect_tlb_base "after map=$1, profile $2"
	# Every element bounced, and the driver saw each (dma_bounced_elems;
	# map=sg: the iterator maps ranges, not elements).
	[ "$1" = iter ] || expect_stat dma_bounced_elems -eq "$(sgblk_stat sg_elems)"
}

sgblk_load capacity_mb=128
# Both mapping paths where the kernel has both (map=iter: 7.x); half of
# test 10's sizes keeps this boot near 1.5 minutes; a run that never ends
# fails after 120 s.
verify_matrix maps="$(map_paths)" div=2 run="fio_bounded 120" \
	stats='requests|requeues|sg_elems|dma_bounced_elems|splits_boundary|bounce_segs' \
	check=check_swiotlb
note "swiotlb verify matrix: $VM_RUNS runs ($(map_paths | tr ' ' +)), 0 failures"
sgblk_unload
expect_tlb_base "after unload"
full=$(dmesg | tail -n +$((klog + 1)) | grep 'swiotlb buffer is full')
[ -z "$full" ] || { echo "$full" | tail -n 3; fail "swiotlb refused a mapping"; }
