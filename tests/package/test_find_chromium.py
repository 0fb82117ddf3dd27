"""scripts/find_chromium.py: the browser tests find a Chromium playwright can drive, on Debian and on Ubuntu."""
import importlib.util
import os

from autograder.grade.course import ROOT

spec = importlib.util.spec_from_file_location("find_chromium", ROOT / "scripts" / "find_chromium.py")
finder = importlib.util.module_from_spec(spec)
spec.loader.exec_module(finder)

# What Ubuntu's chromium-browser package installs as /usr/bin/chromium-browser: a stub for the snap.
UBUNTU_STUB = """#!/bin/sh
if ! [ -x /snap/bin/chromium ]; then
  echo "Command '$0' requires the chromium snap to be installed." >&2
  exit 1
fi
exec /snap/bin/chromium "$@"
"""


def executable(path, content: str | bytes = "#!/bin/sh\nexec /usr/lib/chromium/chromium \"$@\"\n"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    path.chmod(0o755)
    return str(path)


def test_debians_chromium_comes_first(tmp_path):
    debian = executable(tmp_path / "usr-bin" / "chromium")
    executable(tmp_path / "local" / "chromium-browser", b"\x7fELF\x02\x01\x01")
    playwright = executable(tmp_path / "ms-playwright" / "chrome", b"\x7fELF\x02\x01\x01")
    path = os.pathsep.join([str(tmp_path / "local"), str(tmp_path / "usr-bin")])
    assert finder.find_chromium(path, playwright) == debian


def test_ubuntus_snap_stub_is_passed_over_for_playwrights_browser(tmp_path):
    executable(tmp_path / "bin" / "chromium-browser", UBUNTU_STUB)
    playwright = executable(tmp_path / "ms-playwright" / "chromium-1255" / "chrome-linux64" / "chrome", b"\x7fELF")
    assert finder.find_chromium(str(tmp_path / "bin"), playwright) == playwright
    assert finder.find_chromium(str(tmp_path / "bin"), None) is None


def test_a_snap_command_is_passed_over(tmp_path):
    snap = executable(tmp_path / "usr" / "bin" / "snap", b"\x7fELF\x02\x01\x01")  # what /snap/bin/NAME links to
    (tmp_path / "snap-bin").mkdir()
    (tmp_path / "snap-bin" / "chromium").symlink_to(snap)
    assert finder.find_chromium(str(tmp_path / "snap-bin"), None) is None


def test_a_real_chromium_browser_is_taken(tmp_path):
    binary = executable(tmp_path / "bin" / "chromium-browser", b"\x7fELF\x02\x01\x01" + b"/snap/ in its data" * 10)
    assert finder.find_chromium(str(tmp_path / "bin"), None) == binary


def test_a_missing_or_not_executable_browser_is_not_taken(tmp_path):
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "chromium").write_text("#!/bin/sh\n")  # not executable
    assert finder.find_chromium(str(tmp_path / "bin"), str(tmp_path / "ms-playwright" / "chrome")) is None

