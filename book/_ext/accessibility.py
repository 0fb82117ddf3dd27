"""Accessibility fixes for the built pages: alt text for every image, and valid list roles.

Alt text: every image of the book gets alt text that says what it shows.

A figure made by a code cell is an image whose alt text would otherwise be its file path,
which a screen reader reads out as noise. Here an image inside a figure takes the first
sentence of the figure's caption; an image outside a figure keeps the alt text its cell set
(``mystnb: image: alt:``), and one with none is reported, so the build (run with -W) fails.

List roles: docutils marks a bibliography as ``role="list"`` but its entries as
``role="doc-biblioentry"``, which screen readers are told is not a list item; the list role
is dropped, so the entries are read as the bibliography entries they are.
"""
import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
PATH_LIKE = re.compile(r"(^|/)[^ ]*\.(png|jpe?g|svg|gif)$|^_images/|^\.\./", re.IGNORECASE)


def meaningless(alt: str) -> bool:
    """Empty, or a file name or path rather than words."""
    alt = (alt or "").strip()
    return not alt or bool(PATH_LIKE.search(alt)) or " " not in alt


def first_sentence(text: str, limit: int = 250) -> str:
    text = " ".join(text.split())
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    sentence = match.group(1) if match else text
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + "…"


def caption_of(node: nodes.Node):
    parent = node.parent
    while parent is not None and not isinstance(parent, nodes.figure):
        parent = parent.parent
    if parent is None:
        return None
    captions = [child for child in parent.children if isinstance(child, nodes.caption)]
    return captions[0].astext() if captions else None


def add_alt_text(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for image in doctree.findall(nodes.image):
        if not meaningless(image.get("alt", "")):
            continue
        caption = caption_of(image)
        if caption:
            image["alt"] = first_sentence(caption)
        else:
            LOGGER.warning(f"an image in {docname} has no alt text and no figure caption "
                           f"({image.get('uri')}): give its cell `mystnb: image: alt:`",
                           location=image)


CITATION_LIST = '<div role="list" class="citation-list">'


def fix_citation_list(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if CITATION_LIST in context.get("body", ""):
        context["body"] = context["body"].replace(CITATION_LIST, '<div class="citation-list">')


def setup(app: Sphinx) -> dict:
    app.connect("doctree-resolved", add_alt_text)
    app.connect("html-page-context", fix_citation_list)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
