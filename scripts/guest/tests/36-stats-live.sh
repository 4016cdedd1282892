# sgblk-ctl stats --interval, the live view, against known work, watched
# from before it starts until after it ends:
# - rates: fio randrw at 2000 reads/s and 1000 writes/s on boundary-1k;
#   the rows' reads and writes (rate x interval) add up to fio's own I/O
#   counts within 1 %, and where fio held its rates every row of its run is
#   within 15 % of them; bytes/s 4 KiB a request; the rows' splits add up
#   to the counter's rise;
# - levels: a disk that completes after 500 ms (timer), 16 misaligned
#   requests kept in flight by sgblk-uring on align-4k: the rows add up to
#   sgblk-uring's reads, every row of its run but one at most shows the 16
#   requests in flight, mapped and holding bounce buffers, the bounced
#   bytes add up;
# - every disk without --disk, as text with its header (the log shows the
#   view during a run);
# - the view is root's: as uid 1000 it fails with the reason.
. /sgblk/guest/lib.sh

CFS=/sys/kernel/config/sgblk
command -v sgblk-ctl >/dev/null || fail "sgblk-ctl not on PATH"
command -v sgblk-uring >/dev/null || fail "sgblk-uring not on PATH"

# cols FILE NAME...: for each JSON line of FILE, the NAMEs' numbers
cols() {
	_f=$1
	shift
	awk -v keys="$*" 'BEGIN { n = split(keys, k, " ") }
		{
			out = ""
			for (i = 1; i <= n; i++) {
				v = ""
				if (match($0, "\"" k[i] "\":[-0-9.]+"))
					v = substr($0, RSTART + length(k[i]) + 3, RLENGTH - length(k[i]) - 3)
				out = out (i > 1 ? " " : "") v
			}
			print out
		}' "$_f"
}

# within GOT WANT PCT: |GOT - WANT| <= PCT % of WANT
within() {
	awk -v g="$1" -v w="$2" -v p="$3" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= w * p / 100) }'
}

# sum_over FILE NAME: the sum of NAME * interval_s over FILE's rows
sum_over() {
	cols "$1" "$2" interval_s | awk '{ s += $1 * $2 } END { printf "%.0f\n", s }'
}

# fio_iops FILE N: the Nth "iops" of fio's JSON (1: read, 2: write)
fio_iops() {
	awk -F: '/"iops" :/ { gsub(/[ ,]/, "", $2); print $2 }' "$1" | sed -n "${2}p"
}

sgblk_load capacity_mb=64
set_profile boundary-1k

# watch_disk DISK OUT: the live view of DISK, 1 s rows as JSON into OUT, in the
# background until unwatch_disk: started before the work it watches and ended
# after it, so that its rows hold all of that work and nothing else
watch_disk() {
	sgblk-ctl stats --disk "$1" --interval 1 --json >"$2" 2>/tmp/watch.err &
	wpid=$!
	sleep 0.5
}
unwatch_disk() {
	sleep 1.5
	kill "$wpid" 2>/dev/null
	wait "$wpid" 2>/dev/null
	[ -s "$1" ] || fail "sgblk-ctl stats --interval printed nothing: $(cat /tmp/watch.err)"
	grep -v '^{.*}$' "$1" && fail "sgblk-ctl stats --interval printed something else than JSON rows"
	sed 's/^/# /' "$1"
}

# busy FILE NAME: the rows between the first and the last in which NAME is
# not 0 (the work's own seconds, not its start or end), as "NAME" values
busy() {
	cols "$1" "$2" | awk '{ v[NR] = $1; if ($1 > 0) { if (!f) f = NR; l = NR } }
		END { for (i = f + 1; i < l; i++) print v[i] }'
}

# fio_total FILE N: the Nth "total_ios" of fio's JSON (1: reads, 2: writes)
fio_total() {
	awk -F: '/"total_ios" :/ { gsub(/[ ,]/, "", $2); print $2 }' "$1" | sed -n "${2}p"
}

# --- rates, against fio (one request per I/O: no merges)
echo 2 >/sys/block/sgblk0/queue/nomerges || fail "nomerges"
sp0=$(sgblk_stat splits_boundary)
watch_disk sgblk0 /tmp/live.json
fio --name=live --filename=/dev/sgblk0 --direct=1 --ioengine=libaio \
	--rw=randrw --bs=4k --iodepth=8 --rate_iops=2000,1000 --runtime=6 \
	--time_based --size=32M --output-format=json >/tmp/fio.json 2>/tmp/fio.err ||
	fail "fio failed: $(tail -n 5 /tmp/fio.err)"
unwatch_disk /tmp/live.json
sp1=$(sgblk_stat splits_boundary)
rio=$(fio_iops /tmp/fio.json 1)
wio=$(fio_iops /tmp/fio.json 2)
rt=$(fio_total /tmp/fio.json 1)
wt=$(fio_total /tmp/fio.json 2)
note "fio: $rt reads ($rio/s), $wt writes ($wio/s)"
# What the rows add up to is what fio did.
rr=$(sum_over /tmp/live.json reads_per_s)
rw=$(sum_over /tmp/live.json writes_per_s)
within "$rr" "$rt" 1 || fail "the rows add up to $rr reads, fio did $rt"
within "$rw" "$wt" 1 || fail "the rows add up to $rw writes, fio did $wt"
# Second by second: where fio held its rates (a debug kernel on a loaded
# host may not), each row of its run is within 15 % of them.
if within "$rio" 2000 5 && within "$wio" 1000 5; then
	for r in $(busy /tmp/live.json reads_per_s); do
		within "$r" 2000 15 || fail "a row's reads/s $r is not within 15 % of the 2000/s fio held"
	done
	for w in $(busy /tmp/live.json writes_per_s); do
		within "$w" 1000 15 || fail "a row's writes/s $w is not within 15 % of the 1000/s fio held"
	done
else
	note "fio held $rio reads/s and $wio writes/s, not 2000 and 1000: rows checked by their sums"
fi
cols /tmp/live.json reads_per_s read_bytes_per_s |
	while read -r r b; do
		within "$b" "$(awk -v r="$r" 'BEGIN { print r * 4096 }')" 1 ||
			fail "read bytes/s $b is not 4 KiB x $r reads/s"
	done || exit 1
rs=$(sum_over /tmp/live.json splits_per_s)
[ $((sp1 - sp0)) -gt 0 ] || fail "no boundary splits on boundary-1k"
within "$rs" $((sp1 - sp0)) 1 || fail "the rows add up to $rs splits, the counter rose by $((sp1 - sp0))"
for f in $(cols /tmp/live.json engine_faults); do
	[ "$f" = 0 ] || fail "engine faults in a row: $f"
done
note "rows: $rr reads, $rw writes, $rs splits; the counter rose by $((sp1 - sp0)) splits"

# --- levels: a slow disk with requests held in flight
mkdir "$CFS/slow" || fail "mkdir slow"
for kv in capacity_mb=64 completion=timer completion_nsec=500000000; do
	echo "${kv#*=}" >"$CFS/slow/${kv%%=*}" || fail "slow: $kv"
done
echo 1 >"$CFS/slow/power" || fail "slow: power"
slow=sgblk$(cat "$CFS/slow/index")
wait_node "/dev/$slow"
set_profile align-4k "$slow"
echo 2 >"/sys/block/$slow/queue/nomerges" || fail "nomerges"
b0=$(sgblk_stat bounce_bytes "$slow")
watch_disk "$slow" /tmp/slow.json
sgblk-uring -q --json -d 16 --layout misaligned:512 --rw randread --ios 160 --size 16M \
	"/dev/$slow" >/tmp/uring.json 2>/tmp/uring.err ||
	fail "sgblk-uring failed: $(cat /tmp/uring.err)"
unwatch_disk /tmp/slow.json
b1=$(sgblk_stat bounce_bytes "$slow")
ureads=$(sed -n 's/.*"reads":\([0-9]*\).*/\1/p' /tmp/uring.json)
uiops=$(sed -n 's/.*"iops":\([0-9.]*\).*/\1/p' /tmp/uring.json)
sr=$(sum_over /tmp/slow.json reads_per_s)
within "$sr" "$ureads" 1 || fail "$slow: the rows add up to $sr reads, sgblk-uring did $ureads"
# Levels are read at an instant: the 16 requests complete together (one
# batch, one 500 ms timer each), and a row may fall in the moment before
# sgblk-uring submits them again (at 20 ms, one row in five did).  So:
# none above 16 ever, and every row of the run but one at most shows them
# held (in flight, mapped, bounce buffers).
cols /tmp/slow.json inflight maps_outstanding bounce_pool_bytes >/tmp/levels
awk '$1 > 16 || $2 > 16 || $1 < 0 || $2 < 0 || $3 < 0 { exit 1 }' /tmp/levels ||
	fail "$slow: levels out of range: $(tr '\n' ';' </tmp/levels)"
cols /tmp/slow.json reads_per_s inflight maps_outstanding bounce_pool_bytes |
	awk '{ r[NR] = $0; if ($1 > 0) { if (!f) f = NR; l = NR } }
		END { for (i = f + 1; i < l; i++) print r[i] }' >/tmp/levels.run
run=$(wc -l </tmp/levels.run)
held=$(awk '$2 >= 12 && $3 >= 12 && $4 > 0' /tmp/levels.run | wc -l)
[ "$run" -ge 3 ] || fail "$slow: only $run rows inside sgblk-uring's run"
[ "$held" -ge $((run - 1)) ] ||
	fail "$slow: $held of $run rows show the 16 requests held (in flight >= 12, mapped >= 12, bounce bytes > 0): $(tr '\n' ';' </tmp/levels.run)"
bs=$(sum_over /tmp/slow.json bounce_bytes_per_s)
[ $((b1 - b0)) -gt 0 ] || fail "$slow: nothing bounced on align-4k with misaligned buffers"
within "$bs" $((b1 - b0)) 1 || fail "$slow: the rows add up to $bs bounced bytes, the counter rose by $((b1 - b0))"
note "$slow: sgblk-uring $ureads reads ($uiops/s), the rows $sr; $held of $run rows held; $bs bytes bounced over the rows, the counter rose by $((b1 - b0))"

# --- every disk, as text: the view during a run on both
fio --name=a --filename=/dev/sgblk0 --direct=1 --ioengine=libaio --rw=randread \
	--bs=4k --iodepth=4 --rate_iops=1500 --runtime=7 --time_based --size=32M \
	--output-format=json >/tmp/fio-a.json 2>/tmp/fio-a.err &
fpid=$!
fio --name=b --filename="/dev/$slow" --direct=1 --ioengine=libaio --rw=randwrite \
	--bs=64k --iodepth=8 --runtime=7 --time_based --size=32M \
	--output-format=json >/tmp/fio-b.json 2>/tmp/fio-b.err &
gpid=$!
sleep 1.5
sgblk-ctl stats --interval 1 --count 5 >/tmp/live.txt || fail "sgblk-ctl stats --interval (text) failed"
wait $fpid || fail "fio failed: $(tail -n 5 /tmp/fio-a.err)"
wait $gpid || fail "fio failed: $(tail -n 5 /tmp/fio-b.err)"
sed 's/^/# /' /tmp/live.txt
note "fio: sgblk0 $(fio_iops /tmp/fio-a.json 1) reads/s; $slow $(fio_iops /tmp/fio-b.json 2) writes/s"
grep -q '^time  *disk  *r/s  *w/s  *rMB/s  *wMB/s  *splits/s  *bncMB/s  *merges/s  *faults  *inflt  *maps  *bounce_kB$' /tmp/live.txt ||
	fail "no header line"
for d in sgblk0 "$slow"; do
	[ "$(awk -v d="$d" '$2 == d' /tmp/live.txt | wc -l)" = 5 ] || fail "not 5 rows for $d"
done

# --- root's only
out=$(as_user "$(command -v sgblk-ctl) stats --interval 0.2 --count 1" 2>&1)
rc=$?
[ $rc = 1 ] || fail "as uid 1000: exit $rc, want 1 ($out)"
echo "$out" | grep -q 'EACCES' || fail "as uid 1000: no EACCES in '$out'"
note "as uid 1000: $out"

echo 0 >"$CFS/slow/power" || fail "power off slow"
rmdir "$CFS/slow" || fail "remove slow"
sgblk_unload
