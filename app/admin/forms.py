from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from app.auth.passwords import PasswordRule
from app.models.vocab import ROLES
from app.web.choices import IdSelectField, choices


class UserForm(FlaskForm):
    username = StringField(
        "Tên đăng nhập",
        validators=[
            DataRequired("Vui lòng nhập tên đăng nhập."),
            Length(3, 60, "Tên đăng nhập dài từ 3 đến 60 ký tự."),
            Regexp(r"^[A-Za-z0-9_.-]+$", message="Chỉ dùng chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới."),
        ],
    )
    full_name = StringField("Họ và tên", validators=[Optional(), Length(max=120)])
    email = EmailField("Email", validators=[Optional(), Email("Email không hợp lệ."), Length(max=160)])
    password = PasswordField("Mật khẩu", validators=[Optional(), PasswordRule()])
    role = SelectField("Vai trò", choices=choices(ROLES))
    scope_area_id = IdSelectField("Phạm vi địa bàn", default=0)
    scope_unit_id = IdSelectField("Phạm vi đơn vị", default=0)
    person_phone = StringField("Số điện thoại của giảng viên (vai trò Giảng viên)", validators=[Optional()])
    active = BooleanField("Đang hoạt động", default=True)
