from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DecimalField, IntegerField
from wtforms.validators import InputRequired, NumberRange, Optional

from app.plan.forms import VnDateField


class TargetForm(FlaskForm):
    target_percent = DecimalField("Tỷ lệ mục tiêu (%)", places=1, validators=[
        InputRequired("Nhập tỷ lệ mục tiêu."), NumberRange(min=0.1, max=100, message="Từ 0,1 đến 100%.")])
    start_on = VnDateField("Ngày bắt đầu tính lộ trình", validators=[InputRequired("Chọn ngày bắt đầu.")])
    deadline = VnDateField("Hạn hoàn thành", validators=[InputRequired("Chọn hạn hoàn thành.")])


class DenominatorImportForm(FlaskForm):
    file = FileField("Tệp số liệu (.xlsx hoặc .csv)", validators=[FileRequired("Chọn tệp.")])
    dry_run = BooleanField("Chỉ kiểm tra, không ghi", default=True)


class WhatIfForm(FlaskForm):
    """What-ifs of the forecast: read-only (GET), so no CSRF token."""

    class Meta:
        csrf = False

    classes_total = IntegerField("Số lớp mỗi giảng viên mở", validators=[
        Optional(), NumberRange(min=1, max=20, message="Từ 1 đến 20 lớp.")])
    conversion = DecimalField("Tỷ lệ học viên thành giảng viên (%)", places=1, validators=[
        Optional(), NumberRange(min=0, max=100, message="Từ 0 đến 100%.")])
    extra = IntegerField("Thêm giảng viên nòng cốt ở địa bàn yếu nhất", validators=[
        Optional(), NumberRange(min=0, max=5000, message="Từ 0 đến 5.000 người.")])
    months = IntegerField("Số tháng dự báo", default=12, validators=[
        Optional(), NumberRange(min=1, max=36, message="Từ 1 đến 36 tháng.")])
