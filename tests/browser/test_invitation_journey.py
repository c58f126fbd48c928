"""On a phone: a coordinator invites the 30 trainers of a commune and prints the sheet; a trainer opens her link,
sets a password, signs in with her phone number and registers a class."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Area, Person, Trainer
from app.text import fold
from tests.browser.conftest import SCREENSHOTS, login, screenshot

PASSWORD = "mat-khau-cua-chi-lan"


def _thirty_trainers(live_app) -> tuple[str, str]:
    """30 active trainers without an account in the last commune of Đại Từ (committed: the server reads them)."""
    with live_app.app_context():
        district = db.session.scalar(select(Area).where(Area.code == "D171").order_by(Area.valid_from).limit(1))
        commune = db.session.scalars(select(Area).where(Area.parent_id == district.id)
                                     .order_by(Area.code.desc())).first()
        mentor = db.session.scalar(select(Trainer).where(Trainer.mentor_id.is_(None), Trainer.area_id.in_(
            select(Area.id).where(Area.parent_id == district.id))).order_by(Trainer.id))
        for n in range(30):
            name = f"Lan Thị Mời {n:02d}"
            person = Person(full_name=name, search_key=fold(name), phone=f"+84966100{n:03d}", home_area_id=commune.id)
            db.session.add(person)
            db.session.flush()
            trainer = Trainer(person_id=person.id, tier="local", mentor_id=mentor.id, max_level=2, status="active",
                              area_id=commune.id, path="", generation=mentor.generation + 1,
                              search_key=person.search_key)
            db.session.add(trainer)
            db.session.flush()
            trainer.path = f"{mentor.path}{trainer.id}/"
        db.session.commit()
        return commune.name, "0966 100 007"


def test_coordinator_invites_a_commune_and_a_trainer_activates_on_her_phone(live_app, browser, live_server,
                                                                          phone_page):
    commune, phone = _thirty_trainers(live_app)
    page = phone_page
    login(page, "coord_daitu")
    page.goto("/invitations/")
    page.get_by_text("Mời mọi giảng viên chưa có tài khoản").click()
    page.get_by_label("Xã / địa bàn").select_option(label=f"\u00a0\u00a0{commune}")
    page.get_by_label("Cách gửi", exact=True).first.select_option("sheet")
    screenshot(page, "phone-invite-commune")
    page.get_by_role("button", name="Mời tất cả").click()
    page.get_by_role("heading", name="Lời mời vừa tạo (30)").wait_for()
    assert page.locator(".invitation-card").count() == 30
    assert page.locator(".invitation-card .qr svg").count() == 30
    screenshot(page, "phone-invitation-sheet")
    card = page.locator(".invitation-card").filter(has_text="Lan Thị Mời 07")
    link = card.locator(".link-text").inner_text()
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.emulate_media(media="print")
    screenshot(page, "invitation-sheet-print")
    pdf = page.pdf(format="A4", print_background=True)
    (SCREENSHOTS.parent / "invitation-sheet.pdf").write_bytes(pdf)
    assert 2 <= pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") <= 8  # 30 cards on a few A4 pages
    assert "0966 ••• 007" in card.inner_text()
    # every trainer scans her own card on the paper: each QR of the printed PDF decodes to its card's link
    import numpy as np
    import pypdfium2
    import zxingcpp

    printed = pypdfium2.PdfDocument(pdf)
    scanned = [code.text for sheet in printed
               for code in zxingcpp.read_barcodes(np.asarray(sheet.render(scale=150 / 72).to_pil().convert("L")))]
    links = page.locator(".invitation-card .link-text").all_inner_texts()
    assert sorted(scanned) == sorted(links) and len(scanned) == 30
    link = next(text for text in scanned if text == link)  # hers, as her phone reads it

    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844},
                                  device_scale_factor=2, is_mobile=True, has_touch=True, locale="vi-VN")
    trainer = context.new_page()
    trainer.set_default_timeout(10_000)
    try:
        trainer.goto(link.replace("http://localhost", live_server))
        assert trainer.get_by_text("Lan Thị Mời 07").first.is_visible()
        trainer.get_by_label("Mật khẩu", exact=True).fill("0966100007")
        trainer.get_by_label("Nhập lại mật khẩu").fill("0966100007")
        trainer.get_by_role("button", name="Đặt mật khẩu và đăng nhập").click()
        assert trainer.get_by_text("Mật khẩu không được là số điện thoại của bạn.").is_visible()
        trainer.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
        trainer.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
        screenshot(trainer, "phone-invitation-accept")
        trainer.get_by_role("button", name="Đặt mật khẩu và đăng nhập").click()
        trainer.get_by_text("Đã đặt mật khẩu.").wait_for()
        trainer.get_by_role("button", name="Đăng xuất").click()
        login(trainer, phone, PASSWORD)
        trainer.get_by_role("link", name="+ Đăng ký lớp mới").click()
        trainer.get_by_label("Bậc").select_option("1")
        trainer.get_by_label("Chủ đề").fill("AI cho tổ phụ nữ thôn")
        trainer.get_by_label("Đối tượng").select_option("women_union")
        trainer.get_by_label("Trực tiếp").check()
        search = trainer.get_by_label("Tìm xã, phường")
        search.fill("")
        search.type("hung son", delay=20)
        trainer.locator("ul.suggestions li[role=option]").first.click()
        trainer.get_by_label("Ngày bắt đầu").fill("2025-08-01")
        trainer.get_by_label("Ngày kết thúc").fill("2025-08-20")
        trainer.get_by_label("Số buổi").fill("5")
        trainer.get_by_label("Sĩ số dự kiến").fill("25")
        trainer.get_by_role("button", name="Đăng ký lớp").click()
        trainer.get_by_text("Đã đăng ký lớp học.").wait_for()
        screenshot(trainer, "phone-invited-trainer-class")
    finally:
        context.close()
    page.emulate_media(media="screen")
    page.goto("/invitations/?invitation=active&q=lan thi moi")
    assert page.locator("table.data tbody tr").count() == 1
