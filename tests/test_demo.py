"""The demo: a realistic cascade on the real map, deterministic, with gaps left to find."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from app.demo.cascade import SIZES, Cascade, District
from app.extensions import db
from app.models import Area


@pytest.fixture
def districts(world):
    province = db.session.scalar(select(Area).where(Area.code == "P19").order_by(Area.valid_from).limit(1))
    result = []
    for d in db.session.scalars(select(Area).where(Area.parent_id == province.id).order_by(Area.code)):
        communes = list(db.session.scalars(select(Area.id).where(Area.parent_id == d.id).order_by(Area.code)))
        result.append(District(d.id, d.code, 100_000, communes))
    return result


def _run(districts, seed=137):
    units = [{"id": 1, "district_code": None, "kind": "agency"}]
    ids = {"persons": 1, "trainers": 1, "training_classes": 1, "enrollments": 1}
    return Cascade(districts, units, SIZES["demo"], date(2026, 11, 25), seed, ids).run()


def test_cascade_is_realistic(districts):
    rows = _run(districts)
    trainers = {t["id"]: t for t in rows.trainers}
    by_generation = Counter(t["generation"] for t in rows.trainers)
    assert by_generation[0] == 300 and max(by_generation) >= 5
    assert all(t["tier"] == "province" for t in rows.trainers if t["generation"] == 0)
    for t in rows.trainers:
        if t["mentor_id"] is None:
            assert t["path"] == f"/{t['id']}/"
            continue
        mentor = trainers[t["mentor_id"]]
        assert t["path"] == f"{mentor['path']}{t['id']}/"
        assert t["generation"] == mentor["generation"] + 1
        assert t["max_level"] <= mentor["max_level"]
    classes = {c["id"]: c for c in rows.classes}
    for t in rows.trainers:
        if t["origin_class_id"]:
            origin = classes[t["origin_class_id"]]
            assert origin["trainer_id"] == t["mentor_id"] and t["certified_on"] > origin["end_on"]
    communes = {c for d in districts for c in d.communes}
    covered = {t["area_id"] for t in rows.trainers}
    assert 0 < len(communes - covered) < len(communes) // 4, "some communes, not most, are left without trainers"
    openers = {c["trainer_id"] for c in rows.classes}
    dormant = [t for t in rows.trainers if t["id"] not in openers and t["status"] == "active"]
    assert len(dormant) > 50
    assert len({p["phone"] for p in rows.persons if p["phone"]}) == sum(1 for p in rows.persons if p["phone"])
    persons = {p["id"]: p for p in rows.persons}
    assert all(t["search_key"] == persons[t["person_id"]]["search_key"] for t in rows.trainers)
    assert 50_000 < len(rows.enrollments) < 200_000
    hosted = {c["id"]: c["host_unit_id"] for c in rows.classes
              if c["audience_group"] == "civil_servant" and c["host_unit_id"]}
    staff = [(e["class_id"], persons[e["person_id"]]["unit_id"]) for e in rows.enrollments if e["class_id"] in hosted]
    assert staff and all(unit_id == hosted[class_id] for class_id, unit_id in staff), "learners work at the host"


def test_cascade_is_deterministic(districts):
    first, second = _run(districts), _run(districts)
    assert first.trainers == second.trainers and first.persons[:100] == second.persons[:100]
    assert _run(districts, seed=1).trainers != first.trainers


def test_cascade_in_chunks_gives_the_same_rows(districts):
    """The seed's sink gets every row once, in id order, the same rows as a run that keeps them all."""
    whole = _run(districts)
    got: dict[str, list] = {"persons": [], "trainers": [], "classes": [], "enrollments": []}

    def sink(*chunk):
        for rows, part in zip(got.values(), chunk, strict=True):
            rows.extend(part)

    units = [{"id": 1, "district_code": None, "kind": "agency"}]
    ids = {"persons": 1, "trainers": 1, "training_classes": 1, "enrollments": 1}
    streamed = Cascade(districts, units, SIZES["demo"], date(2026, 11, 25), 137, ids, sink=sink, chunk=5_000).run()
    assert streamed.persons == [] and streamed.enrollments == []
    assert got["persons"] == whole.persons and got["enrollments"] == whole.enrollments
    assert got["trainers"] == streamed.trainers == whole.trainers and got["classes"] == whole.classes


def test_certificates_and_points_follow_the_rules(districts):
    from app.certificates.operations import ALPHABET
    from app.demo import awards

    today = date(2026, 11, 25)
    rows = _run(districts)
    classes = {c["id"]: c for c in rows.classes}
    awards.class_dates(rows.classes, today)
    awards.candidates(rows.enrollments, classes, today)
    done = awards.Completions()
    done.add(rows.enrollments)
    order = awards.certificate_order(done, classes)
    certs = list(awards.certificates(done, order, classes, 7))
    # the rule, directly: by the class's end, then the enrolment; the first completion per person and level
    held, expected = set(), []
    for e in sorted((e for e in rows.enrollments if e["status"] == "completed"),
                    key=lambda e: (classes[e["class_id"]]["end_on"], e["id"])):
        key = (e["person_id"], classes[e["class_id"]]["level"])
        if key not in held:
            held.add(key)
            expected.append((e["person_id"], e["class_id"], classes[e["class_id"]]["end_on"]))
    assert [(c["person_id"], c["class_id"], c["issued_on"]) for c in certs] == expected
    assert [c["id"] for c in certs] == list(range(7, 7 + len(certs)))
    assert all(c["serial"] == f"BDHAI-{c['issued_on'].year}-{c['id']:06d}" for c in certs)
    assert len({c["code"] for c in certs}) == len(certs)
    assert all(len(c["code"]) == 10 and set(c["code"]) <= set(ALPHABET) for c in certs)
    points = list(awards.points(rows.trainers, classes, done, order, 7))
    reasons = [p["reason"] for p in points]
    counts = Counter(reasons)
    assert reasons == sorted(reasons, key=["class_opened", "learner_completed", "certificate", "trainer_grown"].index)
    assert counts["class_opened"] == sum(1 for c in rows.classes if c["opened_on"])
    assert counts["learner_completed"] == len(done) == sum(1 for e in rows.enrollments if e["status"] == "completed")
    assert counts["certificate"] == len(certs)
    assert counts["trainer_grown"] == sum(1 for t in rows.trainers if t["mentor_id"])
    assert [p["source_id"] for p in points if p["reason"] == "certificate"] == [c["id"] for c in certs]


@pytest.mark.no_db
def test_demo_command_on_a_fresh_database(tmp_path, monkeypatch):
    from flask_migrate import upgrade

    from app import create_app
    from app.models import Trainer, User

    monkeypatch.setenv("LANTOA_INSTANCE_PATH", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'demo.db'}", "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "dp.daitu" in result.output and "lantoa-2025" in result.output
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    with app.app_context():
        trainers = db.session.scalar(select(func.count(Trainer.id)))
        roles = set(db.session.scalars(select(User.role)))
        assert trainers > 2000 and roles == {"admin", "steering", "coordinator", "trainer", "viewer"}
        # the department mergers of 1/3/2025: the labour department's staff and its coordinator follow home affairs
        from app.models import Person, Unit, UnitCrosswalk

        labour = db.session.scalar(select(Unit).where(Unit.name == "Sở Lao động - Thương binh và Xã hội"))
        home = db.session.scalar(select(Unit).where(Unit.name == "Sở Nội vụ"))
        assert str(labour.valid_to) == "2025-02-28"
        assert db.session.scalar(select(User.scope_unit_id).where(User.username == "dp.soldtbxh")) == home.id
        assert db.session.scalar(select(func.count(Person.id)).where(Person.unit_id == labour.id)) == 0
        assert "Gộp Sở Lao động - Thương binh và Xã hội vào Sở Nội vụ" in result.output
        assert db.session.scalar(select(func.count(UnitCrosswalk.id))) == 2
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "giữ nguyên" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Trainer.id))) == trainers
        assert db.session.scalar(select(func.count(UnitCrosswalk.id))) == 2  # not merged twice
        db.engine.dispose()


def test_the_demo_vacuums_postgresql_once_committed(app):
    """`lantoa demo` ends with VACUUM (ANALYZE) on PostgreSQL (the visibility map for index-only scans);
    nothing on SQLite."""
    from sqlalchemy import text

    from app.demo import vacuum_analyze

    with app.app_context():
        engine = db.engine
        vacuum_analyze(engine)  # SQLite: nothing, and no error
        if engine.dialect.name != "postgresql":
            return
        with engine.connect() as connection:
            vacuumed = connection.execute(text(
                "SELECT last_vacuum IS NOT NULL AND last_analyze IS NOT NULL FROM pg_stat_user_tables "
                "WHERE relname = 'trainers' AND schemaname = current_schema()")).scalar()
        assert vacuumed
