# sgblk-ctl stats --interval, the live view, against known work:
# - rates: fio randrw held at 2000 reads/s and 1000 writes/s on
#   boundary-1k; every 1 s row within 15 % of fio's own IOPS, their mean
#   within 5 %, bytes/s 4 KiB a request, and the splits the rows add up
#   to no more than the counter rose around them and at least 90 % of it
#   (what lies outside the rows: sgblk-ctl's start and exit);
# - levels: a disk that completes after 20 ms (timer), 16 misaligned
#   requests kept in flight by sgblk-uring on align-4k: requests in
#   flight, mappings outstanding and bounce bytes held show them, the
#   read rate within 5 % of sgblk-uring's IOPS, the bounced bytes add up;
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

# inside ROWS RISE: what the rows add up to lies inside the counter's rise
# over a window around them: at most all of it, at least 90 %
inside() {
	awk -v r="$1" -v c="$2" 'BEGIN { exit !(c > 0 && r <= c * 1.001 + 1 && r >= c * 0.9) }'
}

# mean FILE NAME: the mean of NAME over FILE's rows
mean() {
	cols "$1" "$2" | awk '{ s += $1; n++ } END { if (n) printf "%.1f\n", s / n }'
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

# --- rates, against fio
fio --name=live --filename=/dev/sgblk0 --direct=1 --ioengine=libaio \
	--rw=randrw --bs=4k --iodepth=8 --rate_iops=2000,1000 --runtime=9 \
	--time_based --size=32M --output-format=json >/tmp/fio.json 2>/tmp/fio.err &
fpid=$!
sleep 2
sp0=$(sgblk_stat splits_boundary)
sgblk-ctl stats --disk sgblk0 --interval 1 --count 5 --json >/tmp/live.json ||
	fail "sgblk-ctl stats --interval failed"
sp1=$(sgblk_stat splits_boundary)
wait $fpid || fail "fio failed: $(tail -n 5 /tmp/fio.err)"
rio=$(fio_iops /tmp/fio.json 1)
wio=$(fio_iops /tmp/fio.json 2)
note "fio: $rio reads/s, $wio writes/s"
[ "$(grep -c '^{.*}$' /tmp/live.json)" = 5 ] || fail "not 5 JSON rows: $(cat /tmp/live.json)"
sed 's/^/# /' /tmp/live.json
for r in $(cols /tmp/live.json reads_per_s); do
	within "$r" "$rio" 15 || fail "a row's reads/s $r is not within 15 % of fio's $rio"
done
for w in $(cols /tmp/live.json writes_per_s); do
	within "$w" "$wio" 15 || fail "a row's writes/s $w is not within 15 % of fio's $wio"
done
mr=$(mean /tmp/live.json reads_per_s)
mw=$(mean /tmp/live.json writes_per_s)
within "$mr" "$rio" 5 || fail "mean reads/s $mr is not within 5 % of fio's $rio"
within "$mw" "$wio" 5 || fail "mean writes/s $mw is not within 5 % of fio's $wio"
cols /tmp/live.json reads_per_s read_bytes_per_s |
	while read -r r b; do
		within "$b" "$(awk -v r="$r" 'BEGIN { print r * 4096 }')" 1 ||
			fail "read bytes/s $b is not 4 KiB x $r reads/s"
	done || exit 1
rs=$(sum_over /tmp/live.json splits_per_s)
[ $((sp1 - sp0)) -gt 0 ] || fail "no boundary splits on boundary-1k"
inside "$rs" $((sp1 - sp0)) || fail "the rows add up to $rs splits, the counter rose by $((sp1 - sp0)) around them"
for f in $(cols /tmp/live.json engine_faults); do
	[ "$f" = 0 ] || fail "engine faults in a row: $f"
done
note "rows: mean $mr reads/s, $mw writes/s; $rs splits over the rows, counter +$((sp1 - sp0))"

# --- levels: a slow disk with requests held in flight
mkdir "$CFS/slow" || fail "mkdir slow"
for kv in capacity_mb=64 completion=timer completion_nsec=20000000; do
	echo "${kv#*=}" >"$CFS/slow/${kv%%=*}" || fail "slow: $kv"
done
echo 1 >"$CFS/slow/power" || fail "slow: power"
slow=sgblk$(cat "$CFS/slow/index")
wait_node "/dev/$slow"
set_profile align-4k "$slow"
sgblk-uring -q --json -d 16 --layout misaligned:512 --rw randread -t 8 --size 16M \
	"/dev/$slow" >/tmp/uring.json 2>/tmp/uring.err &
upid=$!
sleep 1.5
b0=$(sgblk_stat bounce_bytes "$slow")
sgblk-ctl stats --disk "$slow" --interval 1 --count 5 --json >/tmp/slow.json ||
	fail "sgblk-ctl stats --interval failed on $slow"
b1=$(sgblk_stat bounce_bytes "$slow")
wait $upid || fail "sgblk-uring failed: $(cat /tmp/uring.err)"
sed 's/^/# /' /tmp/slow.json
uiops=$(sed -n 's/.*"iops":\([0-9.]*\).*/\1/p' /tmp/uring.json)
ms=$(mean /tmp/slow.json reads_per_s)
within "$ms" "$uiops" 5 || fail "$slow: mean reads/s $ms is not within 5 % of sgblk-uring's $uiops"
# Levels are read at an instant: the 16 requests complete together (one
# batch, one 20 ms timer each) and a row can fall in the moment before
# sgblk-uring submits them again.  So: none above 16 ever, and most rows
# show them held (in flight, mapped, bounce buffers).
cols /tmp/slow.json inflight maps_outstanding bounce_pool_bytes >/tmp/levels
awk '$1 > 16 || $2 > 16 || $1 < 0 || $2 < 0 || $3 < 0 { exit 1 }' /tmp/levels ||
	fail "$slow: levels out of range: $(tr '\n' ';' </tmp/levels)"
held=$(awk '$1 >= 12 && $2 >= 8 && $3 > 0' /tmp/levels | wc -l)
[ "$held" -ge 3 ] ||
	fail "$slow: $held of 5 rows show the 16 requests held (in flight >= 12, mapped >= 8, bounce bytes > 0): $(tr '\n' ';' </tmp/levels)"
bs=$(sum_over /tmp/slow.json bounce_bytes_per_s)
[ $((b1 - b0)) -gt 0 ] || fail "$slow: nothing bounced on align-4k with misaligned buffers"
inside "$bs" $((b1 - b0)) || fail "$slow: the rows add up to $bs bounced bytes, the counter rose by $((b1 - b0)) around them"
note "$slow: sgblk-uring $uiops reads/s, rows mean $ms; $bs bytes bounced over the rows, counter +$((b1 - b0))"

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
