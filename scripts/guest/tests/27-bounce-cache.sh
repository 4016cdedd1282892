# Bounce buffers given back stay in a per-CPU cache and serve the next
# request unzeroed (bounce_cached).  What they hold must never reach anyone:
# the data verifies through them, a null-backend read does not get an
# earlier write's bytes back, and no buffer is still cached when its pool
# is destroyed (profile switch, unload).
. /sgblk/guest/lib.sh

k0=$(dmesg | wc -l)
sgblk_load capacity_mb=64
set_profile align-4k
# shellcheck disable=SC2046
fio_verify /dev/sgblk0 --rw=randrw $(workload_opts misaligned) ||
	fail "verify through cached bounce buffers"
note "$(grep -E '^(bounce_descs|bounce_cached) ' "$DBG/sgblk0/stats" | tr '\n' ' ')"
# swiotlb=force copies a buffer of a page or more into page-aligned slots,
# where align-4k need not bounce; the dma28 stage bounces on every backend.
[ "$(dma_backend)" = swiotlb ] ||
	expect_stat bounce_cached -gt 0
expect_clean

# A switch destroys the old pool: the caches must have given everything back.
# dma28 bounces all of a buffer above 256 MiB (lib.sh, bench_buffer; on
# arm64 a wider mask, set_mask_profile, and a buffer above it).
echo 0 >"$DBG/sgblk0/stats"
set_mask_profile
bench_buffer /tmp/high 2048 >/dev/null
fio_verify /dev/sgblk0 --rw=randrw --bs=64k --size=16M --iomem=mmapshared:/tmp/high ||
	fail "verify with a ${MASK_BITS}-bit mask"
rm -f /tmp/high
note "$(grep -E '^(bounce_descs|bounce_cached) ' "$DBG/sgblk0/stats" | tr '\n' ' ')"
expect_stat bounce_cached -gt 0
expect_clean
sgblk_unload

# The null backend reads nothing back from a bounce buffer, cached or not:
# a read (every byte bounced under a 24-bit mask, on every backend; where no
# RAM lies below 16 MiB, arm64, under align-4k: every buffer is 512 bytes
# off a page) leaves the reader's poisoned buffer as it was, right after
# writes that left their pattern in the cached buffers.
sgblk_load capacity_mb=16 backend=null profile=none
if ram_below 24; then
	set_profile "dma_mask_bits=24"
else
	set_profile align-4k
fi
biogen() {
	sgblk-ctl biogen --disk sgblk0 --source user --op "$1" --len 256k \
		--bio-size 64k --iovec-layout 4096@512 --seed 5 --checksum --json \
		>/tmp/27-biogen.json || fail "biogen $1"
}
# a read; the checksum of the reader's buffer goes to $sum
read_sum() {
	biogen read
	sum=$(sed -n 's/.*"user_checksum": *"\([^"]*\)".*/\1/p' /tmp/27-biogen.json)
	[ -n "$sum" ] || fail "no user_checksum from biogen read"
}
read_sum
want=$sum
for i in 1 2 3; do
	biogen write
	read_sum
	[ "$sum" = "$want" ] ||
		fail "read $i: checksum $sum, poisoned buffer $want: bounce data reached the reader"
done
expect_stat bounce_cached -gt 0
expect_clean
sgblk_unload

# A pool that cannot grow: a 24-bit mask draws on the 16 MiB ZONE_DMA, and
# 64 requests of 1 MiB want four times that.  The timer holds each one
# 500 ms, long enough for even a debug kernel to submit the lot.  The CPU
# that finds no buffer takes the caches back (bounce_cache_drains), and its
# request waits for buffers instead of failing.  Not where no RAM lies
# below 16 MiB (arm64 virt: the DMA layer refuses such a mask, and the
# 32-bit zone it takes instead never runs short).
if ram_below 24; then
	sgblk_load capacity_mb=128 completion=timer completion_nsec=500000000
	set_profile "dma_mask_bits=24 bounce_pool_kb=65536"
	note "$(grep -E '^(bounce_size|max_rq_bytes) ' "$DBG/sgblk0/profile" | tr '\n' ' ')"
	note "ZONE_DMA: $(awk '/zone +DMA$/ { z = 1; next } /^Node/ { z = 0 }
		z && $1 == "pages" && $2 == "free" { print $3 " pages free" }' /proc/zoneinfo)"
	fio_verify /dev/sgblk0 --rw=randrw --bs=1m --size=64M --iodepth=64 ||
		fail "verify with a pool that cannot grow"
	note "$(grep -E '^(requests|bounce_descs|bounce_cached|bounce_cache_drains|pool_exhausted|pool_giveups) ' \
		"$DBG/sgblk0/stats" | tr '\n' ' ')"
	expect_stat bounce_cache_drains -gt 0
	expect_stat pool_giveups -eq 0
	expect_clean
	sgblk_unload
else
	note "no RAM below 16 MiB (RAM starts at 0x$(ram_start)): the pool that cannot grow is not tested here"
fi

busy=$(dmesg | tail -n +$((k0 + 1)) | grep -E 'dma_pool_destroy.*busy')
[ -z "$busy" ] || fail "a pool was destroyed with buffers out: $busy"
