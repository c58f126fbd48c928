from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired, Length


class MigrateForm(FlaskForm):
    to = SelectField("Chuyển sang bản đồ", validators=[DataRequired("Hãy chọn bản đồ.")])


class ClusterForm(FlaskForm):
    name = StringField("Tên cụm", validators=[DataRequired("Hãy nhập tên cụm."), Length(max=160)])
    member_ids = SelectMultipleField(
        "Các xã, phường trong cụm", coerce=int,
        widget=widgets.ListWidget(prefix_label=False), option_widget=widgets.CheckboxInput(),
    )


class PlaceForm(FlaskForm):
    rehoming_id = HiddenField()
    new_area_id = SelectField("Xã mới", coerce=int)
