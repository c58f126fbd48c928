"""The certificate's QR code: one definition for the page (inline SVG), the PNG download and the tests.

It scans at any size and on paper: error correction M (15 % of the code may be lost: a fold, a smudge, a photo
at an angle) without raising it further (a larger version for no gain at this length), a quiet zone of 4 modules
(the standard's minimum) on white, and an SVG with a viewBox and no width or height, so CSS may scale it to any
size without cropping.
"""

from __future__ import annotations

import segno
from markupsafe import Markup

ERROR = "m"
BORDER = 4
DARK = "#08543c"
LIGHT = "#ffffff"


def qr_code(url: str) -> segno.QRCode:
    return segno.make(url, error=ERROR, boost_error=False)


def qr_svg(url: str) -> Markup:
    """The QR code of `url` as inline SVG (no file, no external service)."""
    svg = qr_code(url).svg_inline(scale=4, dark=DARK, light=LIGHT, border=BORDER, omitsize=True)
    return Markup(svg)  # segno writes well-formed SVG from the URL, which it escapes


def qr_matrix(url: str) -> list[list[bool]]:
    """The modules with the quiet zone, dark = True (for drawing the code on the certificate image)."""
    return [[bool(m) for m in row] for row in qr_code(url).matrix_iter(scale=1, border=BORDER)]
