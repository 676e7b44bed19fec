"""Use cases for monthly data: submit a file (all or nothing), review it, read the accepted months."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import gc
import hashlib
import io
import json
import math
import operator
import zlib
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vendorportal.contracts.models import Contract
from vendorportal.core.db import as_utc, utcnow
from vendorportal.core.errors import Conflict, FieldError, Forbidden, ValidationFailed
from vendorportal.core.validation import Cleaner
from vendorportal.files import storage
from vendorportal.metrics import domain as metrics
from vendorportal.submissions import fastpath, parsing, profiles
from vendorportal.submissions import numbers as number_formats
from vendorportal.submissions.models import Submission, UploadAttempt
from vendorportal.targets import services as targets

MAX_STORED_ERRORS = 200


@dataclass
class SubmitOutcome:
    """What an upload did: a new submission version, or the problems that stopped it."""

    submission: Submission | None
    attempt: UploadAttempt
    errors: list[parsing.CellIssue] = field(default_factory=list)
    warnings: list[parsing.CellIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.submission is not None


def due_at(contract: Contract, period: str, tz: str) -> dt.datetime:
    """Return the moment data for a month stops being on time: the end of the due day of the next month."""
    year, month = int(period[:4]), int(period[5:7])
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    day = min(contract.submission_due_day, calendar.monthrange(year, month)[1])
    end = dt.datetime(year, month, day, tzinfo=ZoneInfo(tz)) + dt.timedelta(days=1)
    return end.astimezone(dt.UTC)


def issue_dict(issue: parsing.CellIssue) -> dict:
    return {"row": issue.row, "column": issue.column, "message": str(issue.message)}


def _dump_number(value) -> str:
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}" if value.denominator != 1 else str(value.numerator)
    return str(value)


def load_number(text: str) -> int | Fraction:
    """Read a stored total: most are whole numbers, which int() reads far faster than Fraction()."""
    return int(text) if text.isdigit() else Fraction(text)


def _totals(rows: list[parsing.ParsedRow]) -> dict:
    """Sum the measures per channel and overall; keep the vendor's own figures and custom values."""
    keys = list(rows[0].measures) if rows else []
    everything = [r.measures for r in rows]
    # The rows are validated (counts int, sums Decimal); map(itemgetter) keeps the loop over 100,000 rows in C.
    columns = {key: list(map(operator.itemgetter(key), everything)) for key in keys}
    sums = metrics.sum_columns(columns, [r.channel for r in rows])
    reported: dict[str, str] = {}
    custom: dict[str, str] = {}
    for row in rows:
        if row.reported:
            # A figure the vendor reports for the whole month (the parser checked that the rows agree).
            reported.update({k: str(v) for k, v in row.reported.items()})
        if row.custom:
            custom.update({k: str(v) for k, v in row.custom.items()})
    measures = {group: {m: _dump_number(Fraction(v)) for m, v in values.items()} for group, values in sums.items()}
    return {"measures": measures, "reported": reported, "custom": custom}


ROWS_HEADER = ["row", "date", "interval", "channel", "queue"]


def _rows_blob(rows: list[parsing.ParsedRow]) -> bytes:
    """Return the parsed rows as compressed CSV: row number, dimensions, then one column per measure."""
    keys = list(rows[0].measures) if rows else []
    getter = operator.itemgetter(*keys) if len(keys) > 1 else (lambda m: (m[keys[0]],)) if keys else (lambda m: ())
    dates: dict = {}
    times: dict = {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ROWS_HEADER + keys)
    writer.writerows(
        (r.row, dates.get(r.date) or dates.setdefault(r.date, r.date.isoformat()),
         (times.get(r.interval) or times.setdefault(r.interval, r.interval.strftime("%H:%M"))) if r.interval else "",
         r.channel or "", r.queue or "", *getter(r.measures))
        for r in rows)
    return zlib.compress(out.getvalue().encode(), 1)


def read_rows(submission: Submission) -> list[list]:
    """Return the stored rows of a submission: [row, date, interval, channel, queue, {measure: value}]."""
    text = zlib.decompress(submission.rows_blob).decode()
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        return []
    keys = header[len(ROWS_HEADER):]
    return [[int(r[0]), r[1], r[2] or None, r[3] or None, r[4] or None, dict(zip(keys, r[5:], strict=True))]
            for r in reader]


def _lock_contract_months(session: Session, contract_id: int) -> None:
    """Serialise the writers of a contract's months until the transaction ends.

    The next version number and the "already accepted" check are read under this lock, so two uploads of one
    month at once become versions n+1 and n+2 instead of a unique violation (a 500), and an accept cannot slip
    between an upload's check and its insert. FOR NO KEY UPDATE leaves inserts that only reference the contract
    (attempts, targets) unblocked. On SQLite BEGIN IMMEDIATE already serialises writers and this renders as a
    plain SELECT.
    """
    session.execute(select(Contract.id).where(Contract.id == contract_id).with_for_update(key_share=True))


def _month_is_accepted(session: Session, contract_id: int, period: str) -> bool:
    return session.execute(select(func.count()).select_from(Submission).where(
        Submission.contract_id == contract_id, Submission.period == period, Submission.status == "accepted",
    )).scalar_one() > 0


@contextmanager
def _collector_paused():
    """Pause the cyclic garbage collector while a file's rows are built.

    Parsing creates millions of small acyclic objects; the collector would otherwise walk them again and
    again (measured: list(csv.reader) of 100,000 rows 0.30 s with it, 0.14 s without).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True)
class UploadRules:
    """What reading a month's file needs from the database, read before the file is, as plain values."""

    contract_id: int
    period: str
    year: int
    month: int
    measures: frozenset[str]
    custom: frozenset[str]
    channels: tuple[str, ...]
    sl_formula: str
    today: dt.date
    history: tuple[dict[str, float | None], ...]  # the metrics of the last accepted months, oldest first
    number_format: str | None = None
    tz: str = "UTC"
    sl_threshold_s: int = 20
    short_abandon_s: int = 5
    channel_required: bool = False  # some target of the month is per channel: every row needs its channel


@dataclass
class CheckedFile:
    """A file read and checked for a month: its problems, or its rows and totals; nothing is stored yet."""

    filename: str
    errors: list[parsing.CellIssue]
    warnings: list[parsing.CellIssue]
    file_format: str | None = None
    row_count: int = 0
    totals: dict | None = None
    rows_blob: bytes | None = None
    profile: str | None = None  # the import profile's key, when a platform's export was read
    derived: dict | None = None  # {"from_averages": bool, "measures": {measure: how}} for a profile's export

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def profile_name(self) -> str | None:
        return profile_name(self.profile)


def profile_name(key: str | None, locale: str = "en") -> str | None:
    """Return an import profile's name in a language (None for the portal's own layout)."""
    profile = profiles.PROFILES_BY_KEY.get(key) if key else None
    if profile is None:
        return None
    return profile.name_ja if locale == "ja" else profile.name_en


def upload_rules(session: Session, contract: Contract, period: str, *, tz: str,
                 number_format: str | None = None) -> UploadRules:
    """Read what checking a month's file needs: the targets' columns, the channels, the last months.

    :raises ValidationFailed: the period is not a month, or the number format is not one we know.
    :raises Conflict: the month is already accepted.
    """
    month = targets.parse_period(period)
    if number_format not in (None, "", *number_formats.FORMATS):
        raise ValidationFailed([FieldError("number_format", _l("Choose 1,234.5 or 1.234,5."))])
    if _month_is_accepted(session, contract.id, period):
        raise Conflict(str(_l("This month is already accepted; ask the vendor manager to reopen it.")), "period")
    measures, custom = targets.required_columns(session, contract, period)
    earlier = [str(month.shift(-n)) for n in range(metrics.JUMP_HISTORY, 0, -1)]
    accepted = accepted_months(session, contract.id, earlier)
    history = tuple(_month_metrics(accepted[p].measures.get("*", {}), contract.service_level_formula)
                    for p in earlier if p in accepted)
    return UploadRules(contract.id, period, month.year, month.month, frozenset(measures), frozenset(custom),
                       tuple(contract.channel_list), contract.service_level_formula,
                       dt.datetime.now(ZoneInfo(tz)).date(), history, number_format or None, tz,
                       contract.sl_threshold_seconds, contract.short_abandon_seconds,
                       any(t.channel for t in targets.targets_in_force(session, contract, period)))


def _month_metrics(totals: dict, sl_formula: str) -> dict[str, float | None]:
    try:
        return metrics.compute_metrics(totals, sl_formula=sl_formula)
    except ValueError:  # inconsistent totals cannot be judged; the checks of the rows speak for them
        return {}


def check_upload(rules: UploadRules, filename: str, data: bytes) -> CheckedFile:
    """Read and check a file against a month's rules, with no database: totals and rows, or the problems."""
    fast_rules = fastpath.Rules(channels=rules.channels, today=rules.today, number_format=rules.number_format,
                                channel_required=rules.channel_required)
    with _collector_paused():
        fast = fastpath.try_fast(data, filename or "", year=rules.year, month=rules.month,
                                 required_measures=rules.measures, custom_keys=rules.custom, rules=fast_rules)
    if fast is not None:
        totals = {"measures": {group: {m: _dump_number(Fraction(v)) for m, v in values.items()}
                               for group, values in fast.totals.items()}, "reported": {}, "custom": {}}
        checked = CheckedFile(filename, [], [], "xlsx" if fast.encoding is None else "csv", fast.row_count, totals,
                              zlib.compress(fast.rows_csv.encode(), 1))
    else:
        try:
            with _collector_paused():
                result = parsing.parse_upload(
                    data, filename or "", year=rules.year, month=rules.month, required_measures=rules.measures,
                    custom_keys=rules.custom, channels=rules.channels, today=rules.today,
                    number_format=rules.number_format, tz=rules.tz, sl_threshold_s=rules.sl_threshold_s,
                    short_abandon_s=rules.short_abandon_s, channel_required=rules.channel_required)
        except parsing.UploadRejected as rejected:
            return CheckedFile(filename, [rejected.issue], [])
        key = result.profile.key if result.profile is not None else None
        derived = ({"from_averages": result.derived_from_averages, "measures": result.derived or {}}
                   if key is not None else None)
        if result.errors:
            return CheckedFile(filename, list(result.errors), list(result.warnings), result.file_format, profile=key,
                               derived=derived)
        checked = CheckedFile(filename, [], list(result.warnings), result.file_format, len(result.rows),
                              _totals(result.rows), _rows_blob(result.rows), key, derived)
    checked.warnings += _plausibility(checked.totals, rules)
    return checked


def _plausibility(totals: dict, rules: UploadRules) -> list[parsing.CellIssue]:
    month = _month_metrics({k: load_number(v) for k, v in totals["measures"].get("*", {}).items()}, rules.sl_formula)
    found = []
    for item in metrics.implausible(month, rules.history):
        if item.rule == "aht_range":
            message = _l("The month's average handle time is %(value)s s, outside %(low)s to %(high)s s: check the "
                         "unit of the handle time column (seconds, not minutes or milliseconds).",
                         value=f"{item.value:,.1f}", low=int(item.low), high=int(item.high))
        elif item.rule == "asa_over_aht":
            message = _l("The month's average speed of answer (%(value)s s) is more than ten times its average "
                         "handle time: check the wait and handle time columns.", value=f"{item.value:,.1f}")
        else:
            message = _l("%(metric)s is %(value)s this month, far outside the last months' %(low)s to %(high)s: "
                         "check the file.", metric=metrics.METRICS_BY_KEY[item.metric].name_en,
                         value=f"{item.value:,.1f}", low=f"{item.low:,.1f}", high=f"{item.high:,.1f}")
        found.append(parsing.CellIssue(None, item.metric, message))
    return found


def store_upload(session: Session, actor, contract: Contract, rules: UploadRules, checked: CheckedFile,
                 data: bytes, *, tz: str) -> SubmitOutcome:
    """Store a checked file as the month's next version, or record the refused attempt with its errors.

    :raises Conflict: the month was accepted while the file was read.
    """
    attempt = UploadAttempt(contract_id=contract.id, period=rules.period, uploaded_by_id=getattr(actor, "id", None),
                            filename=(checked.filename or "upload")[:255], size=len(data),
                            sha256=hashlib.sha256(data).hexdigest(), outcome="rejected")
    if checked.errors:
        attempt.error_count = len(checked.errors)
        attempt.errors = json.dumps([issue_dict(e) for e in checked.errors[:MAX_STORED_ERRORS]], ensure_ascii=False)
        session.add(attempt)
        session.flush()
        return SubmitOutcome(None, attempt, checked.errors, checked.warnings)
    period = rules.period
    _lock_contract_months(session, contract.id)
    if _month_is_accepted(session, contract.id, period):  # again under the lock: accepted while the file was read
        raise Conflict(str(_l("This month is already accepted; ask the vendor manager to reopen it.")), "period")
    latest = session.execute(select(func.max(Submission.version)).where(
        Submission.contract_id == contract.id, Submission.period == period)).scalar()
    stored = storage.store(session, data, checked.filename, _content_type(checked.file_format),
                           getattr(actor, "id", None))
    now = utcnow()
    warnings = checked.warnings
    submission = Submission(
        contract_id=contract.id, period=period, version=(latest or 0) + 1, status="submitted", file_id=stored.id,
        uploaded_by_id=getattr(actor, "id", None), created_at=now, is_late=now > due_at(contract, period, tz),
        row_count=checked.row_count, totals=json.dumps(checked.totals, ensure_ascii=False),
        rows_blob=checked.rows_blob,
        warnings=json.dumps([issue_dict(w) for w in warnings], ensure_ascii=False) if warnings else None,
        profile=checked.profile, derived=json.dumps(checked.derived, ensure_ascii=False) if checked.derived else None,
    )
    session.add(submission)
    session.flush()
    attempt.outcome, attempt.submission_id = "stored", submission.id
    session.add(attempt)
    session.flush()
    return SubmitOutcome(submission, attempt, [], warnings)


def submit_file(session: Session, actor, contract: Contract, *, period: str, filename: str, data: bytes,
                tz: str, number_format: str | None = None) -> SubmitOutcome:
    """Check an uploaded file row by row and store it as the month's next version, or store nothing.

    The attempt is always recorded for the upload history, with its errors when it was refused. (The pages
    and the API read the file between upload_rules and store_upload, outside any transaction.)

    :raises ValidationFailed: the period is not a month.
    :raises Conflict: the month is already accepted.
    """
    rules = upload_rules(session, contract, period, tz=tz, number_format=number_format)
    return store_upload(session, actor, contract, rules, check_upload(rules, filename, data), data, tz=tz)


def month_figures(checked: CheckedFile, rules: UploadRules) -> dict:
    """Return a checked file's month as the dry run shows it: totals and metrics overall and per channel."""
    if checked.totals is None:
        return {}
    out = {}
    for group, values in checked.totals["measures"].items():
        numbers = {k: load_number(v) for k, v in values.items()}
        figures = _month_metrics(numbers, rules.sl_formula)
        out[group] = {"totals": values,
                      "metrics": {k: v for k, v in figures.items() if v is not None and math.isfinite(v)}}
    return out


def _content_type(file_format: str) -> str:
    if file_format == "xlsx":
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return "text/csv"


def _check_reviewable(session: Session, submission: Submission) -> None:
    _lock_contract_months(session, submission.contract_id)
    session.refresh(submission, ["status"])  # as committed by whoever held the lock before us
    if submission.status != "submitted":
        raise Conflict(str(_l("Only a submission waiting for review can be accepted or returned.")), "status")
    newest = session.execute(select(func.max(Submission.version)).where(
        Submission.contract_id == submission.contract_id, Submission.period == submission.period)).scalar()
    if newest != submission.version:
        raise Conflict(str(_l("A newer version of this month has been uploaded; review that one.")), "version")


def accept_submission(session: Session, actor, submission: Submission, comment: str | None = None) -> Submission:
    """Accept a submission: its month is scored from it from now on."""
    checked = Cleaner({"comment": comment})
    checked.text("comment", required=False, max_len=4000)
    checked.result()
    _check_reviewable(session, submission)
    submission.status, submission.reviewed_by_id, submission.reviewed_at = "accepted", actor.id, utcnow()
    submission.review_comment = checked.values.get("comment")
    session.flush()
    return submission


def return_submission(session: Session, actor, submission: Submission, comment: str) -> Submission:
    """Return a submission to the vendor with a comment saying what to fix.

    :raises ValidationFailed: no comment.
    """
    if not (comment or "").strip():
        raise ValidationFailed([FieldError("comment", _l("Say what the vendor should fix."))])
    _check_reviewable(session, submission)
    submission.status, submission.reviewed_by_id, submission.reviewed_at = "returned", actor.id, utcnow()
    submission.review_comment = comment.strip()[:4000]
    session.flush()
    return submission


def list_submissions(session: Session, contract_id: int, period: str | None = None) -> list[Submission]:
    """Return a contract's submissions, newest first, optionally of one month."""
    stmt = select(Submission).where(Submission.contract_id == contract_id)
    if period:
        stmt = stmt.where(Submission.period == period)
    return list(session.execute(stmt.order_by(Submission.period.desc(), Submission.version.desc())).scalars())


def list_attempts(session: Session, contract_id: int, limit: int = 50) -> list[UploadAttempt]:
    stmt = (select(UploadAttempt).where(UploadAttempt.contract_id == contract_id)
            .order_by(UploadAttempt.id.desc()).limit(limit))
    return list(session.execute(stmt).scalars())


def review_queue(session: Session) -> list[tuple[Submission, Contract]]:
    """Return the submissions waiting for review (the newest version of each month), oldest first."""
    stmt = (select(Submission, Contract).join(Contract, Contract.id == Submission.contract_id)
            .where(Submission.status == "submitted").order_by(Submission.created_at))
    rows = session.execute(stmt).all()
    newest: dict[tuple[int, str], tuple[Submission, Contract]] = {}
    for sub, contract in rows:
        key = (sub.contract_id, sub.period)
        if key not in newest or sub.version > newest[key][0].version:
            newest[key] = (sub, contract)
    return sorted(newest.values(), key=lambda pair: as_utc(pair[0].created_at))


@dataclass(frozen=True)
class AcceptedMonth:
    period: str
    submission_id: int
    version: int
    measures: dict[str, dict[str, Fraction]]  # channel ("*" = all) -> measure -> total
    reported: dict[str, str]
    custom: dict[str, str]
    derived_from_averages: bool = False  # read from a platform export that gives averages, not counts


def accepted_months_for(session: Session, contract_ids: Iterable[int], periods: Iterable[str] | None = None,
                        ) -> dict[int, dict[str, AcceptedMonth]]:
    """Return per contract and month the totals of the latest accepted version (one query in all)."""
    stmt = (select(Submission.id, Submission.contract_id, Submission.period, Submission.version, Submission.totals,
                   Submission.derived)
            .where(Submission.contract_id.in_(list(contract_ids)), Submission.status == "accepted"))
    if periods is not None:
        stmt = stmt.where(Submission.period.in_(list(periods)))
    out: dict[int, dict[str, AcceptedMonth]] = {}
    for sub_id, contract_id, period, version, totals, how in session.execute(stmt).all():
        months = out.setdefault(contract_id, {})
        if period in months and months[period].version > version:
            continue
        data = json.loads(totals)
        measures = {ch: {m: load_number(v) for m, v in values.items()} for ch, values in data["measures"].items()}
        months[period] = AcceptedMonth(period, sub_id, version, measures, data.get("reported", {}),
                                       data.get("custom", {}), bool(how and json.loads(how).get("from_averages")))
    return out


def accepted_months(session: Session, contract_id: int, periods: Iterable[str] | None = None,
                    ) -> dict[str, AcceptedMonth]:
    """Return, per month, the totals of the latest accepted version of one contract."""
    return accepted_months_for(session, [contract_id], periods).get(contract_id, {})


def submissions_for_month(session: Session, contract_ids: Iterable[int], period: str) -> dict[int, list[Submission]]:
    """Return each contract's versions of one month (one query)."""
    stmt = (select(Submission).where(Submission.contract_id.in_(list(contract_ids)), Submission.period == period)
            .order_by(Submission.version))
    out: dict[int, list[Submission]] = {}
    for sub in session.execute(stmt).scalars():
        out.setdefault(sub.contract_id, []).append(sub)
    return out


def stored_warnings(submission: Submission) -> list[parsing.CellIssue]:
    """Return the warnings a stored version was taken with (in the uploader's language at the time)."""
    items = json.loads(submission.warnings) if submission.warnings else []
    return [parsing.CellIssue(w.get("row"), w.get("column"), w.get("message", "")) for w in items]


def submission_to_dict(submission: Submission) -> dict:
    return {
        "id": submission.id, "contract_id": submission.contract_id, "period": submission.period,
        "version": submission.version, "status": submission.status, "late": submission.is_late,
        "sha256": submission.file.sha256, "filename": submission.file.original_name, "rows": submission.row_count,
        "uploaded_at": as_utc(submission.created_at).isoformat(), "review_comment": submission.review_comment,
        "reviewed_at": as_utc(submission.reviewed_at).isoformat() if submission.reviewed_at else None,
        "warnings": json.loads(submission.warnings) if submission.warnings else [],
        "profile": submission.profile,
        "derived_from_averages": derived_from_averages(submission),
    }


def derived(submission: Submission) -> dict | None:
    """Return how a version's measures were derived from a platform's export, or None for the portal's layout."""
    return json.loads(submission.derived) if submission.derived else None


def derived_from_averages(submission: Submission) -> bool:
    """Say whether a version's totals are averages × counts (from a platform export) rather than exact counts."""
    found = derived(submission)
    return bool(found and found.get("from_averages"))


__all__ = ["Forbidden"]
