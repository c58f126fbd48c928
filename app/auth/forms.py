from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from app.auth.passwords import PasswordRule
from app.models.vocab import DIGEST_FREQUENCIES


class LoginForm(FlaskForm):
    username = StringField("Số điện thoại hoặc tên đăng nhập",
                           validators=[DataRequired("Vui lòng nhập số điện thoại hoặc tên đăng nhập."), Length(max=60)])
    password = PasswordField("Mật khẩu", validators=[DataRequired("Vui lòng nhập mật khẩu.")])
    remember = BooleanField("Ghi nhớ đăng nhập")
    next = HiddenField()


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField("Mật khẩu hiện tại",
                                     validators=[DataRequired("Vui lòng nhập mật khẩu hiện tại.")])
    new_password = PasswordField("Mật khẩu mới", validators=[DataRequired("Vui lòng nhập mật khẩu mới."),
                                                              PasswordRule("Mật khẩu mới")])
    repeat_password = PasswordField("Nhập lại mật khẩu mới",
                                    validators=[DataRequired("Vui lòng nhập lại mật khẩu mới.")])


class DigestForm(FlaskForm):
    digest_frequency = RadioField("Nhận bản tin cảnh báo qua e-mail",
                                  choices=[SelectChoice(code, label) for code, label in DIGEST_FREQUENCIES.items()])
