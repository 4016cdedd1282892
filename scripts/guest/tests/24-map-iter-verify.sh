# Test 10's verify matrix with map=iter: every DMA profile preset passes fio
# crc32c verification for 4k, 64k, 1M and misaligned (7k, 512 bytes off a
# page) buffers, and 64k 512 bytes off a page (the iter path copies bounce
# data from the request's bio_vecs, not a scatterlist: this makes copies
# that start inside one), write-then-verify and randrw, with requests mapped by the
# block layer's DMA iterator instead of a scatterlist; the counters show
# each profile did its job (splits, bounces through copies from the
# request's own pages) and every histogram counts every request once.  Half
# of test 10's sizes.  7.x kernels only.
. /sgblk/guest/lib.sh

map_iter_expected || skip "no map=iter on $KVER (needs 7.x's blk_rq_dma_map_iter_*)"
sgblk_load capacity_mb=128 map=iter
[ "$(sed -n 's/^map: //p' "$DBG/sgblk0/dma")" = iter ] || fail "not mapping with iter"

# check_iter MAP PRESET: every mapping unmapped, what each preset must have
# done, every histogram counting every request once.
check_iter() {
	expect_stat dma_maps -eq "$(sgblk_stat dma_unmaps)"
	case "$2" in
	boundary-1k) expect_stat splits_boundary -gt 0 ;;
	align-4k)
		expect_stat bounce_segs -gt 0
		expect_stat bounce_align -gt 0 ;;
	desc-4) expect_stat bounce_segs -gt 0 ;;
	esac
	expect_hist_totals "$2" sg_elems_per_request min_segment_bytes \
		descs_per_request bounce_bytes_per_request mapped_per_request
}

# misaligned-64k, 64 KiB 512 bytes off a page: bounce runs longer than a
# bounce buffer, so copies start inside a bio_vec and go on to the next.
verify_matrix label=map=iter workloads="$WORKLOADS misaligned-64k" div=2 \
	stats='requests|sg_elems|dma_merged|descs|splits_boundary|bounce_segs|bounce_align|dma_maps|dma_unmaps' \
	check=check_iter
note "map=iter verify matrix: $VM_RUNS runs, 0 failures"
sgblk_unload
