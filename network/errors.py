"""Domain errors of the trainer network.

Rules:

- Every error raised on purpose by :mod:`network` is a :class:`NetworkError`; callers catch that one root.
- Each class has a stable, machine-readable ``code`` (a short snake_case string). The web layer maps codes to
  Vietnamese messages in one place; this package never carries user-facing text.
- The details are structured ``params`` (a plain dict such as ``{"trainer_id": 7, "mentor_id": 3}``), also
  exposed as attributes, so a message template or a form field can use them.

>>> err = SelfMentorError(trainer_id=7, mentor_id=7)
>>> err.code, err.params
('self_mentor', {'trainer_id': 7, 'mentor_id': 7})
>>> err.trainer_id
7
>>> isinstance(err, NetworkError)
True
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "NetworkError",
    "SelfMentorError",
    "CycleError",
    "UnknownMentorError",
    "InactiveMentorError",
    "MentorLevelError",
    "SecondMentorError",
    "DuplicateTrainerError",
    "InvalidPathError",
    "InvalidInputError",
    "ERROR_CODES",
]


class NetworkError(Exception):
    """Root of all network errors: a stable ``code`` plus structured ``params``."""

    code: ClassVar[str] = "network"

    def __init__(self, **params: Any) -> None:
        self.params: dict[str, Any] = dict(params)
        super().__init__(f"{self.code}: " + ", ".join(f"{k}={v!r}" for k, v in self.params.items()))

    def __getattr__(self, name: str) -> Any:
        params = self.__dict__.get("params", {})
        if name in params:
            return params[name]
        raise AttributeError(name)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.params))


def _rebuild(cls: type[NetworkError], params: dict[str, Any]) -> NetworkError:
    return cls(**params)


class SelfMentorError(NetworkError):
    """A trainer cannot be their own mentor. Params: ``trainer_id``, ``mentor_id``."""

    code = "self_mentor"


class CycleError(NetworkError):
    """The link would close a loop: the mentor is the trainee or one of the trainee's descendants.

    Params: ``trainer_id``, ``mentor_id`` and ``cycle`` (the ids on the loop, as a tuple, when known).
    """

    code = "cycle"


class UnknownMentorError(NetworkError):
    """The mentor id names no trainer. Params: ``trainer_id``, ``mentor_id``."""

    code = "unknown_mentor"


class InactiveMentorError(NetworkError):
    """Only an ``active`` trainer can take a new trainee. Params: ``trainer_id``, ``mentor_id``, ``status``."""

    code = "inactive_mentor"


class MentorLevelError(NetworkError):
    """A mentor must be certified at least as high as the trainee (``mentor.max_level >= trainee.max_level``).

    Params: ``trainer_id``, ``mentor_id``, ``mentor_level``, ``trainee_level``.
    """

    code = "mentor_level"


class SecondMentorError(NetworkError):
    """A trainer has at most one mentor; this link names a different one.

    Params: ``trainer_id``, ``mentor_id`` (the new one) and ``current_mentor_id`` (the one already recorded),
    plus ``first_row`` when the conflict is inside one import batch.
    """

    code = "second_mentor"


class DuplicateTrainerError(NetworkError):
    """The same trainer id appears twice in input that must have unique ids. Params: ``trainer_id``."""

    code = "duplicate_trainer"


class InvalidPathError(NetworkError):
    """A materialized path is not of the form ``/id/id/.../``. Params: ``path``."""

    code = "invalid_path"


class InvalidInputError(NetworkError):
    """An argument is out of range (negative capacity, unknown kind, ...). Params: ``field``, ``value``."""

    code = "invalid_input"


ERROR_CODES: dict[str, type[NetworkError]] = {
    cls.code: cls
    for cls in (
        NetworkError,
        SelfMentorError,
        CycleError,
        UnknownMentorError,
        InactiveMentorError,
        MentorLevelError,
        SecondMentorError,
        DuplicateTrainerError,
        InvalidPathError,
        InvalidInputError,
    )
}
"""Every code this package can raise, mapped to its class (the app checks it has a message for each)."""
