"""When schedules fire and which month they report; how failed renders back off."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vendorportal.packs import domain
from vendorportal.packs.domain import Frequency, PackStatus, ScheduleRule

TOKYO = ZoneInfo("Asia/Tokyo")
UTC = dt.UTC


def rule(day=5, at="09:00", frequency=Frequency.MONTHLY):
    return ScheduleRule(frequency, day, domain.parse_time(at))


def test_monthly_fires_on_day_d_at_local_time_and_reports_the_month_before():
    fire = domain.fire_time(rule(), 2026, 11, TOKYO)
    assert fire == dt.datetime(2026, 11, 5, 0, 0, tzinfo=UTC)  # 09:00 JST
    firings = domain.firings(rule(), dt.datetime(2026, 11, 1, tzinfo=UTC), dt.datetime(2026, 11, 30, tzinfo=UTC),
                             TOKYO)
    assert [(f.at, f.period) for f in firings] == [(fire, "2026-10")]


def test_january_reports_december_of_the_year_before():
    [firing] = domain.firings(rule(day=1, at="00:30"), dt.datetime(2026, 12, 20, tzinfo=UTC),
                              dt.datetime(2027, 1, 10, tzinfo=UTC), TOKYO)
    assert firing.period == "2026-12"
    assert firing.at == dt.datetime(2026, 12, 31, 15, 30, tzinfo=UTC)  # 1 January 00:30 JST is still 2026 in UTC


@pytest.mark.parametrize(("year", "month", "day"), [(2026, 2, 28), (2028, 2, 29), (2026, 4, 30), (2026, 12, 31)])
def test_day_31_runs_on_the_last_day_of_shorter_months(year, month, day):
    assert domain.fire_time(rule(day=31, at="23:59"), year, month, TOKYO).astimezone(TOKYO).date() == \
        dt.date(year, month, day)


def test_missed_firings_are_all_returned_oldest_first():
    after = dt.datetime(2026, 6, 10, tzinfo=UTC)
    until = dt.datetime(2026, 10, 6, tzinfo=UTC)
    periods = [f.period for f in domain.firings(rule(), after, until, TOKYO)]
    assert periods == ["2026-06", "2026-07", "2026-08", "2026-09"]  # July, Aug, Sep, Oct firings


def test_a_firing_exactly_at_the_start_is_not_repeated_and_one_at_the_end_counts():
    fire = domain.fire_time(rule(), 2026, 11, TOKYO)
    assert domain.firings(rule(), fire, fire + dt.timedelta(days=1), TOKYO) == []
    assert [f.at for f in domain.firings(rule(), fire - dt.timedelta(seconds=1), fire, TOKYO)] == [fire]
    assert domain.firings(rule(), fire, fire, TOKYO) == []


def test_quarterly_fires_after_each_quarter_ends():
    firings = domain.firings(rule(frequency=Frequency.QUARTERLY), dt.datetime(2026, 1, 1, tzinfo=UTC),
                             dt.datetime(2027, 1, 31, tzinfo=UTC), TOKYO)
    assert [f.period for f in firings] == ["2025-12", "2026-03", "2026-06", "2026-09", "2026-12"]


def test_the_next_firing_is_strictly_after_the_moment():
    fire = domain.fire_time(rule(), 2026, 11, TOKYO)
    assert domain.next_firing(rule(), fire - dt.timedelta(minutes=1), TOKYO).at == fire
    assert domain.next_firing(rule(), fire, TOKYO).at == domain.fire_time(rule(), 2026, 12, TOKYO)


def test_time_zone_matters():
    utc_rule = rule(at="09:00")
    assert domain.fire_time(utc_rule, 2026, 11, ZoneInfo("UTC")) - domain.fire_time(utc_rule, 2026, 11, TOKYO) == \
        dt.timedelta(hours=9)


@pytest.mark.parametrize("text", ["24:00", "9:00", "09:60", "", "noon", "09:00:00"])
def test_bad_times_are_refused(text):
    with pytest.raises(ValueError):
        domain.parse_time(text)


@pytest.mark.parametrize("day", [0, 32, -1])
def test_bad_days_are_refused(day):
    with pytest.raises(ValueError):
        ScheduleRule(Frequency.MONTHLY, day, dt.time(9))


def test_retries_back_off_doubling_up_to_a_cap():
    assert [domain.retry_delay(n, 60).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert domain.retry_delay(20, 60, cap_seconds=3600).total_seconds() == 3600
    with pytest.raises(ValueError):
        domain.retry_delay(0, 60)


def test_the_last_try_fails_for_good():
    assert [domain.after_failure(n, 3) for n in (1, 2, 3)] == [PackStatus.QUEUED, PackStatus.QUEUED, PackStatus.FAILED]


def test_subject_keys():
    assert domain.subject_key("vendor", 7) == "vendor:7"
    assert domain.subject_key("portfolio", None) == "portfolio"


@given(st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2035, 1, 1)),
       st.integers(1, 31), st.integers(0, 23), st.integers(0, 59), st.integers(1, 400))
def test_every_firing_is_in_the_window_once_per_month(start, day, hour, minute, days):
    after = start.replace(tzinfo=UTC)
    until = after + dt.timedelta(days=days)
    r = ScheduleRule(Frequency.MONTHLY, day, dt.time(hour, minute))
    firings = domain.firings(r, after, until, TOKYO)
    assert all(after < f.at <= until for f in firings)
    periods = [f.period for f in firings]
    assert len(periods) == len(set(periods)) and periods == sorted(periods)
    # splitting the window anywhere gives the same firings: nothing is lost or doubled between two ticks
    middle = after + (until - after) / 2
    assert domain.firings(r, after, middle, TOKYO) + domain.firings(r, middle, until, TOKYO) == firings
