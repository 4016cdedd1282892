# The module loads, registers sgblk0 with the requested capacity (on the
# DMA device the boot asks for), unloads cleanly, and refuses invalid
# parameters with a message.
. /sgblk/guest/lib.sh

sgblk_load capacity_mb=64
[ -b /dev/sgblk0 ] || fail "no /dev/sgblk0"
# The boot's DMA world, in the log; a boot that asks for a coherence
# (SGBLK_COHERENT, the +coherent boots) must have it.
note "$(tr '\n' ' ' <"$DBG/sgblk0/dma")"
if [ -n "${SGBLK_COHERENT:-}" ]; then
	[ "$(dma_key coherent)" = "$SGBLK_COHERENT" ] ||
		fail "SGBLK_COHERENT=$SGBLK_COHERENT, but the disk's device is coherent: $(dma_key coherent)"
fi
sz=$(cat /sys/block/sgblk0/size)
[ "$sz" = $((64 * 2048)) ] || fail "size $sz sectors, want $((64 * 2048))"
sgblk_unload
[ -e /dev/sgblk0 ] && fail "/dev/sgblk0 still there after rmmod"

for bad in bs=1000 capacity_mb=0 queue_depth=0 backend=tape completion=never \
	nr_devices=1000; do
	c0=$(dmesg | grep -c 'sgblk: ')
	if insmod "$SGBLK_KO" "$bad" 2>/dev/null; then
		rmmod sgblk
		fail "insmod accepted $bad"
	fi
	# this insmod's own message, naming the parameter: the kernel log
	# already holds the earlier ones
	[ "$(dmesg | grep -c 'sgblk: ')" -gt "$c0" ] || fail "no message for $bad"
	msg=$(dmesg | grep 'sgblk: ' | tail -n1)
	case "$msg" in
	*"sgblk: ${bad%%=*} "*) ;;
	*) fail "rejected $bad, but the last message is: $msg" ;;
	esac
	note "rejected $bad: $msg"
done
grep -q '^sgblk ' /proc/modules && fail "module left loaded"
exit 0
