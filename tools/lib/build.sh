#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side build steps shared by tools/run.sh and tools/test.sh: the module
# for one kernel, the static selftests, and the payload a guest gets.
# Sourced; defines sst_* functions only.

SST_TOP=${SST_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

# Module sources, copied so several kernels build side by side.
sst_module_sources() {
	(cd "$SST_TOP" && ls Kbuild Makefile ./*.c ./*.h scripts/compat-probe.sh)
}

# sst_build_module KDIR OUTDIR: builds with W=1; fails on any warning.
# Prints the .ko path.
sst_build_module() {
	local kdir=$1 out=$2 f
	if [ ! -e "$kdir/Makefile" ]; then
		echo "no kernel build tree at $kdir" >&2
		return 1
	fi
	rm -rf "$out/src"
	mkdir -p "$out/src"
	while read -r f; do
		mkdir -p "$out/src/$(dirname "$f")"
		cp "$SST_TOP/$f" "$out/src/$f"
	done < <(sst_module_sources)
	# A tree prepared by tools/sst/debian.py names the compiler (and
	# release) its kernel wants.
	local -a margs=()
	[ ! -r "$kdir/sst-make-args" ] || mapfile -t margs < "$kdir/sst-make-args"
	# An arm64 guest's tree that does not say how to cross-build.
	[ "${VM_ARCH:-amd64}" != arm64 ] || [[ " ${margs[*]} " == *" ARCH="* ]] ||
		margs+=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
	if ! make -j"$(nproc)" -C "$out/src" KDIR="$kdir" W=1 "${margs[@]}" > "$out/build.log" 2>&1; then
		cat "$out/build.log" >&2
		echo "module build failed against $kdir (log: $out/build.log)" >&2
		return 1
	fi
	if grep -E 'warning:|error:' "$out/build.log" >&2; then
		echo "module build against $kdir has warnings (W=1); fix them" >&2
		return 1
	fi
	echo "$out/src/swiotlb-stress.ko"
}

# sst_build_selftests OUTDIR [CC]: static binaries and scripts for any
# guest (CC: a cross compiler for another architecture's, default gcc).
sst_build_selftests() {
	local out=$1 cc=${2:-gcc}
	mkdir -p "$out"
	cp "$SST_TOP"/selftests/*.sh "$out/"
	"$cc" -static -O2 -Wall -Wextra -Werror -I"$SST_TOP" \
		-o "$out/ctl_test" "$SST_TOP/selftests/ctl_test.c"
	"$cc" -static -O2 -Wall -Wextra -Werror -I"$SST_TOP" \
		-o "$out/fuzz_ctl" "$SST_TOP/selftests/fuzz_ctl.c"
	"$cc" -static -O2 -Wall -Wextra -Werror -I"$SST_TOP" \
		-o "$out/blk_pattern" "$SST_TOP/selftests/blk_pattern.c"
}

# sst_stage_payload DIR KO SELFTESTS_DIR: what goes to /sst in the guest.
sst_stage_payload() {
	local dir=$1 ko=$2 st=$3
	rm -rf "$dir"
	mkdir -p "$dir/tools" "$dir/selftests"
	# The guest needs no DWARF (an oops names the module's symbols from
	# its symbol table, which stays): 2.9 MiB of module become 0.2 MiB
	# to pack, unpack and load in every boot. The build keeps the full .ko.
	local oc=objcopy
	[ "${VM_ARCH:-amd64}" != arm64 ] || oc=aarch64-linux-gnu-objcopy
	"$oc" --strip-debug "$ko" "$dir/swiotlb_stress.ko" 2> /dev/null ||
		cp "$ko" "$dir/swiotlb_stress.ko"
	cp -r "$st/." "$dir/selftests/"
	cp -r "$SST_TOP/tools/guest" "$dir/tools/"
	cp -r "$SST_TOP/scenarios" "$dir/"
	cat > "$dir/guest-main.sh" <<'EOS'
#!/bin/sh
exec /sst/tools/guest/main.sh
EOS
	chmod +x "$dir/guest-main.sh" "$dir/tools/guest/"*.sh
}

# The Debian packages the runners need, by what they do. pahole: a kernel
# with CONFIG_DEBUG_INFO_BTF_MODULES (Debian's 6.12 and 7.2) runs it on
# every module it builds; Debian's linux-kbuild depends on it, but the
# headers tools/sst/debian.py unpacks come without their dependencies.
SST_PKGS_BUILD="make gcc libc6-dev pahole"
SST_PKGS_VM="qemu-system-x86 busybox-static cpio"
# A debian: kernel whose headers cannot be used here (sid's gcc-16, a
# point release Debian 12 does not serve) gets a tree prepared from its
# linux-source: make olddefconfig modules_prepare (tools/sst/debian.py
# TREE_NEEDS; vm_debian_kernels in vm.sh has the same default for the
# scripts that do not source this file).
SST_PKGS_TREE="flex bison bc libelf-dev libssl-dev xz-utils pahole"
# --arch arm64: QEMU's virt machine, the cross compiler of Debian 12's
# arm64 kernels (gcc-12) and the arm64 libc for the static selftests
# (busybox-static for arm64 is fetched by tools/sst/debian.py).
SST_PKGS_ARM64="qemu-system-arm gcc-aarch64-linux-gnu libc6-dev-arm64-cross device-tree-compiler"
# tools/sst: the results, the progress lines and the Debian kernel fetcher
# (standard library only). Not pulled in by the two lists above when apt
# leaves out Recommends (python3 comes only via qemu-system-gui's).
SST_PKGS_PY="python3"
