#!/usr/bin/env python3
"""CPL3 fuzzing under bt386 (guests/ring/fuzz_cpl3.c): random sequences,
single-stepped at CPL3, must each end in a guest exception, and the monitor
must never make a host system call on the guest's behalf.

    fuzz_cpl3.py BT386 FUZZ_CPL3_ELF [--seed S] [--count N] [--timeout T]
                 [--bt386-arg ARG]... [--may-grow NAME]...

Runs the guest twice under `strace -f -i`, with N/2 and N sequences, and
checks:
  1. each run exits with status 1 (the guest returned 0: every sequence
     ended in an exception and was counted) and prints no FAIL line;
  2. no host system call is issued from code bt386 generated: the
     instruction pointer of every call (strace -i: where the SYSCALL
     instruction is) must lie outside every executable mapping that is
     anonymous or backed by a memfd (the translation cache is one). Code
     loaded from files (bt386, libc, ld.so, the vDSO) is the monitor's;
  3. the calls do not grow with the work: per system call name, the run
     with N sequences makes no more calls than the run with N/2, except
     write (the serial output, a line more or less), brk, mmap, mremap and
     madvise (the monitor's memory for the blocks it translates, and the
     translation-cache flushes that drop it: more sequences, more distinct
     code), the timer thread's waits and kicks (futex, pthread_kill's
     getpid, rt_sigprocmask and tgkill, nanosleep,
     rt_sigreturn: they follow the run's duration, the guest's PIT ticking)
     and the names given with --may-grow (printed, not judged). Growth means a
     host call per guest event: a signal and its rt_sigreturn, an mprotect.
     The guest rewrites its code page before every sequence: in the direct
     mode each rewrite costs the monitor one write-protection fault and the
     page's protection changes (mprotect, rt_sigreturn: --may-grow for that
     run); with --no-direct it costs no host call at all.
The full run of the issue (10^6 sequences) is --count 1000000; ctest runs
a CI-sized count (guests/ring/hostile.cmake). strace comes from
scripts/deps.sh (Debian package strace)."""
import argparse
import collections
import re
import shutil
import subprocess
import sys
import tempfile

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("bt386")
ap.add_argument("image")
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--count", type=int, default=20000)
ap.add_argument("--timeout", type=float, default=300, help="seconds per run")
ap.add_argument("--bt386-arg", action="append", default=[], help="an option for bt386")
ap.add_argument("--may-grow", action="append", default=[], help="a system call that may grow")
args = ap.parse_args()

failed = 0


def check(ok, what, details=()):
    global failed
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failed += 1
        for line in details:
            print("     " + line)


if not shutil.which("strace"):
    print("FAIL strace is not installed (scripts/deps.sh: apt-get install strace)")
    sys.exit(1)

# "PID [IP] name(args) = result"; an interrupted call is split into
# "PID [IP] name(args <unfinished ...>" and "PID [IP] <... name resumed>...)
# = result", counted once, with the IP of its first half (the entry).
LINE = re.compile(r"^(\d+)\s+\[([0-9a-f]+)\] (<\.\.\. )?([a-z_0-9]+)(?: resumed>|\()(.*)$")


class Mappings:
    """One process's executable mappings that hold no file's code:
    anonymous or memfd-backed ones (where generated code lives)."""

    def __init__(self):
        self.fds = {}           # fd -> "file" or "memfd"
        self.regions = []       # (start, end, kind) of every mmap
        self.foreign = []       # (start, end) executable, not from a file

    def kind_at(self, addr):
        for start, end, kind in reversed(self.regions):
            if start <= addr < end:
                return kind
        return "file"           # mapped by the kernel: bt386 itself, ld.so, vDSO

    def contains(self, ip):
        return any(start <= ip < end for start, end in self.foreign)

    def syscall(self, name, rest):
        """Learns from a finished call: `rest` is "args) = result"."""
        if " = " not in rest:
            return
        result = rest.rsplit(" = ", 1)[1].split()[0]
        if result.startswith(("-", "?")):
            return
        argv = [a.strip() for a in rest.split(")")[0].split(",")]
        if name in ("openat", "open"):
            self.fds[int(result)] = "file"
        elif name == "memfd_create":
            self.fds[int(result)] = "memfd"
        elif name in ("dup", "dup2", "dup3", "fcntl") and result.isdigit() and argv[0].isdigit():
            self.fds[int(result)] = self.fds.get(int(argv[0]), "file")
        elif name == "mmap" and len(argv) >= 6:
            start, length, fd = int(result, 16), int(argv[1], 0), int(argv[4])
            kind = "anonymous" if "MAP_ANONYMOUS" in argv[3] or fd < 0 else self.fds.get(fd, "file")
            self.regions.append((start, start + length, kind))
            if "PROT_EXEC" in argv[2] and kind != "file":
                self.foreign.append((start, start + length))
        elif name in ("mprotect", "pkey_mprotect") and "PROT_EXEC" in argv[2]:
            start = int(argv[0], 16)
            if self.kind_at(start) != "file":
                self.foreign.append((start, start + int(argv[1], 0)))


def run(count):
    """Runs the guest under strace; returns (exit status, guest output,
    calls per name, ["name at IP"] of calls from foreign code)."""
    calls = collections.Counter()
    foreign = []
    with tempfile.NamedTemporaryFile(prefix="fuzz_cpl3.", suffix=".strace") as trace:
        # timeout(1) inside strace: on expiry it kills bt386 itself (killing
        # strace would only detach bt386 and leave it running).
        cmd = ["strace", "-f", "-qq", "-i", "-o", trace.name, "timeout", str(int(args.timeout)),
               args.bt386, *args.bt386_arg, "--append", f"seed={args.seed} count={count}", args.image]
        try:
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=args.timeout + 60)
            rc, out = p.returncode, p.stdout.decode(errors="replace")
        except subprocess.TimeoutExpired:
            rc, out = None, f"strace still running after {args.timeout + 60:.0f} s"
        if rc == 124:
            out += f"\n(killed: still running after {args.timeout:.0f} s)"
        maps = collections.defaultdict(Mappings)     # per pid
        unfinished = {}                                 # pid -> (name, first half)
        with open(trace.name, errors="replace") as f:
            for line in f:
                m = LINE.match(line)
                if not m:                   # a signal, an exit
                    continue
                pid, ip, resumed, name, rest = m.groups()
                if resumed:
                    first = unfinished.pop(pid, (name, ""))[1]
                    maps[pid].syscall(name, first + rest)
                    continue
                calls[name] += 1
                if maps[pid].contains(int(ip, 16)):
                    foreign.append(f"{name} at {ip}: {line.strip()[:120]}")
                if rest.endswith("<unfinished ...>"):
                    unfinished[pid] = (name, rest[:-len("<unfinished ...>")])
                elif name == "execve":
                    maps[pid] = Mappings()  # a new address space
                else:
                    maps[pid].syscall(name, rest)
        return rc, out, calls, foreign


results = {}
for count in (args.count // 2, args.count):
    rc, out, calls, foreign = run(count)
    results[count] = calls if rc == 1 else None
    fails = [l for l in out.splitlines() if l.startswith("FAIL")]
    check(rc == 1 and not fails and "passed" in out,
          f"seed {args.seed}, {count} sequences: exit status 1 (got {rc}), no FAIL line",
          fails[:5] + out.splitlines()[-5:])
    check(not foreign, f"{count} sequences: no host system call from generated code "
          f"({sum(calls.values())} calls)", foreign[:10])
    if count == args.count:
        print("\n".join("     " + l for l in out.splitlines() if not l.startswith(("ok", "passed"))))

small, big = results[args.count // 2], results[args.count]
# The timer thread (monitor/kick.c) waits for device deadlines and signals
# the vCPU at each: its calls grow with the run's duration (the guest's PIT
# runs at 18.2 Hz), not with what the guest does.
TIMER_THREAD = {"futex", "tgkill", "getpid", "rt_sigprocmask", "nanosleep", "clock_nanosleep", "rt_sigreturn"}
allowed = {"write", "brk", "mmap", "mremap", "madvise"} | TIMER_THREAD | set(args.may_grow)
if small is None or big is None:
    check(False, "host system calls do not grow with the sequences: not measured, a run failed")
else:
    grown = {name: (small[name], big[name]) for name in set(small) | set(big)
             if name not in allowed and big[name] > small[name]}
    tolerated = [f"{name}: {small[name]} -> {big[name]}" for name in sorted(allowed)
                 if name != "write" and big[name] > small[name]]
    if tolerated:
        print("     grew, as allowed: " + ", ".join(tolerated))
    check(not grown, f"host system calls do not grow with the sequences ({args.count // 2} -> {args.count}; "
          f"{', '.join(sorted(allowed))} aside)", [f"{name}: {a} -> {b}" for name, (a, b) in sorted(grown.items())])
print(f"{'FAIL' if failed else 'passed'}: {failed} check(s) failed")
sys.exit(1 if failed else 0)
