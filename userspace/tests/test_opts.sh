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
bad "unexpected argument 'x'" "$ctl" hist x
bad "unknown command 'nosuch'" "$ctl" nosuch
expect 0 "" "$ctl" --help
expect 0 "" "$ctl" biogen --help

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
