# Every completion mode (inline, softirq, hrtimer with a modelled latency)
# and the poll queues complete I/O with intact data; blk-mq's debugfs shows
# where a request waits.
. /sgblk/guest/lib.sh

for mode in inline softirq timer; do
	sgblk_load capacity_mb=64 completion=$mode completion_nsec=20000
	fio_verify /dev/sgblk0 --rw=randrw --size=16M --bs=16k ||
		fail "completion=$mode: verify failed"
	expect_clean
	expect_stat requests -gt 0
	sgblk_unload
done

sgblk_load capacity_mb=64 poll_queues=1
[ "$(cat /sys/block/sgblk0/queue/io_poll)" = 1 ] || fail "io_poll not enabled"
fio_verify /dev/sgblk0 --rw=randrw --size=16M --hipri=1 || fail "polled verify failed"
expect_clean
sgblk_unload

# Where a request waits shows in blk-mq's debugfs (hctxN/busy), with
# sgblk's part: a read held by a one-second completion timer.
sgblk_load capacity_mb=4 completion=timer completion_nsec=1000000000
dd if=/dev/sgblk0 of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null &
held=""
while [ -z "$held" ] && kill -0 $! 2>/dev/null; do
	busy=$(cat /sys/kernel/debug/block/sgblk0/hctx*/busy)
	held=$(echo "$busy" | grep 'state=in_flight.*\.sgblk={mapped, timer}')
done
wait
[ -n "$held" ] || fail "no timer-held request in hctx busy; last seen: $busy"
note "busy: $held"
sgblk_unload
