"""Demo rows derived from the cascade: class transition dates, certificates, candidates, points, populations.

Rules (the same as the live operations, applied in bulk):
- a class's transition dates follow its status: registered 14 days before the start (never after today, at
  08:00 local time), opened 10 days before the start, started on the start, completed on the end; cancelled
  classes are cancelled on their start date with a reason;
- every completed enrolment earns its person the certificate of the class's level, once per person
  and level (the first class to finish wins), serial BDHAI-<year>-<id>, a random 10-character code;
- learners who completed with a score of 97 or more are marked trainer candidates 3 days after the end (never
  after today);
- points as in `app.rankings.ledger`, with the plan's default values;
- working-age populations are estimates: the 2019 census population × 0.62, business owners × 0.04, flagged
  "ước tính".
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from app.certificates.operations import new_code, serial_for
from app.demo.cascade import Rows
from app.training.settings import DEFAULTS

WORKING_AGE_SHARE = 0.62
POPULATION_SOURCE = ("Ước tính: dân số 2019 (Tổng điều tra) × 0,62 tỷ lệ trong độ tuổi lao động; "
                     "chủ DN, HTX, hộ kinh doanh × 0,04")
BUSINESS_OWNER_SHARE = 0.04  # an estimate for the demo: about one household business per 25 residents


REGISTERED_AT = time(1, 0)  # 08:00 in Asia/Ho_Chi_Minh


def class_dates(rows: Rows, today: date) -> None:
    for c in rows.classes:
        status, start, end = c["status"], c["start_on"], c["end_on"]
        c["created_at"] = datetime.combine(min(start - timedelta(days=14), today), REGISTERED_AT, tzinfo=UTC)
        c["opened_on"] = start - timedelta(days=10) if status in ("open", "running", "completed") else None
        c["started_on"] = start if status in ("running", "completed") else None
        c["completed_on"] = end if status == "completed" else None
        c["cancelled_on"] = start if status == "cancelled" else None
        c["cancel_reason"] = "Không đủ học viên đăng ký" if status == "cancelled" else None
        c["over_limit_reason"] = None


def certificates(rows: Rows, first_id: int) -> list[dict]:
    classes = {c["id"]: c for c in rows.classes}
    held: set[tuple[int, int]] = set()
    done = sorted((e for e in rows.enrollments if e["status"] == "completed"),
                  key=lambda e: (classes[e["class_id"]]["end_on"], e["id"]))
    result, codes = [], set()
    for e in done:
        c = classes[e["class_id"]]
        key = (e["person_id"], c["level"])
        if key in held:
            continue
        held.add(key)
        code = new_code()
        while code in codes:
            code = new_code()
        codes.add(code)
        ident = first_id + len(result)
        result.append({"id": ident, "person_id": e["person_id"], "level": c["level"],
                       "serial": serial_for(c["end_on"].year, ident), "code": code, "issued_on": c["end_on"],
                       "class_id": c["id"], "trainer_id": c["trainer_id"], "revoked_on": None, "revoke_reason": None})
    return result


def candidates(rows: Rows, today: date) -> None:
    classes = {c["id"]: c for c in rows.classes}
    for e in rows.enrollments:
        top = e["status"] == "completed" and (e["score"] or 0) >= 97
        e["candidate"] = top
        e["candidate_on"] = min(classes[e["class_id"]]["end_on"] + timedelta(days=3), today) if top else None


def points(rows: Rows, certs: list[dict]) -> list[dict]:
    value = {reason: DEFAULTS[f"points_{reason}"][0]
             for reason in ("class_opened", "learner_completed", "certificate", "trainer_grown")}
    trainers = {t["id"]: t for t in rows.trainers}
    classes = {c["id"]: c for c in rows.classes}
    entries = []

    def add(reason, source_id, person_id, trainer_id, area_id, earned_on):
        entries.append({"person_id": person_id, "trainer_id": trainer_id, "area_id": area_id,
                        "points": value[reason], "reason": reason, "source_id": source_id, "earned_on": earned_on})

    for c in rows.classes:
        if c["opened_on"]:
            t = trainers[c["trainer_id"]]
            add("class_opened", c["id"], t["person_id"], t["id"], c["venue_area_id"], c["opened_on"])
    for e in rows.enrollments:
        if e["status"] == "completed":
            c = classes[e["class_id"]]
            t = trainers[c["trainer_id"]]
            add("learner_completed", e["id"], t["person_id"], t["id"], c["venue_area_id"], e["completed_on"])
    for cert in certs:
        add("certificate", cert["id"], cert["person_id"], None, classes[cert["class_id"]]["venue_area_id"],
            cert["issued_on"])
    for t in rows.trainers:
        if t["mentor_id"]:
            mentor = trainers[t["mentor_id"]]
            add("trainer_grown", t["id"], mentor["person_id"], mentor["id"], t["area_id"], t["certified_on"])
    return entries


def populations(path: Path, district_ids: dict[str, int]) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [{"area_id": district_ids[row["code"]], "year": 2019,
                 "working_age": round(int(row["population_2019"]) * WORKING_AGE_SHARE),
                 "business_owners": round(int(row["population_2019"]) * BUSINESS_OWNER_SHARE),
                 "source": POPULATION_SOURCE, "is_estimate": True}
                for row in csv.DictReader(fh) if row["code"] in district_ids]
