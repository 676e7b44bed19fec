"""Checklist scores, changes between assessments, the action status flow and reminders, without an app."""

import datetime as dt
import enum
from fractions import Fraction

import pytest

from vendorportal.actions.domain import (
    ActionFacts,
    ActionOwner,
    ActionStatus,
    TransitionRefused,
    action_events,
    allowed_transitions,
    is_overdue,
    transition,
)
from vendorportal.checklists.domain import (
    AssessmentFacts,
    Change,
    ChangeKind,
    Response,
    Review,
    ScoredAnswer,
    assessment_events,
    compare,
    score,
)
from vendorportal.notifications.domain import ReminderEvent

YES, PARTIAL, NO, NA = Response.YES, Response.PARTIAL, Response.NO, Response.NA
PENDING, ACCEPTED, FINDING = Review.PENDING, Review.ACCEPTED, Review.FINDING
OPEN, IN_PROGRESS, DONE, VERIFIED = ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.VERIFIED


def answer(code, category, weight, response, review=ACCEPTED):
    return ScoredAnswer(code, category, weight, response, review)


# Score


def test_score_hand_computed_weights_partial_na_and_review_states():
    answers = [
        answer("G1", "governance", 3, YES),  # earns 3 of 3
        answer("G2", "governance", 2, PARTIAL),  # earns 1 of 2
        answer("G3", "governance", 1, NO),  # earns 0 of 1
        answer("P1", "people", 2, YES, PENDING),  # not accepted yet: 0 of 2
        answer("P2", "people", 3, NA, PENDING),  # out of the denominator, even pending
        answer("P3", "people", 1, YES, FINDING),  # finding: 0 of 1
        answer("F1", "physical", 2, None, PENDING),  # unanswered: 0 of 2
        answer("F2", "physical", 1, NA),  # out of the denominator
    ]
    result = score(answers)
    # numerator 3 + 1 = 4; denominator 3 + 2 + 1 + 2 + 1 + 2 = 11
    assert result.overall == float(Fraction(400, 11))
    assert result.overall == pytest.approx(36.3636, abs=1e-4)
    assert result.by_category == {"governance": float(Fraction(400, 6)), "people": 0.0, "physical": 0.0}
    assert list(result.by_category) == ["governance", "people", "physical"]
    assert result.answered == 7
    assert result.total == 8


def test_score_all_accepted_yes_is_100():
    result = score([answer("A", "data", 3, YES), answer("B", "data", 1, YES)])
    assert result.overall == 100.0
    assert result.by_category == {"data": 100.0}


def test_score_partial_counts_half_of_its_weight():
    assert score([answer("A", "data", 2, PARTIAL)]).overall == 50.0
    # 1 + 0.5 + 0 of 3 equal weights
    assert score([answer("A", "c", 1, YES), answer("B", "c", 1, PARTIAL), answer("C", "c", 1, NO)]).overall == 50.0


def test_score_weights_change_the_share():
    # yes on weight 3 and no on weight 1: 3/4, not the unweighted 1/2
    assert score([answer("A", "c", 3, YES), answer("B", "c", 1, NO)]).overall == 75.0


def test_score_uses_exact_fractions():
    # 1/3 as a percent; summing floats of each item would drift
    result = score([answer("A", "c", 1, YES), answer("B", "c", 1, NO), answer("C", "c", 1, NO)])
    assert result.overall == float(Fraction(100, 3))


def test_score_na_leaves_the_denominator_whatever_the_review():
    for review in (PENDING, ACCEPTED, FINDING):
        assert score([answer("A", "c", 1, YES), answer("B", "c", 5, NA, review)]).overall == 100.0


def test_score_pending_and_finding_earn_nothing_but_stay_in_the_denominator():
    for review in (PENDING, FINDING):
        result = score([answer("A", "c", 1, YES), answer("B", "c", 1, YES, review)])
        assert result.overall == 50.0


def test_score_unanswered_items_stay_in_the_denominator():
    result = score([answer("A", "c", 1, YES), answer("B", "c", 3, None, PENDING)])
    assert result.overall == 25.0
    assert (result.answered, result.total) == (1, 2)


def test_score_is_none_without_items():
    result = score([])
    assert result.overall is None
    assert result.by_category == {}
    assert (result.answered, result.total) == (0, 0)


def test_score_is_none_when_everything_is_na():
    result = score([answer("A", "c", 2, NA), answer("B", "d", 1, NA, PENDING)])
    assert result.overall is None
    assert result.by_category == {"c": None, "d": None}
    assert result.answered == 2


def test_score_category_all_na_is_none_while_overall_has_a_value():
    result = score([answer("A", "c", 2, NA), answer("B", "d", 1, PARTIAL)])
    assert result.overall == 50.0
    assert result.by_category == {"c": None, "d": 50.0}


def test_score_zero_weight_items_only_is_none():
    assert score([answer("A", "c", 0, YES)]).overall is None


def test_score_accepts_a_mapping_of_answers():
    answers = {"A": answer("A", "c", 1, YES), "B": answer("B", "c", 1, NO)}
    assert score(answers).overall == 50.0


def test_scored_answer_coerces_stored_strings():
    item = ScoredAnswer("A", "c", 1, "n/a", "accepted")
    assert item.response is Response.NA
    assert item.review is Review.ACCEPTED
    assert ScoredAnswer("A", "c", 1, None, "pending").response is None


def test_scored_answer_rejects_unknown_values_and_negative_weight():
    with pytest.raises(ValueError):
        ScoredAnswer("A", "c", 1, "maybe", "accepted")
    with pytest.raises(ValueError):
        ScoredAnswer("A", "c", 1, "yes", "approved")
    with pytest.raises(ValueError):
        ScoredAnswer("A", "c", -1, "yes", "accepted")


def test_response_na_value_is_slash_form():
    assert Response("n/a") is Response.NA
    assert Response.NA.value == "n/a"


# Compare


def test_compare_lists_item_changes_then_removed_then_category_scores():
    previous = {
        "A": answer("A", "governance", 3, YES),
        "B": answer("B", "governance", 1, NO),
        "C": answer("C", "people", 2, PARTIAL),
        "R": answer("R", "data", 1, YES),
    }
    current = {
        "A": answer("A", "governance", 3, YES),
        "B": answer("B", "governance", 2, YES, PENDING),
        "C": answer("C", "people", 2, PARTIAL),
        "N": answer("N", "people", 1, NO, PENDING),
    }
    assert compare(previous, current) == [
        Change(ChangeKind.RESPONSE, "governance", "B", NO, YES),
        Change(ChangeKind.REVIEW, "governance", "B", ACCEPTED, PENDING),
        Change(ChangeKind.WEIGHT, "governance", "B", 1, 2),
        Change(ChangeKind.ADDED, "people", "N", None, NO),
        Change(ChangeKind.REMOVED, "data", "R", YES, None),
        # governance 3/4 → 3/5; people 1/2 → 1/3; data 1/1 → gone
        Change(ChangeKind.SCORE, "governance", None, 75.0, 60.0, -15.0),
        Change(ChangeKind.SCORE, "people", None, 50.0, float(Fraction(100, 3)), float(Fraction(-50, 3))),
        Change(ChangeKind.SCORE, "data", None, 100.0, None, None),
    ]


def test_compare_identical_assessments_is_empty():
    answers = {"A": answer("A", "c", 1, YES), "B": answer("B", "c", 2, NA, PENDING)}
    assert compare(answers, dict(answers)) == []


def test_compare_new_category_has_no_delta():
    changes = compare({}, {"A": answer("A", "c", 1, PARTIAL)})
    assert changes == [
        Change(ChangeKind.ADDED, "c", "A", None, PARTIAL),
        Change(ChangeKind.SCORE, "c", None, None, 50.0, None),
    ]


def test_compare_review_change_moves_the_score():
    before = {"A": answer("A", "c", 1, YES, PENDING)}
    after = {"A": answer("A", "c", 1, YES, ACCEPTED)}
    assert compare(before, after) == [
        Change(ChangeKind.REVIEW, "c", "A", PENDING, ACCEPTED),
        Change(ChangeKind.SCORE, "c", None, 0.0, 100.0, 100.0),
    ]


def test_compare_change_that_keeps_the_score_reports_no_score_change():
    before = {"A": answer("A", "c", 1, NO, PENDING)}
    after = {"A": answer("A", "c", 1, NO, FINDING)}
    assert compare(before, after) == [Change(ChangeKind.REVIEW, "c", "A", PENDING, FINDING)]


def test_compare_answer_withdrawn_to_unanswered():
    before = {"A": answer("A", "c", 1, NA)}
    after = {"A": answer("A", "c", 1, None, PENDING)}
    assert compare(before, after) == [
        Change(ChangeKind.RESPONSE, "c", "A", NA, None),
        Change(ChangeKind.REVIEW, "c", "A", ACCEPTED, PENDING),
        Change(ChangeKind.SCORE, "c", None, None, 0.0, None),
    ]


# Action transitions

ALL_STATUSES = list(ActionStatus)
EXPECTED = {
    ("vendor", ActionOwner.VENDOR): {OPEN: {IN_PROGRESS, DONE}, IN_PROGRESS: {DONE}, DONE: {IN_PROGRESS}, VERIFIED: set()},
    ("vendor", ActionOwner.CLIENT): {OPEN: set(), IN_PROGRESS: set(), DONE: set(), VERIFIED: set()},
    ("manager", ActionOwner.CLIENT): {
        OPEN: {IN_PROGRESS, DONE}, IN_PROGRESS: {DONE}, DONE: {IN_PROGRESS, VERIFIED, OPEN}, VERIFIED: {OPEN},
    },
    ("manager", ActionOwner.VENDOR): {OPEN: set(), IN_PROGRESS: set(), DONE: {VERIFIED, OPEN}, VERIFIED: {OPEN}},
    ("admin", ActionOwner.CLIENT): {
        OPEN: {IN_PROGRESS, DONE}, IN_PROGRESS: {DONE}, DONE: {IN_PROGRESS, VERIFIED, OPEN}, VERIFIED: {OPEN},
    },
    ("admin", ActionOwner.VENDOR): {OPEN: set(), IN_PROGRESS: set(), DONE: {VERIFIED, OPEN}, VERIFIED: {OPEN}},
    ("executive", ActionOwner.VENDOR): {s: set() for s in ALL_STATUSES},
    ("executive", ActionOwner.CLIENT): {s: set() for s in ALL_STATUSES},
    ("", ActionOwner.VENDOR): {s: set() for s in ALL_STATUSES},
}
CASES = [
    (role, owner, current, target, target in allowed)
    for (role, owner), table in EXPECTED.items()
    for current, allowed in table.items()
    for target in ALL_STATUSES
]


@pytest.mark.parametrize(("role", "owner"), list(EXPECTED))
def test_allowed_transitions_per_role_and_owner(role, owner):
    for status in ALL_STATUSES:
        assert allowed_transitions(status, role=role, owner=owner) == EXPECTED[(role, owner)][status]


@pytest.mark.parametrize(("role", "owner", "current", "target", "allowed"), CASES)
def test_transition_allows_exactly_the_table(role, owner, current, target, allowed):
    if allowed:
        assert transition(current, target, role=role, owner=owner) is target
    else:
        with pytest.raises(TransitionRefused) as refused:
            transition(current, target, role=role, owner=owner)
        assert refused.value.message
        assert str(refused.value) == refused.value.message
        assert refused.value.current is current
        assert refused.value.requested == target.value


def test_transition_accepts_stored_strings():
    assert transition("open", "in_progress", role="vendor", owner="vendor") is IN_PROGRESS
    assert allowed_transitions("done", role="manager", owner="vendor") == {VERIFIED, OPEN}


def test_transition_accepts_a_role_enum():
    class Role(enum.Enum):
        MANAGER = "manager"

    assert transition(DONE, VERIFIED, role=Role.MANAGER, owner=ActionOwner.VENDOR) is VERIFIED


def test_transition_refuses_an_unknown_status_as_input():
    with pytest.raises(TransitionRefused, match="Unknown action status"):
        transition(OPEN, "closed", role="manager", owner=ActionOwner.CLIENT)


@pytest.mark.parametrize(
    ("current", "target", "role", "owner", "message"),
    [
        (DONE, VERIFIED, "vendor", ActionOwner.VENDOR, "Only a manager may verify an action."),
        (DONE, OPEN, "vendor", ActionOwner.VENDOR, "Only a manager may reopen an action."),
        (VERIFIED, OPEN, "vendor", ActionOwner.VENDOR, "Only a manager may reopen an action."),
        (OPEN, DONE, "vendor", ActionOwner.CLIENT, "Only the client's managers may update an action the client owns."),
        (OPEN, IN_PROGRESS, "executive", ActionOwner.CLIENT, "Your role may not change actions."),
        (OPEN, OPEN, "vendor", ActionOwner.VENDOR, "The action is already open."),
        (OPEN, IN_PROGRESS, "manager", ActionOwner.VENDOR,
         "The vendor updates an action it owns; a manager may verify or reopen it."),
        (OPEN, VERIFIED, "manager", ActionOwner.CLIENT, "An action cannot move from open to verified."),
        (VERIFIED, DONE, "vendor", ActionOwner.VENDOR, "An action cannot move from verified to done."),
    ],
)
def test_transition_refusal_explains_why(current, target, role, owner, message):
    with pytest.raises(TransitionRefused) as refused:
        transition(current, target, role=role, owner=owner)
    assert refused.value.message == message


# Overdue

DUE = dt.date(2026, 5, 10)


@pytest.mark.parametrize("status", [OPEN, IN_PROGRESS])
def test_is_overdue_only_after_the_due_day(status):
    assert not is_overdue(DUE, status, DUE - dt.timedelta(days=1))
    assert not is_overdue(DUE, status, DUE)
    assert is_overdue(DUE, status, DUE + dt.timedelta(days=1))


@pytest.mark.parametrize("status", [DONE, VERIFIED, "done"])
def test_is_overdue_never_when_done_or_verified(status):
    assert not is_overdue(DUE, status, DUE + dt.timedelta(days=30))


def test_is_overdue_without_a_due_date_is_false():
    assert not is_overdue(None, OPEN, DUE)


def test_is_overdue_accepts_stored_strings():
    assert is_overdue(DUE, "in_progress", dt.date(2026, 5, 11))


# Assessment reminders

ASSESSMENT_DUE = dt.date(2026, 11, 30)


def days(start, end):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


@pytest.mark.parametrize("status", ["sent", "in_progress", "returned"])
def test_assessment_events_fire_on_exactly_the_right_days(status):
    facts = [AssessmentFacts(42, status, ASSESSMENT_DUE)]
    due_soon = ReminderEvent("assessment_due_soon", 42, "assessment:42:due_in_7:2026-11-30")
    overdue = ReminderEvent("assessment_overdue", 42, "assessment:42:overdue:2026-11-30")
    for today in days(dt.date(2026, 11, 1), dt.date(2026, 12, 31)):
        events = assessment_events(facts, today)
        if today < dt.date(2026, 11, 23):
            assert events == [], today
        elif today <= ASSESSMENT_DUE:
            assert events == [due_soon], today
        else:
            assert events == [overdue], today


@pytest.mark.parametrize("status", ["submitted", "closed"])
def test_assessment_events_none_once_submitted_or_closed(status):
    facts = [AssessmentFacts(42, status, ASSESSMENT_DUE)]
    for today in days(dt.date(2026, 11, 20), dt.date(2026, 12, 10)):
        assert assessment_events(facts, today) == []


def test_assessment_events_same_keys_when_run_twice_on_a_day():
    facts = [AssessmentFacts(1, "sent", ASSESSMENT_DUE), AssessmentFacts(2, "in_progress", dt.date(2026, 11, 1))]
    today = dt.date(2026, 11, 25)
    first, second = assessment_events(facts, today), assessment_events(facts, today)
    assert first == second
    assert [e.key for e in first] == ["assessment:1:due_in_7:2026-11-30", "assessment:2:overdue:2026-11-01"]


def test_assessment_events_key_is_the_same_on_every_day_of_the_window():
    facts = [AssessmentFacts(42, "sent", ASSESSMENT_DUE)]
    keys = {e.key for today in days(dt.date(2026, 11, 23), ASSESSMENT_DUE) for e in assessment_events(facts, today)}
    assert keys == {"assessment:42:due_in_7:2026-11-30"}


def test_assessment_events_new_due_date_gives_new_keys():
    today = dt.date(2026, 12, 5)
    old = assessment_events([AssessmentFacts(42, "sent", ASSESSMENT_DUE)], today)
    moved = assessment_events([AssessmentFacts(42, "sent", dt.date(2026, 12, 10))], today)
    later = assessment_events([AssessmentFacts(42, "sent", dt.date(2026, 12, 4))], today)
    assert [e.kind for e in old] == ["assessment_overdue"]
    assert moved == [ReminderEvent("assessment_due_soon", 42, "assessment:42:due_in_7:2026-12-10")]
    assert later == [ReminderEvent("assessment_overdue", 42, "assessment:42:overdue:2026-12-04")]
    assert old[0].key != later[0].key


def test_assessment_events_accept_any_iterable():
    facts = (AssessmentFacts(i, "sent", ASSESSMENT_DUE) for i in (3, 4))
    assert [e.subject_id for e in assessment_events(facts, ASSESSMENT_DUE)] == [3, 4]


# Action reminders

ACTION_DUE = dt.date(2026, 5, 10)


@pytest.mark.parametrize("status", [OPEN, IN_PROGRESS, "open"])
def test_action_events_fire_on_exactly_the_right_days(status):
    facts = [ActionFacts(7, status, ACTION_DUE)]
    due_soon = ReminderEvent("action_due_soon", 7, "action:7:due_soon:2026-05-10")
    overdue = ReminderEvent("action_overdue", 7, "action:7:overdue:2026-05-10")
    for today in days(dt.date(2026, 4, 20), dt.date(2026, 6, 10)):
        events = action_events(facts, today)
        if today < dt.date(2026, 5, 7):
            assert events == [], today
        elif today <= ACTION_DUE:
            assert events == [due_soon], today
        else:
            assert events == [overdue], today


@pytest.mark.parametrize("status", [DONE, VERIFIED])
def test_action_events_none_once_done(status):
    facts = [ActionFacts(7, status, ACTION_DUE)]
    for today in days(dt.date(2026, 5, 1), dt.date(2026, 5, 20)):
        assert action_events(facts, today) == []


def test_action_events_soon_days_sets_the_window_not_the_key():
    facts = [ActionFacts(7, OPEN, ACTION_DUE)]
    assert action_events(facts, dt.date(2026, 5, 3), soon_days=7) == [
        ReminderEvent("action_due_soon", 7, "action:7:due_soon:2026-05-10")
    ]
    assert action_events(facts, dt.date(2026, 5, 3), soon_days=6) == []
    assert action_events(facts, dt.date(2026, 5, 9), soon_days=0) == []
    assert [e.kind for e in action_events(facts, ACTION_DUE, soon_days=0)] == ["action_due_soon"]


def test_action_events_refuse_negative_soon_days():
    with pytest.raises(ValueError):
        action_events([], ACTION_DUE, soon_days=-1)


def test_action_events_stable_keys_and_new_keys_for_a_new_due_date():
    today = dt.date(2026, 5, 12)
    facts = [ActionFacts(7, IN_PROGRESS, ACTION_DUE), ActionFacts(8, OPEN, dt.date(2026, 5, 14))]
    assert action_events(facts, today) == action_events(facts, today)
    assert [e.key for e in action_events(facts, today)] == ["action:7:overdue:2026-05-10", "action:8:due_soon:2026-05-14"]
    moved = action_events([ActionFacts(7, IN_PROGRESS, dt.date(2026, 5, 11))], today)
    assert moved == [ReminderEvent("action_overdue", 7, "action:7:overdue:2026-05-11")]
