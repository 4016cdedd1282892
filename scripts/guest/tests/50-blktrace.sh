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

# counter DIR NAME: one of the driver's counters at the end of a capture.
counter() {
	v=$(awk -v k="$2" '$1 == k { print $2 }' "$1/stats.txt")
	[ -n "$v" ] || fail "no counter $2 in $1/stats.txt"
	echo "$v"
}

# expect_notes DIR KIND COUNTER: the notes of KIND in a capture against the
# driver's counters: as many notes as COUNTER says (every request of the
# capture's workload is split, or bounced), and each of their figures
# summed equals the counter of the same name.  One note lost, doubled or
# misreported shows.
expect_notes() {
	dir=$1 kind=$2 what=$3 name=$(basename "$1")
	# the figures: field:counter, in the note's text after "KIND SECTOR+N: ",
	#   split:  "5 boundary 0 maxseg, 8 descs"
	#   bounce: "1 segs 7168 bytes in 1 buffers, why 0x1"
	case $kind in
	split) figs="1:splits_boundary 3:splits_maxseg" ;;
	bounce) figs="1:bounce_segs 3:bounce_bytes 6:bounce_descs" ;;
	esac
	sed -n "s/.* m  *N sgblk $kind [0-9]*+[0-9]*: //p" "$dir/blkparse.txt" >"$dir/notes.txt"
	n=$(wc -l <"$dir/notes.txt") c=$(counter "$dir" "$what")
	[ "$n" -eq "$c" ] || fail "$name: $n $kind notes, the driver counted $c $what"
	sums=""
	for f in $figs; do
		k=${f#*:}
		v=$(awk -v f="${f%%:*}" '{ s += $f } END { print s + 0 }' "$dir/notes.txt")
		c=$(counter "$dir" "$k")
		[ "$v" -eq "$c" ] || fail "$name: the $kind notes add up to $v $k, the driver counted $c"
		sums="$sums $k=$v"
	done
	note "$name: $n $kind notes = $what; summed as the counters:$sums"
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
# One note per request the planner split, and no other: every request of
# this workload is split (7 KiB and more cannot go in 1 KiB descriptors
# without), so there are as many notes as requests in the driver's
# counters, and the notes' split counts add up to its split counters.
expect_notes /tmp/trace-boundary-1k split requests

capture align-4k PROFILE=align-4k BS=7k ALIGN=512
bp=/tmp/trace-align-4k/blkparse.txt
n=$(notes $bp bounce)
[ "$n" -gt 0 ] || fail "no 'sgblk bounce' lines in blkparse output on align-4k"
note "align-4k: $n bounce notes, e.g. $(grep -m1 ' m  *N sgblk bounce' $bp)"
expect_events $bp
# every bounced request is annotated, and only those
r=$(awk '$1 == "C" { print $2 }' FS== /tmp/trace-align-4k/summary.txt)
[ "$n" -eq "$r" ] || fail "align-4k: $n bounce notes for $r requests (all are misaligned)"
expect_notes /tmp/trace-align-4k bounce requests

# Negative control: nothing to split or bounce, nothing annotated.
capture none PROFILE=none BS=4k ALIGN=0
bp=/tmp/trace-none/blkparse.txt
n=$(grep -c ' m  *N sgblk ' $bp)
[ "$n" -eq 0 ] || fail "profile none, aligned 4k: $n sgblk notes: $(grep -m1 ' m  *N sgblk ' $bp)"
expect_events $bp
