"""Mail scheduled packs to their recipients (PDF attached, or a link when it is large) and report failures."""

from __future__ import annotations

import logging

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from vendorportal.auth.models import User
from vendorportal.core import mail
from vendorportal.notifications import services as notifications
from vendorportal.packs import render
from vendorportal.packs.models import Pack

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
    return notifications.pack_failed(session, pack_id=pack.id, what=describe(pack, "en"), error=pack.error or "",
                                     link=link_for(pack))


def message(pack: Pack, user: User, attach: bytes | None, filename: str) -> mail.Mail:
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
