"""Fixtures for the book's tests: the site served on localhost, each page visited once in Chromium (the build
and Chromium: tests/conftest.py)."""
import functools
import http.server
import threading

import pytest
from page_visits import redirect, visit

import book_site


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def site_url(built_book):
    """The built site served by a local HTTP server on 127.0.0.1."""
    handler = functools.partial(QuietHandler, directory=str(built_book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def page_visits(browser, site_url):
    """{docname: its Visit}: each page of the site opened, checked and audited once, when first asked
    for; a chapter's screenshot is kept, and the index must lead to the first page of the book (whose
    visit then holds for the index too, with what the redirect requested and logged)."""
    first = book_site.toc_docnames()[0]

    class Visits(dict):
        def __missing__(self, docname):
            url = f"{site_url}/{docname}.html"
            if docname == "index":
                self[docname] = redirect(browser, url, lands_on=f"{site_url}/{first}.html", landed=self[first])
            else:
                self[docname] = visit(browser, url, screenshot=book_site.screenshot(docname))
            return self[docname]

    return Visits()
