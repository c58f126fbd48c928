"""The plan across the 2025 map change: `lantoa areas migrate` moves the plan, its activities and evidence
onto the new province; coordinators keep seeing it; the districts it counts stay those of the old map."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.areas.migration import migrate_to
from app.extensions import db
from app.models import Area, User
from app.plan.queries import district_rows

NEW = date(2025, 7, 1)


def test_the_plan_moves_with_the_map_and_its_districts_stay_counted(client, login_as, world, kh137, activities):
    result = migrate_to(NEW)
    assert result.moved["plans.area_id"] == 2 and result.moved["plan_activities.area_id"] == 12  # + Phú Bình's
    new_province = db.session.scalar(select(Area).where(Area.code == "P19", Area.valid_from == NEW))
    db.session.refresh(kh137)
    assert kh137.area_id == new_province.id and kh137.area_code == "P19"
    steering = db.session.scalar(select(User).where(User.username == "steering"))
    assert len(district_rows(steering)) == 9  # the districts of P19 on the 2024 map
    coordinator = db.session.scalar(select(User).where(User.username == "coord_daitu"))
    assert db.session.get(Area, coordinator.scope_area_id).valid_from == NEW  # moved to Đại Từ's cluster
    login_as("coord_daitu")
    assert client.get(f"/plan/{kh137.id}").status_code == 200
    assert client.get(f"/plan/activities/{activities[3].id}").status_code == 200
