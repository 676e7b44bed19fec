"""Pure checklist rules: scores by category and overall, changes between assessments, assessment reminders."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType

from vendorportal.notifications.domain import ReminderEvent, reminder_key


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


@dataclass(frozen=True)
class AssessmentFacts:
    id: int
    status: str  # sent, in_progress, submitted, returned, closed
    due_date: dt.date


ASSESSMENT_DUE_SOON_DAYS = 7
# Statuses where the vendor holds the pen; "returned" is included because a sent-back assessment is
# the vendor's work again and its due date still stands.
ASSESSMENT_OPEN_STATUSES = frozenset({"sent", "in_progress", "returned"})
ASSESSMENT_FINISHED_STATUSES = frozenset({"submitted", "closed"})



def _plain(value: object) -> str:
    return str(getattr(value, "value", value))


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
                                        reminder_key("assessment", facts.id, reminder, facts.due_date)))
        elif days_left < 0 and status not in ASSESSMENT_FINISHED_STATUSES:
            events.append(ReminderEvent("assessment_overdue", facts.id,
                                        reminder_key("assessment", facts.id, "overdue", facts.due_date)))
    return events
