# Stress: fio verify loops on three devices (different completion modes,
# queues and buffer alignment; on the first, 1 MiB I/O from huge pages as
# well) and error-tolerant I/O on a fourth, for SGBLK_STRESS_SECS (default
# 120), while profiles flip at random on every device and fault knobs
# toggle.  Passes only with every verify pass clean, the fault device's
# errors all accounted for (injected or timed out), nothing in flight, no
# pinned pages left and no WARN/BUG (the runner checks dmesg).  The 1 MiB
# requests must show in the first device's histograms: whole (an element
# of 256 KiB or more, contiguous memory, which the huge pages loop d's fio
# must map guarantee) if it spent 5 s or more on profiles that take them,
# in 64 elements or more if it spent 5 s or more on page or boundary-1k.
# shellcheck disable=SC2086 # $disks and $PRESETS are word lists
. /sgblk/guest/lib.sh

secs=${SGBLK_STRESS_SECS:-120}
CFS=/sys/kernel/config/sgblk

# rnd N: a random number in 0..N-1.
rnd() {
	echo $(($(od -An -N2 -tu2 /dev/urandom) % $1))
}

# pick WORDS...: one of the words at random.
pick() {
	shift "$(rnd $#)"
	echo "$1"
}

# cfs_dev NAME ATTR=VALUE...: a configfs device, powered on.
cfs_dev() {
	mkdir "$CFS/$1" || fail "mkdir $1"
	n=$1
	shift
	for kv in capacity_mb=64 "$@"; do
		echo "${kv#*=}" >"$CFS/$n/${kv%%=*}" || fail "$n: $kv"
	done
	echo 1 >"$CFS/$n/power" || fail "$n: power"
	echo "sgblk$(cat "$CFS/$n/index")"
}

# verify_loop DISK TAG FIO-OPTIONS...: fio verify passes until the deadline;
# the number of passes goes to /tmp/stress.TAG, a failure to .fail.
verify_loop() {
	disk=$1 tag=$2
	shift 2
	passes=0
	while [ "$(date +%s)" -lt "$deadline" ]; do
		if ! fio --name=v --filename="/dev/$disk" --direct=1 --ioengine=io_uring \
			--size=16M --iodepth=16 --verify=crc32c --verify_fatal=1 \
			--do_verify=1 "$@" >"/tmp/stress.$tag.out" 2>&1; then
			cp "/tmp/stress.$tag.out" "/tmp/stress.$tag.fail"
			break
		fi
		passes=$((passes + 1))
	done
	echo $passes >"/tmp/stress.$tag"
}

# error_loop DISK: error-tolerant randrw until the deadline (libaio, where
# the verify loops use io_uring); fio's error total goes to /tmp/stress.errs
# (EIO and 110 = ETIMEDOUT tolerated), each run whose errors differ from
# sgblk's to /tmp/stress.mismatch.  DISK takes no merges: a failed request
# that held two fio I/Os would count once in sgblk and twice in fio.
error_loop() {
	total=0 runs=0
	while [ "$(date +%s)" -lt "$deadline" ]; do
		e0=$(sgblk_stat errors "$1")
		fio --name=e --filename="/dev/$1" --direct=1 --ioengine=libaio \
			--rw=randrw --bs=8k --size=16M --io_size=4M --iodepth=16 \
			--continue_on_error=all --ignore_error=EIO:110,EIO:110 \
			--output-format=json >/tmp/stress.e.json 2>/tmp/stress.e.err ||
			{ cp /tmp/stress.e.err /tmp/stress.errs.fail; break; }
		runs=$((runs + 1))
		n=$(awk -F: '/"total_err"/ { gsub(/[ ,]/, "", $2); s += $2 } END { print s + 0 }' \
			/tmp/stress.e.json)
		total=$((total + n))
		e=$(($(sgblk_stat errors "$1") - e0))
		[ "$n" -eq "$e" ] || echo "run $runs: fio $n errors, sgblk $e;" \
			"first $(awk -F: '/"first_error"/ { gsub(/[ ,]/, "", $2); print $2 }' \
				/tmp/stress.e.json)" >>/tmp/stress.mismatch
	done
	echo $total >/tmp/stress.errs
}

rm -f /tmp/stress.*
huge_pages_for_1m 70-stress
pins0=$(pins_held)
sgblk_load capacity_mb=64
presets
disks="sgblk0 $(cfs_dev soft completion=softirq submit_queues=2)"
disks="$disks $(cfs_dev timer completion=timer completion_nsec=50000 poll_queues=1)"
faulty=$(cfs_dev faulty)
for d in $disks $faulty; do
	echo 1 >"$DBG/$d/own_fatal" || fail "own_fatal"
done
echo 1000 >"/sys/block/$faulty/queue/io_timeout" || fail "io_timeout"
echo 2 >"/sys/block/$faulty/queue/nomerges" || fail "nomerges"
set -- $disks
note "stress for $secs s: verify on $*, faults on $faulty"

# every profile change: disk, preset, time; first the ones they start on
now() { cut -d' ' -f1 /proc/uptime; }
for d in $disks $faulty; do
	echo "$d $(sed -n 's/^preset //p' "$DBG/$d/profile") $(now)"
done >/tmp/stress.flips
deadline=$(($(date +%s) + secs))
verify_loop "$1" a --rw=randrw --bs=64k &
# loop d: the same disk, 32 MiB further on (loop a's 16 MiB stay its own)
verify_loop "$1" d --rw=randrw --bs=1m --offset=32M --iodepth=4 $HUGE_IOMEM &
verify_loop "$2" b --rw=randwrite --bs=7k --mem_align=512 --size=14M &
verify_loop "$3" c --rw=randrw --bs=4k --hipri=1 &
error_loop "$faulty" &

flips=0 toggles=0 shown=$(date +%s)
while [ "$(date +%s)" -lt "$deadline" ]; do
	if [ $(($(date +%s) - shown)) -ge 30 ]; then
		shown=$(date +%s)
		echo "stress: $((secs - deadline + shown)) of $secs s, $flips profile flips" \
			>/dev/console 2>/dev/null
	fi
	d=$(pick $disks $faulty)
	p=$(pick $PRESETS)
	if echo "$p" >"$DBG/$d/profile"; then
		flips=$((flips + 1))
		echo "$d $p $(now)" >>/tmp/stress.flips
	else
		fail "profile change refused on $d"
	fi
	pick 0 0 2 5 >"$DBG/$(pick $disks $faulty)/fail_pool_every"
	pick 0 0 3 >"$DBG/$(pick $disks $faulty)/fail_map_every"
	pick 0 7 50 >"$DBG/$faulty/fail_request_every"
	pick 0 0 10 >"$DBG/$faulty/fail_request_percent"
	pick 0 0 100 >"$DBG/$faulty/drop_request_every"
	toggles=$((toggles + 6))
	sleep 0.$((2 + $(rnd 6)))
done
tend=$(now)
for d in $disks $faulty; do
	for k in fail_pool_every fail_map_every fail_request_every \
		fail_request_percent drop_request_every; do
		echo 0 >"$DBG/$d/$k"
	done
done
wait
note "$flips profile flips, $toggles knob writes"

for t in a b c d errs; do
	if [ -e "/tmp/stress.$t.fail" ]; then
		tail -n 20 "/tmp/stress.$t.fail"
		fail "fio failed during stress ($t)"
	fi
done
note "verify passes: $(cat /tmp/stress.a) + $(cat /tmp/stress.b) + $(cat /tmp/stress.c) + $(cat /tmp/stress.d)"
for t in a b c d; do
	[ "$(cat /tmp/stress.$t)" -gt 0 ] || fail "verify loop $t never completed a pass"
done

for d in $disks; do
	for c in rule_violations own_violations engine_faults errors map_giveups; do
		expect_stat $c -eq 0 "$d"
	done
	# Every mapping failure was an injected one.
	expect_stat map_errors -eq "$(sgblk_stat injected_map_failures "$d")" "$d"
	note "$d: $(grep -E '^(requests|bounce_descs|splits_boundary|injected_(pool|map)_failures|requeues) ' \
		"$DBG/$d/stats" | tr '\n' ' ')"
done
for c in rule_violations own_violations engine_faults map_giveups; do
	expect_stat $c -eq 0 "$faulty"
done
expect_stat map_errors -eq "$(sgblk_stat injected_map_failures "$faulty")" "$faulty"
inj=$(sgblk_stat injected_errors "$faulty")
tmo=$(sgblk_stat timeouts "$faulty")
note "$faulty: fio errors $(cat /tmp/stress.errs), injected $inj, timed out $tmo," \
	"dropped $(sgblk_stat injected_drops "$faulty")"
expect_stat errors -eq $((inj + tmo)) "$faulty"
[ "$(cat /tmp/stress.errs)" -eq $((inj + tmo)) ] ||
	fail "fio saw $(cat /tmp/stress.errs) errors, the driver failed $((inj + tmo));" \
		"$(cat /tmp/stress.mismatch 2>/dev/null)"
expect_stat injected_drops -eq "$tmo" "$faulty"
read -r _ rm _ _ _ wm _ <"/sys/block/$faulty/stat"
[ "$rm$wm" = 00 ] || fail "$faulty merged bios ($rm reads, $wm writes) with nomerges=2"
# Loop d's 1 MiB requests reached $1, whole and in many elements, if it
# spent the time on profiles that give them: seconds on each kind.
read -r tw tm <<EOT
$(awk -v d="$1" -v end="$tend" '$1 == d { if (p != "") t[p] += $3 - t0; p = $2; t0 = $3 }
	END { t[p] += end - t0
		printf "%d %d\n", t["none"] + t["align-4k"] + t["dma28"] + t["desc-4"], t["page"] + t["boundary-1k"] }' \
	/tmp/stress.flips)
EOT
whole=$(hist_ge min_segment_bytes 262144 "$1")
many=$(hist_ge sg_elems_per_request 64 "$1")
note "$1: $whole requests with an element of 256 KiB or more (${tw}s on none, align-4k, dma28, desc-4)," \
	"$many of 64 elements or more (${tm}s on page, boundary-1k)"
if [ "$tm" -ge 5 ]; then
	[ "$many" -gt 0 ] || fail "$1: no request of 64 elements or more in ${tm}s on page or boundary-1k"
else
	note "WARNING: $1: ${tm}s on page or boundary-1k: 1 MiB requests in many elements not checked"
fi
if [ "$HUGE_IOMEM" = --iomem=malloc ]; then
	note "WARNING: no huge pages: whole 1 MiB elements not checked"
elif [ "$tw" -ge 5 ]; then
	[ "$whole" -gt 0 ] || fail "$1: no request with an element of 256 KiB or more in ${tw}s on none, align-4k, dma28 or desc-4"
else
	note "WARNING: $1: ${tw}s on none, align-4k, dma28 or desc-4: whole 1 MiB requests not checked"
fi
for d in $disks $faulty; do
	read -r r w <"/sys/block/$d/inflight"
	[ "$r$w" = 00 ] || fail "$d: $r reads, $w writes still in flight"
done

for n in soft timer faulty; do
	echo 0 >"$CFS/$n/power" || fail "power off $n"
	rmdir "$CFS/$n" || fail "remove $n"
done
sgblk_unload
[ "$(pins_held)" -le "$pins0" ] || fail "pinned pages: $pins0 before, $(pins_held) after"
