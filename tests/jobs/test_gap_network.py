"""The gap scan over the network: every registry rule reads the database, runs are idempotent, gaps resolve
when their condition clears and reopen when it returns, and each coordinator sees their own scope's gaps."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.gaps.scan import findings_for, scan, store_findings
from app.models import Area, Gap, GapEvent, IndicatorSnapshot
from app.scope import visible
from tests.factories import make_person, make_trainer

DAY = date(2025, 3, 15)


def _gap(rule: str, subject_id) -> Gap | None:
    return db.session.scalar(select(Gap).where(Gap.rule_code == rule, Gap.subject_id == str(subject_id)))


def _dai_tu_commune(world) -> Area:
    return db.session.scalar(select(Area).where(Area.parent_id == world.dai_tu.id, Area.level == "commune")
                             .order_by(Area.code.desc()).limit(1))


def test_a_second_scan_changes_nothing(kh137):
    scan(DAY)
    events = db.session.scalar(select(func.count(GapEvent.id)))
    snapshots = db.session.scalar(select(func.count(IndicatorSnapshot.id)))
    assert events > 0 and snapshots > 0
    counts = store_findings(findings_for(DAY))
    assert not any(counts.values())
    scan(DAY)
    assert db.session.scalar(select(func.count(GapEvent.id))) == events
    assert db.session.scalar(select(func.count(IndicatorSnapshot.id))) == snapshots


def test_a_first_scan_opens_each_gap_with_one_opened_event(kh137):
    # the new gaps and their events are written in bulk (on PostgreSQL one statement for both): each gap its one
    # 'opened' event with its params and time, in the order of the gaps' ids
    had = set(db.session.scalars(select(Gap.id))), set(db.session.scalars(select(GapEvent.id)))  # the world's own
    scan(DAY)
    gaps = [g for g in db.session.scalars(select(Gap).order_by(Gap.id)) if g.id not in had[0]]
    events = [e for e in db.session.scalars(select(GapEvent).order_by(GapEvent.id))
              if e.id not in had[1] and e.gap_id not in had[0]]
    assert gaps and [e.gap_id for e in events] == [g.id for g in gaps]
    for gap, event in zip(gaps, events, strict=True):
        assert gap.state == "open" and gap.resolved_at is None and gap.severity_rank > 0
        assert (event.action, event.actor_id, event.at, event.params) == ("opened", None, gap.opened_at, gap.params)
    assert store_findings(findings_for(DAY)) == {"opened": 0}  # what was written reads back as the findings


def test_a_commune_without_trainer_resolves_and_reopens(kh137, world):
    commune = _dai_tu_commune(world)
    scan(DAY)
    gap = _gap("commune_without_trainer", commune.id)
    assert gap is not None and gap.state == "open" and gap.area_id == commune.id and gap.severity == "high"
    trainer = make_trainer(commune, mentor=world.trainers["Nguyễn Văn Đại"], certified_on=DAY)
    scan(DAY)
    assert gap.state == "resolved"
    trainer.status = "left"
    db.session.flush()
    scan(DAY)
    assert gap.state == "open"
    actions = list(db.session.scalars(select(GapEvent.action).where(GapEvent.gap_id == gap.id).order_by(GapEvent.id)))
    assert actions == ["opened", "resolved", "reopened"]


def test_duplicate_persons_by_name_birth_year_and_commune(kh137, world):
    commune = _dai_tu_commune(world)
    first = make_person("Hoàng Thị Lan", commune, birth_year=1990)
    second = make_person("Hoang Thi Lan", commune, birth_year=1990)
    make_person("Hoàng Thị Lan", commune, birth_year=1991)
    scan(DAY)
    gap = _gap("duplicate_person", min(first.id, second.id))
    assert gap is not None and gap.params["person_ids"] == [str(first.id), str(second.id)]
    assert gap.area_id == commune.id


def test_each_coordinator_sees_only_their_scope(kh137, world, login_as):
    scan(DAY)
    commune = _dai_tu_commune(world)
    gap = _gap("commune_without_trainer", commune.id)
    from app.models import User

    phu_binh = db.session.scalar(select(User).where(User.username == "coord_phubinh"))
    dai_tu = db.session.scalar(select(User).where(User.username == "coord_daitu"))
    seen = lambda user: set(db.session.scalars(select(Gap.id).where(visible(Gap, user))))  # noqa: E731
    assert gap.id in seen(dai_tu) and gap.id not in seen(phu_binh)


def test_ethnic_minority_residents_are_counted_without_the_majority_groups(kh137, world):
    commune = _dai_tu_commune(world)
    make_person("Hoàng Văn Tày", commune, ethnic_group="Tày")
    make_person("Triệu Thị Dao", commune, ethnic_group="Dao")
    make_person("Nguyễn Văn Kinh", commune, ethnic_group="Kinh")
    make_person("Lý Văn Hoa", commune, ethnic_group="Hoa")
    scan(DAY)
    gap = _gap("audience_ethnic_minority_not_reached", commune.id)
    assert gap is not None and gap.state == "open" and gap.params["residents"] == 2


def test_a_duplicate_added_after_a_scan_is_found_by_the_next_one_in_serve_mode(app, monkeypatch, kh137, world):
    # the groups come from the stored `duplicate_persons` summary: a change of a person marks it stale, and the
    # scan never works from a stale row, even where pages are served stale ones ("serve", production's mode)
    monkeypatch.setitem(app.config, "LANTOA_SUMMARIES", "serve")
    commune = _dai_tu_commune(world)
    first = make_person("Đỗ Thị Mai", commune, birth_year=1988)
    scan(DAY)
    assert _gap("duplicate_person", first.id) is None
    second = make_person("Do Thi Mai", commune, birth_year=1988)
    scan(DAY)
    gap = _gap("duplicate_person", first.id)
    assert gap is not None and gap.state == "open" and gap.params["person_ids"] == [str(first.id), str(second.id)]
    second.birth_year = 1989  # no longer the same person
    db.session.flush()
    scan(DAY)
    assert gap.state == "resolved"


def _same_as_counted(day: date) -> dict:
    """The indicators the scan reads (stored, or computed when not current) equal `measure_all` counted now; the
    stored ones."""
    from app.areas.maps import AreaGraph
    from app.gaps.inputs import gap_settings
    from app.gaps.scan import scan_measures
    from app.targets.indicators import measure_all

    settings = gap_settings()
    stored = scan_measures(day, DAY, settings)
    counted = measure_all(day, DAY, settings.core_group_min_trainers, AreaGraph.load())
    assert list(stored) == list(counted)
    for code, m in counted.items():
        assert (stored[code].numerators, stored[code].denominators, stored[code].has_denominator) == \
            (+m.numerators, +m.denominators, m.has_denominator), code
    assert stored["civil_servants_trained"].by_unit == counted["civil_servants_trained"].by_unit
    return stored


def _stale(day: date) -> dict[str, bool]:
    """Whether each row of the indicators and of their two parts (the working map's, of DAY) is stale."""
    from app.models import Summary
    from app.summaries.catalogue import INDICATOR_PARTS

    db.session.flush()
    rows = db.session.execute(select(Summary.name, Summary.stale, Summary.payload.is_(None)).where(
        Summary.name.in_(("indicators", *INDICATOR_PARTS)), Summary.day == DAY)).all()
    assert {name for name, _stale, _unfinished in rows} == {"indicators", *INDICATOR_PARTS}
    assert not any(unfinished for *_rest, unfinished in rows)
    return {name: bool(stale) for name, stale, _unfinished in rows}


def _not_counting_enrolments(monkeypatch) -> None:
    """The two enrolment-based parts of the indicators must not be counted (their stored rows are current)."""
    from app.targets import indicators

    def counted(*_args, **_kw):
        raise AssertionError("counted again although its stored figures are current")

    monkeypatch.setattr(indicators, "measure_civil_servants", counted)
    monkeypatch.setattr(indicators, "measure_learners", counted)


def test_the_scan_reads_the_stored_indicators_only_while_they_are_current(app, monkeypatch, kh137, world):
    from app.areas.maps import working_map

    monkeypatch.setitem(app.config, "LANTOA_SUMMARIES", "serve")
    day = working_map() or DAY
    scan(DAY)
    _same_as_counted(day)  # stored by the scan, read back
    make_trainer(_dai_tu_commune(world), mentor=world.trainers["Nguyễn Văn Đại"], certified_on=DAY)
    _same_as_counted(day)  # stale: counted again, not served


def test_a_trainer_change_recomputes_the_indicators_but_not_their_enrolment_parts(app, monkeypatch, kh137, world):
    # a trainer paused or added changes T2 and the communes with a trainer, never what the enrolments count: the
    # stored T3 and T4/T5 parts stay current and `indicators` is computed again from them
    from app.areas.maps import working_map

    monkeypatch.setitem(app.config, "LANTOA_SUMMARIES", "serve")
    day, commune = working_map() or DAY, _dai_tu_commune(world)
    trainer = make_trainer(commune, mentor=world.trainers["Nguyễn Văn Đại"], certified_on=DAY, status="paused")
    scan(DAY)
    before = _same_as_counted(day)
    assert not any(_stale(day).values())
    assert commune.id not in before["communes_with_trainer"].numerators
    trainer.status = "active"  # back: a change of the trainer alone
    assert _stale(day) == {"indicators": True, "indicators_civil_servants": False, "indicators_learners": False}
    with monkeypatch.context() as m:
        _not_counting_enrolments(m)
        scan(DAY)  # reads the parts, counts the rest
    assert not any(_stale(day).values())
    after = _same_as_counted(day)
    assert after["communes_with_trainer"].numerators[commune.id] == 1
    trainer.status = "paused"
    assert _stale(day)["indicators"] and not _stale(day)["indicators_learners"]
    with monkeypatch.context() as m:
        _not_counting_enrolments(m)
        scan(DAY)
    assert commune.id not in _same_as_counted(day)["communes_with_trainer"].numerators


def test_an_enrolment_or_unit_change_recomputes_the_parts_that_read_it(app, monkeypatch, kh137, world):
    # what changes an enrolment-based indicator still makes it count again: a completion (T3, T5), a unit's
    # headcount (T3 only: T4/T5 never read the units)
    from app.areas.maps import working_map
    from tests.factories import enrol, make_class, make_unit

    monkeypatch.setitem(app.config, "LANTOA_SUMMARIES", "serve")
    day, commune = working_map() or DAY, _dai_tu_commune(world)
    scan(DAY)
    before = _same_as_counted(day)
    unit = make_unit("Phòng Thử nghiệm chỉ tiêu", commune, headcount=40)
    assert _stale(day) == {"indicators": True, "indicators_civil_servants": True, "indicators_learners": False}
    scan(DAY)
    assert not any(_stale(day).values())
    learner = make_person("Lê Thị Học", commune, unit=unit, birth_year=1990)
    assert _stale(day) == {"indicators": True, "indicators_civil_servants": True, "indicators_learners": True}
    scan(DAY)
    taught = make_class(world.trainers["Nguyễn Văn Đại"], commune, mode="online", level=1,
                        start_on=date(2025, 3, 1), end_on=date(2025, 3, 10))
    assert _stale(day) == {"indicators": True, "indicators_civil_servants": False, "indicators_learners": True}
    scan(DAY)
    enrol(taught, learner)
    assert all(_stale(day).values())
    scan(DAY)
    assert not any(_stale(day).values())
    after = _same_as_counted(day)
    assert after["civil_servants_trained"].by_unit.get(unit.id) == 1
    assert sum(after["civil_servants_trained"].numerators.values()) == \
        sum(before["civil_servants_trained"].numerators.values()) + 1
    assert sum(after["working_age_trained_online"].numerators.values()) == \
        sum(before["working_age_trained_online"].numerators.values()) + 1
