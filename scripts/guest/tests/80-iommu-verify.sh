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

# Test 10's workloads at an eighth of the size: three boots run this.
small_opts() {
	case "$1" in
	4k) echo "--bs=4k --size=2M" ;;
	64k) echo "--bs=64k --size=4M" ;;
	1m) echo "--bs=1m --size=8M --iodepth=4" ;;
	misaligned) echo "--bs=7k --mem_align=512 --size=1792k" ;;
	esac
}

runs=0
for m in $(map_paths); do
	set_map "$m"
	for p in none page boundary-1k align-4k dma28 desc-4; do
		set_profile "$p"
		echo 0 >"$DBG/sgblk0/stats"
		for w in $WORKLOADS; do
			for rw in write randrw; do
				# shellcheck disable=SC2046
				fio_verify /dev/sgblk0 --rw="$rw" $(small_opts "$w") ||
					fail "$mode, map=$m: profile $p, workload $w, $rw: verify failed"
				runs=$((runs + 1))
			done
		done
		note "$m $p: $(grep -E '^(requests|sg_elems|dma_merged|descs|splits_boundary|bounce_segs) ' \
			"$DBG/sgblk0/stats" | tr '\n' ' ')"
		expect_clean
		expect_stat requests -gt 0
		expect_no_maps "map=$m, profile $p"
	done
done
note "verify matrix ($mode, map $(map_paths | tr ' ' +)): $runs runs, 0 failures"
sgblk_unload
