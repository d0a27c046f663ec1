#!/bin/sh
# Runs COUNT seeds of random guest code (guests/faults/fuzz.c) and checks
# that bt386 never crashes: any exit status but 70 (internal error) and
# death by a signal (>= 128) is a guest outcome, and so is still running
# after 2 s (random code loops, e.g. two JLs jumping to each other).
#   fuzz_smoke.sh BT386 FUZZ_ELF [COUNT [FIRST]]
set -u
bt=$1 img=$2 count=${3:-300} first=${4:-1}
bad=0 loops=0
i=$first
while [ "$i" -lt $((first + count)) ]; do
    timeout 2 "$bt" -m 4 --append "seed=$i" "$img" </dev/null >/dev/null 2>/tmp/fuzz.$$.err
    rc=$?
    if [ "$rc" = 124 ]; then
        loops=$((loops + 1))
    elif [ "$rc" = 70 ] || [ "$rc" -gt 124 ]; then
        echo "FAIL seed $i: exit $rc"
        head -5 /tmp/fuzz.$$.err | sed 's/^/     /'
        bad=$((bad + 1))
    fi
    i=$((i + 1))
done
rm -f /tmp/fuzz.$$.err
echo "($loops seeds still looping after 2 s)"
echo "$((count - bad)) passed, $bad failed"
[ "$bad" = 0 ]
