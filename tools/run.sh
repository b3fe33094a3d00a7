#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swiotlb_stress main job: boots a kernel in QEMU (or uses this machine with
# --host), loads the module, runs scenarios, writes a report, KTAP and a
# JSON summary (tools/sst) and prints one screen. Exit: 0 all checks passed
# or skipped (one at least passed), 1 a check failed, 2 the kernel under
# test panicked or hung, 3 bad usage or set-up, 4 every check skipped.
set -euo pipefail

SST_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/lib/vm.sh
. "$SST_TOP/tools/lib/vm.sh"
# shellcheck source=tools/lib/build.sh
. "$SST_TOP/tools/lib/build.sh"
# shellcheck source=tools/lib/xen.sh
. "$SST_TOP/tools/lib/xen.sh"

usage() {
	cat <<EOF
usage: tools/run.sh [options] [SCENARIO...]

Boots a kernel in QEMU (TCG), loads swiotlb_stress and runs the scenarios
(default: those marked default). Each scenario boots with the kernel
parameters and memory it declares; scenarios that share them share a boot.

  --arch ARCH      the guest's architecture: amd64 (default) or arm64
                   (qemu-system-aarch64 -machine virt -cpu max, TCG; the
                   module cross-built; needs --kernel, e.g. debian:6.12)
  --kernel IMAGE   kernel to test (default: newest /boot/vmlinuz-*)
  --kdir DIR       its build tree (default: /lib/modules/<version>/build)
  --ksrc DIR       its source tree: the report judges each upstream fix by
                   its source probe (findings/fingerprints.tsv) in DIR
                   (default for a debian: kernel: its linux-source tree, if
                   the cache has one; else the table and the releases)
  --append "ARGS"  extra kernel parameters for every boot
  --mem SIZE       guest memory for every boot (default: per scenario)
  --smp N          guest CPUs (default: 2)
  --host           run in the running kernel instead of QEMU
  --xen            boot the kernel as Xen PV dom0 (Debian's Xen 4.17, TCG);
                   a scenario's memory is dom0's, the machine gets 2 GiB more
  --kvm            use KVM (hangs on some hosts; TCG is the default)
  --edu N[,MASK]   add N QEMU edu PCI devices (DMA engine reaching MASK,
                   default all 64 bits) to every boot: profile=edu devices
  --viommu MODE    put them behind an emulated Intel IOMMU, MODE strict or
                   lazy invalidation (adds intel_iommu=on iommu.strict=1|0);
                   --arch arm64: virt's SMMUv3 (-machine iommu=smmuv3)
  --timeout S      per-boot timeout in seconds (default: 300, --xen 900)
  --jobs N         boots at once (default: auto, as many as the host's CPUs,
                   capped by its available memory and the boots' --mem);
                   results are the same as with --jobs 1
  --out DIR        results folder (default: results/run-<date>-<kernel>)
  --list           list scenarios and exit
  -v, --verbose    stream the guest console; print the full report and KTAP
                   (default: one screen)
EOF
}

die() { echo "run.sh: $*" >&2; exit 3; }

kernel= kdir= ksrc= append= mem= smp=2 host=0 kvm=0 xen=0 timeout= out= list=0 qemu_opt=
jobs=auto
scenarios=()
arch=amd64 viommu=0
while [ $# -gt 0 ]; do
	case $1 in
	--arch) arch=${2:?}; shift ;;
	--kernel) kernel=${2:?}; shift ;;
	--kdir) kdir=${2:?}; shift ;;
	--ksrc) ksrc=${2:?}; shift ;;
	--append) append=${2?}; shift ;;
	--mem) mem=${2:?}; shift ;;
	--smp) smp=${2:?}; shift ;;
	--host) host=1 ;;
	--kvm) kvm=1 ;;
	--xen) xen=1 ;;
	--edu) qemu_opt="$qemu_opt edu=${2:?}"; shift ;;
	--viommu) qemu_opt="$qemu_opt viommu=${2:?}" viommu=1
		append="$append $(vm_viommu_append "$2")" || die "--viommu takes strict or lazy"; shift ;;
	--timeout) timeout=${2:?}; shift ;;
	--jobs) jobs=${2:?}; shift ;;
	--out) out=${2:?}; shift ;;
	--list) list=1 ;;
	-v|--verbose) export VM_VERBOSE=1 ;;
	-h|--help) usage; exit 0 ;;
	-*) usage >&2; die "unknown option $1" ;;
	*) scenarios+=("$1") ;;
	esac
	shift
done
if [ -n "$ksrc" ]; then
	# The model reads it from tools/: an absolute path.
	case $ksrc in /*) ;; *) ksrc=$PWD/$ksrc ;; esac
	why=$(cd "$SST_TOP/tools" && python3 -m sst ksrc "$ksrc" 2>&1) ||
		die "${why:-cannot check --ksrc $ksrc: python3 is needed}"
fi

scn_file() { echo "$SST_TOP/scenarios/$1.sh"; }
scn_meta() { sed -n "s/^# $2: *//p" "$(scn_file "$1")" | head -n 1; }
all_scenarios() { for f in "$SST_TOP"/scenarios/*.sh; do basename "$f" .sh; done; }

if [ $list = 1 ]; then
	for s in $(all_scenarios); do
		printf '%-22s %s\n' "$s" "$(scn_meta "$s" purpose)"
		printf '%-22s boots with: append "%s", mem %s%s\n' "" \
			"$(scn_meta "$s" append)" "$(scn_meta "$s" mem)" \
			"$([ "$(scn_meta "$s" default)" = yes ] && echo ", default")"
	done
	exit 0
fi

if [ ${#scenarios[@]} = 0 ]; then
	for s in $(all_scenarios); do
		[ "$(scn_meta "$s" default)" = yes ] && scenarios+=("$s")
	done
fi
for s in "${scenarios[@]}"; do
	[ -f "$(scn_file "$s")" ] || die "unknown scenario '$s' (see --list)"
	vm_qemu_meta_args "$(scn_meta "$s" qemu) $qemu_opt" > /dev/null || die "scenario $s: bad '# qemu:' line or --edu/--viommu value"
done
# Scenarios with a '# qemu:' line skip themselves where it cannot apply.
[ -z "$qemu_opt" ] || { [ $host = 0 ] && [ $xen = 0 ]; } || die "--edu and --viommu need plain QEMU (not --host, --xen)"
[[ $smp =~ ^[1-9][0-9]*$ ]] || die "--smp needs a positive number"
[ "$jobs" = auto ] || [[ $jobs =~ ^[1-9][0-9]*$ ]] || die "--jobs needs a positive number or auto (got '$jobs')"
# Xen and a 6 GiB dom0 take a minute or more to reach the guest under TCG.
timeout=${timeout:-$([ $xen = 1 ] && echo 900 || echo 300)}
[[ $timeout =~ ^[1-9][0-9]*$ ]] || die "--timeout needs seconds"
[ -z "$mem" ] || [[ $mem =~ ^[1-9][0-9]*[MG]$ ]] || die "--mem takes a size like 2G or 6144M"
# Kernel parameters: a malformed one would boot a kernel that ignores it,
# or none at all; the ones this tool depends on are checked by grammar.
for p in $append; do
	[[ $p =~ ^[A-Za-z0-9_.-]+(=[^[:space:]\'\"]*)?$ ]] || die "--append: '$p' is not a kernel parameter (name or name=value)"
	case $p in
	swiotlb=*) [[ $p =~ ^swiotlb=(force|noforce|[1-9][0-9]*(,[1-9][0-9]*)?(,(force|noforce))?)$ ]] ||
		die "--append: '$p': swiotlb= takes force, noforce or <slabs>[,<areas>][,force|noforce]" ;;
	mem=*|memmap=*) die "--append: '$p': give guest memory with --mem, not a mem= limit" ;;
	esac
done

case $arch in
amd64) ;;
arm64)
	# --viommu and the scenarios' viommu= are virt's SMMUv3 there
	# (vm_viommu_args); --xen boots Xen 4.17 for arm64 (tools/lib/xen.sh).
	# KVM would need an arm64 host.
	[ $host = 0 ] || die "--arch arm64 boots QEMU; --host runs this machine's kernel"
	[ $kvm = 0 ] || die "--arch arm64 runs under TCG only; drop --kvm"
	[ -n "$kernel" ] || die "--arch arm64 needs --kernel (debian:6.12, or an arm64 Image)" ;;
*) die "--arch: unknown architecture '$arch' (amd64 or arm64)" ;;
esac
export VM_ARCH=$arch

# What an image is, from its boot header: an x86 bzImage has "HdrS" at
# 0x202, an arm64 Image "ARMd" at 0x38.
image_arch() {
	if [ "$(dd if="$1" bs=1 skip=$((0x202)) count=4 2>/dev/null | tr -d "\0")" = HdrS ]; then
		echo amd64
	elif [ "$(dd if="$1" bs=1 skip=$((0x38)) count=4 2>/dev/null | tr -d "\0")" = ARMd ]; then
		echo arm64
	else
		echo unknown
	fi
}

if [ $xen = 1 ]; then
	[ $host = 0 ] || die "--xen and --host exclude each other"
	[ $kvm = 0 ] || die "--xen runs under TCG only; drop --kvm"
fi

# ---- build ----
if [ $host = 1 ]; then
	[ -z "$kernel" ] || die "--kernel and --host exclude each other"
	kver=$(uname -r)
	# The swiotlb-stress-dkms package's build for this kernel (README: the
	# DKMS package), unless --kdir names a tree to build this one against.
	dkms_ko=
	[ -n "$kdir" ] || for f in /lib/modules/"$kver"/updates/dkms/swiotlb_stress.ko*; do [ ! -e "$f" ] || dkms_ko=$f; done
	kdir=${kdir:-/lib/modules/$kver/build}
	[ -d "$kdir" ] || die "no build tree for the running kernel: apt-get install linux-headers-$kver"
else
	if [ "$(id -u)" = 0 ] && [ -r /etc/debian_version ]; then
		# shellcheck disable=SC2086
		vm_need_packages $SST_PKGS_BUILD $SST_PKGS_VM $SST_PKGS_PY || die "cannot install packages"
		# shellcheck disable=SC2086
		[ $arch != arm64 ] || vm_need_packages $SST_PKGS_ARM64 || die "cannot install the arm64 packages ($SST_PKGS_ARM64)"
		if [ -z "$kernel" ] && ! ls /boot/vmlinuz-* >/dev/null 2>&1; then
			vm_need_packages linux-image-amd64 linux-headers-amd64 || die "cannot install a kernel"
		fi
	fi
	if [[ $kernel == debian:* ]]; then
		fetched=$(vm_debian_kernels "$kernel" "$arch") || exit 3
		[ "$(wc -l <<< "$fetched")" = 1 ] || die "$kernel names more than one kernel: use tools/matrix.sh"
		read -r kernel dkdir <<< "$fetched"
		kdir=${kdir:-$dkdir}
	fi
	kernel=${kernel:-$(vm_default_kernel)} || die "no kernel in /boot: apt-get install linux-image-amd64 linux-headers-amd64"
	[ -r "$kernel" ] || die "kernel image '$kernel' not readable"
	iarch=$(image_arch "$kernel")
	case $arch:$iarch in
	amd64:arm64) die "$kernel is an arm64 Image: give --arch arm64" ;;
	arm64:amd64) die "$kernel is an x86 bzImage, not an arm64 Image (--arch arm64)" ;;
	arm64:unknown) die "$kernel is not an arm64 Image (no \"ARMd\" magic at 0x38)" ;;
	esac
	if [ -z "$kdir" ]; then
		kdir=$(vm_kdir_for "$kernel") || die "no build tree for $kernel: give --kdir, or install its linux-headers package"
	fi
	[ -e "$kdir/Makefile" ] || die "--kdir $kdir is not a kernel build tree"
	# The build tree's architecture must be the image's.
	if [ -r "$kdir/.config" ]; then
		if grep -q '^CONFIG_ARM64=y' "$kdir/.config"; then
			[ $arch = arm64 ] || die "--kdir $kdir is an arm64 build tree: give --arch arm64"
		elif [ $arch = arm64 ]; then
			die "--kdir $kdir is not an arm64 build tree (no CONFIG_ARM64=y in its .config)"
		fi
	fi
	kver=$(basename "$kernel")
	kver=${kver#vmlinuz-}
	# A kernel built from source: name it by its release.
	[ ! -r "$kdir/include/config/kernel.release" ] || [[ $kernel == */vmlinuz-* ]] ||
		kver=$(cat "$kdir/include/config/kernel.release")
	if [ $arch = arm64 ]; then
		# Debian's busybox-static for arm64, fetched into the cache.
		VM_BUSYBOX=$(cd "$SST_TOP/tools" && python3 -m sst.debian busybox --arch arm64) ||
			die "--arch arm64: cannot get busybox-static for arm64"
		export VM_BUSYBOX=${VM_BUSYBOX#busybox: }
		[ -n "$(sed -n 's/^ARCH=//p' "$kdir/sst-make-args" 2>/dev/null)" ] ||
			echo "# --kdir $kdir names no ARCH in sst-make-args: building with ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-" >&2
	fi
	if [ $xen = 1 ]; then
		if [ $arch = arm64 ]; then
			xen_image_arm64 > /dev/null || die "--xen: cannot get Xen's arm64 image (xen-hypervisor-4.17-arm64)"
		else
			xen_need_packages || die "--xen: cannot get Xen's image (xen-hypervisor-4.17-amd64) or QEMU"
		fi
		xen_dom0_capable "$kernel" "$kdir" || die "--xen: $kernel cannot boot as Xen PV dom0"
		# Known findings and reports tell a dom0 run by its name.
		kver="$kver@xen-dom0"
	fi
fi

# The results need Python 3 (tools/sst, standard library only).
command -v python3 > /dev/null || die "python3 is needed for the results: apt-get install python3"

out=${out:-$SST_TOP/results/run-$(date +%Y%m%d-%H%M%S)-$kver}
mkdir -p "$out"
echo "# results: $out"
if [ -n "${dkms_ko:-}" ]; then
	echo "# module: $dkms_ko (swiotlb-stress-dkms; --kdir DIR builds this tree instead)"
	mkdir -p "$out/build"
	ko=$out/build/swiotlb_stress.ko
	case $dkms_ko in *.xz) xz -dc ;; *.zst) zstd -dcq ;; *.gz) gzip -dc ;; *) cat ;; esac < "$dkms_ko" > "$ko" ||
		die "cannot read $dkms_ko"
else
	ko=$(sst_build_module "$kdir" "$out/build") || die "module build failed"
fi
sst_build_selftests "$out/build/selftests" "$([ $arch = arm64 ] && echo aarch64-linux-gnu-gcc || echo gcc)" ||
	die "selftest build failed"
# The virtio-blk disk of a '# qemu: vblk' scenario: 64 MiB whose every
# 8-byte word holds its own byte offset (selftests/blk_pattern.c checks it),
# and, from the kernel package's /lib/modules, the modules of the
# virtio-mmio transport and virtio-blk (Debian's arm64 config: =m; neither
# depends on another module), which the scenario loads.
export VM_VBLK_IMG=$out/vblk.img
for s in "${scenarios[@]}"; do
	[[ " $(scn_meta "$s" qemu) " == *" vblk "* ]] || continue
	[ -z "$(scn_meta "$s" arch)" ] || [ "$(scn_meta "$s" arch)" = $arch ] || continue
	python3 -c 'import struct, sys
with open(sys.argv[1], "wb") as f:
    for b in range(0, 64 << 20, 1 << 20):
        f.write(struct.pack("<131072Q", *range(b, b + (1 << 20), 8)))' "$VM_VBLK_IMG" ||
		die "cannot write the virtio-blk image $VM_VBLK_IMG"
	kmods=$(dirname "$kernel")/../lib/modules/$(basename "$kernel" | sed 's/^vmlinuz-//')/kernel
	mkdir -p "$out/build/selftests/kmod"
	for m in drivers/virtio/virtio_mmio drivers/block/virtio_blk; do
		for c in "$kmods/$m.ko.xz" "$kmods/$m.ko"; do
			[ -f "$c" ] || continue
			case $c in *.xz) xz -dc ;; *) cat ;; esac < "$c" > "$out/build/selftests/kmod/${m##*/}.ko" ||
				die "cannot read $c"
			break
		done
	done
	break
done

# ---- run: one boot per distinct (append, mem) ----
# One line per boot for the results model (tools/sst/model.py, read_boots):
# n, verdict, wall seconds, timeout, mem, append, qemu, scenarios,
# watchdog (what vm_boot's watchdog did: term, kill or empty), seconds
# from QEMU's start to the first storm.
: > "$out/boots.tsv"
: > "$out/boots.txt"
# The initramfs is this run's: one left in a reused --out by an earlier run
# holds that run's module and scenarios.
rm -f "$out/initramfs.cpio.gz"

# What boot N boots: the run's initramfs ($out/initramfs.cpio.gz: busybox,
# the module, the selftests and tools/guest, built once) with the boot's
# /sst/env appended as a second archive ($out/initramfs-N.cpio.gz; the
# kernel unpacks concatenated archives in order, as the LAVA jobs'
# initramfs is made). With --host, a payload of its own ($out/payload-N).
stage_group() { # N ENVFILE
	if [ $host = 1 ]; then
		sst_stage_payload "$out/payload-$1" "$ko" "$out/build/selftests"
		cp "$2" "$out/payload-$1/env"
		return
	fi
	if [ ! -e "$out/initramfs.cpio.gz" ]; then
		sst_stage_payload "$out/payload" "$ko" "$out/build/selftests"
		vm_build_initramfs "$out/initramfs.cpio.gz" "$out/payload"
	fi
	vm_initramfs_with_env "$out/initramfs.cpio.gz" "$2" "$out/initramfs-$1.cpio.gz"
}

run_group() { # N LOG SCENARIOS...
	local n=$1 log=$2 rc=0
	shift 2
	local payload=$out/payload-$n initrd=$out/initramfs-$n.cpio.gz
	VM_WATCHDOG='' VM_FIRST_STORM=''
	if [ $host = 1 ]; then
		# No results channel here: everything is in the log.
		rm -f "$log.results"
		SST_ROOT=$payload sh "$payload/tools/guest/main.sh" > "$log" 2>&1 || rc=$?
		VM_VERDICT=ok
		[ $rc = 0 ] || [ $rc = 4 ] || VM_VERDICT=fail
		return 0
	fi
	if [ $xen = 1 ]; then
		# The scenario's memory is dom0's; Xen fills dom0 from the top
		# of machine memory, so its RAM lies at machine addresses above
		# 4 GiB whatever its size.
		local d0
		d0=$(xen_size_mib "$bootmem")
		vm_boot_xen --kernel "$kernel" --initrd "$initrd" \
			--append "$bootappend" --mem "$((d0 + 2048))M" --dom0-mem "${d0}M" \
			--smp "$smp" --timeout "$boottimeout" --log "$log" || true
		return 0
	fi
	local -a kvmopt=()
	[ $kvm = 1 ] && kvmopt=(--kvm)
	vm_boot_guest --kernel "$kernel" --initrd "$initrd" \
		--append "$bootappend" --mem "$bootmem" --smp "$smp" \
		--timeout "$boottimeout" --log "$log" "${kvmopt[@]}" \
		--extra "$bootqemu" || true
}

declare -A groups=()
order=() ride=()
for s in "${scenarios[@]}"; do
	a=$(scn_meta "$s" append)
	m=${mem:-$(scn_meta "$s" mem)}
	key="${m:-2G}|$a|$(scn_meta "$s" qemu)"
	# A scenario that may take its kernel down boots alone, or only with
	# the scenarios that name the same boot.
	b=$(scn_meta "$s" boot)
	case $b in
	'') ;;
	alone) key="$key|$s" ;;
	*) key="$key|boot=$b" ;;
	esac
	# A scenario of another architecture ('# arch: arm64') rides along in
	# another boot, where the guest skips it with the reason
	# (tools/guest/main.sh).
	sa=$(scn_meta "$s" arch)
	if [ -n "$sa" ] && [ "$sa" != $arch ]; then
		ride+=("$s")
		continue
	fi
	[ -n "${groups[$key]+x}" ] || order+=("$key")
	groups[$key]="${groups[$key]:-} $s"
done
# A boot of fake devices only ('# qemu:' empty) joins a boot with the same
# memory and kernel parameters whose QEMU line only adds a device (edu,
# a virtio disk, a restricted pool): a device the fake devices never touch
# changes nothing they test, and a kernel boot is most of what a boot
# costs (about 4.5 host CPU-seconds for Debian's 6.12 under TCG). An
# emulated IOMMU changes the machine; a named boot ('# boot:') keeps to
# itself.
joined=()
for key in "${order[@]}"; do
	IFS='|' read -r km ka kq kb <<< "$key"
	into=
	if [ -z "$kq" ] && [ -z "$kb" ]; then
		for k2 in "${order[@]}"; do
			IFS='|' read -r m2 a2 q2 b2 <<< "$k2"
			[ "$m2|$a2" = "$km|$ka" ] && [ -n "$q2" ] && [ -z "$b2" ] &&
				[[ $q2 != *viommu* ]] || continue
			into=$k2
			break
		done
	fi
	if [ -n "$into" ]; then
		groups[$into]="${groups[$into]} ${groups[$key]# }"
		unset "groups[$key]"
	else
		joined+=("$key")
	fi
done
order=("${joined[@]}")
if [ ${#ride[@]} -gt 0 ]; then
	[ ${#order[@]} -gt 0 ] || { order=("2G||"); groups["2G||"]=; }
	groups[${order[0]}]="${groups[${order[0]}]} ${ride[*]}"
fi
[ $host = 1 ] && { order=("host|"); groups["host|"]="${scenarios[*]}"; }

# ---- boots at once ----
# The CPUs bound how many boots run at once (TCG guests wait on timers, the
# edu device's DMA and the console much of the time, so one per host CPU,
# not per vCPU); available memory bounds it too: a boot starts only when
# its memory (Xen's machine: dom0's and 2 GiB) fits beside the running
# ones', within MemAvailable less 1 GiB for the host. -v streams one
# console: one boot at a time.
mem_mib() {
	case $1 in
	*[Gg]) echo $(( ${1%[Gg]} * 1024 )) ;;
	*[Mm]) echo "${1%[Mm]}" ;;
	*) echo $(( $1 / 1048576 )) ;;
	esac
}
boot_mib() { # KEY
	local m
	m=$(mem_mib "${1%%|*}")
	[ $xen = 0 ] || m=$(( $(xen_size_mib "${1%%|*}") + 2048 ))
	echo "$m"
}
mem_budget=$(( $(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo) - 1024 ))
biggest=0
for key in "${order[@]}"; do
	m=$(boot_mib "$key")
	[ "$m" -le "$biggest" ] || biggest=$m
done
fit=$(( biggest > 0 ? mem_budget / biggest : ${#order[@]} ))
[ "$fit" -ge 1 ] || fit=1
if [ $host = 1 ] || [ "${VM_VERBOSE:-0}" != 0 ]; then
	[ "$jobs" = auto ] || [ "$jobs" = 1 ] ||
		echo "# --jobs $jobs: $([ $host = 1 ] && echo "--host runs on this one machine" || echo "-v streams one console"): one boot at a time"
	jobs=1
elif [ "$jobs" = auto ]; then
	jobs=$(nproc)
	[ "$jobs" -le "$fit" ] || jobs=$fit
	[ "$jobs" -le "${#order[@]}" ] || jobs=${#order[@]}
	[ "$jobs" -ge 1 ] || jobs=1
	echo "# boots at once: $jobs ($(nproc) CPUs; $((mem_budget / 1024)) GiB available for guests, the largest boot takes $biggest MiB; --jobs N to choose)"
elif [ "$jobs" -gt "$fit" ]; then
	echo "# --jobs $jobs: memory allows $fit boot(s) of $biggest MiB at once ($mem_budget MiB available for guests): capped to $fit"
	jobs=$fit
fi
export SST_JOBS=$jobs

# Boots at once start longest first (the LPT rule): by each boot's wall
# seconds the last time a run on this host had the same scenarios
# ($SST_CACHE/boot-seconds.tsv, any kernel: a matrix's first kernel orders
# the rest), a boot never seen first, as it may be long; otherwise in
# scenario order. Only the start order changes, never a boot's content.
boot_hist=${SST_CACHE:-/var/tmp/swiotlb_stress}/boot-seconds.tsv
if [ "$jobs" -gt 1 ] && [ -r "$boot_hist" ]; then
	mapfile -t order < <(
		for key in "${order[@]}"; do
			printf '%s\t%s\n' "$(awk -F'\t' -v k="${groups[$key]# }" \
				'$1 == k { v = $2 } END { print v == "" ? 999999 : v }' "$boot_hist")" "$key"
		done | sort -s -t$'\t' -k1,1nr | cut -f2-)
fi

# A progress line on stderr as each boot starts and ends (stdout stays
# the results): boot N of M, its scenarios, elapsed, an estimate of the rest.
progress() { # start|end N [SCENARIO...]
	(cd "$SST_TOP/tools" && python3 -m sst progress "$1" "$out" "$2" "${#order[@]}" "$SECONDS" "${@:3}") >&2 || true
}
# Boot N's boots.tsv and boots.txt lines, appended as it ends (under a
# lock: boots that run at once end in any order); sorted by N at the end.
record_boot() { # N SECONDS TIMEOUT MEM APPEND QEMU SCENARIOS
	(
		flock 9
		echo "boot $1 verdict=$VM_VERDICT mem=$4 append=$5 scenarios=$7${VM_WATCHDOG:+ watchdog=$VM_WATCHDOG}" >> "$out/boots.txt"
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$VM_VERDICT" "$2" \
			"$3" "$4" "$5" "$6" "$7" "$VM_WATCHDOG" "$VM_FIRST_STORM" >> "$out/boots.tsv"
	) 9> "$out/boots.lock"
}
declare -A running_mib=() boot_of_pid=() running_units=() light=()
used_mib=0
# CPU shares: --jobs N is N boots' worth of CPU, three units each. A boot
# whose scenarios drive QEMU's edu device waits on its 100 ms DMA timer
# most of its time once its kernel is up: measured here (6.12, edu-iommu-
# lazy, the engine's completion interrupt letting the guest idle), QEMU
# took 1.05 host CPUs while the kernel booted and 0.35 from the first
# storm on. So from its first storm it holds one unit, and three of those
# run in one boot's share. --jobs 1 stays one boot at a time.
used_units=0
cap_units=$(( jobs * 3 ))
[ "$jobs" -gt 1 ] || cap_units=1
# Stopped (^C, SIGTERM): each running boot's vm_boot stops its QEMU on
# SIGTERM (background jobs ignore SIGINT), then this run ends.
stop_boots() {
	local p
	for p in "${!running_mib[@]}"; do kill -TERM "$p" 2> /dev/null || true; done
	wait
	exit 130
}
trap stop_boots INT TERM HUP
# Waits for one running boot to end, and says so.
# reap: returns once a boot ended (its memory and share are free again) or
# an edu boot reached its first storm (its share halves); looks twice a
# second (a sleep child bounds wait -n).
reap() {
	local pid= p tick
	while :; do
		for p in "${!light[@]}"; do
			[ "${light[$p]}" = 1 ] || continue
			grep -qs '^first_storm' "$out/console-${boot_of_pid[$p]}.log.marks" || continue
			light[$p]=0
			used_units=$(( used_units - running_units[$p] + 1 ))
			running_units[$p]=1
			return 0
		done
		sleep 0.5 &
		tick=$!
		pid=
		wait -n -p pid || true
		if [ -n "$pid" ] && [ "$pid" != "$tick" ]; then
			kill "$tick" 2> /dev/null || true
			wait "$tick" 2> /dev/null || true
			break
		fi
	done
	used_mib=$(( used_mib - ${running_mib[$pid]} ))
	used_units=$(( used_units - ${running_units[$pid]} ))
	progress end "${boot_of_pid[$pid]}"
	unset "running_mib[$pid]" "boot_of_pid[$pid]" "running_units[$pid]" "light[$pid]"
}
n=0
boots_t0=$SECONDS
for key in "${order[@]}"; do
	n=$((n + 1))
	bootmem=${key%%|*}
	bootappend=${key#*|}
	# QEMU devices: the scenario's '# qemu:' line and --edu/--viommu.
	bootqemu=${bootappend#*|}
	bootqemu=$(vm_qemu_meta_args "${bootqemu%%|*} $qemu_opt")
	bootappend="$(echo "${bootappend%%|*} $append" | xargs)"
	# arm64: the IOMMU is virt's SMMUv3 (vm_viommu_args), which needs no
	# switch; x86's intel_iommu= would only be an unknown parameter.
	[ $arch != arm64 ] || bootappend=$(printf '%s\n' $bootappend | grep -v '^intel_iommu=' | xargs)
	log=$out/console-$n.log
	# A scenario may bound its boot more tightly (one expected to hang).
	boottimeout=$timeout
	for s in ${groups[$key]}; do
		t=$(scn_meta "$s" timeout)
		[ -z "$t" ] || [ $xen = 0 ] || t=$((t + 180))
		[ -z "$t" ] || [ "$t" -ge "$boottimeout" ] || boottimeout=$t
	done
	envf=$out/env-$n
	{ echo "SST_MODE=scenarios"; echo "SST_SCENARIOS=\"${groups[$key]# }\""; } > "$envf"
	stage_group "$n" "$envf"
	need=$(boot_mib "$key")
	units=3
	[ "$units" -le "$cap_units" ] || units=$cap_units
	while [ ${#running_mib[@]} -gt 0 ] &&
	      { [ $(( used_units + units )) -gt "$cap_units" ] || [ $(( used_mib + need )) -gt "$mem_budget" ]; }; do
		reap
	done
	if [ $host = 1 ]; then
		echo "# run $n: this machine ($(uname -r)): ${groups[$key]# }"
	else
		echo "# boot $n: $kver, mem $bootmem, append '$bootappend'${bootqemu:+, qemu '$bootqemu'}: ${groups[$key]# }"
	fi
	# shellcheck disable=SC2086 # one word per scenario
	progress start "$n" ${groups[$key]}
	(
		t0=$SECONDS
		# shellcheck disable=SC2086 # one word per scenario
		run_group "$n" "$log" ${groups[$key]}
		record_boot "$n" "$((SECONDS - t0))" "$boottimeout" "$bootmem" "$bootappend" \
			"$bootqemu" "${groups[$key]# }"
	) &
	running_mib[$!]=$need
	running_units[$!]=$units
	light[$!]=0
	[ "$jobs" -le 1 ] || [[ " $bootqemu " != *" -device edu"* ]] || light[$!]=1
	boot_of_pid[$!]=$n
	used_mib=$(( used_mib + need ))
	used_units=$(( used_units + units ))
done
while [ ${#running_mib[@]} -gt 0 ]; do
	reap
done
trap - INT TERM HUP
sort -s -t$'\t' -k1,1n "$out/boots.tsv" -o "$out/boots.tsv"
# This run's boot times for the next run's order (above): scenarios, seconds.
if [ $host = 0 ] && mkdir -p "$(dirname "$boot_hist")" 2> /dev/null; then
	{ cat "$boot_hist" 2> /dev/null; awk -F'\t' '{ print $8 "\t" $3 }' "$out/boots.tsv"; } |
		awk -F'\t' '{ v[$1] = $2 } END { for (k in v) print k "\t" v[k] }' > "$boot_hist.$$" &&
		mv "$boot_hist.$$" "$boot_hist"
fi
sort -s -t' ' -k2,2n "$out/boots.txt" -o "$out/boots.txt"
rm -f "$out/boots.lock"

# ---- results: the model (tools/sst) reads the consoles once and writes the
# files the guest sent, results.txt, report.txt, results.ktap, summary.json
# and checks.tsv; it prints one screen (-v: the report and the KTAP) and
# exits 0, 1, 2 or 4 as documented above.
collect=(--kernel-name "$kver" --kdir "$kdir")
[ -z "$ksrc" ] || collect+=(--ksrc "$ksrc")
# A kernel tools/sst/debian.py fetched: the model looks for its linux-source.
[ $host = 1 ] || collect+=(--kernel-image "$kernel")
[ $host = 0 ] || collect+=(--host)
[ $xen = 0 ] || collect+=(--xen)
[ "${VM_VERBOSE:-0}" = 0 ] || collect+=(-v)
[ $host = 1 ] || collect+=(--wall-seconds "$((SECONDS - boots_t0))" --jobs "$jobs")
status=0
(cd "$SST_TOP/tools" && python3 -m sst collect "${collect[@]}" "$out" "${scenarios[@]}") || status=$?
exit $status
