"""The one commit point of a `lantoa` command (the CLI's twin of `app/web/boundary.py`).

Rules:
- a command and the operations it calls only flush; when the command returns normally (or exits with code 0)
  its changes are committed once, here; a dry run rolls itself back before returning, leaving nothing to commit;
- any exception, and any exit with a non-zero code, rolls the changes back: nothing is half-written;
- expected failures become one Vietnamese line on stderr ("Lỗi: …") and exit code 1, never a traceback:
  a refused change (`OperationError`), the loaders' file errors (map, neighbours, roster, table imports), a plan
  file error, a `click.ClickException` raised by the command, an input file that is missing, not a file, not
  readable, not UTF-8 (the first bad line is named), or not valid YAML / JSON / CSV (line and column named);
  a message about an input file that does not name it is prefixed with the file's name;
- an unexpected exception (a bug) is rolled back and re-raised with its traceback;
- input files are declared with :class:`InputFile` (not ``click.Path(exists=True)``, whose refusal is English
  and exits 2): the boundary checks they exist before the command runs and names them in its messages.

Commands use it through :class:`BoundGroup` (every command of the group is a :class:`BoundCommand`) or
``@click.command(cls=BoundCommand)``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import click
import yaml
from flask import has_app_context

from app.errors import OperationError
from app.extensions import db

__all__ = ["BoundCommand", "BoundGroup", "CommandError", "InputFile", "failure_message"]


class CommandError(click.ClickException):
    """An expected failure of a command: shown as "Lỗi: <message>" on stderr, exit code 1."""

    def show(self, file=None) -> None:
        click.echo(f"Lỗi: {self.format_message()}", err=True, file=file)


class InputFile(click.Path):
    """A file the command reads: checked and named by the boundary."""

    def __init__(self) -> None:
        super().__init__(path_type=Path)


def _commit() -> None:
    if has_app_context():
        db.session.commit()


def _rollback() -> None:
    if has_app_context():
        db.session.rollback()


def _input_files(ctx: click.Context) -> list[Path]:
    return [ctx.params[p.name] for p in ctx.command.params
            if isinstance(p.type, InputFile) and ctx.params.get(p.name) is not None]


def _check_inputs(files: list[Path]) -> None:
    for path in files:
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        if not path.is_file():
            raise CommandError(f"{path} không phải là một tệp.")


class BoundCommand(click.Command):
    """A command run inside the CLI boundary (module docstring)."""

    def invoke(self, ctx: click.Context):
        files = _input_files(ctx)
        try:
            _check_inputs(files)
            result = super().invoke(ctx)
        except click.exceptions.Exit as stop:
            (_commit if stop.exit_code == 0 else _rollback)()
            raise
        except SystemExit as stop:
            (_commit if stop.code in (0, None) else _rollback)()
            raise
        except (click.exceptions.Abort, click.UsageError, CommandError):
            _rollback()
            raise
        except click.ClickException as error:
            _rollback()
            raise CommandError(_named(error.format_message(), files)) from None
        except Exception as error:
            _rollback()
            message = failure_message(error, files)
            if message is None:
                raise
            raise CommandError(message) from None
        except BaseException:
            _rollback()
            raise
        _commit()
        return result


class BoundGroup(click.Group):
    """A command group whose commands run inside the CLI boundary."""

    command_class = BoundCommand


def _named(message: str, files: list[Path]) -> str:
    if len(files) == 1 and files[0].name not in message:
        return f"{files[0].name}: {message}"
    return message


def _file_errors() -> tuple[type[Exception], ...]:
    from app.areas.operations import MapFileError
    from app.assignments.neighbours import NeighbourFileError
    from app.imports.read import FileError

    return MapFileError, NeighbourFileError, FileError


def failure_message(error: Exception, files: list[Path]) -> str | None:
    """The Vietnamese message of an expected failure, or None for an unexpected one (a bug)."""
    from app.plan.loading import plan_error_message
    from rollout.errors import PlanError

    if isinstance(error, OperationError):
        return error.message
    if isinstance(error, _file_errors()):
        return _named(str(error), files)
    if isinstance(error, PlanError):
        cause = error.__cause__
        reading = _reading_message(cause, files) if isinstance(cause, Exception) else None
        return reading or plan_error_message(error)
    return _reading_message(error, files)


def _reading_message(error: Exception, files: list[Path]) -> str | None:
    """A file that could not be read: missing, a folder, forbidden, not UTF-8, bad YAML / JSON / CSV."""
    name = files[0].name if len(files) == 1 else "đầu vào"
    if isinstance(error, FileNotFoundError):
        return f"Không tìm thấy tệp {error.filename or name}."
    if isinstance(error, IsADirectoryError):
        return f"{error.filename or name} là một thư mục, không phải tệp."
    if isinstance(error, PermissionError):
        return f"Không có quyền đọc tệp {error.filename or name}."
    if isinstance(error, UnicodeDecodeError):
        line = _first_undecodable_line(files[0]) if len(files) == 1 else None
        where = f" (dòng {line} có ký tự không đọc được)" if line else ""
        return (f"Tệp {name} không phải văn bản UTF-8{where}: hãy lưu lại tệp với bảng mã UTF-8 "
                "(trong Excel: “CSV UTF-8”).")
    if isinstance(error, yaml.YAMLError):
        mark = getattr(error, "problem_mark", None)
        where = f" ở dòng {mark.line + 1}, cột {mark.column + 1}" if mark is not None else ""
        return f"Tệp {name} sai cú pháp YAML{where}."
    if isinstance(error, json.JSONDecodeError):
        return f"Tệp {name} sai cú pháp JSON ở dòng {error.lineno}, cột {error.colno}."
    if isinstance(error, csv.Error):
        return f"Tệp {name} không đọc được dạng CSV (tệp nhị phân, hoặc dấu ngoặc kép không khớp)."
    return None


def _first_undecodable_line(path: Path) -> int | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    for number, line in enumerate(data.removeprefix(b"\xef\xbb\xbf").split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            return number
    return None
