"""Links from the book to the repository, built from the one URL in ``_config.yml``.

- ``{colab}`01_squeeze``` renders a link that opens the exercise notebook
  ``notebooks/attention/01_squeeze.ipynb`` in Colab;
- ``{repo}`autograder/grade``` renders a link to that path in the repository;
- a chapter whose file name is an exercise notebook's stem (``book/NN_topic.md``) gets a
  Colab button in its header that opens that notebook. The theme's own Colab button would
  open the chapter's ``.md`` source, which Colab cannot read, so it is switched off.

The repository URL and branch come from ``repository:`` in ``_config.yml``, which Jupyter
Book passes on as ``html_theme_options`` (``repository_url``, ``repository_branch``).
"""
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from autograder.exercises import ASSIGNMENT, NOTEBOOKS

LOGGER = logging.getLogger(__name__)
COLAB = "https://colab.research.google.com/github"
REPO_ROOT = Path(__file__).resolve().parents[2]


def repository(config) -> tuple[str, str]:
    """``(url, branch)`` of the course repository, as ``_config.yml`` sets them."""
    options = config.html_theme_options or {}
    url = options.get("repository_url", "").rstrip("/")
    if not url.startswith("https://github.com/"):
        raise ValueError(f"repository.url in _config.yml must be a GitHub URL, got {url!r}")
    return url, options.get("repository_branch") or "main"


def notebook_path(stem: str) -> str:
    """The released exercise notebook for a chapter stem, relative to the repository root."""
    return f"notebooks/{ASSIGNMENT}/{stem}.ipynb"


def colab_url(config, stem: str) -> str:
    url, branch = repository(config)
    owner_repo = url.removeprefix("https://github.com/")
    return f"{COLAB}/{owner_repo}/blob/{branch}/{notebook_path(stem)}"


def repo_url(config, path: str) -> str:
    url, branch = repository(config)
    kind = "tree" if (REPO_ROOT / path).is_dir() else "blob"
    return f"{url}/{kind}/{branch}/{path.strip('/')}"


def colab_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{colab}`NN_topic``` -> a link opening the exercise notebook in Colab."""
    config = inliner.document.settings.env.config
    stem = text.strip()
    if stem not in NOTEBOOKS:
        message = inliner.reporter.error(
            f"{{colab}} needs an exercise notebook stem, one of {', '.join(NOTEBOOKS)}; "
            f"got {stem!r}",
            line=lineno,
        )
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    link = nodes.reference(
        rawtext, f"Open {stem}.ipynb in Colab", refuri=colab_url(config, stem),
        classes=["colab-link"],
    )
    return [link], []


def repo_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{repo}`path``` -> a link to that file or folder in the course repository."""
    config = inliner.document.settings.env.config
    path = text.strip().strip("/")
    if not (REPO_ROOT / path).exists():
        message = inliner.reporter.error(
            f"{{repo}} names {path!r}, which is not in the repository", line=lineno
        )
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    link = nodes.reference(rawtext, "", refuri=repo_url(config, path))
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
                    "url": colab_url(app.config, stem),
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
