"""Forms of the invitation pages: invite a selection or every trainer without an account of a commune or unit;
choose a password from a link; ask for a reset ("Quên mật khẩu")."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.web.choices import IdSelectField, IdSelectMultipleField, choices

DELIVERY = {"sheet": "Phiếu in A4 có mã QR", "link": "Liên kết để sao chép", "email": "Gửi e-mail (người có địa chỉ)"}


class InviteSelectionForm(FlaskForm):
    trainer_ids = IdSelectMultipleField("Giảng viên được chọn")
    channel = SelectField("Cách gửi", choices=choices(DELIVERY), default="sheet")


class InviteAllForm(FlaskForm):
    area_id = IdSelectField("Xã / địa bàn", default=0)
    unit_id = IdSelectField("Đơn vị", default=0)
    channel = SelectField("Cách gửi", choices=choices(DELIVERY), default="sheet")


class InviteOneForm(FlaskForm):
    channel = SelectField("Cách gửi", choices=choices({"link": DELIVERY["link"], "sheet": DELIVERY["sheet"],
                                                       "email": "Gửi e-mail"}), default="link")


class AcceptForm(FlaskForm):
    password = PasswordField("Mật khẩu", validators=[DataRequired("Vui lòng nhập mật khẩu.")])
    repeat_password = PasswordField("Nhập lại mật khẩu", validators=[DataRequired("Vui lòng nhập lại mật khẩu.")])


class ForgotForm(FlaskForm):
    username = StringField("Số điện thoại hoặc tên đăng nhập",
                           validators=[DataRequired("Vui lòng nhập số điện thoại hoặc tên đăng nhập."),
                                       Length(max=60)])


class RevokeForm(FlaskForm):
    """Revoke a trainer's open link (the CSRF token only)."""
