"""The quarterly report: quarters, the measures, the workbook's sheets and totals, the archive and its scope."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import func, or_, select

from app.areas.graph import AreaGraph
from app.areas.maps import programme_root
from app.extensions import db
from app.models import Area, AuditEvent, Certificate, Enrollment, Report, Trainer, TrainingClass, Unit, User
from app.reports.operations import create_report, generate_quarterly, report_path
from app.reports.quarters import Quarter
from app.reports.sheets.summary import SUMMARY_COLUMNS
from app.reports.workbook import SHEETS
from app.scope import Scope, visible
from app.targets.indicators import measure_all, totals
from app.targets.measures import working_age_population
from app.training.settings import plan_setting
from tests.conftest import post_form
from tests.factories import make_class, make_trainer

Q2 = Quarter(2025, 2)
SHEET_NAMES = ["Bìa", "Chỉ tiêu", "Số liệu chung", "Theo huyện", "Theo xã", "Theo loại đơn vị", "Mạng lưới", "Lớp học", "Chứng nhận",
               "Hoạt động", "Cảnh báo"]


def test_quarters_parse_and_bound():
    q = Quarter.parse("2025-Q4")
    assert (q.start, q.end, q.label) == (date(2025, 10, 1), date(2025, 12, 31), "Quý 4/2025")
    assert Quarter.parse("2024q1").end == date(2024, 3, 31)
    assert Quarter.of(date(2025, 8, 15)) == Quarter(2025, 3)
    assert Quarter(2025, 1).previous() == Quarter(2024, 4)
    with pytest.raises(ValueError, match="2025-Q4"):
        Quarter.parse("2025-Q5")


def _book(report: Report) -> openpyxl.Workbook:
    return openpyxl.load_workbook(report_path(report))


def _rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def test_workbook_sheets_headers_and_totals_equal_the_database(app, ctx):
    steering = db.session.scalar(select(User).where(User.username == "steering"))
    province = programme_root()
    report = create_report(Q2, province, steering, today=date(2025, 7, 10))
    book = _book(report)
    assert book.sheetnames == SHEET_NAMES == [s.title for s in SHEETS]
    from app.reports.sheets.summary import CHART_LABELS

    header = _rows(book["Chỉ tiêu"])[0]
    assert list(header[:len(SUMMARY_COLUMNS)]) == [c.header for c in SUMMARY_COLUMNS]
    assert header[CHART_LABELS] == "Nhãn biểu đồ" and book["Chỉ tiêu"].column_dimensions["J"].hidden
    assert {r[0] for r in _rows(book["Chỉ tiêu"])[1:]} == {"T1", "T2", "T3", "T4", "T5", "T6"}
    assert [r[CHART_LABELS] for r in _rows(book["Chỉ tiêu"])[1:]] == [
        "T1", "T2", "T3.1", "T3.2", "T4.1", "T4.2", "T5.1", "T5.2", "T6"]

    as_of = Q2.end
    in_tree = Area.path.startswith(province.path)
    trainers = db.session.scalar(select(func.count(Trainer.id)).join(Area, Area.id == Trainer.area_id)
                                 .where(in_tree, or_(Trainer.certified_on.is_(None), Trainer.certified_on <= as_of)))
    classes = db.session.scalar(select(func.count(TrainingClass.id)).join(Area, Area.id == TrainingClass.venue_area_id)
                                .where(in_tree, TrainingClass.status != "cancelled", TrainingClass.start_on <= as_of))
    learners = db.session.scalar(select(func.count(Enrollment.id)).join(TrainingClass).join(
        Area, Area.id == TrainingClass.venue_area_id).where(in_tree, TrainingClass.status != "cancelled"))
    certificates = db.session.scalar(select(func.count(Certificate.id)).where(Certificate.issued_on <= as_of))

    districts = _rows(book["Theo huyện"])
    assert districts[0][:5] == ("Mã", "Địa bàn", "Cấp", "Thuộc", "Giảng viên")
    total = districts[1]
    assert total[0] == province.code
    assert (total[4], total[6], total[7], total[10]) == (trainers, classes, learners, certificates)
    assert sum(r[4] for r in districts[2:] if r[0]) == trainers  # the districts add up to the province
    communes = _rows(book["Theo xã"])
    assert sum(r[6] for r in communes[2:] if r[0]) == classes

    class_total = _rows(book["Lớp học"])[-1]
    assert class_total[0] == "Tổng cộng" and class_total[3] == classes and class_total[5] == learners
    cert_total = _rows(book["Chứng nhận"])[-1]
    assert cert_total[0] == "Tổng cộng" and cert_total[1] == certificates
    network = _rows(book["Mạng lưới"])
    assert network[4][0] == "Tổng cộng" and network[4][network[0].index("Tổng")] == trainers
    units = _rows(book["Theo loại đơn vị"])[-1]
    assert units[0] == "Tổng cộng" and units[1] == db.session.scalar(
        select(func.count(Unit.id)).join(Area, Area.id == Unit.area_id).where(in_tree))
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "report.generate",
                                                                     AuditEvent.entity_id == report.id)) == 1
    assert report.size_bytes == report_path(report).stat().st_size > 0


def test_a_district_report_holds_only_its_district(app, ctx, world):
    report = create_report(Q2, world.dai_tu, None, today=date(2025, 7, 10))
    book = _book(report)
    names = {r[1] for r in _rows(book["Theo xã"])[2:]}
    dai_tu_communes = set(db.session.scalars(select(Area.name).where(Area.parent_id == world.dai_tu.id)))
    assert names == dai_tu_communes
    classes = db.session.scalar(select(func.count(TrainingClass.id)).where(
        visible(TrainingClass, Scope(area_path=world.dai_tu.path)), TrainingClass.status != "cancelled"))
    assert _rows(book["Lớp học"])[-1][3] == classes == 1


def _measured(area, code, as_of, core_min=None):
    graph = AreaGraph.load()
    core = core_min if core_min is not None else plan_setting("core_group_min_trainers")
    return totals(measure_all(area.valid_from, as_of, core, graph)[code], area.id, graph)


def test_measures_count_communes_and_core_groups(app, ctx, world):
    communes = db.session.scalar(select(func.count(Area.id)).where(Area.parent_id == world.dai_tu.id))
    assert _measured(world.dai_tu, "communes_with_trainer", date(2025, 6, 30)) == (1, communes)
    other = db.session.scalars(select(Area).where(Area.parent_id == world.dai_tu.id).order_by(Area.code.desc())).first()
    make_trainer(other, mentor=world.trainers["Nguyễn Văn Đại"], certified_on=date(2025, 5, 1))
    make_trainer(other, mentor=world.trainers["Nguyễn Văn Đại"], status="left")
    assert _measured(world.dai_tu, "communes_with_trainer", date(2025, 6, 30))[0] == 2
    assert _measured(world.dai_tu, "communes_with_trainer", date(2025, 4, 30))[0] == 1  # not yet certified

    groups = _measured(world.dai_tu, "units_with_core_group", date(2025, 6, 30), core_min=1)
    assert groups == (1, 1)  # Trường THPT Đại Từ has Nguyễn Văn Đại
    assert _measured(world.dai_tu, "units_with_core_group", date(2025, 6, 30), core_min=2)[0] == 0


def test_working_age_population_sums_children_without_a_figure(app, ctx, world):
    from app.models import AreaPopulation

    communes = list(db.session.scalars(select(Area).where(Area.parent_id == world.dai_tu.id).limit(2)))
    for n, commune in enumerate(communes):
        db.session.add(AreaPopulation(area_id=commune.id, year=2024, working_age=1000 * (n + 1)))
    db.session.flush()
    assert working_age_population(world.dai_tu, 2025) == (3000, False)
    db.session.add(AreaPopulation(area_id=world.dai_tu.id, year=2025, working_age=50000, is_estimate=True))
    db.session.flush()
    assert working_age_population(world.dai_tu, 2025) == (50000, True)
    assert working_age_population(world.dai_tu, 2024) == (3000, False)


def test_steering_generates_and_downloads_from_the_reports_page(client, login_as, world):
    login_as("steering")
    page = client.get("/reports/")
    assert page.status_code == 200 and "Lập báo cáo" in page.get_data(as_text=True)
    response = post_form(client, "/reports/generate", {"quarter": "2025-Q2", "area_id": world.phu_binh.id})
    assert response.status_code == 302
    report = db.session.scalar(select(Report).where(Report.area_id == world.phu_binh.id).order_by(Report.id.desc()))
    assert (report.year, report.quarter) == (2025, 2)
    download = client.get(f"/reports/{report.id}/download")
    assert download.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(download.data)).sheetnames == SHEET_NAMES
    assert "Bao-cao-2025-Q2-D173.xlsx" in download.headers["Content-Disposition"]
    download.close()


def test_coordinator_reports_on_their_area_only(client, login_as, world):
    login_as("coord_daitu")
    page = client.get("/reports/").get_data(as_text=True)
    assert "Huyện Đại Từ" in page and "Huyện Phú Bình" not in page
    refused = post_form(client, "/reports/generate", {"quarter": "2025-Q2", "area_id": world.phu_binh.id})
    assert refused.status_code == 200 and "Địa bàn này nằm ngoài phạm vi của bạn." in refused.get_data(as_text=True)
    ok = post_form(client, "/reports/generate", {"quarter": "2025-Q2", "area_id": world.dai_tu.id})
    assert ok.status_code == 302
    mine = db.session.scalar(select(Report).where(Report.area_id == world.dai_tu.id))
    download = client.get(f"/reports/{mine.id}/download")
    assert download.status_code == 200
    download.close()
    other = post_form(client, "/reports/generate", {"quarter": "2099-Q1", "area_id": world.dai_tu.id})
    assert other.status_code == 200 and "Quý báo cáo" in other.get_data(as_text=True)


def test_report_of_another_district_is_not_listed_nor_served(client, login_as, world):
    pb = db.session.scalar(select(Report).where(Report.area_id == world.phu_binh.id))
    login_as("coord_daitu")
    assert "test-phu-binh" not in client.get("/reports/").get_data(as_text=True)
    assert client.get(f"/reports/{pb.id}/download").status_code == 404


def test_trainers_have_no_reports(client, login_as):
    login_as("trainer_daitu")
    assert client.get("/reports/").status_code == 404


def test_unit_coordinators_read_but_cannot_report_on_an_area(client, login_as):
    login_as("coord_edu")
    page = client.get("/reports/")
    assert page.status_code == 200 and "Lập báo cáo" not in page.get_data(as_text=True)
    assert "không lập được báo cáo quý" in page.get_data(as_text=True)


def test_quarterly_job_entry_point_and_cli(app, ctx, world):
    summary = generate_quarterly(2025, 2, today=date(2025, 7, 1))
    assert summary.startswith("Đã lập báo cáo Quý 2/2025 — Tỉnh Thái Nguyên")
    job = db.session.scalar(select(Report).where(Report.origin == "job"))
    assert job.generated_by_id is None and job.area_id == programme_root().id
    result = CliRunner().invoke(app.cli, ["reports", "quarterly", "--quarter", "2025-Q1", "--area", "D171"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Quý 1/2025 — Huyện Đại Từ" in result.output
    bad = CliRunner().invoke(app.cli, ["reports", "quarterly", "--quarter", "2025-Q9"])
    assert bad.exit_code != 0 and "2025-Q4" in bad.output


def test_a_report_counts_classes_added_after_the_quarter_only_later(app, ctx, world):
    trainer = world.trainers["Nguyễn Văn Đại"]
    commune = db.session.get(Area, trainer.area_id)
    make_class(trainer, commune, start_on=date(2025, 8, 1), end_on=date(2025, 8, 30))
    q2 = create_report(Q2, world.dai_tu, None, today=date(2025, 9, 1))
    q3 = create_report(Quarter(2025, 3), world.dai_tu, None, today=date(2025, 9, 1))
    assert _rows(_book(q2)["Lớp học"])[-1][3] + 1 == _rows(_book(q3)["Lớp học"])[-1][3]


def test_activities_sheet_judges_each_activity_on_the_report_day(app, ctx, world):
    from app.models import Activity, Plan

    plan = db.session.scalar(select(Plan).where(Plan.number == "45/KH-UBND"))
    first, second = db.session.scalars(select(Activity).where(Activity.plan_id == plan.id)
                                       .order_by(Activity.number)).all()
    first.status, first.progress, first.started_on, first.finished_on = "done", 100, date(2025, 1, 5), date(2025, 5, 2)
    db.session.flush()
    q1 = _rows(_book(create_report(Quarter(2025, 1), world.phu_binh, None, today=date(2025, 7, 1)))["Hoạt động"])
    assert q1[0][:3] == ("Kế hoạch", "Số", "Hoạt động")
    by_number = {r[1]: r for r in q1[1:]}
    assert set(by_number) == {1, 2}  # Phú Bình's plan; Đại Từ sees none of it
    assert by_number[1][7] == "Đang thực hiện" and by_number[1][11] == "Quá hạn" and by_number[1][12] == 31
    assert by_number[2][7] == "Chưa bắt đầu" and by_number[2][11] == "Chậm bắt đầu"
    q2 = _rows(_book(create_report(Q2, world.phu_binh, None, today=date(2025, 7, 1)))["Hoạt động"])
    assert {r[1]: r[7] for r in q2[1:]}[1] == "Hoàn thành"
    dai_tu = _rows(_book(create_report(Q2, world.dai_tu, None, today=date(2025, 7, 1)))["Hoạt động"])
    assert [r[0] for r in dai_tu[1:]] == []


def test_gaps_sheet_counts_open_gaps_by_rule(app, ctx, world):
    from app.models import Gap

    db.session.add(Gap(rule_code="commune_without_trainer", subject_kind="area", subject_id="x1",
                       area_id=world.phu_binh.id, severity="high", state="acknowledged", params={}))
    db.session.add(Gap(rule_code="commune_without_trainer", subject_kind="area", subject_id="x2",
                       area_id=world.phu_binh.id, severity="high", state="resolved", params={},
                       resolved_at=date(2025, 6, 1)))
    db.session.flush()
    rows = _rows(_book(create_report(Q2, world.phu_binh, None, today=date(2025, 7, 1)))["Cảnh báo"])
    summary = {r[0]: r for r in rows[1:4] if r[0]}
    assert summary["Xã chưa có giảng viên"][1:] == (1, 0, 0, 0, 1, 1)
    assert summary["Hoạt động chưa bắt đầu"][1:] == (0, 1, 0, 1, 0, 1)
    assert summary["Tổng cộng"][-1] == 2
    dai_tu = _rows(_book(create_report(Q2, world.dai_tu, None, today=date(2025, 7, 1)))["Cảnh báo"])
    assert dai_tu[1][0] is None or dai_tu[1][0] == "Các cảnh báo đang mở"


def test_districts_with_a_plan_are_measured(app, ctx, world):
    province = programme_root()
    # the world's only stored plan is Phú Bình's own, issued on 10/01/2025
    issued, districts = _measured(province, "districts_plan_issued", date(2025, 6, 30))
    assert issued == 1 and districts >= 1
    assert _measured(province, "districts_plan_issued", date(2025, 1, 9))[0] == 0
    assert _measured(world.dai_tu, "districts_plan_issued", date(2025, 6, 30))[0] == 0
