"""Steering opens a trainer's profile, unfolds the subtree two levels lazily, then opens the cascade picture."""

from datetime import date

import pytest

from tests.browser.conftest import login, screenshot


@pytest.fixture(scope="module")
def grandchild(live_app):
    """A third generation under Nguyễn Văn Đại (added through the operations), then the recompute."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Person, Trainer
    from app.network import operations

    with live_app.app_context():
        child = db.session.scalar(select(Trainer).join(Person).where(Person.full_name == "Trần Thị Từ"))
        existing = db.session.scalar(select(Trainer.id).join(Person).where(Person.full_name == "Vũ Thị Cháu"))
        if existing is None:
            person = operations.match_person("Vũ Thị Cháu", "0988777666", None, child.area_id)
            operations.add_trainer(None, person, mentor_id=child.id, tier="local", max_level=1,
                                   area_id=child.area_id, certified_on=date(2025, 4, 1))
        operations.recompute_all(date(2025, 6, 1))
        db.session.commit()
        root_id = child.mentor_id
        db.session.remove()
    return root_id


def test_steering_unfolds_the_subtree_and_opens_the_picture(page, grandchild):
    login(page, "steering")
    page.wait_for_url("**/")
    page.goto(f"/trainers/{grandchild}")
    assert page.get_by_role("heading", level=1).inner_text() == "Nguyễn Văn Đại"
    assert page.get_by_text("Mức độ lan tỏa").is_visible()
    page.get_by_role("link", name="Cây đào tạo").click()
    page.get_by_role("button", name="Mở nhánh của Nguyễn Văn Đại").click()
    page.get_by_role("button", name="Mở nhánh của Trần Thị Từ").click()
    grandchild_link = page.get_by_role("link", name="Vũ Thị Cháu")
    grandchild_link.wait_for()
    assert grandchild_link.is_visible()
    screenshot(page, "network-tree")
    page.get_by_role("link", name="Mạng lưới").click()
    # after 1/7/2025 (unpinned) the programme is both old provinces: a picture each, old Thái Nguyên's first
    page.get_by_role("link", name="Sơ đồ lan tỏa").first.click()
    picture = page.locator("figure.cascade img")
    picture.wait_for()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 600", picture.element_handle())
    assert page.get_by_role("link", name="Tải về (.svg)").is_visible()
    shot = screenshot(page, "network-cascade")
    assert shot.stat().st_size > 10_000
