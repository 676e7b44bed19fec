"""Pages: the pack list with "generate now", one pack with its progress and download, pack schedules."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required

from vendorportal.access.decorators import actor, checked, ensure_allowed, policies
from vendorportal.core.db import utcnow
from vendorportal.core.edge import change
from vendorportal.core.errors import NotFound
from vendorportal.core.formatting import today
from vendorportal.core.forms import choices
from vendorportal.core.ids import record_id
from vendorportal.extensions import db
from vendorportal.files.downloads import file_response
from vendorportal.packs import domain, services
from vendorportal.packs.forms import PackRequestForm, ScheduleForm
from vendorportal.packs.models import PackSchedule
from vendorportal.packs.render import period_label
from vendorportal.scorecards.domain import Month
from vendorportal.vendors import services as vendor_services

bp = Blueprint("packs", __name__, url_prefix="/packs")


def _tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def _vendor_choices() -> list[tuple[int, str]]:
    return [(v.id, v.name) for v, _n in vendor_services.list_vendors(db.session, actor())]


def _screen_language(me) -> str:
    language = (getattr(me, "language", None) or str(get_locale() or "en"))[:2]
    return language if language in domain.LANGUAGES else "en"


def _default_period() -> str:
    return str(Month(today().year, today().month).shift(-1))


def _request_form(me) -> PackRequestForm:
    form = PackRequestForm()
    form.vendor_id.choices = choices([(0, "—"), *_vendor_choices()])
    if request.method == "GET" and not form.period.data:
        form.period.data = _default_period()
        form.language.data = _screen_language(me)
        if len(form.vendor_id.choices) == 2:  # one vendor: nothing to choose
            form.vendor_id.data = form.vendor_id.choices[1].value
    return form


@bp.route("", methods=["GET", "POST"])
@login_required
@checked(policies.can_list_packs)
def index():
    me, form = actor(), _request_form(actor())
    if request.method == "POST":
        ensure_allowed(policies.can_request_pack(me))
        if form.validate_on_submit():
            data = {"kind": form.kind.data, "period": form.period.data, "language": form.language.data,
                    "vendor_id": form.vendor_id.data or None}
            with change(_("The pack is queued; this page shows its progress."), form=form) as step:
                pack = services.request_pack(db.session, me, data)
            if step.ok:
                return redirect(url_for("packs.detail", pack_id=pack.id))
    page = services.index_page(db.session, me, period=request.args.get("period"),
                               vendor_id=request.args.get("vendor_id", type=record_id), kind=request.args.get("kind"))
    return render_template("packs/index.html", form=form, vendors=_vendor_choices(), **page), \
        400 if form.errors else 200


@bp.route("/<int:pack_id>")
@login_required
@checked(policies.can_list_packs)
def detail(pack_id: int):
    try:
        pack = services.get_pack(db.session, actor(), pack_id)
    except NotFound:
        abort(404)
    return render_template("packs/detail.html", **services.detail_page(db.session, actor(), pack),
                           period_label=period_label(pack.period, _screen_language(actor())))


@bp.route("/<int:pack_id>/pdf")
@login_required
@checked(policies.can_list_packs)
def pdf(pack_id: int):
    try:
        pack = services.get_pack(db.session, actor(), pack_id)
        services.pdf_bytes(db.session, actor(), pack)
    except NotFound:
        abort(404)
    db.session.commit()
    return file_response(pack.file)


def _when(firing: domain.Firing) -> tuple[str, str]:
    return firing.at.astimezone(_tz()).strftime("%Y-%m-%d %H:%M"), firing.period


@bp.route("/schedules")
@login_required
@checked(policies.can_manage_pack_schedules, hide=True)
def schedules():
    now = utcnow()
    items = services.list_schedules(db.session)
    return render_template("packs/schedules.html", schedules=items,
                           next_runs={s.id: _when(services.next_run(s, now, _tz())) for s in items if s.is_active},
                           labels={"monthly": _("Monthly"), "quarterly": _("Quarterly")})


def _schedule_form(schedule: PackSchedule | None):
    form = ScheduleForm(obj=schedule)
    form.recipients.choices = choices(services.recipient_choices(db.session))
    if request.method == "GET":
        if schedule is not None:
            form.recipients.data = [r.user_id for r in schedule.recipients]
        else:
            form.language.data = _screen_language(actor())
            form.day.data = form.day.data or 5
            form.time_of_day.data = form.time_of_day.data or "09:00"
    if form.validate_on_submit():
        data = {k: getattr(form, k).data for k in ("name", "frequency", "day", "time_of_day", "vendor_packs",
                                                   "portfolio_pack", "language", "is_active", "recipients")}
        data["time_of_day"] = domain.parse_time(data["time_of_day"]).strftime("%H:%M")
        saved = services.save_schedule(db.session, actor(), schedule, data)
        db.session.commit()
        first = services.next_run(saved, utcnow(), _tz())
        flash(_("Schedule saved. Next run: %(when)s, for %(period)s.",
                when=first.at.astimezone(_tz()).strftime("%Y-%m-%d %H:%M"), period=first.period), "success")
        return redirect(url_for("packs.schedules"))
    status = 400 if form.errors else 200
    return render_template("packs/schedule_form.html", form=form, schedule=schedule), status


@bp.route("/schedules/new", methods=["GET", "POST"])
@login_required
@checked(policies.can_manage_pack_schedules, hide=True)
def new_schedule():
    return _schedule_form(None)


@bp.route("/schedules/<int:schedule_id>", methods=["GET", "POST"])
@login_required
@checked(policies.can_manage_pack_schedules, hide=True)
def edit_schedule(schedule_id: int):
    return _schedule_form(db.get_or_404(PackSchedule, schedule_id))

