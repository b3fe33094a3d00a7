#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module's layers depend one way, read off the built objects with nm:
# an object may reference symbols defined in its own layer or a lower one,
# never in a higher one. So the device model links without the run spec,
# the stats, the checks, the engine or the control layer; the engine
# without the control layer.
#
# usage: tools/deps-check.sh [--objdir DIR | --kdir KDIR] [-v]
#
#   --objdir DIR  the objects of a module build (DIR/dev.o, ...): nm only
#   --kdir KDIR   build the module against KDIR in a temporary directory
#                 first (tools/lib/build.sh, W=1); the default KDIR is the
#                 running kernel's build tree, else the newest in
#                 /lib/modules
#   -v            print every object's dependencies (object -> objects)
#
# Exit 0: every edge points down. Exit 1: one "bad edge: LOW.o -> HIGH.o
# (symbol ...)" line per upward edge. Exit 2: the objects do not match the
# layers below (an object with no layer, or a layer's object missing), or
# usage.
set -euo pipefail

# The layers, bottom first: one line per layer, its objects' names.
LAYERS=(
	"dev profiles fake_nvme_dev fake_sas_dev edu rpool" # the device model
	"runspec"					# the run spec
	"stats"						# counters and latency
	"checks"					# the checks and verdicts
	"storm"						# the engine
	"debugfs_ctl"					# the control layer
	"swiotlb_stress"				# module init and exit
)

objdir="" kdir="" verbose=0
while [ $# -gt 0 ]; do
	case $1 in
	--objdir) objdir=$2; shift ;;
	--kdir) kdir=$2; shift ;;
	-v) verbose=1 ;;
	-h | --help) sed -n '3,22s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "deps-check: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done

tmp=""
trap '[ -z "$tmp" ] || rm -rf "$tmp"' EXIT
if [ -z "$objdir" ]; then
	SST_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	# shellcheck source=tools/lib/build.sh
	. "$SST_TOP/tools/lib/build.sh"
	if [ -z "$kdir" ]; then
		kdir=/lib/modules/$(uname -r)/build
		[ -e "$kdir/Makefile" ] ||
			kdir=$(printf '%s\n' /lib/modules/*/build | sort -V | tail -n 1)
	fi
	tmp=$(mktemp -d)
	sst_build_module "$kdir" "$tmp" > /dev/null || exit 2
	objdir=$tmp/src
fi

declare -A layer_of def_by
for i in "${!LAYERS[@]}"; do
	for o in ${LAYERS[$i]}; do
		layer_of[$o]=$i
	done
done

bad=0
for f in "$objdir"/*.o; do
	o=$(basename "$f" .o)
	case $o in *.mod | swiotlb-stress) continue ;; esac
	if [ -z "${layer_of[$o]+x}" ]; then
		echo "deps-check: $o.o has no layer: add it to LAYERS in $0" >&2
		bad=2
	fi
done
for o in "${!layer_of[@]}"; do
	if [ ! -e "$objdir/$o.o" ]; then
		echo "deps-check: $objdir/$o.o is missing (a layer names it)" >&2
		bad=2
	fi
done
[ $bad = 0 ] || exit 2

# Who defines each global symbol.
for o in "${!layer_of[@]}"; do
	while read -r _ _ sym; do
		def_by[$sym]=$o
	done < <(nm --defined-only --extern-only "$objdir/$o.o")
done

# Each object's references, by the object defining them.
for i in "${!LAYERS[@]}"; do
	for o in ${LAYERS[$i]}; do
		declare -A deps=()
		while read -r _ sym; do
			d=${def_by[$sym]:-}
			if [ -z "$d" ] || [ "$d" = "$o" ]; then
				continue
			fi
			deps[$d]=1
			if [ "${layer_of[$d]}" -gt "$i" ]; then
				echo "bad edge: $o.o -> $d.o (symbol $sym)"
				bad=1
			fi
		done < <(nm --undefined-only "$objdir/$o.o")
		if [ $verbose = 1 ]; then
			list=$(printf '%s\n' "${!deps[@]}" | sort | paste -sd ' ')
			echo "$o -> ${list:-(none)}"
		fi
		unset deps
	done
done
[ $bad = 0 ] || exit 1
echo "deps-check: ok, ${#LAYERS[@]} layers depend one way: the device model links without the checks, the engine or the control layer; the engine without the control layer"
