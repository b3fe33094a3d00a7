#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build-kernel.sh - build a small x86_64 or arm64 QEMU kernel from a
# Debian linux-source tarball, optionally with patches, for swiotlb_stress.
#
# Run with -h for usage.

set -euo pipefail

PROG=${0##*/}
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
KCONFIG_DIR=$SCRIPT_DIR/kconfig
SST_CACHE=${SST_CACHE:-/var/tmp/swiotlb_stress}

usage() {
	cat <<EOF
Usage: $PROG [OPTIONS]

Build a small x86_64 QEMU kernel (tinyconfig + tools/kconfig/qemu.config)
or an arm64 one (cross-built: tinyconfig + tools/kconfig/qemu-arm64.config)
from a Debian linux-source tarball, optionally with patches applied.

Options:
  --arch ARCH        amd64 (default) or arm64 (ARCH=arm64,
                     CROSS_COMPILE=aarch64-linux-gnu-: Debian's
                     gcc-aarch64-linux-gnu; the build dir's sst-make-args
                     names both, for tools/run.sh's module build)
  --version V        kernel series: 6.1 (default), 6.12, 5.10 or 7.2
  --source PATH      kernel source: a tarball (extracted once into the cache)
                     or an unpacked, clean source directory (used read-only).
                     Default: /usr/src/linux-source-V.tar.xz (the Debian
                     package linux-source-V is installed if missing and we
                     are root on Debian); for a series this system's apt
                     does not serve (5.10, 7.2), the linux-source-V of the
                     kernel Debian serves, fetched by tools/sst/debian.py
                     (private apt configuration, cached)
  --patch FILE       apply FILE with 'patch -p1' (repeatable, applied in
                     order; a directory means all its *.patch files, sorted)
  --config FRAGMENT  extra Kconfig fragment merged after qemu.config
                     (repeatable; a bare NAME means tools/kconfig/NAME.config)
  --name NAME        build name (default: V-qemu[-arm64][-<patch>...][-<fragment>...],
                     from the patch/fragment basenames without extension)
  --out DIR          output directory (default: \$SST_CACHE/kernels/NAME);
                     the O= build dir is DIR/build, a patched tree DIR/src
  -j N               parallel make jobs (default: nproc)
  -v, --verbose      also show make output on stderr (it always goes to
                     DIR/build.log)
  -h, --help         show this help

Cache: \${SST_CACHE:-/var/tmp/swiotlb_stress} (currently $SST_CACHE)
  src/linux-V/          pristine tree, extracted once per version
  kernels/NAME/src/     hard-link copy with the patches applied (only with
                        --patch; recreated only when the patch set changes)
  kernels/NAME/build/   O= build dir (kept; rebuilds are incremental)

Do not edit files in the cached trees in place: the patched copies share
inodes with the pristine tree. Put changes in a patch instead.

On success exactly two lines are printed on stdout:
  kernel: <path to bzImage, or arm64's Image>
  kdir: <O= build dir, usable as 'make -C KDIR M=\$PWD modules'>
Progress and diagnostics go to stderr.

Examples:
  $PROG
  $PROG --version 6.12 --patch patches/bugs/6.12/offset-loss.patch
  $PROG --version 6.1 --config debug -j 2
  $PROG --arch arm64 --version 6.12 --config restricted-pool
EOF
}

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

# --- arguments --------------------------------------------------------------

VERSION=6.1
SST_ARCH=amd64
SOURCE=
NAME=
OUT=
JOBS=$(nproc 2>/dev/null || echo 1)
VERBOSE=0
PATCHES=()
FRAGMENTS=()

need_arg() { [[ $# -ge 2 && -n $2 ]] || die "option $1 needs an argument (see -h)"; }

while [[ $# -gt 0 ]]; do
	case $1 in
	--version) need_arg "$@"; VERSION=$2; shift 2 ;;
	--version=*) VERSION=${1#*=}; shift ;;
	--arch) need_arg "$@"; SST_ARCH=$2; shift 2 ;;
	--arch=*) SST_ARCH=${1#*=}; shift ;;
	--source) need_arg "$@"; SOURCE=$2; shift 2 ;;
	--source=*) SOURCE=${1#*=}; shift ;;
	--patch) need_arg "$@"; PATCHES+=("$2"); shift 2 ;;
	--patch=*) PATCHES+=("${1#*=}"); shift ;;
	--config) need_arg "$@"; FRAGMENTS+=("$2"); shift 2 ;;
	--config=*) FRAGMENTS+=("${1#*=}"); shift ;;
	--name) need_arg "$@"; NAME=$2; shift 2 ;;
	--name=*) NAME=${1#*=}; shift ;;
	--out) need_arg "$@"; OUT=$2; shift 2 ;;
	--out=*) OUT=${1#*=}; shift ;;
	-j) need_arg "$@"; JOBS=$2; shift 2 ;;
	-j*) JOBS=${1#-j}; shift ;;
	-v | --verbose) VERBOSE=1; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; die "unknown argument: $1" ;;
	esac
done

[[ $VERSION =~ ^[0-9]+\.[0-9]+$ ]] || die "bad --version '$VERSION' (expected e.g. 6.1 or 6.12)"
case $VERSION in
5.10 | 6.1 | 6.12 | 7.2) ;;
*) log "warning: version $VERSION is untested (supported: 5.10, 6.1, 6.12, 7.2)" ;;
esac
[[ $JOBS =~ ^[1-9][0-9]*$ ]] || die "bad -j value '$JOBS'"
# Kbuild's ARCH, the base fragment, the image target and where it lands.
CROSS=
case $SST_ARCH in
amd64 | x86_64) SST_ARCH=amd64 ARCH=x86_64 BASE_FRAGMENT=$KCONFIG_DIR/qemu.config
	IMAGE_TARGET=bzImage IMAGE_PATH=arch/x86/boot/bzImage ;;
arm64 | aarch64) SST_ARCH=arm64 ARCH=arm64 BASE_FRAGMENT=$KCONFIG_DIR/qemu-arm64.config
	IMAGE_TARGET=Image IMAGE_PATH=arch/arm64/boot/Image CROSS=aarch64-linux-gnu- ;;
*) die "--arch: unknown architecture '$SST_ARCH' (amd64 or arm64)" ;;
esac
export ARCH

# --- preflight ----------------------------------------------------------------

check_tools() {
	local missing=() t
	for t in gcc make flex bison bc perl tar xz patch cp sha256sum flock; do
		command -v "$t" >/dev/null 2>&1 || missing+=("$t")
	done
	[[ -e /usr/include/gelf.h ]] || missing+=("libelf headers (gelf.h)")
	[[ -e /usr/include/openssl/opensslv.h ]] || missing+=("openssl headers")
	[[ -z $CROSS ]] || command -v "${CROSS}gcc" >/dev/null 2>&1 || missing+=("${CROSS}gcc")
	if [[ ${#missing[@]} -gt 0 ]]; then
		die "missing build tools: ${missing[*]}
  install with: apt-get install build-essential flex bison bc libelf-dev libssl-dev xz-utils patch${CROSS:+ gcc-aarch64-linux-gnu}"
	fi
}
check_tools

# sha256 of stdin, hex only
hash_stdin() { sha256sum | cut -d' ' -f1; }

abspath() { readlink -f -- "$1"; }

# Resolve patch arguments to absolute files (directories expand to *.patch).
PATCH_FILES=()
for p in "${PATCHES[@]}"; do
	if [[ -d $p ]]; then
		shopt -s nullglob
		dir_patches=("$p"/*.patch)
		shopt -u nullglob
		[[ ${#dir_patches[@]} -gt 0 ]] || die "no *.patch files in directory $p"
		for f in "${dir_patches[@]}"; do PATCH_FILES+=("$(abspath "$f")"); done
	elif [[ -f $p && -r $p ]]; then
		PATCH_FILES+=("$(abspath "$p")")
	else
		die "patch not found or unreadable: $p"
	fi
done

# Resolve fragments: path, or bare NAME -> tools/kconfig/NAME[.config].
FRAGMENT_FILES=()
for f in "${FRAGMENTS[@]}"; do
	if [[ -f $f ]]; then
		FRAGMENT_FILES+=("$(abspath "$f")")
	elif [[ $f != */* && -f $KCONFIG_DIR/$f.config ]]; then
		FRAGMENT_FILES+=("$KCONFIG_DIR/$f.config")
	elif [[ $f != */* && -f $KCONFIG_DIR/$f ]]; then
		FRAGMENT_FILES+=("$KCONFIG_DIR/$f")
	else
		die "config fragment not found: $f"
	fi
done
[[ -r $BASE_FRAGMENT ]] || die "base fragment missing: $BASE_FRAGMENT"

# Name component from a file name: basename minus extension, safe characters.
stem() {
	local b=${1##*/}
	b=${b%.patch}; b=${b%.diff}; b=${b%.config}
	printf '%s' "$b" | tr -c 'A-Za-z0-9._+-' '_'
}

if [[ -z $NAME ]]; then
	NAME=$VERSION-qemu
	[[ $SST_ARCH == amd64 ]] || NAME+=-$SST_ARCH
	for f in "${PATCH_FILES[@]}"; do NAME+=-$(stem "$f"); done
	for f in "${FRAGMENT_FILES[@]}"; do NAME+=-$(stem "$f"); done
fi
[[ $NAME =~ ^[A-Za-z0-9._+-]+$ ]] || die "bad --name '$NAME' (allowed: A-Z a-z 0-9 . _ + -)"

# Temporary directories removed on any exit (interrupt, failed patch, ...).
CLEANUP=()
cleanup() { [[ ${#CLEANUP[@]} -eq 0 ]] || rm -rf -- "${CLEANUP[@]}"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- source --------------------------------------------------------------------

DEFAULT_TARBALL=/usr/src/linux-source-$VERSION.tar.xz

# Does this system's apt have a candidate for package $1?
apt_serves() {
	command -v apt-cache >/dev/null || return 1
	apt-cache policy "$1" 2>/dev/null | grep -q '^ *Candidate: [^(]'
}

# The linux-source of the kernel Debian serves for $VERSION, from any suite,
# through tools/sst/debian.py (never the system's apt sources). Sets SOURCE.
debian_source() {
	local out
	log "linux-source-$VERSION is not in this system's apt; fetching it with tools/sst/debian.py"
	out=$(cd -- "$SCRIPT_DIR" && SST_CACHE=$SST_CACHE python3 -m sst.debian source "$VERSION") ||
		die "tools/sst/debian.py could not fetch linux-source-$VERSION"
	SOURCE=$(sed -n 's/^source: //p' <<<"$out")
	[[ -n $SOURCE && -e $SOURCE ]] || die "tools/sst/debian.py named no source for $VERSION"
	log "source: $SOURCE ($(sed -n 's/^version: //p' <<<"$out"), $(sed -n 's/^suite: //p' <<<"$out"))"
}

ensure_default_tarball() {
	[[ -f $DEFAULT_TARBALL ]] && { SOURCE=$DEFAULT_TARBALL; return 0; }
	local pkg=linux-source-$VERSION
	if ! apt_serves "$pkg"; then
		debian_source
		return 0
	fi
	if [[ $(id -u) -eq 0 && -f /etc/debian_version ]] && command -v apt-get >/dev/null; then
		log "$DEFAULT_TARBALL missing, installing Debian package $pkg"
		if ! DEBIAN_FRONTEND=noninteractive apt-get install -o DPkg::Lock::Timeout=600 -y "$pkg" >&2; then
			DEBIAN_FRONTEND=noninteractive apt-get update -o DPkg::Lock::Timeout=600 >&2 || true
			DEBIAN_FRONTEND=noninteractive apt-get install -o DPkg::Lock::Timeout=600 -y "$pkg" >&2 ||
				die "could not install $pkg"
		fi
		[[ -f $DEFAULT_TARBALL ]] || die "$pkg installed but $DEFAULT_TARBALL still missing"
		SOURCE=$DEFAULT_TARBALL
	else
		die "$DEFAULT_TARBALL not found.
  install it as root with: apt-get install $pkg
  or pass --source DIR_OR_TARBALL"
	fi
}

# Extract tarball $1 once into $2 (files get the extraction time as mtime, so
# a re-extracted, updated tarball forces a rebuild rather than stale objects).
extract_once() {
	local tarball=$1 dst=$2 id stamp tmp
	id="$(abspath "$tarball") $(stat -c '%s %Y' -- "$tarball")"
	stamp=$dst/.sst-pristine
	exec {src_lock}>"$dst.lock"
	flock "$src_lock"
	if [[ -f $stamp && $(<"$stamp") == "$id" ]]; then
		flock -u "$src_lock"
		return 0
	fi
	tmp=$dst.tmp.$$
	CLEANUP+=("$tmp")
	rm -rf -- "$tmp"
	mkdir -p -- "$tmp"
	log "extracting $tarball -> $dst (once per version)"
	tar -xf "$tarball" -C "$tmp" --strip-components=1 --touch || die "failed to extract $tarball"
	[[ -f $tmp/Makefile && -f $tmp/Kconfig ]] || die "$tarball does not look like a kernel source tarball"
	check_version "$tmp" "$tarball"
	printf '%s\n' "$id" >"$tmp/.sst-pristine"
	rm -rf -- "$dst"
	mv -- "$tmp" "$dst"
	flock -u "$src_lock"
}

# Die unless the tree in $1 is Linux $VERSION.
check_version() {
	local v
	v=$(sed -n -e 's/^VERSION = //p' -e 's/^PATCHLEVEL = //p' "$1/Makefile" | head -n 2 | paste -sd.)
	[[ $v == "$VERSION" ]] || die "source $2 is Linux $v, not $VERSION (use --version $v)"
}

mkdir -p -- "$SST_CACHE/src"
if [[ -z $SOURCE ]]; then
	ensure_default_tarball
fi
[[ -e $SOURCE ]] || die "source not found: $SOURCE"

if [[ -d $SOURCE ]]; then
	PRISTINE=$(abspath "$SOURCE")
	[[ -f $PRISTINE/Makefile && -f $PRISTINE/Kconfig ]] || die "$PRISTINE is not a kernel source tree"
	if [[ -e $PRISTINE/.config || -e $PRISTINE/include/config ]]; then
		die "$PRISTINE is not clean (has .config or include/config); O= builds need a clean tree"
	fi
	# Identity of a directory source: its path and the mtime of its Makefile.
	PRISTINE_ID="dir $PRISTINE $(stat -c '%Y' -- "$PRISTINE/Makefile")"
	check_version "$PRISTINE" "$SOURCE"
else
	# Debian names its tarballs linux-source-X.Y.tar.xz: catch a mismatch early.
	if [[ ${SOURCE##*/} =~ ^linux-source-([0-9]+\.[0-9]+)\.tar ]] && [[ ${BASH_REMATCH[1]} != "$VERSION" ]]; then
		die "source $SOURCE is Linux ${BASH_REMATCH[1]}, not $VERSION (use --version ${BASH_REMATCH[1]})"
	fi
	if [[ $(abspath "$SOURCE") == "$(abspath "$DEFAULT_TARBALL" 2>/dev/null || true)" ]]; then
		PRISTINE=$SST_CACHE/src/linux-$VERSION
	else
		PRISTINE=$SST_CACHE/src/linux-$VERSION-$(abspath "$SOURCE" | hash_stdin | cut -c1-12)
	fi
	extract_once "$SOURCE" "$PRISTINE"
	PRISTINE=$(abspath "$PRISTINE")
	PRISTINE_ID="tar $(<"$PRISTINE/.sst-pristine")"
fi

OUTDIR=${OUT:-$SST_CACHE/kernels/$NAME}
mkdir -p -- "$OUTDIR"
OUTDIR=$(abspath "$OUTDIR")
BUILD=$OUTDIR/build
LOG=$OUTDIR/build.log

# Serialise concurrent runs on the same output directory.
exec {out_lock}>"$OUTDIR/.lock"
flock -n "$out_lock" || { log "waiting for another build of $OUTDIR"; flock "$out_lock"; }

# --- patches ---------------------------------------------------------------------

PATCH_SUM=none
if [[ ${#PATCH_FILES[@]} -gt 0 ]]; then
	PATCH_SUM=$({
		printf '%s\n' "$PRISTINE_ID"
		for f in "${PATCH_FILES[@]}"; do sha256sum <"$f"; done
	} | hash_stdin)
fi

# Files named by "patching file X" lines of GNU patch output.
patched_files() {
	sed -n -e 's/^patching file //p' | sed -e 's/ (renamed from .*)$//' -e "s/^'\(.*\)'$/\1/"
}

prepare_patched_tree() {
	local tree=$OUTDIR/src stamp=$OUTDIR/src.stamp files=$OUTDIR/src.files
	local tmp=$OUTDIR/src.tmp.$$ f out
	if [[ -d $tree && -f $stamp && $(<"$stamp") == "$PATCH_SUM" ]]; then
		log "patched tree up to date ($tree)"
		return 0
	fi
	log "creating hard-link copy of $PRISTINE"
	CLEANUP+=("$tmp")
	rm -rf -- "$tmp"
	if ! cp -al -- "$PRISTINE" "$tmp" 2>/dev/null; then
		log "warning: hard links not possible (different filesystem?), making a full copy"
		rm -rf -- "$tmp"
		cp -a -- "$PRISTINE" "$tmp"
	fi
	rm -f -- "$tmp/.sst-pristine"
	: >"$tmp/.sst-files"
	for f in "${PATCH_FILES[@]}"; do
		log "applying ${f}"
		# GNU patch writes a new file and renames it over the old one, so
		# the hard-linked pristine inode is never modified.
		if ! out=$(cd -- "$tmp" && patch -p1 --batch --forward --no-backup-if-mismatch -i "$f" 2>&1); then
			printf '%s\n' "$out" >&2
			die "patch $f does not apply to $PRISTINE"
		fi
		printf '%s\n' "$out" | sed 's/^/    /' >&2
		printf '%s\n' "$out" | patched_files >>"$tmp/.sst-files"
	done
	# Files the previous patch set changed but this one does not: give them a
	# fresh private copy (new mtime) so make rebuilds them from pristine
	# content instead of keeping objects built from the old patched version.
	if [[ -f $files ]]; then
		while IFS= read -r f; do
			[[ -n $f && -f $PRISTINE/$f ]] || continue
			grep -qxF -- "$f" "$tmp/.sst-files" && continue
			cp --remove-destination -- "$PRISTINE/$f" "$tmp/$f"
		done <"$files"
	fi
	sort -u "$tmp/.sst-files" >"$files.new"
	rm -f -- "$tmp/.sst-files"
	rm -rf -- "$tree"
	mv -- "$tmp" "$tree"
	mv -- "$files.new" "$files"
	printf '%s\n' "$PATCH_SUM" >"$stamp"
}

if [[ ${#PATCH_FILES[@]} -gt 0 ]]; then
	prepare_patched_tree
	SRCTREE=$OUTDIR/src
else
	SRCTREE=$PRISTINE
fi

# --- configuration ------------------------------------------------------------

mkdir -p -- "$BUILD"
: >>"$LOG"

# Run make, output to the log (and stderr with -v); on failure show the tail.
run_make() {
	local rc=0
	printf '\n### %s make %s\n' "$(date -Is)" "$*" >>"$LOG"
	if [[ $VERBOSE -eq 1 ]]; then
		make -C "$SRCTREE" O="$BUILD" ARCH="$ARCH" ${CROSS:+CROSS_COMPILE=$CROSS} "$@" 2>&1 | tee -a "$LOG" >&2 || rc=$?
	else
		make -C "$SRCTREE" O="$BUILD" ARCH="$ARCH" ${CROSS:+CROSS_COMPILE=$CROSS} "$@" >>"$LOG" 2>&1 || rc=$?
	fi
	if [[ $rc -ne 0 ]]; then
		tail -n 40 "$LOG" >&2
		die "make $* failed (full log: $LOG)"
	fi
}

# Fragments are copied into the output dir (names without spaces for
# merge_config.sh, and a record of what was used).
FRAG_DIR=$OUTDIR/fragments
rm -rf -- "$FRAG_DIR"
mkdir -p -- "$FRAG_DIR"
MERGE=("$FRAG_DIR/00-qemu.config")
cp -- "$BASE_FRAGMENT" "${MERGE[0]}"
# What one series needs on top (tools/kconfig/qemu-V.config, if any).
if [[ -f $KCONFIG_DIR/qemu-$VERSION.config ]]; then
	cp -- "$KCONFIG_DIR/qemu-$VERSION.config" "$FRAG_DIR/00-qemu-$VERSION.config"
	MERGE+=("$FRAG_DIR/00-qemu-$VERSION.config")
fi
i=1
for f in "${FRAGMENT_FILES[@]}"; do
	dst=$(printf '%s/%02d-%s.config' "$FRAG_DIR" "$i" "$(stem "$f")")
	cp -- "$f" "$dst"
	MERGE+=("$dst")
	i=$((i + 1))
done
# uname -r tells which build booted: e.g. 6.1.192-sst-qemu-offset-loss.
localver=-sst-${NAME#"$VERSION"-}
# The kernel refuses a release string over 64 characters: keep the name's
# head and make the rest a hash of it, so it still tells builds apart.
if [ ${#localver} -gt 48 ]; then
	localver=${localver:0:39}-$(printf '%s' "$NAME" | md5sum | cut -c1-8)
fi
printf 'CONFIG_LOCALVERSION="%s"\n# CONFIG_LOCALVERSION_AUTO is not set\n' "$localver" >"$FRAG_DIR/99-localversion.config"
MERGE+=("$FRAG_DIR/99-localversion.config")

CONFIG_SUM=$({
	printf '%s\n%s\n%s\n' "$PRISTINE_ID" "$PATCH_SUM" "$SRCTREE"
	cat -- "${MERGE[@]}"
} | hash_stdin)
CONFIG_STAMP=$OUTDIR/config.stamp

if [[ -f $BUILD/.config && -f $CONFIG_STAMP && $(<"$CONFIG_STAMP") == "$CONFIG_SUM" ]]; then
	log "configuration up to date"
else
	log "configuring: tinyconfig + ${MERGE[*]##*/}"
	rm -f -- "$CONFIG_STAMP"
	run_make tinyconfig
	(cd -- "$BUILD" && CROSS_COMPILE=$CROSS "$SRCTREE/scripts/kconfig/merge_config.sh" -m -O "$BUILD" "$BUILD/.config" "${MERGE[@]}") >>"$LOG" 2>&1 ||
		die "merge_config.sh failed (log: $LOG)"
	run_make olddefconfig
	printf '%s\n' "$CONFIG_SUM" >"$CONFIG_STAMP"
fi

# Every value requested by a fragment (last one wins) must be in .config.
# "# CONFIG_X is not set" is satisfied by an unset or absent symbol.
verify_config() {
	local bad
	bad=$(awk '
		FNR == NR {
			if (match($0, /^CONFIG_[A-Za-z0-9_]+=/)) {
				sym = substr($0, 1, RLENGTH - 1); want[sym] = substr($0, RLENGTH + 1)
			} else if ($0 ~ /^# CONFIG_[A-Za-z0-9_]+ is not set$/) {
				want[$2] = "n"
			}
			next
		}
		match($0, /^CONFIG_[A-Za-z0-9_]+=/) {
			have[substr($0, 1, RLENGTH - 1)] = substr($0, RLENGTH + 1)
		}
		END {
			for (s in want) {
				h = (s in have) ? have[s] : "n"
				if (want[s] == "n" && (h == "n" || h == "")) continue
				if (want[s] == h) continue
				w = want[s] == "n" ? "# " s " is not set" : s "=" want[s]
				got = (s in have) ? s "=" have[s] : "not set"
				printf "  %s   (got: %s)\n", w, got
			}
		}' <(cat -- "${MERGE[@]}") "$BUILD/.config" | sort)
	if [[ -n $bad ]]; then
		rm -f -- "$CONFIG_STAMP"
		die "config values that did not stick (missing dependency or unknown symbol):
$bad"
	fi
}
verify_config
log "config verified ($(grep -c '^CONFIG_.*=' -- "$BUILD/.config") symbols set)"

# --- build ------------------------------------------------------------------------

log "building $NAME in $BUILD (-j$JOBS, log: $LOG)"
start=$SECONDS
run_make -j"$JOBS" "$IMAGE_TARGET" modules
log "build finished in $((SECONDS - start)) s"

KERNEL=$BUILD/$IMAGE_PATH
[[ -f $KERNEL ]] || die "no $IMAGE_TARGET produced ($KERNEL)"
[[ -f $BUILD/Module.symvers ]] || die "no Module.symvers in $BUILD (external modules would not build)"
# How tools/lib/build.sh builds a module against this tree: one make
# argument a line (a cross build names its ARCH and compiler).
if [[ -n $CROSS ]]; then
	printf 'ARCH=%s\nCROSS_COMPILE=%s\n' "$ARCH" "$CROSS" >"$BUILD/sst-make-args"
else
	rm -f -- "$BUILD/sst-make-args"
fi

{
	printf 'name: %s\narch: %s\nversion: %s\nrelease: %s\nsource: %s\nsrctree: %s\n' \
		"$NAME" "$SST_ARCH" "$VERSION" "$(cat "$BUILD/include/config/kernel.release" 2>/dev/null || echo '?')" \
		"$SOURCE" "$SRCTREE"
	for f in "${PATCH_FILES[@]}"; do printf 'patch: %s\n' "$f"; done
	for f in "${MERGE[@]}"; do printf 'config: %s\n' "$f"; done
	printf 'built: %s\n' "$(date -Is)"
} >"$OUTDIR/build-info.txt"

printf 'kernel: %s\n' "$KERNEL"
printf 'kdir: %s\n' "$BUILD"
