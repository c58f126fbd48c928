from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, widgets
from wtforms.validators import DataRequired, Length

from app.web.choices import IdSelectField, IdSelectMultipleField


class MigrateForm(FlaskForm):
    to = SelectField("Chuyển sang bản đồ", validators=[DataRequired("Hãy chọn bản đồ.")])


class ClusterForm(FlaskForm):
    name = StringField("Tên cụm", validators=[DataRequired("Hãy nhập tên cụm."), Length(max=160)])
    member_ids = IdSelectMultipleField(
        "Các xã, phường trong cụm",
        widget=widgets.ListWidget(prefix_label=False), option_widget=widgets.CheckboxInput(),
    )


class PlaceForm(FlaskForm):
    rehoming_id = HiddenField()
    new_area_id = IdSelectField("Xã mới")
