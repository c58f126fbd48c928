from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange

from app.web.choices import IdSelectField


class ApiClientForm(FlaskForm):
    name = StringField("Tên hệ thống", validators=[DataRequired("Vui lòng nhập tên hệ thống."),
                                                    Length(max=120, message="Tên dài tối đa 120 ký tự.")])
    scope_area_id = IdSelectField("Phạm vi địa bàn", default=0)
    scope_unit_id = IdSelectField("Phạm vi đơn vị", default=0)
    can_read = BooleanField("Được đọc dữ liệu", default=True)
    can_ingest = BooleanField("Được gửi kết quả học trực tuyến")


class TokenForm(FlaskForm):
    days = IntegerField("Thời hạn (ngày)", default=365,
                        validators=[DataRequired("Vui lòng nhập thời hạn."),
                                    NumberRange(1, 730, "Thời hạn từ 1 đến 730 ngày.")])


class ConfirmForm(FlaskForm):
    """A button that changes something (revoke, lock): only its CSRF token."""
