# The two mapping paths plan every request alike: for the same request,
# map=sg (blk_rq_map_sg + dma_map_sg) and map=iter (the block layer's DMA
# iterator) must hand the planner the same DMA ranges and get the same
# descriptors.  The plan_digest knob sums a hash of each request's ranges
# and descriptors (bounce buffer addresses left out: the pool picks them).
# A fixed fio workload (one job, psync, fixed seed) whose buffer is a
# shared mapping of a RAM file, so every run uses the same physical pages,
# gives a digest that repeats under map=sg; map=iter must give the same one,
# for every profile and block size.  The negative control: another buffer
# offset must change the digest, so equal digests mean equal plans.
# With dma-direct only (DMA address = physical); 7.x kernels only.
. /sgblk/guest/lib.sh

map_iter_expected || skip "no map=iter on $KVER (needs 7.x's blk_rq_dma_map_iter_*)"
sgblk_load capacity_mb=64
backend=$(dma_backend)
[ "$backend" = direct ] || skip "DMA addresses are physical only with dma-direct, not $backend"
BUF=/tmp/plan-buf
dd if=/dev/zero of=$BUF bs=1M count=4 2>/dev/null || fail "make $BUF"
echo 1 >"$DBG/sgblk0/plan_digest" || fail "plan_digest knob"

# digest MAP PROFILE BS [fio options]: run the fixed workload, print
# "requests digest".
digest() {
	set_map "$1"
	set_profile "$2"
	_bs=$3
	shift 3
	echo 0 >"$DBG/sgblk0/stats"
	fio --name=plans --filename=/dev/sgblk0 --direct=1 --ioengine=psync \
		--iodepth=1 --rw=randrw --bs="$_bs" --size=4M --randseed=4242 \
		--mem=mmapshared:$BUF --verify=crc32c --verify_fatal=1 \
		--do_verify=1 "$@" >/tmp/fio.out 2>&1 ||
		{ cat /tmp/fio.out; fail "fio: map $1, profile $2, bs $_bs"; }
	expect_clean
	_r=$(sgblk_stat requests)
	[ "$(sgblk_stat plan_digests)" = "$_r" ] ||
		fail "$(sgblk_stat plan_digests) requests digested, $_r made"
	[ "$_r" -gt 0 ] || fail "no request reached the disk"
	echo "$_r $(sgblk_stat plan_digest)"
}

runs=0 failures=0
for p in none boundary-1k align-4k desc-4; do
	for w in 4k 64k 1m 7k; do
		opts=""
		[ $w = 7k ] && opts=--mem_align=512
		# shellcheck disable=SC2086 # opts is one option or none
		sg1=$(digest sg $p $w $opts) || exit 1
		# shellcheck disable=SC2086
		sg2=$(digest sg $p $w $opts) || exit 1
		# shellcheck disable=SC2086
		it=$(digest iter $p $w $opts) || exit 1
		runs=$((runs + 3))
		note "$p $w: sg '$sg1', sg again '$sg2', iter '$it'"
		[ "$sg1" = "$sg2" ] || fail "$p $w: the workload does not repeat under map=sg ('$sg1', '$sg2')"
		if [ "$sg1" != "$it" ]; then
			failures=$((failures + 1))
			note "MISMATCH $p $w: map=sg '$sg1', map=iter '$it'"
		fi
	done
done

# Negative control: the same workload 512 bytes further into the buffer
# moves every range, so its digest must differ, under either path.
ctl=$(digest iter none 7k --mem_align=512) || exit 1
moved=$(digest iter none 7k --mem_align=1024) || exit 1
runs=$((runs + 2))
note "control: 7k at 512 '$ctl', at 1024 '$moved'"
[ "${ctl#* }" != "${moved#* }" ] || fail "the digest did not see the buffer move: it cannot tell plans apart"

note "$runs runs, $failures plan mismatches between map=sg and map=iter"
[ "$failures" = 0 ] || fail "$failures workloads planned differently by map=sg and map=iter"
echo 0 >"$DBG/sgblk0/plan_digest"
sgblk_unload
rm -f $BUF
