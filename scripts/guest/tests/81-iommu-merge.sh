# What the IOMMU does to a scatterlist, made visible.  A translating domain
# (lazy or strict) joins the physically scattered pages of a 128 KiB
# sequential request into fewer IOVA ranges (dma_merged > 0 on profile
# none), but never across the 4 KiB boundary profile page puts into
# dma_parms (dma_merged 0 while requests have many elements); its DMA
# addresses are not the physical addresses they reach.  An identity domain
# merges nothing and its DMA addresses are physical.  Skipped without an
# IOMMU.
# shellcheck disable=SC2154 # elems, merged, req, splits: set by seq128 (iommu.sh)
. /sgblk/guest/lib.sh
. /sgblk/guest/iommu.sh

iommu_disk_load 32
mode=$(iommu_mode)

seq128 none "$mode"
if [ "$mode" = identity ]; then
	[ "$merged" = 0 ] || fail "identity domain merged $merged elements"
else
	[ "$merged" -gt 0 ] || fail "$mode: no element merged on profile none"
fi
seq128 page "$mode"
[ "$merged" = 0 ] || fail "$mode: $merged elements merged across a 4 KiB boundary on profile page"

expect_translation "$mode"
sgblk_unload
