"""Notifications for every feature: the portal inbox and the mail fan-out, each event once per person.

Checklists, actions and failed packs reach the inbox and mail; the steps of a month's data are mailed.
Every mail is built in its reader's language and sent only after the change it reports is committed.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorportal.actions import domain as action_domain
from vendorportal.actions.models import Action
from vendorportal.auth import services as auth_services
from vendorportal.auth.models import Role, User
from vendorportal.checklists import domain as checklist_domain
from vendorportal.checklists.models import Assessment
from vendorportal.contracts.models import Contract
from vendorportal.core import mail
from vendorportal.core.db import utcnow
from vendorportal.notifications.links import page_link
from vendorportal.notifications.models import Notification
from vendorportal.submissions.models import Submission


def _people(session: Session, *, vendor_id: int | None) -> list[User]:
    return auth_services.people_to_notify(session, vendor_id=vendor_id, client_roles=(Role.MANAGER, Role.ADMIN))


def _text(kind: str, **values) -> str:
    # Each message is formatted only for its own kind: the others' placeholders are not in `values`.
    texts = {
        "assessment_sent": lambda: _("A security assessment was sent to you; it is due on %(due)s.", **values),
        "assessment_due_soon": lambda: _("The security assessment is due on %(due)s.", **values),
        "assessment_overdue": lambda: _("The security assessment was due on %(due)s and is overdue.", **values),
        "assessment_returned": lambda: _("The security assessment was returned: %(comment)s", **values),
        "assessment_submitted": lambda: _("%(vendor)s submitted its security assessment for review.", **values),
        "action_assigned": lambda: _("A corrective action was assigned: %(title)s (due %(due)s).", **values),
        "action_due_soon": lambda: _("The corrective action %(title)s is due on %(due)s.", **values),
        "action_overdue": lambda: _("The corrective action %(title)s was due on %(due)s and is overdue.", **values),
        "action_done": lambda: _("The corrective action %(title)s is done and waits for verification.", **values),
        "pack_failed": lambda: _("The review pack %(what)s could not be rendered: %(error)s", **values),
    }
    return texts[kind]()


def notify(session: Session, users: list[User], *, kind: str, event_key: str, link: str, **values) -> list[mail.Mail]:
    """Put one notification per person in the portal (once per event) and return the mails to send."""
    known = set(session.execute(select(Notification.user_id).where(
        Notification.event_key == event_key, Notification.user_id.in_([u.id for u in users]))).scalars())
    mails = []
    for user in users:
        if user.id in known:
            continue
        with force_locale(user.language or current_app.config["BABEL_DEFAULT_LOCALE"]):
            message = _text(kind, **values)
            subject = _("[VendorPortal] %(message)s", message=message[:120])
        session.add(Notification(user_id=user.id, event_key=event_key, kind=kind, message=message, link=link,
                                 mailed_at=utcnow()))
        mails.append(mail.Mail(to=(user.email,), subject=subject.replace("\n", " "), text=message + "\n\n" + link))
    session.flush()
    return mails


def deliver(mails: list[mail.Mail]) -> None:
    """Send after commit; a mail server problem never undoes the change."""
    mail.send_all(mails)


def assessment_sent(session: Session, assessment: Assessment, link: str) -> list[mail.Mail]:
    return notify(session, _people(session, vendor_id=assessment.vendor_id), kind="assessment_sent",
                  event_key=f"assessment:{assessment.id}:sent", link=link, due=assessment.due_date.isoformat())


def assessment_returned(session: Session, assessment: Assessment, link: str) -> list[mail.Mail]:
    return notify(session, _people(session, vendor_id=assessment.vendor_id), kind="assessment_returned",
                  event_key=f"assessment:{assessment.id}:returned:{utcnow():%Y%m%d%H%M%S}", link=link,
                  comment=assessment.return_comment or "")


def assessment_submitted(session: Session, assessment: Assessment, vendor_name: str, link: str) -> list[mail.Mail]:
    return notify(session, _people(session, vendor_id=None), kind="assessment_submitted",
                  event_key=f"assessment:{assessment.id}:submitted:{utcnow():%Y%m%d%H%M%S}", link=link,
                  vendor=vendor_name)


def action_assigned(session: Session, action: Action, link: str) -> list[mail.Mail]:
    people = _people(session, vendor_id=action.vendor_id if action.owner == "vendor" else None)
    return notify(session, people, kind="action_assigned", event_key=f"action:{action.id}:assigned", link=link,
                  title=action.title, due=action.due_date.isoformat())


def action_done(session: Session, action: Action, link: str) -> list[mail.Mail]:
    return notify(session, _people(session, vendor_id=None), kind="action_done",
                  event_key=f"action:{action.id}:done:{utcnow():%Y%m%d%H%M%S}", link=link, title=action.title)


def run_reminders(session: Session, today: dt.date, link_for) -> list[mail.Mail]:
    """Find what is due soon or overdue today and notify once per event (safe to run twice a day)."""
    mails: list[mail.Mail] = []
    assessments = list(session.execute(select(Assessment).where(
        Assessment.status.in_(("sent", "in_progress", "returned")))).scalars())
    by_id = {a.id: a for a in assessments}
    facts = [checklist_domain.AssessmentFacts(a.id, a.status, a.due_date) for a in assessments]
    for event in checklist_domain.assessment_events(facts, today):
        a = by_id[event.subject_id]
        mails += notify(session, _people(session, vendor_id=a.vendor_id), kind=event.kind, event_key=event.key,
                        link=link_for("assessment", a.id), due=a.due_date.isoformat())
    actions = list(session.execute(select(Action).where(Action.status.in_(("open", "in_progress")))).scalars())
    actions_by_id = {a.id: a for a in actions}
    action_facts = [action_domain.ActionFacts(a.id, a.status, a.due_date) for a in actions]
    for event in action_domain.action_events(action_facts, today):
        a = actions_by_id[event.subject_id]
        people = _people(session, vendor_id=a.vendor_id if a.owner == "vendor" else None)
        mails += notify(session, people, kind=event.kind, event_key=event.key, link=link_for("action", a.id),
                        title=a.title, due=a.due_date.isoformat())
    return mails


def daily_reminders(session: Session, today: dt.date) -> list[mail.Mail]:
    """Notify the day's reminders (assessments and actions due soon or overdue) and return the mails to send."""
    base = current_app.config.get("PORTAL_URL", "http://127.0.0.1:5000").rstrip("/")

    def link_for(kind: str, ident: int) -> str:
        return f"{base}/assessments/{ident}" if kind == "assessment" else f"{base}/actions/{ident}"

    return run_reminders(session, today, link_for)


def pack_failed(session: Session, *, pack_id: int, what: str, error: str, link: str) -> list[mail.Mail]:
    """Tell the managers (portal inbox and mail, once) that a review pack failed for good."""
    users = auth_services.people_to_notify(session, client_roles=(Role.MANAGER, Role.ADMIN))
    return notify(session, users, kind="pack_failed", event_key=f"pack:{pack_id}:failed", link=link, what=what,
                  error=error[:300])


# The steps of a month's data: mailed to the other side (uploaded to managers, reviewed to the vendor).


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
    link = page_link("submission", submission.id)

    def build():
        subject = _("[VendorPortal] %(vendor)s uploaded %(month)s (version %(v)d) for review",
                    vendor=contract.vendor.name, month=submission.period, v=submission.version)
        text = _("%(vendor)s uploaded the data of %(month)s for contract %(ref)s (version %(v)d, %(rows)d rows).\n"
                 "Review it here: %(link)s", vendor=contract.vendor.name, month=submission.period,
                 ref=contract.reference, v=submission.version, rows=submission.row_count, link=link)
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
        return subject, text + "\n\n" + page_link("submission", submission.id)

    return _compose(auth_services.people_to_notify(session, vendor_id=contract.vendor_id), build)


def inbox(session: Session, user: User, limit: int = 50) -> list[Notification]:
    return list(session.execute(select(Notification).where(Notification.user_id == user.id)
                                .order_by(Notification.id.desc()).limit(limit)).scalars())
