"""Stamps honour the pinned today (LANTOA_TODAY); the header greets the signed-in person by their own name."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.timeutil import as_utc, clock, local_today, utcnow

PINNED = date(2025, 6, 15)
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def pinned(pinned_today):
    return pinned_today(PINNED)


def test_utcnow_keeps_the_clock_time_on_the_pinned_day(app, pinned):
    with app.app_context():
        stamp, real = utcnow(), clock()
    local, real_local = stamp.astimezone(TZ), real.astimezone(TZ)
    with app.app_context():
        assert local.date() == pinned == local_today()
    assert abs(local.replace(tzinfo=None) - datetime.combine(pinned, real_local.time())) < timedelta(seconds=5)
    assert stamp.tzinfo is not None and real.date() != pinned  # the machine's clock is not pinned


def test_unpinned_utcnow_is_the_machine_clock(app):
    with app.app_context():
        assert app.config.get("LANTOA_TODAY") in (None, "")
        assert abs(utcnow() - datetime.now(UTC)) < timedelta(seconds=5)


def test_a_class_registered_on_a_pinned_day_is_stamped_that_day(client, login_as, world, pinned):
    from tests.conftest import post_form

    login_as("trainer_daitu")
    commune = db.session.get(type(world.dai_tu), world.trainers["Nguyễn Văn Đại"].area_id)
    response = post_form(client, "/classes/new", {
        "level": "1", "topic": "Lớp ngày ghim", "audience_group": "civil_servant", "mode": "in_person",
        "venue_area_id": str(commune.id), "host_unit_id": "0", "start_on": "2025-06-20", "end_on": "2025-07-10"})
    assert response.status_code == 302, response.get_data(as_text=True)[-800:]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đăng ký 15/06/2025" in page
    from app.models import AuditEvent

    newest = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert as_utc(newest.at).astimezone(TZ).date() == pinned


# ---- the greeting ----------------------------------------------------------------------------------------------

def test_the_greeting_names_the_users_person(client, login_as, world):
    from app.models import Person

    user = world.users["trainer_daitu"]
    person = db.session.get(Person, user.person_id)
    user.full_name = "tài khoản gv"  # the account's own name differs from the person's
    db.session.flush()
    login_as("trainer_daitu")
    html = client.get("/").get_data(as_text=True)
    header = html.split('class="whoami"', 1)[1].split("</a>", 1)[0]
    assert person.full_name in header and "tài khoản gv" not in header


def test_an_account_without_a_person_is_greeted_by_its_name(client, login_as):
    login_as("steering")
    html = client.get("/").get_data(as_text=True)
    header = html.split('class="whoami"', 1)[1].split("</a>", 1)[0]
    assert "steering" in header


# ---- the demo, built on a pinned day ----------------------------------------------------------------------------

@pytest.mark.no_db
def test_the_demo_on_a_pinned_day_has_no_date_after_it(tmp_path, monkeypatch):
    """`lantoa demo` with LANTOA_TODAY: every stamp is on or before the pinned day, no completion after it, no
    certificate dated before its completion, no class registered after it opened."""
    from flask_migrate import upgrade

    from app import create_app
    from app.models import AuditEvent, Certificate, Enrollment, Gap, TrainingClass, User

    monkeypatch.setenv("LANTOA_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("LANTOA_TODAY", PINNED.isoformat())
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'demo.db'}", "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    end_of_day = datetime.combine(PINNED + timedelta(days=1), datetime.min.time(), tzinfo=TZ).astimezone(UTC)
    with app.app_context():
        assert db.session.scalar(select(func.count(Enrollment.id)).where(Enrollment.completed_on > PINNED)) == 0
        late = db.session.execute(
            select(Certificate.id, Certificate.issued_on, Enrollment.completed_on)
            .join(Enrollment, (Enrollment.class_id == Certificate.class_id)
                  & (Enrollment.person_id == Certificate.person_id))
            .where((Enrollment.completed_on.is_(None)) | (Certificate.issued_on < Enrollment.completed_on)).limit(5)
        ).all()
        assert not late, f"certificates dated before their completion: {late}"
        assert db.session.scalar(select(func.count(Certificate.id)).where(Certificate.issued_on > PINNED)) == 0
        assert db.session.scalar(select(func.count(Enrollment.id)).where(Enrollment.candidate_on > PINNED)) == 0
        for model, column in ((TrainingClass, TrainingClass.created_at), (AuditEvent, AuditEvent.at),
                              (User, User.created_at), (Gap, Gap.opened_at)):
            newest = as_utc(db.session.scalar(select(func.max(column))))
            assert newest is None or newest < end_of_day, f"{model.__tablename__}: stamped {newest}"
        classes = db.session.execute(select(TrainingClass.created_at, TrainingClass.opened_on, TrainingClass.end_on,
                                            TrainingClass.status)).all()
        assert classes
        for created, opened, end, status in classes:
            registered = as_utc(created).astimezone(TZ).date()
            assert registered <= PINNED and (opened is None or registered <= opened)
            if status == "completed":
                assert registered < end  # a class that ended in 2025 was registered before, not "today"
        db.engine.dispose()
