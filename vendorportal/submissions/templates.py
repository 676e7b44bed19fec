"""Downloadable upload templates per contract: the columns its targets need, a header and an example row."""

from __future__ import annotations

import csv
import io

from flask import send_file
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from vendorportal.contracts.models import Contract
from vendorportal.core.formatting import today
from vendorportal.metrics import domain as metrics
from vendorportal.targets import services as targets

# A believable 30-minute interval that passes every consistency rule.
EXAMPLE = {
    "offered": 120, "answered": 112, "answered_within_sl": 100, "abandoned": 8, "abandoned_short": 3,
    "abandoned_within_sl": 4, "agents_staffed": 14, "wait_time_total_s": 1456, "handle_time_total_s": 33600,
    "resolved_first_contact": 84, "resolved": 98, "wait_le_10": 80, "wait_le_20": 100, "wait_le_30": 104,
    "wait_le_60": 108, "wait_le_120": 111, "wait_le_300": 112, "received": 40, "responded_within_target": 37,
    "csat_responses": 25, "csat_satisfied": 22, "nps_promoters": 12, "nps_passives": 8, "nps_detractors": 5,
    "ces_responses": 20, "ces_score_total": 78, "qa_evaluations": 4, "qa_score_total": 352,
}


def template_columns(session: Session, contract: Contract, period: str) -> list[str]:
    """Return the template's header: dimensions, then the measures the targets need, then custom values."""
    measures, custom = targets.required_columns(session, contract, period)
    if not measures and not custom:
        measures = {"offered", "answered", "answered_within_sl", "abandoned", "abandoned_short"}
    ordered = [m.key for m in metrics.MEASURES if m.key in measures]
    return ["date", "interval", "channel", "queue", *ordered, *(f"custom_{k}" for k in sorted(custom))]


def header_name(key: str, language: str) -> str:
    """Return a template column's header in a language: the key in English, the first Japanese name in Japanese."""
    if language != "ja":
        return key
    if key in metrics.MEASURES_BY_KEY:
        return metrics.MEASURES_BY_KEY[key].name_ja
    if key in metrics.DIMENSION_ALIASES_JA:
        return metrics.DIMENSION_ALIASES_JA[key][0]
    return key


def template_rows(columns: list[str], contract: Contract, period: str, language: str = "en") -> list[list]:
    channel = (contract.channel_list or ["phone"])[0]
    if language == "ja":
        channel = metrics.CHANNEL_ALIASES[channel][1] if channel in ("phone", "email", "chat") else channel
    example = {"date": f"{period}-01", "interval": "09:00", "channel": channel, "queue": "main", **EXAMPLE}
    return [[header_name(c, language) for c in columns], [example.get(c, 0) for c in columns]]


def _written_as(measure) -> str:
    if measure.key.endswith("_s"):
        return str(_l("seconds, h:mm:ss or mm:ss"))
    if measure.kind is metrics.MeasureKind.COUNT:
        return str(_l("a whole number; - is 0"))
    return str(_l("a number"))


def column_catalog() -> dict:
    """Return every accepted column and channel name, from the one catalog, for the column-names help page."""
    return {
        "dimensions": [(key, names) for key, names in metrics.DIMENSION_ALIASES_JA.items()],
        "measures": [(m, _written_as(m)) for m in metrics.MEASURES],
        "channels": [(key, names) for key, names in metrics.CHANNEL_ALIASES.items()],
        "neutral_units": sorted(metrics.NEUTRAL_UNITS),
    }


def template_response(session: Session, contract: Contract, fmt: str, period: str | None, language: str = "en"):
    """Return the template as a CSV (UTF-8 with BOM, so Excel opens it right) or XLSX download."""
    day = today()
    period = period if period and targets.PERIOD_RE.fullmatch(period) else f"{day.year:04d}-{day.month:02d}"
    language = "ja" if language == "ja" else "en"
    rows = template_rows(template_columns(session, contract, period), contract, period, language)
    name = f"{contract.reference}-{period}-template{'-ja' if language == 'ja' else ''}.{fmt}"
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(rows)
        data, mimetype = out.getvalue().encode("utf-8-sig"), "text/csv"
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(period)
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        data = buffer.getvalue()
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name, max_age=0)
