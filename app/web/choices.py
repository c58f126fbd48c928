"""Select options for WTForms 3.3+, which wants `SelectChoice` objects instead of (value, label) tuples."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from wtforms.fields.choices import SelectChoice


def choices(pairs: Mapping | Iterable[tuple]) -> list[SelectChoice]:
    """Options from a {value: label} mapping or (value, label) pairs, in order."""
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    return [SelectChoice(value, label) for value, label in items]
