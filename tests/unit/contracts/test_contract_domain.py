"""Contract date rules: notice deadline and status at month ends, leap days and zero notice days."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vendorportal.contracts.domain import (
    ContractDates,
    ContractStatus,
    contract_status,
    days_until_notice_deadline,
    notice_deadline,
    notice_deadline_within,
    renewal_window_start,
)

D = dt.date


def test_notice_deadline_is_end_date_minus_notice_days():
    assert notice_deadline(D(2027, 3, 31), 90) == D(2026, 12, 31)


def test_notice_deadline_crosses_leap_day():
    # 2028 is a leap year: 30 days before 2028-03-15 is 2028-02-14 (29 days of February in between).
    assert notice_deadline(D(2028, 3, 15), 30) == D(2028, 2, 14)
    assert notice_deadline(D(2028, 3, 1), 1) == D(2028, 2, 29)
    assert notice_deadline(D(2027, 3, 1), 1) == D(2027, 2, 28)


def test_notice_deadline_with_zero_notice_days_is_the_end_date():
    assert notice_deadline(D(2026, 12, 31), 0) == D(2026, 12, 31)


def test_negative_notice_days_are_refused():
    with pytest.raises(ValueError):
        notice_deadline(D(2026, 12, 31), -1)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2025, 12, 31), ContractStatus.UPCOMING),
        (D(2026, 1, 1), ContractStatus.ACTIVE),  # first day counts
        (D(2026, 10, 1), ContractStatus.ACTIVE),  # the day before the renewal window
        (D(2026, 10, 2), ContractStatus.RENEWAL_DUE),  # deadline 2026-11-01 minus 30 days
        (D(2026, 11, 1), ContractStatus.RENEWAL_DUE),  # the notice deadline itself
        (D(2026, 12, 31), ContractStatus.RENEWAL_DUE),  # the last day of the contract
        (D(2027, 1, 1), ContractStatus.EXPIRED),
    ],
)
def test_status_through_the_life_of_a_contract(today, expected):
    dates = ContractDates(D(2026, 1, 1), D(2026, 12, 31), 60)
    assert notice_deadline(dates.end_date, 60) == D(2026, 11, 1)
    assert contract_status(dates, today) is expected


def test_status_with_zero_notice_days_enters_renewal_30_days_before_the_end():
    dates = ContractDates(D(2026, 1, 1), D(2026, 3, 31), 0)
    assert renewal_window_start(dates.end_date, 0) == D(2026, 3, 1)
    assert contract_status(dates, D(2026, 2, 28)) is ContractStatus.ACTIVE
    assert contract_status(dates, D(2026, 3, 1)) is ContractStatus.RENEWAL_DUE
    assert contract_status(dates, D(2026, 3, 31)) is ContractStatus.RENEWAL_DUE
    assert contract_status(dates, D(2026, 4, 1)) is ContractStatus.EXPIRED


def test_status_at_month_end_of_february_in_a_leap_year():
    dates = ContractDates(D(2027, 3, 1), D(2028, 2, 29), 29)
    # deadline 2028-01-31, window from 2028-01-01
    assert notice_deadline(dates.end_date, 29) == D(2028, 1, 31)
    assert contract_status(dates, D(2027, 12, 31)) is ContractStatus.ACTIVE
    assert contract_status(dates, D(2028, 1, 1)) is ContractStatus.RENEWAL_DUE
    assert contract_status(dates, D(2028, 2, 29)) is ContractStatus.RENEWAL_DUE
    assert contract_status(dates, D(2028, 3, 1)) is ContractStatus.EXPIRED


def test_a_short_contract_inside_its_renewal_window_from_the_start():
    dates = ContractDates(D(2026, 5, 1), D(2026, 5, 31), 30)
    assert contract_status(dates, D(2026, 5, 1)) is ContractStatus.RENEWAL_DUE


def test_one_day_contract():
    dates = ContractDates(D(2026, 6, 30), D(2026, 6, 30), 0)
    assert contract_status(dates, D(2026, 6, 29)) is ContractStatus.UPCOMING
    assert contract_status(dates, D(2026, 6, 30)) is ContractStatus.RENEWAL_DUE
    assert contract_status(dates, D(2026, 7, 1)) is ContractStatus.EXPIRED


def test_notice_deadline_within_the_lookahead_includes_both_ends():
    dates = ContractDates(D(2026, 1, 1), D(2027, 3, 31), 90)  # deadline 2026-12-31
    assert days_until_notice_deadline(dates, D(2026, 10, 2)) == 90
    assert notice_deadline_within(dates, D(2026, 10, 2), 90)
    assert not notice_deadline_within(dates, D(2026, 10, 1), 90)
    assert notice_deadline_within(dates, D(2026, 12, 31), 90)
    assert not notice_deadline_within(dates, D(2027, 1, 1), 90)


@given(
    start=st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 1, 1)),
    length=st.integers(min_value=0, max_value=4000),
    notice=st.integers(min_value=0, max_value=400),
    offset=st.integers(min_value=-500, max_value=4500),
)
def test_status_is_consistent_with_the_dates(start, length, notice, offset):
    end = start + dt.timedelta(days=length)
    today = start + dt.timedelta(days=offset)
    status = contract_status(ContractDates(start, end, notice), today)
    if today < start:
        assert status is ContractStatus.UPCOMING
    elif today > end:
        assert status is ContractStatus.EXPIRED
    elif (notice_deadline(end, notice) - today).days <= 30:
        assert status is ContractStatus.RENEWAL_DUE
    else:
        assert status is ContractStatus.ACTIVE
