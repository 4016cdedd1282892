#!/bin/sh
# What a fio server runs between and around the benchmark's fio jobs, called
# from their exec_prerun/exec_postrun (scripts/fleet writes the jobs): device
# set-up as make bench does it in one boot (devices.sh), counters, the
# sgblk-uring runs, the environment, and the server's stop.  Runs as root on
# the server: a guest (/sgblk) or a prepared host (README, "fio fleets").
#   buffer PATH KB | up DEVICE SIZE | down | profile P | reset [P] | save FILE
#   uring FILE RUNTIME SIZE QD
#   env KEY=VALUE... | stop
# Files land in $SGBLK_FLEET_OUT [/out/bench].  A non-zero exit status makes
# fio end the job that ran it before its first I/O (with error 0: the client
# side checks that the job did its I/O).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
# the fio jobs: /sgblk/fio-jobs in a guest, fio-jobs/ in a checkout
[ -d "$here/../fio-jobs" ] && SGBLK_JOBS=${SGBLK_JOBS:-$here/../fio-jobs}
SGBLK_JOBS=${SGBLK_JOBS:-$here/../../fio-jobs}
. "$here/devices.sh"
. "$here/iommu.sh"
out=${SGBLK_FLEET_OUT:-/out/bench}
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

# switch_profile P: P on the device, and remembered: the jobs after it must
# run under the profile the plan switched to, never under the one a refused
# switch left behind (arm64 virt's DMA layer refuses dma28's mask), or
# their figures would carry the wrong profile's name.
pstate=/tmp/sgblk-fleet.profile
switch_profile() {
	echo "$1" >"$pstate"
	set_profile "$1"
}

cmd=$1
shift
case $cmd in
buffer)
	# fio's I/O buffer for the jobs that follow (lib.sh)
	bench_buffer "$1" "$2" >"$out/buffer.txt" ;;
up)
	# SIZE: the region the prefill of memory-backed devices writes
	export SIZE="${2:-64M}"
	sgblk_cleanup
	# Behind an IOMMU (scripts/vm --iommu, make bench BACKENDS=iommu-*) sgblk
	# maps through the pci-testdev function, as make bench-dma does, or the
	# IOMMU would see none of its DMA; SGBLK_DMA_DEV names one on a host.
	dmadev=${SGBLK_DMA_DEV:-}
	if [ -z "$dmadev" ] && [ -n "$(iommu_mode)" ]; then
		for d in /sys/bus/pci/devices/*; do
			[ "$(cat "$d/vendor")" = 0x1b36 ] && [ "$(cat "$d/device")" = 0x0005 ] &&
				dmadev=${d##*/}
		done
	fi
	if [ -n "$dmadev" ]; then
		testdev_override "$dmadev"
		DEV_COMMON="$DEV_COMMON dma_dev=$dmadev"
	fi
	dev_load "$1"
	rm -f "$pstate"
	echo "$1" >"$state" ;;
down)
	sgblk_cleanup
	rm -f "$state" ;;
profile)
	switch_profile "$1" ;;
reset)
	# a profile switch rides along: the job that follows needs both
	[ -z "${1:-}" ] || switch_profile "$1"
	if is_sgblk && [ -s "$pstate" ]; then
		have=$(sed -n 's/^preset //p' "$DBG/sgblk0/profile")
		[ "$have" = "$(cat "$pstate")" ] ||
			fail "sgblk0 runs profile $have, not $(cat "$pstate"): that switch was refused"
	fi
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
	} >"$out/env.txt"
	# The host-info job: fio sends a job's name back to the client, so a job
	# file the server reads (fio --remote-config) whose job names are the
	# facts is how they reach a controller that cannot read this machine's
	# files (a job name holds 127 characters; ']' would end it).
	iommu=none
	for g in /sys/kernel/iommu_groups/*/type; do
		[ -r "$g" ] && iommu="$(ls /sys/class/iommu | tr '\n' ' ')domain $(cat "$g")"
		break
	done
	{
		printf '[global]\nioengine=null\nsize=4k\n'
		echo "[kernel $(uname -r)]"
		echo "[cpu $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo | tr -d '[]')]"
		echo "[ncpu $(grep -c ^processor /proc/cpuinfo)]"
		echo "[iommu $iommu]"
	} >/tmp/sgblk-fleet-hostinfo.fio ;;
stop)
	sgblk_cleanup
	touch /tmp/fleet-stop ;;
*)
	fail "fleet-ctl: unknown command '$cmd'" ;;
esac
