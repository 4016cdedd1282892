# The bounce pool is sized by the worst request, not by bytes: every bounce
# run takes whole buffers, so a request of many short runs needs far more
# buffers than its bytes.  A profile whose pool cannot serve that worst case
# is refused up front; an accepted one serves every layout (here runs of
# 4 KiB, each in a 16 KiB buffer of its own) without giving up.  A pool
# smaller than the I/O in flight makes requests wait (requeued), never fail.
. /sgblk/guest/lib.sh

# Timer completion holds each request's bounce buffers for 100 ms, so
# requests in flight really compete for the pool: fio's queue fills faster
# than that even in the debug kernel on a loaded host (10 ms was not
# always enough there: no request waited).
sgblk_load capacity_mb=64 completion=timer completion_nsec=100000000
P=$DBG/sgblk0/profile
pget() { awk -v k="$1" '$1 == k { print $2 }' "$P"; }

# 1 MiB of 16 KiB buffers plus one per run (64 runs of 128 segments) is
# more than 1024 KiB: refused, the active profile unchanged.
set_profile align-4k
echo "bounce_pool_kb=1024" >"$P" 2>/dev/null &&
	fail "accepted a pool smaller than the worst request ($(tr '\n' ' ' <"$P"))"
[ "$(pget bounce_pool_kb)" = 4096 ] || fail "refused write changed the profile"
echo "dma_align=4096 bounce_pool_kb=512" >"$P" 2>/dev/null &&
	fail "accepted a pool of 512 KiB"

# 2048 KiB: 128 buffers, 64 kept for runs, so requests up to 64 x 16 KiB.
set_profile "bounce_pool_kb=2048"
bsize=$(pget bounce_size) maxrq=$(pget max_rq_bytes)
note "bounce_size $bsize max_rq_bytes $maxrq"
[ "$bsize" = 16384 ] || fail "bounce_size $bsize, expected 16384"
[ "$maxrq" = 1048576 ] || fail "max_rq_bytes $maxrq, expected 1048576"
mrq=$(($(cat /sys/block/sgblk0/queue/max_hw_sectors_kb) * 1024))
[ "$mrq" -le "$maxrq" ] || fail "queue takes $mrq-byte requests, profile $maxrq"

# A bad layout: 4 KiB at 512 bytes into a page, then 4 KiB aligned: every
# other iovec is a bounce run of its own.  Written, then read back and
# checked against the pattern, 256 KiB per bio.
echo 0 >"$DBG/sgblk0/stats"
echo 5000 >/sys/block/sgblk0/queue/io_timeout
for op in write read; do
	v=""
	[ $op = read ] && v=--verify
	sgblk-ctl biogen --disk sgblk0 --source user --op $op --len 1m \
		--bio-size 256k --inflight 1 --iovec-layout 4096@512,4096@0 --plug \
		--seed 77 $v --json >/tmp/bg.out 2>&1 ||
		{ cat /tmp/bg.out; fail "runs layout $op failed"; }
done
note "$(cat /tmp/bg.out)"
note "$(grep -E 'pool_exhausted|pool_giveups|bounce_descs|requests' "$DBG/sgblk0/stats" | tr '\n' ' ')"
expect_stat pool_giveups -eq 0
expect_stat bounce_descs -gt 0
expect_clean

# Requests in flight against a small pool (four 511 KiB requests, each one
# bounce run of 32 buffers, fill it): they wait, none fails.
set_profile "bounce_pool_kb=2048"
fio_verify /dev/sgblk0 --rw=randrw --bs=511k --mem_align=512 --size=48M --iodepth=16 ||
	fail "verify failed with a small bounce pool"
note "$(grep -E 'pool_exhausted|requeues|bounce_descs' "$DBG/sgblk0/stats" | tr '\n' ' ')"
expect_stat pool_exhausted -gt 0
expect_stat requeues -gt 0
expect_stat pool_giveups -eq 0
expect_clean
sgblk_unload
