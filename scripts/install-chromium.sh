#!/usr/bin/env bash
# A Chromium for the browser tests, installed when scripts/find_chromium.py finds none: Debian's
# chromium with apt-get; where apt has only the stub that installs the snap (Ubuntu), which
# playwright cannot drive, playwright's own Chromium and the system libraries it needs.
#
#     PYTHON=.venv/bin/python scripts/install-chromium.sh
#
# Without root (or password-less sudo) nothing is installed: the script prints what to run and fails.
set -euo pipefail
here=$(dirname "$0")
python=${PYTHON:-python3}
source "$here/root.sh"

"$python" "$here/find_chromium.py" >/dev/null 2>&1 && exit 0

# apt's chromium, unless it is a transitional package for the snap (an empty package list says nothing)
apt_has_chromium() {
    local about
    about=$(apt-cache show --no-all-versions chromium 2>/dev/null) || return 1
    [[ -n $about && $about != *snap* ]]
}

if command -v apt-get >/dev/null 2>&1; then
    if apt_has_chromium || { can_be_root && "${as_root[@]}" apt-get update -qq && apt_has_chromium; }; then
        exec "$here/system-packages.sh" chromium=chromium
    fi
    if ! can_be_root; then
        echo "No Chromium for the browser tests, and apt's chromium is the snap's stub. Install playwright's" \
             "Chromium, then run make again:" >&2
        echo "    sudo $python -m playwright install-deps chromium && $python -m playwright install chromium" >&2
        exit 1
    fi
    echo "Installing playwright's Chromium and the system libraries it needs"
    "${as_root[@]}" "$python" -m playwright install-deps chromium
    "$python" -m playwright install chromium
else
    echo "No Chromium for the browser tests. Install chromium with this system's package manager, or" \
         "playwright's own: $python -m playwright install --with-deps chromium" >&2
    exit 1
fi
