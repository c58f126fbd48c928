"""The CLI boundary: one commit per command, a rollback on any failure, expected failures as one Vietnamese line
on stderr with exit code 1 (never a traceback)."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from app.cli_boundary import BoundCommand, BoundGroup, InputFile
from app.errors import OperationError
from app.extensions import db
from app.models import Area, AreaCrosswalk, AreaNeighbour, Plan, Setting
from tests.imports_corpus import cp1258


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _refused(result, *fragments: str) -> str:
    """The command failed as expected: exit 1 through click (not an escaped exception), no traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.stderr.startswith("Lỗi: "), result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    return result.stderr


def _kept(key: str) -> bool:
    db.session.rollback()  # throws away anything the command left uncommitted
    return db.session.get(Setting, key) is not None


def _left(key: str) -> bool:
    """The row is still in the session, committed or merely flushed (not rolled back)."""
    return db.session.scalar(select(Setting).where(Setting.key == key)) is not None


@click.group(cls=BoundGroup)
def probe() -> None:
    pass


@probe.command("flush")
@click.argument("key")
@click.option("--then", type=click.Choice(["return", "refuse", "bug", "exit0", "exit3"]), default="return")
def probe_flush(key: str, then: str) -> None:
    db.session.add(Setting(key=key, value="1"))
    db.session.flush()
    if then == "refuse":
        raise OperationError("Không được phép.")
    if then == "bug":
        raise KeyError("lỗi lập trình")
    if then == "exit0":
        raise SystemExit(0)
    if then == "exit3":
        raise SystemExit(3)


@probe.command("read")
@click.argument("file", type=InputFile())
def probe_read(file) -> None:
    file.read_text(encoding="utf-8")


def _probe(*args: str):
    return CliRunner().invoke(probe, list(args))


def test_a_command_that_returns_is_committed(app):
    assert _probe("flush", "cli.ok").exit_code == 0
    assert _kept("cli.ok")


def test_a_refused_change_is_rolled_back_and_shown_in_vietnamese(app):
    _refused(_probe("flush", "cli.refused", "--then", "refuse"), "Lỗi: Không được phép.")
    assert not _left("cli.refused")


def test_a_bug_is_rolled_back_and_keeps_its_traceback(app):
    result = _probe("flush", "cli.bug", "--then", "bug")
    assert isinstance(result.exception, KeyError)
    assert not _left("cli.bug")


def test_an_exit_code_decides_commit_or_rollback(app):
    assert _probe("flush", "cli.exit0", "--then", "exit0").exit_code == 0
    assert _kept("cli.exit0")
    assert _probe("flush", "cli.exit3", "--then", "exit3").exit_code == 3
    assert not _left("cli.exit3")


def test_a_missing_input_file_is_named(app, tmp_path):
    _refused(_probe("read", str(tmp_path / "khong-co.csv")), "Không tìm thấy tệp", "khong-co.csv")
    _refused(_probe("read", str(tmp_path)), "không phải là một tệp")


def test_every_project_command_runs_inside_the_boundary(app):
    from app.cli import _commands

    def leaves(command):
        if isinstance(command, click.Group):
            assert isinstance(command, BoundGroup), command.name
            for sub in command.commands.values():
                yield from leaves(sub)
        else:
            yield command

    unbound = [c.name for top in _commands() for c in leaves(top) if not isinstance(c, BoundCommand)]
    assert not unbound


MAP_HEADER = "code,name,division_type,level,parent_code\n"


@pytest.mark.parametrize("encode", [cp1258, lambda text: text.encode("cp1252")], ids=["cp1258", "cp1252"])
def test_areas_load_of_a_non_utf8_file_names_the_file_and_line(app, tmp_path, encode):
    path = tmp_path / "ban-do-windows.csv"
    path.write_bytes(encode(MAP_HEADER + "P98,Tinh Thu,tinh,province,\nW98,Xã Bình Thành,xa,commune,P98\n"))
    before = _count(Area)
    result = app.test_cli_runner().invoke(args=["areas", "load", str(path), "--valid-from", "2031-01-01"])
    _refused(result, "ban-do-windows.csv", "không phải văn bản UTF-8", "dòng 3")
    assert _count(Area) == before


def test_areas_load_names_the_file_and_row_of_a_bad_row(app, tmp_path):
    path = tmp_path / "ban-do.csv"
    path.write_text(MAP_HEADER + "P98,Tỉnh Thử,tinh,province,\nW98,Xã Thử,xa,xom,P98\n", encoding="utf-8")
    before = _count(Area)
    result = app.test_cli_runner().invoke(args=["areas", "load", str(path), "--valid-from", "2031-01-01"])
    _refused(result, "ban-do.csv: Dòng 3: cấp 'xom' không hợp lệ.")
    assert _count(Area) == before


def test_areas_load_of_a_missing_file_is_named(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["areas", "load", str(tmp_path / "khong-co.csv")])
    _refused(result, "Không tìm thấy tệp", "khong-co.csv")


CROSSWALK_HEADER = "old_code,old_name,new_code,new_name,old_is_split\n"


@pytest.mark.parametrize(("body", "expected"), [
    ("W01834,Phường Nguyễn Thị Minh Khai,W01840,Phường Đức Xuân,no\nW99999,Xã Ma,W01840,Phường Đức Xuân,no\n",
     "bang-chuyen.csv: Dòng 3: mã cũ 'W99999' không có trên bản đồ 01/12/2024."),
    ("W01834,Phường Nguyễn Thị Minh Khai,W01840,Phường Đức Xuân,có\n",
     "bang-chuyen.csv: Dòng 2: cột old_is_split phải là yes hoặc no, không phải 'có'."),
    ("W01834,Phường Nguyễn Thị Minh Khai,W01840\n",  # a short row
     "bang-chuyen.csv: Dòng 2: cột old_is_split phải là yes hoặc no"),
    ("old,new\n", "Tệp bang-chuyen.csv thiếu cột"),
])
def test_areas_crosswalk_of_a_bad_file_names_file_and_row(app, tmp_path, body, expected):
    path = tmp_path / "bang-chuyen.csv"
    path.write_text(body if body.startswith("old,") else CROSSWALK_HEADER + body, encoding="utf-8")
    before = _count(AreaCrosswalk)
    result = app.test_cli_runner().invoke(args=["areas", "crosswalk", str(path), "--old-map", "2024-12-01",
                                                "--new-map", "2025-07-01"])
    _refused(result, expected)
    assert _count(AreaCrosswalk) == before


def test_areas_crosswalk_of_a_non_utf8_file(app, tmp_path):
    path = tmp_path / "bang-chuyen.csv"
    path.write_bytes(cp1258(CROSSWALK_HEADER + "W01834,Phường Nguyễn Thị Minh Khai,W01840,Phường Đức Xuân,no\n"))
    before = _count(AreaCrosswalk)
    result = app.test_cli_runner().invoke(args=["areas", "crosswalk", str(path), "--old-map", "2024-12-01",
                                                "--new-map", "2025-07-01"])
    _refused(result, "bang-chuyen.csv không phải văn bản UTF-8 (dòng 2")
    assert _count(AreaCrosswalk) == before


def test_a_refused_neighbours_file_writes_none_of_its_good_rows(app, tmp_path):
    path = tmp_path / "giap-ranh.csv"
    path.write_text("code_a,code_b\nD171,D173\nD171,D999\n", encoding="utf-8")
    before = _count(AreaNeighbour)
    result = app.test_cli_runner().invoke(args=["areas", "neighbours", str(path)])
    _refused(result, "giap-ranh.csv, dòng 3: không có huyện mã D999")
    assert _count(AreaNeighbour) == before, "the first pair, added before the refusal, is rolled back"


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("hong.yaml", "number: 1\nactivities: [\n  - a: b\n", "Tệp hong.yaml sai cú pháp YAML ở dòng"),
    ("hong.json", '{"number": 1,,}', "Tệp hong.json sai cú pháp JSON ở dòng 1, cột 14."),
    ("windows.yaml", cp1258("number: 1\ntitle: Kế hoạch\n"), "windows.yaml không phải văn bản UTF-8 (dòng 2"),
])
def test_plan_load_of_a_bad_file_names_it(app, tmp_path, name, content, expected):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    before = _count(Plan)
    _refused(app.test_cli_runner().invoke(args=["plan", "load", str(path)]), expected)
    assert _count(Plan) == before


def test_plan_load_of_a_missing_file_is_named(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["plan", "load", str(tmp_path / "kh-khong-co.yaml")])
    _refused(result, "Không tìm thấy tệp", "kh-khong-co.yaml")
