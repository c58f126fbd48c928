"""Admin pages of the API clients: list, create, issue a token (shown once), revoke, lock and unlock."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.admin.queries import area_choices, unit_choices
from app.api import operations
from app.api.forms import ApiClientForm, ConfirmForm, TokenForm
from app.errors import OperationError
from app.extensions import db
from app.models import ApiClient, ApiToken
from app.permissions import permission_required
from app.scope import get_or_404, scoped
from app.timeutil import clock
from app.web.lists import paginate

bp = Blueprint("api_admin", __name__, url_prefix="/admin/api-clients")


@bp.get("/")
@permission_required("admin_users")
def index():
    stmt = scoped(ApiClient, current_user).options(joinedload(ApiClient.scope_area), joinedload(ApiClient.scope_unit))
    page = paginate(stmt.order_by(ApiClient.name))
    now = clock()
    live = dict(db.session.execute(
        select(ApiToken.client_id, func.count(ApiToken.id))
        .where(ApiToken.client_id.in_([c.id for c in page.items]), ApiToken.revoked_at.is_(None),
               ApiToken.expires_at > now).group_by(ApiToken.client_id)).all())
    return render_template("api/clients.html", page=page, live=live)


@bp.route("/new", methods=["GET", "POST"])
@permission_required("admin_users")
def new():
    form = ApiClientForm()
    form.scope_area_id.choices = area_choices()
    form.scope_unit_id.choices = unit_choices()
    if form.validate_on_submit():
        try:
            created = operations.create_client(form.data, current_user)
        except OperationError as error:
            error.apply_to(form)
        else:
            flash(f"Đã tạo hệ thống kết nối {created.name}. Hãy cấp mã truy cập cho hệ thống.", "success")
            return redirect(url_for("api_admin.detail", api_client_id=created.id))
    return render_template("api/client_form.html", form=form)


def _client(api_client_id: int) -> ApiClient:
    return get_or_404(ApiClient, api_client_id, current_user)


def _detail(client: ApiClient, token_form: TokenForm, secret: str | None = None, status: int = 200):
    client = db.session.scalar(select(ApiClient).where(ApiClient.id == client.id).options(
        joinedload(ApiClient.scope_area), joinedload(ApiClient.scope_unit)).execution_options(populate_existing=True))
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.client_id == client.id)
                                .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all()
    response = make_response(render_template("api/client.html", client=client, tokens=tokens, token_form=token_form,
                                             confirm=ConfirmForm(), secret=secret, now=clock()), status)
    response.headers["Cache-Control"] = "no-store"  # a page showing a secret is never kept by a browser or proxy
    return response


@bp.get("/<int:api_client_id>")
@permission_required("admin_users")
def detail(api_client_id: int):
    return _detail(_client(api_client_id), TokenForm())


@bp.post("/<int:api_client_id>/tokens")
@permission_required("admin_users")
def issue(api_client_id: int):
    client = _client(api_client_id)
    form = TokenForm()
    if not form.validate_on_submit():
        return _detail(client, form)
    try:
        _token, secret = operations.issue_token(client, form.days.data, current_user, clock())
    except OperationError as error:
        error.apply_to(form)
        return _detail(client, form)
    return _detail(client, TokenForm(formdata=None), secret=secret)


@bp.post("/<int:api_client_id>/tokens/<int:token_id>/revoke")
@permission_required("admin_users")
def revoke(api_client_id: int, token_id: int):
    client = _client(api_client_id)
    token = get_or_404(ApiToken, token_id, current_user)
    if token.client_id != client.id or not ConfirmForm().validate_on_submit():
        return redirect(url_for("api_admin.detail", api_client_id=client.id))
    try:
        operations.revoke_token(token, clock())
    except OperationError as error:
        flash(error.message, "danger")
    else:
        flash(f"Đã thu hồi mã {token.prefix}…", "success")
    return redirect(url_for("api_admin.detail", api_client_id=client.id))


@bp.post("/<int:api_client_id>/active")
@permission_required("admin_users")
def toggle(api_client_id: int):
    client = _client(api_client_id)
    if ConfirmForm().validate_on_submit():
        operations.set_active(client, not client.active)
        flash("Đã mở khóa hệ thống." if client.active else "Đã khóa hệ thống: mọi mã truy cập ngừng hoạt động.",
              "success")
    return redirect(url_for("api_admin.detail", api_client_id=client.id))
