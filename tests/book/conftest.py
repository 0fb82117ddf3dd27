"""Fixtures for the book's tests: one build per session, the site served on localhost (Chromium: tests/conftest.py)."""
import functools
import http.server
import threading

import pytest

import book_site


@pytest.fixture(scope="session")
def built_book():
    """``_build/html``, built with ``-W -n --keep-going`` unless a passing build of the
    same sources is already there. ``--all`` re-reads every page, so that warnings of
    pages left unchanged since an earlier failed build are reported again; executed
    cells still come from the cache."""
    digest = book_site.source_digest()
    stamp = book_site.STAMP
    if stamp.is_file() and stamp.read_text() == digest:
        return book_site.HTML
    stamp.unlink(missing_ok=True)
    result = book_site.build("--all")
    log = result.stdout + result.stderr
    if result.returncode != 0:
        pytest.fail(f"the book build failed (exit {result.returncode}):\n{log[-20000:]}",
                    pytrace=False)
    stamp.write_text(digest)
    return book_site.HTML


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
