# Deadlines for the guest test runner (sourced).  A test runs in a session
# of its own; past its deadline, what it is waiting for is written down
# (blocked tasks, the block layer's view of every sgblk disk) and the whole
# session is killed.  A task that outlives SIGKILL sleeps in the kernel,
# typically on an I/O that never ends: the run cannot go on after that.

WD_DIR=/tmp/watchdog

# wd_tasks SID: "pid state comm" of every task left in session SID (zombies
# have ended: not counted).
wd_tasks() {
	# comm may hold spaces: split after its closing parenthesis
	cat /proc/[0-9]*/stat 2>/dev/null |
		sed -n 's/^\([0-9]*\) (\(.*\)) \(.\) [0-9-]* [0-9-]* \([0-9-]*\) .*/\1 \3 \4 \2/p' |
		awk -v s="$1" '$3 == s && $2 != "Z" { print $1, $2, $4 }'
}

# wd_report: why tasks are stuck, for the log and the console: the kernel's
# blocked-task stacks (sysrq w) and, per sgblk disk, what blk-mq holds.
wd_report() {
	_mark="sgblk-watchdog $$-$(cut -d' ' -f1 /proc/uptime)"
	echo "$_mark" >/dev/kmsg
	echo w >/proc/sysrq-trigger
	sleep 1
	echo "blocked tasks (sysrq w):"
	dmesg | sed -n "/$_mark/,\$p" | sed 1d | sed 's/^\[[ 0-9.]*\] //' | head -n 120
	for _b in /sys/block/sgblk*; do
		[ -e "$_b" ] || continue
		_d=${_b##*/}
		echo "$_d: inflight $(cat "$_b/inflight")"
		grep -E '^(requests|errors|requeues|timeouts|timeout_rearms|injected_drops|map_errors) ' \
			"/sys/kernel/debug/sgblk/$_d/stats" 2>/dev/null | paste -sd' ' -
		for _f in /sys/kernel/debug/block/"$_d"/state \
			/sys/kernel/debug/block/"$_d"/requeue_list \
			/sys/kernel/debug/block/"$_d"/hctx*/state \
			/sys/kernel/debug/block/"$_d"/hctx*/dispatch \
			/sys/kernel/debug/block/"$_d"/hctx*/busy; do
			# debugfs files show size 0: read them to know
			[ -r "$_f" ] && sed "s|^|${_f#/sys/kernel/debug/block/}: |" "$_f" 2>/dev/null |
				head -n 20
		done
	done
}

# wd_run SECS NAME CMD...: CMD in a session of its own, stdout and stderr
# where the caller put them.  Past SECS: the report goes to
# $WD_DIR/NAME.report and the session is killed.  Returns CMD's status;
# $WD_DIR/NAME.hung then holds the tasks SIGKILL did not end.
wd_run() {
	_secs=$1 _name=$2
	shift 2
	mkdir -p "$WD_DIR"
	rm -f "$WD_DIR/$_name.report" "$WD_DIR/$_name.hung"
	setsid "$@" &
	_pid=$!
	(
		sleep "$_secs" &
		_sl=$!
		trap 'kill $_sl 2>/dev/null; exit 0' TERM
		wait $_sl
		wd_report >"$WD_DIR/$_name.report" 2>&1
		kill -KILL -- "-$_pid" 2>/dev/null
	) &
	_wd=$!
	wait $_pid
	_rc=$?
	kill $_wd 2>/dev/null
	wait $_wd 2>/dev/null
	if [ -e "$WD_DIR/$_name.report" ]; then
		# what is still in the session once SIGKILL had time to land
		_t=0
		while [ -n "$(wd_tasks $_pid)" ] && [ $_t -lt 20 ]; do
			sleep 1
			_t=$((_t + 1))
		done
		wd_tasks $_pid >"$WD_DIR/$_name.hung"
		[ -s "$WD_DIR/$_name.hung" ] || rm -f "$WD_DIR/$_name.hung"
	fi
	return $_rc
}
