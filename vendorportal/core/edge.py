"""The edge's transactions: one commit per request, CLI command or job step, and mails only after it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import abort, flash
from flask_wtf import FlaskForm

from vendorportal.core import audit, mail
from vendorportal.core.errors import Conflict, Forbidden, NotFound, TooLarge, ValidationFailed
from vendorportal.core.forms import attach_errors
from vendorportal.extensions import db


@contextmanager
def unit_of_work(actor: audit.AuditActor | None = None):
    """Run a block as one transaction: commit on success, roll back on any error."""
    if actor is not None:
        audit.set_actor(db.session, actor)
    try:
        yield db.session
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def problem_text(err: Exception) -> str:
    """Return what a person should read about a refused change."""
    if isinstance(err, ValidationFailed):
        return "; ".join(str(e.message) for e in err.errors)
    return str(getattr(err, "message", "") or err)


class Step:
    """One change at the edge: the mails to send after its commit, what to say when it worked, and whether it did."""

    def __init__(self, success: str | None = None):
        self.mails: list[mail.Mail] = []
        self.success = success
        self.ok = False


@contextmanager
def change(success: str | None = None, *, form: FlaskForm | None = None) -> Iterator[Step]:
    """Run a page's change as one transaction and say how it went.

    On success: commit, send the step's mails (never before the commit, so a mail never announces a rollback),
    flash step.success. A refused change (ValidationFailed, Conflict) is rolled back and its reason flashed (with a
    form, next to its fields), and the view goes on (step.ok is false); Forbidden, NotFound and TooLarge roll
    back and answer 403, 404 and 413.
    """
    step = Step(success)
    try:
        yield step
    except (ValidationFailed, Conflict) as err:
        db.session.rollback()
        if form is not None and isinstance(err, ValidationFailed):
            for message in attach_errors(form, err):
                flash(message, "danger")
        else:
            flash(problem_text(err), "danger")
        return
    except (Forbidden, NotFound, TooLarge) as err:
        db.session.rollback()
        abort(403 if isinstance(err, Forbidden) else 404 if isinstance(err, NotFound) else 413)
    db.session.commit()
    step.ok = True
    mail.send_all(step.mails)
    if step.success:
        flash(step.success, "success")
