#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The wall-time bound of vm_boot (tools/lib/vm.sh), tested on guests that
# never end (issue 14, item 5). The guest is a 32-bit multiboot kernel of
# a few instructions that QEMU boots with -kernel: "cli; 1: hlt; jmp 1b" on
# the boot CPU, the other CPUs never started, so every CPU is stopped with
# interrupts off and nothing in the guest can answer. Cases, each run
# --repeat times (default 3), timeout T=4 s and grace G=3 s:
#
#   term    stock QEMU: it ends on the watchdog's SIGTERM at T; verdict
#           timeout, VM_WATCHDOG=term, VM_KILLED=0
#   kill    a QEMU that does not answer SIGTERM (SST_QEMU: a wrapper that
#           ignores SIGTERM and SIGSTOPs its QEMU child, as a QEMU whose
#           main loop never runs): SIGKILL at T+G to the pid, then the
#           process group, which is what takes the QEMU child down;
#           verdict timeout, VM_WATCHDOG=kill, VM_KILLED=1, nothing of
#           the group left
#   ok      the same kernel built to print the guest's protocol lines on
#           COM1 and leave through isa-debug-exit: verdict ok, no
#           watchdog, VM_FIRST_STORM set (the reader's time marks)
#   ended   the guest prints SST-GUEST-END rc=0 and halts (its poweroff
#           hung, as on a CPU a hung DMA call holds with interrupts off):
#           the watchdog stops QEMU 15 s after the end mark, long before
#           the 60 s timeout; verdict ok, VM_WATCHDOG=term
#   sigint  SIGINT to the shell running vm_boot (what ^C does): QEMU is
#           gone and the shell died of SIGINT within 5 s
#
# Each timed case must end within T+G plus 3 s (vm_boot gives the console
# reader 2 s once QEMU is gone; the watchdog polls twice a second). Prints
# "ok"/"not ok" lines and "N passed, N failed"; exits 1 if one failed.
# Needs qemu-system-x86_64, as and ld (binutils), perl and python3.
set -euo pipefail

SST_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/lib/vm.sh
. "$SST_TOP/tools/lib/vm.sh"

repeat=3
while [ $# -gt 0 ]; do
	case $1 in
	--repeat) repeat=${2:?}; shift ;;
	-h|--help) sed -n '3,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "usage: tools/test-watchdog.sh [--repeat N]" >&2; exit 3 ;;
	esac
	shift
done

T=4 G=3 SLACK=3
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
notok() { fail=$((fail + 1)); echo "not ok - $1${2:+: $2}"; }
check() { # NAME CONDITION-TEXT: runs the rest as a test
	local name=$1
	shift
	if "$@"; then ok "$name"; else notok "$name" "${why:-}"; fi
}

for t in as ld perl python3 qemu-system-x86_64; do
	command -v "$t" > /dev/null || { echo "test-watchdog.sh: $t is needed" >&2; exit 3; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sst-watchdog.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The guest: TALK=0 halts at once, TALK=1 first writes the protocol lines
# to COM1 and writes 0 to isa-debug-exit (QEMU exits with status 1),
# TALK=2 writes them and halts (a guest whose poweroff hangs).
cat > "$tmp/halt.S" <<'EOF'
	.section .multiboot, "a"
	.align 4
	.long 0x1BADB002, 0, -0x1BADB002	# multiboot v1: magic, flags, checksum
	.text
	.code32
	.globl _start
_start:
	cli
.if TALK
	mov $msg, %esi
1:	lodsb
	test %al, %al
	jz 2f
	mov $0x3f8, %dx
	out %al, %dx
	jmp 1b
2:
.if TALK == 1
	mov $0xf4, %dx
	xor %al, %al
	out %al, %dx
.endif
.endif
3:	hlt
	jmp 3b
	.section .rodata
msg:	.ascii "\r\nSST-GUEST-START\r\nSST-STORM watchdog d0 op=none\r\nSST-GUEST-END rc=0\r\n\0"
EOF
cat > "$tmp/halt.ld" <<'EOF'
ENTRY(_start)
SECTIONS {
	. = 0x100000;
	.multiboot : { *(.multiboot) }
	.text : { *(.text) }
	.rodata : { *(.rodata) }
}
EOF
for m in 0 1 2; do
	as --32 --defsym TALK=$m -o "$tmp/halt$m.o" "$tmp/halt.S"
	ld -m elf_i386 -T "$tmp/halt.ld" -o "$tmp/halt$m.elf" "$tmp/halt$m.o"
done
# vm_boot wants an initrd: a multiboot module here.
echo module > "$tmp/module"

# A QEMU that does not answer SIGTERM: the wrapper ignores it and stops
# its QEMU child once started, so only SIGKILL to the group ends both.
cat > "$tmp/deaf-qemu" <<'EOF'
#!/bin/bash
trap '' TERM
echo $$ > "$SST_TEST_PIDS"
qemu-system-x86_64 "$@" &
q=$!
echo $q >> "$SST_TEST_PIDS"
sleep 0.5
kill -STOP $q
while kill -0 $q 2> /dev/null; do sleep 0.2; done
EOF
# Stock QEMU, its pid kept.
cat > "$tmp/pid-qemu" <<'EOF'
#!/bin/sh
echo $$ > "$SST_TEST_PIDS"
exec qemu-system-x86_64 "$@"
EOF
chmod +x "$tmp/deaf-qemu" "$tmp/pid-qemu"
export SST_TEST_PIDS=$tmp/pids

now() { echo "${EPOCHREALTIME//[!0-9]/}"; }
# boot KERNEL TIMEOUT [EXTRA]: vm_boot, its wall time in ms in $ms.
boot() {
	local t0
	t0=$(now)
	vm_boot --kernel "$1" --initrd "$tmp/module" --log "$tmp/console.log" \
		--mem 64M --smp 2 --timeout "$2" --grace $G ${3:+--extra "$3"} || true
	ms=$((($(now) - t0) / 1000))
}
# gone: no pid of $SST_TEST_PIDS left
# (a zombie is gone: SIGKILLed, waiting for init to reap it; 1 s allowed)
gone() {
	local p i st
	for i in 1 2 3 4 5; do
		why=
		while read -r p; do
			st=$(sed 's/.*) //' "/proc/$p/stat" 2> /dev/null | cut -d' ' -f1) || true
			[ -z "$st" ] || [ "$st" = Z ] || why="${why}pid $p ($(ps -o comm= -p "$p"), state $st) still there; "
		done < "$SST_TEST_PIDS"
		[ -n "$why" ] || return 0
		sleep 0.2
	done
	return 1
}
bounded() { why="took ${ms} ms"; echo "# took $ms ms"; [ "$ms" -le $(((T + G + SLACK) * 1000)) ]; }
line_at() { # WORD: the watchdog's WORD line says it acted by T+G+1 s
	local s
	s=$(sed -n "s/^$1 at \([0-9]*\)s:.*/\1/p" "$tmp/console.log.watchdog")
	why="watchdog: $(paste -sd ' ' "$tmp/console.log.watchdog")"
	[ -n "$s" ] && [ "$s" -le $((T + G + 1)) ]
}

for i in $(seq 1 "$repeat"); do
	SST_QEMU=$tmp/pid-qemu boot "$tmp/halt0.elf" $T
	why="VM_VERDICT=$VM_VERDICT VM_WATCHDOG=$VM_WATCHDOG VM_KILLED=$VM_KILLED"
	check "term $i: cli;hlt guest, stock QEMU: verdict timeout, ended by SIGTERM" \
		test "$VM_VERDICT/$VM_WATCHDOG/$VM_KILLED" = timeout/term/0
	check "term $i: within timeout + grace + ${SLACK}s ($((T + G + SLACK)) s)" bounded
	check "term $i: the watchdog's term line, at ${T}s" line_at term
	check "term $i: QEMU is gone" gone

	SST_QEMU=$tmp/deaf-qemu boot "$tmp/halt0.elf" $T
	why="VM_VERDICT=$VM_VERDICT VM_WATCHDOG=$VM_WATCHDOG VM_KILLED=$VM_KILLED"
	check "kill $i: cli;hlt guest, QEMU deaf to SIGTERM: verdict timeout, SIGKILLed" \
		test "$VM_VERDICT/$VM_WATCHDOG/$VM_KILLED" = timeout/kill/1
	check "kill $i: within timeout + grace + ${SLACK}s ($((T + G + SLACK)) s)" bounded
	check "kill $i: the watchdog's kill line, by timeout + grace" line_at kill
	check "kill $i: the wrapper and its stopped QEMU child are gone (process group killed)" gone
done

SST_QEMU=$tmp/pid-qemu boot "$tmp/halt1.elf" 60 "-device isa-debug-exit,iobase=0xf4,iosize=0x04"
why="VM_VERDICT=$VM_VERDICT VM_WATCHDOG=$VM_WATCHDOG; $(tail -n 2 "$tmp/console.log" | paste -sd ' ')"
check "ok: a guest that ends: verdict ok, no watchdog" test "$VM_VERDICT/$VM_WATCHDOG/$VM_KILLED" = ok//0
check "ok: no watchdog file" test ! -e "$tmp/console.log.watchdog"
why="VM_FIRST_STORM='$VM_FIRST_STORM' VM_GUEST_START='$VM_GUEST_START'"
check "ok: the reader's time marks (guest start, first storm)" \
	test -n "$VM_FIRST_STORM" -a -n "$VM_GUEST_START"
why="$(od -c "$tmp/console.log" | tail -n 3 | paste -sd ' ')"
no_cr() { ! grep -q $'\r' "$tmp/console.log"; }
check "ok: the console log has no carriage return" no_cr
guest_lines() { tail -n 3 "$tmp/console.log" | paste -sd ' ' | grep -qx 'SST-GUEST-START SST-STORM watchdog d0 op=none SST-GUEST-END rc=0'; }
check "ok: the console log ends with the guest's lines" guest_lines

SST_QEMU=$tmp/pid-qemu boot "$tmp/halt2.elf" 60
why="VM_VERDICT=$VM_VERDICT VM_WATCHDOG=$VM_WATCHDOG after $ms ms; $(paste -sd ' ' "$tmp/console.log.watchdog" 2> /dev/null)"
check "ended: a guest that ended but did not power off: verdict ok, stopped by the watchdog" \
	test "$VM_VERDICT/$VM_WATCHDOG" = ok/term
check "ended: stopped about 15 s after the end mark, not at the 60 s timeout" \
	test "$ms" -le $(((15 + G + SLACK + 2) * 1000))
check "ended: the watchdog says the guest ended" grep -q 'the guest ended (SST-GUEST-END)' "$tmp/console.log.watchdog"
check "ended: QEMU is gone" gone

boot /nonexistent/vmlinuz 60
why="VM_VERDICT=$VM_VERDICT after $ms ms"
check "qemu-error: QEMU refusing its kernel is qemu-error, at once" test "$VM_VERDICT" = qemu-error -a "$ms" -le 10000
SST_QEMU=/nonexistent/qemu boot "$tmp/halt0.elf" 60
why="VM_VERDICT=$VM_VERDICT after $ms ms"
check "qemu-error: a QEMU binary that is not there is qemu-error, at once" test "$VM_VERDICT" = qemu-error -a "$ms" -le 10000

# ^C: SIGINT reaches the shell running vm_boot (a non-interactive shell
# starts its background jobs with SIGINT ignored: perl puts it back).
cat > "$tmp/child.sh" <<EOF
. "$SST_TOP/tools/lib/vm.sh"
SST_QEMU=$tmp/pid-qemu vm_boot --kernel "$tmp/halt0.elf" --initrd "$tmp/module" \
	--log "$tmp/int.log" --mem 64M --timeout 120
echo "vm_boot returned"
EOF
: > "$SST_TEST_PIDS"
perl -e '$SIG{INT} = "DEFAULT"; exec "bash", @ARGV' "$tmp/child.sh" > "$tmp/child.out" 2>&1 &
cpid=$!
for _ in $(seq 1 50); do [ -s "$SST_TEST_PIDS" ] && break; sleep 0.1; done
sleep 1
t0=$(now)
kill -INT "$cpid"
crc=0
wait "$cpid" || crc=$?
ms=$((($(now) - t0) / 1000))
why="exit $crc after $ms ms: $(paste -sd ' ' "$tmp/child.out")"
check "sigint: the shell running vm_boot died of SIGINT (exit 130) within 5 s" \
	test "$crc" = 130 -a "$ms" -le 5000 -a -s "$SST_TEST_PIDS"
check "sigint: QEMU is gone" gone
why=
not_returned() { ! grep -q "vm_boot returned" "$tmp/child.out"; }
check "sigint: vm_boot did not go on as if the boot had ended" not_returned

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
