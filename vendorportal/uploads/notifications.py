"""E-mails to the other side on each step of a month's data: uploaded (to managers), reviewed (to the vendor)."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from vendorportal.auth import services as auth_services
from vendorportal.auth.models import User
from vendorportal.contracts.models import Contract
from vendorportal.core import mail
from vendorportal.uploads.models import Submission


def _link(submission: Submission) -> str:
    return url_for("submissions.detail", submission_id=submission.id, _external=True)


def _compose(users: list[User], build) -> list[mail.Mail]:
    """Build one mail per language so each person reads it in their own language."""
    by_language: dict[str, list[str]] = {}
    for user in users:
        by_language.setdefault(user.language or current_app.config["BABEL_DEFAULT_LOCALE"], []).append(user.email)
    out = []
    for language, emails in by_language.items():
        with force_locale(language):
            subject, text = build()
        out.append(mail.Mail(to=tuple(emails), subject=subject, text=text))
    return out


def submitted_mails(session: Session, submission: Submission, contract: Contract) -> list[mail.Mail]:
    """Tell the vendor managers that a vendor uploaded a month and it waits for review."""
    def build():
        subject = _("[VendorPortal] %(vendor)s uploaded %(month)s (version %(v)d) for review",
                    vendor=contract.vendor.name, month=submission.period, v=submission.version)
        text = _("%(vendor)s uploaded the data of %(month)s for contract %(ref)s (version %(v)d, %(rows)d rows).\n"
                 "Review it here: %(link)s", vendor=contract.vendor.name, month=submission.period,
                 ref=contract.reference, v=submission.version, rows=submission.row_count, link=_link(submission))
        return subject, text

    return _compose(auth_services.people_to_notify(session), build)


def reviewed_mails(session: Session, submission: Submission, contract: Contract) -> list[mail.Mail]:
    """Tell the vendor's staff that a month was accepted or returned, with the reviewer's comment."""
    def build():
        if submission.status == "accepted":
            subject = _("[VendorPortal] %(month)s data accepted (%(ref)s)", month=submission.period,
                        ref=contract.reference)
            text = _("Your data of %(month)s for contract %(ref)s (version %(v)d) was accepted.",
                     month=submission.period, ref=contract.reference, v=submission.version)
        else:
            subject = _("[VendorPortal] %(month)s data returned (%(ref)s)", month=submission.period,
                        ref=contract.reference)
            text = _("Your data of %(month)s for contract %(ref)s (version %(v)d) was returned. "
                     "Please upload a corrected version.", month=submission.period, ref=contract.reference,
                     v=submission.version)
        if submission.review_comment:
            text += "\n\n" + _("Comment: %(comment)s", comment=submission.review_comment)
        return subject, text + "\n\n" + _link(submission)

    return _compose(auth_services.people_to_notify(session, vendor_id=contract.vendor_id), build)


def deliver(mails: list[mail.Mail]) -> None:
    """Send after the change is committed; a mail server problem never undoes the change."""
    mail.send_all(mails)
