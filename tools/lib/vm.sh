#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# shellcheck disable=SC2034 # the VM_* results are read by the callers
#
# QEMU guests for swiotlb_stress: Debian packages, a busybox-static
# initramfs, a booted kernel with its serial console captured, and the
# sections a guest sends back over that console. Sourced by tools/run.sh
# and tools/test.sh (works under "set -euo pipefail"); defines vm_*
# functions and VM_* variables only, and changes no shell option.
#
#   vm_need_packages PKG...              install (root on Debian) or name
#                                        missing Debian packages
#   vm_build_initramfs OUT.cpio.gz DIR   busybox-static + /init + DIR as /sst
#   vm_boot --kernel IMAGE --initrd CPIO --log FILE [--append "ARGS"]
#           [--mem SIZE] [--smp N] [--timeout S] [--kvm] [--extra "ARGS"]
#   vm_extract_section LOG NAME          a section the guest sent back
#   vm_default_kernel                    newest /boot/vmlinuz-*
#   vm_kdir_for IMAGE                    its module build tree
#
#   vm_results_log LOG                   the file holding the guest's
#                                        protocol lines (LOG.results or LOG)
#
# Guest protocol. /init mounts proc, sysfs, devtmpfs, debugfs
# (/sys/kernel/debug) and a tmpfs on /tmp, prints "SST-GUEST-START", runs
# /sst/guest-main.sh (stdin /dev/null), prints "SST-GUEST-END rc=N" (N is
# its exit code, 127 if it is missing) and powers off. It leaves the
# console loglevel alone.
#
# The results channel (opt-in: VM_RESULTS_CHANNEL=1). vm_boot then gives
# an x86 guest a second serial port (/dev/ttyS1) written to LOG.results,
# and "sst.results=ttyS1" on the kernel command line. Off by default:
# on Debian's 6.1 the find-slots-hang scenario timed out in 3 boots of 3
# with it (main.sh stuck on CPU 0, soft lockup) and ended in 2 of 2
# without it; the cause is not known yet. When that port takes a write, /init sends its own
# SST-* lines and guest-main.sh's stdout there (SST_RESULTS_DEV names it
# in the guest's environment) and leaves stderr and the kernel's messages
# on the console, which then also gets a short "sst: ..." line as each
# scenario and storm starts (sst_note). Kernel messages cannot land in a
# result line there. Without the parameter or the port (--host, Xen dom0
# on hvc0, LAVA, a QEMU without it, VM_RESULTS_CHANNEL unset or 0),
# everything goes to the console as before, and LOG.results stays empty.
# vm_results_log says which file to read the protocol from.
#
# A guest sends a file back as lines between "SST-BEGIN NAME" and
# "SST-END NAME". On a shared console, kernel messages can land in the
# middle of it. vm_extract_section drops whole printk lines ("[  12.345678]
# ..." with printk.time=1), but one that lands mid-line breaks that line,
# so a guest script should lower the console loglevel while it sends
# sections, for instance:
#	echo 1 > /proc/sys/kernel/printk	# only KERN_EMERG on the console
#	echo "SST-BEGIN dmesg"; dmesg; echo "SST-END dmesg"
# and restore it afterwards if it wants kernel messages on the console.

# Set by vm_boot: the verdict (ok, fail, panic, timeout, qemu-error) and the
# exit code of /sst/guest-main.sh (empty without an SST-GUEST-END line).
VM_VERDICT=
VM_GUEST_RC=
# Set by vm_boot: 1 if the console shows a panic/oops/BUG, even when the
# guest went on to print SST-GUEST-END (the verdict does not say so then).
VM_OOPS=0
# Set by vm_boot: wall-clock seconds the QEMU run took.
VM_ELAPSED=0
# Set by vm_boot: what its watchdog had to do when the guest outlived
# --timeout: "term" (QEMU ended on SIGTERM), "kill" (it did not within
# the grace period and was SIGKILLed, VM_KILLED=1), or empty.
VM_WATCHDOG=
VM_KILLED=0
# Set by vm_boot: seconds from QEMU's start to the first "SST-STORM" and
# "SST-GUEST-START" lines on the console (empty: none seen).
VM_FIRST_STORM=
VM_GUEST_START=
# The guest's architecture: amd64 (q35, ttyS0) or arm64 (virt, ttyAMA0).
# VM_BUSYBOX: the busybox-static binary of that architecture for the
# initramfs (default /bin/busybox; another architecture's cannot run here,
# so its applet list is this host's busybox's, the same Debian 12 build).
VM_ARCH=${VM_ARCH:-amd64}
VM_BUSYBOX=${VM_BUSYBOX:-/bin/busybox}
# What vm_boot calls a panic or oops on the console.
VM_PANIC_RE='Kernel panic|BUG:|Oops:'

# The console reader (tools/sst/reader.py), found from this file.
VM_READER=$(cd "$(dirname "${BASH_SOURCE[0]}")/../sst" 2>/dev/null && pwd)/reader.py

# vm_need_packages PKG...: returns 0 when every Debian package is installed.
# As root on Debian, installs the missing ones with apt-get (apt-get update
# only when the install failed because the package lists are missing or
# stale). Otherwise says what to install on stderr and returns 1.
vm_need_packages() {
	local p out rc missing=()
	for p in "$@"; do
		[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] ||
			missing+=("$p")
	done
	[ ${#missing[@]} -gt 0 ] || return 0
	if [ "$(id -u)" != 0 ] || [ ! -r /etc/debian_version ] ||
		! command -v apt-get >/dev/null; then
		echo "missing Debian packages: ${missing[*]} (run: apt-get install ${missing[*]})" >&2
		return 1
	fi
	echo "# installing Debian packages: ${missing[*]}" >&2
	out=$(mktemp) || return 1
	rc=0
	# Another apt (a second tool of ours, unattended-upgrades) may hold
	# dpkg's lock: wait for it rather than fail.
	local -a lock=(-o DPkg::Lock::Timeout=600)
	DEBIAN_FRONTEND=noninteractive apt-get install "${lock[@]}" -y -q "${missing[@]}" \
		> "$out" 2>&1 || rc=$?
	cat "$out" >&2
	if [ $rc != 0 ] && grep -qE 'Unable to locate package|has no installation candidate|Failed to fetch|404 +Not Found' "$out"; then
		echo "# apt-get install failed for lack of package lists: apt-get update" >&2
		rc=0
		{ apt-get update "${lock[@]}" -q &&
			DEBIAN_FRONTEND=noninteractive apt-get install "${lock[@]}" -y -q "${missing[@]}"; } >&2 ||
			rc=$?
	fi
	rm -f "$out"
	if [ $rc != 0 ]; then
		echo "could not install Debian packages: ${missing[*]}" >&2
		return 1
	fi
}

# vm_default_kernel: prints the newest Debian kernel image in /boot.
vm_default_kernel() {
	local k newest
	newest=$(for k in /boot/vmlinuz-*; do
			if [ -f "$k" ]; then printf '%s\n' "$k"; fi
		done | sort -V | tail -n 1)
	if [ -z "$newest" ]; then
		echo "no kernel image in /boot (run: apt-get install linux-image-amd64)" >&2
		return 1
	fi
	printf '%s\n' "$newest"
}

# vm_kdir_for IMAGE: prints the build tree to build modules for IMAGE:
# /lib/modules/<version>/build for /boot/vmlinuz-<version> (a kernel built
# from source, DIR/arch/x86/boot/bzImage: DIR). Returns 1 and says what to
# install when there is none.
vm_kdir_for() {
	local img=${1:-} v d
	case $img in
	*/arch/x86/boot/bzImage | arch/x86/boot/bzImage | */arch/arm64/boot/Image | arch/arm64/boot/Image)
		d=$(dirname "$img")/../../..
		if [ -e "$d/Makefile" ]; then
			(cd "$d" && pwd)
			return 0
		fi
		echo "no build tree for $img: give its build directory" >&2
		return 1 ;;
	esac
	v=$(basename "$img")
	v=${v#vmlinuz-}
	if [ -n "$v" ] && [ "vmlinuz-$v" = "$(basename "$img")" ] &&
		[ -e "/lib/modules/$v/build/Makefile" ]; then
		printf '%s\n' "/lib/modules/$v/build"
		return 0
	fi
	case $img in
	*vmlinuz-*) echo "no build tree for $img: run apt-get install linux-headers-$v" >&2 ;;
	*) echo "no build tree for $img: not a /boot/vmlinuz-<version> image; give its build directory" >&2 ;;
	esac
	return 1
}

# The guest's /init (busybox sh).
vm_init_script() {
	cat <<'EOF'
#!/bin/sh
# /init of a swiotlb_stress guest, written by tools/lib/vm.sh.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
if ! mount -t devtmpfs devtmpfs /dev 2>/dev/null &&
	! grep -q '^devtmpfs /dev ' /proc/mounts; then
	mknod -m 600 /dev/console c 5 1 2>/dev/null
	mknod -m 666 /dev/null c 1 3 2>/dev/null
	mknod -m 660 /dev/ttyS0 c 4 64 2>/dev/null
fi
[ -c /dev/console ] && exec < /dev/console > /dev/console 2>&1
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
# The results channel: the port sst.results= names, if it takes a write
# (the first protocol line); else the console, as without the parameter.
res=
for w in $(cat /proc/cmdline); do
	case $w in sst.results=?*) res=/dev/${w#sst.results=} ;; esac
done
echo
if [ -n "$res" ] && [ -c "$res" ] && { echo SST-GUEST-START > "$res"; } 2>/dev/null; then
	exec 3> "$res"
	echo "sst: results on $res"
else
	[ -z "$res" ] || echo "sst: $res takes no write; results on the console"
	res=
	exec 3>&1
	echo SST-GUEST-START
fi
export SST_RESULTS_DEV=$res
if [ -f /sst/guest-main.sh ]; then
	if [ -x /sst/guest-main.sh ]; then
		/sst/guest-main.sh < /dev/null >&3
	else
		sh /sst/guest-main.sh < /dev/null >&3
	fi
	rc=$?
else
	echo "init: no /sst/guest-main.sh" >&3
	rc=127
fi
echo >&3
echo "SST-GUEST-END rc=$rc" >&3
# The last close of the port waits for its output to drain.
exec 3>&-
echo "sst: guest done, rc=$rc"
sync
poweroff -f
echo o > /proc/sysrq-trigger
while :; do sleep 1; done
EOF
}

# vm_build_initramfs OUT.cpio.gz PAYLOAD_DIR: writes a gzip'ed newc
# initramfs: /bin/busybox (busybox-static) with a /bin link per applet,
# /sbin /usr/bin /usr/sbin linked to /bin, /proc /sys /dev /tmp /run /root,
# the /init above, and the contents of PAYLOAD_DIR as /sst (modes kept).
# Needs no root; the same inputs give the same bytes.
vm_build_initramfs() (
	set -o pipefail
	out=${1:-} payload=${2:-}
	if [ -z "$out" ] || [ -z "$payload" ]; then
		echo "usage: vm_build_initramfs OUT.cpio.gz PAYLOAD_DIR" >&2
		exit 1
	fi
	if [ ! -d "$payload" ]; then
		echo "vm_build_initramfs: payload '$payload' is not a directory" >&2
		exit 1
	fi
	if ! /bin/busybox --list > /dev/null 2>&1; then
		echo "vm_build_initramfs: no /bin/busybox (run: apt-get install busybox-static)" >&2
		exit 1
	fi
	if file_out=$(LC_ALL=C file -L "$VM_BUSYBOX" 2>/dev/null) &&
		[[ $file_out == *dynamically* ]]; then
		echo "vm_build_initramfs: $VM_BUSYBOX is dynamically linked (run: apt-get install busybox-static)" >&2
		exit 1
	fi
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/vm-initramfs.XXXXXX") || exit 1
	trap 'rm -rf "$tmp"' EXIT
	st=$tmp/root
	mkdir -p "$st"/{bin,dev,proc,sys,tmp,run,root,sst,usr} &&
		ln -s bin "$st/sbin" && ln -s ../bin "$st/usr/bin" &&
		ln -s ../bin "$st/usr/sbin" &&
		cp "$VM_BUSYBOX" "$st/bin/busybox" || exit 1
	applets=$(/bin/busybox --list) || exit 1
	if command -v perl > /dev/null; then
		# One process instead of one ln per applet.
		# shellcheck disable=SC2086 # applet names have no blanks or globs
		(cd "$st/bin" && perl -e 'for (@ARGV) { -e || -l || symlink("busybox", $_) or die "$_: $!\n" }' $applets) || exit 1
	else
		for a in $applets; do
			[ -e "$st/bin/$a" ] || ln -s busybox "$st/bin/$a" || exit 1
		done
	fi
	cp -R --preserve=mode "$payload/." "$st/sst/" || exit 1
	vm_init_script > "$st/init" || exit 1
	chmod 0755 "$st/init" "$st"/{bin,dev,proc,sys,run,sst,usr} "$st/bin/busybox" &&
		chmod 1777 "$st/tmp" && chmod 0700 "$st/root" &&
		find "$st" -exec touch -h -d @0 {} + || exit 1
	(cd "$st" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
		cpio -o -0 -H newc --owner=0:0 --reproducible --quiet) |
		gzip -n -9 > "$tmp/initramfs.cpio.gz" || exit 1
	mv -f "$tmp/initramfs.cpio.gz" "$out" || exit 1
)

# vm_initramfs_with_env BASE.cpio.gz ENVFILE OUT.cpio.gz: BASE with a second
# gzip'ed newc archive appended that holds /sst/env = ENVFILE; the kernel
# unpacks both, the later file replacing the earlier.
vm_initramfs_with_env() (
	set -o pipefail
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/vm-env.XXXXXX") || exit 1
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/root/sst" && cp "$2" "$tmp/root/sst/env" &&
		chmod 0644 "$tmp/root/sst/env" && touch -d @0 "$tmp/root/sst/env" || exit 1
	(cd "$tmp/root" && printf 'sst/env\0' |
		cpio -o -0 -H newc --owner=0:0 --reproducible --quiet) |
		gzip -n > "$tmp/env.cpio.gz" || exit 1
	cat "$1" "$tmp/env.cpio.gz" > "$tmp/out" && mv -f "$tmp/out" "$3"
)

# vm_boot_guest ARGS...: vm_boot, booted once more when the kernel died
# before the guest's /init said a word (no "SST-INFO kernel" line): under
# TCG on a loaded host an early-boot oops unrelated to DMA (text patching,
# timer checks) happens now and then, and it says nothing about the kernel
# under test. The first console log is kept as LOG.first-boot; a kernel
# that dies again gives its verdict as usual.
vm_boot_guest() {
	local log='' a rc=0 prev=''
	for a in "$@"; do
		[ "${prev:-}" != --log ] || log=$a
		prev=$a
	done
	vm_boot "$@" || rc=$?
	if [ -n "$log" ] && [ "$VM_VERDICT" != ok ] && ! grep -aq '^SST-INFO kernel ' "$(vm_results_log "$log")"; then
		mv "$log" "$log.first-boot"
		local f
		for f in watchdog marks results; do
			[ ! -e "$log.$f" ] || mv "$log.$f" "$log.first-boot.$f"
		done
		echo "#   the kernel died before the guest started ($VM_VERDICT, $(grep -aE "$VM_PANIC_RE" "$log.first-boot" | head -n 1 | sed 's/^\[[^]]*\] //')); booting once more" >&2
		rc=0
		vm_boot "$@" || rc=$?
	fi
	return $rc
}

# vm_boot_opts FN MORE "$@": parses vm_boot's options for FN (vm_boot or
# a wrapper) into the caller's locals kernel, initrd, append, mem, smp,
# timeout, log, kvm and extra; MORE lists the wrapper's own "--name VALUE"
# options, each stored in the caller's local of that name ("-" read as
# "_"). Options named *append or --extra add to what is there, separated by
# a blank; the others replace. Returns 4, with the reason on stderr, for an
# unknown option or one without its value.
vm_boot_opts() {
	local fn=$1 more=" $2 " var
	shift 2
	while [ $# -gt 0 ]; do
		case $1 in
		--kvm) kvm=1; shift; continue ;;
		--kernel | --initrd | --append | --mem | --smp | --timeout | --log | --extra) ;;
		*)
			if [[ $1 != --* || $more != *" $1 "* ]]; then
				echo "$fn: unknown option '$1'" >&2
				return 4
			fi ;;
		esac
		if [ $# -lt 2 ]; then
			echo "$fn: $1 needs a value" >&2
			return 4
		fi
		var=${1#--}
		var=${var//-/_}
		case $1 in
		*append | --extra) printf -v "$var" '%s' "${!var:+${!var} }$2" ;;
		*) printf -v "$var" '%s' "$2" ;;
		esac
		shift 2
	done
}

# vm__now_us: the epoch time in microseconds.
vm__now_us() {
	local t=${EPOCHREALTIME:-}
	if [ -n "$t" ]; then
		echo "${t//[!0-9]/}"
	else
		echo "$(date +%s)000000"
	fi
}

# vm__watchdog QPID TIMEOUT GRACE FILE: run in the background by
# vm__run_qemu. Polls QPID (QEMU, the leader of its own process group)
# twice a second: if it is still there TIMEOUT seconds in, sends SIGTERM
# to it and its group; GRACE seconds later, SIGKILL to the pid, then the
# group. Each step is a line in FILE. If QEMU outlives SIGKILL by 5 s (a
# process stuck in the kernel), the watchdog sends SIGUSR1 to $VM__PARENT,
# whose wait then gives up on it. Ends when QPID is gone.
vm__watchdog() {
	local qpid=$1 t=$2 g=$3 f=$4 t0 now
	trap - INT TERM HUP USR1
	t0=$(vm__now_us)
	vm__alive() { kill -0 "$qpid" 2> /dev/null; }
	# The guest ended (an SST-GUEST-END on either channel, as the readers
	# mark it) 15 s ago and QEMU is still there: its poweroff hung, e.g.
	# on a CPU a hung DMA call keeps with interrupts off.
	vm__ended() {
		local e
		e=$(awk '$1 == "guest_end" { print int($2); exit }' "${f%.watchdog}.marks" 2> /dev/null)
		[ -n "$e" ] && [ $(( (now - t0) / 1000000 )) -ge $((e + 15)) ]
	}
	vm__until() { # SECONDS since t0 or the guest ended: 0; QEMU gone: 1
		while vm__alive; do
			now=$(vm__now_us)
			[ $((now - t0)) -lt $(($1 * 1000000)) ] || return 0
			[ "${2:-}" != ended ] || ! vm__ended || return 0
			sleep 0.5
		done
		return 1
	}
	vm__until "$t" ended || return 0
	if vm__ended; then
		echo "term at $(( ($(vm__now_us) - t0) / 1000000 ))s: the guest ended (SST-GUEST-END) 15 s ago but QEMU did not exit (its poweroff hung); SIGTERM to QEMU (pid $qpid) and its process group" >> "$f"
	else
		echo "term at $(( ($(vm__now_us) - t0) / 1000000 ))s: no SST-GUEST-END within --timeout ${t}s; SIGTERM to QEMU (pid $qpid) and its process group" >> "$f"
	fi
	local at=$(( ($(vm__now_us) - t0) / 1000000 ))
	kill -TERM "$qpid" 2> /dev/null || true
	kill -TERM -- "-$qpid" 2> /dev/null || true
	vm__until $((at + g)) || return 0
	echo "kill at $(( ($(vm__now_us) - t0) / 1000000 ))s: QEMU (pid $qpid) did not end within ${g}s of SIGTERM; SIGKILL to its pid, then its process group" >> "$f"
	kill -KILL "$qpid" 2> /dev/null || true
	kill -KILL -- "-$qpid" 2> /dev/null || true
	vm__until $((at + g + 5)) || return 0
	echo "gave up at $(( ($(vm__now_us) - t0) / 1000000 ))s: QEMU (pid $qpid) outlived SIGKILL by 5 s; vm_boot stops waiting for it" >> "$f"
	kill -USR1 "$VM__PARENT" 2> /dev/null || true
}

# vm__stop_group QPID: SIGTERM to QEMU and its group, SIGKILL 2 s later.
vm__stop_group() {
	local i
	kill -TERM "$1" 2> /dev/null || return 0
	kill -TERM -- "-$1" 2> /dev/null || true
	for i in 1 2 3 4; do
		sleep 0.5
		kill -0 "$1" 2> /dev/null || return 0
	done
	kill -KILL "$1" 2> /dev/null || true
	kill -KILL -- "-$1" 2> /dev/null || true
}

# vm__run_qemu TMP LOG TIMEOUT GRACE QEMU ARGS...: runs QEMU in a process
# group of its own, its output through the FIFO TMP/console to the console
# reader, under vm__watchdog; sets VM__QRC to QEMU's exit code. If there
# is a FIFO TMP/results (the results channel QEMU writes), a second reader
# copies it to LOG.results, with its time marks in the same LOG.marks. On SIGINT,
# SIGTERM or SIGHUP, stops QEMU, the watchdog and the reader, puts back
# the caller's traps and sends the signal to this shell again.
vm__run_qemu() {
	local tmp=$1 log=$2 t=$3 g=$4 qpid='' rpid='' rrpid='' wpid='' rc saved
	shift 4
	VM__QRC=255 VM__GIVEUP=0 VM__PARENT=$BASHPID
	vm__reader "$tmp/console" "$log" &
	rpid=$!
	if [ -p "$tmp/results" ]; then
		vm__reader "$tmp/results" "$log.results" &
		rrpid=$!
	fi
	saved=$(trap -p INT TERM HUP USR1)
	# The pids are the caller's locals below: a trap sees them.
	trap 'vm__on_signal INT' INT
	trap 'vm__on_signal TERM' TERM
	trap 'vm__on_signal HUP' HUP
	trap 'VM__GIVEUP=1' USR1
	# Its own process group (setpgid, same session): the watchdog can
	# kill all of it, and ^C reaches this shell, which stops it.
	perl -e 'setpgrp(0, 0) or die "setpgrp: $!\n"; exec { $ARGV[0] } @ARGV or die "exec $ARGV[0]: $!\n"' \
		"$@" < /dev/null > "$tmp/console" 2>&1 &
	qpid=$!
	vm__watchdog "$qpid" "$t" "$g" "$log.watchdog" < /dev/null > /dev/null 2>&1 &
	wpid=$!
	while :; do
		rc=0
		# (2>: no "Killed" notice from the shell for a SIGKILLed QEMU)
		wait "$qpid" 2> /dev/null || rc=$?
		if [ "$VM__GIVEUP" = 1 ]; then
			rc=137
			break
		fi
		# wait returns early for a trapped signal: is QEMU gone?
		kill -0 "$qpid" 2> /dev/null || break
	done
	VM__QRC=$rc
	# Nothing of its process group outlives QEMU (and the watchdog may
	# be stopped below between its kill of the pid and of the group).
	kill -KILL -- "-$qpid" 2> /dev/null || true
	kill "$wpid" 2> /dev/null || true
	wait "$wpid" 2> /dev/null || true
	vm__reap_reader "$rpid"
	[ -z "$rrpid" ] || vm__reap_results_reader "$rrpid" "$tmp/results"
	# The caller's traps, as they were (trap -p lists the set ones).
	trap - INT TERM HUP USR1
	eval "${saved:-}"
	return 0
}

# vm__reader FIFO LOG: copies what QEMU writes to FIFO to LOG, carriage
# returns dropped: Python (time marks in LOG's marks file, named after the
# console log) or, without python3, sed.
vm__reader() {
	local -a rd=()
	if command -v python3 > /dev/null && [ -r "$VM_READER" ]; then
		rd=(python3 -u "$VM_READER" "$2" --marks "${2%.results}.marks" --t0 "${EPOCHREALTIME:-$(date +%s)}")
		[ "${VM_VERBOSE:-0}" != 1 ] || rd+=(--echo)
		exec "${rd[@]}" < "$1"
	elif [ "${VM_VERBOSE:-0}" = 1 ]; then
		sed -u 's/\r//g' < "$1" | tee "$2"
	else
		exec sed -u 's/\r//g' < "$1" > "$2"
	fi
}

# vm__reap_results_reader PID FIFO: as vm__reap_reader; a QEMU that ended
# before it opened the results FIFO leaves its reader waiting in open(),
# so the FIFO is opened (read-write: no wait) and closed once first.
vm__reap_results_reader() {
	{ : 1<> "$2"; } 2> /dev/null || true
	vm__reap_reader "$1"
}

# vm__reap_reader PID: the reader ends once QEMU's output is closed; it
# gets 2 s, then is killed.
vm__reap_reader() {
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$1" 2> /dev/null || break
		sleep 0.2
	done
	kill "$1" 2> /dev/null || true
	wait "$1" 2> /dev/null || true
}

# vm__on_signal SIG: the trap of vm__run_qemu (its locals qpid, wpid, rpid,
# tmp, saved are in scope).
vm__on_signal() {
	local sig=$1
	echo "vm_boot: SIG$sig: stopping QEMU" >&2
	[ -z "${qpid:-}" ] || vm__stop_group "$qpid"
	[ -z "${wpid:-}" ] || kill "$wpid" 2> /dev/null || true
	[ -z "${rpid:-}" ] || vm__reap_reader "$rpid"
	[ -z "${rrpid:-}" ] || vm__reap_results_reader "$rrpid" "$tmp/results"
	[ -z "${tmp:-}" ] || rm -rf "$tmp"
	trap - INT TERM HUP USR1
	eval "${saved:-}"
	kill -s "$sig" "$BASHPID"
	# A caller's trap that returns: vm_boot ends as an error.
	exit 130
}

# vm_boot --kernel IMAGE --initrd CPIO --log FILE [--append "ARGS"]
#         [--mem SIZE] [--smp N] [--timeout SECONDS] [--grace SECONDS]
#         [--kvm] [--extra "QEMU ARGS"]
# Boots IMAGE in qemu-system-x86_64 (q35, TCG with -cpu max; --kvm: KVM
# with -cpu host, which hangs or aborts on some hosts) with kernel
# parameters "console=ttyS0 panic=5 loglevel=7 printk.time=1 ARGS". The
# serial console, without carriage returns, goes to FILE, and to stdout
# too when VM_VERBOSE=1. --extra is split at blanks (no quoting). The
# results channel (with VM_RESULTS_CHANNEL=1: a second serial port and
# "sst.results=ttyS1", see the top of this file) goes to FILE.results
# likewise.
# Defaults: --mem 2G --smp 2 --timeout 600 --grace $VM_GRACE (5).
# $SST_QEMU names the QEMU binary (default qemu-system-x86_64).
# VM_ARCH=arm64: qemu-system-aarch64 -machine virt, console=ttyAMA0.
#
# The wall time is bounded by construction (vm__watchdog): QEMU runs in a
# process group of its own, and a watchdog process, which waits on no
# pipe and on no answer from QEMU, sends it SIGTERM after SECONDS and,
# SECONDS + GRACE in, SIGKILLs its pid and then its process group. What
# the watchdog had to do is in FILE.watchdog, VM_WATCHDOG (term or kill)
# and VM_KILLED (1: SIGKILL was needed). The console reader ends when
# QEMU's output closes; vm_boot gives it 2 s more, then kills it. ^C (or
# SIGTERM, SIGHUP) stops QEMU the same way, then reaches the caller.
# Returns, and sets VM_VERDICT to:
#   0 ok          SST-GUEST-END rc=0
#   1 fail        SST-GUEST-END rc=N, N != 0 (VM_GUEST_RC=N)
#   2 panic       no SST-GUEST-END; the console shows a panic, an oops or
#                 a BUG (or the guest reset or stopped without a word)
#   3 timeout     no SST-GUEST-END within SECONDS: the guest hung
#   4 qemu-error  QEMU failed (bad kernel path, bad option, ...), or bad
#                 arguments to vm_boot
# VM_FIRST_STORM: seconds from QEMU's start to the guest's first
# "SST-STORM" line (empty if none; VM_GUEST_START likewise for
# "SST-GUEST-START"), from the reader's FILE.marks.
vm_boot() {
	local kernel='' initrd='' append='' mem=2G smp=2 timeout=600 log='' kvm=0 extra=''
	local grace=${VM_GRACE:-5} qemu_bin=${SST_QEMU:-qemu-system-x86_64}
	local machine=q35 console=ttyS0
	local -a accel extra_args=()
	case $VM_ARCH in
	amd64) ;;
	arm64) qemu_bin=${SST_QEMU:-qemu-system-aarch64} machine=virt console=ttyAMA0 ;;
	*) echo "vm_boot: VM_ARCH '$VM_ARCH': amd64 or arm64" >&2; return 4 ;;
	esac
	VM_VERDICT=qemu-error VM_GUEST_RC='' VM_OOPS=0 VM_ELAPSED=0
	VM_KILLED=0 VM_WATCHDOG='' VM_FIRST_STORM='' VM_GUEST_START=''
	vm_boot_opts vm_boot '--grace' "$@" || return 4
	if [ -z "$kernel" ] || [ -z "$initrd" ] || [ -z "$log" ]; then
		echo "vm_boot: --kernel, --initrd and --log are needed" >&2
		return 4
	fi
	if ! [[ $timeout =~ ^[1-9][0-9]*$ ]]; then
		echo "vm_boot: --timeout needs seconds, not '$timeout'" >&2
		return 4
	fi
	if ! [[ $grace =~ ^[1-9][0-9]*$ ]]; then
		echo "vm_boot: --grace (VM_GRACE) needs seconds, not '$grace'" >&2
		return 4
	fi
	read -r -a extra_args <<< "$extra" || true
	if [ $kvm = 1 ]; then
		accel=(-accel kvm -cpu host)
	else
		accel=(-accel tcg -cpu max)
	fi
	# "-sst-rpool SIZE" (vm_qemu_meta_args' rpool) and "-sst-dts FILE"
	# (vm_boot_xen on arm64): virt's own devicetree for this machine,
	# memory and CPUs, with the restricted pool and FILE's nodes added,
	# kept beside the log as FILE.dts and FILE.dtb.
	local i rsize=''
	local -a dts=() rest=()
	for ((i = 0; i < ${#extra_args[@]}; i++)); do
		case ${extra_args[$i]} in
		-sst-rpool) rsize=${extra_args[$((i + 1))]:-}; i=$((i + 1)) ;;
		-sst-dts) dts+=("${extra_args[$((i + 1))]:-}"); i=$((i + 1)) ;;
		*) rest+=("${extra_args[$i]}") ;;
		esac
	done
	extra_args=("${rest[@]}")
	if [ -n "$rsize" ] || [ ${#dts[@]} -gt 0 ]; then
		if ! vm_devicetree "$log.dtb" "$rsize" "${dts[*]}" "$qemu_bin" -machine "$machine" \
			"${accel[@]}" -m "$mem" -smp "$smp" "${extra_args[@]}"; then
			echo "vm_boot: cannot make the devicetree: $(tail -n 1 "$log.dtb.err" 2>/dev/null)" >&2
			return 4
		fi
		extra_args+=(-dtb "$log.dtb")
	fi

	local qrc start=$SECONDS tmp
	local -a res_args=()
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/vm-boot.XXXXXX") || return 4
	rm -f "$log.watchdog" "$log.marks" "$log.results"
	if ! : > "$log"; then
		echo "vm_boot: cannot write the log '$log'" >&2
		rm -rf "$tmp"
		return 4
	fi
	mkfifo "$tmp/console" || { rm -rf "$tmp"; return 4; }
	if vm__results_channel "$qemu_bin"; then
		mkfifo "$tmp/results" || { rm -rf "$tmp"; return 4; }
		# ttyS1 after the console's ttyS0; the guest's /init reads
		# where from the kernel command line.
		res_args=(-serial "file:$tmp/results")
		append="sst.results=ttyS1${append:+ $append}"
	fi
	vm__run_qemu "$tmp" "$log" "$timeout" "$grace" \
		"$qemu_bin" -machine "$machine" "${accel[@]}" \
		-m "$mem" -smp "$smp" -nographic -no-reboot \
		-serial stdio "${res_args[@]}" -monitor none -display none \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=$console panic=5 loglevel=7 printk.time=1${append:+ $append}" \
		"${extra_args[@]}"
	qrc=$VM__QRC
	rm -rf "$tmp"
	VM_ELAPSED=$((SECONDS - start))
	if [ -s "$log.watchdog" ]; then
		VM_WATCHDOG=term
		if grep -q '^kill ' "$log.watchdog"; then
			VM_WATCHDOG=kill VM_KILLED=1
		fi
		# What timeout(1) would have said: 124 stopped, 137 killed.
		qrc=124
		[ $VM_KILLED = 0 ] || qrc=137
		echo "vm_boot: $(tail -n 1 "$log.watchdog")" >&2
	fi
	if [ -s "$log.marks" ]; then
		VM_FIRST_STORM=$(awk '$1 == "first_storm" { print $2; exit }' "$log.marks")
		VM_GUEST_START=$(awk '$1 == "guest_start" { print $2; exit }' "$log.marks")
	fi

	# The results channel's copy of the kernel log ("| " lines of the
	# guest's dmesg sections) counts as the console's did.
	local proto
	proto=$(vm_results_log "$log")
	grep -aqE "$VM_PANIC_RE" "$log" && VM_OOPS=1
	[ "$proto" = "$log" ] || ! grep -aqE "$VM_PANIC_RE" "$proto" || VM_OOPS=1
	VM_GUEST_RC=$(grep -aoE 'SST-GUEST-END rc=[0-9]+' "$proto" | tail -n 1 |
		sed 's/.*rc=//') || true
	if [ -n "$VM_GUEST_RC" ]; then
		if [ "$VM_GUEST_RC" = 0 ]; then
			VM_VERDICT=ok
			return 0
		fi
		VM_VERDICT=fail
		return 1
	fi
	# A soft-lockup report is the watchdog naming a hang, not a crash:
	# a guest that then stops answering hung.
	local -a logs=("$log")
	[ "$proto" = "$log" ] || logs+=("$proto")
	if [ $VM_OOPS = 1 ] && { [ "$qrc" != 124 ] && [ "$qrc" != 137 ] ||
	     grep -ahE "$VM_PANIC_RE" "${logs[@]}" | grep -qav 'BUG: soft lockup'; }; then
		VM_VERDICT=panic
		return 2
	fi
	case $qrc in
	124 | 137)
		VM_VERDICT=timeout
		return 3 ;;
	0)
		# QEMU ended normally but the guest never said it was done: it
		# reset (-no-reboot) or powered off on its own.
		echo "vm_boot: the guest stopped without SST-GUEST-END (see $log)" >&2
		VM_VERDICT=panic
		return 2 ;;
	esac
	local why
	why=$(grep -a 'qemu' "$log" | tail -n 3 | paste -sd ' ') || true
	[ -n "$why" ] || why=$(tail -n 3 "$log" | paste -sd ' ') || true
	echo "vm_boot: QEMU failed (exit $qrc): $why" >&2
	VM_VERDICT=qemu-error
	return 4
}

# vm_results_log LOG: prints the file holding the guest's protocol lines of
# the boot logged to LOG: LOG.results when it has one (a line opening with
# "SST-"), else LOG (no results channel, or the guest did not use it).
vm_results_log() {
	if [ -f "$1.results" ] && grep -aq '^SST-' "$1.results"; then
		printf '%s\n' "$1.results"
	else
		printf '%s\n' "$1"
	fi
}

# vm__results_channel QEMU: true when vm_boot gives this guest a results
# channel: VM_RESULTS_CHANNEL=1 (opt-in, see the top of this file) and a
# QEMU for x86 (its second 8250 UART is ttyS1; the other machines' ports
# differ).
vm__results_channel() {
	[ "${VM_RESULTS_CHANNEL:-0}" = 1 ] || return 1
	case ${1##*/} in
	qemu-system-x86_64* | qemu-system-i386*) return 0 ;;
	esac
	return 1
}

# vm_extract_section LOG NAME: prints the lines between "SST-BEGIN NAME" and
# "SST-END NAME" in a console log (in LOG.results instead when the guest
# used the results channel: vm_results_log), without the printk lines
# ("[ 1.234] ...") that interleaved. A section sent more than once is printed each time. An
# unterminated section (the guest died while sending it) is printed up to
# the end of the log, with a warning. Returns 1 if there is no such section.
vm_extract_section() {
	local log=${1:-} name=${2:-}
	if [ ! -r "$log" ] || [ -z "$name" ]; then
		echo "vm_extract_section: usage: vm_extract_section LOG NAME (LOG readable)" >&2
		return 1
	fi
	VM_SECTION=$name awk '
		BEGIN { name = ENVIRON["VM_SECTION"] }
		{ sub(/\r$/, "") }
		$0 == "SST-BEGIN " name { on = 1; found = 1; next }
		on && $0 == "SST-END " name { on = 0; next }
		on && $0 !~ /^\[ *[0-9]+\.[0-9]+\]/ { print }
		END {
			if (on)
				printf "vm_extract_section: section %s is not terminated\n", name > "/dev/stderr"
			exit !found
		}' "$(vm_results_log "$log")"
}

# ---- QEMU devices for the edu backend (edu.c) ----
#
# vm_edu_args COUNT [DMA_MASK]: QEMU arguments for COUNT "edu" PCI devices
# (hw/misc/edu.c, 1234:11e8) whose DMA engines reach DMA_MASK (default all
# 64 bits; QEMU's own default is 28 bits, below most bounce pools).
vm_edu_args() {
	local n=${1:-} mask=${2:-0xffffffffffffffff} i out=''
	if ! [[ $n =~ ^[1-8]$ ]] || ! [[ $mask =~ ^0x[0-9a-fA-F]{1,16}$ ]]; then
		echo "vm_edu_args: usage: vm_edu_args COUNT(1-8) [DMA_MASK(0x hex)]" >&2
		return 1
	fi
	for ((i = 0; i < n; i++)); do
		out+="${out:+ }-device edu,dma_mask=$mask"
	done
	printf '%s\n' "$out"
}

# vm_viommu_args strict|lazy: QEMU arguments for an emulated IOMMU. amd64:
# Intel's, which must come before the PCI devices it translates for.
# Interrupt remapping stays off: TCG has no split irqchip, and DMA
# remapping is what the checks need. VM_ARCH=arm64: virt's SMMUv3 in front
# of its PCIe root complex (a second -machine, which QEMU merges with
# vm_boot's "-machine virt").
vm_viommu_args() {
	case ${1:-}:${VM_ARCH:-amd64} in
	strict:arm64 | lazy:arm64) echo "-machine iommu=smmuv3" ;;
	strict:* | lazy:*) echo "-device intel-iommu,intremap=off" ;;
	*) echo "vm_viommu_args: usage: vm_viommu_args strict|lazy" >&2; return 1 ;;
	esac
}

# vm_viommu_append strict|lazy: the kernel parameters that go with it:
# IOMMU on, DMA domains (not passthrough), strict or lazy (flush queue)
# IOTLB invalidation. arm64's SMMUv3 needs no switch (intel_iommu= is x86's).
vm_viommu_append() {
	local on=intel_iommu=on
	[ "${VM_ARCH:-amd64}" != arm64 ] || on=
	case ${1:-} in
	strict) echo "$on${on:+ }iommu.passthrough=0 iommu.strict=1" ;;
	lazy) echo "$on${on:+ }iommu.passthrough=0 iommu.strict=0" ;;
	*) echo "vm_viommu_append: usage: vm_viommu_append strict|lazy" >&2; return 1 ;;
	esac
}

# vm_qemu_meta_args "edu=N[,MASK] viommu=strict|lazy vblk rpool[=SIZE]": the QEMU arguments a
# scenario's "# qemu:" line asks for, IOMMU first. vblk: a virtio-blk disk
# on virt's virtio-mmio transport (arm64), the raw image $VM_VBLK_IMG
# (tools/run.sh writes its pattern), with VIRTIO_F_ACCESS_PLATFORM
# (iommu_platform=on): without it virtio bypasses the DMA API and nothing
# would bounce. That is feature bit 33, which only a virtio 1.0 transport
# carries: QEMU's virtio-mmio is legacy (version 1, 32 feature bits)
# unless force-legacy=false. rpool (arm64): a restricted DMA pool of SIZE
# bytes (default 1 MiB) in the devicetree, vm_boot's -sst-rpool (see
# vm_devicetree).
vm_qemu_meta_args() {
	local w iommu='' edu='' disk='' rpool=''
	for w in ${1:-}; do
		case $w in
		viommu=*) iommu=$(vm_viommu_args "${w#viommu=}") || return 1 ;;
		rpool | rpool=*)
			# Elsewhere no devicetree: the scenario skips itself.
			[ "${VM_ARCH:-amd64}" = arm64 ] || continue
			w=${w#rpool}
			rpool="-sst-rpool ${w#=}"
			[ -n "${w#=}" ] || rpool="-sst-rpool 0x100000" ;;
		vblk) disk="-global virtio-mmio.force-legacy=false -drive if=none,file=${VM_VBLK_IMG:-vblk.img},format=raw,id=vblk0 -device virtio-blk-device,drive=vblk0,iommu_platform=on" ;;
		edu=*) w=${w#edu=}
			if [[ $w == *,* ]]; then
				edu=$(vm_edu_args "${w%%,*}" "${w#*,}") || return 1
			else
				edu=$(vm_edu_args "$w") || return 1
			fi ;;
		*) echo "vm_qemu_meta_args: unknown '$w' (edu=N[,MASK] viommu=strict|lazy vblk rpool[=SIZE])" >&2; return 1 ;;
		esac
	done
	echo "$iommu $edu $disk $rpool" | xargs
}

# vm_devicetree OUT RPOOL_SIZE "FRAGMENTS" QEMU ARGS...: virt's devicetree
# as QEMU ARGS make it (-machine dumpdtb), with, when RPOOL_SIZE is not
# empty, a restricted DMA pool added (field report 004; see below), and
# the nodes of each devicetree source fragment named (blank-separated)
# merged in. OUT.dts is the source; 1 with the reason in OUT.err when QEMU
# or dtc fails. The pool: a reserved-memory node compatible "restricted-dma-pool" of SIZE
# bytes (hex or decimal; the kernel places it, 1 MiB aligned), the
# platform device "swiotlb-stress,restricted-dma" whose memory-region
# names it (dma-coherent, as virt's virtio-mmio devices are), and a second
# such device whose memory-region names a plain no-map reservation: the
# module must refuse that one with the reason.
vm_devicetree() {
	local out=$1 size=$2 frags=$3 qemu=$4 f
	shift 4
	rm -f "$out" "$out.dts" "$out.err"
	if [ -n "$size" ] && ! [[ $size =~ ^(0x[0-9a-fA-F]+|[1-9][0-9]*)$ ]]; then
		echo "rpool: size '$size' is not a number of bytes" > "$out.err"
		return 1
	fi
	"$qemu" "$@" -machine dumpdtb="$out.base" -nographic -display none \
		-monitor none -serial none > "$out.err" 2>&1 || return 1
	dtc -q -I dtb -O dts -o "$out.dts" "$out.base" 2>> "$out.err" || return 1
	rm -f "$out.base"
	for f in $frags; do
		{ echo; echo "/* $f */"; sed '/^\/dts-v1\/;/d' "$f"; } >> "$out.dts" || return 1
	done
	[ -z "$size" ] || vm__rpool_nodes "$(printf '0x%x' "$size")" >> "$out.dts"
	dtc -q -I dts -O dtb -o "$out" "$out.dts" 2>> "$out.err"
}

# vm__rpool_nodes SIZE: vm_devicetree's restricted-pool nodes.
vm__rpool_nodes() {
	local size=$1
	cat <<EOF

/* swiotlb_stress: restricted DMA pools (tools/lib/vm.sh vm_devicetree). */
/ {
	reserved-memory {
		#address-cells = <2>;
		#size-cells = <2>;
		ranges;

		sst_rpool: sst-restricted-pool {
			compatible = "restricted-dma-pool";
			size = <0x0 $size>;
			alignment = <0x0 0x100000>;
		};

		sst_plain: sst-plain-reservation {
			size = <0x0 0x100000>;
			alignment = <0x0 0x100000>;
			no-map;
		};
	};

	sst-rpool {
		compatible = "swiotlb-stress,restricted-dma";
		memory-region = <&sst_rpool>;
		dma-coherent;
	};

	sst-rpool-bad {
		compatible = "swiotlb-stress,restricted-dma";
		memory-region = <&sst_plain>;
		dma-coherent;
	};
};
EOF
}

# vm_debian_kernels SPEC [ARCH]: fetches the Debian kernels SPEC names (debian:SPEC,
# see tools/sst/debian.py) into the cache and prints one "IMAGE KDIR" line
# each, and "- VERSION REASON" for one of several the archive cannot serve.
# On bad input or when nothing could be fetched it prints the one-line
# reason on stderr and returns 3.
vm_debian_kernels() {
	local spec=${1#debian:} arch=${2:-amd64} out
	if [ "$(id -u)" = 0 ] && [ -r /etc/debian_version ]; then
		# shellcheck disable=SC2086 # a list
		vm_need_packages ${SST_PKGS_TREE:-flex bison bc libelf-dev libssl-dev xz-utils pahole} >&2 || return 3
	fi
	out=$(cd "$SST_TOP/tools" && python3 -m sst.debian fetch --arch "$arch" "$spec") || return 3
	awk '/^version: / { v = $2 } /^kernel: / { k = $2 } /^kdir: / { print k, $2 }
	     /^unavailable: / { sub(/^unavailable: /, ""); print "-", v, $0 }' <<< "$out"
}
