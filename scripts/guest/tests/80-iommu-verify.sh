# With a disk mapping through a PCI function behind the IOMMU (dma_dev=, the
# pci-testdev function bound to sgblk by driver_override), every DMA
# profile passes fio crc32c verification for 4k, 64k, 1M and misaligned
# (7k, 512 bytes off a page) buffers, write-then-verify and randrw, in the
# domain the boot asked for (lazy, strict or identity), with each mapping
# path the kernel has (map=sg; map=iter on 7.x, where the iterator links a
# request into one IOVA range).  Merged IOVA ranges
# are contiguous for the device but not in memory: an engine that
# translated a descriptor once would move the wrong bytes here.  After
# each profile no mapping is outstanding.  Skipped without an IOMMU.
. /sgblk/guest/lib.sh
. /sgblk/guest/iommu.sh

iommu_disk_load 64
mode=$(iommu_mode)
note "$(tr '\n' ' ' <"$DBG/sgblk0/dma")"

# check_unmapped MAP PRESET: no mapping outstanding after the preset.
check_unmapped() {
	expect_no_maps "map=$1, profile $2"
}

# Test 10's workloads at an eighth of the size: three boots run this.
verify_matrix label="$mode" maps="$(map_paths)" div=8 \
	stats='requests|sg_elems|dma_merged|descs|splits_boundary|bounce_segs' \
	check=check_unmapped
note "verify matrix ($mode, map $(map_paths | tr ' ' +)): $VM_RUNS runs, 0 failures"
sgblk_unload
