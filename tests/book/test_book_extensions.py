"""The book's own Sphinx extensions (book/_ext), each against hand-worked expectations."""
import importlib.util
from types import SimpleNamespace

from pybtex.database import Entry, Person

import book_site

EXT = book_site.REPO / "book" / "_ext"


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"book_ext_{name}", EXT / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def entry(year, *authors):
    return Entry("inproceedings", fields={"year": year, "title": "T"},
                 persons={"author": [Person(a) for a in authors]})


def test_author_year_labels():
    labels = load("author_year_labels")
    entries = [entry("2018", "Hu, Jie", "Shen, Li", "Sun, Gang"),
               entry("2015", "Ioffe, Sergey", "Szegedy, Christian"),
               entry("2017", "Hu, Jie"),
               entry("2016", "He, Kaiming", "Zhang, Xiangyu", "Ren, Shaoqing"),
               entry("2016", "He, Kaiming", "Zhang, Xiangyu", "Sun, Jian"),
               entry("2019", "{Project Jupyter}")]
    assert list(labels.AuthorYearLabels().format_labels(entries)) == [
        "Hu et al., 2018", "Ioffe and Szegedy, 2015", "Hu, 2017",
        "He et al., 2016a", "He et al., 2016b", "Project Jupyter, 2019"]


def test_code_digest_follows_the_watched_code(tmp_path):
    deps = load("code_dependencies")
    (tmp_path / "experiments").mkdir()
    (tmp_path / "experiments" / "cost.py").write_text("A = 1\n")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "helper.py").write_text("B = 2\n")
    (tmp_path / "book" / "notes.md").write_text("# not code\n")
    before = deps.code_digest(tmp_path)
    (tmp_path / "book" / "notes.md").write_text("# changed, but not code\n")
    assert deps.code_digest(tmp_path) == before
    (tmp_path / "experiments" / "cost.py").write_text("A = 2\n")
    assert deps.code_digest(tmp_path) != before


def test_code_digest_follows_the_study_preset(tmp_path):
    """A build with the study's smoke preset and one with the book's keep no cache in common."""
    deps = load("code_dependencies")
    (tmp_path / "experiments").mkdir()
    (tmp_path / "experiments" / "study.py").write_text("A = 1\n")
    unset = deps.code_digest(tmp_path, environ={})
    smoke = deps.code_digest(tmp_path, environ={"COURSE_STUDY_PRESET": "smoke"})
    assert len({unset, smoke, deps.code_digest(tmp_path, environ={"COURSE_STUDY_PRESET": "large"})}) == 3
    assert deps.code_digest(tmp_path, environ={"COURSE_STUDY_PRESET": "smoke", "HOME": "/elsewhere"}) == smoke


def test_thebe_loader_is_recognised():
    offline = load("offline_assets")
    loader = SimpleNamespace(filename=None, attributes={"body": 'const THEBE_JS_URL = "x"'})
    script = SimpleNamespace(filename="sphinx-thebe.js", attributes={})
    other = SimpleNamespace(filename="doctools.js", attributes={})
    assert offline.is_thebe_loader(loader) and offline.is_thebe_loader(script)
    assert not offline.is_thebe_loader(other)
