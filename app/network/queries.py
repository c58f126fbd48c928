"""Scoped reads of the network: mentor search, area choices, overview figures, top and dormant trainers.

Rules: every read is limited by `visible(Trainer, user)` (or Area/Unit); a mentor named in a form is
"#id" (what the search offers), a phone number, or empty (no mentor).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.areas.maps import Region, programme_region, programme_root, working_map
from app.errors import OperationError
from app.extensions import db
from app.models import Area, NetworkRollup, NetworkSnapshot, Person, Trainer, TrainerStats, Unit
from app.scope import area_subtree_ids, scope_of, visible
from app.text import PhoneError, fold, normalize_phone
from app.timeutil import local_today
from app.web.choices import SelectChoice, choices
from app.web.lists import apply_search

_ID = re.compile(r"#(\d+)\)?\s*$")


def resolve_mentor(text: str | None) -> int | None:
    """The trainer id a mentor field names; raises OperationError when it names nobody."""
    return resolve_trainer(text, "mentor_id",
                           "Không tìm thấy người hướng dẫn: chọn trong danh sách gợi ý hoặc nhập số điện thoại.")


def resolve_trainer(text: str | None, field: str, message: str) -> int | None:
    """The trainer id a search field names ("Tên — Địa bàn (#id)", "#id", an id or a phone); None when empty;
    OperationError(`message`, `field`) when it names nobody. Whether the user may choose it is the caller's
    check (`scope.check_choice`)."""
    text = (text or "").strip()
    if not text:
        return None
    match = _ID.search(text)
    if match:
        return int(match.group(1))
    if text.isdigit() and len(text) < 9:
        return int(text)
    try:
        phone = normalize_phone(text)
    except PhoneError:
        phone = None
    found = db.session.scalar(
        select(Trainer.id).join(Person, Person.id == Trainer.person_id).where(Person.phone == phone)
    ) if phone else None
    if found is None:
        raise OperationError(message, field=field, code="unknown_mentor" if field == "mentor_id" else None)
    return found


def mentor_label(name: str, area: str | None, trainer_id: int) -> str:
    return f"{name} — {area or 'chưa rõ địa bàn'} (#{trainer_id})"


def mentor_search(user, q: str, limit: int = 20) -> list[dict]:
    """Active trainers the user may see whose name (no diacritics needed) or phone matches `q`."""
    words = fold(q).split()
    if not words:
        return []
    stmt = (
        select(Trainer.id, Person.full_name, Area.name, Trainer.max_level)
        .join(Person, Person.id == Trainer.person_id).outerjoin(Area, Area.id == Trainer.area_id)
        .where(visible(Trainer, user), Trainer.status == "active")
    )
    digits = re.sub(r"\D", "", q)
    if len(digits) >= 4 and len(digits) == len(q.strip().replace(" ", "")):
        stmt = stmt.where(Person.phone.like(f"%{digits[-9:]}%"))
    else:  # the trainers' copy of the person's name key (`app.trainers.keys`); % and _ are literal
        stmt = apply_search(stmt, Trainer.search_key, q)
    rows = db.session.execute(stmt.order_by(Trainer.search_key, Trainer.id).limit(limit)).all()
    return [{"id": r[0], "label": mentor_label(r[1], r[2], r[0]), "max_level": r[3]} for r in rows]


def area_ids(user):
    """The areas a trainer of `user` may work in: the working map's (`working_map`) areas in the user's scope."""
    return select(Area.id).where(Area.valid_from == working_map(user), visible(Area, user))


def unit_ids(user):
    """The units a trainer of `user` may belong to: the units in the user's scope."""
    return select(Unit.id).where(visible(Unit, user))


def mentor_ids(user):
    """The trainers `user` may name as a mentor: those in their scope (activity and level are link rules)."""
    return select(Trainer.id).where(visible(Trainer, user))


def area_choices(user, empty: str | None = None) -> list[SelectChoice]:
    """Areas of the working map (`working_map`) the user may see, in tree order, indented."""
    rows = db.session.execute(
        select(Area.id, Area.name, Area.path).where(Area.id.in_(area_ids(user))).order_by(Area.path)
    ).all()
    pairs = [(0, empty)] if empty else []
    base = min((p.count("/") for _, _, p in rows), default=0)
    pairs += [(i, "\u00a0\u00a0" * (p.count("/") - base) + name) for i, name, p in rows]
    return choices(pairs)


def unit_choices(user, empty: str = "— Không thuộc đơn vị —") -> list[SelectChoice]:
    rows = db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids(user)))
                              .order_by(Unit.search_key)).all()
    return choices([(0, empty), *rows])


def home_area(user) -> Area | None:
    """The area an overview starts from: the user's scope area, else the province on the working map."""
    s = scope_of(user)
    if s.area_path:
        return db.session.scalar(select(Area).where(Area.path == s.area_path))
    if s.everything:
        return programme_root()
    return None


def home_region(user) -> Region | None:
    """What `/network/` shows: the user's scope area, else for those who see everything the programme's area
    today (`programme_region`: after 1/7/2025 on the un-migrated 2024 map, old Thái Nguyên and old Bắc Kạn)."""
    s = scope_of(user)
    if s.everything:
        return programme_region(local_today())
    area = home_area(user)
    return Region.of(area) if area is not None else None


@dataclass
class CombinedRollup:
    """The roll-ups of several areas taken together (a region's parts): the figures the overview shows, summed;
    R from the summed eligible trainers and trainees grown; the older of their times."""

    trainers: int = 0
    active: int = 0
    dormant: int = 0
    dormant_branches: int = 0
    r_eligible: int = 0
    r_grown: int = 0
    by_generation: dict[str, int] = field(default_factory=dict)
    computed_at: datetime | None = None

    @classmethod
    def of(cls, rows: list[NetworkRollup]) -> CombinedRollup | None:
        if not rows:
            return None
        total = cls(computed_at=min(r.computed_at for r in rows))
        generations: dict[str, int] = {}
        for r in rows:
            for name in ("trainers", "active", "dormant", "dormant_branches", "r_eligible", "r_grown"):
                setattr(total, name, getattr(total, name) + getattr(r, name))
            for g, n in (r.by_generation or {}).items():
                generations[g] = generations.get(g, 0) + n
        total.by_generation = dict(sorted(generations.items(), key=lambda item: int(item[0])))
        return total

    @property
    def reproduction(self) -> float | None:
        return self.r_grown / self.r_eligible if self.r_eligible else None


# how each of the overview's lists is ordered, to merge the lists of a region's parts
_LIST_ORDER = {
    "top": lambda pair: (-pair[1].subtree_learners, pair[0].id),
    "dormant": lambda pair: (pair[0].certified_on, pair[0].id),
    "branches": lambda pair: (-pair[1].dormant_branch, pair[0].id),
}


def region_overview(region: Region, user) -> tuple[CombinedRollup | None, dict[str, list]]:
    """(the parts' roll-ups taken together, the overview's lists merged across the parts in their own order and
    cut to their lengths)."""
    found = {r.key_id: r for r in db.session.scalars(select(NetworkRollup).where(
        NetworkRollup.kind == "area", NetworkRollup.key_id.in_(region.ids)))}
    parts = [(a, found.get(a.id)) for a in region.parts]
    merged: dict[str, list] = {name: [] for name in LEADER_LISTS}
    for area, row in parts:
        for name, pairs in overview_lists(area, user, row).items():
            merged[name] += pairs
    lists = {name: sorted(pairs, key=_LIST_ORDER[name])[:LEADER_LISTS[name]] for name, pairs in merged.items()}
    return CombinedRollup.of([r for _a, r in parts if r is not None]), lists


def rollup(kind: str, key_id: int) -> NetworkRollup | None:
    return db.session.scalar(select(NetworkRollup).where(NetworkRollup.kind == kind, NetworkRollup.key_id == key_id))


def child_rollups(area: Area | Region) -> list[tuple[Area, NetworkRollup | None]]:
    """(child, its roll-up) for the children of the area (of a region's parts), most trainers first."""
    children = list(db.session.scalars(select(Area).where(Area.parent_id.in_(Region.of(area).ids))
                                       .order_by(Area.name)))
    found = {r.key_id: r for r in db.session.scalars(select(NetworkRollup).where(
        NetworkRollup.kind == "area", NetworkRollup.key_id.in_([c.id for c in children])))}
    pairs = [(c, found.get(c.id)) for c in children]
    return sorted(pairs, key=lambda p: -(p[1].trainers if p[1] else 0))


def _in_area(area: Area, user):
    """Trainers of the area's subtree with their stats; person and area loaded for the rows kept only (joined,
    they were read for all 30k trainers of the province before the ORDER BY … LIMIT: 70 ms on SQLite)."""
    return select(Trainer, TrainerStats).join(TrainerStats, TrainerStats.trainer_id == Trainer.id).where(
        Trainer.area_id.in_(area_subtree_ids(area.path)), visible(Trainer, user)
    ).options(selectinload(Trainer.person), selectinload(Trainer.area))


LEADER_LISTS = {"top": 10, "dormant": 15, "branches": 10}  # the overview's lists and their lengths


def _live(area: Area, user, name: str) -> list:
    """A list of the overview read from the trainers themselves (no roll-up lists yet)."""
    query = _in_area(area, user)
    if name == "top":
        query = query.order_by(TrainerStats.subtree_learners.desc(), Trainer.id)
    elif name == "dormant":
        query = query.where(TrainerStats.dormant.is_(True)).order_by(Trainer.certified_on, Trainer.id)
    else:
        query = query.where(TrainerStats.dormant_branch > 0).order_by(TrainerStats.dormant_branch.desc(), Trainer.id)
    return db.session.execute(query.limit(LEADER_LISTS[name])).all()


def overview_lists(area: Area, user, row: NetworkRollup | None) -> dict[str, list]:
    """The overview's lists (`LEADER_LISTS`: the trainers of widest reach, those who never opened a class, the
    dormant branches) as (trainer, stats) pairs, as the last network pass stored them on the area's roll-up `row`
    (`rollups.leaders`): those trainers still in the user's scope and the area's subtree, in the stored order,
    the three lists' trainers read in one statement; a list the roll-up lacks (written before they were kept, or
    no pass yet) is read live."""
    if (row.trainers == 0 if row is not None else not db.session.scalar(select(
            select(Trainer.id).where(Trainer.area_id.in_(area_subtree_ids(area.path))).exists()))):
        return {name: [] for name in LEADER_LISTS}  # no trainer there: a live list would walk every trainer's row
    stored = row.leaders if row is not None and row.leaders is not None else {}
    ids = {i for name in LEADER_LISTS for i in stored.get(name) or ()}
    found = {}
    if ids:
        rows = db.session.execute(
            select(Trainer, TrainerStats).join(TrainerStats, TrainerStats.trainer_id == Trainer.id)
            .where(Trainer.id.in_(ids), visible(Trainer, user))
            .options(selectinload(Trainer.person), selectinload(Trainer.area))
            .execution_options(populate_existing=True)).all()
        found = {t.id: (t, s) for t, s in rows if t.area is not None and t.area.path.startswith(area.path)}
    lists = {}
    for name, limit in LEADER_LISTS.items():
        if stored.get(name) is None:
            lists[name] = _live(area, user, name)
        else:
            lists[name] = [found[i] for i in stored[name] if i in found][:limit]
    return lists


def snapshots(limit: int = 12) -> list[NetworkSnapshot]:
    rows = db.session.scalars(select(NetworkSnapshot).order_by(NetworkSnapshot.taken_on.desc()).limit(limit))
    return list(rows)[::-1]


