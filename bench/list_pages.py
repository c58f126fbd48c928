"""The long list pages at province scale on an existing database (built by `lantoa demo --size province`).

Signed in as steering (`bcd`, who sees the whole province), through the Flask test client, the medians of
`--repeat` requests of /people/, /trainers/, /classes/ and /certificates/: the first page, the page that
"Sau ›" on the first page links to, a middle page (half of the rows in, by page number), the page its "Sau ›"
links to and a search or filter.

Usage: python -m bench.list_pages --url postgresql+psycopg://postgres@127.0.0.1:5432/paging_load [--repeat 5]
"""

from __future__ import annotations

import argparse
import html
import os
import re

from bench.network_db import median_ms

LISTS = {  # list → (search or filter, the table behind it)
    "people": ("q=nguyen+thi", "persons"),
    "trainers": ("q=nguyen+van", "trainers"),
    "classes": ("status=completed&level=1", "training_classes"),
    "certificates": ("q=tran+van", "certificates"),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of a database holding the province demo")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--user", default="bcd")
    args = parser.parse_args(argv)
    os.environ.setdefault("LANTOA_ENV", "development")
    from sqlalchemy import text

    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    per_page = app.config["LANTOA_PAGE_SIZE"]
    with app.app_context():
        sizes = {kind: db.session.scalar(text(f"SELECT count(*) FROM {table}")) for kind, (_, table) in LISTS.items()}
        db.session.remove()
    client = app.test_client()
    assert client.post("/login", data={"username": args.user, "password": "lantoa-2025"}).status_code == 302
    print(f"{args.url.split('@')[-1]}, {per_page} rows a page, medians of {args.repeat}")
    for kind, (search, _) in LISTS.items():
        first = client.get(f"/{kind}/").get_data(as_text=True)
        nxt = re.search(r'<a href="([^"]+)">Sau ›</a>', first)
        pager = re.search(r'<span class="muted">(Trang [^<]*)</span>', first)
        middle = max(sizes[kind] // 2 // per_page, 1)
        deep = re.search(r'<a href="([^"]+)">Sau ›</a>', client.get(f"/{kind}/?page={middle}").get_data(as_text=True))
        pages = [("first page", f"/{kind}/"), ("next (Sau › of page 1)", html.unescape(nxt.group(1)) if nxt else None),
                 (f"middle, page {middle:,}", f"/{kind}/?page={middle}"),
                 (f"Sau › of page {middle:,}", html.unescape(deep.group(1)) if deep else None),
                 (search, f"/{kind}/?{search}")]
        print(f"/{kind}/ ({sizes[kind]:,} rows; pager: {pager.group(1) if pager else '-'})")
        for label, url in pages:
            if url is None:
                continue
            status = client.get(url).status_code
            print(f"  {label:32s} {median_ms(lambda u=url: client.get(u), args.repeat):8.1f} ms  (HTTP {status})",
                  flush=True)
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
