#!/bin/sh
# The default benchmark, run inside the guest: sgblk against the kernel's
# own null_blk and brd under the same fio job, alternating A B B A so drift
# in a boot hurts both sides alike.  fio JSON lands in /out/bench/.
# Environment: RUNTIME (s, default 3), SIZE (default 64M), IODEPTH (32),
# BS (4k), ROUNDS (2).
. /sgblk/guest/lib.sh

export RUNTIME=${RUNTIME:-3} SIZE=${SIZE:-64M} IODEPTH=${IODEPTH:-32} BS=${BS:-4k}
rounds=${ROUNDS:-2}
mkdir -p /out/bench
common="submit_queues=1 queue_depth=64"

# run LABEL JOB: one fio run on $DEV, JSON to /out/bench/LABEL-N.json
run() {
	n=$(ls /out/bench | grep -c "^$1-")
	echo "bench: $1 run $((n + 1)) on $DEV"
	fio --eta=never --output-format=json --output="/out/bench/$1-$((n + 1)).json" \
		"/sgblk/fio-jobs/$2.fio" || fail "fio $2 on $DEV"
}

side() {
	case "$1" in
	sgblk-null)
		sgblk_load backend=null $common; DEV=/dev/sgblk0 ;;
	null_blk)
		modprobe null_blk nr_devices=1 queue_mode=2 irqmode=0 memory_backed=0 \
			gb=1 bs=512 hw_queue_depth=64 submit_queues=1 || fail "null_blk"
		DEV=/dev/nullb0 ;;
	sgblk-memory)
		sgblk_load backend=memory $common; DEV=/dev/sgblk0 ;;
	brd)
		brd_load; DEV=/dev/ram0 ;;
	esac
	export DEV
	case "$1" in
	sgblk-memory|brd) fio /sgblk/fio-jobs/prefill.fio >/dev/null || fail prefill ;;
	esac
	run "$1" randread-4k
	sgblk_cleanup
}

r=0
while [ $r -lt "$rounds" ]; do
	if [ $((r % 2)) = 0 ]; then
		side sgblk-null; side null_blk; side sgblk-memory; side brd
	else
		side null_blk; side sgblk-null; side brd; side sgblk-memory
	fi
	r=$((r + 1))
done
