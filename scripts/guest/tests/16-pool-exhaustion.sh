# A bounce pool smaller than the I/O in flight makes requests wait
# (BLK_STS_RESOURCE, requeued), never fail: verify passes, pool_exhausted
# and requeues count the waits, errors stay zero.
. /sgblk/guest/lib.sh

# Timer completion holds each request's bounce buffers for 1 ms, so
# requests in flight really compete for the pool.
sgblk_load capacity_mb=64 completion=timer completion_nsec=1000000
set_profile align-4k
set_profile "bounce_pool_kb=1024"
fio_verify /dev/sgblk0 --rw=randrw --bs=511k --mem_align=512 --size=48M --iodepth=16 ||
	fail "verify failed with a small bounce pool"
note "$(grep -E 'pool_exhausted|requeues|bounce_descs' "$DBG/sgblk0/stats" | tr '\n' ' ')"
expect_stat pool_exhausted -gt 0
expect_stat requeues -gt 0
expect_clean
# A pool smaller than one request can never serve it: refused up front.
echo "bounce_pool_kb=512" >"$DBG/sgblk0/profile" 2>/dev/null &&
	fail "accepted a pool smaller than the largest request"
sgblk_unload
