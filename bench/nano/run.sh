#!/bin/sh
# The nano benchmark in one command: the guest's rows under QEMU TCG and
# bt386, cycles per operation next to VMware's BT figures. Options:
# run.sh --help (run.py).
#   bench/nano/run.sh [--build DIR] [--bt386 PATH] [--iters N] [--reps N] [--rows a,b]
exec python3 "$(dirname "$0")/run.py" "$@"
