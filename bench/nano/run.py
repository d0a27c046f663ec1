#!/usr/bin/env python3
"""Runs the nano benchmark guest under QEMU TCG and bt386 and prints, per row,
the cycles one operation costs (guest TSC ticks, which are host TSC ticks
under both), next to VMware's binary translator's figures from Adams &
Agesen (ASPLOS 2006). Builds nothing: the guest comes from a CMake build
tree (see README.md).

Every row runs in a guest of its own ("mode=time bench=ROW") with a time
limit, so a row the monitor cannot run yet (a trap it does not deliver, a
hang) shows as "n/a" with the reason and the other rows still come out.

--rows takes row names and groups: NAME selects the row NAME and its
sub-rows NAME-* (ptemod: ptemod-unchanged, ptemod-np-p, ptemod-remap), and
"paging" selects every shadow-MMU row. pt-fill runs under bt386 twice, with
adaptive page-table tracing (bt386's default) and without
(--no-adaptive-trace, the "pt-fill-plain" line), and the ratio follows.
"""
import argparse
import json
import platform
import re
import shutil
import subprocess
import sys
import time

GUEST = "guests/bench_nano_guest.elf"
DEFAULT_ITERS = 100000
DEFAULT_REPS = 5
DEFAULT_TIMEOUT = 30     # seconds per guest run; QEMU needs about 0.5 s a row

# Adams & Agesen, "A Comparison of Software and Hardware Techniques for x86
# Virtualization", ASPLOS 2006, nanobenchmarks under VMware's BT VMM, in
# cycles of their 3.8 GHz Pentium 4. Rows they did not measure print "-";
# a figure for a new row is one entry here.
# ptemod-np-p: their ptemod figure is one NP->P change; the row is the
# whole NP->P, access, P->NP, INVLPG cycle (README.md).
VMWARE_BT = {"syscall": 2308, "call/ret": 51, "divzero": 3223, "in": 216,
             "pgfault": 3927, "ptemod-np-p": 2121}

# --rows groups beyond NAME -> NAME and NAME-*: the rows that turn paging on.
GROUPS = {"paging": ["pgfault", "ptemod", "cr3switch", "pt-fill"]}
PT_FILL, PT_FILL_PLAIN = "pt-fill", "pt-fill-plain"
NO_ADAPTIVE = "--no-adaptive-trace"     # bt386: plain page-table tracing
PT_FILL_TARGET = 3.0                    # issue #5: adaptive >= 3x plain

ROW_LINE = re.compile(r"^(\S+) (-?\d+(?:\.\d+)?|n/a)(?: (.*))?$")
EMPTY_LINE = re.compile(r"^# empty-cpl(\d) (-?\d+(?:\.\d+)?)$")


def qemu_argv(qemu, guest, cmdline):
    """tests/run_guest.sh's QEMU command line, with -append."""
    return [qemu, "-kernel", guest, "-append", cmdline, "-m", "128", "-display", "none",
            "-monitor", "none", "-serial", "stdio", "-no-reboot",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]


class Runner:
    """One way of running the guest: its command line for a guest command line."""

    def __init__(self, name, argv_for):
        self.name, self.argv_for = name, argv_for


def run_guest(runner, cmdline, timeout):
    """Returns (stdout, None) or (stdout, why the run failed)."""
    argv = runner.argv_for(cmdline)
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        return out, f"timed out after {timeout} s"
    if p.returncode == 1:               # guest_exit(0) through isa-debug-exit
        return p.stdout, None
    # The monitor's own words and the instruction it stopped at, without
    # the register dump (indented) and the noise of ports the guest pokes
    # on purpose (the PIC mask).
    said = [line.strip() for line in p.stderr.splitlines()
            if line and (not line[0].isspace() or line.lstrip().startswith("at eip"))
            and "unhandled port" not in line]
    return p.stdout, f"exit status {p.returncode}" + "".join(f"; {s}" for s in said[-3:])


def row_names(runners, guest, timeout):
    """The rows in the guest's order (mode=list): rows.c stays the only list."""
    for r in runners:
        out, why = run_guest(r, "mode=list", timeout)
        if why is None:
            return out.split()
    sys.exit("run.sh: no runner could list the guest's rows (mode=list)")


def measure(runner, row, args):
    """One row in a guest of its own: (cycles or None, why n/a, empty-loop cycles)."""
    out, why = run_guest(runner, f"mode=time bench={row} iters={args.iters} reps={args.reps}",
                         args.timeout)
    value, empty = None, None
    for line in out.splitlines():
        m = EMPTY_LINE.match(line)
        if m:
            empty = float(m.group(2))
            continue
        m = ROW_LINE.match(line)
        if m and m.group(1) == row:
            if m.group(2) == "n/a":
                why = m.group(3) or "n/a"
            else:
                value = float(m.group(2))
    if value is None and why is None:
        why = "no result line"
    return value, (why if value is None else None), empty


def select_rows(spec, known):
    """--rows: names, NAME for NAME and NAME-*, and GROUPS; the guest's order."""
    want = set()
    for word in spec.split(","):
        for name in GROUPS.get(word, [word]):
            hits = [k for k in known if k == name or k.startswith(name + "-")]
            if not hits:
                return None
            want.update(hits)
    return [k for k in known if k in want]


def cell(x, width, digits=1):
    if isinstance(x, str):
        return f"{x:>{width}}"
    return f"{x:{width}.{digits}f}" if x is not None else f"{'-':>{width}}"


def main():
    ap = argparse.ArgumentParser(prog="run.sh", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build", help="CMake build directory (default ./build)")
    ap.add_argument("--bt386", help="bt386 binary (default BUILD/bt386; skipped if missing)")
    ap.add_argument("--bt386-arg", action="append", default=[], metavar="ARG",
                    help="extra bt386 argument, e.g. --bt386-arg=--no-direct (repeatable)")
    ap.add_argument("--qemu", default="qemu-system-i386", help="QEMU binary (skipped if missing)")
    ap.add_argument("--iters", type=int, default=DEFAULT_ITERS,
                    help=f"iterations per timed run (default {DEFAULT_ITERS})")
    ap.add_argument("--reps", type=int, default=DEFAULT_REPS,
                    help=f"timed runs per row, the least kept (default {DEFAULT_REPS})")
    ap.add_argument("--rows", help="comma-separated subset (default: all; names in README.md)")
    ap.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT,
                    help=f"seconds per guest run before the row is n/a (default {DEFAULT_TIMEOUT})")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = ap.parse_args()
    if not 1 <= args.iters <= 100000000 or not 1 <= args.reps <= 1000:
        ap.error("--iters must be 1..100000000 and --reps 1..1000")

    guest = f"{args.build}/{GUEST}"
    try:
        open(guest, "rb").close()
    except OSError:
        sys.exit(f"run.sh: {guest} is missing; build it first: cmake --build {args.build} "
                 "--target bench_nano_guest bt386")

    notes, runners = [], []
    qemu = shutil.which(args.qemu)
    if qemu:
        runners.append(Runner("qemu", lambda c: qemu_argv(qemu, guest, c)))
    else:
        notes.append(f"QEMU skipped: {args.qemu} not found")
    bt386 = args.bt386 or f"{args.build}/bt386"
    plain = None
    if shutil.which(bt386):
        runners.append(Runner("bt386", lambda c: [bt386] + args.bt386_arg +
                              ["--append", c, guest]))
        plain = Runner("bt386", lambda c: [bt386, NO_ADAPTIVE] + args.bt386_arg +
                       ["--append", c, guest])
    else:
        notes.append(f"bt386 skipped: {bt386} not found")
    if not runners:
        sys.exit("run.sh: neither QEMU nor bt386 found")

    known = row_names(runners, guest, args.timeout)
    rows = select_rows(args.rows, known) if args.rows else known
    if not rows:
        ap.error(f"--rows: choose from {', '.join(known + list(GROUPS))} "
                 "(NAME also selects NAME-*)")

    cycles = {r.name: {} for r in runners}
    empty = {r.name: None for r in runners}
    for r in runners:
        for row in rows:
            value, why, e = measure(r, row, args)
            cycles[r.name][row] = value
            if why:
                notes.append(f"{r.name} {row}: {why}")
            if e is not None:
                empty[r.name] = e if empty[r.name] is None else min(empty[r.name], e)
            if r.name == "bt386" and row == PT_FILL:
                value, why, _ = measure(plain, row, args)
                cycles["bt386"][PT_FILL_PLAIN] = value
                if why:
                    notes.append(f"bt386 {NO_ADAPTIVE} {row}: {why}")
    shown = [x for row in rows for x in
             ([row, PT_FILL_PLAIN] if row == PT_FILL and plain else [row])]
    speedup = None
    if PT_FILL in rows and plain:
        a, p = cycles["bt386"].get(PT_FILL), cycles["bt386"].get(PT_FILL_PLAIN)
        speedup = p / a if a and p is not None else None
        notes.append(f"pt-fill under bt386, plain ({NO_ADAPTIVE}) / adaptive: "
                     + (f"{speedup:.2f}" if speedup is not None else "n/a")
                     + f" (target >= {PT_FILL_TARGET:g})")

    def get(runner, row):
        return cycles.get(runner, {}).get(row)

    print(f"nano benchmark: cycles per operation (guest TSC = host TSC), empty loop "
          f"subtracted, iters={args.iters}, least of {args.reps} runs")
    w = max(12, max(len(x) for x in shown) + 1)
    print(f"{'row':{w}}{'VMware BT':>11}{'QEMU TCG':>11}{'bt386':>11}{'QEMU/bt386':>12}")
    for row in shown:
        # pt-fill-plain is a bt386 option: QEMU has nothing to compare.
        q = get("qemu", row) if row != PT_FILL_PLAIN else None
        b = get("bt386", row)
        na = {n: "n/a" if n in cycles and row in cycles[n] and get(n, row) is None else None
              for n in ("qemu", "bt386")}
        ratio = q / b if q is not None and b else None
        print(f"{row:{w}}{cell(VMWARE_BT.get(row), 11, 0)}{cell(na['qemu'] or q, 11)}"
              f"{cell(na['bt386'] or b, 11)}{cell(ratio, 12, 2)}")
    print(f"{'empty loop':{w}}{cell(None, 11)}{cell(empty.get('qemu'), 11)}"
          f"{cell(empty.get('bt386'), 11)}")
    for note in notes:
        print(f"note: {note}")

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"benchmark": "nano", "iters": args.iters, "reps": args.reps,
                       "host": platform.node(), "machine": platform.machine(),
                       "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                       "cycles": cycles, "empty_loop": empty, "vmware_bt": VMWARE_BT,
                       "pt_fill_plain_over_adaptive": speedup,
                       "notes": notes},
                      f, indent=2, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main()
