#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# shellcheck disable=SC2034 # the VM_* and XEN_* results are read by callers
#
# Xen PV dom0 under QEMU (TCG) as a boot backend for swiotlb_stress: the
# kernel under test boots as dom0 of Debian's Xen 4.17, with the same
# initramfs, guest protocol and verdicts as tools/lib/vm.sh. There
# dma_get_required_mask() is xen-swiotlb's flat 32 bits while Xen puts
# dom0's RAM at machine addresses above 4 GiB: the condition of the mpt3sas
# field report. Sourced after tools/lib/vm.sh (works under
# "set -euo pipefail"); defines xen_* functions, vm_boot_xen and XEN_*
# variables only.
#
#   xen_need_packages      the QEMU/initramfs packages, and Xen's image
#   xen_elf                prints the uncompressed multiboot ELF (cached)
#   xen_dom0_capable IMAGE [KDIR]  the kernel can boot as PV dom0
#   vm_boot_xen --kernel IMAGE --initrd CPIO --log FILE [--append "ARGS"]
#               [--mem SIZE] [--smp N] [--timeout S] [--dom0-mem SIZE]
#               [--xen-append "ARGS"] [--extra "QEMU ARGS"]
#
# Xen's image comes from the Debian package xen-hypervisor-4.17-amd64:
# /boot/xen-4.17-amd64.gz when it is installed, otherwise the package is
# fetched with "apt-get download" and only that file is unpacked into the
# cache. Nothing is installed: installing the package runs update-grub, and
# its recommended xen-hypervisor-common makes Xen the host's default boot
# entry.

XEN_PKG=xen-hypervisor-4.17-amd64
XEN_GZ=/boot/xen-4.17-amd64.gz
XEN_CACHE=${XEN_CACHE:-/var/tmp/swiotlb_stress/xen}
# Set by vm_boot_xen: the Xen and dom0 command lines it booted with.
XEN_CMDLINE=
XEN_DOM0_CMDLINE=
# What a Xen panic or a dom0 crash looks like on the console, besides
# VM_PANIC_RE (dom0's own panics reach the console through Xen).
XEN_PANIC_RE='Panic on CPU|Hardware Dom0 crashed|FATAL PAGE FAULT|FATAL TRAP'

# xen_image_gz: prints a readable xen-4.17-amd64.gz: the installed one, or
# one unpacked from the package into the cache.
xen_image_gz() {
	local dir deb f
	if [ -r "$XEN_GZ" ]; then
		printf '%s\n' "$XEN_GZ"
		return 0
	fi
	if [ -r "$XEN_CACHE/pkg/boot/xen-4.17-amd64.gz" ]; then
		printf '%s\n' "$XEN_CACHE/pkg/boot/xen-4.17-amd64.gz"
		return 0
	fi
	if ! command -v apt-get > /dev/null || ! command -v dpkg-deb > /dev/null; then
		echo "no $XEN_GZ, and no apt-get/dpkg-deb to fetch it (on Debian: apt-get download $XEN_PKG)" >&2
		return 1
	fi
	mkdir -p "$XEN_CACHE" || return 1
	dir=$(mktemp -d "$XEN_CACHE/dl.XXXXXX") || return 1
	# apt downloads as user _apt where it can.
	chmod 0755 "$dir"
	echo "# fetching $XEN_PKG (not installing it)" >&2
	if ! (cd "$dir" && apt-get download -q "$XEN_PKG" >&2) &&
		! { echo "# apt-get download failed: apt-get update" >&2 &&
			apt-get update -o DPkg::Lock::Timeout=600 -q >&2 &&
			(cd "$dir" && apt-get download -q "$XEN_PKG" >&2); }; then
		rm -rf "$dir"
		echo "cannot fetch $XEN_PKG" >&2
		return 1
	fi
	deb=
	for f in "$dir/$XEN_PKG"_*.deb; do
		[ -f "$f" ] && deb=$f
	done
	if [ -z "$deb" ] || ! mkdir -p "$dir/x" ||
		! dpkg-deb --fsys-tarfile "$deb" |
		tar -x -C "$dir/x" ./boot/xen-4.17-amd64.gz; then
		rm -rf "$dir"
		echo "cannot unpack $XEN_GZ from the $XEN_PKG package" >&2
		return 1
	fi
	rm -rf "$XEN_CACHE/pkg"
	mv "$dir/x" "$XEN_CACHE/pkg" || return 1
	rm -rf "$dir"
	printf '%s\n' "$XEN_CACHE/pkg/boot/xen-4.17-amd64.gz"
}

# xen_need_packages: returns 0 when QEMU, busybox-static and cpio are
# installed (vm_need_packages installs them as root on Debian) and Xen's
# image is at hand (xen_image_gz); says what is missing otherwise.
xen_need_packages() {
	# shellcheck disable=SC2086 # SST_PKGS_VM is a list (tools/lib/build.sh)
	vm_need_packages ${SST_PKGS_VM:-qemu-system-x86 busybox-static cpio} || return 1
	xen_image_gz > /dev/null
}

# xen_elf: prints the path of Xen's uncompressed multiboot ELF, which is
# what QEMU's -kernel loads (it cannot load the gzip'ed image). Cached in
# XEN_CACHE by the image's checksum; rebuilt when the image changes.
xen_elf() {
	local gz sum elf tmp
	gz=$(xen_image_gz) || return 1
	sum=$(sha256sum "$gz" | cut -c1-16) || return 1
	elf=$XEN_CACHE/xen-4.17-amd64-$sum.elf
	if [ ! -s "$elf" ]; then
		mkdir -p "$XEN_CACHE" || return 1
		tmp=$(mktemp "$XEN_CACHE/xen.elf.XXXXXX") || return 1
		if ! gzip -dc "$gz" > "$tmp" || [ "$(head -c 4 "$tmp" | od -An -tx1 | tr -d ' ')" != 7f454c46 ]; then
			rm -f "$tmp"
			echo "xen_elf: $gz does not unpack to an ELF image" >&2
			return 1
		fi
		chmod 0644 "$tmp" && mv -f "$tmp" "$elf" || return 1
	fi
	printf '%s\n' "$elf"
}

# Where QEMU's generic loader puts the arm64 dom0 kernel: 256 MiB into
# virt's RAM, above Xen (loaded at 0x40200000, then relocated to the top)
# and the initramfs and devicetree QEMU places from 0x48000000.
XEN_ARM64_DOM0_ADDR=0x50000000

# xen_image_arm64: Xen 4.17's arm64 image (xen-hypervisor-4.17-arm64, by
# tools/sst/debian.py's private apt configuration for arm64, never
# installed): its path, or the reason on stderr.
xen_image_arm64() {
	(cd "$SST_TOP/tools" && python3 -m sst.debian xen --arch arm64) | sed -n 's/^xen: //p' | grep .
}

# xen__boot_arm64: vm_boot_xen on arm64, with its locals. Xen on virt
# with EL2 (virtualization=on) and GICv3 under TCG, on a Cortex-A57 (what
# Xen 4.17 is known to run on; -cpu max brings features it does not
# expect). Xen is QEMU's -kernel and its command line -append; the dom0
# kernel sits in guest memory by QEMU's generic loader and is named to Xen
# by a devicetree module node ("multiboot,kernel") with dom0's command line
# in /chosen's xen,dom0-bootargs; the initramfs is QEMU's -initrd, which
# Xen takes for dom0's ramdisk (/chosen linux,initrd-start).
xen__boot_arm64() {
	local img size frag
	img=$(xen_image_arm64) || { echo "vm_boot_xen: no Xen image for arm64 (xen-hypervisor-4.17-arm64)" >&2; return 4; }
	size=$(stat -c %s "$kernel") || return 4
	XEN_CMDLINE="console=dtuart dtuart=/pl011@9000000 loglvl=all guest_loglvl=all dom0_mem=${dom0_mib}M,max:${dom0_mib}M dom0_max_vcpus=$smp${xen_append:+ $xen_append}"
	XEN_DOM0_CMDLINE="console=hvc0 earlycon=xen panic=5 loglevel=7 printk.time=1${append:+ $append}"
	frag=$log.xen.dtsi
	cat > "$frag" <<EOF
/ {
	chosen {
		#address-cells = <2>;
		#size-cells = <2>;
		xen,dom0-bootargs = "$XEN_DOM0_CMDLINE";

		sst-dom0-kernel {
			compatible = "multiboot,kernel", "multiboot,module";
			reg = <0x0 $XEN_ARM64_DOM0_ADDR 0x0 $(printf '0x%x' "$size")>;
		};
	};

	/*
	 * A devicetree device for the module's platform profile: dom0 gives
	 * it xen-swiotlb's DMA ops (of_dma_configure), which no device of the
	 * module's own bus gets on arm64.
	 */
	sst-dma {
		compatible = "swiotlb-stress,dma";
		dma-coherent;
	};
};
EOF
	local VM_PANIC_RE="$VM_PANIC_RE|$XEN_PANIC_RE"
	local VM_RESULTS_CHANNEL=0
	vm_boot --kernel "$img" --initrd "$initrd" \
		--append "$XEN_CMDLINE" --mem "${mem_mib}M" --smp "$smp" \
		--timeout "$timeout" --log "$log" \
		--extra "-machine virtualization=on,gic-version=3 -cpu cortex-a57 -device loader,file=$kernel,addr=$XEN_ARM64_DOM0_ADDR,force-raw=on -sst-dts $frag${extra:+ $extra}"
}

# xen_dom0_capable IMAGE [KDIR]: returns 0 when IMAGE was built with
# CONFIG_XEN_PV and CONFIG_XEN_DOM0 (Debian's kernels are), by its config:
# KDIR/.config, else /boot/config-<version> for /boot/vmlinuz-<version>.
# Otherwise says why on stderr and returns 1: Xen would only panic with
# "Could not construct domain 0".
xen_dom0_capable() {
	local img=${1:-} kdir=${2:-} cfg='' v
	if [ -n "$kdir" ] && [ -r "$kdir/.config" ]; then
		cfg=$kdir/.config
	else
		v=$(basename "$img")
		v=${v#vmlinuz-}
		[ ! -r "/boot/config-$v" ] || cfg=/boot/config-$v
	fi
	if [ -z "$cfg" ]; then
		echo "cannot tell whether $img boots as Xen dom0: no kernel config (give its build tree)" >&2
		return 1
	fi
	# arm64 has no PV: dom0 is a guest with CONFIG_XEN.
	if grep -q '^CONFIG_ARM64=y' "$cfg"; then
		if ! grep -q '^CONFIG_XEN=y' "$cfg" || ! grep -q '^CONFIG_XEN_DOM0=y' "$cfg"; then
			echo "$img cannot boot as Xen dom0: $cfg lacks CONFIG_XEN=y or CONFIG_XEN_DOM0=y" >&2
			return 1
		fi
		return 0
	fi
	if ! grep -q '^CONFIG_XEN_PV=y' "$cfg" || ! grep -q '^CONFIG_XEN_DOM0=y' "$cfg"; then
		echo "$img cannot boot as Xen PV dom0: $cfg lacks CONFIG_XEN_PV=y or CONFIG_XEN_DOM0=y" >&2
		return 1
	fi
}

# xen_size_mib SIZE: a QEMU-style size (2G, 6144M, 6144) in MiB.
xen_size_mib() {
	case $1 in
	*[Gg]) [[ ${1%?} =~ ^[0-9]+$ ]] && echo $((${1%?} * 1024)) ;;
	*[Mm]) [[ ${1%?} =~ ^[0-9]+$ ]] && echo "${1%?}" ;;
	*) [[ $1 =~ ^[0-9]+$ ]] && echo "$1" ;;
	esac
}

# vm_boot_xen: as vm_boot (tools/lib/vm.sh), but the kernel under test
# boots as Xen PV dom0. Same options, return codes and VM_VERDICT,
# VM_GUEST_RC, VM_OOPS, VM_ELAPSED; a Xen panic or a dom0 crash counts as
# a panic. Differences:
#   --kernel       the dom0 kernel (a bzImage; Xen loads it)
#   --append       dom0's kernel parameters, after "console=hvc0
#                  earlyprintk=xen panic=5 loglevel=7 printk.time=1"
#   --mem          the machine's memory (default 6G)
#   --dom0-mem     dom0's memory, fixed (dom0_mem=S,max:S; default: the
#                  machine's less 1 GiB for Xen, at most 2 GiB). Xen gives
#                  dom0 the highest machine memory first, so in a 6 GiB
#                  machine (4 GiB of it above 4 GiB on q35) dom0's RAM lies
#                  above 4 GiB, all but what xen-swiotlb exchanges below.
#   --xen-append   more Xen parameters (Xen's own are "console=com1
#                  com1=115200,8n1 loglvl=all guest_loglvl=all dom0_mem=..")
#   --kvm          refused: Xen under KVM needs nested virtualization
# The CPU model is Haswell-noTSX (under TCG, "-cpu max" is not a CPU Xen
# 4.17 runs on). dom0's console is hvc0, which Xen writes to the serial
# port, so the SST-* lines and printk lines come out on the console
# together, as without vm_boot's results channel (which Xen boots go without).
# Measured under TCG on 2 host CPUs shared with other VMs: dom0 (6.1 or
# 6.12) runs /init about 26 s into its own boot; a boot that only loads
# the module and powers off takes 50-60 s of wall time.
vm_boot_xen() {
	local kernel='' initrd='' append='' mem=6G smp=2 timeout=600 log='' extra=''
	local dom0_mem='' xen_append='' kvm=0 mem_mib dom0_mib elf dom0_args
	VM_VERDICT=qemu-error VM_GUEST_RC='' VM_OOPS=0 VM_ELAPSED=0
	vm_boot_opts vm_boot_xen "--dom0-mem --xen-append" "$@" || return 4
	if [ $kvm = 1 ]; then
		echo "vm_boot_xen: --kvm is not supported (Xen under KVM needs nested virtualization)" >&2
		return 4
	fi
	if [ -z "$kernel" ] || [ -z "$initrd" ] || [ -z "$log" ]; then
		echo "vm_boot_xen: --kernel, --initrd and --log are needed" >&2
		return 4
	fi
	# QEMU reads them only as multiboot modules: say so before it starts.
	local f
	for f in "$kernel" "$initrd"; do
		if [ ! -r "$f" ]; then
			echo "vm_boot_xen: cannot read '$f'" >&2
			return 4
		fi
		case $f in
		*[,\ ]*)
			echo "vm_boot_xen: '$f': a multiboot module path cannot hold a comma or a blank" >&2
			return 4 ;;
		esac
	done
	if ! mem_mib=$(xen_size_mib "$mem") || [ -z "$mem_mib" ]; then
		echo "vm_boot_xen: --mem takes a size like 6G or 6144M, not '$mem'" >&2
		return 4
	fi
	if [ -n "$dom0_mem" ]; then
		if ! dom0_mib=$(xen_size_mib "$dom0_mem") || [ -z "$dom0_mib" ]; then
			echo "vm_boot_xen: --dom0-mem takes a size like 2G or 2048M, not '$dom0_mem'" >&2
			return 4
		fi
	else
		dom0_mib=$((mem_mib - 1024))
		[ "$dom0_mib" -le 2048 ] || dom0_mib=2048
	fi
	if [ "$dom0_mib" -lt 512 ] || [ "$dom0_mib" -gt $((mem_mib - 256)) ]; then
		echo "vm_boot_xen: dom0 memory ${dom0_mib}M does not fit a ${mem_mib}M machine (needs 512M..$((mem_mib - 256))M)" >&2
		return 4
	fi
	if [ "${VM_ARCH:-amd64}" = arm64 ]; then
		xen__boot_arm64
		return
	fi
	elf=$(xen_elf) || return 4

	XEN_CMDLINE="console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all dom0_mem=${dom0_mib}M,max:${dom0_mib}M${xen_append:+ $xen_append}"
	XEN_DOM0_CMDLINE="console=hvc0 earlyprintk=xen panic=5 loglevel=7 printk.time=1${append:+ $append}"
	# QEMU splits -initrd at commas into multiboot modules; ",," is a
	# literal comma (swiotlb=1024,force).
	dom0_args=${XEN_DOM0_CMDLINE//,/,,}

	# vm_boot does the rest: QEMU, the log, the timeout and the verdict.
	# Its "-kernel/-initrd/-append" become Xen, dom0 and its initramfs as
	# multiboot modules, and Xen's command line. The kernel parameters it
	# puts first ("console=ttyS0 panic=5 loglevel=7 printk.time=1") Xen
	# reads as: console=ttyS0 overridden by the console=com1 after it, the
	# rest unknown parameters that Xen logs and ignores. The -cpu in
	# --extra comes after vm_boot's own, and the last -cpu is QEMU's.
	local VM_PANIC_RE="$VM_PANIC_RE|$XEN_PANIC_RE"
	# No results channel: vm_boot's -append is Xen's command line, and
	# dom0 (console hvc0) sends everything to the console.
	local VM_RESULTS_CHANNEL=0
	vm_boot --kernel "$elf" --initrd "$kernel $dom0_args,$initrd" \
		--append "$XEN_CMDLINE" --mem "${mem_mib}M" --smp "$smp" \
		--timeout "$timeout" --log "$log" \
		--extra "-cpu Haswell-noTSX${extra:+ $extra}"
}
