"""The shell and list pages: Vietnamese, scoped, searchable without diacritics, paginated."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.factories import area, make_person


@pytest.mark.parametrize("url", ["/", "/areas/", "/units/", "/trainers/", "/classes/", "/people/", "/account"])
def test_list_pages_render_for_steering(client, login_as, url):
    login_as("steering")
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="vi">' in html and "Đăng xuất" in html


def test_search_ignores_diacritics(client, login_as, world):
    login_as("steering")
    html = client.get("/areas/?q=dai tu").get_data(as_text=True)
    assert "Huyện Đại Từ" in html
    html = client.get("/trainers/?q=TRAN THI TU").get_data(as_text=True)
    assert "Trần Thị Từ" in html and "Nguyễn Văn Đại" not in html
    html = client.get("/people/?q=ha").get_data(as_text=True)
    assert "Đỗ Thị Hà" in html


def test_search_wildcards_are_literal(client, login_as, world):
    login_as("steering")
    html = client.get("/people/?q=%25").get_data(as_text=True)
    assert "Không có dữ liệu phù hợp." in html


def test_lists_paginate(client, login_as, world):
    commune = area("D171")
    for n in range(45):
        make_person(f"Học Viên Phân Trang {n:02d}", commune)
    db.session.flush()
    login_as("steering")
    html = client.get("/people/?q=phan trang").get_data(as_text=True)
    assert "Trang 1/3" in html and "45 dòng" in html and "Học Viên Phân Trang 00" in html
    html = client.get("/people/?q=phan trang&page=3").get_data(as_text=True)
    assert "Học Viên Phân Trang 44" in html and "Học Viên Phân Trang 00" not in html
    html = client.get("/people/?q=phan trang&page=99").get_data(as_text=True)
    assert "Trang 99 không có dữ liệu: danh sách có 45 dòng trong 3 trang." in html
    assert "page=3" in html and "Về trang cuối" in html and "Học Viên Phân Trang" not in html
    html = client.get("/people/?q=phan trang+00&page=2").get_data(as_text=True)  # one page only
    assert "Trang 2 không có dữ liệu: danh sách có 1 dòng trong 1 trang." in html


def test_coordinator_lands_on_their_district(client, login_as, world):
    login_as("coord_daitu")
    response = client.get("/")
    assert response.headers["Location"].endswith(f"/areas/{world.dai_tu.id}")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Huyện Đại Từ" in html and "Các địa bàn trực thuộc (27)" in html


def test_trainer_lands_on_their_classes(client, login_as, world):
    login_as("trainer_daitu")
    html = client.get("/").get_data(as_text=True)
    assert "Soạn thảo văn bản với AI" in html and "Làm video ngắn với AI" not in html


def test_lineage_breadcrumb_on_a_trainer_profile(client, login_as, world):
    login_as("steering")
    child = world.trainers["Trần Thị Từ"]
    html = client.get(f"/trainers/{child.id}").get_data(as_text=True)
    assert "Nguyễn Văn Đại</a> › <strong>Trần Thị Từ</strong>" in html


def test_national_id_is_masked(client, login_as, world):
    person = make_person("Người Có Căn Cước", area("D171"), national_id="019090012345")
    login_as("steering")
    html = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert "019090012345" not in html and "2345" in html


def test_error_pages_are_vietnamese(client, login_as):
    login_as("steering")
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "Không tìm thấy trang" in response.get_data(as_text=True)


def test_server_error_page_is_vietnamese(database_url):
    from app import create_app

    other = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x"})

    @other.get("/__boom")
    def boom():
        raise RuntimeError("boom")

    response = other.test_client().get("/__boom")
    assert response.status_code == 500 and "Lỗi hệ thống" in response.get_data(as_text=True)


def test_security_headers(client):
    response = client.get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_page_titles_are_plain_text(client, login_as, world):
    import re

    login_as("steering")
    person_id = world.trainers["Phạm Văn Bình"].person_id
    for url in ("/", f"/people/{person_id}", f"/trainers/{world.trainers['Phạm Văn Bình'].id}", "/classes/"):
        html = client.get(url, follow_redirects=True).get_data(as_text=True)
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert "<" not in title and len(title) < 200, (url, title[:120])
