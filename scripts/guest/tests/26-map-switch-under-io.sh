# The mapping path switched between sg and iter every 0.1 s while fio
# verify runs, on a profile that splits and one that bounces: each switch
# freezes the queue, so every request is unmapped the way it was mapped, no
# I/O is lost or failed, the data stays intact and no mapping is left
# behind.  7.x kernels only (map=iter).
. /sgblk/guest/lib.sh

map_iter_expected || skip "no map=iter on $KVER (needs 7.x's blk_rq_dma_map_iter_*)"
sgblk_load capacity_mb=128
total=0 runs=0
for p in boundary-1k align-4k; do
	set_profile "$p"
	echo 0 >"$DBG/sgblk0/stats"
	# shellcheck disable=SC2046
	flip_under_verify "$p" map "iter sg" sgblk0 0.1 10 \
		fio_verify /dev/sgblk0 --rw=randrw $(workload_opts misaligned) --size=64M
	runs=$((runs + 1))
	total=$((total + FLIPS))
	note "$p: $FLIPS switches; $(grep -E '^(requests|splits_boundary|bounce_segs|dma_maps|dma_unmaps) ' \
		"$DBG/sgblk0/stats" | tr '\n' ' ')"
	expect_clean
	o=$(sed -n 's/^maps_outstanding: //p' "$DBG/sgblk0/dma")
	[ "$o" = 0 ] || fail "$p: $o mappings outstanding"
done
note "$runs verify runs, $total map switches, 0 failures"
sgblk_unload
