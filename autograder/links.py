"""Where the published book lives: the URL of a chapter (and a section in it), from `_config.yml`.

The book is published with GitHub Pages from the repository named in `_config.yml`
(`repository.url`, https://github.com/OWNER/NAME), so chapter STEM is at
https://OWNER.github.io/NAME/book/STEM.html.
"""
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlsplit

import yaml

CONFIG = Path(__file__).resolve().parents[1] / "_config.yml"


@lru_cache(maxsize=1)
def book_root() -> str:
    """https://OWNER.github.io/NAME/ for the repository in _config.yml."""
    url = yaml.safe_load(CONFIG.read_text("utf-8"))["repository"]["url"]
    parts = urlsplit(url)
    owner, name = parts.path.strip("/").split("/")[:2]
    if parts.hostname != "github.com":
        raise ValueError(f"_config.yml repository.url must be a GitHub repository, got {url!r}")
    return f"https://{owner.lower()}.github.io/{name}/"


def chapter_url(stem: str, anchor: str = "") -> str:
    """The published page of book chapter `stem` (e.g. "02_excitation"), at `anchor` if given."""
    url = book_root() + "book/" + quote(stem) + ".html"
    return url + "#" + quote(anchor) if anchor else url
