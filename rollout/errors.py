"""The one exception tree of the ``rollout`` package.

Rules:
- every error is a :class:`RolloutError`;
- every class has a stable ``code`` (a short snake_case string the web layer maps to a Vietnamese message);
- the details travel in ``params`` (a plain dict of JSON-friendly values), never only in the text.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "RolloutError",
    "PlanError",
    "InvalidFieldError",
    "PlanFileError",
    "ScheduleError",
    "ScheduleCycleError",
    "UnknownActivityError",
    "GapRuleError",
    "InvalidInputError",
]


class RolloutError(Exception):
    """Root of every error raised by ``rollout``; ``code`` is stable, ``params`` hold the details."""

    code: str = "rollout_error"

    def __init__(self, message: str | None = None, **params: Any) -> None:
        self.params: dict[str, Any] = params
        super().__init__(message or self._default_message())

    def _default_message(self) -> str:
        details = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.code}: {details}" if details else self.code


class PlanError(RolloutError):
    """A plan document cannot be used."""

    code = "invalid_plan"


class InvalidFieldError(PlanError):
    """One field of a plan document is missing or wrong; ``params['field']`` is its path, e.g.
    ``activities[3].window.end``, and ``params['reason']`` says what is wrong."""

    code = "invalid_field"

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}", field=field, reason=reason)


class PlanFileError(PlanError):
    """A plan file cannot be read (unknown extension, unreadable, not a mapping)."""

    code = "plan_file"

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}", path=path, reason=reason)


class ScheduleError(RolloutError):
    """The activities cannot be scheduled."""

    code = "schedule_error"


class ScheduleCycleError(ScheduleError):
    """The dependencies loop; ``params['cycle']`` lists the activity numbers in loop order."""

    code = "cycle"

    def __init__(self, cycle: list[int]) -> None:
        super().__init__(f"dependency cycle: {' -> '.join(map(str, cycle))}", cycle=cycle)


class UnknownActivityError(ScheduleError):
    """An activity number that the plan does not have; ``params['number']``."""

    code = "unknown_activity"

    def __init__(self, number: int) -> None:
        super().__init__(f"unknown activity {number}", number=number)


class GapRuleError(RolloutError):
    """A gap rule is badly declared or registered twice; ``params['rule']``, ``params['reason']``."""

    code = "gap_rule"

    def __init__(self, rule: str, reason: str) -> None:
        super().__init__(f"{rule}: {reason}", rule=rule, reason=reason)


class InvalidInputError(RolloutError):
    """A computation got an argument outside its domain; ``params['field']``, ``params['reason']``."""

    code = "invalid_input"

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}", field=field, reason=reason)
