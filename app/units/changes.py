"""Merging and splitting units in the registry: the crosswalk rows (`rollout.unit_changes` decides them), the
records that follow, and the placement of a split unit's records. Operations flush and audit; nothing commits.

Rules:
- who: `user` must manage every unit named (`queries.managed`; None is the command line); a unit outside that
  answers the same error as one that does not exist, naming the field;
- a change is recorded once it has taken effect: the effective day is at most `today`; each source closes the
  day before it (`valid_to`), with its crosswalk row (merge or split) and the decision that made it;
- **merge** (`merge_units`): into an existing open unit, or into a new one created from `new` (in force from the
  effective day; its headcount is the sources' sum where they have one). Every record of each source follows
  the successor at once (`FOLLOWERS`: learners' and trainers' units, class host units, the scopes of accounts
  and API clients, plan activities' lead units, sub-units), each move kept in `unit_moves` and the merge
  audited once per source with the counts; an account's scope change is audited on the account too. An
  existing successor's headcount grows by each source's (kept on the crosswalk row, so the counts as of an
  earlier day subtract it back);
- **split** (`split_unit`): into existing open units and/or new ones (named, same kind, parent and area as the
  source). Nothing moves by itself: `pending` lists what is still on the split unit, and `place` moves chosen
  records to one of its successors, each placement kept in `unit_moves` and audited;
- figures as of a day read the moves back (`app.units.history`), so totals are equal before and after.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import Date, Integer, String, delete, func, insert, literal, select, update

from app.audit import record
from app.errors import OperationError
from app.extensions import db
from app.models import (
    Activity,
    ApiClient,
    Assignment,
    Person,
    Trainer,
    TrainingClass,
    Unit,
    UnitCrosswalk,
    UnitMove,
    User,
    activity_lead_units,
)
from app.models.unit import UNIT_MOVE_ENTITIES
from app.scope import check_choice
from app.timeutil import utcnow
from app.units import operations, queries
from rollout import unit_changes as rule

__all__ = ["FOLLOWERS", "merge_units", "split_unit", "pending", "place", "successors_of", "Pending", "records_on"]

# entity → (model, its unit column): the records that follow a merge and are placed after a split
FOLLOWERS = {
    "person": (Person, Person.unit_id),
    "trainer": (Trainer, Trainer.unit_id),
    "class": (TrainingClass, TrainingClass.host_unit_id),
    "user": (User, User.scope_unit_id),
    "api_client": (ApiClient, ApiClient.scope_unit_id),
    "assignment": (Assignment, Assignment.unit_id),
}
UNMANAGED = "không có hoặc nằm ngoài phạm vi quản lý của bạn"


def _managed_units(user, ids: Sequence[int], field: str, label: str) -> dict[int, Unit]:
    allowed = select(Unit.id).where(queries.managed(user))
    for unit_id in ids:
        check_choice(unit_id, allowed, field, f"{label}: đơn vị mã {unit_id} {UNMANAGED}.")
    return {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(list(ids))))}


def _rule_units(units: dict[int, Unit]) -> dict[int, rule.Unit]:
    return {u.id: rule.Unit(u.id, u.name, u.valid_from, u.valid_to) for u in units.values()}


def _check_day(effective: date | None, today: date) -> date:
    if effective is None:
        raise OperationError("Vui lòng nhập ngày có hiệu lực.", field="effective")
    if effective > today:
        raise OperationError("Ngày có hiệu lực không được sau hôm nay: ghi nhận thay đổi khi nó đã có hiệu lực.",
                             field="effective")
    return effective


def _apply(plan, field: str):
    try:
        return plan()
    except rule.UnitChangeError as error:
        raise OperationError(str(error), field=field) from None


def _link(source: Unit, to_id: int, kind: str, effective: date, decision: str, user,
          headcount: int | None = None) -> UnitCrosswalk:
    row = UnitCrosswalk(from_unit_id=source.id, to_unit_id=to_id, kind=kind, effective=effective, decision=decision,
                        headcount=headcount, created_by_id=getattr(user, "id", None))
    db.session.add(row)
    source.valid_to = rule.closing_date(effective)
    db.session.flush()
    return row


def _move(link: UnitCrosswalk, entity: str, ids_where, user) -> int:
    """Re-point the `entity` records matching `ids_where` from the link's source to its successor."""
    by, now = getattr(user, "id", None), utcnow()
    if entity == "activity":
        table = activity_lead_units
        chosen = select(table.c.activity_id).where(table.c.unit_id == link.from_unit_id, ids_where(table.c.activity_id))
        activity_ids = list(db.session.scalars(chosen))
        if not activity_ids:
            return 0
        _log(link, entity, activity_ids, by, now)
        already = set(db.session.scalars(select(table.c.activity_id).where(
            table.c.unit_id == link.to_unit_id, table.c.activity_id.in_(activity_ids))))
        db.session.execute(delete(table).where(table.c.unit_id == link.from_unit_id, table.c.activity_id.in_(already)))
        db.session.execute(update(table).where(table.c.unit_id == link.from_unit_id,
                                               table.c.activity_id.in_(set(activity_ids) - already))
                           .values(unit_id=link.to_unit_id))
        return len(activity_ids)
    if entity == "unit":
        children = list(db.session.scalars(select(Unit).where(Unit.parent_id == link.from_unit_id, ids_where(Unit.id))))
        if not children:
            return 0
        _log(link, entity, [c.id for c in children], by, now)
        for child in children:
            operations._reparent(child, link.to_unit_id)
        return len(children)
    model, column = FOLLOWERS[entity]
    where = [column == link.from_unit_id, ids_where(model.id)]
    if entity == "user":
        for account in db.session.scalars(select(User).where(*where)):
            record("user.scope", account, before={"scope_unit_id": link.from_unit_id},
                   after={"scope_unit_id": link.to_unit_id, "decision": link.decision}, actor=user)
    db.session.execute(insert(UnitMove).from_select(
        ["crosswalk_id", "entity", "entity_id", "from_unit_id", "to_unit_id", "effective", "moved_by_id", "moved_at"],
        select(literal(link.id, Integer), literal(entity, String), model.id, literal(link.from_unit_id, Integer),
               literal(link.to_unit_id, Integer), literal(link.effective, Date), literal(by, Integer),
               literal(now, UnitMove.moved_at.type)).where(*where)))
    # the UPDATE's count (an INSERT … SELECT reports none on PostgreSQL's driver)
    return db.session.execute(update(model).where(*where).values({column.key: link.to_unit_id})
                              .execution_options(synchronize_session=False)).rowcount


def _log(link: UnitCrosswalk, entity: str, ids: list[int], by, now) -> None:
    db.session.execute(insert(UnitMove), [
        {"crosswalk_id": link.id, "entity": entity, "entity_id": i, "from_unit_id": link.from_unit_id,
         "to_unit_id": link.to_unit_id, "effective": link.effective, "moved_by_id": by, "moved_at": now}
        for i in ids])


def _everything(_column):
    return literal(True)


def merge_units(user, source_ids: Sequence[int], successor_id: int | None, new_name: str | None,
                effective: date | None, decision: str, today: date) -> tuple[Unit, dict[str, int]]:
    """Merge `source_ids` into `successor_id`, or into a new unit named `new_name` (the first source's kind, parent
    and area); returns the successor and how many records of each kind followed it."""
    effective = _check_day(effective, today)
    source_ids = list(source_ids)
    units = _managed_units(user, source_ids, "source_ids", "Đơn vị được gộp")
    if successor_id:
        units.update(_managed_units(user, [successor_id], "successor_id", "Đơn vị tiếp nhận"))
    elif not (new_name or "").strip():
        raise OperationError("Chọn đơn vị tiếp nhận, hoặc nhập tên đơn vị mới.", field="new_name")
    _apply(lambda: rule.plan_merge(_rule_units(units), source_ids, successor_id or None, effective, decision),
           "source_ids")
    decision = decision.strip()
    sources = [units[i] for i in source_ids]
    if successor_id:
        successor = units[successor_id]
        inside = next((s for s in sources if successor.path.startswith(s.path)), None)
        if inside is not None:
            raise OperationError(f"Đơn vị tiếp nhận {successor.name} trực thuộc {inside.name}, đơn vị được gộp: "
                                 "hãy chuyển nó ra ngoài trước, hoặc gộp vào một đơn vị mới.", field="successor_id")
    else:
        counted = [s for s in sources if s.headcount is not None]
        first = sources[0]
        fields = operations.UnitFields(name=new_name.strip(), kind=first.kind, area_id=first.area_id,
                                       parent_id=first.parent_id, valid_from=effective)
        if counted and fields.headcount is None:
            fields = replace(fields, headcount=sum(s.headcount for s in counted),
                             headcount_year=max(s.headcount_year or effective.year for s in counted),
                             headcount_source=f"Cộng số của các đơn vị được gộp ({decision})"[:200])
        successor = operations.create_unit(user, fields, today)
    moved = dict.fromkeys([*FOLLOWERS, "activity", "unit"], 0)
    for source in sources:
        grows = source.headcount if successor_id and source.headcount is not None else None
        link = _link(source, successor.id, rule.MERGE, effective, decision, user, headcount=grows)
        counts = {entity: _move(link, entity, _everything, user) for entity in moved}
        for entity, n in counts.items():
            moved[entity] += n
        if grows:
            successor.headcount = (successor.headcount or 0) + grows
        record("unit.merge", source, after={"to_unit_id": successor.id, "effective": effective.isoformat(),
                                            "decision": decision, "valid_to": source.valid_to.isoformat(),
                                            "moved": {k: v for k, v in counts.items() if v}}, actor=user)
    db.session.flush()
    return successor, moved


def split_unit(user, source_id: int, successor_ids: Sequence[int], new_names: Sequence[str], effective: date | None,
               decision: str, today: date) -> list[Unit]:
    """Split `source_id` into the existing `successor_ids` and new units named `new_names`; returns the
    successors. The source's records stay on it until placed (`place`)."""
    effective = _check_day(effective, today)
    units = _managed_units(user, [source_id], "source_id", "Đơn vị bị tách")
    successor_ids = [i for i in successor_ids if i]
    if successor_ids:
        units.update(_managed_units(user, successor_ids, "successor_ids", "Đơn vị sau khi tách"))
    names = [n.strip() for n in new_names if n and n.strip()]
    _apply(lambda: rule.plan_split(_rule_units(units), source_id, [*successor_ids, *[None] * len(names)], effective,
                                   decision), "successor_ids")
    source = units[source_id]
    made = [operations.create_unit(user, operations.UnitFields(
        name=name, kind=source.kind, area_id=source.area_id, parent_id=source.parent_id, valid_from=effective), today)
        for name in names]
    successors = [units[i] for i in successor_ids] + made
    for successor in successors:
        _link(source, successor.id, rule.SPLIT, effective, decision.strip(), user)
    record("unit.split", source, after={"to_unit_ids": [s.id for s in successors], "effective": effective.isoformat(),
                                        "decision": decision.strip(), "valid_to": source.valid_to.isoformat()},
           actor=user)
    return successors


def successors_of(source_id: int) -> list[UnitCrosswalk]:
    """The split rows of a unit (where its records may be placed)."""
    return list(db.session.scalars(select(UnitCrosswalk).where(
        UnitCrosswalk.from_unit_id == source_id, UnitCrosswalk.kind == rule.SPLIT).order_by(UnitCrosswalk.id)))


@dataclass(frozen=True)
class Pending:
    entity: str
    label: str
    count: int


def pending(source_id: int) -> list[Pending]:
    """How many records of each kind are still on a split unit (to be placed)."""
    out = []
    for entity, (model, column) in FOLLOWERS.items():
        out.append(Pending(entity, UNIT_MOVE_ENTITIES[entity],
                           db.session.scalar(select(func.count(model.id)).where(column == source_id)) or 0))
    out.append(Pending("activity", UNIT_MOVE_ENTITIES["activity"], db.session.scalar(
        select(func.count()).select_from(activity_lead_units).where(activity_lead_units.c.unit_id == source_id)) or 0))
    out.append(Pending("unit", UNIT_MOVE_ENTITIES["unit"], db.session.scalar(
        select(func.count(Unit.id)).where(Unit.parent_id == source_id)) or 0))
    return out


def _on_unit(entity: str, unit_id: int, ids: list[int]) -> int:
    """How many of `ids` are `entity` records still on the unit."""
    if entity == "activity":
        t = activity_lead_units.c
        return db.session.scalar(select(func.count()).where(t.unit_id == unit_id, t.activity_id.in_(ids))) or 0
    if entity == "unit":
        return db.session.scalar(select(func.count(Unit.id)).where(Unit.parent_id == unit_id, Unit.id.in_(ids))) or 0
    model, column = FOLLOWERS[entity]
    return db.session.scalar(select(func.count(model.id)).where(column == unit_id, model.id.in_(ids))) or 0


def records_on(entity: str, unit_id: int, limit: int = 200) -> list[tuple[int, str]]:
    """Up to `limit` (id, label) of the `entity` records still on a unit, for the placement page."""
    if entity == "activity":
        t = activity_lead_units.c
        stmt = (select(Activity.id, Activity.title).join(t, t.activity_id == Activity.id)
                .where(t.unit_id == unit_id).order_by(Activity.id))
    elif entity == "unit":
        stmt = select(Unit.id, Unit.name).where(Unit.parent_id == unit_id).order_by(Unit.search_key, Unit.id)
    elif entity == "person":
        stmt = select(Person.id, Person.full_name).where(Person.unit_id == unit_id).order_by(Person.id)
    elif entity == "trainer":
        stmt = (select(Trainer.id, Person.full_name).join(Person, Person.id == Trainer.person_id)
                .where(Trainer.unit_id == unit_id).order_by(Trainer.id))
    elif entity == "class":
        stmt = (select(TrainingClass.id, TrainingClass.topic).where(TrainingClass.host_unit_id == unit_id)
                .order_by(TrainingClass.id))
    elif entity == "user":
        stmt = select(User.id, User.full_name).where(User.scope_unit_id == unit_id).order_by(User.id)
    elif entity == "assignment":
        stmt = (select(Assignment.id, Person.full_name).join(Trainer, Trainer.id == Assignment.trainer_id)
                .join(Person, Person.id == Trainer.person_id).where(Assignment.unit_id == unit_id)
                .order_by(Assignment.id))
    else:
        stmt = select(ApiClient.id, ApiClient.name).where(ApiClient.scope_unit_id == unit_id).order_by(ApiClient.id)
    return [(i, label or f"#{i}") for i, label in db.session.execute(stmt.limit(limit))]


def place(user, source: Unit, entity: str, ids: Sequence[int], to_unit_id: int | None) -> int:
    """Move the chosen `entity` records of a split unit to one of its successors; returns how many moved."""
    if entity not in UNIT_MOVE_ENTITIES:
        raise OperationError("Loại hồ sơ không hợp lệ.", field="entity")
    links = {link.to_unit_id: link for link in successors_of(source.id)}
    if not links:
        raise OperationError(f"Đơn vị {source.name} chưa được tách: không có hồ sơ nào cần xếp.", field="to_unit_id")
    if to_unit_id not in links:
        raise OperationError("Chọn một đơn vị sau khi tách của đơn vị này.", field="to_unit_id")
    ids = sorted({int(i) for i in ids})
    if not ids:
        raise OperationError("Chọn ít nhất một hồ sơ để xếp.", field="record_ids")
    if _on_unit(entity, source.id, ids) != len(ids):  # an id that is not a record of this unit: nothing moves
        raise OperationError("Có hồ sơ không thuộc đơn vị này (hoặc đã được xếp): tải lại trang và chọn lại.",
                             field="record_ids")
    moved = _move(links[to_unit_id], entity, lambda column: column.in_(ids), user)
    record("unit.place", source, after={"entity": entity, "ids": ids[:200], "count": moved, "to_unit_id": to_unit_id},
           actor=user)
    return moved
