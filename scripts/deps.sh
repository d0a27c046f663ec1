#!/bin/sh
# Installs the Debian packages bt386 needs to build, test and benchmark.
# Idempotent: does nothing (no apt-get update either) when all are present.
set -e
PKGS="build-essential cmake gcc-multilib libzydis-dev libcapstone-dev libunwind-dev qemu-system-x86 python3 strace"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "deps.sh: missing packages:$missing (run as root to install them)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends $missing
