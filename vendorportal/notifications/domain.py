"""Pure reminder rules shared by checklists and actions: one event per subject, reminder and due date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ReminderEvent:
    """A reminder to send; key is stable for one subject, reminder and due date, so it is sent once."""

    kind: str
    subject_id: int
    key: str



def reminder_key(subject: str, subject_id: int, reminder: str, due: dt.date) -> str:
    # The due date is part of the key so that moving it re-arms the reminder, while every daily run
    # inside the same window yields the same key and the sender's unique row stops a second mail.
    return f"{subject}:{subject_id}:{reminder}:{due.isoformat()}"
