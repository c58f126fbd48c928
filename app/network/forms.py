"""Forms of the network pages: register a trainer, move a branch, import a roster, promote a learner."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.models.vocab import LEVELS, TRAINER_STATUSES, TRAINER_TIERS
from app.web.choices import IdSelectField, choices

MENTOR_HINT = "Gõ tên hoặc số điện thoại rồi chọn trong danh sách; cũng có thể nhập mã dạng #123."


class TrainerForm(FlaskForm):
    full_name = StringField("Họ và tên", validators=[Optional(), Length(max=120)])
    phone = StringField("Số điện thoại", validators=[Optional(), Length(max=20)])
    national_id = StringField("Số định danh (CCCD)", validators=[Optional(), Length(max=12)])
    mentor_id = StringField("Người hướng dẫn", validators=[Optional(), Length(max=200)])
    tier = SelectField("Cấp", choices=choices(TRAINER_TIERS), default="local")
    max_level = SelectField("Bậc được dạy", coerce=int, choices=choices(LEVELS), default=1)
    area_id = IdSelectField("Địa bàn làm việc", validators=[DataRequired("Vui lòng chọn địa bàn làm việc.")])
    unit_id = IdSelectField("Đơn vị công tác", default=0)
    certified_on = DateField("Ngày được công nhận", validators=[Optional()])


class StatusForm(FlaskForm):
    status = SelectField("Trạng thái", choices=choices(TRAINER_STATUSES))


class MoveForm(FlaskForm):
    mentor_id = StringField("Người hướng dẫn mới", validators=[DataRequired("Vui lòng chọn người hướng dẫn mới.")])
    reason = StringField("Lý do điều chỉnh", validators=[DataRequired("Vui lòng ghi lý do điều chỉnh."),
                                                         Length(max=200)])


class ImportForm(FlaskForm):
    file = FileField("Tệp danh sách (.xlsx hoặc .csv)", validators=[FileRequired("Vui lòng chọn tệp.")])


class PromoteForm(FlaskForm):
    max_level = SelectField("Bậc được dạy", coerce=int, choices=choices(LEVELS))
    certified_on = DateField("Ngày được công nhận", validators=[DataRequired("Vui lòng nhập ngày công nhận.")])
