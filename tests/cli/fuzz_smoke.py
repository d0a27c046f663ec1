#!/usr/bin/env python3
"""Runs COUNT seeds of random guest code (guests/faults/fuzz.c) and checks
that bt386 never crashes: death by a signal or exit status 70 (internal
error, with a backtrace) fails. Everything else is a guest outcome: status 3
(a guest fault), any odd status (the random code wrote to isa-debug-exit),
or still running after 2 s (random code loops, e.g. two JLs jumping to
each other).
    fuzz_smoke.py BT386 FUZZ_ELF [COUNT [FIRST]]"""
import subprocess
import sys

bt, img = sys.argv[1], sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 else 300
first = int(sys.argv[4]) if len(sys.argv) > 4 else 1
bad = loops = 0
outcomes = {}
for seed in range(first, first + count):
    try:
        p = subprocess.run([bt, "-m", "4", "--append", f"seed={seed}", img],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=2)
    except subprocess.TimeoutExpired:
        loops += 1
        continue
    rc = p.returncode
    outcomes[rc] = outcomes.get(rc, 0) + 1
    if rc < 0 or rc == 70:
        bad += 1
        print(f"FAIL seed {seed}: {'signal ' + str(-rc) if rc < 0 else 'exit 70'}")
        for line in p.stderr.decode(errors="replace").splitlines()[:5]:
            print("     " + line)
print(f"outcomes (exit status: seeds): {dict(sorted(outcomes.items()))}, {loops} still looping after 2 s")
print(f"{count - bad} passed, {bad} failed")
sys.exit(1 if bad else 0)
