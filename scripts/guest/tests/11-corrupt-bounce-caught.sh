# Negative control: with corrupt_bounce on, a profile that must bounce
# (align-4k with 512-misaligned buffers, dma28-style bounces alike) makes fio
# verification fail; with it off again, the same job passes.
. /sgblk/guest/lib.sh

sgblk_load capacity_mb=64
set_profile align-4k
echo 1 >"$DBG/sgblk0/corrupt_bounce" || fail "cannot set corrupt_bounce"
# shellcheck disable=SC2046
if fio_verify /dev/sgblk0 --rw=write $(workload_opts misaligned) >/tmp/neg.out 2>&1; then
	fail "verification passed although every bounce copy was corrupted"
fi
grep -qi 'verify' /tmp/fio.out || fail "fio failed, but not on verification"
note "caught: $(grep -i -m1 'verify' /tmp/fio.out)"
expect_stat bounce_segs -gt 0
echo 0 >"$DBG/sgblk0/corrupt_bounce"
# shellcheck disable=SC2046
fio_verify /dev/sgblk0 --rw=write $(workload_opts misaligned) ||
	fail "verify fails with corrupt_bounce off"
sgblk_unload
