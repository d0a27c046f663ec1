#!/bin/sh
# The compute benchmark in one command: native, bt386 and QEMU TCG, checksums
# compared, CPU times and ratios printed. Options: run.sh --help (run.py).
#   bench/compute/run.sh [--build DIR] [--bt386 PATH] [--scale N] [--per-kernel]
exec python3 "$(dirname "$0")/run.py" "$@"
