"""Ask for packs, claim scheduled ones exactly once, render them safely, list and show them.

A pack moves queued -> rendering -> done, or back to queued with a later next_attempt_at when a try fails,
and to failed after the last try. Rendering holds a lease (a random token): only the holder of the token may
store the PDF, so a renderer that was presumed dead and comes back cannot overwrite anything. The PDF and the
status `done` are written in one transaction, so a half-rendered PDF is never stored or served.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html as html_lib
import logging
import os
import socket
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vendorportal.access import policies
from vendorportal.auth.models import User
from vendorportal.contracts.models import Contract
from vendorportal.core import audit
from vendorportal.core.db import as_utc, utcnow
from vendorportal.core.errors import NotFound
from vendorportal.core.formatting import portal_tz
from vendorportal.core.ids import MAX_ID
from vendorportal.core.labels import enum_label
from vendorportal.core.validation import Cleaner
from vendorportal.packs import content, domain, render
from vendorportal.packs.domain import PackKind, PackStatus
from vendorportal.packs.models import Pack, PackClaim, PackDelivery, PackRecipient, PackSchedule
from vendorportal.scorecards.domain import Month
from vendorportal.vendors.models import Vendor

log = logging.getLogger(__name__)


def worker_name() -> str:
    """Return host:pid, written on every lease and claim so operators see who did what."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _now() -> dt.datetime:
    return utcnow()


# ---------------------------------------------------------------- asking for packs

def next_version(session: Session, subject: str, period: str, language: str) -> int:
    latest = session.execute(select(func.max(Pack.version)).where(
        Pack.subject == subject, Pack.period == period, Pack.language == language)).scalar()
    return (latest or 0) + 1


def _new_pack(session: Session, *, kind: PackKind, vendor_id: int | None, period: str, language: str,
              schedule_id: int | None, requested_by_id: int | None) -> Pack:
    subject = domain.subject_key(kind, vendor_id)
    for _try in range(5):
        version = next_version(session, subject, period, language)
        pack = Pack(kind=kind.value, vendor_id=vendor_id, subject=subject, period=period, language=language,
                    version=version, status=PackStatus.QUEUED.value, schedule_id=schedule_id,
                    requested_by_id=requested_by_id)
        try:
            with session.begin_nested():
                session.add(pack)
                session.flush()
            return pack
        except IntegrityError:  # another process took this version number a moment ago
            continue
    raise RuntimeError(f"could not number a new version of {subject} {period} {language}")


def clean_request(session: Session, data) -> dict:
    """Validate {kind, vendor_id, period, language}; every problem is reported at once."""
    c = Cleaner(data)
    c.choice("kind", [k.value for k in PackKind])
    c.text("period", max_len=7)
    c.choice("language", list(domain.LANGUAGES), default="en", required=False)
    c.integer("vendor_id", required=False, minimum=1, maximum=MAX_ID)
    values = dict(c.values)
    if "period" in values and not domain.is_period(values["period"]):
        c.error("period", _l("Use the form YYYY-MM, e.g. 2026-10."))
    if values.get("kind") == PackKind.VENDOR.value:
        vendor_id = values.get("vendor_id")
        if vendor_id is None and not any(e.field == "vendor_id" for e in c.errors):
            c.error("vendor_id", _l("Choose the vendor of a vendor pack."))
        elif vendor_id is not None and session.get(Vendor, vendor_id) is None:
            c.error("vendor_id", _l("There is no such vendor."))
    out = c.result()
    if out["kind"] == PackKind.PORTFOLIO.value:
        out["vendor_id"] = None
    out["language"] = out.get("language") or "en"
    return out


def request_pack(session: Session, actor, data) -> Pack:
    """Queue a new version of a pack on a manager's request; the scheduler (or generate-packs) renders it."""
    values = clean_request(session, data)
    pack = _new_pack(session, kind=PackKind(values["kind"]), vendor_id=values["vendor_id"], period=values["period"],
                     language=values["language"], schedule_id=None, requested_by_id=getattr(actor, "id", None))
    audit.record(session, "pack_request", "pack", pack.id, vendor_id=pack.vendor_id,
                 after={"kind": pack.kind, "period": pack.period, "language": pack.language, "version": pack.version})
    return pack


def queue_period(session: Session, period: str, *, language: str, vendor_id: int | None = None,
                 requested_by_id: int | None = None) -> list[Pack]:
    """Queue the period's vendor packs (one vendor, or every vendor and the portfolio pack)."""
    month = Month.parse(period)
    vendors = content.vendors_with_packs(session, month)
    if vendor_id is not None:
        vendors = [v for v in vendors if v.id == vendor_id] or [session.get(Vendor, vendor_id)]
        if vendors == [None]:
            raise NotFound(f"vendor {vendor_id}")
    packs = [_new_pack(session, kind=PackKind.VENDOR, vendor_id=v.id, period=period, language=language,
                       schedule_id=None, requested_by_id=requested_by_id) for v in vendors]
    if vendor_id is None and vendors:  # no contract ran that month: nothing to report on
        packs.append(_new_pack(session, kind=PackKind.PORTFOLIO, vendor_id=None, period=period, language=language,
                               schedule_id=None, requested_by_id=requested_by_id))
    return packs


# ---------------------------------------------------------------- schedules: exactly once per period

def rule_of(schedule: PackSchedule) -> domain.ScheduleRule:
    return domain.ScheduleRule(domain.Frequency(schedule.frequency), schedule.day,
                               domain.parse_time(schedule.time_of_day))


def claim_due(session: Session, now: dt.datetime, tz: ZoneInfo) -> list[Pack]:
    """Create the packs every active schedule owes up to now, missed periods included, each exactly once.

    Each (schedule, period, subject) is claimed by inserting a unique row in the same transaction as its pack:
    whichever process inserts first renders it; any other gets a unique violation and skips it.
    """
    created = []
    schedules = session.execute(select(PackSchedule).where(PackSchedule.is_active.is_(True))
                                .order_by(PackSchedule.id)).scalars().all()
    for schedule in schedules:
        for firing in domain.firings(rule_of(schedule), as_utc(schedule.active_from), now, tz):
            month = Month.parse(firing.period)
            subjects: list[tuple[PackKind, int | None]] = []
            if schedule.vendor_packs:
                subjects += [(PackKind.VENDOR, v.id) for v in content.vendors_with_packs(session, month)]
            if schedule.portfolio_pack:
                subjects.append((PackKind.PORTFOLIO, None))
            claimed = set(session.execute(select(PackClaim.subject).where(
                PackClaim.schedule_id == schedule.id, PackClaim.period == firing.period)).scalars())
            for kind, vendor_id in subjects:
                subject = domain.subject_key(kind, vendor_id)
                if subject in claimed:
                    continue
                try:
                    with session.begin_nested():
                        pack = _new_pack(session, kind=kind, vendor_id=vendor_id, period=firing.period,
                                         language=schedule.language, schedule_id=schedule.id, requested_by_id=None)
                        session.add(PackClaim(schedule_id=schedule.id, period=firing.period, subject=subject,
                                              pack_id=pack.id, claimed_by=worker_name()))
                        session.flush()
                    created.append(pack)
                except IntegrityError:
                    log.info("schedule %s %s %s was claimed elsewhere", schedule.id, firing.period, subject)
    return created


def next_run(schedule: PackSchedule, now: dt.datetime, tz: ZoneInfo) -> domain.Firing:
    return domain.next_firing(rule_of(schedule), max(now, as_utc(schedule.active_from)), tz)


# ---------------------------------------------------------------- rendering

def build_html(session: Session, pack: Pack, as_of: dt.datetime) -> str:
    """Collect the pack's content as of a moment and return its HTML."""
    month = Month.parse(pack.period)
    today = as_of.astimezone(portal_tz()).date()
    labels = render.chart_labels(pack.language)
    if pack.kind == PackKind.VENDOR.value:
        vendor = session.get(Vendor, pack.vendor_id)
        data = content.vendor_pack(session, vendor, month, as_of=as_of, today=today, locale=pack.language,
                                   labels=labels)
    else:
        data = content.portfolio_pack(session, month, as_of=as_of, today=today, locale=pack.language, labels=labels)
    return render.render_html(pack.kind, data, locale=pack.language, version=pack.version, period=pack.period)


def pdf_title(html: str) -> str:
    return html_lib.unescape(html.split("<title>", 1)[1].split("</title>", 1)[0]) if "<title>" in html else ""


def file_name(pack: Pack) -> str:
    who = pack.vendor.code if pack.vendor is not None else "portfolio"
    return f"review-pack-{who}-{pack.period}-{pack.language}-v{pack.version}.pdf"


# ---------------------------------------------------------------- reading

def vendor_may_view_packs(session: Session, vendor_id: int | None) -> bool:
    if vendor_id is None:
        return False
    return session.execute(select(Contract.id).where(Contract.vendor_id == vendor_id,
                                                     Contract.vendor_can_view_packs.is_(True)).limit(1)).first() \
        is not None


def get_pack(session: Session, actor, pack_id: int) -> Pack:
    """Return a pack the actor may see; NotFound otherwise (vendor staff never learn other packs exist)."""
    pack = session.get(Pack, pack_id)
    if pack is None or not policies.can_view_pack(actor, pack, vendor_may_view_packs(session, pack.vendor_id)):
        raise NotFound(f"pack {pack_id}")
    return pack


def list_packs(session: Session, actor, *, period: str | None = None, vendor_id: int | None = None,
               kind: str | None = None, limit: int = 500) -> list[Pack]:
    """Return the packs the actor may see, newest first."""
    stmt = select(Pack)
    scope = policies.vendor_scope(actor)
    if scope is not None:
        if not vendor_may_view_packs(session, scope):
            return []
        stmt = stmt.where(Pack.vendor_id == scope, Pack.kind == PackKind.VENDOR.value)
    elif not policies.is_client_staff(actor):
        return []
    if period:
        stmt = stmt.where(Pack.period == period)
    if vendor_id is not None:
        stmt = stmt.where(Pack.vendor_id == vendor_id)
    if kind:
        stmt = stmt.where(Pack.kind == kind)
    return list(session.execute(stmt.order_by(Pack.period.desc(), Pack.id.desc()).limit(limit)).scalars())


def index_page(session: Session, actor, *, period: str | None, vendor_id: int | None, kind: str | None) -> dict:
    """Return what the packs page lists for these filters (a filter that is not valid is ignored)."""
    period = period if period and domain.is_period(period) else None
    kind = kind if kind in ("vendor", "portfolio") else None
    scope = policies.vendor_scope(actor)
    return {"packs": list_packs(session, actor, period=period, vendor_id=vendor_id, kind=kind),
            "period": period, "vendor_id": vendor_id, "kind": kind,
            "may_view": scope is None or vendor_may_view_packs(session, scope),
            "can_request": policies.can_request_pack(actor), "can_schedule": policies.can_manage_pack_schedules(actor)}


def detail_page(session: Session, actor, pack: Pack) -> dict:
    """Return what a pack's page shows: its versions in its language, progress, who it was mailed to."""
    versions = list_packs(session, actor, period=pack.period, vendor_id=pack.vendor_id, kind=pack.kind)
    return {"pack": pack, "versions": [p for p in versions if p.language == pack.language],
            "waiting": pack.status in ("queued", "rendering"), "can_request": policies.can_request_pack(actor),
            "deliveries": delivered_to(session, pack) if policies.is_client_staff(actor) else []}


def pdf_bytes(session: Session, actor, pack: Pack) -> bytes:
    """Return a done pack's PDF and write the download to the audit log."""
    if pack.status != PackStatus.DONE.value or pack.file is None:
        raise NotFound(f"pack {pack.id} has no PDF")
    data = pack.file.data
    if hashlib.sha256(data).hexdigest() != pack.file.sha256:  # never serve a PDF that is not what was stored
        raise RuntimeError(f"pack {pack.id}: stored PDF does not match its SHA-256")
    audit.record(session, "download", "pack", pack.id, vendor_id=pack.vendor_id,
                 after={"sha256": pack.file.sha256, "version": pack.version})
    return data


def delivered_to(session: Session, pack: Pack) -> list[str]:
    """Return the names of the people a scheduled pack was mailed to."""
    return list(session.execute(select(User.name).join(PackDelivery, PackDelivery.user_id == User.id)
                                .where(PackDelivery.pack_id == pack.id).order_by(PackDelivery.id)).scalars())


def to_dict(pack: Pack) -> dict:
    return {
        "id": pack.id, "kind": pack.kind, "vendor_id": pack.vendor_id, "period": pack.period,
        "language": pack.language, "version": pack.version, "status": pack.status, "stage": pack.stage,
        "error": pack.error, "attempts": pack.attempts,
        "next_attempt_at": as_utc(pack.next_attempt_at).isoformat() if pack.next_attempt_at else None,
        "created_at": as_utc(pack.created_at).isoformat(),
        "finished_at": as_utc(pack.finished_at).isoformat() if pack.finished_at else None,
        "as_of": as_utc(pack.as_of).isoformat() if pack.as_of else None,
        "pages": pack.page_count, "size": pack.file.size if pack.file else None,
        "sha256": pack.file.sha256 if pack.file else None, "schedule_id": pack.schedule_id,
    }


# ---------------------------------------------------------------- schedules

def list_schedules(session: Session) -> list[PackSchedule]:
    return list(session.execute(select(PackSchedule).order_by(PackSchedule.is_active.desc(), PackSchedule.name,
                                                              PackSchedule.id)).scalars())


def recipient_choices(session: Session) -> list[tuple[int, str]]:
    """Return (user id, "name <e-mail> · role · vendor") for every active user a schedule may mail."""
    vendors = dict(session.execute(select(Vendor.id, Vendor.name)).all())
    users = session.execute(select(User).where(User.is_active.is_(True)).order_by(User.role, User.name)).scalars()
    return [(u.id, f"{u.name} <{u.email}> · {enum_label(u.role)}" + (f" · {vendors[u.vendor_id]}" if u.vendor_id
                                                                      else "")) for u in users]


def save_schedule(session: Session, actor, schedule: PackSchedule | None, data: dict) -> PackSchedule:
    """Create or change a schedule (audited); a change never re-renders a period already claimed."""
    domain.ScheduleRule(domain.Frequency(data["frequency"]), int(data["day"]), domain.parse_time(data["time_of_day"]))
    if schedule is None:
        schedule = PackSchedule(created_by_id=getattr(actor, "id", None), active_from=_now())
        session.add(schedule)
    for key in ("name", "frequency", "day", "time_of_day", "vendor_packs", "portfolio_pack", "language", "is_active"):
        setattr(schedule, key, data[key])
    wanted = set(data.get("recipients") or [])
    valid = set(session.execute(select(User.id).where(User.id.in_(wanted), User.is_active.is_(True))).scalars())
    for recipient in list(schedule.recipients):
        if recipient.user_id not in valid:
            schedule.recipients.remove(recipient)
    have = {r.user_id for r in schedule.recipients}
    for user_id in sorted(valid - have):
        schedule.recipients.append(PackRecipient(user_id=user_id))
    session.flush()
    return schedule
