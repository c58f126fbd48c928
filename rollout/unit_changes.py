"""Merges and splits of units, as a crosswalk (the same idea as the area crosswalk).

Rules (plain data in, plain data out; the change date is a parameter, the clock is never read):

- a **merge** makes several units one successor (an existing unit or a new one): each source gets one
  crosswalk row ``source → successor`` of kind ``merge``; the successor itself may be among the units but
  not among the sources; a source closes the day before the change (``valid_to = date - 1 day``);
- a **split** makes one unit several successors: the source gets one row per successor, kind ``split``;
  its records are not guessed (``follows`` is False for split rows: a person places each record);
- a unit must be open on the change date (``valid_from <= date`` and no ``valid_to`` before it), have no
  other change recorded from that date, and be named once; otherwise a ``UnitChangeError`` in Vietnamese
  names the unit;
- ``follow(unit_id, links)`` gives the unit a merged unit's records move to (through chained merges),
  and ``roll_up(counts, links)`` moves counts along merge rows only, so totals are equal before and after.

>>> u = {1: Unit(1, "Sở TT&TT", dt.date(2024, 1, 1)), 2: Unit(2, "Sở KH&CN", dt.date(2024, 1, 1))}
>>> links = plan_merge(u, [1], 2, dt.date(2025, 3, 1), "QĐ 1")
>>> [(l.from_unit_id, l.to_unit_id, l.kind) for l in links]
[(1, 2, 'merge')]
>>> closing_date(dt.date(2025, 3, 1))
datetime.date(2025, 2, 28)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "MERGE", "SPLIT", "Unit", "Link", "UnitChangeError", "closing_date", "plan_merge", "plan_split",
    "follow", "roll_up",
]

MERGE, SPLIT = "merge", "split"


class UnitChangeError(ValueError):
    """A merge or split that cannot be made; the message is for the user."""


@dataclass(frozen=True)
class Unit:
    id: int | None
    name: str
    valid_from: dt.date
    valid_to: dt.date | None = None


@dataclass(frozen=True)
class Link:
    """One crosswalk row: ``to_unit_id`` None means the new successor (not stored yet)."""
    from_unit_id: int
    to_unit_id: int | None
    kind: str
    effective: dt.date
    decision: str

    @property
    def follows(self) -> bool:
        """Records follow a merge; a split's records are placed by a person."""
        return self.kind == MERGE


def closing_date(change: dt.date) -> dt.date:
    return change - dt.timedelta(days=1)


def _open_on(unit: Unit, day: dt.date) -> bool:
    return unit.valid_from <= day and (unit.valid_to is None or unit.valid_to >= day)


def _check_open(units: Mapping[int, Unit], ids: Iterable[int], day: dt.date, role: str) -> None:
    for unit_id in ids:
        unit = units.get(unit_id)
        if unit is None:
            raise UnitChangeError(f"{role}: không có đơn vị mã số {unit_id}.")
        if not _open_on(unit, day):
            raise UnitChangeError(f"{role}: đơn vị {unit.name} không còn hiệu lực ngày {day:%d/%m/%Y}.")


def _check_decision(decision: str) -> str:
    decision = (decision or "").strip()
    if not decision:
        raise UnitChangeError("Căn cứ (số quyết định): bắt buộc.")
    return decision


def plan_merge(units: Mapping[int, Unit], sources: list[int], successor: int | None, change: dt.date,
               decision: str) -> list[Link]:
    """The crosswalk rows of a merge of ``sources`` into ``successor`` (None: a new unit)."""
    decision = _check_decision(decision)
    if len(set(sources)) != len(sources):
        raise UnitChangeError("Đơn vị được gộp: một đơn vị được chọn hai lần.")
    if successor is None and len(sources) < 2 or successor is not None and not sources:
        raise UnitChangeError("Đơn vị được gộp: chọn ít nhất hai đơn vị, hoặc một đơn vị và một đơn vị tiếp nhận.")
    if successor is not None and successor in sources:
        raise UnitChangeError("Đơn vị tiếp nhận không thể đồng thời là đơn vị được gộp.")
    _check_open(units, sources, change, "Đơn vị được gộp")
    if successor is not None:
        _check_open(units, [successor], change, "Đơn vị tiếp nhận")
    for unit_id in sources:
        if units[unit_id].valid_from == change:
            raise UnitChangeError(
                f"Đơn vị được gộp: {units[unit_id].name} mới có hiệu lực từ ngày {change:%d/%m/%Y}, không thể đóng trước đó."
            )
    return [Link(unit_id, successor, MERGE, change, decision) for unit_id in sources]


def plan_split(units: Mapping[int, Unit], source: int, successors: list[int | None], change: dt.date,
               decision: str) -> list[Link]:
    """The crosswalk rows of a split of ``source`` into ``successors`` (None entries: new units, in order)."""
    decision = _check_decision(decision)
    if len(successors) < 2:
        raise UnitChangeError("Đơn vị sau khi tách: cần ít nhất hai đơn vị.")
    existing = [s for s in successors if s is not None]
    if len(set(existing)) != len(existing):
        raise UnitChangeError("Đơn vị sau khi tách: một đơn vị được chọn hai lần.")
    if source in existing:
        raise UnitChangeError("Đơn vị bị tách không thể là một đơn vị sau khi tách.")
    _check_open(units, [source], change, "Đơn vị bị tách")
    _check_open(units, existing, change, "Đơn vị sau khi tách")
    if units[source].valid_from == change:
        raise UnitChangeError(
            f"Đơn vị bị tách: {units[source].name} mới có hiệu lực từ ngày {change:%d/%m/%Y}, không thể đóng trước đó."
        )
    return [Link(source, s, SPLIT, change, decision) for s in successors]


def follow(unit_id: int, links: Iterable[Link]) -> int:
    """Where a unit's records are now: along merge rows (chained), never along split rows."""
    merged = {link.from_unit_id: link.to_unit_id for link in links if link.kind == MERGE and link.to_unit_id}
    seen = {unit_id}
    while unit_id in merged:
        unit_id = merged[unit_id]
        if unit_id in seen:
            raise UnitChangeError("Bảng chuyển đổi đơn vị có vòng lặp.")
        seen.add(unit_id)
    return unit_id


def roll_up(counts: Mapping[int, int], links: Iterable[Link]) -> dict[int, int]:
    """Counts per unit after the merges: a merged unit's count moves to its successor; totals are unchanged."""
    links = list(links)
    out: dict[int, int] = {}
    for unit_id, n in counts.items():
        target = follow(unit_id, links)
        out[target] = out.get(target, 0) + n
    return out
