"""The certificate's QR code scans (decoded by zxing-cpp from a real screenshot) on a phone and a desktop."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import zxingcpp

from tests.browser.conftest import login


def png_to_gray(data: bytes) -> np.ndarray:
    """Decode an 8-bit RGB/RGBA non-interlaced PNG (what Chromium writes) to a grayscale array."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    out = np.zeros((height, stride), dtype=np.int32)
    prev = np.zeros(stride, dtype=np.int32)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = np.frombuffer(raw, dtype=np.uint8, count=stride, offset=y * (stride + 1) + 1).astype(np.int32)
        if f == 0:
            cur = line
        elif f == 2:
            cur = (line + prev) & 255
        else:
            cur = np.zeros(stride, dtype=np.int32)
            for x in range(stride):
                a = cur[x - channels] if x >= channels else 0
                b = prev[x]
                c = prev[x - channels] if x >= channels else 0
                if f == 1:
                    pred = a
                elif f == 3:
                    pred = (a + b) // 2
                else:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                cur[x] = (line[x] + pred) & 255
        out[y] = cur
        prev = cur
    pixels = out.reshape(height, width, channels)[:, :, :3]
    return pixels.mean(axis=2).astype(np.uint8)


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
