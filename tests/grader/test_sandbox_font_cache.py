"""Matplotlib's font list for the sandbox is built once per matplotlib version and reused by every later batch,
and only from a cache folder that is the grader's user's alone. The first test builds it for real; the others,
about where a list is taken from, copy one real build (`copied_builds`)."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.grade import sandbox


@pytest.fixture(scope="module")
def one_real_build(tmp_path_factory) -> Path:
    """Matplotlib's font list, really built once for the tests below that are not about building it."""
    folder = tmp_path_factory.mktemp("fonts") / "built"
    sandbox.prebuild_font_cache(folder)
    assert list(folder.glob("fontlist-*.json"))
    return folder


@pytest.fixture
def copied_builds(one_real_build, monkeypatch):
    """Each build of the font list becomes a copy of the real one (its bytes, as matplotlib wrote them)."""
    monkeypatch.setattr(sandbox, "prebuild_font_cache",
                        lambda folder: shutil.copytree(one_real_build, folder, dirs_exist_ok=True))


def counting_builds(monkeypatch) -> list:
    """Record each real build of the font list (a subprocess that imports matplotlib)."""
    builds, real = [], sandbox.prebuild_font_cache

    def build(folder):
        builds.append(folder)
        real(folder)

    monkeypatch.setattr(sandbox, "prebuild_font_cache", build)
    return builds


def font_lists(library) -> list:
    return sorted((library / "matplotlib-fonts").glob("fontlist-*.json"))


def test_a_second_batch_reuses_the_font_list_the_first_built(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    builds = counting_builds(monkeypatch)
    first = sandbox.build_library(tmp_path / "first")
    second = sandbox.build_library(tmp_path / "second")
    assert len(builds) == 1
    assert font_lists(first) and [p.read_bytes() for p in font_lists(first)] == \
        [p.read_bytes() for p in font_lists(second)]
    assert json.loads(font_lists(second)[0].read_text())["ttflist"]  # a real font list, with fonts in it
    cache = tmp_path / "cache" / "autograder"
    assert oct(cache.stat().st_mode & 0o777) == "0o700"
    assert [p.name for p in cache.iterdir()] == [sandbox.font_cache().name]  # no half-built folder left behind


def test_matplotlib_in_the_sandbox_uses_the_cached_list_without_rebuilding_it(tmp_path, monkeypatch, copied_builds):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    sandbox.build_library(tmp_path / "warm")
    library = sandbox.build_library(tmp_path / "library")
    config = tmp_path / "config"
    config.mkdir()
    for path in font_lists(library):
        (config / path.name).write_bytes(path.read_bytes())
    before = {p.name: p.stat().st_mtime_ns for p in config.iterdir()}
    env = dict(sandbox.environment("cpu", str(tmp_path)), MPLCONFIGDIR=str(config))
    subprocess.run([sys.executable, "-I", "-c", "import matplotlib.font_manager as f; f.findfont('DejaVu Sans')"],
                   env=env, check=True, capture_output=True)
    assert {p.name: p.stat().st_mtime_ns for p in config.iterdir()} == before


def test_a_cache_folder_others_may_write_to_is_not_used(tmp_path, monkeypatch, copied_builds):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = sandbox.font_cache()
    planted = folder / font_lists(sandbox.build_library(tmp_path / "first"))[0].name
    planted.write_text('{"planted": true}')
    os.chmod(folder.parent, 0o777)
    builds = counting_builds(monkeypatch)
    library = sandbox.build_library(tmp_path / "library")
    assert sandbox.font_cache() is None
    assert len(builds) == 1 and b"planted" not in font_lists(library)[0].read_bytes()


def test_a_planted_link_or_writable_file_in_the_cache_is_not_used(tmp_path, monkeypatch, copied_builds):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = sandbox.font_cache()
    secret = tmp_path / "secret.txt"
    secret.write_text("not for students")
    (folder / "link.json").symlink_to(secret)
    assert sandbox.font_cache() is None
    (folder / "link.json").unlink()
    os.chmod(next(folder.glob("fontlist-*.json")), 0o666)
    assert sandbox.font_cache() is None
    library = sandbox.build_library(tmp_path / "library")
    assert not (library / "matplotlib-fonts" / "link.json").exists() and font_lists(library)
