"""The gap scan: build `rollout.gaps` inputs from the database, run the rules, store the lifecycle changes.

Rules:
- the scan evaluates the rules in `SCANNED_RULES` only, and reconciles only the stored gaps of those rules
  (`rollout.gaps.reconcile(..., rule_codes=...)`), so gaps of other rules are left as they are; adding a rule
  to the scan means adding its code here and the rows it reads to `inputs_for`;
- subjects are identified by database ids as strings: an activity gap by the activity's id (its params keep
  the activity's number in its plan), a district gap by the area's id;
- each plan is evaluated on its own (activity numbers repeat across plans); the districts evaluated are those
  inside a stored plan's area (`app.plan.queries.planned_districts`);
- params are stored as JSON; a finding is compared with its JSON form, so an unchanged condition changes
  nothing and a second scan on the same day writes nothing (idempotent);
- opening, reopening and resolving append a GapEvent; a refresh of params (e.g. days late) only updates them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter

from sqlalchemy import select

from app.extensions import db
from app.models import Area, DistrictPlan, Gap, GapEvent, Plan
from app.plan.domain import actuals, load_rows, to_domain
from app.plan.queries import planned_districts
from app.timeutil import utcnow
from rollout import gaps as rules
from rollout.gaps import AreaRow, DistrictPlanRow, Finding, GapInputs, GapSettings, StoredGap

__all__ = ["SCANNED_RULES", "scan", "store_findings", "findings_for"]

SCANNED_RULES = ("activity_overdue", "activity_not_started", "district_without_plan")


def _json(params) -> dict:
    return json.loads(json.dumps(dict(params), default=str))


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
                     a.valid_to) for a in db.session.scalars(select(Area).where(planned_districts()))]
    plans = [DistrictPlanRow(str(area_id), issued_on) for area_id, issued_on in
             db.session.execute(select(DistrictPlan.area_id, DistrictPlan.issued_on))]
    inputs = GapInputs(today=today, settings=settings, areas=areas, district_plans=plans)
    return [dataclasses.replace(f, area_id=int(f.area_id) if f.area_id is not None else None)
            for f in rules.evaluate(inputs, codes)]


def findings_for(today: dt.date, settings: GapSettings | None = None,
                 codes: tuple[str, ...] = SCANNED_RULES) -> list[Finding]:
    settings = settings or GapSettings()
    wanted = set(codes)
    found = _activity_findings(today, settings, wanted & {"activity_overdue", "activity_not_started"})
    if "district_without_plan" in wanted:
        found += _district_findings(today, settings, {"district_without_plan"})
    return [dataclasses.replace(f, params=_json(f.params)) for f in found]


def store_findings(findings: list[Finding], codes: tuple[str, ...] = SCANNED_RULES) -> Counter:
    """Apply `rollout.gaps.reconcile` to the stored gaps of `codes`; returns counts by change."""
    now = utcnow()
    stored_rows = {(g.rule_code, g.subject_kind, g.subject_id): g
                   for g in db.session.scalars(select(Gap).where(Gap.rule_code.in_(codes)))}
    stored = {key: StoredGap(g.state, g.params or {}) for key, g in stored_rows.items()}
    plan = rules.reconcile(stored, findings, rule_codes=codes)
    counts: Counter = Counter()
    for finding in plan.to_open:
        gap = Gap(rule_code=finding.rule_code, subject_kind=finding.subject_kind, subject_id=str(finding.subject_id),
                  area_id=finding.area_id, severity=rules.get_rule(finding.rule_code).severity,
                  params=dict(finding.params), state="open", opened_at=now)
        db.session.add(gap)
        db.session.flush()
        db.session.add(GapEvent(gap_id=gap.id, at=now, action="opened", params=dict(finding.params)))
        counts["opened"] += 1
    for finding in plan.to_reopen:
        gap = stored_rows[finding.key]
        gap.state, gap.params, gap.area_id = "open", dict(finding.params), finding.area_id
        gap.opened_at, gap.resolved_at, gap.acknowledged_at, gap.acknowledged_by_id = now, None, None, None
        db.session.add(GapEvent(gap_id=gap.id, at=now, action="reopened", params=dict(finding.params)))
        counts["reopened"] += 1
    for finding in plan.to_refresh:
        stored_rows[finding.key].params = dict(finding.params)
        counts["refreshed"] += 1
    for finding in findings:  # a subject whose area changed (a map change) takes its gap along
        gap = stored_rows.get(finding.key)
        if gap is not None and finding.area_id is not None and gap.area_id != finding.area_id:
            gap.area_id = finding.area_id
    for key in plan.to_resolve:
        gap = stored_rows[key]
        gap.state, gap.resolved_at = "resolved", now
        db.session.add(GapEvent(gap_id=gap.id, at=now, action="resolved"))
        counts["resolved"] += 1
    db.session.flush()
    return counts


def scan(today: dt.date, settings: GapSettings | None = None) -> str:
    """Run the scanned rules on `today` and store the result; returns a Vietnamese summary."""
    counts = store_findings(findings_for(today, settings))
    open_now = db.session.scalar(select(db.func.count(Gap.id)).where(Gap.rule_code.in_(SCANNED_RULES),
                                                                     Gap.state != "resolved"))
    return (f"{counts['opened']} cảnh báo mới, {counts['reopened']} mở lại, {counts['resolved']} đã khắc phục, "
            f"{counts['refreshed']} cập nhật số liệu; {open_now} đang mở.")
