"""The certificate as a PNG picture (A4 portrait at 150 dpi), for phones: "Tải về" saves it, "Chia sẻ" sends it.

The same text as the printable page and the same QR code (`app.certificates.qr`), drawn with Pillow. Fonts: DejaVu
(Debian's fonts-dejavu-core, which covers Vietnamese), or Pillow's own font where DejaVu is absent.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from app.certificates.qr import DARK, qr_matrix

WIDTH, HEIGHT = 1240, 1754  # A4 at 150 dpi
MARGIN = 70
GREEN, INK, MUTED, RED = DARK, "#1d2733", "#5b6776", "#b42318"
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts")
FONTS = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf", "serif": "DejaVuSerif-Bold.ttf"}


@dataclass(frozen=True)
class CertificateText:
    holder: str
    level: str
    topic: str
    trainer: str
    serial: str
    issued_on: date
    code: str
    verify_url: str
    revoked_on: date | None = None
    revoke_reason: str = ""


@cache
def _font(kind: str, size: int):
    for folder in FONT_DIRS:
        path = Path(folder) / FONTS[kind]
        if path.is_file():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def certificate_png(text: CertificateText) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    frame = RED if text.revoked_on else GREEN
    draw.rectangle((30, 30, WIDTH - 31, HEIGHT - 31), outline=frame, width=10)
    draw.rectangle((52, 52, WIDTH - 53, HEIGHT - 53), outline=frame, width=3)
    y = 150

    def centred(line: str, font, fill=INK, gap: int = 18) -> None:
        nonlocal y
        for part in _wrap(draw, line, font, WIDTH - 2 * MARGIN - 60):
            draw.text((WIDTH / 2, y), part, font=font, fill=fill, anchor="ma")
            y += getattr(font, "size", 12) + gap

    centred("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", _font("bold", 30), gap=10)
    centred("Độc lập - Tự do - Hạnh phúc", _font("bold", 28), gap=50)
    centred("Chương trình “Bình dân học AI” tỉnh Thái Nguyên · Kế hoạch 137/KH-UBND", _font("regular", 26),
            fill=MUTED, gap=80)
    centred("CHỨNG NHẬN", _font("serif", 96), fill=GREEN, gap=60)
    centred("Chứng nhận Ông/Bà", _font("regular", 34), gap=30)
    centred(text.holder, _font("bold", 64), gap=40)
    centred("đã hoàn thành chương trình", _font("regular", 34), gap=24)
    centred(text.level, _font("bold", 40), gap=40)
    centred(f"Lớp “{text.topic}” · Giảng viên {text.trainer}", _font("regular", 28), fill=MUTED, gap=30)
    if text.revoked_on:
        y += 20
        centred("ĐÃ THU HỒI", _font("bold", 56), fill=RED, gap=16)
        centred(f"Ngày {text.revoked_on:%d/%m/%Y}: {text.revoke_reason}", _font("regular", 26), fill=RED)

    matrix = qr_matrix(text.verify_url)
    module = max(6, 380 // len(matrix))
    size = module * len(matrix)
    left, top = WIDTH - MARGIN - 40 - size, HEIGHT - MARGIN - 40 - size
    draw.rectangle((left, top, left + size - 1, top + size - 1), fill="white")
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                draw.rectangle((left + c * module, top + r * module,
                                left + (c + 1) * module - 1, top + (r + 1) * module - 1), fill=DARK)
    meta_x, meta_y = MARGIN + 40, top + 40
    for label, value, font in (("Số hiệu: ", text.serial, _font("bold", 30)),
                               ("Ngày cấp: ", f"{text.issued_on:%d/%m/%Y}", _font("regular", 30)),
                               ("Mã tra cứu: ", text.code, _font("bold", 30))):
        draw.text((meta_x, meta_y), label, font=_font("regular", 30), fill=INK)
        draw.text((meta_x + draw.textlength(label, font=_font("regular", 30)), meta_y), value, font=font, fill=INK)
        meta_y += 50
    for part in _wrap(draw, text.verify_url.replace("/", "/ "), _font("regular", 22), left - meta_x - 30):
        draw.text((meta_x, meta_y), part.replace("/ ", "/"), font=_font("regular", 22), fill=MUTED)
        meta_y += 30
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
