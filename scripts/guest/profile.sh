#!/bin/sh
# make profile, the part inside the (icount) guest.  For each run in RUNS
# (DEVICE:PROFILE:JOB, PROFILE "-" for a kernel device):
# load it (scripts/guest/devices.sh), a warm-up run, one fio run of JOB
# without perf (its IOPS give the guest time per I/O), then the same job
# under perf record (software cpu-clock, all CPUs, call graphs) once per
# sampling rate in FREQS, and the samples resolved here, where
# /proc/kallsyms and the module are.  Several rates because the guest is
# deterministic: at one fixed period the samples can lock onto the phase of
# fio's batches of QD I/Os (seen: fio's own code 4x apart between two
# devices running the same fio loop).
# Files, U = DEVICE_PROFILE_JOB:
#   /out/profile/U.fio.json       the measured run
#   /out/profile/U.perf-F.json    the run under perf at F Hz (lower IOPS)
#   /out/profile/U.script-F.gz    its perf script: comm; address, symbol,
#                                 dso per frame
#   /out/profile/U.report.txt     perf report --no-children, by symbol
#                                 (the first rate)
#   /out/profile/U.queue.txt      the queue limits the device set
#   /out/profile/env.txt          (runs: RUNS)
# Environment: RUNS [sgblk-null:none:randread-4k null_blk:-:randread-4k],
# RUNTIME [1], SIZE [64M], IODEPTH [32], FREQS [20011 17011 13001],
# WARMUP [1].
. /sgblk/guest/lib.sh
. /sgblk/guest/devices.sh

RUNS=${RUNS:-sgblk-null:none:randread-4k null_blk:-:randread-4k}
FREQS=${FREQS:-20011 17011 13001}
export RUNTIME=${RUNTIME:-1} SIZE=${SIZE:-64M} IODEPTH=${IODEPTH:-32}
OUT=/out/profile
mkdir -p $OUT
command -v perf >/dev/null || fail "no perf in the guest (scripts/vm --perf)"
echo 0 >/proc/sys/kernel/kptr_restrict
echo -1 >/proc/sys/kernel/perf_event_paranoid
{
	echo "kernel $(uname -r)"
	echo "cpu $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
	echo "ncpu $(grep -c ^processor /proc/cpuinfo)"
	echo "fio $(fio --version)"
	echo "perf $(perf --version)"
	echo "runtime $RUNTIME"
	echo "size $SIZE"
	echo "iodepth $IODEPTH"
	echo "freqs $FREQS"
	echo "runs $RUNS"
} >$OUT/env.txt

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
	RUNTIME=${WARMUP:-1} fio --eta=never "/sgblk/fio-jobs/$JOB.fio" >/tmp/fio.err 2>&1 ||
		{ cat /tmp/fio.err; fail "warm-up $JOB on $d"; }
	fio --eta=never --output-format=json --output="$OUT/$u.fio.json" \
		"/sgblk/fio-jobs/$JOB.fio" >/tmp/fio.err 2>&1 ||
		{ cat /tmp/fio.err; fail "fio $JOB on $d"; }
	echo "profile: $d $prof $JOB measured"
	for f in $FREQS; do
		# -B -N: no build-id pass at the end (guest time, nothing to cache)
		perf record -q -e cpu-clock -F "$f" -a -g -B -N -o /tmp/perf.data -- \
			fio --eta=never --output-format=json --output="$OUT/$u.perf-$f.json" \
			"/sgblk/fio-jobs/$JOB.fio" >/tmp/perf.err 2>&1 ||
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
