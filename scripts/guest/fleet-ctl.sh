#!/bin/sh
# What a fio server runs between and around the benchmark's fio jobs, called
# from their exec_prerun/exec_postrun (scripts/fleet writes the jobs): device
# set-up as make bench does it in one boot (devices.sh), counters, the
# sgblk-uring runs, the environment, and the server's stop.  Runs as root on
# the server: a guest (/sgblk) or a prepared host (README, "fio fleets").
#   up DEVICE | down | profile P | reset | save FILE | uring FILE RUNTIME SIZE QD
#   env KEY=VALUE... | stop
# Files land in $SGBLK_FLEET_OUT [/out/bench].  fio ignores a prerun's exit
# status, so success is a file instead: $SGBLK_FLEET_OK [/tmp/sgblk-fleet.ok]
# is removed first and written back only if the command succeeded; the step's
# fio job reads it (allow_file_create=0) and fails with ENOENT otherwise.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
SGBLK_JOBS=${SGBLK_JOBS:-$here/../fio-jobs}
. "$here/devices.sh"
out=${SGBLK_FLEET_OUT:-/out/bench}
okfile=${SGBLK_FLEET_OK:-/tmp/sgblk-fleet.ok}
rm -f "$okfile"
state=/tmp/sgblk-fleet.dev
mkdir -p "$out"
# A host with sgblk installed (DKMS) has no /sgblk/kmod: modprobe it.
if [ ! -f "$SGBLK_KO" ]; then
	sgblk_load() {
		modprobe sgblk "$@" || fail "modprobe sgblk $*"
		wait_node /dev/sgblk0
	}
fi

is_sgblk() { case $(cat "$state" 2>/dev/null) in sgblk-*) return 0 ;; esac; return 1; }

cmd=$1
shift
case $cmd in
up)
	sgblk_cleanup
	dev_load "$1"
	echo "$1" >"$state" ;;
down)
	sgblk_cleanup
	rm -f "$state" ;;
profile)
	set_profile "$1" ;;
reset)
	! is_sgblk || echo 0 >"$DBG/sgblk0/stats" || fail "stats reset" ;;
save)
	if is_sgblk; then
		cat "$DBG/sgblk0/stats" >"$out/$1" || fail "stats save"
		awk '$1 ~ /^(rule_violations|own_violations|map_errors|engine_faults|errors)$/ &&
		     $2 != 0 { printf "WARNING: %s %s in %s\n", $1, $2, f }' f="$1" "$out/$1" \
			>/dev/console 2>/dev/null
	fi ;;
uring)
	d=$(cat "$state") || fail "uring: no device up"
	case $d in
	sgblk-*) dev=/dev/sgblk0 ;;
	null_blk*) dev=/dev/nullb0 ;;
	*) dev=/dev/ram0 ;;
	esac
	! is_sgblk || echo 0 >"$DBG/sgblk0/stats" || fail "stats reset"
	sgblk-uring --json -q --rw randread -b 4096 -d "$4" -t "$2" --size "$3" "$dev" \
		>"$out/$1" || fail "sgblk-uring on $d"
	! is_sgblk || cat "$DBG/sgblk0/stats" >"$out/${1%.json}.stats" ;;
env)
	{
		echo "kernel $(uname -r)"
		echo "fio $(fio --version)"
		echo "cpu $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
		echo "ncpu $(grep -c ^processor /proc/cpuinfo)"
		echo "mem_kb $(awk '/^MemTotal/ { print $2 }' /proc/meminfo)"
		for kv in "$@"; do echo "${kv%%=*} ${kv#*=}"; done
	} >"$out/env.txt" ;;
stop)
	sgblk_cleanup
	touch /tmp/fleet-stop ;;
*)
	fail "fleet-ctl: unknown command '$cmd'" ;;
esac
# fail exits: this line is reached only on success.
head -c 4096 /dev/zero >"$okfile"
