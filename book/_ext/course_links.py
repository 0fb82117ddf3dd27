"""The book's links to the exercise notebooks, built by ``autograder/links.py`` from the one
published location in ``_config.yml``.

- ``{colab}`01_squeeze``` renders a link that opens the released notebook
  ``notebooks/attention/01_squeeze.ipynb`` of the public repository in Colab;
- ``{repo}`notebooks/attention/01_squeeze.ipynb``` renders a link to that file of the public
  repository (only the student edition's files: the notebooks and the README);
- a chapter whose file name is an exercise notebook's stem (``book/NN_topic.md``) gets a
  Colab button in its header that opens that notebook. The theme's own Colab button would
  open the chapter's ``.md`` source, which Colab cannot read, so it is switched off.
"""
from docutils import nodes
from sphinx.application import Sphinx

from autograder.exercises import NOTEBOOKS
from autograder.links import NOTEBOOK_FOLDER, colab_url, location

EDITION_FILES = ("README.md", *(f"{NOTEBOOK_FOLDER}/{stem}.ipynb" for stem in NOTEBOOKS))


def colab_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{colab}`NN_topic``` -> a link opening the exercise notebook in Colab."""
    stem = text.strip()
    if stem not in NOTEBOOKS:
        message = inliner.reporter.error(
            f"{{colab}} needs an exercise notebook stem, one of {', '.join(NOTEBOOKS)}; got {stem!r}",
            line=lineno,
        )
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    link = nodes.reference(rawtext, f"Open {stem}.ipynb in Colab", refuri=colab_url(stem),
                           classes=["colab-link"])
    return [link], []


def repo_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{repo}`path``` -> a link to that file of the student edition's public repository."""
    path = text.strip().strip("/")
    if path not in EDITION_FILES:
        message = inliner.reporter.error(
            f"{{repo}} names {path!r}; the public repository holds only {', '.join(EDITION_FILES)}",
            line=lineno,
        )
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    where = location()
    link = nodes.reference(rawtext, "", refuri=f"{where.repository}/blob/{where.branch}/{path}")
    link += nodes.literal(path, path)
    return [link], []


def add_colab_button(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """A header button that opens the chapter's exercise notebook in Colab."""
    stem = pagename.rsplit("/", 1)[-1]
    if stem not in NOTEBOOKS or "header_buttons" not in context:
        return
    context["header_buttons"].append(
        {
            "type": "group",
            "tooltip": "Launch the exercise notebook",
            "icon": "fas fa-rocket",
            "label": "launch-buttons",
            "buttons": [
                {
                    "type": "link",
                    "text": "Colab",
                    "tooltip": f"Open {stem}.ipynb in Colab",
                    "icon": "_static/images/logo_colab.png",
                    "url": colab_url(stem),
                }
            ],
        }
    )


def setup(app: Sphinx) -> dict:
    app.add_role("colab", colab_role)
    app.add_role("repo", repo_role)
    # After the theme has laid out its own header buttons (priority 501).
    app.connect("html-page-context", add_colab_button, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
