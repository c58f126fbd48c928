"""Forms of the unit registry: a unit (create and edit), closing a unit, the unit import, a merge, a split and the
placement of a split unit's records."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.models import Unit
from app.models.unit import UNIT_MOVE_ENTITIES
from app.models.vocab import UNIT_KINDS
from app.plan.forms import VnDateField, VnIntegerField
from app.web.choices import IdSelectField, IdSelectMultipleField, choices

_NUMBER = "Nhập một số nguyên."


class UnitForm(FlaskForm):
    name = StringField("Tên đơn vị", validators=[DataRequired("Vui lòng nhập tên đơn vị."), Length(max=200)])
    short_name = StringField("Tên viết tắt", validators=[Optional(), Length(max=60)])
    kind = SelectField("Loại", choices=choices(UNIT_KINDS), default="agency")
    parent_id = IdSelectField("Đơn vị cấp trên", default=0)
    area_id = IdSelectField("Địa bàn", validators=[DataRequired("Vui lòng chọn địa bàn.")])
    headcount = VnIntegerField("Số cán bộ, nhân sự", validators=[Optional(), NumberRange(min=0, message=_NUMBER)])
    headcount_year = VnIntegerField("Năm của số liệu", validators=[
        Optional(), NumberRange(min=2000, max=2100, message="Năm phải từ 2000 đến 2100.")])
    headcount_source = StringField("Nguồn số liệu", validators=[Optional(), Length(max=200)])
    contact = TextAreaField("Liên hệ (điện thoại, thư điện tử, địa chỉ)", validators=[Optional(), Length(max=300)])
    valid_from = VnDateField("Hoạt động từ ngày", validators=[DataRequired("Vui lòng nhập ngày.")])

    def fill(self, unit: Unit) -> None:
        for name in ("name", "short_name", "kind", "headcount", "headcount_year", "headcount_source", "contact",
                     "valid_from"):
            getattr(self, name).data = getattr(unit, name)
        self.parent_id.data, self.area_id.data = unit.parent_id or 0, unit.area_id


class CloseForm(FlaskForm):
    valid_to = VnDateField("Hoạt động đến hết ngày", validators=[DataRequired("Vui lòng nhập ngày.")])


class UnitImportForm(FlaskForm):
    file = FileField("Tệp danh sách đơn vị (.xlsx hoặc .csv)", validators=[FileRequired("Chọn tệp.")])
    dry_run = BooleanField("Chỉ kiểm tra, không ghi", default=True)


class MergeForm(FlaskForm):
    source_ids = IdSelectMultipleField("Các đơn vị được gộp")
    successor_id = IdSelectField("Đơn vị tiếp nhận", default=0)
    new_name = StringField("hoặc tên đơn vị mới (hình thành sau khi gộp)", validators=[Optional(), Length(max=200)])
    effective = VnDateField("Có hiệu lực từ ngày", validators=[DataRequired("Vui lòng nhập ngày có hiệu lực.")])
    decision = StringField("Căn cứ (số quyết định)", validators=[DataRequired("Căn cứ (số quyết định): bắt buộc."),
                                                               Length(max=200)])


class SplitForm(FlaskForm):
    successor_ids = IdSelectMultipleField("Đơn vị đã có nhận một phần")
    new_names = TextAreaField("Đơn vị mới (mỗi dòng một tên)", validators=[Optional(), Length(max=2000)])
    effective = VnDateField("Có hiệu lực từ ngày", validators=[DataRequired("Vui lòng nhập ngày có hiệu lực.")])
    decision = StringField("Căn cứ (số quyết định)", validators=[DataRequired("Căn cứ (số quyết định): bắt buộc."),
                                                               Length(max=200)])


class PlaceForm(FlaskForm):
    entity = SelectField("Loại hồ sơ", choices=choices(UNIT_MOVE_ENTITIES))
    record_ids = IdSelectMultipleField("Hồ sơ")
    to_unit_id = IdSelectField("Chuyển sang đơn vị", default=0)
