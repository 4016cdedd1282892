# io_uring submitting batches reaches the driver through ->queue_rqs (a
# plug's worth at once), and inline completions end as one batch; polled
# completions join io_uring's batch too.  Data verifies on every path, a
# request that waits for the bounce pool inside a batch is requeued and
# completes.
. /sgblk/guest/lib.sh

DEV=/dev/sgblk0
sgblk_load capacity_mb=64 poll_queues=1
[ -b $DEV ] || fail "no $DEV"

# uring NAME ARGS...: sgblk-uring on 16 MiB of sgblk0, verified
uring() {
	name=$1
	shift
	if ! sgblk-uring -q --size 16M --verify "$@" $DEV >"/tmp/$name.out" 2>"/tmp/$name.err"; then
		cat "/tmp/$name.out" "/tmp/$name.err"
		fail "$name: sgblk-uring $* failed"
	fi
}
reset_stats() { echo 0 >"$DBG/sgblk0/stats" || fail "stats reset"; }
counts() { grep -E '^(requests|batched_requests|batched_completions|requeues|pool_exhausted) ' \
	"$DBG/sgblk0/stats" | tr -s ' \n' ' '; }

# One at a time (the data written first by a batched fill, then read back
# one by one): whether the kernel plugs a single request differs (6.12's
# io_uring does, 6.1's and 7.3's do not), so only the counts are shown.
# No merges: two adjacent reads, rare as they are, would be one request.
set_profile none
echo 2 >/sys/block/sgblk0/queue/nomerges || fail "nomerges"
uring fill --rw write --ios 4096 -d 32 --submit-batch 16
reset_stats
uring single --rw randread --no-fill --ios 2000 -d 4 --submit-batch 1 --complete-batch 1
note "single: $(counts)"
expect_stat requests -eq 2000
expect_stat batched_requests -le 2000

# 16 per io_uring_enter: queue_rqs, and inline completions in one batch.
reset_stats
uring batch --rw randrw --ios 4000 -d 32 --submit-batch 16
note "batch: $(counts)"
req=$(sgblk_stat requests)
expect_stat batched_requests -gt $((req / 2))
expect_stat batched_completions -gt $((req / 2))
expect_clean

# Polled: requests finish in ->poll into io_uring's own batch.
reset_stats
uring poll --poll --rw randrw --ios 2000 -d 16 --submit-batch 8
note "poll: $(counts)"
expect_stat batched_completions -gt 0
expect_clean

# Bounced requests held 100 ms each against a 2 MiB pool, 16 at a time:
# inside a batch, a request finds the pool empty, is requeued and done
# later; nothing fails.  (At 10 ms the debug kernel on a loaded host kept
# fewer than the pool's eight requests in flight, and none waited.)  The
# io_timeout, 400 ms, is shorter than a request's wait behind its peers
# (32 queued, 7 served per 100 ms, and blk-mq keeps no order among them):
# waiting on the disk's own requests is not a reason to fail.
sgblk_unload
sgblk_load capacity_mb=64 completion=timer completion_nsec=100000000
set_profile align-4k
set_profile "bounce_pool_kb=2048"
echo 400 >/sys/block/sgblk0/queue/io_timeout
reset_stats
uring exhaust --rw randrw --layout misaligned:512 --bs 256k --ios 400 -d 32 --submit-batch 16
note "exhaust: $(counts)"
expect_stat batched_requests -gt 0
expect_stat pool_exhausted -gt 0
expect_stat requeues -gt 0
expect_stat pool_giveups -eq 0
expect_clean
sgblk_unload
