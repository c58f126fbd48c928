"""Certificate pages: the printable A4 certificate (signed in, scoped), revocation, public verification.

The public pages (`/verify`, `/verify/<code>`) need no login, show only the holder's name, the
level, the issue date, the programme and the status, and are rate-limited per client IP. The follow-up
self-assessment (`/verify/<code>/follow-up`, linked from the printed certificate) is public and rate-limited the
same way; it shows the holder's name and level and asks one question (app/certificates/operations.py).
"""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.certificates import operations
from app.certificates.forms import SelfAssessmentForm
from app.certificates.image import CertificateText, certificate_png
from app.certificates.qr import qr_svg
from app.certificates.queries import by_code, certificate_filters, certificate_ids, certificate_list
from app.certificates.ratelimit import allow
from app.errors import OperationError
from app.extensions import db
from app.models import Certificate, Person, Trainer, TrainingClass
from app.models.vocab import LEVELS
from app.permissions import may, require
from app.scope import get_or_404
from app.timeutil import clock, local_today
from app.training.forms import ReasonForm
from app.web.boundary import discard_changes, write_now
from app.web.lists import paginate

bp = Blueprint("certificates", __name__)


@bp.get("/certificates/")
@login_required
def index():
    filters = certificate_filters(request.args)
    page = paginate(certificate_list(current_user, **filters), ids_stmt=certificate_ids(current_user, **filters))
    return render_template("certificates/index.html", page=page, **filters)


@bp.get("/certificates/<int:certificate_id>")
@login_required
def show(certificate_id: int):
    cert = get_or_404(Certificate, certificate_id, current_user)
    person = db.session.get(Person, cert.person_id)
    training_class = db.session.get(TrainingClass, cert.class_id)
    trainer = db.session.get(Trainer, cert.trainer_id)
    trainer_person = db.session.get(Person, trainer.person_id)
    verify_url = url_for("certificates.verify", code=cert.code, _external=True)
    can_revoke = may(current_user, "revoke_certificate")
    return render_template("certificates/show.html", cert=cert, person=person, c=training_class,
                           trainer_name=trainer_person.full_name, verify_url=verify_url, qr=qr_svg(verify_url),
                           follow_up_url=url_for("certificates.follow_up", code=cert.code, _external=True),
                           level_label=LEVELS[cert.level], form=ReasonForm(), can_revoke=can_revoke)


@bp.get("/certificates/<int:certificate_id>/image.png")
@login_required
def image(certificate_id: int):
    """The certificate as a PNG picture to save or share from a phone (the page's text and QR code)."""
    cert = get_or_404(Certificate, certificate_id, current_user)
    person = db.session.get(Person, cert.person_id)
    training_class = db.session.get(TrainingClass, cert.class_id)
    trainer = db.session.get(Trainer, cert.trainer_id) if cert.trainer_id else None
    trainer_name = db.session.get(Person, trainer.person_id).full_name if trainer else (training_class.platform or "")
    png = certificate_png(CertificateText(
        holder=person.full_name, level=LEVELS[cert.level], topic=training_class.topic, trainer=trainer_name,
        serial=cert.serial, issued_on=cert.issued_on, code=cert.code,
        verify_url=url_for("certificates.verify", code=cert.code, _external=True),
        revoked_on=cert.revoked_on, revoke_reason=cert.revoke_reason or ""))
    return Response(png, mimetype="image/png", headers={
        "Content-Disposition": f'attachment; filename="chung-nhan-{cert.serial}.png"'})


@bp.post("/certificates/<int:certificate_id>/revoke")
@login_required
def revoke(certificate_id: int):
    cert = get_or_404(Certificate, certificate_id, current_user)
    require("revoke_certificate")
    form = ReasonForm()
    try:
        if not form.validate_on_submit():
            raise OperationError("Vui lòng nêu lý do thu hồi.", field="reason")
        operations.revoke(cert, form.reason.data, local_today())
    except OperationError as error:
        discard_changes()
        flash(error.message, "danger")
    else:
        flash("Đã thu hồi chứng nhận.", "success")
    return redirect(url_for("certificates.show", certificate_id=certificate_id))


def _limited():
    # the lookup counts even when the answer is 404 or 429 (the boundary rolls those back), written at once in a
    # transaction begun for writing, so many lookups at a time wait for one another instead of failing
    ok = write_now(lambda: allow("verify", request.remote_addr or "", clock()))
    if ok:
        return None
    return render_template("certificates/limited.html"), 429


@bp.get("/verify")
def verify_form():
    code = request.args.get("code")
    if code:
        return redirect(url_for("certificates.verify", code=operations.normalize_code(code) or "-"))
    return render_template("certificates/verify.html", cert=None, code="", searched=False)


@bp.get("/verify/<code>")
def verify(code: str):
    limited = _limited()
    if limited:
        return limited
    normalized = operations.normalize_code(code)
    found = by_code(code)
    cert, name = found if found else (None, None)
    return render_template("certificates/verify.html", cert=cert, name=name, code=normalized, searched=True,
                           level_label=LEVELS[cert.level] if cert else ""), (200 if cert else 404)


@bp.route("/verify/<code>/follow-up", methods=["GET", "POST"])
def follow_up(code: str):
    """The holder's follow-up self-assessment: one question, answered without signing in."""
    limited = _limited()
    if limited:
        return limited
    normalized = operations.normalize_code(code)
    found = by_code(code)
    if not found:
        return render_template("certificates/verify.html", cert=None, name=None, code=normalized, searched=True,
                               level_label=""), 404
    cert, name = found
    form = SelfAssessmentForm()
    if form.validate_on_submit():
        try:
            operations.record_self_assessment(cert, form.answer.data == "1", local_today())
        except OperationError as error:
            error.apply_to(form)
        else:
            flash("Cảm ơn bạn đã trả lời. Câu trả lời đã được ghi lại.", "success")
            return redirect(url_for("certificates.follow_up", code=cert.code))
    return render_template("certificates/follow_up.html", cert=cert, name=name, form=form,
                           level_label=LEVELS[cert.level])
