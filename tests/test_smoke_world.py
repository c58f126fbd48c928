from sqlalchemy import func, select

from app.extensions import db
from app.models import Area


def test_world_has_the_real_2024_map(world):
    districts = db.session.scalar(select(func.count(Area.id)).where(Area.level == "district"))
    communes = db.session.scalar(select(func.count(Area.id)).where(Area.level == "commune"))
    assert (districts, communes) == (9, 172)
    assert world.dai_tu.name == "Huyện Đại Từ"
