#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Option parsing of sgblk-ctl, sgblk-uring and sgblk-membuf, on the host: no device needed.
# A bad value must be a usage error (exit 2) naming the option, before any
# device is opened; a good value must get past parsing (then the missing
# device fails the run with exit 1).  The tools are the ASan/UBSan builds
# from this directory's Makefile, so a write past a buffer aborts the run.
# Usage: test_opts.sh DIR   (DIR holds the three tools)  TAP out.

dir=${1:?usage: test_opts.sh DIR}
ctl=$dir/sgblk-ctl
uring=$dir/sgblk-uring
n=0
failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# No device is ever there on the host; make sure debugfs is not either.
export SGBLK_DEBUGFS=/nonexistent

# expect RC PATTERN CMD...: CMD exits RC and its stderr matches PATTERN.
expect() {
	want=$1
	pat=$2
	shift 2
	n=$((n + 1))
	tool=$(basename "$1")
	"$@" >/dev/null 2>"$out"
	rc=$?
	shift
	if [ "$rc" -eq "$want" ] && { [ -z "$pat" ] || grep -q -e "$pat" "$out"; }; then
		echo "ok $n - $tool $*: exit $rc"
	else
		echo "not ok $n - $tool $*: exit $rc, want $want and /$pat/"
		sed 's/^/#   /' "$out" | head -n 20
		failed=$((failed + 1))
	fi
}

# bad VALUE-PATTERN CMD...: a usage error (2) whose message has the pattern.
bad() {
	expect 2 "$@"
}

# --fault tail with a short size: the tail byte used to land past the
# request buffer (a heap overflow under ASan).
bad "fault 'tail'" "$ctl" biogen --fault tail,size=16
bad "fault 'tail'" "$ctl" biogen --fault tail,size=240
bad "fault 'tail'" "$ctl" biogen --fault tail,size=243
expect 1 "open /dev/sgblk-ctl" "$ctl" biogen --fault tail,size=244
expect 1 "open /dev/sgblk-ctl" "$ctl" biogen --fault tail

# Numbers: no blanks, signs, junk, overflow, empty; the option is named.
for opt in --offset --len --bio-size --inflight --repeat --buf-offset --seed; do
	for v in " -1" "-1" "+1" " 1" "	1" "1x" "0x" "" "18446744073709551616" \
		"17179869184g" "1k2"; do
		bad "$opt '$v'" "$ctl" biogen "$opt" "$v"
	done
done
bad "--inflight '4294967296'" "$ctl" biogen --inflight 4294967296
expect 1 "open /dev/sgblk-ctl" "$ctl" biogen --len 1m --offset 0x10 --seed 18446744073709551615
# The user-buffer length cap: the message names the value.
bad "--len '2g'" "$ctl" biogen --source user --len 2g
bad "--len '2g'" "$ctl" biogen --source user --len 2g --offset 0
# Layouts and faults use the same numbers.
bad "iovec layout ' 512@0'" "$ctl" biogen --source user --iovec-layout " 512@0"
bad "iovec layout '512@ -1'" "$ctl" biogen --source user --iovec-layout "512@ -1"
bad "fault 'len'" "$ctl" biogen --fault "len= -1"
bad "fault 'index'" "$ctl" biogen --fault "index=-x"
bad "fault 'index'" "$ctl" biogen --fault "index=- 1"
bad "fault 'index'" "$ctl" biogen --fault "index=-99999999999999999999"
expect 1 "open /dev/sgblk-ctl" "$ctl" biogen --fault index=-1
bad "--disk ' 1'" "$ctl" biogen --disk " 1"
bad "--disk '1x'" "$ctl" biogen --disk 1x
bad "--disk '99999999999'" "$ctl" biogen --disk 99999999999
# stats/hist/profile share their options.
for cmd in stats hist profile; do
	bad "--disk '1x'" "$ctl" "$cmd" --disk 1x
	bad "unknown option\|unrecognized option" "$ctl" "$cmd" --nosuch
	expect 1 "/nonexistent/sgblk3/" "$ctl" "$cmd" --disk 3
done
bad "only 'reset'" "$ctl" stats junk
# stats --interval: the live view
for v in 0 -1 0.001 x "" 1x 3601 nan inf " 1"; do
	bad "--interval '$v'" "$ctl" stats --interval "$v"
done
for v in 0 -1 x ""; do
	bad "--count '$v'" "$ctl" stats --interval 1 --count "$v"
done
bad "--count goes with --interval" "$ctl" stats --count 3
bad "--interval is for stats only" "$ctl" hist --interval 1
bad "--interval is for stats only" "$ctl" profile --interval 1
bad "takes no 'reset'" "$ctl" stats --interval 1 reset
expect 1 "cannot read /nonexistent.*ENOENT" "$ctl" stats --interval 0.1 --count 1
bad "unexpected argument 'x'" "$ctl" hist x
bad "unknown command 'nosuch'" "$ctl" nosuch
expect 0 "" "$ctl" --help
expect 0 "" "$ctl" biogen --help

# The live view's rates, from a fake debugfs tree whose counters rise
# between its two samples: N more reads in an interval of ~1 s is N/s, a
# counter that fell (a reset) counts from 0; levels are read as they are.
fake=$(mktemp -d)
trap 'rm -f "$out"; rm -rf "$fake"' EXIT
# fake_stats DISK READS BYTES_READ BOUNCE SPLITS
fake_stats() {
	mkdir -p "$fake/$1"
	printf '%s\n' "requests $2" "reads $2" "writes 7" "bytes_read $3" \
		"bytes_written 28672" "splits_boundary $5" "splits_maxseg 0" \
		"bounce_bytes $4" "dma_merged 0" "engine_faults 0" "dma_maps 40" \
		"dma_unmaps 24" >"$fake/$1/stats"
	printf '%s\n' "device: fake" "maps_outstanding: 16" \
		"pool_bytes_in_use: 65536" >"$fake/$1/dma"
}
fake_stats sgblk0 1000 4096000 8192 10
fake_stats sgblk1 50000 9999 0 0
echo "none 1" >"$fake/presets"
(sleep 0.3; fake_stats sgblk0 3000 12288000 1056768 510; fake_stats sgblk1 100 0 0 0) &
SGBLK_DEBUGFS=$fake "$ctl" stats --interval 1 --count 1 --json >"$fake/live.json" 2>"$out"
rc=$?
wait
# field DISK NAME: NAME's value in DISK's JSON line
field() {
	sed -n "s/.*\"disk\":\"$1\".*\"$2\":\([-0-9.]*\).*/\1/p" "$fake/live.json"
}
# near DISK NAME WANT: within 5 % (the interval is ~1 s, never exactly)
near() {
	n=$((n + 1))
	got=$(field "$1" "$2")
	if [ "$rc" = 0 ] && [ -n "$got" ] &&
		awk -v g="$got" -v w="$3" 'BEGIN { d = g - w; exit !(d <= w * 0.05 + 0.5 && -d <= w * 0.05 + 0.5) }'; then
		echo "ok $n - stats --interval: $1 $2 $got, want $3"
	else
		echo "not ok $n - stats --interval: $1 $2 '$got', want $3 (exit $rc)"
		sed 's/^/#   /' "$fake/live.json" "$out" | head -n 10
		failed=$((failed + 1))
	fi
}
near sgblk0 reads_per_s 2000
near sgblk0 read_bytes_per_s 8192000
near sgblk0 bounce_bytes_per_s 1048576
near sgblk0 splits_per_s 500
near sgblk0 writes_per_s 0
near sgblk0 maps_outstanding 16
near sgblk0 bounce_pool_bytes 65536
near sgblk0 inflight -1
near sgblk1 reads_per_s 100

# sgblk-uring: the same classes of number.
for opt in --depth --bs --threads --runtime --ios --size --seed --mix; do
	for v in " -1" "	-1" "+1" " 1" "1x" "" "18446744073709551616"; do
		bad "$opt '$v'" "$uring" "$opt" "$v" /nonexistent
	done
done
bad "--layout 'misaligned: 512'" "$uring" --layout "misaligned: 512" /nonexistent
bad "--layout 'scatter:-1'" "$uring" --layout "scatter:-1" /nonexistent
bad "--no-fill needs --verify" "$uring" --no-fill --rw read /nonexistent
bad "--no-fill needs --verify" "$uring" --no-fill --verify --rw randrw /nonexistent
expect 1 "/nonexistent" "$uring" --no-fill --verify --rw read /nonexistent
expect 1 "/nonexistent" "$uring" --depth 4 --bs 4k --ios 0x10 /nonexistent
expect 0 "" "$uring" --help

# sgblk-membuf: arguments are checked before any file is made
membuf=$dir/sgblk-membuf
for v in " 1" "1x" "-1" "" "99999999999999999999"; do
	bad "--above '$v'" "$membuf" --above "$v" /nonexistent/buf 16 16
done
bad "KB '1x'" "$membuf" /nonexistent/buf 1x 16
bad "RUN_KB: a multiple of 4" "$membuf" /nonexistent/buf 16 6
bad "RUN_KB: a multiple of 4" "$membuf" /nonexistent/buf 24 16
bad "usage" "$membuf" /nonexistent/buf 16
expect 1 "open" "$membuf" /nonexistent/buf 16 16
expect 0 "" "$membuf" --help

echo "1..$n"
[ "$failed" -eq 0 ]
