"""Programme scope by date: before 1/7/2025 the programme is old Thái Nguyên (P19), not old Bắc Kạn."""

from __future__ import annotations

from sqlalchemy import select

from app.areas.maps import programme_root, working_map
from app.assignments.need import places
from app.extensions import db
from app.models import Area


def test_assignment_places_stay_inside_the_programme_province(world, today, ctx):
    communes, districts = places(today)
    root = programme_root(working_map())
    paths = dict(db.session.execute(select(Area.id, Area.path).where(Area.id.in_([*communes, *districts]))).all())
    assert communes and all(p.startswith(root.path) for p in paths.values())
    bac_kan = db.session.scalar(select(Area).where(Area.code == "P06", Area.valid_from == working_map()))
    assert bac_kan is not None  # the 2024 map holds old Bắc Kạn, outside the programme
    assert not any(p.startswith(bac_kan.path) for p in paths.values())


def test_steering_home_shows_only_the_programme_province(client, login_as):
    login_as("steering")
    page = client.get("/").get_data(as_text=True)
    assert "Tỉnh Thái Nguyên" in page
    assert "Tỉnh Bắc Kạn" not in page
