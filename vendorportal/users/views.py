"""Pages for administrators to manage users, and for everybody to manage their API tokens."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from vendorportal.access.decorators import actor, checked, load_visible, policies
from vendorportal.auth import services
from vendorportal.auth.models import ApiToken, User
from vendorportal.core.edge import change
from vendorportal.extensions import db
from vendorportal.users.forms import RevokeForm, TokenForm, UserForm
from vendorportal.vendors import services as vendor_services

bp = Blueprint("users", __name__, url_prefix="/users")


@bp.route("/")
@login_required
@checked(policies.can_manage_users, hide=True)
def index():
    return render_template("users/index.html", users=services.list_users(db.session))


@bp.route("/new", methods=["GET", "POST"])
@login_required
@checked(policies.can_manage_users, hide=True)
def create():
    form = UserForm(vendor_choices=vendor_services.vendor_choices(db.session))
    if form.validate_on_submit():
        with change(form=form) as step:
            user = services.create_user(
                db.session, email=form.email.data, name=form.name.data, role=form.role.data,
                password=form.password.data or "", vendor_id=form.vendor_id.data, language=form.language.data)
            step.success = _("User %(email)s created.", email=user.email)
        if step.ok:
            return redirect(url_for("users.index"))
    return render_template("users/form.html", form=form, user=None), 400 if form.errors else 200


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@login_required
@checked(policies.can_manage_users, hide=True)
def edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user, vendor_choices=vendor_services.vendor_choices(db.session),
                    data={"role": user.role.value, "language": user.language or ""})
    form.email.render_kw = {"readonly": True}
    if form.validate_on_submit():
        with change(form=form) as step:
            services.update_user(db.session, actor(), user, name=form.name.data, role=form.role.data,
                                 vendor_id=form.vendor_id.data, is_active=form.is_active.data,
                                 language=form.language.data)
            if form.password.data:
                services.reset_password(db.session, user, form.password.data)
            step.success = _("User %(email)s saved.", email=user.email)
        if step.ok:
            return redirect(url_for("users.index"))
    return render_template("users/form.html", form=form, user=user), 400 if form.errors else 200


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
@checked(policies.can_manage_own_tokens)
def tokens():
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        _row, new_token = services.create_token(db.session, actor(), form.name.data)
        db.session.commit()
        form = TokenForm(formdata=None)
    owner = None if policies.is_admin(actor()) else actor()
    return render_template("users/tokens.html", form=form, tokens=services.list_tokens(db.session, owner),
                           new_token=new_token, revoke_form=RevokeForm(), show_owner=owner is None)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
@checked(policies.can_manage_own_tokens)
def revoke_token(token_id: int):
    token = load_visible(ApiToken, token_id, policies.can_revoke_token)
    if RevokeForm().validate_on_submit():
        services.revoke_token(db.session, actor(), token)
        db.session.commit()
        flash(_("Token %(name)s revoked.", name=token.name), "success")
    return redirect(url_for("users.tokens"))
