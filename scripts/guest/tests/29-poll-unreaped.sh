# Requests only a timeout can end do end: those on a poll queue that
# nobody reaps (as null_blk's and nvme's do), instead of holding up
# everything that waits for the queue to drain; and dropped ones that came
# in a batch through ->queue_rqs.
#
# sgblk-uring --hold submits 16 polled (IOPOLL) reads and never polls for
# them: sgblk has put them on its poll list, where nobody looks.  A
# profile switch (root, debugfs) freezes the queue and must finish within
# io_timeout plus a margin, each such request ended with BLK_STS_TIMEOUT
# (poll_timeouts); then the same for power=0 (configfs).  Before, both waited
# for as long as the submitter stayed stopped.
. /sgblk/guest/lib.sh

CFS=/sys/kernel/config/sgblk
TIMEOUT_MS=2000
MARGIN_S=10

uptime_ms() {
	awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime
}

# held DISK: polled reads submitted on DISK and never reaped (sgblk-uring
# --hold: the submitter stops polling), 16 of them in flight.
held() {
	# (a file left by an earlier holder would be read before it is truncated)
	rm -f /tmp/held.out
	sgblk-uring --poll --hold --depth 16 --rw randread --runtime 86400 -q \
		"/dev/$1" >/tmp/held.out 2>&1 &
	fpid=$!
	w=0
	while ! grep -q "^held " /tmp/held.out && [ $w -lt 300 ]; do
		sleep 0.1
		w=$((w + 1))
	done
	grep -q '^held 16$' /tmp/held.out || fail "sgblk-uring --hold: $(cat /tmp/held.out)"
	sleep 0.2
	inf=$(awk '{ print $1 + $2 }' "/sys/block/$1/inflight")
	[ "$inf" = 16 ] || fail "$inf requests in flight, 16 held"
}

# bounded NAME CMD: run CMD in the background; it must end within
# io_timeout + MARGIN_S.  If it does not, the test fails (killing what it
# started: a holder's ring teardown reaps its requests).
bounded() {
	t0=$(uptime_ms)
	sh -c "$2" &
	cpid=$!
	w=0 lim=$(((TIMEOUT_MS / 1000 + MARGIN_S) * 10))
	while kill -0 $cpid 2>/dev/null && [ $w -lt $lim ]; do
		sleep 0.1
		w=$((w + 1))
	done
	if kill -0 $cpid 2>/dev/null; then
		pkill -9 sgblk-uring
		fail "$1 waited past io_timeout + ${MARGIN_S}s for requests nobody reaps"
	fi
	wait $cpid || fail "$1 failed"
	took=$(($(uptime_ms) - t0))
}

# A holder left behind would hold the disk: kill it, whatever happens.
fpid=""
trap '[ -n "$fpid" ] && kill -9 $fpid 2>/dev/null' EXIT
insmod "$SGBLK_KO" nr_devices=0 || fail "insmod"
mkdir "$CFS/p" || fail "mkdir"
echo 1 >"$CFS/p/poll_queues"
echo 16 >"$CFS/p/capacity_mb"
echo 1 >"$CFS/p/power" || fail "power on"
disk=$(cat "$CFS/p/disk")
wait_node "/dev/$disk"
echo $TIMEOUT_MS >"/sys/block/$disk/queue/io_timeout" || fail "io_timeout"

held "$disk"
bounded "profile switch" "echo page >$DBG/$disk/profile"
n=$(sgblk_stat poll_timeouts "$disk")
note "switch: ${took} ms; inflight before $inf, now $(cat "/sys/block/$disk/inflight");" \
	"$(grep -E '^(requests|timeouts|poll_timeouts|timeout_rearms|errors) ' "$DBG/$disk/stats" | tr '\n' ' ')"
[ "$n" = 16 ] || fail "the switch finished with poll_timeouts $n, 16 held"
[ "$(sgblk_stat timeouts "$disk")" -ge "$n" ] || fail "poll timeouts not counted as timeouts"
note "profile switch over $inf unreaped polled requests: ${took} ms, poll_timeouts $n"
kill -9 $fpid
wait $fpid
expect_stat own_violations -eq 0 "$disk"
[ "$(sed -n 's/^maps_outstanding: //p' "$DBG/$disk/dma")" = 0 ] || fail "mappings left"

held "$disk"
bounded "power=0" "echo 0 >$CFS/p/power"
note "power=0 over $inf unreaped polled requests: ${took} ms"
kill -9 $fpid
wait $fpid
[ -e "/sys/block/$disk" ] && fail "$disk still there"
rmdir "$CFS/p" || fail "rmdir"

# Requests that reach sgblk in a batch (->queue_rqs: io_uring submitting 16
# at once) on a fresh disk, all dropped by fault injection: the timeout
# handler must find each (6.1 enters such a request in the tag table only
# if the driver does) and end it with ETIMEDOUT.
mkdir "$CFS/b" || fail "mkdir b"
echo 16 >"$CFS/b/capacity_mb"
echo 1 >"$CFS/b/power" || fail "power on b"
disk=$(cat "$CFS/b/disk")
wait_node "/dev/$disk"
echo $TIMEOUT_MS >"/sys/block/$disk/queue/io_timeout" || fail "io_timeout"
echo 0 >"$DBG/$disk/stats"
echo 1 >"$DBG/$disk/drop_request_every"
fpid=""
bounded "16 dropped requests" "sgblk-uring --depth 16 --submit-batch 16 --complete-batch 16 \
	--ios 16 -q /dev/$disk >/tmp/drop.out 2>&1; true"
b=$(sgblk_stat batched_requests "$disk")
[ "$b" -ge 1 ] || fail "no request came through ->queue_rqs"
[ "$(sgblk_stat timeouts "$disk")" = 16 ] ||
	fail "$(sgblk_stat timeouts "$disk") of 16 dropped requests timed out"
note "16 dropped requests ($b through ->queue_rqs) ended by their timeout in ${took} ms"
echo 0 >"$DBG/$disk/drop_request_every"
echo 0 >"$CFS/b/power"
rmdir "$CFS/b" || fail "rmdir b"
rmmod sgblk || fail "rmmod"
exit 0
