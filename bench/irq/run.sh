#!/bin/sh
# The interrupt benchmark in one command (run.py --help).
exec python3 "$(dirname "$0")/run.py" "$@"
