"""The read endpoints of `/api/v1`, each scoped to the calling client through `app/scope.py`.

Rules: every list and object is filtered by `visible(Model, client scope)`, so an id outside the client's scope
answers 404 exactly like an id that does not exist; lists page by cursor (`app/api/paging.py`); answers carry
an ETag (`app/api/endpoint.py`). The certificate check is public (no token) and limited per address like the
verification page.
"""

from __future__ import annotations

import json
from functools import lru_cache

from flask import Blueprint, g, request
from sqlalchemy import Text, cast, or_, select
from werkzeug.exceptions import HTTPException

from app.api import schemas as s
from app.api.endpoint import endpoint
from app.api.guard import check_hits
from app.api.paging import page
from app.api.problems import PROBLEMS, ApiProblem, not_found
from app.areas.maps import available_maps, map_on
from app.extensions import csrf, db
from app.gaps.queries import ACTIVE, render
from app.models import Area, Certificate, Gap, Person, Trainer, TrainerStats, TrainingClass, Unit
from app.models.vocab import LEVELS
from app.scope import visible
from app.timeutil import clock, local_today

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # token authentication: no cookie session, so no cross-site request to forge


@bp.errorhandler(ApiProblem)
def _problem(error: ApiProblem):
    return error.response()


@bp.errorhandler(HTTPException)
def _http(error: HTTPException):
    code = next((c for c, (status, _t, _v) in PROBLEMS.items() if status == error.code), "bad-request")
    if code == "not-found":
        return not_found().response()
    return ApiProblem(code, error.description or "", PROBLEMS[code][2] + ".").response()


def one_in_scope(model, ident: int):
    obj = db.session.scalar(select(model).where(model.id == ident, visible(model, g.api_scope)))
    if obj is None:
        raise not_found()
    return obj


@bp.get("/client")
@endpoint(summary="The calling client", description="Name, scope and permissions of the token's client.",
          tag="Client", response=s.ClientInfo, etag=False)
def client():
    c = g.api_client
    return s.ClientInfo(name=c.name, scope_area_id=c.scope_area_id, scope_unit_id=c.scope_unit_id,
                        permissions=[p for p in ("read", "ingest") if getattr(c, f"can_{p}")])


AREA_COLUMNS = (Area.id, Area.code, Area.name, Area.level, Area.division_type, Area.parent_id, Area.valid_from,
                Area.valid_to)
UNIT_COLUMNS = (Unit.id, Unit.name, Unit.kind, Unit.area_id, Unit.parent_id, Unit.headcount)
CLASS_COLUMNS = (TrainingClass.id, TrainingClass.trainer_id, TrainingClass.level, TrainingClass.topic,
                 TrainingClass.mode, TrainingClass.audience_group, TrainingClass.venue_area_id,
                 TrainingClass.host_unit_id, TrainingClass.start_on, TrainingClass.end_on, TrainingClass.status)
TRAINER_COLUMNS = (Trainer.id, Person.full_name.label("name"), Trainer.tier, Trainer.status, Trainer.max_level,
                   Trainer.mentor_id, Trainer.generation, Trainer.area_id, Trainer.unit_id)
REACH_COLUMNS = (TrainerStats.trainer_id.label("stats"), TrainerStats.direct_trainees, TrainerStats.subtree_size,
                 TrainerStats.subtree_classes, TrainerStats.subtree_learners, TrainerStats.subtree_completed)
GAP_COLUMNS = (Gap.id, Gap.rule_code, Gap.severity, Gap.state, Gap.area_id, Gap.subject_kind, Gap.subject_id,
               cast(Gap.params, Text).label("params"), Gap.opened_at)


AREAS, UNITS, CLASSES, GAPS = (select(*AREA_COLUMNS), select(*UNIT_COLUMNS), select(*CLASS_COLUMNS),
                               select(*GAP_COLUMNS))


def _area(area: Area) -> s.AreaOut:
    return s.AreaOut(id=area.id, code=area.code, name=area.name, level=area.level, division_type=area.division_type,
                     parent_id=area.parent_id, valid_from=area.valid_from, valid_to=area.valid_to)


@bp.get("/areas")
@endpoint(summary="Areas of a map", description="Areas of the client's scope on the chosen map (`map`), by id.",
          tag="Areas", response=s.AreaPage, query=s.AreaListQuery, errors=(400,))
def areas(query: s.AreaListQuery):
    maps = available_maps()
    chosen = next((m for m in maps if m.key == query.map), None) if query.map else map_on(local_today(), maps)
    if query.map and chosen is None:
        raise ApiProblem("bad-request", f"No map {query.map} is loaded.", f"Chưa có bản đồ {query.map}.")
    day = chosen.valid_from if chosen is not None else None

    def where() -> list:
        conditions = [visible(Area, g.api_scope)]
        if day is not None:
            conditions += [Area.valid_from <= day, or_(Area.valid_to.is_(None), Area.valid_to >= day)]
        return conditions

    return s.AreaPage.model_validate(page(("areas", g.api_scope, day), AREAS, where, Area.id, query))


@bp.get("/areas/<int:area_id>")
@endpoint(summary="One area", description="An area of the client's scope.", tag="Areas", response=s.AreaOut,
          errors=(404,))
def area(area_id: int):
    return _area(one_in_scope(Area, area_id))


def _unit(unit: Unit) -> s.UnitOut:
    return s.UnitOut(id=unit.id, name=unit.name, kind=unit.kind, area_id=unit.area_id, parent_id=unit.parent_id,
                     headcount=unit.headcount)


@bp.get("/units")
@endpoint(summary="Units", description="Agencies, unions, schools and businesses of the client's scope.",
          tag="Units", response=s.UnitPage, query=s.ListQuery, errors=(400,))
def units(query: s.ListQuery):
    return s.UnitPage.model_validate(page(("units", g.api_scope), UNITS, lambda: [visible(Unit, g.api_scope)],
                                          Unit.id, query))


@bp.get("/units/<int:unit_id>")
@endpoint(summary="One unit", description="A unit of the client's scope.", tag="Units", response=s.UnitOut,
          errors=(404,))
def unit(unit_id: int):
    return _unit(one_in_scope(Unit, unit_id))


def _trainers():
    return (select(*TRAINER_COLUMNS, *REACH_COLUMNS).join(Person, Person.id == Trainer.person_id)
            .outerjoin(TrainerStats, TrainerStats.trainer_id == Trainer.id))


TRAINERS = _trainers()
REACH_FIELDS = tuple(s.Reach.model_fields)


TRAINER_FIELDS = tuple(c.key for c in TRAINER_COLUMNS)


def _trainer_item(row) -> dict:
    """A trainer's item (a dict for `TrainerOut`): its reach nested, null before the first network pass."""
    item = dict(zip(TRAINER_FIELDS, row[:len(TRAINER_FIELDS)], strict=True))
    reach = row[len(TRAINER_FIELDS) + 1:]
    item["reach"] = None if row[len(TRAINER_FIELDS)] is None else dict(zip(REACH_FIELDS, reach, strict=True))
    return item


@bp.get("/trainers")
@endpoint(summary="Trainers", description="Trainers of the client's scope with mentor, generation and reach "
          "(the stored figures of the last network pass).", tag="Trainers", response=s.TrainerPage,
          query=s.ListQuery, errors=(400,))
def trainers(query: s.ListQuery):
    return s.TrainerPage.model_validate(page(("trainers", g.api_scope), TRAINERS,
                                             lambda: [visible(Trainer, g.api_scope)], Trainer.id, query,
                                             _trainer_item))


@bp.get("/trainers/<int:trainer_id>")
@endpoint(summary="One trainer", description="A trainer of the client's scope.", tag="Trainers",
          response=s.TrainerOut, errors=(404,))
def trainer(trainer_id: int):
    row = db.session.execute(_trainers().where(visible(Trainer, g.api_scope), Trainer.id == trainer_id)).first()
    if row is None:
        raise not_found()
    return s.TrainerOut.model_validate(_trainer_item(row))


def _class(c: TrainingClass) -> s.ClassOut:
    return s.ClassOut(id=c.id, trainer_id=c.trainer_id, level=c.level, topic=c.topic, mode=c.mode,
                      audience_group=c.audience_group, venue_area_id=c.venue_area_id, host_unit_id=c.host_unit_id,
                      start_on=c.start_on, end_on=c.end_on, status=c.status)


@bp.get("/classes")
@endpoint(summary="Classes", description="Classes of the client's scope.", tag="Classes", response=s.ClassPage,
          query=s.ListQuery, errors=(400,))
def classes(query: s.ListQuery):
    return s.ClassPage.model_validate(page(("classes", g.api_scope), CLASSES,
                                           lambda: [visible(TrainingClass, g.api_scope)], TrainingClass.id, query))


@bp.get("/classes/<int:class_id>")
@endpoint(summary="One class", description="A class of the client's scope.", tag="Classes", response=s.ClassOut,
          errors=(404,))
def training_class(class_id: int):
    return _class(one_in_scope(TrainingClass, class_id))


@bp.get("/gaps")
@endpoint(summary="Open gaps", description="Open and acknowledged gaps of the client's scope.", tag="Gaps",
          response=s.GapPage, query=s.ListQuery, errors=(400,))
def gaps(query: s.ListQuery):
    return s.GapPage.model_validate(page(("gaps", g.api_scope), GAPS,
                                         lambda: [visible(Gap, g.api_scope), Gap.state.in_(ACTIVE)], Gap.id, query,
                                         _gap_item))


GAP_FIELDS = tuple(c.key for c in GAP_COLUMNS)


def _gap_item(row) -> dict:
    item = dict(zip(GAP_FIELDS, row, strict=True))
    item["message_vi"] = _message(item["rule_code"], item.pop("params"))
    return item


@lru_cache(maxsize=50_000)
def _message(rule_code: str, params: str | None) -> str:
    """A gap's message from its rule and the JSON text of its params: a pure function of the two (and of the rules'
    templates, which are code), so a worker fills each once (a province has ~30,000 open gaps), not on every read
    of every page."""
    return render(rule_code, json.loads(params) if params else {})


@bp.get("/certificates/verify/<code>")
@endpoint(summary="Verify a certificate", description="Public: no token. Limited per address like the "
          "verification page.", tag="Certificates", response=s.CertificateCheck, permission=None,
          errors=(404, 429))
def verify_certificate(code: str):
    check_hits("verify", request.remote_addr or "", clock(), "verify_limit", "verify_window_minutes")
    row = db.session.execute(select(Certificate, Person.full_name).join(Person, Person.id == Certificate.person_id)
                             .where(Certificate.code == code.strip().upper()[:16])).first()
    if row is None:
        raise ApiProblem("not-found", "No certificate has this code.", "Không có chứng nhận nào mang mã này.")
    cert, holder = row
    return s.CertificateCheck(code=cert.code, holder=holder, level=cert.level, level_vi=LEVELS[cert.level],
                              issued_on=cert.issued_on, valid=cert.revoked_on is None, revoked_on=cert.revoked_on)
