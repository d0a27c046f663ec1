#!/bin/sh
# A guest fault that cannot be delivered (the faults guest has no IDT of its
# own: the real-mode table at 0 holds no gates, so each fault becomes #GP,
# #DF, then a triple fault): bt386 reports the shutdown with the first
# exception (vector name, guest EIP, registers, the faulting instruction) on
# stderr and exits with status 3; the monitor never crashes. Also a guest
# that triple-faults on purpose (IDT limit 0), --stats-json and --trace.
#   guest_faults.sh BT386 FAULTS_ELF HELLO_ELF TRIPLE_ELF
set -u
bt=$1 img=$2 hello=$3 triple=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

check() {   # check WHAT CONDITION-EXIT-STATUS
    if [ "$2" = 0 ]; then echo "ok   $1"; else echo "FAIL $1"; failed=$((failed + 1)); fi
}

# expect_fault ARG PATTERN: bt386 --append ARG exits 3 and stderr matches.
expect_fault() {
    "$bt" --append "$1" "$img" </dev/null >"$tmp/out" 2>"$tmp/err"
    rc=$?
    grep -q "$2" "$tmp/err" && grep -q "  eip " "$tmp/err" && grep -q "at eip: " "$tmp/err" && [ "$rc" = 3 ]
    check "$1: exit 3 (got $rc), report matches '$2'" $?
    [ "$rc" = 3 ] || sed 's/^/     /' "$tmp/err"
}

expect_fault ud "guest exception 6 (#UD"
expect_fault de "guest exception 0 (#DE"
expect_fault de-overflow "guest exception 0 (#DE"
# A store to a guest-physical hole is dropped, as on a PC with no device
# there (issue #5, MMIO and holes): the guest goes on.
"$bt" --append store-hole "$img" </dev/null >"$tmp/out" 2>"$tmp/err"
rc=$?
grep -q "no fault" "$tmp/out" && [ "$rc" = 1 ]
check "store-hole: the store is dropped and the guest goes on (exit $rc)" $?
expect_fault fetch-hole "outside RAM at linear address e0000000"
expect_fault int3 "guest exception 3 (#BP"
expect_fault sse-off "guest exception 6 (#UD"

"$bt" "$triple" </dev/null >"$tmp/out" 2>"$tmp/err"
rc=$?
grep -q "guest triple fault (shutdown): guest exception 3 (#BP" "$tmp/err" &&
grep -q "last fault 13 (#GP" "$tmp/err" && grep -q "  eip 00100" "$tmp/err" && [ "$rc" = 3 ]
check "triple fault: reported as a guest shutdown, exit 3 (got $rc)" $?

"$bt" --stats-json "$tmp/stats.json" "$hello" </dev/null >/dev/null 2>&1
python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$tmp/stats.json" &&
grep -q '"tc_hit_rate"' "$tmp/stats.json" && grep -q '"insns_translated"' "$tmp/stats.json"
check "--stats-json writes the counters" $?
"$bt" --stats "$hello" </dev/null >/dev/null 2>"$tmp/err"
grep -q "tc_hit_rate" "$tmp/err" && grep -q "callout.io_out" "$tmp/err" && grep -q "exit.stop" "$tmp/err"
check "--stats prints the table on stderr" $?
"$bt" --trace "$hello" </dev/null >"$tmp/out" 2>"$tmp/err"
grep -q "^block 0010" "$tmp/err" && grep -q "lea r10d\|mov r10d\|r13 + " "$tmp/err" && ! grep -q "^block" "$tmp/out"
check "--trace prints guest and host code on stderr only" $?

echo "$failed failed"
[ "$failed" = 0 ]
