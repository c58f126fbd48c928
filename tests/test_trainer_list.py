"""The trainer list sorted and searched by the trainers' copy of the person's name key (`Trainer.search_key`):
the same order as the persons' key, diacritics ignored, counts and scope kept, and the copy kept right by every
operation that gives a trainer a (re)named person."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import Area, Person, Trainer
from app.network.recompute import recompute_all
from app.trainers.keys import copy_name_keys, name_key_drift
from tests.conftest import post_form
from tests.factories import make_person, make_trainer

# folded order differs from the raw text: "Đ" folds to "d", accents and case are ignored
NAMES = ["Đặng Văn Ánh", "Dương Thị Bé", "dang van anh", "Ánh Hồng", "Bùi Văn Đức", "Đặng Văn Ánh", "Zơ Ra",
         "Lê Thị Lan", "Lê Thị Lạn", "Nguyễn Thị Lan", "Nguyên Văn Lân", "Phạm Lan Thi"]


def _commune(district: Area) -> Area:
    return db.session.scalar(select(Area).where(Area.parent_id == district.id).order_by(Area.code).limit(1))


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/trainers/(\d+)"', html)]


def _expected(*where, word: str = "") -> list[int]:
    """Trainer ids in the list's order, read from the persons' key (not from the trainers' copy)."""
    stmt = select(Trainer.id).join(Person, Person.id == Trainer.person_id).where(*where)
    if word:
        stmt = stmt.where(Person.search_key.contains(word))
    return list(db.session.scalars(stmt.order_by(Person.search_key, Trainer.id)))


def _many(world, copies: int = 2) -> list[Trainer]:
    commune = _commune(world.dai_tu)
    root = world.trainers["Nguyễn Văn Đại"]
    return [make_trainer(commune, mentor=root, name=name) for _ in range(copies) for name in NAMES]


def test_list_pages_follow_the_folded_name_then_the_id(client, login_as, world):
    _many(world)  # 24 + the world's trainers: two pages of 20
    login_as("steering")
    first = _ids(client.get("/trainers/").get_data(as_text=True))
    second = _ids(client.get("/trainers/?page=2").get_data(as_text=True))
    assert len(first) == 20 and first + second == _expected()
    generation = _ids(client.get("/trainers/?generation=1&page=2").get_data(as_text=True))
    assert generation == _expected(Trainer.generation == 1)[20:40]


def test_search_ignores_diacritics_and_counts_the_matches(client, login_as, world):
    _many(world, copies=2)
    login_as("steering")
    html = client.get("/trainers/?q=LE THI LAN").get_data(as_text=True)
    wanted = _expected(word="le thi lan")
    assert _ids(html) == wanted and len(wanted) == 4  # Lê Thị Lan and Lê Thị Lạn, twice each
    html = client.get("/trainers/?q=thi lan").get_data(as_text=True)  # every word, anywhere in the name
    names = set(re.findall(r'href="/trainers/\d+">([^<]+)</a>', html))
    assert names == {"Lê Thị Lan", "Lê Thị Lạn", "Nguyễn Thị Lan", "Phạm Lan Thi"}
    html = client.get("/trainers/?q=dang van anh").get_data(as_text=True)
    assert len(_ids(html)) == 6  # "Đặng Văn Ánh" twice and "dang van anh", two copies each
    assert _ids(client.get("/trainers/?q=zzz").get_data(as_text=True)) == []
    html = client.get("/trainers/?q=a").get_data(as_text=True)  # more than a page: the pager shows the count
    total = len(_expected(word="a"))
    assert total > 20 and f"{total} dòng" in html and _ids(html) == _expected(word="a")[:20]


def test_coordinator_list_and_search_stay_in_the_district(client, login_as, world):
    _many(world, copies=1)
    login_as("coord_daitu")
    html = client.get("/trainers/").get_data(as_text=True)
    dai_tu = _expected(Trainer.area_id.in_(select(Area.id).where(Area.path.startswith(world.dai_tu.path))))
    assert len(dai_tu) > 12 and world.trainers["Phạm Văn Bình"].id not in dai_tu
    assert _ids(html) + _ids(client.get("/trainers/?page=2").get_data(as_text=True)) == dai_tu
    assert _ids(client.get("/trainers/?q=pham van binh").get_data(as_text=True)) == []
    assert "Phạm Văn Bình" not in client.get("/trainers/?q=binh").get_data(as_text=True)


def test_export_rows_come_in_the_list_order(client, login_as, world):
    _many(world, copies=1)
    login_as("steering")
    response = client.get("/exports/trainers.csv?q=van")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    response.close()
    code = rows[0].index("Mã giảng viên")
    assert [int(r[code]) for r in rows[1:]] == _expected(word="van")


def test_a_registered_trainer_takes_the_person_key(client, login_as, world):
    login_as("coord_daitu")
    form = {"full_name": "Vũ Thị Đào", "phone": "0977000222", "national_id": "", "tier": "local", "max_level": "1",
            "area_id": str(_commune(world.dai_tu).id), "unit_id": "0", "certified_on": "2025-05-20",
            "mentor_id": f"#{world.trainers['Nguyễn Văn Đại'].id}"}
    assert post_form(client, "/trainers/new", form).status_code == 302
    trainer = db.session.scalar(select(Trainer).join(Person, Person.id == Trainer.person_id)
                                .where(Person.phone == "+84977000222"))
    assert trainer.search_key == "vu thi dao" and name_key_drift() == 0
    assert trainer.id in _ids(client.get("/trainers/?q=vu thi dao").get_data(as_text=True))


def test_a_merged_trainer_is_found_by_the_survivor_name(client, login_as, world):
    trainer = make_trainer(_commune(world.dai_tu), mentor=world.trainers["Nguyễn Văn Đại"], name="Nguyễn Văn Cũ")
    survivor = make_person("Lê Thị Mới", world.dai_tu, phone="+84911000077")
    login_as("coord_daitu")
    response = post_form(client, f"/people/{survivor.id}/merge", {"duplicate_id": str(trainer.person_id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Trainer, trainer.id).search_key == "le thi moi" and name_key_drift() == 0
    assert _ids(client.get("/trainers/?q=le thi moi").get_data(as_text=True)) == [trainer.id]
    assert trainer.id not in _ids(client.get("/trainers/?q=nguyen van cu").get_data(as_text=True))


def test_a_renamed_person_is_followed_by_copy_name_keys(client, login_as, world):
    trainer = make_trainer(_commune(world.dai_tu), mentor=world.trainers["Nguyễn Văn Đại"], name="Trịnh Văn Tên")
    person = db.session.get(Person, trainer.person_id)
    person.set_name("Trịnh Thị Tên Mới")
    db.session.flush()
    assert name_key_drift() == 1
    assert copy_name_keys([person.id]) == 1 and copy_name_keys([person.id]) == 0
    db.session.expire_all()
    login_as("steering")
    assert _ids(client.get("/trainers/?q=trinh thi ten moi").get_data(as_text=True)) == [trainer.id]


def test_recompute_reports_and_repairs_a_stale_name_key(world):
    trainer = world.trainers["Trần Thị Từ"]
    db.session.execute(Trainer.__table__.update().where(Trainer.__table__.c.id == trainer.id)
                       .values(search_key="sai"))
    dry = recompute_all(date(2025, 6, 1), repair=False)
    assert dry["name_key_differences"] == 1 and name_key_drift() == 1
    assert recompute_all(date(2025, 6, 1))["name_key_differences"] == 1
    assert name_key_drift() == 0
    assert db.session.scalar(select(Trainer.search_key).where(Trainer.id == trainer.id)) == "tran thi tu"
