"""Leaderboards read summed totals; the totals always equal the ledger's sums."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import PointEntry, PointTotal
from app.rankings import totals
from app.rankings.ledger import award
from app.rankings.queries import trainer_board, trainer_points


def _ledger_sums() -> dict:
    sums: dict = defaultdict(int)
    for trainer_id, area_id, earned_on, points in db.session.execute(
        select(PointEntry.trainer_id, PointEntry.area_id, PointEntry.earned_on, PointEntry.points)
    ):
        for kind, key in (("trainer", trainer_id), ("area", area_id)):
            if key is not None:
                sums[(kind, key, totals.quarter_key(earned_on))] += points
                sums[(kind, key, totals.ALL)] += points
    return dict(sums)


def _stored() -> dict:
    return {(t.kind, t.key_id, t.period): t.points for t in db.session.scalars(select(PointTotal))}


def test_awards_keep_totals_equal_to_the_ledger(world):
    daitu = world.trainers["Nguyễn Văn Đại"]
    area_id = daitu.area_id
    award("class_opened", 9001, daitu.person_id, date(2025, 3, 2), trainer_id=daitu.id, area_id=area_id)
    award("class_opened", 9002, daitu.person_id, date(2025, 8, 2), trainer_id=daitu.id, area_id=area_id)
    award("class_opened", 9002, daitu.person_id, date(2025, 8, 2), trainer_id=daitu.id, area_id=area_id)
    db.session.flush()
    assert _stored() == _ledger_sums()
    quarters = {p for (k, key, p) in _stored() if k == "trainer" and key == daitu.id}
    assert {"2025-Q1", "2025-Q3", "all"} <= quarters
    assert trainer_points(daitu.id) == _ledger_sums()[("trainer", daitu.id, "all")]


def test_boards_by_quarter_read_the_totals(world):
    daitu = world.trainers["Nguyễn Văn Đại"]
    award("class_opened", 9101, daitu.person_id, date(2025, 5, 2), trainer_id=daitu.id, area_id=daitu.area_id)
    board = trainer_board(world.dai_tu, (date(2025, 4, 1), date(2025, 6, 30)))
    assert [row[0] for row in board] == [daitu.id]
    assert trainer_board(world.dai_tu, (date(2024, 1, 1), date(2024, 3, 31))) == []


def test_a_full_refresh_rebuilds_the_same_rows(world):
    daitu = world.trainers["Nguyễn Văn Đại"]
    award("class_opened", 9201, daitu.person_id, date(2025, 3, 2), trainer_id=daitu.id, area_id=daitu.area_id)
    db.session.execute(PointTotal.__table__.update().values(points=0))
    totals.refresh(everything=True)
    assert _stored() == _ledger_sums()
