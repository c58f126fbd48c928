"""The permission table (app/permissions.py): role × action, object rules, unknown actions, and a guard that no
view, template, navigation or access helper compares roles itself."""

from __future__ import annotations

import re

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from app import ROOT
from app.extensions import db
from app.models import Activity, Area, Person, Trainer
from app.permissions import ACTIONS, RULES, UnknownAction, home_for, may
from app.plan.operations import set_lead_units
from app.web.navigation import NAV, nav_for
from tests.factories import make_class, make_user
from tests.plan_world import PlanWorld

ROLES = ("admin", "steering", "coordinator", "trainer", "viewer")
USER_OF_ROLE = {"admin": "admin", "steering": "steering", "coordinator": "coord_daitu", "trainer": "trainer_daitu",
                "viewer": "viewer"}

# Hand-written: who may do what (x = allowed), asked without an object.
EXPECTED = """
action                 admin steering coordinator trainer viewer
see_home               x     x        x           x       x
see_network            x     x        x           .       x
see_classes            x     x        x           x       x
see_learners           x     x        x           x       x
see_rankings           x     x        x           x       x
see_assignments        x     x        x           .       x
see_plans              x     x        x           .       x
see_reports            x     x        x           .       x
see_targets            x     x        x           .       x
see_unit_targets       x     x        .           .       x
see_gaps               x     x        x           .       x
see_jobs               x     .        .           .       .
see_audit              x     .        .           .       .
change_data            x     x        x           x       .
register_class         x     x        x           x       .
change_class           x     x        x           x       .
promote_learner        x     x        x           .       .
revoke_certificate     x     x        x           .       .
merge_people           x     x        x           .       .
edit_network           x     x        x           .       .
assign_trainers        x     x        x           .       .
recompute_suggestions  x     x        x           .       .
generate_report        x     x        x           .       .
edit_report_narrative  x     x        .           .       .
place_area             x     x        x           .       .
edit_clusters          x     x        .           .       .
edit_plan              x     x        .           .       .
update_activity        x     x        x           .       .
record_district_plan   x     x        x           .       .
edit_targets           x     x        .           .       .
switch_map             x     .        .           .       .
admin_users            x     .        .           .       .
run_jobs               x     .        .           .       .
review_learning_records x    x        x           .       .
manage_units           x     x        .           .       .
receive_digest         .     x        x           .       .
invite_trainers        x     .        x           .       .
"""


def _matrix() -> dict[str, dict[str, bool]]:
    header, *rows = [line.split() for line in EXPECTED.strip().splitlines()]
    assert header[1:] == list(ROLES)
    return {row[0]: {role: mark == "x" for role, mark in zip(ROLES, row[1:], strict=True)} for row in rows}


def test_every_action_has_a_written_expectation():
    assert set(_matrix()) == set(ACTIONS)
    assert set(RULES) <= set(ACTIONS)


@pytest.mark.parametrize("action", list(_matrix()))
def test_the_table_matches_the_expectation(world, action):
    answers = {role: may(world.users[USER_OF_ROLE[role]], action) for role in ROLES}
    assert answers == _matrix()[action]


def test_unknown_action_raises_for_everyone(world):
    for user in (world.users["admin"], world.users["viewer"], None, AnonymousUserMixin()):
        with pytest.raises(UnknownAction):
            may(user, "see_netwrok")


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_unauthenticated_may_do_nothing(action):
    assert may(None, action) is False
    assert may(AnonymousUserMixin(), action) is False


def test_a_trainer_changes_their_own_classes_only(world):
    mine = world.classes["Soạn thảo văn bản với AI"]
    colleague = make_class(world.trainers["Trần Thị Từ"], db.session.get(Area, mine.venue_area_id),
                           topic="Lớp của người khác")
    far = world.classes["Làm video ngắn với AI"]
    trainer = world.users["trainer_daitu"]
    assert may(trainer, "change_class", mine)
    assert not may(trainer, "change_class", colleague)
    assert not may(trainer, "change_class", far)
    assert may(world.users["trainer_phubinh"], "change_class", far)


def test_a_coordinator_changes_within_their_subtree_only(world):
    dai_tu_class, phu_binh_class = world.classes["Soạn thảo văn bản với AI"], world.classes["Làm video ngắn với AI"]
    coordinator = world.users["coord_daitu"]
    assert may(coordinator, "change_class", dai_tu_class)
    assert not may(coordinator, "change_class", phu_binh_class)
    assert may(coordinator, "place_area", world.dai_tu)
    assert not may(coordinator, "place_area", world.phu_binh)
    assert may(coordinator, "record_district_plan", world.dai_tu)
    assert not may(coordinator, "record_district_plan", world.phu_binh)
    assert not may(world.users["coord_edu"], "record_district_plan", world.dai_tu)  # a unit scope records none
    for everyone in (world.users["steering"], world.users["admin"]):
        assert may(everyone, "change_class", phu_binh_class) and may(everyone, "record_district_plan", world.phu_binh)
    assert not may(world.users["viewer"], "change_class", dai_tu_class)
    assert not may(world.users["viewer"], "place_area", world.dai_tu)


def test_a_coordinator_invites_the_trainers_of_their_subtree_only(world):
    dai_tu_trainer, phu_binh_trainer = world.trainers["Trần Thị Từ"], world.trainers["Phạm Văn Bình"]
    assert may(world.users["coord_daitu"], "invite_trainers", dai_tu_trainer)
    assert not may(world.users["coord_daitu"], "invite_trainers", phu_binh_trainer)
    assert may(world.users["coord_phubinh"], "invite_trainers", phu_binh_trainer)
    assert may(world.users["coord_edu"], "invite_trainers", world.trainers["Nguyễn Văn Đại"])  # the school's trainer
    assert not may(world.users["coord_edu"], "invite_trainers", dai_tu_trainer)  # no unit: outside the unit scope
    assert may(world.users["admin"], "invite_trainers", phu_binh_trainer)
    for nobody in ("steering", "viewer", "trainer_daitu"):
        assert not may(world.users[nobody], "invite_trainers", dai_tu_trainer)


def test_a_unit_coordinator_updates_the_activities_their_subtree_leads(world):
    activity = db.session.get(Activity, PlanWorld.load().activity.id)
    edu, school = world.users["coord_edu"], world.units["Trường THPT Đại Từ"]
    assert not may(edu, "update_activity", activity)
    set_lead_units(activity, [school.id])  # a school under the Sở Giáo dục leads it
    assert may(edu, "update_activity", activity)
    assert not may(world.users["coord_daitu"], "update_activity", activity)  # an area scope leads nothing
    assert not may(world.users["viewer"], "update_activity", activity)
    assert may(world.users["steering"], "update_activity", activity)


def test_a_trainer_account_without_a_trainer_record_registers_no_class(world):
    learner = db.session.scalar(select(Person).where(Person.id.not_in(select(Trainer.person_id))).limit(1))
    assert not may(make_user("giang_vien_moi", "trainer", person=learner), "register_class")
    assert may(world.users["trainer_daitu"], "register_class")


def test_home_for_each_role(world):
    users = world.users
    assert home_for(users["coord_daitu"]) == ("area", world.dai_tu.id)
    assert home_for(users["coord_edu"]) == ("unit", world.units["Sở Giáo dục và Đào tạo"].id)
    assert home_for(users["trainer_daitu"]) == ("trainer", None)
    assert home_for(make_user("xem_dai_tu", "viewer", area_obj=world.dai_tu)) == ("area", world.dai_tu.id)
    for name in ("admin", "steering", "viewer"):
        assert home_for(users[name]) == ("overview", None)


def test_navigation_names_actions(world):
    nav = {role: {endpoint for endpoint, _ in nav_for(world.users[USER_OF_ROLE[role]])} for role in ROLES}
    assert {"admin.users", "jobs.index"} <= nav["admin"]
    assert not {"admin.users", "jobs.index"} & (nav["steering"] | nav["viewer"] | nav["coordinator"])
    assert nav["trainer"] == {"dashboard.home", "training.index", "people.index", "rankings.index"}
    assert "invitations.index" in nav["coordinator"] and "invitations.index" in nav["admin"]
    assert (nav["coordinator"] - {"invitations.index"}) | {"targets.units"} == nav["steering"] \
        == nav["viewer"] | {"learning.review"}
    assert "targets.units" in {endpoint for endpoint, _ in nav_for(world.users["coord_edu"])}  # a unit coordinator
    assert nav_for(AnonymousUserMixin()) == []


@pytest.mark.parametrize(("username", "map_change", "clusters"), [
    ("admin", True, True), ("steering", False, True), ("viewer", False, False), ("coord_daitu", False, False)])
def test_templates_ask_may(client, login_as, username, map_change, clusters):
    login_as(username)
    html = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert ('href="/areas/map-change"' in html) is map_change
    assert ('href="/areas/clusters"' in html) is clusters


@pytest.mark.parametrize(("username", "url", "status"), [
    ("steering", "/areas/map-change", 404), ("admin", "/areas/map-change", 200),
    ("coord_daitu", "/areas/clusters", 404), ("steering", "/areas/clusters", 200),
    ("viewer", "/areas/placements", 404), ("coord_daitu", "/areas/placements", 200),
    ("trainer_daitu", "/targets/", 404), ("viewer", "/targets/", 200),
    ("trainer_daitu", "/reports/", 404), ("trainer_daitu", "/assignments/", 404),
    ("steering", "/admin/users", 404), ("admin", "/admin/users", 200),
    ("steering", "/admin/audit", 404), ("steering", "/admin/jobs/", 404), ("admin", "/admin/jobs/", 200),
    ("viewer", "/classes/new", 404), ("viewer", "/trainers/new", 404), ("trainer_daitu", "/trainers/new", 404),
    ("trainer_daitu", "/plan/", 404),
    ("coord_daitu", "/invitations/", 200), ("admin", "/invitations/", 200), ("steering", "/invitations/", 404),
    ("trainer_daitu", "/invitations/", 404), ("viewer", "/invitations/", 404),
])
def test_pages_answer_by_the_table(client, login_as, username, url, status):
    login_as(username)
    assert client.get(url).status_code == status


# --- the guard: roles are compared in app/permissions.py and app/scope.py only ---

ROLE_CHECK = re.compile(r"\brole\s*(?:==|!=)|\brole\s+(?:not\s+)?in\b")
ALLOWED = ("app/scope.py", "app/permissions.py", "app/models/", "app/demo/", "app/notifications/")
GUARDED = ("app/**/*routes.py", "app/**/access.py", "app/web/*.py", "app/exports/*.py", "templates/**/*.html")


def role_checks(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if ROLE_CHECK.search(line)]


@pytest.mark.no_db
@pytest.mark.parametrize("line", [
    'if current_user.role in ("coordinator", "steering"):', "if user.role not in ROLES:", 'user.role == "trainer"',
    "{% if current_user.role != 'viewer' %}", "{% set x = current_user.role in ('admin',) %}",
])
def test_the_guard_sees_a_role_comparison(line):
    assert role_checks(line) == [line]


@pytest.mark.no_db
@pytest.mark.parametrize("line", ['<div role="status">', "{{ field(form.role) }}", "may(user, 'see_network')"])
def test_the_guard_leaves_other_text_alone(line):
    assert role_checks(line) == []


@pytest.mark.no_db
def test_no_role_comparisons_outside_permissions():
    offenders = []
    for pattern in GUARDED:
        for path in sorted(ROOT.glob(pattern)):
            rel = path.relative_to(ROOT).as_posix()
            if rel.startswith(ALLOWED):
                continue
            offenders += [f"{rel}: {line}" for line in role_checks(path.read_text(encoding="utf-8"))]
    assert not offenders, "ask app.permissions.may instead:\n" + "\n".join(offenders)


ACTION_USE = re.compile(r"""\b(?:may\(\s*(?:[\w.]+\s*,\s*)?|require\(\s*|permission_required\(\s*)["'](\w+)["']""")


@pytest.mark.no_db
def test_every_action_named_in_code_and_templates_exists():
    named = {}
    for pattern in ("app/**/*.py", "templates/**/*.html"):
        for path in ROOT.glob(pattern):
            for action in ACTION_USE.findall(path.read_text(encoding="utf-8")):
                named.setdefault(action, path.relative_to(ROOT).as_posix())
    assert named, "the pattern finds no use of may/require"
    unknown = {a: p for a, p in named.items() if a not in ACTIONS}
    assert not unknown, unknown
    assert {action for _, _, action in NAV} <= set(ACTIONS)
