"""Serve MathJax from the built site itself, so the book's math renders with no network.

MathJax 2.7 comes from the pinned PyPI package ``jupyter-server-mathjax``; its static tree
is copied once into ``_static/mathjax/`` of the HTML output, where ``mathjax_path`` in
``_config.yml`` points (``mathjax/MathJax.js``, relative to ``_static``).
"""
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

TARGET = "mathjax"


def mathjax_source() -> Path:
    """The folder holding ``MathJax.js`` in the installed package."""
    try:
        import jupyter_server_mathjax
    except ImportError as error:
        raise ExtensionError(
            "the book renders math from a local MathJax: install the pinned "
            "jupyter-server-mathjax from pyproject.toml (make install)"
        ) from error
    source = Path(jupyter_server_mathjax.__file__).parent / "static"
    if not (source / "MathJax.js").is_file():
        raise ExtensionError(f"no MathJax.js in {source}: reinstall jupyter-server-mathjax")
    return source


def copy_mathjax(app: Sphinx) -> None:
    """Copy MathJax into ``_static/mathjax`` unless the same version is there already."""
    if app.builder.format != "html":
        return
    source = mathjax_source()
    target = Path(app.outdir) / "_static" / TARGET
    stamp = target / ".source"
    if stamp.is_file() and stamp.read_text() == str(source):
        return
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)
    stamp.write_text(str(source))


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
