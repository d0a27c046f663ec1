#!/bin/sh
# Runs one test guest and judges it.
#   run_guest.sh qemu    IMAGE OUTDIR                  pass = QEMU exits 1 (guest returned 0)
#   run_guest.sh compare IMAGE OUTDIR BT386 [ARGS...]  pass = bt386's serial output and exit
#                                                      status are identical to QEMU's, and pass
# QEMU is the reference CPU: a guest that fails under QEMU is a broken test.
# BT386_GUEST_REBOOT=1: the guest resets the machine on purpose and expects
# to boot again (guests/os), so QEMU runs without -no-reboot.
set -u
mode=$1 img=$2 out=$3
shift 3
mkdir -p "$out"
name=$(basename "$img" .elf)

no_reboot=-no-reboot
[ "${BT386_GUEST_REBOOT:-0}" = 1 ] && no_reboot=

run_qemu() {
    timeout 60 qemu-system-i386 -kernel "$img" -m 128 -display none -monitor none \
        -serial stdio $no_reboot -device isa-debug-exit,iobase=0xf4,iosize=4 \
        </dev/null >"$out/$name.qemu.out" 2>"$out/$name.qemu.err"
    echo $? >"$out/$name.qemu.rc"
}

run_qemu
qrc=$(cat "$out/$name.qemu.rc")
if [ "$mode" = qemu ]; then
    cat "$out/$name.qemu.out"
    [ "$qrc" = 1 ] && exit 0
    echo "QEMU exit status $qrc (want 1)"; cat "$out/$name.qemu.err"; exit 1
fi

bt=$1
shift
# bt386 resets the machine like QEMU, and stops at a reset where QEMU does.
timeout "${BT386_TIMEOUT:-120}" "$bt" $no_reboot "$@" "$img" </dev/null >"$out/$name.bt386.out" 2>"$out/$name.bt386.err"
brc=$?
cat "$out/$name.bt386.out"
cat "$out/$name.bt386.err" >&2
if ! cmp -s "$out/$name.qemu.out" "$out/$name.bt386.out"; then
    echo "--- output differs from QEMU's:"
    diff "$out/$name.qemu.out" "$out/$name.bt386.out" | head -40
    exit 1
fi
if [ "$brc" != "$qrc" ]; then
    echo "--- exit status $brc, QEMU's $qrc"; exit 1
fi
[ "$brc" = 1 ] || { echo "--- guest failed (status $brc)"; exit 1; }
exit 0
