"""The certificate's QR code scans (decoded by zxing-cpp from a real screenshot) on a phone and a desktop."""

from __future__ import annotations

import io

import numpy as np
import zxingcpp
from PIL import Image

from tests.browser.conftest import login


def png_to_gray(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("L"))


def decoded_qr(page) -> str:
    page.goto("/certificates/1")  # the first certificate of the test world: DTKT000001
    image = png_to_gray(page.locator(".certificate .qr").screenshot())
    results = zxingcpp.read_barcodes(image)
    assert results, "no QR code found in the screenshot"
    return results[0].text


def test_qr_scans_on_desktop_and_phone(page, phone_page, live_server):
    for p in (page, phone_page):
        login(p, "admin")
        assert decoded_qr(p) == f"{live_server}/verify/DTKT000001"
