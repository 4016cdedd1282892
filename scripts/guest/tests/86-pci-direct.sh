# A disk mapping through a PCI function with no IOMMU in front of it
# (dma_dev=, the pci-testdev function): dma-direct and cache-coherent
# (arm64's virt machine marks its PCIe host dma-coherent; x86 DMA always
# is), every profile verified with each mapping path the kernel has, no
# cache maintenance counted, no mapping left.  On arm64 this is the
# coherent device next to the platform device's non-coherent one (test
# 37).  Skipped without the function (x86 guests have it only with
# scripts/vm --iommu, whose boots run the IOMMU tests instead) and under an
# IOMMU (tests 80-85).
. /sgblk/guest/lib.sh
. /sgblk/guest/iommu.sh

[ -z "$(iommu_mode)" ] || skip "an IOMMU translates here ($(iommu_mode)): tests 80-85"
testdev_find
fn=$TESTDEV
testdev_override "$fn"
# The function keeps its platform's coherence: coherent= is refused.
if insmod "$SGBLK_KO" dma_dev="$fn" coherent=no 2>/tmp/insmod.err; then
	rmmod sgblk
	fail "dma_dev=$fn coherent=no accepted"
fi
dmesg | grep -q "keeps its platform's coherence" || fail "dma_dev coherent=no: no message"
grep -q '^sgblk ' /proc/modules && fail "module left loaded"
sgblk_load capacity_mb=64 dma_dev="$fn"
[ "$(dma_backend)" = direct ] || fail "backend '$(dma_backend)', expected direct"
[ "$(dma_key coherent)" = yes ] || fail "PCI function $fn: coherent '$(dma_key coherent)'"
note "$(tr '\n' ' ' <"$DBG/sgblk0/dma")"

# check_direct MAP PRESET: nothing outstanding, nothing maintained.
check_direct() {
	expect_no_maps "map=$1, profile $2"
	for c in cache_map_to_dev cache_map_from_dev cache_unmap_from_dev engine_cache_bytes; do
		expect_stat $c -eq 0
	done
}

verify_matrix label="pci $fn" maps="$(map_paths)" div=8 \
	stats='requests|sg_elems|descs|splits_boundary|bounce_segs' check=check_direct
note "verify matrix (PCI function, dma-direct, map $(map_paths | tr ' ' +)): $VM_RUNS runs, 0 failures"
sgblk_unload
