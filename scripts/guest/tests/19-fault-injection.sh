# Fault injection knobs: each fault reaches the submitter exactly as many
# times as it was injected (fio's error count == the driver's counter), no
# request is lost or hangs, and with the knobs off the same device passes
# fio verify again.
. /sgblk/guest/lib.sh

D=$DBG/sgblk0

# knob NAME VALUE: set a fault knob, fail if refused.
knob() {
	echo "$2" >"$D/$1" || fail "knob $1=$2 refused"
}

# fio_errors FIO-OPTIONS...: run fio tolerating I/O errors and set ERRS to
# its error count (total_err in the JSON output).  fio tolerates EIO by
# default; for ETIMEDOUT (lost requests) pass --ignore_error="$TIMEDOUT".
# Any other error stops fio and fails the test.
fio_errors() {
	fio --name=faults --filename=/dev/sgblk0 --direct=1 --ioengine=io_uring \
		--continue_on_error=all --output-format=json "$@" \
		>/tmp/faults.json 2>/tmp/faults.err ||
		{ cat /tmp/faults.err; fail "fio failed: $*"; }
	ERRS=$(awk -F: '/"total_err"/ { gsub(/[ ,]/, "", $2); s += $2 } END { print s + 0 }' \
		/tmp/faults.json)
}
# ignore_error lists are "READS,WRITES", each "ERRNO:ERRNO"; an explicit
# list replaces fio's default (EIO), and ETIMEDOUT it knows only by number.
TIMEDOUT=EIO:110,EIO:110

# expect_errors_match FIO-ERRS COUNTER: the submitter saw every injected fault.
expect_errors_match() {
	c=$(sgblk_stat "$2")
	note "$2=$c fio errors=$1"
	[ "$1" = "$c" ] || fail "fio saw $1 errors, driver injected $c ($2)"
	[ "$c" -gt 0 ] || fail "no $2 at all"
}

# verify_clean: knobs off, counters reset, a fresh verify pass on the same
# device with the counters that must stay zero clean.
verify_clean() {
	for k in fail_request_every fail_request_percent fail_pool_every \
		fail_map_every drop_request_every fail_store_every; do
		knob $k 0
	done
	echo 0 >"$D/stats"
	fio_verify /dev/sgblk0 --rw=randrw --bs=16k --size=16M "$@" ||
		fail "verify after faults failed"
	expect_clean
}

sgblk_load capacity_mb=64
# One fio I/O per request: a failed request holding two merged I/Os would
# count once in sgblk and twice in fio.
echo 2 >/sys/block/sgblk0/queue/nomerges || fail "nomerges"
fio_verify /dev/sgblk0 --bs=64k --size=32M || fail "prefill"

# 1. Every 10th request fails: exactly 1 in 10.  (fio does not count a
# failed I/O towards io_size, so it issues more.)
echo 0 >"$D/stats"
knob fail_request_every 10
fio_errors --rw=randread --bs=4k --size=32M --iodepth=16 --io_size=8M
errs=$ERRS
expect_errors_match "$errs" injected_errors
issued=$(($(sgblk_stat requests) + errs))
[ "$errs" -eq $((issued / 10)) ] || fail "every 10th of $issued: $errs errors"
expect_stat errors -eq "$errs"
# Writes fail too, and a failed write reaches the writer.
knob fail_request_every 1
if fio --name=w --filename=/dev/sgblk0 --direct=1 --rw=write --bs=4k --size=4k \
	>/dev/null 2>&1; then
	fail "a write with fail_request_every=1 succeeded"
fi
verify_clean

# 2. 20 % of requests fail, at random: the count is plausible and exact.
echo 0 >"$D/stats"
knob fail_request_percent 20
fio_errors --rw=randrw --bs=4k --size=32M --iodepth=16 --io_size=8M
errs=$ERRS
expect_errors_match "$errs" injected_errors
issued=$(($(sgblk_stat requests) + errs))
pct=$((errs * 1000 / issued))
note "$errs of $issued failed ($pct per mille)"
[ "$pct" -ge 150 ] || fail "20 %: only $errs of $issued failed"
[ "$pct" -le 250 ] || fail "20 %: as many as $errs of $issued failed"
verify_clean

# 3. Every 3rd bounce allocation fails: requests are requeued, none fails.
set_profile align-4k
echo 0 >"$D/stats"
knob fail_pool_every 3
fio_verify /dev/sgblk0 --rw=randrw --bs=64k --mem_align=512 --size=32M ||
	fail "verify with failing bounce allocations"
note "$(grep -E 'injected_pool|requeues|bounce_descs' "$D/stats" | tr '\n' ' ')"
expect_stat injected_pool_failures -gt 0
n=$(sgblk_stat injected_pool_failures)
expect_stat requeues -ge "$n"
expect_stat errors -eq 0
# Every allocation failing starves bouncing requests; they wait (requeued),
# are not failed or lost, and complete once the knob is cleared.
knob fail_pool_every 1
fio_verify /dev/sgblk0 --rw=write --bs=64k --mem_align=512 --size=4M &
fio_pid=$!
sleep 3
r0=$(sgblk_stat requeues)
# retried: more requeues within 10 s (1 s was too short for a debug kernel
# on a loaded host)
i=0
while [ "$(sgblk_stat requeues)" -le "$r0" ] && [ $i -lt 10 ]; do
	sleep 1
	i=$((i + 1))
done
[ "$(sgblk_stat requeues)" -gt "$r0" ] || fail "starved requests not retried in 10 s"
kill -0 $fio_pid 2>/dev/null || fail "fio finished while every bounce allocation failed"
knob fail_pool_every 0
wait $fio_pid || fail "starved writes did not complete intact after the knob was cleared"
expect_stat errors -eq 0
# Bounce buffers still missing after a whole io_timeout: the request fails.
echo 1000 >/sys/block/sgblk0/queue/io_timeout || fail "io_timeout"
echo 0 >"$D/stats"
knob fail_pool_every 1
fio_errors --rw=write --bs=64k --mem_align=512 --size=256k --iodepth=2
note "4 bouncing writes without bounce buffers: $ERRS errors"
[ "$ERRS" = 4 ] || fail "4 writes starved of bounce buffers gave $ERRS errors"
expect_stat pool_giveups -eq 4
expect_stat errors -eq 4
echo 30000 >/sys/block/sgblk0/queue/io_timeout || fail "io_timeout"
verify_clean --mem_align=512
set_profile none

# 4. Every 3rd DMA mapping fails, as when IOMMU or swiotlb space is short:
# the request is retried and completes.  A request that cannot be mapped
# for its whole io_timeout fails with EIO instead of being retried forever.
echo 0 >"$D/stats"
knob fail_map_every 3
fio_verify /dev/sgblk0 --rw=randrw --bs=16k --size=16M ||
	fail "verify with failing mappings"
n=$(sgblk_stat injected_map_failures)
note "$n injected map failures, $(sgblk_stat requeues) requeues"
[ "$n" -gt 0 ] || fail "no map failure injected"
expect_stat map_errors -eq "$n"
expect_stat requeues -ge "$n"
expect_stat map_giveups -eq 0
expect_stat errors -eq 0
echo 1000 >/sys/block/sgblk0/queue/io_timeout || fail "io_timeout"
knob fail_map_every 1
t0=$(date +%s)
fio_errors --rw=read --bs=4k --size=16k --iodepth=2
t=$(($(date +%s) - t0))
note "4 unmappable reads: $ERRS errors after $t s"
[ "$ERRS" = 4 ] || fail "4 unmappable reads gave $ERRS errors"
expect_stat map_giveups -eq 4
[ "$t" -ge 1 ] || fail "unmappable reads failed before io_timeout"
verify_clean
echo 30000 >/sys/block/sgblk0/queue/io_timeout || fail "io_timeout"

# 5. Every 50th request is lost: the timeout handler ends it (the caller sees
# an error after io_timeout), the rest complete, nothing stays in flight.
echo 1000 >/sys/block/sgblk0/queue/io_timeout || fail "io_timeout"
echo 0 >"$D/stats"
knob drop_request_every 50
t0=$(date +%s)
fio_errors --ignore_error="$TIMEDOUT" --rw=randrw --bs=8k --size=32M --iodepth=16 --io_size=4M
errs=$ERRS
note "512 I/Os with every 50th lost took $(($(date +%s) - t0)) s"
expect_errors_match "$errs" timeouts
issued=$(sgblk_stat requests)
expect_stat injected_drops -eq $((issued / 50))
expect_stat errors -eq "$errs"
read -r r w </sys/block/sgblk0/inflight
[ "$r$w" = 00 ] || fail "requests still in flight: $r reads, $w writes"
verify_clean
sgblk_unload

# 6. The same on a poll queue and under timer completion: a lost polled
# request is ended by the timeout handler too.
sgblk_load capacity_mb=64 poll_queues=1 completion=timer completion_nsec=20000
echo 1000 >/sys/block/sgblk0/queue/io_timeout || fail "io_timeout"
fio_verify /dev/sgblk0 --bs=64k --size=32M || fail "prefill"
echo 0 >"$D/stats"
knob drop_request_every 25
fio_errors --ignore_error="$TIMEDOUT" --rw=randread --bs=4k --size=32M --iodepth=8 --io_size=800k --hipri=1
errs=$ERRS
expect_errors_match "$errs" timeouts
expect_stat injected_drops -eq $(($(sgblk_stat requests) / 25))
verify_clean --hipri=1
sgblk_unload

# 7. A request slower than io_timeout but not lost completes normally: the
# timeout handler sees it late and re-arms its timer.
sgblk_load capacity_mb=16 completion=timer completion_nsec=1000000000
echo 100 >/sys/block/sgblk0/queue/io_timeout || fail "io_timeout"
t0=$(date +%s)
fio_verify /dev/sgblk0 --rw=write --bs=1m --size=3M --iodepth=1 ||
	fail "slow requests failed"
note "3 slow writes + 3 verify reads took $(($(date +%s) - t0)) s"
expect_stat timeout_rearms -gt 0
expect_stat timeouts -eq 0
expect_stat errors -eq 0
sgblk_unload
