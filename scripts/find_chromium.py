"""Print the Chromium that playwright drives in the browser tests; exit status 1 when there is none.

In this order:
1. ``chromium`` on PATH (Debian's package, /usr/bin/chromium);
2. ``chromium-browser`` on PATH, unless it is Ubuntu's stub that hands over to the chromium snap
   (playwright cannot drive the snap: its confinement hides the profile folder it is given);
3. playwright's own Chromium, when ``python -m playwright install chromium`` has put it there.

Nothing is downloaded here: ``make system-deps`` installs a Chromium when none is found.
"""
import os
import shutil
import sys

NAMES = ("chromium", "chromium-browser")
SCRIPT_HEAD = 64 * 1024  # a launcher script is small; a browser binary is never read whole


def is_snap(path: str) -> bool:
    """A snap's command (/snap/bin/NAME, a link to /usr/bin/snap) or a script that runs one."""
    real = os.path.realpath(path)
    if path.startswith("/snap/") or real.startswith("/snap/") or os.path.basename(real) == "snap":
        return True
    with open(real, "rb") as handle:
        head = handle.read(SCRIPT_HEAD)
    return head.startswith(b"#!") and b"/snap/" in head


def find_chromium(path: str | None = None, playwright_browser: str | None = None) -> str | None:
    """The first usable Chromium: on `path` (default: $PATH), else `playwright_browser` if it is installed."""
    for name in NAMES:
        found = shutil.which(name, path=path)
        if found and not is_snap(found):
            return found
    if playwright_browser and os.path.isfile(playwright_browser) and os.access(playwright_browser, os.X_OK):
        return playwright_browser
    return None


def playwright_browser() -> str | None:
    """Where playwright keeps its own Chromium (whether or not it is installed); None without playwright."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    with sync_playwright() as playwright:
        return playwright.chromium.executable_path


def main() -> int:
    found = find_chromium() or find_chromium(playwright_browser=playwright_browser())
    if not found:
        print("No Chromium that playwright can drive: run make system-deps", file=sys.stderr)
        return 1
    print(found)
    return 0


if __name__ == "__main__":
    sys.exit(main())
