"""Import profiles: recognise a contact-centre platform's standard export by its header row and turn it into the
portal's canonical table (date, interval, channel, queue and the measures of metrics.domain), which the upload
validator (parsing) then checks like any upload.

Pure code: no Flask beyond lazy_gettext for messages, no database, no I/O. The upload pipeline reads the file's
cells (CSV or XLSX) as it does today, calls recognise() (or recognise_in() for exports with title lines above the
header, such as Avaya CMS), then apply(), then validates ProfiledTable.header and .rows.

The exactness rule. A count the export gives (Offer, ACD Calls, Contacts answered in 20 seconds …) stays a count. A
percentage becomes a count only when its rounding leaves exactly one whole number given its denominator (85.7 % of
7 offered is 6 and nothing else). Where the export gives only averages (ASA, AHT, Avg ACD Time …), the total is
average × count, and the table says so: ProfiledTable.derived names every such measure with the precision the
averages' rounding implies, and derived_from_averages flags the month.

Sources for column names and units (public material read in 2026; where a name could not be confirmed the column
says confirmed=False and small variations of the spelling are accepted — headers match case-, space- and
punctuation-insensitively, so "StartInterval", "Start interval" and "start_interval" are one name):

- Amazon Connect: "Historical Metrics Definitions", Amazon Connect Administrator Guide
  (github.com/awsdocs/amazon-connect-admin-guide, doc_source/historical-metrics-definitions.md): "Contacts queued",
  "Contacts handled", "Contacts handled incoming", "Contacts abandoned", "Contacts answered in X seconds" and
  "Contacts abandoned in X seconds" (X = 15, 20, 25, 30, 45, 60, 90, 120, 180, 240, 300, 600), "Service level X
  seconds" (contacts removed from the queue, i.e. answered + abandoned + callbacks, within X s / queued),
  "Average queue answer time", "Average handle time", "Contact handle time"; durations are "String (hh:mm:ss)".
  API reference "HistoricalMetric" (docs.aws.amazon.com/connect/latest/APIReference/API_HistoricalMetric.html):
  QUEUE_ANSWER_TIME and HANDLE_TIME are AVG in SECONDS. Unconfirmed: the interval columns of the CSV download /
  scheduled report ("StartInterval", "EndInterval"; also "Interval") and their timestamp format.
- Genesys Cloud: Resource Center "View available columns in performance views by category"
  (help.mypurecloud.com/?p=334996), "Metric definitions" (help.mypurecloud.com/articles/metric-definitions) and
  "Configure the service level calculation" (help.mypurecloud.com/articles/configure-the-service-level-calculation/):
  Offer, Answer, Abandon, Flow-Out, Service Level % = answered within target / (answered + abandoned [+ flow-outs]
  [- short abandons]) × 100, depending on the organisation's settings; "Prepare the historical data import .csv
  file" (help.mypurecloud.com/articles/prepare-the-historical-data-import-csv-file): interval start as
  2020-02-26T00:00:00.000Z. Export header layout "Interval Start, Interval End, Interval Complete, Filters, Media Type
  …" and "Handle, Avg Handle, Avg Talk, Avg Hold, Avg ACW, Total Handle, Total Talk, Total Hold, Total ACW" as seen in
  public code that reads Genesys performance exports. Unconfirmed: "Queue Name"/"Queue Id", "ASA"/"AHT" as column
  titles, "Short Abandon", "Answered in N" (the API's nAnsweredIn20/30/60), and the duration unit: numbers are read as
  milliseconds (the analytics API's unit), h:mm:ss text as such.
- Avaya CMS: "Raw data format information", Avaya CMS Supervisor Reports R21 (documentation.avaya.com): durations are
  formatted (m:ss, h:mm:ss) unless "Export Time Durations in Seconds" is chosen (plain seconds, often with decimals);
  interval times are exported formatted ("1:30 – 2:00AM"). CMS database items: "% Within Service Level" is
  100*(ACCEPTABLE/CALLSOFFERED) (CSPLIT real-time field lists in public code). Headings "ACD Calls", "Aban Calls",
  "Avg Speed Ans", "Avg Aban Time", "Avg ACD Time", "Avg ACW Time", "Calls Offered", "ACD Time", "ACW Time",
  "% Within Service Level", "Flow In", "Flow Out", "Dequeued Calls", "Acceptable" as found in CMS manuals and public
  code that imports CMS report exports. Unconfirmed: a "Date" column (single-day reports carry the date in the title
  lines; a month needs a custom or multi-date report) and "Avg Handle Time".
- Zendesk Talk: "Metrics and attributes for Zendesk Talk" (support.zendesk.com/hc/articles/4409156145434), "What do
  the statuses of Zendesk Talk mean?" (support.zendesk.com/hc/articles/4408881766938: "Abandoned in Queue"), "Talk
  native time metrics" (Call wait time = time in queue until the agent answers, in seconds). Unconfirmed: the exact
  header texts of an Explore CSV export (Explore writes aggregated metrics as e.g. "AVG(Call wait time)"; the Talk
  dashboard's own names such as "Average wait time" are accepted too).
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from vendorportal.metrics.domain import (
    DIMENSION_ALIASES_JA,
    MEASURES,
    MEASURES_BY_KEY,
    WAIT_BUCKETS,
    MeasureKind,
    resolve_header,
)
from vendorportal.submissions.issues import CellIssue
from vendorportal.submissions.xlsx import Percent

DIMENSIONS = ("date", "interval", "channel", "queue")
MAX_HEADER_SCAN = 10  # title lines an export may carry above its header row (Avaya CMS writes a few)


class Unit(enum.StrEnum):
    """How a column's cells are written."""

    TEXT = "text"
    COUNT = "count"
    MILLISECONDS = "ms"  # a plain number is milliseconds; h:mm:ss text is read as a duration
    SECONDS = "s"  # a plain number is seconds (decimals allowed); m:ss and h:mm:ss text are read as durations
    PERCENT = "percent"  # percentage points (85.3, "85.3 %"), or a percent-formatted XLSX cell (0.853)
    TIMESTAMP = "timestamp"  # ISO 8601 with a UTC offset (2026-10-01T09:00:00.000Z, …+09:00) or a local date-time
    DATE = "date"  # a local calendar date: 2026-10-01, 2026/10/1, 10/1/2026
    TIME = "time"  # a local interval start, alone or as a range: 08:00, 8:00 AM-8:30 AM, 0800-0830
    HOUR = "hour"  # the local hour of the day, 0-23


class Timestamps(enum.StrEnum):
    """Where a row's date and interval come from."""

    ISO_OFFSET = "iso_offset"  # one timestamp column, normally with its UTC offset
    LOCAL_DATE_TIME = "local_date_time"  # a date column and an interval-start column, in the platform's time zone
    LOCAL_DATE_HOUR = "local_date_hour"  # a date column and an hour-of-day column, in the platform's time zone
    CANONICAL = "canonical"  # the portal's own date and HH:MM interval columns


class Method(enum.StrEnum):
    """How a canonical measure is made from export columns."""

    COUNT = "count"  # a count column as it is: exact
    TOTAL = "total"  # duration total columns, added: exact
    AVERAGE = "average"  # the sum of average durations × a count: derived, precision from the averages' rounding
    PERCENT = "percent"  # a percentage × its denominator: exact when the rounding leaves one whole number


@dataclass(frozen=True)
class Column:
    """One column an export may have, matched on its header case-, space- and punctuation-insensitively.

    A pattern column is a family ("Contacts answered in X seconds"): pattern matches the compact header with one
    group, the seconds, and its role becomes "role@seconds"; names[0] then holds "{n}" for messages.
    """

    role: str
    names: tuple[str, ...]
    unit: Unit
    pattern: str | None = None
    allowed: tuple[int, ...] | None = None  # the seconds a pattern family exists for, when the platform fixes them
    confirmed: bool = True  # the spelling was found in public documentation or real exports

    def title(self, seconds: int | None = None) -> str:
        return self.names[0].format(n=seconds if seconds is not None else "N")


@dataclass(frozen=True)
class Derivation:
    """One way to make a canonical measure; a profile lists them per measure in order of preference.

    sources and per name column roles; "{sl}" and "{short}" stand for the contract's service-level and short-abandon
    seconds ("answered_in@{sl}"). COUNT and TOTAL add sources (+ the optional ones present); AVERAGE multiplies the
    sum of the average durations in sources (+ optional) by the sum of the counts in per; PERCENT takes sources[0]
    percent of the sum of the counts in per. caveat is a warning shown whenever the derivation is used.
    """

    measure: str
    method: Method
    sources: tuple[str, ...]
    optional: tuple[str, ...] = ()
    per: tuple[str, ...] = ()
    caveat: Any = None
    assumed: bool = False  # the result rests on an assumption about the platform's settings: flag it as derived


@dataclass(frozen=True)
class Profile:
    """A platform's standard export: what it is called, its columns and units, and how it maps to the portal's table.

    dimensions maps "timestamp", "date", "time", "hour", "channel", "queue" and "complete" to column roles; channel
    is the channel of every row when the export has no channel column; channel_map turns the platform's media names
    (compact) into portal channels; alternatives says, per measure, which other export of the platform gives it.
    """

    key: str
    name_en: str
    name_ja: str
    platform: str
    export_name: str
    columns: tuple[Column, ...]
    signature: tuple[tuple[str, ...], ...]  # every group must be present (any one role of it) to recognise the export
    timestamps: Timestamps
    derivations: tuple[Derivation, ...]
    dimensions: tuple[tuple[str, str], ...] = ()
    channel: str | None = None
    channel_map: tuple[tuple[str, str], ...] = ()
    alternatives: tuple[tuple[str, Any], ...] = ()
    sources: tuple[str, ...] = ()
    is_template: bool = False

    def column(self, role: str) -> Column:
        base = role.partition("@")[0]
        for column in self.columns:
            if column.role == base:
                return column
        raise KeyError(role)

    def dimension(self, name: str) -> str | None:
        return dict(self.dimensions).get(name)

    def derivations_for(self, measure: str) -> tuple[Derivation, ...]:
        return tuple(d for d in self.derivations if d.measure == measure)

    def alternative(self, measure: str) -> Any:
        return dict(self.alternatives).get(measure)


@dataclass(frozen=True)
class Candidate:
    """How well a header row fits a profile: the share of its non-empty headers the profile knows."""

    profile: Profile
    score: float
    matched: tuple[str, ...]
    unmatched: tuple[str, ...]


@dataclass(frozen=True)
class Missing:
    """A measure the contract needs that this export cannot give, with the column and the export that would."""

    measure: str
    columns: tuple[str, ...]  # the export columns that would give it (empty when this export never has it)
    alternative: Any  # lazy: another export of the platform, or None
    message: Any  # lazy: the whole explanation for the vendor

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class ProfiledTable:
    """An export turned into the portal's canonical table, with what was derived and what is missing.

    header holds canonical column names; rows are (spreadsheet row number, cells) in header order. When converted
    is True the cells are the validator's typed values (dates "YYYY-MM-DD" in the portal time zone, intervals "HH:MM",
    channel and queue text, counts int, sums Decimal seconds): validate them as typed cells, as for XLSX (or use
    text_rows()). When False (the portal's own template) the cells are the file's own, in the order it has them.
    source_columns maps each canonical key to what the vendor's file calls it, so an error can name that column.
    Rows the profile itself cannot read are left out and reported in errors: upload nothing while errors is not empty.
    """

    profile: Profile
    header: list[str]
    rows: Iterable[tuple[int, list]]
    source_columns: dict[str, str]
    derived: dict[str, Any]
    derived_from_averages: bool
    warnings: list[CellIssue]
    errors: list[CellIssue]
    missing: list[Missing]
    converted: bool = True
    precision: dict[str, Decimal] | None = None  # measure -> the largest error its derivation allows over the file

    @property
    def ok(self) -> bool:
        return not self.errors

    def source_column(self, column: str | None) -> str | None:
        """Name a canonical column (as the validator reports it) the way the vendor's export names it."""
        if column is None:
            return None
        return self.source_columns.get(column, column)

    def text_rows(self) -> Iterator[tuple[int, list[str]]]:
        """The rows with every cell as text (plain decimals, no exponent), for the text validator or a CSV copy."""
        for number, cells in self.rows:
            yield number, [_as_text(cell) for cell in cells]


def _as_text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Decimal):
        text = format(cell, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(cell)


# --- the profiles ---------------------------------------------------------------------------------------------

_C, _T, _AVG, _PCT = Method.COUNT, Method.TOTAL, Method.AVERAGE, Method.PERCENT
_TOTAL_WORDS = frozenset({"total", "totals", "summary", "grandtotal", "合計", "総計", "小計"})
_BLANKS = frozenset({"", "-", "--", "—", "–", "n/a", "na", "null", "none", "nan"})


GENESYS = Profile(
    key="genesys_cloud_queue_interval",
    name_en="Genesys Cloud queue performance (interval view) export",
    name_ja="Genesys Cloud キューパフォーマンス(インターバル表示)エクスポート",
    platform="Genesys Cloud CX",
    export_name="Performance > Workspace > Contact Center > Queues Performance, interval view, Export (CSV)",
    columns=(
        Column("interval_start", ("Interval Start",), Unit.TIMESTAMP),
        Column("interval_end", ("Interval End",), Unit.TIMESTAMP),
        Column("interval_complete", ("Interval Complete",), Unit.TEXT),
        Column("filters", ("Filters",), Unit.TEXT),
        Column("media_type", ("Media Type",), Unit.TEXT),
        Column("queue_id", ("Queue Id", "Queue ID"), Unit.TEXT, confirmed=False),
        Column("queue", ("Queue Name", "Queue"), Unit.TEXT, confirmed=False),
        Column("offer", ("Offer", "Offered"), Unit.COUNT),
        Column("answer", ("Answer", "Answered"), Unit.COUNT),
        Column("abandon", ("Abandon", "Abandoned"), Unit.COUNT),
        Column("short_abandon", ("Short Abandon", "Short Abandons", "Short Abandoned"), Unit.COUNT, confirmed=False),
        Column("flow_out", ("Flow-Out", "Flow-Outs", "Flowout", "Flow Out"), Unit.COUNT),
        Column("handle", ("Handle", "Handled"), Unit.COUNT),
        Column("answer_pct", ("Answer %", "Answered %"), Unit.PERCENT),
        Column("abandon_pct", ("Abandon %", "Abandoned %"), Unit.PERCENT),
        Column("service_level", ("Service Level %", "Service Level"), Unit.PERCENT),
        Column("service_level_target", ("Service Level Target %", "Service Level Target"), Unit.PERCENT),
        Column("answered_in", ("Answered in {n}",), Unit.COUNT, pattern=r"answeredin(\d+)(?:s|sec|secs|seconds)?",
               confirmed=False),
        Column("asa", ("ASA", "Avg Answer", "Average Speed of Answer"), Unit.MILLISECONDS, confirmed=False),
        Column("aht", ("AHT", "Avg Handle", "Avg Handle Time"), Unit.MILLISECONDS),
        Column("total_handle", ("Total Handle", "Total Handle Time", "tHandle"), Unit.MILLISECONDS),
        Column("total_talk", ("Total Talk", "Total Talk Time", "tTalk"), Unit.MILLISECONDS),
        Column("total_hold", ("Total Hold", "Total Hold Time", "tHeld"), Unit.MILLISECONDS),
        Column("total_acw", ("Total ACW", "Total ACW Time", "tAcw"), Unit.MILLISECONDS),
        Column("avg_talk", ("Avg Talk", "Avg Talk Time"), Unit.MILLISECONDS),
        Column("avg_hold", ("Avg Hold", "Avg Hold Time"), Unit.MILLISECONDS),
        Column("avg_acw", ("Avg ACW", "Avg ACW Time"), Unit.MILLISECONDS),
        Column("avg_wait", ("Avg Wait", "Avg Wait Time"), Unit.MILLISECONDS),
    ),
    signature=(("interval_start",), ("offer",), ("answer",)),
    timestamps=Timestamps.ISO_OFFSET,
    dimensions=(("timestamp", "interval_start"), ("channel", "media_type"), ("queue", "queue"),
                ("complete", "interval_complete")),
    channel_map=(("voice", "phone"), ("call", "phone"), ("callback", "phone"), ("chat", "chat"),
                 ("email", "email"), ("message", "chat"), ("sms", "sms")),
    derivations=(
        Derivation("offered", _C, ("offer",)),
        Derivation("answered", _C, ("answer",)),
        Derivation("abandoned", _C, ("abandon",)),
        Derivation("abandoned_short", _C, ("short_abandon",), caveat=_l(
            "Short Abandon counts abandons shorter than the short-abandon seconds set in Genesys Cloud (Admin > "
            "Contact Center > Analytics); check that they are the contract's.")),
        Derivation("answered_within_sl", _C, ("answered_in@{sl}",)),
        # Service Level % = answered within target / (answered + abandoned …) under the organisation's settings;
        # with its defaults (abandons and short abandons included, flow-outs not) the denominator is Answer + Abandon.
        Derivation("answered_within_sl", _PCT, ("service_level",), per=("answer", "abandon"), assumed=True, caveat=_l(
            "Answered within service level is read from Service Level % as a share of Answer + Abandon. That is "
            "Genesys Cloud's calculation when abandons and short abandons are included and flow-outs are not (Admin > "
            "Contact Center > Analytics), and the queue's service-level seconds must be the contract's. Otherwise "
            "export answered-in-N-seconds counts instead.")),
        *(Derivation(f"wait_le_{n}", _C, (f"answered_in@{n}",)) for n in WAIT_BUCKETS),
        Derivation("wait_time_total_s", _AVG, ("asa",), per=("answer",)),
        Derivation("handle_time_total_s", _T, ("total_handle",)),
        Derivation("handle_time_total_s", _T, ("total_talk",), optional=("total_hold", "total_acw")),
        Derivation("handle_time_total_s", _AVG, ("aht",), per=("handle",)),
        Derivation("handle_time_total_s", _AVG, ("aht",), per=("answer",)),
        Derivation("handle_time_total_s", _AVG, ("avg_talk",), optional=("avg_hold", "avg_acw"), per=("answer",)),
    ),
    alternatives=(
        ("abandoned_short", _l("Add the Short Abandon column to the Queues Performance view before exporting.")),
        ("answered_within_sl", _l("Add Service Level % (with Answer and Abandon) to the Queues Performance view, or "
                                  "take answered-in-N-seconds counts from the analytics API (nAnsweredIn…).")),
        ("abandoned_within_sl", _l("Queue performance exports do not count abandons within the service level; count "
                                   "them from the Interactions view (conversation detail) export.")),
        ("wait_time_total_s", _l("Add ASA (with Answer) to the Queues Performance view.")),
        ("handle_time_total_s", _l("Add Total Handle, or AHT with Handle, to the Queues Performance view.")),
        ("received", _l("Export the e-mail queue's Queues Performance view (media type e-mail) with Offer.")),
        ("responded_within_target", _l("Genesys Cloud does not count e-mails answered within a response target in "
                                       "its views; count them from the Interactions view export.")),
    ),
    sources=("https://help.mypurecloud.com/?p=334996", "https://help.mypurecloud.com/articles/metric-definitions",
             "https://help.mypurecloud.com/articles/configure-the-service-level-calculation/",
             "https://help.mypurecloud.com/articles/prepare-the-historical-data-import-csv-file"),
)

_CONNECT_SECONDS = (15, 20, 25, 30, 45, 60, 90, 120, 180, 240, 300, 600)

AMAZON_CONNECT = Profile(
    key="amazon_connect_historical_queue",
    name_en="Amazon Connect historical metrics report (queues, by interval)",
    name_ja="Amazon Connect 履歴メトリクスレポート(キュー・インターバル別)",
    platform="Amazon Connect",
    export_name="Analytics and optimization > Historical metrics > Queues, interval report, Download CSV (or a "
                "scheduled report's CSV)",
    columns=(
        Column("queue", ("Queue",), Unit.TEXT),
        Column("start", ("StartInterval", "Start interval", "Interval start"), Unit.TIMESTAMP, confirmed=False),
        Column("end", ("EndInterval", "End interval", "Interval end"), Unit.TIMESTAMP, confirmed=False),
        Column("interval", ("Interval",), Unit.TIMESTAMP, confirmed=False),
        Column("channel", ("Channel",), Unit.TEXT),
        Column("contacts_queued", ("Contacts queued",), Unit.COUNT),
        Column("contacts_handled", ("Contacts handled",), Unit.COUNT),
        Column("contacts_handled_incoming", ("Contacts handled incoming",), Unit.COUNT),
        Column("contacts_handled_outbound", ("Contacts handled outbound",), Unit.COUNT),
        Column("contacts_abandoned", ("Contacts abandoned",), Unit.COUNT),
        Column("contacts_incoming", ("Contacts incoming",), Unit.COUNT),
        Column("answered_in", ("Contacts answered in {n} seconds",), Unit.COUNT,
               pattern=r"contactsansweredin(\d+)(?:s|sec|secs|seconds?)", allowed=_CONNECT_SECONDS),
        Column("abandoned_in", ("Contacts abandoned in {n} seconds",), Unit.COUNT,
               pattern=r"contactsabandonedin(\d+)(?:s|sec|secs|seconds?)", allowed=_CONNECT_SECONDS),
        Column("service_level", ("Service level {n} seconds",), Unit.PERCENT,
               pattern=r"servicelevel(\d+)(?:s|sec|secs|seconds?)", allowed=_CONNECT_SECONDS),
        Column("abandonment_rate", ("Abandonment rate",), Unit.PERCENT),
        Column("avg_queue_answer", ("Average queue answer time",), Unit.SECONDS),
        Column("avg_queue_abandon", ("Average queue abandon time",), Unit.SECONDS),
        Column("avg_handle", ("Average handle time",), Unit.SECONDS),
        Column("contact_handle_time", ("Contact handle time",), Unit.SECONDS),
        Column("avg_acw", ("Average after contact work time",), Unit.SECONDS),
        Column("avg_hold", ("Average customer hold time",), Unit.SECONDS),
        Column("avg_interaction", ("Average agent interaction time",), Unit.SECONDS),
        Column("max_queued", ("Maximum queued time",), Unit.SECONDS),
    ),
    signature=(("queue",), ("contacts_queued",), ("contacts_handled", "contacts_handled_incoming"),
               ("start", "interval")),
    timestamps=Timestamps.ISO_OFFSET,
    dimensions=(("timestamp", "start"), ("timestamp_alt", "interval"), ("channel", "channel"), ("queue", "queue")),
    channel="phone",
    channel_map=(("voice", "phone"), ("chat", "chat"), ("email", "email"), ("task", "task")),
    derivations=(
        Derivation("offered", _C, ("contacts_queued",)),
        Derivation("answered", _C, ("contacts_handled_incoming",)),
        Derivation("answered", _C, ("contacts_handled",), caveat=_l(
            "Answered is read from Contacts handled, which also counts outbound contacts; export Contacts handled "
            "incoming for inbound queues.")),
        Derivation("abandoned", _C, ("contacts_abandoned",)),
        Derivation("abandoned_short", _C, ("abandoned_in@{short}",)),
        Derivation("abandoned_within_sl", _C, ("abandoned_in@{sl}",)),
        Derivation("answered_within_sl", _C, ("answered_in@{sl}",)),
        *(Derivation(f"wait_le_{n}", _C, (f"answered_in@{n}",)) for n in WAIT_BUCKETS),
        Derivation("wait_time_total_s", _AVG, ("avg_queue_answer",), per=("contacts_handled_incoming",)),
        Derivation("wait_time_total_s", _AVG, ("avg_queue_answer",), per=("contacts_handled",)),
        Derivation("handle_time_total_s", _T, ("contact_handle_time",)),
        Derivation("handle_time_total_s", _AVG, ("avg_handle",), per=("contacts_handled",)),
        Derivation("handle_time_total_s", _AVG, ("avg_handle",), per=("contacts_handled_incoming",)),
    ),
    alternatives=(
        ("abandoned_short", _l("Amazon Connect counts abandons only within 15, 20, 25, 30, 45, 60, 90, 120, 180, "
                               "240, 300 or 600 seconds (Contacts abandoned in X seconds). For another threshold, "
                               "count them from the contact records (contact_statistic_record in the data lake).")),
        ("answered_within_sl", _l("Add Contacts answered in X seconds with X the contract's service-level seconds "
                                  "(Service level X seconds also counts abandons and callbacks, so it cannot "
                                  "replace it). For a threshold Amazon Connect does not offer, count from the "
                                  "contact records.")),
        ("abandoned_within_sl", _l("Add Contacts abandoned in X seconds with X the contract's service-level "
                                   "seconds.")),
        ("wait_time_total_s", _l("Add Average queue answer time (with Contacts handled incoming).")),
        ("handle_time_total_s", _l("Add Contact handle time, or Average handle time with Contacts handled.")),
    ),
    sources=("https://github.com/awsdocs/amazon-connect-admin-guide/blob/master/doc_source/"
             "historical-metrics-definitions.md",
             "https://docs.aws.amazon.com/connect/latest/APIReference/API_HistoricalMetric.html"),
)

AVAYA_CMS = Profile(
    key="avaya_cms_split_skill_interval",
    name_en="Avaya CMS split/skill interval report export",
    name_ja="Avaya CMS スプリット/スキル インターバルレポート(エクスポート)",
    platform="Avaya Call Management System (CMS)",
    export_name="CMS Supervisor > Reports > Historical > Split/Skill > Interval, Report > Export Data (with a Date "
                "column, as a multi-date or custom report)",
    columns=(
        Column("split", ("Split/Skill", "Split", "Skill", "Split/Skill Name"), Unit.TEXT),
        Column("date", ("Date", "Row Date", "Report Date"), Unit.DATE, confirmed=False),
        Column("time", ("Time", "Interval", "Time Interval"), Unit.TIME),
        Column("acd_calls", ("ACD Calls",), Unit.COUNT),
        Column("aban_calls", ("Aban Calls", "Abandoned Calls", "Calls Aband"), Unit.COUNT),
        Column("calls_offered", ("Calls Offered",), Unit.COUNT),
        Column("acceptable", ("Acceptable", "Calls Ans in Serv Lvl", "Calls Answered in Service Level"), Unit.COUNT,
               confirmed=False),
        Column("pct_within_sl", ("% Within Service Level", "% Within Serv Lvl", "Percent Within Service Level",
                                 "% In Serv Lvl"), Unit.PERCENT),
        Column("avg_speed_ans", ("Avg Speed Ans", "Avg Speed Answer"), Unit.SECONDS),
        Column("avg_aban_time", ("Avg Aban Time",), Unit.SECONDS),
        Column("avg_acd_time", ("Avg ACD Time",), Unit.SECONDS),
        Column("avg_acw_time", ("Avg ACW Time",), Unit.SECONDS),
        Column("avg_handle_time", ("Avg Handle Time",), Unit.SECONDS, confirmed=False),
        Column("acd_time", ("ACD Time",), Unit.SECONDS),
        Column("acw_time", ("ACW Time",), Unit.SECONDS),
        Column("hold_time", ("Hold Time",), Unit.SECONDS),
        Column("avg_hold_time", ("Avg Hold Time",), Unit.SECONDS),
        Column("flow_in", ("Flow In",), Unit.COUNT),
        Column("flow_out", ("Flow Out",), Unit.COUNT),
        Column("extn_out_calls", ("Extn Out Calls",), Unit.COUNT),
        Column("avg_extn_out_time", ("Avg Extn Out Time",), Unit.SECONDS),
        Column("dequeued_calls", ("Dequeued Calls",), Unit.COUNT),
        Column("avg_time_to_dequeue", ("Avg Time To Dequeue",), Unit.SECONDS),
        Column("pct_acd_time", ("% ACD Time",), Unit.PERCENT),
        Column("avg_pos_staff", ("Avg Pos Staff",), Unit.TEXT),
        Column("max_delay", ("Max Delay",), Unit.SECONDS),
        Column("pct_aban", ("% Aban Calls", "% Aban"), Unit.PERCENT),
    ),
    signature=(("acd_calls",), ("aban_calls",), ("avg_speed_ans", "pct_within_sl", "avg_acd_time", "calls_offered")),
    timestamps=Timestamps.LOCAL_DATE_TIME,
    dimensions=(("date", "date"), ("time", "time"), ("queue", "split")),
    channel="phone",
    derivations=(
        Derivation("offered", _C, ("calls_offered",)),
        Derivation("answered", _C, ("acd_calls",)),
        Derivation("abandoned", _C, ("aban_calls",)),
        Derivation("answered_within_sl", _C, ("acceptable",), caveat=_l(
            "Answered within service level is CMS's count of calls answered within the split's Acceptable Service "
            "Level; check that it is set to the contract's service-level seconds.")),
        Derivation("answered_within_sl", _PCT, ("pct_within_sl",), per=("calls_offered",), caveat=_l(
            "Answered within service level is read from % Within Service Level, which CMS computes as calls answered "
            "within the split's Acceptable Service Level / Calls Offered; check that the Acceptable Service Level is "
            "the contract's service-level seconds.")),
        Derivation("wait_time_total_s", _AVG, ("avg_speed_ans",), per=("acd_calls",)),
        Derivation("handle_time_total_s", _T, ("acd_time", "acw_time")),
        Derivation("handle_time_total_s", _AVG, ("avg_handle_time",), per=("acd_calls",)),
        Derivation("handle_time_total_s", _AVG, ("avg_acd_time", "avg_acw_time"), per=("acd_calls",)),
    ),
    alternatives=(
        ("offered", _l("Add Calls Offered (CALLSOFFERED) to the report; the standard Split/Skill Interval report has "
                       "it in its custom-report dictionary.")),
        ("abandoned_short", _l("Use the Split/Skill Call Profile report, which counts answered and abandoned calls "
                               "per service-level increment (set the first increment to the short-abandon seconds).")),
        ("abandoned_within_sl", _l("Use the Split/Skill Call Profile report, which counts abandoned calls per "
                                   "service-level increment.")),
        ("answered_within_sl", _l("Add % Within Service Level together with Calls Offered, or ACCEPTABLE, to the "
                                  "report.")),
        ("wait_time_total_s", _l("Add Avg Speed Ans (with ACD Calls) to the report.")),
        ("handle_time_total_s", _l("Add ACD Time and ACW Time, or Avg ACD Time and Avg ACW Time, to the report.")),
        *((f"wait_le_{n}", _l("Use the Split/Skill Call Profile report, which counts answered calls per service-level "
                              "increment.")) for n in WAIT_BUCKETS),
    ),
    sources=("https://documentation.avaya.com/en-us/home/bundle/cms/AvayaCMSSupervisorReports_r21/"
             "Raw_Data_Format_Information.html",),
)

ZENDESK_TALK = Profile(
    key="zendesk_talk_explore_calls",
    name_en="Zendesk Talk calls report (Explore)",
    name_ja="Zendesk Talk 通話レポート(Explore)",
    platform="Zendesk Talk",
    export_name="Explore > Reports > Talk - Calls dataset (or the Talk dashboard), Export > CSV",
    columns=(
        Column("date", ("Date", "Call - Date", "Call date", "Call created - Date"), Unit.DATE, confirmed=False),
        Column("hour", ("Hour", "Call - Hour", "Call hour", "Call created - Hour"), Unit.HOUR, confirmed=False),
        Column("group", ("Group", "Call group", "Call - Group"), Unit.TEXT, confirmed=False),
        Column("calls", ("Calls", "COUNT(Calls)"), Unit.COUNT),
        Column("inbound", ("Inbound calls", "COUNT(Inbound calls)", "Total inbound calls"), Unit.COUNT),
        Column("outbound", ("Outbound calls", "COUNT(Outbound calls)"), Unit.COUNT),
        Column("answered", ("Answered", "Answered calls", "Calls answered", "COUNT(Answered calls)",
                            "Inbound answered calls"), Unit.COUNT, confirmed=False),
        Column("abandoned_in_queue", ("Abandoned in queue", "Abandoned in queue calls", "Calls abandoned in queue",
                                      "COUNT(Abandoned in queue calls)"), Unit.COUNT),
        Column("abandoned", ("Abandoned calls", "COUNT(Abandoned calls)"), Unit.COUNT),
        Column("completed", ("Completed calls", "COUNT(Completed calls)"), Unit.COUNT),
        Column("avg_wait", ("Average wait time", "AVG(Call wait time)", "AVG(Wait time)"), Unit.SECONDS,
               confirmed=False),
        Column("sum_wait", ("Total wait time", "SUM(Call wait time)", "SUM(Wait time)"), Unit.SECONDS,
               confirmed=False),
        Column("avg_talk", ("Average talk time", "AVG(Call talk time)", "AVG(Talk time)"), Unit.SECONDS,
               confirmed=False),
        Column("sum_talk", ("Total talk time", "SUM(Call talk time)", "SUM(Talk time)"), Unit.SECONDS,
               confirmed=False),
        Column("avg_hold", ("Average hold time", "AVG(Call hold time)", "AVG(Hold time)"), Unit.SECONDS,
               confirmed=False),
        Column("sum_hold", ("Total hold time", "SUM(Call hold time)", "SUM(Hold time)"), Unit.SECONDS,
               confirmed=False),
        Column("avg_wrap", ("Average wrap-up time", "AVG(Call wrap-up time)", "AVG(Wrap-up time)"), Unit.SECONDS,
               confirmed=False),
        Column("sum_wrap", ("Total wrap-up time", "SUM(Call wrap-up time)", "SUM(Wrap-up time)"), Unit.SECONDS,
               confirmed=False),
    ),
    signature=(("date",), ("inbound",), ("answered", "abandoned_in_queue")),
    timestamps=Timestamps.LOCAL_DATE_HOUR,
    dimensions=(("date", "date"), ("hour", "hour"), ("queue", "group")),
    channel="phone",
    derivations=(
        Derivation("offered", _C, ("inbound",), caveat=_l(
            "Offered is read from Inbound calls, which also counts calls that ended in the IVR, in voicemail or "
            "outside business hours.")),
        Derivation("answered", _C, ("answered",)),
        Derivation("abandoned", _C, ("abandoned_in_queue",)),
        Derivation("wait_time_total_s", _T, ("sum_wait",)),
        Derivation("wait_time_total_s", _AVG, ("avg_wait",), per=("answered",)),
        Derivation("handle_time_total_s", _T, ("sum_talk",), optional=("sum_hold", "sum_wrap")),
        Derivation("handle_time_total_s", _AVG, ("avg_talk",), optional=("avg_hold", "avg_wrap"), per=("answered",)),
    ),
    alternatives=(
        ("answered_within_sl", _l("Zendesk Talk has no count of calls answered within N seconds; build a custom "
                                  "Explore metric on the Talk - Calls dataset (calls whose Call wait time is at most "
                                  "the contract's seconds) and export it.")),
        ("abandoned_short", _l("Zendesk Talk has no short-abandon count; build a custom Explore metric (abandoned in "
                               "queue with Call wait time under the contract's seconds).")),
        ("wait_time_total_s", _l("Add Average wait time (AVG(Call wait time)) or SUM(Call wait time).")),
        ("handle_time_total_s", _l("Add talk, hold and wrap-up times (SUM or AVG) to the report.")),
        *((f"wait_le_{n}", _l("Zendesk Talk has no answered-within-N-seconds counts; build a custom Explore metric "
                              "on Call wait time.")) for n in WAIT_BUCKETS),
    ),
    sources=("https://support.zendesk.com/hc/en-us/articles/4409156145434",
             "https://support.zendesk.com/hc/en-us/articles/4408881766938"),
)


def _template_columns(japanese: bool) -> tuple[Column, ...]:
    columns = []
    for key in DIMENSIONS:
        names = DIMENSION_ALIASES_JA[key] if japanese else (key,)
        columns.append(Column(key, names, Unit.TEXT))
    for measure in MEASURES:
        unit = Unit.COUNT if measure.kind is MeasureKind.COUNT else Unit.SECONDS
        columns.append(Column(measure.key, measure.aliases_ja if japanese else (measure.key,), unit))
    return tuple(columns)


PORTAL_TEMPLATE_EN = Profile(
    key="portal_template_en",
    name_en="VendorPortal upload template (English headers)",
    name_ja="ポータル標準テンプレート(英語見出し)",
    platform="VendorPortal",
    export_name="Monthly data > Download template",
    columns=_template_columns(japanese=False),
    signature=(("date",),),
    timestamps=Timestamps.CANONICAL,
    derivations=tuple(Derivation(m.key, _C if m.kind is MeasureKind.COUNT else _T, (m.key,)) for m in MEASURES),
    is_template=True,
)

PORTAL_TEMPLATE_JA = Profile(
    key="portal_template_ja",
    name_en="VendorPortal upload template (Japanese headers)",
    name_ja="ポータル標準テンプレート(日本語見出し)",
    platform="VendorPortal",
    export_name="月次データ > テンプレートのダウンロード",
    columns=_template_columns(japanese=True),
    signature=(("date",),),
    timestamps=Timestamps.CANONICAL,
    derivations=PORTAL_TEMPLATE_EN.derivations,
    is_template=True,
)

PROFILES: tuple[Profile, ...] = (GENESYS, AMAZON_CONNECT, AVAYA_CMS, ZENDESK_TALK, PORTAL_TEMPLATE_EN,
                                 PORTAL_TEMPLATE_JA)
PROFILES_BY_KEY = {profile.key: profile for profile in PROFILES}


# --- recognition ---------------------------------------------------------------------------------------------

def _compact(text: Any) -> str:
    """A header as compared: NFKC, case-folded, without spaces, punctuation or a BOM ("StartInterval" == "start
    interval"); % and Japanese letters stay."""
    folded = unicodedata.normalize("NFKC", "" if text is None else str(text)).replace("\ufeff", "").casefold()
    return re.sub(r"[^0-9a-z%\u3040-\u30ff\u3400-\u9fff]+", "", folded)


def _header_texts(header_cells: Sequence[Any]) -> list[str]:
    return ["" if cell is None else str(cell).replace("\ufeff", "").strip() for cell in header_cells]


_NAME_INDEX: dict[str, dict[str, str]] = {}


def _names(profile: Profile) -> dict[str, str]:
    index = _NAME_INDEX.get(profile.key)
    if index is None:
        index = {}
        for column in profile.columns:
            if column.pattern is None:
                for name in column.names:
                    index.setdefault(_compact(name), column.role)
        _NAME_INDEX[profile.key] = index
    return index


def _role(profile: Profile, text: str) -> str | None:
    compact = _compact(text)
    if not compact:
        return None
    role = _names(profile).get(compact)
    if role is not None:
        return role
    for column in profile.columns:
        if column.pattern is not None:
            match = re.fullmatch(column.pattern, compact)
            if match:
                return f"{column.role}@{int(match.group(1))}"
    return None


def _template_key(text: str) -> str | None:
    key = resolve_header(text) if text else None
    if key is None and text:
        normalised = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
        if normalised.startswith(("reported_", "custom_")):
            return normalised
    return key


def _template_candidate(profile: Profile, texts: list[str]) -> Candidate | None:
    present = [t for t in texts if t]
    keys = [_template_key(t) for t in present]
    known = [t for t, k in zip(present, keys, strict=True) if k]
    if "date" not in keys or not any(k in MEASURES_BY_KEY for k in keys) or len(known) * 2 < len(present):
        return None
    named = [t for t, k in zip(present, keys, strict=True) if k in MEASURES_BY_KEY or k in DIMENSIONS]
    japanese = sum(1 for t in named if not t.isascii())
    if (japanese * 2 > len(named)) != (profile is PORTAL_TEMPLATE_JA):
        return None
    unmatched = tuple(t for t, k in zip(present, keys, strict=True) if not k)
    return Candidate(profile, len(known) / len(present), tuple(known), unmatched)


def candidates(header_cells: Sequence[Any]) -> list[Candidate]:
    """Every profile whose signature columns the header row has, best first (by the share of headers it knows)."""
    texts = _header_texts(header_cells)
    present = [t for t in texts if t]
    if not present:
        return []
    found = []
    for profile in PROFILES:
        if profile.is_template:
            candidate = _template_candidate(profile, texts)
            if candidate is not None:
                found.append(candidate)
            continue
        roles = {t: _role(profile, t) for t in present}
        known = {r.partition("@")[0] for r in roles.values() if r}
        if all(any(role in known for role in group) for group in profile.signature):
            matched = tuple(t for t in present if roles[t])
            unmatched = tuple(t for t in present if not roles[t])
            found.append(Candidate(profile, len(matched) / len(present), matched, unmatched))
    # A platform's own names beat the template's generic ones on a tie.
    found.sort(key=lambda c: (c.score, not c.profile.is_template, len(c.matched)), reverse=True)
    return found


def recognise(header_cells: Sequence[Any]) -> Profile | None:
    """Return the profile of the export whose header row this is, or None when no profile knows it."""
    found = candidates(header_cells)
    return found[0].profile if found else None


def recognise_in(rows: Iterable[tuple[int, list]], *,
                 max_rows: int = MAX_HEADER_SCAN) -> tuple[int, list, Profile] | None:
    """Find the header row among the first max_rows rows (exports such as Avaya CMS put title lines above it).

    Returns (row number, header cells, profile) for the first row a profile recognises, or None. The caller then
    passes the rows after that one to apply().
    """
    for seen, (number, cells) in enumerate(rows, start=1):
        profile = recognise(cells)
        if profile is not None:
            return number, list(cells), profile
        if seen >= max_rows:
            break
    return None


# --- reading cells -------------------------------------------------------------------------------------------

class _Blank:
    """An empty export cell: 0 for counts and totals, "no value" for an average or a percentage."""


BLANK = _Blank()


class _Problem(Exception):
    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def _display(raw: Any) -> str:
    text = str(raw).strip()
    return text if len(text) <= 40 else text[:39] + "…"


def _plain(raw: Any) -> str | _Blank:
    text = str(raw)
    text = (text if text.isascii() else unicodedata.normalize("NFKC", text)).strip()
    return BLANK if text.casefold() in _BLANKS else text


_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_WHOLE = re.compile(r"(\d+)(?:\.0*)?")
_POINTS = re.compile(r"\d+(?:\.\d+)?|\.\d+")


def _number_text(text: str) -> str:
    text = text.replace(" ", "").replace("\u00a0", "")
    if "," in text and _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    return text


def _read_count(raw: Any) -> int | _Blank:
    if raw.__class__ is str and raw.isdigit() and raw.isascii():
        return int(raw)  # the common case: plain digits
    if raw is None:
        return BLANK
    if isinstance(raw, bool):
        raise _Problem(_l("%(value)s is not a count.", value=_display(raw)))
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, Decimal) and raw.is_finite() and not isinstance(raw, Percent):
        if raw != raw.to_integral_value():
            raise _Problem(_l("%(value)s is not a whole number; a count has no decimals.", value=_display(raw)))
        value = int(raw)
    elif isinstance(raw, str):
        text = _plain(raw)
        if text is BLANK:
            return BLANK
        text = _number_text(text)
        match = _WHOLE.fullmatch(text)
        if match is None:
            raise _Problem(_l("%(value)s is not a count.", value=_display(raw)))
        value = int(match.group(1))
    else:
        raise _Problem(_l("%(value)s is not a count.", value=_display(raw)))
    if value < 0:
        raise _Problem(_l("%(value)s is negative.", value=_display(raw)))
    return value


_SECOND, _MILLISECOND = Decimal(1), Decimal("0.001")
_DURATION = re.compile(r"(?:(\d+):)?(\d+):(\d{1,2}(?:\.\d+)?)")


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _read_duration(raw: Any, unit: Unit) -> tuple[Decimal, Decimal] | _Blank:
    """Return (seconds, resolution in seconds) of a duration cell."""
    if raw.__class__ is str and raw.isdigit() and raw.isascii():  # the common case: plain digits
        return (Decimal(raw).scaleb(-3), _MILLISECOND) if unit is Unit.MILLISECONDS else (Decimal(raw), _SECOND)
    if raw is None:
        return BLANK
    if isinstance(raw, dt.time):
        return Decimal(raw.hour * 3600 + raw.minute * 60 + raw.second) + Decimal(raw.microsecond) / 10**6, \
            Decimal(1)
    if isinstance(raw, dt.timedelta):
        return Decimal(str(raw.total_seconds())), Decimal(1)
    if isinstance(raw, bool | dt.date | Percent):
        raise _Problem(_l("%(value)s is not a duration.", value=_display(raw)))
    if isinstance(raw, int | Decimal):
        number = Decimal(raw)
    elif isinstance(raw, str):
        text = _plain(raw)
        if text is BLANK:
            return BLANK
        match = _DURATION.fullmatch(text)
        if match is not None:
            hours, minutes, seconds = int(match.group(1) or 0), int(match.group(2)), Decimal(match.group(3))
            if (match.group(1) is not None and minutes >= 60) or seconds >= 60:
                raise _Problem(_l("%(value)s is not a duration (h:mm:ss or m:ss).", value=_display(raw)))
            return hours * 3600 + minutes * 60 + seconds, Decimal(1).scaleb(-_decimals(seconds))
        try:
            number = Decimal(_number_text(text))
        except InvalidOperation:
            raise _Problem(_l("%(value)s is not a duration.", value=_display(raw))) from None
        if not number.is_finite() or "e" in text.casefold():
            raise _Problem(_l("%(value)s is not a duration.", value=_display(raw)))
    else:
        raise _Problem(_l("%(value)s is not a duration.", value=_display(raw)))
    if number < 0:
        raise _Problem(_l("%(value)s is negative.", value=_display(raw)))
    resolution = Decimal(1).scaleb(-_decimals(number))
    if unit is Unit.MILLISECONDS:
        return number.scaleb(-3), resolution.scaleb(-3)
    return number, resolution


def _read_percent(raw: Any) -> tuple[Fraction, Fraction] | _Blank:
    """Return (percentage points, half the last digit's step) of a percentage cell."""
    if raw is None:
        return BLANK
    if isinstance(raw, Percent):
        value = Decimal(raw) * 100
    elif isinstance(raw, int | Decimal) and not isinstance(raw, bool):
        value = Decimal(raw)
    elif isinstance(raw, str):
        text = _plain(raw)
        if text is BLANK:
            return BLANK
        text = _number_text(text.removesuffix("%").strip())
        if not _POINTS.fullmatch(text):
            raise _Problem(_l("%(value)s is not a percentage.", value=_display(raw)))
        value = Decimal(text)
    else:
        raise _Problem(_l("%(value)s is not a percentage.", value=_display(raw)))
    if not value.is_finite() or value < 0 or value > 100:
        raise _Problem(_l("%(value)s is not a percentage between 0 and 100.", value=_display(raw)))
    return Fraction(value), Fraction(1, 2 * 10 ** _decimals(value))


def _read_text(raw: Any) -> str:
    if raw is None:
        return ""
    text = str(raw)
    text = (text if text.isascii() else unicodedata.normalize("NFKC", text)).strip()
    return "" if text.casefold() in _BLANKS else text


_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})")
_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_CLOCK = re.compile(r"(\d{1,2})(?::?(\d{2}))(?::(\d{2})(?:\.\d+)?)?\s*([ap]\.?m\.?)?", re.IGNORECASE)
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                       "dec"), start=1)}
_WORD_DATE = re.compile(r"(?:(\d{1,2})\s+([a-z]{3})[a-z]*\.?,?\s+(\d{4}))"  # 1 Oct 2026
                        r"|(?:([a-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4}))", re.IGNORECASE)  # Oct 1, 2026


def _date_from_text(text: str) -> dt.date | None:
    try:
        match = _ISO_DATE.fullmatch(text)
        if match:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        match = _US_DATE.fullmatch(text)
        if match:  # CMS Supervisor and US locales write month/day/year
            year = int(match.group(3))
            return dt.date(year + 2000 if year < 100 else year, int(match.group(1)), int(match.group(2)))
        match = _WORD_DATE.fullmatch(text)
        if match:
            if match.group(1):
                day, month, year = match.group(1), match.group(2), match.group(3)
            else:
                month, day, year = match.group(4), match.group(5), match.group(6)
            number = _MONTHS.get(month.casefold()[:3])
            return dt.date(int(year), number, int(day)) if number else None
    except ValueError:
        return None
    return None


def _clock(text: str) -> dt.time | None:
    match = _CLOCK.fullmatch(text.strip())
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    meridiem = (match.group(4) or "").replace(".", "").casefold()
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour == 24 and minute == 0:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute, int(match.group(3) or 0))


_RANGE = re.compile(r"\s+[-–—~]\s+|\s*[–—~]\s*")
# A bare hyphen separates a range only when a clock time ends the text ("8:00 AM-8:30 AM", "0800-0830"); in a
# timestamp it is a date separator or a negative UTC offset ("2026-10-01T09:00:00-05:00").
_LOOSE_RANGE = re.compile(r"(?<=[0-9mM])-(?=\d{1,2}:?\d{2}(?::\d{2})?(?:\s*[aApP]\.?[mM]\.?)?$)")


def _range_start(text: str, *, loose: bool = False) -> str:
    """The start of "08:00 - 08:30" or "2026-10-01 09:00 – 2026-10-01 09:30"; with loose, also "8:00 AM-8:30 AM"."""
    start = _RANGE.split(text.strip(), maxsplit=1)[0]
    if loose:
        start = _LOOSE_RANGE.split(start, maxsplit=1)[0]
    return start.strip()


def _read_date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = _read_text(raw)
    value = _date_from_text(text)
    if value is None and " " in text:  # a date-time such as 2026-10-01 00:00:00: its date
        value = _date_from_text(text.split()[0])
    if value is None:
        raise _Problem(_l("%(value)s is not a date.", value=_display(raw)))
    return value


def _read_time(raw: Any) -> dt.time | None:
    if isinstance(raw, dt.datetime):
        return raw.time()
    if isinstance(raw, dt.time):
        return raw
    text = _read_text(raw)
    if not text:
        return None
    value = _clock(_range_start(text, loose=True))
    if value is None:
        raise _Problem(_l("%(value)s is not an interval start time.", value=_display(raw)))
    return value


def _read_hour(raw: Any) -> dt.time | None:
    if isinstance(raw, dt.time):
        return raw
    text = _read_text(raw)
    if not text:
        return None
    if len(text) <= 2 and text.isdigit() and int(text) < 24:
        return dt.time(int(text))
    value = _clock(_range_start(text, loose=True))
    if value is None:
        raise _Problem(_l("%(value)s is not an hour of the day.", value=_display(raw)))
    return value


_OFFSET_SUFFIX = re.compile(r"\s*(?:UTC|GMT|Z)\s*$", re.IGNORECASE)


def _read_timestamp_loose(raw: Any) -> dt.datetime:
    return _read_timestamp(raw, loose=True)


def _read_timestamp(raw: Any, *, loose: bool = False) -> dt.datetime:
    """A timestamp, aware when the export gives its UTC offset; with loose, the start of a range."""
    if isinstance(raw, dt.datetime):
        return raw
    text = _read_text(raw)
    if not text:
        raise _Problem(_l("The interval's start time is missing."))
    text = _range_start(text, loose=loose)
    aware = bool(_OFFSET_SUFFIX.search(text))
    core = _OFFSET_SUFFIX.sub("", text) if aware else text
    try:
        value = dt.datetime.fromisoformat(core.replace(" ", "T", 1) if _ISO_DATE.match(core) else core)
    except ValueError:
        value = None
        parts = core.split(None, 1)
        day = _date_from_text(parts[0]) if parts else None
        clock = _clock(parts[1]) if day is not None and len(parts) == 2 else None
        if clock is not None:
            value = dt.datetime.combine(day, clock)
    if value is None:
        raise _Problem(_l("%(value)s is not a timestamp such as 2026-10-01T09:00:00.000Z.", value=_display(raw)))
    if aware and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


# --- applying a profile --------------------------------------------------------------------------------------

@dataclass
class _Plan:
    measure: str
    derivation: Derivation
    sources: list[str]  # resolved roles, required and optional present
    per: list[str]
    formula: str


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"unknown time zone {name!r}") from None


def _resolve(role: str, sl: int, short: int) -> str:
    return role.format(sl=sl, short=short)


class _Layout:
    """Where each role of a profile is in a header row."""

    def __init__(self, profile: Profile, header_cells: Sequence[Any]) -> None:
        self.texts = _header_texts(header_cells)
        self.index: dict[str, int] = {}
        self.duplicates: list[str] = []
        self.unknown: list[str] = []
        for position, text in enumerate(self.texts):
            if not text:
                continue
            role = _role(profile, text)
            if role is None:
                self.unknown.append(text)
            elif role in self.index:
                self.duplicates.append(text)
            else:
                self.index[role] = position

    def has(self, role: str) -> bool:
        return role in self.index

    def title(self, role: str) -> str:
        return self.texts[self.index[role]]


def _plans(profile: Profile, layout: _Layout | None, sl: int, short: int) -> dict[str, _Plan]:
    plans: dict[str, _Plan] = {}
    for derivation in profile.derivations:
        if derivation.measure in plans:
            continue
        required = [_resolve(r, sl, short) for r in derivation.sources]
        per = [_resolve(r, sl, short) for r in derivation.per]
        if layout is None or not all(layout.has(r) for r in required + per):
            continue
        optional = [_resolve(r, sl, short) for r in derivation.optional]
        sources = required + [r for r in optional if layout.has(r)]
        plans[derivation.measure] = _Plan(derivation.measure, derivation, sources, per,
                                          _formula(derivation.method, [layout.title(r) for r in sources],
                                                   [layout.title(r) for r in per]))
    return plans


def _formula(method: Method, sources: list[str], per: list[str]) -> str:
    def joined(names: list[str]) -> str:
        return names[0] if len(names) == 1 else "(" + " + ".join(names) + ")"

    if method is Method.AVERAGE or method is Method.PERCENT:
        return f"{joined(sources)} × {joined(per)}"
    return " + ".join(sources)


@dataclass
class _Accuracy:
    bound: Decimal = Decimal(0)  # the largest total error over the file (seconds, or contacts for a percentage)
    per_contact: Decimal = Decimal(0)  # the largest error per contact of an average (half its last digit)
    undetermined: int = 0
    rows: int = 0


class _Applier:
    def __init__(self, profile: Profile, header_cells: Sequence[Any], *, tz: str, source_tz: str | None,
                 sl_threshold_s: int, short_abandon_s: int) -> None:
        self.profile = profile
        self.zone = _zone(tz)
        self.tz_name = tz
        self.source_zone = _zone(source_tz) if source_tz else None
        self.layout = _Layout(profile, header_cells)
        self.plans = _plans(profile, self.layout, sl_threshold_s, short_abandon_s)
        self.errors: list[CellIssue] = []
        self.accuracy: dict[str, _Accuracy] = {key: _Accuracy() for key in self.plans}
        self.blank_columns: dict[str, int] = {}
        self.naive_row: int | None = None
        self.incomplete_row: int | None = None
        self.total_rows: list[int] = []
        self.merged: list[tuple[int, int]] = []
        self.unmapped_channels: dict[str, str] = {}
        self.message_channel: str | None = None
        self.units = {role: profile.column(role).unit for role in self.layout.index}
        self.channel_map = dict(profile.channel_map)
        self.channels: dict[str, str] = {}
        self.shares: dict[tuple, tuple[int, int]] = {}  # (percentage, denominator) -> (lowest, highest) count
        dims = dict(profile.dimensions)
        self.roles = {name: role for name, role in dims.items() if self.layout.has(role)}
        self.loose_timestamp = "timestamp" not in self.roles and "timestamp_alt" in self.roles
        if self.loose_timestamp:
            self.roles["timestamp"] = self.roles.pop("timestamp_alt")
        self.roles.pop("timestamp_alt", None)
        self.total_roles = [self.roles[name] for name in ("timestamp", "date", "time", "queue") if name in self.roles]
        self.total_cache: dict[str, bool] = {}
        self.memo: dict[tuple, Any] = {}  # (reader, raw text) -> a successful read; exports repeat their cells a lot
        self.has_interval = "timestamp" in self.roles or "time" in self.roles or "hour" in self.roles
        self.has_channel = "channel" in self.roles or profile.channel is not None
        self.has_queue = "queue" in self.roles

    # dimensions

    def _cell(self, cells: list, role: str) -> Any:
        position = self.layout.index[role]
        return cells[position] if position < len(cells) else None

    def _is_total_row(self, cells: list) -> bool:
        for role in self.total_roles:
            raw = self._cell(cells, role)
            if raw.__class__ is str:
                total = self.total_cache.get(raw)
                if total is None:
                    total = self.total_cache[raw] = _compact(raw) in _TOTAL_WORDS
            else:
                total = _compact(raw) in _TOTAL_WORDS
            if total:
                return True
        return False

    def _local(self, moment: dt.datetime, number: int) -> dt.datetime:
        if moment.tzinfo is None:
            if self.source_zone is None:
                self.naive_row = self.naive_row or number
                return moment
            moment = moment.replace(tzinfo=self.source_zone)
        return moment.astimezone(self.zone).replace(tzinfo=None)

    def _dimensions(self, cells: list, number: int) -> tuple[str, str, str, str]:
        roles = self.roles
        interval = ""
        if "timestamp" in roles:
            reader = _read_timestamp_loose if self.loose_timestamp else _read_timestamp
            moment = self._local(self._read(cells, roles["timestamp"], number, reader, memo=True), number)
            day, interval = moment.date().isoformat(), moment.strftime("%H:%M")
            if moment.second or moment.microsecond:
                interval = moment.strftime("%H:%M:%S")
        elif "date" in roles:
            date = self._read(cells, roles["date"], number, _read_date, memo=True)
            clock = None
            if "time" in roles:
                clock = self._read(cells, roles["time"], number, _read_time, memo=True)
            elif "hour" in roles:
                clock = self._read(cells, roles["hour"], number, _read_hour, memo=True)
            if clock is None:
                day = date.isoformat()
            else:
                moment = self._local(dt.datetime.combine(date, clock), number)
                day, interval = moment.date().isoformat(), moment.strftime("%H:%M")
        else:  # pragma: no cover - run() refuses such a file before reading rows
            raise _Problem(_l("The export has no date or timestamp column."))
        channel = self.profile.channel or ""
        if "channel" in roles:
            raw = self._cell(cells, roles["channel"])
            mapped = self.channels.get(raw) if raw.__class__ is str else None
            if mapped is None:
                mapped = self._channel(raw)
                if raw.__class__ is str:
                    self.channels[raw] = mapped
            channel = mapped or channel
        queue = _read_text(self._cell(cells, roles["queue"])) if "queue" in roles else ""
        if "complete" in roles and self._cell(cells, roles["complete"]) not in ("true", "TRUE", "True") \
                and _compact(self._cell(cells, roles["complete"])) in ("false", "no", "0"):
            self.incomplete_row = self.incomplete_row or number
        return day, interval, channel, queue

    def _channel(self, raw: Any) -> str:
        text = _read_text(raw)
        if not text:
            return ""
        mapped = self.channel_map.get(_compact(text))
        if mapped is None:
            mapped = text.lower()
            self.unmapped_channels.setdefault(text, mapped)
        elif _compact(text) == "message":
            self.message_channel = mapped
        return mapped

    def _read(self, cells: list, role: str, number: int, reader, *, memo: bool = False) -> Any:
        raw = self._cell(cells, role)
        key = (reader, raw) if memo and raw.__class__ is str else None
        if key is not None and key in self.memo:
            return self.memo[key]
        try:
            value = reader(raw)
        except _Problem as problem:
            self.errors.append(CellIssue(number, self.layout.title(role), problem.message))
            raise _Skip from None
        if key is not None:
            self.memo[key] = value
        return value

    # measures

    def _value(self, plan: _Plan, cells: list, number: int) -> int | Decimal:
        method = plan.derivation.method
        if method is Method.COUNT:
            return self._count(cells, plan.sources[0], number)
        if method is Method.TOTAL:
            total = Decimal(0)
            for role in plan.sources:
                total += self._duration(cells, role, number, blank_as_zero=True)[0]
            return total
        count = sum(self._count(cells, role, number) for role in plan.per)
        if method is Method.AVERAGE:
            total, half = Decimal(0), Decimal(0)
            for role in plan.sources:
                seconds, resolution = self._duration(cells, role, number, blank_as_zero=count == 0)
                total += seconds
                half += resolution / 2
            accuracy = self.accuracy[plan.measure]
            accuracy.bound += half * count
            accuracy.per_contact = max(accuracy.per_contact, half)
            accuracy.rows += 1
            return total * count
        percent = self._percent(cells, plan.sources[0], number, count)
        if percent is None:
            return 0
        points, half = percent
        share = self.shares.get((percent, count))
        if share is None:
            share = self.shares[percent, count] = (max(0, math.ceil((points - half) * count / 100)),
                                                   min(count, math.floor((points + half) * count / 100)))
        low, high = share
        accuracy = self.accuracy[plan.measure]
        accuracy.rows += 1
        if low > high:
            self.errors.append(CellIssue(number, self.layout.title(plan.sources[0]), _l(
                "%(percent)s %% of %(count)s (%(columns)s) is no whole number of contacts.",
                percent=_display(self._cell(cells, plan.sources[0])).removesuffix("%").strip(), count=count,
                columns=" + ".join(self.layout.title(r) for r in plan.per))))
            raise _Skip
        if low == high:
            return low
        nearest = min(max(round(points * count / 100), low), high)
        accuracy.undetermined += 1
        accuracy.bound += max(nearest - low, high - nearest)
        return nearest

    def _count(self, cells: list, role: str, number: int) -> int:
        value = self._read(cells, role, number, _read_count)
        if value is BLANK:
            self.blank_columns.setdefault(self.layout.title(role), number)
            return 0
        return value

    def _duration(self, cells: list, role: str, number: int, *, blank_as_zero: bool) -> tuple[Decimal, Decimal]:
        unit = self.units[role]
        value = self._read(cells, role, number, lambda raw: _read_duration(raw, unit))
        if value is BLANK:
            if not blank_as_zero:
                self.errors.append(CellIssue(number, self.layout.title(role), _l(
                    "%(column)s is empty although contacts were counted in this row.",
                    column=self.layout.title(role))))
                raise _Skip
            return Decimal(0), Decimal(0)
        return value

    def _percent(self, cells: list, role: str, number: int, count: int) -> tuple[Fraction, Fraction] | None:
        value = self._read(cells, role, number, _read_percent, memo=True)
        if value is BLANK:
            if count:
                self.errors.append(CellIssue(number, self.layout.title(role), _l(
                    "%(column)s is empty although contacts were counted in this row.",
                    column=self.layout.title(role))))
                raise _Skip
            return None
        return value

    def source_title(self) -> str | None:
        for name in ("timestamp", "date"):
            if name in self.roles:
                return self.layout.title(self.roles[name])
        return None

    def run(self, rows: Iterable[tuple[int, list]]) -> list[tuple[int, list]]:
        if "timestamp" not in self.roles and "date" not in self.roles:
            names = [self.profile.column(role).names[0] for name, role in self.profile.dimensions
                     if name in ("timestamp", "timestamp_alt", "date")]
            self.errors.append(CellIssue(None, names[0] if names else "date", _l(
                "The export has no %(columns)s column, so its rows have no dates; add it to the export.",
                columns=" / ".join(names) or "date")))
            return []
        out: dict[tuple, tuple[int, list]] = {}
        measures = [key for key in (m.key for m in MEASURES) if key in self.plans]
        for number, cells in rows:
            cells = list(cells)
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            if self._is_total_row(cells):
                self.total_rows.append(number)
                continue
            try:
                dims = self._dimensions(cells, number)
                values = [self._value(self.plans[key], cells, number) for key in measures]
            except _Skip:
                continue
            except _Problem as problem:
                self.errors.append(CellIssue(number, None, problem.message))
                continue
            first = out.get(dims)
            if first is None:
                out[dims] = (number, values)
            else:
                self.merged.append((first[0], number))
                first[1][:] = [a + b for a, b in zip(first[1], values, strict=True)]
        table = []
        for (day, interval, channel, queue), (number, values) in out.items():
            cells = [day]
            if self.has_interval:
                cells.append(interval)
            if self.has_channel:
                cells.append(channel)
            if self.has_queue:
                cells.append(queue)
            table.append((number, cells + values))
        return table


class _Skip(Exception):
    """The row has an error of its own, already reported."""


def _header(applier: _Applier) -> list[str]:
    header = ["date"]
    if applier.has_interval:
        header.append("interval")
    if applier.has_channel:
        header.append("channel")
    if applier.has_queue:
        header.append("queue")
    return header + [m.key for m in MEASURES if m.key in applier.plans]


def _source_columns(applier: _Applier) -> dict[str, str]:
    layout, roles = applier.layout, applier.roles
    columns: dict[str, str] = {}
    if "timestamp" in roles:
        columns["date"] = columns["interval"] = layout.title(roles["timestamp"])
    if "date" in roles:
        columns["date"] = layout.title(roles["date"])
    for name in ("time", "hour"):
        if name in roles:
            columns["interval"] = layout.title(roles[name])
    if "channel" in roles:
        columns["channel"] = layout.title(roles["channel"])
    if "queue" in roles:
        columns["queue"] = layout.title(roles["queue"])
    for key, plan in applier.plans.items():
        columns[key] = plan.formula
    return columns


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f") if value else "0"


def _derived(applier: _Applier) -> tuple[dict[str, Any], dict[str, Decimal]]:
    notes: dict[str, Any] = {}
    precision: dict[str, Decimal] = {}
    for key, plan in applier.plans.items():
        derivation, accuracy = plan.derivation, applier.accuracy[key]
        if derivation.method is Method.AVERAGE:
            notes[key] = _l("%(formula)s (average × count); precision ±%(half)s s per contact, at most ±%(bound)s s "
                            "over the file", formula=plan.formula, half=_number(accuracy.per_contact),
                            bound=_number(accuracy.bound))
            precision[key] = accuracy.bound
        elif derivation.method is Method.PERCENT and (accuracy.undetermined or derivation.assumed):
            if accuracy.undetermined:
                notes[key] = _l("%(formula)s (percentage × count); in %(rows)s of %(total)s rows the percentage's "
                                "rounding leaves more than one whole number, so the count may be off by up to "
                                "±%(bound)s over the file", formula=plan.formula, rows=accuracy.undetermined,
                                total=accuracy.rows, bound=_number(accuracy.bound))
            else:
                notes[key] = _l("%(formula)s (percentage × count); the rounding determines every count, but the "
                                "denominator is assumed", formula=plan.formula)
            precision[key] = accuracy.bound
    return notes, precision


def _warnings(applier: _Applier, table: list[tuple[int, list]]) -> list[CellIssue]:
    warnings: list[CellIssue] = []
    layout = applier.layout
    for text in layout.duplicates:
        warnings.append(CellIssue(1, text, _l("The column %(column)s appears twice; the first one was used.",
                                              column=text)))
    for plan in applier.plans.values():
        if plan.derivation.caveat is not None:
            warnings.append(CellIssue(None, plan.formula, plan.derivation.caveat))
    if applier.naive_row is not None:
        warnings.append(CellIssue(applier.naive_row, applier.source_title(), _l(
            "The times have no UTC offset; they were read as %(tz)s time. If the platform reports in another time "
            "zone, give it so that the intervals land on the right dates.", tz=applier.tz_name)))
    if applier.incomplete_row is not None:
        warnings.append(CellIssue(applier.incomplete_row, layout.title(applier.roles["complete"]), _l(
            "Row %(row)s is an interval that was not complete when the export was made; export the month again once "
            "it has ended.", row=applier.incomplete_row)))
    if applier.total_rows:
        warnings.append(CellIssue(applier.total_rows[0], None, _l(
            "%(count)s total row(s) of the export (the first is row %(row)s) were left out; the portal adds the rows "
            "up itself.", count=len(applier.total_rows), row=applier.total_rows[0])))
    if applier.merged:
        first, second = applier.merged[0]
        warnings.append(CellIssue(second, None, _l(
            "%(count)s row(s) fell on the same date, interval, channel and queue as an earlier row (for example rows "
            "%(first)s and %(second)s) and were added to it.", count=len(applier.merged), first=first,
            second=second)))
    if applier.message_channel is not None:
        warnings.append(CellIssue(None, layout.title(applier.roles["channel"]), _l(
            "The media type message (web messaging, SMS and social messaging) was counted as %(channel)s.",
            channel=applier.message_channel)))
    for raw, mapped in applier.unmapped_channels.items():
        warnings.append(CellIssue(None, layout.title(applier.roles["channel"]), _l(
            "The channel %(value)s is not one of the portal's; it was kept as %(channel)s.", value=raw,
            channel=mapped)))
    if applier.blank_columns:
        names = ", ".join(applier.blank_columns)
        warnings.append(CellIssue(min(applier.blank_columns.values()), None, _l(
            "Empty cells in %(columns)s were read as 0.", columns=names)))
    months = sorted({cells[0][:7] for _number_, cells in table})
    if len(months) > 1:
        warnings.append(CellIssue(None, "date", _l(
            "In %(tz)s the rows fall in %(months)s; export exactly one month in that time zone.", tz=applier.tz_name,
            months=", ".join(months))))
    export = _InReadersLanguage(applier.profile.name_en, applier.profile.name_ja)
    for text in layout.unknown:
        warnings.append(CellIssue(1, text, _l("The column %(column)s is not used by the %(export)s profile.",
                                              column=text, export=export)))
    return warnings


def apply(profile: Profile, header_cells: Sequence[Any], rows: Iterable[tuple[int, list]], *, tz: str,
          source_tz: str | None = None, sl_threshold_s: int = 20, short_abandon_s: int = 5,
          required_measures: Collection[str] = ()) -> ProfiledTable:
    """Turn an export's rows into the portal's canonical table.

    rows are (spreadsheet row number, raw cells) after the header row. tz is the portal's time zone: timestamps
    with a UTC offset are converted into it; local dates and times are read as source_tz when given, else as tz
    (with a warning). sl_threshold_s and short_abandon_s are the contract's seconds, which pick the export's
    "answered in N seconds" style columns. required_measures (the contract's) fill ProfiledTable.missing.

    :raises ValueError: an unknown time zone, or a required measure that is not a measure.
    """
    unknown = [key for key in required_measures if key not in MEASURES_BY_KEY]
    if unknown:
        raise ValueError(f"not measures: {unknown}")
    _zone(tz)
    if profile.is_template:
        return _apply_template(profile, header_cells, rows, required_measures)
    applier = _Applier(profile, header_cells, tz=tz, source_tz=source_tz, sl_threshold_s=sl_threshold_s,
                       short_abandon_s=short_abandon_s)
    table = applier.run(rows)
    notes, precision = _derived(applier)
    missing = explain_missing(profile, required_measures, header_cells, sl_threshold_s=sl_threshold_s,
                              short_abandon_s=short_abandon_s)
    return ProfiledTable(profile=profile, header=_header(applier), rows=table, source_columns=_source_columns(applier),
                         derived=notes, derived_from_averages=bool(notes), warnings=_warnings(applier, table),
                         errors=applier.errors, missing=missing, converted=True, precision=precision)


def _apply_template(profile: Profile, header_cells: Sequence[Any], rows: Iterable[tuple[int, list]],
                    required_measures: Collection[str]) -> ProfiledTable:
    header, sources = [], {}
    for text in _header_texts(header_cells):
        key = _template_key(text)
        header.append(key if key in MEASURES_BY_KEY or key in DIMENSIONS else text)
        if key and key not in sources:
            sources[key] = text
    return ProfiledTable(profile=profile, header=header, rows=rows, source_columns=sources, derived={},
                         derived_from_averages=False, warnings=[], errors=[],
                         missing=explain_missing(profile, required_measures, header_cells), converted=False,
                         precision={})


# --- what an export cannot give ------------------------------------------------------------------------------

class _InReadersLanguage:
    """A name with an English and a Japanese form, shown in the language of whoever reads the message."""

    def __init__(self, en: str, ja: str) -> None:
        self.en, self.ja = en, ja

    def __str__(self) -> str:
        return self.ja if str(get_locale() or "en").startswith("ja") else self.en


def _measure_name(key: str) -> _InReadersLanguage:
    measure = MEASURES_BY_KEY[key]
    return _InReadersLanguage(measure.name_en, measure.name_ja)


def explain_missing(profile: Profile, required_measures: Collection[str], header_cells: Sequence[Any] | None = None,
                    *, sl_threshold_s: int = 20, short_abandon_s: int = 5) -> list[Missing]:
    """Say, for each measure the contract needs that the export cannot give, which column is missing and which
    export of the platform to use instead.

    Without header_cells this is what the profile's export can never give; with them, what this file lacks.
    """
    layout = _Layout(profile, header_cells) if header_cells is not None else None
    found: list[Missing] = []
    for measure in (m.key for m in MEASURES if m.key in set(required_measures)):
        if profile.is_template:
            if layout is not None and not any(_template_key(t) == measure for t in layout.texts):
                found.append(Missing(measure, (measure,), None, _l(
                    "The column %(column)s (%(alias)s) is missing; the contract's targets need it.", column=measure,
                    alias=MEASURES_BY_KEY[measure].name_ja)))
            continue
        missing = _missing_one(profile, measure, layout, sl_threshold_s, short_abandon_s)
        if missing is not None:
            found.append(missing)
    return found


def _missing_one(profile: Profile, measure: str, layout: _Layout | None, sl: int, short: int) -> Missing | None:
    derivations = profile.derivations_for(measure)
    alternative = profile.alternative(measure)
    name = _measure_name(measure)
    possible: list[tuple[Derivation, list[str]]] = []
    offered_seconds: list[tuple[Column, int]] = []
    for derivation in derivations:
        roles = [_resolve(r, sl, short) for r in derivation.sources + derivation.per]
        unavailable = False
        for role in roles:
            base, _, seconds = role.partition("@")
            column = profile.column(base)
            if seconds and column.allowed is not None and int(seconds) not in column.allowed:
                offered_seconds.append((column, int(seconds)))
                unavailable = True
        if unavailable:
            continue
        if layout is None:
            return None  # the export can give it
        absent = [r for r in roles if not layout.has(r)]
        if not absent:
            return None
        possible.append((derivation, absent))
    if possible:
        derivation, absent = possible[0]
        titles = tuple(_role_title(profile, r) for r in absent)
        message = _l("%(measure)s (%(key)s) needs the column %(columns)s, which this %(export)s file does not have.",
                     measure=name, key=measure, columns=", ".join(titles), export=profile.platform)
        if alternative is not None:
            message = _l("%(problem)s %(alternative)s", problem=message, alternative=alternative)
        return Missing(measure, titles, alternative, message)
    if offered_seconds:
        column, seconds = offered_seconds[0]
        allowed = ", ".join(str(n) for n in column.allowed or ())
        message = _l("%(measure)s (%(key)s) needs %(column)s, but %(platform)s offers that column only for "
                     "%(allowed)s seconds.", measure=name, key=measure, column=column.title(seconds),
                     platform=profile.platform, allowed=allowed)
        if alternative is not None:
            message = _l("%(problem)s %(alternative)s", problem=message, alternative=alternative)
        return Missing(measure, (column.title(seconds),), alternative, message)
    message = _l("The %(export)s export does not give %(measure)s (%(key)s).", export=profile.platform, measure=name,
                 key=measure)
    message = _l("%(problem)s %(alternative)s", problem=message, alternative=alternative if alternative is not None
                 else _l("Fill the portal's upload template with it instead."))
    return Missing(measure, (), alternative, message)


def _role_title(profile: Profile, role: str) -> str:
    base, _, seconds = role.partition("@")
    return profile.column(base).title(int(seconds) if seconds else None)
