"""Use cases for corrective actions: create, move through open → in_progress → done → verified, list."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorportal.access import policies
from vendorportal.actions import domain
from vendorportal.actions.models import Action, ActionEvent
from vendorportal.core.db import as_utc
from vendorportal.core.errors import FieldError, Forbidden, ValidationFailed
from vendorportal.core.ids import MAX_ID
from vendorportal.core.validation import Cleaner
from vendorportal.vendors.models import Vendor

__all__ = ["Action", "ActionEvent"]


def _role(actor) -> str:
    role = getattr(actor, "role", "")
    return getattr(role, "value", role)


def create_action(session: Session, actor, data: dict) -> Action:
    """Create an action by hand (managers)."""
    c = Cleaner(data)
    c.integer("vendor_id", minimum=1, maximum=MAX_ID)
    c.text("title", max_len=200)
    c.text("description", required=False, max_len=4000, default="")
    c.choice("owner", ("vendor", "client"))
    c.date("due_date")
    if "vendor_id" in c.values and session.get(Vendor, c.values["vendor_id"]) is None:
        c.error("vendor_id", _l("There is no such vendor."))
    values = c.result()
    action = Action(source="manual", status="open", created_by_id=getattr(actor, "id", None), **values)
    session.add(action)
    session.flush()
    return action


def raise_escalation(session: Session, *, vendor_id: int, contract_id: int, series_key: str, period: str,
                     title: str, due_date: dt.date) -> Action | None:
    """Raise the action for a scorecard escalation once (the same escalation never makes two)."""
    ref = f"escalation:{contract_id}:{series_key}:{period}"
    if session.execute(select(Action.id).where(Action.source_ref == ref)).scalar() is not None:
        return None
    action = Action(vendor_id=vendor_id, contract_id=contract_id, source="escalation", source_ref=ref,
                    title=title[:200], owner="vendor", due_date=due_date, status="open")
    session.add(action)
    session.flush()
    return action


def update_action(session: Session, actor, action: Action, *, status: str | None, comment: str | None,
                  ) -> ActionEvent:
    """Record a step of an action: a status change the actor may make, and/or a comment.

    :raises ValidationFailed: neither a change nor a comment, or an unknown status.
    :raises Forbidden: the actor may not make this change.
    """
    checked = Cleaner({"status": status, "comment": comment})
    checked.text("status", required=False, max_len=20)
    checked.text("comment", required=False, max_len=4000)
    checked.result()  # a status or comment that is not text is a 422, not a crash
    if not status and not (comment or "").strip():
        raise ValidationFailed([FieldError("comment", _l("Write a comment or choose a new status."))])
    new = None
    if status and status != action.status:
        try:
            target = domain.ActionStatus(status)
        except ValueError:
            raise ValidationFailed([FieldError("status", _l("Choose one of the statuses."))]) from None
        try:
            new = domain.transition(domain.ActionStatus(action.status), target, role=_role(actor),
                                    owner=domain.ActionOwner(action.owner))
        except domain.TransitionRefused:
            raise Forbidden() from None
    event = ActionEvent(action_id=action.id, vendor_id=action.vendor_id, actor_id=getattr(actor, "id", None),
                        from_status=action.status if new else None, to_status=new.value if new else None,
                        comment=(comment or "").strip()[:4000] or None)
    if new is not None:
        action.status = new.value
    session.add(event)
    session.flush()
    return event


def allowed_statuses(actor, action: Action) -> list[str]:
    """Return the statuses the actor may move the action to, for the form."""
    allowed = domain.allowed_transitions(domain.ActionStatus(action.status), role=_role(actor),
                                         owner=domain.ActionOwner(action.owner))
    return [s.value for s in domain.ActionStatus if s in allowed]


def list_actions(session: Session, actor, *, vendor_id: int | None = None, status: str | None = None,
                 source: str | None = None, overdue_only: bool = False, today: dt.date) -> list[Action]:
    """Return the actions the actor may see, filtered, most urgent first."""
    stmt = select(Action)
    scope = policies.vendor_scope(actor)
    if scope is not None:
        stmt = stmt.where(Action.vendor_id == scope)
    elif not policies.is_client_staff(actor):
        return []
    if vendor_id is not None:
        stmt = stmt.where(Action.vendor_id == vendor_id)
    if status:
        stmt = stmt.where(Action.status == status)
    if source:
        stmt = stmt.where(Action.source == source)
    actions = list(session.execute(stmt.order_by(Action.due_date, Action.id)).scalars())
    if overdue_only:
        actions = [a for a in actions if is_overdue(a, today)]
    return actions


def open_actions(session: Session, actor, *, vendor_id: int, today: dt.date) -> list[Action]:
    """Return a vendor's actions that still need work or verification."""
    return [a for a in list_actions(session, actor, vendor_id=vendor_id, today=today) if a.status != "verified"]


def is_overdue(action: Action, today: dt.date) -> bool:
    return domain.is_overdue(action.due_date, domain.ActionStatus(action.status), today)


def action_to_dict(action: Action, today: dt.date) -> dict:
    return {
        "id": action.id, "vendor_id": action.vendor_id, "contract_id": action.contract_id, "source": action.source,
        "title": action.title, "description": action.description, "owner": action.owner,
        "due_date": action.due_date.isoformat(), "status": action.status, "overdue": is_overdue(action, today),
        "events": [{"from": e.from_status, "to": e.to_status, "comment": e.comment,
                    "at": as_utc(e.created_at).isoformat()} for e in action.events],
    }


def board_page(session: Session, actor, *, filters: dict, overdue_only: bool, today: dt.date) -> dict:
    """Return what the actions board shows: the filtered actions, vendor names for client staff, what actor may do."""
    items = list_actions(session, actor, overdue_only=overdue_only, today=today, **filters)
    vendors = ({v.id: v for v in session.execute(select(Vendor)).scalars()}
               if policies.is_client_staff(actor) else {})
    return {"actions": items, "filters": filters, "overdue": overdue_only, "today": today, "is_overdue": is_overdue,
            "vendors": vendors, "can_create": policies.can_create_action(actor)}


def action_page(session: Session, actor, action: Action, *, today: dt.date) -> dict:
    """Return what an action's page shows."""
    return {"action": action, "today": today, "overdue": is_overdue(action, today),
            "statuses": allowed_statuses(actor, action), "can_update": policies.can_update_action(actor, action),
            "vendor": session.get(Vendor, action.vendor_id)}
