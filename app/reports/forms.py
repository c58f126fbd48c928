from flask_wtf import FlaskForm
from wtforms import SelectField

from app.web.choices import IdSelectField


class ReportForm(FlaskForm):
    quarter = SelectField("Quý báo cáo", validate_choice=False)
    area_id = IdSelectField("Phạm vi (địa bàn)")
