"""What the app trusts about the connection, and what it tells the browser to keep.

Rules: with `LANTOA_PROXY_HOPS` = n > 0 the app sits behind n reverse proxies that each append to
`X-Forwarded-For` and set `X-Forwarded-Proto`; werkzeug's ProxyFix then takes the client's address and scheme
from the n-th value from the right, so `request.remote_addr` (which every rate limit keys on: certificate lookups,
sign-in) is the real client and not the proxy. With 0 (the default) the headers are ignored: a client cannot
choose its own address by sending them. `X-Forwarded-Host` is not trusted: the proxy passes the `Host` header on.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    hops = int(app.config.get("LANTOA_PROXY_HOPS") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
