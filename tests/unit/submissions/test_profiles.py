"""Unit tests for import profiles: recognising platform exports and turning them into the portal's canonical table.

The sample exports in platform_exports/ are shaped like the real ones (header spellings, units, offsets, title
lines and total rows); expected values are worked out by hand from their cells.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from vendorportal.submissions import profiles
from vendorportal.submissions.profiles import (
    AMAZON_CONNECT,
    AVAYA_CMS,
    GENESYS,
    PORTAL_TEMPLATE_EN,
    PORTAL_TEMPLATE_JA,
    ZENDESK_TALK,
    apply,
    candidates,
    explain_missing,
    recognise,
    recognise_in,
)

EXPORTS = Path(__file__).parent / "platform_exports"
SL_MEASURES = ("offered", "answered", "answered_within_sl", "abandoned", "abandoned_short")
TZ = "Asia/Tokyo"


def read(name: str) -> list[tuple[int, list[str]]]:
    with open(EXPORTS / name, encoding="utf-8-sig", newline="") as handle:
        return list(enumerate(csv.reader(handle), start=1))


def split(name: str) -> tuple[list[str], list[tuple[int, list[str]]], profiles.Profile]:
    rows = read(name)
    found = recognise_in(rows)
    assert found is not None, name
    number, header, profile = found
    return header, [row for row in rows if row[0] > number], profile


def convert(name: str, **options) -> profiles.ProfiledTable:
    header, rows, profile = split(name)
    options.setdefault("tz", TZ)
    return apply(profile, header, rows, **options)


def by_key(table: profiles.ProfiledTable) -> dict[tuple, dict[str, object]]:
    """The table's rows as {(date, interval, channel, queue): {column: value}}."""
    out = {}
    for _number, cells in table.rows:
        row = dict(zip(table.header, cells, strict=True))
        out[tuple(row.get(k, "") for k in ("date", "interval", "channel", "queue"))] = row
    return out


def texts(issues) -> list[str]:
    return [str(issue.message) for issue in issues]


# --- recognition ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "profile", "header_row"), [
    ("genesys_cloud_queue_interval.csv", GENESYS, 1),
    ("amazon_connect_historical_queue.csv", AMAZON_CONNECT, 1),
    ("avaya_cms_split_skill_interval.csv", AVAYA_CMS, 5),
    ("zendesk_talk_calls.csv", ZENDESK_TALK, 1),
    ("portal_template_en.csv", PORTAL_TEMPLATE_EN, 1),
    ("portal_template_ja.csv", PORTAL_TEMPLATE_JA, 1),
])
def test_each_sample_export_is_recognised_from_its_header_row(name, profile, header_row) -> None:
    rows = read(name)
    number, header, found = recognise_in(rows)
    assert (number, found) == (header_row, profile)
    assert recognise(header) is profile
    best = candidates(header)[0]
    assert best.profile is profile and best.score == 1.0 and best.unmatched == ()


def test_the_portal_template_is_not_taken_for_a_platform_export() -> None:
    for name in ("portal_template_en.csv", "portal_template_ja.csv"):
        header = read(name)[0][1]
        assert all(c.profile.is_template for c in candidates(header)), name


@pytest.mark.parametrize("name", ["genesys_cloud_queue_interval.csv", "amazon_connect_historical_queue.csv",
                                  "zendesk_talk_calls.csv"])
def test_a_platform_export_is_not_taken_for_the_portal_template(name) -> None:
    # Zendesk's "Date" and "Answered" and Genesys's "Offered"/"Answered" spellings are portal names too.
    header = read(name)[0][1]
    assert not any(c.profile.is_template for c in candidates(header))


def test_headers_match_whatever_their_case_spacing_and_punctuation() -> None:
    header = ["\ufeffqueue", "start interval", "END_INTERVAL", "CONTACTS QUEUED", "contacts  handled incoming",
              "Contacts abandoned"]
    assert recognise(header) is AMAZON_CONNECT
    assert recognise(["interval start", "MEDIA TYPE", "queue name", "offer", "answer", "abandon"]) is GENESYS
    assert recognise(["Split / Skill", "Date", "Time", "ACD calls", "Aban calls", "Avg speed ans"]) is AVAYA_CMS
    assert recognise(["Date", "Hour", "COUNT(Inbound calls)", "COUNT(Answered calls)", "AVG(Call wait time)"]) \
        is ZENDESK_TALK


def test_unknown_or_empty_headers_are_not_recognised() -> None:
    assert recognise([]) is None
    assert recognise(["", None, " "]) is None
    assert recognise(["Agent", "Logged In", "Idle", "Busy"]) is None
    assert recognise(["Queue", "Contacts queued"]) is None  # no interval, no handled count: not enough to be sure
    assert recognise_in([(1, ["Report"]), (2, ["nothing", "here"])]) is None


def test_a_template_with_a_few_unknown_columns_is_still_the_template() -> None:
    header = ["date", "interval", "offered", "answered", "notes", "custom_upsell", "reported_fcr"]
    assert recognise(header) is PORTAL_TEMPLATE_EN
    assert recognise(["日付", "時間帯", "着信数", "応答数", "備考"]) is PORTAL_TEMPLATE_JA


def test_profiles_describe_the_export() -> None:
    for profile in profiles.PROFILES:
        assert profile.key and profile.name_en and profile.name_ja and profile.platform and profile.export_name
        assert profiles.PROFILES_BY_KEY[profile.key] is profile
        assert all(d.measure in {m.key for m in profiles.MEASURES} for d in profile.derivations)
    assert GENESYS.key == "genesys_cloud_queue_interval"
    assert GENESYS.column("total_handle").unit is profiles.Unit.MILLISECONDS
    assert AMAZON_CONNECT.column("avg_queue_answer").unit is profiles.Unit.SECONDS
    assert AVAYA_CMS.column("pct_within_sl").unit is profiles.Unit.PERCENT
    assert GENESYS.timestamps is profiles.Timestamps.ISO_OFFSET
    assert AVAYA_CMS.timestamps is profiles.Timestamps.LOCAL_DATE_TIME
    assert all(source.startswith("https://") for p in profiles.PROFILES for source in p.sources)


# --- Genesys Cloud: UTC timestamps with milliseconds, durations in ms ---------------------------------------


def test_genesys_interval_in_utc_lands_on_the_tokyo_date_and_time() -> None:
    table = convert("genesys_cloud_queue_interval.csv")
    assert table.ok and table.converted
    assert table.header[:4] == ["date", "interval", "channel", "queue"]
    first_number, first = next(iter(table.rows))
    # 2026-09-30T15:00:00.000Z is midnight of 1 October in Tokyo.
    assert first_number == 2 and first[:4] == ["2026-10-01", "00:00", "phone", "Support JP"]
    assert table.source_columns["date"] == table.source_columns["interval"] == "Interval Start"
    assert table.source_columns["channel"] == "Media Type" and table.source_columns["offered"] == "Offer"


def test_genesys_counts_are_exact_and_milliseconds_become_seconds() -> None:
    table = convert("genesys_cloud_queue_interval.csv")
    row = by_key(table)["2026-10-01", "00:00", "phone", "Support JP"]
    assert (row["offered"], row["answered"], row["abandoned"]) == (7, 6, 1)
    assert type(row["offered"]) is int
    assert row["handle_time_total_s"] == Decimal("1851.693")  # Total Handle 1851693 ms, exact
    assert type(row["handle_time_total_s"]) is Decimal
    # Service Level % 57.1 of Answer + Abandon (7) can only be 4 of 7 (57.14 %).
    assert row["answered_within_sl"] == 4
    assert by_key(table)["2026-10-01", "00:00", "chat", "Support JP"]["offered"] == 5  # media type chat


def test_genesys_wait_time_is_derived_from_asa_and_flagged() -> None:
    table = convert("genesys_cloud_queue_interval.csv")
    row = by_key(table)["2026-10-01", "00:00", "phone", "Support JP"]
    assert row["wait_time_total_s"] == Decimal("244.032")  # ASA 40672 ms × Answer 6
    assert table.derived_from_averages
    note = str(table.derived["wait_time_total_s"])
    assert note.startswith("ASA × Answer (average × count); precision ±0.0005 s per contact")
    answered = sum(int(cells[8]) for _n, cells in read("genesys_cloud_queue_interval.csv")[1:])
    assert table.precision["wait_time_total_s"] == Decimal("0.0005") * answered
    assert "handle_time_total_s" not in table.derived  # Total Handle is a total
    assert "answer + abandon" in str(table.derived["answered_within_sl"]).casefold()


def test_genesys_file_totals_match_the_export() -> None:
    table = convert("genesys_cloud_queue_interval.csv")
    source = read("genesys_cloud_queue_interval.csv")[1:]
    offered = sum(int(cells[7]) for _n, cells in source)
    handle_ms = sum(int(cells[15]) for _n, cells in source)
    position = {key: table.header.index(key) for key in ("offered", "handle_time_total_s")}
    assert sum(cells[position["offered"]] for _n, cells in table.rows) == offered
    assert sum(cells[position["handle_time_total_s"]] for _n, cells in table.rows) == Decimal(handle_ms) / 1000


def test_genesys_callback_row_is_added_to_the_voice_row_of_its_interval() -> None:
    table = convert("genesys_cloud_queue_interval.csv")
    row = by_key(table)["2026-10-01", "09:00", "phone", "Support JP"]
    voice = next(cells for n, cells in read("genesys_cloud_queue_interval.csv")
                 if cells[0] == "2026-10-01T00:00:00.000Z" and cells[4] == "voice" and cells[6] == "Support JP")
    assert row["offered"] == int(voice[7]) + 4
    assert any("were added to it" in text for text in texts(table.warnings))
    assert len(table.rows) == len(read("genesys_cloud_queue_interval.csv")) - 2  # header and the merged row


def test_genesys_answered_in_columns_are_exact_counts_when_exported() -> None:
    header = ["Interval Start", "Media Type", "Queue Name", "Offer", "Answer", "Abandon", "Answered in 20",
              "Service Level %"]
    table = apply(GENESYS, header, [(2, ["2026-10-01T00:00:00.000Z", "voice", "Q", "10", "9", "1", "7", "80.0"])],
                  tz=TZ)
    row = by_key(table)["2026-10-01", "09:00", "phone", "Q"]
    assert (row["answered_within_sl"], row["wait_le_20"]) == (7, 7)
    assert table.source_columns["wait_le_20"] == "Answered in 20"
    assert "answered_within_sl" not in table.derived


# --- Amazon Connect: +09:00 offsets, hh:mm:ss ------------------------------------------------------------


def test_amazon_connect_durations_in_hh_mm_ss_and_counts_in_seconds_columns() -> None:
    table = convert("amazon_connect_historical_queue.csv")
    assert table.ok
    row = by_key(table)["2026-10-01", "00:00", "phone", "BasicQueue"]
    assert row["handle_time_total_s"] == 1027  # Contact handle time 00:17:07, a total
    assert row["wait_time_total_s"] == 64  # Average queue answer time 00:00:32 × Contacts handled incoming 2
    assert row["answered"] == 2  # Contacts handled incoming, not Contacts handled (4, with outbound)
    assert row["answered_within_sl"] == row["wait_le_20"] == 1
    assert "wait_time_total_s" in table.derived and "handle_time_total_s" not in table.derived
    assert "(average × count); precision ±0.5 s per contact" in str(table.derived["wait_time_total_s"])
    assert table.source_columns["answered_within_sl"] == "Contacts answered in 20 seconds"
    assert by_key(table)["2026-10-01", "00:00", "chat", "BasicQueue"]["offered"] == 1


def test_amazon_connect_thresholds_follow_the_contract() -> None:
    table = convert("amazon_connect_historical_queue.csv", sl_threshold_s=60, short_abandon_s=15)
    assert table.source_columns["answered_within_sl"] == "Contacts answered in 60 seconds"
    assert table.source_columns["abandoned_short"] == "Contacts abandoned in 15 seconds"
    assert "abandoned_within_sl" not in table.header  # there is no Contacts abandoned in 60 seconds column
    assert table.missing == []


def test_amazon_connect_offsets_are_converted_into_the_portal_time_zone() -> None:
    table = convert("amazon_connect_historical_queue.csv", tz="UTC")
    keys = by_key(table)
    assert ("2026-09-30", "15:00", "phone", "BasicQueue") in keys  # 2026-10-01T00:00:00+09:00
    assert any("2026-09, 2026-10" in text for text in texts(table.warnings))


def test_amazon_connect_cannot_give_a_five_second_short_abandon() -> None:
    table = convert("amazon_connect_historical_queue.csv", required_measures=SL_MEASURES)
    assert [m.measure for m in table.missing] == ["abandoned_short"]
    missing = table.missing[0]
    assert missing.columns == ("Contacts abandoned in 5 seconds",)
    assert "offers that column only for 15, 20, 25, 30, 45, 60, 90, 120, 180, 240, 300, 600 seconds" in str(missing)
    assert "contact records" in str(missing.alternative)


def test_amazon_connect_contacts_handled_fallback_warns_about_outbound() -> None:
    header = ["Queue", "StartInterval", "Contacts queued", "Contacts handled", "Contacts abandoned"]
    table = apply(AMAZON_CONNECT, header, [(2, ["Q", "2026-10-01T09:00:00+09:00", "10", "9", "1"])], tz=TZ)
    assert table.rows == [(2, ["2026-10-01", "09:00", "phone", "Q", 10, 9, 1])]
    assert any("also counts outbound" in text for text in texts(table.warnings))


# --- Avaya CMS: title lines, local dates, m:ss, whole-percent service level --------------------------------


def test_avaya_cms_intervals_and_m_ss_averages() -> None:
    table = convert("avaya_cms_split_skill_interval.csv")
    assert table.ok
    row = by_key(table)["2026-10-01", "09:00", "phone", "Support JP"]
    assert (row["offered"], row["answered"], row["abandoned"]) == (70, 67, 2)
    assert row["wait_time_total_s"] == 33 * 67  # Avg Speed Ans 0:33 × ACD Calls
    assert row["handle_time_total_s"] == (3 * 60 + 24 + 60 + 9) * 67  # (Avg ACD 3:24 + Avg ACW 1:09) × ACD Calls
    assert row["answered_within_sl"] == 60  # 86 % of 70 offered can only be 60 (85.7 %)
    assert table.source_columns["handle_time_total_s"] == "(Avg ACD Time + Avg ACW Time) × ACD Calls"
    assert "precision ±1 s per contact" in str(table.derived["handle_time_total_s"])


def test_avaya_cms_percentage_that_does_not_determine_the_count_is_flagged() -> None:
    table = convert("avaya_cms_split_skill_interval.csv")
    row = by_key(table)["2026-10-02", "10:00", "phone", "Support JP"]
    assert row["answered_within_sl"] == 118  # 79 % of 150 is 117.75 … 119.25: 118 or 119
    note = str(table.derived["answered_within_sl"])
    assert "in 1 of 8 rows" in note and "±1 over the file" in note
    assert table.precision["answered_within_sl"] == 1


def test_avaya_cms_total_row_is_left_out_and_local_time_is_assumed() -> None:
    table = convert("avaya_cms_split_skill_interval.csv")
    assert len(table.rows) == 8
    assert any("total row(s)" in text for text in texts(table.warnings))
    assert any("no UTC offset; they were read as Asia/Tokyo time" in text for text in texts(table.warnings))


def test_avaya_cms_local_times_convert_from_the_platform_time_zone() -> None:
    table = convert("avaya_cms_split_skill_interval.csv", source_tz="America/Los_Angeles")
    # 9:00 AM on 1 October in Los Angeles (UTC-7) is 1:00 on 2 October in Tokyo.
    assert ("2026-10-02", "01:00", "phone", "Support JP") in by_key(table)
    assert not any("no UTC offset" in text for text in texts(table.warnings))


def test_avaya_cms_without_calls_offered_explains_what_to_add() -> None:
    header = ["Date", "Split/Skill", "Time", "ACD Calls", "Avg Speed Ans", "Aban Calls"]
    missing = explain_missing(AVAYA_CMS, SL_MEASURES, header)
    assert [m.measure for m in missing] == ["offered", "answered_within_sl", "abandoned_short"]
    assert missing[0].columns == ("Calls Offered",)
    assert str(missing[0]).startswith("Offered (offered) needs the column Calls Offered, which this Avaya")
    assert "Split/Skill Call Profile report" in str(missing[2])


# --- Zendesk Talk: local date and hour, averages in seconds -------------------------------------------------


def test_zendesk_talk_hours_become_intervals_and_averages_are_derived() -> None:
    table = convert("zendesk_talk_calls.csv", required_measures=SL_MEASURES)
    assert table.header == ["date", "interval", "channel", "offered", "answered", "abandoned", "wait_time_total_s",
                            "handle_time_total_s"]
    row = by_key(table)["2026-10-01", "09:00", "phone", ""]
    assert (row["offered"], row["answered"], row["abandoned"]) == (20, 16, 4)
    assert row["wait_time_total_s"] == Decimal("59.90") * 16
    assert table.derived_from_averages
    assert [m.measure for m in table.missing] == ["answered_within_sl", "abandoned_short"]
    assert "custom Explore metric" in str(table.missing[0])
    assert any("Inbound calls, which also counts" in text for text in texts(table.warnings))


def test_zendesk_sum_columns_are_exact_totals() -> None:
    header = ["Date", "Hour", "Inbound calls", "Answered calls", "Abandoned in queue calls", "SUM(Call wait time)",
              "SUM(Call talk time)", "SUM(Call hold time)"]
    table = apply(ZENDESK_TALK, header, [(2, ["2026-10-01", "14", "30", "28", "2", "612", "7300", "250"])], tz=TZ)
    assert table.rows == [(2, ["2026-10-01", "14:00", "phone", 30, 28, 2, Decimal(612), Decimal(7550)])]
    assert table.derived == {} and not table.derived_from_averages


# --- the portal's own template ------------------------------------------------------------------------------


def test_the_english_template_is_passed_through_unchanged() -> None:
    header, rows, profile = split("portal_template_en.csv")
    table = apply(profile, header, iter(rows), tz=TZ)
    assert table.converted is False and table.header == header and list(table.rows) == rows
    assert table.derived == {} and table.warnings == [] and table.errors == []


def test_the_japanese_template_gets_canonical_names_and_keeps_the_vendors_own() -> None:
    header, rows, profile = split("portal_template_ja.csv")
    table = apply(profile, header, rows, tz=TZ, required_measures=("offered", "resolved"))
    assert table.header == read("portal_template_en.csv")[0][1]
    assert table.source_columns["offered"] == "着信数" and table.source_columns["wait_time_total_s"] == "総待ち時間(秒)"
    assert table.source_column("offered") == "着信数" and table.source_column(None) is None
    assert [(m.measure, m.columns) for m in table.missing] == [("resolved", ("resolved",))]
    assert table.rows is rows


# --- exactness of percentages ---------------------------------------------------------------------------------

GENESYS_SL = ["Interval Start", "Media Type", "Queue Name", "Offer", "Answer", "Abandon", "Service Level %"]


def genesys_row(answer: int, abandon: int, percent: str) -> profiles.ProfiledTable:
    cells = ["2026-10-01T00:00:00.000Z", "voice", "Q", str(answer + abandon), str(answer), str(abandon), percent]
    return apply(GENESYS, GENESYS_SL, [(2, cells)], tz=TZ)


def only_row(table: profiles.ProfiledTable) -> dict[str, object]:
    (_number, cells), = table.rows
    return dict(zip(table.header, cells, strict=True))


def test_a_percentage_whose_rounding_leaves_one_count_is_exact() -> None:
    table = genesys_row(996, 4, "85.3")  # 85.3 % of 1,000: only 853
    assert only_row(table)["answered_within_sl"] == 853
    assert table.precision["answered_within_sl"] == 0
    assert "rounding determines every count" in str(table.derived["answered_within_sl"])


def test_a_percentage_that_leaves_several_counts_is_estimated_and_bounded() -> None:
    table = genesys_row(2996, 4, "85.3")  # 85.25 … 85.35 % of 3,000 is 2,557.5 … 2,560.5
    assert only_row(table)["answered_within_sl"] == 2559  # 85.3 % of 3,000 = 2,559
    assert table.precision["answered_within_sl"] == 1
    assert "in 1 of 1 rows" in str(table.derived["answered_within_sl"])


def test_a_percentage_that_fits_no_count_is_an_error_naming_the_export_column() -> None:
    table = genesys_row(5, 1, "10.0")  # 10 % of 6 is 0.6: no whole number of contacts
    assert table.rows == []
    assert [(e.row, e.column) for e in table.errors] == [(2, "Service Level %")]
    assert "is no whole number of contacts" in str(table.errors[0].message)
    assert not table.ok


def test_an_empty_percentage_with_no_contacts_is_zero() -> None:
    table = genesys_row(0, 0, "")
    assert only_row(table)["answered_within_sl"] == 0 and table.ok


# --- errors, blanks and units -------------------------------------------------------------------------------


def test_cells_the_profile_cannot_read_are_errors_with_the_export_column() -> None:
    header = ["Interval Start", "Media Type", "Queue Name", "Offer", "Answer", "Abandon", "ASA"]
    rows = [(2, ["2026-10-01T00:00:00.000Z", "voice", "Q", "ten", "9", "1", "1000"]),
            (3, ["yesterday", "voice", "Q", "10", "9", "1", "1000"]),
            (4, ["2026-10-01T00:30:00.000Z", "voice", "Q", "10", "9", "1", ""]),
            (5, ["2026-10-01T01:00:00.000Z", "voice", "Q", "10", "9", "1", "1500"])]
    table = apply(GENESYS, header, rows, tz=TZ)
    assert [(e.row, e.column) for e in table.errors] == [(2, "Offer"), (3, "Interval Start"), (4, "ASA")]
    assert str(table.errors[0].message) == "ten is not a count."
    assert "is empty although contacts were counted" in str(table.errors[2].message)
    assert table.rows == [(5, ["2026-10-01", "10:00", "phone", "Q", 10, 9, 1, Decimal("13.5")])]


def test_empty_count_cells_are_zero_with_a_warning() -> None:
    header = ["Interval Start", "Media Type", "Queue Name", "Offer", "Answer", "Abandon"]
    table = apply(GENESYS, header, [(2, ["2026-10-01T00:00:00.000Z", "voice", "Q", "3", "3", ""])], tz=TZ)
    assert table.rows[0][1][-1] == 0
    assert "Empty cells in Abandon were read as 0." in texts(table.warnings)


@pytest.mark.parametrize(("raw", "unit", "seconds"), [
    ("18534", profiles.Unit.MILLISECONDS, Decimal("18.534")),
    ("0:00:18", profiles.Unit.MILLISECONDS, Decimal(18)),
    ("01:02:03", profiles.Unit.SECONDS, Decimal(3723)),
    ("4:05", profiles.Unit.SECONDS, Decimal(245)),
    ("12.75", profiles.Unit.SECONDS, Decimal("12.75")),
    ("1,234", profiles.Unit.SECONDS, Decimal(1234)),
])
def test_duration_units(raw, unit, seconds) -> None:
    assert profiles._read_duration(raw, unit)[0] == seconds


@pytest.mark.parametrize(("raw", "points"), [("85.3", Decimal("85.3")), ("85.3%", Decimal("85.3")),
                                              ("100 %", Decimal(100)), (profiles.Percent("0.853"), Decimal("85.3"))])
def test_percent_units(raw, points) -> None:
    assert profiles._read_percent(raw)[0] == points


@pytest.mark.parametrize(("raw", "start"), [
    ("2026-09-30T15:00:00.000Z", "2026-10-01 00:00"),
    ("2026-10-01T00:00:00+09:00", "2026-10-01 00:00"),
    ("2026-09-30T10:00:00-05:00", "2026-10-01 00:00"),
    ("2026-09-30 15:00:00 UTC", "2026-10-01 00:00"),
])
def test_timestamps_with_offsets_convert_to_tokyo(raw, start) -> None:
    header = ["Interval Start", "Media Type", "Queue Name", "Offer", "Answer", "Abandon"]
    table = apply(GENESYS, header, [(2, [raw, "voice", "Q", "1", "1", "0"])], tz=TZ)
    assert " ".join(table.rows[0][1][:2]) == start
    assert not any("no UTC offset" in text for text in texts(table.warnings))


@pytest.mark.parametrize(("raw", "start"), [("8:00 AM-8:30 AM", "08:00"), ("12:30 PM-1:00 PM", "12:30"),
                                            ("12:00 AM-12:30 AM", "00:00"), ("13:00-13:30", "13:00"),
                                            ("1330-1400", "13:30"), ("08:00", "08:00")])
def test_interval_texts(raw, start) -> None:
    assert profiles._read_time(raw).strftime("%H:%M") == start


def test_text_rows_write_plain_numbers() -> None:
    table = convert("genesys_cloud_queue_interval.csv")
    number, cells = next(table.text_rows())
    assert number == 2 and cells[:4] == ["2026-10-01", "00:00", "phone", "Support JP"]
    assert all(isinstance(cell, str) and "E" not in cell for cell in cells)
    assert cells[table.header.index("handle_time_total_s")] == "1851.693"


def test_a_file_without_dates_is_refused_with_one_error() -> None:
    header = ["Split/Skill", "Time", "ACD Calls", "Aban Calls", "Avg Speed Ans"]
    table = apply(AVAYA_CMS, header, [(2, ["S", "8:00 AM-8:30 AM", "5", "1", "0:10"])], tz=TZ)
    assert table.rows == [] and len(table.errors) == 1
    assert table.errors[0].column == "Date" and "no Date column" in str(table.errors[0].message)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        apply(GENESYS, [], [], tz="Mars/Olympus")
    with pytest.raises(ValueError, match="not measures"):
        apply(GENESYS, [], [], tz=TZ, required_measures=("sales",))


# --- explaining what an export cannot give -----------------------------------------------------------------


def test_explain_missing_without_a_file_says_what_the_export_never_has() -> None:
    assert explain_missing(GENESYS, SL_MEASURES) == []
    zendesk = explain_missing(ZENDESK_TALK, (*SL_MEASURES, "csat_responses"))
    assert [m.measure for m in zendesk] == ["answered_within_sl", "abandoned_short", "csat_responses"]
    assert zendesk[0].columns == () and zendesk[0].alternative is not None
    assert str(zendesk[2]) == ("The Zendesk Talk export does not give CSAT responses (csat_responses). Fill the "
                               "portal's upload template with it instead.")
    assert explain_missing(AMAZON_CONNECT, SL_MEASURES, short_abandon_s=15) == []


def test_explain_missing_with_a_file_names_the_column_to_add() -> None:
    header = read("genesys_cloud_queue_interval.csv")[0][1]
    missing = explain_missing(GENESYS, SL_MEASURES, header)
    assert [(m.measure, m.columns) for m in missing] == [("abandoned_short", ("Short Abandon",))]
    assert str(missing[0]) == ("Short abandons (abandoned_short) needs the column Short Abandon, which this Genesys "
                               "Cloud CX file does not have. Add the Short Abandon column to the Queues Performance "
                               "view before exporting.")


def test_messages_are_lazy_translatable_strings() -> None:
    table = convert("zendesk_talk_calls.csv", required_measures=SL_MEASURES)
    for message in [*(w.message for w in table.warnings), *table.derived.values(), *(m.message for m in table.missing)]:
        assert type(message).__name__ == "LazyString"
