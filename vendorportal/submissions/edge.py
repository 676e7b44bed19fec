"""An upload's transactions at the edge: read the month's rules, let go of the database while the file is read
and checked, then store it (or, for a dry run, store nothing).

Reading a large or hostile file takes seconds; inside a transaction it would hold SQLite's write lock (every
transaction there begins IMMEDIATE) and make every other request wait. So the edge commits the short read of
the rules first, and the file is read with no transaction open: only plain values cross that gap.
"""

from __future__ import annotations

from dataclasses import dataclass

from vendorportal.extensions import db
from vendorportal.submissions import services


@dataclass
class Upload:
    """What an upload did: the rules it was read under, the checked file, and what was stored (None: a dry run)."""

    rules: services.UploadRules
    checked: services.CheckedFile
    outcome: services.SubmitOutcome | None


def upload(actor, contract, *, period: str, filename: str, data: bytes, tz: str, number_format: str | None = None,
           dry_run: bool = False) -> Upload:
    """Check a month's file outside any transaction and, unless it is a dry run, store it; the caller commits.

    :raises ValidationFailed: the period or the number format is not valid.
    :raises Conflict: the month is already accepted.
    """
    rules = services.upload_rules(db.session, contract, period, tz=tz, number_format=number_format)
    db.session.commit()  # end the read: no lock is held while the file is read (nothing ORM is touched then)
    checked = services.check_upload(rules, filename, data)
    if dry_run:
        return Upload(rules, checked, None)
    return Upload(rules, checked, services.store_upload(db.session, actor, contract, rules, checked, data, tz=tz))
