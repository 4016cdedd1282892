# Profiles switched every 0.2 s while fio verify runs: the queue is frozen
# for each switch, so no I/O is lost or failed and the data stays intact.
# Two workloads, a disk each: misaligned 7k I/O on sgblk0, and on sgblk1
# 1 MiB I/O from huge pages (fio fails if it cannot map them), in verify
# passes until the 7k run is over and sgblk1's histograms show large
# requests of both kinds: whole (none, align-4k, dma28 and desc-4 take
# 256 KiB to 1 MiB in one element of contiguous memory, which the huge
# pages guarantee) and in many elements (page and boundary-1k cut them
# into 4 KiB ones: 64 or more a request).
. /sgblk/guest/lib.sh

huge_pages_for_1m 12-profile-flip-under-io

sgblk_load capacity_mb=64 nr_devices=2
wait_node /dev/sgblk1
rm -f /tmp/flip.* /tmp/big.*

# big_loop: 1 MiB verify passes on sgblk1 until the 7k run is over and both
# kinds of 1 MiB request were seen (or 20 passes); the number of passes to
# /tmp/big.passes, a failed pass's output to /tmp/big.fail.
big_loop() {
	passes=0
	while [ $passes -lt 20 ]; do
		# shellcheck disable=SC2086 # $HUGE_IOMEM is two options or one
		if ! fio --name=big --filename=/dev/sgblk1 --direct=1 --ioengine=io_uring \
			--rw=randrw --bs=1m --size=32M --iodepth=4 $HUGE_IOMEM \
			--verify=crc32c --verify_fatal=1 --do_verify=1 >/tmp/big.out 2>&1; then
			cp /tmp/big.out /tmp/big.fail
			break
		fi
		passes=$((passes + 1))
		[ -e /tmp/flip.small-done ] &&
			[ "$(hist_ge min_segment_bytes 262144 sgblk1)" -gt 0 ] &&
			[ "$(hist_ge sg_elems_per_request 64 sgblk1)" -gt 0 ] && break
	done
	echo $passes >/tmp/big.passes
}

# verifies: big_loop in the background and the 7k verify on sgblk0; the
# 7k verify's status, once both are over.
verifies() {
	big_loop &
	big=$!
	# shellcheck disable=SC2046
	fio_verify /dev/sgblk0 --rw=randrw $(workload_opts misaligned) --size=32M
	rc=$?
	touch /tmp/flip.small-done
	wait $big
	return $rc
}

# All the presets, in this test's own order (the first switch leaves none,
# the profile the disks load with), on both disks, one every 0.2 s.  Where
# no RAM lies below 256 MiB (arm64), the narrowest mask that reaches RAM
# stands in for dma28.
mask=dma28
[ "$MASK_BITS" = 28 ] || mask=dma_mask_bits=$MASK_BITS
flip_under_verify "7k fio verify" profile "boundary-1k align-4k none $mask desc-4 page" \
	"sgblk0 sgblk1" 0.2 6 verifies
if [ -e /tmp/big.fail ]; then
	tail -n 20 /tmp/big.fail
	fail "1 MiB fio verify failed while profiles flipped"
fi
note "$FLIPS profile switches during the run, $(cat /tmp/big.passes) 1 MiB verify passes"

# The 1 MiB I/O reached sgblk1 as such: 256 KiB a request or more on
# average (the smallest a profile cuts them to, on boundary-1k and desc-4),
# whole ones and ones of many elements.
reqs=$(sgblk_stat requests sgblk1)
bytes=$(($(sgblk_stat bytes_read sgblk1) + $(sgblk_stat bytes_written sgblk1)))
whole=$(hist_ge min_segment_bytes 262144 sgblk1)
many=$(hist_ge sg_elems_per_request 64 sgblk1)
note "sgblk1: $reqs requests, $((bytes / 1048576)) MiB; $whole with an element of 256 KiB or more, $many of 64 elements or more"
[ "$reqs" -gt 0 ] || fail "no request reached sgblk1"
[ "$bytes" -ge $((reqs * 262144)) ] ||
	fail "sgblk1: $reqs requests for $bytes bytes: not the 1 MiB I/O"
[ "$many" -gt 0 ] || fail "sgblk1: no request of 64 elements or more (page, boundary-1k)"
if [ "$HUGE_IOMEM" = --iomem=malloc ]; then
	note "WARNING: no huge pages: whole 1 MiB elements not checked"
else
	[ "$whole" -gt 0 ] || fail "sgblk1: no request with an element of 256 KiB or more (none, align-4k, dma28, desc-4)"
fi
expect_clean sgblk0
expect_clean sgblk1
sgblk_unload
