"""Network pages: register and move with every bad input refused in Vietnamese, the lazy tree, the picture,
the overview, list filters and the profile's reach."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.models import Person, Trainer
from app.network.recompute import recompute_all
from tests.conftest import post_form
from tests.factories import area, make_person, make_trainer

TODAY = date(2025, 6, 1)


def _commune(district):
    return db.session.scalar(select(district.__class__).where(district.__class__.parent_id == district.id)
                             .order_by(district.__class__.code).limit(1))


def _trainers() -> int:
    return db.session.scalar(select(func.count(Trainer.id)))


def _register(client, world, **data):
    commune = _commune(world.dai_tu)
    form = {"full_name": "Vũ Thị Mới", "phone": "0977000111", "national_id": "", "tier": "local",
            "max_level": "1", "area_id": str(commune.id), "unit_id": "0", "certified_on": "2025-05-20", **data}
    return post_form(client, "/trainers/new", form)


def test_coordinator_registers_a_trainer_under_a_mentor_found_by_search(client, login_as, world):
    login_as("coord_daitu")
    root = world.trainers["Nguyễn Văn Đại"]
    found = client.get("/network/mentors.json?q=nguyen van dai").get_json()
    assert [m["id"] for m in found] == [root.id]
    response = _register(client, world, mentor_id=found[0]["label"])
    assert response.status_code == 302, response.get_data(as_text=True)
    trainer = db.session.scalar(select(Trainer).join(Person).where(Person.phone == "+84977000111"))
    assert trainer.mentor_id == root.id and trainer.path == f"{root.path}{trainer.id}/" and trainer.generation == 1
    # an existing person is matched by phone, not duplicated
    before = db.session.scalar(select(func.count(Person.id)))
    learner = make_person("Người Đã Có", _commune(world.dai_tu), phone="+84966000222")
    _register(client, world, full_name="", phone="0966 000 222", mentor_id=f"#{root.id}")
    assert db.session.scalar(select(Trainer.person_id).where(Trainer.person_id == learner.id)) == learner.id
    assert db.session.scalar(select(func.count(Person.id))) == before + 1


def _error(response) -> str:
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:300]
    return " ".join(re.findall(r'class="(?:error|flash flash-danger)"[^>]*>([^<]+)<', html))


def test_every_bad_input_gets_a_vietnamese_error_and_writes_nothing(client, login_as, world):
    login_as("coord_daitu")
    root, child = world.trainers["Nguyễn Văn Đại"], world.trainers["Trần Thị Từ"]
    other = world.trainers["Phạm Văn Bình"]
    count = _trainers()
    cases = [
        (_register(client, world, mentor_id="#999999"), "Không tìm thấy người hướng dẫn (mã 999999)"),
        (_register(client, world, mentor_id=f"#{other.id}"), "nằm ngoài phạm vi quản lý"),
        (_register(client, world, phone=db.session.get(Person, child.person_id).phone, mentor_id=f"#{child.id}"),
         "đã có người hướng dẫn khác"),
        (_register(client, world, mentor_id="", tier="local"), "Chỉ giảng viên nòng cốt cấp tỉnh"),
        (_register(client, world, mentor_id=f"#{root.id}", max_level="5"), "cao hơn bậc của người hướng dẫn"),
    ]
    make_person("Người Có CCCD", _commune(world.dai_tu), national_id="001099000123")
    cases.append((_register(client, world, phone=db.session.get(Person, root.person_id).phone,
                            national_id="001099000123", mentor_id=f"#{root.id}"), "Đã có người với số điện thoại"))
    for response, expected in cases:
        assert expected in _error(response)
    url = f"/trainers/{root.id}/move"
    assert "vòng lặp" in _error(post_form(client, url, {"mentor_id": f"#{child.id}", "reason": "thử"}))
    assert "chính mình" in _error(post_form(client, url, {"mentor_id": f"#{root.id}", "reason": "thử"}))
    assert "Vui lòng ghi lý do" in _error(post_form(client, url, {"mentor_id": f"#{child.id}", "reason": ""}))
    assert _trainers() == count
    db.session.refresh(root)
    assert root.mentor_id is None and root.path == f"/{root.id}/"


def test_moving_a_branch_rewrites_every_path_and_is_audited(client, login_as, world):
    login_as("steering")
    commune = _commune(world.dai_tu)
    top = make_trainer(commune, name="Đầu Nhánh", tier="province")
    a = make_trainer(commune, mentor=top, name="Nhánh A")
    b = make_trainer(commune, mentor=a, name="Nhánh B")
    target = world.trainers["Phạm Văn Bình"]
    response = post_form(client, f"/trainers/{a.id}/move", {"mentor_id": f"#{target.id}", "reason": "sửa dữ liệu"})
    assert response.status_code == 302
    db.session.refresh(b)
    assert b.path == f"{target.path}{a.id}/{b.id}/" and b.generation == 2
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "trainer.move" in html or response.status_code == 302


def test_lazy_tree_lists_children_with_counts(client, login_as, world):
    recompute_all(TODAY)
    login_as("steering")
    root = world.trainers["Nguyễn Văn Đại"]
    data = client.get(f"/network/trainers/{root.id}/children.json").get_json()
    assert data["total"] == 1 and not data["more"]
    child = data["children"][0]
    assert child["name"] == "Trần Thị Từ" and child["subtree_size"] == 1 and child["generation"] == 1
    assert child["children_url"].endswith(f"/network/trainers/{child['id']}/children.json")
    html = client.get(f"/trainers/{root.id}/tree").get_data(as_text=True)
    assert "js/tree.js" in html and "<script>" not in html
    assert 'class="tree-toggle"' in html  # a branch to open
    leaf = client.get(f"/trainers/{child['id']}/tree").get_data(as_text=True)
    assert 'class="tree-toggle"' not in leaf and "chưa ươm mầm giảng viên nào" in leaf  # no arrow without a branch


def test_coordinator_cannot_open_another_districts_subtree(client, login_as, world):
    login_as("coord_daitu")
    assert client.get(f"/network/trainers/{world.trainers['Phạm Văn Bình'].id}/children.json").status_code == 404
    assert [m for m in client.get("/network/mentors.json?q=binh").get_json() if "Phạm Văn Bình" in m["label"]] == []


def test_cascade_picture_renders_as_svg(client, login_as, world):
    recompute_all(TODAY)
    login_as("steering")
    province = area("P19")
    response = client.get(f"/network/areas/{province.id}/cascade.svg?download=1")
    svg = response.get_data(as_text=True)
    assert response.mimetype == "image/svg+xml" and "attachment" in response.headers["Content-Disposition"]
    assert svg.startswith("<svg") and "Mạng lưới giảng viên lan tỏa · Tỉnh Thái Nguyên" in svg
    assert "Nòng cốt tỉnh" in svg and "Thế hệ 1" in svg and "Huyện Đại Từ" in svg and "Huyện Phú Bình" in svg
    page = client.get(f"/network/areas/{province.id}/cascade").get_data(as_text=True)
    assert "Tải về (.svg)" in page and "Số liệu đến " in page and "số liệu đến " in svg


def test_cascade_picture_reads_the_roll_ups_and_equals_the_live_count(world, ctx):
    """The picture's counts per generation and sub-area, from the roll-ups, are those of the trainers."""
    from collections import Counter

    from app.models import Area
    from app.network import picture

    make_trainer(_commune(world.dai_tu), mentor=world.trainers["Nguyễn Văn Đại"], name="Mới Thêm")
    recompute_all(TODAY)
    steering = world.users["steering"]
    for top in (area("P19"), world.dai_tu):
        drawn = {(layer.generation, s.name): s.count for layer in picture.data(top, steering)["layers"]
                 for s in layer.segments}
        subs = {a.id: a for a in db.session.scalars(select(Area).where(Area.parent_id == top.id))}
        live: Counter = Counter()
        for t in db.session.scalars(select(Trainer).where(Trainer.area_id.in_(
                select(Area.id).where(Area.path.startswith(top.path))))):
            where = db.session.get(Area, t.area_id)
            sub = next((a for a in subs.values() if where.path.startswith(a.path)), top)
            live[(t.generation, sub.name)] += 1
        assert drawn == dict(live), top.name


def test_overview_shows_generations_r_and_dormant(client, login_as, world):
    make_trainer(_commune(world.dai_tu), mentor=world.trainers["Nguyễn Văn Đại"], name="Ngủ Đông",
                 certified_on=date(2025, 1, 5))
    recompute_all(TODAY)
    login_as("coord_daitu")
    html = client.get("/network/").get_data(as_text=True)
    assert "Mạng lưới giảng viên · Huyện Đại Từ" in html
    assert "Giảng viên theo thế hệ" in html and "Hệ số lan tỏa R" in html
    assert "Ngủ Đông" in html and "Phạm Văn Bình" not in html
    post_form(client, "/logout", {}, token_page="/")
    login_as("steering")
    html = client.get("/network/").get_data(as_text=True)
    assert "Tỉnh Thái Nguyên" in html and "Diễn biến theo thời gian" in html and "Huyện Phú Bình" in html


def test_overview_lists_keep_their_order_scope_and_loaded_names(world, ctx):
    from app.models import Area, TrainerStats
    from app.network.queries import home_area, overview_lists, rollup

    make_trainer(_commune(world.dai_tu), mentor=world.trainers["Nguyễn Văn Đại"], name="Ngủ Đông",
                 certified_on=date(2025, 1, 5))
    recompute_all(TODAY)
    steering, coordinator = world.users["steering"], world.users["coord_daitu"]
    province = home_area(steering)
    row = rollup("area", province.id)
    in_province = Trainer.area_id.in_(select(Area.id).where(Area.path.startswith(province.path)))
    expected = db.session.scalars(select(Trainer.id).join(TrainerStats, TrainerStats.trainer_id == Trainer.id)
                                  .where(in_province).order_by(TrainerStats.subtree_learners.desc(), Trainer.id)
                                  .limit(3)).all()
    top = overview_lists(province, steering, row)["top"][:3]
    assert [t.id for t, _s in top] == expected and len(expected) == 3
    assert all(t.person.full_name and t.area.name for t, _s in top)  # loaded: relationships raise otherwise
    mine = overview_lists(province, coordinator, row)
    assert {t.person.full_name for t, _s in mine["top"]} == {"Nguyễn Văn Đại", "Trần Thị Từ", "Ngủ Đông"}
    assert [t.person.full_name for t, _s in mine["dormant"]] == ["Trần Thị Từ", "Ngủ Đông"]
    # without stored lists (no roll-up) each list is read live, and is the same
    live = overview_lists(province, coordinator, None)
    for name in ("top", "dormant", "branches"):
        assert [t.id for t, _s in live[name]] == [t.id for t, _s in mine[name]], name


def test_list_filters_by_area_subtree_unit_and_generation(client, login_as, world):
    login_as("steering")
    html = client.get(f"/trainers/?area_id={world.dai_tu.id}").get_data(as_text=True)
    assert "Nguyễn Văn Đại" in html and "Phạm Văn Bình" not in html
    unit = world.units["Sở Giáo dục và Đào tạo"]
    html = client.get(f"/trainers/?unit_id={unit.id}").get_data(as_text=True)
    assert "Nguyễn Văn Đại" in html and "Trần Thị Từ" not in html
    html = client.get(f"/trainers/?area_id={world.phu_binh.id}&generation=1&q=hoang thi").get_data(as_text=True)
    assert "Hoàng Thị Phú" in html and "Phạm Văn Bình" not in html


def test_profile_shows_lineage_and_reach(client, login_as, world):
    recompute_all(TODAY)
    login_as("steering")
    root, child = world.trainers["Nguyễn Văn Đại"], world.trainers["Trần Thị Từ"]
    html = client.get(f"/trainers/{child.id}").get_data(as_text=True)
    assert f'href="/trainers/{root.id}">Nguyễn Văn Đại</a>' in html
    html = client.get(f"/trainers/{root.id}").get_data(as_text=True)
    assert "Mức độ lan tỏa" in html and "Giảng viên mới do nhánh đào tạo" in html and "100,0%" in html


def test_mentor_search_reads_the_trainers_name_key_in_order_and_wildcards_are_literal(client, login_as, world):
    login_as("steering")
    found = client.get("/network/mentors.json?q=VAN").get_json()
    names = [m["label"] for m in found]
    expected = sorted((t for t in world.trainers.values() if "van" in t.search_key and t.status == "active"),
                      key=lambda t: (t.search_key, t.id))
    assert [m["id"] for m in found] == [t.id for t in expected] and len(names) >= 2
    assert client.get("/network/mentors.json?q=%25").get_json() == []
    assert client.get("/network/mentors.json?q=_").get_json() == []


def test_a_branch_wholly_outside_the_scope_shows_no_arrow(client, login_as, world):
    from tests.factories import make_trainer

    child = world.trainers["Trần Thị Từ"]
    far = db.session.get(type(world.phu_binh), world.trainers["Phạm Văn Bình"].area_id)
    make_trainer(far, mentor=child, name="Ở Phú Bình")
    recompute_all(TODAY)
    root = world.trainers["Nguyễn Văn Đại"]
    from app.network.tree import children

    assert children(root, world.users["steering"])["children"][0]["has_children"]  # steering sees the trainee
    login_as("coord_daitu")
    node = client.get(f"/network/trainers/{root.id}/children.json").get_json()["children"][0]
    assert node["name"] == "Trần Thị Từ" and node["direct_trainees"] == 1 and not node["has_children"]
    page = client.get(f"/trainers/{child.id}/tree").get_data(as_text=True)
    assert 'class="tree-toggle"' not in page and "nằm ngoài phạm vi của bạn" in page


def test_a_trainers_page_counts_every_direct_trainee_whoever_looks(client, login_as, world):
    """The heading counts all direct trainees; a coordinator sees only those in their district listed."""
    mentor = world.trainers["Nguyễn Văn Đại"]
    before = db.session.scalar(select(func.count(Trainer.id)).where(Trainer.mentor_id == mentor.id))
    make_trainer(_commune(world.dai_tu), mentor=mentor, name="Mầm Đại Từ")
    make_trainer(_commune(world.phu_binh), mentor=mentor, name="Mầm Phú Bình")
    heading = re.compile(r"Học viên đã trở thành giảng viên \((\d+)\)")
    for user, listed, hidden in (("steering", ["Mầm Đại Từ", "Mầm Phú Bình"], []),
                                 ("coord_daitu", ["Mầm Đại Từ"], ["Mầm Phú Bình"])):
        login_as(user)
        html = client.get(f"/trainers/{mentor.id}").get_data(as_text=True)
        assert int(heading.search(html).group(1)) == before + 2, user
        assert all(n in html for n in listed) and not any(n in html for n in hidden), user
        post_form(client, "/logout", {}, token_page="/")


def test_an_area_without_trainers_has_empty_lists_without_a_live_read(world, ctx, monkeypatch):
    """No roll-up and no trainer in the subtree (old Bắc Kạn in the programme after the merger): the lists are
    empty at once; a live list there walks every trainer of the ordered index for none (0.35 s a page)."""
    from app.models import Area, User
    from app.network import queries

    def live(*_args):
        raise AssertionError("read live")

    monkeypatch.setattr(queries, "_live", live)
    empty = db.session.scalar(select(Area).where(Area.code == "P06"))
    steering = db.session.scalar(select(User).where(User.username == "steering"))
    assert queries.overview_lists(empty, steering, None) == {"top": [], "dormant": [], "branches": []}
