"""On a phone over slow 3G (400 kbit/s down, 400 ms round trip, Chromium's network emulation): the bytes and the
time a trainer's pages cost, first visit and next; static files come compressed and, once fetched, from the cache
(fingerprinted URLs kept a year), so the next page costs only its own HTML."""

from __future__ import annotations

from tests.browser.conftest import login

SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400 * 1024 // 8,
           "uploadThroughput": 400 * 1024 // 8}


def _costs(page) -> dict:
    return page.evaluate("""() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const res = performance.getEntriesByType('resource').filter(r => r.name.includes('/static/'));
        return {html: nav.transferSize, load_ms: Math.round(nav.loadEventEnd - nav.startTime),
                static_bytes: res.reduce((n, r) => n + r.transferSize, 0),
                static_encoded: res.reduce((n, r) => n + r.encodedBodySize, 0),
                static_decoded: res.reduce((n, r) => n + r.decodedBodySize, 0), files: res.length};
    }""")


def test_a_trainers_pages_on_slow_3g(phone_page):
    page = phone_page
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    page.goto("/login")
    first = _costs(page)
    login(page, "trainer_daitu")
    page.goto("/classes/")
    page.wait_for_load_state("load")
    again = _costs(page)
    print(f"\nslow 3G: first page {first['html'] + first['static_bytes']:,} bytes "
          f"({first['files']} static files, {first['static_encoded']:,} bytes compressed from "
          f"{first['static_decoded']:,}), loaded in {first['load_ms']} ms; next page {again['html']:,} bytes of "
          f"HTML + {again['static_bytes']:,} bytes of static files, loaded in {again['load_ms']} ms")
    assert first["files"] >= 1 and first["static_encoded"] < first["static_decoded"] / 2  # compressed on the wire
    assert again["static_bytes"] == 0  # every static file from the cache: no request at all
    assert again["load_ms"] < first["load_ms"]
