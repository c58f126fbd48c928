"""The certificate's QR code scans (decoded by zxing-cpp) from a real screenshot on a phone and a desktop, from the
page printed at A4, and from the printed PDF."""

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


def test_qr_scans_in_print_at_a4(page, live_server):
    """The page as printed on A4 (print media, 210 mm wide at 96 dpi): the QR still decodes."""
    login(page, "admin")
    page.set_viewport_size({"width": 794, "height": 1123})
    page.emulate_media(media="print")
    assert decoded_qr(page) == f"{live_server}/verify/DTKT000001"
    assert page.locator(".certificate-actions").is_hidden()  # no buttons on paper


def test_qr_scans_from_the_printed_pdf(page, live_server):
    """Chromium prints the certificate page to an A4 PDF (what "In" gives on paper); the PDF page is rendered at
    150 dpi (pdfium) and the QR decodes from it, as from a scan of the paper."""
    import pypdfium2

    login(page, "admin")
    page.goto("/certificates/1")
    pdf = pypdfium2.PdfDocument(page.pdf(format="A4", print_background=True))
    assert len(pdf) == 1  # one sheet of paper
    image = pdf[0].render(scale=150 / 72).to_pil().convert("L")
    results = zxingcpp.read_barcodes(np.asarray(image))
    assert results and results[0].text == f"{live_server}/verify/DTKT000001"


def test_a_phone_offers_download_instead_of_ctrl_p(phone_page, live_server):
    page = phone_page
    login(page, "admin")
    page.goto("/certificates/1")
    assert page.get_by_role("link", name="Tải về (ảnh)").is_visible()
    assert page.get_by_text("Ctrl+P").is_hidden()
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải về (ảnh)").click()
    download = info.value
    assert download.suggested_filename.startswith("chung-nhan-BDHAI-")
    image = np.asarray(Image.open(download.path()).convert("L"))
    assert zxingcpp.read_barcodes(image)[0].text == f"{live_server}/verify/DTKT000001"
