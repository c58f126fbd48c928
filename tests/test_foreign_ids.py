"""Every id a user submits is checked against what that user may choose (`app.scope.check_choice`).

The registry below has an entry for every (form class, id field) of every FlaskForm in `app/`; a form with a new id
field and no entry makes `test_every_id_field_of_every_form_is_registered` fail. Each entry posts the form (real
CSRF token) as the Đại Từ coordinator, the Đại Từ trainer, or (for forms of roles that see everything) steering or
admin, with the other district's object (or one outside the choices: another map, another plan, no such row) in
the field, and expects:

- "error": the Vietnamese message, and no redirect for a form with a page of its own (200 with the error under the
  field); a form posted from a row of a list page (accept a suggestion, place a record) has no page of its own and
  shows the message on the list it returns to;
- "404": the id names the object acted on, like an id in the URL (the record a placement moves);

and nothing written: the row count of every table (the audit log included) is the same before and after. Each
entry then posts the same data with an id the user may choose (`own`) and checks that the message is gone, so the
refusal is the field's, not the base data's.

Query strings: every `args.get("…_id")` in `app/` needs an entry in QUERY_IDS; a foreign id in a list filter
answers 404 (never a list from outside the scope, never the filter silently dropped), an own id answers 200; an id
that only pre-fills a form (`?target=`, QUERY_PREFILLS) is ignored when foreign: nothing of it is shown. Ids read
from raw form keys (`status_<enrolment id>` on the results form) are tried at the end.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms.fields.core import UnboundField

import app as app_package
from app.errors import message_for
from app.extensions import db
from app.models import Activity, Area, AreaCrosswalk, AreaRehoming, Person, Trainer, Unit, User
from app.scope import OUTSIDE_CHOICES
from tests.conftest import post_form
from tests.factories import make_person, make_trainer
from tests.plan_world import PHU_BINH_PLAN, PlanWorld

ID_FIELD = re.compile(r"_ids?$")
ID_NAMES = {"target"}  # fields carrying an id without the suffix ("area:12", "unit:3")
NOT_IDS = {"national_id"}  # the citizen's ID card number, not a row of ours
APP_DIR = Path(app_package.__file__).parent


# ---- the objects the entries use -------------------------------------------------------------------------------

def _commune(district: Area, n: int = 0) -> Area:
    return db.session.scalars(select(Area).where(Area.parent_id == district.id).order_by(Area.code)).all()[n]


def _trainer(w, name: str) -> Trainer:
    return w.trainers[name]


def _unit(w, name: str) -> Unit:
    return w.units[name]


def _missing(model) -> int:
    """An id no row has (for roles that may choose every row: the only id outside their choices)."""
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1000


def _newest_top() -> Area:
    newest = db.session.scalar(select(func.max(Area.valid_from)))
    return db.session.scalar(select(Area).where(Area.parent_id.is_(None), Area.valid_from == newest)
                             .order_by(Area.code))


def _loose_commune(top: Area) -> Area:
    return db.session.scalar(select(Area).where(Area.parent_id == top.id, Area.level == "commune")
                             .order_by(Area.code))


def _target_of(old: Area) -> int:
    return db.session.scalar(select(AreaCrosswalk.new_area_id).where(AreaCrosswalk.old_area_id == old.id)
                             .order_by(AreaCrosswalk.new_area_id))


def _rehoming(old: Area) -> AreaRehoming:
    person = make_person(area_obj=old)
    history = AreaRehoming(table_name="persons", column_name="home_area_id", row_id=person.id, old_area_id=old.id)
    db.session.add(history)
    db.session.flush()
    return history


def _placement_setup(w):
    mine, theirs = _rehoming(_commune(w.dai_tu)), _rehoming(_commune(w.phu_binh))
    return {"mine": mine.id, "theirs": theirs.id, "target": _target_of(_commune(w.dai_tu)),
            "foreign_target": _target_of(_commune(w.phu_binh))}


def _second_plan(w):
    from app.plan.loading import store_plan
    from rollout.plan import load_plan

    other = store_plan(load_plan({**PHU_BINH_PLAN, "number": "46/KH-UBND", "area_code": "D171",
                                  "issuer": "UBND huyện Đại Từ"}), source="tests").plan
    plan = PlanWorld.load()
    second = db.session.scalar(select(Activity).where(Activity.plan_id == plan.plan.id, Activity.number == 2))
    return {"successor": second.id, "predecessor": plan.activity.id,
            "other_plan_activity": db.session.scalar(select(Activity.id).where(Activity.plan_id == other.id))}


def _suggestion(w):
    from app.assignments import suggestions
    from app.scope import scope_of
    from app.timeutil import local_today

    coord = db.session.scalar(select(User).where(User.username == "coord_daitu"))
    suggestions.compute(scope_of(coord), local_today())  # stored, as the job does: the page then writes nothing
    first = suggestions.stored(coord, local_today()).suggestions[0]
    return {"trainer": first.trainer_id, "target": f"{first.target.kind}:{first.target.id}", "classes": first.classes}


def _spare_mentor(w):
    return {"mentor": make_trainer(_commune(w.dai_tu), name="Đinh Văn Kèm").id}


def _duplicate(w):
    return {"survivor": db.session.scalar(select(Person.id).where(Person.full_name == "Lê Văn Học")),
            "duplicate": make_person("Lê Văn Học", _commune(w.dai_tu)).id,
            "foreign": db.session.scalar(select(Person.id).where(Person.full_name == "Đỗ Thị Hà"))}


def _split_coop(w):
    from datetime import date

    from app.units import changes

    coop = _unit(w, "Hợp tác xã Chè Phú Bình")
    made = changes.split_unit(None, coop.id, [], ["Hợp tác xã Chè A", "Hợp tác xã Chè B"], date(2025, 3, 1), "QĐ thử",
                              date(2025, 6, 1))
    return {"source": coop.id, "to": made[0].id, "trainer": w.trainers["Phạm Văn Bình"].id,
            "foreign_trainer": w.trainers["Nguyễn Văn Đại"].id}


# ---- base data of each form ------------------------------------------------------------------------------------

def class_data(w, **kw):
    return {"level": "1", "topic": "Lớp thử phạm vi", "audience_group": "civil_servant", "mode": "in_person",
            "venue_area_id": str(_commune(w.dai_tu, 3).id), "host_unit_id": "0", "start_on": "2025-07-01",
            "end_on": "2025-07-20", "sessions": "6", "capacity": "30", **kw}


def coord_class_data(w, **kw):
    return class_data(w, trainer_id=str(_trainer(w, "Trần Thị Từ").id), **kw)


def trainer_data(w, **kw):
    return {"full_name": "Vũ Thị Phạm Vi", "phone": "0977000222", "national_id": "", "tier": "local",
            "max_level": "1", "area_id": str(_commune(w.dai_tu).id), "unit_id": "0", "certified_on": "2025-05-20",
            "mentor_id": f"#{_trainer(w, 'Nguyễn Văn Đại').id}", **kw}


def assign_data(w, **kw):
    tu = _trainer(w, "Trần Thị Từ")
    return {"trainer_id": str(tu.id), "target": f"area:{tu.area_id}", "classes": "1", "starts_on": "2025-06-01",
            "ends_on": "2025-08-01", "reason": "", **kw}


def client_data(w, **kw):
    return {"name": "Nền tảng thử", "scope_area_id": str(w.dai_tu.id), "scope_unit_id": "0", "can_read": "y", **kw}


def user_data(w, **kw):
    return {"username": "dp.phamvi", "full_name": "Điều phối thử", "email": "", "password": "mat-khau-du-dai",
            "role": "coordinator", "scope_area_id": str(w.dai_tu.id), "scope_unit_id": "0", "person_phone": "",
            "active": "y", **kw}


def unit_data(w, **kw):
    return {"name": "Trường thử phạm vi", "short_name": "", "kind": "school", "area_id": str(_commune(w.dai_tu).id),
            "parent_id": str(_unit(w, "Sở Giáo dục và Đào tạo").id), "headcount": "", "headcount_year": "",
            "headcount_source": "", "contact": "", "valid_from": "2025-09-01", **kw}


@dataclass
class Case:
    """Post `data` with `foreign` in the field as `user` to `url`; then with `own` (a choice the user has)."""

    user: str
    url: object
    data: object
    foreign: object
    own: object
    outcome: str = "error"  # "error" or "404"
    message: str = OUTSIDE_CHOICES
    token_page: object = None
    row_form: bool = False  # posted from a list row: the message is shown on the list it returns to
    setup: object = None
    label: str = ""
    extra: dict = field(default_factory=dict)


def _value(spec, w):
    return spec(w) if callable(spec) else spec


CLASS_NEW = "/classes/new"
OUT_OF_SCOPE = message_for("out_of_scope")
HUGE = "99999999999999999999"
UNIT_PARENT = "Đơn vị cấp trên không có hoặc nằm ngoài phạm vi quản lý của bạn."
UNIT_MANAGED = "nằm ngoài phạm vi quản lý của bạn."
UNIT_AREA = "Địa bàn không có trên bản đồ đang dùng."  # no row has it; unchecked, it overflows the database's integer (a 500)
NOT_IN_CLASS = "Học viên không thuộc lớp này."
COMPLETION = {"completed_on": "2025-04-01", "who": "some"}  # the one-step completion on the class page


def _completion_url(w) -> str:
    return f"/classes/{w.classes['Soạn thảo văn bản với AI'].id}/complete"


def _their_enrolment(w) -> int:
    from app.models import Enrollment

    return db.session.scalar(select(Enrollment.id).where(Enrollment.class_id == w.classes["Làm video ngắn với AI"].id))


def _own_enrolment(w) -> int:
    from app.models import Enrollment

    return db.session.scalar(select(Enrollment.id).where(
        Enrollment.class_id == w.classes["Soạn thảo văn bản với AI"].id))


REGISTRY: dict[tuple[str, str], list[Case]] = {
    ("app.training.forms.ClassForm", "trainer_id"): [
        Case("coord_daitu", CLASS_NEW, coord_class_data, lambda w: _trainer(w, "Phạm Văn Bình").id,
             lambda w: _trainer(w, "Trần Thị Từ").id, message="Vui lòng chọn giảng viên trong phạm vi của bạn."),
    ],
    ("app.training.forms.ClassForm", "venue_area_id"): [
        Case("coord_daitu", CLASS_NEW, coord_class_data, lambda w: _commune(w.phu_binh).id,
             lambda w: _commune(w.dai_tu, 3).id, message="Địa điểm này nằm ngoài địa bàn được phép mở lớp."),
        Case("trainer_daitu", CLASS_NEW, class_data, lambda w: _commune(w.phu_binh).id,
             lambda w: _commune(w.dai_tu, 3).id, message="Địa điểm này nằm ngoài địa bàn được phép mở lớp."),
        Case("trainer_daitu", CLASS_NEW, class_data, lambda w: w.dai_tu.id, lambda w: _commune(w.dai_tu, 3).id,
             message="Địa điểm này nằm ngoài địa bàn được phép mở lớp.", label="a district is no venue"),
        Case("trainer_daitu", CLASS_NEW, class_data, "abc", lambda w: _commune(w.dai_tu, 3).id,
             label="not a number"),
    ],
    ("app.training.forms.ClassForm", "host_unit_id"): [
        Case("coord_daitu", CLASS_NEW, coord_class_data, lambda w: _unit(w, "Hợp tác xã Chè Phú Bình").id,
             lambda w: _unit(w, "Trường THPT Đại Từ").id, message="Đơn vị chủ trì nằm ngoài phạm vi của bạn."),
        Case("trainer_daitu", CLASS_NEW, class_data, lambda w: _unit(w, "Hợp tác xã Chè Phú Bình").id,
             lambda w: _unit(w, "Trường THPT Đại Từ").id, message="Đơn vị chủ trì nằm ngoài phạm vi của bạn."),
        Case("coord_edu", CLASS_NEW, lambda w: class_data(w, trainer_id=str(_trainer(w, "Nguyễn Văn Đại").id)),
             lambda w: _unit(w, "Hợp tác xã Chè Phú Bình").id, lambda w: _unit(w, "Trường THPT Đại Từ").id,
             message="Đơn vị chủ trì nằm ngoài phạm vi của bạn.", label="unit scope"),
    ],
    ("app.network.forms.TrainerForm", "area_id"): [
        Case("coord_daitu", "/trainers/new", trainer_data, lambda w: _commune(w.phu_binh).id,
             lambda w: _commune(w.dai_tu).id, message=OUT_OF_SCOPE),
    ],
    ("app.network.forms.TrainerForm", "unit_id"): [
        Case("coord_daitu", "/trainers/new", trainer_data, lambda w: _unit(w, "Hợp tác xã Chè Phú Bình").id,
             lambda w: _unit(w, "Trường THPT Đại Từ").id, message=OUT_OF_SCOPE),
    ],
    ("app.network.forms.TrainerForm", "mentor_id"): [
        Case("coord_daitu", "/trainers/new", trainer_data, lambda w: f"#{_trainer(w, 'Phạm Văn Bình').id}",
             lambda w: f"#{_trainer(w, 'Nguyễn Văn Đại').id}", message=OUT_OF_SCOPE),
        Case("coord_daitu", "/trainers/new", trainer_data, f"#{HUGE}", lambda w: f"#{_trainer(w, 'Nguyễn Văn Đại').id}",
             message="Không tìm thấy người hướng dẫn", label="no such number"),
    ],
    ("app.network.forms.MoveForm", "mentor_id"): [
        Case("coord_daitu", lambda w: f"/trainers/{_trainer(w, 'Trần Thị Từ').id}/move", {"reason": "sửa dữ liệu"},
             lambda w: f"#{_trainer(w, 'Phạm Văn Bình').id}", lambda w: f"#{w.extra['mentor']}",
             message=OUT_OF_SCOPE, setup=_spare_mentor),
    ],
    ("app.assignments.forms.AssignForm", "trainer_id"): [
        Case("coord_daitu", "/assignments/new", assign_data, lambda w: _trainer(w, "Phạm Văn Bình").id,
             lambda w: _trainer(w, "Trần Thị Từ").id,
             message="Không tìm thấy giảng viên này trong phạm vi của bạn."),
        Case("coord_daitu", "/assignments/new", assign_data, "abc", lambda w: _trainer(w, "Trần Thị Từ").id,
             label="not a number"),
    ],
    ("app.assignments.forms.AssignForm", "target"): [
        Case("coord_daitu", "/assignments/new", assign_data, lambda w: f"area:{_commune(w.phu_binh).id}",
             lambda w: f"area:{_trainer(w, 'Trần Thị Từ').area_id}",
             message="Không tìm thấy xã hoặc đơn vị này trong phạm vi của bạn."),
        Case("coord_daitu", "/assignments/new", assign_data,
             lambda w: f"unit:{_unit(w, 'Hợp tác xã Chè Phú Bình').id}",
             lambda w: f"unit:{_unit(w, 'Trường THPT Đại Từ').id}",
             message="Không tìm thấy xã hoặc đơn vị này trong phạm vi của bạn.", label="unit"),
        Case("coord_daitu", "/assignments/new", assign_data, "area:abc",
             lambda w: f"area:{_trainer(w, 'Trần Thị Từ').area_id}",
             message="Không tìm thấy xã hoặc đơn vị này trong phạm vi của bạn.", label="not a number"),
    ],
    ("app.assignments.forms.AcceptForm", "trainer_id"): [
        Case("coord_daitu", "/assignments/accept", lambda w: {"target": w.extra["target"],
                                                              "classes": w.extra["classes"]},
             lambda w: _trainer(w, "Phạm Văn Bình").id, lambda w: w.extra["trainer"],
             message="Không tìm thấy giảng viên này trong phạm vi của bạn.", token_page="/assignments/",
             row_form=True, setup=_suggestion),
    ],
    ("app.assignments.forms.AcceptForm", "target"): [
        Case("coord_daitu", "/assignments/accept", lambda w: {"trainer_id": w.extra["trainer"],
                                                              "classes": w.extra["classes"]},
             lambda w: f"area:{_commune(w.phu_binh).id}", lambda w: w.extra["target"],
             message="Không tìm thấy xã hoặc đơn vị này trong phạm vi của bạn.", token_page="/assignments/",
             row_form=True, setup=_suggestion),
    ],
    ("app.areas.forms.ClusterForm", "member_ids"): [
        Case("steering", "/areas/clusters/new", {"name": "Cụm thử phạm vi"}, lambda w: [_commune(w.phu_binh).id],
             lambda w: [_loose_commune(_newest_top()).id], message="không thuộc bản đồ của cụm"),
    ],
    ("app.areas.forms.PlaceForm", "rehoming_id"): [
        Case("coord_daitu", "/areas/placements", lambda w: {"new_area_id": w.extra["target"]},
             lambda w: w.extra["theirs"], lambda w: w.extra["mine"], outcome="404", row_form=True,
             setup=_placement_setup),
    ],
    ("app.areas.forms.PlaceForm", "new_area_id"): [
        Case("coord_daitu", "/areas/placements", lambda w: {"rehoming_id": w.extra["mine"]},
             lambda w: w.extra["foreign_target"], lambda w: w.extra["target"],
             message="Hãy chọn một trong các xã mới mà xã cũ được chia về.", row_form=True, setup=_placement_setup),
    ],
    ("app.plan.forms.DependencyForm", "predecessor_id"): [
        Case("steering", lambda w: f"/plan/activities/{w.extra['successor']}/dependencies", {"lag_days": "0"},
             lambda w: w.extra["other_plan_activity"], lambda w: w.extra["predecessor"],
             message="Chọn một hoạt động của cùng kế hoạch.",
             token_page=lambda w: f"/plan/activities/{w.extra['successor']}", setup=_second_plan),
    ],
    ("app.plan.forms.LeadUnitsForm", "unit_ids"): [
        Case("steering", lambda w: f"/plan/activities/{PlanWorld.load().activity.id}/lead-units", {},
             lambda w: [_unit(w, "Trường THPT Đại Từ").id, _missing(Unit)],
             lambda w: [_unit(w, "Trường THPT Đại Từ").id],
             token_page=lambda w: f"/plan/activities/{PlanWorld.load().activity.id}"),
    ],
    ("app.reports.forms.ReportForm", "area_id"): [
        Case("coord_daitu", "/reports/generate", {"quarter": "2025-Q2"}, lambda w: w.phu_binh.id,
             lambda w: w.dai_tu.id, message="Địa bàn này nằm ngoài phạm vi của bạn.", token_page="/reports/"),
    ],
    ("app.training.forms.CompletionForm", "enrollment_ids"): [
        Case("coord_daitu", lambda w: _completion_url(w), COMPLETION, _their_enrolment, _own_enrolment,
             message=NOT_IN_CLASS, token_page=lambda w: _completion_url(w).removesuffix("/complete")),
        Case("coord_daitu", lambda w: _completion_url(w), COMPLETION, HUGE, _own_enrolment,
             message=NOT_IN_CLASS, token_page=lambda w: _completion_url(w).removesuffix("/complete"),
             label="no such number"),
        Case("trainer_daitu", lambda w: _completion_url(w), COMPLETION, "0", _own_enrolment,
             message=NOT_IN_CLASS, token_page=lambda w: _completion_url(w).removesuffix("/complete"), label="zero"),
    ],
    ("app.training.forms.MergeForm", "duplicate_id"): [
        Case("coord_daitu", lambda w: f"/people/{w.extra['survivor']}/merge", {}, lambda w: w.extra["foreign"],
             lambda w: w.extra["duplicate"], message="Không tìm thấy hồ sơ này trong phạm vi của bạn.",
             setup=_duplicate),
        Case("coord_daitu", lambda w: f"/people/{w.extra['survivor']}/merge", {}, HUGE,
             lambda w: w.extra["duplicate"], message="Không tìm thấy hồ sơ này trong phạm vi của bạn.",
             setup=_duplicate, label="no such number"),
        Case("coord_daitu", lambda w: f"/people/{w.extra['survivor']}/merge", {}, "abc",
             lambda w: w.extra["duplicate"], message="Nhập một số nguyên.", setup=_duplicate, label="not a number"),
    ],
    ("app.units.forms.UnitForm", "parent_id"): [
        Case("coord_edu", "/units/new", unit_data, lambda w: _unit(w, "Hợp tác xã Chè Phú Bình").id,
             lambda w: _unit(w, "Sở Giáo dục và Đào tạo").id, message=UNIT_PARENT),
        Case("steering", "/units/new", unit_data, HUGE, lambda w: _unit(w, "Sở Giáo dục và Đào tạo").id,
             message=UNIT_PARENT, label="no such number"),
        Case("coord_edu", lambda w: f"/units/{_unit(w, 'Trường THPT Đại Từ').id}/edit",
             lambda w: unit_data(w, name="Trường THPT Đại Từ", headcount="50", valid_from="2024-12-01"),
             lambda w: _unit(w, "Hợp tác xã Chè Phú Bình").id, lambda w: _unit(w, "Sở Giáo dục và Đào tạo").id,
             message=UNIT_PARENT, label="edit"),
    ],
    ("app.units.forms.MergeForm", "source_ids"): [
        Case("coord_edu", "/units/merge", lambda w: {"successor_id": str(_unit(w, "Sở Giáo dục và Đào tạo").id),
                                                     "effective": "2025-03-01", "decision": "QĐ thử"},
             lambda w: _unit(w, "Hợp tác xã Chè Phú Bình").id, lambda w: _unit(w, "Trường THPT Đại Từ").id,
             message=UNIT_MANAGED),
        Case("steering", "/units/merge", lambda w: {"successor_id": str(_unit(w, "Sở Giáo dục và Đào tạo").id),
                                                    "effective": "2025-03-01", "decision": "QĐ thử"},
             HUGE, lambda w: _unit(w, "Trường THPT Đại Từ").id, message=UNIT_MANAGED, label="no such number"),
    ],
    ("app.units.forms.MergeForm", "successor_id"): [
        Case("coord_edu", "/units/merge", lambda w: {"source_ids": str(_unit(w, "Trường THPT Đại Từ").id),
                                                     "effective": "2025-03-01", "decision": "QĐ thử"},
             lambda w: _unit(w, "Hợp tác xã Chè Phú Bình").id, lambda w: _unit(w, "Sở Giáo dục và Đào tạo").id,
             message=UNIT_MANAGED),
    ],
    ("app.units.forms.SplitForm", "successor_ids"): [
        Case("coord_edu", lambda w: f"/units/{_unit(w, 'Sở Giáo dục và Đào tạo').id}/split",
             {"new_names": "Sở mới sau khi tách", "effective": "2025-03-01", "decision": "QĐ thử"},
             lambda w: _unit(w, "Hợp tác xã Chè Phú Bình").id, lambda w: _unit(w, "Trường THPT Đại Từ").id,
             message=UNIT_MANAGED),
    ],
    ("app.units.forms.PlaceForm", "to_unit_id"): [
        Case("steering", lambda w: f"/units/{w.extra['source']}/placement",
             lambda w: {"entity": "trainer", "record_ids": str(w.extra["trainer"])},
             lambda w: _unit(w, "Trường THPT Đại Từ").id, lambda w: w.extra["to"],
             message="Chọn một đơn vị sau khi tách của đơn vị này.", setup=_split_coop),
    ],
    ("app.units.forms.PlaceForm", "record_ids"): [
        Case("steering", lambda w: f"/units/{w.extra['source']}/placement",
             lambda w: {"entity": "trainer", "to_unit_id": str(w.extra["to"])},
             lambda w: w.extra["foreign_trainer"], lambda w: w.extra["trainer"],
             message="Có hồ sơ không thuộc đơn vị này", setup=_split_coop),
    ],
    ("app.units.forms.UnitForm", "area_id"): [
        Case("steering", "/units/new", unit_data, lambda w: _loose_commune(_newest_top()).id,
             lambda w: _commune(w.dai_tu).id, message=UNIT_AREA, label="another map"),
        Case("coord_edu", "/units/new", unit_data, lambda w: _missing(Area), lambda w: _commune(w.dai_tu).id,
             message=UNIT_AREA),
    ],
    ("app.admin.forms.UserForm", "scope_area_id"): [
        Case("admin", "/admin/users/new", user_data, lambda w: _missing(Area), lambda w: w.dai_tu.id),
    ],
    ("app.api.forms.ApiClientForm", "scope_area_id"): [
        Case("admin", "/admin/api-clients/new", lambda w: client_data(w), lambda w: _missing(Area),
             lambda w: w.dai_tu.id),
    ],
    ("app.api.forms.ApiClientForm", "scope_unit_id"): [
        Case("admin", "/admin/api-clients/new", lambda w: client_data(w, scope_area_id="0"), lambda w: _missing(Unit),
             lambda w: _unit(w, "Trường THPT Đại Từ").id),
    ],
    ("app.invitations.forms.InviteSelectionForm", "trainer_ids"): [
        Case("coord_daitu", "/invitations/invite", {"channel": "link"}, lambda w: [_trainer(w, "Phạm Văn Bình").id],
             lambda w: [_trainer(w, "Trần Thị Từ").id], message="Có giảng viên nằm ngoài phạm vi của bạn.",
             token_page="/invitations/"),
        Case("coord_daitu", "/invitations/invite", {"channel": "link"}, [HUGE],
             lambda w: [_trainer(w, "Trần Thị Từ").id], message="Có giảng viên nằm ngoài phạm vi của bạn.",
             token_page="/invitations/", label="no such number"),
    ],
    ("app.invitations.forms.InviteAllForm", "area_id"): [
        Case("coord_daitu", "/invitations/invite-all", {"unit_id": "0", "channel": "link"},
             lambda w: _commune(w.phu_binh).id, lambda w: _commune(w.dai_tu).id, token_page="/invitations/"),
    ],
    ("app.invitations.forms.InviteAllForm", "unit_id"): [
        Case("coord_daitu", "/invitations/invite-all", {"area_id": "0", "channel": "link"},
             lambda w: _unit(w, "Hợp tác xã Chè Phú Bình").id, lambda w: _unit(w, "Trường THPT Đại Từ").id,
             token_page="/invitations/"),
    ],
    ("app.admin.forms.UserForm", "scope_unit_id"): [
        Case("admin", "/admin/users/new", lambda w: user_data(w, scope_area_id="0"), lambda w: _missing(Unit),
             lambda w: _unit(w, "Trường THPT Đại Từ").id),
    ],
}


# ---- enumeration -----------------------------------------------------------------------------------------------

def _import_app_modules() -> None:
    for module in pkgutil.walk_packages(app_package.__path__, "app."):
        importlib.import_module(module.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def id_fields() -> set[tuple[str, str]]:
    """(form class, field) for every id-carrying field of every FlaskForm defined in app/."""
    _import_app_modules()
    found = set()
    for form in set(_subclasses(FlaskForm)):
        if not form.__module__.startswith("app."):
            continue
        for klass in form.__mro__:
            for name, value in vars(klass).items():
                if isinstance(value, UnboundField) and (ID_FIELD.search(name) or name in ID_NAMES) \
                        and name not in NOT_IDS:
                    found.add((f"{form.__module__}.{form.__qualname__}", name))
    return found


def test_every_id_field_of_every_form_is_registered():
    fields = id_fields()
    assert len(fields) >= 19  # the enumeration itself works
    missing = sorted(fields - set(REGISTRY))
    assert not missing, f"id fields without a REGISTRY entry in tests/test_foreign_ids.py: {missing}"
    stale = sorted(set(REGISTRY) - fields)
    assert not stale, f"REGISTRY entries for fields that no longer exist: {stale}"


def _table_counts() -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def _cases():
    for (form, name), cases in sorted(REGISTRY.items()):
        for n, case in enumerate(cases):
            yield pytest.param(form, name, case, id=f"{form.rsplit('.', 1)[1]}.{name}-{case.user}"
                               + (f"-{case.label}" if case.label else f"-{n}" if n else ""))


def _post(client, case, w, value, name):
    data = {**_value(case.data, w), name: value}
    return post_form(client, _value(case.url, w), data, token_page=_value(case.token_page, w),
                     follow_redirects=case.row_form)


@pytest.mark.parametrize(("form", "name", "case"), list(_cases()))
def test_a_foreign_id_is_refused_and_nothing_is_written(client, login_as, world, form, name, case):
    w = SimpleNamespace(**vars(world), extra={})
    if case.setup:
        w.extra = case.setup(w)
    login_as(case.user)
    before = _table_counts()
    response = _post(client, case, w, _value(case.foreign, w), name)
    html = response.get_data(as_text=True)
    if case.outcome == "404":
        assert response.status_code == 404, html[:300]
    else:
        assert response.status_code == 200, html[:300]
        assert case.message in html, f"{form}.{name}: no “{case.message}” in the page"
    assert _table_counts() == before, f"{form}.{name}: a foreign id wrote rows"

    control = _post(client, case, w, _value(case.own, w), name)
    assert control.status_code != 404
    if case.outcome == "error":
        assert case.message not in control.get_data(as_text=True), f"{form}.{name}: an own id is refused too"


# ---- ids in the names of raw form keys ------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["foreign", "huge", "zero"])
def test_results_for_an_enrolment_of_another_class_are_refused(client, login_as, world, which):
    """`/classes/<id>/results` reads enrolment ids from its keys (status_<id>): only the class's own count."""
    from app.models import Enrollment

    mine = world.classes["Soạn thảo văn bản với AI"]
    theirs = db.session.scalar(select(Enrollment.id).where(
        Enrollment.class_id == world.classes["Làm video ngắn với AI"].id))
    eid = {"foreign": theirs, "huge": HUGE, "zero": 0}[which]
    login_as("coord_daitu")
    before = _table_counts()
    response = post_form(client, f"/classes/{mine.id}/results", {f"status_{eid}": "dropped", f"score_{eid}": ""},
                         token_page=f"/classes/{mine.id}", follow_redirects=True)
    assert response.status_code == 200 and "Học viên không thuộc lớp này." in response.get_data(as_text=True)
    assert _table_counts() == before


@pytest.mark.parametrize("route", ["results", "complete"])
@pytest.mark.parametrize("which", ["foreign", "huge", "zero"])
def test_outcomes_for_an_enrolment_of_another_class_are_refused(client, login_as, world, route, which):
    """The results form and the one-step completion read "áp dụng được" from keys `applies_<enrolment id>`: only
    the class's own enrolments count (tests/test_outcomes.py has the rest)."""
    from app.models import Enrollment

    mine = world.classes["Soạn thảo văn bản với AI"]
    own = db.session.scalar(select(Enrollment.id).where(Enrollment.class_id == mine.id))
    theirs = db.session.scalar(select(Enrollment.id).where(
        Enrollment.class_id == world.classes["Làm video ngắn với AI"].id))
    eid = {"foreign": theirs, "huge": HUGE, "zero": 0}[which]
    data = ({"completed_on": "2025-04-01", "who": "all"} if route == "complete"
            else {f"status_{own}": "completed", f"score_{own}": ""})
    login_as("coord_daitu")
    before = _table_counts()
    response = post_form(client, f"/classes/{mine.id}/{route}", {**data, f"applies_{eid}": "1"},
                         token_page=f"/classes/{mine.id}", follow_redirects=True)
    assert response.status_code == 200 and NOT_IN_CLASS in response.get_data(as_text=True)
    assert _table_counts() == before
    control = post_form(client, f"/classes/{mine.id}/results", {f"status_{own}": "completed", f"score_{own}": "",
                                                               f"applies_{own}": "1"},
                        token_page=f"/classes/{mine.id}", follow_redirects=True)
    assert NOT_IN_CLASS not in control.get_data(as_text=True)


# ---- query strings ---------------------------------------------------------------------------------------------

QUERY_ARG = re.compile(r"""args\.get(?:list)?\(\s*["'](\w+_ids?|target)["']""")
RAW_FORM_ARG = re.compile(r"""request\.form\.get(?:list)?\(\s*["'](\w+_ids?)["']""")

QUERY_IDS = {
    "area_id": [("/trainers/", lambda w: w.phu_binh.id, lambda w: w.dai_tu.id),
                ("/exports/trainers.csv", lambda w: w.phu_binh.id, lambda w: w.dai_tu.id),
                ("/units/", lambda w: w.phu_binh.id, lambda w: w.dai_tu.id),
                ("/exports/units.csv", lambda w: w.phu_binh.id, lambda w: w.dai_tu.id)],
    "unit_id": [("/trainers/", lambda w: w.units["Hợp tác xã Chè Phú Bình"].id,
                 lambda w: w.units["Trường THPT Đại Từ"].id),
                ("/exports/trainers.csv", lambda w: w.units["Hợp tác xã Chè Phú Bình"].id,
                 lambda w: w.units["Trường THPT Đại Từ"].id)],
}
# query-string ids that only pre-fill a form: a foreign one is ignored (the page shows nothing of it); the
# lambda gives the value and a text of the foreign object that must not appear
QUERY_PREFILLS = {
    "target": [("/assignments/new", lambda w: (f"area:{_commune(w.phu_binh).id}", _commune(w.phu_binh).name))],
}
# query-string ids that only filter a list read whole by the few who may read it at all (the audit log:
# `see_audit`): no id there is foreign to them, and anyone else gets 404 for the page whatever the id
QUERY_FILTERS = {
    "actor_id": [("/admin/audit", "admin")],
    "entity_id": [("/admin/audit", "admin")],
}


def query_id_params() -> set[str]:
    return {m.group(1) for path in APP_DIR.rglob("*.py") for m in QUERY_ARG.finditer(path.read_text("utf-8"))}


def test_ids_read_from_the_raw_form_are_fields_of_a_registered_form():
    """A view that reads an id from `request.form` by hand must read a field the REGISTRY covers."""
    raw = {m.group(1) for path in APP_DIR.rglob("*.py") for m in RAW_FORM_ARG.finditer(path.read_text("utf-8"))}
    assert raw <= {name for _form, name in REGISTRY}, sorted(raw - {name for _form, name in REGISTRY})


TEMPLATE_INPUT = re.compile(r"""name=["'](\w+_ids?|target)["']""")


def test_ids_in_hand_written_inputs_of_templates_are_registered():
    """An input written by hand in a template (not rendered from a form field) that carries an id."""
    names = {m.group(1) for path in (APP_DIR.parent / "templates").rglob("*.html")
             for m in TEMPLATE_INPUT.finditer(path.read_text("utf-8"))}
    known = {name for _form, name in REGISTRY} | set(QUERY_IDS) | set(QUERY_PREFILLS) | set(QUERY_FILTERS)
    assert names and names <= known, sorted(names - known)


def test_every_query_string_id_is_registered():
    params = query_id_params()
    assert params >= {"area_id", "unit_id"}
    known = set(QUERY_IDS) | set(QUERY_PREFILLS) | set(QUERY_FILTERS)
    assert not params - known, f"query-string ids without a QUERY_IDS entry: {sorted(params - known)}"


@pytest.mark.parametrize(("param", "url", "reader"),
                         [(p, u, r) for p, rows in sorted(QUERY_FILTERS.items()) for u, r in rows],
                         ids=lambda v: v if isinstance(v, str) else None)
def test_a_filter_id_opens_nothing_to_others(client, login_as, world, param, url, reader):
    login_as("coord_daitu")
    assert client.get(f"{url}?{param}=1").status_code == 404
    post_form(client, "/logout", {}, token_page="/")
    login_as(reader)
    for value in ("1", HUGE, "abc", "0"):
        assert client.get(f"{url}?{param}={value}").status_code == 200


@pytest.mark.parametrize(("param", "url", "foreign"),
                         [(p, u, f) for p, rows in sorted(QUERY_PREFILLS.items()) for u, f in rows],
                         ids=lambda v: v if isinstance(v, str) else None)
def test_a_foreign_prefill_is_ignored(client, login_as, world, param, url, foreign):
    login_as("coord_daitu")
    value, text = foreign(world)
    response = client.get(f"{url}?{param}={value}")
    assert response.status_code == 200 and text not in response.get_data(as_text=True)


@pytest.mark.parametrize(("param", "url", "foreign", "own"),
                         [(p, u, f, o) for p, rows in sorted(QUERY_IDS.items()) for u, f, o in rows],
                         ids=lambda v: v if isinstance(v, str) else None)
def test_a_foreign_query_string_id_answers_404(client, login_as, world, param, url, foreign, own):
    login_as("coord_daitu")
    assert client.get(f"{url}?{param}={foreign(world)}").status_code == 404
    assert client.get(f"{url}?{param}=abc").status_code in (200, 404)
    mine = client.get(f"{url}?{param}={own(world)}")
    assert mine.status_code == 200
    mine.close()


def test_choice_check_reads_no_more_than_the_ids_submitted(world):
    """The helper narrows the allowed SELECT to the submitted ids (an IN on the id), whatever its size."""
    from app.scope import is_choosable

    allowed = select(Area.id).where(Area.path.startswith(world.dai_tu.path))
    inside = _commune(world.dai_tu).id
    assert is_choosable(inside, allowed) and is_choosable([inside, str(inside)], allowed)
    assert not is_choosable(_commune(world.phu_binh).id, allowed)
    assert not is_choosable([inside, _commune(world.phu_binh).id], allowed)
    assert is_choosable(None, allowed) and is_choosable("", allowed) and is_choosable([], allowed)
    assert not is_choosable("abc", allowed) and not is_choosable(-1, allowed) and not is_choosable(2**40, allowed)


def test_choice_check_is_one_query_narrowed_to_the_ids(world):
    """Hundreds of areas may be chosen (thousands at province scale): one COUNT over the allowed SELECT AND id IN
    (the ids posted), never the set read into memory."""
    from sqlalchemy import event

    from app.scope import is_choosable

    allowed = select(Area.id)  # every area of both maps
    assert db.session.scalar(select(func.count()).select_from(allowed.subquery())) > 300
    statements = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert is_choosable([_commune(world.dai_tu).id, _commune(world.phu_binh).id], allowed)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    statements = [s for s in statements if "areas" in s]
    assert len(statements) == 3  # the two _commune look-ups, then the check
    assert "count(" in statements[-1].lower() and " IN " in statements[-1].upper()
