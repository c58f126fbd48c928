"""One set of counts: every counted thing of the programme, with its Vietnamese label, as of a day, in an area.

Every page and sheet that shows one of these counts reads it here (the steering home, the area pages, the network
overview, the targets dashboard, the forecast, the quarterly workbook), and shows it under the label defined
here: the same label carries the same number everywhere; two different things never share a label.

Rules (as of day D, in the subtree of an area, on the area's map):
- a class belongs to the area of its venue on that map (`rows_on_map`: a class re-homed by the map change
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

from sqlalchemy import and_, func, or_, select

from app.areas.maps import AreaGraph, rows_on_map
from app.extensions import db
from app.models import Area, Certificate, Enrollment, TrainingClass

__all__ = [
    "Count", "COUNTS", "LABELS", "CLASSES_REGISTERED", "CLASSES_OPENED", "CLASSES_RUNNING", "CLASSES_COMPLETED",
    "ENROLMENTS", "LEARNERS", "COMPLETIONS", "CERTIFICATES", "figures", "child_figures", "all_figures", "registered",
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
    numbers: dict[int, Counter]  # area id → key → number (the area's whole subtree)
    persons: dict[int, set[int]]


def _tally(map_day: date, day: date, graph: AreaGraph) -> _Tally:
    """Counted per class, summed per venue area, then up the tree (persons as sets, unioned up the tree)."""
    where_class = rows_on_map("training_classes.venue_area_id", map_day, graph=graph)
    at_area: dict[int, Counter] = defaultdict(Counter)
    open_area: dict[int, int] = {}
    for class_id, start_on, status, completed_on in db.session.execute(
            select(TrainingClass.id, TrainingClass.start_on, TrainingClass.status, TrainingClass.completed_on)
            .where(registered(day))):
        area_id = where_class.get(class_id)
        if area_id is None:
            continue
        numbers = at_area[area_id]
        numbers["classes_registered"] += 1
        if start_on is not None and start_on <= day:
            open_area[class_id] = area_id
            numbers["classes_opened"] += 1
            done = status == "completed" and (completed_on is None or completed_on <= day)
            numbers["classes_completed" if done else "classes_running"] += 1
    for class_id, n, done in db.session.execute(
            select(Enrollment.class_id, func.count(), func.count().filter(completion_done(day)))
            .group_by(Enrollment.class_id)):
        if class_id in open_area:
            at_area[open_area[class_id]].update(enrolments=n, completions=done)
    leaf_persons: dict[int, set[int]] = defaultdict(set)
    e = Enrollment.__table__  # Core rows: the ORM's row processing was most of the time (26k rows on the demo)
    for class_id, person_id in db.session.connection().execute(select(e.c.class_id, e.c.person_id)).fetchall():
        area_id = open_area.get(class_id)
        if area_id is not None:
            leaf_persons[area_id].add(person_id)
    revoked = and_(Certificate.revoked_on.is_not(None), Certificate.revoked_on <= day)
    for class_id, n in db.session.execute(
            select(Certificate.class_id, func.count()).where(Certificate.issued_on <= day, ~revoked)
            .group_by(Certificate.class_id)):
        area_id = where_class.get(class_id)
        if area_id is not None:
            at_area[area_id]["certificates"] += n
    numbers: dict[int, Counter] = defaultdict(Counter)
    persons: dict[int, set[int]] = defaultdict(set)
    for area_id in set(at_area) | set(leaf_persons):
        node = graph.nodes.get(area_id)
        for ancestor in node.ids if node else ():
            numbers[ancestor].update(at_area.get(area_id, {}))
            if area_id in leaf_persons:
                persons[ancestor].update(leaf_persons[area_id])
    for area_id, people in persons.items():
        numbers[area_id]["learners"] = len(people)
    return _Tally(numbers, persons)


def _cached(map_day: date, day: date, graph: AreaGraph | None) -> _Tally:
    """One tally per (map, day) per request: a page showing several areas reads once (not kept between
    requests, nor outside one: the workbook's builder reads it once per sheet context)."""
    from flask import has_request_context, request

    store = request.environ.setdefault("lantoa.counts", {}) if has_request_context() else {}
    key = (map_day, day)
    if key not in store:
        store[key] = _tally(map_day, day, graph or AreaGraph.load())
    return store[key]


def _row(numbers: Counter | None) -> dict[str, int]:
    return {c.key: int((numbers or {}).get(c.key, 0)) for c in COUNTS}


def figures(area: Area, day: date, graph: AreaGraph | None = None) -> dict[str, int]:
    """Every count of the area's subtree as of `day`, on the area's map: key → number."""
    return _row(_cached(area.valid_from, day, graph).numbers.get(area.id))


def all_figures(map_day: date, day: date, graph: AreaGraph | None = None) -> dict[int, dict[str, int]]:
    """Every count of every area's subtree on the map valid from `map_day`, as of `day`: area id → key → number."""
    return {area_id: _row(numbers) for area_id, numbers in _cached(map_day, day, graph).numbers.items()}


def child_figures(area: Area, day: date, graph: AreaGraph | None = None) -> dict[int, dict[str, int]]:
    """Every count of each child area's subtree as of `day`: child id → key → number."""
    tally = _cached(area.valid_from, day, graph)
    children = db.session.scalars(select(Area.id).where(Area.parent_id == area.id))
    return {child: _row(tally.numbers.get(child)) for child in children}


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
