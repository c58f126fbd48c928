"""`lantoa units list|create|import|close`: the same operations as the pages, one commit, Vietnamese refusals."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Unit


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["units", *args])


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Unit))


def test_create_then_list_then_close(app, world):
    edu = world.units["Sở Giáo dục và Đào tạo"]
    result = _run(app, "create", "--name", "Trường THCS Phục Linh", "--kind", "Trường học", "--area", "D171",
                  "--parent", str(edu.id), "--headcount", "35", "--year", "2025", "--source", "Phòng GD",
                  "--from", "2025-09-01")
    assert result.exit_code == 0, result.output
    unit = db.session.scalar(select(Unit).where(Unit.name == "Trường THCS Phục Linh"))
    assert unit.path == f"{edu.path}{unit.id}/" and unit.headcount_year == 2025
    listed = _run(app, "list", "--q", "phuc linh")
    assert f"{unit.id}\tTrường THCS Phục Linh\tschool\tD171\t{edu.id}" in listed.output and "1 đơn vị." in listed.output
    closed = _run(app, "close", str(unit.id), "--date", "2026-06-30")
    assert closed.exit_code == 0 and "hoạt động đến hết 30/06/2026" in closed.output
    db.session.refresh(unit)
    assert str(unit.valid_to) == "2026-06-30"
    assert db.session.scalar(select(func.count()).where(AuditEvent.action.in_(("unit.create", "unit.close")),
                                                        AuditEvent.entity_id == unit.id)) == 2


def test_refusals_are_one_vietnamese_line_and_write_nothing(app, world):
    before = _count()
    result = _run(app, "create", "--name", "Sở Thử", "--kind", "agency", "--area", "X999")
    assert result.exit_code == 1 and "Lỗi: Không có địa bàn mã X999." in result.stderr
    result = _run(app, "create", "--name", "Sở Thử", "--kind", "chợ", "--area", "D171")
    assert result.exit_code == 1 and "Loại “chợ” không hợp lệ" in result.stderr
    result = _run(app, "close", str(world.units["Sở Giáo dục và Đào tạo"].id))
    assert result.exit_code == 1 and "đơn vị trực thuộc đang hoạt động" in result.stderr
    assert _count() == before


def test_import_is_all_or_nothing_and_has_a_dry_run(app, world, tmp_path):
    edu = world.units["Sở Giáo dục và Đào tạo"]
    header = "Tên đơn vị,Loại,Mã đơn vị cấp trên,Mã địa bàn\n"
    good = tmp_path / "don-vi.csv"
    good.write_text(header + f"Trường Một,Trường học,{edu.id},D171\nTrường Hai,Trường học,{edu.id},D173\n",
                    encoding="utf-8")
    before = _count()
    result = _run(app, "import", str(good), "--dry-run")
    assert result.exit_code == 0 and "chạy thử, chưa ghi gì): 2 đơn vị mới" in result.output
    assert _count() == before
    bad = tmp_path / "loi.csv"
    bad.write_text(header + f"Trường Ba,Trường học,{edu.id},D171\nTrường Bốn,Trường học,{edu.id},X999\n",
                   encoding="utf-8")
    result = _run(app, "import", str(bad))
    assert result.exit_code == 1 and "Dòng 3, cột Mã địa bàn: Không có địa bàn mã X999." in result.stderr
    assert "Lỗi: loi.csv: 1 lỗi, chưa ghi dòng nào." in result.stderr
    assert _count() == before
    result = _run(app, "import", str(good))
    assert result.exit_code == 0 and "Đã nhập: 2 đơn vị mới" in result.output
    assert _count() == before + 2


def test_merge_then_split_from_the_command_line(app, world):
    from app.models import Trainer, UnitCrosswalk

    edu, coop = world.units["Sở Giáo dục và Đào tạo"], world.units["Hợp tác xã Chè Phú Bình"]
    result = _run(app, "merge", str(coop.id), "--into", str(edu.id), "--date", "2025-03-01", "--decision", "QĐ 1")
    assert result.exit_code == 0, result.output
    assert f"vào mã {edu.id}" in result.output and "trainer 1" in result.output
    assert db.session.scalar(select(Trainer.unit_id).where(Trainer.id == world.trainers["Phạm Văn Bình"].id)) == edu.id
    split = _run(app, "split", str(edu.id), "--new-name", "Sở A", "--new-name", "Sở B", "--date", "2025-04-01",
                 "--decision", "QĐ 2")
    assert split.exit_code == 0, split.output
    assert "Đã tách thành: mã" in split.output and "hồ sơ chờ xếp" in split.output
    assert db.session.scalar(select(func.count(UnitCrosswalk.id))) == 3


def test_a_refused_merge_writes_nothing(app, world):
    from app.models import UnitCrosswalk

    edu = world.units["Sở Giáo dục và Đào tạo"]
    result = _run(app, "merge", str(edu.id), "--into", str(edu.id), "--date", "2025-03-01", "--decision", "QĐ 1")
    assert result.exit_code == 1 and "Lỗi: Đơn vị tiếp nhận không thể đồng thời là đơn vị được gộp." in result.stderr
    both = _run(app, "merge", str(edu.id), "--date", "2025-03-01", "--decision", "QĐ 1")
    assert both.exit_code == 1 and "--into" in both.stderr
    assert db.session.scalar(select(func.count(UnitCrosswalk.id))) == 0
