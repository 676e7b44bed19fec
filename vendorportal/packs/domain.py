"""Pure rules of the review packs: when a schedule fires, which period it reports, how failures back off."""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo


class PackKind(enum.StrEnum):
    VENDOR = "vendor"
    PORTFOLIO = "portfolio"


class PackStatus(enum.StrEnum):
    QUEUED = "queued"
    RENDERING = "rendering"
    DONE = "done"
    FAILED = "failed"


class Frequency(enum.StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


LANGUAGES = ("en", "ja")
QUARTER_MONTHS = (1, 4, 7, 10)  # a quarterly schedule fires in the month after each quarter ends
_TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
_PERIOD = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def parse_time(text: str) -> dt.time:
    """Return the time of day of "HH:MM" (24-hour clock); raise ValueError otherwise."""
    match = _TIME.fullmatch(text.strip())
    if not match:
        raise ValueError(f"not a time of day HH:MM: {text!r}")
    return dt.time(int(match[1]), int(match[2]))


def is_period(text: str) -> bool:
    return bool(_PERIOD.fullmatch(text or ""))


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def subject_key(kind: PackKind | str, vendor_id: int | None) -> str:
    """Return what a pack is about, as one comparable value: "portfolio" or "vendor:<id>"."""
    return "portfolio" if PackKind(kind) is PackKind.PORTFOLIO else f"vendor:{int(vendor_id)}"


@dataclass(frozen=True)
class ScheduleRule:
    frequency: Frequency
    day: int  # 1-31; a short month fires on its last day
    time_of_day: dt.time

    def __post_init__(self) -> None:
        if not 1 <= self.day <= 31:
            raise ValueError(f"day must be 1-31, got {self.day}")


@dataclass(frozen=True)
class Firing:
    at: dt.datetime  # aware, UTC
    period: str  # the month the packs report: the month before the one the schedule fires in


def _fires_in(rule: ScheduleRule, month: int) -> bool:
    return rule.frequency is Frequency.MONTHLY or month in QUARTER_MONTHS


def fire_time(rule: ScheduleRule, year: int, month: int, tz: ZoneInfo) -> dt.datetime:
    """Return the moment (UTC) the rule fires in a month: day D at HH:MM local time, clamped to the month's end."""
    day = min(rule.day, calendar.monthrange(year, month)[1])
    local = dt.datetime.combine(dt.date(year, month, day), rule.time_of_day, tzinfo=tz)
    return local.astimezone(dt.UTC)


def _months(start: dt.date) -> Iterator[tuple[int, int]]:
    year, month = start.year, start.month
    while True:
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def firings(rule: ScheduleRule, after: dt.datetime, until: dt.datetime, tz: ZoneInfo) -> list[Firing]:
    """Return every firing in (after, until]: the ones missed while nothing ran are included, oldest first."""
    if until <= after:
        return []
    out = []
    for year, month in _months(after.astimezone(tz).date().replace(day=1)):
        at = fire_time(rule, year, month, tz)
        if at > until:
            break
        if at > after and _fires_in(rule, month):
            py, pm = previous_month(year, month)
            out.append(Firing(at, f"{py:04d}-{pm:02d}"))
    return out


def next_firing(rule: ScheduleRule, after: dt.datetime, tz: ZoneInfo) -> Firing:
    """Return the first firing strictly after a moment."""
    for year, month in _months(after.astimezone(tz).date().replace(day=1)):
        at = fire_time(rule, year, month, tz)
        if at > after and _fires_in(rule, month):
            py, pm = previous_month(year, month)
            return Firing(at, f"{py:04d}-{pm:02d}")
    raise AssertionError("unreachable")  # pragma: no cover


def retry_delay(attempt: int, base_seconds: float, cap_seconds: float = 3600.0) -> dt.timedelta:
    """Return how long to wait before try attempt+1 after `attempt` failed tries: base, 2×base, 4×base … capped."""
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    return dt.timedelta(seconds=min(cap_seconds, base_seconds * 2 ** (attempt - 1)))


def after_failure(attempt: int, max_attempts: int) -> PackStatus:
    """Return the status a pack takes when its try number `attempt` failed: queued again or failed for good."""
    return PackStatus.QUEUED if attempt < max_attempts else PackStatus.FAILED
