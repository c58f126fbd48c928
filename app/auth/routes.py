from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import throttle
from app.auth.forms import LoginForm
from app.auth.operations import authenticate, safe_next
from app.auth.sessions import end_all_sessions
from app.timeutil import utcnow

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        username, client, now = form.username.data, request.remote_addr, utcnow()
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
        flash(f"Xin chào {user.full_name or user.username}!", "success")
        return redirect(safe_next(form.next.data) or url_for("dashboard.home"))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    end_all_sessions(current_user)
    logout_user()
    flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))
