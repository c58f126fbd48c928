"""The `lantoa` command: a Flask CLI group bound to the factory, plus the project's commands.

Commands never commit: each runs inside the CLI boundary (`app/cli_boundary.py`), which commits once when it
returns and rolls back on any failure, so a failure leaves the database unchanged; expected failures are one
Vietnamese line and exit code 1.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from app.cli_boundary import BoundCommand, BoundGroup, InputFile
from app.extensions import db


def _create_app() -> Flask:
    """The factory for the `lantoa` command; a configuration error (e.g. no secret key in production) is shown
    as one line, not a traceback, and `lantoa --help` still lists every command."""
    from flask.cli import NoAppException

    from app import create_app

    try:
        return create_app()
    except RuntimeError as error:
        raise NoAppException(str(error)) from None


main = FlaskGroup(create_app=_create_app, help="Lan Tỏa: quản lý mạng lưới Bình dân học AI.")


@click.group("areas", cls=BoundGroup, help="Bản đồ hành chính.")
def areas_cli() -> None:
    pass


@areas_cli.command("load")
@click.argument("file", type=InputFile())
@click.option("--valid-from", type=click.DateTime(["%Y-%m-%d"]), help="Ngày bản đồ có hiệu lực.")
@click.option("--valid-to", type=click.DateTime(["%Y-%m-%d"]), help="Ngày cuối bản đồ còn hiệu lực.")
@click.option("--only", help="Chỉ nạp một tỉnh (mã, ví dụ P19) và các đơn vị trực thuộc.")
@with_appcontext
def areas_load(file: Path, valid_from, valid_to, only: str | None) -> None:
    """Nạp (hoặc nạp lại) một tệp bản đồ CSV; chạy lại không tạo bản ghi trùng."""
    from app.areas.operations import load_map, map_period, read_map

    rows = read_map(file, only)  # read first: a missing or unreadable file is named before its period
    if valid_from:
        period: tuple[date, date | None] = (valid_from.date(), valid_to.date() if valid_to else None)
    else:
        period = map_period(file)
    result = load_map(rows, *period)
    click.echo(
        f"{file.name}: {result.created} mới, {result.updated} cập nhật, {result.unchanged} không đổi "
        f"(hiệu lực từ {period[0]:%d/%m/%Y})."
    )


@areas_cli.command("neighbours")
@click.argument("file", type=InputFile())
@with_appcontext
def areas_neighbours(file: Path) -> None:
    """Nạp các cặp huyện giáp ranh (dùng để tính chi phí gợi ý phân công); chạy lại không tạo trùng."""
    from app.assignments.neighbours import load_neighbours

    created, unchanged = load_neighbours(file)
    click.echo(f"{file.name}: {created} cặp mới, {unchanged} cặp không đổi.")


@areas_cli.command("crosswalk")
@click.argument("file", type=InputFile())
@click.option("--old-map", type=click.DateTime(["%Y-%m-%d"]), help="Ngày hiệu lực của bản đồ cũ.")
@click.option("--new-map", type=click.DateTime(["%Y-%m-%d"]), help="Ngày hiệu lực của bản đồ mới.")
@with_appcontext
def areas_crosswalk(file: Path, old_map, new_map) -> None:
    """Nạp (hoặc nạp lại) bảng chuyển đổi xã cũ → xã mới; chạy lại không tạo bản ghi trùng."""
    from app.areas.crosswalk import crosswalk_maps, load_crosswalk

    maps = (old_map.date(), new_map.date()) if old_map and new_map else crosswalk_maps(file)
    result = load_crosswalk(file, *maps)
    click.echo(
        f"{file.name}: {result.old_areas} xã cũ; {result.created} mới, {result.updated} cập nhật, "
        f"{result.unchanged} không đổi."
    )


@areas_cli.command("migrate")
@click.option("--to", "day", type=click.DateTime(["%Y-%m-%d"]), required=True, help="Ngày bản đồ mới có hiệu lực.")
@click.option("--dry-run", is_flag=True, help="Chỉ xem trước, không thay đổi dữ liệu.")
@with_appcontext
def areas_migrate(day, dry_run: bool) -> None:
    """Chuyển mọi bản ghi sang bản đồ mới theo bảng chuyển đổi; giữ lịch sử; chạy lại không đổi gì."""
    from app.areas.migration import migrate_to, preview

    result = preview(day.date()) if dry_run else migrate_to(day.date())
    if dry_run:
        db.session.rollback()  # a preview keeps nothing: the boundary then has nothing to commit
    click.echo(("Xem trước" if dry_run else "Đã chuyển") + f" sang bản đồ từ {day:%d/%m/%Y}:")
    for key, label in result.labels.items():
        click.echo(f"  {label}: {result.moved[key]} chuyển, {result.listed[key]} chờ xếp xã mới"
                   + (f", {result.unmapped[key]} không có địa bàn mới" if result.unmapped[key] else ""))
    click.echo(f"  Cụm xã mới: {len(result.clusters)}" + (f" ({', '.join(result.clusters)})" if result.clusters else ""))
    for name, districts in result.ties:
        click.echo(f"  Chưa xếp cụm (ngang nhau giữa {', '.join(districts)}): {name}")
    click.echo(f"  Bản ghi của xã bị chia chờ điều phối viên xếp: {len(result.pending)}")
    if not result.changed:
        click.echo("  Không có gì thay đổi.")


@click.command("demo", cls=BoundCommand, help="Tạo dữ liệu mẫu (bản đồ 2024, đơn vị, mạng lưới giảng viên, lớp học, tài khoản).")
@click.option("--size", type=click.Choice(["demo", "province", "nation"]), default="demo", show_default=True)
@click.option("--seed", type=int, default=137, show_default=True)
@click.option("--provinces", type=click.IntRange(1, 34), default=1, show_default=True,
              help="Số tỉnh: tỉnh thật và các tỉnh mẫu (bản sao, ngoài địa bàn chương trình) để đo khi dữ liệu lớn lên.")
@with_appcontext
def demo_cmd(size: str, seed: int, provinces: int) -> None:
    import secrets

    from flask import current_app

    from app.demo import seed_demo, vacuum_analyze

    key_file = Path(current_app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    summary = seed_demo(size=size, seed=seed, echo=click.echo, provinces=provinces)
    for line in summary:
        click.echo(line)
    # once the boundary has committed the seed (the context closes after it)
    click.get_current_context().call_on_close(partial(vacuum_analyze, db.engine))


@click.group("users", cls=BoundGroup, help="Tài khoản người dùng.")
def users_cli() -> None:
    pass


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "steering", "coordinator", "trainer", "viewer"]), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--area", "area_code", help="Mã địa bàn của điều phối viên (bản đồ hiện hành).")
@with_appcontext
def users_create(username: str, role: str, password: str, area_code: str | None) -> None:
    from sqlalchemy import select

    from app.admin.operations import save_user
    from app.errors import OperationError
    from app.models import Area

    area_id = None
    if area_code:
        area_id = db.session.scalar(
            select(Area.id).where(Area.code == area_code).order_by(Area.valid_from.desc()).limit(1)
        )
        if area_id is None:
            raise OperationError(f"Không có địa bàn mã {area_code}.")
    save_user(None, {"username": username, "role": role, "password": password, "scope_area_id": area_id})
    click.echo(f"Đã tạo tài khoản {username} ({role}).")


@click.group("plan", cls=BoundGroup, help="Kế hoạch triển khai.")
def plan_cli() -> None:
    pass


@plan_cli.command("load")
@click.argument("file", type=InputFile())
@with_appcontext
def plan_load(file: Path) -> None:
    """Nạp (hoặc nạp lại) một kế hoạch từ tệp YAML/JSON (định dạng: docs/plan-format.md)."""
    from app.plan.loading import store_plan
    from rollout.plan import load_plan_file

    result = store_plan(load_plan_file(file), source=file.name)
    c = result.counts
    if not result.changed:
        click.echo(f"{result.plan.label}: không có gì thay đổi.")
        return
    click.echo(
        f"{result.plan.label}: {'tạo mới' if result.created else 'cập nhật'}; giai đoạn {c['phases_new']} mới, "
        f"{c['phases_changed']} sửa; hoạt động {c['activities_new']} mới, {c['activities_changed']} sửa, "
        f"{c['activities_removed']} xóa; phụ thuộc {c['dependencies_added']} thêm, "
        f"{c['dependencies_changed']} sửa, {c['dependencies_removed']} bỏ; {c['units_linked']} liên kết đơn vị "
        f"chủ trì; {c['targets_seeded']} chỉ tiêu mới của kế hoạch."
    )


@click.group("jobs", cls=BoundGroup, help="Tác vụ định kỳ.")
def jobs_cli() -> None:
    pass


@jobs_cli.command("list")
@with_appcontext
def jobs_list() -> None:
    """Liệt kê các tác vụ, lịch chạy và lần chạy kế tiếp."""
    from flask import current_app

    from app.jobs.registry import JOBS, next_run

    for spec in JOBS:
        at = next_run(spec, current_app.config["LANTOA_TIMEZONE"])
        click.echo(f"{spec.id:<20} {spec.schedule:<30} kế tiếp {at:%d/%m/%Y %H:%M}  {spec.label}")


@jobs_cli.command("run")
@click.argument("job_id")
@with_appcontext
def jobs_run(job_id: str) -> None:
    """Chạy ngay một tác vụ (ghi nhận vào nhật ký chạy)."""
    import getpass
    import socket

    from app.jobs.registry import JOBS, get_job
    from app.jobs.runner import run_job

    try:
        spec = get_job(job_id)
    except KeyError:
        raise click.ClickException(f"Không có tác vụ {job_id}; có: {', '.join(s.id for s in JOBS)}.") from None
    run = run_job(spec, runner=f"cli: {getpass.getuser()}@{socket.gethostname()}")
    click.echo(f"{spec.label}: {run.outcome_label} ({run.duration_ms} ms). {run.message}")
    if run.outcome == "error":
        raise SystemExit(1)


@click.command("scheduler", cls=BoundCommand, help="Chạy tiến trình lập lịch (APScheduler) cho các tác vụ định kỳ.")
@click.option("--lease-seconds", type=click.IntRange(5, 3600), default=60, show_default=True,
              help="Thời hạn khóa tiến trình chính (SQLite); gia hạn mỗi 1/3 thời hạn.")
@with_appcontext
def scheduler_cmd(lease_seconds: int) -> None:
    """Runs until stopped (Ctrl-C or SIGTERM); a second instance waits until the first stops."""
    import logging
    import signal

    from flask import current_app

    from app.jobs.scheduler import SchedulerProcess

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # each run is logged by lantoa.jobs instead
    process = SchedulerProcess(current_app._get_current_object(), lease_seconds=lease_seconds, echo=click.echo)
    signal.signal(signal.SIGTERM, lambda *_: process.stop())
    try:
        process.run()
    except KeyboardInterrupt:
        process.stop()
    click.echo("Đã dừng tiến trình lập lịch.")


@click.group("settings", cls=BoundGroup, help="Thông số kế hoạch (quy tắc 2–3, điểm thưởng, giới hạn tra cứu).")
def settings_cli() -> None:
    pass


@settings_cli.command("show")
@with_appcontext
def settings_show() -> None:
    """In các thông số và giá trị đang dùng."""
    from app.training.settings import DEFAULTS, all_settings

    for key, value in all_settings().items():
        click.echo(f"{key:<26} {value:>6}  {DEFAULTS[key][1]}")


@settings_cli.command("set")
@click.argument("key")
@click.argument("value", type=int)
@with_appcontext
def settings_set(key: str, value: int) -> None:
    """Đặt một thông số (ghi vào bảng settings)."""
    from app.audit import record
    from app.training.settings import DEFAULTS, plan_setting, set_setting

    if key not in DEFAULTS:
        raise click.ClickException(f"Không có thông số {key}. Các thông số: {', '.join(DEFAULTS)}")
    if value < 0:
        raise click.ClickException("Giá trị phải không âm.")
    before = plan_setting(key)
    set_setting(key, value)
    record("setting.set", entity="settings", before={key: before}, after={key: value})
    click.echo(f"{key} = {value}")


def _commands() -> tuple[click.Command, ...]:
    from app.network.cli import network_cli
    from app.reports.cli import reports_cli
    from app.units.cli import units_cli

    return (areas_cli, demo_cmd, users_cli, settings_cli, network_cli, plan_cli, jobs_cli, scheduler_cmd, reports_cli,
            units_cli)


def register(app: Flask) -> None:
    """The project's commands on the app (`flask --app wsgi …`); `lantoa` carries them itself (below), so its
    help lists them even when the app cannot be built."""
    for command in _commands():
        app.cli.add_command(command)


def _main_commands() -> tuple[click.Command, ...]:
    # `lantoa db upgrade`: Flask-Migrate puts its group on the app; `lantoa` carries it too
    from flask_migrate.cli import db as migrations_cli

    return (*_commands(), migrations_cli)


for _command in _main_commands():
    main.add_command(_command)
