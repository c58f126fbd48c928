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
The seed hands the rows over a chunk at a time (`app.demo.seed_demo`): dates and candidates are set on each chunk
before it is inserted; a completed enrolment is then remembered only as three ints (`Completions`), from which
the certificates and the points are generated, in the order they always had, as iterators of rows.
"""

from __future__ import annotations

import csv
import secrets
from array import array
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import numpy as np

from app.certificates.operations import ALPHABET, CODE_LENGTH, serial_for
from app.training.settings import DEFAULTS

WORKING_AGE_SHARE = 0.62
POPULATION_SOURCE = ("Ước tính: dân số 2019 (Tổng điều tra) × 0,62 tỷ lệ trong độ tuổi lao động; "
                     "chủ DN, HTX, hộ kinh doanh × 0,04")
BUSINESS_OWNER_SHARE = 0.04  # an estimate for the demo: about one household business per 25 residents


REGISTERED_AT = time(1, 0)  # 08:00 in Asia/Ho_Chi_Minh


def class_dates(classes: Iterable[dict], today: date) -> None:
    for c in classes:
        status, start, end = c["status"], c["start_on"], c["end_on"]
        c["created_at"] = datetime.combine(min(start - timedelta(days=14), today), REGISTERED_AT, tzinfo=UTC)
        c["opened_on"] = start - timedelta(days=10) if status in ("open", "running", "completed") else None
        c["started_on"] = start if status in ("running", "completed") else None
        c["completed_on"] = end if status == "completed" else None
        c["cancelled_on"] = start if status == "cancelled" else None
        c["cancel_reason"] = "Không đủ học viên đăng ký" if status == "cancelled" else None
        c["over_limit_reason"] = None


def candidates(enrollments: Iterable[dict], classes: dict[int, dict], today: date) -> None:
    for e in enrollments:
        top = e["status"] == "completed" and (e["score"] or 0) >= 97
        e["candidate"] = top
        e["candidate_on"] = min(classes[e["class_id"]]["end_on"] + timedelta(days=3), today) if top else None


class Completions:
    """The completed enrolments, in the order they were added (enrolment ids ascending), as (enrolment id,
    person id, class id): 24 bytes each instead of a row."""

    def __init__(self) -> None:
        self.flat = array("q")

    def add(self, enrollments: Iterable[dict]) -> None:
        for e in enrollments:
            if e["status"] == "completed":
                self.flat.extend((e["id"], e["person_id"], e["class_id"]))

    def __len__(self) -> int:
        return len(self.flat) // 3

    def columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        table = np.frombuffer(self.flat, dtype=np.int64).reshape(-1, 3)
        return table[:, 0], table[:, 1], table[:, 2]


def certificate_order(done: Completions, classes: dict[int, dict]) -> np.ndarray:
    """Which completions earn a certificate, in the order they are issued: by the class's end, then the
    enrolment; the first completion of each (person, level) wins."""
    ids, persons, class_ids = done.columns()
    if not len(ids):
        return np.zeros(0, dtype=np.int64)
    end = np.array([classes[c]["end_on"].toordinal() for c in class_ids.tolist()], dtype=np.int64)
    level = np.array([classes[c]["level"] for c in class_ids.tolist()], dtype=np.int64)
    order = np.lexsort((ids, end))
    _keys, first = np.unique((persons * 16 + level)[order], return_index=True)
    return order[np.sort(first)]


_CODE_BITS = 5 * CODE_LENGTH  # len(ALPHABET) == 32: one character per 5 random bits, as uniform as choice()
_CODE_SHIFTS = np.arange(CODE_LENGTH - 1, -1, -1, dtype=np.uint64) * np.uint64(5)
_ALPHABET = np.frombuffer(ALPHABET.encode(), dtype=np.uint8)


def _random_codes(n: int) -> np.ndarray:
    """`n` distinct random codes as ints of `_CODE_BITS` bits."""
    mask = np.uint64((1 << _CODE_BITS) - 1)
    codes = np.frombuffer(secrets.token_bytes(8 * n), dtype=np.uint64) & mask
    while True:
        _values, first = np.unique(codes, return_index=True)
        if len(first) == n:
            return codes
        again = np.ones(n, dtype=bool)
        again[first] = False
        codes[again] = np.frombuffer(secrets.token_bytes(8 * int(again.sum())), dtype=np.uint64) & mask


def _code_text(codes: np.ndarray) -> list[str]:
    chars = _ALPHABET[((codes[:, None] >> _CODE_SHIFTS) & np.uint64(31)).astype(np.intp)]
    return [c.decode() for c in np.ascontiguousarray(chars).view(f"S{CODE_LENGTH}").ravel()]


def certificates(done: Completions, order: np.ndarray, classes: dict[int, dict], first_id: int,
                 batch: int = 20_000) -> Iterator[dict]:
    """The certificates of `certificate_order`, ids from `first_id`, each with a random code (distinct)."""
    assert len(ALPHABET) == 32
    _ids, persons, class_ids = done.columns()
    codes = _random_codes(len(order))
    for start in range(0, len(order), batch):
        chosen = order[start:start + batch]
        for k, (person_id, class_id, code) in enumerate(zip(persons[chosen].tolist(), class_ids[chosen].tolist(),
                                                            _code_text(codes[start:start + batch]), strict=True)):
            c = classes[class_id]
            ident = first_id + start + k
            yield {"id": ident, "person_id": person_id, "level": c["level"],
                   "serial": serial_for(c["end_on"].year, ident), "code": code, "issued_on": c["end_on"],
                   "class_id": class_id, "trainer_id": c["trainer_id"], "revoked_on": None, "revoke_reason": None}


def points(trainers: list[dict], classes: dict[int, dict], done: Completions, order: np.ndarray,
           first_certificate_id: int, batch: int = 20_000) -> Iterator[dict]:
    """The ledger: classes opened, learners completed, certificates, trainers grown (in that order)."""
    value = {reason: DEFAULTS[f"points_{reason}"][0]
             for reason in ("class_opened", "learner_completed", "certificate", "trainer_grown")}
    by_id = {t["id"]: t for t in trainers}

    def entry(reason, source_id, person_id, trainer_id, area_id, earned_on):
        return {"person_id": person_id, "trainer_id": trainer_id, "area_id": area_id,
                "points": value[reason], "reason": reason, "source_id": source_id, "earned_on": earned_on}

    for c in classes.values():
        if c["opened_on"]:
            t = by_id[c["trainer_id"]]
            yield entry("class_opened", c["id"], t["person_id"], t["id"], c["venue_area_id"], c["opened_on"])
    ids, persons, class_ids = done.columns()
    for start in range(0, len(ids), batch):
        for enrollment_id, class_id in zip(ids[start:start + batch].tolist(), class_ids[start:start + batch].tolist(),
                                           strict=True):
            c = classes[class_id]
            t = by_id[c["trainer_id"]]
            yield entry("learner_completed", enrollment_id, t["person_id"], t["id"], c["venue_area_id"], c["end_on"])
    for start in range(0, len(order), batch):
        chosen = order[start:start + batch]
        for k, (person_id, class_id) in enumerate(zip(persons[chosen].tolist(), class_ids[chosen].tolist(),
                                                      strict=True)):
            c = classes[class_id]
            yield entry("certificate", first_certificate_id + start + k, person_id, None, c["venue_area_id"],
                        c["end_on"])
    for t in trainers:
        if t["mentor_id"]:
            mentor = by_id[t["mentor_id"]]
            yield entry("trainer_grown", t["id"], mentor["person_id"], mentor["id"], t["area_id"], t["certified_on"])


def populations(path: Path, district_ids: dict[str, int]) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [{"area_id": district_ids[row["code"]], "year": 2019,
                 "working_age": round(int(row["population_2019"]) * WORKING_AGE_SHARE),
                 "business_owners": round(int(row["population_2019"]) * BUSINESS_OWNER_SHARE),
                 "source": POPULATION_SOURCE, "is_estimate": True}
                for row in csv.DictReader(fh) if row["code"] in district_ids]
