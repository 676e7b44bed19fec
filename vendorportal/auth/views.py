"""Sign-in, sign-out, password change and language choice."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from vendorportal.access.decorators import actor, checked, policies
from vendorportal.auth import services
from vendorportal.auth.forms import LanguageForm, PasswordChangeForm, SignInForm
from vendorportal.core import formatting
from vendorportal.core.errors import ValidationFailed
from vendorportal.core.forms import attach_errors, safe_next
from vendorportal.core.i18n import LANGUAGE_COOKIE
from vendorportal.extensions import db

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@checked(public=True)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = SignInForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if request.method == "POST" else 200
    try:
        user = services.authenticate(db.session, form.email.data, form.password.data, request.remote_addr)
    except services.SignInLocked as locked:
        db.session.commit()
        flash(_("Too many failed sign-ins. Try again after %(time)s.", time=formatting.datetime(locked.until)),
              "danger")
        return render_template("auth/login.html", form=form), 429
    except services.InvalidCredentials:
        db.session.commit()  # keep the failure count
        flash(_("The e-mail or the password is wrong."), "danger")
        return render_template("auth/login.html", form=form), 401
    session.clear()  # a fresh session on sign-in: nothing from before carries over
    services.start_session(db.session, user, request.remote_addr, request.user_agent.string)
    db.session.commit()
    login_user(user)
    return redirect(safe_next(form.next.data, url_for("dashboard.home")))


@bp.route("/logout", methods=["POST"])
@login_required
@checked(public=True)
def logout():
    services.end_session(db.session, current_user.get_id())
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@checked(policies.can_manage_own_tokens)
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(db.session, actor(), form.current_password.data, form.new_password.data)
        except ValidationFailed as failure:
            attach_errors(form, failure)
        else:
            db.session.commit()
            logout_user()
            session.clear()
            flash(_("Your password has been changed. Please sign in with the new password."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/password.html", form=form), 400 if form.errors else 200


@bp.route("/language", methods=["POST"])
@checked(public=True)
def language():
    form = LanguageForm()
    target = safe_next(form.next.data, url_for("dashboard.home"))
    if not form.validate_on_submit():
        return redirect(target)
    if current_user.is_authenticated:
        services.set_language(db.session, actor(), form.language.data)
        db.session.commit()
    response = make_response(redirect(target))
    response.set_cookie(LANGUAGE_COOKIE, form.language.data, max_age=3600 * 24 * 365, samesite="Lax",
                        secure=request.is_secure, httponly=True)
    return response
