from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.models.vocab import ACTIVITY_STATUSES
from app.web.choices import IdSelectField, IdSelectMultipleField


def choice_list(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3 choices (tuples are deprecated)."""
    return [SelectChoice(value, label) for value, label in pairs]


class VnDateField(DateField):
    """A date input whose parse error is Vietnamese."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Ngày không hợp lệ.") from None


class VnIntegerField(IntegerField):
    """An integer input whose parse error is Vietnamese."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Nhập một số nguyên.") from None


class ProgressForm(FlaskForm):
    status = SelectField("Trạng thái", choices=choice_list(ACTIVITY_STATUSES.items()))
    progress = VnIntegerField("Tiến độ (%)", default=0, validators=[
        InputRequired("Nhập tiến độ từ 0 đến 100."), NumberRange(0, 100, "Tiến độ là một số từ 0 đến 100.")])
    started_on = VnDateField("Ngày bắt đầu thực tế", validators=[Optional()])
    finished_on = VnDateField("Ngày hoàn thành thực tế", validators=[Optional()])
    note = TextAreaField("Ghi chú", validators=[Optional(), Length(max=2000)])


class DependencyForm(FlaskForm):
    predecessor_id = IdSelectField("Phải chờ hoạt động", validators=[DataRequired("Chọn hoạt động đứng trước.")])
    lag_days = VnIntegerField("Độ trễ (ngày)", default=0, validators=[
        InputRequired("Nhập độ trễ (0 nếu bắt đầu ngay sau)."),
        NumberRange(-3660, 3660, "Độ trễ nằm trong khoảng -3660 đến 3660 ngày.")])


class LeadUnitsForm(FlaskForm):
    unit_ids = IdSelectMultipleField("Đơn vị chủ trì trong hệ thống", validators=[Optional()])


class EvidenceForm(FlaskForm):
    file = FileField("Tệp minh chứng (PDF, PNG, JPG, DOCX)")
    description = StringField("Mô tả", validators=[Optional(), Length(max=255)])


class DistrictPlanForm(FlaskForm):
    number = StringField("Số hiệu kế hoạch", validators=[Optional(), Length(max=60)])
    issued_on = VnDateField("Ngày ban hành", validators=[Optional()])
    launched_on = VnDateField("Ngày phát động", validators=[Optional()])
    note = TextAreaField("Ghi chú", validators=[Optional(), Length(max=2000)])
    file = FileField("Tệp kế hoạch (PDF, PNG, JPG, DOCX)")
