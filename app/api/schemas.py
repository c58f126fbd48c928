"""The API's schemas (pydantic v2): what requests may carry and what answers contain.

The OpenAPI document is generated from these models (`app/api/spec.py`); the same models validate the
query strings and batches and serialise the answers. JSON Schema 2020-12, which pydantic emits, is the
schema dialect of OpenAPI 3.1.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

ID_MAX = 2**31 - 1
LIMIT_MAX = 500


class Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RowError(BaseModel):
    index: int | None = Field(None, description="Position of the record in the batch (0-based)")
    field: str
    reason: str
    reason_vi: str


class Problem(BaseModel):
    """An error (RFC 9457) with its Vietnamese title and detail."""
    type: str
    title: str
    status: int
    detail: str
    title_vi: str
    detail_vi: str
    errors: list[RowError] | None = None


class ListQuery(BaseModel):
    cursor: str | None = Field(None, max_length=200, description="`next_cursor` of the previous page")
    limit: int = Field(100, ge=1, le=LIMIT_MAX, description=f"Rows per page (at most {LIMIT_MAX})")


class AreaListQuery(ListQuery):
    map: str | None = Field(None, pattern=r"^\d{4}$", description="Map key (e.g. 2024, 2025); the map in force "
                                                                   "today when absent")


class IndicatorQuery(BaseModel):
    date: dt.date | None = Field(None, description="As of this day (default: today)")


class ClientInfo(BaseModel):
    name: str
    scope_area_id: int | None
    scope_unit_id: int | None
    permissions: list[str]


class AreaOut(BaseModel):
    id: int
    code: str
    name: str
    level: str
    division_type: str
    parent_id: int | None
    valid_from: dt.date
    valid_to: dt.date | None


class UnitOut(BaseModel):
    id: int
    name: str
    kind: str
    area_id: int
    parent_id: int | None
    headcount: int | None


class Reach(BaseModel):
    direct_trainees: int
    subtree_size: int
    subtree_classes: int
    subtree_learners: int
    subtree_completed: int


class TrainerOut(BaseModel):
    id: int
    name: str
    tier: str
    status: str
    max_level: int
    mentor_id: int | None
    generation: int
    area_id: int | None
    unit_id: int | None
    reach: Reach | None = Field(description="From the last network pass; null before the first")


class ClassOut(BaseModel):
    id: int
    trainer_id: int | None = Field(description="Null for an online platform's class")
    level: int
    topic: str
    mode: str
    audience_group: str
    venue_area_id: int
    host_unit_id: int | None
    start_on: dt.date | None
    end_on: dt.date | None
    status: str


class GapOut(BaseModel):
    id: int
    rule_code: str
    severity: str
    state: str
    area_id: int | None
    subject_kind: str
    subject_id: str
    message_vi: str
    opened_at: dt.datetime


class CertificateCheck(BaseModel):
    code: str
    holder: str
    level: int
    level_vi: str
    issued_on: dt.date
    valid: bool
    revoked_on: dt.date | None


class IndicatorOut(BaseModel):
    code: str
    numerator: int
    denominator: int | None
    ratio: float | None


class IndicatorsOut(BaseModel):
    area_id: int
    date: dt.date
    map: str
    source: str = Field(description="snapshot: the day's stored snapshot; live: measured now")
    indicators: list[IndicatorOut]


def page_of(item: type[BaseModel], name: str) -> type[BaseModel]:
    """A page of a list: its items and the cursor of the next page (null on the last)."""
    return type(name, (BaseModel,), {"__annotations__": {"items": list[item], "next_cursor": str | None}})


AreaPage = page_of(AreaOut, "AreaPage")
UnitPage = page_of(UnitOut, "UnitPage")
TrainerPage = page_of(TrainerOut, "TrainerPage")
ClassPage = page_of(ClassOut, "ClassPage")
GapPage = page_of(GapOut, "GapPage")


BATCH_MAX = 10_000


class LearningRecordIn(Closed):
    """One learner's day on an online platform."""
    platform: str = Field(min_length=1, max_length=40, description="The platform's name, e.g. LuyenAI.vn")
    external_id: str = Field(min_length=1, max_length=64, description="The learner's id on the platform")
    phone: str = Field(min_length=1, max_length=20, description="Vietnamese phone (0…, 84…, +84…)")
    date: dt.date = Field(description="The day learnt (YYYY-MM-DD)")
    minutes: int = Field(ge=0, le=1440)
    lessons: int = Field(ge=0, le=1000)
    score: float | None = Field(None, ge=0, le=100, description="The day's automatic score, 0–100")
    level: int = Field(ge=1, le=5, description="Course level (Bậc 1–5)")


class LearningBatchIn(Closed):
    records: list[LearningRecordIn] = Field(min_length=1, max_length=BATCH_MAX)


class IngestResult(BaseModel):
    received: int
    inserted: int = Field(description="New records stored")
    duplicates: int = Field(description="Already stored (same platform, external_id, date): skipped")
    matched: int = Field(description="New records matched to a person by phone")
    held: int = Field(description="New records held for review: no person with this phone in the scope")
