from sqlalchemy import func, select

from app.extensions import db
from app.models import Area


def test_world_has_the_real_2024_map(world):
    p19 = world.dai_tu.path.split("/")[1]
    inside = Area.path.startswith(f"/{p19}/")
    districts = db.session.scalar(select(func.count(Area.id)).where(inside, Area.level == "district"))
    communes = db.session.scalar(select(func.count(Area.id)).where(inside, Area.level == "commune"))
    assert (districts, communes) == (9, 172)
    assert world.dai_tu.name == "Huyện Đại Từ"


def test_world_has_both_maps(world):
    by_map = dict(db.session.execute(
        select(Area.valid_from, func.count(Area.id)).where(Area.level == "commune").group_by(Area.valid_from)
    ).all())
    assert sorted(by_map.values()) == [92, 280]
