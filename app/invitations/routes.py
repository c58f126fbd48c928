"""Invitation pages: "Lời mời" (trainers in scope with their account status), inviting one trainer, a selection
or every trainer without an account of a commune or unit; the page that shows new links once (copy, print with QR
codes); resend and revoke; the public link page `/invite/<token>` and "Quên mật khẩu".

A new link's token is shown only in the answer to the POST that created it (never flashed: the session cookie is
signed, not encrypted, and never put in a redirect). Link pages answer `Referrer-Policy: no-referrer`.
"""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user

from app.auth.passwords import PASSWORD_MIN_LENGTH
from app.certificates.routes import qr_svg
from app.errors import OperationError
from app.invitations import operations, queries
from app.invitations.forms import (
    AcceptForm,
    ForgotForm,
    InviteAllForm,
    InviteOneForm,
    InviteSelectionForm,
    RevokeForm,
)
from app.models import Trainer
from app.network import queries as network_queries
from app.permissions import permission_required, require
from app.scope import check_choice, get_or_404, visible
from app.timeutil import utcnow
from app.training.settings import plan_setting
from app.web.boundary import discard_changes
from app.web.lists import paginate

bp = Blueprint("invitations", __name__)
bp.add_app_template_global(operations.mask_phone, "mask_phone")


def _list_page(selection=None, everyone=None, status: int = 200):
    filters = queries.invitation_filters(request.args)
    now = utcnow()
    stmt, ids = queries.invitation_list(current_user, now, **filters)
    page = paginate(stmt, ids_stmt=ids)
    statuses = queries.status_of([t.person_id for t in page.items], now)
    everyone = everyone or InviteAllForm()
    everyone.area_id.choices = network_queries.area_choices(current_user, "— Chọn xã / địa bàn —")
    everyone.unit_id.choices = network_queries.unit_choices(current_user, "— Chọn đơn vị —")
    return render_template(
        "invitations/index.html", page=page, statuses=statuses, **filters,
        selection=selection or InviteSelectionForm(), everyone=everyone,
        areas=network_queries.area_choices(current_user, "Mọi địa bàn"),
        units=network_queries.unit_choices(current_user, "Mọi đơn vị"), days=plan_setting("invitation_expiry_days"),
    ), status


@bp.get("/invitations/")
@permission_required("invite_trainers")
def index():
    return _list_page()


def _private(response) -> None:
    """A page that holds (or is reached through) a link's token: no Referer carries it away, no cache keeps it."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"


def _issued_page(outcome: operations.Outcome, channel: str):
    response = make_response(render_template(
        "invitations/issued.html", outcome=outcome, channel=channel, days=plan_setting("invitation_expiry_days"),
        qr={i.invitation_id: qr_svg(i.url) for i in outcome.issued} if channel == "sheet" else {}))
    _private(response)
    return response


@bp.post("/invitations/invite")
@permission_required("invite_trainers")
def invite_selection():
    form = InviteSelectionForm()
    if form.validate_on_submit():
        try:
            if not form.trainer_ids.data:
                raise OperationError("Hãy đánh dấu ít nhất một giảng viên.", field="trainer_ids")
            check_choice(form.trainer_ids.data, select_visible_trainers(), "trainer_ids",
                         "Có giảng viên nằm ngoài phạm vi của bạn.")
            outcome = operations.invite_many(current_user, form.trainer_ids.data, form.channel.data)
        except OperationError as error:
            error.apply_to(form)
        else:
            return _issued_page(outcome, form.channel.data)
    discard_changes()
    return _list_page(selection=form)


@bp.post("/invitations/invite-all")
@permission_required("invite_trainers")
def invite_all():
    form = InviteAllForm()
    form.area_id.choices, form.unit_id.choices = [], []
    if form.validate_on_submit():
        area_id, unit_id = form.area_id.data or None, form.unit_id.data or None
        try:
            check_choice(area_id, network_queries.area_ids(current_user), "area_id")
            check_choice(unit_id, network_queries.unit_ids(current_user), "unit_id")
            if bool(area_id) == bool(unit_id):
                raise OperationError("Hãy chọn một xã (địa bàn) hoặc một đơn vị.", field="area_id")
            outcome = operations.invite_many(
                current_user, queries.without_account(current_user, area_id, unit_id, utcnow()), form.channel.data)
        except OperationError as error:
            error.apply_to(form)
        else:
            return _issued_page(outcome, form.channel.data)
    discard_changes()
    return _list_page(everyone=form)


def select_visible_trainers():
    from sqlalchemy import select

    return select(Trainer.id).where(visible(Trainer, current_user))


def _trainer_for_invite(trainer_id: int) -> Trainer:
    trainer = get_or_404(Trainer, trainer_id, current_user)
    require("invite_trainers", trainer)
    return trainer


@bp.post("/invitations/trainers/<int:trainer_id>/invite")
@login_required
def invite_one(trainer_id: int):
    """Invite (or resend to: the open link is revoked) one trainer; the link is shown once on the answer."""
    trainer = _trainer_for_invite(trainer_id)
    form = InviteOneForm()
    if form.validate_on_submit():
        try:
            item = operations.resend(current_user, trainer, form.channel.data)
        except OperationError as error:
            discard_changes()
            flash(error.message, "danger")
        else:
            return _issued_page(operations.Outcome(issued=[item], mailed=int(form.channel.data == "email"
                                                                             and bool(item.email))),
                                form.channel.data)
    else:
        flash("Cách gửi không hợp lệ.", "danger")
    return redirect(url_for("trainers.show", trainer_id=trainer.id))


@bp.post("/invitations/trainers/<int:trainer_id>/revoke")
@login_required
def revoke(trainer_id: int):
    trainer = _trainer_for_invite(trainer_id)
    if RevokeForm().validate_on_submit():
        try:
            operations.revoke(current_user, trainer)
        except OperationError as error:
            discard_changes()
            flash(error.message, "danger")
        else:
            flash("Đã thu hồi lời mời: liên kết cũ không còn dùng được.", "success")
    return redirect(request.form.get("back") if _local(request.form.get("back")) else
                    url_for("trainers.show", trainer_id=trainer.id))


def _local(target: str | None) -> bool:
    from app.auth.operations import safe_next

    return bool(safe_next(target))


# ---- the public pages: a link, and "Quên mật khẩu" ---------------------------------------------------------------

def _link_error(error: operations.LinkError):
    response = make_response(render_template("invitations/link_error.html", message=error.message),
                             404 if error.code == "forged" else 410)
    _private(response)
    return response


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept(token: str):
    """Who the link is for (name, masked phone) and the password form; signs in on success."""
    try:
        invitation, person = operations.find_link(token)
    except operations.LinkError as error:
        return _link_error(error)
    form = AcceptForm()
    if form.validate_on_submit():
        try:
            user = operations.accept(token, form.password.data, form.repeat_password.data)
        except operations.LinkError as error:
            return _link_error(error)
        except OperationError as error:
            error.apply_to(form)
        else:
            login_user(user)
            flash("Đã đặt mật khẩu. Từ nay bạn đăng nhập bằng số điện thoại và mật khẩu này.", "success")
            return redirect(url_for("dashboard.home"))
    response = make_response(render_template("invitations/accept.html", form=form, invitation=invitation,
                                             person=person, masked_phone=operations.mask_phone(person.phone),
                                             min_length=PASSWORD_MIN_LENGTH))
    _private(response)
    return response


@bp.route("/forgot", methods=["GET", "POST"])
def forgot():
    """"Quên mật khẩu": a reset link by e-mail where the person has an address; otherwise ask the coordinator.
    The answer is the same whether or not an account or an address exists."""
    form = ForgotForm()
    sent = False
    if form.validate_on_submit():
        operations.request_reset(form.username.data)
        sent = True
    return render_template("invitations/forgot.html", form=form, sent=sent)

