"""The form that asks for a background export: the list, the format and the list's filters (a query string)."""

from flask_wtf import FlaskForm
from wtforms import HiddenField


class ExportRequestForm(FlaskForm):
    kind = HiddenField()
    fmt = HiddenField()
    filters = HiddenField()
