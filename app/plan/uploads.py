"""Evidence files on disk: type checked by content, size limited, stored under random names.

Rules:
- accepted: PDF, PNG, JPEG and Word .docx; the type is read from the first bytes (magic numbers; a .docx is a
  ZIP holding `word/document.xml`), and the file name's extension must agree with it;
- at most `LANTOA_UPLOAD_MAX_MB` megabytes; an empty file is refused;
- the stored name is random (`<32 hex>.<ext>`) in `LANTOA_UPLOAD_DIR`; the uploaded name is kept only as the
  download name; a refused upload leaves no file behind, nor does a request that stored a file and was then
  rolled back (`store_for_request`);
- files are served only through the evidence view, which checks scope first.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePath

from flask import current_app

from app.errors import OperationError
from app.web.boundary import on_rollback

__all__ = ["KINDS", "MIME_TYPES", "StoredFile", "store_upload", "store_for_request", "upload_dir", "path_of",
           "sniff", "discard"]

KINDS = {"pdf": (".pdf",), "png": (".png",), "jpg": (".jpg", ".jpeg"), "docx": (".docx",)}
MIME_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
CHUNK = 64 * 1024


@dataclass(frozen=True)
class StoredFile:
    kind: str
    stored_name: str
    original_name: str
    size_bytes: int
    sha256: str


def upload_dir() -> Path:
    return Path(current_app.config["LANTOA_UPLOAD_DIR"])


def path_of(stored_name: str) -> Path:
    return upload_dir() / stored_name


def sniff(path: Path) -> str | None:
    """The kind of the file at `path` from its content, or None when it is none of the accepted kinds."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            return "docx"
    return None


def _clean_name(filename: str | None) -> str:
    name = PurePath((filename or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[-200:] or "tep-minh-chung"


def store_upload(file_storage, field: str = "file") -> StoredFile:
    """Check and store one uploaded file; raises OperationError (Vietnamese, on `field`) when refused."""
    if file_storage is None or not file_storage.filename:
        raise OperationError("Vui lòng chọn tệp.", field=field)
    original = _clean_name(file_storage.filename)
    extension = PurePath(original).suffix.lower()
    if not any(extension in exts for exts in KINDS.values()):
        raise OperationError("Chỉ nhận tệp PDF, ảnh PNG/JPG hoặc văn bản Word .docx.", field=field)
    limit = current_app.config["LANTOA_UPLOAD_MAX_MB"] * 1024 * 1024
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    fd, temp_name = tempfile.mkstemp(dir=folder, prefix=".upload-")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := file_storage.stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise OperationError(
                        f"Tệp quá lớn: tối đa {current_app.config['LANTOA_UPLOAD_MAX_MB']} MB.", field=field)
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise OperationError("Tệp rỗng.", field=field)
        kind = sniff(temp)
        if kind is None:
            raise OperationError("Nội dung tệp không phải PDF, ảnh PNG/JPG hay văn bản Word .docx.", field=field)
        if extension not in KINDS[kind]:
            raise OperationError(f"Tên tệp có đuôi {extension} nhưng nội dung là {kind.upper()}: hãy kiểm tra lại "
                                 "tệp.", field=field)
        stored_name = f"{secrets.token_hex(16)}{KINDS[kind][0]}"
        temp.replace(folder / stored_name)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return StoredFile(kind, stored_name, original, size, digest.hexdigest())


def discard(stored: StoredFile | None) -> None:
    """Remove a stored file whose database row was not written (the change was refused or failed)."""
    if stored is not None:
        path_of(stored.stored_name).unlink(missing_ok=True)


def store_for_request(file_storage, field: str = "file") -> StoredFile:
    """`store_upload` inside a web request: the file is deleted if the request's changes are rolled back
    (a refused change, an answer ≥ 400, an exception) and kept when they are committed
    (`app.web.boundary.on_rollback`)."""
    stored = store_upload(file_storage, field)
    on_rollback(lambda: discard(stored))
    return stored
