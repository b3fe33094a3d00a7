#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A Debian 12 test machine in QEMU (issue 16, item 3): a real root file
# system on a virtio disk, booted under TCG, where the README's test-machine
# steps run as a user would run them: `apt install ./swiotlb-stress-dkms_*.deb`
# (dkms builds the module for the installed kernel), then
# `tools/run.sh --host SCENARIOS` from a clean copy of the tree (git archive
# HEAD). The results folder is copied out of the disk image afterwards, to
# compare with the QEMU mode (python3 -m sst verdict QEMU_DIR GUEST_DIR).
#
#   tools/testmachine.sh prepare
#       WORK/root: a copy of BASE (a Debian 12 debootstrap: made here with
#       debootstrap --variant=minbase from the host's Debian mirror when BASE
#       is not there yet) with, from the
#       archive (chroot apt-get), linux-image-KVER, linux-headers-KVER,
#       dkms, gcc, libc6-dev, make, python3, ...; the package built by
#       tools/dkms-deb.sh in /root (not installed: the guest does that), the
#       tree's HEAD in /repo, and /sst-testmachine.sh (the guest's init).
#   tools/testmachine.sh boot LABEL MEM "APPEND" SCENARIO...
#       makes WORK/LABEL.img (ext4, mke2fs -d WORK/root), boots it with
#       vm_boot (tools/lib/vm.sh: its watchdog bounds the wall time) with
#       root=/dev/vda init=/sst-testmachine.sh APPEND, console in
#       WORK/LABEL.console; copies the guest's results out to WORK/LABEL.results.
#       TM_REUSE=IMG: boot a copy of IMG (an earlier boot's image, with the
#       package installed: the guest's apt then finds it installed) instead.
#
# Environment: TM_WORK (default /var/tmp/testmachine), TM_BASE (default
# WORK/base; a Debian 12 root file system, only read once it exists), TM_KVER (default 6.12.117+deb12-amd64),
# TM_KEEP_HEADERS (1: keep BASE's other kernels' headers), TM_TIMEOUT (per boot, default 3600 s), TM_IMG_SIZE (default 6G).
# Needs root, the Debian archive (the host's apt sources), qemu-system-x86,
# e2fsprogs, dpkg-dev, debhelper, dh-dkms; debootstrap is installed when the
# base must be made. Exit: 0 ok, 1 the guest's run failed, 3 bad usage.
set -euo pipefail

SST_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
W=${TM_WORK:-/var/tmp/testmachine}
BASE=${TM_BASE:-$W/base}
KVER=${TM_KVER:-6.12.117+deb12-amd64}
R=$W/root

die() { echo "testmachine.sh: $*" >&2; exit 3; }
[ "$(id -u)" = 0 ] || die "needs root (chroot, apt in the chroot)"

# The host's Debian mirror: the first "deb" source's URI (deb822 or the
# one-line format), so the base comes from wherever this host's apt does.
host_mirror() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' "$f"
	done | head -n 1 | grep . ||
		awk '$1 == "deb" && $2 !~ /security/ { print $2; exit }' \
			/etc/apt/sources.list 2>/dev/null | grep . ||
		echo http://deb.debian.org/debian
}

# The base: a minbase bookworm, made once (about 40 MB from the archive).
make_base() {
	[ -d "$BASE/etc/apt" ] && return 0
	[ ! -e "$BASE" ] || [ -z "$(ls -A "$BASE")" ] ||
		die "$BASE exists and is not a Debian root file system (move it away, or set TM_BASE)"
	vm_need_packages debootstrap || die "cannot install debootstrap"
	local mirror
	mirror=$(host_mirror)
	echo "# base: debootstrap --variant=minbase bookworm $BASE $mirror"
	rm -rf "$BASE.tmp"
	debootstrap --variant=minbase bookworm "$BASE.tmp" "$mirror" > "$W/base.log" 2>&1 ||
		die "debootstrap failed: $(tail -n 1 "$W/base.log"); see $W/base.log"
	# An empty BASE would take the new tree inside it.
	[ ! -d "$BASE" ] || rmdir "$BASE"
	mv "$BASE.tmp" "$BASE"
}

prepare() {
	mkdir -p "$W"
	# shellcheck source=tools/lib/vm.sh
	. "$SST_TOP/tools/lib/vm.sh"
	# The package is built here (tools/dkms-deb.sh); the image is made
	# and booted by boot.
	vm_need_packages dpkg-dev debhelper dh-dkms e2fsprogs qemu-system-x86 ||
		die "cannot install dpkg-dev debhelper dh-dkms e2fsprogs qemu-system-x86"
	if [ ! -d "$R" ]; then
		make_base
		[ -d "$BASE/etc/apt" ] || die "$BASE is not a Debian root file system"
		cp -a "$BASE" "$R"
	fi
	# The host's sources (bookworm, -updates, -security: the kernel
	# 6.12.117+deb12 is in bookworm-security) and resolver.
	rm -f "$R/etc/apt/sources.list"
	cp /etc/apt/sources.list.d/debian.sources "$R/etc/apt/sources.list.d/"
	cp /etc/resolv.conf "$R/etc/resolv.conf"
	local d
	for d in proc sys dev; do mount --bind "/$d" "$R/$d"; done
	# shellcheck disable=SC2064
	trap "for d in dev sys proc; do umount -l '$R'/\$d; done" EXIT
	chroot "$R" env DEBIAN_FRONTEND=noninteractive apt-get update
	chroot "$R" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		"linux-image-$KVER" "linux-headers-$KVER" dkms gcc libc6-dev make \
		initramfs-tools busybox python3 kmod procps util-linux xz-utils
	# Only KVER's headers: dkms builds for every kernel with headers, and
	# each build under TCG costs minutes (TM_KEEP_HEADERS=1 keeps BASE's).
	if [ "${TM_KEEP_HEADERS:-0}" = 0 ]; then
		chroot "$R" dpkg-query -W -f '${db:Status-Abbrev} ${Package}\n' 'linux-headers-*' |
			sed -n 's/^ii  *//p' |
			{ grep -vx -e "linux-headers-$KVER" -e "linux-headers-${KVER%-*}-common" || true; } |
			xargs -r chroot "$R" env DEBIAN_FRONTEND=noninteractive apt-get purge -y
	fi
	for d in dev sys proc; do umount -l "$R/$d"; done
	trap - EXIT
	[ -r "$R/boot/initrd.img-$KVER" ] || die "no $R/boot/initrd.img-$KVER"
	# The package, built here, installed by the guest.
	rm -f "$R"/root/swiotlb-stress-dkms_*.deb
	"$SST_TOP/tools/dkms-deb.sh" "$R/root"
	# A clean copy of the tree: its committed HEAD.
	rm -rf "$R/repo"
	mkdir -p "$R/repo"
	git -C "$SST_TOP" archive HEAD | tar -x -C "$R/repo"
	git -C "$SST_TOP" rev-parse HEAD > "$R/repo/.sst-head"
	install -m 755 /dev/stdin "$R/sst-testmachine.sh" <<'EOF'
#!/bin/sh
# The test machine's init (tools/testmachine.sh): the README's steps.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mount -t debugfs debugfs /sys/kernel/debug; mount -t tmpfs tmp /tmp; mount -t tmpfs run /run
mkdir -p /dev/pts; mount -t devpts devpts /dev/pts
hostname testmachine
. /sst-testmachine.env
echo SST-GUEST-START
echo "TM: kernel $(uname -r), cmdline $(cat /proc/cmdline)"
echo "TM: lockdown $(cat /sys/kernel/security/lockdown 2>/dev/null || echo 'n/a')"
echo "TM: tree $(cat /repo/.sst-head)"
t0=$(date +%s)
echo "TM: \$ apt install ./$(cd /root && ls swiotlb-stress-dkms_*.deb)"
(cd /root && DEBIAN_FRONTEND=noninteractive apt-get install -y ./swiotlb-stress-dkms_*.deb) 2>&1
echo "TM: apt rc=$? ($(( $(date +%s) - t0 )) s)"
echo "TM: \$ dkms status"; dkms status 2>&1
echo "TM: \$ modinfo swiotlb_stress"; modinfo swiotlb_stress 2>&1
echo "TM: \$ cd /repo && tools/run.sh --host --out /results $TM_SCENARIOS"
t1=$(date +%s)
cd /repo && tools/run.sh --host --out /results $TM_SCENARIOS 2>&1
rc=$?
echo "TM: run.sh rc=$rc ($(( $(date +%s) - t1 )) s)"
echo "TM: checks.tsv"; cat /results/checks.tsv 2>&1
cd /; sync
echo "SST-GUEST-END rc=$rc"
umount /repo 2>/dev/null; mount -o remount,ro / 2>/dev/null; sync
poweroff -f
EOF
	echo "testmachine.sh: $R ready ($(du -sh "$R" | cut -f1))"
}

boot() { # LABEL MEM APPEND SCENARIO...
	[ $# -ge 4 ] || die "usage: tools/testmachine.sh boot LABEL MEM \"APPEND\" SCENARIO..."
	local label=$1 mem=$2 append=$3
	shift 3
	[ -x "$R/sst-testmachine.sh" ] || die "no $R/sst-testmachine.sh: run prepare first"
	local img=$W/$label.img
	if [ -n "${TM_REUSE:-}" ]; then
		# Boot an image an earlier boot left (the package installed
		# there): new scenarios, no results.
		[ -f "$TM_REUSE" ] || die "TM_REUSE=$TM_REUSE: no such image"
		[ "$TM_REUSE" -ef "$img" ] || cp --sparse=always "$TM_REUSE" "$img"
		local mnt
		mnt=$(mktemp -d /tmp/sst-tm.XXXXXX)
		mount -o loop "$img" "$mnt"
		printf 'TM_SCENARIOS="%s"\n' "$*" > "$mnt/sst-testmachine.env"
		rm -rf "$mnt/results"
		umount "$mnt"; rmdir "$mnt"
		echo "# $label: $img from $TM_REUSE (its installs kept)"
	else
		printf 'TM_SCENARIOS="%s"\n' "$*" > "$R/sst-testmachine.env"
		rm -rf "$R/results" "$img"
		echo "# $label: mke2fs -t ext4 -d $R $img ${TM_IMG_SIZE:-6G}"
		mke2fs -q -t ext4 -d "$R" "$img" "${TM_IMG_SIZE:-6G}"
	fi
	# shellcheck source=tools/lib/vm.sh
	. "$SST_TOP/tools/lib/vm.sh"
	echo "# $label: vm_boot --mem $mem --append 'root=/dev/vda rw init=/sst-testmachine.sh $append'"
	local rc=0 t0=$SECONDS
	vm_boot --kernel "$R/boot/vmlinuz-$KVER" --initrd "$R/boot/initrd.img-$KVER" \
		--append "root=/dev/vda rw init=/sst-testmachine.sh $append" \
		--mem "$mem" --smp 2 --timeout "${TM_TIMEOUT:-3600}" \
		--log "$W/$label.console" \
		--extra "-drive file=$img,if=virtio,format=raw" || rc=$?
	echo "# $label: verdict $VM_VERDICT (guest rc ${VM_GUEST_RC:-none}), $((SECONDS - t0)) s${VM_WATCHDOG:+, watchdog $VM_WATCHDOG}"
	rm -rf "$W/$label.results" "$W/$label.tmp"
	mkdir -p "$W/$label.tmp"
	debugfs -R "rdump /results $W/$label.tmp" "$img" > /dev/null 2>&1 || true
	if [ -d "$W/$label.tmp/results" ]; then
		mv "$W/$label.tmp/results" "$W/$label.results"
		echo "# $label: results in $W/$label.results"
	else
		echo "# $label: no /results in the image" >&2
		rc=1
	fi
	rm -rf "$W/$label.tmp"
	return $rc
}

case ${1:-} in
prepare) prepare ;;
boot) shift; boot "$@" ;;
*) die "usage: tools/testmachine.sh prepare | boot LABEL MEM \"APPEND\" SCENARIO..." ;;
esac
