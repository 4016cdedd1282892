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
runs=0
for p in none page boundary-1k align-4k dma28 desc-4; do
	set_profile "$p"
	echo 0 >"$DBG/sgblk0/stats"
	for w in $WORKLOADS misaligned-64k; do
		opts=$(workload_opts "$w")
		# 64 KiB 512 bytes off a page: bounce runs longer than a bounce
		# buffer, so copies start inside a bio_vec and go on to the next.
		[ "$w" = misaligned-64k ] && opts="--bs=64k --mem_align=512 --size=16M"
		mb=${opts##*--size=}
		mb=${mb%%M*}
		for rw in write randrw; do
			# shellcheck disable=SC2086
			fio_verify /dev/sgblk0 --rw="$rw" $opts --size=$((mb / 2))M ||
				fail "map=iter, profile $p, workload $w, $rw: verify failed"
			runs=$((runs + 1))
		done
	done
	note "$p: $(grep -E '^(requests|sg_elems|dma_merged|descs|splits_boundary|bounce_segs|bounce_align|dma_maps|dma_unmaps) ' \
		"$DBG/sgblk0/stats" | tr '\n' ' ')"
	expect_clean
	expect_stat requests -gt 0
	expect_stat dma_maps -eq "$(sgblk_stat dma_unmaps)"
	case "$p" in
	boundary-1k) expect_stat splits_boundary -gt 0 ;;
	align-4k)
		expect_stat bounce_segs -gt 0
		expect_stat bounce_align -gt 0 ;;
	desc-4) expect_stat bounce_segs -gt 0 ;;
	esac
	req=$(sgblk_stat requests)
	for h in sg_elems_per_request min_segment_bytes descs_per_request \
		bounce_bytes_per_request mapped_per_request; do
		tot=$(awk -v h="$h" '$1 == h { s += $3 } END { print s + 0 }' "$DBG/sgblk0/hist")
		[ "$tot" = "$req" ] || fail "$p: histogram $h totals $tot, requests $req"
	done
done
note "map=iter verify matrix: $runs runs, 0 failures"
sgblk_unload
