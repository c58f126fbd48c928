"""Accounts and the audit log: pages for the `admin_users` and `see_audit` actions (404 for anyone else).

Views flush through `operations`; app/web/boundary.py commits once per request.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.admin import audit_log, operations, queries
from app.admin.forms import UserForm
from app.errors import OperationError
from app.extensions import db
from app.models import Person, User
from app.permissions import permission_required
from app.scope import get_or_404, scoped
from app.web.lists import apply_search, paginate, search_text

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@permission_required("admin_users")
def users():
    q = search_text()
    stmt = scoped(User, current_user).options(joinedload(User.scope_area), joinedload(User.scope_unit))
    if q:
        stmt = apply_search(stmt, User.username, q)
    return render_template("admin/users.html", page=paginate(stmt.order_by(User.username)), q=q)


def _form(user: User | None) -> UserForm:
    form = UserForm(obj=user)
    form.scope_area_id.choices = queries.area_choices()
    form.scope_unit_id.choices = queries.unit_choices()
    return form


def _edit(user: User | None):
    form = _form(user)
    if user is not None and not form.is_submitted():
        form.scope_area_id.data = user.scope_area_id or 0
        form.scope_unit_id.data = user.scope_unit_id or 0
        if user.person_id:
            form.person_phone.data = db.session.scalar(select(Person.phone).where(Person.id == user.person_id))
    if form.validate_on_submit():
        try:
            saved = operations.save_user(user, form.data)
        except OperationError as error:
            error.apply_to(form)
        else:
            flash(f"Đã lưu tài khoản {saved.username}.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.route("/users/new", methods=["GET", "POST"])
@permission_required("admin_users")
def new_user():
    return _edit(None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@permission_required("admin_users")
def edit_user(user_id: int):
    return _edit(get_or_404(User, user_id, current_user))


@bp.get("/audit")
@permission_required("see_audit")
def audit():
    filters = audit_log.Filters.from_args(request.args)
    page = paginate(audit_log.events(current_user, filters))
    actor_ids = {e.actor_id for e in page.items if e.actor_id}
    actors = dict(db.session.execute(select(User.id, User.username).where(User.id.in_(actor_ids))).all())
    return render_template("admin/audit.html", page=page, rows=audit_log.rows(page.items, actors), filters=filters,
                           actions=sorted(audit_log.ACTIONS.items(), key=lambda kv: kv[1]),
                           entities=sorted(((k, e.label) for k, e in audit_log.ENTITIES.items()), key=lambda kv: kv[1]),
                           actor_choices=audit_log.actor_choices())
