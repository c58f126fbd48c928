"""Certificates: printable page with QR, public verification (nothing personal), revocation, rate limit."""

from __future__ import annotations

from sqlalchemy import select

from app.certificates.operations import normalize_code
from app.extensions import db
from app.models import AuditEvent, Certificate
from app.training.settings import set_setting
from tests.conftest import post_form


def _cert(code: str) -> Certificate:
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def test_public_page_needs_no_login_and_shows_only_name_level_date(client):
    response = client.get("/verify/DTKT000001")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Chứng nhận hợp lệ" in html
    assert "Lê Văn Học" in html and "Bậc 1" in html and "Bình dân học AI" in html
    assert "+849" not in html and "Nguyễn Văn Đại" not in html  # no phone, no trainer


def test_verify_form_and_forgiving_codes(client):
    assert normalize_code("dtkt-ooooo l") == "DTKT000001"
    response = client.get("/verify?code=dtkt 00000l")
    assert response.status_code == 302 and response.headers["Location"].endswith("/verify/DTKT000001")
    assert client.get("/verify/NOSUCHCODE").status_code == 404
    assert "Tra cứu chứng nhận" in client.get("/login").get_data(as_text=True)


def test_printable_certificate_has_an_inline_qr_code(client, login_as):
    login_as("coord_daitu")
    cert = _cert("DTKT000001")
    html = client.get(f"/certificates/{cert.id}").get_data(as_text=True)
    assert "<svg" in html and cert.serial in html and "CHỨNG NHẬN" in html


def test_revocation_needs_a_reason_is_audited_and_shows_publicly(client, login_as):
    cert = _cert("DTKT000001")
    login_as("coord_daitu")
    post_form(client, f"/certificates/{cert.id}/revoke", {"reason": ""}, token_page=f"/certificates/{cert.id}")
    assert _cert("DTKT000001").revoked_on is None
    post_form(client, f"/certificates/{cert.id}/revoke", {"reason": "Cấp nhầm người"},
              token_page=f"/certificates/{cert.id}")
    db.session.expire_all()
    assert _cert("DTKT000001").revoke_reason == "Cấp nhầm người"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoke"))
    post_form(client, "/logout", {}, token_page="/")
    assert "Đã thu hồi" in client.get("/verify/DTKT000001").get_data(as_text=True)


def test_trainer_cannot_revoke(client, login_as):
    cert = _cert("DTKT000001")
    login_as("trainer_daitu")
    assert client.get(f"/certificates/{cert.id}").status_code == 200
    response = post_form(client, f"/certificates/{cert.id}/revoke", {"reason": "x"}, token_page=f"/certificates/{cert.id}")
    assert response.status_code == 404


def test_lookups_are_rate_limited_per_client(client):
    set_setting("verify_limit", 3)
    codes = [client.get("/verify/DTKT000001").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "quá nhiều lần" in client.get("/verify/DTKT000001").get_data(as_text=True)
    other = client.get("/verify/DTKT000001", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200
