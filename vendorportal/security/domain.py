"""Pure checklist and corrective-action rules: scores, changes between assessments, action status flow, reminders."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType

from vendorportal.core.errors import DomainError


class Response(enum.StrEnum):
    YES = "yes"
    PARTIAL = "partial"
    NO = "no"
    NA = "n/a"


class Review(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    FINDING = "finding"


# Share of an item's weight an accepted answer earns.
_CREDIT: Mapping[Response, Fraction] = MappingProxyType(
    {Response.YES: Fraction(1), Response.PARTIAL: Fraction(1, 2), Response.NO: Fraction(0)}
)


@dataclass(frozen=True)
class ScoredAnswer:
    """One checklist item of an assessment as the score sees it; response None means not answered yet."""

    item_code: str
    category: str
    weight: int
    response: Response | None
    review: Review = Review.PENDING

    def __post_init__(self) -> None:
        # Rows arrive with plain strings from the database; coercing here also rejects unknown values early.
        if self.response is not None:
            object.__setattr__(self, "response", Response(self.response))
        object.__setattr__(self, "review", Review(self.review))
        if self.weight < 0:
            raise ValueError("weight must not be negative")


@dataclass(frozen=True)
class ScoreResult:
    overall: float | None
    by_category: dict[str, float | None]
    answered: int
    total: int


def _answers(answers: Iterable[ScoredAnswer] | Mapping[str, ScoredAnswer]) -> list[ScoredAnswer]:
    return list(answers.values()) if isinstance(answers, Mapping) else list(answers)


def _earned(answer: ScoredAnswer) -> Fraction:
    if answer.review is not Review.ACCEPTED or answer.response is None:
        return Fraction(0)
    return answer.weight * _CREDIT.get(answer.response, Fraction(0))


def _share(answers: Iterable[ScoredAnswer]) -> Fraction | None:
    """Return the exact percent (0–100) the answers score, or None when nothing counts."""
    earned, possible = Fraction(0), 0
    for answer in answers:
        if answer.response is Response.NA:
            continue
        possible += answer.weight
        earned += _earned(answer)
    return None if possible == 0 else earned / possible * 100


def _exact_scores(answers: list[ScoredAnswer]) -> tuple[Fraction | None, dict[str, Fraction | None]]:
    grouped: dict[str, list[ScoredAnswer]] = {}
    for answer in answers:
        grouped.setdefault(answer.category, []).append(answer)
    return _share(answers), {category: _share(group) for category, group in grouped.items()}


def _as_float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def score(answers: Iterable[ScoredAnswer] | Mapping[str, ScoredAnswer]) -> ScoreResult:
    """Score an assessment overall and by category, as percents from 0 to 100.

    SPEC §2: score = weighted share of accepted yes, partial counts half, n/a leaves the denominator.
    Precisely, over the items considered (all of them, or one category's):

    - denominator = Σ weight of every item whose response is not n/a. Unanswered items and items that
      are pending or carry a finding stay in it, so missing work lowers the score instead of hiding.
    - numerator = Σ weight × credit over items the manager accepted (review == accepted), where the
      credit is 1 for yes, 1/2 for partial and 0 for no. Pending, finding and unanswered items earn 0.
    - n/a leaves the denominator whatever the review state. n/a says the control does not apply, which
      is a question of scope, not of performance: the review decides what an answer earns, not what is
      asked. Keeping a pending n/a in the denominator would drop the score while the manager reviews
      and jump it on acceptance; a disputed n/a becomes a finding (with its own action), and once the
      assessment is sent back and answered yes/partial/no the item re-enters the denominator.
    - percent = numerator / denominator × 100, computed with exact fractions and converted to float
      once; None when the denominator is 0 (no items, or all n/a).

    by_category keeps the categories in the order they first appear. answered counts items with any
    response (n/a included); total counts all items.
    """
    items = _answers(answers)
    overall, by_category = _exact_scores(items)
    return ScoreResult(
        overall=_as_float(overall),
        by_category={category: _as_float(value) for category, value in by_category.items()},
        answered=sum(1 for item in items if item.response is not None),
        total=len(items),
    )


class ChangeKind(enum.StrEnum):
    ADDED = "added"  # the item is new in the current assessment's template version
    REMOVED = "removed"  # the item was dropped from the template
    RESPONSE = "response_changed"
    REVIEW = "review_changed"
    WEIGHT = "weight_changed"  # a later template version reweighted the item
    SCORE = "score_changed"  # one category's score; item_code is None


@dataclass(frozen=True)
class Change:
    """One difference between two assessments: an item's response/review/weight, or a category's score."""

    kind: ChangeKind
    category: str
    item_code: str | None = None
    before: Response | Review | int | float | None = None
    after: Response | Review | int | float | None = None
    delta: float | None = None  # score changes only: after − before from exact values, None if either is None


def compare(previous: Mapping[str, ScoredAnswer], current: Mapping[str, ScoredAnswer]) -> list[Change]:
    """List what changed from the previous assessment to the current one, keyed by item code.

    Item changes come first, in the current assessment's order (an item can yield a response, a review
    and a weight change), then removed items in the previous order, then one score change per category
    whose score differs, current categories first. An added item carries its response as after; a
    removed one its response as before.
    """
    changes: list[Change] = []
    for code, now in current.items():
        before = previous.get(code)
        if before is None:
            changes.append(Change(ChangeKind.ADDED, now.category, code, None, now.response))
            continue
        for kind, old, new in (
            (ChangeKind.RESPONSE, before.response, now.response),
            (ChangeKind.REVIEW, before.review, now.review),
            (ChangeKind.WEIGHT, before.weight, now.weight),
        ):
            if old != new:
                changes.append(Change(kind, now.category, code, old, new))
    for code, before in previous.items():
        if code not in current:
            changes.append(Change(ChangeKind.REMOVED, before.category, code, before.response, None))

    _, old_scores = _exact_scores(_answers(previous))
    _, new_scores = _exact_scores(_answers(current))
    for category in dict.fromkeys([*new_scores, *old_scores]):
        old, new = old_scores.get(category), new_scores.get(category)
        if old != new:
            delta = None if old is None or new is None else float(new - old)
            changes.append(Change(ChangeKind.SCORE, category, None, _as_float(old), _as_float(new), delta))
    return changes


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
class ReminderEvent:
    """A reminder to send; key is stable for one subject, reminder and due date, so it is sent once."""

    kind: str
    subject_id: int
    key: str


@dataclass(frozen=True)
class AssessmentFacts:
    id: int
    status: str  # sent, in_progress, submitted, returned, closed
    due_date: dt.date


@dataclass(frozen=True)
class ActionFacts:
    id: int
    status: ActionStatus | str
    due_date: dt.date


ASSESSMENT_DUE_SOON_DAYS = 7
# Statuses where the vendor holds the pen; "returned" is included because a sent-back assessment is
# the vendor's work again and its due date still stands.
ASSESSMENT_OPEN_STATUSES = frozenset({"sent", "in_progress", "returned"})
ASSESSMENT_FINISHED_STATUSES = frozenset({"submitted", "closed"})


def _key(subject: str, subject_id: int, reminder: str, due: dt.date) -> str:
    # The due date is part of the key so that moving it re-arms the reminder, while every daily run
    # inside the same window yields the same key and the sender's unique row stops a second mail.
    return f"{subject}:{subject_id}:{reminder}:{due.isoformat()}"


def assessment_events(assessments: Iterable[AssessmentFacts], today: dt.date) -> list[ReminderEvent]:
    """Return the due-soon and overdue reminders for assessments on this day.

    Due soon: 0 ≤ due − today ≤ 7 days and the vendor still holds the pen. The whole window matches, not
    only its first day, so a day the job does not run is caught up the next day; the key makes it once.
    Overdue: today > due and the assessment is neither submitted nor closed.
    """
    events: list[ReminderEvent] = []
    for facts in assessments:
        status = _plain(facts.status)
        days_left = (facts.due_date - today).days
        if 0 <= days_left <= ASSESSMENT_DUE_SOON_DAYS and status in ASSESSMENT_OPEN_STATUSES:
            reminder = f"due_in_{ASSESSMENT_DUE_SOON_DAYS}"
            events.append(ReminderEvent("assessment_due_soon", facts.id,
                                        _key("assessment", facts.id, reminder, facts.due_date)))
        elif days_left < 0 and status not in ASSESSMENT_FINISHED_STATUSES:
            events.append(ReminderEvent("assessment_overdue", facts.id,
                                        _key("assessment", facts.id, "overdue", facts.due_date)))
    return events


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
                                        _key("action", facts.id, "due_soon", facts.due_date)))
        elif is_overdue(facts.due_date, status, today):
            events.append(ReminderEvent("action_overdue", facts.id,
                                        _key("action", facts.id, "overdue", facts.due_date)))
    return events
