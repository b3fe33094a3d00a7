#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# QEMU guests for swiotlb_stress: Debian packages, a busybox-static
# initramfs, a booted kernel with its serial console captured, and the
# sections a guest sends back over that console. Sourced by tools/run.sh
# and tools/test.sh; defines vm_* functions and VM_* variables only.
#
# The guest protocol: /init prints SST-GUEST-START, runs /sst/guest-main.sh
# and prints SST-GUEST-END rc=N before powering off. A guest sends a file
# back between "SST-BEGIN NAME" and "SST-END NAME" lines.

VM_VERDICT=
VM_GUEST_RC=

# vm_need_packages PKG...: installs what is missing (root on Debian), or
# says what to install.
vm_need_packages() {
	local p missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} = 0 ] && return 0
	if [ "$(id -u)" != 0 ] || [ ! -r /etc/debian_version ]; then
		echo "missing Debian packages: ${missing[*]} (run: apt-get install ${missing[*]})" >&2
		return 1
	fi
	echo "# installing: ${missing[*]}" >&2
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2; then
		apt-get update -q >&2 &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2
	fi
}

# vm_default_kernel: the newest Debian kernel image in /boot.
vm_default_kernel() {
	local k
	k=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
	[ -n "$k" ] || return 1
	echo "$k"
}

# vm_kdir_for IMAGE: the build tree of a /boot/vmlinuz-<version> image.
vm_kdir_for() {
	local v
	v=$(basename "$1")
	v=${v#vmlinuz-}
	if [ -e "/lib/modules/$v/build/Makefile" ]; then
		echo "/lib/modules/$v/build"
		return 0
	fi
	echo "no build tree for $1: apt-get install linux-headers-$v" >&2
	return 1
}

# vm_build_initramfs OUT.cpio.gz PAYLOAD_DIR: busybox-static, an /init, and
# PAYLOAD_DIR as /sst.
vm_build_initramfs() {
	local out=$1 payload=$2 root a
	[ -x /bin/busybox ] && /bin/busybox --list >/dev/null 2>&1 ||
		{ echo "busybox-static is needed: apt-get install busybox-static" >&2; return 1; }
	root=$(mktemp -d)
	mkdir -p "$root"/{bin,dev,proc,sys,tmp,run,root,sst}
	cp /bin/busybox "$root/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
	done
	cp -r "$payload/." "$root/sst/"
	cat > "$root/init" <<'EOF'
#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null ||
	{ mknod /dev/console c 5 1; mknod /dev/null c 1 3; mknod /dev/ttyS0 c 4 64; }
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
echo SST-GUEST-START
if [ -x /sst/guest-main.sh ]; then
	/sst/guest-main.sh
	rc=$?
else
	rc=127
fi
echo "SST-GUEST-END rc=$rc"
sync
poweroff -f
echo o > /proc/sysrq-trigger
EOF
	chmod +x "$root/init"
	(cd "$root" && find . | cpio -o -H newc --owner=0:0 2>/dev/null) | gzip -1 > "$out"
	rm -rf "$root"
}

# vm_boot --kernel IMAGE --initrd CPIO --append ARGS --mem SIZE --smp N
#         --timeout S --log FILE [--kvm] [--extra "QEMU ARGS"]
# Returns 0 ok, 1 guest failed, 2 panic/oops, 3 timeout, 4 QEMU failed;
# sets VM_VERDICT (ok, fail, panic, timeout, qemu-error) and VM_GUEST_RC.
vm_boot() {
	local kernel= initrd= append= mem=2G smp=2 timeout=600 log= kvm=0 extra=
	while [ $# -gt 0 ]; do
		case $1 in
		--kernel) kernel=$2 ;;
		--initrd) initrd=$2 ;;
		--append) append=$2 ;;
		--mem) mem=$2 ;;
		--smp) smp=$2 ;;
		--timeout) timeout=$2 ;;
		--log) log=$2 ;;
		--kvm) kvm=1; shift; continue ;;
		--extra) extra=$2 ;;
		*) echo "vm_boot: unknown option $1" >&2; return 4 ;;
		esac
		shift 2
	done
	local -a accel=(-accel tcg -cpu max)
	[ $kvm = 1 ] && accel=(-accel kvm -cpu host)
	local raw rc=0
	raw=$(mktemp)
	# shellcheck disable=SC2086
	timeout --kill-after=5 "$timeout" qemu-system-x86_64 -machine q35 \
		"${accel[@]}" -m "$mem" -smp "$smp" -nographic -no-reboot \
		-monitor none -serial stdio -display none \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 panic=5 loglevel=7 printk.time=1 $append" \
		$extra < /dev/null > "$raw" 2>&1 || rc=$?
	if [ "${VM_VERBOSE:-0}" = 1 ]; then
		tr -d '\r' < "$raw" | tee "$log"
	else
		tr -d '\r' < "$raw" > "$log"
	fi
	rm -f "$raw"
	VM_GUEST_RC=$(sed -n 's/^SST-GUEST-END rc=\([0-9]*\)$/\1/p' "$log" | tail -n 1)
	if [ -n "$VM_GUEST_RC" ]; then
		[ "$VM_GUEST_RC" = 0 ] && { VM_VERDICT=ok; return 0; }
		VM_VERDICT=fail
		return 1
	fi
	if grep -aqE 'Kernel panic|BUG:|Oops:' "$log"; then
		VM_VERDICT=panic
		return 2
	fi
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		VM_VERDICT=timeout
		return 3
	fi
	if ! grep -aq 'SST-GUEST-START' "$log"; then
		VM_VERDICT=qemu-error
		echo "vm_boot: QEMU failed (exit $rc): $(tail -n 3 "$log" | paste -sd ' ')" >&2
		return 4
	fi
	VM_VERDICT=panic
	return 2
}

# vm_extract_section LOG NAME: the lines between SST-BEGIN NAME and
# SST-END NAME, without console printk lines that interleaved.
vm_extract_section() {
	awk -v name="$2" '
		$0 == "SST-BEGIN " name { on = 1; found = 1; next }
		$0 == "SST-END " name { on = 0; next }
		on && $0 !~ /^\[ *[0-9]+\.[0-9]+\]/ { print }
		END { exit !found }' "$1"
}
