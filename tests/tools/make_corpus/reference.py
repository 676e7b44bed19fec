"""The reference month: October 2026 of a phone + e-mail contact centre, and the spellings the variants use.

Every corpus file carries exactly these counts. Phone rows are 30-minute intervals (09:00-12:30, 8 a day) of
one queue; e-mail rows are one day total each. Phone rows report received = responded_within_target = 0;
e-mail rows report offered = received, answered = responded, answered_within_sl = responded_within_target,
no abandons and no wait. Every value is a whole number (ACD exports give whole seconds), per-row counts stay
below 1,000 and most second totals are above 1,000, so a misread thousands separator shows.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random

YEAR, MONTH = 2026, 10
PERIOD = f"{YEAR:04d}-{MONTH:02d}"
PHONE_QUEUE, EMAIL_QUEUE = "general", "support"
INTERVALS = [dt.time(9 + m // 60, m % 60) for m in range(0, 240, 30)]  # 09:00 … 12:30

DIMENSIONS = ["date", "interval", "channel", "queue"]
MEASURES = ["offered", "answered", "answered_within_sl", "abandoned", "abandoned_short", "wait_time_total_s",
            "handle_time_total_s", "received", "responded_within_target", "csat_responses", "csat_satisfied"]
SUMS = {"wait_time_total_s", "handle_time_total_s"}
COLUMNS = DIMENSIONS + MEASURES  # the portal's template order (dimensions, then measures in catalog order)

# Header spellings, column by column in COLUMNS order.
HEADERS_EN = list(COLUMNS)
HEADERS_JA = ["日付", "時間帯", "チャネル", "キュー", "着信数", "応答数", "時間内応答数", "放棄数", "短時間放棄数",
              "総待ち時間(秒)", "総処理時間(秒)", "受信数", "目標時間内返信数", "満足度回答数", "満足回答数"]
HEADERS_JA_ALT = ["年月日", "開始時刻", "チャンネル", "待ち行列", "入電数", "応答件数", "SL内応答数", "放棄呼数",
                  "短時間放棄呼数", "待ち時間合計（秒）", "処理時間合計（秒）", "受付件数", "期限内返信数",
                  "CSAT回答数", "CSAT満足数"]
HEADERS_EN_DISPLAY = ["Date", "Interval", "Channel", "Queue", "Offered", "Answered",
                      "Answered within service level", "Abandoned", "Short abandons", "Total wait time (s)",
                      "Total handle time (s)", "Received", "Responded within target", "CSAT responses",
                      "CSAT satisfied (4–5)"]
HEADERS_EN_TITLE = ["Date", "Interval", "Channel", "Queue", "Offered", "Answered", "Answered_Within_SL",
                    "Abandoned", "Abandoned_Short", "Wait_Time_Total_S", "Handle_Time_Total_S", "Received",
                    "Responded_Within_Target", "CSAT_Responses", "CSAT_Satisfied"]

# Channel spellings people use, by the portal's channel key.
CHANNELS_JA = {"phone": "電話", "email": "メール"}
CHANNELS_VOICE = {"phone": "Voice", "email": "Email"}
CHANNELS_TEL = {"phone": "TEL", "email": "MAIL"}
CHANNELS_TITLE = {"phone": "Phone", "email": "E-mail"}


def _phone_row(rng: random.Random, day: dt.date, interval: dt.time) -> dict:
    offered = rng.randint(38, 96)
    abandoned = max(1, round(offered * rng.uniform(0.015, 0.085)))
    short = rng.randint(0, min(abandoned, 3))
    answered = offered - abandoned
    within = round(answered * rng.uniform(0.70, 0.90))
    csat = round(answered * rng.uniform(0.07, 0.15))
    return {"date": day, "interval": interval, "channel": "phone", "queue": PHONE_QUEUE,
            "offered": offered, "answered": answered, "answered_within_sl": within, "abandoned": abandoned,
            "abandoned_short": short, "wait_time_total_s": round(answered * rng.uniform(16, 36)),
            "handle_time_total_s": round(answered * rng.uniform(285, 370)), "received": 0,
            "responded_within_target": 0, "csat_responses": csat,
            "csat_satisfied": round(csat * rng.uniform(0.72, 0.95))}


def _email_row(rng: random.Random, day: dt.date) -> dict:
    received = rng.randint(118, 214)
    responded = received - rng.randint(0, 5)
    within = min(responded, round(received * rng.uniform(0.76, 0.92)))
    csat = round(responded * rng.uniform(0.08, 0.18))
    return {"date": day, "interval": None, "channel": "email", "queue": EMAIL_QUEUE,
            "offered": received, "answered": responded, "answered_within_sl": within, "abandoned": 0,
            "abandoned_short": 0, "wait_time_total_s": 0,
            "handle_time_total_s": round(responded * rng.uniform(430, 610)), "received": received,
            "responded_within_target": within, "csat_responses": csat,
            "csat_satisfied": round(csat * rng.uniform(0.70, 0.92))}


def reference_rows() -> list[dict]:
    """Return the month's rows in file order: each day's phone intervals, then its e-mail total."""
    rng = random.Random(20261001)
    rows = []
    for number in range(1, calendar.monthrange(YEAR, MONTH)[1] + 1):
        day = dt.date(YEAR, MONTH, number)
        rows += [_phone_row(rng, day, interval) for interval in INTERVALS]
        rows.append(_email_row(rng, day))
    return rows


def totals(rows: list[dict], channel: str | None = None) -> dict[str, int]:
    picked = [r for r in rows if channel is None or r["channel"] == channel]
    return {m: sum(r[m] for r in picked) for m in MEASURES}


def iso_interval(row: dict) -> str:
    return row["interval"].strftime("%H:%M") if row["interval"] else ""


def text_row(row: dict, *, date=lambda d: d.isoformat(), interval=iso_interval, channel=None,
             number=str, queue=None) -> list[str]:
    """Return a row as text cells in COLUMNS order, each part spelt by the given functions."""
    return [date(row["date"]), interval(row), (channel or {}).get(row["channel"], row["channel"]),
            (queue or {}).get(row["queue"], row["queue"]), *(number(row[m]) for m in MEASURES)]
