#!/usr/bin/env python3
"""Interrupt benchmark: the guest (bench/irq/guest.c) idles in HLT while the
PIT interrupts it HZ times a second, for SECONDS of guest time. For bt386
and QEMU TCG it prints the host CPU used per second of wall time (an idle
guest should cost almost nothing), the timer's accuracy (the guest's
HZ * SECONDS ticks against the host's wall time), and, for bt386, the
distribution of delivery latencies (device timer deadline to the guest
taking the interrupt) from --stats-json.

    run.py [--build DIR] [--hz N] [--seconds N] [--bt386 PATH] [--qemu PATH]"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("--build", default="build")
ap.add_argument("--hz", type=int, default=100)
ap.add_argument("--seconds", type=int, default=10)
ap.add_argument("--bt386")
ap.add_argument("--qemu", default="qemu-system-i386")
args = ap.parse_args()
guest = os.path.join(args.build, "guests", "bench_irq_guest.elf")
bt386 = args.bt386 or os.path.join(args.build, "bt386")
cmdline = f"hz={args.hz} seconds={args.seconds}"


def measure(argv):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=args.seconds * 10 + 60)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    out = p.stdout.decode(errors="replace")
    ticks = next((int(l.split()[1]) for l in out.splitlines() if l.startswith("ticks ")), None)
    return wall, cpu, ticks, p.stderr.decode(errors="replace")


print(f"interrupt benchmark: PIT at {args.hz} Hz, {args.seconds} s of guest time, guest idle in HLT")
print("(wall and CPU: the run minus a run with seconds=0, i.e. without start-up)")
print(f"{'system':8} {'wall s':>8} {'CPU s':>7} {'CPU %':>6} {'ticks':>7} {'guest/wall':>10}")
rows = []
with tempfile.NamedTemporaryFile(suffix=".json") as js:
    runners = [("bt386", [bt386, "--stats-json", js.name, "--append", cmdline, guest])]
    if shutil.which(args.qemu):
        runners.append(("qemu", [args.qemu, "-kernel", guest, "-append", cmdline, "-m", "128", "-display", "none",
                                 "-monitor", "none", "-serial", "stdio", "-no-reboot",
                                 "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]))
    for name, argv in runners:
        base = [a.replace(cmdline, f"hz={args.hz} seconds=0") for a in argv]
        wall0, cpu0, _, _ = measure(base)
        wall, cpu, ticks, err = measure(argv)
        wall, cpu = wall - wall0, max(cpu - cpu0, 0.0)
        guest_time = (ticks or 0) / args.hz
        print(f"{name:8} {wall:8.2f} {cpu:7.2f} {100 * cpu / wall:6.2f} {ticks or 0:7d} {guest_time / wall:10.4f}")
        if ticks is None:
            print("     " + "\n     ".join(err.strip().splitlines()[-3:]))
    try:
        stats = json.load(open(js.name))
    except (OSError, ValueError):
        stats = {}
c = stats.get("counters", stats)
n = c.get("interrupts", 0)
if n:
    print(f"bt386 delivery latency (timer deadline -> guest takes the interrupt), {n} interrupts:")
    print(f"  mean {c.get('irq_latency_ns', 0) / n / 1000:.1f} us, max {c.get('irq_latency_max_ns', 0) / 1000:.1f} us")
    for key, label in (("irq_latency_lt_20us", "< 20 us"), ("irq_latency_lt_100us", "20-100 us"),
                       ("irq_latency_lt_1ms", "100 us - 1 ms"), ("irq_latency_ge_1ms", ">= 1 ms")):
        print(f"  {label:14} {c.get(key, 0):7d}  ({100 * c.get(key, 0) / n:.1f}%)")
