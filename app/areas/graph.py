"""The areas of every map as one graph, and where an area lies on another map.

Rules (`AreaGraph.image(area_id, day)`, the area that stands for `area_id` on the map valid on `day`):
- an area valid on `day` is its own image;
- an area of an earlier map goes forward through the crosswalk (old commune → new commune,
  old district → its cluster); a later-map area goes backward through the crosswalk reversed;
- an area with no crosswalk row of its own (a province, a steering-defined cluster) stands for
  what its children stand for;
- when that leads to several areas, the image is their lowest common ancestor on that map: an old
  commune split in two is counted at the area above both new communes, on its "not yet placed"
  line, until its rows are placed; a new commune made of communes of one old district is counted
  at that district on the old map. No image (several top areas): `None`, the map's own unplaced line.
The graph holds ids and paths only (a few hundred rows a map); nothing assumes a number of levels.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import Area, AreaCrosswalk

__all__ = ["AreaGraph", "Node"]


@dataclass(frozen=True)
class Node:
    id: int
    parent_id: int | None
    ids: tuple[int, ...]  # the path, top first, ending with the area itself
    valid_from: date
    valid_to: date | None
    level: str

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class AreaGraph:
    def __init__(self, nodes: list[Node], links: list[tuple[int, int]]):
        self.nodes = {n.id: n for n in nodes}
        self.children: dict[int, list[int]] = defaultdict(list)
        for n in nodes:
            if n.parent_id is not None:
                self.children[n.parent_id].append(n.id)
        self.forward: dict[int, list[int]] = defaultdict(list)
        self.backward: dict[int, list[int]] = defaultdict(list)
        for old, new in links:
            self.forward[old].append(new)
            self.backward[new].append(old)
        self._memo: dict[tuple[int, date], int | None] = {}

    @classmethod
    def load(cls) -> AreaGraph:
        rows = db.session.execute(
            select(Area.id, Area.parent_id, Area.path, Area.valid_from, Area.valid_to, Area.level)
        ).all()
        nodes = [
            Node(r.id, r.parent_id, tuple(int(p) for p in r.path.strip("/").split("/") if p),
                 r.valid_from, r.valid_to, r.level)
            for r in rows
        ]
        links = db.session.execute(select(AreaCrosswalk.old_area_id, AreaCrosswalk.new_area_id)).all()
        return cls(nodes, [(o, n) for o, n in links])

    def valid_on(self, area_id: int, day: date) -> bool:
        node = self.nodes.get(area_id)
        return node is not None and node.valid_on(day)

    def image(self, area_id: int, day: date) -> int | None:
        key = (area_id, day)
        if key not in self._memo:
            self._memo[key] = None  # guards against a crosswalk loop
            self._memo[key] = self._image(area_id, day)
        return self._memo[key]

    def _image(self, area_id: int, day: date) -> int | None:
        node = self.nodes.get(area_id)
        if node is None:
            return None
        if node.valid_on(day):
            return area_id
        later = node.valid_from > day
        links = self.backward[area_id] if later else self.forward[area_id]
        steps = links or self.children.get(area_id, [])
        images = {self.image(step, day) for step in steps}
        images.discard(None)
        return self.common_ancestor(images)

    def common_ancestor(self, area_ids) -> int | None:
        """The lowest area whose subtree holds all of `area_ids` (one map); None if none does."""
        paths = [self.nodes[a].ids for a in area_ids]
        if not paths:
            return None
        common = None
        for level_ids in zip(*paths, strict=False):
            if len(set(level_ids)) != 1:
                break
            common = level_ids[0]
        return common

    def split_targets(self, area_id: int, day: date) -> list[int]:
        """The areas on `day`'s map that an old area was split into (empty unless split)."""
        targets = {self.image(t, day) for t in self.forward.get(area_id, [])}
        targets.discard(None)
        return sorted(targets) if len(targets) > 1 else []

    def roots_on(self, day: date) -> list[int]:
        return [n.id for n in self.nodes.values() if n.parent_id is None and n.valid_on(day)]
