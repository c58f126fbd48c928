"""The plan pages: who sees what, the Gantt view, progress updates, dependencies (cycles refused)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import ActivityDependency, AuditEvent
from tests.conftest import post_form
from tests.plan.conftest import logout
from tests.plan_world import PlanWorld


def test_steering_sees_every_plan_and_a_district_coordinator_only_the_plans_covering_them(client, login_as, kh137):
    phu_binh = PlanWorld.load().plan
    login_as("steering")
    page = client.get("/plan/").get_data(as_text=True)
    assert kh137.label in page and phu_binh.label in page
    logout(client)
    login_as("coord_daitu")
    response = client.get("/plan/")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/plan/{kh137.id}")
    assert client.get(f"/plan/{phu_binh.id}").status_code == 404


def test_trainers_have_no_plan_pages(client, login_as, kh137):
    login_as("trainer_daitu")
    assert client.get(f"/plan/{kh137.id}").status_code == 404
    assert client.get("/plan/").status_code == 404


def test_gantt_view_shows_phases_critical_path_overdue_and_today(client, login_as, kh137, activities, pinned_today):
    pinned_today(date(2025, 3, 15))
    login_as("steering")
    page = client.get(f"/plan/{kh137.id}").get_data(as_text=True)
    assert '<svg class="gantt"' in page
    assert "Giai đoạn 2: Đào tạo nòng cốt" in page
    assert "Hôm nay 15/03/2025" in page
    assert "Đường găng: <strong>HĐ 1</strong> → <strong>HĐ 3</strong>" in page
    assert page.count('data-overdue="1"') == 4  # activities 1–4 were due by 28/02/2025 and are not done
    assert 'data-activity="1" data-forecast-start="2025-03-15"' in page
    # each bar is labelled by the activity's short title, so activities 2–5 no longer truncate to the same text
    labels = re.findall(r'<text class="row-label"[^>]*>([^<]+)</text>', page)
    assert "2. Tập huấn sở, ban, ngành, đoàn thể tỉnh" in labels and "5. Triển khai và tập huấn cấp xã" in labels
    assert len(set(labels)) == len(labels) == 10


def _progress_url(activity):
    return f"/plan/activities/{activity.id}/progress"


def _post_progress(client, activity, **data):
    return post_form(client, _progress_url(activity), data, token_page=f"/plan/activities/{activity.id}")


def test_steering_marks_an_activity_done_and_is_told_what_moves(client, login_as, activities, pinned_today):
    pinned_today(date(2025, 1, 20))
    login_as("steering")
    _post_progress(client, activities[1], status="in_progress", progress="40", started_on="2025-01-10")
    response = _post_progress(client, activities[1], status="done", progress="40", started_on="2025-01-10",
                              finished_on="2025-01-20", note="Đã tổ chức hội nghị")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã cập nhật tiến độ hoạt động 1." in page
    assert "HĐ 6 sớm hơn 20 ngày" in page
    db.session.refresh(activities[1])
    assert (activities[1].status, activities[1].progress, activities[1].finished_on) == ("done", 100,
                                                                                         date(2025, 1, 20))
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "activity.progress")) == 2


@pytest.mark.parametrize(("data", "message"), [
    ({"status": "done", "progress": "50", "started_on": "2025-01-02"}, "Nhập ngày hoàn thành thực tế."),
    ({"status": "in_progress", "progress": "20", "started_on": "2025-02-01"}, "không được sau hôm nay"),
    ({"status": "in_progress", "progress": "100", "started_on": "2025-01-02"}, "chọn trạng thái “Hoàn thành”"),
    ({"status": "not_started", "progress": "30"}, "Hoạt động chưa bắt đầu thì tiến độ là 0%."),
    ({"status": "done", "progress": "0", "started_on": "2025-01-10", "finished_on": "2025-01-05"},
     "Ngày hoàn thành không được trước ngày bắt đầu."),
    ({"status": "in_progress", "progress": "abc", "started_on": "2025-01-02"}, "Nhập một số nguyên."),
])
def test_bad_progress_is_refused_in_vietnamese(client, login_as, activities, pinned_today, data, message):
    pinned_today(date(2025, 1, 20))
    login_as("steering")
    response = _post_progress(client, activities[1], **data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.refresh(activities[1])
    assert activities[1].status == "not_started"


def test_only_the_lead_units_coordinator_steering_and_admin_update_progress(client, login_as, activities,
                                                                            pinned_today):
    pinned_today(date(2025, 1, 20))
    one = activities[1]
    for username, status in (("coord_daitu", 403), ("coord_sotc", 403), ("viewer", 403)):
        login_as(username)
        assert _post_progress(client, one, status="in_progress", progress="5",
                              started_on="2025-01-02").status_code == status, username
        logout(client)
    login_as("coord_soldtbxh")
    page = client.get(f"/plan/activities/{one.id}").get_data(as_text=True)
    assert "Cập nhật tiến độ" in page and "Thêm phụ thuộc" not in page
    assert _post_progress(client, one, status="in_progress", progress="5", started_on="2025-01-02").status_code == 302
    assert _post_progress(client, activities[3], status="in_progress", progress="5",
                          started_on="2025-01-02").status_code == 403  # led by the district committees


def _add_dependency(client, successor, predecessor, lag="0"):
    return post_form(client, f"/plan/activities/{successor.id}/dependencies",
                     {"predecessor_id": str(predecessor.id), "lag_days": lag},
                     token_page=f"/plan/activities/{successor.id}")


def test_a_dependency_that_closes_a_loop_is_refused_through_the_form(client, login_as, activities):
    login_as("steering")
    count = db.session.scalar(select(func.count(ActivityDependency.id)))
    response = _add_dependency(client, activities[1], activities[10])
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Không thể lưu: các phụ thuộc tạo thành vòng lặp" in page
    assert "HĐ 1 → HĐ 10" in page or "HĐ 10 → HĐ 1" in page
    assert db.session.scalar(select(func.count(ActivityDependency.id))) == count


def test_steering_adds_changes_and_removes_a_dependency(client, login_as, activities, kh137):
    login_as("steering")
    assert _add_dependency(client, activities[9], activities[1], "-31").status_code == 302
    dep = db.session.scalar(select(ActivityDependency).where(ActivityDependency.successor_id == activities[9].id))
    assert dep.lag_days == -31
    assert _add_dependency(client, activities[9], activities[1], "-20").status_code == 302
    db.session.refresh(dep)
    assert dep.lag_days == -20
    response = post_form(client, f"/plan/dependencies/{dep.id}/delete", {"back_to": str(activities[9].id)},
                         token_page=f"/plan/activities/{activities[9].id}")
    assert response.status_code == 302
    assert db.session.get(ActivityDependency, dep.id) is None
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity == "activity_dependencies")))
    assert actions == {"dependency.add", "dependency.update", "dependency.remove"}


def test_coordinators_cannot_edit_dependencies_or_lead_units(client, login_as, activities, lead_unit):
    login_as("coord_soldtbxh")
    assert _add_dependency(client, activities[9], activities[1]).status_code == 403
    response = post_form(client, f"/plan/activities/{activities[9].id}/lead-units",
                         {"unit_ids": str(lead_unit.id)}, token_page=f"/plan/activities/{activities[9].id}")
    assert response.status_code == 403


def test_steering_links_a_lead_unit_whose_coordinator_may_then_update(client, login_as, activities, lead_unit):
    login_as("steering")
    response = post_form(client, f"/plan/activities/{activities[9].id}/lead-units",
                         {"unit_ids": str(lead_unit.id)}, token_page=f"/plan/activities/{activities[9].id}")
    assert response.status_code == 302
    logout(client)
    login_as("coord_soldtbxh")
    assert "Cập nhật tiến độ" in client.get(f"/plan/activities/{activities[9].id}").get_data(as_text=True)


def test_the_activity_page_shows_what_finishing_today_would_move(client, login_as, activities, pinned_today):
    pinned_today(date(2025, 1, 20))
    login_as("steering")
    page = client.get(f"/plan/activities/{activities[3].id}").get_data(as_text=True)
    assert "Nếu hoạt động này hoàn thành hôm nay (20/01/2025)" in page
    assert "<strong>HĐ 7</strong> đúng so với kế hoạch" in page
