"""Fixtures of the plan tests: KH 137 loaded in the test's transaction, a lead unit and its coordinator."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Activity, Plan
from app.plan.loading import store_plan
from rollout import PLANS_DIR
from rollout.plan import load_plan_file
from tests.conftest import post_form
from tests.factories import area, make_unit, make_user

KH137 = PLANS_DIR / "kh137.yaml"


@pytest.fixture
def lead_unit():
    """The province's labour department, named as the plan's lead unit of activities 1, 6, 8 and 10."""
    unit = make_unit("Sở Lao động - Thương binh và Xã hội", area("D164"))
    make_user("coord_soldtbxh", "coordinator", unit=unit)
    other = make_unit("Sở Tài chính", area("D164"))
    make_user("coord_sotc", "coordinator", unit=other)
    return unit


@pytest.fixture
def kh137(lead_unit) -> Plan:
    return store_plan(load_plan_file(KH137), source="kh137.yaml").plan


@pytest.fixture
def activities(kh137) -> dict[int, Activity]:
    return {a.number: a for a in db.session.scalars(select(Activity).where(Activity.plan_id == kh137.id))}


def logout(client) -> None:
    assert post_form(client, "/logout", {}, token_page="/plan/").status_code == 302
