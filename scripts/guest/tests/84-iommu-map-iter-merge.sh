# Test 81 with map=iter: the block layer's DMA iterator links a request's
# pages into one IOVA range when the domain translates (lazy, strict), so a
# 128 KiB sequential request on profile none is one mapped range
# (mapped_per_request 1, dma_merged = elements - 1); the device's segment
# boundary (profile page: 4 KiB, in dma_parms) does not stop the linking,
# as it stops dma_map_sg's merging, so there the planner splits the range
# at every 4 KiB instead.  An identity domain links nothing: every element
# is mapped on its own, DMA address = physical.  On a fixed workload both
# paths count the same elements (sg_elems).  Every mapping is ended
# (blk_rq_dma_unmap or per-range unmaps) after each run, and the data
# verifies.  7.x kernels with an IOMMU only.
# shellcheck disable=SC2154 # elems, merged, req, splits: set by seq128 (iommu.sh); req_*, elems_*, merged_*: by eval
. /sgblk/guest/lib.sh
. /sgblk/guest/iommu.sh

map_iter_expected || skip "no map=iter on $KVER (needs 7.x's blk_rq_dma_map_iter_*)"
iommu_disk_load 32
mode=$(iommu_mode)
set_map iter

runs=0
seq128 none "$mode, map=iter"
one=$(awk '$1 == "mapped_per_request" && $2 == "1-1" { print $3 }' "$DBG/sgblk0/hist")
runs=$((runs + 1))
if [ "$mode" = identity ]; then
	[ "$merged" = 0 ] || fail "identity domain merged $merged elements"
else
	[ "$merged" -gt 0 ] || fail "$mode: no element merged on profile none"
	[ "${one:-0}" = "$req" ] ||
		fail "$mode: ${one:-0} of $req requests were one IOVA range"
	[ "$merged" = $((elems - req)) ] ||
		fail "$mode: dma_merged $merged, expected elements - requests = $((elems - req))"
fi
seq128 page "$mode, map=iter"
runs=$((runs + 1))
if [ "$mode" = identity ]; then
	[ "$merged" = 0 ] || fail "identity domain merged $merged elements"
else
	[ "$merged" -gt 0 ] || fail "$mode: the iterator did not link across 4 KiB on profile page"
	[ "$splits" -gt 0 ] || fail "$mode: linked ranges on profile page, but the planner split none"
fi

# Counters mean the same on both paths: a fixed workload on the same
# physical pages ($SCAT, a shared mapping) makes as many elements
# with map=iter, counted by the block layer's rules, as blk_rq_map_sg
# makes with map=sg.
set_profile none
for m in sg iter; do
	set_map "$m"
	echo 0 >"$DBG/sgblk0/stats"
	fio --name=elems --filename=/dev/sgblk0 --direct=1 --ioengine=psync \
		--rw=randrw --bs=64k --size=4M --randseed=77 --mem_align=512 \
		--mem=mmapshared:"$SCAT" >/tmp/fio.out 2>&1 ||
		{ cat /tmp/fio.out; fail "fixed workload, map=$m"; }
	expect_clean
	eval "req_$m=$(sgblk_stat requests) elems_$m=$(sgblk_stat sg_elems) merged_$m=$(sgblk_stat dma_merged)"
	runs=$((runs + 1))
done
note "$mode, fixed workload: sg $req_sg requests, $elems_sg elements, dma_merged $merged_sg;" \
	"iter $req_iter requests, $elems_iter elements, dma_merged $merged_iter"
[ "$req_sg" = "$req_iter" ] || fail "the fixed workload made $req_sg and $req_iter requests"
[ "$elems_sg" = "$elems_iter" ] ||
	fail "$mode: map=iter counted $elems_iter elements where blk_rq_map_sg made $elems_sg"
expect_no_maps "fixed workload"
rm -f "$SCAT" "$SCAT.pad"

expect_translation "$mode, map=iter"
note "$mode, map=iter: $runs runs, 0 failures"
sgblk_unload
