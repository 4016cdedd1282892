# The devices make bench and make profile compare (sourced after lib.sh).
# dev_load NAME loads one and sets DEV; memory-backed ones are prefilled
# (their reads then copy data, as sgblk-memory's do).  dev_unload undoes it.
#   sgblk-null    sgblk backend=null (no data moved)
#   null_blk      null_blk memory_backed=0, irqmode=0 (inline completion)
#   sgblk-memory  sgblk backend=memory
#   brd           brd (bio-based ram disk)
#   null_blk-mem  null_blk memory_backed=1: the blk-mq memory anchor
# Both null_blk variants take max_sectors=2048 (1 MiB): its default is
# BLK_SAFE_MAX_SECTORS (255 sectors), so a 128 KiB read would be split, and
# io_uring's non-blocking submission gives up on a split bio and finishes it
# from an io-wq worker (fio then shows ~50 % CPU: its own thread waits).
DEV_COMMON="submit_queues=1 queue_depth=64"
DEV_NULLB="nr_devices=1 queue_mode=2 irqmode=0 gb=1 bs=512 hw_queue_depth=64 \
submit_queues=1 max_sectors=2048"

dev_load() {
	case $1 in
	sgblk-null)
		# shellcheck disable=SC2086 # module parameters, split on purpose
		sgblk_load backend=null $DEV_COMMON; DEV=/dev/sgblk0 ;;
	sgblk-memory)
		# shellcheck disable=SC2086 # as above
		sgblk_load backend=memory $DEV_COMMON; DEV=/dev/sgblk0 ;;
	null_blk)
		# shellcheck disable=SC2086 # as above
		modprobe null_blk $DEV_NULLB memory_backed=0 || fail "null_blk"
		DEV=/dev/nullb0 ;;
	null_blk-mem)
		# shellcheck disable=SC2086 # as above
		modprobe null_blk $DEV_NULLB memory_backed=1 || fail "null_blk memory_backed"
		DEV=/dev/nullb0 ;;
	brd)
		brd_load; DEV=/dev/ram0 ;;
	*) fail "dev_load: unknown device '$1'" ;;
	esac
	wait_node "$DEV"
	export DEV
	case $1 in
	sgblk-memory|brd|null_blk-mem)
		fio "${SGBLK_JOBS:-/sgblk/fio-jobs}/prefill.fio" >/tmp/fio.err 2>&1 ||
			{ cat /tmp/fio.err; fail "prefill $1"; } ;;
	esac
}

dev_unload() {
	sgblk_cleanup
}
