from flask_wtf import FlaskForm
from wtforms import SelectField


class ReportForm(FlaskForm):
    quarter = SelectField("Quý báo cáo", validate_choice=False)
    area_id = SelectField("Phạm vi (địa bàn)", coerce=int, validate_choice=False)
