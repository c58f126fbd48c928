"""One set of counts: every counted thing of the programme, with its Vietnamese label, as of a day, in an area.

Every page and sheet that shows one of these counts reads it here (the steering home, the area pages, the network
overview, the targets dashboard, the forecast, the quarterly workbook), and shows it under the label defined
here: the same label carries the same number everywhere; two different things never share a label.

Rules (as of day D, in the subtree of an area, on the area's map):
- a class belongs to the area of its venue on that map (`area_key_on_map`: a class re-homed by the map change
  counts where its history puts it on the older map);
- **lớp đã đăng ký**: every class not cancelled by D (whatever its start date);
- **lớp đã mở**: registered and started on or before D (`start_on <= D`);
- **lớp đang học**: opened and not yet completed on D;
- **lớp đã kết thúc**: opened and completed on or before D (`completed_on <= D`, or completed with no date);
- **lượt học viên**: enrolments (every status) in the classes opened by D;
- **học viên (người)**: distinct persons among those enrolments (a person in two classes counts once, also
  in the totals of a larger area);
- **lượt hoàn thành**: those enrolments completed on or before D;
- **chứng nhận còn hiệu lực**: certificates of classes in the area issued on or before D and not revoked by D.

Trainer-based figures of the network pass (a trainer's own classes and reach, `trainer_stats`,
`network_rollups`) count where the *trainer* is based; pages that show them use their own labels
("… của giảng viên …"), never these.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, distinct, func, or_, select

from app.areas.maps import AreaGraph, area_key_on_map
from app.extensions import db
from app.models import Area, Certificate, Enrollment, TrainingClass

__all__ = [
    "Count", "COUNTS", "LABELS", "CLASSES_REGISTERED", "CLASSES_OPENED", "CLASSES_RUNNING", "CLASSES_COMPLETED",
    "ENROLMENTS", "LEARNERS", "COMPLETIONS", "CERTIFICATES", "figures", "figures_of", "child_figures", "all_figures",
    "every_area",
    "registered",
    "opened", "completion_done", "classes_registered", "classes_opened", "classes_running", "classes_completed",
    "enrolments", "learners", "completions", "certificates",
]


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    note: str


CLASSES_REGISTERED = Count("classes_registered", "Lớp đã đăng ký", "Mọi lớp chưa hủy, kể cả lớp chưa bắt đầu.")
CLASSES_OPENED = Count("classes_opened", "Lớp đã mở", "Lớp chưa hủy đã bắt đầu đến ngày tính.")
CLASSES_RUNNING = Count("classes_running", "Lớp đang học", "Lớp đã mở, chưa kết thúc.")
CLASSES_COMPLETED = Count("classes_completed", "Lớp đã kết thúc", "Lớp đã mở và đã kết thúc đến ngày tính.")
ENROLMENTS = Count("enrolments", "Lượt học viên", "Lượt ghi danh vào các lớp đã mở (một người học hai lớp là hai lượt).")
LEARNERS = Count("learners", "Học viên (người)", "Số người khác nhau đã ghi danh vào các lớp đã mở.")
COMPLETIONS = Count("completions", "Lượt hoàn thành", "Lượt học viên đã hoàn thành lớp đến ngày tính.")
CERTIFICATES = Count("certificates", "Chứng nhận còn hiệu lực", "Chứng nhận đã cấp đến ngày tính, chưa bị thu hồi.")

COUNTS: tuple[Count, ...] = (CLASSES_REGISTERED, CLASSES_OPENED, CLASSES_RUNNING, CLASSES_COMPLETED, ENROLMENTS,
                             LEARNERS, COMPLETIONS, CERTIFICATES)
LABELS: dict[str, str] = {c.key: c.label for c in COUNTS}
CLASS_KEYS = ("classes_registered", "classes_opened", "classes_running", "classes_completed")


def registered(day: date):
    """SQL: a class not cancelled by `day`."""
    return or_(TrainingClass.status != "cancelled",
               and_(TrainingClass.cancelled_on.is_not(None), TrainingClass.cancelled_on > day))


def opened(day: date):
    """SQL: a class registered and started on or before `day`."""
    return and_(registered(day), TrainingClass.start_on.is_not(None), TrainingClass.start_on <= day)


def completion_done(day: date):
    """SQL: an enrolment completed on or before `day`."""
    return and_(Enrollment.status == "completed",
                or_(Enrollment.completed_on.is_(None), Enrollment.completed_on <= day))


@dataclass
class _Tally:
    map_day: date
    day: date
    graph: AreaGraph
    numbers: dict[int, Counter]  # area id → key → number (the area's whole subtree; additive counts only)
    learners: dict[int, int]  # area id → distinct persons, read when asked


def _from_classes(map_day: date):
    """The FROM of a query over classes with each class's area key on the map (`area_key_on_map`)."""
    history, on, key = area_key_on_map("training_classes.venue_area_id", map_day)
    return history, on, key


def _tally(map_day: date, day: date, graph: AreaGraph) -> _Tally:
    """The additive counts in SQL, grouped by each class's area on the map, then summed up the tree."""
    history, on, key = _from_classes(map_day)
    at_key: dict[int, Counter] = defaultdict(Counter)
    done_class = and_(TrainingClass.status == "completed",
                      or_(TrainingClass.completed_on.is_(None), TrainingClass.completed_on <= day))
    started = and_(TrainingClass.start_on.is_not(None), TrainingClass.start_on <= day)
    for area_key, n, n_open, n_done in db.session.execute(
            select(key, func.count(), func.count().filter(started), func.count().filter(started, done_class))
            .select_from(TrainingClass).outerjoin(history, on)
            .where(registered(day), TrainingClass.venue_area_id.is_not(None)).group_by(key)):
        at_key[area_key].update(classes_registered=n, classes_opened=n_open, classes_completed=n_done,
                                classes_running=n_open - n_done)
    for area_key, n, n_done in db.session.execute(
            select(key, func.count(), func.count().filter(completion_done(day)))
            .select_from(Enrollment).join(TrainingClass, TrainingClass.id == Enrollment.class_id)
            .outerjoin(history, on).where(opened(day), TrainingClass.venue_area_id.is_not(None)).group_by(key)):
        at_key[area_key].update(enrolments=n, completions=n_done)
    revoked = and_(Certificate.revoked_on.is_not(None), Certificate.revoked_on <= day)
    for area_key, n in db.session.execute(
            select(key, func.count())
            .select_from(Certificate).join(TrainingClass, TrainingClass.id == Certificate.class_id)
            .outerjoin(history, on)
            .where(Certificate.issued_on <= day, ~revoked, TrainingClass.venue_area_id.is_not(None)).group_by(key)):
        at_key[area_key]["certificates"] += n
    numbers: dict[int, Counter] = defaultdict(Counter)
    for area_key, figures in at_key.items():
        image = graph.image(area_key, map_day)
        node = graph.nodes.get(image) if image is not None else None
        for ancestor in node.ids if node else ():
            numbers[ancestor].update(figures)
    return _Tally(map_day, day, graph, numbers, {})


def _learners(tally: _Tally, area_id: int | tuple[int, ...]) -> int:
    """Distinct persons enrolled in the classes opened by the day in the area's subtree, or the subtrees of a
    tuple of areas taken together (one COUNT DISTINCT)."""
    if area_id not in tally.learners:
        graph, map_day = tally.graph, tally.map_day
        wanted = area_id if isinstance(area_id, tuple) else (area_id,)
        keys = [n for n in graph.nodes if (image := graph.image(n, map_day)) is not None
                and any(a in graph.nodes[image].ids for a in wanted)]
        found = 0
        if keys:
            history, on, key = _from_classes(map_day)
            found = db.session.scalar(
                select(func.count(distinct(Enrollment.person_id)))
                .select_from(Enrollment).join(TrainingClass, TrainingClass.id == Enrollment.class_id)
                .outerjoin(history, on).where(opened(tally.day), key.in_(keys))) or 0
        tally.learners[area_id] = found
    return tally.learners[area_id]


def _all_learners(tally: _Tally) -> dict[int, int]:
    """Distinct persons per area for every area of the map at once (what `_learners` counts one area at a time).

    One grouped read over the enrolments: the persons whose enrolments (in classes opened by the day) all lie at
    one area key are counted per key in SQL; those who learned at several keys come back one by one and their keys
    are read by person (the index of `enrollments.person_id`), then counted once per area in Python (a person in
    two communes counts once in their district)."""
    graph, map_day = tally.graph, tally.map_day
    history, on, key = _from_classes(map_day)
    rows = (select(Enrollment.person_id.label("person_id"), key.label("area_key"))
            .select_from(Enrollment).join(TrainingClass, TrainingClass.id == Enrollment.class_id)
            .outerjoin(history, on).where(opened(tally.day), TrainingClass.venue_area_id.is_not(None))).subquery()
    per_person = (select(rows.c.person_id, func.min(rows.c.area_key).label("first"),
                         func.max(rows.c.area_key).label("last"))
                  .group_by(rows.c.person_id)).subquery()
    several = case((per_person.c.first == per_person.c.last, None), else_=per_person.c.person_id)
    found: Counter = Counter()
    ancestors_of: dict[int, tuple[int, ...]] = {}

    def ancestors(area_key) -> tuple[int, ...]:
        if area_key not in ancestors_of:
            image = graph.image(area_key, map_day)
            node = graph.nodes.get(image) if image is not None else None
            ancestors_of[area_key] = tuple(node.ids) if node else ()
        return ancestors_of[area_key]

    people: list[int] = []
    for person_id, area_key, n in db.session.execute(
            select(several, per_person.c.first, func.count()).group_by(several, per_person.c.first)):
        if person_id is None:
            for ancestor in ancestors(area_key):
                found[ancestor] += n
        else:
            people.append(person_id)
    areas_of: dict[int, set[int]] = defaultdict(set)
    for start in range(0, len(people), 500):
        chunk = people[start:start + 500]
        for person_id, area_key in db.session.execute(
                select(Enrollment.person_id, key).distinct()
                .select_from(Enrollment).join(TrainingClass, TrainingClass.id == Enrollment.class_id)
                .outerjoin(history, on)
                .where(Enrollment.person_id.in_(chunk), opened(tally.day), TrainingClass.venue_area_id.is_not(None))):
            areas_of[person_id].update(ancestors(area_key))
    for areas in areas_of.values():
        for ancestor in areas:
            found[ancestor] += 1
    return dict(found)


def every_area(map_day: date, day: date, graph: AreaGraph | None = None) -> dict[int, dict[str, int]]:
    """Every count, the distinct learners included, of every area's subtree on the map valid from `map_day`, as
    of `day`, in one pass: area id → key → number (areas with nothing counted are left out). What the stored
    summary `counts` keeps (`app/summaries/catalogue.py`); the same numbers as `figures` area by area. Always
    read from the database (not the request's tally: a summary is computed again after a change)."""
    tally = _tally(map_day, day, graph or AreaGraph.load())
    learners = _all_learners(tally)
    return {area_id: _row(tally.numbers.get(area_id), learners.get(area_id, 0))
            for area_id in set(tally.numbers) | set(learners)}


def _cached(map_day: date, day: date, graph: AreaGraph | None) -> _Tally:
    """One tally per (map, day) per request: a page showing several areas reads once (not kept between
    requests, nor outside one)."""
    from flask import has_request_context, request

    store = request.environ.setdefault("lantoa.counts", {}) if has_request_context() else {}
    key = (map_day, day)
    if key not in store:
        store[key] = _tally(map_day, day, graph or AreaGraph.load())
    return store[key]


def _row(numbers: Counter | None, learners: int | None) -> dict[str, int | None]:
    row: dict[str, int | None] = {c.key: int((numbers or {}).get(c.key, 0)) for c in COUNTS}
    row["learners"] = learners
    return row


def figures(area: Area, day: date, graph: AreaGraph | None = None) -> dict[str, int]:
    """Every count of the area's subtree as of `day`, on the area's map: key → number."""
    tally = _cached(area.valid_from, day, graph)
    return _row(tally.numbers.get(area.id), _learners(tally, area.id))


def figures_of(areas: list[Area], day: date, graph: AreaGraph | None = None) -> dict[str, int]:
    """Every count of several areas of one map taken together (the programme's area after 1/7/2025 on the 2024
    map: old Thái Nguyên and old Bắc Kạn); a person learning in both counts once."""
    if len(areas) == 1:
        return figures(areas[0], day, graph)
    tally = _cached(areas[0].valid_from, day, graph)
    numbers: Counter = Counter()
    for area in areas:
        numbers.update(tally.numbers.get(area.id) or {})
    return _row(numbers, _learners(tally, tuple(sorted(a.id for a in areas))))


def all_figures(map_day: date, day: date, graph: AreaGraph | None = None) -> dict[int, dict[str, int | None]]:
    """The additive counts (all but the distinct learners, None here) of every area's subtree on the map valid
    from `map_day`, as of `day`: area id → key → number."""
    return {area_id: _row(numbers, None) for area_id, numbers in _cached(map_day, day, graph).numbers.items()}


def child_figures(area: Area, day: date, graph: AreaGraph | None = None,
                  with_learners: bool = False) -> dict[int, dict[str, int | None]]:
    """Every count of each child area's subtree as of `day`: child id → key → number; the distinct learners
    (one query per child) only `with_learners`, else None."""
    tally = _cached(area.valid_from, day, graph)
    children = list(db.session.scalars(select(Area.id).where(Area.parent_id == area.id)))
    return {child: _row(tally.numbers.get(child), _learners(tally, child) if with_learners else None)
            for child in children}


def classes_registered(area: Area, day: date) -> int:
    return figures(area, day)["classes_registered"]


def classes_opened(area: Area, day: date) -> int:
    return figures(area, day)["classes_opened"]


def classes_running(area: Area, day: date) -> int:
    return figures(area, day)["classes_running"]


def classes_completed(area: Area, day: date) -> int:
    return figures(area, day)["classes_completed"]


def enrolments(area: Area, day: date) -> int:
    return figures(area, day)["enrolments"]


def learners(area: Area, day: date) -> int:
    return figures(area, day)["learners"]


def completions(area: Area, day: date) -> int:
    return figures(area, day)["completions"]


def certificates(area: Area, day: date) -> int:
    return figures(area, day)["certificates"]
