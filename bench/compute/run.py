#!/usr/bin/env python3
"""Runs the compute benchmark natively, under bt386 and under QEMU TCG, checks
that all three print the same checksums, and prints their CPU times and ratios.
Builds nothing: the binaries come from a CMake build tree (see README.md).

Each kernel runs in a process of its own ("kernels=NAME" on the command
line) and is charged the process's user+system CPU time (getrusage of the
waited-for child), minus the CPU time of a run with no kernel
("kernels=none"), which is the runner's start-up (QEMU's firmware boot,
bt386's loader). Every run's output must be identical to native's.
"""
import argparse
import json
import math
import os
import platform
import resource
import shlex
import shutil
import subprocess
import sys
import time

GUEST = "guests/bench_compute_guest.elf"
NATIVE = "bench/compute-native"
DEFAULT_SCALE = 200      # about 1.5 s of native CPU on the project's machines
TIMEOUT = 1800


def kernel_names(native):
    """The kernels, in the table's order, as the native build prints them at
    scale 1 (a few ms): kernels.c stays the only list."""
    p = subprocess.run([native], capture_output=True, text=True, check=True)
    return [line.split()[0] for line in p.stdout.splitlines()[1:]]


def qemu_argv(qemu, guest, cmdline):
    return [qemu, "-accel", "tcg", "-kernel", guest, "-append", cmdline,
            "-display", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=4", "-m", "128"]


class Runner:
    """One way of running the benchmark: its command line for a list of option
    words, and the exit status that means the benchmark completed."""

    def __init__(self, name, argv_for, ok_status):
        self.name, self.argv_for, self.ok_status = name, argv_for, ok_status


def measure(runner, words):
    """Runs once; returns (stdout, CPU seconds). Exits on failure."""
    argv = runner.argv_for(words)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        sys.exit(f"run.sh: {runner.name} timed out after {TIMEOUT} s: {shlex.join(argv)}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if p.returncode != runner.ok_status:
        sys.stderr.write(p.stdout + p.stderr)
        sys.exit(f"run.sh: {runner.name} exited with status {p.returncode} "
                 f"(want {runner.ok_status}): {shlex.join(argv)}")
    return p.stdout, cpu


def best_of(runner, words, repeat, expected):
    """Least CPU time over `repeat` runs. Every run must print expected[key];
    the first runner to run a given option list defines it."""
    key = " ".join(words)
    best = None
    for _ in range(repeat):
        out, cpu = measure(runner, words)
        ref_name, want = expected.setdefault(key, (runner.name, out))
        if out != want:
            sys.stderr.write(f"--- {ref_name} printed:\n{want}--- {runner.name} printed:\n{out}")
            sys.exit(f"run.sh: {runner.name}'s checksums differ from {ref_name}'s for '{key}'")
        best = cpu if best is None else min(best, cpu)
    return best


def ratio(a, b):
    return a / b if a is not None and b else None


def geomean(xs):
    if not xs or any(x is None or x <= 0 for x in xs):
        return None
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def cell(x, width, digits):
    return f"{x:{width}.{digits}f}" if x is not None else f"{'-':>{width}}"


def rounded(table):
    return {n: {k: round(v, 6) for k, v in row.items()} for n, row in table.items()}


def main():
    ap = argparse.ArgumentParser(prog="run.sh", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build", help="CMake build directory (default ./build)")
    ap.add_argument("--bt386", help="bt386 binary (default BUILD/bt386; skipped if missing)")
    ap.add_argument("--bt386-arg", action="append", default=[], metavar="ARG",
                    help="extra bt386 argument, e.g. --bt386-arg=--stats (repeatable)")
    ap.add_argument("--qemu", default="qemu-system-i386", help="QEMU binary (skipped if missing)")
    ap.add_argument("--scale", type=int, default=DEFAULT_SCALE,
                    help=f"work per kernel, ~1 ms native CPU per unit (default {DEFAULT_SCALE})")
    ap.add_argument("--kernels", help="comma-separated subset (default: all; names in README.md)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per measurement, least CPU kept")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = ap.parse_args()
    if args.scale < 1 or args.repeat < 1:
        ap.error("--scale and --repeat must be at least 1")

    native = os.path.join(args.build, NATIVE)
    guest = os.path.join(args.build, GUEST)
    for f in (native, guest):
        if not os.path.isfile(f):
            sys.exit(f"run.sh: {f} is missing; build it first: cmake --build {args.build} "
                     "--target bench-compute-native bench_compute_guest")
    known = kernel_names(native)
    kernels = args.kernels.split(",") if args.kernels else known
    if any(k not in known for k in kernels):
        ap.error(f"--kernels: choose from {', '.join(known)}")

    notes = []
    runners = [Runner("native", lambda w: [native] + w, 0)]
    bt386 = args.bt386 or os.path.join(args.build, "bt386")
    if os.path.isfile(bt386) and os.access(bt386, os.X_OK):
        runners.append(Runner("bt386", lambda w: [bt386] + args.bt386_arg +
                              ["--append", " ".join(w), guest], 1))
    else:
        notes.append(f"bt386 skipped: {bt386} not found")
    qemu = shutil.which(args.qemu)
    if qemu:
        runners.append(Runner("qemu", lambda w: qemu_argv(qemu, guest, " ".join(w)), 1))
    else:
        notes.append(f"QEMU skipped: {args.qemu} not found")

    # Each kernel runs alone so that one slow construct (x87 under QEMU is
    # ~300x native) shows as itself instead of swamping a single total.
    scale = f"scale={args.scale}"
    runs = {"startup": [scale, "kernels=none"]}
    runs.update({k: [scale, f"kernels={k}"] for k in kernels})
    expected = {}
    cpu = {r.name: {} for r in runners}
    for r in runners:
        for run, words in runs.items():
            cpu[r.name][run] = best_of(r, words, args.repeat, expected)
    net = {n: {k: max(c[k] - c["startup"], 0.0) for k in kernels} for n, c in cpu.items()}
    for c in net.values():
        c["total"] = sum(c[k] for k in kernels)

    def get(runner, row):
        return net[runner][row] if runner in net else None

    pairs = [("bt386", "native"), ("qemu", "bt386"), ("qemu", "native")]
    names = [r.name for r in runners]
    print(f"compute benchmark, scale={args.scale}: net CPU seconds (user+sys of the "
          f"process, start-up subtracted), best of {args.repeat}")
    print(f"{'kernel':14}" + "".join(f"{n:>9}" for n in names) +
          "".join(f"{a + '/' + b:>14}" for a, b in pairs))
    for row in kernels + ["total"]:
        print(f"{row:14}" + "".join(cell(net[n][row], 9, 3) for n in names) +
              "".join(cell(ratio(get(a, row), get(b, row)), 14, 2) for a, b in pairs))
    print(f"{'geomean':14}" + " " * 9 * len(names) +
          "".join(cell(geomean([ratio(get(a, k), get(b, k)) for k in kernels]), 14, 2)
                  for a, b in pairs))
    print(f"{'startup':14}" + "".join(cell(cpu[n]["startup"], 9, 3) for n in names))
    print(f"checksums identical: {', '.join(names)}")
    for note in notes:
        print(f"note: {note}")

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"benchmark": "compute", "scale": args.scale, "repeat": args.repeat,
                       "host": platform.node(), "machine": platform.machine(),
                       "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                       "cpu_seconds": rounded(cpu), "net_seconds": rounded(net),
                       "notes": notes},
                      f, indent=2, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main()
