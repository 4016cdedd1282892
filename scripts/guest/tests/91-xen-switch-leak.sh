# Profile switches in a Xen PV dom0 give back all their DMA memory.
# swiotlb-xen keeps coherent memory freed above the device's coherent mask
# (it warns, drivers/xen/swiotlb-xen.c, and leaks the pages), so a pool
# filled under 64 bits and destroyed after a switch to dma28 narrowed the
# mask lost about 2 MiB a switch.  After 10 switches none <-> dma28, each
# profile with I/O that fills its pool, dom0's free memory is back within
# 2 MiB of where it was after the first pair, no pool was destroyed under a
# mask that does not cover its own (pool_foreign_frees), no bounce byte is
# held, and swiotlb-xen holds no slot.  Skipped outside a dom0.
. /sgblk/guest/lib.sh
. /sgblk/guest/xen.sh

xen_require
base=$(swiotlb_used)
sgblk_load capacity_mb=64

memfree_kb() {
	awk '$1 == "MemFree:" { print $2 }' /proc/meminfo
}
# one pair: dma28 (every request bounces), then none, with verified I/O
pair() {
	for _p in dma28 none; do
		set_profile "$_p"
		fio_verify /dev/sgblk0 --rw=randrw --bs=64k --size=8M ||
			fail "profile $_p: verify failed"
	done
}

pair
before=$(memfree_kb)
i=0
while [ $i -lt 10 ]; do
	pair
	i=$((i + 1))
done
after=$(memfree_kb)
note "MemFree $before KiB after the first pair, $after KiB after 10 more;" \
	"$(grep -E '^(pool_mask|pool_foreign_frees|pool_bytes_in_use|maps_outstanding):' \
		"$DBG/sgblk0/dma" | tr '\n' ' ')"
[ $((before - after)) -lt 2048 ] ||
	fail "10 switches none <-> dma28 lost $((before - after)) KiB of dom0's memory"
[ "$(dma_key pool_foreign_frees)" = 0 ] ||
	fail "$(dma_key pool_foreign_frees) pools destroyed under a foreign coherent mask"
[ "$(dma_key pool_bytes_in_use)" = 0 ] || fail "$(dma_key pool_bytes_in_use) bounce bytes held"
expect_no_maps "after the switches"
expect_clean
expect_stat bounce_mask -gt 0
sgblk_unload
[ "$(swiotlb_used)" = "$base" ] || fail "swiotlb-xen holds $(swiotlb_used) slots, $base before"
