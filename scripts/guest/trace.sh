#!/bin/sh
# Capture a block trace of one workload on sgblk0 (runs in the guest).
#
#   sh /sgblk/guest/trace.sh [KEY=VALUE...]     (or the same keys in the env)
#
# PROFILE   what to write to the profile file, in order; several values
#           separated by spaces, e.g. "align-4k bounce_pool_kb=1024"
#           [boundary-1k]
# JOB       a fio job from /sgblk/fio-jobs (name with or without .fio); empty:
#           the built-in workload, fio randrw with verify, bs=$BS and
#           mem_align=$ALIGN (7k and 512: buffers 512 bytes off a page and
#           requests that are not 4 KiB multiples, so boundary-1k splits and
#           align-4k bounces)
# BS ALIGN RW IODEPTH SIZE RUNTIME
#           workload knobs [7k 512 randrw 8 8M, RUNTIME empty: size based].
#           Job files get DEV, BS (default 4k), IODEPTH, SIZE and RUNTIME
#           (default 3) from the environment.
# LOAD      extra sgblk module parameters (e.g. "completion=timer
#           completion_nsec=1000000" to make bounce pool exhaustion likely)
# OUTDIR    where results go [/out/trace]
# KEEP_RAW  non-empty: keep blktrace's per-CPU files (trace.blktrace.CPU,
#           as rewritten for blkparse: see unflag_messages)
#
# Leaves in OUTDIR: blkparse.txt, btt.txt (+ btt/ with btt's data files),
# trace.bin (blkparse's merged binary dump), stats.txt, hist.txt, fio.txt,
# blktrace.log, summary.txt (key=value).  Prints a short summary; exits
# non-zero if any step fails.
. /sgblk/guest/lib.sh

# unflag_messages FILE: rewrite a raw per-CPU blktrace file (in place) so
# that blkparse 1.2.0 prints the driver's messages.  Prints how many notes
# it rewrote.
#
# Why: on kernels built with CONFIG_BLK_CGROUP every blk_add_trace_msg note
# carries the __BLK_TN_CGROUP flag (action 0x04000102 instead of 0x04000002)
# and a u64 cgroup id before its text: the kernel sets cgid = 1 when the
# caller passes no cgroup.  blkparse 1.2.0 (Debian 12) does not mask that
# flag, takes the note for an unknown notify kind and drops it without a
# word; blktrace >= 1.3.0 handles it ("blkparse: Handle cgroup information").
# The rewrite clears the flag, removes the 8-byte id and shortens pdu_len by
# 8: exactly the record a kernel without cgroups writes.
#
# Record layout (struct blk_io_trace, native endian, 48 bytes): magic u32
# (0x65617407: bytes 07 74 61 65), sequence u32, time u64, sector u64,
# bytes u32, action u32 (+28), pid u32, device u32, cpu u32, error u16,
# pdu_len u16 (+46); then pdu_len bytes of payload.  The file goes through
# a hex dump (od), is scanned for the magic of each record and comes back
# with xxd -r.  (Busybox awk with a regex RS missed whole stretches of
# records when fed through a pipe under TCG: hence the explicit scan.)
unflag_messages() {
	od -An -v -tx1 -w64 "$1" | awk '
	BEGIN {
		M = " 07 74 61 65"; A = " 02 01 00 04"
		for (i = 0; i < 256; i++) hv[sprintf("%02x", i)] = i
	}
	# buf: dump text not yet written, " xx" per byte, so any match of M is
	# byte aligned.  Records are found by their magic; with buf starting at
	# one, byte k is chars 3k+1..3k+3.
	function flush(keep,   i, n, plen) {
		while ((n = length(buf)) > keep) {
			if (!(i = index(buf, M))) {
				# keep what could be the start of a magic cut by the read
				i = keep ? n - 9 : n
				print substr(buf, 1, i); buf = substr(buf, i + 1); return
			}
			if (i > 1) { print substr(buf, 1, i - 1); buf = substr(buf, i) }
			if (substr(buf, 85, 12) == A) {
				plen = hv[substr(buf, 140, 2)] + 256 * hv[substr(buf, 143, 2)] - 8
				buf = substr(buf, 1, 87) " 00" substr(buf, 91, 48) \
					sprintf(" %02x %02x", plen % 256, int(plen / 256)) substr(buf, 169)
				fixed++
			}
			print M; buf = substr(buf, 13)
		}
	}
	{ buf = buf $0; if (length(buf) >= 1536) flush(768) }
	END { flush(0); printf "%d\n", fixed > "/dev/stderr" }' 2>/tmp/trace.fixed | xxd -r -p >"$1.new" || return 1
	n=$(cat /tmp/trace.fixed) && rm -f /tmp/trace.fixed
	[ "$(wc -c <"$1.new")" -eq $(($(wc -c <"$1") - 8 * n)) ] ||
		{ echo "unflag_messages: $1: rewritten file has the wrong size" >&2; return 1; }
	mv "$1.new" "$1" && echo "$n"
}

for a in "$@"; do
	case "$a" in
	PROFILE=* | JOB=* | BS=* | ALIGN=* | RW=* | IODEPTH=* | SIZE=* | RUNTIME=* | LOAD=* | OUTDIR=* | KEEP_RAW=*)
		eval "${a%%=*}=\${a#*=}" ;;
	*) fail "trace.sh: unknown argument '$a'" ;;
	esac
done
PROFILE=${PROFILE:-boundary-1k}
ALIGN=${ALIGN:-512}
RW=${RW:-randrw}
IODEPTH=${IODEPTH:-8}
SIZE=${SIZE:-8M}
OUTDIR=${OUTDIR:-/out/trace}
DEV=/dev/sgblk0

for t in blktrace blkparse btt fio; do
	command -v $t >/dev/null || fail "$t not in the guest image"
done
[ -d /sys/kernel/debug/block ] || fail "debugfs not mounted (blktrace needs /sys/kernel/debug)"

rm -rf "$OUTDIR"
mkdir -p "$OUTDIR" || fail "mkdir $OUTDIR"

if grep -q '^sgblk ' /proc/modules; then
	note "sgblk already loaded, reloading"
	sgblk_unload
fi
# shellcheck disable=SC2086
sgblk_load capacity_mb=64 $LOAD
[ -b $DEV ] || fail "$DEV did not appear"
for p in $PROFILE; do
	set_profile "$p"
done
echo 0 >"$DBG/sgblk0/stats" || fail "cannot reset counters"
devno=$(tr ':' ',' </sys/block/sgblk0/dev)

# The workload, as a command line.
if [ -n "$JOB" ]; then
	jf=/sgblk/fio-jobs/${JOB%.fio}.fio
	[ -f "$jf" ] || fail "no fio job $jf (have: $(ls /sgblk/fio-jobs | tr '\n' ' '))"
	BS=${BS:-4k} RUNTIME=${RUNTIME:-3}
	export DEV BS IODEPTH SIZE RUNTIME
	set -- fio "$jf"
	what="job $jf (BS=$BS IODEPTH=$IODEPTH SIZE=$SIZE RUNTIME=$RUNTIME)"
else
	BS=${BS:-7k}
	set -- fio --name=trace --filename=$DEV --direct=1 --ioengine=io_uring \
		--rw="$RW" --bs="$BS" --mem_align="$ALIGN" --iodepth="$IODEPTH" \
		--size="$SIZE" --verify=crc32c --verify_fatal=1
	[ -n "$RUNTIME" ] && set -- "$@" --time_based=1 --runtime="$RUNTIME"
	what="fio $RW bs=$BS mem_align=$ALIGN iodepth=$IODEPTH size=$SIZE${RUNTIME:+ runtime=${RUNTIME}s}"
fi

# blktrace in the background; I/O starts only once the kernel side is set up
# (sysfs trace/enable turns 1) and the per-CPU readers had a moment to start.
note "profile '$PROFILE', $what"
blktrace -d $DEV -o trace -D "$OUTDIR" >"$OUTDIR/blktrace.log" 2>&1 &
btpid=$!
i=0
while [ "$(cat /sys/block/sgblk0/trace/enable 2>/dev/null)" != 1 ]; do
	kill -0 $btpid 2>/dev/null || { cat "$OUTDIR/blktrace.log"; fail "blktrace exited"; }
	[ $i -lt 100 ] || { kill -INT $btpid; fail "blktrace did not start"; }
	sleep 0.1
	i=$((i + 1))
done
sleep 0.5

stamp() { phases="$phases $1 $(awk -v a="$t0" '{ printf "%.1fs", $1 - a }' /proc/uptime)"; t0=$(cut -d' ' -f1 /proc/uptime); }
phases="" t0=$(cut -d' ' -f1 /proc/uptime)
"$@" >"$OUTDIR/fio.txt" 2>&1
frc=$?

# Stop cleanly: SIGINT makes blktrace stop the trace, drain the relay buffers
# and write its totals.
kill -INT $btpid
wait $btpid
brc=$?
cat "$DBG/sgblk0/stats" >"$OUTDIR/stats.txt"
cat "$DBG/sgblk0/hist" >"$OUTDIR/hist.txt" 2>/dev/null
{ echo "# profile"; cat "$DBG/sgblk0/profile"; } >>"$OUTDIR/stats.txt"
sgblk_unload
[ $frc -eq 0 ] || { tail -n 20 "$OUTDIR/fio.txt"; fail "fio failed ($frc)"; }
[ $brc -eq 0 ] || { cat "$OUTDIR/blktrace.log"; fail "blktrace failed ($brc)"; }
ls "$OUTDIR"/trace.blktrace.* >/dev/null 2>&1 || fail "blktrace wrote no trace files"
dropped=$(sed -n 's/.*(dropped \([0-9]*\)).*/\1/p' "$OUTDIR/blktrace.log" | tail -n1)
[ "${dropped:-0}" -eq 0 ] || note "WARNING: blktrace dropped $dropped events (bigger -b/-n needed)"

# blkparse 1.2.0 drops cgroup-flagged messages (see unflag_messages).
stamp workload
unflagged=0
case "$(blkparse -V 2>&1)" in
*" 1.2."* | *" 1.1."* | *" 1.0."*)
	for f in "$OUTDIR"/trace.blktrace.*; do
		n=$(unflag_messages "$f") || fail "cannot rewrite $f"
		unflagged=$((unflagged + n))
	done ;;
esac
[ "$unflagged" -gt 0 ] && stamp unflag
blkparse -i trace -D "$OUTDIR" -d "$OUTDIR/trace.bin" >"$OUTDIR/blkparse.txt" 2>"$OUTDIR/blkparse.err" ||
	{ cat "$OUTDIR/blkparse.err"; fail "blkparse failed"; }
[ -n "$KEEP_RAW" ] || rm -f "$OUTDIR"/trace.blktrace.*
stamp blkparse
# btt writes its per-device data files (iops, mbps) into the current directory.
mkdir -p "$OUTDIR/btt"
# It also echoes every message ("(259,  0)  0.000911540 sgblk ..."): drop those.
(cd "$OUTDIR/btt" && btt -i "$OUTDIR/trace.bin" >"$OUTDIR/btt.all" 2>"$OUTDIR/btt.err") ||
	{ cat "$OUTDIR/btt.err"; fail "btt failed"; }
sed '/^([ 0-9,]*) *[0-9]*\.[0-9]* /d' "$OUTDIR/btt.all" >"$OUTDIR/btt.txt" && rm -f "$OUTDIR/btt.all"
[ -s "$OUTDIR/btt.err" ] || rm -f "$OUTDIR/btt.err"
[ -s "$OUTDIR/blkparse.err" ] || rm -f "$OUTDIR/blkparse.err"

stamp btt
# Summary.  blkparse prints driver messages as action 'm', RWBS 'N':
#   259,0    0        0     0.001223370     0  m   N sgblk split 238+14: 5 boundary 0 maxseg, 8 descs
count() { grep -c " m  *N sgblk $1" "$OUTDIR/blkparse.txt"; }
events() { awk -v d="$devno" -v a="$1" '$1 == d && $6 == a { n++ } END { print n + 0 }' "$OUTDIR/blkparse.txt"; }
# btt: the first Q2C and D2C rows are the all-devices table
# (name, MIN, AVG, MAX, N; times in seconds).
btt_row() { awk -v k="$1" '$1 == k { print $3 " avg, " $5 " ios"; exit }' "$OUTDIR/btt.txt"; }
split=$(count split) bounce=$(count bounce) pool=$(count 'pool exhausted')
nq=$(events Q) nd=$(events D) nc=$(events C)
q2c=$(btt_row Q2C) d2c=$(btt_row D2C)
cat >"$OUTDIR/summary.txt" <<EOT
kernel=$KVER
dev=$devno
profile=$PROFILE
workload=$what
split=$split
bounce=$bounce
pool_exhausted=$pool
Q=$nq
D=$nd
C=$nc
dropped=${dropped:-0}
unflagged=$unflagged
q2c=$q2c
d2c=$d2c
EOT
echo "trace: $KVER, profile '$PROFILE', $what"
echo "trace: sgblk0 ($devno) events Q $nq, D $nd, C $nc; blktrace dropped ${dropped:-0}"
echo "trace: driver annotations: split $split, bounce $bounce, pool exhausted $pool"
[ "$unflagged" -gt 0 ] &&
	echo "trace: $unflagged cgroup-flagged messages unflagged for blkparse $(blkparse -V 2>&1 | sed -n 's/.*version *//p')"
echo "trace: btt Q2C ${q2c:-n/a} | D2C ${d2c:-n/a} (seconds)"
echo "trace: time:$phases"
echo "trace: counters: $(awk '$1 ~ /^(requests|splits_boundary|splits_maxseg|bounce_segs|bounce_bytes|pool_exhausted)$/ {
	printf "%s=%s ", $1, $2 }' "$OUTDIR/stats.txt")"
if [ "$nq" -eq 0 ] || [ "$nc" -eq 0 ]; then
	fail "no Q/C events for $devno in the trace"
fi
exit 0
