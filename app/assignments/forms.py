from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from app.web.choices import IdSelectField


class AcceptForm(FlaskForm):
    """One suggestion, posted back from its row."""

    trainer_id = HiddenField(validators=[Regexp(r"^\d+$")])
    target = HiddenField(validators=[Regexp(r"^(area|unit):\d+$")])
    classes = HiddenField(validators=[Regexp(r"^\d+$")])


class ConfirmForm(FlaskForm):
    """A bare POST (end, cancel): only the CSRF token."""


class AcceptAllForm(FlaskForm):
    """Accepting every suggestion, confirmed on its own page: the count the user was shown comes back, and the
    suggestions are accepted only if there are still exactly that many."""

    expected = IntegerField(validators=[InputRequired(), NumberRange(min=1)])


class AssignForm(FlaskForm):
    trainer_id = IdSelectField("Giảng viên (còn chỗ trống)")
    target = SelectField("Nơi phân công (xã, phường hoặc đơn vị)", validate_choice=False,
                         validators=[DataRequired("Vui lòng chọn nơi phân công.")])
    classes = IntegerField("Số lớp cần mở", default=1,
                           validators=[InputRequired("Vui lòng nhập số lớp."), NumberRange(1, 10, "Số lớp từ 1 đến 10.")])
    starts_on = DateField("Từ ngày", validators=[InputRequired("Vui lòng chọn ngày bắt đầu.")])
    ends_on = DateField("Đến ngày", validators=[InputRequired("Vui lòng chọn ngày kết thúc.")])
    reason = TextAreaField("Ghi chú", validators=[Optional(), Length(max=500)])
