"""Text rules shared by models and queries.

`fold` is the search key rule: lower case, Vietnamese diacritics removed,
"đ" read as "d", whitespace collapsed; so "dai tu" finds "Đại Từ".
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "normalize_phone", "PhoneError"]

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Return the diacritic-free lower-case search key of `text`.

    >>> fold("  Huyện  Đại Từ ")
    'huyen dai tu'
    """
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip().lower()


class PhoneError(ValueError):
    """The text is not a Vietnamese phone number."""


def normalize_phone(raw: str | None) -> str | None:
    """Return a Vietnamese phone number as +84 followed by 9 digits, or None if empty.

    Accepts 0xxxxxxxxx, 84xxxxxxxxx, +84xxxxxxxxx with spaces, dots or dashes.

    >>> normalize_phone("0912 345 678")
    '+84912345678'
    >>> normalize_phone("+84-912.345.678")
    '+84912345678'
    """
    if raw is None or not str(raw).strip():
        return None
    digits = re.sub(r"[\s.\-()]", "", str(raw).strip())
    if digits.startswith("+84"):
        rest = digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        rest = digits[2:]
    elif digits.startswith("0"):
        rest = digits[1:]
    else:
        raise PhoneError(raw)
    if not rest.isdigit() or len(rest) != 9 or rest[0] == "0":
        raise PhoneError(raw)
    return "+84" + rest
