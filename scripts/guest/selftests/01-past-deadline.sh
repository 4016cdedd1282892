# Watchdog self-test: a test (and a child of its) still asleep at its
# deadline; the runner must kill both and go on.
sleep 100000 &
echo $! >/tmp/selftest-child
sleep 100000
