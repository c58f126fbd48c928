"""The read endpoints of `/api/v1`, each scoped to the calling client through `app/scope.py`.

Rules: every list and object is filtered by `visible(Model, client scope)`, so an id outside the client's scope
answers 404 exactly like an id that does not exist; lists page by cursor (`app/api/paging.py`); answers carry
an ETag (`app/api/endpoint.py`). The certificate check is public (no token) and limited per address like the
verification page.
"""

from __future__ import annotations

from flask import Blueprint, g, request
from sqlalchemy import or_, select
from werkzeug.exceptions import HTTPException

from app.api import schemas as s
from app.api.endpoint import endpoint
from app.api.guard import check_limit
from app.api.paging import page
from app.api.problems import PROBLEMS, ApiProblem, not_found
from app.areas.maps import available_maps, map_on
from app.extensions import csrf, db
from app.gaps.queries import ACTIVE, message
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
    stmt = select(Area).where(visible(Area, g.api_scope))
    if chosen is not None:
        day = chosen.valid_from
        stmt = stmt.where(Area.valid_from <= day, or_(Area.valid_to.is_(None), Area.valid_to >= day))
    return s.AreaPage(**page(stmt, Area.id, query, lambda row: _area(row[0])))


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
    return s.UnitPage(**page(select(Unit).where(visible(Unit, g.api_scope)), Unit.id, query,
                             lambda row: _unit(row[0])))


@bp.get("/units/<int:unit_id>")
@endpoint(summary="One unit", description="A unit of the client's scope.", tag="Units", response=s.UnitOut,
          errors=(404,))
def unit(unit_id: int):
    return _unit(one_in_scope(Unit, unit_id))


def _trainers():
    return (select(Trainer, Person.full_name, TrainerStats).join(Person, Person.id == Trainer.person_id)
            .outerjoin(TrainerStats, TrainerStats.trainer_id == Trainer.id).where(visible(Trainer, g.api_scope)))


def _trainer(row) -> s.TrainerOut:
    t, name, stats = row
    reach = None if stats is None else s.Reach(
        direct_trainees=stats.direct_trainees, subtree_size=stats.subtree_size, subtree_classes=stats.subtree_classes,
        subtree_learners=stats.subtree_learners, subtree_completed=stats.subtree_completed)
    return s.TrainerOut(id=t.id, name=name, tier=t.tier, status=t.status, max_level=t.max_level, mentor_id=t.mentor_id,
                        generation=t.generation, area_id=t.area_id, unit_id=t.unit_id, reach=reach)


@bp.get("/trainers")
@endpoint(summary="Trainers", description="Trainers of the client's scope with mentor, generation and reach "
          "(the stored figures of the last network pass).", tag="Trainers", response=s.TrainerPage,
          query=s.ListQuery, errors=(400,))
def trainers(query: s.ListQuery):
    return s.TrainerPage(**page(_trainers(), Trainer.id, query, _trainer))


@bp.get("/trainers/<int:trainer_id>")
@endpoint(summary="One trainer", description="A trainer of the client's scope.", tag="Trainers",
          response=s.TrainerOut, errors=(404,))
def trainer(trainer_id: int):
    row = db.session.execute(_trainers().where(Trainer.id == trainer_id)).first()
    if row is None:
        raise not_found()
    return _trainer(row)


def _class(c: TrainingClass) -> s.ClassOut:
    return s.ClassOut(id=c.id, trainer_id=c.trainer_id, level=c.level, topic=c.topic, mode=c.mode,
                      audience_group=c.audience_group, venue_area_id=c.venue_area_id, host_unit_id=c.host_unit_id,
                      start_on=c.start_on, end_on=c.end_on, status=c.status)


@bp.get("/classes")
@endpoint(summary="Classes", description="Classes of the client's scope.", tag="Classes", response=s.ClassPage,
          query=s.ListQuery, errors=(400,))
def classes(query: s.ListQuery):
    stmt = select(TrainingClass).where(visible(TrainingClass, g.api_scope))
    return s.ClassPage(**page(stmt, TrainingClass.id, query, lambda row: _class(row[0])))


@bp.get("/classes/<int:class_id>")
@endpoint(summary="One class", description="A class of the client's scope.", tag="Classes", response=s.ClassOut,
          errors=(404,))
def training_class(class_id: int):
    return _class(one_in_scope(TrainingClass, class_id))


@bp.get("/gaps")
@endpoint(summary="Open gaps", description="Open and acknowledged gaps of the client's scope.", tag="Gaps",
          response=s.GapPage, query=s.ListQuery, errors=(400,))
def gaps(query: s.ListQuery):
    stmt = select(Gap).where(visible(Gap, g.api_scope), Gap.state.in_(ACTIVE))
    return s.GapPage(**page(stmt, Gap.id, query, lambda row: s.GapOut(
        id=row[0].id, rule_code=row[0].rule_code, severity=row[0].severity, state=row[0].state,
        area_id=row[0].area_id, subject_kind=row[0].subject_kind, subject_id=row[0].subject_id,
        message_vi=message(row[0]), opened_at=row[0].opened_at)))


@bp.get("/certificates/verify/<code>")
@endpoint(summary="Verify a certificate", description="Public: no token. Limited per address like the "
          "verification page.", tag="Certificates", response=s.CertificateCheck, permission=None,
          errors=(404, 429))
def verify_certificate(code: str):
    check_limit("verify", request.remote_addr or "", clock(), "verify_limit", "verify_window_minutes")
    row = db.session.execute(select(Certificate, Person.full_name).join(Person, Person.id == Certificate.person_id)
                             .where(Certificate.code == code.strip().upper()[:16])).first()
    if row is None:
        raise ApiProblem("not-found", "No certificate has this code.", "Không có chứng nhận nào mang mã này.")
    cert, holder = row
    return s.CertificateCheck(code=cert.code, holder=holder, level=cert.level, level_vi=LEVELS[cert.level],
                              issued_on=cert.issued_on, valid=cert.revoked_on is None, revoked_on=cert.revoked_on)
