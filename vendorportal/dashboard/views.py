"""The home page: one per role."""

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user, login_required

from vendorportal.contracts.services import status_of
from vendorportal.core.formatting import today
from vendorportal.dashboard import services
from vendorportal.extensions import db
from vendorportal.security.decorators import actor, checked

bp = Blueprint("dashboard", __name__)


@bp.route("/")
@checked(public=True)
def index():
    return redirect(url_for("dashboard.home" if current_user.is_authenticated else "auth.login"))


@bp.route("/home")
@login_required
@checked()
def home():
    day = today()
    data = services.build_home(db.session, actor(), day, current_app.config["RENEWAL_LOOKAHEAD_DAYS"])
    return render_template(f"dashboard/home_{data.kind}.html", home=data, today=day, status_of=status_of)
