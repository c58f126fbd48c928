"""The gap scan: build `rollout.gaps` inputs from the database, run the rules, store the lifecycle changes.

Rules:
- the scan evaluates every rule of the `rollout.gaps` registry (`SCANNED_RULES`) and reconciles the stored
  gaps of those rules (`rollout.gaps.reconcile(..., rule_codes=...)`); the plan's activity rules and the
  district-plan rule read the stored plans here, every other rule reads `app.gaps.inputs.network_inputs`;
- subjects are identified by database ids as strings: an activity gap by the activity's id (its params keep
  the activity's number in its plan), a district gap by the area's id;
- each plan is evaluated on its own (activity numbers repeat across plans); the districts evaluated are those
  inside a stored plan's area (`app.plan.queries.planned_districts`), and the communes of a commune-based plan
  (`planned_communes`);
- params are stored as JSON; a finding is compared with its JSON form, so an unchanged condition changes
  nothing and a second scan on the same day writes nothing (idempotent);
- opening, reopening and resolving append a GapEvent; a refresh of params (e.g. days late) only updates them;
- after storing, the `gap_counts` summary is rebuilt from the gaps (`app.gaps.counts.rebuild`), stamped with
  the scan's time: the pages count from it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter

from sqlalchemy import Text, cast, insert, literal, null, or_, select

from app.areas.maps import AreaGraph, programme_roots, working_map
from app.batch import gc_paused
from app.extensions import db
from app.gaps import counts as gap_counts
from app.gaps.inputs import gap_settings, network_inputs
from app.models import Area, DistrictPlan, Gap, GapEvent, Plan
from app.models.gap import SEVERITY_RANK
from app.plan.domain import actuals, load_rows, to_domain
from app.plan.queries import planned_communes, planned_districts
from app.summaries.catalogue import fresh_indicators
from app.targets.indicators import trained_by_unit
from app.targets.snapshots import write_snapshots
from app.targets.targets import seed_targets
from app.timeutil import utcnow
from rollout import gaps as rules
from rollout.gaps import AreaRow, DistrictPlanRow, Finding, GapInputs, GapSettings, StoredGap

__all__ = ["SCANNED_RULES", "scan", "scan_measures", "store_findings", "findings_for"]

PLAN_RULES = ("activity_overdue", "activity_not_started", "district_without_plan")
SCANNED_RULES = tuple(rules.REGISTRY)


_JSON_SCALARS = (str, int, float, bool, type(None))


def _plain(value):
    """`value` as it reads back from JSON (dates as text, tuples as lists); exact built-in types are converted
    directly, anything else goes through json (at the scale of a province scan, 30,000 findings, the round
    trip alone cost 0.3 s)."""
    kind = type(value)
    if kind in _JSON_SCALARS:
        return value
    if kind is list or kind is tuple:
        return [_plain(v) for v in value]
    if kind is dict and all(type(k) is str for k in value):
        return {k: _plain(v) for k, v in value.items()}
    return json.loads(json.dumps(value, default=str))


def _json(params) -> dict:
    return _plain(dict(params))


def _activity_findings(today: dt.date, settings: GapSettings, codes: set[str]) -> list[Finding]:
    found = []
    for plan in db.session.scalars(select(Plan).order_by(Plan.id)):
        rows = load_rows(plan)
        ids = {a.number: a for a in rows.activities}
        inputs = GapInputs(today=today, settings=settings,
                           activities=rules.activity_rows(to_domain(rows), actuals(rows.activities, today)))
        for finding in rules.evaluate(inputs, codes):
            activity = ids[int(finding.subject_id)]
            found.append(dataclasses.replace(finding, subject_id=str(activity.id), area_id=activity.area_id,
                                             params={**finding.params, "plan_number": plan.number}))
    return found


def _district_findings(today: dt.date, settings: GapSettings, codes: set[str]) -> list[Finding]:
    areas = [AreaRow(str(a.id), a.name, a.level, str(a.parent_id) if a.parent_id else None, a.valid_from,
                     a.valid_to) for a in db.session.scalars(select(Area).where(
                         or_(planned_districts(), planned_communes())))]
    plans = [DistrictPlanRow(str(area_id), issued_on) for area_id, issued_on in
             db.session.execute(select(DistrictPlan.area_id, DistrictPlan.issued_on))]
    communes = frozenset(a.id for a in areas if a.kind == "commune")
    inputs = GapInputs(today=today, settings=settings, areas=areas, district_plans=plans,
                       local_plan_communes=communes)
    return [dataclasses.replace(f, area_id=int(f.area_id) if f.area_id is not None else None)
            for f in rules.evaluate(inputs, codes)]


def _finding(f: Finding, areas: dict[str, int]) -> Finding:
    """The finding with a string subject id, an int area id (persons: their home area) and JSON params."""
    area = areas.get(str(f.subject_id)) if f.subject_kind == "person" else f.area_id
    return Finding(f.rule_code, f.subject_kind, str(f.subject_id), int(area) if area is not None else None,
                   _json(f.params))


def findings_for(today: dt.date, settings: GapSettings | None = None,
                 codes: tuple[str, ...] = SCANNED_RULES, graph=None, measures=None) -> list[Finding]:
    settings = settings or gap_settings()
    wanted = set(codes)
    found = _activity_findings(today, settings, wanted & {"activity_overdue", "activity_not_started"})
    if "district_without_plan" in wanted:
        found += _district_findings(today, settings, {"district_without_plan"})
    found = [dataclasses.replace(f, params=_json(f.params)) for f in found]
    network_codes = wanted - set(PLAN_RULES)
    if network_codes:
        graph = graph or AreaGraph.load()
        inputs, person_areas = network_inputs(today, settings, graph, measures)
        found += [_finding(f, person_areas) for f in rules.evaluate(inputs, network_codes)]
    return found


def _chunks(ids: list[int], size: int = 500):
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def _stored_params(text: str | None, finding: Finding | None) -> dict:
    """A stored gap's params from their JSON text: the finding's own params when the text is exactly what
    storing them writes (the usual case, an unchanged condition: no parsing), else the parsed text."""
    if text is None:
        return {}
    if finding is not None and text == json.dumps(finding.params):
        return finding.params
    return json.loads(text) or {}


# PostgreSQL: the gaps opened and their events in one statement, the rows sent as one array per column (binary
# parameters, `%b`) and unnested, the events inserted from its RETURNING. At province scale (31,620 gaps) 1.0 s
# where the executemany of 31,620 INSERTs and the INSERT … SELECT of their events took 2.0 s; the JSON params as a
# text array (SQLAlchemy's parameters) cost 0.7 s more alone: every quote escaped, then parsed again.
_OPEN_ON_POSTGRESQL = """
WITH opened AS (
    INSERT INTO gaps (rule_code, subject_kind, subject_id, area_id, severity, severity_rank, params, state, opened_at)
    SELECT rule_code, subject_kind, subject_id, area_id, severity, severity_rank, params::json, 'open', %(now)b
    FROM unnest(CAST(%(rule_code)b AS varchar[]), CAST(%(subject_kind)b AS varchar[]),
                CAST(%(subject_id)b AS varchar[]), CAST(%(area_id)b AS integer[]), CAST(%(severity)b AS varchar[]),
                CAST(%(severity_rank)b AS smallint[]), CAST(%(params)b AS text[]))
        AS new (rule_code, subject_kind, subject_id, area_id, severity, severity_rank, params)
    RETURNING id, opened_at, params)
INSERT INTO gap_events (gap_id, at, action, actor_id, params)
SELECT id, opened_at, 'opened', NULL, params FROM opened ORDER BY id
"""


def _open_on_postgresql(opened: list[dict], now: dt.datetime) -> None:
    """Insert the new gaps (`opened`: the rows `store_findings` would insert) and their 'opened' events on
    PostgreSQL, through the session connection's psycopg cursor (in its transaction: SQLAlchemy sends no binary
    parameters); params as JSON text written as the JSON type writes it (`json.dumps`)."""
    columns = {name: [row[name] for row in opened] for name in
               ("rule_code", "subject_kind", "subject_id", "area_id", "severity", "severity_rank")}
    with db.session.connection().connection.driver_connection.cursor() as cursor:
        cursor.execute(_OPEN_ON_POSTGRESQL, {**columns, "params": [json.dumps(row["params"]) for row in opened],
                                             "now": now})


def store_findings(findings: list[Finding], codes: tuple[str, ...] = SCANNED_RULES) -> Counter:
    """Apply `rollout.gaps.reconcile` to the stored gaps of `codes`; returns counts by change.

    Stored gaps are read as plain rows; only the gaps that change are loaded as objects (a scan that changes
    nothing loads none)."""
    now = utcnow()
    current: dict = {}
    for finding in findings:
        current.setdefault(finding.key, finding)  # the first finding of a key, as `reconcile` takes it
    rows, stored = {}, {}
    for row in db.session.execute(
            select(Gap.id, Gap.rule_code, Gap.subject_kind, Gap.subject_id, Gap.state,
                   cast(Gap.params, Text).label("params"), Gap.area_id).where(Gap.rule_code.in_(codes))):
        key = (row.rule_code, row.subject_kind, row.subject_id)
        rows[key] = row
        stored[key] = StoredGap(row.state, _stored_params(row.params, current.get(key)))
    plan = rules.reconcile(stored, findings, rule_codes=codes)
    moved = [f for f in findings if (r := rows.get(f.key)) is not None and f.area_id is not None
             and r.area_id != f.area_id]  # a subject whose area changed (a map change) takes its gap along
    keys = {f.key for f in (*plan.to_reopen, *plan.to_refresh, *moved)} | set(plan.to_resolve)
    loaded: dict[int, Gap] = {}
    for chunk in _chunks(sorted(rows[k].id for k in keys)):
        loaded.update({g.id: g for g in db.session.scalars(select(Gap).where(Gap.id.in_(chunk)))})

    def gap_at(key) -> Gap:
        return loaded[rows[key].id]

    counts: Counter = Counter()
    # new gaps as one Core executemany, then their events as one INSERT … SELECT of the gaps just opened (their
    # `opened_at` is this scan's): a first scan, a new rule or a map change opens tens of thousands at once (ORM
    # objects: seconds; INSERT … RETURNING in parameter order: quadratic in SQLAlchemy's batch splicing, 11.7 s for
    # 30,000 on SQLite; the events as a second executemany after reading the ids back: 0.9 s more on PostgreSQL)
    opened = [{"rule_code": f.rule_code, "subject_kind": f.subject_kind, "subject_id": str(f.subject_id),
               "area_id": f.area_id, "severity": (severity := rules.get_rule(f.rule_code).severity),
               "severity_rank": SEVERITY_RANK.get(severity, 0), "params": dict(f.params),
               "state": "open", "opened_at": now} for f in plan.to_open]
    if opened and db.session.get_bind().dialect.name == "postgresql":
        _open_on_postgresql(opened, now)
    elif opened:
        db.session.execute(insert(Gap.__table__), opened)
        db.session.execute(insert(GapEvent.__table__).from_select(
            ["gap_id", "at", "action", "actor_id", "params"],
            select(Gap.id, Gap.opened_at, literal("opened"), null(), Gap.params)
            .where(Gap.rule_code.in_(codes), Gap.opened_at == now, Gap.state == "open").order_by(Gap.id)))
    counts["opened"] = len(opened)
    for finding in plan.to_reopen:
        gap = gap_at(finding.key)
        gap.state, gap.params, gap.area_id = "open", dict(finding.params), finding.area_id
        gap.opened_at, gap.resolved_at, gap.acknowledged_at, gap.acknowledged_by_id = now, None, None, None
        gap.owner_id, gap.note, gap.due_on, gap.resolve_reason = None, None, None, None
        db.session.add(GapEvent(gap_id=gap.id, at=now, action="reopened", params=dict(finding.params)))
        counts["reopened"] += 1
    for finding in plan.to_refresh:
        gap_at(finding.key).params = dict(finding.params)
        counts["refreshed"] += 1
    for finding in moved:
        gap_at(finding.key).area_id = finding.area_id
    for key in plan.to_resolve:
        gap = gap_at(key)
        gap.state, gap.resolved_at = "resolved", now
        db.session.add(GapEvent(gap_id=gap.id, at=now, action="resolved"))
        counts["resolved"] += 1
    db.session.flush()
    gap_counts.rebuild()
    return counts


def scan_measures(day: dt.date, today: dt.date, settings: GapSettings) -> dict:
    """The indicators the scan checks and snapshots, on the map of `day`: the stored `indicators` summary, computed
    first (and stored) unless it is current — the `summaries_refresh` job keeps today's computed within minutes of
    a change, and the job's own refresh after the scan then has nothing to do. T3's per-unit numerators are
    counted here when the row has none (stored before they were)."""
    measures, with_units = fresh_indicators(day, today, settings.core_group_min_trainers)
    if not with_units:
        trained = measures["civil_servants_trained"]
        measures["civil_servants_trained"] = dataclasses.replace(trained, by_unit=trained_by_unit(today))
    return measures


@gc_paused()
def scan(today: dt.date, settings: GapSettings | None = None) -> str:
    """Run every rule on `today`, store the result and the day's indicator snapshots; returns a summary."""
    settings = settings or gap_settings()
    graph = AreaGraph.load()
    day = working_map() or today
    measures = scan_measures(day, today, settings)
    roots = programme_roots(today, day, graph)
    seed_targets()
    snapshots = write_snapshots(today, measures, graph, [r.id for r in roots]) if roots else 0
    counts = store_findings(findings_for(today, settings, graph=graph, measures=measures))
    open_now = db.session.scalar(select(db.func.count(Gap.id)).where(Gap.rule_code.in_(SCANNED_RULES),
                                                                     Gap.state != "resolved"))
    return (f"{counts['opened']} cảnh báo mới, {counts['reopened']} mở lại, {counts['resolved']} đã khắc phục, "
            f"{counts['refreshed']} cập nhật số liệu; {open_now} đang mở; {snapshots} số liệu chỉ tiêu đã lưu.")
