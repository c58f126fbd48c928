"""Evidence files: type by content, size limit, random stored names, downloads only within scope."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Evidence
from tests.conftest import post_form
from tests.plan.conftest import logout

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _docx(with_document: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if with_document:
            archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _upload(client, activity, name: str, content: bytes, description: str = ""):
    return post_form(client, f"/plan/activities/{activity.id}/evidence",
                     {"file": (io.BytesIO(content), name), "description": description},
                     token_page=f"/plan/activities/{activity.id}", content_type="multipart/form-data")


def _stored_files(app) -> set[str]:
    return {p.name for p in Path(app.config["LANTOA_UPLOAD_DIR"]).iterdir()}


def _folder(app) -> dict[str, bytes]:
    """The upload folder, byte for byte (hidden temporary files included)."""
    return {p.name: p.read_bytes() for p in Path(app.config["LANTOA_UPLOAD_DIR"]).iterdir()}


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("Quyết định 12-QĐ.pdf", PDF, "pdf"), ("anh-hoi-nghi.png", PNG, "png"), ("anh.JPEG", JPG, "jpg"),
    ("ke-hoach.docx", _docx(), "docx"),
])
def test_the_lead_coordinator_attaches_accepted_files(app, client, login_as, activities, name, content, kind):
    login_as("coord_soldtbxh")
    response = _upload(client, activities[1], name, content, "Quyết định thành lập ban tổ chức")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    evidence = db.session.scalar(select(Evidence).where(Evidence.activity_id == activities[1].id))
    assert (evidence.kind, evidence.original_name, evidence.size_bytes) == (kind, name, len(content))
    assert evidence.stored_name != name and len(evidence.stored_name.split(".")[0]) == 32
    assert (Path(app.config["LANTOA_UPLOAD_DIR"]) / evidence.stored_name).read_bytes() == content
    assert evidence.unit_id is not None and evidence.area_id is None


@pytest.mark.parametrize(("name", "content", "message"), [
    ("gia-mao.pdf", PNG, "Tên tệp có đuôi .pdf nhưng nội dung là PNG"),
    ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 40, "Nội dung tệp không phải PDF"),
    ("script.exe", PDF, "Chỉ nhận tệp PDF, ảnh PNG/JPG hoặc văn bản Word .docx."),
    ("nen.docx", _docx(with_document=False), "Nội dung tệp không phải PDF"),
    ("rong.pdf", b"", "Tệp rỗng."),
])
def test_files_are_checked_by_content(app, client, login_as, activities, name, content, message):
    before, folder = _stored_files(app), _folder(app)
    login_as("steering")
    response = _upload(client, activities[1], name, content)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Evidence.id).where(Evidence.activity_id == activities[1].id)) is None
    assert _stored_files(app) == before, "a refused upload leaves no file behind"
    assert _folder(app) == folder


def test_size_is_limited(app, client, login_as, activities, monkeypatch):
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    from tests.conftest import csrf_from

    monkeypatch.setitem(app.config, "LANTOA_UPLOAD_MAX_MB", 1)
    login_as("steering")
    token = csrf_from(client.get(f"/plan/activities/{activities[1].id}").get_data(as_text=True))
    # encoded here: the test client would spool a body this large to a temporary file it never closes
    boundary, body = encode_multipart({"csrf_token": token, "description": "",
                                       "file": FileStorage(io.BytesIO(PDF + b"0" * (1024 * 1024)), "lon.pdf",
                                                           content_type="application/pdf")})
    response = client.post(f"/plan/activities/{activities[1].id}/evidence", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert "Tệp quá lớn: tối đa 1 MB." in response.get_data(as_text=True)
    assert _upload(client, activities[1], "vua.pdf", PDF + b"0" * 1000).status_code == 302


def test_downloads_only_within_scope_and_as_attachment(client, login_as, activities):
    login_as("coord_soldtbxh")
    _upload(client, activities[1], "Quyết định.pdf", PDF)
    evidence = db.session.scalar(select(Evidence).where(Evidence.activity_id == activities[1].id))
    response = client.get(f"/plan/evidence/{evidence.id}")
    body = response.get_data()
    response.close()
    assert response.status_code == 200 and body == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh.pdf" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    logout(client)
    for username, status in (("steering", 200), ("admin", 200), ("coord_sotc", 404), ("coord_daitu", 404),
                             ("trainer_daitu", 404)):
        login_as(username)
        with client.get(f"/plan/evidence/{evidence.id}") as answer:
            assert answer.status_code == status, username
        logout(client)


def test_users_who_may_not_update_cannot_upload(client, login_as, activities):
    login_as("coord_sotc")
    assert _upload(client, activities[1], "a.pdf", PDF).status_code == 403


def _refuse_after_storing(monkeypatch, error: Exception):
    """The change is refused after the file is on disk and its row flushed (a later rule, a failure)."""
    from flask import current_app

    from app.plan import operations

    real = operations.attach_evidence

    def attach_then_fail(*args, **kwargs):
        real(*args, **kwargs)
        assert any(p.suffix == ".pdf" for p in Path(current_app.config["LANTOA_UPLOAD_DIR"]).iterdir())
        raise error

    monkeypatch.setattr(operations, "attach_evidence", attach_then_fail)


def test_a_change_refused_after_the_file_was_stored_leaves_the_folder_as_it_was(app, client, login_as, activities,
                                                                               monkeypatch):
    from app.errors import OperationError

    login_as("steering")
    before = _folder(app)
    _refuse_after_storing(monkeypatch, OperationError("Hoạt động đã khóa.", field="file"))
    response = _upload(client, activities[1], "bien-ban.pdf", PDF)
    assert response.status_code == 200 and "Hoạt động đã khóa." in response.get_data(as_text=True)
    assert _folder(app) == before, "the stored file is deleted with the rolled-back change"
    db.session.rollback()
    assert db.session.scalar(select(Evidence.id).where(Evidence.activity_id == activities[1].id)) is None


def test_a_request_that_fails_after_storing_deletes_its_file(app, client, login_as, activities, monkeypatch):
    login_as("steering")
    before = _folder(app)
    _refuse_after_storing(monkeypatch, RuntimeError("máy chủ lỗi"))
    with pytest.raises(RuntimeError):  # TESTING propagates the exception; the boundary has rolled back
        _upload(client, activities[1], "bien-ban.pdf", PDF)
    assert _folder(app) == before


def test_an_accepted_upload_keeps_its_file_and_only_it(app, client, login_as, activities):
    login_as("steering")
    before = _folder(app)
    assert _upload(client, activities[1], "bien-ban.pdf", PDF).status_code == 302
    after = _folder(app)
    evidence = db.session.scalar(select(Evidence).where(Evidence.activity_id == activities[1].id))
    assert set(after) - set(before) == {evidence.stored_name} and after[evidence.stored_name] == PDF
    assert {name: after[name] for name in before} == before
