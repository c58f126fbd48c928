"""Demo accounts: one per role, scoped to real areas and units, with a printed password."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Area, Trainer, TrainingClass, Unit, User

DEMO_PASSWORD = "lantoa-2025"

# username, full name, role, scope (area code / unit name / "trainer in <district code>")
ACCOUNTS = [
    ("admin", "Quản trị viên", "admin", None),
    ("bcd", "Thường trực Ban Chỉ đạo", "steering", None),
    ("dp.daitu", "Điều phối viên huyện Đại Từ", "coordinator", ("area", "D171")),
    ("dp.phubinh", "Điều phối viên huyện Phú Bình", "coordinator", ("area", "D173")),
    ("dp.sogd", "Điều phối viên Sở Giáo dục và Đào tạo", "coordinator", ("unit", "Sở Giáo dục và Đào tạo")),
    ("dp.soldtbxh", "Điều phối viên Sở Lao động - TBXH", "coordinator",
     ("unit", "Sở Lao động - Thương binh và Xã hội")),
    ("gv.daitu", "Giảng viên nòng cốt Đại Từ", "trainer", ("trainer", "D171")),
    ("xem", "Người xem (toàn tỉnh)", "viewer", None),
]


def ensure_accounts(province: Area) -> list[str]:
    lines = ["", "Tài khoản mẫu (mật khẩu chung: " + DEMO_PASSWORD + "):"]
    for username, full_name, role, scope in ACCOUNTS:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            user = User(username=username, full_name=full_name, role=role, email=f"{username}@example.org")
            user.set_password(DEMO_PASSWORD)
            if scope and scope[0] == "area":
                user.scope_area_id = db.session.scalar(
                    select(Area.id).where(Area.code == scope[1], Area.valid_from == province.valid_from)
                )
            elif scope and scope[0] == "unit":
                user.scope_unit_id = db.session.scalar(select(Unit.id).where(Unit.name == scope[1]))
            elif scope and scope[0] == "trainer":
                district = db.session.scalar(
                    select(Area).where(Area.code == scope[1], Area.valid_from == province.valid_from)
                )
                trainer = db.session.scalar(
                    select(Trainer).join(Area, Area.id == Trainer.area_id)
                    .where(Area.path.startswith(district.path), Trainer.generation == 0,
                           Trainer.status == "active",
                           select(TrainingClass.id).where(TrainingClass.trainer_id == Trainer.id).exists())
                    .order_by(Trainer.id).limit(1)
                )
                if trainer is None:
                    continue
                user.person_id = trainer.person_id
            db.session.add(user)
        lines.append(f"  {username:<12} {user.full_name}")
    lines.append("Mở http://127.0.0.1:5000 và đăng nhập bằng một tài khoản ở trên.")
    return lines
