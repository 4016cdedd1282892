# The kernel's own checkers, for the guest test runner (sourced).  The debug
# kernel (scripts/debug-kernel) has them all; Debian's kernels have none, and
# there only the kernel-log patterns apply.

# Kernel-log lines that fail a test.  Most checker reports also say WARNING:
# or BUG:, not all: UBSAN's, DMA-API debug's leak report at unbind, ODEBUG's
# own line.
# shellcheck disable=SC2034 # used by run-tests
KLOG_BAD='WARNING:|BUG:|Oops|blocked for more than|general protection|DMA-API:|KASAN|UBSAN|ODEBUG|possible circular locking|inconsistent lock state|BUG: sleeping function'

DMA_API=/sys/kernel/debug/dma-api
KMEMLEAK=/sys/kernel/debug/kmemleak
ck_dma=0 ck_leak=0 ck_dma0=0 ck_dma_total=0 ck_leak_total=0 ck_why=""

# kmemleak_scan: report what leaked until now.  kmemleak reports an object
# only once it is 5 s old and its contents did not change between two scans
# (the first scan of an object only takes its checksum): scan, wait, scan.
kmemleak_scan() {
	echo scan >$KMEMLEAK
	sleep 6
	echo scan >$KMEMLEAK
}

# checkers_init: find the checkers; what boot leaked is not ours: scanned
# and cleared (cleared objects are never reported again).
checkers_init() {
	[ -r $DMA_API/error_count ] && ck_dma=1
	[ -w $KMEMLEAK ] && ck_leak=1
	if [ $ck_leak = 1 ]; then
		kmemleak_scan
		echo clear >$KMEMLEAK
	fi
	if [ $ck_dma = 1 ] || [ $ck_leak = 1 ]; then
		echo "# kernel checkers: DMA-API debug $ck_dma, kmemleak $ck_leak"
	fi
}

# checkers_start: before a test.  DMA-API debug counts every error but
# prints only num_errors of them, globally: let each test print a few.
checkers_start() {
	[ $ck_dma = 1 ] || return 0
	echo 5 >$DMA_API/num_errors
	read -r ck_dma0 <$DMA_API/error_count
}

# checkers_end LOG: after a test (and its cleanup); sets ck_why to why it
# fails (empty if it does not) and appends the kmemleak report to LOG.
checkers_end() {
	_why="" _n=0
	if [ $ck_dma = 1 ]; then
		read -r _n <$DMA_API/error_count
		_n=$((_n - ck_dma0))
		ck_dma_total=$((ck_dma_total + _n))
		[ $_n -gt 0 ] && _why="DMA-API debug: $_n errors"
		grep -q Y $DMA_API/disabled && _why="${_why:+$_why; }DMA-API debug disabled itself"
	fi
	if [ $ck_leak = 1 ]; then
		kmemleak_scan
		_n=$(grep -c '^unreferenced object' $KMEMLEAK)
		if [ "$_n" -gt 0 ]; then
			ck_leak_total=$((ck_leak_total + _n))
			_why="${_why:+$_why; }kmemleak: $_n unreferenced objects"
			{ echo "kmemleak:"; cat $KMEMLEAK; } >>"$1"
			echo clear >$KMEMLEAK
		fi
	fi
	ck_why=$_why
}

# checkers_summary: the totals over the run, as a TAP comment.
checkers_summary() {
	_klog=$(dmesg | sed -n '/sgblk-test-start /,$p' | grep -cE "$KLOG_BAD")
	if [ $ck_dma = 1 ] || [ $ck_leak = 1 ]; then
		echo "# checker reports: kernel log $_klog lines, DMA-API debug $ck_dma_total errors, kmemleak $ck_leak_total objects"
	fi
}
