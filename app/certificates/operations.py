"""Issuing and revoking certificates.

Rules: completing a class of level N issues the learner's Bậc N certificate, once per person
and level (a learner who already holds Bậc N gets nothing new); the serial is
"BDHAI-<year>-<id, 6 digits>"; the verification code is 10 random characters of Crockford's
base32 (50 bits, unguessable), read back forgiving O/0 and I/L/1; revocation needs a reason,
is dated and audited; a revoked certificate stays verifiable and says so.
Follow-up self-assessment (`record_self_assessment`, the public link printed on the certificate): the holder
answers whether they have applied what they learned; stored on the enrolment of the certificate's class
(`self_applies`, dated), audited without an actor, refused for a revoked certificate; answering again replaces
the answer. It is shown to the trainer beside "Áp dụng được" and is not counted in the indicators (those use
the trainer's record).
"""

from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import bindparam, insert, select, update

from app.audit import record, snapshot
from app.errors import OperationError
from app.extensions import db
from app.models import Certificate, Enrollment, TrainingClass
from app.rankings.ledger import award_many

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw: str | None) -> str:
    """Upper case, separators dropped, look-alike letters read as the digits they resemble."""
    text = "".join(ch for ch in (raw or "").upper() if ch.isalnum())
    return text.translate(_READ_AS)[:CODE_LENGTH + 6]


def serial_for(year: int, ident: int) -> str:
    return f"BDHAI-{year}-{ident:06d}"


def issue_for_class(training_class: TrainingClass, person_ids: list[int], issued_on: date) -> int:
    """Issue Bậc N certificates to the given persons who lack one; award the learners' points.

    Bulk statements (insert with RETURNING, then one executemany for serials), so a class of
    any size costs a handful of queries. Returns the number of certificates issued.
    """
    level = training_class.level
    held = set()
    for start in range(0, len(person_ids), 5000):
        held.update(db.session.scalars(select(Certificate.person_id).where(
            Certificate.level == level, Certificate.person_id.in_(person_ids[start:start + 5000]))))
    wanted = sorted(set(person_ids) - held)
    if not wanted:
        return 0
    table = Certificate.__table__
    rows = [{"person_id": pid, "level": level, "serial": f"P-{code}", "code": code, "issued_on": issued_on,
             "class_id": training_class.id, "trainer_id": training_class.trainer_id}
            for pid, code in zip(wanted, _unique_codes(len(wanted)), strict=True)]
    ids = list(db.session.execute(
        insert(table).returning(table.c.id, table.c.person_id, sort_by_parameter_order=True), rows
    ).all())
    db.session.execute(
        update(table).where(table.c.id == bindparam("cid")).values(serial=bindparam("new_serial")),
        [{"cid": cid, "new_serial": serial_for(issued_on.year, cid)} for cid, _pid in ids],
    )
    award_many("certificate", [{"source_id": cid, "person_id": pid, "area_id": training_class.venue_area_id}
                               for cid, pid in ids], issued_on)
    record("certificate.issue", training_class, entity="training_classes",
           after={"level": level, "issued": len(ids), "certificate_ids": [cid for cid, _ in ids][:200]})
    return len(ids)


def _unique_codes(n: int) -> list[str]:
    codes: set[str] = set()
    while len(codes) < n:
        codes.add(new_code())
    return list(codes)


def revoke(certificate: Certificate, reason: str, today: date) -> Certificate:
    reason = (reason or "").strip()
    if not reason:
        raise OperationError("Vui lòng nêu lý do thu hồi.", field="reason")
    if certificate.revoked:
        raise OperationError("Chứng nhận này đã bị thu hồi.", field="reason")
    before = snapshot(certificate, ["revoked_on", "revoke_reason"])
    certificate.revoked_on = today
    certificate.revoke_reason = reason[:500]
    db.session.flush()
    record("certificate.revoke", certificate, before=before, after=snapshot(certificate, ["revoked_on", "revoke_reason"]))
    return certificate


def record_self_assessment(cert: Certificate, applies: bool, today: date) -> Enrollment:
    """The holder's follow-up answer on the enrolment that earned `cert`; flushes, never commits."""
    if cert.revoked_on is not None:
        raise OperationError("Chứng nhận này đã bị thu hồi, không thể tự đánh giá.", field="answer")
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.class_id == cert.class_id,
                                                            Enrollment.person_id == cert.person_id))
    if enrollment is None:
        raise OperationError("Không tìm thấy lượt học của chứng nhận này.", field="answer")
    before = {"self_applies": enrollment.self_applies}
    enrollment.self_applies, enrollment.self_applies_on = applies, today
    db.session.flush()
    record("enrollment.self_assessment", enrollment, before=before,
           after={"self_applies": applies, "certificate": cert.serial})
    return enrollment
