"""The settings this feature adds, and the demo's plan (KH 137 with progress as of today)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.models import Activity, DistrictPlan, Gap, Plan
from app.timeutil import local_today


@pytest.mark.no_db
def test_pinned_today_is_for_demos_and_tests_only(tmp_path, monkeypatch):
    monkeypatch.setenv("LANTOA_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("LANTOA_SECRET_KEY", "k")
    monkeypatch.setenv("LANTOA_TODAY", "2025-06-15")
    monkeypatch.setenv("LANTOA_ENV", "development")
    app = create_app()
    with app.app_context():
        assert local_today() == date(2025, 6, 15)
    assert app.config["LANTOA_UPLOAD_DIR"] == str(tmp_path / "uploads")
    assert (app.config["LANTOA_UPLOAD_MAX_MB"], app.config["LANTOA_REMINDER_DAYS"]) == (10, 7)
    monkeypatch.setenv("LANTOA_ENV", "production")
    with pytest.raises(RuntimeError, match="LANTOA_TODAY"):
        create_app()
    monkeypatch.setenv("LANTOA_ENV", "development")
    monkeypatch.setenv("LANTOA_TODAY", "15/06/2025")
    with pytest.raises(RuntimeError, match="YYYY-MM-DD"):
        create_app()


def test_the_demo_loads_kh137_once_with_realistic_progress(world):
    from app.demo.plan import seed_plan
    from tests.factories import area

    province, today = area("P19"), date(2025, 6, 15)
    lines = seed_plan(province, today)
    assert lines[0].startswith("Đã nạp Kế hoạch 137/KH-UBND") and "7/9 huyện đã ghi nhận" in lines[0]
    assert lines[1].startswith("Đã nạp Kế hoạch MH-2026") and "không phải văn bản thật" in lines[1]
    plan = db.session.scalar(select(Plan).where(Plan.number == "137/KH-UBND"))
    status = dict(db.session.execute(select(Activity.number, Activity.status).where(Activity.plan_id == plan.id)).all())
    assert [n for n, s in status.items() if s == "done"] == [1, 2]
    assert status[3] == "in_progress" and status[4] == "not_started"  # the two latest past-due: overdue
    assert {status[n] for n in (5, 6, 7, 8, 9)} == {"in_progress"} and status[10] == "not_started"
    recorded = set(db.session.scalars(select(DistrictPlan.area_id)))
    assert len(recorded) == 7  # Phú Bình's own (test world) and 6 by the demo; Võ Nhai and Định Hóa none
    assert area("D170").id not in recorded and area("D167").id not in recorded
    gaps = set(db.session.scalars(select(Gap.subject_id).where(Gap.rule_code == "district_without_plan",
                                                               Gap.state == "open")))
    assert gaps == {str(area("D170").id), str(area("D167").id)}
    assert seed_plan(province, today) == ["Kế hoạch 137/KH-UBND đã có: giữ nguyên tiến độ."]
    assert db.session.scalar(select(func.count(Plan.id)).where(Plan.number == "137/KH-UBND")) == 1
