"""The home page: one per role."""

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required

from vendorportal.access.decorators import actor, checked, policies
from vendorportal.contracts.services import status_of
from vendorportal.core.db import utcnow
from vendorportal.core.errors import ValidationFailed
from vendorportal.core.formatting import today
from vendorportal.dashboard import portfolio as portfolio_services
from vendorportal.dashboard import services
from vendorportal.extensions import db
from vendorportal.scorecards.domain import Month
from vendorportal.targets import services as target_services

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


@bp.route("/portfolio")
@login_required
@checked(policies.can_view_portfolio, hide=True)
def portfolio():
    day = today()
    try:
        month = target_services.parse_period(request.args.get("period"))
    except ValidationFailed:
        month = Month(day.year, day.month).shift(-1)
    data = portfolio_services.build_portfolio(db.session, month, utcnow(), current_app.config["TIMEZONE"])
    return render_template("dashboard/portfolio.html", portfolio=data, month=month, prev=month.shift(-1),
                           next=month.shift(1), catalog=target_services.catalog(db.session),
                           locale=str(get_locale() or "en"))
