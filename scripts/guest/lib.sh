# Helpers for guest tests (sourced).  Every helper fails loudly: tests run
# with set -e semantics where it matters, and print '# ...' diagnostics.

# shellcheck disable=SC2034 # for the tests that source this file
KVER=$(uname -r)
# the module make built; a test run may name another (make deb-test: the
# one the Debian package's DKMS built)
SGBLK_KO=${SGBLK_KO:-/sgblk/kmod/sgblk.ko}
DBG=/sys/kernel/debug/sgblk

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

note() {
	echo "# $*"
}

# skip REASON: the test does not apply to this boot; run-tests reports it as
# 'ok N - name # SKIP REASON' (exit status 77, as automake's test driver).
skip() {
	echo "SKIP: $*"
	exit 77
}

# Load sgblk with module parameters; the disk must appear.  SGBLK_MAP (sg
# or iter) in the environment maps with that path unless the test's own
# parameters name one (the last map= wins): the suite can be run on either.
# SGBLK_COHERENT (yes, no) sets the platform device's coherence the same way
# (scripts/run-tests' +coherent boot of an arm64 7.x kernel), but for a
# disk that maps through a PCI function, which keeps its platform's.
sgblk_load() {
	_coh=${SGBLK_COHERENT:+coherent=$SGBLK_COHERENT}
	case " $* " in *" dma_dev="*) _coh="" ;; esac
	# shellcheck disable=SC2086 # one word or none
	insmod "$SGBLK_KO" ${SGBLK_MAP:+map=$SGBLK_MAP} $_coh "$@" || fail "insmod sgblk $*"
	i=0
	while [ ! -b /dev/sgblk0 ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# wait_node PATH [present|absent]: devtmpfs nodes come and go
# asynchronously; wait up to 5 s for PATH to be a block device (or gone).
wait_node() {
	_w=0
	while [ $_w -lt 100 ]; do
		if [ "${2:-present}" = present ]; then
			[ -b "$1" ] && return 0
		else
			[ -e "$1" ] || return 0
		fi
		sleep 0.05
		_w=$((_w + 1))
	done
	fail "$1 not ${2:-present} after 5 s"
}

sgblk_unload() {
	rmmod sgblk || fail "rmmod sgblk"
}

# kill_test_io: what a failed test left running (the test runner, between
# tests, after clear_knobs; never the benchmarks, whose fio server must
# live): its I/O tools, which hold the disks open (30 s at most for them to
# go).
kill_test_io() {
	_t=0
	while pidof fio sgblk-uring sgblk-ctl blktrace >/dev/null && [ $_t -lt 30 ]; do
		killall -KILL fio sgblk-uring sgblk-ctl blktrace 2>/dev/null
		sleep 1
		_t=$((_t + 1))
	done
}

# clear_knobs: every disk's fault knobs off.  One a test left set may keep
# requests starved or dropped; cleared, they can end.
clear_knobs() {
	for k in "$DBG"/sgblk*/fail_* "$DBG"/sgblk*/drop_request_every \
		"$DBG"/sgblk*/bad_dma_addr_every "$DBG"/sgblk*/misdirect_every \
		"$DBG"/sgblk*/corrupt_bounce; do
		[ -f "$k" ] && echo 0 >"$k" 2>/dev/null
	done
	return 0
}

# Unload whatever a test left behind so the next one starts clean.
sgblk_cleanup() {
	clear_knobs
	# configfs items pin the module: power them off and remove them first.
	for d in /sys/kernel/config/sgblk/*/; do
		[ -d "$d" ] || continue
		echo 0 >"$d/power"
		rmdir "$d"
	done
	# a request a knob dropped ends only at its io_timeout
	_t=0
	while grep -q '^sgblk ' /proc/modules && ! rmmod sgblk 2>/dev/null && [ $_t -lt 60 ]; do
		sleep 1
		_t=$((_t + 1))
	done
	grep -q '^null_blk ' /proc/modules && rmmod null_blk
	grep -q '^brd ' /proc/modules && rmmod brd
	return 0
}

# fio_verify DEV [fio options...]: write a pattern, read it back and verify.
fio_verify() {
	dev=$1
	shift
	fio --name=verify --filename="$dev" --direct=1 --ioengine=io_uring \
		--rw=randwrite --bs=4k --size=32M --iodepth=16 \
		--verify=crc32c --verify_fatal=1 --do_verify=1 \
		"$@" >/tmp/fio.out 2>&1
	rc=$?
	[ $rc -eq 0 ] || cat /tmp/fio.out
	return $rc
}

# brd_load: one 256 MiB ram disk, /dev/ram0.
brd_load() {
	modprobe brd rd_nr=1 rd_size=262144 || fail "modprobe brd"
	[ -b /dev/ram0 ] || fail "/dev/ram0 missing"
}

# sgblk_stat NAME [DISK]: one counter from debugfs.
sgblk_stat() {
	awk -v k="$1" '$1 == k { print $2 }' "$DBG/${2:-sgblk0}/stats"
}

# dma_backend [DISK]: how the disk's DMA is mapped (direct, swiotlb, iommu),
# from its debugfs dma file.
dma_backend() {
	sed -n 's/^backend: //p' "$DBG/${1:-sgblk0}/dma"
}

# dma_key KEY [DISK]: one value of the disk's debugfs dma file.
dma_key() {
	sed -n "s/^$1: //p" "$DBG/${2:-sgblk0}/dma"
}

# expect_no_maps WHEN [DISK]: every mapping sgblk made has been ended.
expect_no_maps() {
	_o=$(dma_key maps_outstanding "$2")
	[ "$_o" = 0 ] || fail "$1: $_o DMA mappings outstanding"
}

# expect_stat NAME OP VALUE [DISK]: assert a counter, e.g. expect_stat errors -eq 0
expect_stat() {
	v=$(sgblk_stat "$1" "$4")
	[ -n "$v" ] || fail "no counter $1"
	# test, not [: the operator comes from the caller, which ShellCheck
	# cannot parse inside brackets
	test "$v" "$2" "$3" || fail "counter $1 = $v, expected $2 $3"
}

# The counters that must stay zero whatever the workload.
expect_clean() {
	for c in rule_violations own_violations map_errors engine_faults errors; do
		expect_stat $c -eq 0 "$1"
	done
}

# set_profile VALUE [DISK]: write the profile file, fail if rejected.
set_profile() {
	echo "$1" >"$DBG/${2:-sgblk0}/profile" || fail "profile '$1' rejected"
}

# The verify workloads every profile must pass: name and fio options.
# bs 7k with mem_align=512 puts every buffer 512 bytes off a page and makes
# requests that are not 4 KiB multiples.
# shellcheck disable=SC2034 # for the tests that source this file
WORKLOADS="4k 64k 1m misaligned"
workload_opts() {
	case "$1" in
	4k) echo "--bs=4k --size=16M" ;;
	64k) echo "--bs=64k --size=32M" ;;
	1m) echo "--bs=1m --size=64M --iodepth=4" ;;
	misaligned) echo "--bs=7k --mem_align=512 --size=14M" ;;
	# not in WORKLOADS: 64 KiB 512 bytes off a page (test 24)
	misaligned-64k) echo "--bs=64k --mem_align=512 --size=16M" ;;
	esac
}

# ram_start: the lowest address of the machine's RAM, in hex (x86: a page
# or so; arm64's virt machine: 1 GiB).
ram_start() {
	awk '/^[0-9a-f]+-[0-9a-f]+ : System RAM$/ { split($1, r, "-"); print r[1]; exit }' /proc/iomem
}

# ram_below BITS: some RAM lies below 2^BITS.  Where none does (arm64 virt
# has nothing below 1 GiB), no DMA mask of BITS reaches memory and the
# driver refuses a profile with one (dma28; test 35 checks the refusal).
ram_below() {
	_lo=$(ram_start)
	[ -n "$_lo" ] || fail "no System RAM in /proc/iomem"
	# the shell's arithmetic is 64-bit signed: a mask of 63 bits or more
	# reaches everything
	[ "$1" -ge 63 ] || [ $((0x$_lo)) -lt $((1 << $1)) ]
}

# MASK_BITS: the DMA mask the tests that make a mask bounce use: 28 (the
# dma28 preset) where RAM lies below 256 MiB (x86), else 32: dma-direct
# refuses a mask that does not cover ZONE_DMA, which on arm64 reaches the
# end of RAM or 4 GiB (scripts/vm gives arm64 guests 4 GiB, from 1 GiB to
# 5 GiB, so pages above a 32-bit mask exist).  set_mask_profile [DISK] sets
# it: dma28, or none with dma_mask_bits=MASK_BITS.
MASK_BITS=32
_rs=$(ram_start)
[ -n "$_rs" ] && [ $((0x$_rs)) -lt $((1 << 28)) ] && MASK_BITS=28
set_mask_profile() {
	if [ "$MASK_BITS" = 28 ]; then
		set_profile dma28 "$@"
	else
		set_profile none "$@"
		set_profile "dma_mask_bits=$MASK_BITS" "$@"
	fi
}

# presets: set PRESETS to the names of the driver's presets, in its order,
# from debugfs sgblk/presets (there while the module is loaded), but those
# whose DMA mask reaches no RAM on this machine (ram_below).  The test
# fails if the file is missing, lists no preset or has a line not in the
# form 'name seg_boundary=N max_seg_size=N max_descs=N dma_align=N
# dma_mask_bits=N'.  Not in a command substitution: fail must end the test.
presets() {
	_pf=$DBG/presets
	[ -r "$_pf" ] || fail "no $_pf (is sgblk loaded?)"
	_pbad=$(grep -v -E '^[A-Za-z0-9._-]+ seg_boundary=[0-9]+ max_seg_size=[0-9]+ max_descs=[0-9]+ dma_align=[0-9]+ dma_mask_bits=[0-9]+$' "$_pf")
	[ -z "$_pbad" ] || fail "$_pf: not a preset line: $_pbad"
	PRESETS="" _pout=""
	while read -r _pn _ _ _ _ _pm; do
		if ram_below "${_pm#dma_mask_bits=}"; then
			PRESETS="$PRESETS $_pn"
		else
			_pout="$_pout $_pn"
		fi
	done <"$_pf"
	PRESETS=${PRESETS# }
	[ -n "$PRESETS" ] || fail "$_pf lists no preset"
	note "presets: $PRESETS${_pout:+ (left out, no RAM below their DMA mask here:$_pout)}"
}

# expect_hist_totals WHAT HIST...: each of sgblk0's histograms HIST counts
# every request exactly once (its buckets add up to the requests counter).
expect_hist_totals() {
	_hw=$1
	shift
	_hr=$(sgblk_stat requests)
	for _h in "$@"; do
		_ht=$(awk -v h="$_h" '$1 == h { s += $3 } END { print s + 0 }' "$DBG/sgblk0/hist")
		[ "$_ht" = "$_hr" ] || fail "$_hw: histogram $_h totals $_ht, requests $_hr"
	done
}

# verify_matrix [maps=PATHS] [workloads=NAMES] [div=N] [run=CMD] [stats=RE]
#	[label=TEXT] [check=FUNCTION]: the fio verify matrix on sgblk0 of tests
# 10, 18, 24 and 80.  For each mapping path of PATHS (set_map; without
# maps=, the disk's own), each preset (presets), with the counters zeroed:
# each workload of NAMES [$WORKLOADS] (workload_opts; div=N: an Nth of its
# size), write-then-verify and randrw, run by CMD [fio_verify], which takes
# fio_verify's arguments; then a note of the counters (those whose names
# match the extended regular expression RE [all]), expect_clean, requests
# above 0, and FUNCTION PATH PRESET, the test's own checks for that preset
# (PATH is empty without maps=), which must return 0.  A failed run fails
# the test, named by TEXT, path, preset, workload and direction.
# VM_RUNS: the runs done.
verify_matrix() {
	_vm_maps="" _vm_wl=$WORKLOADS _vm_div=1 _vm_run=fio_verify _vm_stats=""
	_vm_label="" _vm_check=""
	for _vm_a in "$@"; do
		case "$_vm_a" in
		maps=*) _vm_maps=${_vm_a#*=} ;;
		workloads=*) _vm_wl=${_vm_a#*=} ;;
		div=*) _vm_div=${_vm_a#*=} ;;
		run=*) _vm_run=${_vm_a#*=} ;;
		stats=*) _vm_stats=${_vm_a#*=} ;;
		label=*) _vm_label="${_vm_a#*=}: " ;;
		check=*) _vm_check=${_vm_a#*=} ;;
		*) fail "verify_matrix: unknown argument '$_vm_a'" ;;
		esac
	done
	presets
	VM_RUNS=0
	for _vm_m in ${_vm_maps:--}; do
		[ "$_vm_m" = - ] && _vm_m=""
		[ -z "$_vm_m" ] || set_map "$_vm_m"
		for _vm_p in $PRESETS; do
			set_profile "$_vm_p"
			echo 0 >"$DBG/sgblk0/stats"
			for _vm_w in $_vm_wl; do
				_vm_o=$(workload_opts "$_vm_w")
				[ -n "$_vm_o" ] || fail "verify_matrix: no workload '$_vm_w'"
				if [ "$_vm_div" != 1 ]; then
					# the size is whole MiB: an Nth of it in KiB
					_vm_mb=${_vm_o##*--size=}
					_vm_mb=${_vm_mb%%M*}
					case "$_vm_mb" in
					'' | *[!0-9]*) fail "verify_matrix: workload $_vm_w: no size in MiB in '$_vm_o'" ;;
					esac
					_vm_o="$_vm_o --size=$((_vm_mb * 1024 / _vm_div))k"
				fi
				for _vm_rw in write randrw; do
					# shellcheck disable=SC2086 # CMD and the options are word lists
					$_vm_run /dev/sgblk0 --rw="$_vm_rw" $_vm_o ||
						fail "$_vm_label${_vm_m:+map=$_vm_m, }profile $_vm_p, workload $_vm_w, $_vm_rw: verify failed"
					VM_RUNS=$((VM_RUNS + 1))
				done
			done
			if [ -n "$_vm_stats" ]; then
				_vm_s=$(grep -E "^($_vm_stats) " "$DBG/sgblk0/stats")
			else
				_vm_s=$(cat "$DBG/sgblk0/stats")
			fi
			note "${_vm_m:+$_vm_m }$_vm_p: $(echo "$_vm_s" | tr '\n' ' ')"
			expect_clean sgblk0
			expect_stat requests -gt 0
			[ -z "$_vm_check" ] || "$_vm_check" "$_vm_m" "$_vm_p" ||
				fail "verify_matrix: $_vm_check '$_vm_m' $_vm_p returned non-zero"
		done
	done
}

# flip_under_verify WHAT FILE "VALUES" "DISKS" SECS MIN CMD [ARGS...]: a
# writer in the background writes VALUES in turn, one every SECS seconds,
# to the debugfs FILE of each of DISKS while CMD ARGS runs (a verify: it
# returns its status and must not fail the test itself, or the writer runs
# on); then the writer is stopped.  The test fails, named by WHAT, if CMD
# failed, a write was refused, or fewer than MIN values were written.
# FLIPS: the values written (each to every disk).
flip_under_verify() {
	_fw=$1 _ff=$2 _fv=$3 _fd=$4 _fs=$5 _fm=$6
	shift 6
	rm -f /tmp/flip.stop /tmp/flip.err /tmp/flip.count
	(
		i=0
		while [ ! -e /tmp/flip.stop ]; do
			for v in $_fv; do
				for d in $_fd; do
					echo "$v" >"$DBG/$d/$_ff" ||
						echo "$_fw: writing $v to $d's $_ff failed" >>/tmp/flip.err
				done
				i=$((i + 1))
				sleep "$_fs"
			done
		done
		echo "$i" >/tmp/flip.count
	) &
	_fp=$!
	"$@"
	_frc=$?
	touch /tmp/flip.stop
	wait $_fp
	[ $_frc -eq 0 ] || fail "$_fw: verify failed while $_ff flipped (exit $_frc)"
	[ -s /tmp/flip.err ] && fail "$(cat /tmp/flip.err)"
	FLIPS=$(cat /tmp/flip.count)
	[ "$FLIPS" -ge "$_fm" ] || fail "$_fw: only $FLIPS $_ff switches happened, at least $_fm expected"
}

# as_user CMD: run a shell command as the unprivileged user sgtest (uid
# 1000).  Busybox setpriv has no --reuid, hence su; the uid is checked so a
# broken helper cannot make a privilege test pass for the wrong reason.
as_user() {
	[ "$(su -s /bin/sh sgtest -c 'id -u')" = 1000 ] || fail "cannot run as uid 1000"
	su -s /bin/sh sgtest -c "$1"
}

# pins_held: FOLL_PIN pages held now (per-CPU vmstat deltas folded first, or
# the sum lags); pins_acquired: pins taken since boot.
pins_held() {
	echo 1 >/proc/sys/vm/stat_refresh 2>/dev/null
	awk '$1 == "nr_foll_pin_acquired" { a = $2 }
	     $1 == "nr_foll_pin_released" { r = $2 } END { print a - r }' /proc/vmstat
}
pins_acquired() {
	awk '$1 == "nr_foll_pin_acquired" { print $2 }' /proc/vmstat
}

# pick_layouts: set ODD and SUBPAGE, the bio builder's iovec layouts with
# odd and with sub-page pieces, and OFF1 and OFF2, odd --buf-offset values
# for vmalloc and contiguous buffers, for this kernel.  Newer kernels (7.x) refuse
# a bio whose bio_vecs break the queue's dma_alignment (511 on sgblk) before
# it reaches any driver; older ones pass it on and sgblk bounces what its
# profile cannot take.  On the former, the named layouts must be refused
# with nothing reaching the driver, and 512-aligned ones of the same shape
# take their place.  Needs sgblk0 (512 or 4096-byte blocks).
pick_layouts() {
	ODD=odd SUBPAGE=subpage OFF1=100 OFF2=3000 BVEC_ALIGN_ENFORCED=0
	_r0=$(sgblk_stat requests)
	_out=$(sgblk-ctl biogen --disk sgblk0 --source user --op read --len 4k \
		--iovec-layout 4096@1 --json 2>/dev/null)
	case "$_out" in
	*'"errors":0'*) return 0 ;;
	*'"errors":1'*) ;;
	*) fail "bvec alignment probe: $_out" ;;
	esac
	BVEC_ALIGN_ENFORCED=1
	ODD=1536@512,2560@1536,512@3584 SUBPAGE=1024@512,1024@1536,2048@2048
	OFF1=512 OFF2=3072
	for _l in odd subpage; do
		_out=$(sgblk-ctl biogen --disk sgblk0 --source user --op write \
			--len 64k --iovec-layout $_l --json 2>/dev/null) &&
			fail "layout $_l accepted: $_out"
		_b=$(echo "$_out" | sed -n 's/.*"bios":\([0-9]*\).*/\1/p')
		case "$_out" in
		*"\"errors\":$_b,"*) ;;
		*) fail "layout $_l: not every bio refused: $_out" ;;
		esac
	done
	[ "$(sgblk_stat requests)" = "$_r0" ] ||
		fail "refused bios reached the driver ($_r0 -> $(sgblk_stat requests) requests)"
	note "bio_vecs off dma_alignment refused by the block layer: layouts $ODD and $SUBPAGE instead"
}

# map_iter_expected: true when this kernel's sgblk must map with map=iter.
# The block layer's DMA iterator in the form sgblk builds against is 7.x's;
# older guest kernels (6.1, 6.12) must refuse map=iter.  Keyed on the
# release, not on what the module says, so a probe that misses the API on a
# 7.x kernel fails the tests instead of skipping them.
map_iter_expected() {
	[ "${KVER%%.*}" -ge 7 ]
}

# map_paths: the mapping paths this kernel has, one word each.
map_paths() {
	if map_iter_expected; then echo "sg iter"; else echo sg; fi
}

# set_map PATH [DISK]: switch the mapping path in debugfs; the map file and
# the dma file's map: line must then say PATH.
set_map() {
	echo "$1" >"$DBG/${2:-sgblk0}/map" || fail "map '$1' rejected"
	_m=$(cat "$DBG/${2:-sgblk0}/map")
	[ "$_m" = "$1" ] || fail "map reads '$_m' after writing $1"
	_m=$(sed -n 's/^map: //p' "$DBG/${2:-sgblk0}/dma")
	[ "$_m" = "$1" ] || fail "dma's map: line says '$_m' after writing $1"
}

# bench_buffer PATH KB: fio's I/O buffer for make bench (--iomem=mmapshared:
# PATH), made by sgblk-membuf: runs of 16 KiB, physically contiguous, each
# followed by a gap, so a 128 KiB request is always 8 scatterlist elements
# (as many as fio's own buffer gave at its least contiguous, and more than
# desc-4's 4 descriptors, so that profile still has to merge), all above
# 2^MASK_BITS: 256 MiB on x86 (so dma28 bounces every request on every kernel; where the
# allocator put them varied: below on 6.1, above on 7.x).  Prints
# sgblk-membuf's line: the allocator's direction and where the pages are.
bench_buffer() {
	sgblk-membuf --above $((1 << (MASK_BITS - 20))) "$1" "$2" 16 || fail "sgblk-membuf $1"
	# the pad's pages are gaps either way
	rm -f "$1.pad"
}

# hist_ge NAME LO DISK: requests whose NAME (sgblk's hist) was at least LO,
# the lower bound of one of its buckets.
hist_ge() {
	awk -v k="$1" -v lo="$2" '$1 == k { split($2, r, "-"); if (r[1] + 0 >= lo) n += $3 }
		END { print n + 0 }' "$DBG/$3/hist"
}

# huge_pages_for_1m TEST: 8 huge pages for fio's 1 MiB buffers (4 of them,
# rounded up to whole huge pages), given back when the test exits (an EXIT
# trap).  Sets HUGE_IOMEM to fio's options for them; if the kernel does not give
# them, the 1 MiB I/O comes from ordinary pages, and the log and the
# console say so.
huge_pages_for_1m() {
	_hp=/proc/sys/vm/nr_hugepages
	_hp0=$(cat $_hp)
	# shellcheck disable=SC2064 # the count to give back is known now
	trap "echo $_hp0 >$_hp" EXIT
	echo 8 >$_hp
	_kb=$(awk '$1 == "Hugepagesize:" { print $2 }' /proc/meminfo)
	_free=$(awk '$1 == "HugePages_Free:" { print $2 }' /proc/meminfo)
	if [ "${_free:-0}" -ge 8 ]; then
		HUGE_IOMEM="--iomem=mmaphuge --hugepage-size=${_kb}k"
		note "8 huge pages of $_kb KiB for the 1 MiB buffers"
	else
		HUGE_IOMEM=--iomem=malloc
		_msg="WARNING: only ${_free:-no} huge pages of 8 (${_kb:-?} KiB): 1 MiB I/O from ordinary pages"
		note "$_msg"
		echo "$1: $_msg" >/dev/console 2>/dev/null
	fi
}

# ends_within PID SECONDS: true once PID has ended, false if it still runs
# SECONDS later (it is left running).
ends_within() {
	_w=0
	while kill -0 "$1" 2>/dev/null && [ $_w -lt $(($2 * 10)) ]; do
		sleep 0.1
		_w=$((_w + 1))
	done
	! kill -0 "$1" 2>/dev/null
}
