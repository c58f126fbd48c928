import doctest

import pytest

import app.auth.passwords
import app.auth.sessions
import app.targets.charts
import app.text
import app.web.choices
import app.web.formatting
from app.text import PhoneError, fold, normalize_phone
from app.web.formatting import vn_date, vn_number, vn_percent

pytestmark = pytest.mark.no_db


@pytest.mark.parametrize("module", [app.text, app.web.formatting, app.targets.charts, app.auth.sessions,
                                    app.auth.passwords, app.web.choices])
def test_doctests(module):
    assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize(("text", "key"), [
    ("Huyện Đại Từ", "huyen dai tu"), ("Phường Quán Triều", "phuong quan trieu"),
    ("  Xã   Ôn Lương ", "xa on luong"), ("ĐỖ THỊ HÀ", "do thi ha"), (None, ""),
])
def test_fold_ignores_diacritics_case_and_spacing(text, key):
    assert fold(text) == key


@pytest.mark.parametrize("raw", ["0912345678", "84912345678", "+84 912 345 678", "091.234.5678", "(091) 2345678"])
def test_phones_normalise_to_plus84(raw):
    assert normalize_phone(raw) == "+84912345678"


@pytest.mark.parametrize("raw", ["12345", "0012345678", "09123456789", "abc", "+1 202 555 0100"])
def test_bad_phones_are_refused(raw):
    with pytest.raises(PhoneError):
        normalize_phone(raw)


def test_empty_phone_is_none():
    assert normalize_phone("  ") is None


def test_vietnamese_formats():
    from datetime import date

    assert vn_date(date(2025, 12, 31)) == "31/12/2025"
    assert vn_number(1361474) == "1.361.474"
    assert vn_percent(0.805) == "80,5%"
