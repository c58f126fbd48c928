"""What the app trusts about the connection, and what it tells the browser to keep.

Rules: with `LANTOA_PROXY_HOPS` = n > 0 the app sits behind n reverse proxies that each append to
`X-Forwarded-For` and set `X-Forwarded-Proto`; werkzeug's ProxyFix then takes the client's address and scheme
from the n-th value from the right, so `request.remote_addr` (which every rate limit keys on: certificate lookups,
sign-in) is the real client and not the proxy. With 0 (the default) the headers are ignored: a client cannot
choose its own address by sending them. `X-Forwarded-Host` is not trusted: the proxy passes the `Host` header on.

Every response to a signed-in user, except static files, says `Cache-Control: no-store`: a page of the programme's
data is never kept by the browser or a shared cache (nor shown again by Back after logout). Public pages (sign-in,
certificate check) and static files keep their usual caching. When cookies are `Secure` (`SESSION_COOKIE_SECURE`,
`LANTOA_SECURE_COOKIES=1`, i.e. the site is served over TLS) every response carries
`Strict-Transport-Security: max-age=31536000; includeSubDomains`.
"""

from __future__ import annotations

from flask import Flask, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

HSTS = "max-age=31536000; includeSubDomains"


def init_app(app: Flask) -> None:
    hops = int(app.config.get("LANTOA_PROXY_HOPS") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    @app.after_request
    def private_and_tls_headers(response):
        private = request.endpoint != "static" and current_user.is_authenticated
        if private and "no-store" not in response.headers.get("Cache-Control", ""):
            response.headers["Cache-Control"] = "no-store"
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
