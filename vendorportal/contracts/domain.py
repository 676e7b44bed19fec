"""Pure contract date rules: notice deadline, status by date, renewal window."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

RENEWAL_WARNING_DAYS = 30


class ContractStatus(enum.StrEnum):
    UPCOMING = "upcoming"
    ACTIVE = "active"
    RENEWAL_DUE = "renewal_due"
    EXPIRED = "expired"


@dataclass(frozen=True)
class ContractDates:
    start_date: dt.date
    end_date: dt.date
    notice_days: int


def notice_deadline(end_date: dt.date, notice_days: int) -> dt.date:
    """Return the last day notice can be given: the end date minus the notice days."""
    if notice_days < 0:
        raise ValueError("notice_days must not be negative")
    return end_date - dt.timedelta(days=notice_days)


def renewal_window_start(end_date: dt.date, notice_days: int) -> dt.date:
    """Return the first day of the renewal window: 30 days before the notice deadline."""
    return notice_deadline(end_date, notice_days) - dt.timedelta(days=RENEWAL_WARNING_DAYS)


def contract_status(dates: ContractDates, today: dt.date) -> ContractStatus:
    """Return the status a contract has on a given day.

    The contract runs from start to end inclusive; it is renewal_due from 30 days before the notice
    deadline until the end date, and expired from the day after the end date.
    """
    if today < dates.start_date:
        return ContractStatus.UPCOMING
    if today > dates.end_date:
        return ContractStatus.EXPIRED
    if today >= renewal_window_start(dates.end_date, dates.notice_days):
        return ContractStatus.RENEWAL_DUE
    return ContractStatus.ACTIVE


def days_until_notice_deadline(dates: ContractDates, today: dt.date) -> int:
    """Return the days from today to the notice deadline (negative once it has passed)."""
    return (notice_deadline(dates.end_date, dates.notice_days) - today).days


def notice_deadline_within(dates: ContractDates, today: dt.date, days: int) -> bool:
    """Say whether the notice deadline falls between today and today + days, both inclusive."""
    return 0 <= days_until_notice_deadline(dates, today) <= days
