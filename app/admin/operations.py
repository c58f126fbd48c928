"""User administration: create and change accounts, with every change audited.

Rules: usernames are unique (case-insensitive); a coordinator needs exactly one scope;
a trainer account is linked to a person found by phone; a new account needs a password, and a password follows
the one rule of `app/auth/passwords.py`.
"""

from __future__ import annotations

from sqlalchemy import func, select

from app.admin.queries import area_ids, unit_ids
from app.audit import record, snapshot
from app.auth.passwords import password_problem
from app.errors import OperationError
from app.extensions import db
from app.models import Person, User
from app.scope import check_choice
from app.text import PhoneError, normalize_phone

FIELDS = ["username", "full_name", "email", "role", "scope_area_id", "scope_unit_id", "person_id", "active"]


def _person_by_phone(raw: str | None) -> int | None:
    if not raw:
        return None
    try:
        phone = normalize_phone(raw)
    except PhoneError:
        raise OperationError("Số điện thoại không hợp lệ.", field="person_phone") from None
    person_id = db.session.scalar(select(Person.id).where(Person.phone == phone))
    if person_id is None:
        raise OperationError("Không có người nào với số điện thoại này.", field="person_phone")
    return person_id


def save_user(user: User | None, data: dict) -> User:
    """Create (user is None) or update an account from form data; flushes, never commits."""
    username = data["username"].strip()
    clash = db.session.scalar(
        select(User.id).where(func.lower(User.username) == username.lower(), User.id != (user.id if user else -1))
    )
    if clash:
        raise OperationError("Tên đăng nhập đã được dùng.", field="username")
    area_id = data.get("scope_area_id") or None
    unit_id = data.get("scope_unit_id") or None
    check_choice(area_id, area_ids(), "scope_area_id")
    check_choice(unit_id, unit_ids(), "scope_unit_id")
    if area_id and unit_id:
        raise OperationError("Chỉ chọn một phạm vi: địa bàn hoặc đơn vị.", field="scope_unit_id")
    if data["role"] == "coordinator" and not (area_id or unit_id):
        raise OperationError("Điều phối viên cần có phạm vi địa bàn hoặc đơn vị.", field="scope_area_id")
    person_id = _person_by_phone(data.get("person_phone"))
    if data["role"] == "trainer" and person_id is None:
        raise OperationError("Tài khoản giảng viên cần số điện thoại của giảng viên.", field="person_phone")
    if user is None and not data.get("password"):
        raise OperationError("Vui lòng đặt mật khẩu cho tài khoản mới.", field="password")
    if data.get("password") and (problem := password_problem(data["password"])):
        raise OperationError(problem, field="password")  # the same rule for `lantoa users create`

    before = snapshot(user, FIELDS) if user else None
    if user is None:
        user = User()
        db.session.add(user)
    user.username = username
    user.full_name = (data.get("full_name") or "").strip()
    user.email = data.get("email") or None
    user.role = data["role"]
    user.scope_area_id = area_id
    user.scope_unit_id = unit_id
    user.person_id = person_id
    user.active = bool(data.get("active", True))
    if data.get("password"):
        user.set_password(data["password"])
    db.session.flush()
    record("user.create" if before is None else "user.update", user, before=before, after=snapshot(user, FIELDS))
    return user
