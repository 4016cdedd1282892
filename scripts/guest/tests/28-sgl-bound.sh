# A request with more DMA elements than its table holds is failed, counted
# and logged, never mapped past the table's end (the per-request
# scatterlist and planner input are arrays of conf.sgl_entries).
#
# The sgl_entries module parameter is the test hook: a table of 4 entries
# under a queue that still takes requests of 128 segments.  Under the page
# profile every page of a buffer is an element of its own, so a direct I/O
# of N aligned pages makes N elements whatever pages it got: 16 KiB fits,
# 64 KiB does not.  Requests that fit are served and verified before and
# after the refused ones; the refused reads leave their buffer and the
# refused writes the medium as they were (nothing was mapped).  Both mapping
# paths, where the kernel has map=iter.
. /sgblk/guest/lib.sh

# oversized_msgs: the driver's messages about requests too large.
oversized_msgs() {
	dmesg | grep -c 'sgblk.*need more than 4 DMA elements'
}

# one_path MAP: the whole check, mapping with MAP.
one_path() {
	m0=$(oversized_msgs)
	sgblk_load capacity_mb=16 profile=page sgl_entries=4 map="$1"
	fio_verify /dev/sgblk0 --rw=randwrite --bs=16k --size=4M ||
		fail "$1: 16k verify (4 elements) failed"
	expect_stat oversized_requests -eq 0
	expect_clean
	# A known pattern where the refused I/O will aim (4 KiB writes fit).
	head -c 1048576 /dev/zero | tr '\0' 'Z' >/tmp/pattern
	dd if=/tmp/pattern of=/dev/sgblk0 bs=4k oflag=direct 2>/dev/null ||
		fail "$1: writing the pattern"
	sum0=$(md5sum </tmp/pattern)
	echo 0 >"$DBG/sgblk0/stats"
	# 64 KiB reads and writes: 16 elements each, all refused.
	fio --name=big --filename=/dev/sgblk0 --direct=1 --ioengine=psync \
		--rw=read --bs=64k --size=1M --continue_on_error=all \
		>/tmp/fio.big 2>&1
	fio --name=bigw --filename=/dev/sgblk0 --direct=1 --ioengine=psync \
		--rw=write --bs=64k --size=1M --continue_on_error=all \
		>>/tmp/fio.big 2>&1
	n=$(sgblk_stat oversized_requests)
	[ "$n" = 32 ] || {
		cat /tmp/fio.big
		fail "$1: $n oversized requests counted, expected 32 (16 reads, 16 writes)"
	}
	errs=$(grep -o 'err=[ 0-9]*' /tmp/fio.big | tr -dc '0-9\n' | sort -u | tr '\n' ' ')
	[ "$errs" = "5 " ] || fail "$1: fio errors '$errs', expected EIO (5) for every job"
	expect_stat requests -eq 0
	expect_stat dma_maps -eq 0
	expect_stat errors -eq 32
	[ "$(oversized_msgs)" -gt "$m0" ] || fail "$1: no message for the oversized requests"
	sum1=$(dd if=/dev/sgblk0 bs=4k count=256 iflag=direct 2>/dev/null | md5sum)
	[ "$sum1" = "$sum0" ] || fail "$1: a refused write changed the medium"
	# The device is whole afterwards.
	fio_verify /dev/sgblk0 --rw=randrw --bs=8k --size=4M ||
		fail "$1: verify after the refused requests failed"
	expect_stat own_violations -eq 0
	expect_stat map_errors -eq 0
	[ "$(dma_key_maps)" = 0 ] || fail "$1: $(dma_key_maps) mappings outstanding"
	sgblk_unload
	note "$1: 32 oversized requests failed with EIO, counted, logged; 16k verify before and after"
}

dma_key_maps() {
	sed -n 's/^maps_outstanding: //p' "$DBG/sgblk0/dma"
}

# sgl_entries outside 1-128 is refused.
for v in 0 129; do
	insmod "$SGBLK_KO" sgl_entries=$v 2>/dev/null && {
		rmmod sgblk
		fail "sgl_entries=$v accepted"
	}
done
dmesg | tail -n 5 | grep -q 'sgl_entries 129 out of range' || fail "no message for sgl_entries=129"

for m in $(map_paths); do
	one_path "$m"
done
exit 0
