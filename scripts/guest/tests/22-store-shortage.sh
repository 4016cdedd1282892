# The memory backend allocates store pages without sleeping; when none is
# to be had the request is retried (requeued), counted once when it goes
# through (every histogram sums to "requests"), and fails with EIO only
# after its whole io_timeout (store_giveups).
. /sgblk/guest/lib.sh

D=$DBG/sgblk0
sgblk_load capacity_mb=64
# hist_total NAME: the requests a histogram has counted.
hist_total() {
	awk -v k="$1" '$1 == k { s += $3 } END { print s + 0 }' "$D/hist"
}

# Every 3rd write finds no store page: waits, verify intact.
echo 3 >"$D/fail_store_every" || fail "fail_store_every refused"
fio_verify /dev/sgblk0 --rw=write --bs=64k --size=8M --iodepth=8 ||
	fail "verify with store shortages"
echo 0 >"$D/fail_store_every"
inj=$(sgblk_stat injected_store_failures) req=$(sgblk_stat requests)
note "requests $req injected_store_failures $inj requeues $(sgblk_stat requeues)"
[ "$inj" -gt 0 ] || fail "no store failure injected"
expect_stat requeues -ge "$inj"
for h in sg_elems_per_request min_segment_bytes descs_per_request \
	bounce_bytes_per_request; do
	t=$(hist_total $h)
	[ "$t" = "$req" ] || fail "histogram $h counts $t requests, requests = $req"
done
expect_stat store_giveups -eq 0
expect_clean

# No store page ever: a write waits its io_timeout (1 s), then fails with
# EIO; with pages back, the device verifies again.
echo 0 >"$D/stats"
echo 1000 >/sys/block/sgblk0/queue/io_timeout
echo 1 >"$D/fail_store_every"
t0=$(cut -d' ' -f1 /proc/uptime)
dd if=/dev/urandom of=/dev/sgblk0 bs=4k count=1 seek=16000 oflag=direct 2>/dev/null &&
	fail "write without store pages succeeded"
t1=$(cut -d' ' -f1 /proc/uptime)
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
note "failed after ${secs}s: $(grep -E 'store_giveups|errors|requeues' "$D/stats" | tr '\n' ' ')"
awk -v s="$secs" 'BEGIN { exit !(s >= 1) }' || fail "gave up after ${secs}s, before io_timeout"
expect_stat store_giveups -eq 1
expect_stat errors -eq 1
echo 0 >"$D/fail_store_every"
fio_verify /dev/sgblk0 --rw=randrw --bs=16k --size=4M || fail "verify after give-up"
sgblk_unload
