# The driver's decisions show up in the block trace: blkparse prints
# "sgblk split" notes on boundary-1k and "sgblk bounce" notes on align-4k
# (buffers 512 bytes off a page, 7k requests), next to the ordinary Q/D/C
# events of sgblk0; with profile none and aligned 4k I/O there are none.
# Captures go through guest/trace.sh, the script behind make trace.
. /sgblk/guest/lib.sh

capture() {
	dir=/tmp/trace-$1
	shift
	sh /sgblk/guest/trace.sh OUTDIR="$dir" SIZE=2M "$@" || fail "trace.sh $*"
	note "$(grep -E '^(split|bounce|pool_exhausted|Q|D|C|unflagged)=' "$dir/summary.txt" | tr '\n' ' ')"
}

# notes FILE KIND: driver annotation lines of one kind in blkparse output
# (action 'm', RWBS 'N', then the message).
notes() {
	grep -c " m  *N sgblk $2 [0-9]*+[0-9]*: " "$1"
}

# expect_events FILE: Q, D and C events of sgblk0, one of each per request.
expect_events() {
	dev=$(awk -F= '$1 == "dev" { print $2 }' "$(dirname "$1")/summary.txt")
	for a in Q D C; do
		n=$(awk -v d="$dev" -v a=$a '$1 == d && $6 == a { n++ } END { print n + 0 }' "$1")
		[ "$n" -gt 0 ] || fail "no $a events for $dev in $1"
	done
}

capture boundary-1k PROFILE=boundary-1k
bp=/tmp/trace-boundary-1k/blkparse.txt
n=$(notes $bp split)
[ "$n" -gt 0 ] || fail "no 'sgblk split' lines in blkparse output on boundary-1k"
note "boundary-1k: $n split notes, e.g. $(grep -m1 ' m  *N sgblk split' $bp)"
expect_events $bp
# one note per request the planner split, as counted in debugfs
s=$(awk '$1 == "splits_boundary" { print $2 }' /tmp/trace-boundary-1k/stats.txt)
[ "${s:-0}" -gt 0 ] || fail "splits_boundary counter is ${s:-missing}"

capture align-4k PROFILE=align-4k BS=7k ALIGN=512
bp=/tmp/trace-align-4k/blkparse.txt
n=$(notes $bp bounce)
[ "$n" -gt 0 ] || fail "no 'sgblk bounce' lines in blkparse output on align-4k"
note "align-4k: $n bounce notes, e.g. $(grep -m1 ' m  *N sgblk bounce' $bp)"
expect_events $bp
# every bounced request is annotated, and only those
r=$(awk '$1 == "C" { print $2 }' FS== /tmp/trace-align-4k/summary.txt)
[ "$n" -eq "$r" ] || fail "align-4k: $n bounce notes for $r requests (all are misaligned)"

# Negative control: nothing to split or bounce, nothing annotated.
capture none PROFILE=none BS=4k ALIGN=0
bp=/tmp/trace-none/blkparse.txt
n=$(grep -c ' m  *N sgblk ' $bp)
[ "$n" -eq 0 ] || fail "profile none, aligned 4k: $n sgblk notes: $(grep -m1 ' m  *N sgblk ' $bp)"
expect_events $bp
