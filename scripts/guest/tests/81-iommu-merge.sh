# What the IOMMU does to a scatterlist, made visible.  A translating domain
# (lazy or strict) joins the physically scattered pages of a 128 KiB
# sequential request into fewer IOVA ranges (dma_merged > 0 on profile
# none), but never across the 4 KiB boundary profile page puts into
# dma_parms (dma_merged 0 while requests have many elements); its DMA
# addresses are not the physical addresses they reach.  An identity domain
# merges nothing and its DMA addresses are physical.  Skipped without an
# IOMMU.
. /sgblk/guest/lib.sh
. /sgblk/guest/iommu.sh

iommu_disk_load 32
mode=$(iommu_mode)

# fio's buffers: pages never physically contiguous, so there is always
# something to merge (fio's own allocation is sometimes contiguous).
SCAT=/tmp/scattered
scattered_file $SCAT 4096

# seq128 PROFILE: 128 KiB sequential writes and verifying reads, from $SCAT.
seq128() {
	set_profile "$1"
	echo 0 >"$DBG/sgblk0/stats"
	fio_verify /dev/sgblk0 --rw=write --bs=128k --size=8M --mem=mmapshared:$SCAT ||
		fail "$mode: profile $1, 128k sequential: verify failed"
	expect_clean
	elems=$(sgblk_stat sg_elems)
	merged=$(sgblk_stat dma_merged)
	req=$(sgblk_stat requests)
	note "$mode, profile $1: $req requests, $elems elements, dma_merged $merged;" \
		"mapped per request: $(awk '$1 == "mapped_per_request" && $3 > 0 { printf "%s:%s ", $2, $3 }' \
		"$DBG/sgblk0/hist")"
	# 128 KiB of scattered pages is 32 elements: something to merge.
	[ "$elems" -gt "$req" ] || fail "profile $1: $elems elements in $req requests, nothing to merge"
	expect_no_maps "profile $1"
}

seq128 none
if [ "$mode" = identity ]; then
	[ "$merged" = 0 ] || fail "identity domain merged $merged elements"
else
	[ "$merged" -gt 0 ] || fail "$mode: no element merged on profile none"
fi
seq128 page
[ "$merged" = 0 ] || fail "$mode: $merged elements merged across a 4 KiB boundary on profile page"

sample=$(dma_key sample)
note "engine translation sample ($mode): $sample"
dma=${sample%% -> *}
phys=${sample##* -> }
case $sample in *" -> "*) ;; *) fail "no translation sample: '$sample'" ;; esac
if [ "$mode" = identity ]; then
	[ "$dma" = "$phys" ] || fail "identity domain: DMA address $dma reaches $phys"
else
	[ "$dma" != "$phys" ] || fail "$mode: IOVA $dma equals the physical address"
	note "IOVA $dma != physical $phys"
fi
sgblk_unload
