#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swiotlb_stress tests: builds the module (W=1, no warnings allowed) for each
# Debian kernel, then boots each kernel in QEMU twice, once with
# swiotlb=force and once with 6 GiB and no force, and runs the selftests
# there. Ends with "N passed, N failed, N skipped"; exits 1 if anything
# failed.
set -euo pipefail

SST_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/lib/vm.sh
. "$SST_TOP/tools/lib/vm.sh"
# shellcheck source=tools/lib/build.sh
. "$SST_TOP/tools/lib/build.sh"
# shellcheck source=tools/lib/findings.sh
. "$SST_TOP/tools/lib/findings.sh"
# shellcheck source=tools/lib/results.sh
. "$SST_TOP/tools/lib/results.sh"

TESTS="ctl_test storm_test.sh checks_test.sh"
# Debian 12's two kernel series: 6.1 (linux-image-amd64) and 6.12.
PKGS_KERNELS="linux-image-amd64 linux-headers-amd64 linux-image-6.12-amd64 linux-headers-6.12-amd64"
BOOTS=("2G|swiotlb=force" "6G|")

usage() {
	cat <<EOF
usage: tools/test.sh [--kernel IMAGE [--kdir DIR]]... [--quick] [--unit] [--timeout S] [--kvm] [-v]

First the host side's unit tests (tools/sst/tests, seconds, no QEMU;
--unit runs only them), then vm_boot's wall-time bound
(tools/test-watchdog.sh, about 40 s of tiny guests), then the compile matrix: the module built with
W=1 against the build tree of every Debian kernel in \$SST_COMPILE_MATRIX
(tools/sst/debian.py fetches them).

Without --kernel: every /boot/vmlinuz-* with a build tree (installing
Debian's 6.1 and 6.12 kernels and headers when run as root on Debian).
Then the matrix of scenarios on every kernel with the backport verdict;
unless --quick, one swiotlb=force boot of Debian's other lines
(\$SST_BOOT_LINES, default 5.10.262 7.2.13) and two boots of Debian's
arm64 6.12 under qemu-system-aarch64 (\$SST_ARM64_SCENARIOS), and restricted DMA
pools on arm64 6.12 and 6.1 built from linux-source (fr004-restricted-pool,
proven with tools/prove-checks.sh --arch arm64) and one Xen dom0 boot on
arm64 (fr002-no-pool); the selftests through the
kernel's kselftest runner, and, unless --quick, tools/harden.sh --quick
(debug kernels: fuzz, teardown, soak, lockdown) and tools/prove-checks.sh
for 6.1 and 6.12: every check seen failing on a kernel with the bug (built
from linux-source, about 6 minutes each the first time) and passing on the
stock kernel. SST_PROVE_VERSIONS (default "6.1 6.12") names the lines
proven; 5.10 and 7.2 are opt-in (their stock kernels and linux-source come
from tools/sst/debian.py; measured here on a loaded machine, 7.2: 22 min to
build its bug kernel and 21 min of boots).
EOF
}

kernels=() kdirs=() timeout=600 kvm=() quick=0 unit=0
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernels+=("${2:?}"); kdirs+=(""); shift ;;
	--kdir) [ ${#kdirs[@]} -gt 0 ] || { usage >&2; exit 3; }; kdirs[-1]=${2:?}; shift ;;
	--timeout) timeout=${2:?}; shift ;;
	--kvm) kvm=(--kvm) ;;
	--quick) quick=1 ;;
	--unit) unit=1 ;;
	-v|--verbose) export VM_VERBOSE=1 ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 3 ;;
	esac
	shift
done

pass=0 fail=0 skip=0 xfail=0
summary=() figures=()
seen_findings=
kver=

# Tier 1: the host side's unit tests, on recorded output.
# unit_tests [TAG TEST-ID...]: all of them, or the ones named. The ids of
# those that skipped go to $unit_skipped ("module.Class.test").
unit_skipped=()
unit_tests() {
	local log line tag=${1:-unit} id
	log=$(mktemp)
	if [ $# -gt 1 ]; then
		shift
		echo "# $tag: python3 -m unittest $*"
		(cd "$SST_TOP/tools" && python3 -m unittest -v "$@") > "$log" 2>&1 || true
	else
		echo "# unit tests: python3 -m unittest discover -s tools/sst/tests"
		(cd "$SST_TOP/tools" && python3 -m unittest discover -v -s sst/tests -t .) > "$log" 2>&1 || true
	fi
	unit_skipped=()
	while IFS= read -r line; do
		case $line in
		*" ... ok") result pass "$tag: ${line% ... ok}" ;;
		*" ... skipped"*)
			result skip "$tag: ${line%% ... skipped*}" "${line#* ... skipped }"
			id=${line#*(}; id=${id%%)*}
			unit_skipped+=("$id") ;;
		*" ... FAIL" | *" ... ERROR") result fail "$tag: ${line% ... *}" "see the traceback above the summary" ;;
		esac
	done < "$log"
	grep -q '^OK' "$log" || { sed -n '/^=====/,$p' "$log" | head -n 40; result fail "unit tests" "python3 -m unittest did not end in OK"; }
	rm -f "$log"
}
[ "$(id -u)" != 0 ] || [ ! -r /etc/debian_version ] || vm_need_packages python3
unit_tests
unit_skipped_first=("${unit_skipped[@]}")
if [ $unit = 1 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
	[ "$fail" = 0 ]
	exit
fi

# Tier 1b: vm_boot's wall-time bound on guests that never end
# (tools/test-watchdog.sh: a multiboot "cli; hlt" kernel, a QEMU deaf to
# SIGTERM, ^C; about 40 s, nothing else booted).
watchdog_tests() {
	local log line
	log=$(mktemp)
	echo "# watchdog: tools/test-watchdog.sh"
	if [ "$(id -u)" = 0 ] && [ -r /etc/debian_version ]; then
		# shellcheck disable=SC2086
		vm_need_packages $SST_PKGS_VM binutils || true
	fi
	nice bash "$SST_TOP/tools/test-watchdog.sh" > "$log" 2>&1 || true
	while IFS= read -r line; do
		case $line in
		"ok - "*) result pass "watchdog: ${line#ok - }" ;;
		"not ok - "*) result fail "watchdog: ${line#not ok - }" "see tools/test-watchdog.sh" ;;
		esac
	done < "$log"
	grep -qE '^[0-9]+ passed, 0 failed$' "$log" || { tail -n 5 "$log"; result fail "watchdog tests" "tools/test-watchdog.sh did not end in 'N passed, 0 failed'"; }
	rm -f "$log"
}
watchdog_tests

# Tier 2: the module against every Debian kernel's build tree (no boot):
# every line of every suite. Trixie's 6.12.118 and sid's 7.2.13 get a tree
# prepared from their linux-source (their headers' tools do not run on
# Debian 12; tools/sst/debian.py says so), about 4 minutes each the first
# time. 6.1.180 (bullseye-security) is left out: its headers answer 404.
# Each build's objects then go through tools/deps-check.sh (the layers
# depend one way), once tools/test-deps-check.sh has shown it can fail.
SST_COMPILE_MATRIX=${SST_COMPILE_MATRIX:-5.10.262 5.10.223 6.1.176 6.1.192 6.12.95 6.12.117 6.12.118 7.2.13}
compile_matrix() {
	local v info kd line cout=$SST_TOP/results/compile-$$
	# deps-check.sh can fail: fake upward references (gcc -c, seconds).
	echo "# deps-check: tools/test-deps-check.sh"
	while IFS= read -r line; do
		case $line in
		"ok - "*) result pass "deps-check: ${line#ok - }" ;;
		"not ok - "*) result fail "deps-check: ${line#not ok - }" "see tools/test-deps-check.sh" ;;
		esac
	done < <(bash "$SST_TOP/tools/test-deps-check.sh" 2>&1 || true)
	for v in $SST_COMPILE_MATRIX; do
		if ! info=$(cd "$SST_TOP/tools" && python3 -m sst.debian fetch "$v" 2> "$cout-$v.err"); then
			result fail "compile debian:$v: fetch" "$(tail -n 1 "$cout-$v.err")"
			continue
		fi
		kd=$(sed -n 's/^kdir: //p' <<< "$info")
		if sst_build_module "$kd" "$cout/$v" > /dev/null 2> "$cout-$v.err"; then
			result pass "compile debian:$v: module builds with W=1, no warnings" "$(sed -n 's/^build: //p' <<< "$info" | cut -c1-60)"
			# The layers, on the objects just built (nm only, < 1 s).
			if bash "$SST_TOP/tools/deps-check.sh" --objdir "$cout/$v/src" > "$cout-$v.deps" 2>&1; then
				result pass "compile debian:$v: layers depend one way (tools/deps-check.sh)"
			else
				result fail "compile debian:$v: layers depend one way (tools/deps-check.sh)" "$(head -n 1 "$cout-$v.deps")"
			fi
			rm -f "$cout-$v.deps"
		else
			result fail "compile debian:$v: module builds with W=1, no warnings" "$(grep -m1 -E 'warning:|error:' "$cout-$v.err")"
		fi
		rm -f "$cout-$v.err"
	done
	rm -rf "$cout"
}

if [ "$(id -u)" = 0 ] && [ -r /etc/debian_version ]; then
	# shellcheck disable=SC2086
	vm_need_packages $SST_PKGS_BUILD $SST_PKGS_VM $SST_PKGS_TREE
	# shellcheck disable=SC2086
	[ ${#kernels[@]} -gt 0 ] || vm_need_packages $PKGS_KERNELS
fi
if [ ${#kernels[@]} = 0 ]; then
	for k in $(ls /boot/vmlinuz-* | sort -V); do
		d=$(vm_kdir_for "$k" 2>/dev/null) || continue
		kernels+=("$k"); kdirs+=("$d")
	done
fi
[ ${#kernels[@]} -gt 0 ] || { echo "test.sh: no kernel with a build tree in /boot" >&2; exit 3; }

out=$SST_TOP/results/test-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
echo "# results: $out"
compile_matrix

# Tier 2b: the DKMS package (tools/dkms-test.sh, about a minute): what it
# holds, and dkms building the module from it for each kernel with headers.
dkms_tests() {
	local line t log=$out/dkms-test.log
	if [ "$(id -u)" = 0 ] && [ -r /etc/debian_version ]; then
		vm_need_packages dkms dh-dkms debhelper dpkg-dev
	fi
	echo "# dkms: tools/dkms-test.sh"
	bash "$SST_TOP/tools/dkms-test.sh" > "$log" 2>&1
	while IFS= read -r line; do
		case $line in
		"ok "*" # SKIP "*)
			t=${line#ok [0-9]* }
			result skip "dkms: ${t%% # SKIP *}" "${t#* # SKIP }" ;;
		"ok "*) result pass "dkms: ${line#ok [0-9]* }" ;;
		"not ok "*)
			t=${line#not ok [0-9]* }
			result fail "dkms: ${t%% # *}" "${t#* # }" ;;
		esac
	done < "$log"
	grep -q '^1\.\.' "$log" || result fail "dkms: tools/dkms-test.sh" "no plan line; see $log"
}
dkms_tests
sst_build_selftests "$out/selftests"

# result (tools/lib/results.sh) judges each result against $kver's findings.
for i in "${!kernels[@]}"; do
	kernel=${kernels[$i]}
	kdir=${kdirs[$i]:-$(vm_kdir_for "$kernel")}
	kver=$(basename "$kernel"); kver=${kver#vmlinuz-}
	# A kernel built from source: name it by its release.
	[[ $kernel == */vmlinuz-* ]] || [ ! -r "$kdir/include/config/kernel.release" ] ||
		kver=$(cat "$kdir/include/config/kernel.release")
	kout=$out/$kver
	mkdir -p "$kout"
	if ko=$(sst_build_module "$kdir" "$kout/build" 2> "$kout/build.err"); then
		result pass "$kver: module builds with W=1, no warnings"
	else
		result fail "$kver: module builds with W=1, no warnings" "$(tail -n 3 "$kout/build.err" | paste -sd ' ')"
		continue
	fi
	sst_stage_payload "$kout/payload" "$ko" "$out/selftests"
	printf 'SST_MODE=selftests\nSST_TESTS="%s"\n' "$TESTS" > "$kout/payload/env"
	vm_build_initramfs "$kout/initramfs.cpio.gz" "$kout/payload"

	for boot in "${BOOTS[@]}"; do
		mem=${boot%%|*} append=${boot#*|}
		tag="$kver mem=$mem${append:+ $append}"
		log=$kout/console-$mem${append:+-${append//[^a-z0-9]/_}}.log
		echo "# boot: $tag"
		vm_boot_guest --kernel "$kernel" --initrd "$kout/initramfs.cpio.gz" \
			--append "$append" --mem "$mem" --smp 2 --timeout "$timeout" \
			--log "$log" "${kvm[@]}" || true
		# The protocol lines are on the results channel when the guest
		# used it (vm_results_log), the kernel's on the console, and
		# the guest's dmesg dump ("| " lines) with the protocol.
		proto=$(vm_results_log "$log")
		skipall=$(sed -n 's/^SST-SKIPALL //p' "$proto" | head -n 1)
		if [ -n "$skipall" ]; then
			result skip "$tag: selftests" "$skipall"
			continue
		fi
		setup=$(sed -n 's/^SST-SETUP-ERROR //p' "$proto" | head -n 1)
		if [ -n "$setup" ]; then
			result fail "$tag: selftests" "$setup"
			continue
		fi
		sst_ktap_results "$tag" "$log" "$TESTS" "$kout/%s-$mem.ktap"
		# The harness must not be what crashes: any splat fails, unless
		# a known finding for this kernel explains every one.
		logs=("$log")
		[ "$proto" = "$log" ] || logs+=("$proto")
		splats=$(grep -ahE "$SST_SPLAT_RE" "${logs[@]}" || true)
		known=$(sst_finding_log_regex "$kver")
		unexplained=$splats
		[ -z "$known" ] || unexplained=$(grep -avE "$known" <<< "$splats" || true)
		if [ -n "$unexplained" ]; then
			result fail "$tag: kernel log clean of splats" "$(head -n 1 <<< "$unexplained"); see $log"
		elif [ -n "$splats" ]; then
			result xfail "$tag: kernel log clean of splats" "only warnings of known findings: $(head -n 1 <<< "$splats" | sed 's/^\[[^]]*\] //')"
		else
			result pass "$tag: kernel log clean of splats"
		fi
	done
done

# The selftests inside a kernel tree, run by the kernel's own kselftest
# runner (make install, then run_kselftest.sh in the guest): the newest
# kernel, with its series' source tree (linux-source-<series>).
kselftest_in_tree() {
	local kernel=$1 kdir=$2 series tarball src tree log ko
	series=$(cat "$kdir/include/config/kernel.release" 2>/dev/null || basename "$kernel")
	series=$(sed -E 's/^(vmlinuz-)?([0-9]+\.[0-9]+).*/\2/' <<< "$series")
	if ! [[ $series =~ ^[0-9]+\.[0-9]+$ ]]; then
		result skip "kselftest in a kernel tree" "cannot tell the kernel series of $kernel"
		return
	fi
	if [ "$(id -u)" = 0 ] && [ -r /etc/debian_version ]; then
		# The kselftest build copies with rsync; the tree comes from
		# Debian's source package.
		vm_need_packages rsync xz-utils "linux-source-$series" ||
			{ result fail "kselftest in a kernel tree" "cannot install rsync, xz-utils, linux-source-$series"; return; }
	fi
	src=${SST_CACHE:-/var/tmp/swiotlb_stress}/src/linux-$series
	if [ ! -f "$src/tools/testing/selftests/lib.mk" ]; then
		tarball=$(ls /usr/src/linux-source-"$series".tar.* 2>/dev/null | head -n 1)
		if [ -z "$tarball" ]; then
			result skip "kselftest in a kernel tree" "no linux-source-$series tree or tarball"
			return
		fi
		src=$out/linux-$series
		mkdir -p "$src"
		tar -xf "$tarball" -C "$src" --strip-components=1
	fi
	# A tree of symlinks: the selftests go in without touching the source.
	tree=$out/ktree
	cp -as "$src" "$tree"
	bash "$SST_TOP/tools/kselftest-install.sh" "$tree" > /dev/null
	if ! make -C "$tree/tools/testing/selftests" TARGETS=swiotlb_stress \
		LDFLAGS=-static INSTALL_PATH="$out/kselftest" install > "$out/kselftest-build.log" 2>&1; then
		result fail "kselftest in a kernel tree: make install" "see $out/kselftest-build.log"
		return
	fi
	result pass "kselftest in a kernel tree: make -C tools/testing/selftests TARGETS=swiotlb_stress install"
	ko=$(sst_build_module "$kdir" "$out/kselftest-module") || return
	sst_stage_payload "$out/kselftest-payload" "$ko" "$out/selftests"
	cp -r "$out/kselftest" "$out/kselftest-payload/kselftest"
	echo "SST_MODE=kselftest" > "$out/kselftest-payload/env"
	vm_build_initramfs "$out/kselftest-initramfs.cpio.gz" "$out/kselftest-payload"
	log=$out/kselftest-console.log
	echo "# boot: kselftest runner, $(basename "$kernel") mem=2G swiotlb=force"
	vm_boot_guest --kernel "$kernel" --initrd "$out/kselftest-initramfs.cpio.gz" \
		--append swiotlb=force --mem 2G --smp 2 --timeout "$timeout" \
		--log "$log" "${kvm[@]}" || true
	local tap n=0
	tap=$(vm_extract_section "$log" ktap:run_kselftest || true)
	printf '%s\n' "$tap" > "$out/kselftest.tap"
	while IFS= read -r line; do
		case $line in
		"ok "*"# SKIP"*) result fail "kselftest runner: ${line%%# SKIP*}" "skipped in a boot where the module loads" ;;
		"ok "*) result pass "kselftest runner: $line"; n=$((n + 1)) ;;
		"not ok "*) result fail "kselftest runner: $line" "see $out/kselftest.tap" ;;
		esac
	done <<< "$tap"
	[ "$n" -gt 0 ] || result fail "kselftest runner ran the tests" "no results; VM verdict $VM_VERDICT, see $log"
}
# The matrix: the default scenarios on every kernel, each booted as it
# declares, then the backport verdict from the oldest kernel to the newest.
# Each cell must pass, or fail as a known finding of that kernel explains;
# and the tool must find every known finding its scenarios reproduce.
matrix_check() {
	local -a margs=()
	local i mout=$out/matrix cellv s k row kglob pat
	for i in "${!kernels[@]}"; do
		margs+=(--kernel "${kernels[$i]}")
		[ -z "${kdirs[$i]}" ] || margs+=(--kdir "${kdirs[$i]}")
	done
	[ ${#kernels[@]} != 2 ] || margs+=(--verdict)
	# The default scenarios, and the edu backend's bad-input ones.
	local -a scns=()
	for f in "$SST_TOP"/scenarios/*.sh; do
		s=$(basename "$f" .sh)
		case $s in
		edu-bad-input|edu-timeout|edu-rmmod) scns+=("$s") ;;
		*) ! grep -q '^# default: yes' "$f" || scns+=("$s") ;;
		esac
	done
	echo "# matrix: ${#kernels[@]} kernels, ${#scns[@]} scenarios (tools/matrix.sh)"
	bash "$SST_TOP/tools/matrix.sh" "${margs[@]}" --expect-known --out "$mout" \
		"${scns[@]}" > "$out/matrix.log" 2>&1 || true
	if [ ! -s "$mout/matrix.txt" ]; then
		result fail "matrix" "no table; see $out/matrix.log"
		return
	fi
	sed 's/^/# /' "$mout/matrix.txt"
	# The cells from the matrix's JSON (tools/sst/matrix.py), not the table.
	local cells
	if ! cells=$(cd "$SST_TOP/tools" && python3 -m sst matrix-cells "$mout"); then
		result fail "matrix" "no readable matrix.json; see $out/matrix.log"
		return
	fi
	for i in "${!kernels[@]}"; do
		d=$mout/k$((i + 1))
		kver=$(sed -n 's/^kernel: //p' "$d/report.txt" | head -n 1 | cut -d' ' -f1)
		local kn kname cf creason inmatrix=" "
		while IFS=$'\t' read -r kn kname s cellv cf creason; do
			[ "$kn" = $((i + 1)) ] || continue
			inmatrix+="$s "
			case $cellv in
			pass) result pass "matrix $kver: $s" ;;
			skip) result skip "matrix $kver: $s" "${creason#-}" ;;
			xfail|xhang|xpanic) result xfail "matrix $kver: $s" "known kernel bug: $cf" ;;
			*) result fail "matrix $kver: $s" "$cellv; see $d/report.txt" ;;
			esac
		done <<< "$cells"
		# What the tool should find here: every known finding whose
		# result names a scenario of the matrix. A finding may show in
		# more than one way (a hang check that fires, or a guest that
		# dies): one of its rows is enough.
		local -A want=() got=()
		local fid
		while IFS=$'\t' read -r kglob pat row; do
			[[ -z $kglob || $kglob == \#* ]] && continue
			# shellcheck disable=SC2053
			[[ $kver == $kglob ]] || continue
			s=${pat%%:*}
			[[ $inmatrix == *" $s "* ]] || continue
			fid=${row##*	}
			fid=${fid%%:*}
			want["$s|$fid"]=1
			while IFS=$'\t' read -r cs cc cv cf _; do
				# shellcheck disable=SC2053
				[[ "$cs: $cc" == $pat && $cv != pass && $cv != skip && $cf == "$fid" ]] &&
					got["$s|$fid"]=1
			done < "$d/checks.tsv"
		done < "$SST_FINDINGS"
		for k in "${!want[@]}"; do
			if [ -n "${got[$k]:-}" ]; then
				result pass "matrix $kver: the tool finds ${k#*|} in ${k%%|*}"
			else
				result fail "matrix $kver: the tool finds ${k#*|} in ${k%%|*}" "not seen; see $d/report.txt"
			fi
		done
		unset want got
	done
	if [ -s "$mout/verdict.txt" ]; then
		sed 's/^/# /' "$mout/verdict.txt"
		local nb
		nb=$(sed -n 's/^broken ([^)]*): //p' "$mout/verdict.txt")
		if [ "$nb" = 0 ]; then
			result pass "backport verdict ${kernels[0]##*/} -> ${kernels[1]##*/}: nothing broken"
		else
			result fail "backport verdict ${kernels[0]##*/} -> ${kernels[1]##*/}: nothing broken" "$nb checks broke; see $mout/verdict.txt"
		fi
	fi
}
matrix_check

# The other Debian lines, booted: one swiotlb=force boot each of the
# default scenarios it shares (about 2 minutes a kernel). The full default
# set on every line is tools/matrix.sh --kernel debian:all (README).
SST_BOOT_LINES=${SST_BOOT_LINES:-5.10.262 7.2.13}

# checks_results TAG WHAT DIR: one result per check of tools/run.sh's
# DIR/checks.tsv, named "TAG KERNEL: SCENARIO: CHECK"; a failure that a
# known finding explains is an xfail. No checks.tsv: WHAT failed.
checks_results() {
	local tag=$1 what=$2 d=$3 s check verdict finding reason kv
	if [ ! -s "$d/checks.tsv" ]; then
		result fail "$tag $what" "no results; see $d.log"
		return
	fi
	kv=$(sed -n 's/^kernel: //p' "$d/report.txt" | head -n 1 | cut -d' ' -f1)
	# Tabs are IFS whitespace, so an empty finding column would
	# collapse: read the lines with a separator that is not.
	while IFS=$'\037' read -r s check verdict finding reason; do
		case $verdict in
		pass) result pass "$tag $kv: $s: $check" ;;
		skip) result skip "$tag $kv: $s: $check" "$reason" ;;
		*)
			if finding=$(sst_finding_for "$kv" "$s: $check"); then
				seen_findings+="${finding%%:*} "
				result xfail "$tag $kv: $s: $check" "known kernel bug: $finding"
			else
				result fail "$tag $kv: $s: $check" "$verdict: $reason; see $d/report.txt"
			fi ;;
		esac
	done < <(tr '\t' '\037' < "$d/checks.tsv")
}

# proofs_results LABEL DIR: one result per row of tools/prove-checks.sh's
# DIR/table.txt (proven: pass; anything else: fail with the row's why).
proofs_results() {
	local label=$1 pd=$2 check scn without with res rest name
	if [ ! -s "$pd/table.txt" ]; then
		result fail "proofs $label" "no table; see $pd.log"
		return
	fi
	while read -r check scn without with res rest; do
		[ -n "$check" ] || continue
		name="proof $label: $check fails on a kernel with the bug ($with), passes without ($without) [$scn]"
		if [ "$res" = proven ]; then
			result pass "$name"
		else
			result fail "$name" "$rest"
		fi
	done < "$pd/table.txt"
}

lines_check() {
	local v d
	for v in $SST_BOOT_LINES; do
		d=$out/line-$v
		echo "# line debian:$v: fr001-nvme-offsets fr003-legacy-default-mask fr004-force-all-cpus partial-sync"
		bash "$SST_TOP/tools/run.sh" --kernel "debian:$v" --out "$d" --timeout "$timeout" "${kvm[@]}" \
			fr001-nvme-offsets fr003-legacy-default-mask fr004-force-all-cpus partial-sync \
			> "$d.log" 2>&1 || true
		checks_results line "debian:$v: default scenarios" "$d"
	done
}
[ $quick = 1 ] || lines_check

# arm64 (issue 17): two boots of Debian's arm64 6.12 under
# qemu-system-aarch64 (virt, TCG), the module cross-built against its
# headers: the default scenarios that share a swiotlb=force boot, and
# mask-high (6 GiB, no force).
# Measured here (2026-12-01, 2 cores, other work on the machine): 2m21s
# for the tier (boots of 52 s and 26 s, the fetch check, the cross builds):
# 80 checks passed, 0 failed, 48 skipped.
# Skips, with the reason, when the arm64 packages cannot be had.
SST_ARM64_SCENARIOS=${SST_ARM64_SCENARIOS:-fr001-nvme-offsets fr003-legacy-default-mask fr004-force-all-cpus partial-sync mask-high}
arm64_check() {
	local d=$out/arm64-6.12 s check verdict finding reason kv why
	echo "# arm64: debian:6.12: $SST_ARM64_SCENARIOS"
	if [ "$(id -u)" = 0 ] && [ -r /etc/debian_version ]; then
		# shellcheck disable=SC2086
		vm_need_packages $SST_PKGS_ARM64 > "$d.log" 2>&1 ||
			{ result skip "arm64 debian:6.12: default scenarios" "cannot install $SST_PKGS_ARM64; see $d.log"; return; }
	fi
	if ! why=$(cd "$SST_TOP/tools" && { python3 -m sst.debian fetch --arch arm64 6.12 > /dev/null &&
		python3 -m sst.debian busybox --arch arm64 > /dev/null; } 2>&1 | tail -n 1; exit "${PIPESTATUS[0]}"); then
		result skip "arm64 debian:6.12: default scenarios" "the arm64 packages cannot be fetched: $why"
		return
	fi
	# shellcheck disable=SC2086 # one word per scenario
	bash "$SST_TOP/tools/run.sh" --arch arm64 --kernel debian:6.12 --out "$d" --timeout "$timeout" \
		$SST_ARM64_SCENARIOS >> "$d.log" 2>&1 || true
	checks_results arm64 "debian:6.12: default scenarios" "$d"
}
[ $quick = 1 ] || arm64_check

# Xen dom0 on arm64 (issue 17, field report 002): Debian's arm64 6.12 and
# 6.1 as dom0 of Xen 4.17 for arm64 (run.sh --arch arm64 --xen):
# fr002-no-pool (swiotlb=noforce: a fake device and a devicetree device on
# xen-swiotlb, no pool, mappings that need one refused cleanly) and
# fr002-xen-pool (the default command line, dom0's memory all below the DMA
# limit: xen-swiotlb has a pool, accepts only masks that reach it). Two
# boots a kernel, about 1.5 minutes each kernel here.
arm64_xen_check() {
	local v d
	if ! command -v aarch64-linux-gnu-gcc > /dev/null || ! command -v dtc > /dev/null; then
		result skip "arm64 Xen dom0" "no aarch64-linux-gnu-gcc or dtc ($SST_PKGS_ARM64 could not be installed)"
		return
	fi
	for v in 6.12 6.1; do
		d=$out/arm64-xen-$v
		echo "# arm64 Xen dom0: debian:$v: fr002-no-pool fr002-xen-pool"
		bash "$SST_TOP/tools/run.sh" --arch arm64 --xen --kernel debian:$v --out "$d" \
			--timeout "$timeout" fr002-no-pool fr002-xen-pool > "$d.log" 2>&1 || true
		checks_results xen "arm64 debian:$v dom0: fr002-no-pool fr002-xen-pool" "$d"
	done
}
[ $quick = 1 ] || arm64_xen_check

# Restricted DMA pools on arm64 (issue 17, field report 004). Debian's
# arm64 kernels have CONFIG_DMA_RESTRICTED_POOL off, so 6.12 and 6.1 are
# built from linux-source (tools/build-kernel.sh --arch arm64 --config
# restricted-pool: about 2.5 minutes each here) and fr004-restricted-pool
# with the small-pool scenarios (rpool-too-small, rpool-no-slot,
# rpool-segment-tail) boot on both (6.1: the findings
# 6.1-restricted-pool-coherent-align and 6.1-restricted-pool-tail-overflow);
# then tools/prove-checks.sh --arch arm64 shows in_pool and the coherent
# alignment failing on the 6.12 bug-switches kernel (bits 12 and 11) and
# passing on the unpatched one: one more build, three boots of 20 s.
arm64_rpool_check() {
	local v d build k kd pd
	if ! command -v aarch64-linux-gnu-gcc > /dev/null || ! command -v dtc > /dev/null; then
		result skip "arm64 restricted pools" "no aarch64-linux-gnu-gcc or dtc ($SST_PKGS_ARM64 could not be installed)"
		return
	fi
	for v in 6.12 6.1; do
		d=$out/rpool-arm64-$v
		echo "# arm64 restricted pool: $v built from linux-source: fr004-restricted-pool"
		if ! build=$("$SST_TOP/tools/build-kernel.sh" --arch arm64 --version "$v" \
			--config restricted-pool 2> "$d.build.log"); then
			result fail "arm64 $v restricted-pool kernel builds" "see $d.build.log"
			continue
		fi
		k=$(sed -n 's/^kernel: //p' <<< "$build")
		kd=$(sed -n 's/^kdir: //p' <<< "$build")
		bash "$SST_TOP/tools/run.sh" --arch arm64 --kernel "$k" --kdir "$kd" --out "$d" \
			--timeout "$timeout" fr004-restricted-pool rpool-too-small rpool-no-slot rpool-segment-tail \
			> "$d.log" 2>&1 || true
		checks_results rpool "arm64 $v: fr004-restricted-pool rpool-too-small rpool-no-slot rpool-segment-tail" "$d"
	done
	pd=$out/prove-arm64-6.12
	echo "# proofs: arm64 6.12 (tools/prove-checks.sh --arch arm64 --version 6.12)"
	bash "$SST_TOP/tools/prove-checks.sh" --arch arm64 --version 6.12 --out "$pd" \
		> "$pd.log" 2>&1 || true
	proofs_results "arm64 6.12" "$pd"
}
[ $quick = 1 ] || arm64_rpool_check

# A LAVA job per boot, run by lava-dispatcher's lava-run with no server,
# must give tools/run.sh's verdicts (tools/lava.sh, docs/lava.md): one
# mask-high boot on the newest /boot kernel, about 2 minutes.
lava_check() {
	local k=${kernels[${#kernels[@]}-1]}
	if [ "$(id -u)" = 0 ] && [ -r /etc/debian_version ]; then
		vm_need_packages lava-dispatcher ||
			{ result fail "lava: jobs through lava-run" "cannot install lava-dispatcher"; return; }
	fi
	echo "# lava: tools/lava.sh --kernel $(basename "$k") mask-high"
	if bash "$SST_TOP/tools/lava.sh" --kernel "$k" --out "$out/lava" mask-high > "$out/lava.log" 2>&1; then
		result pass "lava: a LAVA job per boot through lava-run gives tools/run.sh's verdicts" "$(grep -m1 'same verdicts' "$out/lava.log" | sed 's/^# *//')"
	else
		result fail "lava: a LAVA job per boot through lava-run gives tools/run.sh's verdicts" "$(tail -n 1 "$out/lava.log"); see $out/lava.log"
	fi
}
[ $quick = 1 ] || lava_check

newest=$(( ${#kernels[@]} - 1 ))
kselftest_in_tree "${kernels[$newest]}" "${kdirs[$newest]:-$(vm_kdir_for "${kernels[$newest]}")}"

PKGS_PROVE="build-essential flex bison bc libelf-dev libssl-dev xz-utils patch"

# The harness under KASAN, lockdep, kmemleak and DMA-API debugging: the
# debug kernels (built once, cached), a shortened fuzz, teardown and soak,
# and the lockdown skips (tools/harden.sh --quick; the full figures come
# from tools/harden.sh without it).
harden_check() {
	echo "# harden: tools/harden.sh --quick (debug kernels 6.1 and 6.12, lockdown)"
	if [ "$(id -u)" = 0 ] && [ -r /etc/debian_version ]; then
		# shellcheck disable=SC2086
		vm_need_packages $PKGS_PROVE linux-source-6.1 linux-source-6.12 ||
			{ result fail "harden --quick" "cannot install the kernel build packages"; return; }
	fi
	if bash "$SST_TOP/tools/harden.sh" --quick --out "$out/harden" > "$out/harden.log" 2>&1; then
		result pass "harden --quick: debug kernels, fuzz, teardown, soak, lockdown" "$(tail -n 1 "$out/harden.log")"
	else
		result fail "harden --quick: debug kernels, fuzz, teardown, soak, lockdown" "$(grep -a '^fail' "$out/harden.log" | head -n 3 | paste -sd ';'); $(tail -n 1 "$out/harden.log"); see $out/harden.log"
	fi
}
[ $quick = 1 ] || harden_check

# Every check seen failing where the bug is, passing where it is not.
if [ $quick = 0 ]; then
	if [ "$(id -u)" = 0 ] && [ -r /etc/debian_version ]; then
		# shellcheck disable=SC2086
		vm_need_packages $PKGS_PROVE linux-source-6.1 linux-source-6.12
	fi
	for v in ${SST_PROVE_VERSIONS:-6.1 6.12}; do
		case $v in
		6.1 | 6.12)
			kver=$(basename "$(ls /boot/vmlinuz-$v.* 2>/dev/null | sort -V | tail -n 1)")
			kver=${kver#vmlinuz-}
			if [ -z "$kver" ]; then
				result skip "proofs $v" "no stock $v kernel in /boot"
				continue
			fi
			;;
		esac
		# The check-* scenarios prove every class; of the default ones
		# (what --host runs) CI proves the checks no check-* scenario
		# does (SST_PROVE_DEFAULT_CHECKS, "all" for every row: about 15
		# more minutes; docs/proofs-default.txt has them all).
		for set in checks default; do
			only=()
			if [ $set = default ]; then
				# shellcheck disable=SC2206 # one word per check
				only=(${SST_PROVE_DEFAULT_CHECKS:-align search})
				[ "${only[*]}" != all ] || only=()
			fi
			pd=$out/prove-$v-$set
			echo "# proofs: $v (tools/prove-checks.sh --version $v --set $set ${only[*]})"
			bash "$SST_TOP/tools/prove-checks.sh" --version "$v" --set $set \
				--out "$pd" "${only[@]}" > "$pd.log" 2>&1 || true
			sed -n 's/^# \([^ ]*\): left out: /\1\t/p' "$pd.log" |
			while IFS=$'\t' read -r scn why; do
				echo "skip	proofs $v [$scn]	$why"
			done > "$pd.skips"
			while IFS=$'\t' read -r _ name why; do
				result skip "$name" "$why"
			done < "$pd.skips"
			proofs_results "$v" "$pd"
		done
	done
fi

# The unit tests that skipped in tier 1 for want of a Linux tree (the
# kernel's KTAP parser, the fix probes) or of lava-dispatcher: on a fresh
# machine the tiers since have provided them (seconds).
if [ $quick = 0 ] && [ ${#unit_skipped_first[@]} -gt 0 ]; then
	unit_tests "unit (again)" "${unit_skipped_first[@]}"
fi

{
	printf '%s\n' "${summary[@]}"
	echo "$pass passed, $fail failed, $skip skipped"
} > "$out/summary.txt"
echo
[ "$xfail" = 0 ] || echo "# $xfail expected failures (xfail): kernel bugs listed in findings/known.tsv, counted as passed: $(tr " " "\n" <<< "$seen_findings" | sort -u | paste -sd " ")"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
