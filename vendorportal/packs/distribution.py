"""Mail scheduled packs to their recipients (PDF attached, or a link when it is large) and report failures."""

from __future__ import annotations

import logging
import smtplib

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorportal.auth import services as auth_services
from vendorportal.auth.models import Role, User
from vendorportal.core import mail
from vendorportal.core.db import utcnow
from vendorportal.packs import render
from vendorportal.packs.models import Pack, PackDelivery, PackSchedule
from vendorportal.security import notifications, policies

log = logging.getLogger(__name__)


def link_for(pack: Pack) -> str:
    base = current_app.config.get("PORTAL_URL", "http://127.0.0.1:5000").rstrip("/")
    return f"{base}/packs/{pack.id}"


def describe(pack: Pack, locale: str) -> str:
    """Name a pack in one line, in the reader's language: "Northwind, October 2026 (v2)"."""
    with force_locale(locale):
        who = pack.vendor.name if pack.vendor is not None else _("Portfolio")
        return _("%(who)s, %(period)s (version %(version)s)", who=who,
                 period=render.period_label(pack.period, locale), version=pack.version)


def _language(user: User) -> str:
    return user.language or current_app.config["BABEL_DEFAULT_LOCALE"]


def failure_notices(session: Session, pack: Pack) -> list[mail.Mail]:
    """Tell the managers (portal inbox and mail, once) that a pack failed for good."""
    users = auth_services.people_to_notify(session, client_roles=(Role.MANAGER, Role.ADMIN))
    return notifications.notify(session, users, kind="pack_failed", event_key=f"pack:{pack.id}:failed",
                                link=link_for(pack), what=describe(pack, "en"), error=(pack.error or "")[:300])


def _message(pack: Pack, user: User, attach: bytes | None, filename: str) -> mail.Mail:
    locale = _language(user)
    with force_locale(locale):
        what = describe(pack, locale)
        subject = _("[VendorPortal] Review pack: %(what)s", what=what)
        lines = [_("The review pack %(what)s is ready: %(pages)s pages.", what=what, pages=pack.page_count)]
        if attach is not None:
            lines.append(_("The PDF is attached. It is also in the portal: %(link)s", link=link_for(pack)))
        else:
            lines.append(_("The PDF is too large to attach; download it from the portal: %(link)s",
                           link=link_for(pack)))
    attachments = ((filename, "application/pdf", attach),) if attach is not None else ()
    return mail.Mail(to=(user.email,), subject=subject, text="\n\n".join(lines) + "\n", attachments=attachments)


def deliver_pack(session: Session, pack: Pack) -> bool:
    """Mail a done scheduled pack to each recipient who may see it, once each; return False to try again later.

    One transaction per recipient: the delivery row commits right after its mail was accepted, so a crash
    can at worst mail one person twice, and a mail server that is down loses nothing.
    """
    from vendorportal.packs import services

    schedule = session.get(PackSchedule, pack.schedule_id) if pack.schedule_id else None
    if schedule is None:
        pack.delivered_at = utcnow()
        session.commit()
        return True
    sent = set(session.execute(select(PackDelivery.user_id).where(PackDelivery.pack_id == pack.id)).scalars())
    users = [session.get(User, r.user_id) for r in schedule.recipients]
    may_view = services.vendor_may_view_packs(session, pack.vendor_id)
    limit = current_app.config["PACK_MAIL_ATTACH_MAX_BYTES"]
    data = pack.file.data if pack.file is not None and pack.file.size <= limit else None
    filename = services.file_name(pack)
    for user in users:
        if user is None or not user.is_active or user.id in sent or not policies.can_view_pack(user, pack, may_view):
            continue
        message = _message(pack, user, data, filename)
        session.add(PackDelivery(pack_id=pack.id, user_id=user.id, attached=data is not None))
        session.flush()
        try:
            mail.send(message)
        except (smtplib.SMTPException, OSError):
            session.rollback()
            log.exception("could not mail pack %s to user %s; will try again", pack.id, user.id)
            return False
        session.commit()
    pack = session.get(Pack, pack.id)
    pack.delivered_at = utcnow()
    session.commit()
    return True


def deliver_due(session: Session) -> int:
    """Mail every done scheduled pack not mailed yet; return how many were completed."""
    ids = list(session.execute(select(Pack.id).where(Pack.status == "done", Pack.schedule_id.is_not(None),
                                                     Pack.delivered_at.is_(None)).order_by(Pack.id)).scalars())
    done = 0
    for pack_id in ids:
        if deliver_pack(session, session.get(Pack, pack_id)):
            done += 1
    return done
