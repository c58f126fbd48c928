from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.plan.forms import VnDateField


class AcknowledgeForm(FlaskForm):
    note = TextAreaField("Việc sẽ làm", validators=[DataRequired("Ghi rõ việc sẽ làm."), Length(max=500)])
    due_on = VnDateField("Hạn xử lý", validators=[DataRequired("Chọn hạn xử lý.")])


class ResolveForm(FlaskForm):
    reason = StringField("Lý do đóng", validators=[DataRequired("Ghi lý do đóng cảnh báo."), Length(max=500)])
