from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import throttle
from app.auth.forms import DigestForm, LoginForm, PasswordChangeForm
from app.auth.operations import authenticate, change_password, safe_next, set_digest_frequency
from app.auth.passwords import PASSWORD_MIN_LENGTH
from app.auth.sessions import end_all_sessions
from app.errors import OperationError
from app.models.vocab import DIGEST_FREQUENCIES
from app.scope import scope_of
from app.timeutil import clock

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        username, client, now = form.username.data, request.remote_addr, clock()
        held = throttle.refusal(username, client, now)
        if held:
            form.password.errors.append(held)
            return render_template("auth/login.html", form=form), 429
        user = authenticate(username, form.password.data)
        if user is None:
            throttle.record_failure(username, client, now)  # commits the failure record
            held = throttle.refusal(username, client, now)
            form.password.errors.append(held or "Tên đăng nhập hoặc mật khẩu không đúng.")
            return render_template("auth/login.html", form=form), 429 if held else 200
        throttle.clear_account(username)
        login_user(user, remember=form.remember.data)
        flash(f"Xin chào {user.greeting_name}!", "success")
        return redirect(safe_next(form.next.data) or url_for("dashboard.home"))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    end_all_sessions(current_user)
    logout_user()
    flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """One's own account; changing the password ends every other session and keeps this browser signed in."""
    user = current_user._get_current_object()
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            change_password(user, form.current_password.data, form.new_password.data, form.repeat_password.data)
        except OperationError as error:
            error.apply_to(form)
        else:
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            login_user(user, remember=remembered)  # this browser carries the new session version
            flash("Đã đổi mật khẩu. Mọi phiên đăng nhập khác của tài khoản đã kết thúc.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form, user=user, min_length=PASSWORD_MIN_LENGTH,
                           digest=DigestForm(digest_frequency=user.digest_frequency),
                           province=scope_of(user).everything, profile=_profile(user))


def _profile(user) -> dict:
    """Phone (0912 345 678) and the scope in words, for one's own account page."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Area, Person, Trainer, Unit

    phone = db.session.scalar(select(Person.phone).where(Person.id == user.person_id)) if user.person_id else None
    if phone is None and user.username.startswith("+84"):
        phone = user.username
    local = "0" + phone[3:] if phone and phone.startswith("+84") else phone
    shown = f"{local[:4]} {local[4:7]} {local[7:]}" if local and len(local) == 10 else local
    s = scope_of(user)
    if s.everything:
        scope = "Toàn tỉnh"
    elif user.scope_area_id:
        scope = db.session.scalar(select(Area.name).where(Area.id == user.scope_area_id))
    elif user.scope_unit_id:
        scope = db.session.scalar(select(Unit.name).where(Unit.id == user.scope_unit_id))
    elif s.trainer_id:
        row = db.session.execute(select(Area.name, Unit.name).select_from(Trainer)
                                 .outerjoin(Area, Area.id == Trainer.area_id).outerjoin(Unit, Unit.id == Trainer.unit_id)
                                 .where(Trainer.id == s.trainer_id)).first()
        place = " · ".join(n for n in row if n) if row else ""
        scope = "Hồ sơ giảng viên, lớp học và học viên của mình" + (f" ({place})" if place else "")
    else:
        scope = "—"
    return {"phone": shown, "scope": scope}


@bp.post("/account/digest")
@login_required
def account_digest():
    """How often one's own e-mail digest comes."""
    user = current_user._get_current_object()
    form = DigestForm()
    if form.validate_on_submit():
        try:
            set_digest_frequency(user, form.digest_frequency.data)
        except OperationError as error:
            flash(error.message, "danger")
        else:
            flash(f"Đã lưu: nhận bản tin {DIGEST_FREQUENCIES[form.digest_frequency.data].lower()}.", "success")
    else:
        flash("Chọn hằng ngày, hằng tuần hoặc không nhận.", "danger")
    return redirect(url_for("auth.account"))
