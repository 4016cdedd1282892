#!/bin/sh
# make profile, the part inside the (icount) guest.  For each run in RUNS
# (DEVICE:PROFILE:JOB, PROFILE "-" for a kernel device):
# load it (scripts/guest/devices.sh), a warm-up run, one fio run of JOB
# without perf (its IOPS give the guest time per I/O); one more in whose
# middle sgblk-mark opens and closes the counting window of the QEMU
# plugin tbcount (exact instructions per code block; the table); then the
# job under perf record (software cpu-clock, all CPUs, call graphs) once
# per rate in FREQS, resolved here, where /proc/kallsyms and the module
# are (the flame graphs).  Sampled shares are not the table's source: in a
# deterministic guest a fixed sampling period locks onto the phase of the
# workload (seen: fio's own code 4x apart between two devices running the
# same fio loop, and 10x apart between rates).
# Files, U = DEVICE_PROFILE_JOB:
#   /out/profile/U.fio.json       the measured run
#   /out/profile/U.perf-F.json    the run under perf at F Hz (lower IOPS)
#   /out/profile/U.script-F.gz    its perf script: comm; address, symbol,
#                                 dso per frame
#   /out/profile/U.report.txt     perf report --no-children, by symbol
#                                 (the first rate)
#   /out/profile/U.queue.txt      the queue limits the device set
#   /out/profile/U.count.json     the counted run; U.window: its window,
#                                 start and end in guest ns (sgblk-mark)
#   /out/profile/U.kallsyms       the module's symbols while it is loaded
#   /out/profile/kallsyms         the kernel's
#   /out/profile/windows          the runs in the plugin's window order
#   /out/profile/env.txt          (runs: RUNS)
# Environment: RUNS [sgblk-null:none:randread-4k null_blk:-:randread-4k],
# RUNTIME [1], SIZE [64M], IODEPTH [32], FREQS [20011; empty: no perf
# runs, the counted window only (make bench's count boot)], WARMUP [1],
# WINDOW (seconds counted, from 0.3 s into the run) [0.5].
. /sgblk/guest/lib.sh
. /sgblk/guest/devices.sh

RUNS=${RUNS:-sgblk-null:none:randread-4k null_blk:-:randread-4k}
FREQS=${FREQS-20011}
WINDOW=${WINDOW:-0.5}
export RUNTIME=${RUNTIME:-1} SIZE=${SIZE:-64M} IODEPTH=${IODEPTH:-32}
OUT=/out/profile
mkdir -p $OUT
[ -z "$FREQS" ] || command -v perf >/dev/null ||
	fail "no perf in the guest (scripts/vm --perf)"
echo 0 >/proc/sys/kernel/kptr_restrict
echo -1 >/proc/sys/kernel/perf_event_paranoid
{
	echo "kernel $(uname -r)"
	echo "cpu $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
	echo "ncpu $(grep -c ^processor /proc/cpuinfo)"
	echo "fio $(fio --version)"
	[ -z "$FREQS" ] || echo "perf $(perf --version)"
	echo "runtime $RUNTIME"
	echo "size $SIZE"
	echo "iodepth $IODEPTH"
	echo "freqs $FREQS"
	echo "runs $RUNS"
	echo "window $WINDOW"
} >$OUT/env.txt
grep -v '\[' /proc/kallsyms | gzip -c >$OUT/kallsyms.gz
# make bench's buffer (lib.sh, bench_buffer), so a profile sees the
# scatterlists the bench measured; large enough for seqread-1m
BUF=/tmp/sgblk-bench.buf
bench_buffer $BUF $((IODEPTH * 1024 + 16)) >$OUT/buffer.txt

for r in $RUNS; do
	d=${r%%:*}
	JOB=${r##*:}
	prof=${r#*:}
	prof=${prof%%:*}
	u=${d}_${prof}_$JOB
	[ -f "/sgblk/fio-jobs/$JOB.fio" ] || fail "no fio job $JOB"
	dev_load "$d"
	case $d in sgblk-*) [ "$prof" = none ] || set_profile "$prof" ;; esac
	q=/sys/block/${DEV#/dev/}/queue
	for f in max_hw_sectors_kb max_sectors_kb max_segments max_segment_size \
		logical_block_size nomerges; do
		echo "$f $(cat "$q/$f")"
	done >"$OUT/$u.queue.txt"
	RUNTIME=${WARMUP:-1} fio --eta=never --iomem=mmapshared:$BUF "/sgblk/fio-jobs/$JOB.fio" >/tmp/fio.err 2>&1 ||
		{ cat /tmp/fio.err; fail "warm-up $JOB on $d"; }
	fio --eta=never --output-format=json --output="$OUT/$u.fio.json" \
		--iomem=mmapshared:$BUF "/sgblk/fio-jobs/$JOB.fio" >/tmp/fio.err 2>&1 ||
		{ cat /tmp/fio.err; fail "fio $JOB on $d"; }
	echo "profile: $d $prof $JOB measured"
	grep '\[' /proc/kallsyms >"$OUT/$u.kallsyms"
	fio --eta=never --output-format=json --output="$OUT/$u.count.json" \
		--iomem=mmapshared:$BUF "/sgblk/fio-jobs/$JOB.fio" >/tmp/fio.err 2>&1 &
	sleep 0.3
	sgblk-mark >"$OUT/$u.window"
	sleep "$WINDOW"
	sgblk-mark >>"$OUT/$u.window"
	wait $! || { cat /tmp/fio.err; fail "counted fio $JOB on $d"; }
	echo "$u" >>$OUT/windows
	echo "profile: $d $prof $JOB counted"
	for f in $FREQS; do
		# -B -N: no build-id pass at the end (guest time, nothing to cache)
		perf record -q -e cpu-clock -F "$f" -a -g -B -N -o /tmp/perf.data -- \
			fio --eta=never --output-format=json --output="$OUT/$u.perf-$f.json" \
			--iomem=mmapshared:$BUF "/sgblk/fio-jobs/$JOB.fio" >/tmp/perf.err 2>&1 ||
			{ cat /tmp/perf.err; fail "perf record of $JOB on $d at $f Hz"; }
		perf script -i /tmp/perf.data -F comm,ip,sym,dso 2>/tmp/perf.err |
			gzip -c >"$OUT/$u.script-$f.gz" ||
			{ cat /tmp/perf.err; fail "perf script on $d"; }
		[ -f "$OUT/$u.report.txt" ] ||
			perf report -i /tmp/perf.data --stdio --no-children --sort sym -g none \
				--percent-limit 0.5 >"$OUT/$u.report.txt" 2>/tmp/perf.err ||
			{ cat /tmp/perf.err; fail "perf report on $d"; }
		echo "profile: $d $prof $JOB profiled at $f Hz" \
			"($(zcat "$OUT/$u.script-$f.gz" | grep -c '^[^[:space:]]') samples)"
	done
	rm -f /tmp/perf.data
	dev_unload
done
