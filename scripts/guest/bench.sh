#!/bin/sh
# make bench, the part that runs inside the guest (one boot).  Side by side,
# in alternating order (A B B A, so drift within the boot hurts both sides
# alike):
#   1. sgblk backend=null, profile none   vs  null_blk (memory_backed=0,
#      irqmode=0, queue_mode=2), same queues and depth: randread-4k,
#      seqread-128k
#   2. sgblk backend=memory, profile none vs  brd and null_blk
#      memory_backed=1, all prefilled: randread-4k, seqread-128k, randwrite-4k
#   (devices.sh has the module parameters)
#   3. every sgblk profile against none on one prefilled memory device,
#      switched through debugfs (none P1..P5 P5..P1 none): randread-4k,
#      seqread-128k; then misaligned.fio once per profile
#   4. sgblk-uring (--json) once per device of each pair (round 1 only)
# Every fio job (not the warm-up) reads into one buffer made before the first
# (plan step "buffer": bench_buffer in lib.sh, sgblk-membuf; fio's
# iomem=mmapshared): runs of 16 KiB, physically contiguous, each followed by
# a gap, above 256 MiB (dma28 bounces on every kernel), room for IODEPTH
# buffers of the largest block size, so a 128 KiB
# request is 8 scatterlist elements in every run; with fio's own buffer the
# count changed from run to run, and the 128 KiB figures with it.  Its
# layout: buffer.txt.
# FULL=1 adds, once per device and per profile: the iodepth sweep
# (1 4 16 32 64), the block-size sweep (4k..1m), seqread-1m and mixed-verify;
# and runs the side-by-side part for more rounds.
#
# Output in /out/bench/: NNN-DEVICE-PROFILE-JOB[-qdN|-bsN].json (fio or
# sgblk-uring JSON), .stats next to every sgblk job (debugfs counters, reset
# before the job), and index.tsv with one line per job:
#   n tool device profile job iodepth bs file
# Console: one progress line per job, "bench [12/40] DEVICE PROFILE JOB ...".
#
# PLAN=1 (on the host too: SGBLK_GUEST=scripts/guest) prints the plan
# instead, one step a line, for scripts/fleet, which runs it over fio servers:
#   buffer KB | up DEVICE | down | profile P | uring N | job N JOB IODEPTH BS SIZE TAG
#
# Environment: RUNTIME (s per job, default 2), SIZE (region used, 64M),
# IODEPTH (32), WARMUP (s of unrecorded fio before the first job, 2),
# FULL (0), ROUNDS (side-by-side rounds, each A B B A: default 1, 2 with
# FULL=1), URING (run sgblk-uring, default 1).
. "${SGBLK_GUEST:-/sgblk/guest}/lib.sh"
. "${SGBLK_GUEST:-/sgblk/guest}/devices.sh"

export RUNTIME=${RUNTIME:-2} SIZE=${SIZE:-64M} IODEPTH=${IODEPTH:-32}
full=${FULL:-0}
[ "$full" = 1 ] && rounds=${ROUNDS:-2} || rounds=${ROUNDS:-1}
uring=${URING:-1}
BUF=/tmp/sgblk-bench.buf
PROFILES="page boundary-1k align-4k dma28 desc-4"
REVERSED="desc-4 dma28 align-4k boundary-1k page"
DEPTHS="1 4 16 32 64"
BSIZES="4k 8k 16k 32k 64k 128k 256k 512k 1m"
OUT=/out/bench

jsize=""	# SIZE override for one job
dry=1		# first pass only counts the jobs, for the [n/total] display
idx=0
total=0
cur=""		# device under test: sgblk-null, null_blk, sgblk-memory, brd
prof=-		# its profile (sgblk only)

# iops_of FILE: read+write IOPS of a fio or sgblk-uring JSON file.
iops_of() {
	grep -o '"iops" *: *[0-9.]*' "$1" | head -n3 |
		awk -F: '{ s += $2 } END { printf "%.0f", s }'
}

# stats_check FILE: warn on the console if a must-stay-zero counter moved
# (the report flags it too; a benchmark does not stop for it).
stats_check() {
	awk '$1 ~ /^(rule_violations|own_violations|map_errors|engine_faults|errors)$/ &&
	     $2 != 0 { printf "WARNING: %s %s in %s\n", $1, $2, f }' f="$1" "$1"
}

# job JOB [IODEPTH [BS]]: one fio run of fio-jobs/JOB.fio on $DEV.
job() {
	idx=$((idx + 1))
	qd=${2:-$IODEPTH}
	bs=${3:--}
	tag=""
	[ -n "$2" ] && tag="-qd$qd"
	[ -n "$3" ] && tag="-bs$bs"
	[ "$dry$PLAN" = 11 ] && echo "job $idx $1 $qd $bs ${jsize:-$SIZE} ${tag:--}"
	[ $dry = 1 ] && return 0
	base=$(printf '%03d' "$idx")-$cur-$prof-$1$tag
	printf 'bench [%d/%d] %s %s %s%s ... ' "$idx" "$total" "$cur" "$prof" "$1" \
		"${tag:+ ${tag#-}}"
	case $cur in sgblk-*) echo 0 >"$DBG/sgblk0/stats" || fail "stats reset" ;; esac
	SIZE=${jsize:-$SIZE} IODEPTH=$qd BS=$bs fio --eta=never --output-format=json \
		--iomem=mmapshared:$BUF --output="$OUT/$base.json" "/sgblk/fio-jobs/$1.fio" \
		>"/tmp/fio.err" 2>&1 ||
		{ echo; cat /tmp/fio.err "$OUT/$base.json"; fail "fio $1 on $cur $prof"; }
	echo "$(iops_of "$OUT/$base.json") IOPS"
	case $cur in sgblk-*)
		cat "$DBG/sgblk0/stats" >"$OUT/$base.stats"
		stats_check "$OUT/$base.stats" ;;
	esac
	printf '%s\tfio\t%s\t%s\t%s\t%s\t%s\t%s\n' "$idx" "$cur" "$prof" "$1" "$qd" "$bs" \
		"$base.json" >>"$OUT/index.tsv"
}

# uring_job: sgblk-uring 4k randread at IODEPTH on $DEV, its --json output.
uring_job() {
	[ "$uring" = 1 ] || return 0
	idx=$((idx + 1))
	[ "$dry$PLAN" = 11 ] && echo "uring $idx"
	[ "$dry" = 1 ] && return 0
	base=$(printf '%03d' "$idx")-$cur-$prof-uring-randread-4k
	printf 'bench [%d/%d] %s %s sgblk-uring randread-4k ... ' "$idx" "$total" "$cur" "$prof"
	case $cur in sgblk-*) echo 0 >"$DBG/sgblk0/stats" || fail "stats reset" ;; esac
	sgblk-uring --json -q --rw randread -b 4096 -d "$IODEPTH" -t "$RUNTIME" \
		--size "$SIZE" "$DEV" >"$OUT/$base.json" 2>/tmp/uring.err ||
		{ echo; cat /tmp/uring.err; fail "sgblk-uring on $cur"; }
	echo "$(iops_of "$OUT/$base.json") IOPS"
	case $cur in sgblk-*)
		cat "$DBG/sgblk0/stats" >"$OUT/$base.stats"
		stats_check "$OUT/$base.stats" ;;
	esac
	printf '%s\tsgblk-uring\t%s\t%s\turing-randread-4k\t%s\t4k\t%s\n' "$idx" "$cur" \
		"$prof" "$IODEPTH" "$base.json" >>"$OUT/index.tsv"
}

# buffer KB: make fio's I/O buffer, $BUF (lib.sh, bench_buffer); where its
# pages are goes to buffer.txt.
buffer() {
	[ "$dry$PLAN" = 11 ] && echo "buffer $1"
	[ $dry = 1 ] && return 0
	bench_buffer $BUF "$1" >"$OUT/buffer.txt"
}

# up DEVICE: load it (devices.sh; memory-backed ones are
# prefilled); down: unload.
up() {
	cur=$1
	prof=-
	case $1 in sgblk-*) prof=none ;; esac
	[ "$dry$PLAN" = 11 ] && echo "up $1"
	[ "$dry" = 1 ] && return 0
	dev_load "$1"
	[ -b "$DEV" ] || fail "$DEV missing after loading $1"
}

down() {
	[ "$dry$PLAN" = 11 ] && echo down
	[ $dry = 1 ] && return 0
	sgblk_cleanup
}

profile() {
	prof=$1
	[ "$dry$PLAN" = 11 ] && echo "profile $1"
	[ $dry = 1 ] && return 0
	set_profile "$1"
}

# side DEVICE ROUND: the side-by-side jobs for one device.
side() {
	up "$1"
	job randread-4k
	job seqread-128k
	case $1 in sgblk-memory|brd|null_blk-mem) job randwrite-4k ;; esac
	[ "$2" = 0 ] && uring_job
	down
}

sweeps() {
	for qd in $DEPTHS; do job iodepth-sweep "$qd"; done
	for bs in $BSIZES; do job bs-sweep "" "$bs"; done
	job seqread-1m
	case $cur in
	sgblk-memory|brd)
		jsize=16M
		job mixed-verify
		jsize="" ;;
	esac
}

plan() {
	# IODEPTH buffers of the largest block size, and a run to spare for
	# the page and mem_align fio adds
	[ "$full" = 1 ] && maxkb=1024 || maxkb=128
	buffer $((IODEPTH * maxkb + 16))
	r=0
	while [ $r -lt "$rounds" ]; do
		if [ $((r % 2)) = 0 ]; then
			side sgblk-null $r; side null_blk $r; side null_blk 1; side sgblk-null 1
			side sgblk-memory $r; side brd $r; side null_blk-mem $r
			side null_blk-mem 1; side brd 1; side sgblk-memory 1
		else
			side null_blk $r; side sgblk-null $r; side sgblk-null 1; side null_blk 1
			side null_blk-mem $r; side brd $r; side sgblk-memory $r
			side sgblk-memory 1; side brd 1; side null_blk-mem 1
		fi
		r=$((r + 1))
	done

	up sgblk-memory
	r=0
	while [ $r -lt "$rounds" ]; do
		for p in none $PROFILES $REVERSED none; do
			profile "$p"
			job randread-4k
			job seqread-128k
		done
		r=$((r + 1))
	done
	for p in none $PROFILES; do
		profile "$p"
		job misaligned
	done
	down

	[ "$full" = 1 ] || return 0
	for d in sgblk-null null_blk sgblk-memory brd; do
		up $d
		sweeps
		down
	done
	up sgblk-memory
	for p in $PROFILES; do
		profile "$p"
		sweeps
	done
	down
}

PLAN=${PLAN:-0}
plan
[ "$PLAN" = 1 ] && exit 0
total=$idx
idx=0
dry=0
rm -rf $OUT
mkdir -p $OUT
printf 'n\ttool\tdevice\tprofile\tjob\tiodepth\tbs\tfile\n' >$OUT/index.tsv
{
	echo "kernel $(uname -r)"
	echo "fio $(fio --version)"
	echo "cpu $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
	echo "ncpu $(grep -c ^processor /proc/cpuinfo)"
	echo "mem_kb $(awk '/^MemTotal/ { print $2 }' /proc/meminfo)"
	echo "runtime $RUNTIME"
	echo "size $SIZE"
	echo "iodepth $IODEPTH"
	echo "full $full"
	echo "rounds $rounds"
	echo "jobs $total"
} >$OUT/env.txt
echo "bench: $total jobs, RUNTIME=${RUNTIME}s SIZE=$SIZE IODEPTH=$IODEPTH FULL=$full ROUNDS=$rounds"
start=$(cut -d' ' -f1 /proc/uptime)
# Warm-up, not recorded: the first fio run of a boot can find the guest still
# settling (seen on 6.12 in icount mode: the first job idled 25% of the time
# and ran 25% slower than the same job a minute later).
echo "bench: warm-up, ${WARMUP:-2}s of randread-4k on sgblk-null (not recorded)"
dev_load sgblk-null
RUNTIME=${WARMUP:-2} fio --eta=never /sgblk/fio-jobs/randread-4k.fio \
	>/tmp/fio.err 2>&1 || { cat /tmp/fio.err; fail "warm-up fio"; }
dev_unload
plan
echo "bench: done, $total jobs in $(awk -v s="$start" '{ printf "%.0f", $1 - s }' /proc/uptime)s guest time"
