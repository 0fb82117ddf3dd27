#!/usr/bin/env bash
# Install the Debian/Ubuntu packages the course needs and this machine lacks, with apt-get.
#
#     scripts/system-packages.sh [COMMAND=]PACKAGE ...   e.g. bwrap=bubblewrap chromium=chromium
#
# COMMAND=PACKAGE: the package is needed when COMMAND is not on PATH; a bare PACKAGE when dpkg
# has not installed it. Without root (or password-less sudo) nothing is installed: the script
# prints the command to run and fails.
set -euo pipefail

missing=()
for arg in "$@"; do
    if [[ $arg == *=* ]]; then
        found=$(type -P "${arg%%=*}" || true)  # bash falls back on a file it cannot run: check
        [[ -n $found && -x $found ]] || missing+=("${arg#*=}")
    elif ! dpkg-query -W -f='${Status}' "$arg" 2>/dev/null | grep -q "ok installed"; then
        missing+=("$arg")
    fi
done
((${#missing[@]})) || exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing system packages: ${missing[*]}. This is not a Debian or Ubuntu system:" \
         "install them with its package manager, then run make again." >&2
    exit 1
fi
source "$(dirname "$0")/root.sh"
if ! can_be_root; then
    echo "Missing system packages: ${missing[*]}. Install them, then run make again:" >&2
    echo "    sudo apt-get update && sudo apt-get install ${missing[*]}" >&2
    exit 1
fi
echo "Installing system packages: ${missing[*]}"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
