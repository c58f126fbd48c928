from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DecimalField
from wtforms.validators import InputRequired, NumberRange

from app.plan.forms import VnDateField


class TargetForm(FlaskForm):
    target_percent = DecimalField("Tỷ lệ mục tiêu (%)", places=1, validators=[
        InputRequired("Nhập tỷ lệ mục tiêu."), NumberRange(min=0.1, max=100, message="Từ 0,1 đến 100%.")])
    start_on = VnDateField("Ngày bắt đầu tính lộ trình", validators=[InputRequired("Chọn ngày bắt đầu.")])
    deadline = VnDateField("Hạn hoàn thành", validators=[InputRequired("Chọn hạn hoàn thành.")])


class DenominatorImportForm(FlaskForm):
    file = FileField("Tệp số liệu (.xlsx hoặc .csv)", validators=[FileRequired("Chọn tệp.")])
    dry_run = BooleanField("Chỉ kiểm tra, không ghi", default=True)
