"""Clusters (cụm xã): groups of communes that steering defines on a map without districts.

Rules:
- A cluster is an Area (level 'cluster', division 'cum') on the map of its communes; it sits
  between the top area and its member communes: members are re-parented under it and their paths
  (and their descendants') rewritten, so scope, breadcrumbs and roll-ups need nothing new.
- A commune belongs to at most one cluster (it is a tree); adding it to a cluster takes it out of
  its previous one. A commune taken out of a cluster goes back under the cluster's parent.
- Members must be areas of the cluster's map without children of their own, under the same top area: the ids
  submitted are checked against `member_choices(top)` (the form's options) with `app.scope.check_choice`.
- Every change is audited (`areas.cluster`).
"""

from __future__ import annotations

from sqlalchemy import String, func, literal, select, update

from app.audit import record
from app.errors import OperationError
from app.extensions import db
from app.models import Area
from app.scope import check_choice
from app.text import fold

__all__ = ["save_cluster", "reparent", "clusters_on", "next_cluster_code", "member_choices"]


def member_choices(top: Area):
    """The ids a cluster under `top` may take as members: areas of its map below it that are not clusters."""
    return select(Area.id).where(Area.path.startswith(top.path), Area.level != "cluster", Area.id != top.id)


def reparent(area: Area, parent: Area) -> None:
    """Move `area` (and its subtree) under `parent`, rewriting every path below it."""
    old_path = area.path
    new_path = f"{parent.path}{area.id}/"
    if old_path == new_path:
        return
    area.parent_id = parent.id
    table = Area.__table__
    db.session.flush()
    db.session.execute(
        update(table)
        .where(table.c.path.startswith(old_path))
        .values(path=literal(new_path, String) + func.substr(table.c.path, len(old_path) + 1))
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()


def clusters_on(top: Area) -> list[Area]:
    return list(db.session.scalars(
        select(Area).where(Area.parent_id == top.id, Area.level == "cluster").order_by(Area.search_key)
    ))


def next_cluster_code(valid_from) -> str:
    taken = set(db.session.scalars(select(Area.code).where(Area.valid_from == valid_from, Area.level == "cluster")))
    number = 1
    while f"CUM{number:03d}" in taken:
        number += 1
    return f"CUM{number:03d}"


def _members(member_ids: list[int], top: Area) -> list[Area]:
    check_choice(member_ids, member_choices(top), "member_ids", "Có xã, phường không thuộc bản đồ của cụm.")
    members = list(db.session.scalars(select(Area).where(Area.id.in_(member_ids))))
    if not members:
        raise OperationError("Hãy chọn ít nhất một xã, phường cho cụm.", field="member_ids")
    with_children = set(db.session.scalars(select(Area.parent_id).where(Area.parent_id.in_(member_ids))))
    for member in members:
        if member.valid_from != top.valid_from or not member.path.startswith(top.path):
            raise OperationError(f"{member.name} không thuộc bản đồ của cụm.", field="member_ids")
        if member.id in with_children or member.level == "cluster":
            raise OperationError(f"{member.name} không phải là xã, phường.", field="member_ids")
    return members


def save_cluster(cluster: Area | None, top: Area, name: str, member_ids: list[int], code: str | None = None) -> Area:
    """Create or change a cluster under `top` with exactly these member communes. Flushes."""
    name = (name or "").strip()
    if not name:
        raise OperationError("Hãy nhập tên cụm.", field="name")
    members = _members(member_ids, top)
    before = None
    if cluster is None:
        cluster = Area(code=code or next_cluster_code(top.valid_from), division_type="cum", level="cluster",
                       valid_from=top.valid_from, valid_to=top.valid_to, parent_id=top.id, path="")
        cluster.set_name(name)
        db.session.add(cluster)
        db.session.flush()
        cluster.path = f"{top.path}{cluster.id}/"
        current: set[int] = set()
    else:
        current = set(db.session.scalars(select(Area.id).where(Area.parent_id == cluster.id)))
        before = {"name": cluster.name, "members": sorted(current)}
        cluster.set_name(name)
    wanted = {m.id for m in members}
    for member in members:
        if member.id not in current:
            reparent(member, db.session.get(Area, cluster.id))
    for area in db.session.scalars(select(Area).where(Area.id.in_(current - wanted))):
        reparent(area, db.session.get(Area, top.id))
    cluster = db.session.get(Area, cluster.id)
    record("areas.cluster", cluster, before=before, after={"name": cluster.name, "members": sorted(wanted)})
    db.session.flush()
    return cluster


def cluster_name(district_name: str) -> str:
    """'Huyện Đại Từ' → 'Cụm Đại Từ': the district's name without its kind."""
    for prefix in ("thành phố ", "thị xã ", "huyện ", "quận "):
        if fold(district_name).startswith(fold(prefix)):
            return "Cụm " + district_name[len(prefix):]
    return "Cụm " + district_name
