#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shows every check failing on a kernel that has the bug and passing on one
# that does not. A scenario names what it proves (the check-* scenarios
# each prove their check class; default scenarios prove the checks they give
# a subject to on the CPU backend, what --host runs):
#   # proves: CHECK bug=N          bit N of swiotlb_bug= on the bug-switches
#                                  kernel (patches/bugs/V/bug-switches.patch),
#                                  where that patch declares "bit N"
#   # proves: CHECK finding=NAME   a stock-kernel bug in findings/: fails on
#                                  the Debian kernel it names, passes on the
#                                  newer one; used for the series it names,
#                                  when no bug line of the check applies
# Prints a table; exits 0 when every proof held.
set -euo pipefail

SST_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/lib/vm.sh
. "$SST_TOP/tools/lib/vm.sh"

usage() {
	cat <<EOF
usage: tools/prove-checks.sh [--version 5.10|6.1|6.12|7.2] [--arch amd64|arm64]
                             [--bug-kernel IMAGE --bug-kdir DIR]
                             [--clean-kernel IMAGE [--clean-kdir DIR]] [--out DIR]
                             [--set checks|default|all] [CHECK...]

--set: the scenarios whose '# proves:' lines are run: checks (default, the
scenarios/check-*.sh), default (the default scenarios), all. A scenario
that a known finding (findings/known.tsv) hangs or fails as a whole on the
stock kernel of the version is left out, with the reason: the stock kernel
cannot be its passing side. The stock kernel boots once per scenario.

Builds the bug-switches kernel with tools/build-kernel.sh unless given. The
clean kernel defaults to Debian's stock kernel of the same series: the one
in /boot, else (5.10, 7.2) the one Debian serves, fetched with its build
tree by tools/sst/debian.py (never installed).

--arch arm64: the scenarios of '# arch: arm64' (--set all: every one with
a '# proves:' line that arm64 runs), booted on QEMU virt. Both kernels are
built from linux-source with tools/kconfig/restricted-pool.config, which
Debian's arm64 kernels lack: the bug-switches kernel, and as the clean
kernel the same tree without the patch (the upstream code).
EOF
}

version=6.1 arch=amd64 bugk= bugkdir= cleank= cleankdir= out= only=() set=checks
while [ $# -gt 0 ]; do
	case $1 in
	--version) version=${2:?}; shift ;;
	--arch) arch=${2:?}; shift ;;
	--bug-kernel) bugk=${2:?}; shift ;;
	--bug-kdir) bugkdir=${2:?}; shift ;;
	--clean-kernel) cleank=${2:?}; shift ;;
	--clean-kdir) cleankdir=${2:?}; shift ;;
	--out) out=${2:?}; shift ;;
	--set) set=${2:?}; shift ;;
	-h|--help) usage; exit 0 ;;
	-*) usage >&2; exit 3 ;;
	*) only+=("$1") ;;
	esac
	shift
done

stock_kernel() { # SERIES: Debian's stock image of that series
	{ ls /boot/vmlinuz-"$1".* 2>/dev/null || true; } | sort -V | tail -n 1
}

# Debian's stock kernel of a series not in /boot: "IMAGE KDIR" from
# tools/sst/debian.py (cached under $SST_CACHE/debian).
debian_kernel() {
	local f
	f=$(cd "$SST_TOP/tools" && python3 -m sst.debian fetch "$1") || return 1
	printf '%s %s\n' "$(sed -n 's/^kernel: //p' <<< "$f")" "$(sed -n 's/^kdir: //p' <<< "$f")"
}

patch=$SST_TOP/patches/bugs/$version/bug-switches.patch
# has_bit N: the version's bug-switches patch puts back bug bit N.
has_bit() { [ -f "$patch" ] && grep -qE "^  bit $1 " "$patch"; }

case $arch in
amd64) karch=() ;;
arm64)
	karch=(--arch arm64 --config restricted-pool)
	[ "$set" != checks ] || set=arm64 ;;
*) echo "--arch: amd64 or arm64, not '$arch'" >&2; exit 3 ;;
esac
if [ -z "$bugk" ]; then
	[ -f "$patch" ] || { echo "no $patch" >&2; exit 3; }
	build=$("$SST_TOP/tools/build-kernel.sh" --version "$version" "${karch[@]}" --patch "$patch")
	bugk=$(sed -n 's/^kernel: //p' <<< "$build")
	bugkdir=$(sed -n 's/^kdir: //p' <<< "$build")
fi
if [ $arch = arm64 ] && [ -z "$cleank" ]; then
	build=$("$SST_TOP/tools/build-kernel.sh" --version "$version" "${karch[@]}")
	cleank=$(sed -n 's/^kernel: //p' <<< "$build")
	cleankdir=$(sed -n 's/^kdir: //p' <<< "$build")
fi
cleank=${cleank:-$(stock_kernel "$version")}
if [ -z "$cleank" ]; then
	read -r cleank cleankdir < <(debian_kernel "$version") || true
fi
[ -n "$cleank" ] || { echo "no stock $version kernel in /boot nor from Debian (tools/sst/debian.py fetch $version)" >&2; exit 3; }
out=${out:-$SST_TOP/results/prove-$version-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
echo "# results: $out"
echo "# bug kernel: $bugk"
echo "# clean kernel: $cleank${cleankdir:+ (kdir $cleankdir)}"

# verdict_of RESULTS CHECK: fail, pass, panic, timeout or missing.
verdict_of() {
	local r=$1 check=$2
	case $check in
	panic)
		grep -q ' scenario panic ' "$r" && { echo panic; return; }
		grep -q ' scenario timeout ' "$r" && { echo timeout; return; }
		echo pass; return ;;
	hang)
		grep -qE '\.(hang|storm) fail ' "$r" && { echo fail; return; }
		grep -q ' scenario timeout ' "$r" && { echo timeout; return; }
		grep -qE '\.hang pass ' "$r" && { echo pass; return; }
		echo missing; return ;;
	esac
	grep -qE "\\.$check fail " "$r" && { echo fail; return; }
	grep -qE "\\.$check pass " "$r" && { echo pass; return; }
	grep -q ' scenario panic ' "$r" && { echo panic; return; }
	echo missing
}

run_one() { # TAG KERNEL KDIR APPEND SCENARIO -> results.txt path
	local tag=$1 k=$2 kd=$3 app=$4 s=$5
	local -a kdopt=()
	[ -z "$kd" ] || kdopt=(--kdir "$kd")
	bash "$SST_TOP/tools/run.sh" --arch "$arch" --kernel "$k" "${kdopt[@]}" \
		${app:+--append "$app"} --timeout 150 --out "$out/$tag" "$s" \
		> "$out/$tag.log" 2>&1 || true
	echo "$out/$tag/results.txt"
}

# scenario_finding SCENARIO: the known finding that fails SCENARIO as a
# whole on this version's stock kernel, if any.
scenario_finding() {
	local kglob pat _ what
	while IFS=$'\t' read -r kglob pat _ what; do
		[[ $kglob == \#* ]] && continue
		# shellcheck disable=SC2053 # the columns are globs
		[[ $version.0 == $kglob && "$1: scenario" == $pat ]] && { echo "${what%%:*}"; return; }
	done < "$SST_TOP/findings/known.tsv"
	true
}

case $set in
checks) files=("$SST_TOP"/scenarios/check-*.sh) ;;
arm64) mapfile -t files < <(grep -l '^# arch: arm64' "$SST_TOP"/scenarios/*.sh) ;;
default | all)
	files=()
	for f in "$SST_TOP"/scenarios/*.sh; do
		grep -q '^# proves: ' "$f" || continue
		[ "$set" = all ] || grep -q '^# default: yes' "$f" || continue
		# A scenario of one architecture is proven on it alone.
		fa=$(sed -n 's/^# arch: //p' "$f")
		[ -z "$fa" ] || [ "$fa" = "$arch" ] || continue
		files+=("$f")
	done ;;
*) echo "--set: checks, default or all, not '$set'" >&2; exit 3 ;;
esac

rows=() bad=0
declare -A without_of=()
for f in "${files[@]}"; do
	s=$(basename "$f" .sh)
	proofs=$(sed -n 's/^# proves: //p' "$f")
	fnd=$(scenario_finding "$s")
	if [ -n "$fnd" ]; then
		echo "# $s: left out: stock $version has the finding $fnd for the whole scenario"
		continue
	fi
	while read -r check how; do
		[ -n "$check" ] || continue
		[ ${#only[@]} = 0 ] || [[ " ${only[*]} " == *" $check "* ]] || continue
		case $how in
		bug=*)
			bit=${how#bug=}
			if ! has_bit "$bit"; then
				echo "# $check: $s: bit $bit is not in $version's bug-switches patch"
				continue
			fi
			with_k=$bugk with_kd=$bugkdir with_app="swiotlb_bug=$((1 << bit))"
			without_k=$cleank without_kd=$cleankdir without_app=
			what="bug-switches bit $bit"
			;;
		finding=*)
			name=${how#finding=}
			series=${name%%-*}
			# A bug bit of this version proves the check instead.
			used=0
			while read -r c2 h2; do
				[ "$c2" = "$check" ] && [[ $h2 == bug=* ]] && has_bit "${h2#bug=}" && used=1
			done <<< "$proofs"
			[ $used = 0 ] || continue
			if [ "$series" != "$version" ]; then
				echo "# $check: $s: findings/$name.md is a $series finding, not $version's"
				continue
			fi
			with_k=$(stock_kernel "$series") with_kd= with_app=
			newer=$(ls /boot/vmlinuz-* | sort -V | tail -n 1)
			without_k=$newer without_kd= without_app=
			what="stock $(basename "$with_k") vs $(basename "$without_k") (findings/$name.md)"
			;;
		*) continue ;;
		esac
		echo "# $check: $s with $what"
		rw=$(run_one "$s-$check-with" "$with_k" "$with_kd" "$with_app" "$s")
		# The stock side is the same boot for every check of a scenario.
		wkey="$without_k|$without_app"
		if [ -z "${without_of[$s|$wkey]:-}" ]; then
			without_of[$s|$wkey]=$(run_one "$s-without-${#without_of[@]}" "$without_k" "$without_kd" "$without_app" "$s")
		fi
		rwo=${without_of[$s|$wkey]}
		vw=$(verdict_of "$rw" "$check" 2>/dev/null || echo missing)
		vwo=$(verdict_of "$rwo" "$check" 2>/dev/null || echo missing)
		if [ "$vwo" = pass ] && [ "$vw" != pass ] && [ "$vw" != missing ]; then
			res=proven
		else
			res=NOT-PROVEN
			bad=1
		fi
		rows+=("$(printf '%-16s %-26s %-9s %-9s %s  (%s)' "$check" "$s" "$vwo" "$vw" "$res" "$what")")
	done <<< "$proofs"
done

echo
printf '%-16s %-26s %-9s %-9s %s\n' check scenario without with result
printf '%s\n' "${rows[@]}" | tee "$out/table.txt"
exit $bad
