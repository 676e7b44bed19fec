"""The daily reminders as a job step: notify, commit, then mail (the scheduler and `send-reminders`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from vendorportal.core import mail
from vendorportal.notifications import services


def send_daily_reminders(session: Session, today: dt.date) -> int:
    """Run the day's reminders, commit, then mail them; return how many mails went out."""
    mails = services.daily_reminders(session, today)
    session.commit()
    mail.send_all(mails)
    return len(mails)
