"""What a matched learning record does: an online enrolment in the platform's class for its level, completion,
daily points, and the learner's streak.

Rules:
- a platform class is one `training_classes` row per (platform, level): mode "online", no trainer (`platform`
  names it instead), held at the programme's province on the working map, running from the first record's day;
  it is created the first time a matched record needs it;
- each matched learner is enrolled once in the class of each (platform, level) they learn at (the enrolment's
  unique (class, person) key: a resend enrols nobody twice); the enrolment is completed on the day their
  lessons at that level add up to the plan setting `online_completion_lessons`, so T5 "online" counts them
  (app/targets/indicators.py counts Bậc 1 online enrolments);
- a matched day of at least `streak_minutes` minutes earns the learner `points_online_day` points, one ledger
  entry per record (reason "online_day", source = the record's id: idempotent), counted for their home commune;
- a streak is the run of consecutive days with at least `streak_minutes` minutes, read from the stored records
  when shown (`streaks`), never stored;
- the ingest only stores records (it stays fast); the `online_effects` job (app/jobs/registry.py, every
  minute) applies the effects of the matched records not yet applied (`learning_records.applied`), `PENDING_BATCH`
  at a time, and marks them; a held record matched later by "Khớp lại" is picked up the same way;
- everything is set-based and derived from stored rows, so applying a record twice changes nothing. The caller
  commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.areas.maps import programme_root
from app.extensions import db
from app.models import Enrollment, LearningRecord, Person, PointEntry, TrainingClass
from app.rankings import totals
from app.training.settings import plan_setting

CHUNK = 5000  # ids per IN (…): within SQLite's 32,766 variables and PostgreSQL's 65,535
PENDING_BATCH = 10_000


def _chunks(values: list) -> list[list]:
    return [values[i:i + CHUNK] for i in range(0, len(values), CHUNK)]


def platform_classes(pairs: set[tuple[str, int]], first_day: dt.date) -> dict[tuple[str, int], int]:
    """The class id of each (platform, level), created when missing (flushes)."""
    found = {(p, lv): i for i, p, lv in db.session.execute(
        select(TrainingClass.id, TrainingClass.platform, TrainingClass.level)
        .where(TrainingClass.platform.in_({p for p, _ in pairs})))}
    missing = sorted(pairs - found.keys())
    if missing:
        root = programme_root()
        if root is None:
            return found
        for platform, level in missing:
            klass = TrainingClass(platform=platform, trainer_id=None, level=level, mode="online",
                                  audience_group="other", venue_area_id=root.id, status="running",
                                  topic=f"Học trực tuyến trên {platform} — Bậc {level}", start_on=first_day,
                                  started_on=first_day)
            db.session.add(klass)
            db.session.flush()
            found[(platform, level)] = klass.id
    return found


@dataclass
class Applied:
    enrolled: int = 0
    completed: int = 0
    points: int = 0


def apply_pending(limit: int | None = None) -> tuple[int, Applied]:
    """Apply the effects of every matched record not applied yet (at most `limit` records), oldest first, in
    batches of `PENDING_BATCH`; marks them applied; returns (records, what was added). Flushes."""
    done, total = 0, Applied()
    while limit is None or done < limit:
        size = PENDING_BATCH if limit is None else min(PENDING_BATCH, limit - done)
        rows = db.session.execute(
            select(LearningRecord.id, LearningRecord.person_id, LearningRecord.platform, LearningRecord.level,
                   LearningRecord.record_date, LearningRecord.minutes)
            .where(LearningRecord.applied.is_(False), LearningRecord.state == "matched")
            .order_by(LearningRecord.id).limit(size)).all()
        if not rows:
            break
        applied = apply_rows(rows)
        for chunk in _chunks([r.id for r in rows]):
            db.session.execute(update(LearningRecord).where(LearningRecord.id.in_(chunk)).values(applied=True)
                               .execution_options(synchronize_session=False))
        done += len(rows)
        total = Applied(total.enrolled + applied.enrolled, total.completed + applied.completed,
                        total.points + applied.points)
    return done, total


def apply_rows(rows) -> Applied:
    """Enrolments, completions and points of these matched records (id, person_id, platform, level, record_date,
    minutes); returns what was added."""
    applied = Applied()
    if not rows:
        return applied
    classes = platform_classes({(r.platform, r.level) for r in rows}, min(r.record_date for r in rows))
    first: dict[tuple[int, int], dt.date] = {}
    for r in sorted(rows, key=lambda r: r.record_date):
        class_id = classes.get((r.platform, r.level))
        if class_id is not None:
            first.setdefault((class_id, r.person_id), r.record_date)
    applied.enrolled = _enrol(first)
    applied.completed = _complete(_completion_days(first.keys(), {v: k for k, v in classes.items()}))
    applied.points = _points(rows)
    return applied


def _completion_days(keys, platform_of: dict[int, tuple[str, int]]) -> dict[tuple[int, int], dt.date]:
    """For the enrolments among `keys` not completed yet: the day their lessons at that platform and level
    reached `online_completion_lessons` (a learner's records up to completion only: a few rows each)."""
    needed = plan_setting("online_completion_lessons")
    keys = set(keys)
    open_keys: set[tuple[int, int]] = set()
    by_class: dict[int, list[int]] = {}
    for class_id, person_id in keys:
        by_class.setdefault(class_id, []).append(person_id)
    for chunk in _chunks(sorted({p for _, p in keys})):
        open_keys |= {tuple(k) for k in db.session.execute(
            select(Enrollment.class_id, Enrollment.person_id).where(
                Enrollment.class_id.in_(list(by_class)), Enrollment.person_id.in_(chunk),
                Enrollment.status != "completed")).all() if tuple(k) in keys}
    done: dict[tuple[int, int], dt.date] = {}
    for class_id, persons in by_class.items():
        platform, level = platform_of[class_id]
        waiting = sorted(p for p in persons if (class_id, p) in open_keys)
        for chunk in _chunks(waiting):
            running = (select(LearningRecord.person_id, LearningRecord.record_date,
                              func.sum(LearningRecord.lessons).over(
                                  partition_by=LearningRecord.person_id,
                                  order_by=(LearningRecord.record_date, LearningRecord.id)).label("to_date"))
                       .where(LearningRecord.state == "matched", LearningRecord.person_id.in_(chunk),
                              LearningRecord.platform == platform, LearningRecord.level == level).subquery())
            for person_id, day in db.session.execute(
                    select(running.c.person_id, func.min(running.c.record_date))
                    .where(running.c.to_date >= needed).group_by(running.c.person_id)):
                done[(class_id, person_id)] = day
    return done


def _enrol(first: dict[tuple[int, int], dt.date]) -> int:
    rows = [{"class_id": c, "person_id": p, "status": "enrolled", "candidate": False} for c, p in sorted(first)]
    if not rows:
        return 0
    connection = db.session.connection()
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(Enrollment.__table__).on_conflict_do_nothing(index_elements=["class_id", "person_id"])
    added = 0
    for start in range(0, len(rows), 5000):
        added += len(connection.execute(stmt.returning(Enrollment.__table__.c.id), rows[start:start + 5000]).all())
    return added


def _complete(done_on: dict[tuple[int, int], dt.date]) -> int:
    """Complete the enrolments whose lessons reached the threshold, dated the day they did (once; executemany)."""
    table = Enrollment.__table__
    stmt = (update(table).where(table.c.class_id == bindparam("c"), table.c.person_id == bindparam("p"),
                                table.c.status != "completed")
            .values(status="completed", completed_on=bindparam("day")))
    rows = [{"c": c, "p": p, "day": day} for (c, p), day in sorted(done_on.items())]
    completed = 0
    for start in range(0, len(rows), 5000):
        completed += db.session.execute(stmt, rows[start:start + 5000]).rowcount or 0
    return completed


def _points(rows) -> int:
    """One `online_day` entry per record of at least `streak_minutes` minutes not yet in the ledger, counted for
    the learner's home commune."""
    minutes, points = plan_setting("streak_minutes"), plan_setting("points_online_day")
    if points <= 0:
        return 0
    eligible = [r for r in rows if r.minutes >= minutes]
    done: set[int] = set()
    homes: dict[int, int | None] = {}
    for chunk in _chunks([r.id for r in eligible]):
        done.update(db.session.scalars(select(PointEntry.source_id).where(PointEntry.reason == "online_day",
                                                                          PointEntry.source_id.in_(chunk))))
    for chunk in _chunks(sorted({r.person_id for r in eligible})):
        homes.update(db.session.execute(select(Person.id, Person.home_area_id).where(Person.id.in_(chunk))).all())
    fresh = [{"person_id": r.person_id, "trainer_id": None, "area_id": homes.get(r.person_id), "points": points,
              "reason": "online_day", "source_id": r.id, "earned_on": r.record_date}
             for r in eligible if r.id not in done]
    for start in range(0, len(fresh), 5000):
        db.session.execute(insert(PointEntry.__table__), fresh[start:start + 5000])
    totals.add("area", ((r["area_id"], r["earned_on"], r["points"]) for r in fresh))
    return len(fresh)


@dataclass
class Streak:
    current: int  # consecutive days up to `today` (or yesterday: a day not over yet breaks nothing)
    longest: int
    days: int  # days of at least `streak_minutes` minutes in all
    last_day: dt.date | None


def streaks(person_id: int, today: dt.date) -> Streak:
    """The learner's streaks of days with at least `streak_minutes` minutes (matched records)."""
    minutes = plan_setting("streak_minutes")
    days = sorted(set(db.session.scalars(
        select(LearningRecord.record_date).where(LearningRecord.person_id == person_id,
                                                 LearningRecord.state == "matched",
                                                 LearningRecord.minutes >= minutes,
                                                 LearningRecord.record_date <= today))))
    return streak_of(days, today)


def streak_of(days: list[dt.date], today: dt.date) -> Streak:
    """
    >>> d = dt.date
    >>> streak_of([d(2025, 3, 1), d(2025, 3, 2), d(2025, 3, 4), d(2025, 3, 5), d(2025, 3, 6)], d(2025, 3, 6))
    Streak(current=3, longest=3, days=5, last_day=datetime.date(2025, 3, 6))
    >>> streak_of([d(2025, 3, 1), d(2025, 3, 2)], d(2025, 3, 3)).current  # today not learnt yet: still running
    2
    >>> streak_of([d(2025, 3, 1), d(2025, 3, 2)], d(2025, 3, 4)).current
    0
    >>> streak_of([], d(2025, 3, 4))
    Streak(current=0, longest=0, days=0, last_day=None)
    """
    longest = run = 0
    previous = None
    for day in days:
        run = run + 1 if previous is not None and day - previous == dt.timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    current = run if previous is not None and (today - previous).days <= 1 else 0
    return Streak(current, longest, len(days), previous)
