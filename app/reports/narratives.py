"""The narrative of the administrative reports: what steering writes before exporting a period's document.

Rules:
- a period is a quarter (`2025-Q2`) or a year-end review (`2025`, stored as quarter 0); its narrative is the
  programme's (one per period: the province's steering committee writes it) and goes into the documents of the
  programme's province; a district's or cluster's document, and a period never edited, read the defaults below
  (an empty text is printed as dotted lines to fill in by hand);
- `save_narrative` writes the row (created on the first save), records `report_narrative.save` with the fields
  before and after, and flushes; texts are kept as typed (line breaks are paragraphs in the document), spaces at
  both ends trimmed;
- who may edit is `edit_report_narrative` (app/permissions.py: steering and admin).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from app.audit import record, snapshot
from app.extensions import db
from app.models.report import REVIEW, ReportNarrative
from app.reports.quarters import Quarter
from app.timeutil import utcnow

FIELDS = ["number", "results_note", "difficulties", "proposals", "recipients", "signer_title", "signer_name"]
DEFAULTS = {
    "number": "…/BC-BCĐ",
    "results_note": "",
    "difficulties": "",
    "proposals": "",
    "recipients": "- UBND tỉnh (b/c);\n- Bộ Lao động - Thương binh và Xã hội (b/c);\n- Thành viên Ban Chỉ đạo;\n"
                  "- UBND các huyện, thành phố;\n- Lưu: VT.",
    "signer_title": "TM. BAN CHỈ ĐẠO\nTRƯỞNG BAN",
    "signer_name": "",
}
_YEAR = re.compile(r"^\s*(\d{4})\s*$")


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int  # 1–4, or REVIEW (0): the year-end review

    @classmethod
    def parse(cls, text: str) -> Period:
        """'2025-Q2' → a quarter, '2025' → the year-end review; ValueError (Vietnamese) otherwise."""
        match = _YEAR.match(text or "")
        if match:
            return cls(int(match.group(1)), REVIEW)
        try:
            q = Quarter.parse(text)
        except ValueError:
            raise ValueError(f"Kỳ “{text}” không hợp lệ; ghi theo dạng 2025-Q2 (quý) hoặc 2025 (tổng kết năm).") \
                from None
        return cls(q.year, q.number)

    @property
    def code(self) -> str:
        return str(self.year) if self.quarter == REVIEW else f"{self.year}-Q{self.quarter}"

    @property
    def label(self) -> str:
        return f"Tổng kết năm {self.year}" if self.quarter == REVIEW else f"Quý {self.quarter}/{self.year}"


def default_narrative(period: Period) -> ReportNarrative:
    """An unsaved narrative holding the defaults."""
    return ReportNarrative(year=period.year, quarter=period.quarter, **DEFAULTS)


def narrative_for(period: Period) -> ReportNarrative:
    """The stored narrative of the period, or an unsaved one holding the defaults."""
    found = db.session.scalar(select(ReportNarrative).where(ReportNarrative.year == period.year,
                                                            ReportNarrative.quarter == period.quarter))
    return found or default_narrative(period)


def save_narrative(period: Period, data: dict, user) -> ReportNarrative:
    narrative = narrative_for(period)
    before = snapshot(narrative, FIELDS) if narrative.id is not None else None
    for name in FIELDS:
        setattr(narrative, name, (data.get(name) or "").strip().replace("\r\n", "\n"))
    narrative.updated_at = utcnow()
    narrative.updated_by_id = getattr(user, "id", None)
    if narrative.id is None:
        db.session.add(narrative)
    db.session.flush()
    after = snapshot(narrative, FIELDS)
    record("report_narrative.save", narrative, before=before,
           after={"period": period.code, **{k: v for k, v in after.items() if before is None or before[k] != v}},
           actor=user)
    return narrative
