"""The load generator: virtual users as threads, each with one keep-alive connection and its own cookies.

Rules: a virtual user is one thread with one `http.client.HTTPConnection` (HTTP/1.1 keep-alive; when the
server closes the connection, as gunicorn's sync worker does after every answer, the next request reconnects,
and that reconnection counts in the request's time). A signed-in page needs a session: each virtual user
signs in once per account (GET /login for the CSRF token, POST the form, keep the cookies it sets) and reuses
the cookie for every later request. A page that redirects (a coordinator's home → their area, /plan/ → the
plan) is measured at its destination (`destination`: same-host redirects followed, never to /login), since a
redirect counts as an error. Users send their next request as soon as the answer is read (a closed
loop: N users = at most N requests in flight). Samples of the warm-up are thrown away; the measured window
starts for every user at the same moment and each request started in it is counted with its full time.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from bench.loadtest.stats import Sample

_CSRF_INPUT = re.compile(r"<input[^>]*\bname=\"csrf_token\"[^>]*>")
_VALUE = re.compile(r"\bvalue=\"([^\"]*)\"")


class LoginFailed(RuntimeError):
    pass


def csrf_token(html: str) -> str:
    """The value of the form's hidden `csrf_token` input (Flask-WTF), whatever the attribute order."""
    field = _CSRF_INPUT.search(html)
    value = _VALUE.search(field.group(0)) if field else None
    if value is None:
        raise LoginFailed("the login form has no csrf_token field")
    return value.group(1)


class VirtualUser:
    """One client: a keep-alive connection and a cookie jar (name → value) for one host."""

    def __init__(self, host: str, port: int, timeout: float = 60.0, headers: dict[str, str] | None = None):
        self.connection = http.client.HTTPConnection(host, port, timeout=timeout)
        self.cookies: dict[str, str] = {}
        self.headers = dict(headers or {})  # sent with every request (an API client's bearer token)
        self.netloc = f"{host}:{port}"

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, str]:
        """(status, body, Location header); status 0 when no answer came."""
        headers = {"Accept-Encoding": "identity", **self.headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()  # a fresh connection next time
            return 0, "", ""
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, content.decode("utf-8", "replace"), response.getheader("Location") or ""

    def get(self, path: str) -> Sample:
        started = time.perf_counter()
        status, _, _ = self.request("GET", path)
        return Sample(status, time.perf_counter() - started)

    def login(self, username: str, password: str) -> None:
        """Sign in through the real form (CSRF token included); raises LoginFailed unless redirected."""
        status, html, _ = self.request("GET", "/login")
        if status != 200:
            raise LoginFailed(f"GET /login answered {status}")
        body = urlencode({"csrf_token": csrf_token(html), "username": username, "password": password,
                          "next": ""})
        status, _, _ = self.request("POST", "/login", body)
        if status != 302:
            raise LoginFailed(f"signing in as {username} answered {status} (302 expected)")

    def destination(self, path: str, hops: int = 3) -> str:
        """`path`, or where its same-host redirects lead (at most `hops`; a redirect to /login is not followed)."""
        for _ in range(hops):
            status, _, location = self.request("GET", path)
            target = urlsplit(location)
            if status not in (301, 302, 303, 307, 308) or target.netloc not in ("", self.netloc):
                break
            following = target.path + (f"?{target.query}" if target.query else "")
            if following.startswith("/login"):
                break
            path = following
        return path

    def close(self) -> None:
        self.connection.close()


def run_load(users: list[VirtualUser], path: str, duration: float, warmup: float = 0.0) -> tuple[list[Sample], float]:
    """Every user requests `path` in a closed loop for `warmup` (discarded) then `duration` seconds.
    Returns the measured samples and the measured window in seconds (until the last request started in the
    window has finished)."""
    samples: list[Sample] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(users) + 1)
    window: dict[str, float] = {}

    def loop(user: VirtualUser) -> None:
        barrier.wait()
        warm_until, stop_at = window["warm_until"], window["stop_at"]
        mine: list[Sample] = []
        while True:
            started = time.perf_counter()
            if started >= stop_at:
                break
            sample = user.get(path)
            if started >= warm_until:
                mine.append(sample)
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=loop, args=(user,), daemon=True) for user in users]
    for thread in threads:
        thread.start()
    now = time.perf_counter()
    window["warm_until"] = now + warmup
    window["stop_at"] = now + warmup + duration
    barrier.wait()
    for thread in threads:
        thread.join()
    return samples, time.perf_counter() - window["warm_until"]
