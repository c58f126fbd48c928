"""The one password rule, used by the account page, the admin user form and `lantoa users create`.

Rule: a password has PASSWORD_MIN_LENGTH to PASSWORD_MAX_LENGTH characters. Messages name the field.
"""

from __future__ import annotations

from wtforms import ValidationError

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 128


def password_problem(password: str, label: str = "Mật khẩu") -> str | None:
    """The Vietnamese reason `password` breaks the rule, or None.

    >>> password_problem("ngan"), password_problem("du-muoi-ky-tu", "Mật khẩu mới")
    ('Mật khẩu cần ít nhất 10 ký tự.', None)
    """
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"{label} cần ít nhất {PASSWORD_MIN_LENGTH} ký tự."
    if len(password) > PASSWORD_MAX_LENGTH:
        return f"{label} dài tối đa {PASSWORD_MAX_LENGTH} ký tự."
    return None


class PasswordRule:
    """WTForms validator for the rule (an empty field is left to DataRequired / Optional)."""

    def __init__(self, label: str = "Mật khẩu"):
        self.label = label

    def __call__(self, form, field) -> None:
        problem = password_problem(field.data or "", self.label) if field.data else None
        if problem:
            raise ValidationError(problem)
