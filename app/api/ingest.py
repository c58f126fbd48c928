"""Ingesting daily learning records from an online platform (`POST /api/v1/learning-records`).

Rules:
- a batch holds 1–10,000 records (more: 413) and is all or nothing: any bad row refuses the whole batch (422)
  with one entry per bad row and field (index, field, English and Vietnamese reason); nothing is written;
- types are strict (a date is "YYYY-MM-DD", counts are JSON integers, never strings or fractions);
- a record is identified by (platform, external_id, date): stored once by the unique constraint
  (`INSERT … ON CONFLICT DO NOTHING`), so the same batch sent twice counts once (`duplicates` the second
  time); a key twice in one batch is a bad row;
- a learner is matched by the normalised phone (`app.text.normalize_phone`) to an existing person within the
  client's scope, so one person never becomes two: no person is ever created here; a record without such a
  person is stored `held` for review (`/learning-records/`), the others `matched`;
- the ingest stores; the effects of matched records (`app.api.effects`: an online enrolment in the platform's
  class of the level, completed at `online_completion_lessons` lessons, a ledger entry per day of at least
  `streak_minutes` minutes) are applied by the `online_effects` job within a minute, each record once (T5 also
  counts a person with a Bậc 1 online day at once: `app.targets.indicators`).
"""

from __future__ import annotations

from flask import g
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from app.api import schemas as s
from app.api.endpoint import endpoint
from app.api.problems import ApiProblem
from app.api.routes import bp
from app.api.row_errors import field_errors
from app.extensions import db
from app.models import LearningRecord, Person
from app.scope import visible
from app.text import PhoneError, normalize_phone
from app.timeutil import utcnow

ERRORS_SHOWN = 1000
CHUNK = 5000  # phones per IN (…)
BODY_MAX = 8 * 1024 * 1024


def _refuse(errors: list[dict]) -> ApiProblem:
    shown = errors[:ERRORS_SHOWN]
    more = f" (the first {ERRORS_SHOWN} of {len(errors)})" if len(errors) > ERRORS_SHOWN else ""
    more_vi = f" ({ERRORS_SHOWN} lỗi đầu trong {len(errors)})" if len(errors) > ERRORS_SHOWN else ""
    return ApiProblem("invalid-batch", f"{len(errors)} error(s); nothing was stored{more}.",
                      f"Có {len(errors)} lỗi; lô dữ liệu chưa được lưu{more_vi}.", errors=shown)


def parse(raw: bytes) -> list[s.LearningRecordIn]:
    if len(raw) > BODY_MAX:
        raise ApiProblem("too-large", f"The body is larger than {BODY_MAX // 1024 // 1024} MB.",
                         f"Nội dung lớn hơn {BODY_MAX // 1024 // 1024} MB.")
    try:
        return s.LearningBatchIn.model_validate_json(raw, strict=True).records
    except ValidationError as error:
        kinds = {(e["type"], tuple(e["loc"])) for e in error.errors(include_url=False)}
        if ("too_long", ("records",)) in kinds:
            raise ApiProblem("too-large", f"At most {s.BATCH_MAX} records per batch.",
                             f"Mỗi lô tối đa {s.BATCH_MAX:,} bản ghi.".replace(",", ".")) from None
        if any(kind == "json_invalid" for kind, _loc in kinds):
            raise ApiProblem("bad-request", "The body is not valid JSON.",
                             "Nội dung gửi lên không phải JSON hợp lệ.") from None
        raise _refuse(field_errors(error, rows_key="records")) from None


def check_rows(records: list[s.LearningRecordIn]) -> list[str]:
    """The normalised phones, or ApiProblem listing bad phones and keys repeated within the batch."""
    errors, phones, first = [], [], {}
    for index, r in enumerate(records):
        try:
            phones.append(normalize_phone(r.phone))
        except PhoneError:
            phones.append("")
            errors.append({"index": index, "field": "phone", "reason": "Not a Vietnamese phone number.",
                           "reason_vi": "Không phải số điện thoại Việt Nam."})
        key = (r.platform, r.external_id, r.date)
        if key in first:
            errors.append({"index": index, "field": "external_id",
                           "reason": f"Same platform, external_id and date as record {first[key]}.",
                           "reason_vi": f"Trùng nền tảng, mã người học và ngày với bản ghi {first[key]}."})
        else:
            first[key] = index
    if errors:
        raise _refuse(sorted(errors, key=lambda e: e["index"]))
    return phones


def match(phones: list[str]) -> dict[str, int]:
    """Phone → person id, for the persons of the client's scope with those phones."""
    wanted, found = sorted(set(phones)), {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start:start + CHUNK]
        found.update(db.session.execute(select(Person.phone, Person.id).where(
            Person.phone.in_(chunk), visible(Person, g.api_scope))).all())
    return found


def store(records: list[s.LearningRecordIn], phones: list[str], people: dict[str, int],
          client_id: int) -> tuple[int, int]:
    """Insert the records not stored yet; returns (inserted, of which matched).

    Core INSERT … ON CONFLICT DO NOTHING RETURNING id, once for the matched rows and once for the held rows (Core,
    not the ORM's bulk insert, which splices RETURNING rows one by one: 20 times slower)."""
    now = utcnow()
    rows = {"matched": [], "held": []}
    for r, phone in zip(records, phones, strict=True):
        state = "matched" if phone in people else "held"
        rows[state].append({"platform": r.platform, "external_id": r.external_id, "record_date": r.date,
                            "phone": phone, "minutes": r.minutes, "lessons": r.lessons, "score": r.score,
                            "level": r.level, "state": state, "person_id": people.get(phone),
                            "client_id": client_id, "received_at": now})
    connection = db.session.connection()
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    table = LearningRecord.__table__
    stmt = dialect.insert(table).on_conflict_do_nothing(
        index_elements=["platform", "external_id", "record_date"])
    counts = {state: len(connection.execute(stmt.returning(table.c.id), batch).all()) if batch else 0
              for state, batch in rows.items()}
    return counts["matched"] + counts["held"], counts["matched"]


@bp.post("/learning-records")
@endpoint(summary="Send daily learning records", description="A batch of up to 10,000 records, one per learner "
          "and day; all or nothing; idempotent by (platform, external_id, date).", tag="Learning records",
          response=s.IngestResult, permission="ingest", body=s.LearningBatchIn, etag=False,
          errors=(400, 413, 415, 422))
def learning_records(payload: bytes):
    records = parse(payload)
    phones = check_rows(records)
    people = match(phones)
    inserted, matched = store(records, phones, people, g.api_client.id)
    g.api_records = inserted
    return s.IngestResult(received=len(records), inserted=inserted, duplicates=len(records) - inserted,
                          matched=matched, held=inserted - matched)
