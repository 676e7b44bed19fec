"""Pure corrective-action rules: the status flow per role and owner, overdue, action reminders."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from vendorportal.core.errors import DomainError
from vendorportal.notifications.domain import ReminderEvent, reminder_key


class ActionStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    VERIFIED = "verified"


class ActionOwner(enum.StrEnum):
    VENDOR = "vendor"
    CLIENT = "client"


class TransitionRefused(DomainError):
    """The actor may not move the action to that status; message is plain English for the caller to translate."""

    def __init__(self, message: str, current: ActionStatus | None = None, requested: str | None = None):
        super().__init__(message)
        self.message = message
        self.current = current
        self.requested = requested


# The owner's moves while doing the work; done → in_progress withdraws a "done" before it is verified.
_WORK_MOVES: Mapping[ActionStatus, frozenset[ActionStatus]] = MappingProxyType({
    ActionStatus.OPEN: frozenset({ActionStatus.IN_PROGRESS, ActionStatus.DONE}),
    ActionStatus.IN_PROGRESS: frozenset({ActionStatus.DONE}),
    ActionStatus.DONE: frozenset({ActionStatus.IN_PROGRESS}),
    ActionStatus.VERIFIED: frozenset(),
})
# Only managers close the loop: verify finished work, or reopen it when it does not hold.
_MANAGER_MOVES: Mapping[ActionStatus, frozenset[ActionStatus]] = MappingProxyType({
    ActionStatus.OPEN: frozenset(),
    ActionStatus.IN_PROGRESS: frozenset(),
    ActionStatus.DONE: frozenset({ActionStatus.VERIFIED, ActionStatus.OPEN}),
    ActionStatus.VERIFIED: frozenset({ActionStatus.OPEN}),
})
MANAGING_ROLES = frozenset({"manager", "admin"})
ACTIVE_ACTION_STATUSES = frozenset({ActionStatus.OPEN, ActionStatus.IN_PROGRESS})


def _plain(value: object) -> str:
    return str(getattr(value, "value", value))


def allowed_transitions(status: ActionStatus | str, *, role: object, owner: ActionOwner | str) -> set[ActionStatus]:
    """Return the statuses an actor with this role may move an action of this owner to from status.

    Vendor staff do the work on vendor-owned actions; managers and admins do the work on client-owned
    actions and verify or reopen any action; every other role (executive) may do nothing.
    """
    status, owner, role = ActionStatus(status), ActionOwner(owner), _plain(role)
    if role == "vendor":
        return set(_WORK_MOVES[status]) if owner is ActionOwner.VENDOR else set()
    if role in MANAGING_ROLES:
        work = _WORK_MOVES[status] if owner is ActionOwner.CLIENT else frozenset()
        return set(work | _MANAGER_MOVES[status])
    return set()


def _refusal(current: ActionStatus, target: ActionStatus, role: str, owner: ActionOwner) -> str:
    if role != "vendor" and role not in MANAGING_ROLES:
        return "Your role may not change actions."
    if target is current:
        return f"The action is already {current.value}."
    if role == "vendor" and owner is ActionOwner.CLIENT:
        return "Only the client's managers may update an action the client owns."
    if role == "vendor" and target is ActionStatus.VERIFIED:
        return "Only a manager may verify an action."
    if role == "vendor" and target is ActionStatus.OPEN and current in (ActionStatus.DONE, ActionStatus.VERIFIED):
        return "Only a manager may reopen an action."
    if role in MANAGING_ROLES and owner is ActionOwner.VENDOR and target in _WORK_MOVES[current]:
        return "The vendor updates an action it owns; a manager may verify or reopen it."
    return f"An action cannot move from {current.value} to {target.value}."


def transition(
    status: ActionStatus | str, new: ActionStatus | str, *, role: object, owner: ActionOwner | str
) -> ActionStatus:
    """Return the new status when the actor may make this move.

    :raises TransitionRefused: the move is not allowed, or new is not an action status.
    """
    current, owner = ActionStatus(status), ActionOwner(owner)
    try:
        target = ActionStatus(new)
    except ValueError:
        # new comes from a form or an API body, so an unknown value is the caller's input, not a bug.
        raise TransitionRefused(f"Unknown action status: {new!r}.", current, str(new)) from None
    if target in allowed_transitions(current, role=role, owner=owner):
        return target
    raise TransitionRefused(_refusal(current, target, _plain(role), owner), current, target.value)


def is_overdue(due: dt.date | None, status: ActionStatus | str, today: dt.date) -> bool:
    """Say whether an action is overdue: past its due date (the due day itself is not) and not yet done."""
    return due is not None and today > due and ActionStatus(status) in ACTIVE_ACTION_STATUSES


@dataclass(frozen=True)
class ActionFacts:
    id: int
    status: ActionStatus | str
    due_date: dt.date


def action_events(actions: Iterable[ActionFacts], today: dt.date, soon_days: int = 3) -> list[ReminderEvent]:
    """Return the due-soon and overdue reminders for actions on this day.

    Due soon: 0 ≤ due − today ≤ soon_days and the action is open or in progress. Overdue: as is_overdue.
    A reopened action keeps its overdue key until a manager sets a new due date.
    """
    if soon_days < 0:
        raise ValueError("soon_days must not be negative")
    events: list[ReminderEvent] = []
    for facts in actions:
        status = ActionStatus(facts.status)
        days_left = (facts.due_date - today).days
        if 0 <= days_left <= soon_days and status in ACTIVE_ACTION_STATUSES:
            # "due_soon" rather than due_in_<n>: soon_days is a setting, and changing it must not resend.
            events.append(ReminderEvent("action_due_soon", facts.id,
                                        reminder_key("action", facts.id, "due_soon", facts.due_date)))
        elif is_overdue(facts.due_date, status, today):
            events.append(ReminderEvent("action_overdue", facts.id,
                                        reminder_key("action", facts.id, "overdue", facts.due_date)))
    return events
