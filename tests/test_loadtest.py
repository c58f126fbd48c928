"""`make loadtest`'s parts: the statistics, the login of a virtual user and a one-second run of the generator
against an in-process app, and gunicorn serving the hello-world floor. The run itself is `make loadtest`."""

from __future__ import annotations

import secrets
import statistics
import threading
from dataclasses import replace

import pytest
from flask import Flask, redirect, request, session
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.serving import make_server

from bench.loadtest.client import LoginFailed, VirtualUser, csrf_token, run_load
from bench.loadtest.pages import BUDGETS, PAGES
from bench.loadtest.servers import Gunicorn, ServerSettings
from bench.loadtest.stats import Budget, Sample, format_table, percentile, summarize

pytestmark = pytest.mark.no_db


def test_percentile_interpolates_between_ranks():
    assert percentile([4, 1, 3, 2], 50) == 2.5
    assert percentile([10, 20, 30, 40, 50], 50) == 30
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == pytest.approx(9.1)
    assert percentile(list(range(1, 101)), 99) == pytest.approx(99.01)
    assert percentile([7], 99) == 7
    assert percentile([], 50) is None
    with pytest.raises(ValueError):
        percentile([1], 101)


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=2, max_size=60))
def test_percentile_agrees_with_the_inclusive_quantiles(values):
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    assert percentile(values, 50) == pytest.approx(cuts[49], abs=1e-6)
    assert percentile(values, 99) == pytest.approx(cuts[98], abs=1e-6)
    assert percentile(values, 0) == min(values) and percentile(values, 100) == max(values)


def test_summary_counts_every_non_2xx_as_an_error_and_divides_by_the_floor():
    samples = [Sample(200, 0.010), Sample(204, 0.020), Sample(302, 0.001), Sample(500, 0.030), Sample(0, 0.040)]
    row = summarize("page", samples, elapsed=2.0, floor_p50_ms=4.0)
    assert (row.requests, row.errors, row.per_second) == (5, 3, 2.5)
    assert row.p50_ms == pytest.approx(20.0) and row.ratio == pytest.approx(5.0)
    assert row.p99_ms == pytest.approx(39.6)
    table = format_table([row, summarize("empty", [], elapsed=1.0)])
    assert "| page  |        5 |" in table and "5.0×" in table
    assert table.splitlines()[3].rstrip(" |").endswith("—")


def test_budgets_name_what_a_page_misses():
    fast = summarize("fast", [Sample(200, 0.010)] * 50, elapsed=1.0)
    budget = Budget(0.05)
    assert budget.misses(replace(fast, share=0.06, growth=1.2)) == ()
    slow = summarize("slow", [Sample(200, 0.100)] * 10 + [Sample(200, 0.400)], elapsed=1.0)
    assert budget.misses(replace(slow, share=0.01, growth=1.6)) == ("p99 ≥ 300 ms", "req/s < 5 %", "growth > 1.5×")
    assert Budget(0.02).misses(replace(fast, share=0.03)) == ()  # a dashboard's share; no growth measured
    failing = summarize("failing", [Sample(500, 0.010)] * 50, elapsed=1.0)
    assert "errors" in budget.misses(replace(failing, share=0.5))
    table = format_table([replace(slow, share=0.01, growth=1.6, misses=budget.misses(slow)),
                          replace(fast, share=0.06, growth=1.2, misses=())])
    assert "1.60×" in table and "| ok" in table and "p99 ≥ 300 ms" in table


def test_every_page_has_a_budget_and_the_dashboards_are_the_issue_list():
    assert {kind for *_, kind in PAGES} <= set(BUDGETS)
    dashboards = {label for label, _, _, kind in PAGES if kind == "dashboard"}
    assert {"home (steering)", "home (coordinator)", "targets", "forecast", "gaps", "network overview",
            "cascade picture", "assignments"} == dashboards


def test_csrf_token_is_read_whatever_the_attribute_order():
    assert csrf_token('<input id="csrf_token" name="csrf_token" type="hidden" value="abc.1">') == "abc.1"
    assert csrf_token('<input value="xyz" type="hidden" name="csrf_token">') == "xyz"
    with pytest.raises(LoginFailed):
        csrf_token('<input name="username" value="x">')


def _signed_in_app() -> Flask:
    """A login form with a CSRF token kept in the session (as Flask-WTF does) and a page that needs the session."""
    app = Flask("signed_in")
    app.secret_key = "test"

    @app.route("/login", methods=["GET", "POST"])
    def login():
        if request.method == "GET":
            session["csrf"] = secrets.token_hex(8)
            return f'<form><input id="csrf_token" name="csrf_token" type="hidden" value="{session["csrf"]}"></form>'
        if request.form["csrf_token"] != session.get("csrf") or request.form["password"] != "pw":
            return "refused", 400
        session["user"] = request.form["username"]
        return redirect("/private")

    @app.get("/")
    def home():
        return redirect("/private")

    @app.get("/private")
    def private():
        return ("hello " + session["user"]) if "user" in session else redirect("/login")

    return app


@pytest.fixture
def served():
    server = make_server("127.0.0.1", 0, _signed_in_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join()


def test_virtual_users_sign_in_once_and_keep_their_session_for_a_second_of_load(served):
    users = [VirtualUser("127.0.0.1", served) for _ in range(2)]
    for user in users:
        user.login("gv", "pw")
    anonymous = VirtualUser("127.0.0.1", served)
    samples, elapsed = run_load(users + [anonymous], "/private", duration=1.0, warmup=0.2)
    for user in users + [anonymous]:
        user.close()
    assert elapsed >= 1.0
    by_status = {status: sum(s.status == status for s in samples) for status in {s.status for s in samples}}
    assert set(by_status) == {200, 302} and by_status[200] > 10 and by_status[302] > 5
    signed_in = VirtualUser("127.0.0.1", served)
    signed_in.login("gv", "pw")
    assert signed_in.destination("/") == "/private"
    assert anonymous.destination("/") == "/private"  # whose own redirect to /login is not followed
    signed_in.close()
    refused = VirtualUser("127.0.0.1", served)
    with pytest.raises(LoginFailed):
        refused.login("gv", "wrong")
    refused.close()


def test_gunicorn_serves_the_floor_for_a_second(tmp_path):
    settings = ServerSettings(workers=1, worker_class="gthread", threads=2)
    with Gunicorn("bench.loadtest.servers:hello_app", settings, {}, tmp_path / "hello.log") as server:
        users = [VirtualUser("127.0.0.1", server.port) for _ in range(2)]
        samples, elapsed = run_load(users, "/", duration=1.0)
        for user in users:
            user.close()
        process = server.process
    assert process.poll() is not None  # stopped on leaving the block
    assert len(samples) > 20 and all(s.status == 200 for s in samples) and elapsed >= 1.0
