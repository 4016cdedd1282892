#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the sgplan fuzzer for a bounded time and summarise it.
#
# Usage: run.sh tap|report BIN SEEDS WORK SECONDS TAP_N [libFuzzer args...]
#   tap     fresh scratch copy of SEEDS in WORK/corpus; prints exactly one TAP
#           line ("ok N - fuzz: ..." or "not ok N - fuzz: ..." naming the
#           reproducer), followed on failure by "# " lines with the reason
#   report  WORK/corpus is kept between runs (seeded from SEEDS); prints the
#           exec count and, on failure, the reproducer and the log tail
# The libFuzzer log goes to WORK/fuzz.log; SEEDS is never written.
set -u

[ $# -ge 6 ] || { echo "usage: $0 tap|report BIN SEEDS WORK SECONDS TAP_N [args]" >&2; exit 2; }
mode=$1 bin=$2 seeds=$3 work=$4 secs=$5 n=$6
shift 6

corpus=$work/corpus
crashes=$work/crashes
log=$work/fuzz.log

[ "$mode" = tap ] && rm -rf "$corpus"
rm -rf "$crashes"
mkdir -p "$corpus" "$crashes" || exit 1
cp "$seeds"/* "$corpus"/ || exit 1

t0=$(date +%s)
"$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 \
	-artifact_prefix="$crashes/" "$@" "$corpus" >"$log" 2>&1
rc=$?
t=$(( $(date +%s) - t0 ))

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
[ -n "$execs" ] || execs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
[ -n "$execs" ] || execs='?'
repro=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)

if [ "$rc" = 0 ] && [ -z "$repro" ]; then
	if [ "$mode" = tap ]; then
		echo "ok $n - fuzz: sgplan invariants, $execs execs in $t s"
	else
		echo "fuzz: sgplan invariants held, $execs execs in $t s" \
		     "(corpus $corpus: $(find "$corpus" -type f | wc -l) inputs)"
	fi
	exit 0
fi

if [ "$mode" = tap ]; then
	echo "not ok $n - fuzz: sgplan invariants, failed after $execs execs in $t s, reproducer ${repro:-none} (log $log)"
else
	echo "fuzz: FAILED after $execs execs in $t s, exit $rc"
	echo "reproducer: ${repro:-none}   log: $log"
	echo "rerun: $bin ${repro:-<input>}"
fi
# the reason: our message, else the sanitizer's or libFuzzer's summary
{ grep '^FUZZ-FAIL' "$log" || grep -E 'ERROR|SUMMARY|runtime error' "$log" ||
  tail -n 5 "$log"; } | head -n 12 | sed 's/^/# /'
exit 1
