"""Keep every page free of assets from other hosts, so the book reads offline.

Jupyter Book always loads sphinx-thebe, which puts a loader for thebe (fetched from unpkg
when a reader presses "Live Code") on every page, and at times twice, which makes the browser
report a redeclared constant. The course has no live-code button, so the loader is dropped.
"""
from sphinx.application import Sphinx


def is_thebe_loader(script) -> bool:
    filename = getattr(script, "filename", "") or ""
    body = (getattr(script, "attributes", None) or {}).get("body", "")
    return filename.endswith("sphinx-thebe.js") or "THEBE_JS_URL" in body


def drop_thebe(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if "script_files" in context:
        context["script_files"] = [
            script for script in context["script_files"] if not is_thebe_loader(script)
        ]


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
