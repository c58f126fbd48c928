"""Select options for WTForms 3.3+, which wants `SelectChoice` objects instead of (value, label) tuples."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from markupsafe import Markup, escape
from wtforms.fields.choices import SelectChoice, SelectField, SelectMultipleField

from app.scope import OUTSIDE_CHOICES


def choices(pairs: Mapping | Iterable[tuple]) -> list[SelectChoice]:
    """Options from a {value: label} mapping or (value, label) pairs, in order."""
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    return [SelectChoice(value, label) for value, label in items]



def select_options(items: Iterable, selected=None) -> Markup:
    """The `<option>` elements of `items` (`SelectChoice`s or (value, label) pairs), the one whose value equals
    `selected` marked selected: written in one pass in Python, for the list filters (a Jinja loop over the
    ~350 areas and units a steering user can filter by was a fifth of the trainer list's time).

    >>> str(select_options([(0, "Mọi địa bàn"), (7, "Xã <A>")], 7))
    '<option value="0">Mọi địa bàn</option><option value="7" selected>Xã &lt;A&gt;</option>'
    """
    parts = []
    for item in items:
        value, label = (item.value, item.label) if isinstance(item, SelectChoice) else item
        mark = " selected" if value == selected else ""
        parts.append(f'<option value="{escape(value)}"{mark}>{escape(label)}</option>')
    return Markup("".join(parts))


class IdSelectField(SelectField):
    """A select of row ids. Which ids the user may choose is not checked against the options held in memory but
    by `app.scope.check_choice` against the scoped SELECT the options come from (one narrowed query), where the
    change is made; a value that is not a number gets the same Vietnamese message."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("coerce", int)
        super().__init__(label, validators, validate_choice=False, invalid_value_message=OUTSIDE_CHOICES, **kwargs)


class IdSelectMultipleField(SelectMultipleField):
    """Several row ids, checked the same way as `IdSelectField`."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("coerce", int)
        super().__init__(label, validators, validate_choice=False, invalid_value_message=OUTSIDE_CHOICES, **kwargs)
