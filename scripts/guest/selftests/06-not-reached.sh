# Watchdog self-test: after a test stuck in the kernel nothing else runs.
: >/out/selftest-reached-06
