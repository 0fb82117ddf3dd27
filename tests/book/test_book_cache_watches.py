"""The execution cache re-runs the chapters when anything they read outside their own cells changes."""
import importlib.util
import json
import re
import subprocess
import sys

import book_site

# The chapters' imports, as the executed pages run them; the reference is loaded through
# experiments.attention.course_modules(), so that is called too.
LOADER = """
import importlib, json, pkgutil, sys
import experiments
for info in pkgutil.iter_modules(experiments.__path__):
    importlib.import_module(f"experiments.{info.name}")
from experiments.attention import course_modules
course_modules()
print(json.dumps(sorted(m.__file__ for m in list(sys.modules.values()) if getattr(m, "__file__", None))))
"""


def code_dependencies():
    spec = importlib.util.spec_from_file_location("book_ext_code_dependencies",
                                                  book_site.REPO / "book" / "_ext" / "code_dependencies.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_course_file_the_chapters_import_is_watched():
    loaded = subprocess.run([sys.executable, "-c", LOADER], cwd=book_site.REPO, capture_output=True, text=True,
                            check=True)
    ours = {path for path in map(book_site.Path, json.loads(loaded.stdout))
            if path.is_relative_to(book_site.REPO) and ".venv" not in path.parts}
    assert any(path.parent.name == "reference" for path in ours), "the reference was not loaded"
    watched = set(code_dependencies().watched_files())
    assert sorted(map(str, ours - watched)) == []


def test_the_saved_results_the_study_chapter_reads_are_watched():
    saved = sorted((book_site.REPO / "experiments" / "results").rglob("*.json"))
    assert saved, "no saved ablation results"
    assert set(saved) <= set(code_dependencies().watched_files())


def test_every_environment_variable_the_chapters_code_reads_is_watched():
    read = re.compile(r"""(?:environ\.get|getenv|environ\[)\(?\s*["']([A-Z][A-Z0-9_]*)["']""")
    names = {name for path in (book_site.REPO / "experiments").rglob("*.py")
             for name in read.findall(path.read_text())}
    assert "COURSE_STUDY_PRESET" in names, "the study's preset variable was not found: the check checks nothing"
    assert names <= set(code_dependencies().WATCHED_ENVIRONMENT)


def test_the_suites_smoke_build_is_never_reused_by_make_book(built_book):
    """The suite builds with the study's smoke preset outside ``make book``'s ``_build/html``, and its
    cache's stamp is one that a build with the book's preset (no variable) would find changed and clear."""
    deps = code_dependencies()
    assert not built_book.is_relative_to(book_site.REPO / "_build" / "html")
    assert book_site.CACHE != book_site.REPO / "_build" / ".jupyter_cache"
    stamp = (book_site.CACHE / deps.STAMP).read_text()
    assert stamp == deps.code_digest(environ={"COURSE_STUDY_PRESET": book_site.STUDY_PRESET})
    assert stamp != deps.code_digest(environ={})
