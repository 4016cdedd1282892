# Watchdog self-test: the child test 01 left asleep was killed with it.
read -r pid </tmp/selftest-child || exit 1
[ ! -e "/proc/$pid" ] || [ "$(cut -d' ' -f3 "/proc/$pid/stat")" = Z ]
