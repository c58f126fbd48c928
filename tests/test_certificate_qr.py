"""The certificate's QR code scans at any size: decoded with a real decoder (zxing-cpp) from the page's own SVG
rasterised at phone, desktop and print sizes, and from the downloadable certificate picture."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
import zxingcpp
from PIL import Image

from app import ROOT
from app.certificates.qr import BORDER, qr_code

DARK_PATH = re.compile(r'<path class="qrline"[^>]* d="([^"]+)"')


def _page(client, login_as, certificate_id=1) -> str:
    login_as("admin")
    response = client.get(f"/certificates/{certificate_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _svg(html: str) -> str:
    return re.search(r'<div class="qr"[^>]*>(<svg.*?</svg>)</div>', html, re.S).group(1)


def rasterise(svg: str, pixels_per_module: int) -> np.ndarray:
    """Draw segno's SVG as a grey image: its viewBox, its scale and its one path of horizontal strokes
    (M/m moves, h runs, each 1 module high), light everywhere else."""
    view = [float(v) for v in re.search(r'viewBox="([^"]+)"', svg).group(1).split()]
    scale = float(re.search(r'transform="scale\(([\d.]+)\)"', svg).group(1))
    size = round(view[2] / scale)
    modules = np.zeros((size, size), dtype=bool)
    x = y = 0.0
    for command, args in re.findall(r"([MmHhVvZz])([^MmHhVvZz]*)", DARK_PATH.search(svg).group(1)):
        numbers = [float(n) for n in re.findall(r"-?[\d.]+", args)]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        elif command == "h":
            modules[int(y), int(x):int(x + numbers[0])] = True
            x += numbers[0]
        else:
            raise AssertionError(f"unexpected path command {command}")
    grey = np.where(modules, 0, 255).astype(np.uint8)
    return np.kron(grey, np.ones((pixels_per_module, pixels_per_module), dtype=np.uint8))


def decode(image: np.ndarray):
    results = zxingcpp.read_barcodes(image)
    assert results, "no QR code found"
    return results[0]


def test_the_svg_scales_without_cropping(client, login_as):
    svg = _svg(_page(client, login_as))
    root = svg.split(">", 1)[0]
    assert "viewBox=" in root and " width=" not in root and " height=" not in root
    css = (ROOT / "static" / "css" / "app.css").read_text(encoding="utf-8")
    rule = re.search(r"\.certificate \.qr svg \{([^}]*)\}", css).group(1)
    assert "height: auto" in rule and "max-width: 100%" in rule  # scaled, never cut to a fixed box


@pytest.mark.parametrize("pixels", [2, 3, 4, 8, 16])  # a small phone screen up to a print at 300 dpi
def test_the_page_svg_decodes_at_any_size_with_error_correction_m(client, login_as, pixels):
    html = _page(client, login_as)
    result = decode(rasterise(_svg(html), pixels))
    assert result.text == "http://lantoa.test/verify/DTKT000001"
    assert result.ec_level in ("M", "Q", "H")
    assert result.format == zxingcpp.BarcodeFormat.QRCode


def test_the_quiet_zone_is_four_modules(client, login_as):
    image = rasterise(_svg(_page(client, login_as)), 1)
    dark_rows = np.where((image == 0).any(axis=1))[0]
    dark_cols = np.where((image == 0).any(axis=0))[0]
    size = image.shape[0]
    assert dark_rows[0] == BORDER and dark_cols[0] == BORDER
    assert size - 1 - dark_rows[-1] == BORDER and size - 1 - dark_cols[-1] == BORDER
    assert size == qr_code("http://lantoa.test/verify/DTKT000001").symbol_size(border=BORDER)[0]


def test_segno_png_at_the_page_parameters_decodes():
    out = io.BytesIO()
    qr_code("http://lantoa.test/verify/DTKT000001").save(out, kind="png", scale=3, border=BORDER)
    image = np.asarray(Image.open(io.BytesIO(out.getvalue())).convert("L"))
    assert decode(image).text == "http://lantoa.test/verify/DTKT000001"


def test_the_certificate_picture_downloads_and_its_qr_decodes(client, login_as):
    html = _page(client, login_as)
    assert 'id="download-certificate"' in html and 'id="share-certificate"' in html
    assert "js/certificate-share.js" in html
    response = client.get("/certificates/1/image.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert 'attachment; filename="chung-nhan-BDHAI-2025-' in response.headers["Content-Disposition"]
    picture = Image.open(io.BytesIO(response.data))
    assert picture.size == (1240, 1754)
    assert decode(np.asarray(picture.convert("L"))).text == "http://lantoa.test/verify/DTKT000001"
    # and photographed small, as a phone shows it in a chat: a third of the size still scans
    small = picture.convert("L").resize((413, 585), Image.LANCZOS)
    assert decode(np.asarray(small)).text == "http://lantoa.test/verify/DTKT000001"


def test_another_districts_certificate_picture_is_404(client, login_as, world):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Certificate

    theirs = db.session.scalar(select(Certificate.id).where(Certificate.code == "PBKT000001"))
    login_as("coord_daitu")
    assert client.get(f"/certificates/{theirs}/image.png").status_code == 404
    mine = db.session.scalar(select(Certificate.id).where(Certificate.code == "DTKT000001"))
    assert client.get(f"/certificates/{mine}/image.png").status_code == 200
