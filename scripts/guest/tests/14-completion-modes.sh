# Every completion mode (inline, softirq, hrtimer with a modelled latency)
# and the poll queues complete I/O with intact data.
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
