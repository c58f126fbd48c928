"""Static files: fingerprinted URLs cached for a year, revalidated without the fingerprint, compressed answers."""

from __future__ import annotations

import gzip
import re

from app.web.static_files import YEAR


def _css_url(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]{12})"', page).group(1)


def test_pages_link_static_files_by_fingerprint_and_those_are_kept_a_year(client):
    url = _css_url(client)
    with client.get(url) as answer:
        assert answer.status_code == 200
        assert answer.headers["Cache-Control"] == f"public, max-age={YEAR}, immutable"


def test_without_or_with_a_stale_fingerprint_the_file_is_revalidated(client):
    for url in ("/static/css/app.css", "/static/css/app.css?v=000000000000"):
        with client.get(url) as answer:
            assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-cache"
            tag = answer.headers["ETag"]
        with client.get(url, headers={"If-None-Match": tag}) as again:
            assert again.status_code == 304


def test_text_answers_are_compressed_for_browsers_that_accept_it(client):
    url = _css_url(client)
    with client.get(url) as plain:
        body = plain.get_data()
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip" and packed.headers["Vary"].lower().count("accept-encoding")
    assert gzip.decompress(packed.get_data()) == body
    assert len(packed.get_data()) < len(body) / 2
    brotli = client.get(url, headers={"Accept-Encoding": "br, gzip"})
    assert brotli.headers["Content-Encoding"] == "br"
    page = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"


def test_an_unknown_static_file_is_a_404(client):
    for url in ("/static/nope.css?v=abc", "/static/../app/__init__.py"):
        with client.get(url) as answer:
            assert answer.status_code == 404
