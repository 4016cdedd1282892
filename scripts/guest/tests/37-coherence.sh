# The DMA device's cache coherence.  debugfs dma says whether the disk's
# device is coherent (coherent:) and how that was chosen (coherent_conf:
# auto, the platform's; yes or no, set).  On arm64 the disk's own platform
# device is not coherent: the DMA API maintains the caches at map and unmap
# and the engine, standing in for the device, brackets every access with a
# clean and invalidate to the point of coherency.  The counters must show
# every byte mapped (cache_map_to_dev, cache_map_from_dev,
# cache_unmap_from_dev, per direction) and every byte the engine moved
# (engine_cache_bytes) going through that, and fio must verify the data on
# every profile; on a coherent device the four stay 0.  coherent=yes|no is
# set with the kernel's accessor where there is one (arm64 on 7.x): yes
# then turns the maintenance off, no keeps it; elsewhere both are refused
# with the reason (insmod and configfs alike) and change nothing.  QEMU
# models no caches: a missing clean or invalidate loses no data in a guest,
# so the counters are what shows the maintenance ran.
. /sgblk/guest/lib.sh
CFS=/sys/kernel/config/sgblk
# this test sets coherence itself: a +coherent boot's default is not its
# shellcheck disable=SC2034 # read by lib.sh's sgblk_load
SGBLK_COHERENT=

arch=$(uname -m)
major=$(uname -r | cut -d. -f1)
settable=0
[ "$arch" = aarch64 ] && [ "$major" -ge 7 ] && settable=1

# io_and_counters LABEL COHERENT: fio verify, randrw 64k and 7k off a page,
# on every profile whose mask reaches RAM; then the four counters against
# the bytes moved (COHERENT yes: all 0).
io_and_counters() {
	presets
	for p in $PRESETS; do
		set_profile "$p"
		echo 0 >"$DBG/sgblk0/stats"
		fio_verify /dev/sgblk0 --rw=randrw --bs=64k --size=8M ||
			fail "$1: profile $p: 64k randrw verify"
		fio_verify /dev/sgblk0 --rw=randrw --bs=7k --mem_align=512 --size=7M ||
			fail "$1: profile $p: 7k verify"
		expect_clean
		br=$(sgblk_stat bytes_read) bw=$(sgblk_stat bytes_written)
		rq=$(sgblk_stat requeues)
		[ "$rq" = 0 ] || note "$1: profile $p: $rq requeues (a requeued request maps again)"
		if [ "$2" = yes ]; then
			for c in cache_map_to_dev cache_map_from_dev cache_unmap_from_dev engine_cache_bytes; do
				expect_stat $c -eq 0
			done
		elif [ "$rq" = 0 ]; then
			expect_stat cache_map_to_dev -eq "$bw"
			expect_stat cache_map_from_dev -eq "$br"
			expect_stat cache_unmap_from_dev -eq "$br"
			expect_stat engine_cache_bytes -eq $((br + bw))
		else
			expect_stat cache_map_to_dev -ge "$bw"
			expect_stat cache_unmap_from_dev -ge "$br"
			expect_stat engine_cache_bytes -ge $((br + bw))
		fi
	done
	note "$1: $(grep -E '^(bytes_read|bytes_written|cache_[a-z_]*|engine_cache_bytes) ' \
		"$DBG/sgblk0/stats" | tr '\n' ' ')(last profile)"
}

# expect_coherence WANT CONF: debugfs dma's two lines.
expect_coherence() {
	[ "$(dma_key coherent)" = "$1" ] || fail "coherent: '$(dma_key coherent)', expected $1"
	[ "$(dma_key coherent_conf)" = "$2" ] || fail "coherent_conf: '$(dma_key coherent_conf)', expected $2"
}

# 1. The platform's own coherence.
sgblk_load capacity_mb=64
auto=yes
[ "$arch" = aarch64 ] && auto=no
expect_coherence $auto auto
note "auto: $(tr '\n' ' ' <"$DBG/sgblk0/dma")"
io_and_counters auto $auto
sgblk_unload

# 2. coherent=yes and no: set where the kernel can, refused elsewhere.
for want in yes no; do
	c0=$(dmesg | grep -c 'coherent=')
	if [ $settable = 1 ]; then
		sgblk_load capacity_mb=64 coherent=$want
		expect_coherence $want $want
		io_and_counters "coherent=$want" $want
		sgblk_unload
		continue
	fi
	if insmod "$SGBLK_KO" capacity_mb=64 coherent=$want 2>/tmp/insmod.err; then
		rmmod sgblk
		fail "coherent=$want accepted on $arch $(uname -r)"
	fi
	grep -q 'not supported' /tmp/insmod.err || fail "coherent=$want refused with: $(cat /tmp/insmod.err)"
	[ "$(dmesg | grep -c 'coherent=')" -gt "$c0" ] || fail "coherent=$want: no message"
	grep -q '^sgblk ' /proc/modules && fail "module left loaded"
	note "coherent=$want refused: $(dmesg | grep 'coherent=' | tail -n1 | sed 's/^\[[^]]*\] //')"
done

# 3. configfs: the attribute, the same checks when it is written; a refused
# value changes nothing.
insmod "$SGBLK_KO" nr_devices=0 || fail "insmod nr_devices=0"
mkdir "$CFS/c0" || fail "mkdir c0"
[ "$(cat "$CFS/c0/coherent")" = auto ] || fail "configfs coherent default '$(cat "$CFS/c0/coherent")'"
echo maybe 2>/dev/null >"$CFS/c0/coherent" && fail "coherent=maybe accepted"
[ "$(cat "$CFS/c0/coherent")" = auto ] || fail "a refused value changed coherent"
echo 8 >"$CFS/c0/capacity_mb"
if [ $settable = 1 ]; then
	echo no >"$CFS/c0/coherent" || fail "configfs coherent=no"
	echo 1 >"$CFS/c0/power" || fail "power on with coherent=no"
	read -r disk <"$CFS/c0/disk"
	[ "$(dma_key coherent "$disk")" = no ] || fail "$disk: coherent '$(dma_key coherent "$disk")'"
	echo 0 >"$CFS/c0/power" || fail "power off"
else
	echo no 2>/tmp/p.err >"$CFS/c0/coherent" && fail "configfs coherent=no accepted"
	grep -q 'not supported' /tmp/p.err || fail "configfs coherent=no refused with: $(cat /tmp/p.err)"
	[ "$(cat "$CFS/c0/coherent")" = auto ] || fail "the refused coherent=no changed it"
fi
rmdir "$CFS/c0" || fail "rmdir c0"
rmmod sgblk || fail "rmmod"
