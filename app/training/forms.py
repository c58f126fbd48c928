from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.models.vocab import AUDIENCE_GROUPS, CLASS_MODES, LEVELS
from app.plan.forms import VnDateField, VnIntegerField
from app.web.choices import IdSelectField, IdSelectMultipleField


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class ClassForm(FlaskForm):
    trainer_id = StringField("Giảng viên phụ trách", validators=[Optional(), Length(max=200)])
    level = SelectField("Bậc", coerce=int, choices=options(LEVELS.items()))
    topic = StringField("Chủ đề", validators=[DataRequired("Vui lòng nhập chủ đề."), Length(max=200)])
    audience_group = SelectField("Đối tượng", choices=options(AUDIENCE_GROUPS.items()))
    mode = RadioField("Hình thức", choices=options(CLASS_MODES.items()), default="in_person")
    venue_area_id = IdSelectField("Xã, phường nơi mở lớp")
    host_unit_id = IdSelectField("Đơn vị chủ trì", default=0)
    start_on = DateField("Ngày bắt đầu", validators=[InputRequired("Vui lòng chọn ngày bắt đầu.")])
    end_on = DateField("Ngày kết thúc", validators=[InputRequired("Vui lòng chọn ngày kết thúc.")])
    sessions = IntegerField("Số buổi", validators=[Optional(), NumberRange(1, 200, "Số buổi từ 1 đến 200.")])
    capacity = IntegerField("Sĩ số dự kiến", validators=[Optional(), NumberRange(1, 5000, "Sĩ số từ 1 đến 5.000.")])


class TransitionForm(FlaskForm):
    to = SelectField("Chuyển sang", choices=options(
        [("open", "open"), ("running", "running"), ("completed", "completed"), ("cancelled", "cancelled")]))
    reason = TextAreaField("Lý do", validators=[Optional(), Length(max=500)])


class CompletionForm(FlaskForm):
    """One-step completion on the class page: a day, and every learner or the ticked ones."""

    completed_on = VnDateField("Ngày hoàn thành", validators=[InputRequired("Vui lòng chọn ngày hoàn thành.")])
    who = RadioField("Học viên hoàn thành", default="all", validate_choice=False, choices=options(
        [("all", "Tất cả học viên đang học"), ("some", "Chỉ những học viên được đánh dấu")]))
    enrollment_ids = IdSelectMultipleField("Học viên đã hoàn thành")
    drop_others = BooleanField("Ghi “Bỏ học” cho những học viên đang học không được đánh dấu")


class LearnerForm(FlaskForm):
    full_name = StringField("Họ và tên", validators=[DataRequired("Vui lòng nhập họ và tên."), Length(max=120)])
    phone = StringField("Số điện thoại")
    national_id = StringField("Số định danh")
    birth_year = StringField("Năm sinh")
    gender = SelectField("Giới tính", validate_choice=False, choices=options(
        [("", "–"), ("Nam", "Nam"), ("Nữ", "Nữ"), ("Khác", "Khác")]))
    ethnic_group = StringField("Dân tộc")
    email = StringField("Email")
    workplace = StringField("Đơn vị công tác")


class RosterForm(FlaskForm):
    file = FileField("Tệp danh sách (.xlsx hoặc .csv)")


class ReasonForm(FlaskForm):
    reason = TextAreaField("Lý do", validators=[DataRequired("Vui lòng nêu lý do."), Length(max=500)])


class MergeForm(FlaskForm):
    duplicate_id = VnIntegerField("Mã hồ sơ trùng (sẽ được gộp vào hồ sơ này)",
                                validators=[InputRequired("Vui lòng nhập mã hồ sơ trùng.")])


class QuickAddForm(FlaskForm):
    """Several learners typed or pasted on the class page: one per line, name then phone."""

    people = TextAreaField("Thêm nhanh học viên: mỗi dòng một người, họ và tên rồi số điện thoại",
                           validators=[DataRequired("Nhập ít nhất một dòng: họ và tên, số điện thoại."),
                                       Length(max=20_000, message="Tối đa 20.000 ký tự; dùng “Nhập danh sách” cho "
                                                                  "danh sách dài.")])
