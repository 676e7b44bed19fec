"""The measure and metric catalog and the formulas that turn summed raw counts into monthly metrics."""

from __future__ import annotations

import enum
import math
import operator
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Literal, TypeAlias

Number: TypeAlias = int | float | Decimal | Fraction
Totals: TypeAlias = Mapping[str, Number | None]
Unit: TypeAlias = Literal["%", "s", "points", "score"]


class MeasureKind(enum.StrEnum):
    COUNT = "count"  # a non-negative integer
    SUM = "sum"  # a non-negative number (seconds, score points)


class Direction(enum.StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


class ServiceLevelFormula(enum.StrEnum):
    EXCLUDE_SHORT = "exclude_short"
    OFFERED = "offered"
    ANSWERED = "answered"
    EXCLUDE_WITHIN_SL = "exclude_within_sl"
    WITHIN_SL_GOOD = "within_sl_good"


@dataclass(frozen=True)
class Measure:
    key: str
    kind: MeasureKind
    name_en: str
    name_ja: str
    aliases_ja: tuple[str, ...]  # accepted Japanese column headers; the first is name_ja
    is_optional: bool = False


@dataclass(frozen=True)
class Metric:
    key: str
    unit: Unit
    direction: Direction
    name_en: str
    name_ja: str
    measures: tuple[str, ...]
    is_queue_speed: bool = False


@dataclass(frozen=True)
class MedianWait:
    seconds: float  # the median; with is_more_than, the largest bucket bound it lies beyond
    is_more_than: bool = False


WAIT_BUCKETS: tuple[int, ...] = (10, 20, 30, 60, 120, 300)

_C, _S = MeasureKind.COUNT, MeasureKind.SUM


def _measure(key: str, kind: MeasureKind, name_en: str, aliases_ja: tuple[str, ...], *,
             is_optional: bool = False) -> Measure:
    return Measure(key, kind, name_en, aliases_ja[0], aliases_ja, is_optional)


MEASURES: tuple[Measure, ...] = (
    _measure("offered", _C, "Offered", ("着信数", "入電数", "入呼数", "受電数", "着信件数", "入電件数", "受電件数",
                                        "着信呼数", "総着信数", "呼数")),
    _measure("answered", _C, "Answered", ("応答数", "応答件数", "応答呼数", "応答呼", "応対件数", "対応件数",
                                          "応答済数")),
    _measure("answered_within_sl", _C, "Answered within service level",
             ("時間内応答数", "SL内応答数", "サービスレベル内応答数", "SL内応答呼数", "時間内応答呼数")),
    _measure("abandoned", _C, "Abandoned", ("放棄数", "放棄呼数", "放棄件数", "放棄呼", "途中放棄数")),
    _measure("abandoned_short", _C, "Short abandons", ("短時間放棄数", "短時間放棄呼数", "短時間放棄呼")),
    _measure("abandoned_within_sl", _C, "Abandoned within service level",
             ("時間内放棄数", "SL内放棄数"), is_optional=True),
    _measure("agents_staffed", _C, "Agents staffed", ("配置人数", "稼働人数", "オペレーター数"),
             is_optional=True),
    _measure("wait_time_total_s", _S, "Total wait time (s)",
             ("総待ち時間(秒)", "待ち時間合計(秒)", "総待ち時間", "待ち時間合計")),
    _measure("handle_time_total_s", _S, "Total handle time (s)",
             ("総処理時間(秒)", "処理時間合計(秒)", "総処理時間", "処理時間合計", "総対応時間")),
    _measure("resolved_first_contact", _C, "Resolved at first contact", ("一次解決数", "初回解決数")),
    _measure("resolved", _C, "Resolved", ("解決数", "解決件数")),
    *(
        _measure(f"wait_le_{n}", _C, f"Answered within {n} s",
                 (f"{n}秒以内応答数", f"待ち{n}秒以内", f"{n}秒以内"), is_optional=True)
        for n in WAIT_BUCKETS
    ),
    _measure("received", _C, "Received", ("受信数", "受信件数", "受付件数")),
    _measure("responded_within_target", _C, "Responded within target",
             ("目標時間内返信数", "期限内返信数", "時間内返信数")),
    _measure("csat_responses", _C, "CSAT responses", ("満足度回答数", "CSAT回答数")),
    _measure("csat_satisfied", _C, "CSAT satisfied (4–5)", ("満足回答数", "CSAT満足数")),
    _measure("nps_promoters", _C, "NPS promoters (9–10)", ("推奨者数", "NPS推奨者数")),
    _measure("nps_passives", _C, "NPS passives (7–8)", ("中立者数", "NPS中立者数")),
    _measure("nps_detractors", _C, "NPS detractors (0–6)", ("批判者数", "NPS批判者数")),
    _measure("ces_responses", _C, "CES responses", ("努力度回答数", "CES回答数")),
    _measure("ces_score_total", _S, "CES score total", ("努力度スコア合計", "CESスコア合計")),
    _measure("qa_evaluations", _C, "QA evaluations", ("品質評価数", "QA評価数", "モニタリング件数")),
    _measure("qa_score_total", _S, "QA score total", ("品質評価スコア合計", "QAスコア合計")),
)
MEASURES_BY_KEY: Mapping[str, Measure] = MappingProxyType({m.key: m for m in MEASURES})

# Row columns that are not measures: they identify the row rather than count anything.
DIMENSION_ALIASES_JA: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "date": ("日付", "年月日", "対象日", "集計日", "日"),
    "interval": ("時間帯", "開始時刻", "時刻", "インターバル", "集計時間帯"),
    "channel": ("チャネル", "チャンネル", "媒体", "チャネル種別"),
    "queue": ("キュー", "待ち行列", "スキル", "スキルグループ", "グループ"),
})

_SL_MEASURES: Mapping[ServiceLevelFormula, tuple[str, ...]] = MappingProxyType({
    ServiceLevelFormula.EXCLUDE_SHORT: ("answered_within_sl", "offered", "abandoned_short"),
    ServiceLevelFormula.OFFERED: ("answered_within_sl", "offered"),
    ServiceLevelFormula.ANSWERED: ("answered_within_sl", "answered"),
    ServiceLevelFormula.EXCLUDE_WITHIN_SL: ("answered_within_sl", "offered", "abandoned_within_sl"),
    ServiceLevelFormula.WITHIN_SL_GOOD: ("answered_within_sl", "abandoned_within_sl", "offered"),
})

_H, _L = Direction.HIGHER, Direction.LOWER

METRICS: tuple[Metric, ...] = (
    Metric("service_level", "%", _H, "Service level", "サービスレベル",
           _SL_MEASURES[ServiceLevelFormula.EXCLUDE_SHORT], is_queue_speed=True),
    Metric("answer_rate", "%", _H, "Answer rate", "応答率", ("answered", "offered"), is_queue_speed=True),
    Metric("abandonment_rate", "%", _L, "Abandonment rate", "放棄率",
           ("abandoned", "abandoned_short", "offered"), is_queue_speed=True),
    Metric("asa", "s", _L, "Average speed of answer", "平均応答時間", ("wait_time_total_s", "answered"),
           is_queue_speed=True),
    Metric("aht", "s", _L, "Average handle time", "平均処理時間", ("handle_time_total_s", "answered")),
    Metric("fcr", "%", _H, "First contact resolution", "一次解決率", ("resolved_first_contact", "answered")),
    Metric("resolution_rate", "%", _H, "Resolution rate", "解決率", ("resolved", "answered")),
    Metric("median_wait", "s", _L, "Median wait", "待ち時間中央値",
           ("answered", *(f"wait_le_{n}" for n in WAIT_BUCKETS)), is_queue_speed=True),
    Metric("email_response", "%", _H, "E-mail response within target", "メール目標時間内返信率",
           ("responded_within_target", "received")),
    Metric("csat", "%", _H, "Customer satisfaction (CSAT)", "顧客満足度（CSAT）",
           ("csat_satisfied", "csat_responses")),
    Metric("nps", "points", _H, "Net Promoter Score", "ネット・プロモーター・スコア（NPS）",
           ("nps_promoters", "nps_passives", "nps_detractors")),
    Metric("ces", "score", _H, "Customer effort score", "顧客努力指標（CES）",
           ("ces_score_total", "ces_responses")),
    Metric("qa_score", "score", _H, "Quality score", "品質評価スコア", ("qa_score_total", "qa_evaluations")),
)
METRICS_BY_KEY: Mapping[str, Metric] = MappingProxyType({m.key: m for m in METRICS})


def _normalise_header(text: str) -> str:
    # NFKC folds the full-width letters, digits and brackets that Japanese Excel users type.
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _header_index() -> Mapping[str, str]:
    index: dict[str, str] = {}
    names: list[tuple[str, str]] = []
    for measure in MEASURES:
        names += [(measure.key, measure.key), (measure.name_en, measure.key),
                  *((alias, measure.key) for alias in measure.aliases_ja)]
    for key, aliases in DIMENSION_ALIASES_JA.items():
        names += [(key, key), *((alias, key) for alias in aliases)]
    for name, key in names:
        normalised = _normalise_header(name)
        if index.setdefault(normalised, key) != key:
            raise AssertionError(f"header alias {name!r} names two columns")
    return MappingProxyType(index)


_HEADERS = _header_index()


# A unit written after a header, as in 受電数（件） or Handle time (s). Units that change nothing are dropped;
# any other (分, min, ms) leaves the header unknown rather than read minutes as seconds.
_UNIT = re.compile(r"\s*[(\[【]\s*([^)\]】]{1,12}?)\s*[)\]】]\s*$")
NEUTRAL_UNITS = frozenset({"件", "回", "人", "数", "呼", "count", "calls", "s", "sec", "secs", "seconds", "秒"})


def header_unit(header: str) -> str | None:
    """Return the unit written at the end of a header (after NFKC), or None."""
    match = _UNIT.search(_normalise_header(header))
    return match.group(1) if match else None


def resolve_header(header: str) -> str | None:
    """Return the measure or dimension key a column header names, or None if it names none."""
    normalised = _normalise_header(header)
    key = _HEADERS.get(normalised)
    if key is None:
        match = _UNIT.search(normalised)
        if match is not None and match.group(1) in NEUTRAL_UNITS:
            key = _HEADERS.get(normalised[:match.start()])
    return key


def header_names() -> Mapping[str, str]:
    """Return every accepted header (English keys and Japanese names, normalised) with the key it names."""
    return _HEADERS


# The names people give a channel in their files, by the portal's channel key (compared after NFKC, case-folded,
# with spaces, hyphens and underscores dropped). A value that is none of these is an error naming the allowed ones.
CHANNEL_ALIASES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "phone": ("phone", "電話", "音声", "音声通話", "通話", "電話応対", "コール", "入電", "受電", "tel", "telephone",
              "voice", "call", "calls", "inbound", "inbound voice", "inbound call", "inbound calls", "ib", "ivr",
              "telephony", "phone call", "phone calls"),
    "email": ("email", "e-mail", "mail", "メール", "eメール", "電子メール", "e-mail support", "email support",
              "emails", "mails"),
    "chat": ("chat", "チャット", "web chat", "webchat", "live chat", "livechat", "ウェブチャット", "有人チャット",
             "messaging", "chats"),
    "sms": ("sms", "ショートメッセージ", "text", "text message", "テキストメッセージ"),
    "social": ("social", "sns", "social media", "ソーシャル", "ソーシャルメディア"),
})


CHANNELS: tuple[str, ...] = tuple(CHANNEL_ALIASES)


def _channel_index() -> Mapping[str, str]:
    index: dict[str, str] = {}
    for key, aliases in CHANNEL_ALIASES.items():
        for alias in (key, *aliases):
            if index.setdefault(_channel_key(alias), key) != key:
                raise AssertionError(f"channel alias {alias!r} names two channels")
    return MappingProxyType(index)


def _channel_key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "-_・･")


def resolve_channel(text: str) -> str | None:
    """Return the channel key a value names (電話, Voice, TEL, E-mail, チャット …), or None if it names none."""
    return _CHANNELS.get(_channel_key(text))


_CHANNELS = _channel_index()


def service_level_measures(sl_formula: ServiceLevelFormula | str) -> tuple[str, ...]:
    """Return the measures a service-level formula needs."""
    return _SL_MEASURES[ServiceLevelFormula(sl_formula)]


def required_measures(metric_key: str, *,
                      sl_formula: ServiceLevelFormula | str = ServiceLevelFormula.EXCLUDE_SHORT,
                      ) -> tuple[str, ...]:
    """Return the measures needed to compute a metric under the contract's service-level formula."""
    if metric_key == "service_level":
        return service_level_measures(sl_formula)
    return METRICS_BY_KEY[metric_key].measures


def to_fraction(value: Number) -> Fraction:
    """Convert a finite number to an exact fraction, reading a float as the decimal it prints as."""
    if type(value) is Fraction:
        return value  # the common case inside the scorecard core: nothing to convert
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | Fraction):
        raise TypeError(f"expected a number, got {value!r}")
    if (isinstance(value, float) and not math.isfinite(value)) or (
            isinstance(value, Decimal) and not value.is_finite()):
        raise ValueError(f"expected a finite number, got {value!r}")
    # A float arrives from a spreadsheet cell that showed e.g. 12.3; its shortest repr is that decimal,
    # and reading it so keeps sums exact and comparisons with Decimal targets honest.
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


def _measure_value(measure: Measure, value: Number) -> Fraction:
    exact = to_fraction(value)
    if exact < 0:
        raise ValueError(f"{measure.key} must not be negative, got {value!r}")
    if measure.kind is MeasureKind.COUNT and exact.denominator != 1:
        raise ValueError(f"{measure.key} must be a whole number, got {value!r}")
    return exact


def _tidy(value: Fraction) -> int | Fraction:
    return value.numerator if value.denominator == 1 else value


def sum_columns(columns: Mapping[str, Sequence[int | Decimal | Fraction]],
                groups: Sequence[str | None] | None = None) -> dict[str, dict[str, int | Decimal | Fraction]]:
    """Sum checked measure columns over the month ("*") and per group value, such as the channel.

    The values are exact (ints, Decimals or Fractions), so built-in sum() is exact and stays in C over
    100,000 rows. A row with a blank group ("" or None) counts only in "*". This is the one monthly total:
    the upload paths and sum_measures all end here.
    """
    totals: dict[str, dict] = {"*": {key: sum(values) for key, values in columns.items()}}
    if groups is None:
        return totals
    count = len(groups)
    for group in dict.fromkeys(groups):
        if group in ("", None):
            continue
        picks = [i for i, g in enumerate(groups) if g == group]
        if len(picks) == count:
            totals[group] = totals["*"]
        elif len(picks) == 1:
            totals[group] = {key: values[picks[0]] for key, values in columns.items()}
        else:
            getter = operator.itemgetter(*picks)
            totals[group] = {key: sum(getter(values)) for key, values in columns.items()}
    return totals


def sum_measures(rows: Iterable[Mapping[str, Number | None]]) -> dict[str, int | Fraction]:
    """Check rows of measures and sum each measure exactly over them; a blank (None) cell adds nothing.

    A measure appears in the result when at least one row has a value for it. Counts come back as
    int, sums as int or Fraction, so any split of the same counts into rows gives the same totals.

    :raises ValueError: on an unknown column, a negative value or a fractional count.
    """
    columns: dict[str, list[Fraction]] = {}
    for number, row in enumerate(rows, start=1):
        for key, value in row.items():
            measure = MEASURES_BY_KEY.get(key)
            if measure is None:
                raise ValueError(f"row {number}: {key!r} is not a measure")
            if value is None:
                continue
            try:
                columns.setdefault(key, []).append(_measure_value(measure, value))
            except ValueError as exc:
                raise ValueError(f"row {number}: {exc}") from exc
    return {key: _tidy(Fraction(value)) for key, value in sum_columns(columns)["*"].items()}


def _exact_totals(totals: Totals) -> dict[str, Fraction]:
    exact: dict[str, Fraction] = {}
    for key, value in totals.items():
        measure = MEASURES_BY_KEY.get(key)
        if measure is None:
            raise ValueError(f"{key!r} is not a measure")
        if value is not None:
            exact[key] = _measure_value(measure, value)
    return exact


_Exact: TypeAlias = Mapping[str, Fraction]


def _ratio(numerator: Fraction, denominator: Fraction, scale: int = 1) -> Fraction | None:
    if denominator < 0:
        raise ValueError("inconsistent totals: a metric's denominator is negative")
    if denominator == 0:
        return None  # no contacts, no value: never report 0 % or 100 % for an empty month
    return numerator * scale / denominator


def _values(totals: _Exact, *keys: str) -> tuple[Fraction, ...] | None:
    if any(key not in totals for key in keys):
        return None
    return tuple(totals[key] for key in keys)


def _service_level(totals: _Exact, formula: ServiceLevelFormula) -> Fraction | None:
    values = _values(totals, *_SL_MEASURES[formula])
    if values is None:
        return None
    match formula:
        case ServiceLevelFormula.EXCLUDE_SHORT | ServiceLevelFormula.EXCLUDE_WITHIN_SL:
            within, offered, excluded = values
            return _ratio(within, offered - excluded, 100)
        case ServiceLevelFormula.OFFERED | ServiceLevelFormula.ANSWERED:
            within, denominator = values
            return _ratio(within, denominator, 100)
        case ServiceLevelFormula.WITHIN_SL_GOOD:
            within, abandoned_within, offered = values
            return _ratio(within + abandoned_within, offered, 100)
    raise AssertionError(formula)  # pragma: no cover - the match is exhaustive


def _abandonment_rate(totals: _Exact) -> Fraction | None:
    values = _values(totals, "abandoned", "abandoned_short", "offered")
    if values is None:
        return None
    abandoned, short, offered = values
    # Short abandons (wrong numbers, IVR mistakes) leave numerator and denominator alike.
    return _ratio(abandoned - short, offered - short, 100)


def _nps(totals: _Exact) -> Fraction | None:
    values = _values(totals, "nps_promoters", "nps_passives", "nps_detractors")
    if values is None:
        return None
    promoters, passives, detractors = values
    return _ratio(promoters - detractors, promoters + passives + detractors, 100)


def _simple(numerator: str, denominator: str, scale: int) -> Callable[[_Exact], Fraction | None]:
    def formula(totals: _Exact) -> Fraction | None:
        values = _values(totals, numerator, denominator)
        return None if values is None else _ratio(values[0], values[1], scale)
    return formula


def _median_exact(totals: _Exact) -> tuple[Fraction, bool] | None:
    answered = totals.get("answered")
    buckets = [(n, totals[f"wait_le_{n}"]) for n in WAIT_BUCKETS if f"wait_le_{n}" in totals]
    if not answered or not buckets:
        return None
    half = answered / 2
    lower_bound, lower_count = Fraction(0), Fraction(0)
    for bound, count in buckets:
        if count >= half:
            # Inside the bucket the cumulative count is taken to rise linearly; at count == half the
            # median lands exactly on the bound, so bound targets agree with wait_le_N >= answered / 2.
            share = (half - lower_count) / (count - lower_count)
            return lower_bound + share * (bound - lower_bound), False
        lower_bound, lower_count = Fraction(bound), count
    return lower_bound, True


def median_wait(totals: Totals) -> MedianWait | None:
    """Return the median wait of answered contacts from the cumulative wait_le_<N> buckets.

    The result says "more than N s" when fewer than half the answered contacts are in the largest
    bucket given (300 s when all are). None when nothing was answered or no bucket was reported.
    """
    median = _median_exact(_exact_totals(totals))
    if median is None:
        return None
    seconds, is_more_than = median
    return MedianWait(float(seconds), is_more_than)


def median_wait_meets(totals: Totals, target_seconds: Number) -> bool | None:
    """Say whether the median wait is at most target_seconds.

    A target on a reported bucket bound N is decided exactly by wait_le_N >= answered / 2. None when
    there is no data, or when the median lies beyond the largest bucket and the target beyond that.
    """
    exact = _exact_totals(totals)
    target = to_fraction(target_seconds)
    answered = exact.get("answered")
    bucket = exact.get(f"wait_le_{target}") if target.denominator == 1 else None
    if answered and bucket is not None:
        return bucket * 2 >= answered
    median = _median_exact(exact)
    if median is None:
        return None
    seconds, is_more_than = median
    if is_more_than:
        return False if target < seconds else None
    return seconds <= target


_FORMULAS: Mapping[str, Callable[[_Exact], Fraction | None]] = MappingProxyType({
    "answer_rate": _simple("answered", "offered", 100),
    "abandonment_rate": _abandonment_rate,
    "asa": _simple("wait_time_total_s", "answered", 1),
    "aht": _simple("handle_time_total_s", "answered", 1),
    "fcr": _simple("resolved_first_contact", "answered", 100),
    "resolution_rate": _simple("resolved", "answered", 100),
    "email_response": _simple("responded_within_target", "received", 100),
    "csat": _simple("csat_satisfied", "csat_responses", 100),
    "nps": _nps,
    "ces": _simple("ces_score_total", "ces_responses", 1),
    "qa_score": _simple("qa_score_total", "qa_evaluations", 1),
})


def _compute(metric_key: str, totals: _Exact, formula: ServiceLevelFormula) -> float | None:
    if metric_key == "service_level":
        value = _service_level(totals, formula)
    elif metric_key == "median_wait":
        median = _median_exact(totals)
        if median is None:
            return None
        # Beyond the largest bucket the median is unknown but larger than any bucket target: +inf
        # compares and scores that way; median_wait() gives the bound for display.
        return math.inf if median[1] else float(median[0])
    elif metric_key in _FORMULAS:
        value = _FORMULAS[metric_key](totals)
    else:
        raise KeyError(metric_key)
    return None if value is None else float(value)


def compute_metric(metric_key: str, totals: Totals, *,
                   sl_formula: ServiceLevelFormula | str = ServiceLevelFormula.EXCLUDE_SHORT) -> float | None:
    """Compute one catalog metric from summed totals; None when a measure or the denominator is missing."""
    return _compute(metric_key, _exact_totals(totals), ServiceLevelFormula(sl_formula))


def compute_metrics(totals: Totals, *,
                    sl_formula: ServiceLevelFormula | str = ServiceLevelFormula.EXCLUDE_SHORT,
                    ) -> dict[str, float | None]:
    """Compute every catalog metric from summed totals (never from averaged percentages).

    A metric is None when one of its measures is missing or its denominator is 0. The median wait is
    math.inf when it lies beyond the largest wait_le bucket.

    :raises ValueError: on an unknown service-level formula or measure, or inconsistent totals.
    """
    exact = _exact_totals(totals)
    formula = ServiceLevelFormula(sl_formula)
    return {metric.key: _compute(metric.key, exact, formula) for metric in METRICS}


# Plausibility: a month that computes but looks wrong (a unit mix-up, a shifted column) is shown as a warning.
AHT_PLAUSIBLE_S = (10, 7200)  # under 10 seconds or over 2 hours a contact is almost surely a unit mistake
ASA_OVER_AHT = 10  # waiting ten times longer than the contact itself
JUMP_SPREADS = 3  # a metric this many times its recent spread away from its recent median
JUMP_HISTORY = 6  # months looked back
JUMP_MIN_HISTORY = 3


@dataclass(frozen=True)
class Implausible:
    """One figure that looks wrong: which metric, which rule, and the numbers that show it."""

    metric: str
    rule: str  # "aht_range", "asa_over_aht", "jump"
    value: float
    low: float | None = None
    high: float | None = None


def implausible(month: Mapping[str, float | None],
                history: Sequence[Mapping[str, float | None]] = ()) -> list[Implausible]:
    """Check a month's metrics for figures that look wrong; history holds earlier months, newest last."""
    found: list[Implausible] = []
    aht, asa = month.get("aht"), month.get("asa")
    low, high = AHT_PLAUSIBLE_S
    if aht is not None and math.isfinite(aht) and not low <= aht <= high:
        found.append(Implausible("aht", "aht_range", aht, low, high))
    if asa is not None and aht and math.isfinite(asa) and asa > aht * ASA_OVER_AHT:
        found.append(Implausible("asa", "asa_over_aht", asa, None, aht * ASA_OVER_AHT))
    recent = list(history)[-JUMP_HISTORY:]
    for key, value in month.items():
        if value is None or not math.isfinite(value):
            continue
        before = [m[key] for m in recent if m.get(key) is not None and math.isfinite(m[key])]
        if len(before) < JUMP_MIN_HISTORY:
            continue
        spread = max(before) - min(before)
        middle = sorted(before)[len(before) // 2]
        if spread > 0 and abs(value - middle) > JUMP_SPREADS * spread:
            found.append(Implausible(key, "jump", value, min(before), max(before)))
    return found
