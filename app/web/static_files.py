"""Static files for slow phones: fingerprinted URLs kept for a year, and compressed answers.

Rules:
- `url_for("static", filename=f)` adds `v=<fingerprint>`: the first 12 hex digits of the file's SHA-256, read once
  per file and process (again when the file's modification time changes, so `lantoa run` picks up an edit);
- a static answer whose `v` is the file's current fingerprint says `Cache-Control: public, max-age=31536000,
  immutable`: the browser keeps it a year and never asks again (a changed file gets a new URL). Without `v`, or
  with a stale one, it is revalidated every time (`no-cache`, answered 304 by its ETag);
- text answers (pages, CSS, JavaScript, SVG, JSON) of 500 bytes or more are compressed (Brotli where the browser
  accepts it, else gzip) by Flask-Compress; streamed answers (exports, import progress) are not, so each chunk
  still leaves at once (a static text file, streamed by `send_file`, is read whole first: they are a few kB).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flask import Flask, request
from flask_compress import Compress

YEAR = 31_536_000
COMPRESSED = ["text/html", "text/css", "text/plain", "text/csv", "application/javascript", "text/javascript",
              "application/json", "application/problem+json", "image/svg+xml"]

compress = Compress()


class Fingerprints:
    """SHA-256 prefixes of the files of one static folder, cached by modification time."""

    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)
        self._known: dict[str, tuple[float, str]] = {}

    def of(self, filename: str) -> str | None:
        path = (self.folder / filename).resolve()
        if self.folder.resolve() not in path.parents or not path.is_file():
            return None
        mtime = os.stat(path).st_mtime
        known = self._known.get(filename)
        if known is None or known[0] != mtime:
            known = (mtime, hashlib.sha256(path.read_bytes()).hexdigest()[:12])
            self._known[filename] = known
        return known[1]


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_STREAMS", False)
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    compress.init_app(app)
    prints = Fingerprints(app.static_folder)
    app.extensions["lantoa_static_fingerprints"] = prints

    @app.url_defaults
    def fingerprint(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = prints.of(values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def cache_static(response):
        if request.endpoint == "static" and response.status_code in (200, 304):
            filename = (request.view_args or {}).get("filename", "")
            current = prints.of(filename)
            if current and request.args.get("v") == current:
                response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
            else:
                response.headers["Cache-Control"] = "no-cache"
            if response.status_code == 200 and response.mimetype in COMPRESSED and response.is_streamed:
                _read_whole(response)  # a file answer is streamed; compression takes a body read whole
        return response


def _read_whole(response) -> None:
    """Replace a static file's streamed body by the bytes (small text files: CSS, JavaScript, SVG)."""
    wrapper = response.response
    response.direct_passthrough = False
    body = b"".join(wrapper)
    if hasattr(wrapper, "close"):
        wrapper.close()
    response.set_data(body)
