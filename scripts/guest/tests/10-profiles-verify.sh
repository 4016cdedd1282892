# Every DMA profile preset passes fio crc32c verification for 4k, 64k, 1M and
# misaligned (512 off a page, 7k) buffers, both write-then-verify and randrw;
# the counters show that each profile did its job and no rule or ownership
# violation happened.
. /sgblk/guest/lib.sh

# check_profile MAP PRESET: what each preset must have done.
check_profile() {
	case "$2" in
	none|page)
		expect_stat splits_boundary -eq 0
		expect_stat splits_maxseg -eq 0
		expect_stat bounce_segs -eq 0 ;;
	boundary-1k)
		expect_stat splits_boundary -gt 0
		expect_stat bounce_segs -eq 0 ;;
	align-4k)
		expect_stat bounce_segs -gt 0
		expect_stat bounce_align -gt 0 ;;
	dma28)
		# Whether fio's buffers lie above 256 MiB is up to the page
		# allocator (in some boots none do); the 16 MiB mask below makes
		# the mask bounce certain.  rule_violations == 0 already proves
		# nothing above the mask reached the device unbounced.
		note "dma28: $(sgblk_stat bounce_mask) requests bounced for the mask" ;;
	desc-4)
		expect_stat bounce_segs -gt 0 ;;
	esac
	# Each histogram counts every request exactly once.
	expect_hist_totals "$2" sg_elems_per_request min_segment_bytes \
		descs_per_request bounce_bytes_per_request
}

sgblk_load capacity_mb=128
verify_matrix check=check_profile

# The lowest mask a profile takes: user pages sit above 16 MiB (ZONE_DMA is
# kept for GFP_DMA), so every request bounces, from a pool below 16 MiB.
# Where no RAM lies that low (arm64 virt), the narrowest mask that reaches
# RAM (lib.sh, MASK_BITS), with fio's buffer above it.
bits=24 mem=""
if ! ram_below 24; then
	bits=$MASK_BITS
	bench_buffer /tmp/high 4096 >/dev/null
	mem=--iomem=mmapshared:/tmp/high
fi
set_profile none
set_profile "dma_mask_bits=$bits"
echo 0 >"$DBG/sgblk0/stats"
for w in 64k misaligned; do
	# shellcheck disable=SC2046,SC2086
	fio_verify /dev/sgblk0 --rw=randrw $(workload_opts "$w") $mem ||
		fail "dma_mask_bits=$bits, workload $w: verify failed"
done
rm -f /tmp/high
note "mask $bits: $(tr '\n' ' ' <"$DBG/sgblk0/stats")"
expect_clean
expect_stat bounce_mask -gt 0
expect_stat bounce_segs -gt 0
sgblk_unload
